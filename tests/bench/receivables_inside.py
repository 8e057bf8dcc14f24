"""Runs inside Odoo (odoo shell) for bench_receivables.py: a month-end snapshot
against one raw SQL aggregate and the ORM search_read way (a re-implementation of
the approach of aged-balance reports such as OCA's: search_read of the open items
and partials, bucketing in Python), on the same database and cut-off, in one run.

The real OCA report is timed by oca_anchor.py, in a copy of the database."""

import gc
import io
import resource
import time
import tracemalloc

import xlsxwriter
from dateutil.relativedelta import relativedelta

from odoo.tools import SQL

from odoo.addons.customer_tiering.engine import aging, receivables

RECEIVABLE = (
    "l.account_id IN (SELECT id FROM account_account WHERE account_type = 'asset_receivable')"
)


def timed(function, trace=False):
    gc.collect()
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    value = function()
    seconds = time.perf_counter() - started
    peak = None
    if trace:
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    return seconds, value, peak


def cutoff_of(env, months_back):
    env.cr.execute("SELECT MAX(date) FROM account_move_line")
    last = env.cr.fetchone()[0]
    first = last.replace(day=1) - relativedelta(months=months_back - 1)
    return first - relativedelta(days=1)


def ours(env, cutoff):
    snapshot = env["receivable.snapshot"].create(
        {"date_from": cutoff.replace(day=1), "date_to": cutoff}
    )
    snapshot.action_compute()
    return snapshot


def raw_sql(env, cutoff, edges):
    """Residual per customer in buckets by due date, partials after the cut-off added back."""
    bounds = aging.lower_bounds(edges)
    sums = SQL(", ").join(
        SQL("SUM(residual) FILTER (WHERE bucket = %s)", index) for index in range(len(edges) + 2)
    )
    return env.execute_query(
        SQL(
            """
            WITH later AS (
                SELECT line_id, SUM(amount) AS amount FROM (
                    SELECT debit_move_id AS line_id, amount FROM account_partial_reconcile
                     WHERE max_date > %(cutoff)s
                    UNION ALL
                    SELECT credit_move_id, -amount FROM account_partial_reconcile
                     WHERE max_date > %(cutoff)s) p
                 GROUP BY line_id
            ), items AS (
                SELECT l.partner_id,
                       l.amount_residual + COALESCE(later.amount, 0) AS residual,
                       width_bucket(%(cutoff)s::date - COALESCE(l.date_maturity, l.date),
                                    %(bounds)s::int[]) AS bucket
                  FROM account_move_line l
                  LEFT JOIN later ON later.line_id = l.id
                 WHERE l.company_id = %(company)s AND l.parent_state = 'posted'
                   AND l.date <= %(cutoff)s AND %(receivable)s
            )
            SELECT partner_id, %(sums)s FROM items GROUP BY partner_id
            """,
            cutoff=cutoff,
            bounds=bounds,
            company=env.company.id,
            receivable=SQL(RECEIVABLE),
            sums=sums,
        )
    )


LINE_FIELDS = [
    "name",
    "date",
    "move_id",
    "journal_id",
    "account_id",
    "partner_id",
    "amount_residual",
    "date_maturity",
    "ref",
    "debit",
    "credit",
    "reconciled",
    "currency_id",
    "amount_currency",
    "amount_residual_currency",
]


def orm_search_read_way(env, cutoff, edges):
    """The ORM way of an aged-balance report, leanest form (OCA's Aged Partner Balance
    does the same reads with more Python around them): search_read of the open
    items, then the partials dated after the cut-off, residuals adjusted and
    bucketed in Python."""
    partials = env["account.partial.reconcile"].search_read(
        [("max_date", ">", cutoff)],
        ["debit_move_id", "credit_move_id", "amount", "max_date"],
    )
    later = {}
    for partial in partials:
        later[partial["debit_move_id"][0]] = (
            later.get(partial["debit_move_id"][0], 0.0) + partial["amount"]
        )
        later[partial["credit_move_id"][0]] = (
            later.get(partial["credit_move_id"][0], 0.0) - partial["amount"]
        )
    domain = [
        ("company_id", "=", env.company.id),
        ("account_id.account_type", "=", "asset_receivable"),
        ("parent_state", "=", "posted"),
        ("date", "<=", cutoff),
        "|",
        ("reconciled", "=", False),
        ("id", "in", list(later)),
    ]
    lines = env["account.move.line"].search_read(domain, LINE_FIELDS)
    items = (
        (
            line["partner_id"] and line["partner_id"][0],
            line["date_maturity"],
            line["date"],
            line["amount_residual"] + later.get(line["id"], 0.0),
        )
        for line in lines
    )
    return bucket_residuals(items, cutoff, edges), len(lines), len(partials)


