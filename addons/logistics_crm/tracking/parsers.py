"""Carrier bodies → :class:`TrackingEvent` lists.

Three connector kinds (the carrier's ``connector``):

``json``
    Our own documented schema, pushed to the webhook or served for polling::

        {"events": [{"tracking_ref": "SF1234567890",      # required
                     "time": "2026-05-06T10:00:00+08:00",  # required, with offset
                     "code": "PICKED_UP",                  # required, the carrier's code
                     "event_id": "optional unique id",
                     "description": "optional", "location": "optional",
                     "eta": "optional time with offset"}]}

``epcis``
    GS1 EPCIS 2.0 XML (``ObjectEvent``, ``TransactionEvent``, ``AggregationEvent``):
    ``eventTime`` with its offset, ``bizStep``, ``disposition``, ``readPoint``,
    ``bizLocation``, ``bizTransactionList``; the raw code is ``<bizStep>|<disposition>``
    in their short CBV form (``shipping|in_transit``).

``aggregator``
    An aggregator's JSON in AfterShip's shape: ``data.tracking`` (a poll answer) or
    ``msg`` (a webhook) with ``tracking_number``, ``expected_delivery`` and
    ``checkpoints`` carrying ``checkpoint_time``, ``tag``, ``subtag``, ``message``,
    ``location``; the raw code is the subtag, else the tag.
"""

import json

from lxml import etree

from .events import PayloadError, TrackingEvent, offset_text, parse_time

MAX_BODY_BYTES = 2 * 1024 * 1024
MAX_EVENTS = 10000
EPCIS_KINDS = frozenset({"ObjectEvent", "TransactionEvent", "AggregationEvent"})
CBV_PREFIXES = (
    "urn:epcglobal:cbv:bizstep:",
    "urn:epcglobal:cbv:disp:",
    "https://ref.gs1.org/cbv/BizStep-",
    "https://ref.gs1.org/cbv/Disp-",
)


def parse(kind, body):
    """Events of a body of the given connector kind; :class:`PayloadError` if unreadable."""
    if len(body) > MAX_BODY_BYTES:
        raise PayloadError(f"body of {len(body)} bytes is over the {MAX_BODY_BYTES} byte limit")
    if kind == "epcis":
        events = parse_epcis(body)
    elif kind == "aggregator":
        events = parse_aggregator(_load_json(body))
    elif kind == "json":
        events = parse_own_json(_load_json(body))
    else:
        raise PayloadError(f"unknown connector kind {kind!r}")
    if len(events) > MAX_EVENTS:
        raise PayloadError(f"{len(events)} events in one body; at most {MAX_EVENTS}")
    return events


# -- our own JSON ---------------------------------------------------------------------


def _load_json(body):
    try:
        return json.loads(body)
    except (UnicodeDecodeError, ValueError) as error:
        raise PayloadError(f"malformed JSON: {error}") from None


def _text(item, key, where, required=False, limit=512):
    value = item.get(key)
    if value is None or value == "":
        if required:
            raise PayloadError(f"{where}.{key}: required")
        return ""
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        raise PayloadError(f"{where}.{key}: must be a string")
    return str(value).strip()[:limit]


def parse_own_json(data):
    if not isinstance(data, dict) or not isinstance(data.get("events"), list):
        raise PayloadError('expected an object with an "events" list')
    events = []
    for index, item in enumerate(data["events"]):
        where = f"events[{index}]"
        if not isinstance(item, dict):
            raise PayloadError(f"{where}: must be an object")
        moment = parse_time(item.get("time"), f"{where}.time")
        eta = item.get("eta")
        events.append(
            TrackingEvent(
                refs=(_text(item, "tracking_ref", where, required=True, limit=64),),
                event_time=moment,
                raw_code=_text(item, "code", where, required=True, limit=64),
                description=_text(item, "description", where),
                location=_text(item, "location", where, limit=256),
                external_id=_text(item, "event_id", where, limit=128),
                tz_offset=offset_text(moment),
                eta=parse_time(eta, f"{where}.eta") if eta else None,
            )
        )
    return events


# -- aggregator (AfterShip-style) ------------------------------------------------------


