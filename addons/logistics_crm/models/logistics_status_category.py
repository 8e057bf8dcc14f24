from odoo import fields, models

from ..tracking.milestones import MILESTONES

MILESTONE_SELECTION = [
    ("booked", "Booked"),
    ("picked_up", "Picked Up"),
    ("in_transit", "In Transit"),
    ("customs", "Customs"),
    ("out_for_delivery", "Out for Delivery"),
    ("delivered", "Delivered"),
    ("exception", "Exception"),
    ("returned", "Returned"),
]
assert tuple(key for key, _label in MILESTONE_SELECTION) == MILESTONES


class LogisticsStatusCategory(models.Model):
    """What a carrier status means: the middle step of raw code → category → milestone."""

    _name = "logistics.status.category"
    _description = "Tracking Status Category"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True, help="Stable key used by status maps and integrations.")
    sequence = fields.Integer(default=10)
    milestone = fields.Selection(
        MILESTONE_SELECTION,
        help="Milestone the shipment reaches with an event of this category; "
        "empty for informational events that do not move it.",
    )
    opens_claim = fields.Boolean(
        help="An exception of this category opens a draft cargo claim for the shipment."
    )
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("code_unique", "unique(code)", "A status category code must be unique."),
    ]
