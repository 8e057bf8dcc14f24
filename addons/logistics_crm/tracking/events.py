"""The one normalised event every carrier source is turned into."""

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

# Times outside this range are typing or clock errors, and some (years 1 or 9999
# with an offset) cannot even be converted to UTC.
MIN_TIME = datetime(1970, 1, 1, tzinfo=timezone.utc)
MAX_TIME = datetime(2200, 1, 1, tzinfo=timezone.utc)

# Bounds of what is stored; a code or reference longer than these is refused, free
# text is cut.  A btree index entry must stay well under PostgreSQL's 2.7 kB.
MAX_CODE = 255
MAX_REF = 256
MAX_EXTERNAL_ID = 128
MAX_DESCRIPTION = 512
MAX_LOCATION = 256


class PayloadError(ValueError):
    """A carrier body that cannot be read as a whole; the message says where and why."""


class EventError(PayloadError):
    """One event of a body that cannot be used; its neighbours still can."""


@dataclass(slots=True)
class TrackingEvent:
    """One carrier event, before it is matched to a shipment.

    ``refs`` are the identifiers the event names (tracking number, SSCC, bill of
    lading …): the first one that matches a shipment of the carrier wins.
    ``event_time`` is aware; ``tz_offset`` keeps the local offset at the event.
    ``kind`` and ``action`` are an EPCIS event's type and action, ``details`` what
    it means (parent, children, inputs, outputs), ``sensors`` its sensor readings.
    ``retraction`` marks an EPCIS error declaration: the event it repeats is void.
    """

    refs: tuple
    event_time: datetime
    raw_code: str
    description: str = ""
    location: str = ""
    external_id: str = ""
    tz_offset: str = ""
    eta: datetime = None
    category: str = None
    milestone: str = None
    mapped: bool = False
    kind: str = ""
    action: str = ""
    details: dict = field(default_factory=dict)
    sensors: tuple = ()
    retraction: bool = False
    retraction_reason: str = ""

    def identity(self, ref):
        """Same event, same identity, whichever body or poll brings it again.

        Parts added to the digest later (sensor readings, the kind and action of
        the newer EPCIS types) only enter it when present, so the identities of
        events stored before stay what they were.
        """
        if self.external_id:
            if len(self.external_id) <= MAX_EXTERNAL_ID:
                return self.external_id
            return "x:" + hashlib.sha256(self.external_id.encode()).hexdigest()
        parts = [ref, to_utc(self.event_time).isoformat(), self.raw_code, self.location or ""]
        if self.kind in ("TransformationEvent", "AssociationEvent") or self.action == "DELETE":
            parts.append(f"{self.kind}:{self.action}")
        if self.sensors:
            parts.append(json.dumps(self.sensors, sort_keys=True, separators=(",", ":")))
        key = "|".join(parts)
        return "h:" + hashlib.sha1(key.encode(), usedforsecurity=False).hexdigest()


def parse_time(value, where):
    """An ISO 8601 time with an offset (``Z`` or ``±hh:mm``) between 1970 and 2200."""
    if not isinstance(value, str) or not value.strip():
        raise EventError(f"{where}: missing time")
    text = value.strip()
    if len(text) > 64:
        raise EventError(f"{where}: not an ISO 8601 time")
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise EventError(f"{where}: {value!r} is not an ISO 8601 time") from None
    if moment.tzinfo is None:
        raise EventError(f"{where}: {value!r} has no UTC offset")
    try:
        utc = to_utc(moment)
    except OverflowError:
        utc = None
    if utc is None or not MIN_TIME <= utc < MAX_TIME:
        raise EventError(
            f"{where}: {value!r} is outside {MIN_TIME.year}-{MAX_TIME.year - 1}"
        ) from None
    return moment


def clean_text(value, where, limit, cut=True):
    """A string safe for PostgreSQL: no NUL, no unpaired surrogate, at most ``limit``.

    Free text (``cut``) is shortened; codes and references longer than ``limit``
    are refused, since a shortened code would mean another one.
    """
    text = value.strip()
    if "\x00" in text:
        raise EventError(f"{where}: contains a NUL character")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise EventError(f"{where}: contains an unpaired surrogate") from None
    if len(text) > limit:
        if not cut:
            raise EventError(f"{where}: longer than {limit} characters")
        text = text[:limit]
    return text


def to_utc(moment):
    return moment.astimezone(timezone.utc)


def utc_naive(moment):
    """What an Odoo Datetime field stores: UTC without tzinfo, to the second."""
    if moment is None:
        return None
    return to_utc(moment).replace(tzinfo=None, microsecond=0)


_OFFSET_TEXTS = {}  # utcoffset -> "+08:00": few distinct offsets, asked per event


def offset_text(moment):
    offset = moment.utcoffset() or timedelta(0)
    text = _OFFSET_TEXTS.get(offset)
    if text is None:
        sign = "-" if offset < timedelta(0) else "+"
        minutes = abs(int(offset.total_seconds())) // 60
        text = f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"
        if len(_OFFSET_TEXTS) < 1024:
            _OFFSET_TEXTS[offset] = text
    return text
