"""Carrier bodies → :class:`Document` of :class:`TrackingEvent` and rejected items.

A body that is not a document of the connector's format raises
:class:`PayloadError`; an event that cannot be used is rejected on its own, with
where and why, and its neighbours go on.

The three formats of logistics_crm's own connectors (the carrier's ``connector``):

``json``
    Our own documented schema, pushed to the webhook or served for polling::

        {"events": [{"tracking_ref": "SF1234567890",      # required
                     "time": "2026-05-06T10:00:00+08:00",  # required, with offset
                     "code": "PICKED_UP",                  # required, the carrier's code
                     "event_id": "optional unique id",
                     "description": "optional", "location": "optional",
                     "eta": "optional time with offset"}]}

``epcis`` (read by :mod:`.epcis`)
    GS1 EPCIS 2.0 XML (also 1.2 documents): ``ObjectEvent``, ``TransactionEvent``,
    ``AggregationEvent``, ``TransformationEvent`` and ``AssociationEvent``, with
    ``eventTime`` and its offset, optional ``bizStep`` and ``disposition``,
    ``readPoint``, ``bizLocation``, ``bizTransactionList``, the EPCs they name,
    sensor readings, and ``errorDeclaration`` (the declared event is retracted).
    The raw code is ``<bizStep>|<disposition>`` in short CBV form
    (``shipping|in_transit``; ``|`` when the event has neither).

``aggregator``
    An aggregator's JSON in AfterShip's shape: ``data.tracking`` or ``data.trackings``
    (poll answers) or ``msg`` (a webhook) with ``tracking_number``,
    ``expected_delivery`` and ``checkpoints`` carrying ``checkpoint_time``, ``tag``,
    ``subtag``, ``message``, ``location``; the raw code is the subtag, else the tag.
"""

import contextlib
import gc
import json
from dataclasses import dataclass, field

from .events import (
    MAX_CODE,
    MAX_DESCRIPTION,
    MAX_LOCATION,
    MAX_REF,
    EventError,
    PayloadError,
    TrackingEvent,
    clean_text,
    offset_text,
    parse_time,
)

MAX_BODY_BYTES = 2 * 1024 * 1024
MAX_EVENTS = 10000
MAX_REFS = 1000
MAX_SENSOR_REPORTS = 200
MAX_LISTED = 100  # EPCs kept in an event's details; the count says the rest
# What a failure inside one item can raise, whatever the input: the item is rejected.
ITEM_ERRORS = (EventError, ValueError, TypeError, OverflowError, RecursionError, KeyError)


@contextlib.contextmanager
def gc_paused():
    """No cyclic garbage collection while one body's events are built.

    Every 700 new objects (the events) start a collection, and the older ones walk
    the whole server's heap: a quarter of an EPCIS read went there, for events that
    are no garbage.  A body is bounded (MAX_BODY_BYTES, MAX_EVENTS), so what it
    leaves is collected after.  Only the caller that found collection on turns it
    back on, so parallel readers in threads never leave it off.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


@dataclass
class Document:
    """What a body holds: usable events, and each rejected item with where and why.

    ``notices`` are what the carrier says of a tracking number that is no event
    (kuaidi100 stopped tracking it …): ``{"ref": …, "message": …}``, posted on the
    shipment.
    """

    events: list = field(default_factory=list)
    rejected: list = field(default_factory=list)
    notices: list = field(default_factory=list)

    def reject(self, where, reason):
        self.rejected.append({"event": where, "reason": reason})

    def collect(self, where, make):
        """Add the event ``make()`` returns, or reject it with the reason it failed."""
        if len(self.events) >= MAX_EVENTS:
            self.reject(where, f"over the {MAX_EVENTS} events a body may carry")
            return
        try:
            self.events.append(make())
        except ITEM_ERRORS as error:
            reason = str(error) if isinstance(error, EventError) else f"{where}: unreadable"
            self.reject(where, reason)


def check_size(body):
    """:class:`PayloadError` when a body is over the size any connector accepts."""
    if len(body) > MAX_BODY_BYTES:
        raise PayloadError(f"body of {len(body)} bytes is over the {MAX_BODY_BYTES} byte limit")


def parse_json(body):
    """The :class:`Document` of a body of our own JSON schema."""
    return parse_own_json(_load_json(body))


def parse_aggregator_json(body):
    """The :class:`Document` of an aggregator's JSON body."""
    return parse_aggregator(_load_json(body))


# -- our own JSON ---------------------------------------------------------------------


def _load_json(body):
    try:
        return json.loads(body)
    except RecursionError:
        raise PayloadError("malformed JSON: nested too deeply") from None
    except (UnicodeDecodeError, ValueError) as error:
        raise PayloadError(f"malformed JSON: {error}") from None


