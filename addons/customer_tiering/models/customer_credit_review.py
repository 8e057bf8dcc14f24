from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..access import CREDIT_CONTROLLER, require_any_group
from .customer_credit_grade import GRADE_SELECTION


class CustomerCreditReview(models.Model):
    """The credit file (信用档案): every review with its inputs and decision."""

    _name = "customer.credit.review"
    _description = "Credit Review"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Date(required=True, default=fields.Date.context_today)
    reviewer_id = fields.Many2one("res.users", default=lambda self: self.env.user, required=True)
    origin = fields.Selection(
        [
            ("automatic", "Recompute"),
            ("manual", "Manual Review"),
            ("write_off", "Bad-debt Write-off"),
            ("release", "Order Release"),
        ],
        required=True,
        default="manual",
    )
    state = fields.Selection(
        [("draft", "Draft"), ("done", "Decided")], default="draft", required=True, tracking=True
    )
    # ledger metrics at the review date
    paydex = fields.Float(string="PAYDEX", digits=(5, 1))
    dso = fields.Float(string="DSO (days)", digits=(6, 1))
    overdue_share = fields.Float(string="Overdue Share", digits=(5, 4))
    open_amount = fields.Monetary(string="Open Receivables")
    exposure = fields.Monetary()
    # the customer's statements (solvency, operating capacity, profitability)
    current_ratio = fields.Float(digits=(6, 2))
    debt_ratio = fields.Float(digits=(6, 2))
    asset_turnover = fields.Float(digits=(6, 2))
    net_margin = fields.Float(string="Net Margin", digits=(6, 3))
    has_statements = fields.Boolean(
        string="Statements Entered",
        help="Use the four ratios above in the score (solvency, operating capacity, profitability).",
    )
    score = fields.Float(digits=(5, 2))
    grade = fields.Selection(GRADE_SELECTION)
    old_grade = fields.Selection(GRADE_SELECTION)
    suggested_limit = fields.Monetary()
    decided_limit = fields.Monetary(string="Decided Limit")
    payment_term_id = fields.Many2one("account.payment.term", check_company=True)
    amount = fields.Monetary(help="Amount released or written off.")
    notes = fields.Text()

    def write(self, vals):
        # a decided review is the record of a decision: a correction is a new review
        if not self.env.su and self.filtered(lambda review: review.state == "done"):
            raise UserError(self.env._("A decided credit review cannot be changed."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_decided(self):
        if not self.env.su and self.filtered(lambda review: review.state == "done"):
            raise UserError(self.env._("A decided credit review cannot be deleted."))

    @api.model
    def _check_credit_controller(self):
        message = self.env._("Only a credit controller can decide on credit.")
        require_any_group(self.env, message, CREDIT_CONTROLLER)

    def action_decide(self):
        """Apply the decided limit and payment terms to the customer, then regrade it."""
        self._check_credit_controller()
        for review in self:
            if review.state == "done":
                raise UserError(self.env._("This review is already decided."))
            partner = review.partner_id.with_company(review.company_id)
            values = {"credit_limit": review.decided_limit, "use_partner_credit_limit": True}
            if review.payment_term_id:
                values["property_payment_term_id"] = review.payment_term_id.id
            partner.write(values)
            review.write({"state": "done", "reviewer_id": self.env.uid})
            partner.message_post(
                body=Markup("<p>%s</p>")
                % self.env._(
                    "Credit review decided: limit %(limit)s, terms %(terms)s. %(notes)s",
                    limit=review.currency_id.format(review.decided_limit),
                    terms=review.payment_term_id.name or "—",
                    notes=review.notes or "",
                ),
                subtype_xmlid="mail.mt_note",
            )
            partner._recompute_customer_tiers(partner_ids=partner.ids)
        return True
