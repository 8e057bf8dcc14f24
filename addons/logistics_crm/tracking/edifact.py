"""UN/EDIFACT IFTSTA (D.01B and later): a small strict reader, no dependency.

An interchange is ``[UNA] UNB (UNH … UNT)+ UNZ``, the messages possibly in
functional groups ``UNG … UNE``; each IFTSTA message holds
consignments (``CNI``), each with its references (``RFF``) and statuses
(``STS``).  A status is followed by its own ``DTM`` (334 status change, else 7
effective, else any but the estimates), ``LOC``, ``FTX`` and ``RFF``, until the
next ``STS`` or ``CNI``; the ``DTM`` and ``LOC`` of a nested group (``TDT``,
``EQD``, ``GID`` …) are that group's, not the status's.

The raw code is ``<status>|<reason>``: the UN/ECE Recommendation 24 status code
(data element 4405 of ``STS``' C555) and the optional reason code (9013 of
C556), so a map line ``21|`` means "delivered, whatever the reason", as EPCIS
codes do.  Times without a zone (formats 102, 203, 204) are read in the zone
the caller gives (the carrier's), else UTC; 205, 303 and 304 carry their offset.

Strict: the envelope must be whole (``UNT`` and ``UNZ`` counts and control
references agree), messages must be IFTSTA D.01B or later; otherwise the whole
interchange is refused.  A status that cannot be used is rejected on its own.
"""

import re
from datetime import datetime, timedelta, timezone

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

DEFAULT_SEPARATORS = (":", "+", ".", "?", " ", "'")
# the same bounds for a zone-less time, whatever zone it is read in later
NAIVE_BOUNDS = (MIN_TIME.replace(tzinfo=None), MAX_TIME.replace(tzinfo=None))
ENCODINGS = {"UNOA": "ascii", "UNOB": "ascii", "UNOC": "latin-1", "UNOD": "latin-1"}
TAG_RE = re.compile(r"^[A-Z][A-Z0-9]{2}$")
RELEASE_RE = re.compile(r"^([0-9]{2})([A-Z])$")
# segments opening a nested group of a status: its DTM and LOC are not the status's
NESTED = frozenset({"TDT", "EQD", "GID", "SEQ", "PCI", "NAD", "DOC"})
EVENT_TIMES = ("334", "7")
ESTIMATES = ("132", "17", "133")
ZONE_RE = re.compile(r"^[+-]\d{2}$")
# stand-ins for released characters while a body is split (private-use code points)
RELEASED = "\ue000\ue001\ue002\ue003"

# UN/ECE Recommendation 24 status codes → our status categories
DEFAULT_STATUS_MAP = {
    "1|": "transit",  # arrival, completed
    "2|": "info",  # loading, authorized
    "3|": "damage",  # arrival, in defective condition
    "5|": "info",  # process, begun
    "6|": "booked",  # booking, completed
    "7|": "exception",  # booking, cancelled
    "8|": "transit",  # cleared, import restrictions
    "9|": "transit",  # cleared, export restrictions
    "10|": "transit",  # cleared by agriculture, food or fisheries authorities
    "11|": "transit",  # cleared by port authority
    "12|": "transit",  # cleared by customs
    "13|": "pickup",  # collection/pick-up, completed
    "14|": "info",  # process, completed
    "15|": "transit",  # consolidated
    "16|": "transit",  # crossed border
    "17|": "customs",  # customs clearance, refused
    "18|": "damage",  # damaged in the course of transport
    "20|": "delay",  # delayed, in the course of transport
    "21|": "delivered",  # delivery, completed
    "22|": "delivered",  # delivery, completed as per instruction
    "23|": "failed_attempt",  # delivery, not completed
    "24|": "transit",  # departure, completed
    "25|": "delay",  # departure, delayed
    "26|": "transit",  # deramped
    "27|": "pickup",  # despatch, completed
    "28|": "transit",  # stripped
    "29|": "transit",  # unloaded
    "30|": "shortage",  # empty on inspection
    "31|": "transit",  # en route
    "35|": "transit",  # forwarded to destination
    "36|": "lost",  # not found
    "37|": "transit",  # found
    "38|": "info",  # freight paid
    "39|": "transit",  # released from bond
    "40|": "transit",  # arrival, at port
    "41|": "transit",  # handed over under continued responsibility
    "44|": "transit",  # misrouted consignment corrected
    "45|": "transit",  # arrival, consignee informed
}


def parse(body, local_zone=None):
    """The :class:`Document` of an IFTSTA interchange (bytes).

    Times without a zone are read in ``local_zone`` (a tzinfo; UTC when None).
    The segments are read as they are split, never held all at once: a large
    interchange leaves nothing long-lived behind but its events.
    """
    text = _decode(body)
    separators, text = _service_string_advice(text)
    document = Document()
    _interchange(document, split_segments(text, separators))
    return localise(document, local_zone)


