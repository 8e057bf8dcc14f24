from odoo import fields, models


class CustomerTierPolicy(models.Model):
    """The logistics factors of the tier score and their weights."""

    _inherit = "customer.tier.policy"

    weight_shipments = fields.Float(
        string="Shipment Volume", default=10.0, help="Weight of shipments per month."
    )
    weight_on_time = fields.Float(
        string="On-time Delivery", default=10.0, help="Weight of the on-time delivery rate."
    )
    weight_complaint_rate = fields.Float(
        string="Complaint Rate", default=5.0, help="Weight of few complaints per 100 shipments."
    )
    shipments_per_month_full = fields.Float(
        string="Shipments per Month", default=20.0, help="Shipments per month that score full."
    )
    complaints_per_100_zero = fields.Float(
        string="Complaints per 100 Shipments",
        default=10.0,
        help="Complaints per 100 shipments that score zero.",
    )

    def _engine_weights(self):
        current, potential = super()._engine_weights()
        current.update(
            {
                "current_shipments": self.weight_shipments,
                "current_on_time": self.weight_on_time,
                "current_complaints": self.weight_complaint_rate,
            }
        )
        return current, potential
