"""Runs inside Odoo (odoo shell) for bench_tracking.py.

phase "inside": parsing and storing, ours against the naive ORM way and the
bare parsers / a bare INSERT, all rolled back.  phase "webhook_setup" and
"webhook_cleanup": the committed carrier and shipments the HTTP run posts to.
"""

import json
import time
from datetime import datetime, timedelta, timezone

from lxml import etree
from psycopg2.extras import Json

from odoo.addons.logistics_crm.tracking import edifact, kuaidi100, parsers, status_map, x12
from odoo.addons.logistics_crm.tracking.events import utc_naive

PARSERS = {
    "json": parsers.parse_json,
    "epcis": parsers.parse_epcis,
    "kuaidi100": kuaidi100.parse,
    "edifact": edifact.parse,
    "x12": x12.parse,
}
STATUS_MAPS = {
    **status_map.DEFAULT_MAPS,
    "kuaidi100": kuaidi100.DEFAULT_STATUS_MAP,
    "edifact": edifact.DEFAULT_STATUS_MAP,
    "x12": x12.DEFAULT_STATUS_MAP,
}
CODES = ("PICKED_UP", "IN_TRANSIT", "ARRIVED_HUB", "OUT_FOR_DELIVERY", "DELIVERED")
T0 = datetime(2026, 5, 1, tzinfo=timezone.utc)


def own_json(refs, per_ref, salt=""):
    events = [
        {
            "tracking_ref": ref,
            "event_id": f"{ref}-{salt}{step}",
            "time": (T0 + timedelta(hours=step * 7, minutes=i % 60)).isoformat(),
            "code": CODES[step % len(CODES)],
            "description": "Departed sorting centre",
            "location": "Shanghai Pudong hub",
        }
        for i, ref in enumerate(refs)
        for step in range(per_ref)
    ]
    return json.dumps({"events": events}).encode()


def epcis_xml(refs, per_ref):
    steps = ("shipping", "departing", "arriving", "receiving")
    events = "".join(
        f"<ObjectEvent><eventTime>{(T0 + timedelta(hours=step * 7)).isoformat()}</eventTime>"
        f"<eventTimeZoneOffset>+08:00</eventTimeZoneOffset><epcList><epc>{ref}</epc></epcList>"
        f"<action>OBSERVE</action><bizStep>urn:epcglobal:cbv:bizstep:{steps[step % 4]}</bizStep>"
        "<disposition>urn:epcglobal:cbv:disp:in_transit</disposition>"
        "<readPoint><id>urn:epc:id:sgln:0614141.07346.1234</id></readPoint></ObjectEvent>"
        for ref in refs
        for step in range(per_ref)
    )
    return (
        '<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" schemaVersion="2.0" '
        'creationDate="2026-05-01T00:00:00Z"><EPCISBody><EventList>'
        f"{events}</EventList></EPCISBody></epcis:EPCISDocument>"
    ).encode()


def kuaidi100_json(ref, count):
    """One kuaidi100 push's param: ``count`` trace lines of one tracking number."""
    lines = [
        {
            "time": (T0 + timedelta(hours=step)).strftime("%Y-%m-%d %H:%M:%S"),
            "statusCode": ("1", "0", "5", "3")[step % 4],
            "context": "快件已到达上海浦东转运中心",
            "areaName": "上海,上海市",
        }
        for step in range(count)
    ]
    return json.dumps({"status": "polling", "lastResult": {"nu": ref, "data": lines}}).encode()


def iftsta_text(refs, per_ref):
    """One IFTSTA interchange: a consignment per reference, ``per_ref`` statuses each."""
    segments = ["UNH+M1+IFTSTA:D:01B:UN", "BGM+77+ST0001+9"]
    for index, ref in enumerate(refs, start=1):
        segments.append(f"CNI+{index}+{ref}")
        for step in range(per_ref):
            moment = (T0 + timedelta(hours=step * 7)).strftime("%Y%m%d%H%M")
            segments += [f"STS+1+{('13', '24', '21')[step % 3]}", f"DTM+334:{moment}:203"]
            segments.append("LOC+175+CNSHA:139:6:Shanghai")
    segments.append(f"UNT+{len(segments) + 1}+M1")
    return (
        "UNA:+.? '\nUNB+UNOC:3+CARRIER:ZZZ+LOGCRM:ZZZ+260506:1012+IC1'\n"
        + "'\n".join(segments)
        + "'\nUNZ+1+IC1'"
    ).encode()


