"""Batches of 5,000 customers: a policy still at the former default of 20,000 gets it.

The grading's results on res.partner lost the "is set" index Odoo gives every
company-dependent field: no search uses them and each nightly UPDATE maintained
them.  Odoo keeps an index a field no longer declares, so drop them here."""

from odoo.tools import SQL

RESULT_FIELDS = (
    "customer_tier",
    "tier_computed",
    "tier_current_score",
    "tier_potential_score",
    "tier_rising",
    "tier_candidate",
    "customer_activity_status",
    "last_invoice_date",
    "tier_revenue",
    "tier_breakdown",
    "credit_score",
    "credit_grade",
    "credit_paydex",
    "credit_dso",
    "credit_overdue_share",
    "credit_suggested_limit",
    "credit_breakdown",
    "credit_review_due",
)


def migrate(cr, version):
    if not version:
        return
    cr.execute("UPDATE customer_tier_policy SET batch_size = 5000 WHERE batch_size = 20000")
    for name in RESULT_FIELDS:
        cr.execute(SQL("DROP INDEX IF EXISTS %s", SQL.identifier(f"res_partner__{name}_index")))
