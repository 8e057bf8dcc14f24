"""Odd and hostile signed bodies over real HTTP: a reason per event, never a 500."""

import json
import time
from pathlib import Path
from unittest.mock import patch

from odoo.tests import HttpCase, tagged
from odoo.tools import SQL, mute_logger

from ..models.logistics_carrier import LogisticsCarrier
from ..tracking import signature
from .common import SECRET, LogisticsCommon

EPCIS = Path(__file__).parent / "data" / "epcis"
LOGGER = "odoo.addons.logistics_crm.controllers.tracking_webhook"


def epcis(*events):
    return (
        b'<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2"><EPCISBody><EventList>'
        + b"".join(events)
        + b"</EventList></EPCISBody></epcis:EPCISDocument>"
    )


def object_event(ref=b"SSCC-H", time=b"2026-05-06T10:00:00Z", step=b"departing"):
    return (
        b"<ObjectEvent><eventTime>" + time + b"</eventTime><epcList><epc>" + ref + b"</epc>"
        b"</epcList><action>OBSERVE</action><bizStep>" + step + b"</bizStep></ObjectEvent>"
    )


@tagged("post_install", "-at_install")
class TestTrackingHostileBodies(LogisticsCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.shipment = cls._shipment("SFH1")
        cls.sscc = cls._shipment("SSCC-H", carrier=cls.epcis_carrier)
        cls.aggregator.webhook_secret = SECRET
        cls.agg_shipment = cls._shipment("AGG-H", carrier=cls.aggregator)

    def _post(self, code, body, headers=None):
        headers = headers if headers is not None else self._signed(body)
        return self.url_open(f"/logistics/tracking/{code}", data=body, headers=headers)

    def _counted(self, code, body):
        response = self._post(code, body)
        self.assertEqual(response.status_code, 200, response.text)
        return response.json()

    def _refused(self, code, body, status, headers=None):
        with self.assertLogs(LOGGER, "WARNING"):
            response = self._post(code, body, headers)
        self.assertEqual(response.status_code, status, response.text)
        return response.json()["error"]

    def _lines(self, carrier):
        return self.env["logistics.carrier.status"].search_count([("carrier_id", "=", carrier.id)])

    # -- every hostile value rejects its event, with a reason --------------------------

    def test_hostile_values_reject_their_event_and_keep_the_neighbours(self):
        good = self._event("SFH1", "PICKED_UP", 5)
        hostile = [
            (dict(good, code="A\u0000B"), "NUL character"),
            (dict(good, description="half \ud800 pair"), "unpaired surrogate"),
            (dict(good, time="0001-01-01T00:00:00+05:00"), "outside 1970-2199"),
            (dict(good, time="9999-12-31T23:59:59-05:00"), "outside 1970-2199"),
            (dict(good, eta="9999-12-31T23:59:59+00:00"), "events[1].eta"),
            (dict(good, code="X" * 6000), "longer than 255"),
        ]
        lines = self._lines(self.carrier)
        for bad, reason in hostile:
            body = json.dumps({"events": [good, bad]}).encode()
            counts = self._counted("own-json", body)
            self.assertEqual(counts["rejected"], 1, bad)
            self.assertIn(reason, counts["rejections"][0]["reason"])
        self.assertEqual(len(self.shipment.event_ids), 1)
        self.assertEqual(self._lines(self.carrier), lines)

    def test_deeply_nested_json_is_a_400_not_a_500(self):
        body = b'{"events": [' + b"[" * 50000 + b"]" * 50000 + b"]}"
        self.assertIn("nested too deeply", self._refused("own-json", body, 400))

    def test_aggregator_data_of_the_wrong_shape(self):
        for data in ([{"a": 1}, 2], "text", {"trackings": [1, {"tracking_number": "AGG-H"}]}):
            body = json.dumps({"data": data}).encode()
            if isinstance(data, dict):
                counts = self._counted("agg", body)
                self.assertEqual(counts["rejected"], 1)
            else:
                self._refused("agg", body, 400)
        self.assertFalse(self.agg_shipment.event_ids)

    def test_epcis_years_and_a_huge_bizstep_reject_only_their_event(self):
        lines = self._lines(self.epcis_carrier)
        body = epcis(
            object_event(time=b"0001-01-01T00:00:00+05:00"),
            object_event(time=b"9999-12-31T23:59:59-05:00"),
            object_event(step=b"https://example.com/" + b"x" * 6000),
            object_event(),
        )
        counts = self._counted("epcis", body)
        self.assertEqual((counts["stored"], counts["rejected"]), (1, 3))
        self.assertEqual(self.sscc.milestone, "in_transit")
        self.assertEqual(self._lines(self.epcis_carrier), lines)

    def test_a_code_another_delivery_just_added_is_not_a_conflict(self):
        """The map as this transaction knows it lacks a code that is in
        the table already (another delivery added it): skipped, not a 400."""
        known = self.carrier.status_ids.mapped("raw_code")  # what the ORM has in cache
        self.assertNotIn("RACE_CODE", known)
        self.env.cr.execute(
            SQL(
                "INSERT INTO logistics_carrier_status (carrier_id, raw_code, is_mapped)"
                " VALUES (%s, 'RACE_CODE', FALSE)",
                self.carrier.id,
            )
        )
        counts = self.carrier._ingest_body(
            self._body(self._event("SFH1", "RACE_CODE", 2)), "webhook"
        )
        self.assertEqual((counts["stored"], counts["unmapped"]), (1, 1))
        self.assertEqual(
            self.env["logistics.carrier.status"].search_count(
                [("carrier_id", "=", self.carrier.id), ("raw_code", "=", "RACE_CODE")]
            ),
            1,
        )

    # -- the body survives Odoo's retry of a serialization failure ---------------------

    def test_a_serialization_failure_is_retried_with_the_same_body(self):
        original = LogisticsCarrier._ingest_body
        calls = []

        def failing_once(carrier, body, source):
            calls.append(body)
            if len(calls) == 1:
                # what a concurrent delivery causes: PostgreSQL's own 40001 error
                carrier.env.cr.execute(
                    "DO $$ BEGIN RAISE EXCEPTION 'concurrent update'"
                    " USING ERRCODE = 'serialization_failure'; END $$"
                )
            return original(carrier, body, source)

        body = self._body(self._event("SFH1", "PICKED_UP", 3))
        # PostgreSQL's error is logged by the cursor before Odoo retries the request
        with (
            patch.object(LogisticsCarrier, "_ingest_body", failing_once),
            mute_logger("odoo.sql_db"),
        ):
            counts = self._counted("own-json", body)
        self.assertEqual(calls, [body, body])
        self.assertEqual(counts["stored"], 1)
        self.assertEqual(self.shipment.milestone, "picked_up")

    # -- form bodies, replay window, legacy scheme ------------------------------------

    def test_form_bodies_are_415(self):
        body = self._body(self._event("SFH1", "PICKED_UP", 3))
        for content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
        ):
            headers = dict(self._signed(body), **{"Content-Type": content_type})
            self._refused("own-json", body, 415, headers)
        self.assertFalse(self.shipment.event_ids)

    def test_a_stale_or_body_only_signature_is_401(self):
        body = self._body(self._event("SFH1", "PICKED_UP", 3))
        stale = {"X-Signature": signature.sign(body, SECRET, time.time() - 600)}
        self.assertIn("minutes", self._refused("own-json", body, 401, stale))
        legacy = {"X-Signature": signature.sign_legacy(body, SECRET)}
        self.assertIn("body-only", self._refused("own-json", body, 401, legacy))
        self.assertFalse(self.shipment.event_ids)
        # a carrier marked legacy may still sign the body alone
        self.carrier.legacy_signature = True
        response = self._post("own-json", body, legacy)
        self.assertEqual(response.json()["stored"], 1)