def localise(document, local_zone=None):
    """Give the events' zone-less times (naive while parsing) ``local_zone``, else UTC."""
    zone = local_zone or timezone.utc
    for event in document.events:
        if event.event_time.tzinfo is None:
            event.event_time = event.event_time.replace(tzinfo=zone)
            event.tz_offset = offset_text(event.event_time)
        if event.eta is not None and event.eta.tzinfo is None:
            event.eta = event.eta.replace(tzinfo=zone)
    return document


def _decode(body):
    head = body[:64]
    match = re.search(rb"UNB.(UNO[A-Z])", head)
    encoding = ENCODINGS.get(match.group(1).decode() if match else "", "utf-8")
    try:
        return body.decode(encoding)
    except UnicodeDecodeError as error:
        raise PayloadError(f"not {encoding} text: {error}") from None


def _service_string_advice(text):
    text = text.lstrip("\ufeff \r\n\t")
    if text.startswith("UNA"):
        if len(text) < 9:
            raise PayloadError("UNA: the service string advice needs six characters")
        advice = tuple(text[3:9])
        component, element, _decimal, release, _reserved, terminator = advice
        if len({component, element, release, terminator}) != 4 or any(
            char.isalnum() for char in (component, element, terminator)
        ):
            raise PayloadError("UNA: the separators must be distinct and not letters or digits")
        return advice, text[9:]
    if not text.startswith("UNB"):
        raise PayloadError("expected an EDIFACT interchange starting with UNA or UNB")
    return DEFAULT_SEPARATORS, text


def split_segments(text, separators=DEFAULT_SEPARATORS):
    """Each segment as ``[[tag], [components of element 1], …]``, release characters undone."""
    component, element, _decimal, release, _reserved, terminator = separators
    if release in text:
        text, restore = _hide_released(text, (release, component, element, terminator))
        if text is None:
            yield from _split_by_character(restore, separators)
            return
    else:
        restore = None
    for raw in text.split(terminator):
        raw = raw.strip("\r\n")
        if not raw:
            continue
        segment = [part.split(component) for part in raw.split(element)]
        if restore and any(mark in raw for mark in RELEASED):
            segment = [[value.translate(restore) for value in part] for part in segment]
        yield segment


def _hide_released(text, specials):
    """Released characters swapped for private-use marks, so plain splits can run.

    Returns ``(text, table putting them back)``, or ``(None, text)`` when the marks
    already occur or a release character stays unexplained (the slow path decides).
    """
    if any(mark in text for mark in RELEASED):
        return None, text
    release = specials[0]
    hidden = text
    for mark, char in zip(RELEASED, specials):
        hidden = hidden.replace(release + char, mark)
    if release in hidden:
        return None, text
    return hidden, {ord(mark): char for mark, char in zip(RELEASED, specials)}


def _split_by_character(text, separators):
    component, element, _decimal, release, _reserved, terminator = separators
    elements, parts, chars = [], [], []
    escaped = False
    for char in text:
        if escaped:
            chars.append(char)
            escaped = False
        elif char == release:
            escaped = True
        elif char == component:
            parts.append("".join(chars))
            chars = []
        elif char == element:
            parts.append("".join(chars))
            elements.append(parts)
            parts, chars = [], []
        elif char == terminator:
            parts.append("".join(chars))
            elements.append(parts)
            yield elements
            elements, parts, chars = [], [], []
        elif char in "\r\n" and not elements and not parts and not chars:
            continue  # line breaks between segments
        else:
            chars.append(char)
    if escaped:
        raise PayloadError("the interchange ends with a lone release character")
    if elements or parts or "".join(chars).strip():
        yield elements + [[*parts, "".join(chars)]]


def _value(segment, element, component=0):
    try:
        return segment[element][component].strip()
    except IndexError:
        return ""


def _tag(segment):
    # a split segment always has its tag; spaces around it fail TAG_RE
    return segment[0][0]


