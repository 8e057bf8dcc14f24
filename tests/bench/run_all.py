#!/usr/bin/env python3
"""Run every benchmark of this folder on one ledger database, side by side.

    python3 tests/bench/run_all.py [--db bench_ledger_full]

Make the database first with make_ledger.py (README.md here).  Each benchmark
prints its own wall times and ratios; a benchmark script is any
``bench_*.py`` here with a ``main()``.
"""

import argparse
import importlib
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import odoo_shell  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="bench_ledger_full")
    args = parser.parse_args()
    if not odoo_shell.find_odoo():
        print("Benchmarks skipped: no `odoo` command on PATH and ODOO_BIN is not set.")
        return 0
    if not odoo_shell.database_exists(args.db):
        print(f"No database {args.db}: make it with tests/bench/make_ledger.py (see its README).")
        return 1
    for path in sorted(HERE.glob("bench_*.py")):
        module = importlib.import_module(path.stem)
        sys.argv = [str(path), "--db", args.db]
        print(f"== {path.name}")
        module.main()
    return 0


if __name__ == "__main__":
    sys.exit(main())
