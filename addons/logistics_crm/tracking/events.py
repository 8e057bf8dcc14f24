"""The one normalised event every carrier source is turned into (R-SHIP-2)."""

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone


class PayloadError(ValueError):
    """A carrier body that cannot be read; the message says where and why."""


@dataclass(slots=True)
class TrackingEvent:
    """One carrier event, before it is matched to a shipment.

    ``refs`` are the identifiers the event names (tracking number, SSCC, bill of
    lading …): the first one that matches a shipment of the carrier wins.
    ``event_time`` is aware; ``tz_offset`` keeps the local offset at the event.
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
    extra: dict = field(default_factory=dict)

    def identity(self, ref):
        """Same event, same identity, whichever body or poll brings it again."""
        if self.external_id:
            return self.external_id[:128]
        key = "|".join(
            (ref, to_utc(self.event_time).isoformat(), self.raw_code, self.location or "")
        )
        return "h:" + hashlib.sha1(key.encode(), usedforsecurity=False).hexdigest()


def parse_time(value, where):
    """An ISO 8601 time with an offset (``Z`` or ``±hh:mm``); naive times are refused."""
    if not isinstance(value, str) or not value.strip():
        raise PayloadError(f"{where}: missing time")
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise PayloadError(f"{where}: {value!r} is not an ISO 8601 time") from None
    if moment.tzinfo is None:
        raise PayloadError(f"{where}: {value!r} has no UTC offset")
    return moment


def to_utc(moment):
    return moment.astimezone(timezone.utc)


def utc_naive(moment):
    """What an Odoo Datetime field stores: UTC without tzinfo, to the second."""
    if moment is None:
        return None
    return to_utc(moment).replace(tzinfo=None, microsecond=0)


def offset_text(moment):
    offset = moment.utcoffset() or timedelta(0)
    sign = "-" if offset < timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"
