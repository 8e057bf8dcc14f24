"""Bodies of "key=value" lines: one event per block, blocks apart by a blank line.

::

    ref=KV1001
    time=2026-05-06T10:00:00+08:00
    code=OUT
    description=Left the depot
    location=Ningbo

``ref``, ``time`` (with its offset) and ``code`` are required; ``id``,
``description`` and ``location`` are optional.  A line without ``=`` makes the
whole body unreadable; a block missing a required key is rejected on its own.
"""

from odoo.addons.logistics_crm.tracking.events import (
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
from odoo.addons.logistics_crm.tracking.parsers import Document


def parse(body):
    """The :class:`Document` of a body of key=value blocks."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise PayloadError(f"not UTF-8 text: {error}") from None
    blocks, block = [], {}
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line:
            if block:
                blocks.append(block)
            block = {}
            continue
        key, sep, value = line.partition("=")
        if not sep:
            raise PayloadError(f"line {number}: expected key=value")
        block[key.strip()] = value.strip()
    if block:
        blocks.append(block)
    document = Document()
    for index, item in enumerate(blocks):
        where = f"block[{index}]"
        document.collect(where, lambda item=item, where=where: _event(item, where))
    return document


def _required(item, key, where, limit):
    value = clean_text(item.get(key, ""), f"{where}.{key}", limit, cut=False)
    if not value:
        raise EventError(f"{where}.{key}: required")
    return value


def _event(item, where):
    moment = parse_time(item.get("time"), f"{where}.time")
    return TrackingEvent(
        refs=(_required(item, "ref", where, MAX_REF),),
        event_time=moment,
        raw_code=_required(item, "code", where, MAX_CODE),
        description=clean_text(item.get("description", ""), where, MAX_DESCRIPTION),
        location=clean_text(item.get("location", ""), where, MAX_LOCATION),
        external_id=clean_text(item.get("id", ""), f"{where}.id", 1024, cut=False),
        tz_offset=offset_text(moment),
    )
