import json

from odoo import api, fields, models
from odoo.tools import SQL

from ..engine import activity, collector, credit, scoring
from ..ledger import by_age_of, open_receivables_by_age_query, posted_receivable

# Company-dependent results the recompute writes set-wise (name -> SQL cast).
TIER_RESULT_COLUMNS = {
    "customer_tier": "text",
    "tier_computed": "text",
    "tier_current_score": "float8",
    "tier_potential_score": "float8",
    "tier_rising": "bool",
    "tier_candidate": "text",
    "customer_activity_status": "text",
    "last_invoice_date": "text",
    "tier_revenue": "float8",
    "tier_breakdown": "text",
    "credit_score": "float8",
    "credit_grade": "text",
    "credit_paydex": "float8",
    "credit_dso": "float8",
    "credit_overdue_share": "float8",
    "credit_suggested_limit": "float8",
    "credit_breakdown": "text",
    "credit_review_due": "text",
}
FLOAT_RESULTS = (
    "tier_current_score",
    "tier_potential_score",
    "tier_revenue",
    "credit_score",
    "credit_paydex",
    "credit_dso",
    "credit_overdue_share",
    "credit_suggested_limit",
)


# json.dumps(..., sort_keys=True) builds an encoder per call: twice per customer
_breakdown_json = json.JSONEncoder(sort_keys=True).encode


