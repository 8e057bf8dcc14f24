"""快递100, EDIFACT IFTSTA and X12 214 bodies → normalised events (no Odoo)."""

import json
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from logistics_crm_tracking import edifact, kuaidi100, status_map, x12
from logistics_crm_tracking.events import PayloadError

DATA = Path(__file__).resolve().parent.parent / "addons/logistics_crm/tests/data/connectors"
BEIJING = timezone(timedelta(hours=8))


def data(name):
    return (DATA / name).read_bytes()


# -- 快递100 ---------------------------------------------------------------------------


def test_kuaidi100_push_lines_are_beijing_time_with_their_sub_state():
    document = kuaidi100.parse(data("kuaidi100_push_delivered.json"))
    assert document.rejected == []
    assert [e.raw_code for e in document.events] == ["301", "5", "1002", "103"]
    delivered = document.events[0]
    assert delivered.refs == ("YT0001",)
    assert delivered.event_time == datetime(2026, 5, 7, 11, 30, tzinfo=BEIJING)
    assert delivered.tz_offset == "+08:00"
    assert delivered.location == "四川,成都市"
    assert "签收" in delivered.description


def test_kuaidi100_query_answer_gives_the_same_events_as_the_push():
    pushed = kuaidi100.parse(data("kuaidi100_push_delivered.json")).events
    polled = kuaidi100.parse(data("kuaidi100_query_answer.json")).events
    assert [e.identity("YT0001") for e in pushed] == [e.identity("YT0001") for e in polled]


def test_kuaidi100_line_without_sub_state_falls_back_to_its_state_name_then_no_state():
    body = {
        "nu": "YT9",
        "data": [
            {"time": "2026-05-06 10:00:00", "context": "a", "status": "派件"},
            {"time": "2026-05-06 09:00", "context": "b"},
            {"time": "2026-05-06", "context": "c"},
            {"time": "2026-05-06 08:00:00", "context": 7},
        ],
    }
    document = kuaidi100.parse(json.dumps(body).encode())
    assert [e.raw_code for e in document.events] == ["5", kuaidi100.NO_STATE]
    assert [r["event"] for r in document.rejected] == ["result.data[2]", "result.data[3]"]
    assert "not a time like" in document.rejected[0]["reason"]


def test_kuaidi100_international_push_reads_both_countries_results():
    push = json.loads(data("kuaidi100_push_in_transit.json"))
    abroad = {
        "nu": "YT0001",
        "data": [{"time": "2026-05-08 09:00:00", "context": "Arrived", "statusCode": "8"}],
    }
    push["destResult"] = abroad
    document = kuaidi100.parse(json.dumps(push).encode())
    assert [e.raw_code for e in document.events] == ["1002", "103", "8"]
    assert status_map.lookup("8", kuaidi100.DEFAULT_STATUS_MAP) == "customs"


def test_kuaidi100_abort_and_corrected_company_are_notices_not_events():
    push = json.loads(data("kuaidi100_push_in_transit.json"))
    push.update(status="abort", message="3天查询无记录", comOld="yuantong", comNew="zhongtong")
    document = kuaidi100.parse(json.dumps(push).encode())
    assert len(document.events) == 2
    assert document.notices == [
        {"ref": "YT0001", "message": "kuaidi100 stopped tracking: 3天查询无记录"},
        {"ref": "YT0001", "message": "kuaidi100 corrected the company code to zhongtong"},
    ]
    assert kuaidi100.parse(data("kuaidi100_push_in_transit.json")).notices == []


@pytest.mark.parametrize(
    "body, message",
    [
        (b"not json", "malformed JSON"),
        (b"[]", "kuaidi100 JSON object"),
        (b'{"result": false, "returnCode": "500", "message": "bad"}', "returnCode 500"),
        (b'{"lastResult": {"data": []}}', "tracking number is required"),
        (b'{"lastResult": {"nu": "X", "data": {}}}', "must be a list"),
        (b'{"something": 1}', "expected a push"),
    ],
)
def test_kuaidi100_body_that_is_not_a_push_or_answer_is_refused(body, message):
    with pytest.raises(PayloadError, match=re.escape(message)):
        kuaidi100.parse(body)


