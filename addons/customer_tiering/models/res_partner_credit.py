from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from ..access import ACCOUNT_MANAGER, CREDIT_CONTROLLER, in_any_group, require_any_group
from ..ledger import open_receivable
from .customer_credit_grade import GRADE_SELECTION
from .res_partner_receivables import RECEIVABLE_GROUPS
from .sale_order import ORDER_OPEN_AMOUNT

# Only a sales manager decides these by hand.
OVERRIDE_FIELDS = frozenset({"customer_tier", "tier_locked", "tier_lock_reason"})
# Credit decisions and ratings: written by credit controllers or by the nightly
# pass only, whoever else may edit the contact.
CREDIT_DECISION_FIELDS = frozenset(
    {
        "credit_limit",
        "use_partner_credit_limit",
        "credit_score",
        "credit_grade",
        "credit_paydex",
        "credit_dso",
        "credit_overdue_share",
        "credit_suggested_limit",
        "credit_breakdown",
        "credit_review_due",
    }
)
# Fields that move a contact to another commercial entity, and so its orders
# to another customer's exposure.
COMMERCIAL_FIELDS = frozenset({"parent_id", "is_company", "commercial_partner_id"})


class ResPartner(models.Model):
    """Credit rating and exposure, and who may decide them (the create/write guard)."""

    _inherit = "res.partner"

    # Credit rating: one per company, from the ledger.  The nightly run rewrites
    # them: no "is set" index (Odoo's default for company-dependent fields), which
    # no search uses and every run's UPDATE maintains.
    credit_score = fields.Float(
        company_dependent=True, index=False, readonly=True, digits=(5, 2), aggregator="avg"
    )
    credit_grade = fields.Selection(
        GRADE_SELECTION, company_dependent=True, index=False, readonly=True
    )
    credit_paydex = fields.Float(
        string="PAYDEX",
        company_dependent=True,
        index=False,
        readonly=True,
        digits=(5, 1),
        aggregator="avg",
        help="80 = paid on time; lower is later, up to 100 for early payers.",
    )
    credit_dso = fields.Float(
        string="DSO (days)",
        company_dependent=True,
        index=False,
        readonly=True,
        digits=(6, 1),
        aggregator="avg",
    )
    credit_overdue_share = fields.Float(
        string="Overdue Share",
        company_dependent=True,
        index=False,
        readonly=True,
        digits=(5, 4),
        aggregator="avg",
    )
    credit_suggested_limit = fields.Float(
        string="Suggested Limit",
        company_dependent=True,
        index=False,
        readonly=True,
        aggregator="sum",
    )
    credit_breakdown = fields.Text(company_dependent=True, index=False, readonly=True)
    credit_review_due = fields.Date(company_dependent=True, index=False, readonly=True)
    credit_exposure = fields.Monetary(
        string="Exposure",
        compute="_compute_credit_exposure",
        currency_field="currency_id",
        help="Open receivables, confirmed but uninvoiced sales and draft invoices.",
    )
    credit_review_ids = fields.One2many(
        "customer.credit.review", "partner_id", string="Credit Reviews", readonly=True
    )
    held_order_count = fields.Integer(
        string="Orders on Hold", compute="_compute_held_order_count", groups=RECEIVABLE_GROUPS
    )

    @api.depends_context("company")
    def _compute_credit_exposure(self):
        exposure = self._credit_exposure(self.commercial_partner_id)
        for partner in self:
            partner.credit_exposure = exposure.get(partner.commercial_partner_id.id, 0.0)

    @api.depends_context("company")
    def _compute_held_order_count(self):
        # a count only, on the current company: finance may not read orders themselves
        held = dict(
            self.env["sale.order"]
            .sudo()  # finance counts held orders it may not open
            ._read_group(
                [
                    ("company_id", "=", self.env.company.id),
                    ("partner_invoice_id", "child_of", self.commercial_partner_id.ids),
                    ("state", "in", ("draft", "sent")),
                    ("credit_on_hold", "=", True),
                ],
                ["partner_invoice_id"],
                ["__count"],
            )
        )
        for partner in self:
            family = partner.commercial_partner_id
            partner.held_order_count = sum(
                count
                for order_partner, count in held.items()
                if order_partner.commercial_partner_id == family
            )

    # -- CRUD -----------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        defaults = {key[8:] for key in self.env.context if key.startswith("default_")}
        for vals in vals_list:
            self._check_decision_rights({key for key, value in vals.items() if value} | defaults)
        return super().create(vals_list)

    def write(self, vals):
        self._check_decision_rights(set(vals))
        before = {}
        if COMMERCIAL_FIELDS & set(vals) and not self._can_decide_credit():
            # read before the write: moving a contact also syncs commercial fields
            controlled = self.commercial_partner_id._under_credit_control()
            before = {partner.id: partner.commercial_partner_id for partner in self}
        result = super().write(vals)
        if before:
            moved = self.filtered(lambda p: p.commercial_partner_id != before[p.id])
            left = {before[p.id] for p in moved} & set(controlled)
            if left:
                raise AccessError(
                    self.env._(
                        "%(customer)s is under credit control: only a credit controller "
                        "can move it or its contacts to another company.",
                        customer=", ".join(p.display_name for p in left),
                    )
                )
        return result

    def _check_decision_rights(self, names):
        if OVERRIDE_FIELDS & names and not self._can_override_tier():
            raise AccessError(self.env._("Only a sales manager can set a customer's tier by hand."))
        if CREDIT_DECISION_FIELDS & names and not self._can_decide_credit():
            raise AccessError(
                self.env._("Only a credit controller can change a customer's credit limit.")
            )

    def _under_credit_control(self):
        """The partners of ``self`` with a limit or a blocking grade in any company."""
        controlled = self.browse()
        # control in a company the user cannot open still counts
        for company in self.env["res.company"].sudo().search([]):
            grades = self.env["customer.tier.policy"]._for_company(company)._credit_grades()
            # the limit and grade are finance's fields: read them whoever edits
            for partner in self.with_company(company).sudo():
                grade = grades.get(partner.credit_grade)
                if partner.credit_limit > 0 or (grade and grade.block_sales):
                    controlled |= partner
        return controlled.with_env(self.env)

    @api.model
    def _check_grading_rights(self):
        """Grading runs raw SQL as the system: account managers and finance only."""
        message = self.env._("Only account managers and credit controllers grade customers.")
        require_any_group(self.env, message, ACCOUNT_MANAGER, CREDIT_CONTROLLER)

    def _can_decide_credit(self):
        return in_any_group(self.env, CREDIT_CONTROLLER)

    def action_open_held_orders(self):
        self.ensure_one()
        return self._action_for(
            "customer_tiering.sale_order_held_action",
            [
                ("credit_on_hold", "=", True),
                ("partner_invoice_id", "child_of", self.commercial_partner_id.ids),
            ],
        )

    @api.model
    def _credit_exposure(self, partners):
        """Extension hook: exposure per commercial partner id, in company currency.

        Open receivables + confirmed but uninvoiced sales + draft invoices, each
        counted for the customer that owes it (an order's invoice address).
        ``logistics_crm`` adds delivered, uninvoiced shipments with ``super()``.
        """
        if not partners:
            return {}
        self.env.flush_all()
        params = {"company": self.env.company.id, "ids": partners.ids}
        exposure = dict.fromkeys(partners.ids, 0.0)
        for pid, amount in self.env.execute_query(
            SQL(
                """
                SELECT l.partner_id, SUM(l.amount_residual)
                  FROM account_move_line l
                 WHERE %(open)s AND l.partner_id = ANY(%(ids)s)
                 GROUP BY l.partner_id
                UNION ALL
                SELECT m.commercial_partner_id, SUM(m.amount_total_signed)
                  FROM account_move m
                 WHERE m.company_id = %(company)s AND m.commercial_partner_id = ANY(%(ids)s)
                   AND m.state = 'draft' AND m.move_type IN ('out_invoice', 'out_refund')
                 GROUP BY m.commercial_partner_id
                UNION ALL
                SELECT rp.commercial_partner_id, SUM(%(order_open_amount)s)
                  FROM sale_order_line sol
                  JOIN sale_order so ON so.id = sol.order_id
                  JOIN res_partner rp ON rp.id = COALESCE(so.partner_invoice_id, so.partner_id)
                 WHERE so.company_id = %(company)s AND so.state = 'sale'
                   AND rp.commercial_partner_id = ANY(%(ids)s)
                   AND sol.display_type IS NULL AND sol.product_uom_qty > 0
                 GROUP BY rp.commercial_partner_id
                """,
                order_open_amount=ORDER_OPEN_AMOUNT,
                open=open_receivable(self.env.company.id),
                **params,
            )
        ):
            exposure[pid] += amount or 0.0
        return exposure
