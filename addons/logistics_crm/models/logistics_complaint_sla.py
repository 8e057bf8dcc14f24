from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.customer_tiering.const import TIER_SELECTION

# Working hours to first response and to resolution per tier.
DEFAULT_SLA_HOURS = {
    "platinum": (2, 24),
    "gold": (4, 48),
    "iron": (8, 72),
    "lead": (24, 120),
}


class LogisticsComplaintSla(models.Model):
    """Response and resolution time a company promises to customers of one tier."""

    _name = "logistics.complaint.sla"
    _inherit = ["customer.tier.order.mixin"]
    _description = "Complaint SLA Policy"
    _order = "company_id, sequence, id"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name")
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, ondelete="cascade"
    )
    tier = fields.Selection(TIER_SELECTION, required=True)
    response_hours = fields.Float(
        required=True, help="Working hours, on the company's calendar, to the first response."
    )
    resolution_hours = fields.Float(
        required=True, help="Working hours, on the company's calendar, to the resolution."
    )
    at_risk_ratio = fields.Float(
        string="At Risk from (%)",
        default=75,
        help="A complaint is at risk once this share of the time to a deadline has passed.",
    )
    escalation_user_id = fields.Many2one(
        "res.users",
        string="Escalate to",
        domain=[("share", "=", False)],
        help="Gets the activity when a deadline is missed. "
        "Empty: the first Logistics Manager of the company.",
    )

    _sql_constraints = [
        ("tier_company_uniq", "unique(company_id, tier)", "One SLA policy per tier and company."),
    ]

    @api.depends("tier", "response_hours", "resolution_hours")
    def _compute_name(self):
        labels = dict(self._fields["tier"]._description_selection(self.env))
        for sla in self:
            # formatted outside the call: the term extractor cannot read f-strings in it
            response, resolution = f"{sla.response_hours:g}", f"{sla.resolution_hours:g}"
            sla.name = self.env._(
                "%(tier)s: respond in %(response)sh, resolve in %(resolution)sh",
                tier=labels.get(sla.tier, ""),
                response=response,
                resolution=resolution,
            )

    @api.constrains("response_hours", "resolution_hours", "at_risk_ratio")
    def _check_hours(self):
        for sla in self:
            if not 0 < sla.response_hours <= sla.resolution_hours:
                raise ValidationError(
                    self.env._("Response hours must be positive and not above resolution hours.")
                )
            if not 0 < sla.at_risk_ratio < 100:
                raise ValidationError(self.env._("The at-risk share lies between 0 and 100%."))

    @api.model
    def _for_company(self, company):
        """Tier -> policy of the company; missing tiers are created with the defaults."""
        # every complaint gets deadlines, whoever files it: policies are read and created
        policies = self.sudo().search([("company_id", "=", company.id)])
        missing = set(DEFAULT_SLA_HOURS) - set(policies.mapped("tier"))
        if missing:
            # the company's missing tiers get the default policy, whoever files first
            policies |= self.sudo().create(
                [
                    {
                        "company_id": company.id,
                        "tier": tier,
                        "sequence": index,
                        "response_hours": DEFAULT_SLA_HOURS[tier][0],
                        "resolution_hours": DEFAULT_SLA_HOURS[tier][1],
                    }
                    for index, tier in enumerate(DEFAULT_SLA_HOURS)
                    if tier in missing
                ]
            )
        return {policy.tier: policy for policy in policies}

    @api.model
    def _ensure_all_companies(self):
        for company in self.env["res.company"].search([]):
            self._for_company(company)

    def _deadline(self, hours, start):
        """``start`` plus working hours on the company's calendar (naive UTC in and out)."""
        self.ensure_one()
        calendar = self.company_id.resource_calendar_id
        deadline = calendar.plan_hours(hours, start, compute_leaves=True) if calendar else False
        # no calendar (or no working time in sight): count around the clock
        return deadline or start + timedelta(hours=hours)