def test_kuaidi100_signatures_follow_the_documented_schemes():
    param = '{"a":1}'
    assert kuaidi100.push_sign(param, "salt") == kuaidi100.push_sign(param, "salt").upper()
    assert kuaidi100.verify_push(param, kuaidi100.push_sign(param, "salt").lower(), "salt")
    assert not kuaidi100.verify_push(param, kuaidi100.push_sign(param, "other"), "salt")
    assert not kuaidi100.verify_push(param, kuaidi100.push_sign(param, ""), "")
    form = kuaidi100.query_form("yuantong", "YT1", "KEY", "CUSTOMER")
    assert json.loads(form["param"]) == {"com": "yuantong", "num": "YT1", "resultv2": "4"}
    assert form["sign"] == kuaidi100.query_sign(form["param"], "KEY", "CUSTOMER")
    assert re.fullmatch(r"[0-9A-F]{32}", form["sign"])
    subscribe = json.loads(
        kuaidi100.subscribe_form("yuantong", "YT1", "KEY", "https://x/cb", "s")["param"]
    )
    assert subscribe["parameters"] == {"callbackurl": "https://x/cb", "salt": "s", "resultv2": "4"}


@pytest.mark.parametrize(
    "answer, accepted",
    [
        (b'{"result": true, "returnCode": "200", "message": "ok"}', True),
        (b'{"result": false, "returnCode": "501", "message": "dup"}', True),
        (b'{"result": false, "returnCode": "600", "message": "no"}', False),
        (b"<html>", False),
    ],
)
def test_kuaidi100_subscription_answers(answer, accepted):
    assert kuaidi100.subscribe_outcome(answer)[0] is accepted


def test_kuaidi100_default_map_covers_every_main_state():
    for state in ("0", "1", "2", "3", "4", "5", "6", "8", "14"):
        assert state in kuaidi100.DEFAULT_STATUS_MAP
    assert set(kuaidi100.DEFAULT_STATUS_MAP.values()) <= set(status_map.CATEGORIES)


# -- EDIFACT IFTSTA ------------------------------------------------------------------


def iftsta(*segments, una=True, release="01B", count=None, control="IC9"):
    body = [f"UNH+M1+IFTSTA:D:{release}:UN'", *[s + "'" for s in segments]]
    body.append(f"UNT+{count or len(body) + 1}+M1'")
    head = ["UNA:+.? '"] if una else []
    head.append(f"UNB+UNOC:3+A+B+260506:1012+{control}'")
    return "\n".join([*head, *body, f"UNZ+1+{control}'"]).encode()


def test_iftsta_consignments_statuses_locations_and_release_character():
    document = edifact.parse(data("iftsta_pickup_two_consignments.edi"))
    assert document.rejected == []
    first, second, third = document.events
    assert first.refs == ("EDI1001", "BL-88001")
    assert (first.raw_code, first.location) == ("13|", "Ningbo (CNNGB)")
    assert second.event_time == datetime(2026, 5, 6, 8, 0, tzinfo=timezone.utc)
    assert second.tz_offset == "+08:00"
    assert second.description == "Departed hub: gate 3's lane"
    assert third.refs == ("EDI1002",)


def test_iftsta_several_messages_reasons_and_a_bad_status_alone():
    document = edifact.parse(data("iftsta_exception_and_delivery.edi"))
    assert [e.raw_code for e in document.events] == ["21|", "18|ZZZ", "99|"]
    assert status_map.lookup("18|ZZZ", edifact.DEFAULT_STATUS_MAP) == "damage"
    assert status_map.lookup("99|", edifact.DEFAULT_STATUS_MAP) is None
    body = iftsta("CNI+1+C1", "STS+1+21", "STS+1+24", "DTM+334:202613011200:203")
    document = edifact.parse(body)
    assert [r["reason"] for r in document.rejected] == [
        "message 1 CNI C1 STS[0]: no DTM with the time of the status",
        "message 1 CNI C1 STS[1].DTM+334: '202613011200' is not a time of format 203",
    ]


def test_iftsta_default_separators_and_nested_group_times_are_not_the_status_time():
    body = iftsta(
        "CNI+1+C1",
        "STS+1+24",
        "DTM+334:202605061200?+0800:205",
        "TDT+20+V1",
        "DTM+334:202605061500:203",
        "LOC+9+CNSHA",
        una=False,
    )
    [event] = edifact.parse(body).events
    assert event.event_time == datetime(2026, 5, 6, 4, 0, tzinfo=timezone.utc)
    assert event.location == ""


