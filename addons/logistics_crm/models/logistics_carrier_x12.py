from odoo import fields, models

from ..tracking import x12


class LogisticsCarrier(models.Model):
    """ANSI X12 214 shipment status, pushed signed to the webhook or uploaded."""

    _inherit = "logistics.carrier"

    connector = fields.Selection(
        selection_add=[("x12", "ANSI X12 214")],
        ondelete={"x12": "set default"},
    )

    def _x12_parse(self, body):
        return x12.parse(body, self._edi_zone())

    def _x12_default_status_map(self):
        return x12.DEFAULT_STATUS_MAP

    def _x12_poll_request(self, shipment):
        return self._poll_url(shipment.tracking_ref), self._poll_headers("application/EDI-X12")