def _text(item, key, where, required=False, limit=MAX_DESCRIPTION, cut=True):
    value = item.get(key)
    if value is None or value == "":
        if required:
            raise EventError(f"{where}.{key}: required")
        return ""
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        raise EventError(f"{where}.{key}: must be a string")
    text = clean_text(str(value), f"{where}.{key}", limit, cut=cut)
    if required and not text:
        raise EventError(f"{where}.{key}: required")
    return text


def parse_own_json(data):
    if not isinstance(data, dict) or not isinstance(data.get("events"), list):
        raise PayloadError('expected an object with an "events" list')
    document = Document()
    for index, item in enumerate(data["events"]):
        where = f"events[{index}]"
        document.collect(where, lambda item=item, where=where: _own_event(item, where))
    return document


def _own_event(item, where):
    if not isinstance(item, dict):
        raise EventError(f"{where}: must be an object")
    moment = parse_time(item.get("time"), f"{where}.time")
    eta = item.get("eta")
    return TrackingEvent(
        refs=(_text(item, "tracking_ref", where, required=True, limit=MAX_REF, cut=False),),
        event_time=moment,
        raw_code=_text(item, "code", where, required=True, limit=MAX_CODE, cut=False),
        description=_text(item, "description", where),
        location=_text(item, "location", where, limit=MAX_LOCATION),
        external_id=_text(item, "event_id", where, limit=1024, cut=False),
        tz_offset=offset_text(moment),
        eta=parse_time(eta, f"{where}.eta") if eta else None,
    )


# -- aggregator (AfterShip-style) ------------------------------------------------------


def parse_aggregator(data):
    if not isinstance(data, dict):
        raise PayloadError("expected a JSON object")
    if "data" in data:
        inner = data["data"]
        if not isinstance(inner, dict):
            raise PayloadError('"data" must be an object with "tracking" or "trackings"')
        if "trackings" in inner:
            trackings = inner["trackings"]
            if not isinstance(trackings, list):
                raise PayloadError('"data.trackings" must be a list')
            where = "data.trackings"
        else:
            trackings, where = [inner.get("tracking")], "data.tracking"
    else:
        trackings, where = [data.get("msg")], "msg"
    if len(trackings) == 1 and not isinstance(trackings[0], dict):
        raise PayloadError('expected "data.tracking" or "msg" with a tracking object')
    document = Document()
    for index, tracking in enumerate(trackings):
        here = f"{where}[{index}]" if where == "data.trackings" else where
        _aggregator_tracking(document, tracking, here)
    return document


def _aggregator_tracking(document, tracking, where):
    if not isinstance(tracking, dict):
        document.reject(where, f"{where}: must be an object")
        return
    try:
        ref = _text(tracking, "tracking_number", where, required=True, limit=MAX_REF, cut=False)
    except EventError as error:
        document.reject(where, str(error))
        return
    eta = None
    expected = tracking.get("expected_delivery")
    if expected:
        try:
            eta = parse_time(expected, f"{where}.expected_delivery")
        except EventError as error:
            # the checkpoints stand without an ETA; the answer says why it was dropped
            document.reject(f"{where}.expected_delivery", str(error))
    checkpoints = tracking.get("checkpoints") or []
    if not isinstance(checkpoints, list):
        document.reject(f"{where}.checkpoints", f"{where}.checkpoints: must be a list")
        return
    for index, point in enumerate(checkpoints):
        here = f"{where}.checkpoints[{index}]"
        document.collect(
            here, lambda point=point, here=here: _aggregator_checkpoint(point, here, ref, eta)
        )


def _aggregator_checkpoint(point, where, ref, eta):
    if not isinstance(point, dict):
        raise EventError(f"{where}: must be an object")
    moment = parse_time(point.get("checkpoint_time"), f"{where}.checkpoint_time")
    code = _text(point, "subtag", where, limit=MAX_CODE, cut=False) or _text(
        point, "tag", where, required=True, limit=MAX_CODE, cut=False
    )
    location = _text(point, "location", where, limit=MAX_LOCATION) or ", ".join(
        filter(
            None,
            (
                _text(point, "city", where, limit=128),
                _text(point, "country_iso3", where, limit=8),
            ),
        )
    )
    return TrackingEvent(
        refs=(ref,),
        event_time=moment,
        raw_code=code,
        description=_text(point, "message", where) or _text(point, "subtag_message", where),
        location=location,
        tz_offset=offset_text(moment),
        eta=eta,
    )


# -- GS1 EPCIS 2.0 XML -----------------------------------------------------------------


def parse_epcis(body):
    """The :class:`Document` of a GS1 EPCIS XML body, read by :mod:`.epcis`."""
    from . import epcis  # noqa: PLC0415 - epcis builds on this module's Document

    return epcis.parse(body)
