"""Carrier bodies → normalised events: our JSON, aggregator JSON, GS1 EPCIS 2.0 XML."""

import gc
import json
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from logistics_crm_tracking import parsers, status_map
from logistics_crm_tracking.events import PayloadError
from tracking_formats import parse

EPCIS_DIR = Path(__file__).resolve().parent.parent / "addons/logistics_crm/tests/data/epcis"


def own(*events):
    return json.dumps({"events": list(events)}).encode()


def event(**values):
    base = {"tracking_ref": "SF1", "time": "2026-05-06T10:00:00+08:00", "code": "PICKED_UP"}
    base.update(values)
    return base


def test_own_json_event_is_aware_and_keeps_its_local_offset():
    [parsed] = parsers.parse_json(own(event(location="Ningbo", event_id="e-1"))).events
    assert parsed.refs == ("SF1",)
    assert parsed.event_time == datetime(2026, 5, 6, 2, 0, tzinfo=timezone.utc)
    assert parsed.tz_offset == "+08:00"
    assert parsed.location == "Ningbo"
    assert parsed.identity("SF1") == "e-1"


def test_identity_without_event_id_is_stable_across_bodies_and_offsets():
    [first] = parsers.parse_json(own(event())).events
    [again] = parsers.parse_json(own(event(time="2026-05-06T02:00:00Z"))).events
    [other] = parsers.parse_json(own(event(code="DELIVERED"))).events
    assert first.identity("SF1") == again.identity("SF1")
    assert first.identity("SF1") != other.identity("SF1")


@pytest.mark.parametrize(
    "body, message",
    [
        (b"{not json", "malformed JSON"),
        (b"[]", '"events" list'),
        (b"\xff\xfe\x00", "malformed JSON"),
        (b"[" * 100000 + b"]" * 100000, "malformed JSON"),
    ],
)
def test_a_body_that_is_not_our_json_is_refused(body, message):
    with pytest.raises(PayloadError, match=re.escape(message)):
        parsers.parse_json(body)


@pytest.mark.parametrize(
    "bad, message",
    [
        ("text", "events[1]: must be an object"),
        (event(time="2026-05-06T10:00:00"), "has no UTC offset"),
        (event(time="yesterday"), "not an ISO 8601 time"),
        (event(tracking_ref=""), "events[1].tracking_ref: required"),
        (event(code=None), "events[1].code: required"),
        (event(code={"a": 1}), "must be a string"),
        (event(code="A\u0000B"), "NUL character"),
        (event(description="bad \ud800 half"), "unpaired surrogate"),
        (event(time="0001-01-01T00:00:00+05:00"), "outside 1970-2199"),
        (event(time="9999-12-31T23:59:59-05:00"), "outside 1970-2199"),
        (event(eta="9999-12-31T23:59:59+00:00"), "events[1].eta"),
        (event(code="X" * 300), "longer than 255 characters"),
        (event(tracking_ref=["SF1"]), "must be a string"),
    ],
)
def test_a_bad_event_is_rejected_alone_with_where_and_why(bad, message):
    document = parsers.parse_json(own(event(), bad, event(code="DELIVERED")))
    assert [e.raw_code for e in document.events] == ["PICKED_UP", "DELIVERED"]
    [rejected] = document.rejected
    assert rejected["event"] == "events[1]"
    assert message in rejected["reason"]


def test_free_text_is_cut_and_long_event_ids_keep_distinct_identities():
    long_id = "urn:uuid:" + "a" * 300
    [first, second] = parsers.parse_json(
        own(
            event(description="d" * 5000, event_id=long_id + "1"),
            event(event_id=long_id + "2"),
        ),
    ).events
    assert len(first.description) == 512
    assert first.identity("SF1") != second.identity("SF1")
    assert len(first.identity("SF1")) <= 128


def test_events_beyond_the_per_body_limit_are_rejected_not_the_body(monkeypatch):
    monkeypatch.setattr(parsers, "MAX_EVENTS", 2)
    document = parsers.parse_json(own(event(), event(code="A"), event(code="B")))
    assert len(document.events) == 2
    assert document.rejected[0]["event"] == "events[2]"