def _interchange(document, segments):
    """Read the segments one by one; a broken envelope refuses the whole interchange."""
    header = next(segments, None)
    if header is None or _tag(header) != "UNB":
        raise PayloadError("expected an EDIFACT interchange starting with UNA or UNB")
    control = _value(header, 5)
    tag_ok = TAG_RE.match
    # UNZ counts the functional groups (UNG … UNE) when there are any, else the messages
    messages = groups = group_messages = 0
    group = message = trailer = None
    for number, segment in enumerate(segments, 2):
        tag = segment[0][0]
        if not tag_ok(tag):
            raise PayloadError(f"segment {number}: {tag[:8]!r} is not a segment tag")
        if trailer is not None:
            raise PayloadError(f"segment {number}: {tag} after the UNZ trailer")
        if message is not None:
            if tag == "UNT":
                message.close(segment)
                message = None
            elif tag in ("UNH", "UNE", "UNZ"):
                raise PayloadError(f"message {message.reference[:14]!r} has no UNT trailer")
            else:
                message.take(tag, segment)
        elif tag == "UNH":
            messages += 1
            message = _Message(document, segment, messages)
        elif tag == "UNG" and group is None:
            group, group_messages = segment, messages
        elif tag == "UNE" and group is not None:
            _check_group_trailer(group, segment, messages - group_messages)
            group, groups = None, groups + 1
        elif tag == "UNZ":
            trailer = segment
        else:
            raise PayloadError(f"segment {number}: expected UNH, got {tag}")
    if trailer is None:
        raise PayloadError("the interchange has no UNZ trailer: it is cut short")
    if group is not None:
        raise PayloadError(f"group {_value(group, 5)[:14]!r} has no UNE trailer")
    counted = str(groups or messages)
    if _value(trailer, 1) != counted or _value(trailer, 2) != control:
        raise PayloadError(
            f"UNZ says {_value(trailer, 1)[:8]} message(s) or group(s) of interchange "
            f"{_value(trailer, 2)[:20]!r}; the interchange {control[:20]!r} holds {counted}"
        )


def _check_group_trailer(group, trailer, messages):
    reference = _value(group, 5)
    if _value(trailer, 1) != str(messages) or _value(trailer, 2) != reference:
        raise PayloadError(
            f"UNE says {_value(trailer, 1)[:8]} message(s) of group {_value(trailer, 2)[:14]!r}; "
            f"the group {reference[:14]!r} holds {messages}"
        )


class _Message:
    """One ``UNH … UNT`` message, read segment by segment.

    A consignment's statuses become events when the next consignment or the
    trailer comes, not before: an ``RFF`` after a status still names them all.
    """

    def __init__(self, document, header, number):
        kind = [_value(header, 2, part) for part in range(3)]
        if kind[0] != "IFTSTA" or kind[1] != "D" or not _supported_release(kind[2]):
            raise PayloadError(
                f"message {number}: {':'.join(kind)[:30]!r} is not IFTSTA:D, release 01B or later"
            )
        self.document, self.number, self.reference = document, number, _value(header, 1)
        self.segments = 1
        self.consignment = self.status = None
        self.statuses = []  # of the current consignment, not yet events
        self.seen = 0  # statuses of the message so far

    def take(self, tag, segment):
        self.segments += 1
        if tag == "CNI":
            self._collect()
            ref = _value(segment, 2) or _value(segment, 1)
            where = f"message {self.number} CNI {ref[:40]}"
            self.consignment = {"ref": ref, "refs": [], "eta": "", "where": where}
            self.status = None
        elif tag == "STS":
            self.status = {"sts": segment, "dtm": {}, "loc": None, "ftx": [], "nested": False}
            self.statuses.append(self.status)
        elif self.status is not None:
            _status_detail(self.status, self.consignment, tag, segment)
        elif self.consignment is not None:
            _consignment_detail(self.consignment, tag, segment)

    def close(self, trailer):
        self.segments += 1
        if _value(trailer, 1) != str(self.segments) or _value(trailer, 2) != self.reference:
            raise PayloadError(
                f"message {self.number}: UNT counts {_value(trailer, 1)[:8]} segment(s) of "
                f"{_value(trailer, 2)[:14]!r}, the message {self.reference[:14]!r} "
                f"has {self.segments}"
            )
        self._collect()

    def _collect(self):
        consignment = self.consignment
        owner = consignment["where"] if consignment else f"message {self.number}"
        for status in self.statuses:
            where = f"{owner} STS[{self.seen}]"
            self.seen += 1
            self.document.collect(
                where, lambda status=status, where=where: _event(status, consignment, where)
            )
        self.statuses = []


def _supported_release(release):
    match = RELEASE_RE.match(release)
    if not match:
        return False
    year = int(match.group(1))
    year += 1900 if year >= 90 else 2000
    return (year, match.group(2)) >= (2001, "B")


def _consignment_detail(consignment, tag, segment):
    if tag == "RFF":
        consignment["refs"].append(_value(segment, 1, 1))
    elif tag == "DTM" and _value(segment, 1) in ESTIMATES:
        consignment["eta"] = segment