def test_zone_less_times_are_read_in_the_carriers_zone():
    shanghai = ZoneInfo("Asia/Shanghai")
    pickup, departed, _other = edifact.parse(
        data("iftsta_pickup_two_consignments.edi"), shanghai
    ).events
    assert pickup.event_time == datetime(2026, 5, 5, 0, 30, tzinfo=timezone.utc)
    assert pickup.tz_offset == "+08:00"
    # a time with its own offset keeps it
    assert departed.event_time == datetime(2026, 5, 6, 8, 0, tzinfo=timezone.utc)
    chicago = ZoneInfo("America/Chicago")
    events = x12.parse(data("x12_214_pickup_two_shipments.edi"), chicago).events
    assert events[0].event_time == datetime(2026, 5, 5, 13, 0, tzinfo=timezone.utc)  # LT, CDT
    assert events[0].tz_offset == "-05:00"
    assert events[2].event_time == datetime(2026, 5, 6, 9, 0, tzinfo=timezone.utc)  # UT


@pytest.mark.parametrize(
    "body, message",
    [
        (b"hello", "starting with UNA or UNB"),
        (b"UNA:+", "six characters"),
        (iftsta("CNI+1+C1", release="96A"), "release 01B or later"),
        (iftsta("CNI+1+C1", count=9), "UNT counts 9"),
        (iftsta("CNI+1+C1")[:-12], "no UNZ trailer"),
        (iftsta("CNI+1+C1").replace(b"UNZ+1+IC9", b"UNZ+2+IC9"), "UNZ says 2"),
        (iftsta("CNI+1+C1").replace(b"UNT+3+M1'\n", b""), "no UNT trailer"),
        (iftsta("cni+1+C1"), "is not a segment tag"),
        (b"UNA:+.? 'UNB+UNOC:3+A+B+1+X'UNZ+0+X?", "lone release character"),
        (b"UNB+UNOA:3+A+B+1+X'\xe4'", "not ascii text"),
    ],
)
def test_iftsta_not_a_whole_interchange_is_refused(body, message):
    with pytest.raises(PayloadError, match=re.escape(message)):
        edifact.parse(body)


def test_iftsta_read_as_a_stream_keeps_a_consignments_late_reference_and_its_order():
    body = iftsta(
        "CNI+1+C1",
        "STS+1+13",
        "DTM+334:202605061200:203",
        "STS+1+24",
        "DTM+334:202605061300:203",
        "RFF+BM:BL-1",  # after the statuses: still a reference of both
        "CNI+2+C2",
        "STS+1+21",
        "DTM+334:202605061400:203",
    )
    document = edifact.parse(body)
    assert [(e.refs, e.raw_code) for e in document.events] == [
        (("C1", "BL-1"), "13|"),
        (("C1", "BL-1"), "24|"),
        (("C2",), "21|"),
    ]
    with pytest.raises(PayloadError, match="after the UNZ trailer"):
        edifact.parse(body + b"\nUNH+M2+IFTSTA:D:01B:UN'")


def test_iftsta_functional_groups_are_counted_by_unz_and_une():
    body = iftsta("CNI+1+C1", "STS+1+21", "DTM+334:202605061200:203")
    grouped = body.replace(b"UNH+M1", b"UNG+IFTSTA+A+B+260506:1012+G1'\nUNH+M1").replace(
        b"UNZ+1+IC9", b"UNE+1+G1'\nUNZ+1+IC9"
    )
    assert [e.raw_code for e in edifact.parse(grouped).events] == ["21|"]
    with pytest.raises(PayloadError, match="UNE says 2"):
        edifact.parse(grouped.replace(b"UNE+1+G1", b"UNE+2+G1"))
    with pytest.raises(PayloadError, match="no UNE trailer"):
        edifact.parse(grouped.replace(b"UNE+1+G1'\n", b""))


def test_iftsta_release_years_before_and_after_2000():
    assert not edifact._supported_release("99B")
    assert not edifact._supported_release("01A")
    assert edifact._supported_release("01B")
    assert edifact._supported_release("21A")


@pytest.mark.filterwarnings("ignore::Warning")
@pytest.mark.parametrize(
    "name", ["iftsta_pickup_two_consignments.edi", "iftsta_exception_and_delivery.edi"]
)
def test_iftsta_splitting_agrees_with_pydifact(name):
    """Our segment splitting (UNA, release character) against pydifact's parser."""
    parser = pytest.importorskip("pydifact.parser")
    text = data(name).decode("latin-1")
    ours = [
        [segment[0][0], *[part[0] if len(part) == 1 else part for part in segment[1:]]]
        for segment in edifact.split_segments(text[9:], tuple(text[3:9]))
    ]
    theirs = [[segment.tag, *segment.elements] for segment in parser.Parser().parse(text)]
    assert theirs[0][0] == "UNA"
    assert ours == theirs[1:]


