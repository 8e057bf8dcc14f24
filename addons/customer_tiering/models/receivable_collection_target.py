from odoo import api, fields, models
from odoo.tools import SQL

from ..ledger import posted_receivable


class ReceivableCollectionTarget(models.Model):
    """One overdue customer in a year-end collection plan (清收计划):
    what to collect, who collects it and by when; progress from the payments
    received after the snapshot's cut-off."""

    _name = "receivable.collection.target"
    _description = "Collection Plan Target"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "deadline, target_amount desc, id"
    _check_company_auto = True

    snapshot_id = fields.Many2one(
        "receivable.snapshot", required=True, ondelete="cascade", index=True, readonly=True
    )
    company_id = fields.Many2one(
        related="snapshot_id.company_id", store=True, index=True, precompute=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    date_to = fields.Date(related="snapshot_id.date_to", string="Cut-off Date", store=True)
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, readonly=True)
    user_id = fields.Many2one(
        "res.users",
        string="Owner",
        required=True,
        tracking=True,
        default=lambda self: self.env.user,
    )
    overdue_amount = fields.Monetary(string="Overdue at Cut-off", readonly=True)
    target_amount = fields.Monetary(required=True, tracking=True)
    deadline = fields.Date(required=True, tracking=True)
    collected_amount = fields.Monetary(
        compute="_compute_collected", help="Payments received after the cut-off."
    )
    progress = fields.Float(string="Progress (%)", compute="_compute_collected", aggregator="avg")
    reached = fields.Boolean(string="Target Reached", compute="_compute_collected")
    note = fields.Text()

    @api.depends("partner_id", "date_to", "target_amount")
    def _compute_collected(self):
        """One query for all targets: customer payments dated after the cut-off."""
        collected = {}
        targets = self.filtered("id")
        if targets:
            self.env.flush_all()
            collected = dict(
                self.env.execute_query(
                    SQL(
                        """
                        SELECT t.id, COALESCE(SUM(l.credit), 0)
                          FROM receivable_collection_target t
                          JOIN receivable_snapshot s ON s.id = t.snapshot_id
                          JOIN res_partner rp ON rp.commercial_partner_id = t.partner_id
                          JOIN account_move_line l ON l.partner_id = rp.id
                               AND l.company_id = s.company_id
                               AND l.date > s.date_to
                               AND (l.payment_id IS NOT NULL OR l.statement_line_id IS NOT NULL)
                               AND %s
                         WHERE t.id = ANY(%s)
                         GROUP BY t.id
                        """,
                        posted_receivable(),
                        targets.ids,
                    )
                )
            )
        for target in self:
            amount = float(collected.get(target.id, 0.0))
            target.collected_amount = amount
            target.progress = (
                min(100.0, 100.0 * amount / target.target_amount) if target.target_amount else 0.0
            )
            target.reached = bool(target.target_amount) and amount >= target.target_amount

    @api.model
    def _create_for_snapshot(self, snapshot):
        """A target per overdue customer not yet in the plan, with an activity for its owner."""
        snapshot.ensure_one()
        planned = set(self.search([("snapshot_id", "=", snapshot.id)]).partner_id.ids)
        lines = snapshot.line_ids.filtered(
            lambda line: (
                line.partner_id and line.overdue_amount > 0 and line.partner_id.id not in planned
            )
        )
        deadline = snapshot.date_to.replace(month=12, day=31)
        if deadline <= fields.Date.context_today(self):
            deadline = fields.Date.add(fields.Date.context_today(self), days=90)
        targets = self.create(
            [
                {
                    "snapshot_id": snapshot.id,
                    "partner_id": line.partner_id.id,
                    "user_id": (line.partner_id.user_id or self.env.user).id,
                    "overdue_amount": line.overdue_amount,
                    "target_amount": line.overdue_amount,
                    "deadline": deadline,
                }
                for line in lines
            ]
        )
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        model_id = self.env["ir.model"]._get_id(self._name)
        self.env["mail.activity"].with_context(mail_activity_quick_update=True).create(
            [
                {
                    "res_model_id": model_id,
                    "res_id": target.id,
                    "activity_type_id": activity_type.id,
                    "user_id": target.user_id.id,
                    "date_deadline": target.deadline,
                    # stored: in the language of whoever collects
                    "summary": self.with_context(lang=target.user_id.lang).env._(
                        "Collect %(amount)s from %(customer)s",
                        amount=target.currency_id.format(target.target_amount),
                        customer=target.partner_id.display_name,
                    ),
                }
                for target in targets
            ]
        )
        return targets
