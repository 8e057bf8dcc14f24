from odoo import fields, models

from .. import key_value


class LogisticsCarrier(models.Model):
    _inherit = "logistics.carrier"

    connector = fields.Selection(
        selection_add=[("key_value", "Key=value lines")],
        ondelete={"key_value": "set default"},
    )

    def _key_value_parse(self, body):
        return key_value.parse(body)

    def _key_value_default_status_map(self):
        return {
            "BOOKED": "booked",
            "PICKUP": "pickup",
            "MOVING": "transit",
            "OUT": "delivery",
            "DONE": "delivered",
            "LATE": "delay",
        }

    def _key_value_poll_request(self, shipment):
        return self._poll_url(shipment.tracking_ref), self._poll_headers("text/plain")
