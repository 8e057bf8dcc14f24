#!/usr/bin/env python3
"""Load test: 50 parallel carriers' clients, 1,000 signed deliveries, real servers.

    python3 tests/bench/bench_tracking_load.py [--load-db bench_tracking_load]

Against one Odoo with ``--workers=4`` and then two Odoo servers (``--workers=2``
each) on the same database, 50 clients on 127.0.0.1 (a bounded thread pool) post
1,000 signed bodies of 10 events each, drawn with overlaps from 2,400 distinct
events of 200 shipments, 20 new status codes among them and a few events dated in
the future.  Then, in the database: every distinct event stored exactly once, each
shipment's milestone equal to a recomputation from scratch, no status code twice,
the milestone e-mail job drained with no e-mail twice; and two workers polling the
same carrier at once (a local carrier simulator counts requests in flight per
shipment).  It stops by itself: bounded requests, timeouts, servers terminated.
"""

import argparse
import hashlib
import hmac
import json
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import odoo_shell  # noqa: E402

HERE = Path(__file__).resolve().parent
SECRET = "bench-load-secret"
CLIENTS = 50
DELIVERIES = 1000
PER_DELIVERY = 10
SHIPMENTS = 200
PER_SHIPMENT = 12
JOURNEY = (
    "BOOKED",
    "PICKED_UP",
    "IN_TRANSIT",
    "ARRIVED_HUB",
    "CUSTOMS",
    "CUSTOMS_CLEARED",
    "IN_TRANSIT",
    "OUT_FOR_DELIVERY",
    "FAILED_ATTEMPT",
    "OUT_FOR_DELIVERY",
    "DELIVERED",
    "INFO",
)


def make_events(seed=7):
    """The distinct events: a journey per shipment, new codes and future dates mixed in."""
    rng = random.Random(seed)
    start = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(days=20)
    events = []
    for number in range(SHIPMENTS):
        ref = f"LD{number:05d}"
        for step in range(PER_SHIPMENT):
            code = JOURNEY[step]
            if rng.random() < 0.05:
                code = f"LOAD_NEW_{rng.randrange(20):02d}"
            # some events share an instant with the next step: ties by milestone order
            hours = step * 6 + number % 5 - (6 if step == 9 and number % 7 == 0 else 0)
            moment = start + timedelta(hours=hours)
            if rng.random() < 0.01:
                moment = datetime.now(timezone.utc) + timedelta(days=2)
            event = {
                "tracking_ref": ref,
                "time": moment.isoformat().replace("+00:00", "Z"),
                "code": code,
                "location": f"Hub {step}",
                "description": f"{code.replace('_', ' ').title()} at hub {step}",
            }
            if step % 2:
                event["event_id"] = f"{ref}-{step}"
            events.append(event)
    return events


def make_deliveries(events, seed=11):
    """Every event in at least one delivery; the rest drawn at random (overlaps)."""
    rng = random.Random(seed)
    order = list(range(len(events)))
    rng.shuffle(order)
    deliveries = [[] for _ in range(DELIVERIES)]
    for position, index in enumerate(order):
        deliveries[position % DELIVERIES].append(index)
    for chosen in deliveries:
        while len(chosen) < PER_DELIVERY:
            index = rng.randrange(len(events))
            if index not in chosen:
                chosen.append(index)
    return [json.dumps({"events": [events[i] for i in chosen]}).encode() for chosen in deliveries]


def sign(body):
    stamp = str(int(time.time()))
    digest = hmac.new(SECRET.encode(), stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"t={stamp},v1={digest}"


def post(url, body, attempts=5):
    """One delivery as a carrier sends it: retried only when no answer came at all
    (the server's accept queue was full), never after an HTTP answer."""
    for attempt in range(1, attempts + 1):
        request = urllib.request.Request(
            url, data=body, headers={"Content-Type": "application/json", "X-Signature": sign(body)}
        )
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=600) as response:
                answer = json.loads(response.read())
                return response.status, answer, time.perf_counter() - started, attempt
        except urllib.error.HTTPError as error:
            return error.code, {"error": error.read()[:300].decode(errors="replace")}, 0.0, attempt
        except (urllib.error.URLError, OSError) as error:
            failure = str(error)
            time.sleep(attempt)
    return 0, {"error": failure}, 0.0, attempts


class SlowCarrier(ThreadingHTTPServer):
    """Answers every poll after a pause and counts requests in flight per path."""

    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _PollHandler)
        self.lock = threading.Lock()
        self.in_flight, self.max_in_flight, self.calls = {}, {}, {}