def bucket_residuals(items, cutoff, edges):
    """The item-by-item Python bucketing an ORM report does: {partner: [amounts]}.

    ``items``: (partner_id, due_date, invoice_date, residual); an item without a
    due date is due on its own date.
    """
    result = {}
    for partner_id, due, invoice_date, residual in items:
        if not residual:
            continue
        amounts = result.setdefault(partner_id, [0.0] * (len(edges) + 2))
        amounts[aging.bucket_index((cutoff - (due or invoice_date)).days, edges)] += residual
    return result


def bare_xlsx(rows, count):
    """The floor of the export: the same rows and columns (the Aging and Balances
    sheets) dumped by xlsxwriter in constant-memory mode, no formats, no titles.
    ``rows``: the export's own (``_snapshot_rows``), the Aging columns then the
    Balances amounts; each sheet slices its columns out, as the export does."""
    aging = receivables.aging_columns(count)
    width = len(aging)
    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"constant_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, [key for key, _kind in aging])
    for row, values in enumerate(rows, 1):
        sheet.write_row(row, 0, values[:width])
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, [key for key, _kind in receivables.BALANCE_COLUMNS])
    for row, values in enumerate(rows, 1):
        sheet.write_row(row, 0, (values[0], *values[width:]))
    book.close()
    return len(output.getvalue())