def _status_detail(status, consignment, tag, segment):
    if tag in NESTED:
        status["nested"] = True
    if status["nested"]:
        return
    if tag == "DTM":
        status["dtm"].setdefault(_value(segment, 1), segment)
    elif tag == "LOC" and status["loc"] is None:
        status["loc"] = segment
    elif tag == "FTX":
        status["ftx"].append(
            " ".join(part for part in segment[4] if part) if len(segment) > 4 else ""
        )
    elif tag == "RFF" and consignment is not None:
        consignment["refs"].append(_value(segment, 1, 1))


def _event(status, consignment, where):
    if consignment is None:
        raise EventError(f"{where}: a status outside any consignment (CNI)")
    sts = status["sts"]
    code = _value(sts, 2)
    if not code:
        raise EventError(f"{where}: STS without a status code (4405)")
    reason = _value(sts, 3)
    raw_code = clean_text(f"{code}|{reason}", f"{where} status", MAX_CODE, cut=False)
    moment = _status_time(status["dtm"], where)
    refs = [consignment["ref"], *consignment["refs"]]
    refs = tuple(
        clean_text(ref, f"{where} reference", MAX_REF, cut=False)
        for ref in dict.fromkeys(ref for ref in refs if ref)
    )
    if not refs:
        raise EventError(f"{where}: the consignment has no reference")
    said = [_value(sts, 2, 3), _value(sts, 3, 3), *status["ftx"]]
    eta = status["dtm"].get("132") or status["dtm"].get("17") or consignment["eta"]
    return TrackingEvent(
        refs=refs,
        event_time=moment,
        raw_code=raw_code,
        description=clean_text("; ".join(s for s in said if s), where, MAX_DESCRIPTION),
        location=clean_text(_location(status["loc"]), f"{where}.LOC", MAX_LOCATION),
        # a zone-less time gets its offset once localised
        tz_offset=offset_text(moment) if moment.tzinfo else "",
        eta=_dtm_time(eta, f"{where} ETA") if eta else None,
    )


def _status_time(times, where):
    for qualifier in EVENT_TIMES:
        if qualifier in times:
            return _dtm_time(times[qualifier], f"{where}.DTM+{qualifier}")
    others = [q for q in times if q not in ESTIMATES]
    if not others:
        raise EventError(f"{where}: no DTM with the time of the status")
    return _dtm_time(times[others[0]], f"{where}.DTM+{others[0]}")


def _location(loc):
    if loc is None:
        return ""
    place, name = _value(loc, 2), _value(loc, 2, 3)
    if name and place:
        return f"{name} ({place})"
    return name or place


def _dtm_time(segment, where):
    value, layout = _value(segment, 1, 1), _value(segment, 1, 2) or "203"
    try:
        moment = _edifact_time(value, layout)
    except (ValueError, OverflowError):
        moment = None
    if moment is None:
        raise EventError(f"{where}: {value[:20]!r} is not a time of format {layout[:4]}")
    bounds = (MIN_TIME, MAX_TIME) if moment.tzinfo else NAIVE_BOUNDS
    if not bounds[0] <= moment < bounds[1]:
        raise EventError(f"{where}: {value[:20]!r} is outside 1970-2199")
    return moment


def _edifact_time(value, layout):
    if not value[:12].isdigit():
        return None
    if layout == "102" and len(value) == 8 and value.isdigit():
        return datetime(int(value[:4]), int(value[4:6]), int(value[6:8]))
    if layout in ("203", "303", "205"):
        local, zone = _digits_time(value, 12), value[12:]
    elif layout in ("204", "304"):
        local, zone = _digits_time(value, 14), value[14:]
    else:
        return None
    if local is None:
        return None
    if layout in ("203", "204"):
        return None if zone else local  # zone-less: naive until localise()
    if layout == "205" and len(zone) == 5 and zone[0] in "+-":
        return local.replace(tzinfo=_zone(zone[0], zone[1:3], zone[3:5]))
    if layout in ("303", "304"):
        if zone in ("UTC", "GMT", "Z"):
            return local.replace(tzinfo=timezone.utc)
        if ZONE_RE.match(zone):
            return local.replace(tzinfo=_zone(zone[0], zone[1:3], "00"))
    return None


def _digits_time(value, size):
    """The naive time of the first ``size`` digits (CCYYMMDDHHMM[SS]), or None."""
    digits = value[:size]
    if len(digits) != size or not digits.isdigit():
        return None
    seconds = int(digits[12:14]) if size == 14 else 0
    return datetime(
        int(digits[:4]),
        int(digits[4:6]),
        int(digits[6:8]),
        int(digits[8:10]),
        int(digits[10:12]),
        seconds,
    )


def _zone(sign, hours, minutes):
    if not (hours.isdigit() and minutes.isdigit()) or int(hours) > 14 or int(minutes) > 59:
        raise ValueError("bad offset")
    offset = timedelta(hours=int(hours), minutes=int(minutes))
    return timezone(-offset if sign == "-" else offset)
