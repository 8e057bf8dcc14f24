import io
import random
from collections import defaultdict
from datetime import date, timedelta

import openpyxl
from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from ..engine import aging, credit
from ..ledger import open_receivables_by_age
from .common import CustomerTieringCommon, freight_line

CUTOFF = date(2024, 6, 30)


class ReceivableCommon(CustomerTieringCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        cls.bank_journal = cls.company_data["default_journal_bank"]
        cls.misc_journal = cls.company_data["default_journal_misc"]
        cls.receivable = cls.company_data["default_account_receivable"]
        cls.revenue = cls.company_data["default_account_revenue"]
        cls.term_30 = cls.env.ref("account.account_payment_term_30days")

    @classmethod
    def _invoice(cls, partner, day, amount, move_type="out_invoice", term=None):
        move = cls.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": partner.id,
                "invoice_date": day,
                "date": day,
                "invoice_payment_term_id": term.id if term else False,
                **({} if term else {"invoice_date_due": day}),
                "invoice_line_ids": [freight_line(amount)],
            }
        )
        move.action_post()
        return move

    @classmethod
    def _payment(cls, partner, day, amount):
        payment = cls.env["account.payment"].create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": partner.id,
                "amount": amount,
                "date": day,
                "journal_id": cls.bank_journal.id,
            }
        )
        payment.action_post()
        return payment.move_id

    @classmethod
    def _receivable_lines(cls, moves):
        return moves.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )

    @classmethod
    def _reconcile(cls, *moves):
        lines = cls._receivable_lines(cls.env["account.move"].concat(*moves)).filtered(
            lambda line: not line.reconciled
        )
        if len(lines) > 1:
            lines.reconcile()

    def _snapshot(self, cutoff=CUTOFF, **values):
        snapshot = (
            self.env["receivable.snapshot"]
            .with_user(self.credit_controller)
            .create({"date_from": cutoff.replace(day=1), "date_to": cutoff, **values})
        )
        snapshot.action_compute()
        return snapshot

    def _line(self, snapshot, partner):
        return snapshot.line_ids.filtered(lambda line: line.partner_id == partner)

    def _buckets(self, line):
        return [line[f"bucket_{index}"] for index in range(line.snapshot_id.bucket_used)]


