"""Generated JSON, EPCIS and aggregator bodies through the parsers and the webhook.

No exception escapes as a 500, a refused body writes nothing, and an accepted one
writes exactly what its answer counts.
"""

import json
import logging
import unittest

from odoo.tests import HttpCase, tagged

from ..tracking.events import PayloadError
from .carrier_simulator import kuaidi100_push
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
    edi_text = st.one_of(
        st.sampled_from(["FZ4", "21", "13", "334:202605061000:203", "?", "??", "'", "+", ":", ""]),
        st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=10),
    )
    edifact_segment = st.builds(
        lambda tag, parts: tag + "+" + "+".join(parts) + "'",
        st.sampled_from(["CNI", "STS", "DTM", "LOC", "RFF", "FTX", "TDT", "UNH", "UNT", "xx"]),
        st.lists(edi_text, max_size=4),
    )
    edifact_bodies = st.builds(
        lambda una, segments, count: (
            ("UNA:+.? '" if una else "")
            + "UNB+UNOW:3+A+B+260506:1012+FZ'UNH+M1+IFTSTA:D:01B:UN'CNI+1+FZ4'"
            + "".join(segments)
            + f"UNT+{count or len(segments) + 3}+M1'UNZ+1+FZ'"
        ),
        st.booleans(),
        st.lists(edifact_segment, max_size=6),
        st.one_of(st.none(), st.integers(0, 9)),
    )
    x12_segment = st.builds(
        lambda tag, parts: "*".join([tag, *parts]) + "~",
        st.sampled_from(["B10", "LX", "AT7", "MS1", "MS2", "L11", "ST", "SE", "GE", "zz"]),
        st.lists(
            st.one_of(
                st.sampled_from(["FZ5", "D1", "NS", "20260506", "1030", "UT", "QQ", ""]),
                st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=8),
            ),
            max_size=7,
        ),
    )
    x12_bodies = st.builds(
        lambda segments, count: (
            "ISA*00*          *00*          *02*ABCD           *ZZ*LOGCRM         "
            "*260506*1012*U*00401*000000101*0*P*>~GS*QM*A*B*20260506*1012*101*X*004010~"
            "ST*214*0001~B10*FZ5*S*ABCD~"
            + "".join(segments)
            + f"SE*{count or len(segments) + 3}*0001~GE*1*101~IEA*1*000000101~"
        ),
        st.lists(x12_segment, max_size=6),
        st.one_of(st.none(), st.integers(0, 9)),
    )
    kuaidi100_line = st.fixed_dictionaries(
        {},
        optional={
            "time": st.one_of(odd, st.sampled_from(["2026-05-06 10:00:00", "2026-05-06 25:00"])),
            "ftime": odd,
            "statusCode": st.one_of(odd, st.sampled_from(["301", "1002", "209"])),
            "status": st.one_of(odd, st.sampled_from(["在途", "签收"])),
            "context": odd,
            "areaName": odd,
        },
    )
    kuaidi100_params = st.one_of(
        nested.map(json.dumps),
        st.builds(
            lambda number, lines, status, message, corrected: json.dumps(
                {
                    "status": status,
                    "message": message,
                    "comNew": corrected,
                    "lastResult": {"nu": number, "data": lines},
                }
            ),
            st.one_of(st.just("FZ6"), odd),
            st.one_of(st.lists(st.one_of(kuaidi100_line, odd), max_size=4), odd),
            st.one_of(st.sampled_from(["polling", "abort", "shutdown"]), odd),
            odd,
            odd,
        ),
    )
else:
    FUZZ = own_bodies = aggregator_bodies = epcis_bodies = None
    edifact_bodies = x12_bodies = kuaidi100_params = None


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
        Carrier = cls.env["logistics.carrier"]
        cls.edifact_carrier = Carrier.create(
            {
                "name": "FZ IFTSTA",
                "code": "fz-iftsta",
                "connector": "edifact",
                "webhook_secret": SECRET,
            }
        )
        cls.x12_carrier = Carrier.create(
            {"name": "FZ X12", "code": "fz-x12", "connector": "x12", "webhook_secret": SECRET}
        )
        cls.kuaidi100_carrier = Carrier.create(
            {
                "name": "FZ 快递100",
                "code": "fz-kd100",
                "connector": "kuaidi100",
                "kuaidi100_salt": SECRET,
                "endpoint": False,  # pushes only: no real kuaidi100 from tests
            }
        )
        cls.shipments = (
            cls._shipment("FZ1")
            | cls._shipment("FZ2", carrier=cls.aggregator)
            | cls._shipment("FZ3", carrier=cls.epcis_carrier)
            | cls._shipment("FZ4", carrier=cls.edifact_carrier)
            | cls._shipment("FZ5", carrier=cls.x12_carrier)
            | cls._shipment("FZ6", carrier=cls.kuaidi100_carrier)
        )

    def _state(self):
        self.env.invalidate_all()
        events = self.env["logistics.shipment.event"].search_count(
            [("shipment_id", "in", self.shipments.ids)]
        )
        lines = self.env["logistics.carrier.status"].search_count([])
        return events, lines

    def _through(self, code, body, push=None):
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
            data, headers = push(body) if push else (body, self._signed(body))
            response = self.url_open(f"/logistics/tracking/{code}", data=data, headers=headers)
        finally:
            logging.getLogger(LOGGER).setLevel(logging.NOTSET)
        events_after, lines_after = self._state()
        if document is None:
            self.assertEqual(response.status_code, 400, response.text)
            self.assertEqual((events_after, lines_after), (events_before, lines_before))
            return
        self.assertEqual(response.status_code, 200, response.text)
        if push:
            # kuaidi100 is answered its own acknowledgement, not the counts
            self.assertEqual(response.json()["result"], True)
            self.assertLessEqual(events_after - events_before, len(document.events))
            return
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

    @fuzz(edifact_bodies)
    def test_edifact(self, body):
        self._through("fz-iftsta", body)

    @fuzz(x12_bodies)
    def test_x12(self, body):
        self._through("fz-x12", body)

    @fuzz(kuaidi100_params)
    def test_kuaidi100(self, body):
        self._through("fz-kd100", body, push=self._kuaidi100_push)

    @staticmethod
    def _kuaidi100_push(param):
        # a str as kuaidi100 signs it: the form field is text, not bytes
        return kuaidi100_push(param.decode("utf-8", "surrogatepass"), SECRET)
