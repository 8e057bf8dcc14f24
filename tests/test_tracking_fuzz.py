"""Generated bodies through the parsers: only PayloadError ever escapes, and every
event that comes out is within the bounds the database is given."""

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from logistics_crm_tracking import status_map
from logistics_crm_tracking.events import MAX_CODE, MAX_TIME, MIN_TIME, PayloadError, to_utc
from tracking_formats import parse

SETTINGS = settings(
    max_examples=200, deadline=None, database=None, suppress_health_check=list(HealthCheck)
)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True),
    st.text(max_size=40),
    st.sampled_from(
        [
            "2026-05-06T10:00:00+08:00",
            "0001-01-01T00:00:00+05:00",
            "9999-12-31T23:59:59-05:00",
            "2026-05-06T10:00:00",
            "A\x00B",
            "\ud800",
            "PICKED_UP",
            "x" * 3000,
        ]
    ),
)
values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)
keys = ["tracking_ref", "time", "code", "event_id", "description", "location", "eta"]
own_events = st.lists(st.fixed_dictionaries({}, optional=dict.fromkeys(keys, values)), max_size=6)
checkpoint_keys = ["checkpoint_time", "tag", "subtag", "message", "location", "city"]
checkpoints = st.lists(
    st.one_of(values, st.fixed_dictionaries({}, optional=dict.fromkeys(checkpoint_keys, values))),
    max_size=5,
)


def check(kind, body):
    try:
        document = parse(kind, body)
    except PayloadError:
        return
    status_map.normalise(document.events, status_map.DEFAULT_MAPS[kind])
    for event in document.events:
        assert MIN_TIME <= to_utc(event.event_time) < MAX_TIME
        assert 0 < len(event.raw_code) <= MAX_CODE or event.raw_code == "|"
        for text in (event.raw_code, event.description, event.location, *event.refs):
            assert "\x00" not in text
            text.encode("utf-8")
        for ref in event.refs:
            assert len(event.identity(ref)) <= 128
    for rejected in document.rejected:
        assert rejected["reason"]


@SETTINGS
@given(st.binary(max_size=300))
def test_any_bytes(body):
    for kind in ("json", "aggregator", "epcis"):
        check(kind, body)


@SETTINGS
@given(values)
def test_any_json_document(data):
    body = json.dumps(data).encode()
    check("json", body)
    check("aggregator", body)


@SETTINGS
@given(own_events)
def test_own_json_events(events):
    check("json", json.dumps({"events": events}).encode())


@SETTINGS
@given(st.one_of(values, checkpoints), values, st.booleans())
def test_aggregator_trackings(points, number, as_webhook):
    tracking = {"tracking_number": number, "checkpoints": points, "expected_delivery": number}
    data = {"msg": tracking} if as_webhook else {"data": {"tracking": tracking}}
    check("aggregator", json.dumps(data).encode())


xml_text = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=30).map(
    lambda text: text.replace("&", "&amp;").replace("<", "&lt;")
)
kinds = st.sampled_from(
    ["ObjectEvent", "AggregationEvent", "TransformationEvent", "AssociationEvent", "Other"]
)
children = st.lists(
    st.tuples(
        st.sampled_from(
            [
                "eventTime",
                "bizStep",
                "disposition",
                "action",
                "eventID",
                "parentID",
                "eventTimeZoneOffset",
            ]
        ),
        st.one_of(xml_text, st.sampled_from(["2026-05-06T10:00:00Z", "OBSERVE", "x" * 6000])),
    ),
    max_size=6,
)


@SETTINGS
@given(st.lists(st.tuples(kinds, children), max_size=5))
def test_epcis_events(events):
    body = "".join(
        f"<{kind}>" + "".join(f"<{tag}>{text}</{tag}>" for tag, text in fields) + f"</{kind}>"
        for kind, fields in events
    )
    document = (
        '<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2"><EPCISBody><EventList>'
        f"{body}</EventList></EPCISBody></epcis:EPCISDocument>"
    )
    check("epcis", document.encode())
