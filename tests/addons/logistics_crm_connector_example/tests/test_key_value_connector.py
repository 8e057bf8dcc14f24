from odoo.tests import HttpCase, tagged

from odoo.addons.logistics_crm.tests.common import SECRET, LogisticsCommon
from odoo.addons.logistics_crm.tracking import signature


@tagged("post_install", "-at_install")
class TestKeyValueConnector(LogisticsCommon, HttpCase):
    """A connector another addon adds goes through the real webhook like the built-in ones."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.kv_carrier = cls.env["logistics.carrier"].create(
            {
                "name": "Key=value Express",
                "code": "kv-express",
                "connector": "key_value",
                "webhook_secret": SECRET,
                "endpoint": "https://kv.example.com/track/{tracking_ref}",
            }
        )
        cls.shipment = cls._shipment("KV1001", carrier=cls.kv_carrier)

    def _block(self, code, hours_ago, **extra):
        lines = {
            "ref": "KV1001",
            "time": self._hours_ago(hours_ago).isoformat() + "+00:00",
            "code": code,
            **extra,
        }
        return "\n".join(f"{key}={value}" for key, value in lines.items())

    def _post(self, body):
        headers = {"X-Signature": signature.sign(body, SECRET), "Content-Type": "text/plain"}
        return self.url_open("/logistics/tracking/kv-express", data=body, headers=headers)

    def test_the_carrier_starts_with_the_connector_status_map(self):
        self.assertEqual(
            dict(
                self.kv_carrier.status_ids.mapped(
                    lambda line: (line.raw_code, line.category_id.code)
                )
            ),
            self.kv_carrier._key_value_default_status_map(),
        )

    def test_signed_body_over_http_moves_the_shipment(self):
        body = "\n\n".join(
            [
                self._block("PICKUP", 6, location="Ningbo", id="kv-1"),
                self._block("OUT", 2, description="Left the depot"),
                self._block("SCANNED", 1),
                "ref=KV1001\ncode=DONE",  # no time: rejected on its own
            ]
        ).encode()
        response = self._post(body)
        self.assertEqual(response.status_code, 200, response.text)
        answer = response.json()
        self.assertEqual(
            {key: answer[key] for key in ("received", "stored", "unmapped", "rejected")},
            {"received": 4, "stored": 3, "unmapped": 1, "rejected": 1},
        )
        self.assertEqual(answer["rejections"][0]["event"], "block[3]")
        self.shipment.invalidate_recordset()
        self.assertEqual(self.shipment.milestone, "out_for_delivery")
        events = self.shipment.event_ids.sorted("event_time")
        self.assertEqual(events.mapped("raw_code"), ["PICKUP", "OUT", "SCANNED"])
        self.assertEqual(events.mapped("milestone"), ["picked_up", "out_for_delivery", False])
        self.assertEqual(events[0].location, "Ningbo")
        self.assertEqual(set(events.mapped("source")), {"webhook"})
        self.assertIn("SCANNED", self.kv_carrier.status_ids.mapped("raw_code"))
        # the same body again stores nothing new
        self.assertEqual(self._post(body).json()["duplicates"], 3)

    def test_bad_signature_and_unreadable_body(self):
        body = self._block("OUT", 1).encode()
        headers = {"X-Signature": signature.sign(body, "wrong"), "Content-Type": "text/plain"}
        with self.assertLogs("odoo.addons.logistics_crm.controllers.tracking_webhook", "WARNING"):
            response = self.url_open("/logistics/tracking/kv-express", data=body, headers=headers)
            self.assertEqual(response.status_code, 401)
            response = self._post(b"no equals sign here")
            self.assertEqual(response.status_code, 400)
        self.assertIn("expected key=value", response.json()["error"])
        self.assertFalse(self.shipment.event_ids)

    def test_poll_request(self):
        url, headers = self.kv_carrier._key_value_poll_request(self.shipment)
        self.assertEqual(url, "https://kv.example.com/track/KV1001")
        self.assertEqual(headers["Accept"], "text/plain")
