from odoo import fields, models


class LogisticsComplaintRootCause(models.Model):
    """Why it went wrong, for the archive's analysis."""

    _name = "logistics.complaint.root.cause"
    _description = "Complaint Root Cause"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    description = fields.Text(translate=True)
