#!/usr/bin/env python3
"""Benchmark: tracking events parsed, stored, and received over HTTP.

    python3 tests/bench/bench_tracking.py [--tracking-db bench_tracking]

Uses its own small database (created with logistics_crm on first use; the
ledger of the other benchmarks is not needed).  Prints, side by side in one run:
parse + normalise rates against the bare JSON / XML parsers, store rates against
a bare INSERT and the naive per-event ORM way, and the end-to-end latency of
signed 100-event webhook bodies posted to a running Odoo over 127.0.0.1.
Targets: ≥ 20k events/s parsed (EPCIS ≤ 4x the bare parse), stored ≤ 3x a bare INSERT of the
same rows, webhook median ≤ 200 ms and ≤ 3x the same bodies stored in-process.
"""

import argparse
import hashlib
import hmac
import json
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import odoo_shell  # noqa: E402

HERE = Path(__file__).resolve().parent
SECRET = "bench-secret"


def start_server(db, port, workers=2):
    """A prefork Odoo (``workers`` HTTP workers) on 127.0.0.1:``port``, as in production."""
    with tempfile.NamedTemporaryFile("w", suffix=".conf", delete=False) as config:
        config.write("[options]\n")
    command = odoo_shell.find_odoo() + [
        f"--config={config.name}",
        *odoo_shell.db_options(),
        "-d",
        db,
        f"--db-filter=^{db}$",
        f"--addons-path={odoo_shell.addons_path()}",
        f"--http-port={port}",
        f"--workers={workers}",
        f"--gevent-port={odoo_shell.free_port()}",
        "--max-cron-threads=0",
        "--log-level=warn",
    ]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(120):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/web/health", timeout=2)
            return server
        except OSError:  # refused, reset or timed out while the server starts
            time.sleep(0.5)
    server.terminate()
    raise RuntimeError("Odoo did not start")


def body_of(refs, round_no, per_ref):
    t0 = datetime(2026, 5, 1, tzinfo=timezone.utc) + timedelta(minutes=round_no)
    codes = ("PICKED_UP", "IN_TRANSIT", "ARRIVED_HUB", "OUT_FOR_DELIVERY", "DELIVERED")
    events = [
        {
            "tracking_ref": ref,
            "event_id": f"{ref}-r{round_no}-{step}",
            "time": (t0 + timedelta(hours=step * 7)).isoformat(),
            "code": codes[step % len(codes)],
            "description": "Departed sorting centre",
            "location": "Shanghai Pudong hub",
        }
        for ref in refs
        for step in range(per_ref)
    ]
    return json.dumps({"events": events}).encode()


def post(url, body, timeout=30):
    # the carrier's signature: HMAC-SHA256 of "<unix time>.<body>" (tracking/signature.py)
    timestamp = str(int(time.time()))
    digest = hmac.new(SECRET.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    request = urllib.request.Request(
        url,
        data=body,
        headers={
            "Content-Type": "application/json",
            "X-Signature": f"t={timestamp},v1={digest.hexdigest()}",
        },
    )
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=timeout) as response:
        answer = json.loads(response.read())
    return time.perf_counter() - started, answer


