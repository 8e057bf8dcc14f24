"""What the connector tests share: sample messages, their carriers, mails to customers."""

import json
from pathlib import Path

from .common import SECRET, LogisticsCommon

CONNECTORS = Path(__file__).parent / "data" / "connectors"
SALT = "salt-for-tests"
WEBHOOK_LOGGER = "odoo.addons.logistics_crm.controllers.tracking_webhook"


def sample(name):
    return (CONNECTORS / name).read_bytes()


def push_param(name):
    """The ``param`` of a kuaidi100 sample push, as kuaidi100 sends it (compact JSON)."""
    return json.dumps(json.loads(sample(name)), ensure_ascii=False, separators=(",", ":"))


class ConnectorCommon(LogisticsCommon):
    """One carrier per new connector, and a customer reading its mails in Chinese."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Carrier = cls.env["logistics.carrier"]
        cls.kuaidi100_carrier = Carrier.create(
            {
                "name": "圆通 via 快递100",
                "code": "kd100-yto",
                "connector": "kuaidi100",
                "kuaidi100_company": "yuantong",
                "kuaidi100_key": "KEY-T",
                "kuaidi100_customer": "CUSTOMER-T",
                "kuaidi100_salt": SALT,
                # no real kuaidi100 from tests: the classes that poll set the simulator
                "endpoint": False,
                "kuaidi100_subscribe_url": "http://127.0.0.1:9/poll",
            }
        )
        cls.edifact_carrier = Carrier.create(
            {
                "name": "IFTSTA Line",
                "code": "iftsta",
                "connector": "edifact",
                "webhook_secret": SECRET,
            }
        )
        cls.x12_carrier = Carrier.create(
            {
                "name": "X12 Trucking",
                "code": "x12-214",
                "connector": "x12",
                "webhook_secret": SECRET,
            }
        )
        cls.customer.email = "ops@ningbo.example.com"
        # a demo database's own shipments may wait for their mails: not these tests' mails
        cls.env["logistics.shipment"].sudo().search([("notify_pending", "=", True)]).write(
            {"notify_pending": False}
        )

    def _milestone_mails(self, shipment):
        self.env["logistics.shipment"]._cron_send_milestone_notifications()
        messages = self.env["mail.message"].search(
            [
                ("model", "=", "logistics.shipment"),
                ("res_id", "=", shipment.id),
                ("subtype_id", "=", self.env.ref("logistics_crm.mt_shipment_milestone").id),
            ]
        )
        return messages.filtered(lambda m: self.customer in m.notification_ids.res_partner_id)

    def _codes(self, shipment):
        return shipment.event_ids.sorted("event_time").mapped("raw_code")
