"""Snapshot and statement names are now stored in the company's and the customer's
language: name the existing ones again (once the new translations are loaded)."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    for model in ("receivable.snapshot", "receivable.statement"):
        records = env[model].with_context(active_test=False).search([])
        env.add_to_compute(records._fields["name"], records)
        records._recompute_recordset(["name"])
    env.flush_all()