def parse_aggregator(data):
    if not isinstance(data, dict):
        raise PayloadError("expected a JSON object")
    tracking = (data.get("data") or {}).get("tracking") if "data" in data else data.get("msg")
    if not isinstance(tracking, dict):
        raise PayloadError('expected "data.tracking" or "msg" with a tracking object')
    ref = _text(tracking, "tracking_number", "tracking", required=True, limit=64)
    expected = tracking.get("expected_delivery")
    eta = parse_time(expected, "tracking.expected_delivery") if expected else None
    checkpoints = tracking.get("checkpoints") or []
    if not isinstance(checkpoints, list):
        raise PayloadError("tracking.checkpoints: must be a list")
    events = []
    for index, point in enumerate(checkpoints):
        where = f"tracking.checkpoints[{index}]"
        if not isinstance(point, dict):
            raise PayloadError(f"{where}: must be an object")
        moment = parse_time(point.get("checkpoint_time"), f"{where}.checkpoint_time")
        code = _text(point, "subtag", where, limit=64) or _text(
            point, "tag", where, required=True, limit=64
        )
        location = _text(point, "location", where, limit=256) or ", ".join(
            filter(None, (_text(point, "city", where), _text(point, "country_iso3", where)))
        )
        events.append(
            TrackingEvent(
                refs=(ref,),
                event_time=moment,
                raw_code=code,
                description=_text(point, "message", where) or _text(point, "subtag_message", where),
                location=location,
                tz_offset=offset_text(moment),
                eta=eta,
            )
        )
    return events


# -- GS1 EPCIS 2.0 XML -----------------------------------------------------------------


def _safe_parser():
    # entities are never expanded and nothing is fetched; huge documents are refused
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        dtd_validation=False,
        remove_comments=True,
        remove_pis=True,
    )


def _refuse_entities(tree):
    docinfo = tree.docinfo
    if docinfo.system_url or docinfo.public_id:
        raise PayloadError("XML with an external DTD is refused")
    dtd = docinfo.internalDTD
    if dtd is not None and (any(True for _ in dtd.iterentities()) or dtd.system_url):
        raise PayloadError("XML declaring entities is refused")


def _local(element):
    return etree.QName(element).localname


def _short(uri):
    for prefix in CBV_PREFIXES:
        if uri.startswith(prefix):
            return uri[len(prefix) :]
    return uri


def parse_epcis(body):
    if b"<!ENTITY" in body:
        raise PayloadError("XML declaring entities is refused")
    try:
        root = etree.fromstring(body, parser=_safe_parser())
    except etree.XMLSyntaxError as error:
        raise PayloadError(f"malformed XML: {error}") from None
    _refuse_entities(root.getroottree())
    if _local(root) not in ("EPCISDocument", "EPCISQueryDocument"):
        raise PayloadError(f"expected an EPCISDocument, got <{_local(root)}>")
    events = []
    for event_list in root.iter("{*}EventList"):
        for index, element in enumerate(event_list):
            if not isinstance(element.tag, str):
                continue
            # EPCIS 1.x wraps newer event types in <extension>
            if _local(element) == "extension" and len(element):
                element = element[0]
            if _local(element) in EPCIS_KINDS:
                events.append(_epcis_event(element, f"EventList[{index}]"))
    return events


def _child_text(element, name):
    child = element.find(name)
    return (child.text or "").strip() if child is not None else ""


def _epcis_event(element, where):
    moment = parse_time(_child_text(element, "eventTime"), f"{where}.eventTime")
    offset = _child_text(element, "eventTimeZoneOffset") or offset_text(moment)
    step = _short(_child_text(element, "bizStep"))
    disposition = _short(_child_text(element, "disposition"))
    refs = [(tx.text or "").strip() for tx in element.iterfind("bizTransactionList/bizTransaction")]
    refs += [(epc.text or "").strip() for epc in element.iterfind("epcList/epc")]
    parent = _child_text(element, "parentID")
    if parent:
        refs.insert(0, parent)
    location = _child_text(element, "bizLocation/id") or _child_text(element, "readPoint/id")
    if not step and not disposition:
        raise PayloadError(f"{where}: neither bizStep nor disposition")
    return TrackingEvent(
        refs=tuple(ref for ref in refs if ref),
        event_time=moment,
        raw_code=f"{step}|{disposition}",
        description=" / ".join(filter(None, (step, disposition))).replace("_", " "),
        location=location[:256],
        external_id=_child_text(element, "eventID")[:128],
        tz_offset=offset,
        extra={"kind": _local(element), "action": _child_text(element, "action")},
    )
