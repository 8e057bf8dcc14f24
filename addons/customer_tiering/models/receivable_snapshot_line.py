from odoo import api, fields, models

from ..const import TIER_SELECTION
from .receivable_snapshot import BUCKET_FIELDS
from .receivable_statement import STATEMENT_STATES

BUCKET_STRINGS = ["Not Due"] + [f"Bucket {index}" for index in range(1, len(BUCKET_FIELDS))]


class ReceivableSnapshotLine(models.Model):
    """One customer in a month-end snapshot: balance table and aging."""

    _name = "receivable.snapshot.line"
    _inherit = ["customer.tier.order.mixin", "customer.period.end.mixin"]
    _description = "Month-end Receivables Snapshot Line"
    _order = "snapshot_id desc, closing_balance desc, id"
    _rec_name = "partner_id"
    # written a whole snapshot at a time: who computed it and when is the snapshot's
    # (as mail.followers, no log columns, so no two foreign-key checks per line)
    _log_access = False
    # balances and aging hold at the cut-off: never added up over months
    _period_end = ("closing_balance", "overdue_amount", *BUCKET_FIELDS)
    _period_start = ("opening_balance", "previous_closing_balance", "previous_overdue_amount")

    snapshot_id = fields.Many2one(
        "receivable.snapshot", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    date_to = fields.Date(related="snapshot_id.date_to", string="Cut-off Date", store=True)
    snapshot_state = fields.Selection(related="snapshot_id.state", string="Snapshot State")
    partner_id = fields.Many2one(
        "res.partner", string="Customer", readonly=True, index=True, ondelete="restrict"
    )
    partner_label = fields.Char(string="Customer Name", compute="_compute_partner_label")
    user_id = fields.Many2one(related="partner_id.user_id", string="Account Manager")
    opening_balance = fields.Monetary(readonly=True, aggregator="sum")
    debit = fields.Monetary(string="Period Debits", readonly=True, aggregator="sum")
    credit = fields.Monetary(string="Period Credits", readonly=True, aggregator="sum")
    closing_balance = fields.Monetary(readonly=True, aggregator="sum")
    overdue_amount = fields.Monetary(string="Overdue", readonly=True, aggregator="sum")
    previous_closing_balance = fields.Monetary(
        string="Previous Closing Balance", readonly=True, aggregator="sum"
    )
    closing_change = fields.Monetary(
        string="Change in Balance",
        readonly=True,
        aggregator="sum",
        help="Closing balance against the previous snapshot (R-AR-1).",
    )
    previous_overdue_amount = fields.Monetary(
        string="Previous Overdue", readonly=True, aggregator="sum"
    )
    overdue_change = fields.Monetary(string="Change in Overdue", readonly=True, aggregator="sum")
    customer_tier = fields.Selection(TIER_SELECTION, string="Tier at Snapshot", readonly=True)
    credit_grade = fields.Char(string="Credit Grade at Snapshot", readonly=True)
    statement_id = fields.Many2one(
        "receivable.statement", compute="_compute_statement", string="Statement"
    )
    statement_state = fields.Selection(
        STATEMENT_STATES, compute="_compute_statement", string="Statement Status"
    )
    bucket_0 = fields.Monetary(string=BUCKET_STRINGS[0], readonly=True, aggregator="sum")
    bucket_1 = fields.Monetary(string=BUCKET_STRINGS[1], readonly=True, aggregator="sum")
    bucket_2 = fields.Monetary(string=BUCKET_STRINGS[2], readonly=True, aggregator="sum")
    bucket_3 = fields.Monetary(string=BUCKET_STRINGS[3], readonly=True, aggregator="sum")
    bucket_4 = fields.Monetary(string=BUCKET_STRINGS[4], readonly=True, aggregator="sum")
    bucket_5 = fields.Monetary(string=BUCKET_STRINGS[5], readonly=True, aggregator="sum")
    bucket_6 = fields.Monetary(string=BUCKET_STRINGS[6], readonly=True, aggregator="sum")
    bucket_7 = fields.Monetary(string=BUCKET_STRINGS[7], readonly=True, aggregator="sum")
    # dashboards sum lines: one snapshot per company, or months add up
    in_latest_snapshot = fields.Boolean(
        compute="_compute_in_latest_snapshot",
        search="_search_in_latest_snapshot",
        help="Belongs to its company's computed or closed snapshot with the latest cut-off date.",
    )

    @api.model
    def fields_get(self, allfields=None, attributes=None):
        """Aging columns titled with their ranges (Not due, 1-30, ...), from the
        company's buckets as new snapshots take them; unused buckets keep their
        generic title."""
        result = super().fields_get(allfields, attributes)
        labels = self.env.company._bucket_labels(self.env.company._receivable_edges())
        for name, label in zip(BUCKET_FIELDS, labels, strict=False):
            if "string" in result.get(name, {}):
                result[name]["string"] = label
        return result

    @api.depends("partner_id")
    def _compute_partner_label(self):
        for line in self:
            line.partner_label = line.partner_id.display_name or self.env._("No partner")

    def _latest_snapshots(self):
        snapshots = self.env["receivable.snapshot"]
        for (company,) in snapshots._read_group([("state", "!=", "draft")], ["company_id"]):
            snapshots |= snapshots.search(
                [("company_id", "=", company.id), ("state", "!=", "draft")],
                order="date_to desc, id desc",
                limit=1,
            )
        return snapshots

    def _compute_in_latest_snapshot(self):
        latest = self._latest_snapshots()
        for line in self:
            line.in_latest_snapshot = line.snapshot_id in latest

    def _search_in_latest_snapshot(self, operator, value):
        if operator not in ("=", "!="):
            raise ValueError(f"in_latest_snapshot cannot be searched with {operator}")
        inside = (operator == "=") == bool(value)
        return [("snapshot_id", "in" if inside else "not in", self._latest_snapshots().ids)]

    def _compute_statement(self):
        statements = self.env["receivable.statement"].search(
            [("snapshot_id", "in", self.snapshot_id.ids), ("partner_id", "in", self.partner_id.ids)]
        )
        by_key = {(s.snapshot_id.id, s.partner_id.id): s for s in statements}
        for line in self:
            statement = by_key.get((line.snapshot_id.id, line.partner_id.id))
            line.statement_id = statement
            line.statement_state = statement.state if statement else False

    @api.model_create_multi
    def create(self, vals_list):
        snapshots = self.env["receivable.snapshot"].browse(
            [vals["snapshot_id"] for vals in vals_list if vals.get("snapshot_id")]
        )
        snapshots._check_not_closed()
        return super().create(vals_list)

    def write(self, vals):
        self.snapshot_id._check_not_closed()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_closed(self):
        self.snapshot_id._check_not_closed()
