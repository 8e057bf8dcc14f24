import json
from pathlib import Path

from odoo.tests import HttpCase, tagged

from ..tracking import parsers
from .common import LogisticsCommon

EPCIS = Path(__file__).parent / "data" / "epcis"
LOGGER = "odoo.addons.logistics_crm.controllers.tracking_webhook"

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2"><EPCISBody><EventList>
<ObjectEvent><eventTime>2026-05-06T10:00:00Z</eventTime><epcList><epc>SSCC1</epc></epcList>
<bizStep>&xxe;</bizStep></ObjectEvent></EventList></EPCISBody></epcis:EPCISDocument>"""

LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>
<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2"><EPCISBody><EventList>
<ObjectEvent><eventTime>2026-05-06T10:00:00Z</eventTime><epcList><epc>SSCC1</epc></epcList>
<bizStep>shipping</bizStep><disposition>&d;</disposition></ObjectEvent>
</EventList></EPCISBody></epcis:EPCISDocument>"""


@tagged("post_install", "-at_install")
class TestTrackingWebhook(LogisticsCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.shipment = cls._shipment("SF200")
        cls.sscc = cls._shipment("SSCC1", carrier=cls.epcis_carrier)

    def _post(self, code, body, headers):
        return self.url_open(f"/logistics/tracking/{code}", data=body, headers=headers)

    def _rejected(self, code, body, headers, status):
        with self.assertLogs(LOGGER, "WARNING") as logs:
            response = self._post(code, body, headers)
        self.assertEqual(response.status_code, status, response.text)
        self.assertIn("error", response.json())
        return response, logs

    def test_signed_json_body_is_stored_and_counted(self):
        body = self._body(
            self._event("SF200", "PICKED_UP", 5), self._event("SF200", "IN_TRANSIT", 2)
        )
        response = self._post("own-json", body, self._signed(body))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.json(),
            {
                "received": 2,
                "accepted": 2,
                "stored": 2,
                "duplicates": 0,
                "unmatched": 0,
                "unmapped": 0,
                "future": 0,
                "retracted": 0,
                "rejected": 0,
                "rejections": [],
            },
        )
        self.assertEqual(self.shipment.milestone, "in_transit")
        self.assertEqual(set(self.shipment.event_ids.mapped("source")), {"webhook"})
        # the same body again: accepted, nothing new
        again = self._post("own-json", body, self._signed(body))
        self.assertEqual(again.json()["duplicates"], 2)
        self.assertEqual(len(self.shipment.event_ids), 2)

    def test_bad_or_missing_signature_is_401_and_stores_nothing(self):
        body = self._body(self._event("SF200", "PICKED_UP", 5))
        _response, logs = self._rejected("own-json", body, self._signed(body, secret="wrong"), 401)
        self.assertIn("bad signature", logs.output[0])
        self._rejected("own-json", body, {"Content-Type": "application/json"}, 401)
        tampered = body.replace(b"PICKED_UP", b"DELIVERED")
        self._rejected("own-json", tampered, self._signed(body), 401)
        self.assertFalse(self.shipment.event_ids)

    def test_unknown_carrier_is_404(self):
        body = self._body()
        self._rejected("nobody", body, self._signed(body), 404)

    def test_malformed_json_is_400_with_the_reason(self):
        body = b'{"events": [{"tracking_ref": "SF200", "time": "2026-05-06T10:00:00"'
        response, _logs = self._rejected("own-json", body, self._signed(body), 400)
        self.assertIn("malformed JSON", response.json()["error"])
        self.assertFalse(self.shipment.event_ids)

    def test_epcis_xml_good_and_malformed(self):
        body = (
            b'<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2"><EPCISBody><EventList>'
            b"<ObjectEvent><eventTime>2026-05-06T10:00:00+08:00</eventTime>"
            b"<epcList><epc>SSCC1</epc></epcList>"
            b"<bizStep>urn:epcglobal:cbv:bizstep:departing</bizStep></ObjectEvent>"
            b"</EventList></EPCISBody></epcis:EPCISDocument>"
        )
        response = self._post("epcis", body, self._signed(body))
        self.assertEqual(response.json()["stored"], 1)
        self.assertEqual(self.sscc.milestone, "in_transit")
        broken = body[:-20]
        response, _logs = self._rejected("epcis", broken, self._signed(broken), 400)
        self.assertIn("malformed XML", response.json()["error"])

    def test_entity_payloads_are_refused_and_nothing_is_stored(self):
        for payload in (XXE, LAUGHS):
            response, _logs = self._rejected("epcis", payload, self._signed(payload), 400)
            self.assertIn("refused", response.json()["error"])
        self.assertFalse(self.sscc.event_ids)
        self.assertFalse(self.epcis_carrier.status_ids.filtered(lambda s: not s.is_mapped))

    def test_oversized_body_is_refused(self):
        body = self._body(self._event("SF200", "PICKED_UP", 5)) + b" " * parsers.MAX_BODY_BYTES
        response = self._post("own-json", body, self._signed(body))
        self.assertEqual(response.status_code, 413)
        self.assertFalse(self.shipment.event_ids)

    def test_gs1_example_over_http(self):
        po = self._shipment("http://transaction.acme.com/po/12345678", carrier=self.epcis_carrier)
        body = (EPCIS / "gs1_example_9_6_1_object_event.xml").read_bytes()
        response = self._post(
            "epcis", body, dict(self._signed(body), **{"Content-Type": "application/xml"})
        )
        self.assertEqual(json.loads(response.text)["stored"], 2)
        self.assertEqual(po.milestone, "delivered")