@tagged("post_install", "-at_install")
class TestReceivableSnapshotRandomized(ReceivableCommon):
    """A seeded random ledger around the cut-off against an independent computation."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        rng = random.Random(20240630)
        cls.customers = [cls._customer(f"AR Random {index}") for index in range(5)]
        # a contact of the first customer buys too: it counts for its company
        contact = cls.env["res.partner"].create(
            {"name": "AR Random 0, Accounts", "parent_id": cls.customers[0].id}
        )
        for customer in cls.customers:
            invoices = [
                cls._invoice(
                    rng.choice([customer, contact]) if customer == cls.customers[0] else customer,
                    CUTOFF + timedelta(days=rng.randint(-160, 12)),
                    rng.randint(100, 5000),
                    term=rng.choice([None, cls.term_30]),
                )
                for _index in range(rng.randint(3, 5))
            ]
            for invoice in invoices:
                roll = rng.random()
                if roll < 0.55:  # paid in one or two parts, around the cut-off
                    for _part in range(rng.randint(1, 2)):
                        amount = round(invoice.amount_total * rng.uniform(0.2, 0.7), 2)
                        day = CUTOFF + timedelta(days=rng.randint(-40, 25))
                        day = max(day, invoice.invoice_date - timedelta(days=5))
                        cls._reconcile(invoice, cls._payment(customer, day, amount))
                elif roll < 0.7:  # credit note, partly or fully
                    share = rng.choice([0.3, 1.0])
                    refund = cls._invoice(
                        customer,
                        invoice.invoice_date + timedelta(days=rng.randint(0, 40)),
                        round(invoice.amount_untaxed * share, 2),
                        move_type="out_refund",
                    )
                    cls._reconcile(invoice, refund)
            # a payment nobody applied, and an overpayment of an invoice
            cls._payment(
                customer, CUTOFF - timedelta(days=rng.randint(0, 60)), rng.randint(50, 400)
            )
            if invoices:
                target = invoices[0]
                cls._reconcile(
                    target,
                    cls._payment(
                        customer,
                        CUTOFF + timedelta(days=rng.randint(-5, 5)),
                        target.amount_total + 77,
                    ),
                )
        # a receivable line without partner (a manual entry)
        entry = cls.env["account.move"].create(
            {
                "move_type": "entry",
                "date": CUTOFF - timedelta(days=45),
                "journal_id": cls.misc_journal.id,
                "line_ids": [
                    Command.create({"account_id": cls.receivable.id, "debit": 321.0, "name": "x"}),
                    Command.create({"account_id": cls.revenue.id, "credit": 321.0, "name": "x"}),
                ],
            }
        )
        entry.action_post()
        # a second receivable account: one customer's balance is on both
        other_receivable = cls.env["account.account"].create(
            {
                "name": "Other receivables",
                "code": "121900",
                "account_type": "asset_receivable",
                "reconcile": True,
                "company_ids": [Command.link(cls.company.id)],
            }
        )
        loan = cls.env["account.move"].create(
            {
                "move_type": "entry",
                "date": CUTOFF - timedelta(days=70),
                "journal_id": cls.misc_journal.id,
                "line_ids": [
                    Command.create(
                        {
                            "account_id": other_receivable.id,
                            "partner_id": cls.customers[2].id,
                            "debit": 250.0,
                            "name": "advance",
                        }
                    ),
                    Command.create({"account_id": cls.revenue.id, "credit": 250.0, "name": "x"}),
                ],
            }
        )
        loan.action_post()
        # a draft invoice never counts
        cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": cls.customers[1].id,
                "invoice_date": CUTOFF - timedelta(days=3),
                "invoice_line_ids": [Command.create({"name": "d", "price_unit": 999.0})],
            }
        )

    def _independent(self, cutoff, date_from, edges=aging.DEFAULT_EDGES, basis="due"):
        """Item by item through the ORM: residual as of the cut-off from the partials."""
        lines = self.env["account.move.line"].search(
            [
                ("company_id", "=", self.company.id),
                ("account_id.account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
                ("date", "<=", cutoff),
            ]
        )
        result = defaultdict(
            lambda: {
                "buckets": [0.0] * (len(edges) + 2),
                "closing": 0.0,
                "opening": 0.0,
                "debit": 0.0,
                "credit": 0.0,
            }
        )
        for line in lines:
            key = line.partner_id.commercial_partner_id.id or None
            residual = (
                line.balance
                - sum(p.amount for p in line.matched_credit_ids if p.max_date <= cutoff)
                + sum(p.amount for p in line.matched_debit_ids if p.max_date <= cutoff)
            )
            reference = (
                (line.move_id.invoice_date or line.date)
                if basis == "invoice"
                else (line.date_maturity or line.date)
            )
            days = (cutoff - reference).days
            result[key]["buckets"][aging.bucket_index(days, edges)] += residual
            result[key]["closing"] += line.balance
            if line.date < date_from:
                result[key]["opening"] += line.balance
            else:
                result[key]["debit"] += line.debit
                result[key]["credit"] += line.credit
        return result

    def _assert_matches(self, snapshot, expected):
        self.assertEqual({line.partner_id.id or None for line in snapshot.line_ids}, set(expected))
        for line in snapshot.line_ids:
            want = expected[line.partner_id.id or None]
            msg = f"customer {line.partner_label}"
            for got, wanted in zip(self._buckets(line), want["buckets"]):
                self.assertAlmostEqual(got, wanted, places=2, msg=msg)
            self.assertAlmostEqual(sum(self._buckets(line)), sum(want["buckets"]), places=2)
            self.assertAlmostEqual(line.closing_balance, want["closing"], places=2, msg=msg)
            self.assertAlmostEqual(line.opening_balance, want["opening"], places=2, msg=msg)
            self.assertAlmostEqual(line.debit, want["debit"], places=2, msg=msg)
            self.assertAlmostEqual(line.credit, want["credit"], places=2, msg=msg)
            self.assertAlmostEqual(
                line.opening_balance + line.debit - line.credit, line.closing_balance, places=2
            )
            self.assertAlmostEqual(line.overdue_amount, sum(self._buckets(line)[1:]), places=2)
        ledger_lines = self.env["account.move.line"].search(
            [
                ("company_id", "=", self.company.id),
                ("account_id.account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
                ("date", "<=", snapshot.date_to),
            ]
        )
        ledger = sum(ledger_lines.mapped("balance"))
        # the tie-out's balance per account, read in the pass that built the lines
        by_account = {}
        for item in ledger_lines:
            key = str(item.account_id.id)
            by_account[key] = by_account.get(key, 0.0) + item.balance
        self.assertEqual(sorted(snapshot.ledger_by_account), sorted(by_account))
        for account, balance in by_account.items():
            self.assertAlmostEqual(snapshot.ledger_by_account[account], balance, places=2)
        buckets = sum(sum(self._buckets(line)) for line in snapshot.line_ids)
        closing = sum(snapshot.line_ids.mapped("closing_balance"))
        self.assertAlmostEqual(buckets, closing, places=2)
        self.assertAlmostEqual(closing, ledger, places=2)
        self.assertAlmostEqual(snapshot.ledger_balance, ledger, places=2)
        self.assertAlmostEqual(snapshot.total_buckets, ledger, places=2)
        self.assertTrue(snapshot.tie_out_ok)

    def test_snapshot_equals_independent_computation(self):
        snapshot = self._snapshot()
        self.assertEqual(snapshot.state, "computed")
        self.assertTrue(snapshot.line_ids.filtered(lambda line: not line.partner_id))
        self.assertAlmostEqual(
            snapshot.line_ids.filtered(lambda line: not line.partner_id).closing_balance, 321.0
        )
        self._assert_matches(snapshot, self._independent(CUTOFF, CUTOFF.replace(day=1)))
        self.assertEqual(len(snapshot.ledger_by_account), 2)
        # the later partials really were in play
        later = self.env["account.partial.reconcile"].search_count([("max_date", ">", CUTOFF)])
        self.assertTrue(later)

    def test_other_cutoffs_basis_and_edges(self):
        for cutoff in (CUTOFF - timedelta(days=20), CUTOFF + timedelta(days=10)):
            snapshot = self._snapshot(cutoff)
            self._assert_matches(snapshot, self._independent(cutoff, cutoff.replace(day=1)))
        snapshot = self._snapshot(
            CUTOFF, aging_basis="invoice", bucket_edges="15,45,90", date_from=date(2024, 4, 1)
        )
        self.assertEqual(snapshot.bucket_used, 5)
        self._assert_matches(
            snapshot, self._independent(CUTOFF, date(2024, 4, 1), (15, 45, 90), "invoice")
        )

    def test_payment_after_cutoff_does_not_change_the_aging(self):
        before = self._snapshot()
        customer = self.customers[2]
        open_invoice = self.env["account.move"].search(
            [
                ("partner_id", "=", customer.id),
                ("move_type", "=", "out_invoice"),
                ("amount_residual", ">", 0),
                ("invoice_date", "<=", CUTOFF),
            ],
            limit=1,
        )
        self.assertTrue(open_invoice)
        self._reconcile(
            open_invoice,
            self._payment(customer, CUTOFF + timedelta(days=1), open_invoice.amount_residual),
        )
        after = self._snapshot()
        fields_ = ["closing_balance", "overdue_amount", *(f"bucket_{i}" for i in range(6))]
        self.assertEqual(
            self._line(before, customer).read(fields_)[0] | {"id": 0},
            self._line(after, customer).read(fields_)[0] | {"id": 0},
        )
        self.assertEqual(after.total_closing, before.total_closing)

    def test_query_count_does_not_grow_with_customers(self):
        snapshot = self.env["receivable.snapshot"].create(
            {"date_from": CUTOFF.replace(day=1), "date_to": CUTOFF}
        )
        snapshot.action_compute()  # warm the caches
        snapshot.flush_recordset()
        self.env.invalidate_all()
        with self.assertQueryCount(30):
            snapshot.action_compute()


@tagged("post_install", "-at_install")
class TestReceivableSnapshotRules(ReceivableCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.alpha = cls._customer("AR Alpha")
        cls.beta = cls._customer("AR Beta")
        cls.inv_may = cls._invoice(cls.alpha, date(2024, 5, 10), 1000.0, term=cls.term_30)
        cls.inv_old = cls._invoice(cls.beta, date(2024, 1, 5), 500.0)
        cls.inv_june = cls._invoice(cls.alpha, date(2024, 6, 20), 300.0, term=cls.term_30)
        cls.refund = cls._invoice(cls.beta, date(2024, 6, 3), 100.0, move_type="out_refund")

    def test_buckets_and_change_against_previous_month(self):
        may = self._snapshot(date(2024, 5, 31))
        june = self._snapshot(CUTOFF)
        self.assertEqual(june.previous_id, may)
        alpha = self._line(june, self.alpha)
        # due 2024-06-09: 21 days overdue; the June invoice is not due
        self.assertRecordValues(
            alpha,
            [
                {
                    "opening_balance": 1000.0,
                    "debit": 300.0,
                    "credit": 0.0,
                    "closing_balance": 1300.0,
                    "bucket_0": 300.0,
                    "bucket_1": 1000.0,
                    "overdue_amount": 1000.0,
                    "previous_closing_balance": 1000.0,
                    "closing_change": 300.0,
                    "previous_overdue_amount": 0.0,
                    "overdue_change": 1000.0,
                }
            ],
        )
        beta = self._line(june, self.beta)
        # 177 days overdue -> over 120; the unapplied credit note ages from its own date
        self.assertRecordValues(
            beta,
            [
                {
                    "closing_balance": 400.0,
                    "bucket_1": -100.0,
                    "bucket_5": 500.0,
                    "credit": 100.0,
                    "overdue_amount": 400.0,
                }
            ],
        )
        self.assertEqual(june.bucket_labels, "Not due | 1-30 | 31-60 | 61-90 | 91-120 | Over 120")

    def test_closed_snapshot_refuses_changes(self):
        snapshot = self._snapshot()
        snapshot.action_close()
        self.assertEqual(snapshot.state, "closed")
        with self.assertRaises(UserError):
            snapshot.action_compute()
        with self.assertRaises(UserError):
            snapshot.write({"date_to": date(2024, 6, 29)})
        with self.assertRaises(UserError):
            snapshot.line_ids[0].write({"closing_balance": 1.0})
        with self.assertRaises(UserError):
            snapshot.line_ids[0].unlink()
        with self.assertRaises(UserError):
            self.env["receivable.snapshot.line"].create(
                {"snapshot_id": snapshot.id, "company_id": self.company.id}
            )
        with self.assertRaises(UserError):
            snapshot.unlink()
        with self.assertRaises(UserError):
            snapshot.action_reset_draft()
        # the tie-out may still be checked against today's ledger
        snapshot.action_check_tie_out()
        self.assertTrue(snapshot.tie_out_ok)

    def test_lines_carry_no_log_columns(self):
        """Written a snapshot at a time: no log columns, nor their two foreign-key
        checks per line (a database upgraded from an earlier version has them dropped)."""
        self.env.cr.execute(
            """SELECT column_name FROM information_schema.columns
                WHERE table_name = 'receivable_snapshot_line'
                  AND column_name IN ('create_uid', 'create_date', 'write_uid', 'write_date')"""
        )
        self.assertEqual(self.env.cr.fetchall(), [])

    def _tie_out_sheet(self, snapshot):
        snapshot.action_export_xlsx()
        attachment = self.env["ir.attachment"].search(
            [("res_model", "=", "receivable.snapshot"), ("res_id", "=", snapshot.id)],
            order="id desc",
            limit=1,
        )
        book = openpyxl.load_workbook(io.BytesIO(attachment.raw), read_only=True)
        return {row[0]: row[1] for row in book["Tie-out"].iter_rows(values_only=True) if row}

    def test_backdated_entry_shows_in_tie_out(self):
        snapshot = self._snapshot()
        computed = snapshot.ledger_balance
        self._invoice(self.alpha, date(2024, 6, 1), 50.0)
        # the workbook shows the ledger as the snapshot read it (no second scan)
        self.assertAlmostEqual(self._tie_out_sheet(snapshot)["Ledger receivable balance"], computed)
        snapshot.action_check_tie_out()
        self.assertFalse(snapshot.tie_out_ok)
        self.assertAlmostEqual(snapshot.tie_out_difference, -50.0)
        self.assertAlmostEqual(
            self._tie_out_sheet(snapshot)["Ledger receivable balance"], computed + 50.0
        )

    def test_bad_bucket_edges_refused(self):
        with self.assertRaises(ValidationError):
            self.env["receivable.snapshot"].create({"bucket_edges": "60,30"})
        with self.assertRaises(ValidationError):
            self.env["receivable.snapshot"].create({"bucket_edges": "1,2,3,4,5,6,7"})

    def test_account_manager_reads_but_cannot_compute(self):
        snapshot = self._snapshot()
        as_manager = snapshot.with_user(self.account_manager)
        self.assertEqual(as_manager.line_ids.mapped("partner_id"), self.alpha | self.beta)
        with self.assertRaises(AccessError):
            self.env["receivable.snapshot"].with_user(self.account_manager).create({})
        with self.assertRaises(AccessError):
            as_manager.action_compute()

    def test_other_company_is_invisible(self):
        snapshot = self._snapshot()
        other = self.company_data_2["company"] if hasattr(self, "company_data_2") else None
        if other is None:
            other = self.env["res.company"].create({"name": "AR Other Co"})
        stranger = self.env["res.users"].create(
            {
                "name": "AR Stranger",
                "login": "ar_stranger",
                "company_id": other.id,
                "company_ids": [Command.set(other.ids)],
                "groups_id": [
                    Command.set([self.env.ref("customer_tiering.group_credit_controller").id])
                ],
            }
        )
        self.assertFalse(
            self.env["receivable.snapshot"].with_user(stranger).search([("id", "=", snapshot.id)])
        )

    def test_xlsx_reads_back_with_the_same_totals(self):
        self._snapshot(date(2024, 5, 31))
        snapshot = self._snapshot()
        action = snapshot.action_export_xlsx()
        attachment = self.env["ir.attachment"].search(
            [("res_model", "=", "receivable.snapshot"), ("res_id", "=", snapshot.id)]
        )
        self.assertIn(f"/web/content/{attachment.id}", action["url"])
        book = openpyxl.load_workbook(io.BytesIO(attachment.raw), read_only=True)
        self.assertEqual(book.sheetnames, ["Aging", "Balances", "Tie-out"])
        rows = list(book["Aging"].iter_rows(values_only=True))
        self.assertEqual(rows[1][1], self.company.name)
        self.assertEqual(rows[2][1], "2024-06-30")
        header = rows[5]
        self.assertEqual(header[:3], ("Customer", "Tier", "Not due"))
        total = next(row for row in rows if row[0] == "Total")
        closing_col = header.index("Closing Balance")
        self.assertAlmostEqual(total[closing_col], snapshot.total_closing, places=2)
        self.assertAlmostEqual(total[header.index("Overdue")], snapshot.total_overdue, places=2)
        self.assertAlmostEqual(
            sum(total[2 : 2 + snapshot.bucket_used]), snapshot.total_buckets, places=2
        )
        self.assertIn("Subtotals by Tier", [row[0] for row in rows])
        balances = list(book["Balances"].iter_rows(values_only=True))
        # the title block in row order (a constant-memory sheet drops a cell written late)
        self.assertEqual(balances[2][2:4], ("Period Start", "2024-06-01"))
        self.assertEqual(balances[3][:2], ("Currency", snapshot.currency_id.name))
        total = next(row for row in balances if row[0] == "Total")
        self.assertEqual(
            total[1:5],
            (
                snapshot.total_opening,
                snapshot.total_debit,
                snapshot.total_credit,
                snapshot.total_closing,
            ),
        )
        tie_out = {row[0]: row[1] for row in book["Tie-out"].iter_rows(values_only=True) if row}
        self.assertAlmostEqual(tie_out["Ledger receivable balance"], snapshot.ledger_balance)
        self.assertEqual(tie_out["Difference"], 0)
        # frozen header, filter over the customers, money formats
        sheet = openpyxl.load_workbook(io.BytesIO(attachment.raw))["Aging"]
        self.assertEqual(sheet.freeze_panes, "B7")
        self.assertTrue(sheet.auto_filter.ref.startswith("A6:"))
        self.assertEqual(sheet.cell(row=7, column=3).number_format, "#,##0.00")
        # the file is also what a credit controller downloads
        self.assertEqual(attachment.mimetype.split(".")[-1], "sheet")
        self.assertTrue(fields.Date.to_string(snapshot.date_to) in attachment.name)


@tagged("post_install", "-at_install")
class TestReceivableFiguresAgree(ReceivableCommon):
    """The 360, the nightly credit facts, the exposure and the month-end snapshot
    read the same receivable lines: for one customer and date they agree."""

    @freeze_time(CUTOFF)
    def test_360_credit_facts_exposure_and_snapshot_agree(self):
        customer = self._customer("Agreeing Customer")

        def days_ago(days):
            return CUTOFF - timedelta(days=days)

        self._invoice(customer, days_ago(5), 100, term=self.term_30)  # due in 25 days
        self._invoice(customer, days_ago(12), 200)
        self._invoice(customer, days_ago(45), 300)
        partly_paid = self._invoice(customer, days_ago(75), 400)
        self._reconcile(partly_paid, self._payment(customer, days_ago(20), 150))
        self._invoice(customer, days_ago(150), 500)
        self._payment(customer, days_ago(3), 50)  # not applied yet
        # what the lines above say, by hand: not due, 1-30, 31-60, 61-90, 91-120, over 120
        expected = [100.0, 150.0, 300.0, 250.0, 0.0, 500.0]

        line = self._line(self._snapshot(CUTOFF), customer)
        self.assertEqual(self._buckets(line), expected)
        self.assertAlmostEqual(line.closing_balance, sum(expected))
        self.assertAlmostEqual(line.overdue_amount, sum(expected[1:]))

        customer.invalidate_recordset()
        self.assertRecordValues(
            customer,
            [
                {
                    "receivable_open": line.closing_balance,
                    "receivable_overdue": line.overdue_amount,
                    "receivable_not_due": expected[0],
                }
            ],
        )
        by_age = self._open_by_age(customer)
        self.assertEqual(by_age, expected)
        for label, amount in zip(
            ["Not due", "1-30", "31-60", "61-90", "91-120", "Over 120"], expected
        ):
            self.assertIn(label, customer.receivable_by_age)
            self.assertIn(f"{amount:,.2f}", customer.receivable_by_age)

        facts = self._credit_facts(customer)
        self.assertAlmostEqual(facts.open_amount, line.closing_balance)
        self.assertEqual(list(facts.aged), expected)
        self.assertEqual(facts.overdue_bands, (150.0, 550.0, 500.0))

        exposure = self.env["res.partner"]._credit_exposure(customer)
        self.assertAlmostEqual(exposure[customer.id], line.closing_balance)

    @freeze_time(CUTOFF)
    def test_the_company_edges_drive_every_figure(self):
        """Change the company's buckets: the 360, the credit facts and a new
        snapshot all age by them, and the credit bands follow each bucket's first day."""
        self.env.company.receivable_bucket_edges = "15,45"
        customer = self._customer("Edges Customer")
        self._invoice(customer, CUTOFF - timedelta(days=10), 100)  # 10 days overdue
        self._invoice(customer, CUTOFF - timedelta(days=40), 200)  # 40
        self._invoice(customer, CUTOFF - timedelta(days=100), 300)  # 100
        expected = [0.0, 100.0, 200.0, 300.0]  # not due, 1-15, 16-45, over 45

        snapshot = self._snapshot(CUTOFF)
        self.assertEqual(snapshot.bucket_edges, "15,45")
        self.assertEqual(self._buckets(self._line(snapshot, customer)), expected)
        self.assertEqual(self._open_by_age(customer), expected)
        self.assertIn("Over 45", customer.receivable_by_age)
        facts = self._credit_facts(customer)
        self.assertEqual(list(facts.aged), expected)
        # 16-45 starts within 30 days, over 45 within 90: the severity of its first day
        self.assertEqual(facts.overdue_bands, (300.0, 300.0, 0.0))
        with self.assertRaises(ValidationError):
            self.env.company.receivable_bucket_edges = "45,15"

    def _open_by_age(self, customer):
        return open_receivables_by_age(self.env, self.env.company, customer.ids, CUTOFF)[
            customer.id
        ]

    def _credit_facts(self, customer):
        facts = {customer.id: credit.CreditFacts(customer.id)}
        params = {"company": self.env.company.id, "ids": customer.ids, "today": CUTOFF}
        self.env["customer.tiering.nightly"]._credit_ledger_facts(facts, params)
        return facts[customer.id]
