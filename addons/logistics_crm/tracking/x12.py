"""ANSI ASC X12 214 (Transportation Carrier Shipment Status): a small strict reader.

An interchange is ``ISA (GS (ST*214 … SE)+ GE)+ IEA``.  The separators are read
from the fixed-width ``ISA``: the element separator is its 4th character, the
component separator its 105th and the segment terminator the 106th.

Each transaction set is one shipment: ``B10`` gives the carrier's reference
(B10-01, the PRO number) and the shipment identification (B10-02), ``L11`` more
references.  Each ``LX`` loop holds statuses: an ``AT7`` (status code, reason
code, appointment status, appointment reason, date ``CCYYMMDD``, time ``HHMM``
or ``HHMMSS``, time code) followed by its ``MS1`` (city, state, country) and
``MS2`` (SCAC, equipment number); the loop's ``L11`` references name it too.

The raw code is ``<AT7-01>|<AT7-02>`` (``X1|NS``), or the appointment status
``<AT7-03>|<AT7-04>`` when no shipment status is given; a map line ``D1|``
means "delivered, whatever the reason".  A time without time code, or ``LT``
(local time), is read in the zone the caller gives (the carrier's), else UTC.

Strict: ``IEA``, ``GE`` and ``SE`` counts and control numbers must agree with
what they close, and every transaction set must be a 214; otherwise the whole
interchange is refused.  A status that cannot be used is rejected on its own.
"""

from datetime import datetime, timedelta, timezone

from .edifact import localise
from .events import (
    MAX_CODE,
    MAX_DESCRIPTION,
    MAX_LOCATION,
    MAX_REF,
    MAX_TIME,
    MIN_TIME,
    EventError,
    PayloadError,
    TrackingEvent,
    clean_text,
    offset_text,
)
from .parsers import Document

ISA_LENGTH = 106
# X12 time codes (data element 623) with a fixed offset, in hours
TIME_CODES = {
    "UT": 0,
    "GM": 0,
    "Z": 0,
    "AT": -4,
    "AD": -3,
    "ET": -5,
    "ED": -4,
    "CT": -6,
    "CD": -5,
    "MT": -7,
    "MD": -6,
    "PT": -8,
    "PD": -7,
    "AS": -4,
    "ES": -5,
    "CS": -6,
    "MS": -7,
    "PS": -8,
    "HT": -10,
    "NT": -3.5,
    "ND": -2.5,
}

# AT7 shipment status codes (data element 1650) → our status categories
DEFAULT_STATUS_MAP = {
    "AA|": "booked",  # pickup appointment date and/or time
    "AB|": "info",  # delivery appointment date and/or time
    "AF|": "pickup",  # carrier departed pickup location with shipment
    "AG|": "info",  # estimated delivery
    "AH|": "failed_attempt",  # attempted delivery
    "AI|": "transit",  # shipment has been reconsigned
    "AJ|": "delay",  # tendered for delivery
    "AM|": "pickup",  # loaded on truck
    "AP|": "failed_attempt",  # delivery not completed
    "AR|": "transit",  # rail arrival at destination intermodal ramp
    "AV|": "delivery",  # available for delivery
    "A3|": "return",  # shipment returned to shipper
    "A7|": "refused",  # refused by consignee
    "A9|": "damage",  # shipment damaged
    "BA|": "transit",  # connecting line or cartage pick-up
    "CA|": "exception",  # shipment cancelled
    "CD|": "transit",  # carrier departed delivery location
    "CP|": "transit",  # completed loading at pickup location
    "D1|": "delivered",  # completed unloading at delivery location
    "I1|": "transit",  # in-gate
    "J1|": "transit",  # delivered to connecting line
    "K1|": "transit",  # arrived at customs
    "L1|": "pickup",  # loading
    "OA|": "transit",  # out-gate
    "OO|": "info",  # paperwork received - did not receive shipment or equipment
    "P1|": "transit",  # departed terminal location
    "PR|": "transit",  # U.S. customs hold (not cleared)
    "R1|": "transit",  # received from prior carrier
    "RL|": "transit",  # rail departure from origin intermodal ramp
    "S1|": "transit",  # trailer spotted at consignee's location
    "SD|": "delay",  # shipment delayed
    "X1|": "delivery",  # arrived at delivery location
    "X2|": "info",  # estimated date and/or time of arrival at consignee's location
    "X3|": "pickup",  # arrived at pickup location
    "X4|": "transit",  # arrived at terminal location
    "X5|": "info",  # arrived at delivery location loading dock
    "X6|": "transit",  # en route to delivery location
    "X8|": "transit",  # arrived at pickup location loading dock
    "XB|": "booked",  # shipment acknowledged
}


