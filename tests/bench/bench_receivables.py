#!/usr/bin/env python3
"""Benchmark: a month-end receivables snapshot against OCA's Aged Partner Balance and raw SQL.

    python3 tests/bench/bench_receivables.py --db bench_ledger_full

The database comes from make_ledger.py (see README.md here).  The module is
updated first so the benchmark measures the code of this checkout.  The
cut-off is the end of the month ``--months-back`` months before the newest
entry, so that partial reconciliations dated after it must be added back.
Printed: wall times (median of ``--repeat`` runs for ours and the SQL), the
ratios, the peak Python memory, and whether they agree to the cent; then the
real anchor (oca_anchor.py): OCA ``account_financial_report`` installed from its
wheels into a copy of the database, its Aged Partner Balance and its XLSX timed
beside ours, each in its own process with its peak RSS.  Nothing is kept: the
snapshots are rolled back, the copy is dropped.
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import oca_anchor  # noqa: E402
import odoo_shell  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="bench_ledger_full")
    parser.add_argument("--months-back", type=int, default=6)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--skip-oca",
        action="store_true",
        help="leave out the slow runs: the real OCA module and the ORM search_read way",
    )
    parser.add_argument(
        "--skip-orm", action="store_true", help="leave out only the ORM search_read way"
    )
    parser.add_argument(
        "--orm-memory", action="store_true", help="run the ORM way a second time, traced"
    )
    parser.add_argument(
        "--anchor-repeat",
        type=int,
        default=1,
        help="runs of each operation of the OCA anchor in its process (median kept)",
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
            "skip_orm": args.skip_oca or args.skip_orm,
            "orm_memory": args.orm_memory,
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
        f"peak Python memory {r['xlsx_peak_mb']:.1f} MB (median of {r['xlsx_runs_s']})"
    )
    print(
        f"  bare xlsxwriter dump, same rows:      {r['xlsx_bare_s']:8.2f} s  "
        f"(constant memory, no formats; median of {r['xlsx_bare_runs_s']}); "
        f"ours / bare {r['xlsx_s'] / r['xlsx_bare_s']:.2f} x"
    )
    print(f"  (b) one raw SQL aggregate:            {r['sql_s']:8.2f} s")
    if "orm_s" in r:
        print(
            f"  (c) ORM search_read way (re-impl.):   {r['orm_s']:8.2f} s  "
            f"({r['orm_items']:,} items, {r['orm_partials']:,} partials read)"
            + (f", peak Python memory {r['orm_peak_mb']:.1f} MB" if "orm_peak_mb" in r else "")
        )
        if r.get("orm_memory_limit_lifted"):
            print(
                f"      (run with Odoo's memory limit of {r['memory_limit_mb']:.0f} MB lifted: "
                "at full scale the ORM way fails with MemoryError under it; ours ran under it)"
            )
        print(f"  ratio (c) ORM way / ours:             {r['orm_s'] / r['ours_s']:8.1f} x")
    print(f"  ratio ours / (b) raw SQL:             {r['ours_s'] / r['sql_s']:8.2f} x")
    totals = f"ours {r['ours_total']:,.2f}, raw SQL {r['sql_total']:,.2f}"
    if "orm_total" in r:
        totals += (
            f", ORM way {r['orm_total']:,.2f} ({r['orm_customers_differing']} customers differ)"
        )
    print(f"  sum of buckets: {totals}; ledger {r['ledger']:,.2f}; ties out: {r['tie_out_ok']}")
    if args.skip_oca:
        r["anchor"] = {"skipped": "--skip-oca"}
    else:
        print("  OCA module: installing the wheels and a copy of the database...", flush=True)
        r["anchor"] = oca_anchor.run(args.db, r["cutoff"], args.anchor_repeat)
    print_anchor(r["anchor"])
    return r


def print_anchor(a):
    if "skipped" in a:
        print(f"  OCA module: skipped — {a['skipped']}")
        return
    info, mb = a["oca"], oca_anchor.megabytes

    def runs(part):
        return f" (runs {part['runs_s']})" if len(part["runs_s"]) > 1 else ""

    ours, ours_x, oca, oca_x = a["ours_snapshot"], a["ours_xlsx"], a["oca_aged"], a["oca_xlsx"]
    print(
        f"  OCA account_financial_report {info['version']} ({info['note']}), "
        f"in a copy {a['copy']}; each operation in its own odoo shell, "
        f"median of {len(oca['runs_s'])} run(s):"
    )
    print(
        f"    (a) OCA Aged Partner Balance (_get_report_values): {oca['seconds']:8.2f} s  "
        f"peak RSS {mb(oca['rss_peak_kb'])} ({mb(oca['rss_before_kb'])} before it){runs(oca)}"
    )
    print(
        f"        ours, snapshot computed and stored:            {ours['seconds']:8.2f} s  "
        f"peak RSS {mb(ours['rss_peak_kb'])} ({mb(ours['rss_before_kb'])} before it){runs(ours)}"
    )
    print(
        f"    (d) OCA XLSX (its data method + workbook):         {oca_x['seconds']:8.2f} s  "
        f"peak RSS {mb(oca_x['rss_peak_kb'])}, {oca_x['bytes']:,} bytes{runs(oca_x)}"
    )
    print(
        f"        ours, snapshot + XLSX export:                  {ours_x['seconds']:8.2f} s  "
        f"({ours_x['compute_s']:.2f} + {ours_x['xlsx_s']:.2f}) peak RSS "
        f"{mb(ours_x['rss_peak_kb'])}, {ours_x['bytes']:,} bytes{runs(ours_x)}"
    )
    print(
        f"    ratio (a) / ours: {oca['seconds'] / ours['seconds']:.1f} x; "
        f"(d) / ours: {oca_x['seconds'] / ours_x['seconds']:.1f} x"
    )
    print(
        f"    totals: OCA {oca['total']:,.2f}, ours {ours['total']:,.2f}; customers "
        f"differing {a['customers_differing']}; ties out: {a['ties_out']}"
    )
    lifted = oca["memory_limit_lifted_mb"]
    if lifted:
        print(f"    (Odoo's memory limit of {lifted:.0f} MB lifted in these four processes)")


def summary(r):
    """Rows for run_all's table: (benchmark, ours, compared with, ratio)."""
    compared = f"raw SQL {r['sql_s']:.2f} s"
    ratio = f"{r['ours_s'] / r['sql_s']:.2f}x SQL; target 1.5x"
    if "orm_s" in r:
        compared += f"; ORM search_read way {r['orm_s']:.1f} s"
        ratio += f"; {r['orm_s'] / r['ours_s']:.0f}x faster than the ORM way"
    rows = [
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
    a = r.get("anchor") or {"skipped": "not run"}
    if "skipped" in a:
        return [*rows, ("OCA account_financial_report", "", f"skipped — {a['skipped']}", "")]
    name, mb = f"OCA account_financial_report {a['oca']['version']}", oca_anchor.megabytes
    for label, ours, oca, extra in (
        ("Aged Partner Balance", a["ours_snapshot"], a["oca_aged"], f"; ties out: {a['ties_out']}"),
        ("XLSX, data included", a["ours_xlsx"], a["oca_xlsx"], ""),
    ):
        rows.append(
            (
                f"{name}, {label}",
                f"{ours['seconds']:.2f} s, {mb(ours['rss_peak_kb'])}",
                f"OCA {oca['seconds']:.2f} s, {mb(oca['rss_peak_kb'])}",
                f"ours {oca['seconds'] / ours['seconds']:.1f}x faster, "
                f"{oca['rss_peak_kb'] / ours['rss_peak_kb']:.1f}x less peak RSS" + extra,
            )
        )
    return rows


if __name__ == "__main__":
    main()
