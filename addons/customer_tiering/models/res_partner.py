import json
import logging
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from ..const import TIER_SELECTION
from ..engine import activity, credit, scoring
from .customer_credit_grade import GRADE_SELECTION
from .sale_order import ORDER_OPEN_AMOUNT

# who reads a customer's receivables on its form: finance and the account managers
RECEIVABLE_GROUPS = (
    "customer_tiering.group_credit_controller,customer_tiering.group_account_manager"
)

_logger = logging.getLogger(__name__)

CHAIN_POSITIONS = [
    ("upstream", "Upstream (supplier side)"),
    ("downstream", "Downstream (distributor)"),
    ("end_user", "End user"),
]
GROWTH_OUTLOOKS = [
    ("declining", "Declining"),
    ("stable", "Stable"),
    ("growing", "Growing"),
    ("booming", "Booming"),
]
ACTIVITY_STATUSES = [
    ("active", "Active"),
    ("cooling", "Cooling"),
    ("at_risk", "At Risk"),
    ("lost", "Lost"),
    ("never", "Never Invoiced"),
]
CANDIDATES = [("promotion", "Promotion Candidate"), ("demotion", "Demotion Candidate")]

# Company-dependent results the recompute writes set-wise (name -> SQL cast).
TIER_RESULT_COLUMNS = {
    "customer_tier": "text",
    "tier_computed": "text",
    "tier_current_score": "float8",
    "tier_potential_score": "float8",
    "tier_rising": "bool",
    "tier_candidate": "text",
    "customer_activity_status": "text",
    "last_invoice_date": "text",
    "tier_revenue": "float8",
    "tier_breakdown": "text",
    "credit_score": "float8",
    "credit_grade": "text",
    "credit_paydex": "float8",
    "credit_dso": "float8",
    "credit_overdue_share": "float8",
    "credit_suggested_limit": "float8",
    "credit_breakdown": "text",
    "credit_review_due": "text",
}
FLOAT_RESULTS = (
    "tier_current_score",
    "tier_potential_score",
    "tier_revenue",
    "credit_score",
    "credit_paydex",
    "credit_dso",
    "credit_overdue_share",
    "credit_suggested_limit",
)
# Only a sales manager decides these by hand (R-TIER-5).
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
    _inherit = "res.partner"

    # Evaluation profile (R-INFO-2): facts about the customer itself, the same
    # whichever of our companies serves it.
    customer_region = fields.Char(
        string="Region", help="Sales region of the customer, e.g. East China."
    )
    employee_count = fields.Integer(string="Employees")
    annual_revenue = fields.Monetary(
        currency_field="currency_id", help="The customer's own yearly turnover."
    )
    profit_margin = fields.Float(
        string="Profit Margin (%)", help="The customer's own net margin, from its statements."
    )
    chain_position = fields.Selection(
        CHAIN_POSITIONS,
        string="Position in Chain",
        help="Where the customer sits in its supply chain.",
    )
    growth_outlook = fields.Selection(
        GROWTH_OUTLOOKS, help="The account manager's view of the customer's growth."
    )
    wallet_share_potential = fields.Float(
        string="Winnable Share of Wallet (%)",
        help="Share of the customer's logistics spend we could still win, "
        "in the account manager's estimate.",
    )

    # Tier results: one value per company serving the customer (R-TIER-1).
    customer_tier = fields.Selection(TIER_SELECTION, company_dependent=True, readonly=True)
    tier_computed = fields.Selection(
        TIER_SELECTION,
        string="Computed Tier",
        company_dependent=True,
        readonly=True,
        help="The tier the scores give, whatever a manual override says.",
    )
    tier_current_score = fields.Float(
        string="Current Value",
        company_dependent=True,
        readonly=True,
        digits=(5, 2),
        aggregator="avg",
    )
    tier_potential_score = fields.Float(
        string="Potential Value",
        company_dependent=True,
        readonly=True,
        digits=(5, 2),
        aggregator="avg",
    )
    tier_rising = fields.Boolean(
        string="Rising",
        company_dependent=True,
        readonly=True,
        help="Gold because of its potential while its current value is below Gold.",
    )
    tier_candidate = fields.Selection(CANDIDATES, company_dependent=True, readonly=True)
    customer_activity_status = fields.Selection(
        ACTIVITY_STATUSES, string="Activity Status", company_dependent=True, readonly=True
    )
    last_invoice_date = fields.Date(company_dependent=True, readonly=True)
    tier_revenue = fields.Float(
        string="Revenue in Window",
        company_dependent=True,
        readonly=True,
        aggregator="sum",
        help="Invoiced revenue less credit notes over the policy's look-back window.",
    )
    tier_breakdown = fields.Text(company_dependent=True, readonly=True)
    tier_breakdown_html = fields.Html(
        string="Score Breakdown", compute="_compute_tier_breakdown_html", sanitize=False
    )
    tier_locked = fields.Boolean(
        string="Tier Locked",
        company_dependent=True,
        readonly=True,
        help="A sales manager fixed the tier by hand; recomputes keep it.",
    )
    tier_lock_reason = fields.Char(company_dependent=True, readonly=True)
    tier_history_ids = fields.One2many(
        "customer.tier.history", "partner_id", string="Tier History", readonly=True
    )

    # Credit rating (R-CRED-1): one per company, from the ledger.
    credit_score = fields.Float(
        company_dependent=True, readonly=True, digits=(5, 2), aggregator="avg"
    )
    credit_grade = fields.Selection(GRADE_SELECTION, company_dependent=True, readonly=True)
    credit_paydex = fields.Float(
        string="PAYDEX",
        company_dependent=True,
        readonly=True,
        digits=(5, 1),
        aggregator="avg",
        help="80 = paid on time; lower is later, up to 100 for early payers.",
    )
    credit_dso = fields.Float(
        string="DSO (days)", company_dependent=True, readonly=True, digits=(6, 1), aggregator="avg"
    )
    credit_overdue_share = fields.Float(
        string="Overdue Share",
        company_dependent=True,
        readonly=True,
        digits=(5, 4),
        aggregator="avg",
    )
    credit_suggested_limit = fields.Float(
        string="Suggested Limit", company_dependent=True, readonly=True, aggregator="sum"
    )
    credit_breakdown = fields.Text(company_dependent=True, readonly=True)
    credit_review_due = fields.Date(company_dependent=True, readonly=True)
    credit_exposure = fields.Monetary(
        string="Exposure",
        compute="_compute_credit_exposure",
        currency_field="currency_id",
        help="Open receivables, confirmed but uninvoiced sales and draft invoices.",
    )
    # R-CRED-6: finance sees contract amounts against invoicing and payment
    sales_ordered_total = fields.Monetary(
        string="Ordered", compute="_compute_sales_progress", currency_field="currency_id"
    )
    sales_invoiced_total = fields.Monetary(
        string="Invoiced", compute="_compute_sales_progress", currency_field="currency_id"
    )
    sales_paid_total = fields.Monetary(
        string="Paid", compute="_compute_sales_progress", currency_field="currency_id"
    )
    credit_review_ids = fields.One2many(
        "customer.credit.review", "partner_id", string="Credit Reviews", readonly=True
    )
    # the customer 360 (R-INFO-1): the same facts for every department, in one place
    receivable_open = fields.Monetary(
        string="Open Receivables",
        compute="_compute_receivable_summary",
        currency_field="currency_id",
        groups=RECEIVABLE_GROUPS,
    )
    receivable_overdue = fields.Monetary(
        string="Overdue",
        compute="_compute_receivable_summary",
        currency_field="currency_id",
        groups=RECEIVABLE_GROUPS,
    )
    receivable_not_due = fields.Monetary(
        string="Not Due",
        compute="_compute_receivable_summary",
        currency_field="currency_id",
        groups=RECEIVABLE_GROUPS,
    )
    receivable_1_30 = fields.Monetary(
        string="1-30 Days",
        compute="_compute_receivable_summary",
        currency_field="currency_id",
        groups=RECEIVABLE_GROUPS,
    )
    receivable_31_60 = fields.Monetary(
        string="31-60 Days",
        compute="_compute_receivable_summary",
        currency_field="currency_id",
        groups=RECEIVABLE_GROUPS,
    )
    receivable_61_90 = fields.Monetary(
        string="61-90 Days",
        compute="_compute_receivable_summary",
        currency_field="currency_id",
        groups=RECEIVABLE_GROUPS,
    )
    receivable_over_90 = fields.Monetary(
        string="Over 90 Days",
        compute="_compute_receivable_summary",
        currency_field="currency_id",
        groups=RECEIVABLE_GROUPS,
    )
    statement_count = fields.Integer(
        compute="_compute_credit_counts", groups="customer_tiering.group_credit_controller"
    )
    credit_review_count = fields.Integer(
        compute="_compute_credit_counts", groups="customer_tiering.group_credit_controller"
    )
    held_order_count = fields.Integer(
        string="Orders on Hold", compute="_compute_held_order_count", groups=RECEIVABLE_GROUPS
    )

    @api.depends_context("company")
    @api.depends("tier_breakdown")
    def _compute_tier_breakdown_html(self):
        labels = self._tier_factor_labels()
        for partner in self:
            try:
                data = json.loads(partner.tier_breakdown or "{}")
            except ValueError:
                data = {}
            partner.tier_breakdown_html = self._render_breakdown(data, labels)

    @api.depends_context("company")
    def _compute_receivable_summary(self):
        """Open receivables by days overdue today, one query for all the partners shown."""
        self.env.flush_all()
        commercial = self.commercial_partner_id
        rows = self.env.execute_query(
            SQL(
                """
                SELECT l.partner_id,
                       SUM(l.amount_residual),
                       SUM(l.amount_residual) FILTER (WHERE d.late <= 0),
                       SUM(l.amount_residual) FILTER (WHERE d.late BETWEEN 1 AND 30),
                       SUM(l.amount_residual) FILTER (WHERE d.late BETWEEN 31 AND 60),
                       SUM(l.amount_residual) FILTER (WHERE d.late BETWEEN 61 AND 90),
                       SUM(l.amount_residual) FILTER (WHERE d.late > 90)
                  FROM account_move_line l
                  JOIN account_account a ON a.id = l.account_id,
                       LATERAL (SELECT %(today)s - COALESCE(l.date_maturity, l.date) AS late) d
                 WHERE l.company_id = %(company)s AND l.partner_id = ANY(%(ids)s)
                   AND l.parent_state = 'posted' AND a.account_type = 'asset_receivable'
                   AND NOT l.reconciled
                 GROUP BY l.partner_id
                """,
                today=fields.Date.context_today(self),
                company=self.env.company.id,
                ids=commercial.ids,
            )
        )
        summary = {row[0]: [amount or 0.0 for amount in row[1:]] for row in rows}
        for partner in self:
            total, not_due, d30, d60, d90, over = summary.get(
                partner.commercial_partner_id.id, [0.0] * 6
            )
            partner.receivable_open = total
            partner.receivable_not_due = not_due
            partner.receivable_1_30 = d30
            partner.receivable_31_60 = d60
            partner.receivable_61_90 = d90
            partner.receivable_over_90 = over
            partner.receivable_overdue = d30 + d60 + d90 + over

    def _compute_credit_counts(self):
        commercial = self.commercial_partner_id
        domain = [("partner_id", "in", commercial.ids)]
        statements = dict(
            self.env["receivable.statement"]._read_group(domain, ["partner_id"], ["__count"])
        )
        reviews = dict(
            self.env["customer.credit.review"]._read_group(domain, ["partner_id"], ["__count"])
        )
        for partner in self:
            partner.statement_count = statements.get(partner.commercial_partner_id, 0)
            partner.credit_review_count = reviews.get(partner.commercial_partner_id, 0)

    @api.depends_context("company")
    def _compute_held_order_count(self):
        # a count only, on the current company: finance may not read orders themselves
        held = dict(
            self.env["sale.order"]
            .sudo()
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

    @api.depends_context("company")
    def _compute_credit_exposure(self):
        exposure = self._credit_exposure(self.commercial_partner_id)
        for partner in self:
            partner.credit_exposure = exposure.get(partner.commercial_partner_id.id, 0.0)

    @api.depends_context("company")
    def _compute_sales_progress(self):
        """Confirmed orders, posted invoices and what was paid of them (company currency)."""
        self.env.flush_all()
        commercial = self.commercial_partner_id
        params = {"company": self.env.company.id, "ids": commercial.ids}
        ordered = dict(
            self.env.execute_query(
                SQL(
                    """SELECT rp.commercial_partner_id,
                              SUM(so.amount_total / COALESCE(NULLIF(so.currency_rate, 0), 1))
                         FROM sale_order so JOIN res_partner rp ON rp.id = so.partner_id
                        WHERE so.company_id = %(company)s AND so.state = 'sale'
                          AND rp.commercial_partner_id = ANY(%(ids)s)
                        GROUP BY rp.commercial_partner_id""",
                    **params,
                )
            )
        )
        invoiced = {
            pid: (total, residual)
            for pid, total, residual in self.env.execute_query(
                SQL(
                    """SELECT commercial_partner_id, SUM(amount_total_signed), SUM(amount_residual_signed)
                         FROM account_move
                        WHERE company_id = %(company)s AND state = 'posted'
                          AND move_type IN ('out_invoice', 'out_refund')
                          AND commercial_partner_id = ANY(%(ids)s)
                        GROUP BY commercial_partner_id""",
                    **params,
                )
            )
        }
        for partner in self:
            pid = partner.commercial_partner_id.id
            total, residual = invoiced.get(pid, (0.0, 0.0))
            partner.sales_ordered_total = ordered.get(pid, 0.0)
            partner.sales_invoiced_total = total
            partner.sales_paid_total = total - residual

    def _tier_factor_labels(self):
        _ = self.env._
        return {
            "revenue": _("Revenue"),
            "margin": _("Gross margin"),
            "frequency": _("Order frequency"),
            "recency": _("Recency"),
            "payment": _("Payment behaviour"),
            "fulfilment": _("Contract fulfilment"),
            "trend": _("Revenue trend"),
            "size": _("Customer size"),
            "annual_revenue": _("Customer annual revenue"),
            "wallet": _("Share of wallet"),
            "outlook": _("Industry outlook"),
        }

    def _render_breakdown(self, data, labels):
        if not data:
            return False
        _ = self.env._
        rows = []
        axes = (
            ("current", _("Current value"), scoring.CURRENT_FACTORS),
            ("potential", _("Potential value"), scoring.POTENTIAL_FACTORS),
        )
        for axis, title, order in axes:
            rows.append(Markup("<tr class='table-light'><th colspan='3'>%s</th></tr>") % title)
            factors = data.get(axis, {})
            # the engine's own order first, hook factors after
            keys = [k for k in order if k in factors] + sorted(set(factors) - set(order))
            for key in keys:
                value, points = factors[key]
                shown_value = "—" if value is None else f"{value * 100:.0f}%"
                shown_points = _("unknown, left out") if points is None else f"{points:.1f}"
                rows.append(
                    Markup(
                        "<tr><td>%s</td><td class='text-end'>%s</td><td class='text-end'>%s</td></tr>"
                    )
                    % (labels.get(key, key), shown_value, shown_points)
                )
        head = Markup(
            "<tr><th>%s</th><th class='text-end'>%s</th><th class='text-end'>%s</th></tr>"
        ) % (
            _("Factor"),
            _("Level"),
            _("Points"),
        )
        return Markup(
            "<table class='table table-sm o_tier_breakdown'><thead>%s</thead><tbody>%s</tbody></table>"
        ) % (
            head,
            Markup("").join(rows),
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
        groups = (
            "customer_tiering.group_account_manager",
            "customer_tiering.group_credit_controller",
        )
        if not (self.env.su or any(self.env.user.has_group(group) for group in groups)):
            raise AccessError(
                self.env._("Only account managers and credit controllers grade customers.")
            )

    def _can_decide_credit(self):
        return self.env.su or self.env.user.has_group("customer_tiering.group_credit_controller")

    def _can_override_tier(self):
        return self.env.su or self.env.user.has_group("sales_team.group_sale_manager")

    # -- actions --------------------------------------------------------------

    def action_open_statements(self):
        self.ensure_one()
        return self._action_for(
            "customer_tiering.receivable_statement_action",
            [("partner_id", "=", self.commercial_partner_id.id)],
        )

    def action_open_credit_reviews(self):
        self.ensure_one()
        return self._action_for(
            "customer_tiering.customer_credit_review_action",
            [("partner_id", "=", self.commercial_partner_id.id)],
        )

    def action_open_held_orders(self):
        self.ensure_one()
        return self._action_for(
            "customer_tiering.sale_order_held_action",
            [
                ("credit_on_hold", "=", True),
                ("partner_invoice_id", "child_of", self.commercial_partner_id.ids),
            ],
        )

    def _action_for(self, xmlid, domain):
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        action["domain"] = domain
        action["context"] = {"create": False}
        return action

    def action_open_tier_override(self):
        self.ensure_one()
        if not self._can_override_tier():
            raise AccessError(self.env._("Only a sales manager can set a customer's tier by hand."))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Override Tier"),
            "res_model": "customer.tier.override",
            "view_mode": "form",
            "target": "new",
            "context": {"default_partner_id": self.id, "default_tier": self.customer_tier},
        }

    def action_recompute_tier(self):
        """Recompute only these customers, now (the button on the form)."""
        self._check_grading_rights()
        stats = self.with_company(self.env.company)._recompute_customer_tiers(partner_ids=self.ids)
        policy = self.env["customer.tier.policy"]._for_company(self.env.company)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": policy._summary(stats),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    # -- the recompute pipeline ----------------------------------------------

    @api.model
    def _tiering_scope_ids(self, company):
        """Commercial customers the company grades, in a stable order."""
        rows = self.env.execute_query(
            SQL(
                """
                SELECT id FROM res_partner
                 WHERE customer_rank > 0 AND active
                   AND (company_id IS NULL OR company_id = %(company)s)
                   AND id = commercial_partner_id
                 ORDER BY id
                """,
                company=company.id,
            )
        )
        return [row[0] for row in rows]

    @api.model
    def _recompute_customer_tiers(self, partner_ids=None, commit_batches=False):
        """Score, classify and write the customers of the current company.

        A fixed number of queries per batch whatever its size; only customers
        whose results changed are written, get history and chatter lines.
        """
        company = self.env.company
        policy = self.env["customer.tier.policy"]._for_company(company)
        self.env.flush_all()  # the aggregates below read the tables directly
        ids = partner_ids if partner_ids is not None else self._tiering_scope_ids(company)
        today = fields.Date.context_today(self)
        stats = {"customers": 0, "changed": 0, "tier_changes": 0, "grade_changes": 0}
        size = policy.batch_size
        for start in range(0, len(ids), size):
            batch = self.browse(ids[start : start + size])
            batch_stats = batch._recompute_tier_batch(policy, today)
            for key, value in batch_stats.items():
                stats[key] += value
            if commit_batches:
                self.env.cr.commit()  # pylint: disable=invalid-commit
        policy.sudo().write(
            {"last_run": fields.Datetime.now(), "last_run_summary": policy._summary(stats)}
        )
        return stats

    def _recompute_tier_batch(self, policy, today):
        company = policy.company_id
        facts, credit_facts = self._tiering_facts(company, policy, today)
        extra = self._tiering_factor_values(self, today)
        current_weights, potential_weights = policy._engine_weights()
        results = {}
        scales, matrix = policy._engine_scales(), policy._engine_matrix()
        boundaries = policy._engine_boundaries()
        credit_weights, grades = policy._credit_weights(), policy._credit_grades()
        floors = {grade: line.min_score for grade, line in grades.items()}
        for partner_id, fact in facts.items():
            fact.extra = extra.get(partner_id, {})
            result = scoring.score_partner(fact, current_weights, potential_weights, scales, matrix)
            credit_result = credit.score(credit_facts[partner_id], credit_weights, floors)
            results[partner_id] = (fact, result, credit_result)
        previous = self._tier_stored_results(company)
        rows, changes, grade_changes = [], [], []
        for partner_id, (fact, result, credit_result) in results.items():
            old = previous[partner_id]
            new = self._tier_row(fact, result, old, policy, boundaries, today)
            new.update(self._credit_row(fact, credit_result, old, grades, policy, today))
            if new != old["row"]:
                rows.append((partner_id, new))
                if new["customer_tier"] != old["row"]["customer_tier"]:
                    changes.append((partner_id, old["row"]["customer_tier"], new, result))
                if new["credit_grade"] != old["row"]["credit_grade"]:
                    grade_changes.append(
                        (
                            partner_id,
                            old["row"]["credit_grade"],
                            credit_facts[partner_id],
                            credit_result,
                        )
                    )
        self._write_tier_results(company, rows)
        self._log_tier_changes(company, changes)
        self._log_credit_changes(company, grade_changes, dict(rows))
        self._schedule_tier_activities(policy, previous, dict(rows), today)
        self._schedule_credit_activities(policy, previous, credit_facts, dict(rows), today)
        return {
            "customers": len(results),
            "changed": len(rows),
            "tier_changes": len(changes),
            "grade_changes": len(grade_changes),
        }

    def _tier_row(self, fact, result, old, policy, boundaries, today):
        last = fact.last_invoice_date
        candidate = self._tier_candidate(result, policy)
        computed = result.tier
        return {
            "customer_tier": old["row"]["customer_tier"] if old["locked"] else computed,
            "tier_computed": computed,
            "tier_current_score": result.current_score,
            "tier_potential_score": result.potential_score,
            "tier_rising": result.rising,
            "tier_candidate": candidate,
            "customer_activity_status": activity.activity_status(last, today, boundaries),
            "last_invoice_date": last.isoformat() if last else None,
            "tier_revenue": round(fact.revenue, 2),
            "tier_breakdown": json.dumps(result.breakdown, sort_keys=True),
        }

    @api.model
    def _tier_candidate(self, result, policy):
        """Close enough to the next threshold up or down to be looked at."""
        margin = policy.candidate_margin
        score = result.current_score
        floors = {"platinum": policy.platinum_min, "gold": policy.gold_min, "iron": policy.iron_min}
        ceilings = {"gold": policy.platinum_min, "iron": policy.gold_min, "lead": policy.iron_min}
        if result.tier in ceilings and score >= ceilings[result.tier] - margin:
            return "promotion"
        if result.tier in floors and not result.rising and score < floors[result.tier] + margin:
            return "demotion"
        return None

    def _tiering_facts(self, company, policy, today):
        """One PartnerFacts per customer of the batch, from three aggregate queries."""
        window_start = activity.add_months(today, -policy.window_months)
        mid = activity.add_months(today, -(policy.window_months // 2))
        params = {
            "company": company.id,
            "ids": self.ids,
            "start": window_start,
            "mid": mid,
            "today": today,
        }
        facts = {
            row[0]: scoring.PartnerFacts(
                row[0],
                employees=row[1] or None,
                annual_revenue=row[2] or None,
                wallet_share=row[3] or None,
                outlook=row[4] or None,
            )
            for row in self.env.execute_query(
                SQL(
                    """SELECT id, employee_count, annual_revenue, wallet_share_potential, growth_outlook
                         FROM res_partner WHERE id = ANY(%(ids)s)""",
                    **params,
                )
            )
        }
        credit_facts = {
            pid: credit.CreditFacts(
                pid, window_days=(today - window_start).days, window_months=policy.window_months
            )
            for pid in facts
        }
        for pid, revenue, last_half, prev_half, count, last_date, months in self.env.execute_query(
            SQL(
                """
                SELECT m.commercial_partner_id,
                       COALESCE(SUM(m.amount_untaxed_signed) FILTER (WHERE m.invoice_date > %(start)s), 0),
                       COALESCE(SUM(m.amount_untaxed_signed) FILTER (WHERE m.invoice_date > %(mid)s), 0),
                       COALESCE(SUM(m.amount_untaxed_signed)
                                FILTER (WHERE m.invoice_date > %(start)s AND m.invoice_date <= %(mid)s), 0),
                       COUNT(*) FILTER (WHERE m.move_type = 'out_invoice' AND m.invoice_date > %(start)s),
                       MAX(m.invoice_date) FILTER (WHERE m.move_type = 'out_invoice'),
                       COUNT(DISTINCT date_trunc('month', m.invoice_date))
                           FILTER (WHERE m.move_type = 'out_invoice' AND m.invoice_date > %(start)s)
                  FROM account_move m
                 WHERE m.company_id = %(company)s
                   AND m.commercial_partner_id = ANY(%(ids)s)
                   AND m.state = 'posted'
                   AND m.move_type IN ('out_invoice', 'out_refund')
                   AND m.invoice_date <= %(today)s
                 GROUP BY m.commercial_partner_id
                """,
                **params,
            )
        ):
            fact = facts[pid]
            fact.revenue, fact.revenue_last_half, fact.revenue_previous_half = (
                revenue,
                last_half,
                prev_half,
            )
            fact.invoice_count = count
            fact.last_invoice_date = last_date
            fact.days_since_last_invoice = (today - last_date).days if last_date else None
            credit_facts[pid].revenue = revenue
            credit_facts[pid].months_invoiced = months
        for pid, paid_days, paid, open_days, overdue in self._payment_delays(params):
            if paid + overdue:
                # for the tier a customer who never pays is late too
                facts[pid].avg_days_late = (paid_days + open_days) / (paid + overdue)
            if paid:
                credit_facts[pid].avg_days_beyond_terms = paid_days / paid
        self._credit_ledger_facts(credit_facts, params)
        for pid, ordered, invoiced, margin in self._order_fulfilment(params):
            if ordered:
                facts[pid].ordered_amount = ordered
                facts[pid].invoiced_amount = invoiced
                if margin is not None:
                    facts[pid].margin_ratio = margin / ordered
        return facts, credit_facts

    def _payment_delays(self, params):
        """Amount-weighted days beyond terms: paid parts at their payment date,
        overdue open parts as of today (a customer who never pays is late too)."""
        return self.env.execute_query(
            SQL(
                """
                WITH items AS (
                    SELECT l.id, l.partner_id, l.date_maturity, l.amount_residual
                      FROM account_move_line l
                      JOIN account_account a ON a.id = l.account_id
                     WHERE l.company_id = %(company)s
                       AND l.partner_id = ANY(%(ids)s)
                       AND l.parent_state = 'posted'
                       AND a.account_type = 'asset_receivable'
                       AND l.balance > 0
                       AND l.date > %(start)s AND l.date <= %(today)s
                ), paid AS (
                    SELECT p.debit_move_id AS line_id,
                           SUM(p.amount) AS amount,
                           SUM(p.amount * (p.max_date - i.date_maturity)) AS weighted_days
                      FROM account_partial_reconcile p
                      JOIN items i ON i.id = p.debit_move_id
                     WHERE p.max_date <= %(today)s
                     GROUP BY p.debit_move_id
                )
                SELECT i.partner_id,
                       COALESCE(SUM(paid.weighted_days), 0),
                       COALESCE(SUM(paid.amount), 0),
                       COALESCE(SUM(i.amount_residual * (%(today)s::date - i.date_maturity))
                                FILTER (WHERE i.date_maturity < %(today)s AND i.amount_residual > 0), 0),
                       COALESCE(SUM(i.amount_residual)
                                FILTER (WHERE i.date_maturity < %(today)s AND i.amount_residual > 0), 0)
                  FROM items i
                  LEFT JOIN paid ON paid.line_id = i.id
                 GROUP BY i.partner_id
                """,
                **params,
            )
        )

    def _order_fulfilment(self, params):
        """Ordered against invoiced on confirmed orders of the window (and margin if known)."""
        order_line = self.env["sale.order.line"]
        margin = SQL("SUM(sol.margin)") if "margin" in order_line._fields else SQL("NULL::numeric")
        return self.env.execute_query(
            SQL(
                """
                SELECT rp.commercial_partner_id,
                       SUM(sol.price_subtotal),
                       SUM(sol.price_subtotal
                           * LEAST(sol.qty_invoiced / NULLIF(sol.product_uom_qty, 0), 1)),
                       %(margin)s
                  FROM sale_order_line sol
                  JOIN sale_order so ON so.id = sol.order_id
                  JOIN res_partner rp ON rp.id = so.partner_id
                 WHERE so.company_id = %(company)s
                   AND so.state = 'sale'
                   AND so.date_order > %(start)s
                   AND rp.commercial_partner_id = ANY(%(ids)s)
                   AND sol.display_type IS NULL
                 GROUP BY rp.commercial_partner_id
                """,
                margin=margin,
                **params,
            )
        )

    @api.model
    def _tiering_factor_values(self, partners, date):
        """Extension hook: extra factor values (0..1) per partner id, for a batch.

        Return ``{partner_id: {"current_<name>": v, "potential_<name>": v}}``;
        a key counts with the weight the overriding module adds to the policy.
        """
        return {}

    def _tier_stored_results(self, company):
        """What the previous recompute wrote, for the current company."""
        key = str(company.id)
        columns = SQL(", ").join(
            SQL("%s->>%s", SQL.identifier(name), key) for name in TIER_RESULT_COLUMNS
        )
        rows = self.env.execute_query(
            SQL(
                "SELECT id, user_id, (tier_locked->>%s)::bool, %s FROM res_partner WHERE id = ANY(%s)",
                key,
                columns,
                self.ids,
            )
        )
        previous = {}
        for pid, user_id, locked, *values in rows:
            row = dict(zip(TIER_RESULT_COLUMNS, values))
            for name in FLOAT_RESULTS:
                row[name] = float(row[name]) if row[name] is not None else None
            row["tier_rising"] = row["tier_rising"] == "true"
            previous[pid] = {"row": row, "locked": bool(locked), "user_id": user_id}
        return previous

    def _write_tier_results(self, company, rows):
        """One UPDATE for the whole batch, merging this company's key into each jsonb."""
        if not rows:
            return
        key = str(company.id)
        arrays = {name: [new[name] for _pid, new in rows] for name in TIER_RESULT_COLUMNS}
        assignments = SQL(", ").join(
            SQL(
                "%s = COALESCE(p.%s, '{}'::jsonb) || jsonb_build_object(%s, v.%s)",
                SQL.identifier(name),
                SQL.identifier(name),
                key,
                SQL.identifier(name),
            )
            for name in TIER_RESULT_COLUMNS
        )
        unnests = SQL(", ").join(
            SQL("%s::%s[]", arrays[name], SQL(cast)) for name, cast in TIER_RESULT_COLUMNS.items()
        )
        self.env.cr.execute(
            SQL(
                """
                UPDATE res_partner p
                   SET %(assignments)s, write_date = now() at time zone 'UTC', write_uid = %(uid)s
                  FROM unnest(%(ids)s::int[], %(unnests)s) AS v(id, %(names)s)
                 WHERE p.id = v.id
                """,
                assignments=assignments,
                uid=self.env.uid,
                ids=[pid for pid, _new in rows],
                unnests=unnests,
                names=SQL(", ").join(SQL.identifier(name) for name in TIER_RESULT_COLUMNS),
            )
        )
        self.invalidate_model(list(TIER_RESULT_COLUMNS) + ["write_date", "write_uid"])

    def _log_tier_changes(self, company, changes):
        """History rows for every change, a chatter note for every change of an existing tier."""
        if not changes:
            return
        labels = dict(TIER_SELECTION)
        history, notes = [], {}
        for pid, old_tier, new, result in changes:
            history.append(
                {
                    "partner_id": pid,
                    "company_id": company.id,
                    "date": fields.Datetime.now(),
                    "old_tier": old_tier,
                    "new_tier": new["customer_tier"],
                    "current_score": result.current_score,
                    "potential_score": result.potential_score,
                    "rising": result.rising,
                    "change": scoring.tier_change(old_tier, new["customer_tier"]) or "initial",
                    "origin": "automatic",
                    "user_id": self.env.uid,
                }
            )
            if old_tier:  # a first grading is history, not news
                notes[pid] = self._tier_change_body(company, old_tier, new, labels)
        self._insert_rows("customer.tier.history", history)
        self._post_batch_notes(notes)

    @api.model
    def _insert_rows(self, model_name, rows):
        """One INSERT for many rows of a plain model of ours (no ORM side effect to run)."""
        if not rows:
            return
        model = self.env[model_name]
        now, uid = fields.Datetime.now(), self.env.uid
        names = list(rows[0]) + ["create_uid", "create_date", "write_uid", "write_date"]
        values = SQL(", ").join(
            SQL("(%s)", SQL(", ").join(SQL("%s", v) for v in [*row.values(), uid, now, uid, now]))
            for row in rows
        )
        self.env.cr.execute(
            SQL(
                "INSERT INTO %s (%s) VALUES %s",
                SQL.identifier(model._table),
                SQL(", ").join(SQL.identifier(name) for name in names),
                values,
            )
        )
        model.invalidate_model()

    @api.model
    def _post_batch_notes(self, bodies):
        """Log notes on many partners in one create, with what mail.message would
        otherwise look up one record at a time (reply-to, record name)."""
        if not bodies:
            return
        partners = self.browse(list(bodies)).sudo()
        author = self.env.user.partner_id
        reply_to = partners._notify_get_reply_to(default=author.email_formatted)
        note = self.env.ref("mail.mt_note")
        self.env["mail.message"].sudo().create(
            [
                {
                    "model": "res.partner",
                    "res_id": partner.id,
                    "message_type": "notification",
                    "subtype_id": note.id,
                    "author_id": author.id,
                    "email_from": author.email_formatted,
                    "reply_to": reply_to[partner.id],
                    "record_name": partner.display_name,
                    "body": bodies[partner.id],
                }
                for partner in partners
            ]
        )

    def _tier_change_body(self, company, old_tier, new, labels):
        return Markup("<p>%s</p>") % self.env._(
            "Customer tier (%(company)s): %(old)s → %(new)s%(rising)s — current value %(current).1f, "
            "potential value %(potential).1f.",
            company=company.name,
            old=labels.get(old_tier, self.env._("none")),
            new=labels[new["customer_tier"]],
            rising=self.env._(" (rising)") if new["tier_rising"] else "",
            current=new["tier_current_score"],
            potential=new["tier_potential_score"],
        )

    def _schedule_tier_activities(self, policy, previous, written, today):
        """Service by tier (R-TIER-3) and win-back (R-TIER-6), one create for the batch."""
        types = self._tier_activity_types()
        open_pairs = set(
            self.env.execute_query(
                SQL(
                    """SELECT res_id, activity_type_id FROM mail_activity
                        WHERE res_model = 'res.partner' AND res_id = ANY(%s)
                          AND activity_type_id = ANY(%s)""",
                    self.ids,
                    [t.id for t in types.values()],
                )
            )
        )
        manager = policy.tier_manager_id or self.env.user
        model_id = self.env["ir.model"]._get_id("res.partner")
        labels = dict(TIER_SELECTION)
        _ = self.env._
        todo = []

        def add(pid, kind, user, summary, days=0):
            if (pid, types[kind].id) in open_pairs or not user:
                return
            open_pairs.add((pid, types[kind].id))
            todo.append(
                {
                    "res_model_id": model_id,
                    "res_id": pid,
                    "activity_type_id": types[kind].id,
                    "user_id": user,
                    "summary": summary,
                    "date_deadline": today + timedelta(days=days),
                }
            )

        for pid, old in previous.items():
            new = written.get(pid, old["row"])
            user = old["user_id"]
            if new["customer_tier"] == "platinum":
                if not user:
                    add(
                        pid,
                        "assign",
                        manager.id,
                        _("Assign an account manager to this platinum customer"),
                    )
                else:
                    add(
                        pid,
                        "contact",
                        user,
                        _("Proactive contact (platinum)"),
                        policy.platinum_contact_days,
                    )
            if pid in written:
                change = scoring.tier_change(old["row"]["customer_tier"], new["customer_tier"])
                if change:
                    add(
                        pid,
                        "change",
                        user,
                        _("Tier %(change)s: %(old)s → %(new)s")
                        % {
                            "change": _("promotion") if change == "promotion" else _("demotion"),
                            "old": labels[old["row"]["customer_tier"]],
                            "new": labels[new["customer_tier"]],
                        },
                    )
                elif new["tier_rising"] and not old["row"]["tier_rising"]:
                    add(pid, "change", user, _("Rising customer: high potential value"))
                became_lost = new["customer_activity_status"] == "lost"
                if became_lost and old["row"]["customer_activity_status"] != "lost":
                    add(pid, "win_back", user or manager.id, _("Win back this lost customer"))
        self._create_activities(todo)

    @api.model
    def _create_activities(self, todo):
        """Create activities in as few batches as possible.

        mail.activity subscribes each assignee once per batch and would insert
        the same follower twice for two activities of one user on one partner,
        so each round holds at most one activity per (partner, user).
        """
        if not todo:
            return
        # what mail.activity would compute one record at a time at the next flush
        partners = self.browse({values["res_id"] for values in todo}).sudo()
        names = {partner.id: partner.display_name for partner in partners}
        users = self.env["res.users"].sudo().browse({values["user_id"] for values in todo})
        zones = {user.id: user.tz for user in users}
        rounds, seen = [], {}
        for values in todo:
            values.update(
                res_name=names[values["res_id"]], user_tz=zones[values["user_id"]], date_done=False
            )
            key = (values["res_id"], values["user_id"])
            index = seen[key] = seen.get(key, -1) + 1
            if index == len(rounds):
                rounds.append([])
            rounds[index].append(values)
        activities = self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True)
        for batch in rounds:
            created = activities.create(batch)
            # the values were given: no need to recompute them record by record
            for fname in ("res_name", "user_tz", "date_done"):
                self.env.remove_to_compute(created._fields[fname], created)

    @api.model
    def _credit_activity_types(self):
        return {
            "collection": self.env.ref("customer_tiering.mail_activity_type_collection"),
            "review": self.env.ref("customer_tiering.mail_activity_type_credit_review"),
        }

    def _schedule_credit_activities(self, policy, previous, credit_facts, written, today):
        """Collection by the oldest overdue bucket and reviews falling due, one create."""
        types = self._credit_activity_types()
        open_pairs = set(
            self.env.execute_query(
                SQL(
                    """SELECT res_id, activity_type_id FROM mail_activity
                        WHERE res_model = 'res.partner' AND res_id = ANY(%s)
                          AND activity_type_id = ANY(%s)""",
                    self.ids,
                    [t.id for t in types.values()],
                )
            )
        )
        fallback = self.env.user
        model_id = self.env["ir.model"]._get_id("res.partner")
        currency = policy.company_id.currency_id
        _ = self.env._
        todo = []
        for pid, facts in credit_facts.items():
            old = previous[pid]
            if facts.overdue_over_90 > 0:
                user, amount = policy.collection_user_over_90_id or fallback, facts.overdue_over_90
                bucket = _("over 90 days")
            elif facts.overdue_31_90 > 0:
                user, amount = policy.collection_user_31_90_id or fallback, facts.overdue_31_90
                bucket = _("31–90 days")
            elif facts.overdue_1_30 > 0:
                user, amount = (
                    (old["user_id"] and self.env["res.users"].browse(old["user_id"])) or fallback,
                    facts.overdue_1_30,
                )
                bucket = _("1–30 days")
            else:
                user = None
            if user and (pid, types["collection"].id) not in open_pairs:
                todo.append(
                    {
                        "res_model_id": model_id,
                        "res_id": pid,
                        "activity_type_id": types["collection"].id,
                        "user_id": user.id,
                        # plain formatting: currency.format looks the language up per call
                        "summary": _("Collect %(amount)s overdue %(bucket)s")
                        % {"amount": f"{currency.symbol} {amount:,.2f}", "bucket": bucket},
                        "date_deadline": today,
                    }
                )
            due = written.get(pid, old["row"])["credit_review_due"]
            if due and due <= today.isoformat() and (pid, types["review"].id) not in open_pairs:
                todo.append(
                    {
                        "res_model_id": model_id,
                        "res_id": pid,
                        "activity_type_id": types["review"].id,
                        "user_id": (policy.credit_reviewer_id or fallback).id,
                        "summary": _("Credit review due"),
                        "date_deadline": today,
                    }
                )
        self._create_activities(todo)

    @api.model
    def _tier_activity_types(self):
        return {
            "assign": self.env.ref("customer_tiering.mail_activity_type_assign_manager"),
            "contact": self.env.ref("customer_tiering.mail_activity_type_platinum_contact"),
            "change": self.env.ref("customer_tiering.mail_activity_type_tier_change"),
            "win_back": self.env.ref("customer_tiering.mail_activity_type_win_back"),
        }

    # -- credit (R-CRED) --------------------------------------------------------

    def _credit_ledger_facts(self, credit_facts, params):
        """Open receivables by age and the latest reviewed statements, two queries."""
        for pid, open_amount, d30, d90, over in self.env.execute_query(
            SQL(
                """
                SELECT l.partner_id,
                       SUM(l.amount_residual),
                       COALESCE(SUM(l.amount_residual)
                                FILTER (WHERE %(today)s::date - l.date_maturity BETWEEN 1 AND 30), 0),
                       COALESCE(SUM(l.amount_residual)
                                FILTER (WHERE %(today)s::date - l.date_maturity BETWEEN 31 AND 90), 0),
                       COALESCE(SUM(l.amount_residual)
                                FILTER (WHERE %(today)s::date - l.date_maturity > 90), 0)
                  FROM account_move_line l
                  JOIN account_account a ON a.id = l.account_id
                 WHERE l.company_id = %(company)s
                   AND l.partner_id = ANY(%(ids)s)
                   AND l.parent_state = 'posted'
                   AND a.account_type = 'asset_receivable'
                   AND NOT l.reconciled
                   AND l.date <= %(today)s
                 GROUP BY l.partner_id
                """,
                **params,
            )
        ):
            facts = credit_facts[pid]
            facts.open_amount = open_amount
            facts.overdue_1_30, facts.overdue_31_90, facts.overdue_over_90 = d30, d90, over
        for pid, current_ratio, debt_ratio, asset_turnover, net_margin in self.env.execute_query(
            SQL(
                """
                SELECT DISTINCT ON (partner_id)
                       partner_id, current_ratio, debt_ratio, asset_turnover, net_margin
                  FROM customer_credit_review
                 WHERE company_id = %(company)s AND partner_id = ANY(%(ids)s)
                   AND has_statements AND state = 'done'
                 ORDER BY partner_id, date DESC, id DESC
                """,
                **params,
            )
        ):
            facts = credit_facts[pid]
            facts.current_ratio, facts.debt_ratio = current_ratio, debt_ratio
            facts.asset_turnover, facts.net_margin = asset_turnover, net_margin

    def _credit_row(self, fact, result, old, grades, policy, today):
        grade = grades.get(result.grade)
        monthly_revenue = fact.revenue / max(policy.window_months, 1)
        due = old["row"]["credit_review_due"]
        if result.grade != old["row"]["credit_grade"] or not due:
            months = grade.review_months if grade else 6
            due = activity.add_months(today, months).isoformat()
        return {
            "credit_score": result.score,
            "credit_grade": result.grade,
            "credit_paydex": result.paydex,
            "credit_dso": result.dso,
            "credit_overdue_share": result.overdue_share,
            "credit_suggested_limit": credit.suggested_limit(
                result.grade, monthly_revenue, {g: line.limit_months for g, line in grades.items()}
            ),
            "credit_breakdown": json.dumps(result.breakdown, sort_keys=True),
            "credit_review_due": due,
        }

    def _log_credit_changes(self, company, grade_changes, written):
        """A credit-file entry per grade change, a chatter note when a known grade moves."""
        if not grade_changes:
            return
        reviews, notes = [], {}
        for pid, old_grade, facts, result in grade_changes:
            new = written[pid]
            reviews.append(
                {
                    "partner_id": pid,
                    "company_id": company.id,
                    "date": fields.Date.context_today(self),
                    "reviewer_id": self.env.uid,
                    "origin": "automatic",
                    "state": "done",
                    "old_grade": old_grade,
                    "grade": result.grade,
                    "score": result.score,
                    "paydex": result.paydex or 0.0,
                    "dso": result.dso or 0.0,
                    "overdue_share": result.overdue_share,
                    "open_amount": facts.open_amount,
                    "suggested_limit": new["credit_suggested_limit"],
                    "has_statements": False,
                }
            )
            if old_grade:
                notes[pid] = Markup("<p>%s</p>") % self.env._(
                    "Credit grade (%(company)s): %(old)s → %(new)s — score %(score).1f, "
                    "suggested limit %(limit).0f.",
                    company=company.name,
                    old=old_grade,
                    new=result.grade,
                    score=result.score,
                    limit=new["credit_suggested_limit"],
                )
        self._insert_rows("customer.credit.review", reviews)
        self._post_batch_notes(notes)

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
                  JOIN account_account a ON a.id = l.account_id
                 WHERE l.company_id = %(company)s AND l.partner_id = ANY(%(ids)s)
                   AND l.parent_state = 'posted' AND a.account_type = 'asset_receivable'
                   AND NOT l.reconciled
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
                **params,
            )
        ):
            exposure[pid] += amount or 0.0
        return exposure