def webhook_bench(db, rounds, per_body):
    setup = odoo_shell.run_script(
        db,
        HERE / "tracking_inside.py",
        {"phase": "webhook_setup", "shipments": 40 * rounds, "secret": SECRET},
    )
    # half the shipments get their events over HTTP, the other half in-process
    refs, local_refs = setup["refs"][: 20 * rounds], setup["refs"][20 * rounds :]
    port = odoo_shell.free_port()
    server = start_server(db, port)
    url = f"http://127.0.0.1:{port}/logistics/tracking/bench-hook"
    latencies, stored = [], 0
    try:
        # warm-up, not counted: each worker loads the registry on its first request
        for warm_up in range(4):
            post(url, body_of(refs[:20], -1 - warm_up, per_body // 20), timeout=300)
        for round_no in range(rounds):
            chunk = refs[20 * round_no : 20 * round_no + 20]
            seconds, answer = post(url, body_of(chunk, round_no, per_body // 20))
            latencies.append(seconds)
            stored += answer["stored"]
    finally:
        server.terminate()
        server.wait(timeout=30)
    try:
        # the bodies are built inside (with body_of): too large for the environment
        local = odoo_shell.run_script(
            db,
            HERE / "tracking_inside.py",
            {"phase": "in_process", "refs": local_refs, "rounds": rounds, "per_body": per_body},
        )["seconds"]
    finally:
        odoo_shell.run_script(db, HERE / "tracking_inside.py", {"phase": "webhook_cleanup"})
    latencies.sort()
    return {
        "rounds": rounds,
        "events_per_body": per_body,
        "stored": stored,
        "median_ms": 1000 * statistics.median(latencies),
        "p90_ms": 1000 * latencies[int(0.9 * (len(latencies) - 1))],
        "max_ms": 1000 * latencies[-1],
        "in_process_ms": 1000 * statistics.median(local),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", help="ignored: this benchmark uses --tracking-db")
    parser.add_argument("--tracking-db", default="bench_tracking")
    parser.add_argument("--parse-events", type=int, default=100_000)
    parser.add_argument("--store-events", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--naive-events", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=50)
    args = parser.parse_args()
    db = args.tracking_db
    modules = ("customer_tiering", "logistics_crm")
    if odoo_shell.database_exists(db):
        odoo_shell.update_modules(db, modules)
    else:
        odoo_shell.create_database(db, modules)
    r = odoo_shell.run_script(
        db,
        HERE / "tracking_inside.py",
        {
            "phase": "inside",
            "parse_events": args.parse_events,
            "store_events": args.store_events,
            "batch": args.batch,
            "naive_events": args.naive_events,
        },
    )
    print(f"Tracking on {db}")
    for kind, p in r["parse"].items():
        print(
            f"  parse + normalise {kind:9}: {p['events']:,} events ({p['bytes'] / 1e6:.1f} MB) "
            f"in {p['seconds']:.3f} s = {p['per_second']:,.0f} events/s "
            f"(target 20,000: {p['per_second'] / 20000:.1f}x); bare parser alone "
            f"{p['floor_seconds']:.3f} s, ours/bare {p['seconds'] / p['floor_seconds']:.2f}x"
            + (
                f"; parse and visit every element once {p['walk_seconds']:.3f} s = "
                f"{p['walk_seconds'] / p['floor_seconds']:.1f}x bare"
                if p.get("walk_seconds")
                else ""
            )
        )
    s = r["store"]
    ours_rate = s["events"] / s["ours_seconds"]
    naive_rate = s["naive_events"] / s["naive_seconds"]
    print(
        f"  store, batches of {s['batch']}: {s['stored']:,} new events on {s['shipments']:,} "
        f"shipments in {s['ours_seconds']:.2f} s = {ours_rate:,.0f} events/s "
        f"(target 2,000: {ours_rate / 2000:.1f}x), milestones, health, exception activities and queued e-mails included"
    )
    print(
        f"  store, the same events again (all duplicates): {s['replay_seconds']:.2f} s "
        f"= {s['events'] / s['replay_seconds']:,.0f} events/s"
    )
    print(
        f"  bare INSERT of the same rows (every stored column): {s['floor_seconds']:.2f} s "
        f"= {s['events'] / s['floor_seconds']:,.0f} rows/s; ours/bare "
        f"{s['ours_seconds'] / s['floor_seconds']:.1f}x"
    )
    print(
        f"  naive ORM way (search, check, create per event): {s['naive_events']:,} events in "
        f"{s['naive_seconds']:.2f} s = {naive_rate:,.0f} events/s; ours is "
        f"{ours_rate / naive_rate:.1f}x faster"
    )
    w = webhook_bench(db, args.rounds, 100)
    print(
        f"  webhook over HTTP, {w['rounds']} signed bodies of {w['events_per_body']} events "
        f"({w['stored']:,} stored): median {w['median_ms']:.0f} ms, p90 {w['p90_ms']:.0f} ms, "
        f"max {w['max_ms']:.0f} ms (target median 200 ms); the same bodies stored "
        f"in-process: median {w['in_process_ms']:.0f} ms, HTTP/in-process "
        f"{w['median_ms'] / w['in_process_ms']:.1f}x (target 3x)"
    )
    r["webhook"] = w
    return r


def summary(r):
    """Rows for run_all's table: (benchmark, ours, compared with, ratio)."""
    s, w = r["store"], r["webhook"]
    rows = [
        (
            f"parse + normalise ({kind})",
            f"{p['per_second']:,.0f} events/s",
            f"bare parser {p['events'] / p['floor_seconds']:,.0f} /s; target 20,000",
            f"{p['per_second'] / 20000:.1f}x target; {p['seconds'] / p['floor_seconds']:.2f}x bare"
            + (
                f" (EPCIS target 4x; visiting each element {p['walk_seconds'] / p['floor_seconds']:.1f}x)"
                if p.get("walk_seconds")
                else ""
            ),
        )
        for kind, p in r["parse"].items()
    ]
    ours_rate = s["events"] / s["ours_seconds"]
    naive_rate = s["naive_events"] / s["naive_seconds"]
    rows += [
        (
            "store events, batches of 1,000",
            f"{ours_rate:,.0f} events/s",
            f"naive ORM {naive_rate:,.0f} /s; bare INSERT {s['events'] / s['floor_seconds']:,.0f} /s",
            f"{ours_rate / naive_rate:.0f}x naive; {s['ours_seconds'] / s['floor_seconds']:.1f}x SQL"
            " (target 3x)",
        ),
        (
            "webhook, 100-event body, prefork, end to end",
            f"median {w['median_ms']:.0f} ms",
            f"in-process {w['in_process_ms']:.0f} ms; target 200 ms",
            f"{w['median_ms'] / w['in_process_ms']:.1f}x in-process (target 3x); "
            f"p90 {w['p90_ms']:.0f} ms",
        ),
    ]
    return rows


if __name__ == "__main__":
    main()