class _PollHandler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (the name http.server dispatches to)
        server, path = self.server, self.path
        with server.lock:
            server.in_flight[path] = server.in_flight.get(path, 0) + 1
            server.max_in_flight[path] = max(
                server.max_in_flight.get(path, 0), server.in_flight[path]
            )
            server.calls[path] = server.calls.get(path, 0) + 1
        time.sleep(0.05)
        body = json.dumps({"events": []}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        with server.lock:
            server.in_flight[path] -= 1

    def log_message(self, *args):
        pass


def start_server(db, port, workers):
    with tempfile.NamedTemporaryFile("w", suffix=".conf", delete=False) as config:
        config.write("[options]\n")
    command = odoo_shell.find_odoo() + [
        f"--config={config.name}",
        *odoo_shell.db_options(),
        "-d",
        db,
        f"--db-filter=^{db}$",
        f"--addons-path={odoo_shell.addons_path()}",
        "--http-interface=127.0.0.1",
        f"--http-port={port}",
        f"--gevent-port={odoo_shell.free_port()}",
        f"--workers={workers}",
        "--max-cron-threads=1",
        # 50 clients on a small machine queue for minutes: no request is cut short
        "--limit-time-real=600",
        "--limit-time-real-cron=600",
        "--smtp=127.0.0.1",
        "--smtp-port=9",
        "--log-level=warn",
    ]
    log = open(Path(tempfile.gettempdir()) / f"bench-load-{port}.log", "w")  # noqa: SIM115
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    for _ in range(120):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/web/health", timeout=5)
            return server
        except OSError:  # refused while starting, or a timeout while workers boot
            time.sleep(1)
    stop([server])
    raise RuntimeError(f"Odoo did not start (log: {log.name})")


def stop(servers):
    for server in servers:
        server.terminate()
    for server in servers:
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()


def wait_for_mail_job(db, seconds=120):
    """The notification job is triggered by the deliveries; wait until it drained."""
    ends = time.monotonic() + seconds
    while time.monotonic() < ends:
        pending = odoo_shell.psql(
            db,
            "SELECT COUNT(*) FROM logistics_shipment s JOIN logistics_carrier c"
            " ON c.id = s.carrier_id WHERE c.code = 'bench-load' AND s.notify_pending",
        ).strip()
        if pending == "0":
            return True
        time.sleep(2)
    return False


def run(db, label, ports, workers, events, bodies, poller):
    refs = sorted({event["tracking_ref"] for event in events})
    odoo_shell.run_script(
        db,
        HERE / "tracking_load_inside.py",
        {
            "phase": "setup",
            "refs": refs,
            "secret": SECRET,
            "endpoint": f"http://127.0.0.1:{poller.server_address[1]}/t/{{tracking_ref}}",
        },
    )
    servers = []
    try:
        servers += [start_server(db, port, workers) for port in ports]
        urls = [f"http://127.0.0.1:{port}/logistics/tracking/bench-load" for port in ports]
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
            answers = list(
                pool.map(lambda item: post(urls[item[0] % len(urls)], item[1]), enumerate(bodies))
            )
        wall = time.perf_counter() - started
        drained = wait_for_mail_job(db)
    finally:
        stop(servers)
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as sent:
        json.dump(events, sent)
    verdict = odoo_shell.run_script(
        db, HERE / "tracking_load_inside.py", {"phase": "verify", "events_file": sent.name}
    )
    Path(sent.name).unlink()
    # two workers poll the same carrier at once
    poller.max_in_flight.clear()
    poller.calls.clear()
    polls = []
    threads = [
        threading.Thread(
            target=lambda: polls.append(
                odoo_shell.run_script(db, HERE / "tracking_load_inside.py", {"phase": "poll"})
            )
        )
        for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    odoo_shell.run_script(db, HERE / "tracking_load_inside.py", {"phase": "cleanup"})
    ok = [a for a in answers if 200 <= a[0] < 300]
    latencies = sorted(a[2] for a in ok) or [0.0]
    result = {
        "label": label,
        "deliveries": len(bodies),
        "answered_2xx": len(ok),
        "refused": [a[:2] for a in answers if not 200 <= a[0] < 300][:5],
        "connection_retries": sum(a[3] - 1 for a in answers),
        "sum_stored": sum(a[1]["stored"] for a in ok),
        "sum_duplicates": sum(a[1]["duplicates"] for a in ok),
        "wall_seconds": wall,
        "deliveries_per_second": len(bodies) / wall,
        "median_ms": 1000 * statistics.median(latencies),
        "p95_ms": 1000 * latencies[int(0.95 * (len(latencies) - 1))],
        "mail_job_drained": drained,
        "polled": sum(p["polled"] for p in polls if p),
        "poll_calls": sum(poller.calls.values()),
        "max_polls_in_flight_per_shipment": max(poller.max_in_flight.values() or [0]),
        **verdict,
    }
    result["passed"] = bool(
        result["answered_2xx"] == result["deliveries"]
        and result["missing"] == result["unexpected"] == result["doubled"] == 0
        and result["sum_stored"] == result["stored_rows"] == result["distinct_sent"]
        and result["milestone_mismatches"] == 0
        and result["status_lines_doubled"] == 0
        and result["doubled_mails"] == 0
        and drained
        and result["max_polls_in_flight_per_shipment"] <= 1
        and result["poll_calls"] == result["polled"]
    )
    return result


def report(r):
    print(
        f"  {r['label']}: {r['answered_2xx']}/{r['deliveries']} deliveries answered 2xx "
        f"in {r['wall_seconds']:.1f} s ({r['deliveries_per_second']:.0f}/s; median "
        f"{r['median_ms']:.0f} ms, p95 {r['p95_ms']:.0f} ms; {r['connection_retries']} "
        "connection(s) retried after the accept queue was full)"
    )
    print(
        f"    distinct events sent {r['distinct_sent']:,}, rows stored {r['stored_rows']:,}, "
        f"sum of 'stored' answered {r['sum_stored']:,}, duplicates answered "
        f"{r['sum_duplicates']:,}; missing {r['missing']}, doubled {r['doubled']}, "
        f"flagged future {r['future_flagged']}"
    )
    print(
        f"    milestones differing from a recomputation: {r['milestone_mismatches']} of "
        f"{r['shipments']}; new codes recorded {r['new_codes_recorded']}, status lines twice "
        f"{r['status_lines_doubled']}; milestone e-mails {r['milestone_mails']}, twice "
        f"{r['doubled_mails']}, job drained {r['mail_job_drained']}"
    )
    print(
        f"    two pollers at once: {r['polled']} shipments polled, {r['poll_calls']} calls, "
        f"at most {r['max_polls_in_flight_per_shipment']} in flight per shipment"
    )
    print(
        f"    {'PASSED' if r['passed'] else 'FAILED'}"
        + (f" refused: {r['refused']}" if r["refused"] else "")
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", help="ignored: this benchmark uses --load-db")
    parser.add_argument("--load-db", default="bench_tracking_load")
    args = parser.parse_args()
    db = args.load_db
    modules = ("customer_tiering", "logistics_crm")
    if odoo_shell.database_exists(db):
        odoo_shell.update_modules(db, modules)
    else:
        odoo_shell.create_database(db, modules)
    events = make_events()
    bodies = make_deliveries(events)
    poller = SlowCarrier()
    threading.Thread(target=poller.serve_forever, daemon=True).start()
    results = []
    try:
        print(f"Tracking load on {db}: {CLIENTS} clients, {DELIVERIES:,} deliveries")
        for label, ports, workers in (
            ("one server, --workers=4", [odoo_shell.free_port()], 4),
            ("two servers, --workers=2 each", [odoo_shell.free_port(), odoo_shell.free_port()], 2),
        ):
            result = run(db, label, ports, workers, events, bodies, poller)
            report(result)
            results.append(result)
    finally:
        poller.shutdown()
        poller.server_close()
    return {"load": results, "passed": all(r["passed"] for r in results)}


def summary(r):
    """Rows for run_all's table: (benchmark, ours, compared with, ratio)."""
    return [
        (
            f"webhook load, {x['label']}",
            f"{x['answered_2xx']}/{x['deliveries']} 2xx, {x['deliveries_per_second']:.0f}/s",
            f"{x['distinct_sent']:,} distinct events: {x['stored_rows']:,} stored, "
            f"{x['missing']} lost, {x['doubled']} doubled",
            f"milestones off {x['milestone_mismatches']}; p95 {x['p95_ms']:.0f} ms",
        )
        for x in r["load"]
    ]


if __name__ == "__main__":
    sys.exit(0 if main()["passed"] else 1)
