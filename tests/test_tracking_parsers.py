"""Carrier bodies → normalised events: our JSON, aggregator JSON, GS1 EPCIS 2.0 XML."""

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from logistics_crm_tracking import parsers, status_map
from logistics_crm_tracking.events import PayloadError

EPCIS_DIR = Path(__file__).resolve().parent.parent / "addons/logistics_crm/tests/data/epcis"


def own(*events):
    return json.dumps({"events": list(events)}).encode()


def event(**values):
    base = {"tracking_ref": "SF1", "time": "2026-05-06T10:00:00+08:00", "code": "PICKED_UP"}
    base.update(values)
    return base


def test_own_json_event_is_aware_and_keeps_its_local_offset():
    [parsed] = parsers.parse("json", own(event(location="Ningbo", event_id="e-1")))
    assert parsed.refs == ("SF1",)
    assert parsed.event_time == datetime(2026, 5, 6, 2, 0, tzinfo=timezone.utc)
    assert parsed.tz_offset == "+08:00"
    assert parsed.location == "Ningbo"
    assert parsed.identity("SF1") == "e-1"


def test_identity_without_event_id_is_stable_across_bodies_and_offsets():
    [first] = parsers.parse("json", own(event()))
    [again] = parsers.parse("json", own(event(time="2026-05-06T02:00:00Z")))
    [other] = parsers.parse("json", own(event(code="DELIVERED")))
    assert first.identity("SF1") == again.identity("SF1")
    assert first.identity("SF1") != other.identity("SF1")


@pytest.mark.parametrize(
    "body, message",
    [
        (b"{not json", "malformed JSON"),
        (b"[]", '"events" list'),
        (own("text"), "events[0]: must be an object"),
        (own(event(time="2026-05-06T10:00:00")), "has no UTC offset"),
        (own(event(time="yesterday")), "not an ISO 8601 time"),
        (own(event(tracking_ref="")), "events[0].tracking_ref: required"),
        (own(event(), event(code=None)), "events[1].code: required"),
        (own(event(code={"a": 1})), "must be a string"),
        (b"\xff\xfe\x00", "malformed JSON"),
    ],
)
def test_malformed_own_json_is_refused_with_where_and_why(body, message):
    with pytest.raises(PayloadError, match=message.replace("[", r"\[").replace("]", r"\]")):
        parsers.parse("json", body)


def test_oversized_body_is_refused_before_parsing():
    with pytest.raises(PayloadError, match="byte limit"):
        parsers.parse("json", b" " * (parsers.MAX_BODY_BYTES + 1))


def test_aggregator_poll_answer_uses_subtag_then_tag():
    body = {
        "meta": {"code": 200},
        "data": {
            "tracking": {
                "tracking_number": "1Z999",
                "expected_delivery": "2026-05-09T18:00:00-05:00",
                "checkpoints": [
                    {
                        "checkpoint_time": "2026-05-06T09:00:00-05:00",
                        "tag": "InTransit",
                        "subtag": "InTransit_002",
                        "message": "Picked up",
                        "city": "Chicago",
                        "country_iso3": "USA",
                    },
                    {"checkpoint_time": "2026-05-07T09:00:00-05:00", "tag": "Exception"},
                ],
            }
        },
    }
    events = parsers.parse("aggregator", json.dumps(body).encode())
    assert [e.raw_code for e in events] == ["InTransit_002", "Exception"]
    assert events[0].location == "Chicago, USA"
    assert events[0].eta == datetime(2026, 5, 9, 23, 0, tzinfo=timezone.utc)
    status_map.normalise(events, status_map.DEFAULT_MAPS["aggregator"])
    assert [e.milestone for e in events] == ["picked_up", "exception"]


def test_aggregator_webhook_shape_and_tag_fallback():
    body = {
        "msg": {
            "tracking_number": "1Z1",
            "checkpoints": [
                {
                    "checkpoint_time": "2026-05-06T09:00:00Z",
                    "tag": "InTransit",
                    "subtag": "InTransit_099",
                }
            ],
        }
    }
    events = parsers.parse("aggregator", json.dumps(body).encode())
    status_map.normalise(events, status_map.DEFAULT_MAPS["aggregator"])
    assert events[0].milestone == "in_transit"


