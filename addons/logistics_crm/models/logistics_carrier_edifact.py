from zoneinfo import ZoneInfo

from odoo import fields, models

from odoo.addons.base.models.res_partner import _tz_get

from ..tracking import edifact


class LogisticsCarrier(models.Model):
    """UN/EDIFACT IFTSTA (D.01B and later), pushed signed to the webhook or uploaded."""

    _inherit = "logistics.carrier"

    connector = fields.Selection(
        selection_add=[("edifact", "EDIFACT IFTSTA")],
        ondelete={"edifact": "set default"},
    )
    edi_time_zone = fields.Selection(
        _tz_get,
        string="Time Zone of Local Times",
        help="EDIFACT and X12 times that carry no zone (EDIFACT formats 102, 203, 204; "
        "X12 without a time code or LT) are read in this zone. Empty: UTC.",
    )

    def _edi_zone(self):
        """The carrier's zone of zone-less EDI times, or None (UTC)."""
        return ZoneInfo(self.edi_time_zone) if self.edi_time_zone else None

    def _edifact_parse(self, body):
        return edifact.parse(body, self._edi_zone())

    def _edifact_default_status_map(self):
        return edifact.DEFAULT_STATUS_MAP

    def _edifact_poll_request(self, shipment):
        return self._poll_url(shipment.tracking_ref), self._poll_headers("application/EDIFACT")