def test_oversized_body_is_refused_before_parsing():
    with pytest.raises(PayloadError, match="byte limit"):
        parsers.check_size(b" " * (parsers.MAX_BODY_BYTES + 1))


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
    events = parse("aggregator", json.dumps(body).encode()).events
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
    events = parse("aggregator", json.dumps(body).encode()).events
    status_map.normalise(events, status_map.DEFAULT_MAPS["aggregator"])
    assert events[0].milestone == "in_transit"


def test_gs1_example_9_6_1_object_events():
    events = parse("epcis", (EPCIS_DIR / "gs1_example_9_6_1_object_event.xml").read_bytes()).events
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
    events = parse("epcis", path.read_bytes()).events
    assert [e.kind for e in events] == ["TransactionEvent", "TransactionEvent"]
    assert events[1].refs[0] == "http://transaction.examplerail.com/passage/xyz12345"
    assert events[1].event_time.utcoffset() == timedelta(hours=2)
    unknown = status_map.normalise(events, status_map.DEFAULT_MAPS["epcis"])
    # the hospital step is nobody's logistics code: kept, unmapped
    assert unknown == {"http://epcis.example.org/hc/bizstep/summarising_discharge|"}
    assert events[1].milestone == "in_transit"


def test_gs1_document_with_an_empty_doctype_is_accepted():
    path = EPCIS_DIR / "gs1_example_doctype_object_event.xml"
    [parsed] = parse("epcis", path.read_bytes()).events
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
        parse("epcis", body)


def test_entities_are_refused_even_when_hidden_from_a_byte_scan():
    hidden = XXE.decode().replace(
        '<?xml version="1.0"?>', '<?xml version="1.0" encoding="utf-16"?>'
    )
    with pytest.raises(PayloadError):
        parse("epcis", hidden.encode("utf-16"))


@pytest.mark.parametrize(
    "body, message",
    [
        (b"<epcis:EPCISDocument", "malformed XML"),
        (b"<other/>", "expected an EPCISDocument"),
    ],
)
def test_malformed_epcis_is_refused(body, message):
    with pytest.raises(PayloadError, match=message):
        parse("epcis", body)


def epcis(*events):
    return (
        b'<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2"><EPCISBody><EventList>'
        + b"".join(events)
        + b"</EventList></EPCISBody></epcis:EPCISDocument>"
    )


def object_event(time=b"2026-05-06T10:00:00Z", step=b"shipping", extra=b""):
    return (
        b"<ObjectEvent><eventTime>" + time + b"</eventTime><epcList><epc>SSCC1</epc></epcList>"
        b"<action>OBSERVE</action><bizStep>urn:epcglobal:cbv:bizstep:"
        + step
        + b"</bizStep>"
        + extra
        + b"</ObjectEvent>"
    )


def test_epcis_event_without_bizstep_or_disposition_is_kept_as_information():
    body = epcis(
        object_event(),
        b"<ObjectEvent><eventTime>2026-05-06T11:00:00Z</eventTime>"
        b"<epcList><epc>SSCC1</epc></epcList><action>OBSERVE</action></ObjectEvent>",
    )
    document = parse("epcis", body)
    assert document.rejected == []
    assert [e.raw_code for e in document.events] == ["shipping|", "|"]
    status_map.normalise(document.events, status_map.DEFAULT_MAPS["epcis"])
    assert [e.milestone for e in document.events] == ["picked_up", None]
    assert document.events[1].category == "info"