def x12_text(refs, per_ref):
    """One X12 214 interchange: a transaction set per reference, ``per_ref`` statuses each."""
    sets = []
    for number, ref in enumerate(refs, start=1):
        segments = [f"ST*214*{number:04d}", f"B10*{ref}*SID{number}*ABCD"]
        for step in range(per_ref):
            moment = T0 + timedelta(hours=step * 7)
            segments += [
                f"LX*{step + 1}",
                f"AT7*{('X3', 'AF', 'X6', 'D1')[step % 4]}*NS***{moment:%Y%m%d}*{moment:%H%M}*UT",
                "MS1*Shanghai**CN",
            ]
        segments.append(f"SE*{len(segments) + 1}*{number:04d}")
        sets += segments
    head = (
        "ISA*00*          *00*          *02*ABCD           *ZZ*LOGCRM         "
        "*260506*1012*U*00401*000000101*0*P*>~GS*QM*ABCD*LOGCRM*20260506*1012*101*X*004010~"
    )
    return (head + "~".join(sets) + f"~GE*{len(refs)}*101~IEA*1*000000101~").encode()


def split_edi(body, segment, element):
    """The bare limit of an EDI reader: segments split into elements, nothing checked."""
    return [part.split(element) for part in body.decode().split(segment)]


def best_of(function, repeat=3):
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        value = function()
        times.append(time.perf_counter() - started)
    return min(times), value


def best_of_side_by_side(ours, floor, repeat=5):
    """The best of each, run in turns: a slow spell of the machine hits both alike."""
    ours_times, floor_times = [], []
    for _ in range(repeat):
        started = time.perf_counter()
        events = ours()
        ours_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        floor()
        floor_times.append(time.perf_counter() - started)
    return min(ours_times), events, min(floor_times)


