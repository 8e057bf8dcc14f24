"""Fill an Odoo 18 database with a large, consistent receivables ledger.

Runs inside Odoo (``odoo shell``, see ``odoo_shell.py``) and is imported there as
a plain module; ``generate`` and ``verify`` take the shell's ``env``.

Everything is written with a handful of set-based statements: the whole ledger
is first planned in temporary tables (one row per move, partial and full
reconciliation, ids reserved from the tables' own sequences), then each Odoo
table gets exactly one ``INSERT ... SELECT`` while the big tables' secondary
indexes and foreign keys are set aside (rebuilt and re-validated afterwards).  Rows are written with their final
values (residuals, matching numbers, payment states), so nothing is updated
afterwards and Odoo's own computations agree with what is stored: ``verify``
checks both with SQL and with the ORM.

Randomness comes from ``hashint8extended(row number, seed)``: the same
arguments give the same ledger, whatever order PostgreSQL evaluates rows in.
"""

import datetime
import time
from contextlib import contextmanager

from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.tools import SQL

# A customer invoice: one income line, one receivable line, no tax (taxes add
# lines but nothing to the receivables side these benchmarks exercise).
PRODUCT_LABEL = "Logistics services"
# Lines in the order (and with the sequences) Odoo gives them.
LINE_SEQUENCE = {"product": 100, "payment_term": 12000}
PAYMENT_TERM_DAYS = 30


def _uniform(column, seed, stream):
    """A reproducible uniform [0, 1) draw for each value of ``column``.

    Each ``stream`` is an independent draw for the same row.
    """
    return SQL(
        "((hashint8extended(%s, %s) & 2147483647)::float8 / 2147483648.0)",
        SQL.identifier(column),
        seed * 1000 + stream,
    )


def _padded(number_sql, width=5):
    """``lpad`` that never truncates: INV/2025/123456 after INV/2025/99999."""
    return SQL(
        "lpad((%s)::text, greatest(%s, length((%s)::text)), '0')", number_sql, width, number_sql
    )


def _reserve_ids(cr, table, count):
    """Take ``count`` consecutive ids from ``table``'s id sequence; return the first.

    The sequence ends past the block, so later ORM inserts (nextval) never collide.
    """
    if count <= 0:
        return 0
    cr.execute(SQL("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", table))
    first = cr.fetchone()[0]
    if count > 1:
        cr.execute(
            SQL("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", table, first + count - 1)
        )
    return first


class _Steps:
    """Runs the big statements and keeps how long each took (reported by generate)."""

    def __init__(self, cr):
        self.cr = cr
        self.seconds = {}

    def run(self, label, query):
        started = time.monotonic()
        self.cr.execute(query)
        self.seconds[label] = round(self.seconds.get(label, 0) + time.monotonic() - started, 2)


# The tables that get hundreds of thousands of rows.  Maintaining their ~50
# secondary indexes row by row and firing 20-27 foreign-key triggers per row
# costs minutes; rebuilding the indexes and re-adding (hence re-validating) the
# foreign keys afterwards takes under a minute at full scale.
BULK_TABLES = ("account_move", "account_move_line", "account_partial_reconcile")


