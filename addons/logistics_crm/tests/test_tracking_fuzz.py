"""Generated JSON, EPCIS and aggregator bodies through the parsers and the webhook.

No exception escapes as a 500, a refused body writes nothing, and an accepted one
writes exactly what its answer counts.
"""

import json
import logging
import unittest

from odoo.tests import HttpCase, tagged

from ..tracking.events import PayloadError
from .common import SECRET, LogisticsCommon

try:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st
except ImportError:  # pragma: no cover - the test is skipped, saying why
    given = None

LOGGER = "odoo.addons.logistics_crm.controllers.tracking_webhook"
EXAMPLES = 30

if given:
    FUZZ = settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    odd = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(),
        st.text(max_size=20),
        st.sampled_from(
            [
                "FZ1",
                "PICKED_UP",
                "NEW_CODE_Z",
                "2026-05-06T10:00:00+08:00",
                "2099-01-01T00:00:00Z",
                "0001-01-01T00:00:00+05:00",
                "9999-12-31T23:59:59-05:00",
                "A\x00B",
                "\ud800",
                "y" * 3000,
            ]
        ),
    )
    nested = st.recursive(
        odd,
        lambda inner: st.one_of(
            st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
        ),
        max_leaves=10,
    )
    own_event = st.fixed_dictionaries(
        {},
        optional={
            key: st.one_of(odd, nested)
            for key in ("tracking_ref", "time", "code", "event_id", "description", "eta")
        },
    )
    own_bodies = st.one_of(
        nested.map(json.dumps),
        st.lists(own_event, max_size=4).map(lambda events: json.dumps({"events": events})),
    )
    checkpoint = st.fixed_dictionaries(
        {}, optional=dict.fromkeys(("checkpoint_time", "tag", "subtag", "message"), odd)
    )
    aggregator_bodies = st.builds(
        lambda number, points, eta: json.dumps(
            {"msg": {"tracking_number": number, "checkpoints": points, "expected_delivery": eta}}
        ),
        st.one_of(st.just("FZ2"), odd),
        st.one_of(st.lists(st.one_of(checkpoint, odd), max_size=4), odd),
        odd,
    )
    xml_text = st.one_of(
        st.sampled_from(
            ["2026-05-06T10:00:00Z", "9999-12-31T23:59:59-05:00", "FZ3", "shipping", "x" * 6000]
        ),
        st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=12).map(
            lambda text: text.replace("&", "&amp;").replace("<", "&lt;")
        ),
    )
    epcis_event = st.tuples(
        st.sampled_from(
            ["ObjectEvent", "AggregationEvent", "TransformationEvent", "AssociationEvent", "Odd"]
        ),
        st.lists(
            st.tuples(
                st.sampled_from(
                    ["eventTime", "bizStep", "disposition", "action", "eventID", "parentID"]
                ),
                xml_text,
            ),
            max_size=5,
        ),
    )
    epcis_bodies = st.lists(epcis_event, max_size=4).map(
        lambda events: (
            '<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2"><EPCISBody><EventList>'
            + "".join(
                f"<{kind}><epcList><epc>FZ3</epc></epcList>"
                + "".join(f"<{tag}>{text}</{tag}>" for tag, text in fields)
                + f"</{kind}>"
                for kind, fields in events
            )
            + "</EventList></EPCISBody></epcis:EPCISDocument>"
        )
    )
else:
    FUZZ = own_bodies = aggregator_bodies = epcis_bodies = None


def fuzz(strategy):
    """``@given`` with the suite's settings, or a skip saying why."""
    if not given:
        return unittest.skip("hypothesis is not installed in Odoo's Python")
    return lambda test: FUZZ(given(body=strategy)(test))


@tagged("post_install", "-at_install")
class TestTrackingFuzz(LogisticsCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.aggregator.webhook_secret = SECRET
        cls.shipments = (
            cls._shipment("FZ1")
            | cls._shipment("FZ2", carrier=cls.aggregator)
            | cls._shipment("FZ3", carrier=cls.epcis_carrier)
        )

    def _state(self):
        self.env.invalidate_all()
        events = self.env["logistics.shipment.event"].search_count(
            [("shipment_id", "in", self.shipments.ids)]
        )
        lines = self.env["logistics.carrier.status"].search_count([])
        return events, lines

    def _through(self, code, body):
        body = body.encode("utf-8", "surrogatepass")
        carrier = self.env["logistics.carrier"].search([("code", "=", code)])
        # the carrier's parser alone: a document, or a PayloadError, never anything else
        try:
            document = carrier._parse_body(body)
        except PayloadError:
            document = None
        events_before, lines_before = self._state()
        # refusals are logged at WARNING, accepted bodies at INFO: neither is a failure
        logging.getLogger(LOGGER).setLevel(logging.ERROR)
        try:
            response = self.url_open(
                f"/logistics/tracking/{code}", data=body, headers=self._signed(body)
            )
        finally:
            logging.getLogger(LOGGER).setLevel(logging.NOTSET)
        events_after, lines_after = self._state()
        if document is None:
            self.assertEqual(response.status_code, 400, response.text)
            self.assertEqual((events_after, lines_after), (events_before, lines_before))
            return
        self.assertEqual(response.status_code, 200, response.text)
        counts = response.json()
        # new rows: the stored events, and void copies of declared events not seen yet
        self.assertLessEqual(events_after - events_before, counts["stored"] + counts["retracted"])
        self.assertGreaterEqual(events_after - events_before, counts["stored"])
        self.assertEqual(counts["rejected"], len(document.rejected))
        self.assertEqual(counts["received"], len(document.events) + len(document.rejected))

    @fuzz(own_bodies)
    def test_own_json(self, body):
        self._through("own-json", body)

    @fuzz(aggregator_bodies)
    def test_aggregator(self, body):
        self._through("agg", body)

    @fuzz(epcis_bodies)
    def test_epcis(self, body):
        self._through("epcis", body)