# -- X12 214 ---------------------------------------------------------------------------


def test_x12_shipments_loops_statuses_and_time_codes():
    document = x12.parse(data("x12_214_pickup_two_shipments.edi"))
    assert document.rejected == []
    assert [e.raw_code for e in document.events] == ["X3|NS", "AF|NS", "X6|NS", "AF|NS"]
    pickup = document.events[1]
    assert pickup.refs == ("PRO5001", "SID5001", "PO-7788")
    assert pickup.location == "Ningbo, CN"
    assert pickup.details == {"equipment": "ABCD TRL123"}
    damaged = x12.parse(data("x12_214_exception_and_delivery.edi")).events[2]
    assert damaged.event_time == datetime(2026, 5, 6, 16, 0, tzinfo=timezone.utc)
    assert status_map.lookup(damaged.raw_code, x12.DEFAULT_STATUS_MAP) == "damage"


def test_x12_separators_come_from_the_isa():
    body = data("x12_214_pickup_two_shipments.edi").decode()
    other = body.replace("*", "|").replace("~", "\u0085").replace(">", "^").encode()
    assert [e.raw_code for e in x12.parse(other).events] == [
        e.raw_code for e in x12.parse(body.encode()).events
    ]


def test_x12_a_bad_status_is_rejected_alone():
    body = data("x12_214_pickup_two_shipments.edi").replace(b"20260505*1030*LT", b"2026050*1030*LT")
    document = x12.parse(body)
    assert len(document.events) == 3
    [rejected] = document.rejected
    assert rejected["event"] == "GS 101 ST[1] LX[1] AT7[1]"
    assert "not CCYYMMDD" in rejected["reason"]


@pytest.mark.parametrize(
    "change, message",
    [
        ((b"ISA*00", b"XSA*00"), "starting with a 106-character ISA"),
        ((b"ST*214*0002", b"ST*210*0002"), "is not a 214"),
        ((b"SE*6*0002", b"SE*7*0002"), "SE counts 7"),
        ((b"GE*2*101", b"GE*3*101"), "GE says 3"),
        ((b"IEA*1*000000101", b"IEA*1*000000999"), "IEA says 1"),
        ((b"IEA*1*000000101~\n", b""), "no IEA trailer"),
        ((b"SE*6*0002~\n", b""), "has no SE trailer"),
        ((b"*U*00401", b"*U*00401*"), "16 elements"),
        ((b"ISA*00", b"ISA\xff00"), "not UTF-8"),
    ],
)
def test_x12_not_a_whole_interchange_is_refused(change, message):
    body = data("x12_214_pickup_two_shipments.edi").replace(*change)
    with pytest.raises(PayloadError, match=re.escape(message)):
        x12.parse(body)


# -- large bodies ----------------------------------------------------------------------


def _many_x12(statuses):
    text = data("x12_214_pickup_two_shipments.edi").decode()
    head, _sep, rest = text.partition("ST*214*0001")
    loops = "".join(
        f"LX*{n}~\nAT7*X6*NS***20260506*{n % 24:02d}00*UT~\nMS1*Shanghai**CN~\n"
        for n in range(statuses)
    )
    body = f"ST*214*0001~\nB10*PRO1*SID1*ABCD~\n{loops}"
    count = body.count("~") + 1
    return f"{head}{body}SE*{count}*0001~\nGE*1*101~\nIEA*1*000000101~\n".encode()


def _many_iftsta(statuses):
    segments = ["CNI+1+C1"]
    for n in range(statuses):
        segments += ["STS+1+24", f"DTM+334:20260506{n % 24:02d}00:203", "LOC+175+CNSHA"]
    return iftsta(*segments)


@pytest.mark.parametrize(
    "parse, body",
    [
        (x12.parse, _many_x12(5000)),
        (edifact.parse, _many_iftsta(5000)),
        (
            kuaidi100.parse,
            json.dumps(
                {
                    "nu": "YT1",
                    "data": [
                        {"time": f"2026-05-06 {n % 24:02d}:00:00", "statusCode": "1002"}
                        for n in range(5000)
                    ],
                }
            ).encode(),
        ),
    ],
    ids=["x12", "iftsta", "kuaidi100"],
)
def test_large_interchanges_read_whole(parse, body):
    """5,000 statuses in one body: all read (their speed is measured by the
    tracking benchmark under tests/bench/, not here)."""
    document = parse(body)
    assert len(document.events) == 5000 and document.rejected == []
