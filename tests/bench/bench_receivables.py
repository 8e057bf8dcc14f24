#!/usr/bin/env python3
"""Benchmark: a month-end receivables snapshot against the OCA way and a raw SQL aggregate.

    python3 tests/bench/bench_receivables.py --db bench_ledger_full

The database comes from make_ledger.py (see README.md here).  The module is
updated first so the benchmark measures the code of this checkout.  The
cut-off is the end of the month ``--months-back`` months before the newest
entry, so that partial reconciliations dated after it must be added back.
Printed: wall times (median of ``--repeat`` runs for ours and the SQL), the
ratios, the peak Python memory, and whether the three agree to the cent.
Nothing is kept: the snapshots are rolled back.
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import odoo_shell  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="bench_ledger_full")
    parser.add_argument("--months-back", type=int, default=6)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-oca", action="store_true", help="leave out the slow OCA run")
    parser.add_argument(
        "--oca-memory", action="store_true", help="run the OCA way a second time, traced"
    )
    parser.add_argument("--no-update", action="store_true", help="do not update the module first")
    args = parser.parse_args()
    if not args.no_update:
        odoo_shell.update_modules(args.db, ["customer_tiering"])
    script = Path(__file__).resolve().parent / "receivables_inside.py"
    r = odoo_shell.run_script(
        args.db,
        script,
        {
            "months_back": args.months_back,
            "repeat": args.repeat,
            "skip_oca": args.skip_oca,
            "oca_memory": args.oca_memory,
        },
    )
    print(
        f"Month-end receivables on {args.db}, cut-off {r['cutoff']}: "
        f"{r['receivable_lines']:,} receivable move lines, {r['partials']:,} partial "
        f"reconciliations ({r['partials_after']:,} dated after the cut-off), "
        f"{r['customers']:,} snapshot lines"
    )
    print(
        f"  ours, snapshot computed and stored:   {r['ours_s']:8.2f} s  "
        f"(runs {r['ours_runs_s']}), peak Python memory {r['ours_peak_mb']:.1f} MB"
    )
    print(
        f"  Odoo process peak RSS after ours (registry included): {r['ours_process_rss_mb']:.0f} MB"
    )
    print(
        f"  ours, XLSX export of it:              {r['xlsx_s']:8.2f} s  "
        f"peak Python memory {r['xlsx_peak_mb']:.1f} MB"
    )
    print(
        f"  bare xlsxwriter dump, same rows:      {r['xlsx_bare_s']:8.2f} s  "
        f"(constant memory, no formats); ours / bare {r['xlsx_s'] / r['xlsx_bare_s']:.2f} x"
    )
    print(f"  (b) one raw SQL aggregate:            {r['sql_s']:8.2f} s")
    if "oca_s" in r:
        print(
            f"  (a) OCA way (search_read + Python):   {r['oca_s']:8.2f} s  "
            f"({r['oca_items']:,} items, {r['oca_partials']:,} partials read)"
            + (f", peak Python memory {r['oca_peak_mb']:.1f} MB" if "oca_peak_mb" in r else "")
        )
        if r.get("oca_memory_limit_lifted"):
            print(
                f"      (run with Odoo's memory limit of {r['memory_limit_mb']:.0f} MB lifted: "
                "under it the OCA way fails with MemoryError; ours ran under it)"
            )
        print(f"  ratio (a) OCA / ours:                 {r['oca_s'] / r['ours_s']:8.1f} x")
    print(f"  ratio ours / (b) raw SQL:             {r['ours_s'] / r['sql_s']:8.2f} x")
    totals = f"ours {r['ours_total']:,.2f}, raw SQL {r['sql_total']:,.2f}"
    if "oca_total" in r:
        totals += f", OCA {r['oca_total']:,.2f} ({r['oca_customers_differing']} customers differ)"
    print(f"  sum of buckets: {totals}; ledger {r['ledger']:,.2f}; ties out: {r['tie_out_ok']}")
    return r


def summary(r):
    """Rows for run_all's table: (benchmark, ours, compared with, ratio)."""
    compared = f"raw SQL {r['sql_s']:.2f} s"
    ratio = f"{r['ours_s'] / r['sql_s']:.2f}x SQL; target 1.5x"
    if "oca_s" in r:
        compared += f"; OCA {r['oca_s']:.1f} s"
        ratio += f"; {r['oca_s'] / r['ours_s']:.0f}x faster than OCA"
    return [
        (
            f"month-end snapshot, {r['receivable_lines']:,} receivable lines",
            f"{r['ours_s']:.2f} s",
            compared,
            ratio + f"; ties out: {r['tie_out_ok']}",
        ),
        (
            "month-end XLSX export",
            f"{r['xlsx_s']:.2f} s",
            f"bare xlsxwriter {r['xlsx_bare_s']:.2f} s",
            f"{r['xlsx_s'] / r['xlsx_bare_s']:.2f}x bare; target 1.5x",
        ),
    ]


if __name__ == "__main__":
    main()