def test_gs1_example_9_6_1_object_events():
    events = parsers.parse("epcis", (EPCIS_DIR / "gs1_example_9_6_1_object_event.xml").read_bytes())
    assert len(events) == 2
    first, second = events
    assert first.event_time == datetime(2005, 4, 4, 2, 33, 31, 116000, tzinfo=timezone.utc)
    assert first.tz_offset == "-06:00"
    assert first.raw_code == "shipping|in_transit"
    assert first.location == "urn:epc:id:sgln:0614141.07346.1234"  # readPoint, no bizLocation
    assert "http://transaction.acme.com/po/12345678" in first.refs
    assert second.location == "urn:epc:id:sgln:0012345.11111.0"  # bizLocation wins
    assert "urn:epcglobal:cbv:bt:0614141073467:1152" in second.refs
    unknown = status_map.normalise(events, status_map.DEFAULT_MAPS["epcis"])
    assert unknown == set()
    assert [e.milestone for e in events] == ["picked_up", "delivered"]


def test_gs1_transaction_events_and_a_custom_bizstep():
    path = EPCIS_DIR / "gs1_example_transaction_events.xml"
    events = parsers.parse("epcis", path.read_bytes())
    assert [e.extra["kind"] for e in events] == ["TransactionEvent", "TransactionEvent"]
    assert events[1].refs[0] == "http://transaction.examplerail.com/passage/xyz12345"
    assert events[1].event_time.utcoffset() == timedelta(hours=2)
    unknown = status_map.normalise(events, status_map.DEFAULT_MAPS["epcis"])
    # the hospital step is nobody's logistics code: kept, unmapped
    assert unknown == {"http://epcis.example.org/hc/bizstep/summarising_discharge|"}
    assert events[1].milestone == "in_transit"


def test_gs1_document_with_an_empty_doctype_is_accepted():
    path = EPCIS_DIR / "gs1_example_doctype_object_event.xml"
    [parsed] = parsers.parse("epcis", path.read_bytes())
    assert parsed.raw_code == "receiving|in_progress"


XXE = b"""<?xml version="1.0"?>
<!DOCTYPE doc [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2"><EPCISBody><EventList>
<ObjectEvent><eventTime>2026-05-06T10:00:00Z</eventTime><bizStep>&xxe;</bizStep></ObjectEvent>
</EventList></EPCISBody></epcis:EPCISDocument>"""

LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">]>
<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2"><EPCISBody><EventList>
<ObjectEvent><eventTime>2026-05-06T10:00:00Z</eventTime><bizStep>&lol2;</bizStep></ObjectEvent>
</EventList></EPCISBody></epcis:EPCISDocument>"""

EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE doc SYSTEM "http://attacker.example/evil.dtd">
<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2"/>"""


@pytest.mark.parametrize("body", [XXE, LAUGHS, EXTERNAL_DTD], ids=["xxe", "laughs", "dtd"])
def test_entity_payloads_are_refused(body):
    with pytest.raises(PayloadError, match="refused"):
        parsers.parse("epcis", body)


def test_entities_are_refused_even_when_hidden_from_a_byte_scan():
    hidden = XXE.decode().replace(
        '<?xml version="1.0"?>', '<?xml version="1.0" encoding="utf-16"?>'
    )
    with pytest.raises(PayloadError):
        parsers.parse("epcis", hidden.encode("utf-16"))


@pytest.mark.parametrize(
    "body, message",
    [
        (b"<epcis:EPCISDocument", "malformed XML"),
        (b"<other/>", "expected an EPCISDocument"),
        (
            b"<EPCISDocument><EPCISBody><EventList><ObjectEvent><eventTime>2026-05-06T10:00:00"
            b"</eventTime><bizStep>x</bizStep></ObjectEvent></EventList></EPCISBody></EPCISDocument>",
            "no UTC offset",
        ),
        (
            b"<EPCISDocument><EPCISBody><EventList><ObjectEvent><eventTime>2026-05-06T10:00:00Z"
            b"</eventTime></ObjectEvent></EventList></EPCISBody></EPCISDocument>",
            "neither bizStep nor disposition",
        ),
    ],
)
def test_malformed_epcis_is_refused(body, message):
    with pytest.raises(PayloadError, match=message):
        parsers.parse("epcis", body)


def test_unknown_connector_kind():
    with pytest.raises(PayloadError, match="unknown connector"):
        parsers.parse("fax", b"")
