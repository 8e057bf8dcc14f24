#!/usr/bin/env python3
"""Run every benchmark of this folder on one ledger database, side by side.

    python3 tests/bench/run_all.py [--db bench_ledger_full] [--skip-oca] [--only receivables,...]
                                   [--growth [--growth-sizes 0.25,1,4] [--growth-png PATH]]

Make the database first with make_ledger.py (README.md here).  Each benchmark
prints its own wall times and ratios; a benchmark script is any
``bench_*.py`` here with a ``main()`` (and a ``summary(result)`` giving its rows of
the one-page table printed at the end).  ``bench_growth.py`` builds ledgers of its
own and takes long: it runs only with ``--growth`` (``--only growth`` for it alone).
"""

import argparse
import importlib
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import odoo_shell  # noqa: E402

GROWTH = "bench_growth"  # opt-in: --growth


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="bench_ledger_full")
    parser.add_argument(
        "--skip-oca",
        action="store_true",
        help="bench_receivables without the real OCA module and the ORM search_read way",
    )
    parser.add_argument(
        "--anchor-repeat",
        default="1",
        help="bench_receivables: runs of each operation of the OCA anchor (median kept)",
    )
    parser.add_argument(
        "--only",
        help="comma-separated benchmarks to run, e.g. receivables,tiering (default: all)",
    )
    parser.add_argument(
        "--growth",
        action="store_true",
        help="also run bench_growth (its own ledgers of --growth-sizes; takes long)",
    )
    parser.add_argument(
        "--growth-sizes",
        default="0.25,1,4",
        help="bench_growth: millions of receivable lines (0.25,1,4)",
    )
    parser.add_argument("--growth-png", help="bench_growth: the plot (tests/bench/growth.png)")
    args = parser.parse_args()
    only = {f"bench_{name.strip()}" for name in (args.only or "").split(",") if name.strip()}
    if "bench_growth" in only:
        args.growth = True
    paths = [
        path
        for path in sorted(HERE.glob("bench_*.py"))
        if (not only or path.stem in only) and (path.stem != GROWTH or args.growth)
    ]
    if not odoo_shell.find_odoo():
        print("Benchmarks skipped: no `odoo` command on PATH and ODOO_BIN is not set.")
        return 0
    if any(path.stem != GROWTH for path in paths) and not odoo_shell.database_exists(args.db):
        print(f"No database {args.db}: make it with tests/bench/make_ledger.py (see its README).")
        return 1
    rows = []
    for path in paths:
        module = importlib.import_module(path.stem)
        sys.argv = [str(path), "--db", args.db]
        if path.stem == GROWTH:
            sys.argv = [str(path), "--sizes", args.growth_sizes]
            if args.growth_png:
                sys.argv += ["--png", args.growth_png]
        if path.stem == "bench_receivables":
            sys.argv += ["--anchor-repeat", args.anchor_repeat]
            if args.skip_oca:
                sys.argv.append("--skip-oca")
        print(f"== {path.name}")
        result = module.main()
        if hasattr(module, "summary"):
            rows += module.summary(result)
    print_table(rows)
    return 0


def print_table(rows):
    """One page: every benchmark's figure, what it is compared with, and the ratio."""
    head = ("benchmark", "ours", "compared with", "ratio")
    widths = [max(len(str(row[i])) for row in [head, *rows]) for i in range(4)]
    print()
    print(" | ".join(cell.ljust(width) for cell, width in zip(head, widths)))
    print("-+-".join("-" * width for width in widths))
    for row in rows:
        print(" | ".join(str(cell).ljust(width) for cell, width in zip(row, widths)))


if __name__ == "__main__":
    sys.exit(main())
