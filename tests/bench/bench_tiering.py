#!/usr/bin/env python3
"""Benchmark: a full tier and credit recompute against the naive ORM way and a raw SQL aggregate.

    python3 tests/bench/bench_tiering.py --db bench_ledger_full

The database comes from make_ledger.py (see README.md here).  The module is
updated first so the benchmark measures the code of this checkout.  Printed:
wall times, ratios and the Odoo process's peak RSS.  The naive way runs
on a sample of customers and is extrapolated to all of them (said so).
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import odoo_shell  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="bench_ledger_full")
    parser.add_argument("--naive-sample", type=int, default=200)
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="rounds of first grading, raw SQL, nightly pass, raw SQL, in turns (medians)",
    )
    args = parser.parse_args()
    odoo_shell.update_modules(args.db, ["customer_tiering"])
    script = Path(__file__).resolve().parent / "tiering_inside.py"
    r = odoo_shell.run_script(
        args.db, script, {"naive_sample": args.naive_sample, "repeat": args.repeat}
    )
    print(
        f"Tier and credit recompute on {args.db}: {r['customers']:,} customers, "
        f"{r['move_lines']:,} move lines, batches of {r['batch_size']:,}"
    )
    print(
        f"  ours, first grading (all written):   {r['ours_cold_s']:8.2f} s  {r['ours_cold_stats']} "
        f"(median of {r['ours_cold_runs_s']})"
    )
    print(
        f"  ours, nightly (nothing changed):     {r['ours_warm_s']:8.2f} s  {r['ours_warm_stats']} "
        f"(median of {r['ours_warm_runs_s']})"
    )
    print(
        f"  raw SQL, the same facts (no writes): {r['sql_s']:8.2f} s  ({r['sql_rows']:,} rows; "
        f"median of {r['sql_runs_s']}, run in turns with ours)"
    )
    print(
        f"  raw SQL, earlier subset of facts:    {r['sql_subset_s']:8.2f} s  "
        "(invoice totals, paid days, open items)"
    )
    print(
        f"  naive ORM, per customer:             {r['naive_estimated_s']:8.2f} s  "
        f"(measured {r['naive_sample_s']:.2f} s on {r['naive_sample']} customers, extrapolated)"
    )
    print(f"  activities the first grading opened: {r['activities']:8,}")
    print(f"  peak RSS of the Odoo process:       {r['ours_peak_mb']:8.1f} MB")
    print(
        f"  ratio naive / ours (cold):           {r['naive_estimated_s'] / r['ours_cold_s']:8.1f} x"
    )
    print(
        f"  ratio ours (cold) / raw SQL:         {r['ours_cold_s'] / r['sql_s']:8.2f} x (target 5x)"
    )
    print(
        f"  ratio ours (warm) / raw SQL:         {r['ours_warm_s'] / r['sql_s']:8.2f} x (target 2x)"
    )
    print(
        f"  against the earlier subset floor:    {r['ours_cold_s'] / r['sql_subset_s']:8.2f} x cold, "
        f"{r['ours_warm_s'] / r['sql_subset_s']:.2f} x warm"
    )
    return r


def summary(r):
    """Rows for run_all's table: (benchmark, ours, compared with, ratio)."""
    return [
        (
            f"tier + credit, nightly, {r['customers']:,} customers",
            f"{r['ours_warm_s']:.2f} s",
            f"raw SQL, same facts {r['sql_s']:.2f} s; naive ORM {r['naive_estimated_s']:,.0f} s",
            f"{r['ours_warm_s'] / r['sql_s']:.2f}x SQL (target 2x); "
            f"{r['naive_estimated_s'] / r['ours_warm_s']:.0f}x faster than naive",
        ),
        (
            "tier + credit, first grading (all written)",
            f"{r['ours_cold_s']:.2f} s",
            f"raw SQL, same facts {r['sql_s']:.2f} s; naive ORM {r['naive_estimated_s']:,.0f} s",
            f"{r['ours_cold_s'] / r['sql_s']:.2f}x SQL (target 5x); "
            f"{r['naive_estimated_s'] / r['ours_cold_s']:.0f}x faster than naive",
        ),
    ]


if __name__ == "__main__":
    main()