def parse_bench(events_total, per_body=1000):
    """Bodies of ``per_body`` events (a body is limited to 2 MB), parsed one by one."""
    refs = [f"BN{i:08d}" for i in range(events_total // 5)]
    json_bodies = [
        own_json(refs[i : i + per_body // 5], 5) for i in range(0, len(refs), per_body // 5)
    ]
    xml_bodies = [
        epcis_xml(refs[i : i + per_body // 4], 4) for i in range(0, len(refs), per_body // 4)
    ]
    kuaidi100_bodies = [kuaidi100_json(ref, 25) for ref in refs[: events_total // 25]]
    edifact_bodies = [
        iftsta_text(refs[i : i + per_body // 5], 5) for i in range(0, len(refs), per_body // 5)
    ]
    x12_bodies = [
        x12_text(refs[i : i + per_body // 4], 4) for i in range(0, len(refs), per_body // 4)
    ]
    results = {}
    for kind, bodies, floor in (
        ("json", json_bodies, json.loads),
        ("epcis", xml_bodies, etree.fromstring),
        ("kuaidi100", kuaidi100_bodies, json.loads),
        ("edifact", edifact_bodies, lambda body: split_edi(body, "'", "+")),
        ("x12", x12_bodies, lambda body: split_edi(body, "~", "*")),
    ):
        code_map = STATUS_MAPS[kind]

        def ours(bodies=bodies, kind=kind, code_map=code_map):
            # each body's events let go once read, as the webhook does after storing
            # them (and as the floor lets each tree go)
            count = 0
            for body in bodies:
                parsed = PARSERS[kind](body).events
                status_map.normalise(parsed, code_map)
                count += len(parsed)
            return count

        # each body parsed and let go, as ours does: keeping every tree alive until
        # the end would leave freeing them (a tenth of the EPCIS parse) out of the floor
        seconds, events, floor_seconds = best_of_side_by_side(
            ours,
            lambda bodies=bodies, floor=floor: sum(floor(body) is not None for body in bodies),
        )
        if kind == "epcis":
            # the least a Python reader of the tree pays: visiting each element once
            walk_seconds, _ = best_of(
                lambda bodies=bodies: [
                    sum(1 for _element in etree.fromstring(body).iter()) for body in bodies
                ]
            )
        else:
            walk_seconds = None
        results[kind] = {
            "walk_seconds": walk_seconds,
            "events": events,
            "bytes": sum(len(body) for body in bodies),
            "seconds": seconds,
            "per_second": events / seconds,
            "floor_seconds": floor_seconds,
        }
    return results


def make_shipments(env, carrier, count, prefix):
    partners = env["res.partner"].create(
        [{"name": f"Bench customer {i}", "is_company": True} for i in range(50)]
    )
    return env["logistics.shipment"].create(
        [
            {
                "partner_id": partners[i % 50].id,
                "carrier_id": carrier.id,
                "tracking_ref": f"{prefix}{i:08d}",
                "planned_delivery": utc_naive(T0 + timedelta(days=3)),
            }
            for i in range(count)
        ]
    )


def store_bench(env, events_total, batch, naive_events):
    carrier = env["logistics.carrier"].create(
        {"name": "Bench", "code": "bench-store", "connector": "json"}
    )
    per_ref = 5
    shipments = make_shipments(env, carrier, events_total // per_ref + naive_events, "ST")
    refs = shipments.mapped("tracking_ref")
    ours_refs = refs[: events_total // per_ref]
    # parsed a thousand shipments at a time: a body carries at most MAX_EVENTS events
    events = [
        event
        for start in range(0, len(ours_refs), 1000)
        for event in parsers.parse_own_json(
            json.loads(own_json(ours_refs[start : start + 1000], per_ref))
        ).events
    ]
    env.flush_all()
    env.cr.execute("SAVEPOINT bench_store")
    started = time.perf_counter()
    stored = 0
    for start in range(0, len(events), batch):
        counts = carrier._ingest_events(events[start : start + batch], "webhook")
        stored += counts["stored"]
    env.flush_all()
    ours_seconds = time.perf_counter() - started
    # the rows as stored, every column but the id: what the floor inserts again
    env.cr.execute(
        "SELECT column_name FROM information_schema.columns"
        " WHERE table_name = 'logistics_shipment_event' AND column_name != 'id'"
        " ORDER BY ordinal_position"
    )
    columns = [row[0] for row in env.cr.fetchall()]
    env.cr.execute(
        f"SELECT {', '.join(columns)} FROM logistics_shipment_event"  # noqa: S608 - catalog names
        " WHERE shipment_id = ANY(%s) ORDER BY id",
        [shipments.ids],
    )
    identity = columns.index("identity")
    rows = [
        tuple(
            # a new identity: the rolled-back run's dead index entries must not be in the way
            f"{value}:floor"
            if index == identity
            else Json(value)
            if isinstance(value, (dict, list))
            else value
            for index, value in enumerate(row)
        )
        for row in env.cr.fetchall()
    ]
    # the same events again: all duplicates, nothing written
    started = time.perf_counter()
    for start in range(0, len(events), batch):
        carrier._ingest_events(events[start : start + batch], "webhook")
    env.flush_all()
    replay_seconds = time.perf_counter() - started
    env.cr.execute("ROLLBACK TO SAVEPOINT bench_store")
    env.invalidate_all()

    # the floor: a bare INSERT of the same rows, every stored column, nothing else
    placeholders = "(" + ", ".join(["%s"] * len(columns)) + ")"
    started = time.perf_counter()
    for start in range(0, len(rows), batch):
        values = ",".join(
            env.cr.mogrify(placeholders, row).decode() for row in rows[start : start + batch]
        )
        env.cr.execute(
            f"INSERT INTO logistics_shipment_event ({', '.join(columns)}) VALUES {values}"  # noqa: S608
        )
    floor_seconds = time.perf_counter() - started
    env.cr.execute("ROLLBACK TO SAVEPOINT bench_store")
    env.invalidate_all()

    # the naive ORM way: per event, find the shipment, look for the event, create, update
    naive_refs = refs[len(ours_refs) :]
    naive = parsers.parse_own_json(json.loads(own_json(naive_refs, per_ref))).events[:naive_events]
    status_map.normalise(naive, carrier._code_map())
    Shipment, Event = env["logistics.shipment"], env["logistics.shipment.event"]
    milestones = {c.code: c.milestone for c in env["logistics.status.category"].search([])}
    started = time.perf_counter()
    for event in naive:
        shipment = Shipment.search(
            [("carrier_id", "=", carrier.id), ("tracking_ref", "=", event.refs[0])], limit=1
        )
        identity = event.identity(event.refs[0])
        if Event.search_count([("shipment_id", "=", shipment.id), ("identity", "=", identity)]):
            continue
        Event.create(
            {
                "shipment_id": shipment.id,
                "identity": identity,
                "event_time": utc_naive(event.event_time),
                "raw_code": event.raw_code,
                "milestone": milestones.get(event.category),
                "source": "webhook",
            }
        )
    env.flush_all()
    naive_seconds = time.perf_counter() - started
    env.cr.execute("ROLLBACK TO SAVEPOINT bench_store")
    env.invalidate_all()
    return {
        "events": len(events),
        "stored": stored,
        "shipments": len(ours_refs),
        "batch": batch,
        "ours_seconds": ours_seconds,
        "replay_seconds": replay_seconds,
        "floor_seconds": floor_seconds,
        "naive_events": len(naive),
        "naive_seconds": naive_seconds,
    }


def webhook_setup(env, shipments, secret):
    webhook_cleanup(env)
    carrier = env["logistics.carrier"].create(
        {
            "name": "Bench webhook",
            "code": "bench-hook",
            "connector": "json",
            "webhook_secret": secret,
        }
    )
    created = make_shipments(env, carrier, shipments, "WH")
    env.cr.commit()
    return {"refs": created.mapped("tracking_ref")}


def in_process(env, refs, rounds, per_body):
    """The webhook's bodies for other shipments, each stored as the webhook stores
    it (parse, store, commit) in this process: a delivery without the server."""
    from bench_tracking import body_of  # noqa: PLC0415 - the bench folder is on the path

    carrier = env["logistics.carrier"].search([("code", "=", "bench-hook")])
    seconds = []
    for round_no in range(rounds):
        body = body_of(refs[20 * round_no : 20 * round_no + 20], round_no, per_body // 20)
        started = time.perf_counter()
        carrier._ingest_body(body, "webhook")
        env.cr.commit()
        seconds.append(time.perf_counter() - started)
    return {"seconds": seconds}


def webhook_cleanup(env):
    carriers = env["logistics.carrier"].search([("code", "like", "bench-%")])
    env["logistics.shipment"].search([("carrier_id", "in", carriers.ids)]).unlink()
    carriers.unlink()
    env["res.partner"].search([("name", "=like", "Bench customer %")]).unlink()
    env.cr.commit()
    return {}


phase = BENCH_ARGS["phase"]  # noqa: F821 - set by odoo_shell's prelude
if phase == "inside":
    result = {
        "parse": parse_bench(BENCH_ARGS["parse_events"]),  # noqa: F821
        "store": store_bench(
            env,  # noqa: F821 - odoo shell's environment
            BENCH_ARGS["store_events"],  # noqa: F821
            BENCH_ARGS["batch"],  # noqa: F821
            BENCH_ARGS["naive_events"],  # noqa: F821
        ),
    }
    env.cr.rollback()  # noqa: F821
elif phase == "in_process":
    result = in_process(
        env,  # noqa: F821
        BENCH_ARGS["refs"],  # noqa: F821
        BENCH_ARGS["rounds"],  # noqa: F821
        BENCH_ARGS["per_body"],  # noqa: F821
    )
elif phase == "webhook_setup":
    result = webhook_setup(env, BENCH_ARGS["shipments"], BENCH_ARGS["secret"])  # noqa: F821
else:
    result = webhook_cleanup(env)  # noqa: F821
bench_result(result)  # noqa: F821
