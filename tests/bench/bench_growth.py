#!/usr/bin/env python3
"""Benchmark: how the snapshot, the first grading and the nightly pass grow with the ledger.

    python3 tests/bench/bench_growth.py [--sizes 0.25,1,4] [--seed 42] [--keep] [--png PATH]

For each size (millions of receivable move lines) make_ledger.py builds a database
``growth_<lines>k`` with the same seed and as many invoices per customer as the
standard ledger (25); then, each in a fresh ``odoo shell`` so that the peak RSS
(``ru_maxrss``) is the operation's own: the month-end snapshot and its raw SQL
aggregate (receivables_inside.py), the first grading (cold, after a reset, committed),
the nightly pass (warm, nothing changed) and the grading's raw SQL aggregate
(tiering_inside.py).  Printed: a table of seconds, seconds per million receivable
lines and peak RSS per size, and per operation whether the seconds per million lines
of all sizes are within 25 % of their mean (linear) and whether the peak RSS at the
largest size is at most 1.25 times the one at the smallest (memory flat).  A PNG plot
(matplotlib, pip-installed into a folder outside the repository) goes to ``--png``.
The databases are dropped at the end unless ``--keep`` (then a rerun reuses them).
Standard library only (runs with the system python3).
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import make_ledger  # noqa: E402
import oca_anchor  # noqa: E402 - its pip runner and Unavailable reason
import odoo_shell  # noqa: E402

# make_ledger at full scale: 997,788 receivable lines for 500,000 invoices (README.md).
# One receivable line per move: invoices, 2 % credit notes, applied and unapplied payments.
LINES_PER_INVOICE = 997_788 / 500_000
INVOICES_PER_CUSTOMER = 25  # 500,000 invoices / 20,000 customers
LINEAR_TOLERANCE = 0.25  # s/M lines of every size within 25 % of their mean
MEMORY_FLAT = 1.25  # peak RSS at the largest size at most 1.25 x the smallest

RECEIVABLES = HERE / "receivables_inside.py"
TIERING = HERE / "tiering_inside.py"
# (key, label, script, operation); the order is the order they run in on each database:
# the nightly pass needs the first grading before it
OPERATIONS = (
    ("snapshot", "snapshot", RECEIVABLES, "snapshot"),
    ("snapshot_sql", "snapshot raw SQL", RECEIVABLES, "sql"),
    ("first_grading", "first grading", TIERING, "first_grading"),
    ("nightly", "nightly pass", TIERING, "nightly"),
    ("grading_sql", "grading raw SQL", TIERING, "sql"),
)
OURS = ("snapshot", "first_grading", "nightly")
SQL_OF = {"snapshot": "snapshot_sql", "first_grading": "grading_sql", "nightly": "grading_sql"}
MPL_PACKAGE = "matplotlib"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        default="0.25,1,4",
        help="millions of receivable lines, comma separated (0.25,1,4)",
    )
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the growth_* databases (and reuse them when they exist); default: drop",
    )
    parser.add_argument("--png", default=str(HERE / "growth.png"), help="where the plot goes")
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs of the snapshot and its SQL (median kept)"
    )
    args = parser.parse_args(argv)
    args.sizes = sorted({float(size) for size in args.sizes.split(",") if size.strip()})
    return args


def plan(size):
    """(database, customers, invoices) for ``size`` million receivable lines."""
    lines = round(size * 1_000_000)
    invoices = round(lines / LINES_PER_INVOICE)
    customers = max(1, round(invoices / INVOICES_PER_CUSTOMER))
    return f"growth_{lines // 1000}k", customers, invoices


def build(db, customers, invoices, seed, keep):
    """The ledger database; returns {"seconds", "problems", "reused"}."""
    started = time.monotonic()
    if keep and odoo_shell.database_exists(db):
        print(f"  reusing {db} (--keep); updating customer_tiering", flush=True)
        odoo_shell.update_modules(db, ["customer_tiering"])
        return {"seconds": round(time.monotonic() - started, 1), "problems": [], "reused": True}
    args = make_ledger.parse_args(
        ["--db", db, "--customers", str(customers), "--invoices", str(invoices)]
        + ["--seed", str(seed), "--recreate"]
    )
    result = make_ledger.build(args)
    if result is None:
        raise odoo_shell.OdooError(f"make_ledger printed no result for {db}")
    return {
        "seconds": result["timings"]["total"],
        "problems": result["problems"],
        "reused": False,
        "receivable_lines": result["counts"]["receivable_lines"],
    }


def measure(db, repeat):
    """Every operation in its own odoo shell on ``db``: {key: result of the script}."""
    results = {}
    for key, label, script, operation in OPERATIONS:
        args = {"operation": operation}
        if script == RECEIVABLES:
            args["repeat"] = repeat
        r = odoo_shell.run_script(db, script, args)
        if r is None:
            raise odoo_shell.OdooError(f"{script.name} printed no result for {operation}")
        results[key] = r
        print(
            f"  {label + ':':18} {r['seconds']:8.2f} s  peak RSS {mb(r['rss_peak_kb'])} "
            f"({mb(r['rss_before_kb'])} before it)",
            flush=True,
        )
    return results


def mb(kilobytes):
    return f"{kilobytes / 1024:,.0f} MB"


def analyse(points):
    """Per operation: s/M lines per size, their spread, linear, memory flat."""
    verdicts = {}
    for key, _label, _script, _operation in OPERATIONS:
        per_m = [p["ops"][key]["seconds"] / (p["lines"] / 1e6) for p in points]
        mean = sum(per_m) / len(per_m)
        spread = max(abs(v - mean) for v in per_m) / mean if mean else 0.0
        first, last = points[0]["ops"][key]["rss_peak_kb"], points[-1]["ops"][key]["rss_peak_kb"]
        verdicts[key] = {
            "s_per_m": per_m,
            "mean": mean,
            "spread": spread,
            "linear": spread <= LINEAR_TOLERANCE,
            "rss_ratio": last / first,
            "memory_flat": last <= MEMORY_FLAT * first,
        }
    return verdicts


def yes(flag):
    return "yes" if flag else "no"


def print_table(points, verdicts):
    labels = [label for _key, label, _script, _operation in OPERATIONS]
    head1 = ["size", "lines"] + [x for label in labels for x in (label, "", "")]
    head2 = ["M", ""] + ["s", "s/M", "peak MB"] * len(labels)
    rows = []
    for p in points:
        row = [f"{p['size']:g}", f"{p['lines']:,}"]
        for key, _label, _script, _operation in OPERATIONS:
            r = p["ops"][key]
            row += [
                f"{r['seconds']:.2f}",
                f"{r['seconds'] / (p['lines'] / 1e6):.2f}",
                f"{r['rss_peak_kb'] / 1024:,.0f}",
            ]
        rows.append(row)
    widths = [max(len(r[i]) for r in [head2, *rows]) for i in range(len(head2))]
    # an operation's name spans its three columns
    for index in range(len(labels)):
        start = 2 + 3 * index
        need = len(labels[index]) - (sum(widths[start : start + 3]) + 6)
        if need > 0:
            widths[start + 2] += need
    print()
    cells = head1[:2] + [
        labels[i].ljust(sum(widths[2 + 3 * i : 5 + 3 * i]) + 6) for i in range(len(labels))
    ]
    print(
        " | ".join(c.ljust(w) for c, w in zip(cells[:2], widths[:2]))
        + " | "
        + " | ".join(cells[2:])
    )
    print(
        " | ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(head2, widths)))
    )
    print("-+-".join("-" * w for w in widths))
    for row in rows:
        print(" | ".join(c.rjust(w) for c, w in zip(row, widths)))
    print()
    for key, label, _script, _operation in OPERATIONS:
        v = verdicts[key]
        peaks = [p["ops"][key]["rss_peak_kb"] / 1024 for p in points]
        print(
            f"{label + ':':18} s/M lines {' / '.join(f'{x:.2f}' for x in v['s_per_m'])} "
            f"(mean {v['mean']:.2f}, widest {v['spread']:.0%} off): linear: {yes(v['linear'])}; "
            f"peak RSS {' / '.join(f'{x:,.0f}' for x in peaks)} MB "
            f"({v['rss_ratio']:.2f}x): memory flat: {yes(v['memory_flat'])}"
        )


# -- the plot -----------------------------------------------------------------------


def matplotlib_dir():
    path = Path(
        os.environ.get("ODOO_BENCH_MPL_DIR")
        or Path(tempfile.gettempdir())
        / f"odoo-bench-matplotlib-py{sys.version_info[0]}.{sys.version_info[1]}"
    ).resolve()
    if path == odoo_shell.ROOT or odoo_shell.ROOT in path.parents:
        raise oca_anchor.Unavailable(f"{path} is inside the repository; choose a folder outside it")
    return path


def pyplot():
    """matplotlib's pyplot (Agg), pip-installed with this interpreter into a throwaway
    folder outside the repository (``ODOO_BENCH_MPL_DIR``, default under the system
    temporary directory; reused when already there).  Raises ``oca_anchor.Unavailable``
    with a one-line reason when it cannot be had."""
    target = matplotlib_dir()
    if not (target / "matplotlib" / "__init__.py").exists():
        print(f"  installing {MPL_PACKAGE} into {target} ...", flush=True)
        oca_anchor._run(
            [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
            + ["--target", str(target), MPL_PACKAGE],
            f"pip install {MPL_PACKAGE}",
        )
    sys.path.insert(0, str(target))
    os.environ.setdefault("MPLCONFIGDIR", str(target / ".mplconfig"))
    try:
        import matplotlib  # noqa: PLC0415 - from the folder just put on sys.path

        matplotlib.use("Agg")
        from matplotlib import pyplot as plt  # noqa: PLC0415
    except Exception as error:  # noqa: BLE001 - any import failure is a skip reason
        raise oca_anchor.Unavailable(f"import matplotlib: {error}") from error
    return plt


def plot(points, path, seed):
    """Seconds per million lines and peak RSS against lines (log x); returns a note."""
    try:
        plt = pyplot()
    except oca_anchor.Unavailable as error:
        return f"PNG: skipped — {error}"
    lines = [p["lines"] for p in points]
    figure, (left, right) = plt.subplots(1, 2, figsize=(12, 4.8))
    for key, label, _script, _operation in OPERATIONS:
        style = "-o" if key in OURS else "--s"
        left.plot(
            lines,
            [p["ops"][key]["seconds"] / (p["lines"] / 1e6) for p in points],
            style,
            label=label,
        )
        right.plot(lines, [p["ops"][key]["rss_peak_kb"] / 1024 for p in points], style, label=label)
    left.set_title("seconds per million receivable lines")
    left.set_ylabel("s / M lines")
    left.set_ylim(bottom=0)
    right.set_title("peak RSS of the Odoo process")
    right.set_ylabel("MB")
    right.set_ylim(bottom=0)
    for axis in (left, right):
        axis.set_xscale("log")
        axis.set_xticks(lines, [f"{n / 1e6:.2g}M" for n in lines])
        axis.minorticks_off()
        axis.set_xlabel("receivable lines")
        axis.grid(True, which="both", alpha=0.3)
    left.legend(fontsize="small")
    figure.suptitle(f"Growth: make_ledger --seed {seed}, each operation in a fresh odoo shell")
    figure.tight_layout()
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=100)
    plt.close(figure)
    return f"PNG: {path}"


# -- main ---------------------------------------------------------------------------


def main(argv=None):
    args = parse_args(argv)
    if not odoo_shell.find_odoo():
        print("Growth benchmark skipped: no `odoo` command on PATH and ODOO_BIN is not set.")
        return {"skipped": "no odoo command"}
    started = time.monotonic()
    print(
        f"Growth, seed {args.seed}: {', '.join(f'{s:g}' for s in args.sizes)} M receivable "
        f"lines ({LINES_PER_INVOICE:.4f} lines per invoice, {INVOICES_PER_CUSTOMER} invoices "
        "per customer); each operation in a fresh odoo shell",
        flush=True,
    )
    points, made = [], []
    try:
        for size in args.sizes:
            db, customers, invoices = plan(size)
            print(f"== {db}: {customers:,} customers / {invoices:,} invoices", flush=True)
            made.append(db)
            ledger = build(db, customers, invoices, args.seed, args.keep)
            ops = measure(db, args.repeat)
            lines = ops["snapshot"]["receivable_lines"]
            print(
                f"  {lines:,} receivable lines; ledger "
                f"{'reused' if ledger['reused'] else 'made'} in {ledger['seconds']:.0f} s"
                + (
                    f"; VERIFICATION FAILED: {ledger['problems'][:3]}" if ledger["problems"] else ""
                ),
                flush=True,
            )
            points.append(
                {
                    "size": size,
                    "db": db,
                    "customers": customers,
                    "invoices": invoices,
                    "lines": lines,
                    "ledger_s": ledger["seconds"],
                    "problems": len(ledger["problems"]),
                    "ops": ops,
                }
            )
    finally:
        if not args.keep:
            for db in made:
                odoo_shell.drop_database(db)
    verdicts = analyse(points)
    print_table(points, verdicts)
    note = plot(points, args.png, args.seed)
    print(note)
    total = time.monotonic() - started
    print(
        f"Total {total:.0f} s; databases {', '.join(made)} " + ("kept" if args.keep else "dropped")
    )
    return {"points": points, "verdicts": verdicts, "png": note, "seconds": total}


def summary(r):
    """Rows for run_all's table: (benchmark, ours, compared with, ratio)."""
    if "skipped" in r:
        return [("growth", "", f"skipped — {r['skipped']}", "")]
    points, verdicts = r["points"], r["verdicts"]
    sizes = f"{points[0]['lines']:,} to {points[-1]['lines']:,} lines"
    labels = {key: label for key, label, _script, _operation in OPERATIONS}
    rows = []
    for key in OURS:
        v, sql = verdicts[key], verdicts[SQL_OF[key]]
        rows.append(
            (
                f"growth, {labels[key]}, {sizes}",
                " / ".join(f"{x:.2f}" for x in v["s_per_m"]) + " s/M",
                "raw SQL " + " / ".join(f"{x:.2f}" for x in sql["s_per_m"]) + " s/M",
                f"linear: {yes(v['linear'])} ({v['spread']:.0%}); memory flat: "
                f"{yes(v['memory_flat'])} ({v['rss_ratio']:.2f}x)",
            )
        )
    return rows


if __name__ == "__main__":
    try:
        main()
    except odoo_shell.OdooError as error:
        print(f"bench_growth: {error}", file=sys.stderr)
        sys.exit(2)