@pytest.mark.parametrize(
    "bad, message",
    [
        (object_event(time=b"0001-01-01T00:00:00+05:00"), "outside 1970-2199"),
        (object_event(time=b"9999-12-31T23:59:59-05:00"), "outside 1970-2199"),
        (object_event(step=b"x" * 6000), "longer than 127 characters"),
        (object_event(extra=b"<eventTime>2026-05-06</eventTime>"), None),
        (b"<ObjectEvent><action>OBSERVE</action></ObjectEvent>", "missing time"),
        (object_event().replace(b"OBSERVE", b"SMASH"), "is not ADD, OBSERVE or DELETE"),
        (b"<QuantityEvent/>", "is not an EPCIS event type"),
    ],
)
def test_a_bad_epcis_event_is_rejected_alone(bad, message):
    document = parse("epcis", epcis(object_event(), bad, object_event(step=b"departing")))
    if message is None:  # a second eventTime: the first one counts
        assert len(document.events) == 3
        return
    assert [e.raw_code for e in document.events] == ["shipping|", "departing|"]
    [rejected] = document.rejected
    assert rejected["event"] == "EventList[1]"
    assert message in rejected["reason"]


def test_gs1_aggregation_event_names_its_parent_and_children():
    [event] = parse("epcis", (EPCIS_DIR / "gs1_example_aggregation_event.xml").read_bytes()).events
    assert (event.kind, event.action) == ("AggregationEvent", "OBSERVE")
    assert event.refs[0] == "urn:epc:id:sscc:0614141.1234567890"
    assert event.details["children_count"] == 2
    assert event.details["quantities"][1] == {
        "class": "urn:epc:class:lgtin:4012345.012345.998877",
        "quantity": "200.5",
        "uom": "KGM",
    }
    assert "observed in urn:epc:id:sscc:0614141.1234567890" in event.description


def test_gs1_transformation_event_keeps_inputs_outputs_and_sensors():
    [event] = parse(
        "epcis", (EPCIS_DIR / "gs1_example_transformation_event.xml").read_bytes()
    ).events
    assert event.kind == "TransformationEvent"
    assert event.details["outputs"] == [
        "urn:epc:id:sgtin:4012345.012345.987",
        "urn:epc:id:sgtin:4012345.012345.988",
    ]
    assert "transformed 0 input(s) into 2 output(s)" in event.description
    [sensor] = event.sensors
    assert sensor["reports"][0]["meanValue"] == "13.2"
    assert sensor["metadata"]["someFurtherMetaData"] == "someText"


def test_gs1_association_events_and_an_error_declaration_of_one_of_them():
    events = parse("epcis", (EPCIS_DIR / "gs1_example_association_events.xml").read_bytes()).events
    assert [e.kind for e in events] == ["AssociationEvent"] * 5
    assert [e.action for e in events] == ["ADD", "DELETE", "ADD", "DELETE", "DELETE"]
    declared, declaration = events[1], events[3]
    assert (declared.retraction, declaration.retraction) == (False, True)
    assert declaration.retraction_reason == "incorrect_data"
    # the declaration repeats the erroneous event: same identity, so it can void it
    ref = "urn:epc:id:grai:4012345.55555.987"
    assert declaration.identity(ref) == declared.identity(ref)
    assert events[0].description.endswith("associated with " + ref)


def test_epcis_1_2_error_declaration_in_base_extension():
    events = parse(
        "epcis", (EPCIS_DIR / "gs1_example_error_declaration_1_2.xml").read_bytes()
    ).events
    assert [(e.kind, e.retraction) for e in events] == [
        ("TransformationEvent", True),
        ("TransformationEvent", False),
    ]
    assert events[0].external_id == "urn:uuid:374d95fc-9457-4a51-bd6a-0bba133845a8"
    assert events[0].details["declared"] == "2020-01-15T00:00:00+01:00"


def test_sensor_readings_are_part_of_an_events_identity():
    events = parse(
        "epcis", (EPCIS_DIR / "gs1_example_sensor_object_events.xml").read_bytes()
    ).events
    first, second, alarm = events
    ref = "urn:epc:id:sgtin:4012345.011111.9876"
    # same time, EPC, step and place; only the readings differ
    assert (first.event_time, first.raw_code) == (second.event_time, second.raw_code)
    assert first.identity(ref) != second.identity(ref)
    assert len(first.sensors) == 2
    assert alarm.sensors[0]["reports"][1] == {
        "booleanValue": "true",
        "type": "gs1:AT-Alarm_condition",
    }
    # without sensors the identity is the one events always had
    plain = parse("epcis", epcis(object_event())).events[0]
    assert plain.identity("SSCC1").startswith("h:")


