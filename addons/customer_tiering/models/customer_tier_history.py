from odoo import fields, models

from ..const import TIER_SELECTION


class CustomerTierHistory(models.Model):
    """One row per tier change of a customer in a company."""

    _name = "customer.tier.history"
    _inherit = ["customer.tier.order.mixin"]
    _description = "Customer Tier History"
    _order = "date desc, id desc"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one("res.company", required=True, index=True, ondelete="cascade")
    date = fields.Datetime(required=True, default=fields.Datetime.now)
    old_tier = fields.Selection(TIER_SELECTION)
    new_tier = fields.Selection(TIER_SELECTION, required=True)
    current_score = fields.Float(digits=(5, 2))
    potential_score = fields.Float(digits=(5, 2))
    rising = fields.Boolean()
    change = fields.Selection(
        [
            ("initial", "First Grading"),
            ("promotion", "Promotion"),
            ("demotion", "Demotion"),
            ("unchanged", "Confirmed"),
        ],
        required=True,
    )
    origin = fields.Selection(
        [("automatic", "Automatic"), ("manual", "Manual Override")],
        required=True,
        default="automatic",
    )
    user_id = fields.Many2one("res.users", string="By", default=lambda self: self.env.user)
    reason = fields.Char()
