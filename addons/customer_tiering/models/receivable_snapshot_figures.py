from odoo import models


class ReceivableSnapshot(models.Model):
    _name = "receivable.snapshot"
    _inherit = ["receivable.snapshot", "customer.period.end.mixin"]

    # one snapshot per month-end: grouped snapshots show the balances of the
    # latest (the opening of the earliest), the movements added up
    _period_end = (
        "total_closing",
        "total_overdue",
        "total_buckets",
        "ledger_balance",
        "tie_out_difference",
    )
    _period_start = ("total_opening",)
