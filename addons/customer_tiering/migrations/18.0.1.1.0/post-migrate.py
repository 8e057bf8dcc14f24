"""Credit control: releases become records, accounting managers stop implying credit controllers."""

from odoo import SUPERUSER_ID, Command, api
from odoo.tools import SQL

OLD_COLUMNS = (
    "credit_release_amount",
    "credit_release_user_id",
    "credit_release_date",
    "credit_release_reason",
    "credit_release_used",
)


def migrate(cr, version):
    if not version:
        return
    _stop_implying_credit_controller(cr)
    _move_releases_to_records(cr)


def _stop_implying_credit_controller(cr):
    """Approving write-offs and deciding credit are different rights now.

    Users who hold the group keep it; new accounting managers no longer get it.
    """
    env = api.Environment(cr, SUPERUSER_ID, {})
    controller = env.ref("customer_tiering.group_credit_controller")
    env.ref("account.group_account_manager").write({"implied_ids": [Command.unlink(controller.id)]})


def _move_releases_to_records(cr):
    cr.execute(
        """
        SELECT count(*) FROM information_schema.columns
         WHERE table_name = 'sale_order' AND column_name = 'credit_release_user_id'
        """
    )
    if not cr.fetchone()[0]:
        return
    cr.execute(
        """
        INSERT INTO sale_order_credit_release
               (order_id, partner_id, company_id, currency_id, amount, user_id, reason,
                date, used, voided, create_uid, create_date, write_uid, write_date)
        SELECT so.id, rp.commercial_partner_id, so.company_id, so.currency_id,
               COALESCE(so.credit_release_amount, 0), so.credit_release_user_id,
               COALESCE(so.credit_release_reason, '-'),
               COALESCE(so.credit_release_date, so.write_date),
               COALESCE(so.credit_release_used, false), false,
               so.credit_release_user_id, now() AT TIME ZONE 'UTC',
               so.credit_release_user_id, now() AT TIME ZONE 'UTC'
          FROM sale_order so
          JOIN res_partner rp ON rp.id = COALESCE(so.partner_invoice_id, so.partner_id)
         WHERE so.credit_release_user_id IS NOT NULL
        """
    )
    for column in OLD_COLUMNS:
        cr.execute(SQL("ALTER TABLE sale_order DROP COLUMN IF EXISTS %s", SQL.identifier(column)))
