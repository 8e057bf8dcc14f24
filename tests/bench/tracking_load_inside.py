"""Runs inside Odoo (odoo shell) for bench_tracking_load.py.

phase "setup": a committed carrier with its secret and the shipments the load
posts to (customers with e-mail addresses, so milestone e-mails are composed).
phase "verify": what the database holds against what the deliveries carried.
phase "poll": one worker polls the carrier's due shipments (run twice at once).
phase "cleanup": the carrier, its shipments and customers go.
"""

import json
from collections import Counter
from pathlib import Path

from odoo import fields

from odoo.addons.logistics_crm.tracking import parsers, status_map
from odoo.addons.logistics_crm.tracking.events import utc_naive
from odoo.addons.logistics_crm.tracking.milestones import RANK


def latest_milestone(events):
    """The check's own rule: the milestone of the latest event by event time
    (arrival order never counts), further along at the same instant."""
    known = [(time, milestone) for time, milestone in events if milestone]
    if not known:
        return None
    return max(known, key=lambda pair: (pair[0], RANK.get(pair[1], -1)))[1]


CODE = "bench-load"


def setup(env, refs, secret, endpoint):
    cleanup(env)
    carrier = env["logistics.carrier"].create(
        {
            "name": "Bench load",
            "code": CODE,
            "connector": "json",
            "webhook_secret": secret,
            "endpoint": endpoint,
            "is_test_carrier": True,  # the local simulator speaks plain http
            "timeout": 5,
            "max_retries": 0,
            "poll_batch_size": len(refs),
        }
    )
    partners = env["res.partner"].create(
        [
            {"name": f"Bench load customer {i}", "is_company": True, "email": f"c{i}@load.example"}
            for i in range(20)
        ]
    )
    env["logistics.shipment"].create(
        [
            {"partner_id": partners[i % 20].id, "carrier_id": carrier.id, "tracking_ref": ref}
            for i, ref in enumerate(refs)
        ]
    )
    env.cr.commit()
    return {"carrier": carrier.id}


def verify(env, events_file):
    carrier = env["logistics.carrier"].search([("code", "=", CODE)])
    sent = json.loads(Path(events_file).read_text())
    document = parsers.parse_json(json.dumps({"events": sent}).encode())
    expected = {(event.refs[0], event.identity(event.refs[0])) for event in document.events}
    env.cr.execute(
        """SELECT s.tracking_ref, e.identity, e.event_time, e.milestone, e.is_future
             FROM logistics_shipment_event e JOIN logistics_shipment s ON s.id = e.shipment_id
            WHERE e.carrier_id = %s""",
        [carrier.id],
    )
    rows = env.cr.fetchall()
    stored = Counter((ref, identity) for ref, identity, *_rest in rows)
    # the milestone of each shipment, recomputed from scratch from what was sent
    milestones, _ids = carrier._category_maps()
    status_map.normalise(document.events, carrier._code_map(), milestones)
    horizon = fields.Datetime.now()
    by_ref = {}
    for event in document.events:
        if utc_naive(event.event_time) > horizon:
            continue  # dated in the future: does not count yet
        by_ref.setdefault(event.refs[0], []).append((event.event_time, event.milestone))
    shipments = env["logistics.shipment"].search([("carrier_id", "=", carrier.id)])
    wrong = [
        s.tracking_ref
        for s in shipments
        if (latest_milestone(by_ref.get(s.tracking_ref, [])) or "booked") != s.milestone
    ]
    subtype = env.ref("logistics_crm.mt_shipment_milestone")
    # a milestone told twice with no move of the milestone in between (a journey may
    # come back to a milestone after an exception, which is then told again)
    milestone_field = env["ir.model.fields"]._get("logistics.shipment", "milestone")
    env.cr.execute(
        """SELECT COUNT(*) FROM (
               SELECT m.subtype_id = %(subtype)s AS told,
                      LAG(m.subtype_id = %(subtype)s) OVER (PARTITION BY m.res_id ORDER BY m.id)
                          AS told_before
                 FROM mail_message m
                WHERE m.model = 'logistics.shipment' AND m.res_id = ANY(%(ids)s)
                  AND (m.subtype_id = %(subtype)s OR EXISTS (
                        SELECT 1 FROM mail_tracking_value v
                         WHERE v.mail_message_id = m.id AND v.field_id = %(field)s))
           ) sequence WHERE told AND told_before""",
        {"subtype": subtype.id, "ids": shipments.ids, "field": milestone_field.id},
    )
    [(doubled_mails,)] = env.cr.fetchall()
    env.cr.execute(
        "SELECT COUNT(*) FROM mail_message WHERE model = 'logistics.shipment'"
        " AND subtype_id = %s AND res_id = ANY(%s)",
        [subtype.id, shipments.ids],
    )
    [(mails,)] = env.cr.fetchall()
    # the pollers that follow start from shipments nobody polled yet
    env.cr.execute(
        "UPDATE logistics_shipment SET last_sync_date = NULL WHERE carrier_id = %s", [carrier.id]
    )
    env.cr.commit()
    lines = env["logistics.carrier.status"].search([("carrier_id", "=", carrier.id)])
    codes = Counter(lines.mapped("raw_code"))
    return {
        "distinct_sent": len(expected),
        "stored_rows": len(rows),
        "missing": len(expected - set(stored)),
        "unexpected": len(set(stored) - expected),
        "doubled": sum(1 for count in stored.values() if count > 1),
        "future_flagged": sum(1 for row in rows if row[4]),
        "shipments": len(shipments),
        "milestone_mismatches": len(wrong),
        "milestone_mismatch_sample": wrong[:5],
        "notify_pending": len(shipments.filtered("notify_pending")),
        "milestone_mails": mails,
        "doubled_mails": doubled_mails,
        "status_lines_doubled": sum(1 for count in codes.values() if count > 1),
        "new_codes_recorded": sum(1 for code in codes if code.startswith("LOAD_NEW")),
    }


def poll(env):
    """Poll every shipment of the carrier, batch after batch, beside another poller."""
    carrier = env["logistics.carrier"].search([("code", "=", CODE)])
    carrier.poll_batch_size = 10
    polled = 0
    while True:
        carrier._begin_read_committed()
        batch = carrier._poll_batch(force=True, commit=True)
        if not batch:
            break
        polled += batch
    env.cr.commit()
    return {"polled": polled}


def cleanup(env):
    carriers = env["logistics.carrier"].search([("code", "=", CODE)])
    env["logistics.shipment"].search([("carrier_id", "in", carriers.ids)]).unlink()
    carriers.unlink()
    env["res.partner"].search([("name", "=like", "Bench load customer %")]).unlink()
    env.cr.commit()
    return {}


phase = BENCH_ARGS["phase"]  # noqa: F821 - set by odoo_shell's prelude
if phase == "setup":
    result = setup(env, BENCH_ARGS["refs"], BENCH_ARGS["secret"], BENCH_ARGS["endpoint"])  # noqa: F821
elif phase == "verify":
    result = verify(env, BENCH_ARGS["events_file"])  # noqa: F821
elif phase == "poll":
    result = poll(env)  # noqa: F821
else:
    result = cleanup(env)  # noqa: F821
bench_result(result)  # noqa: F821
