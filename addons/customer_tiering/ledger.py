"""The receivable lines every figure of this addon reads, and their aging, written once.

The 360, the exposure, the nightly credit facts, the month-end snapshot and
the collection plan all count the same lines and age them into the same
buckets (the company's edges, see ``engine/aging.py``), so that their totals
agree.
"""

from odoo.tools import SQL

from .engine import aging


def posted_receivable(alias="l"):
    """WHERE fragment: posted journal items on receivable accounts (alias ``l``)."""
    return SQL(
        """%(line)s.parent_state = 'posted'
           AND %(line)s.account_id IN (SELECT id FROM account_account
                                        WHERE account_type = 'asset_receivable')""",
        line=SQL.identifier(alias),
    )


def open_receivable(company_id, alias="l"):
    """WHERE fragment: the receivable lines of ``company_id`` still open now."""
    return SQL(
        "%(line)s.company_id = %(company)s AND NOT %(line)s.reconciled AND %(posted)s",
        line=SQL.identifier(alias),
        company=company_id,
        posted=posted_receivable(alias),
    )


def aged_items(where, age_at, edges, basis="due", residual_at=None):
    """SELECT of the lines matching ``where`` (alias ``l``) with their aging bucket.

    Columns: id, partner_id, date, debit, credit, balance, residual, bucket, account_id.
    ``bucket`` is 0 for not due, then 1..len(edges)+1 counted at ``age_at``, from
    the due date (an item without one is due on its own date) or the invoice date.
    ``residual_at``: the residual the line had at the end of that day, partial
    reconciliations dated later added back (a partial's date is the later of its
    two lines'); without it, the residual today.  With it, each later partial is
    a row of its own (its amount as residual, no debit, credit or balance) in its
    line's bucket: sums per line or customer are the same, rows are not lines, and
    no aggregate per line is needed (on a large ledger that one spills to disk).
    """
    if basis == "invoice":
        reference = SQL("COALESCE(l.invoice_date, l.date)")
    else:
        reference = SQL("COALESCE(l.date_maturity, l.date)")
    bucket = SQL(
        "width_bucket(%s::date - %s, %s::int[])", age_at, reference, aging.lower_bounds(edges)
    )
    lines = SQL(
        """SELECT l.id, l.partner_id, l.date, l.debit, l.credit, l.balance,
                  l.amount_residual AS residual, %(bucket)s AS bucket, l.account_id
             FROM account_move_line l
            WHERE %(where)s""",
        bucket=bucket,
        where=where,
    )
    if residual_at is None:
        return lines
    later = SQL(
        """SELECT l.id, l.partner_id, l.date, 0, 0, 0, p.amount, %(bucket)s, l.account_id
             FROM (SELECT debit_move_id AS line_id, amount
                     FROM account_partial_reconcile WHERE max_date > %(day)s
                   UNION ALL
                   SELECT credit_move_id, -amount
                     FROM account_partial_reconcile WHERE max_date > %(day)s) p
             JOIN account_move_line l ON l.id = p.line_id
            WHERE %(where)s""",
        bucket=bucket,
        day=residual_at,
        where=where,
    )
    return SQL("%s UNION ALL %s", lines, later)


def open_receivables_by_age(env, company, partner_ids, today):
    """{partner id: [not due, overdue bucket 1, ..., over the last edge]} of the
    receivables open today, in the company's buckets; one query."""
    partners = SQL("l.partner_id = ANY(%s)", list(partner_ids))
    rows = env.execute_query(open_receivables_by_age_query(company, partners, today))
    return by_age_of(rows)


def open_receivables_by_age_query(company, partners, today):
    """The query of :func:`open_receivables_by_age`; ``partners`` filters ``l.partner_id``."""
    edges = company._receivable_edges()
    sums = SQL(", ").join(
        SQL("COALESCE(SUM(residual) FILTER (WHERE bucket = %s), 0)", index)
        for index in range(len(edges) + 2)
    )
    return SQL(
        "SELECT partner_id, %s FROM (%s) items GROUP BY partner_id",
        sums,
        aged_items(SQL("%s AND %s", open_receivable(company.id), partners), today, edges),
    )


def by_age_of(rows):
    """Rows of :func:`open_receivables_by_age_query` as {partner id: amounts}."""
    return {row[0]: [float(amount) for amount in row[1:]] for row in rows}
