#!/usr/bin/env python3
"""Create a database holding a large, consistent receivables ledger for benchmarks.

    python3 tests/bench/make_ledger.py --db bench_ledger --customers 20000 --invoices 500000

Creates the database (``customer_tiering`` installed, no demo data), fills it with
``scale_ledger.generate`` inside Odoo, commits, checks it with
``scale_ledger.verify`` and VACUUM ANALYZEs it.  Prints the counts, the time
each step took and the verification result; exits 1 if verification found
problems.  Standard library only (runs with the system python3).
"""

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import odoo_shell  # noqa: E402

SCRIPT = """
import time
import scale_ledger

started = time.monotonic()
counts = scale_ledger.generate(env, **BENCH_ARGS["generate"])
env.cr.commit()
generated = time.monotonic()
problems = scale_ledger.verify(env, seed=BENCH_ARGS["generate"]["seed"])
env.cr.rollback()  # verification changes nothing, make sure of it
bench_result({
    "counts": counts,
    "generate_seconds": round(generated - started, 1),
    "verify_seconds": round(time.monotonic() - generated, 1),
    "problems": problems,
})
"""

LEDGER_TABLES = (
    "res_partner",
    "account_move",
    "account_move_line",
    "account_partial_reconcile",
    "account_full_reconcile",
)


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="bench_ledger", help="database name (bench_ledger)")
    parser.add_argument("--customers", type=int, default=20000)
    parser.add_argument("--invoices", type=int, default=500000)
    parser.add_argument("--payments-ratio", type=float, default=0.6)
    parser.add_argument("--unapplied-ratio", type=float, default=0.2)
    parser.add_argument("--partial-ratio", type=float, default=0.4)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--end-date", help="last day of the ledger, YYYY-MM-DD (default: today)", default=None
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--recreate",
        dest="keep",
        action="store_false",
        help="drop the database if it exists and start from a fresh one (default)",
    )
    mode.add_argument(
        "--keep",
        dest="keep",
        action="store_true",
        help="reuse the database if it exists and add the generated ledger to it",
    )
    parser.set_defaults(keep=False)
    parser.add_argument(
        "--drop", action="store_true", help="drop the database at the end (smoke runs)"
    )
    parser.add_argument("--json", action="store_true", help="print the result as one JSON object")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    if not odoo_shell.find_odoo():
        print("make_ledger: no `odoo` command on PATH and ODOO_BIN is not set", file=sys.stderr)
        return 2
    result = build(args)
    if result is None:
        print("make_ledger: the generator printed no result", file=sys.stderr)
        return 2
    timings = result.pop("timings")
    problems = result["problems"]
    if args.json:
        print(json.dumps({"db": args.db, **result, "timings": timings}, indent=2))
    else:
        print("Counts:")
        for key, value in result["counts"].items():
            if isinstance(value, dict):
                value = ", ".join(f"{k} {v}" for k, v in value.items())
            print(f"  {key}: {value}")
        print("Seconds: " + ", ".join(f"{key} {value}" for key, value in timings.items()))
        if problems:
            print(f"Verification FAILED ({len(problems)} problem(s)):")
            for problem in problems:
                print(f"  - {problem}")
        else:
            print("Verification OK: SQL consistency checks and ORM cross-check found no problem")
        print(f"Database: {args.db}" + (" (dropped)" if args.drop else ""))
    return 1 if problems else 0


def build(args):
    """Create (or reuse), generate, verify, VACUUM ANALYZE and drop if asked, as ``args`` say.

    Returns the generator's result (``counts``, ``generate_seconds``,
    ``verify_seconds``, ``problems``) with ``timings``, or None when it printed none.
    ``args``: the namespace of :func:`parse_args` (``parse_args([...])`` makes one).
    """
    timings = {}
    started = time.monotonic()
    if args.keep and odoo_shell.database_exists(args.db):
        print(f"Reusing database {args.db}", flush=True)
    else:
        print(f"Creating database {args.db} (customer_tiering, no demo data)...", flush=True)
        odoo_shell.create_database(args.db, ["customer_tiering"])
    timings["create_database"] = round(time.monotonic() - started, 1)

    print(
        f"Generating {args.customers} customers / {args.invoices} invoices and verifying...",
        flush=True,
    )
    step = time.monotonic()
    generate_args = {
        "customers": args.customers,
        "invoices": args.invoices,
        "payments_ratio": args.payments_ratio,
        "unapplied_ratio": args.unapplied_ratio,
        "partial_ratio": args.partial_ratio,
        "months": args.months,
        "seed": args.seed,
        "end_date": args.end_date,
    }
    result = odoo_shell.run_script(args.db, SCRIPT, {"generate": generate_args})
    if result is None:
        return None
    timings["shell_total"] = round(time.monotonic() - step, 1)
    timings["generate"] = result["generate_seconds"]
    timings["verify"] = result["verify_seconds"]

    # Bulk-inserted rows carry no hint bits and no visibility map yet: without this
    # the first benchmark run would pay for writing them.
    step = time.monotonic()
    tables = ", ".join(LEDGER_TABLES)
    odoo_shell.psql(args.db, f"VACUUM (ANALYZE) {tables}")
    timings["vacuum_analyze"] = round(time.monotonic() - step, 1)
    timings["total"] = round(time.monotonic() - started, 1)

    if args.drop:
        odoo_shell.drop_database(args.db)
    return {**result, "timings": timings}


if __name__ == "__main__":
    try:
        sys.exit(main())
    except odoo_shell.OdooError as error:
        print(f"make_ledger: {error}", file=sys.stderr)
        sys.exit(2)
