from odoo import fields, models

from ..tracking import edifact


class LogisticsCarrier(models.Model):
    """UN/EDIFACT IFTSTA (D.01B and later), pushed signed to the webhook or uploaded."""

    _inherit = "logistics.carrier"

    connector = fields.Selection(
        selection_add=[("edifact", "EDIFACT IFTSTA")],
        ondelete={"edifact": "set default"},
    )

    def _edifact_parse(self, body):
        return edifact.parse(body)

    def _edifact_default_status_map(self):
        return edifact.DEFAULT_STATUS_MAP

    def _edifact_poll_request(self, shipment):
        return self._poll_url(shipment.tracking_ref), self._poll_headers("application/EDIFACT")