def one_operation(env, args, cutoff, edges):
    """For bench_growth.py: only ``args["operation"]`` (``snapshot`` or ``sql``) in this
    process, ``repeat`` runs (median time), with the process's peak RSS before and after
    it (``ru_maxrss``, KB): the peak after is the operation's own, the one before is
    the loaded registry."""
    operation = {"snapshot": lambda: ours(env, cutoff), "sql": lambda: raw_sql(env, cutoff, edges)}[
        args["operation"]
    ]
    result = {"cutoff": cutoff.isoformat(), "operation": args["operation"]}
    result["receivable_lines"] = env.execute_query(
        SQL("SELECT COUNT(*) FROM account_move_line l WHERE %s", SQL(RECEIVABLE))
    )[0][0]
    env.invalidate_all()
    gc.collect()
    result["rss_before_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    runs = []
    for _run in range(max(1, args.get("repeat", 1))):
        env.invalidate_all()
        seconds, _value, _peak = timed(operation)
        runs.append(seconds)
    result["rss_peak_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result["seconds"] = sorted(runs)[len(runs) // 2]
    result["runs_s"] = [round(r, 3) for r in runs]
    env.cr.rollback()
    return result


def main(env, args):
    env = env(context=dict(env.context, tracking_disable=True))
    edges = aging.DEFAULT_EDGES
    cutoff = cutoff_of(env, args.get("months_back", 6))
    if args.get("operation"):
        return one_operation(env, args, cutoff, edges)
    result = {"cutoff": cutoff.isoformat()}
    result["receivable_lines"] = env.execute_query(
        SQL("SELECT COUNT(*) FROM account_move_line l WHERE %s", SQL(RECEIVABLE))
    )[0][0]
    result["partials"] = env.execute_query(SQL("SELECT COUNT(*) FROM account_partial_reconcile"))[
        0
    ][0]
    result["partials_after"] = env.execute_query(
        SQL("SELECT COUNT(*) FROM account_partial_reconcile WHERE max_date > %s", cutoff)
    )[0][0]

    # timed without tracemalloc (it slows Python down), then once more traced for the
    # peak; the raw aggregate runs in turns with ours, so that a slow spell of the
    # machine weighs on both alike
    runs, sql_runs = [], []
    snapshot = rows = None
    for _run in range(args.get("repeat", 3)):
        env.invalidate_all()
        seconds, snapshot, _peak = timed(lambda: ours(env, cutoff))
        runs.append(seconds)
        seconds, rows, _peak = timed(lambda: raw_sql(env, cutoff, edges))
        sql_runs.append(seconds)
    result["ours_s"] = sorted(runs)[len(runs) // 2]
    result["ours_runs_s"] = [round(r, 2) for r in runs]
    result["sql_s"] = sorted(sql_runs)[len(sql_runs) // 2]
    result["sql_runs_s"] = [round(r, 2) for r in sql_runs]
    result["sql_total"] = round(sum(float(v or 0) for row in rows for v in row[1:]), 2)
    env.invalidate_all()
    _seconds, _value, result["ours_peak_mb"] = timed(lambda: ours(env, cutoff), trace=True)
    # the whole Odoo process so far (registry included), before the ORM way runs
    result["ours_process_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result["customers"] = len(snapshot.line_ids)
    result["tie_out_ok"] = snapshot.tie_out_ok
    result["ours_total"] = snapshot.total_buckets
    result["ours_closing"] = snapshot.total_closing
    result["ledger"] = snapshot.ledger_balance
    # median of as many runs of each as of the snapshot: one run of each swung the
    # ratio between 1.2x and 1.5x on a busy machine
    xlsx_runs, bare_runs = [], []
    for _run in range(args.get("repeat", 3)):
        xlsx_runs.append(timed(snapshot.action_export_xlsx)[0])
        rows = env["receivable.snapshot.xlsx"]._snapshot_rows(snapshot)
        bare_runs.append(timed(lambda rows=rows: bare_xlsx(rows, snapshot.bucket_used))[0])
    result["xlsx_s"] = sorted(xlsx_runs)[len(xlsx_runs) // 2]
    result["xlsx_bare_s"] = sorted(bare_runs)[len(bare_runs) // 2]
    result["xlsx_runs_s"] = [round(r, 2) for r in xlsx_runs]
    result["xlsx_bare_runs_s"] = [round(r, 2) for r in bare_runs]
    env.invalidate_all()
    _seconds, _value, result["xlsx_peak_mb"] = timed(snapshot.action_export_xlsx, trace=True)

    if not args.get("skip_orm"):
        # Odoo's limit_memory_hard (2.5 GiB by default) also binds odoo shell; ours ran
        # under it, the ORM way does not fit in it at this size: lift it for that run.
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        result["memory_limit_mb"] = None if soft == resource.RLIM_INFINITY else soft / 2**20
        try:
            resource.setrlimit(resource.RLIMIT_AS, (hard, hard))
        except (ValueError, OSError):
            pass
        result["orm_memory_limit_lifted"] = resource.getrlimit(resource.RLIMIT_AS)[0] != soft
        env.invalidate_all()
        seconds, (buckets, items, partials), _peak = timed(
            lambda: orm_search_read_way(env, cutoff, edges)
        )
        result["orm_s"] = seconds
        if args.get("orm_memory"):
            env.invalidate_all()
            result["orm_peak_mb"] = timed(
                lambda: orm_search_read_way(env, cutoff, edges), trace=True
            )[2]
        result["orm_items"], result["orm_partials"] = items, partials
        result["orm_total"] = round(sum(sum(v) for v in buckets.values()), 2)
        # per customer, to the cent
        ours_by_partner = {
            line.partner_id.id or False: [line[f"bucket_{i}"] for i in range(len(edges) + 2)]
            for line in snapshot.line_ids
        }
        result["orm_customers_differing"] = sum(
            1
            for pid, amounts in buckets.items()
            if any(
                abs(a - b) > 0.005
                for a, b in zip(amounts, ours_by_partner.get(pid, [0.0] * len(amounts)))
            )
        )
    env.cr.rollback()
    return result


bench_result(main(env, BENCH_ARGS))  # noqa: F821 - defined by odoo_shell's prelude
