import logging

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..engine import activity, credit, scoring

_logger = logging.getLogger(__name__)

CURRENT_WEIGHT_FIELDS = {
    "revenue": "weight_revenue",
    "margin": "weight_margin",
    "frequency": "weight_frequency",
    "recency": "weight_recency",
    "payment": "weight_payment",
    "fulfilment": "weight_fulfilment",
}
POTENTIAL_WEIGHT_FIELDS = {
    "trend": "weight_trend",
    "size": "weight_size",
    "annual_revenue": "weight_annual_revenue",
    "wallet": "weight_wallet",
    "outlook": "weight_outlook",
}


class CustomerTierPolicy(models.Model):
    """How one company scores and tiers its customers."""

    _name = "customer.tier.policy"
    _description = "Customer Tiering Policy"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name")
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, ondelete="cascade"
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    window_months = fields.Integer(
        string="Look-back Window (months)",
        default=12,
        help="Invoices and payments of this many months count for the scores.",
    )
    # 5,000: the run's memory stays flat however many customers there are
    batch_size = fields.Integer(
        default=5000, help="Customers scored per batch (a batch is committed at once)."
    )

    # current value: weights
    weight_revenue = fields.Float(string="Revenue", default=40)
    weight_margin = fields.Float(string="Gross Margin", default=10)
    weight_frequency = fields.Float(string="Order Frequency", default=20)
    weight_recency = fields.Float(string="Recency", default=10)
    weight_payment = fields.Float(string="Payment Behaviour", default=10)
    weight_fulfilment = fields.Float(string="Contract Fulfilment", default=10)
    # current value: where each factor is full
    revenue_full = fields.Monetary(
        string="Revenue for Full Score", default=1_000_000, currency_field="currency_id"
    )
    invoices_per_month_full = fields.Float(string="Invoices a Month for Full Score", default=4)
    late_days_zero = fields.Float(
        string="Days Late for Zero Score",
        default=90,
        help="Average days paid beyond terms at which the payment factor reaches zero.",
    )
    margin_full = fields.Float(string="Margin for Full Score (%)", default=30)

    # potential value: weights and scales
    weight_trend = fields.Float(string="Revenue Trend", default=35)
    weight_size = fields.Float(string="Customer Size", default=15)
    weight_annual_revenue = fields.Float(string="Customer Annual Revenue", default=15)
    weight_wallet = fields.Float(string="Share of Wallet", default=20)
    weight_outlook = fields.Float(string="Industry Outlook", default=15)
    employees_full = fields.Integer(string="Employees for Full Score", default=5000)
    annual_revenue_full = fields.Monetary(
        string="Annual Revenue for Full Score", default=500_000_000, currency_field="currency_id"
    )

    # the tier matrix
    platinum_min = fields.Float(string="Platinum from (current)", default=75)
    gold_min = fields.Float(string="Gold from (current)", default=50)
    iron_min = fields.Float(string="Iron from (current)", default=25)
    rising_potential_min = fields.Float(
        string="Rising from (potential)",
        default=70,
        help="Below Gold on current value but at least this potential: Gold, flagged rising.",
    )
    candidate_margin = fields.Float(
        string="Candidate Margin (points)",
        default=5,
        help="A customer this close to the next threshold is a promotion or demotion candidate.",
    )

    # activity status boundaries (months since the last invoice)
    active_months = fields.Integer(string="Active up to (months)", default=3)
    cooling_months = fields.Integer(string="Cooling up to (months)", default=6)
    at_risk_months = fields.Integer(string="At Risk up to (months)", default=12)

    # service by tier
    platinum_contact_days = fields.Integer(
        string="Platinum Contact Every (days)",
        default=30,
        help="Cadence of the proactive-contact activity for platinum customers.",
    )
    tier_manager_id = fields.Many2one(
        "res.users",
        string="Assigns Account Managers",
        help="Gets an activity for each platinum customer without an account manager. "
        "Empty: the user who runs the recompute.",
    )
    # credit rating weights: payment performance from the ledger,
    # solvency, operating capacity and profitability from reviewed statements
    credit_weight_paydex = fields.Float(string="PAYDEX", default=credit.DEFAULT_WEIGHTS["paydex"])
    credit_weight_overdue = fields.Float(
        string="Overdue Receivables", default=credit.DEFAULT_WEIGHTS["overdue"]
    )
    credit_weight_dso = fields.Float(string="DSO", default=credit.DEFAULT_WEIGHTS["dso"])
    credit_weight_regularity = fields.Float(
        string="Invoicing Regularity", default=credit.DEFAULT_WEIGHTS["regularity"]
    )
    credit_weight_current_ratio = fields.Float(
        string="Current Ratio", default=credit.DEFAULT_WEIGHTS["current_ratio"]
    )
    credit_weight_debt_ratio = fields.Float(
        string="Debt Ratio", default=credit.DEFAULT_WEIGHTS["debt_ratio"]
    )
    credit_weight_asset_turnover = fields.Float(
        string="Asset Turnover", default=credit.DEFAULT_WEIGHTS["asset_turnover"]
    )
    credit_weight_net_margin = fields.Float(
        string="Net Margin", default=credit.DEFAULT_WEIGHTS["net_margin"]
    )
    credit_grade_ids = fields.One2many("customer.credit.grade", "policy_id", string="Credit Grades")
    # collection by aging bucket: 1-30 days to the account manager
    collection_user_31_90_id = fields.Many2one(
        "res.users",
        string="Collects 31–90 Days",
        help="Usually a credit controller. Empty: the user who runs the recompute.",
    )
    collection_user_over_90_id = fields.Many2one(
        "res.users",
        string="Collects over 90 Days",
        help="Usually the finance manager. Empty: the user who runs the recompute.",
    )
    credit_reviewer_id = fields.Many2one(
        "res.users",
        string="Credit Reviewer",
        help="Gets the credit-review-due activities. Empty: the user who runs the recompute.",
    )
    last_run = fields.Datetime(readonly=True)
    last_run_summary = fields.Char(readonly=True)

    _sql_constraints = [
        ("company_uniq", "unique(company_id)", "A company has one tiering policy."),
    ]

    @api.depends("company_id")
    def _compute_name(self):
        for policy in self:
            policy.name = self.env._("Tiering policy of %s", policy.company_id.name)

    @api.constrains(
        "platinum_min", "gold_min", "iron_min", "active_months", "cooling_months", "at_risk_months"
    )
    def _check_thresholds(self):
        for policy in self:
            if not 0 <= policy.iron_min < policy.gold_min < policy.platinum_min <= 100:
                raise ValidationError(
                    self.env._("Thresholds must rise: 0 ≤ Iron < Gold < Platinum ≤ 100.")
                )
            if not 0 < policy.active_months < policy.cooling_months < policy.at_risk_months:
                raise ValidationError(
                    self.env._("Activity boundaries must rise: active < cooling < at risk.")
                )

    @api.constrains("window_months", "batch_size")
    def _check_sizes(self):
        for policy in self:
            if policy.window_months < 2 or policy.batch_size < 1:
                raise ValidationError(
                    self.env._("The window needs at least 2 months and a batch one customer.")
                )

    @api.model
    def _for_company(self, company):
        """The company's policy (and its grade table), created with the defaults on first use."""
        # every user grades and reads with the company's policy; only managers may edit it
        policy = self.sudo().search([("company_id", "=", company.id)], limit=1)
        if not policy:
            # the first use creates the defaults, whoever the first user is
            policy = self.sudo().create({"company_id": company.id})
            # ... and its grade table, which the first user may not be allowed to write
            self.env["customer.credit.grade"].sudo()._create_defaults(policy)
        return policy

    def _credit_weights(self):
        self.ensure_one()
        return {
            key: self[f"credit_weight_{key}"]
            for key in (
                "paydex",
                "overdue",
                "dso",
                "regularity",
                "current_ratio",
                "debt_ratio",
                "asset_turnover",
                "net_margin",
            )
        }

    def _credit_grades(self):
        """Grade -> its policy line, for this company."""
        self.ensure_one()
        # the grade table decides holds for every user, who may not edit it
        lines = self.sudo().credit_grade_ids
        if not lines:
            # the defaults are created on first use, whoever the first user is
            self.env["customer.credit.grade"].sudo()._create_defaults(self)
            # read back as above: every user's holds depend on it
            lines = self.sudo().credit_grade_ids
        return {line.grade: line for line in lines}

    # -- what the pure engine needs ------------------------------------------

    def _engine_weights(self):
        """Current and potential weights by factor; hooks may add keys."""
        self.ensure_one()
        current = {key: self[fname] for key, fname in CURRENT_WEIGHT_FIELDS.items()}
        potential = {key: self[fname] for key, fname in POTENTIAL_WEIGHT_FIELDS.items()}
        return current, potential

    def _engine_scales(self):
        self.ensure_one()
        return scoring.ScoringScales(
            window_months=self.window_months,
            revenue_full=self.revenue_full or 1.0,
            invoices_per_month_full=self.invoices_per_month_full or 1.0,
            late_days_zero=self.late_days_zero or 1.0,
            margin_full=(self.margin_full or 1.0) / 100.0,
            employees_full=self.employees_full or 1,
            annual_revenue_full=self.annual_revenue_full or 1.0,
        )

    def _engine_matrix(self):
        self.ensure_one()
        return scoring.TierMatrix(
            self.platinum_min, self.gold_min, self.iron_min, self.rising_potential_min
        )

    def _engine_boundaries(self):
        self.ensure_one()
        return activity.ActivityBoundaries(
            self.active_months, self.cooling_months, self.at_risk_months
        )

    # -- actions --------------------------------------------------------------

    def action_recompute(self):
        self.ensure_one()
        self.env["res.partner"]._check_grading_rights()
        stats = self.env["res.partner"].with_company(self.company_id)._recompute_customer_tiers()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "title": self.env._("Customer tiers recomputed"),
                "message": self._summary(stats),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def _summary(self, stats):
        return self.env._(
            "%(customers)s customers scored, %(changed)s changed, %(tier_changes)s tier changes, "
            "%(grade_changes)s credit grade changes.",
            **stats,
        )

    @api.model
    def _cron_recompute_all_companies(self):
        """Nightly: every company with customers, one commit per batch."""
        # a job covers every company, as the scheduler's own user does
        self = self.sudo()
        for company in self.env["res.company"].search([]):
            partners = self.env["res.partner"].with_company(company)
            stats = partners._recompute_customer_tiers(commit_batches=True)
            _logger.info("Customer tiers of %s: %s", company.name, stats)

    # -- churn at a glance -------------------------------------------

    # counted from the statuses the nightly pass stores with this policy's boundaries
    active_3m = fields.Integer(
        string="Active", compute="_compute_churn_figures", help="Invoiced within 'Active up to'."
    )
    active_6m = fields.Integer(
        string="Active or Cooling",
        compute="_compute_churn_figures",
        help="Invoiced within 'Cooling up to'.",
    )
    active_12m = fields.Integer(
        string="Not Lost",
        compute="_compute_churn_figures",
        help="Invoiced within 'At Risk up to'.",
    )
    churn_rate = fields.Float(
        string="Churn Rate (%)",
        compute="_compute_churn_figures",
        help="Customers invoiced in the window before the last one who were not invoiced since; "
        "a window is 'At Risk up to' months long. This month's figure of Churn over Time.",
    )
    lost_count = fields.Integer(string="Lost Customers", compute="_compute_churn_figures")

    def _compute_churn_figures(self):
        month = fields.Date.context_today(self).replace(day=1)
        for policy in self:
            partners = self.env["res.partner"].with_company(policy.company_id)
            counts = dict(
                partners._read_group(
                    [("customer_activity_status", "!=", False)],
                    ["customer_activity_status"],
                    ["__count"],
                )
            )
            policy.active_3m = counts.get("active", 0)
            policy.active_6m = policy.active_3m + counts.get("cooling", 0)
            policy.active_12m = policy.active_6m + counts.get("at_risk", 0)
            policy.lost_count = counts.get("lost", 0)
            this_month = self.env["customer.churn.report"].search(
                [("company_id", "=", policy.company_id.id), ("month", "=", month)], limit=1
            )
            policy.churn_rate = round(this_month.churn_rate, 1)

    def action_open_win_back(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_tiering.res_partner_win_back_action"
        )
        action["context"] = {"allowed_company_ids": [self.company_id.id]}
        return action

    @api.model
    def _ensure_all_companies(self):
        for company in self.env["res.company"].search([]):
            self._for_company(company)
