import logging

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from ..access import CREDIT_CONTROLLER, require_any_group
from ..engine import aging, receivables
from ..ledger import aged_items, posted_receivable

_logger = logging.getLogger(__name__)

BUCKET_COUNT = aging.MAX_EDGES + 2  # not due, up to MAX_EDGES closed ranges, the open end
BUCKET_FIELDS = [f"bucket_{index}" for index in range(BUCKET_COUNT)]
SNAPSHOT_STATES = [("draft", "Draft"), ("computed", "Computed"), ("closed", "Closed")]
AGING_BASES = [("due", "Due Date"), ("invoice", "Invoice Date")]
# What a closed snapshot still lets through (chatter bookkeeping, the tie-out check).
CLOSED_WRITABLE = frozenset(
    {"message_main_attachment_id", "ledger_balance", "ledger_by_account"}
    | {"tie_out_difference", "tie_out_ok"}
)


class ReceivableSnapshot(models.Model):
    """A month-end picture of the receivables of one company."""

    _name = "receivable.snapshot"
    _description = "Month-end Receivables Snapshot"
    _inherit = ["mail.thread"]
    _order = "date_to desc, id desc"
    _check_company_auto = True

    def _default_date_to(self):
        return fields.Date.context_today(self)

    name = fields.Char(compute="_compute_name", store=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, tracking=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    # the cut-off's month unless given
    date_from = fields.Date(
        string="Period Start",
        required=True,
        compute="_compute_date_from",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
    )
    date_to = fields.Date(
        string="Cut-off Date",
        required=True,
        default=_default_date_to,
        tracking=True,
        help="Only posted entries dated on or before this day count; payments and "
        "reconciliations dated later are left out.",
    )
    state = fields.Selection(SNAPSHOT_STATES, default="draft", required=True, tracking=True)
    aging_basis = fields.Selection(
        AGING_BASES,
        string="Age by",
        default="due",
        required=True,
        help="Count the days past the due date, or since the invoice date.",
    )
    bucket_edges = fields.Char(
        string="Bucket Edges (days)",
        default=lambda self: self.env.company.receivable_bucket_edges,
        required=True,
        help="Last overdue day of each bucket, ascending, separated by commas "
        "(at most six): 30,60,90,120 gives not due, 1-30, 31-60, 61-90, 91-120 and over 120. "
        "New snapshots start with the company's aging buckets.",
    )
    bucket_labels = fields.Char(compute="_compute_bucket_labels")
    bucket_used = fields.Integer(compute="_compute_bucket_labels")
    previous_id = fields.Many2one(
        "receivable.snapshot",
        string="Previous Snapshot",
        readonly=True,
        check_company=True,
        help="The latest earlier snapshot of the company, the base of the changes shown.",
    )
    line_ids = fields.One2many("receivable.snapshot.line", "snapshot_id", string="Customers")
    line_count = fields.Integer(compute="_compute_line_count")
    statement_ids = fields.One2many("receivable.statement", "snapshot_id", string="Statements")
    statement_count = fields.Integer(compute="_compute_statement_count")
    collection_target_ids = fields.One2many(
        "receivable.collection.target", "snapshot_id", string="Collection Plan"
    )
    collection_target_count = fields.Integer(compute="_compute_collection_target_count")
    computed_at = fields.Datetime(readonly=True)
    total_opening = fields.Monetary(string="Opening Balance", readonly=True)
    total_debit = fields.Monetary(string="Debit", readonly=True)
    total_credit = fields.Monetary(string="Credit", readonly=True)
    total_closing = fields.Monetary(string="Closing Balance", readonly=True)
    total_overdue = fields.Monetary(string="Overdue", readonly=True)
    total_buckets = fields.Monetary(
        string="Sum of Buckets", readonly=True, help="The aging buckets added up."
    )
    ledger_balance = fields.Monetary(
        string="Ledger Receivable Balance",
        readonly=True,
        help="Balance of all receivable accounts in the general ledger at the cut-off.",
    )
    ledger_by_account = fields.Json(
        string="Ledger Balance by Account",
        readonly=True,
        copy=False,
        help="{receivable account id: balance} at the cut-off, read with the ledger balance.",
    )
    tie_out_difference = fields.Monetary(string="Difference to Ledger", readonly=True)
    tie_out_ok = fields.Boolean(string="Ties to Ledger", readonly=True)

    # -- computes ---------------------------------------------------------------

    @api.depends("company_id", "date_to")
    def _compute_name(self):
        for snapshot in self:
            # the name is stored once: in the company's language, whoever computes it
            lang = snapshot.company_id.partner_id.lang or self.env.lang
            snapshot.name = self.with_context(lang=lang).env._(
                "Receivables at %(date)s", date=fields.Date.to_string(snapshot.date_to) or ""
            )

    @api.depends("date_to")
    def _compute_date_from(self):
        for snapshot in self.filtered("date_to"):
            snapshot.date_from = snapshot.date_to.replace(day=1)

    @api.depends("bucket_edges")
    def _compute_bucket_labels(self):
        for snapshot in self:
            try:
                labels = snapshot._bucket_labels()
            except UserError:
                labels = []
            snapshot.bucket_labels = " | ".join(labels)
            snapshot.bucket_used = len(labels)

    def _compute_line_count(self):
        counts = dict(
            self.env["receivable.snapshot.line"]._read_group(
                [("snapshot_id", "in", self.ids)], ["snapshot_id"], ["__count"]
            )
        )
        for snapshot in self:
            snapshot.line_count = counts.get(snapshot, 0)

    def _compute_statement_count(self):
        counts = dict(
            self.env["receivable.statement"]._read_group(
                [("snapshot_id", "in", self.ids)], ["snapshot_id"], ["__count"]
            )
        )
        for snapshot in self:
            snapshot.statement_count = counts.get(snapshot, 0)

    def _compute_collection_target_count(self):
        counts = dict(
            self.env["receivable.collection.target"]._read_group(
                [("snapshot_id", "in", self.ids)], ["snapshot_id"], ["__count"]
            )
        )
        for snapshot in self:
            snapshot.collection_target_count = counts.get(snapshot, 0)

    @api.constrains("bucket_edges")
    def _check_bucket_edges(self):
        for snapshot in self:
            snapshot._edges()

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for snapshot in self:
            if snapshot.date_from > snapshot.date_to:
                raise ValidationError(self.env._("The period must start on or before the cut-off."))

    # -- CRUD -------------------------------------------------------------------

    def write(self, vals):
        if set(vals) - CLOSED_WRITABLE:
            self._check_not_closed()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_closed(self):
        self._check_not_closed()

    def _check_not_closed(self):
        if any(snapshot.state == "closed" for snapshot in self):
            raise UserError(self.env._("A closed snapshot can be neither recomputed nor changed."))

    # -- helpers ----------------------------------------------------------------

    def _edges(self):
        self.ensure_one()
        return self.env["res.company"]._parse_bucket_edges(self.bucket_edges)

    def _bucket_labels(self):
        """Translated bucket titles: Not due, 1-30, ..., Over 120."""
        self.ensure_one()
        try:
            edges = self._edges()
        except ValidationError as exc:
            raise UserError(exc.args[0]) from exc
        return self.env["res.company"]._bucket_labels(edges)

    @api.model
    def _month_bounds(self, day):
        """(first day, last day) of the month of ``day``."""
        first = day.replace(day=1)
        return first, first + relativedelta(months=1, days=-1)

    def _find_previous(self):
        self.ensure_one()
        return self.search(
            [
                ("company_id", "=", self.company_id.id),
                ("date_to", "<", self.date_to),
                ("state", "in", ("computed", "closed")),
                ("id", "!=", self.id),
            ],
            order="date_to desc, id desc",
            limit=1,
        )

    # -- actions ----------------------------------------------------------------

    @api.model
    def _check_credit_controller(self):
        """Month end writes with raw SQL: credit controllers only, whoever can read it."""
        message = self.env._("Only a credit controller can run the month end.")
        require_any_group(self.env, message, CREDIT_CONTROLLER)

    def action_compute(self):
        self._check_credit_controller()
        for snapshot in self:
            snapshot._check_not_closed()
            snapshot._compute_snapshot()
        return True

    def action_close(self):
        self._check_credit_controller()
        for snapshot in self:
            if snapshot.state != "computed":
                raise UserError(self.env._("Only a computed snapshot can be closed."))
        self.write({"state": "closed"})
        return True

    def action_reset_draft(self):
        self._check_credit_controller()
        self._check_not_closed()
        if self.statement_ids.filtered(lambda s: s.state != "draft"):
            raise UserError(self.env._("Statements of this snapshot were already sent."))
        self.statement_ids.unlink()
        self.line_ids.unlink()
        self.write({"state": "draft", "computed_at": False})
        return True

    def action_check_tie_out(self):
        """Compare the stored lines with the ledger as it is now (backdated entries show)."""
        self._check_credit_controller()
        for snapshot in self:
            snapshot.write(snapshot._tie_out(snapshot.total_closing))
        return True

    def action_open_lines(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_tiering.receivable_snapshot_line_action"
        )
        action["domain"] = [("snapshot_id", "=", self.id)]
        action["context"] = {"default_snapshot_id": self.id}
        return action

    def action_open_statements(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_tiering.receivable_statement_action"
        )
        action["domain"] = [("snapshot_id", "=", self.id)]
        return action

    def action_create_collection_plan(self):
        """Year-end collection plan: a target per overdue customer."""
        self._check_credit_controller()
        self.ensure_one()
        if self.state == "draft":
            raise UserError(self.env._("Compute the snapshot first."))
        self.env["receivable.collection.target"]._create_for_snapshot(self)
        return self.action_open_collection_plan()

    def action_open_collection_plan(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "customer_tiering.receivable_collection_target_action"
        )
        action["domain"] = [("snapshot_id", "=", self.id)]
        return action

    def action_generate_statements(self):
        """A statement for every customer with a balance or movements."""
        self._check_credit_controller()
        self.ensure_one()
        self.env["receivable.statement"]._generate_for_snapshot(self)
        return self.action_open_statements()

    def action_send_statements(self):
        """Email every statement not yet answered to its customer, in one batch."""
        self._check_credit_controller()
        self.ensure_one()
        statements = self.statement_ids.filtered(lambda s: s.state == "draft")
        if not statements:
            raise UserError(self.env._("No statement waiting to be sent."))
        statements.action_send()
        return True

    def action_export_xlsx(self):
        """Store the workbook as an attachment of the snapshot and download it."""
        self.ensure_one()
        if self.state == "draft":
            raise UserError(self.env._("Compute the snapshot first."))
        workbooks = self.env["receivable.snapshot.xlsx"]
        return workbooks._download(
            self,
            f"receivables-{fields.Date.to_string(self.date_to)}.xlsx",
            workbooks._snapshot_workbook(self),
        )

    # -- the computation ----------------------------------------------------------

    def _compute_snapshot(self):
        """All customers in a fixed number of queries, whatever the size of the ledger:
        one pass over the ledger sums it per customer and account, the lines and the
        tie-out's ledger balances are read from those sums, one aggregate totals the
        lines."""
        self.ensure_one()
        edges = self._edges()
        self.env.flush_all()  # the queries below read the tables directly
        previous = self._find_previous()
        self.env.cr.execute(
            SQL("DELETE FROM receivable_snapshot_line WHERE snapshot_id = %s", self.id)
        )
        ledger_by_account = self._insert_lines(edges, previous)
        total = self._line_totals()
        tie_out = self._tie_out(total["closing_balance"], ledger_by_account)
        self.write(
            {
                "state": "computed",
                "previous_id": previous.id,
                "computed_at": fields.Datetime.now(),
                "total_opening": total["opening_balance"],
                "total_debit": total["debit"],
                "total_credit": total["credit"],
                "total_closing": total["closing_balance"],
                "total_overdue": total["overdue_amount"],
                "total_buckets": sum(total["buckets"]),
                **tie_out,
            }
        )
        if not tie_out["tie_out_ok"]:
            _logger.info(
                "Receivable snapshot %s does not tie out: lines %s, ledger %s.",
                self.id,
                total["closing_balance"],
                tie_out["ledger_balance"],
            )
        return total

    def _receivable_line_filter(self):
        """WHERE clause of the receivable move lines counted, alias ``l`` (overridable)."""
        return SQL(
            """l.company_id = %(company)s
               AND l.date <= %(cutoff)s
               AND %(receivable)s""",
            receivable=posted_receivable(),
            company=self.company_id.id,
            cutoff=self.date_to,
        )

    def _insert_lines(self, edges, previous):
        """The snapshot lines, straight from the ledger; returns _ledger_balances().

        Per customer (commercial partner; NULL for lines without partner): the
        opening balance, the period's debits and credits, the closing balance and
        the residual at the cut-off in aging buckets. The residual of an item at
        the cut-off is today's residual plus the partial reconciliations dated
        after the cut-off (a partial's date is the later of its two lines').
        Customers only in the previous snapshot get a line too, so that the
        change against it is complete.

        The one pass over the ledger sums it per move-line partner and account into
        a temporary table: PostgreSQL runs a ``CREATE TABLE … AS`` on all cores,
        never an ``INSERT … SELECT``.  The lines are summed from it per commercial
        partner (few rows to join with res_partner), and the tie-out's ledger
        balance per account too: the same rows as a second read of the ledger in
        this transaction would give, for a tenth of the time.
        """
        fragments = self._line_fragments(BUCKET_FIELDS[: len(edges) + 2])
        columns = SQL(
            """snapshot_id, company_id, date_to, partner_id, opening_balance, debit, credit, closing_balance, overdue_amount,
               previous_closing_balance, closing_change, previous_overdue_amount,
               overdue_change, customer_tier, credit_grade, %s""",
            fragments["bucket_columns"],
        )
        self.env.cr.execute(
            SQL(
                """
                CREATE TEMPORARY TABLE receivable_snapshot_sums ON COMMIT DROP AS
                WITH items AS (
                    %(items)s
                )
                SELECT partner_id, account_id,
                       SUM(balance) FILTER (WHERE date < %(start)s) AS opening,
                       SUM(debit) FILTER (WHERE date >= %(start)s) AS debit,
                       SUM(credit) FILTER (WHERE date >= %(start)s) AS credit,
                       SUM(balance) AS closing,
                       %(bucket_filters)s
                  FROM items GROUP BY partner_id, account_id
                """,
                items=aged_items(
                    self._receivable_line_filter(),
                    self.date_to,
                    edges,
                    basis=self.aging_basis,
                    residual_at=self.date_to,
                ),
                start=self.date_from,
                **fragments,
            )
        )
        ledger_rows = self.env.execute_query(
            SQL(
                """SELECT account_id, SUM(closing) FROM receivable_snapshot_sums
                    GROUP BY account_id ORDER BY account_id"""
            )
        )
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO receivable_snapshot_line (%(columns)s)
                WITH current AS (
                    SELECT COALESCE(rp.commercial_partner_id, pp.partner_id) AS partner_id,
                           SUM(pp.opening) AS opening, SUM(pp.debit) AS debit,
                           SUM(pp.credit) AS credit, SUM(pp.closing) AS closing,
                           %(bucket_sums)s
                      FROM receivable_snapshot_sums pp
                      LEFT JOIN res_partner rp ON rp.id = pp.partner_id
                     GROUP BY 1
                ), previous AS (
                    SELECT partner_id, closing_balance, overdue_amount
                      FROM receivable_snapshot_line
                     WHERE snapshot_id = %(previous)s
                       AND (closing_balance != 0 OR overdue_amount != 0)
                ), lines AS (
                    SELECT COALESCE(c.partner_id, prev.partner_id) AS partner_id,
                           %(opening)s AS opening, %(debit)s AS debit, %(credit)s AS credit,
                           %(closing)s AS closing, %(overdue)s AS overdue,
                           COALESCE(prev.closing_balance, 0) AS prev_closing,
                           COALESCE(prev.overdue_amount, 0) AS prev_overdue,
                           %(bucket_rounded)s
                      FROM current c
                      FULL JOIN previous prev ON COALESCE(prev.partner_id, 0) = COALESCE(c.partner_id, 0)
                )
                SELECT %(snapshot)s, %(company)s, %(cutoff)s, s.partner_id, s.opening, s.debit, s.credit, s.closing, s.overdue,
                       s.prev_closing, s.closing - s.prev_closing, s.prev_overdue,
                       s.overdue - s.prev_overdue, rp.customer_tier->>%(company_key)s, %(grade)s,
                       %(bucket_columns)s
                  FROM lines s
                  LEFT JOIN res_partner rp ON rp.id = s.partner_id;
                DROP TABLE receivable_snapshot_sums
                """,
                cutoff=self.date_to,
                previous=previous.id or 0,
                snapshot=self.id,
                company=self.company_id.id,
                company_key=str(self.company_id.id),
                columns=columns,
                **fragments,
            )
        )
        self.env["receivable.snapshot.line"].invalidate_model()
        self.invalidate_recordset(["line_ids"])
        return {str(account_id): float(balance) for account_id, balance in ledger_rows}

    def _line_fragments(self, bucket_names):
        """The bucket sums, the amounts rounded to the currency and the grade column."""
        digits = self.currency_id.decimal_places

        def rounded(column):
            return SQL("ROUND(COALESCE(%s, 0), %s)", column, digits)

        grade = self.env["res.partner"]._fields.get("credit_grade")
        if grade is not None and grade.company_dependent:
            grade_sql = SQL("rp.credit_grade->>%s", str(self.company_id.id))
        elif grade is not None and grade.store and grade.column_type:
            grade_sql = SQL("rp.credit_grade::varchar")
        else:
            grade_sql = SQL("NULL::varchar")
        return {
            "bucket_filters": SQL(", ").join(
                SQL("SUM(residual) FILTER (WHERE bucket = %s) AS %s", index, SQL.identifier(name))
                for index, name in enumerate(bucket_names)
            ),
            "bucket_sums": SQL(", ").join(
                SQL("SUM(pp.%s) AS %s", SQL.identifier(name), SQL.identifier(name))
                for name in bucket_names
            ),
            "opening": rounded(SQL("c.opening")),
            "debit": rounded(SQL("c.debit")),
            "credit": rounded(SQL("c.credit")),
            "closing": rounded(SQL("c.closing")),
            "overdue": SQL(" + ").join(
                rounded(SQL("c.%s", SQL.identifier(name))) for name in bucket_names[1:]
            ),
            "bucket_rounded": SQL(", ").join(
                SQL("%s AS %s", rounded(SQL("c.%s", SQL.identifier(name))), SQL.identifier(name))
                for name in bucket_names
            ),
            "bucket_columns": SQL(", ").join(SQL.identifier(name) for name in bucket_names),
            "grade": grade_sql,
        }

    def _line_totals(self):
        """Column totals of the stored lines."""
        sums = SQL(", ").join(
            SQL("COALESCE(SUM(%s), 0)", SQL.identifier(name)) for name in BUCKET_FIELDS
        )
        row = self.env.execute_query(
            SQL(
                """SELECT COALESCE(SUM(opening_balance), 0), COALESCE(SUM(debit), 0),
                          COALESCE(SUM(credit), 0), COALESCE(SUM(closing_balance), 0),
                          COALESCE(SUM(overdue_amount), 0), %s
                     FROM receivable_snapshot_line WHERE snapshot_id = %s""",
                sums,
                self.id,
            )
        )[0]
        keys = ("opening_balance", "debit", "credit", "closing_balance", "overdue_amount")
        total = {key: float(value) for key, value in zip(keys, row)}
        total["buckets"] = [float(value) for value in row[len(keys) :]]
        return total

    def _tie_out(self, closing, by_account=None):
        """The tie-out fields: the ledger against ``closing``, the lines' total.

        ``by_account``: _ledger_balances() already read in this transaction; without
        it, the ledger is read as it is now (backdated entries show)."""
        if by_account is None:
            by_account = self._ledger_balances()
        ledger = sum(by_account.values())
        difference, ties = receivables.tie_out(closing, ledger, self.currency_id.decimal_places)
        return {
            "ledger_balance": ledger,
            "ledger_by_account": by_account,
            "tie_out_difference": difference,
            "tie_out_ok": ties,
        }

    def _ledger_balances(self):
        """{receivable account id (text, as JSON keys are): balance} at the cut-off,
        straight from the general ledger, in one query."""
        self.ensure_one()
        self.env.flush_all()
        rows = self.env.execute_query(
            SQL(
                """SELECT l.account_id, SUM(l.balance) FROM account_move_line l
                    WHERE %s GROUP BY l.account_id ORDER BY l.account_id""",
                self._receivable_line_filter(),
            )
        )
        return {str(account_id): float(balance) for account_id, balance in rows}