def parse(body, local_zone=None):
    """The :class:`Document` of an X12 interchange (bytes) of 214 transaction sets.

    Local times (no time code, or ``LT``) are read in ``local_zone``, else UTC.
    """
    try:
        text = body.decode("utf-8").lstrip("\ufeff \r\n\t")
    except UnicodeDecodeError as error:
        raise PayloadError(f"not UTF-8 text: {error}") from None
    element, terminator = read_separators(text)
    segments = split_segments(text, element, terminator)
    document = Document()
    _interchange(document, segments)
    return localise(document, local_zone)


def read_separators(text):
    """``(element separator, segment terminator)`` read from the fixed-width ISA."""
    if not text.startswith("ISA") or len(text) < ISA_LENGTH:
        raise PayloadError("expected an X12 interchange starting with a 106-character ISA")
    element, terminator = text[3], text[ISA_LENGTH - 1]
    if element.isalnum() or terminator.isalnum() or element == terminator:
        raise PayloadError("ISA: the separators must differ and not be letters or digits")
    if text[:ISA_LENGTH].count(element) != 16:
        raise PayloadError("ISA: expected 16 elements of fixed width")
    return element, terminator


def split_segments(text, element, terminator):
    """Each segment as its list of elements; line breaks between segments are dropped."""
    segments = []
    for raw in text.split(terminator):
        raw = raw.strip("\r\n")
        if raw:
            segments.append(raw.split(element))
    return segments


def _value(segment, index):
    return segment[index].strip() if len(segment) > index else ""


def _interchange(document, segments):
    isa = segments[0]
    if segments[-1][0] != "IEA":
        raise PayloadError("the interchange has no IEA trailer: it is cut short")
    groups = 0
    index = 1
    while index < len(segments) - 1:
        if segments[index][0] != "GS":
            raise PayloadError(f"segment {index + 1}: expected GS, got {segments[index][0][:8]}")
        index = _group(document, segments, index)
        groups += 1
    iea = segments[-1]
    if _value(iea, 1) != str(groups) or _value(iea, 2) != _value(isa, 13):
        raise PayloadError(
            f"IEA says {_value(iea, 1)[:8]} group(s) of interchange {_value(iea, 2)[:12]!r}; "
            f"the interchange {_value(isa, 13)[:12]!r} holds {groups}"
        )


def _group(document, segments, start):
    gs = segments[start]
    sets = 0
    index = start + 1
    while index < len(segments) - 1 and segments[index][0] == "ST":
        end = _set_end(segments, index)
        sets += 1
        _transaction(document, segments[index : end + 1], f"GS {_value(gs, 6)[:9]} ST[{sets}]")
        index = end + 1
    if index >= len(segments) - 1 or segments[index][0] != "GE":
        raise PayloadError(f"group {_value(gs, 6)[:9]!r} has no GE trailer")
    ge = segments[index]
    if _value(ge, 1) != str(sets) or _value(ge, 2) != _value(gs, 6):
        raise PayloadError(
            f"GE says {_value(ge, 1)[:8]} transaction set(s) of group {_value(ge, 2)[:9]!r}; "
            f"the group {_value(gs, 6)[:9]!r} holds {sets}"
        )
    return index + 1


def _set_end(segments, start):
    for index in range(start + 1, len(segments) - 1):
        tag = segments[index][0]
        if tag == "SE":
            return index
        if tag in ("ST", "GE", "IEA"):
            break
    raise PayloadError(f"transaction set {_value(segments[start], 2)[:9]!r} has no SE trailer")