class CustomerTieringNightly(models.AbstractModel):
    """The nightly grading of customers, one company at a time: tier and
    credit scores from set-wise queries, written in one UPDATE per batch, with
    their history, chatter notes and follow-up activities.

    A fixed number of queries per batch whatever its size; only customers whose
    results changed are written and get history and chatter lines.

    Extension hooks other addons override; they stay on the models where
    callers and overriding addons find them, and the run calls them there:

    - ``res.partner._tiering_factor_values(partners, date)``: extra factor
      values (0..1) per partner id for a batch, as
      ``{partner_id: {"current_<name>": v, "potential_<name>": v}}``.
      ``logistics_crm`` adds shipment volume, on-time delivery and complaints.
    - ``customer.tier.policy._engine_weights()``: the weights, where such an
      extra factor gets its own; a key without weight does not count.
    - ``res.partner._tiering_scope_ids(company)``: the customers a company grades.

    Outside the run, on ``res.partner``: ``_tier_factor_labels()`` names those
    factors in the form's score breakdown, and ``_credit_exposure(partners)``
    (exposure per commercial partner, for the credit hold) is what
    ``logistics_crm`` extends with delivered, uninvoiced freight.

    ``res.partner._recompute_customer_tiers()`` is the public entry point (the
    cron, the policy and the form's button call it).
    """

    _name = "customer.tiering.nightly"
    _description = "Customer Tiering: nightly recompute"

    @api.model
    def _recompute_customer_tiers(self, partner_ids=None, commit_batches=False):
        """Score, classify and write the customers of the current company."""
        company = self.env.company
        policy = self.env["customer.tier.policy"]._for_company(company)
        self.env.flush_all()  # the aggregates below read the tables directly
        partners = self.env["res.partner"]
        ids = partner_ids if partner_ids is not None else partners._tiering_scope_ids(company)
        today = fields.Date.context_today(self)
        stats = {"customers": 0, "changed": 0, "tier_changes": 0, "grade_changes": 0}
        size = policy.batch_size
        # several batches read their facts from aggregates of the whole ledger
        run_facts = {} if len(ids) > size else None
        for start in range(0, len(ids), size):
            batch = partners.browse(ids[start : start + size])
            # its facts, scores and rows are no garbage: see the helper
            with collector.gc_paused():
                batch_stats = self._recompute_tier_batch(batch, policy, today, run_facts)
            for key, value in batch_stats.items():
                stats[key] += value
            if commit_batches:
                self.env.cr.commit()  # pylint: disable=invalid-commit
        for table in (run_facts or {}).values():
            self.env.cr.execute(SQL("DROP TABLE %s", SQL.identifier(table)))
        # the run's summary is the system's record, whoever started the run
        policy.sudo().write(
            {"last_run": fields.Datetime.now(), "last_run_summary": policy._summary(stats)}
        )
        return stats

    def _recompute_tier_batch(self, partners, policy, today, run_facts=None):
        company = policy.company_id
        facts, credit_facts = self._tiering_facts(partners, company, policy, today, run_facts)
        extra = partners._tiering_factor_values(partners, today)
        current_weights, potential_weights = policy._engine_weights()
        results = {}
        scales, matrix = policy._engine_scales(), policy._engine_matrix()
        boundaries = policy._engine_boundaries()
        credit_weights, grades = policy._credit_weights(), policy._credit_grades()
        floors = {grade: line.min_score for grade, line in grades.items()}
        # the policy read once: a field read per customer costs more than its scoring
        rules = self._batch_rules(policy, grades)
        for partner_id, fact in facts.items():
            fact.extra = extra.get(partner_id, {})
        tier_results = scoring.score_batch(
            list(facts.values()), current_weights, potential_weights, scales, matrix
        )
        for (partner_id, fact), result in zip(facts.items(), tier_results):
            credit_result = credit.score(credit_facts[partner_id], credit_weights, floors)
            results[partner_id] = (fact, result, credit_result)
        previous = self._tier_stored_results(partners, company)
        rows, changes, grade_changes = [], [], []
        for partner_id, (fact, result, credit_result) in results.items():
            old = previous[partner_id]
            new = self._tier_row(fact, result, old, rules, boundaries, today)
            new.update(self._credit_row(fact, credit_result, old, rules, today))
            if new != old["row"]:
                rows.append((partner_id, new))
                if new["customer_tier"] != old["row"]["customer_tier"]:
                    changes.append((partner_id, old["row"]["customer_tier"], new, result))
                if new["credit_grade"] != old["row"]["credit_grade"]:
                    grade_changes.append(
                        (
                            partner_id,
                            old["row"]["credit_grade"],
                            credit_facts[partner_id],
                            credit_result,
                        )
                    )
        self._write_tier_results(company, rows)
        self._log_tier_changes(company, changes)
        self._log_credit_changes(company, grade_changes, dict(rows))
        self._schedule_tier_activities(partners, policy, previous, dict(rows), today)
        self._schedule_credit_activities(
            partners, policy, previous, credit_facts, dict(rows), today
        )
        return {
            "customers": len(results),
            "changed": len(rows),
            "tier_changes": len(changes),
            "grade_changes": len(grade_changes),
        }

    @api.model
    def _batch_rules(self, policy, grades):
        """What the per-customer rows need from the policy and its grade table."""
        return {
            "candidate_margin": policy.candidate_margin,
            "floors": {
                "platinum": policy.platinum_min,
                "gold": policy.gold_min,
                "iron": policy.iron_min,
            },
            "ceilings": {
                "gold": policy.platinum_min,
                "iron": policy.gold_min,
                "lead": policy.iron_min,
            },
            "window_months": max(policy.window_months, 1),
            "limit_months": {grade: line.limit_months for grade, line in grades.items()},
            "review_months": {grade: line.review_months for grade, line in grades.items()},
        }

    def _tier_row(self, fact, result, old, rules, boundaries, today):
        last = fact.last_invoice_date
        computed = result.tier
        shown = old["row"]["customer_tier"] if old["locked"] else computed
        # the flag speaks of the tier shown: none while a lock shows another one
        candidate = self._candidate_of(result, rules) if shown == computed else None
        return {
            "customer_tier": shown,
            "tier_computed": computed,
            "tier_current_score": result.current_score,
            "tier_potential_score": result.potential_score,
            "tier_rising": result.rising,
            "tier_candidate": candidate,
            "customer_activity_status": activity.activity_status(last, today, boundaries),
            "last_invoice_date": last.isoformat() if last else None,
            "tier_revenue": round(fact.revenue, 2),
            "tier_breakdown": _breakdown_json(result.breakdown),
        }

    @staticmethod
    def _candidate_of(result, rules):
        """Close enough to the next threshold up or down to be looked at."""
        margin, score, tier = rules["candidate_margin"], result.current_score, result.tier
        ceiling = rules["ceilings"].get(tier)
        if ceiling is not None and score >= ceiling - margin:
            return "promotion"
        floor = rules["floors"].get(tier)
        if floor is not None and not result.rising and score < floor + margin:
            return "demotion"
        return None

    def _tiering_facts(self, partners, company, policy, today, run_facts=None):
        """One PartnerFacts per customer of the batch, from three aggregate queries.

        ``run_facts``: None, or the dict of aggregates of a run of several batches
        (see :meth:`_fact_rows`)."""
        window_start = activity.add_months(today, -policy.window_months)
        mid = activity.add_months(today, -(policy.window_months // 2))
        params = {
            "company": company.id,
            "ids": partners.ids,
            "start": window_start,
            "mid": mid,
            "today": today,
            "run_facts": run_facts,
        }
        facts = {
            row[0]: scoring.PartnerFacts(
                row[0],
                employees=row[1] or None,
                annual_revenue=row[2] or None,
                wallet_share=row[3] or None,
                outlook=row[4] or None,
            )
            for row in self.env.execute_query(
                SQL(
                    """SELECT id, employee_count, annual_revenue, wallet_share_potential, growth_outlook
                         FROM res_partner WHERE id = ANY(%(ids)s)""",
                    **params,
                )
            )
        }
        window_days, window_months = (today - window_start).days, policy.window_months
        credit_facts = {
            pid: credit.CreditFacts(pid, window_days=window_days, window_months=window_months)
            for pid in facts
        }
        for pid, revenue, last_half, prev_half, count, last_date, months in self._invoice_totals(
            params
        ):
            fact = facts[pid]
            fact.revenue, fact.revenue_last_half, fact.revenue_previous_half = (
                revenue,
                last_half,
                prev_half,
            )
            fact.invoice_count = count
            fact.last_invoice_date = last_date
            fact.days_since_last_invoice = (today - last_date).days if last_date else None
            credit_facts[pid].revenue = revenue
            credit_facts[pid].months_invoiced = months
        for pid, paid_days, paid, open_days, overdue in self._payment_delays(params):
            if paid + overdue:
                # for the tier a customer who never pays is late too
                facts[pid].avg_days_late = (paid_days + open_days) / (paid + overdue)
            if paid:
                credit_facts[pid].avg_days_beyond_terms = paid_days / paid
        self._credit_ledger_facts(credit_facts, params)
        for pid, ordered, invoiced, margin in self._order_fulfilment(params):
            if ordered:
                facts[pid].ordered_amount = ordered
                facts[pid].invoiced_amount = invoiced
                if margin is not None:
                    facts[pid].margin_ratio = margin / ordered
        return facts, credit_facts

    @api.model
    def _fact_rows(self, params, name, query):
        """The rows of the batch ``params["ids"]`` of a per-customer aggregate.

        ``query(scope)`` is the aggregate's SQL, the customer id first, where
        ``scope(column)`` is the filter on its customer column.  Alone, a batch
        filters its customers.  In a run of several batches (``params["run_facts"]``
        a dict) the aggregate runs once over every customer into a temporary table
        that each batch reads: a batch's customers have lines all over the ledger,
        and filtering them batch by batch reads most of it each time.
        """
        ids, run_facts = params["ids"], params.get("run_facts")
        if run_facts is None:
            return self.env.execute_query(query(lambda column: SQL("%s = ANY(%s)", column, ids)))
        if name not in run_facts:
            table = SQL.identifier(f"customer_tiering_run_{name}")
            everyone = query(lambda column: SQL("TRUE"))
            cr = self.env.cr
            # its output columns, which an aggregate leaves unnamed or named alike
            cr.execute(SQL("SELECT * FROM (%s) q LIMIT 0", everyone))
            names = SQL(", ").join(SQL.identifier(f"c{i}") for i in range(len(cr.description)))
            cr.execute(SQL("DROP TABLE IF EXISTS %s", table))
            cr.execute(SQL("CREATE TEMPORARY TABLE %s (%s) AS %s", table, names, everyone))
            run_facts[name] = f"customer_tiering_run_{name}"
        return self.env.execute_query(
            SQL(
                "SELECT * FROM %s WHERE c0 = ANY(%s)",
                SQL.identifier(run_facts[name]),
                ids,
            )
        )

    def _invoice_totals(self, params):
        """Revenue over the window and its halves, invoices, the last one, months invoiced."""
        start, today = params["start"], params["today"]
        invoiced_in_window = SQL("m.move_type = 'out_invoice' AND m.invoice_date > %s", start)
        if (today.year - start.year) * 12 + today.month - start.month < 63:
            # a bit per month of the window, OR-ed per customer and counted: unlike
            # COUNT(DISTINCT), which sorts every invoice of the ledger, it lets
            # PostgreSQL aggregate by hash (and in parallel)
            month = SQL(
                "EXTRACT(YEAR FROM m.invoice_date)::int * 12 + EXTRACT(MONTH FROM m.invoice_date)::int"
                " - %s",
                start.year * 12 + start.month,
            )
            months = SQL(
                "COALESCE(length(replace("
                "(bit_or(1::int8 << (%s)) FILTER (WHERE %s))::bit(64)::text, '0', '')), 0)",
                month,
                invoiced_in_window,
            )
        else:
            months = SQL(
                "COUNT(DISTINCT date_trunc('month', m.invoice_date)) FILTER (WHERE %s)",
                invoiced_in_window,
            )
        return self._fact_rows(
            params,
            "invoice_totals",
            lambda scope: SQL(
                """
                SELECT m.commercial_partner_id,
                       COALESCE(SUM(m.amount_untaxed_signed) FILTER (WHERE m.invoice_date > %(start)s), 0)::float8,
                       COALESCE(SUM(m.amount_untaxed_signed) FILTER (WHERE m.invoice_date > %(mid)s), 0)::float8,
                       COALESCE(SUM(m.amount_untaxed_signed)
                                FILTER (WHERE m.invoice_date > %(start)s AND m.invoice_date <= %(mid)s), 0)::float8,
                       COUNT(*) FILTER (WHERE %(invoiced_in_window)s),
                       MAX(m.invoice_date) FILTER (WHERE m.move_type = 'out_invoice'),
                       %(months)s
                  FROM account_move m
                 WHERE m.company_id = %(company)s
                   AND %(scope)s
                   AND m.state = 'posted'
                   AND m.move_type IN ('out_invoice', 'out_refund')
                   AND m.invoice_date <= %(today)s
                 GROUP BY m.commercial_partner_id
                """,
                scope=scope(SQL("m.commercial_partner_id")),
                invoiced_in_window=invoiced_in_window,
                months=months,
                **params,
            ),
        )

    def _payment_delays(self, params):
        """Amount-weighted days beyond terms: paid parts at their payment date,
        overdue open parts as of today (a customer who never pays is late too)."""
        return self._fact_rows(
            params,
            "payment_delays",
            lambda scope: SQL(
                """
                WITH items AS (
                    SELECT l.id, l.partner_id, l.date_maturity, l.amount_residual
                      FROM account_move_line l
                     WHERE l.company_id = %(company)s
                       AND %(scope)s
                       AND %(receivable)s
                       AND l.balance > 0
                       AND l.date > %(start)s AND l.date <= %(today)s
                )
                -- paid parts and overdue open parts as rows of their own, summed per
                -- customer at once: no sum per line (155k groups spilled to disk)
                SELECT partner_id,
                       COALESCE(SUM(weighted_days), 0)::float8, COALESCE(SUM(paid), 0)::float8,
                       COALESCE(SUM(open_days), 0)::float8, COALESCE(SUM(overdue), 0)::float8
                  FROM (
                    SELECT i.partner_id, p.amount * (p.max_date - i.date_maturity) AS weighted_days,
                           p.amount AS paid, 0 AS open_days, 0 AS overdue
                      FROM items i
                      JOIN account_partial_reconcile p ON p.debit_move_id = i.id
                     WHERE p.max_date <= %(today)s
                    UNION ALL
                    SELECT i.partner_id, 0, 0,
                           i.amount_residual * (%(today)s::date - i.date_maturity), i.amount_residual
                      FROM items i
                     WHERE i.date_maturity < %(today)s AND i.amount_residual > 0
                  ) parts
                 GROUP BY partner_id
                """,
                scope=scope(SQL("l.partner_id")),
                receivable=posted_receivable(),
                **params,
            ),
        )

    def _order_fulfilment(self, params):
        """Ordered against invoiced on confirmed orders of the window (and margin if known)."""
        order_line = self.env["sale.order.line"]
        margin = SQL("SUM(sol.margin)") if "margin" in order_line._fields else SQL("NULL::numeric")
        return self._fact_rows(
            params,
            "order_fulfilment",
            lambda scope: SQL(
                """
                SELECT rp.commercial_partner_id,
                       SUM(sol.price_subtotal),
                       SUM(sol.price_subtotal
                           * LEAST(sol.qty_invoiced / NULLIF(sol.product_uom_qty, 0), 1)),
                       %(margin)s
                  FROM sale_order_line sol
                  JOIN sale_order so ON so.id = sol.order_id
                  JOIN res_partner rp ON rp.id = so.partner_id
                 WHERE so.company_id = %(company)s
                   AND so.state = 'sale'
                   AND so.date_order > %(start)s
                   AND %(scope)s
                   AND sol.display_type IS NULL
                 GROUP BY rp.commercial_partner_id
                """,
                scope=scope(SQL("rp.commercial_partner_id")),
                margin=margin,
                **params,
            ),
        )

    def _tier_stored_results(self, partners, company):
        """What the previous recompute wrote, for the current company."""
        key = str(company.id)
        # floats and booleans cast by PostgreSQL: cheaper than converting text per value
        columns = SQL(", ").join(
            SQL("(%s->>%s)::%s", SQL.identifier(name), key, SQL(TIER_RESULT_COLUMNS[name]))
            if name in FLOAT_RESULTS or name == "tier_rising"
            else SQL("%s->>%s", SQL.identifier(name), key)
            for name in TIER_RESULT_COLUMNS
        )
        rows = self.env.execute_query(
            SQL(
                "SELECT id, user_id, (tier_locked->>%s)::bool, %s FROM res_partner WHERE id = ANY(%s)",
                key,
                columns,
                partners.ids,
            )
        )
        previous = {}
        for pid, user_id, locked, *values in rows:
            row = dict(zip(TIER_RESULT_COLUMNS, values))
            row["tier_rising"] = bool(row["tier_rising"])
            previous[pid] = {"row": row, "locked": bool(locked), "user_id": user_id}
        return previous

    def _write_tier_results(self, company, rows):
        """One UPDATE for the whole batch, merging this company's key into each jsonb."""
        if not rows:
            return
        key = str(company.id)
        arrays = {name: [new[name] for _pid, new in rows] for name in TIER_RESULT_COLUMNS}
        assignments = SQL(", ").join(
            SQL(
                "%s = COALESCE(p.%s, '{}'::jsonb) || jsonb_build_object(%s, v.%s)",
                SQL.identifier(name),
                SQL.identifier(name),
                key,
                SQL.identifier(name),
            )
            for name in TIER_RESULT_COLUMNS
        )
        unnests = SQL(", ").join(
            SQL("%s::%s[]", arrays[name], SQL(cast)) for name, cast in TIER_RESULT_COLUMNS.items()
        )
        self.env.cr.execute(
            SQL(
                """
                UPDATE res_partner p
                   SET %(assignments)s, write_date = now() at time zone 'UTC', write_uid = %(uid)s
                  FROM unnest(%(ids)s::int[], %(unnests)s) AS v(id, %(names)s)
                 WHERE p.id = v.id
                """,
                assignments=assignments,
                uid=self.env.uid,
                ids=[pid for pid, _new in rows],
                unnests=unnests,
                names=SQL(", ").join(SQL.identifier(name) for name in TIER_RESULT_COLUMNS),
            )
        )
        self.env["res.partner"].invalidate_model(
            list(TIER_RESULT_COLUMNS) + ["write_date", "write_uid"]
        )

    def _credit_ledger_facts(self, credit_facts, params):
        """Open receivables in the company's buckets and the latest reviewed statements,
        two queries."""
        company = self.env["res.company"].browse(params["company"])
        edges = company._receivable_edges()
        by_age = by_age_of(
            self._fact_rows(
                params,
                "open_by_age",
                lambda scope: open_receivables_by_age_query(
                    company, scope(SQL("l.partner_id")), params["today"]
                ),
            )
        )
        for pid, aged in by_age.items():
            facts = credit_facts[pid]
            facts.open_amount, facts.edges, facts.aged = sum(aged), edges, tuple(aged)
        for pid, current_ratio, debt_ratio, asset_turnover, net_margin in self.env.execute_query(
            SQL(
                """
                SELECT DISTINCT ON (partner_id)
                       partner_id, current_ratio, debt_ratio, asset_turnover, net_margin
                  FROM customer_credit_review
                 WHERE company_id = %(company)s AND partner_id = ANY(%(ids)s)
                   AND has_statements AND state = 'done'
                 ORDER BY partner_id, date DESC, id DESC
                """,
                **params,
            )
        ):
            facts = credit_facts[pid]
            facts.current_ratio, facts.debt_ratio = current_ratio, debt_ratio
            facts.asset_turnover, facts.net_margin = asset_turnover, net_margin

    def _credit_row(self, fact, result, old, rules, today):
        monthly_revenue = fact.revenue / rules["window_months"]
        due = old["row"]["credit_review_due"]
        if result.grade != old["row"]["credit_grade"] or not due:
            months = rules["review_months"].get(result.grade, 6)
            due = activity.add_months(today, months).isoformat()
        return {
            "credit_score": result.score,
            "credit_grade": result.grade,
            "credit_paydex": result.paydex,
            "credit_dso": result.dso,
            "credit_overdue_share": result.overdue_share,
            "credit_suggested_limit": credit.suggested_limit(
                result.grade, monthly_revenue, rules["limit_months"]
            ),
            "credit_breakdown": _breakdown_json(result.breakdown),
            "credit_review_due": due,
        }
