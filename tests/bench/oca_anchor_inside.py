"""Runs inside Odoo (odoo shell) for oca_anchor.py: one operation per process.

``BENCH_ARGS["operation"]`` is one of ``ours_snapshot``, ``ours_xlsx``,
``oca_aged`` (OCA's Aged Partner Balance: the report's own ``_get_report_values``)
and ``oca_xlsx`` (its XLSX through ``ir.actions.report._render_xlsx``), all at
the cut-off ``BENCH_ARGS["cutoff"]`` for the company of the environment.  The
process's peak RSS (``ru_maxrss``) is measured before and after the operation,
so it is the operation's own; ``BENCH_ARGS["repeat"]`` runs (1 by default) give the
median time.  Nothing is kept: the shell rolls back.
"""

import datetime
import gc
import json
import resource
import time

from odoo.addons.customer_tiering.engine import aging

OCA_BUCKETS = ("current", "30_days", "60_days", "90_days", "120_days", "older")
AGED_XLSX = "a_f_r.report_aged_partner_balance_xlsx"


def rss_kb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def lift_memory_limit():
    """Odoo's limit_memory_hard is an address-space rlimit that also binds odoo shell."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if soft == resource.RLIM_INFINITY:
        return None
    try:
        resource.setrlimit(resource.RLIMIT_AS, (hard, hard))
    except (ValueError, OSError):
        return None
    return soft / 2**20


def timed(function):
    gc.collect()
    started = time.perf_counter()
    value = function()
    return time.perf_counter() - started, value


def median(values):
    return sorted(values)[len(values) // 2]


def snapshot_of(env, cutoff):
    snapshot = env["receivable.snapshot"].create(
        {"date_from": cutoff.replace(day=1), "date_to": cutoff}
    )
    snapshot.action_compute()
    return snapshot


def oca_wizard(env, cutoff):
    """The wizard as a user fills it: receivable accounts only, posted entries, no details."""
    wizard = env["aged.partner.balance.report.wizard"].create(
        {"date_at": cutoff, "company_id": env.company.id, "target_move": "posted"}
    )
    wizard.receivable_accounts_only = True
    wizard.onchange_type_accounts_only()
    # what the client sends back to the server: dates as strings
    data = json.loads(json.dumps(wizard._prepare_report_data(), default=str))
    return wizard, data


def main(env, args):
    env = env(context=dict(env.context, tracking_disable=True))
    cutoff = datetime.date.fromisoformat(args["cutoff"])
    operation = args["operation"]
    result = {"memory_limit_lifted_mb": lift_memory_limit()}
    width = len(aging.DEFAULT_EDGES) + 2
    env.invalidate_all()
    repeat = max(1, args.get("repeat", 1))
    if operation in ("ours_snapshot", "ours_xlsx"):
        result["rss_before_kb"] = rss_kb()
        runs, exports = [], []
        for _run in range(repeat):
            env.invalidate_all()
            seconds, snapshot = timed(lambda: snapshot_of(env, cutoff))
            runs.append(seconds)
            if operation == "ours_xlsx":
                exports.append(timed(snapshot.action_export_xlsx)[0])
        result["seconds"] = median(runs)
        if operation == "ours_xlsx":
            result["compute_s"], result["xlsx_s"] = median(runs), median(exports)
            runs = [a + b for a, b in zip(runs, exports)]
            result["seconds"] = median(runs)
            attachment = env["ir.attachment"].search(
                [("res_model", "=", snapshot._name), ("res_id", "=", snapshot.id)],
                order="id desc",
                limit=1,
            )
            result["bytes"] = attachment.file_size
        else:
            result["total"] = round(snapshot.total_buckets, 2)
            result["partners"] = {
                line.partner_id.display_name or "": [
                    round(line[f"bucket_{i}"], 2) for i in range(width)
                ]
                for line in snapshot.line_ids
            }
    else:
        wizard, data = oca_wizard(env, cutoff)
        env.invalidate_all()
        result["rss_before_kb"] = rss_kb()
        runs = []
        if operation == "oca_aged":
            report = env["report.account_financial_report.aged_partner_balance"]
            for _run in range(repeat):
                env.invalidate_all()
                seconds, values = timed(lambda: report._get_report_values(wizard.ids, data))
                runs.append(seconds)
            accounts = values["aged_partner_balance"]
            result["total"] = round(sum(account["residual"] for account in accounts), 2)
            partners = {}
            for account in accounts:
                for partner in account["partners"]:
                    amounts = partners.setdefault(partner["name"] or "", [0.0] * width)
                    for index, key in enumerate(OCA_BUCKETS):
                        amounts[index] += partner[key]
            result["partners"] = {
                name: [round(a, 2) for a in amounts] for name, amounts in partners.items()
            }
        else:
            reports = env["ir.actions.report"]
            for _run in range(repeat):
                env.invalidate_all()
                seconds, (content, _kind) = timed(
                    lambda: reports._render_xlsx(AGED_XLSX, wizard.ids, data)
                )
                runs.append(seconds)
            result["bytes"] = len(content)
        result["seconds"] = median(runs)
    result["runs_s"] = [round(r, 2) for r in runs]
    result["rss_peak_kb"] = rss_kb()
    env.cr.rollback()
    return result


bench_result(main(env, BENCH_ARGS))  # noqa: F821 - defined by odoo_shell's prelude