def _transaction(document, segments, where):
    st, se = segments[0], segments[-1]
    if _value(st, 1) != "214":
        raise PayloadError(f"{where}: transaction set {_value(st, 1)[:6]!r} is not a 214")
    if _value(se, 1) != str(len(segments)) or _value(se, 2) != _value(st, 2):
        raise PayloadError(
            f"{where}: SE counts {_value(se, 1)[:8]} segment(s) of {_value(se, 2)[:9]!r}, "
            f"the transaction set {_value(st, 2)[:9]!r} has {len(segments)}"
        )
    shipment_refs, loops, loop, status = [], [], None, None
    for segment in segments[1:-1]:
        tag = segment[0]
        if tag == "B10":
            shipment_refs[:0] = [_value(segment, 1), _value(segment, 2)]
        elif tag == "LX":
            loop = {"refs": [], "statuses": []}
            loops.append(loop)
            status = None
        elif tag == "L11":
            (loop["refs"] if loop else shipment_refs).append(_value(segment, 1))
        elif tag == "AT7" and loop is not None:
            status = {"at7": segment, "ms1": None, "ms2": None}
            loop["statuses"].append(status)
        elif tag in ("MS1", "MS2") and status is not None:
            status[tag.lower()] = segment
    if not loops:
        document.reject(where, f"{where}: no LX loop with a status")
    for number, loop in enumerate(loops, 1):
        refs = [*shipment_refs[:2], *loop["refs"], *shipment_refs[2:]]
        for index, status in enumerate(loop["statuses"]):
            here = f"{where} LX[{number}] AT7[{index}]"
            document.collect(
                here, lambda status=status, here=here, refs=refs: _event(status, refs, here)
            )


def _event(status, refs, where):
    at7 = status["at7"]
    code, reason = _value(at7, 1), _value(at7, 2)
    if not code:
        code, reason = _value(at7, 3), _value(at7, 4)
    if not code:
        raise EventError(f"{where}: AT7 without a status or appointment code")
    refs = tuple(
        clean_text(ref, f"{where} reference", MAX_REF, cut=False)
        for ref in dict.fromkeys(ref for ref in refs if ref)
    )
    if not refs:
        raise EventError(f"{where}: the shipment has no reference (B10, L11)")
    moment = _at7_time(_value(at7, 5), _value(at7, 6), _value(at7, 7), where)
    ms2 = status["ms2"]
    equipment = " ".join(filter(None, (_value(ms2, 1), _value(ms2, 2)))) if ms2 else ""
    return TrackingEvent(
        refs=refs,
        event_time=moment,
        raw_code=clean_text(f"{code}|{reason}", f"{where} status", MAX_CODE, cut=False),
        description=clean_text(equipment and f"equipment {equipment}", where, MAX_DESCRIPTION),
        location=clean_text(_location(status["ms1"]), f"{where}.MS1", MAX_LOCATION),
        tz_offset=offset_text(moment),
        details={"equipment": equipment} if equipment else {},
    )


def _location(ms1):
    if ms1 is None:
        return ""
    return ", ".join(filter(None, (_value(ms1, 1), _value(ms1, 2), _value(ms1, 3))))


def _at7_time(day, clock, code, where):
    if len(day) != 8 or not day.isdigit():
        raise EventError(f"{where}: AT7 date {day[:12]!r} is not CCYYMMDD")
    if len(clock) not in (4, 6) or not clock.isdigit():
        raise EventError(f"{where}: AT7 time {clock[:8]!r} is not HHMM or HHMMSS")
    if code and code != "LT" and code not in TIME_CODES:
        raise EventError(f"{where}: AT7 time code {code[:4]!r} is unknown")
    clock = clock.ljust(6, "0")
    try:
        local = datetime(
            int(day[:4]),
            int(day[4:6]),
            int(day[6:]),
            int(clock[:2]),
            int(clock[2:4]),
            int(clock[4:]),
        )
    except ValueError:
        raise EventError(f"{where}: AT7 date/time {day}{clock} does not exist") from None
    if not MIN_TIME <= local.replace(tzinfo=timezone.utc) < MAX_TIME:
        raise EventError(f"{where}: AT7 date {day} is outside 1970-2199")
    if code in TIME_CODES:
        return local.replace(tzinfo=timezone(timedelta(hours=TIME_CODES[code])))
    return local  # local time: naive until localise() gives it the carrier's zone
