"""GS1 EPCIS 1.x and 2.0 XML → :class:`~.parsers.Document`: the ``epcis`` connector.

What is read and the raw code it gives are described in :mod:`.parsers`, whose
``parse_epcis`` calls :func:`parse` and whose per-body limits apply.  No entity is
expanded, no DTD loaded, nothing fetched.  Each event is read once: the common
ones by :class:`_QuickReader` in one pass over their children, the rarer shapes
(sensors, error declarations, quantities, a child twice) and any event that fails
a check by :func:`_epcis_event`, which says why.
"""

import re

from lxml import etree

from . import parsers
from .events import (
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
from .parsers import ITEM_ERRORS, Document

EPCIS_KINDS = frozenset(
    {
        "ObjectEvent",
        "TransactionEvent",
        "AggregationEvent",
        "TransformationEvent",
        "AssociationEvent",
    }
)
EPCIS_ACTIONS = frozenset({"ADD", "OBSERVE", "DELETE"})
CBV_PREFIXES = (
    "urn:epcglobal:cbv:bizstep:",
    "urn:epcglobal:cbv:disp:",
    "urn:epcglobal:cbv:er:",
    "https://ref.gs1.org/cbv/BizStep-",
    "https://ref.gs1.org/cbv/Disp-",
    "https://ref.gs1.org/cbv/ER-",
)
OFFSET_RE = re.compile(r"^[+-](0\d|1[0-4]):[0-5]\d$")


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
    # the tag is "{namespace}name" or "name"
    return element.tag.rpartition("}")[2]


def _short(uri):
    for prefix in CBV_PREFIXES:
        if uri.startswith(prefix):
            return uri[len(prefix) :]
    return uri


def parse(body):
    """The :class:`~.parsers.Document` of a GS1 EPCIS 1.x or 2.0 XML body."""
    if b"<!ENTITY" in body:
        raise PayloadError("XML declaring entities is refused")
    try:
        root = etree.fromstring(body, parser=_safe_parser())
    except (etree.XMLSyntaxError, ValueError) as error:
        raise PayloadError(f"malformed XML: {error}") from None
    _refuse_entities(root.getroottree())
    if _local(root) not in ("EPCISDocument", "EPCISQueryDocument"):
        raise PayloadError(f"expected an EPCISDocument, got <{_local(root)}>")
    with parsers.gc_paused():
        return _read_events(root)


def _read_events(root):
    """The events of every EventList under ``root``, each read once."""
    document = Document()
    events = document.events
    quick = _QuickReader()
    for event_list in root.iter("{*}EventList"):
        # events with quantities anywhere inside take the full path
        slow = {_child_holding(found, event_list) for found in event_list.iter("quantityElement")}
        for index, element in enumerate(event_list):
            tag = element.tag
            quick_path = not slow or element not in slow
            if tag in EPCIS_KINDS:
                kind = tag
            else:
                if not isinstance(tag, str):
                    continue
                kind = tag.rpartition("}")[2]
                # EPCIS 1.x wraps the newer event types in <extension>
                if kind == "extension":
                    element = next((child for child in element if isinstance(child.tag, str)), None)
                    if element is None:
                        continue
                    kind = _local(element)
                if kind not in EPCIS_KINDS:
                    where = f"EventList[{index}]"
                    document.reject(where, f"{where}: <{kind[:64]}> is not an EPCIS event type")
                    continue
            if quick_path and len(events) < parsers.MAX_EVENTS:
                try:
                    event = quick.event(element, kind)
                except ITEM_ERRORS:
                    event = None  # the full path says why
                if event is not None:
                    events.append(event)
                    continue
            where = f"EventList[{index}]"
            document.collect(
                where,
                lambda element=element, kind=kind, where=where: _epcis_event(element, kind, where),
            )
    return document


def _child_holding(element, ancestor):
    """The child of ``ancestor`` that ``element`` is inside of."""
    parent = element.getparent()
    while parent is not ancestor:
        element, parent = parent, parent.getparent()
    return element


# Children that the quick path reads besides those of a plain object event (read in
# event()), and those that leave the event to the full path: sensors, 1.x extensions,
# error declarations.  Any other child is of no use to either path.
_OTHER_FIELDS = {
    "parentID": None,
    "eventID": None,
    "transformationID": None,
    "bizTransactionList": "bizTransaction",  # a list: the tag of its items
    "childEPCs": "epc",
    "inputEPCList": "epc",
    "outputEPCList": "epc",
}
_FULL_PATH = frozenset({"sensorElementList", "extension", "errorDeclaration", "baseExtension"})


class _QuickReader:
    """Reads the common events of one document in one pass over their children.

    It gives what :func:`_epcis_event` gives, or None when the full path must read
    the event: a child that comes twice, sensors, error declarations, 1.x base
    extensions, or any text that fails a check (the full path then says why).
    What a document repeats (times and offsets, CBV codes and the descriptions
    made of them) is read and checked once per document.
    """

    def __init__(self):
        # (kind, eventTime, eventTimeZoneOffset, bizStep, disposition, action) -> _head()
        self.heads = {}

    def event(self, element, kind):
        """The event, or None for the full path; may raise any of ITEM_ERRORS."""
        time = offset = epc_list = action = step = disposition = point = place = None
        others = None  # {tag: child} of _OTHER_FIELDS
        # the children of a plain object event, in the order the standard gives them:
        # comparing tags is cheaper than a dict of the children
        for child in element[:]:
            tag = child.tag
            if tag == "eventTime":
                if time is not None:
                    return None
                time = child
            elif tag == "eventTimeZoneOffset":
                if offset is not None:
                    return None
                offset = child
            elif tag == "epcList":
                if epc_list is not None:
                    return None
                epc_list = child
            elif tag == "action":
                if action is not None:
                    return None
                action = child
            elif tag == "bizStep":
                if step is not None:
                    return None
                step = child
            elif tag == "disposition":
                if disposition is not None:
                    return None
                disposition = child
            elif tag == "readPoint":
                if point is not None:
                    return None
                point = child
            elif tag == "bizLocation":
                if place is not None:
                    return None
                place = child
            elif tag in _OTHER_FIELDS:
                if others is None:
                    others = {}
                elif tag in others:
                    return None
                others[tag] = child
            elif tag in _FULL_PATH:
                return None
        key = (
            kind,
            None if time is None else time.text,
            None if offset is None else offset.text,
            None if step is None else step.text,
            None if disposition is None else disposition.text,
            None if action is None else action.text,
        )
        head = self.heads.get(key)
        if head is None:
            head = self.heads[key] = _head(*key)
        if not head:
            return None
        when, codes = head
        location = "" if place is None else _place_id(place)
        if not location and point is not None:
            location = _place_id(point)
        if others is None and epc_list is not None and len(epc_list) == 1:
            node = epc_list[0]
            if node.tag == "epc":  # a plain object event: one EPC, nothing else to read
                epc = (node.text or "").strip()
                if not _plain((location, epc)):
                    return None
                action, raw_code, description, _step, _disposition = codes
                return TrackingEvent(
                    (epc,) if epc and len(epc) <= MAX_REF and parsers.MAX_REFS else (),
                    when[0],
                    raw_code,
                    description,
                    location[:MAX_LOCATION],
                    "",
                    when[1],
                    None,
                    None,
                    None,
                    False,
                    kind,
                    action,
                    {},
                )
        return _rarer_event(kind, when, codes, location, epc_list, others or {})


def _head(kind, time, offset, step, disposition, action):
    """(_when(), _codes()) of an event's texts; False when its codes are refused."""
    codes = _codes(kind, step, disposition, action)
    return False if codes is None else (_when(time, offset), codes)


def _rarer_event(kind, when, codes, location, epc_list, others):
    """:meth:`_QuickReader.event` of an event with a parent, children, an id …"""
    texts = {}
    for tag, item in _OTHER_FIELDS.items():
        node = others.get(tag)
        if item is None:
            texts[tag] = "" if node is None else (node.text or "").strip()
        else:
            texts[tag] = [] if node is None else _items(node, item)
    parent, event_id = texts["parentID"], texts["eventID"]
    epcs = [] if epc_list is None else _items(epc_list, "epc")
    transactions = texts["bizTransactionList"]
    children, inputs = texts["childEPCs"], texts["inputEPCList"]
    outputs = texts["outputEPCList"]
    checked = (parent, location, event_id, *epcs, *transactions, *children, *inputs, *outputs)
    if len(event_id) > 1024 or not _plain(checked):
        return None  # the full path says which text is refused
    refs = [parent, *transactions, *epcs, *children, *outputs, *inputs]
    refs = tuple(dict.fromkeys(ref for ref in refs if ref and len(ref) <= MAX_REF))
    action, raw_code, description, step, disposition = codes
    details = {}
    if parent or children or inputs or outputs:
        details = _epcis_details(kind, parent, children, inputs, outputs, None, {})
        description = _description(kind, action, step, disposition, details)
    if texts["transformationID"]:
        details["transformation_id"] = texts["transformationID"][:MAX_REF]
    return TrackingEvent(
        refs[: parsers.MAX_REFS],
        when[0],
        raw_code,
        description,
        location[:MAX_LOCATION],
        event_id,
        when[1],
        None,
        None,
        None,
        False,
        kind,
        action,
        details,
    )


def _items(element, tag):
    """The texts of the children ``tag`` of an element, as _texts_under reads them."""
    return [(item.text or "").strip() for item in element if item.tag == tag]


def _place_id(place):
    """The text of the first <id> of a readPoint or bizLocation, as _first_under finds it."""
    if len(place) == 1:  # the usual lone <id>: no list of the children
        item = place[0]
        return (item.text or "").strip() if item.tag == "id" else ""
    for item in place[:]:
        if item.tag == "id":
            return (item.text or "").strip()
    return ""


def _when(time, offset):
    """An event's time and its offset, as :func:`_epcis_event` reads them."""
    moment = parse_time((time or "").strip(), "eventTime")
    offset = (offset or "").strip()
    return moment, offset if OFFSET_RE.match(offset) else offset_text(moment)


def _codes(kind, step, disposition, action):
    """bizStep, disposition, action, raw code and description as :func:`_epcis_event`
    makes them (the description of an event without details), None if refused."""
    step = clean_text(_short((step or "").strip()), "bizStep", 127, cut=False)
    disposition = clean_text(_short((disposition or "").strip()), "disposition", 127, cut=False)
    action = (action or "").strip().upper()
    if action and action not in EPCIS_ACTIONS:
        return None
    description = _description(kind, action, step, disposition, {})
    return action, f"{step}|{disposition}", description, step, disposition


def _plain(texts):
    """Whether no text holds what :func:`clean_text` refuses (NUL, unpaired surrogates)."""
    joined = "".join(texts)
    if "\x00" in joined:
        return False
    if not joined.isascii():
        try:
            joined.encode("utf-8")
        except UnicodeEncodeError:
            return False
    return True


def _description(kind, action, step, disposition, details):
    return _describe(kind, action, step, disposition, details).strip()[:MAX_DESCRIPTION]


def _child_text(element, path):
    child = element.find(path)
    return (child.text or "").strip() if child is not None else ""


def _code_part(fields, name, where):
    text = _short(_field_text(fields, name))
    return clean_text(text, f"{where}.{name}", 127, cut=False)


def _epcis_event(element, kind, where):
    # the event's fields read from one pass over its children, not a path search each
    fields = _children_by_tag(element)
    moment = parse_time(_field_text(fields, "eventTime"), f"{where}.eventTime")
    offset = _field_text(fields, "eventTimeZoneOffset")
    if not OFFSET_RE.match(offset):
        offset = offset_text(moment)
    step = _code_part(fields, "bizStep", where)
    disposition = _code_part(fields, "disposition", where)
    action = _field_text(fields, "action").upper()
    if action and action not in EPCIS_ACTIONS:
        raise EventError(f"{where}.action: {action[:32]!r} is not ADD, OBSERVE or DELETE")
    parent = _field_text(fields, "parentID")
    children = _texts_under(fields, "childEPCs", "epc")
    inputs = _texts_under(fields, "inputEPCList", "epc")
    outputs = _texts_under(fields, "outputEPCList", "epc")
    transactions = _texts_under(fields, "bizTransactionList", "bizTransaction")
    epcs = _texts_under(fields, "epcList", "epc")
    refs = [parent, *transactions, *epcs, *children, *outputs, *inputs]
    refs = tuple(dict.fromkeys(ref for ref in refs if ref and len(ref) <= MAX_REF))
    refs = refs[: parsers.MAX_REFS]
    refs = tuple(clean_text(ref, f"{where} reference", MAX_REF) for ref in refs)
    location = _element_text(_first_under(fields, "bizLocation", "id")) or _element_text(
        _first_under(fields, "readPoint", "id")
    )
    details = _epcis_details(kind, parent, children, inputs, outputs, element, fields)
    declared = fields.get("errorDeclaration")
    declaration = (
        declared[0] if declared else _first_under(fields, "baseExtension", "errorDeclaration")
    )
    reason = ""
    if declaration is not None:
        reason = clean_text(_short(_child_text(declaration, "reason")), f"{where}.reason", 128)
        details["declared"] = clean_text(
            _child_text(declaration, "declarationTime"), f"{where}.declarationTime", 64
        )
    event_id = _field_text(fields, "eventID") or _element_text(
        _first_under(fields, "baseExtension", "eventID")
    )
    return TrackingEvent(
        refs=refs,
        event_time=moment,
        raw_code=f"{step}|{disposition}",
        description=clean_text(
            _describe(kind, action, step, disposition, details), where, MAX_DESCRIPTION
        ),
        location=clean_text(location, f"{where}.location", MAX_LOCATION),
        external_id=clean_text(event_id, f"{where}.eventID", 1024, cut=False),
        tz_offset=offset,
        kind=kind,
        action=action,
        details=details,
        sensors=_sensor_readings(element, where) if _has_sensors(fields) else (),
        retraction=declaration is not None,
        retraction_reason=reason,
    )


def _children_by_tag(element):
    """``{tag: [children with that tag, in document order]}`` of an element."""
    fields = {}
    for child in element:
        fields.setdefault(child.tag, []).append(child)
    return fields


def _element_text(element):
    return (element.text or "").strip() if element is not None else ""


def _field_text(fields, tag):
    """The text of the first child ``tag``, as ``element.find(tag)`` would give it."""
    found = fields.get(tag)
    return (found[0].text or "").strip() if found else ""


def _first_under(fields, tag, sub):
    """The first ``sub`` of the children ``tag``, as ``element.find("tag/sub")``."""
    for parent in fields.get(tag, ()):
        for child in parent:
            if child.tag == sub:
                return child
    return None


def _texts_under(fields, tag, sub):
    """The texts of every ``sub`` of the children ``tag``, as ``iterfind("tag/sub")``."""
    return [
        (child.text or "").strip()
        for parent in fields.get(tag, ())
        for child in parent
        if child.tag == sub
    ]


def _has_sensors(fields):
    # sensorElement lives in sensorElementList (EPCIS 2.0), or its 1.x extension
    return "sensorElementList" in fields or "extension" in fields


def _epcis_details(kind, parent, children, inputs, outputs, element, fields):
    """What an aggregation, association or transformation says, in a few keys."""
    details = {}
    if parent:
        details["parent"] = parent[:MAX_REF]
    for key, values in (("children", children), ("inputs", inputs), ("outputs", outputs)):
        if values:
            details[key] = [value[:MAX_REF] for value in values[: parsers.MAX_LISTED]]
            details[f"{key}_count"] = len(values)
    quantities = [
        {
            "class": _child_text(quantity, "epcClass")[:MAX_REF],
            "quantity": _child_text(quantity, "quantity")[:32],
            "uom": _child_text(quantity, "uom")[:16],
        }
        for quantity in (element.iter("quantityElement") if element is not None else ())
    ][: parsers.MAX_LISTED]
    if quantities:
        details["quantities"] = quantities
    transformation = _field_text(fields, "transformationID")
    if transformation:
        details["transformation_id"] = transformation[:MAX_REF]
    return details


def _describe(kind, action, step, disposition, details):
    said = " / ".join(filter(None, (step, disposition))).replace("_", " ")
    parent = details.get("parent", "")
    meaning = ""
    if kind == "AggregationEvent":
        meaning = {"ADD": "packed into", "DELETE": "unpacked from"}.get(action, "observed in")
        meaning = f"{meaning} {parent}".strip()
    elif kind == "AssociationEvent":
        meaning = {"ADD": "associated with", "DELETE": "dissociated from"}.get(
            action, "observed with"
        )
        meaning = f"{meaning} {parent}".strip()
    elif kind == "TransformationEvent":
        meaning = "transformed {} input(s) into {} output(s)".format(
            details.get("inputs_count", 0), details.get("outputs_count", 0)
        )
    return "; ".join(filter(None, (said, meaning)))


def _sensor_readings(element, where):
    """Each sensor element's metadata and reports as plain dicts, in document order."""
    readings = []
    reports = 0
    for sensor in element.iter("sensorElement"):
        metadata = sensor.find("sensorMetadata")
        entry = {"metadata": _attributes(metadata, where) if metadata is not None else {}}
        entry["reports"] = []
        for report in sensor.iterfind("sensorReport"):
            reports += 1
            if reports > parsers.MAX_SENSOR_REPORTS:
                raise EventError(f"{where}: more than {parsers.MAX_SENSOR_REPORTS} sensor reports")
            entry["reports"].append(_attributes(report, where))
        readings.append(entry)
    return tuple(readings)


def _attributes(element, where):
    return {
        clean_text(etree.QName(name).localname, where, 64): clean_text(value, where, 256)
        for name, value in sorted(element.attrib.items())
    }
