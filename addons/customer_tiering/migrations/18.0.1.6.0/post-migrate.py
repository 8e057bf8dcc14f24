"""Snapshot lines keep no log columns: who computed a snapshot and when is the
snapshot's.  Odoo keeps the columns of fields a model no longer has, and with them
two foreign-key checks per line written: drop them."""

from odoo.tools import SQL

LOG_COLUMNS = ("create_uid", "create_date", "write_uid", "write_date")


def migrate(cr, version):
    if not version:
        return
    for column in LOG_COLUMNS:
        cr.execute(
            SQL(
                "ALTER TABLE receivable_snapshot_line DROP COLUMN IF EXISTS %s",
                SQL.identifier(column),
            )
        )