def test_too_many_sensor_reports_reject_the_event():
    reports = b"<sensorReport type='t' value='1'/>" * (parsers.MAX_SENSOR_REPORTS + 1)
    extra = (
        b"<sensorElementList><sensorElement>" + reports + b"</sensorElement></sensorElementList>"
    )
    document = parse("epcis", epcis(object_event(extra=extra), object_event()))
    assert len(document.events) == 1
    assert "sensor reports" in document.rejected[0]["reason"]


@pytest.mark.parametrize(
    "data",
    [
        {"data": [1, 2]},
        {"data": "text"},
        {"data": {"trackings": "x"}},
        {"data": {"tracking": ["a"]}},
        {"msg": None},
    ],
)
def test_aggregator_bodies_of_the_wrong_shape_are_a_payload_error(data):
    with pytest.raises(PayloadError):
        parse("aggregator", json.dumps(data).encode())


def test_aggregator_list_answer_rejects_bad_items_and_keeps_good_ones():
    good = {"checkpoint_time": "2026-05-06T09:00:00Z", "tag": "InTransit"}
    body = {
        "data": {
            "trackings": [
                {"tracking_number": "A1", "checkpoints": [good, "nope", {"tag": "X"}]},
                "not an object",
                {
                    "tracking_number": "A2",
                    "expected_delivery": "9999-01-01T00:00:00+00:00",
                    "checkpoints": [good],
                },
                {"checkpoints": [good]},
            ]
        }
    }
    document = parse("aggregator", json.dumps(body).encode())
    assert [e.refs for e in document.events] == [("A1",), ("A2",)]
    assert document.events[1].eta is None
    where = [r["event"] for r in document.rejected]
    assert where == [
        "data.trackings[0].checkpoints[1]",
        "data.trackings[0].checkpoints[2]",
        "data.trackings[1]",
        "data.trackings[2].expected_delivery",
        "data.trackings[3]",
    ]


def _epcis_body(event_xml):
    return (
        '<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" schemaVersion="2.0">'
        f"<EPCISBody><EventList>{event_xml}</EventList></EPCISBody></epcis:EPCISDocument>"
    ).encode()


def test_reading_epcis_pauses_garbage_collection_and_turns_it_back_on():
    seen = []
    plain = (
        "<ObjectEvent><eventTime>2026-05-06T10:00:00+08:00</eventTime>"
        "<eventTimeZoneOffset>+08:00</eventTimeZoneOffset><epcList><epc>SF1</epc></epcList>"
        "<action>OBSERVE</action></ObjectEvent>"
    )
    original = parsers.Document.collect

    def collect(document, where, read):
        seen.append(gc.isenabled())
        return original(document, where, read)

    gc.enable()
    parsers.Document.collect = collect
    try:
        # the second event's bad time sends it to the full path, which raises inside
        parsed = parsers.parse_epcis(_epcis_body(plain + plain.replace("2026-05-06", "2026-13-06")))
    finally:
        parsers.Document.collect = original
    assert [event.refs for event in parsed.events] == [("SF1",)]
    assert len(parsed.rejected) == 1
    assert seen == [False]
    assert gc.isenabled()


def test_a_pause_of_garbage_collection_leaves_it_as_it_found_it():
    gc.enable()
    with pytest.raises(RuntimeError), parsers.gc_paused():
        assert not gc.isenabled()
        raise RuntimeError("a reader failing half-way")
    assert gc.isenabled()
    gc.disable()
    try:
        with parsers.gc_paused():
            pass
        assert not gc.isenabled()  # whoever turned it off turns it back on
    finally:
        gc.enable()
