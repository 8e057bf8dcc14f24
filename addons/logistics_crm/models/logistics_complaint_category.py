from odoo import fields, models

from .logistics_complaint import RATER_DIMENSIONS


class LogisticsComplaintCategory(models.Model):
    """What a complaint is about: damage, loss, delay, billing, ..."""

    _name = "logistics.complaint.category"
    _description = "Complaint Category"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(help="Stable key used by automations, e.g. 'damage'.")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    is_claim = fields.Boolean(
        string="Cargo Claim",
        help="Complaints of this category usually claim compensation for the cargo.",
    )
    rater_dimension = fields.Selection(
        RATER_DIMENSIONS,
        string="Default RATER Dimension",
        help="Proposed on new complaints of this category.",
    )

    _sql_constraints = [
        ("code_uniq", "unique(code)", "The code of a complaint category must be unique."),
    ]
