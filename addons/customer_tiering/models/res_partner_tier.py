import json

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from ..access import SALES_MANAGER, in_any_group
from ..const import TIER_SELECTION
from ..engine import scoring
from .report_figures import rank_tiers

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


class ResPartner(models.Model):
    """The customer's evaluation profile, its tier per company and the way to change it."""

    _inherit = "res.partner"

    # Evaluation profile: facts about the customer itself, the same
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

    # Tier results: one value per company serving the customer, rewritten by the
    # nightly run, so without the "is set" index of company-dependent fields.
    customer_tier = fields.Selection(
        TIER_SELECTION, company_dependent=True, index=False, readonly=True
    )
    tier_computed = fields.Selection(
        TIER_SELECTION,
        string="Computed Tier",
        company_dependent=True,
        index=False,
        readonly=True,
        help="The tier the scores give, whatever a manual override says.",
    )
    tier_current_score = fields.Float(
        string="Current Value",
        company_dependent=True,
        index=False,
        readonly=True,
        digits=(5, 2),
        aggregator="avg",
    )
    tier_potential_score = fields.Float(
        string="Potential Value",
        company_dependent=True,
        index=False,
        readonly=True,
        digits=(5, 2),
        aggregator="avg",
    )
    tier_rising = fields.Boolean(
        string="Rising",
        company_dependent=True,
        index=False,
        readonly=True,
        help="Gold because of its potential while its current value is below Gold.",
    )
    tier_candidate = fields.Selection(
        CANDIDATES, company_dependent=True, index=False, readonly=True
    )
    customer_activity_status = fields.Selection(
        ACTIVITY_STATUSES,
        string="Activity Status",
        company_dependent=True,
        index=False,
        readonly=True,
    )
    last_invoice_date = fields.Date(company_dependent=True, index=False, readonly=True)
    tier_revenue = fields.Float(
        string="Revenue in Window",
        company_dependent=True,
        index=False,
        readonly=True,
        aggregator="sum",
        help="Invoiced revenue less credit notes over the policy's look-back window.",
    )
    tier_breakdown = fields.Text(company_dependent=True, index=False, readonly=True)
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

    def _read_group_orderby(self, order, groupby_terms, query):
        # the value pyramid and pivot list the tiers best first, not A to Z
        return super()._read_group_orderby(order, rank_tiers(self, groupby_terms), query)

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

    def _can_override_tier(self):
        return in_any_group(self.env, SALES_MANAGER)

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

    # -- entry points of the nightly run (customer.tiering.nightly) -------------

    @api.model
    def _tiering_scope_ids(self, company):
        """Extension hook: commercial customers the company grades, in a stable order."""
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
        """Score, classify and write the customers of the current company."""
        return self.env["customer.tiering.nightly"]._recompute_customer_tiers(
            partner_ids=partner_ids, commit_batches=commit_batches
        )

    @api.model
    def _tiering_factor_values(self, partners, date):
        """Extension hook: extra factor values (0..1) per partner id, for a batch.

        See ``customer.tiering.nightly`` for the contract; none in this addon.
        """
        return {}