@contextmanager
def _bulk_load(steps, tables):
    """Drop the secondary indexes and foreign keys of ``tables``, restore them on exit.

    Everything runs in the caller's transaction (PostgreSQL DDL is transactional),
    so a failure rolls the drops back too.  The definitions come from the
    catalog, so the restored indexes and keys are Odoo's (same names, columns,
    predicates; PostgreSQL may print a predicate's casts differently afterwards).
    """
    cr = steps.cr
    cr.execute(
        SQL(
            """
            SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname),
                   pg_get_indexdef(i.indexrelid)
              FROM pg_index i
              JOIN pg_class c ON c.oid = i.indexrelid
              JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary
               AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
             ORDER BY c.relname
            """,
            list(tables),
        )
    )
    indexes = cr.fetchall()
    cr.execute(
        SQL(
            """
            SELECT conrelid::regclass::text, quote_ident(conname), pg_get_constraintdef(oid)
              FROM pg_constraint
             WHERE contype = 'f' AND conrelid = ANY(%s::regclass[])
             ORDER BY conrelid::regclass::text, conname
            """,
            list(tables),
        )
    )
    foreign_keys = cr.fetchall()
    # Catalog-quoted identifiers and definitions: DDL text, no values in it.
    for table, name, _definition in foreign_keys:
        cr.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
    for name, _definition in indexes:
        cr.execute(f"DROP INDEX {name}")
    yield
    for _name, definition in indexes:
        steps.run("rebuild indexes", definition)
    for table, name, definition in foreign_keys:
        steps.run("re-add foreign keys", f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")


def _count(cr, query):
    cr.execute(query)
    return cr.fetchone()[0]


def _context(env):
    """The company's journals and accounts the ledger is written with."""
    company = env.company
    Journal = env["account.journal"]
    company_domain = [*Journal._check_company_domain(company)]
    sale = Journal.search([*company_domain, ("type", "=", "sale")], limit=1)
    bank = Journal.search([*company_domain, ("type", "=", "bank")], limit=1)
    if not sale or not bank or not sale.default_account_id:
        raise ValueError(
            f"{company.name} has no sale journal with an income account and bank journal"
        )
    # Where Odoo 18 books a received payment: the inbound method's account, else the
    # chart's "Outstanding Receipts", else straight on the bank account.
    outstanding = bank.inbound_payment_method_line_ids.payment_account_id[:1]
    if not outstanding:
        outstanding = (
            env["account.chart.template"]
            .with_company(company)
            .ref("account_journal_payment_debit_account_id", raise_if_not_found=False)
        )
    outstanding = outstanding or bank.default_account_id
    term = env.ref("account.account_payment_term_30days", raise_if_not_found=False)
    team = env["crm.team"]._get_default_team_id() if "crm.team" in env else None
    return {
        "company": company,
        "currency": company.currency_id,
        "sale": sale,
        "bank": bank,
        "income": sale.default_account_id,
        "outstanding": outstanding,
        "term": term,
        "team": team,
    }


def _keeps_residual(account):
    # Odoo tracks a residual only on reconcilable and cash accounts
    # (account.move.line._compute_amount_residual).
    return bool(
        account.reconcile or account.account_type in ("asset_cash", "liability_credit_card")
    )


def generate(
    env,
    customers=20000,
    invoices=500000,
    payments_ratio=0.6,
    unapplied_ratio=0.2,
    partial_ratio=0.4,
    months=24,
    seed=42,
    split_ratio=0.5,
    refund_ratio=0.02,
    late_ratio=0.25,
    end_date=None,
):
    """Insert ``customers`` company customers and their posted receivables ledger.

    * ``invoices`` posted customer invoices dated over the ``months`` before
      ``end_date`` (default today), due 30 days later, 50 to 10,000 skewed
      low, spread so that a few customers carry most of the volume;
    * ``payments_ratio`` of the invoices receive payments (bank journal entries
      reconciled with the invoice): ``partial_ratio`` of those stay partially
      paid, ``split_ratio`` of the fully paid ones are settled in two payments,
      ``late_ratio`` of the first payments come 2 to 12 months after the invoice;
    * ``refund_ratio`` of the invoices are cancelled by a credit note reconciled
      with them;
    * payments received on account and never applied, making up
      ``unapplied_ratio`` of all payments.

    Returns a dict of counts (and ``step_seconds``).  Does not commit.  Holds
    exclusive locks on the accounting tables until the caller commits: meant
    for a benchmark database nobody else is using.
    """
    if not 0 <= payments_ratio + refund_ratio <= 1 or not 0 <= unapplied_ratio < 1:
        raise ValueError("need payments_ratio + refund_ratio <= 1 and unapplied_ratio < 1")
    cr = env.cr
    steps = _Steps(cr)
    ctx = _context(env)
    company, currency = ctx["company"], ctx["currency"]
    end = fields.Date.to_date(end_date) if end_date else fields.Date.context_today(env.user)
    start = end - relativedelta(months=months) + datetime.timedelta(days=1)
    now = fields.Datetime.now()
    params = {
        "customers": customers,
        "invoices": invoices,
        "pay_ratio": payments_ratio,
        "partial_ratio": partial_ratio,
        "split_ratio": split_ratio,
        "refund_ratio": refund_ratio,
        "late_ratio": late_ratio,
        "start": start,
        "end": end,
        "span": (end - start).days + 1,
        "dp": currency.decimal_places,
        "company": company.id,
        "currency": currency.id,
        "uid": env.uid,
        "now": now,
    }
    # Bulk load: big sorts and hashes stay in memory; this transaction only.
    cr.execute("SET LOCAL work_mem = '256MB'")
    cr.execute("SET LOCAL maintenance_work_mem = '512MB'")

    # -- customers --------------------------------------------------------------
    partner0 = _reserve_ids(cr, "res_partner", customers)
    params["partner0"] = partner0
    steps.run(
        "insert res_partner",
        SQL(
            """
            INSERT INTO res_partner (
                id, name, complete_name, commercial_partner_id, commercial_company_name, ref,
                type, lang, active, is_company, partner_share, employee, customer_rank,
                supplier_rank, autopost_bills, color, message_bounce,
                create_uid, write_uid, create_date, write_date)
            SELECT %(partner0)s + k - 1, label, label, %(partner0)s + k - 1, label,
                   'BC' || %(number)s,
                   'contact', %(lang)s, TRUE, TRUE, TRUE, FALSE, 1,
                   0, 'ask', 0, 0,
                   %(uid)s, %(uid)s, %(now)s, %(now)s
              FROM generate_series(1, %(customers)s) k,
                   LATERAL (SELECT 'Bench Customer ' || %(number)s AS label) named
            """,
            number=_padded(SQL("k")),
            lang=env.lang or "en_US",
            **params,
        ),
    )
    env.invalidate_all()
    receivable = (
        env["res.partner"].with_company(company).browse(partner0).property_account_receivable_id
    )
    if not receivable:
        raise ValueError(f"{company.name} has no default receivable account")

    # -- plan: one row per invoice with its fate -------------------------------------
    cr.execute("DROP TABLE IF EXISTS bench_plan, bench_move, bench_partial, bench_match")
    steps.run(
        "plan invoices",
        SQL(
            """
            CREATE TEMP TABLE bench_plan ON COMMIT DROP AS
            WITH draw AS (
                SELECT n,
                       -- squared draw: low partner ids get most invoices (big accounts)
                       %(partner0)s + LEAST(%(customers)s - 1,
                                           floor(%(customers)s * power(%(u_partner)s, 2)))::int
                           AS partner_id,
                       %(start)s::date + LEAST(%(span)s - 1, floor(%(u_date)s * %(span)s))::int
                           AS inv_date,
                       round((50 + 9950 * power(%(u_amount)s, 3))::numeric, %(dp)s) AS amount,
                       %(u_fate)s AS fate, %(u_kind)s AS u_kind, %(u_split)s AS u_split,
                       %(u_share)s AS u_share, %(u_late)s AS u_late, %(u_lag)s AS u_lag,
                       %(u_lag2)s AS u_lag2
                  FROM generate_series(1, %(invoices)s) n
            ), fate AS (
                SELECT draw.*,
                       CASE WHEN fate < %(pay_ratio)s THEN
                                CASE WHEN u_kind < %(partial_ratio)s THEN 'partial'
                                     WHEN u_split < %(split_ratio)s THEN 'split'
                                     ELSE 'full' END
                            WHEN fate < %(pay_ratio)s + %(refund_ratio)s THEN 'reversed'
                            ELSE 'open' END AS status,
                       CASE WHEN u_late < %(late_ratio)s THEN 60 + floor(u_lag * 300)
                            ELSE floor(u_lag * 60) END::int AS lag
                  FROM draw
            )
            SELECT n, partner_id, inv_date, amount, status,
                   CASE status
                       WHEN 'full' THEN amount
                       WHEN 'split' THEN round(amount * (0.3 + 0.4 * u_share)::numeric, %(dp)s)
                       WHEN 'partial' THEN round(amount * (0.1 + 0.8 * u_share)::numeric, %(dp)s)
                   END AS pay1_amount,
                   LEAST(%(end)s::date, inv_date + lag) AS pay1_date,
                   LEAST(%(end)s::date, inv_date + lag + 15 + floor(u_lag2 * 90)::int) AS pay2_date,
                   LEAST(%(end)s::date, inv_date + floor(u_lag2 * 45)::int) AS refund_date
              FROM fate
            """,
            u_partner=_uniform("n", seed, 1),
            u_date=_uniform("n", seed, 2),
            u_amount=_uniform("n", seed, 3),
            u_fate=_uniform("n", seed, 4),
            u_kind=_uniform("n", seed, 5),
            u_split=_uniform("n", seed, 6),
            u_share=_uniform("n", seed, 7),
            u_late=_uniform("n", seed, 8),
            u_lag=_uniform("n", seed, 9),
            u_lag2=_uniform("n", seed, 10),
            **params,
        ),
    )
    applied = _count(
        cr,
        SQL(
            "SELECT count(*) + count(*) FILTER (WHERE status = 'split') FROM bench_plan"
            " WHERE status IN ('full', 'split', 'partial')"
        ),
    )
    params["unapplied"] = round(applied * unapplied_ratio / (1 - unapplied_ratio))

    # -- plan: every move, in date order, with ids, names and its receivable residual -----
    total_moves = _count(
        cr,
        SQL(
            """SELECT count(*) + count(*) FILTER (WHERE status <> 'open')
                      + count(*) FILTER (WHERE status = 'split') + %(unapplied)s
                 FROM bench_plan""",
            **params,
        ),
    )
    params["move0"] = _reserve_ids(cr, "account_move", total_moves)
    params["line0"] = _reserve_ids(cr, "account_move_line", 2 * total_moves)
    params.update(
        sale_journal=ctx["sale"].id,
        sale_code=ctx["sale"].code,
        bank_journal=ctx["bank"].id,
        bank_code=ctx["bank"].code,
    )
    steps.run(
        "plan moves",
        SQL(
            """
            CREATE TEMP TABLE bench_move ON COMMIT DROP AS
            WITH raw AS (
                SELECT 'inv' AS kind, 0 AS kind_order, n, 0 AS inst, partner_id, inv_date AS date,
                       amount,
                       CASE status WHEN 'partial' THEN amount - pay1_amount
                                   WHEN 'open' THEN amount ELSE 0 END AS residual,
                       CASE status WHEN 'full' THEN 'paid' WHEN 'split' THEN 'paid'
                                   WHEN 'reversed' THEN 'reversed' WHEN 'partial' THEN 'partial'
                                   ELSE 'not_paid' END AS payment_state
                  FROM bench_plan
                UNION ALL
                SELECT 'ref', 1, n, 0, partner_id, refund_date, amount, 0, 'paid'
                  FROM bench_plan WHERE status = 'reversed'
                UNION ALL
                SELECT 'pay', 2, n, 1, partner_id, pay1_date, pay1_amount, 0, 'not_paid'
                  FROM bench_plan WHERE status IN ('full', 'split', 'partial')
                UNION ALL
                SELECT 'pay', 2, n, 2, partner_id, pay2_date, amount - pay1_amount, 0, 'not_paid'
                  FROM bench_plan WHERE status = 'split'
                UNION ALL
                -- payments on account: never applied, the whole amount stays open
                SELECT 'upay', 3, m, 0,
                       %(partner0)s + LEAST(%(customers)s - 1,
                                           floor(%(customers)s * power(%(u_partner)s, 2)))::int,
                       %(start)s::date + LEAST(%(span)s - 1, floor(%(u_date)s * %(span)s))::int,
                       amount, -amount, 'not_paid'
                  FROM generate_series(1, %(unapplied)s) m,
                       LATERAL (SELECT round((20 + 4980 * power(%(u_amount)s, 2))::numeric, %(dp)s)
                                AS amount) drawn
            ), ordered AS (
                SELECT raw.*,
                       row_number() OVER (ORDER BY date, kind_order, n, inst) - 1 AS idx,
                       CASE WHEN kind IN ('inv', 'ref') THEN %(sale_journal)s
                            ELSE %(bank_journal)s END AS journal_id,
                       CASE kind WHEN 'inv' THEN %(sale_code)s WHEN 'ref' THEN 'R' || %(sale_code)s
                                 ELSE %(bank_code)s END
                           || '/' || extract(year FROM date)::int || '/' AS prefix
                  FROM raw
            ), existing AS (
                -- continue after any move already numbered under the same prefix
                SELECT journal_id, sequence_prefix AS prefix, max(sequence_number) AS last
                  FROM account_move
                 WHERE journal_id IN (%(sale_journal)s, %(bank_journal)s)
                 GROUP BY journal_id, sequence_prefix
            ), numbered AS (
                SELECT ordered.*,
                       COALESCE(existing.last, 0)
                       + row_number() OVER (PARTITION BY journal_id, prefix ORDER BY idx)
                           AS sequence_number
                  FROM ordered LEFT JOIN existing USING (journal_id, prefix)
            )
            SELECT numbered.*, %(move0)s + idx AS move_id,
                   %(line0)s + 2 * idx AS other_line_id, %(line0)s + 2 * idx + 1 AS rec_line_id,
                   prefix || %(seq_padded)s AS name
              FROM numbered
            """,
            u_partner=_uniform("m", seed, 21),
            u_date=_uniform("m", seed, 22),
            u_amount=_uniform("m", seed, 23),
            seq_padded=_padded(SQL("sequence_number")),
            **params,
        ),
    )
    cr.execute("CREATE INDEX ON bench_move (n) WHERE kind = 'inv'")
    cr.execute("ANALYZE bench_move")

    # -- plan: reconciliations -------------------------------------------------------
    # One partial per payment / credit note, numbered in the order they were matched.
    partial_count = _count(cr, "SELECT count(*) FROM bench_move WHERE kind IN ('pay', 'ref')")
    params["partial0"] = _reserve_ids(cr, "account_partial_reconcile", partial_count)
    steps.run(
        "plan partials",
        SQL(
            """
            CREATE TEMP TABLE bench_partial ON COMMIT DROP AS
            SELECT %(partial0)s - 1 + row_number() OVER (ORDER BY c.date, c.idx) AS id,
                   c.n, i.rec_line_id AS debit_line_id, c.rec_line_id AS credit_line_id,
                   c.amount, GREATEST(i.date, c.date) AS max_date
              FROM bench_move c
              JOIN bench_move i ON i.kind = 'inv' AND i.n = c.n
             WHERE c.kind IN ('pay', 'ref')
            """,
            **params,
        ),
    )
    # Settled invoices get a full reconcile (numbered by settlement date); the others
    # keep the partial's "P<id>" matching number, as account.partial.reconcile does.
    full_count = _count(cr, "SELECT count(*) FROM bench_move WHERE kind = 'inv' AND residual = 0")
    params["full0"] = _reserve_ids(cr, "account_full_reconcile", full_count)
    steps.run(
        "plan reconciles",
        SQL(
            """
            CREATE TEMP TABLE bench_match ON COMMIT DROP AS
            WITH per_invoice AS (
                SELECT i.n, i.residual, min(p.id) AS first_partial, max(p.max_date) AS settled
                  FROM bench_move i JOIN bench_partial p ON p.n = i.n
                 WHERE i.kind = 'inv'
                 GROUP BY i.n, i.residual
            ), full_ids AS (
                SELECT n, %(full0)s - 1 + row_number() OVER (ORDER BY settled, n) AS full_id
                  FROM per_invoice WHERE residual = 0
            )
            SELECT pi.n, f.full_id,
                   CASE WHEN f.full_id IS NOT NULL THEN f.full_id::text
                        ELSE 'P' || pi.first_partial END AS matching_number
              FROM per_invoice pi LEFT JOIN full_ids f ON f.n = pi.n
            """,
            **params,
        ),
    )
    cr.execute("CREATE UNIQUE INDEX ON bench_match (n)")
    cr.execute("ANALYZE bench_match")

    with _bulk_load(steps, BULK_TABLES):
        _insert_ledger(env, steps, ctx, receivable, params)
    for table in (
        "res_partner",
        "account_move",
        "account_move_line",
        "account_partial_reconcile",
        "account_full_reconcile",
    ):
        steps.run("analyze", SQL("ANALYZE %s", SQL.identifier(table)))
    cr.execute("SELECT status, count(*) FROM bench_plan GROUP BY status")
    statuses = dict(cr.fetchall())
    cr.execute("SELECT count(*) FILTER (WHERE kind = 'upay') FROM bench_move")
    unapplied = cr.fetchone()[0]
    cr.execute("DROP TABLE bench_plan, bench_move, bench_partial, bench_match")
    env.invalidate_all()
    return {
        "customers": customers,
        "invoices": invoices,
        "invoices_by_status": statuses,
        "credit_notes": statuses.get("reversed", 0),
        "payments_applied": applied,
        "payments_unapplied": unapplied,
        "moves": total_moves,
        "move_lines": 2 * total_moves,
        "receivable_lines": total_moves,
        "partial_reconciles": partial_count,
        "full_reconciles": full_count,
        "date_from": str(start),
        "date_to": str(end),
        "receivable_account": receivable.code,
        "counterpart_account": ctx["outstanding"].code,
        "step_seconds": steps.seconds,
    }


def _insert_ledger(env, steps, ctx, receivable, params):
    """Write the planned ledger: full reconciles, moves, lines, partials."""
    params = {
        **params,
        "receivable": receivable.id,
        "income": ctx["income"].id,
        "outstanding": ctx["outstanding"].id,
        "income_residual": _keeps_residual(ctx["income"]),
        "outstanding_residual": _keeps_residual(ctx["outstanding"]),
        "term": ctx["term"].id if ctx["term"] else None,
        "term_days": PAYMENT_TERM_DAYS,
        "product_label": PRODUCT_LABEL,
        "product_seq": LINE_SEQUENCE["product"],
        "term_seq": LINE_SEQUENCE["payment_term"],
    }
    steps.run(
        "insert account_full_reconcile",
        SQL(
            """
            INSERT INTO account_full_reconcile (id, create_uid, write_uid, create_date, write_date)
            SELECT full_id, %(uid)s, %(uid)s, %(now)s, %(now)s
              FROM bench_match WHERE full_id IS NOT NULL
            """,
            **params,
        ),
    )
    # sale's sales team, as Odoo sets it on invoices (column absent without sale)
    has_team = "team_id" in env["account.move"]._fields
    team_column = SQL(", team_id") if has_team else SQL()
    team_id = ctx["team"].id if ctx["team"] else None
    team_value = (
        SQL(", CASE WHEN m.kind IN ('inv', 'ref') THEN %s::int END", team_id) if has_team else SQL()
    )
    steps.run(
        "insert account_move",
        SQL(
            """
            INSERT INTO account_move (
                id, name, sequence_prefix, sequence_number, journal_id, company_id, currency_id,
                partner_id, commercial_partner_id, partner_shipping_id, invoice_partner_display_name,
                state, move_type, auto_post, date, invoice_date, invoice_date_due,
                invoice_payment_term_id, invoice_user_id, ref, payment_reference, payment_state,
                reversed_entry_id, invoice_currency_rate,
                amount_untaxed, amount_tax, amount_total, amount_residual,
                amount_untaxed_signed, amount_untaxed_in_currency_signed, amount_tax_signed,
                amount_total_signed, amount_total_in_currency_signed, amount_residual_signed,
                is_storno, always_tax_exigible, checked, posted_before, made_sequence_gap,
                is_manually_modified, is_move_sent,
                create_uid, write_uid, create_date, write_date %(team_column)s)
            SELECT m.move_id, m.name, m.prefix, m.sequence_number, m.journal_id, %(company)s,
                   %(currency)s, m.partner_id, m.partner_id,
                   CASE WHEN is_invoice THEN m.partner_id END, p.name,
                   'posted',
                   CASE m.kind WHEN 'inv' THEN 'out_invoice' WHEN 'ref' THEN 'out_refund'
                               ELSE 'entry' END,
                   'no', m.date, CASE WHEN is_invoice THEN m.date END,
                   CASE WHEN is_invoice THEN m.date + %(term_days)s ELSE m.date END,
                   CASE WHEN is_invoice THEN %(term)s::int END,
                   CASE WHEN is_invoice THEN %(uid)s END,
                   CASE m.kind WHEN 'ref' THEN 'Reversal of: ' || i.name
                               WHEN 'pay' THEN i.name
                               WHEN 'upay' THEN 'Payment on account' END,
                   CASE WHEN m.kind = 'inv' THEN m.name END,
                   m.payment_state,
                   CASE WHEN m.kind = 'ref' THEN i.move_id END,
                   CASE WHEN is_invoice THEN 1.0 ELSE 0.0 END,
                   -- amounts exactly as account.move._compute_amount derives them
                   CASE WHEN is_invoice THEN m.amount ELSE 0 END,
                   0,
                   m.amount,
                   CASE m.kind WHEN 'inv' THEN m.residual WHEN 'ref' THEN -m.residual ELSE 0 END,
                   CASE m.kind WHEN 'inv' THEN m.amount WHEN 'ref' THEN -m.amount ELSE 0 END,
                   CASE m.kind WHEN 'inv' THEN m.amount WHEN 'ref' THEN -m.amount ELSE 0 END,
                   0,
                   CASE WHEN m.kind = 'ref' THEN -m.amount ELSE m.amount END,
                   CASE WHEN m.kind = 'ref' THEN -m.amount ELSE m.amount END,
                   CASE WHEN is_invoice THEN m.residual ELSE 0 END,
                   FALSE, NOT is_invoice, TRUE, TRUE, FALSE,
                   FALSE, FALSE,
                   %(uid)s, %(uid)s, %(now)s, %(now)s %(team_value)s
              FROM bench_move m
              JOIN res_partner p ON p.id = m.partner_id
              LEFT JOIN bench_move i ON i.kind = 'inv' AND i.n = m.n AND m.kind IN ('ref', 'pay'),
                   LATERAL (SELECT m.kind IN ('inv', 'ref') AS is_invoice) k
            """,
            team_column=team_column,
            team_value=team_value,
            **params,
        ),
    )
    # Two lines per move: side 0 is the income / bank counterpart, side 1 the receivable.
    steps.run(
        "insert account_move_line",
        SQL(
            """
            INSERT INTO account_move_line (
                id, move_id, journal_id, company_id, company_currency_id, currency_id, sequence,
                account_id, partner_id, move_name, parent_state, ref, name, display_type,
                date, invoice_date, date_maturity,
                debit, credit, balance, amount_currency, tax_base_amount,
                amount_residual, amount_residual_currency, reconciled, full_reconcile_id,
                matching_number, quantity, price_unit, price_subtotal, price_total,
                discount, discount_amount_currency, discount_balance,
                is_imported, tax_tag_invert, is_downpayment,
                create_uid, write_uid, create_date, write_date)
            SELECT m.other_line_id + s.side, m.move_id, m.journal_id, %(company)s, %(currency)s,
                   %(currency)s,
                   CASE WHEN is_invoice AND s.side = 1 THEN %(term_seq)s ELSE %(product_seq)s END,
                   CASE WHEN s.side = 1 THEN %(receivable)s
                        WHEN is_invoice THEN %(income)s ELSE %(outstanding)s END,
                   m.partner_id, m.name, 'posted',
                   CASE m.kind WHEN 'ref' THEN 'Reversal of: ' || i.name
                               WHEN 'pay' THEN i.name
                               WHEN 'upay' THEN 'Payment on account' END,
                   CASE WHEN is_invoice AND s.side = 0 THEN %(product_label)s
                        WHEN m.kind = 'inv' THEN m.name
                        WHEN m.kind = 'pay' THEN 'Customer payment: ' || i.name
                        WHEN m.kind = 'upay' THEN 'Customer payment on account' END,
                   CASE WHEN is_invoice AND s.side = 1 THEN 'payment_term' ELSE 'product' END,
                   m.date, CASE WHEN is_invoice THEN m.date END,
                   CASE WHEN is_invoice AND s.side = 0 THEN NULL
                        WHEN is_invoice THEN m.date + %(term_days)s ELSE m.date END,
                   GREATEST(v.balance, 0), GREATEST(-v.balance, 0), v.balance, v.balance, 0,
                   v.residual, v.residual,
                   s.side = 1 AND v.residual = 0,
                   CASE WHEN s.side = 1 THEN mt.full_id END,
                   CASE WHEN s.side = 1 THEN mt.matching_number END,
                   CASE WHEN is_invoice AND s.side = 1 THEN 0 ELSE 1 END,
                   CASE WHEN is_invoice AND s.side = 0 THEN m.amount ELSE 0 END,
                   CASE WHEN is_invoice AND s.side = 0 THEN m.amount
                        WHEN is_invoice THEN 0 ELSE v.balance END,
                   CASE WHEN is_invoice AND s.side = 0 THEN m.amount
                        WHEN is_invoice THEN 0 ELSE v.balance END,
                   0, 0, 0,
                   FALSE, FALSE, FALSE,
                   %(uid)s, %(uid)s, %(now)s, %(now)s
              FROM bench_move m
             CROSS JOIN (VALUES (0), (1)) AS s(side)
              LEFT JOIN bench_move i ON i.kind = 'inv' AND i.n = m.n AND m.kind IN ('ref', 'pay')
              LEFT JOIN bench_match mt ON mt.n = m.n AND m.kind <> 'upay',
                   LATERAL (SELECT m.kind IN ('inv', 'ref') AS is_invoice) k,
                   LATERAL (
                       -- an invoice debits the receivable, the others credit it
                       SELECT CASE WHEN (m.kind = 'inv') = (s.side = 1) THEN m.amount
                                   ELSE -m.amount END AS balance
                   ) b,
                   LATERAL (
                       SELECT b.balance,
                              CASE WHEN s.side = 1 THEN m.residual
                                   WHEN is_invoice AND %(income_residual)s THEN b.balance
                                   WHEN NOT is_invoice AND %(outstanding_residual)s THEN b.balance
                                   ELSE 0 END AS residual
                   ) v
            ORDER BY 1
            """,
            **params,
        ),
    )
    steps.run(
        "insert account_partial_reconcile",
        SQL(
            """
            INSERT INTO account_partial_reconcile (
                id, debit_move_id, credit_move_id, full_reconcile_id, debit_currency_id,
                credit_currency_id, company_id, max_date, amount, debit_amount_currency,
                credit_amount_currency, create_uid, write_uid, create_date, write_date)
            SELECT p.id, p.debit_line_id, p.credit_line_id, mt.full_id, %(currency)s,
                   %(currency)s, %(company)s, p.max_date, p.amount, p.amount,
                   p.amount, %(uid)s, %(uid)s, %(now)s, %(now)s
              FROM bench_partial p JOIN bench_match mt ON mt.n = p.n
             ORDER BY p.id
            """,
            **params,
        ),
    )


# -- verification ----------------------------------------------------------------------

SQL_CHECKS = {
    "unbalanced moves": """
        SELECT move_id FROM account_move_line
         GROUP BY move_id
        HAVING sum(balance) <> 0 OR sum(debit) <> sum(credit) OR sum(amount_currency) <> 0
    """,
    "lines whose balance is not debit - credit": """
        SELECT id FROM account_move_line
         WHERE balance <> debit - credit OR (debit <> 0 AND credit <> 0)
            OR company_id IS NULL OR journal_id IS NULL OR date IS NULL
    """,
    "lines disagreeing with their move": """
        SELECT l.id FROM account_move_line l JOIN account_move m ON m.id = l.move_id
         WHERE l.parent_state IS DISTINCT FROM m.state OR l.date IS DISTINCT FROM m.date
            OR l.journal_id IS DISTINCT FROM m.journal_id
            OR l.move_name IS DISTINCT FROM m.name
            OR l.company_id IS DISTINCT FROM m.company_id
    """,
    "receivable residual != balance - partials": """
        WITH part AS (
            SELECT line_id, sum(amount) AS amount FROM (
                SELECT debit_move_id AS line_id, amount FROM account_partial_reconcile
                UNION ALL
                SELECT credit_move_id, -amount FROM account_partial_reconcile) p
             GROUP BY line_id
        )
        SELECT l.id FROM account_move_line l
          JOIN account_account a ON a.id = l.account_id
          LEFT JOIN part ON part.line_id = l.id
         WHERE a.account_type = 'asset_receivable'
           AND (l.amount_residual <> l.balance - COALESCE(part.amount, 0)
                OR l.amount_residual_currency <> l.amount_currency - COALESCE(part.amount, 0))
    """,
    "reconciled flag != (residual = 0)": """
        SELECT l.id FROM account_move_line l JOIN account_account a ON a.id = l.account_id
         WHERE a.account_type = 'asset_receivable'
           AND l.reconciled IS DISTINCT FROM (l.amount_residual = 0)
    """,
    "invoice amount_residual != its receivable lines": """
        SELECT m.id FROM account_move m
          JOIN account_move_line l ON l.move_id = m.id
          JOIN account_account a ON a.id = l.account_id AND a.account_type = 'asset_receivable'
         WHERE m.move_type IN ('out_invoice', 'out_refund') AND m.state = 'posted'
         GROUP BY m.id
        HAVING m.amount_residual
               <> CASE WHEN m.move_type = 'out_refund' THEN -1 ELSE 1 END * sum(l.amount_residual)
            OR m.amount_residual_signed <> sum(l.amount_residual)
    """,
    "payment_state inconsistent with residual": """
        SELECT id FROM account_move
         WHERE move_type IN ('out_invoice', 'out_refund') AND state = 'posted'
           AND NOT CASE
                   WHEN amount_residual = 0 THEN payment_state IN ('paid', 'in_payment', 'reversed')
                   -- in_payment: matched with an account.payment that has no move yet
                   WHEN amount_residual = amount_total
                       THEN payment_state IN ('not_paid', 'in_payment', 'blocked')
                   ELSE payment_state IN ('partial', 'in_payment', 'blocked') END
    """,
    "partials between mismatched lines": """
        SELECT p.id FROM account_partial_reconcile p
          JOIN account_move_line d ON d.id = p.debit_move_id
          JOIN account_move_line c ON c.id = p.credit_move_id
         WHERE p.amount <= 0 OR d.balance <= 0 OR c.balance >= 0
            OR d.account_id <> c.account_id OR d.partner_id IS DISTINCT FROM c.partner_id
            OR p.max_date IS DISTINCT FROM GREATEST(d.date, c.date)
            OR p.company_id IS DISTINCT FROM d.company_id
            OR p.debit_amount_currency <> p.amount OR p.credit_amount_currency <> p.amount
            OR p.debit_currency_id <> d.currency_id OR p.credit_currency_id <> c.currency_id
    """,
    "full reconciles that do not settle their lines": """
        SELECT f.id FROM account_full_reconcile f
          JOIN account_move_line l ON l.full_reconcile_id = f.id
         GROUP BY f.id
        HAVING sum(l.balance) <> 0 OR bool_or(l.amount_residual <> 0) OR bool_or(NOT l.reconciled)
            OR count(*) < 2
    """,
    "partials outside the full reconcile of their lines": """
        SELECT p.id FROM account_partial_reconcile p
          JOIN account_move_line d ON d.id = p.debit_move_id
          JOIN account_move_line c ON c.id = p.credit_move_id
         WHERE p.full_reconcile_id IS DISTINCT FROM d.full_reconcile_id
            OR p.full_reconcile_id IS DISTINCT FROM c.full_reconcile_id
    """,
    "duplicate posted move names per journal": """
        SELECT min(id) FROM account_move WHERE state = 'posted' AND name <> '/'
         GROUP BY journal_id, name HAVING count(*) > 1
    """,
    "customers not their own commercial partner": """
        SELECT id FROM res_partner
         WHERE customer_rank > 0 AND parent_id IS NULL AND commercial_partner_id IS DISTINCT FROM id
    """,
    "moves whose commercial partner differs from the partner's": """
        SELECT m.id FROM account_move m JOIN res_partner p ON p.id = m.partner_id
         WHERE m.commercial_partner_id IS DISTINCT FROM p.commercial_partner_id
    """,
}

ORM_SAMPLE = 50
LINE_FIELDS = ("amount_residual", "amount_residual_currency", "reconciled", "matching_number")
MOVE_FIELDS = (
    "amount_untaxed",
    "amount_tax",
    "amount_total",
    "amount_residual",
    "amount_untaxed_signed",
    "amount_total_signed",
    "amount_total_in_currency_signed",
    "amount_residual_signed",
    "payment_state",
)


def verify(env, sample=ORM_SAMPLE, seed=42):
    """Check the ledger's consistency; return a list of problems (empty: consistent).

    Set-based SQL checks over every move, then Odoo's own computations on a
    sample: ``sample`` invoices, the payments and credit notes matched with them
    and a few unapplied payments are recomputed by the ORM (in a savepoint that
    is rolled back) and must agree with the stored values.
    """
    env.flush_all()
    problems = []
    for label, query in SQL_CHECKS.items():
        env.cr.execute(SQL(f"SELECT count(*), (array_agg(id))[1:5] FROM ({query}) bad(id)"))
        count, examples = env.cr.fetchone()
        if count:
            problems.append(f"{label}: {count} (e.g. ids {examples})")
    problems.extend(_orm_cross_check(env, sample, seed))
    return problems


def _orm_cross_check(env, sample, seed):
    cr = env.cr
    # a reproducible sample spread over the whole ledger
    cr.execute(
        SQL(
            """
            (SELECT id FROM account_move WHERE move_type = 'out_invoice' AND state = 'posted'
              ORDER BY hashint8extended(id, %(seed)s) LIMIT %(sample)s)
            UNION
            (SELECT id FROM account_move WHERE move_type = 'out_refund' AND state = 'posted'
              ORDER BY hashint8extended(id, %(seed)s) LIMIT 5)
            """,
            seed=seed,
            sample=sample,
        )
    )
    invoice_ids = [row[0] for row in cr.fetchall()]
    if not invoice_ids:
        return ["ORM check: no posted customer invoice to sample"]
    env.invalidate_all()
    moves = env["account.move"].browse(invoice_ids)
    counterparts = (
        moves.line_ids.matched_debit_ids.debit_move_id
        | moves.line_ids.matched_credit_ids.credit_move_id
    ).move_id
    cr.execute(
        """
        SELECT DISTINCT l.move_id FROM account_move_line l
          JOIN account_account a ON a.id = l.account_id AND a.account_type = 'asset_receivable'
         WHERE l.amount_residual < 0 AND NOT l.reconciled AND l.full_reconcile_id IS NULL
           AND NOT EXISTS (SELECT 1 FROM account_partial_reconcile p WHERE p.credit_move_id = l.id)
         ORDER BY l.move_id LIMIT 5
        """
    )
    unapplied = env["account.move"].browse([row[0] for row in cr.fetchall()])
    moves = moves | counterparts | unapplied
    lines = moves.line_ids
    stored_lines = {line.id: tuple(line[f] for f in LINE_FIELDS) for line in lines}
    stored_moves = {move.id: tuple(move[f] for f in MOVE_FIELDS) for move in moves}

    Line, Move = env["account.move.line"], env["account.move"]
    line_fields = [Line._fields[f] for f in LINE_FIELDS[:3]]
    move_fields = [Move._fields[f] for f in MOVE_FIELDS]
    with cr.savepoint() as savepoint:
        # protecting: the recomputed values only go to the cache, never to the database
        with env.protecting(line_fields, lines):
            lines._compute_amount_residual()
        with env.protecting(move_fields, moves):
            moves._compute_amount()
            moves._compute_payment_state()
        computed_lines = {line.id: tuple(line[f] for f in LINE_FIELDS[:3]) for line in lines}
        computed_moves = {move.id: tuple(move[f] for f in MOVE_FIELDS) for move in moves}
        env.clear()
        # Odoo numbers the matching graphs itself (plain UPDATE, undone below)
        env["account.partial.reconcile"]._update_matching_number(lines)
        numbers = {line.id: line.matching_number for line in lines}
        savepoint.close(rollback=True)
    env.clear()

    problems = []
    for line_id, values in stored_lines.items():
        expected = (*computed_lines[line_id], numbers[line_id])
        if values != expected:
            problems.append(f"ORM check: line {line_id} stores {values}, Odoo computes {expected}")
    for move_id, values in stored_moves.items():
        if values != computed_moves[move_id]:
            problems.append(
                f"ORM check: move {move_id} stores {values}, Odoo computes {computed_moves[move_id]}"
            )
    return problems[:20] + ([f"... {len(problems) - 20} more"] if len(problems) > 20 else [])
