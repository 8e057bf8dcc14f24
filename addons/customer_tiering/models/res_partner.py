from odoo import fields, models

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
