from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from odoo.addons.base.tests.common import new_test_user

from .common import CustomerTieringCommon

TODAY = "2026-06-30"


@tagged("post_install", "-at_install")
class TestCreditRating(CustomerTieringCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        today = fields.Date.to_date(TODAY)
        months = [today - relativedelta(months=m, days=3) for m in range(12)]
        cls.punctual = cls._customer("Always on Time")
        for invoice in cls._invoices(cls.punctual, [(day, 10_000) for day in months]):
            cls._pay(invoice, invoice.invoice_date_due)
        cls.late = cls._customer("Chronically Late")
        for invoice in cls._invoices(cls.late, [(day, 10_000) for day in months]):
            paid_on = invoice.invoice_date_due + relativedelta(days=45)
            if paid_on <= today:  # the last ones are still open, 1 to 45 days late
                cls._pay(invoice, paid_on)
        cls.partial = cls._customer("Pays Half")
        for invoice in cls._invoices(cls.partial, [(day, 10_000) for day in months]):
            cls._pay(invoice, invoice.invoice_date_due, amount=5_000)

    def test_months_invoiced_are_the_calendar_months_of_the_window(self):
        """Regularity counts the calendar months of the window with an invoice: as a
        bitmask per customer up to 62 months (its top bit included), counted
        distinctly beyond."""
        customer = self._customer("Invoiced Now and Then")
        today = fields.Date.to_date("2026-06-30")
        days = ["2026-06-29", "2026-06-01", "2026-05-31", "2026-01-15", "2025-07-01"]
        days += ["2025-06-30", "2024-03-03"]
        self._invoices(customer, [(fields.Date.to_date(day), 100) for day in days])
        nightly = self.env["customer.tiering.nightly"]
        for window, months in ((12, 4), (62, 6), (70, 6)):
            start = today - relativedelta(months=window)
            params = {"company": self.env.company.id, "ids": customer.ids, "today": today}
            params.update(start=start, mid=today - relativedelta(months=window // 2))
            ((_partner, *_sums, invoiced_months),) = nightly._invoice_totals(params)
            self.assertEqual(invoiced_months, months, f"a window of {window} months")

    @freeze_time(TODAY)
    def test_grades_follow_payment_performance(self):
        self._recompute(self.punctual | self.late | self.partial)
        self.assertEqual(self.punctual.credit_grade, "A")
        self.assertAlmostEqual(self.punctual.credit_paydex, 80.0)
        self.assertIn(self.late.credit_grade, ("D", "E"))
        self.assertAlmostEqual(self.late.credit_paydex, 42.5, places=1)
        # half of every invoice paid on time: prompt but with a growing overdue balance
        self.assertAlmostEqual(self.partial.credit_paydex, 80.0)
        self.assertGreater(self.partial.credit_overdue_share, 0.5)
        self.assertLess(self.partial.credit_score, self.punctual.credit_score)
        # every grade change is in the credit file
        reviews = self.env["customer.credit.review"].search([("partner_id", "=", self.late.id)])
        self.assertRecordValues(reviews, [{"origin": "automatic", "grade": self.late.credit_grade}])
        # suggested limit: months of revenue by grade (A: 3 x 10,000)
        self.assertAlmostEqual(self.punctual.credit_suggested_limit, 30_000)

    @freeze_time(TODAY)
    def test_overdue_customers_get_one_collection_activity_by_their_oldest_bucket(self):
        collector = new_test_user(self.env, "collector_31_90", groups="base.group_user")
        escalation = new_test_user(self.env, "collector_over_90", groups="base.group_user")
        policy = self.env["customer.tier.policy"]._for_company(self.env.company)
        policy.write(
            {"collection_user_31_90_id": collector.id, "collection_user_over_90_id": escalation.id}
        )
        forgotten = self._customer("Forgotten Invoice")
        self._invoices(forgotten, [(fields.Date.to_date(TODAY) - relativedelta(days=130), 4_000)])
        collection = self.env.ref("customer_tiering.mail_activity_type_collection")
        customers = self.punctual | self.late | forgotten
        for _run in range(2):  # a second night adds nothing while one is open
            self._recompute(customers)
            activities = self.env["mail.activity"].search(
                [
                    ("res_model", "=", "res.partner"),
                    ("res_id", "in", customers.ids),
                    ("activity_type_id", "=", collection.id),
                ]
            )
            self.assertEqual(
                sorted((a.res_id, a.user_id.id) for a in activities),
                sorted([(self.late.id, collector.id), (forgotten.id, escalation.id)]),
            )
        self.assertIn(
            "over 90 days", activities.filtered(lambda a: a.res_id == forgotten.id).summary
        )

    @freeze_time(TODAY)
    def test_foreign_currency_invoice_counts_in_company_currency(self):
        eur = self.setup_other_currency("EUR", rates=[("2026-01-01", 2.0)])
        customer = self._customer("Euro Customer")
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": customer.id,
                "currency_id": eur.id,
                "invoice_date": "2026-03-01",
                "invoice_payment_term_id": self.env.ref(
                    "account.account_payment_term_immediate"
                ).id,
                "invoice_line_ids": [
                    Command.create(
                        {"name": "Freight", "quantity": 1, "price_unit": 1_000, "tax_ids": []}
                    )
                ],
            }
        )
        invoice.action_post()
        self._recompute(customer)
        # 1,000 EUR at 2 EUR per unit of company currency: 500 open, over 90 days late
        self.assertAlmostEqual(customer.credit_exposure, 500.0)
        self.assertAlmostEqual(customer.credit_overdue_share, 1.0)

    @freeze_time(TODAY)
    def test_review_decision_sets_the_limit(self):
        self._recompute(self.punctual)
        review = (
            self.env["customer.credit.review"]
            .with_user(self.credit_controller)
            .create(
                {
                    "partner_id": self.punctual.id,
                    "decided_limit": 25_000,
                    "has_statements": True,
                    "current_ratio": 2.5,
                    "debt_ratio": 0.3,
                    "asset_turnover": 1.6,
                    "net_margin": 0.2,
                }
            )
        )
        review.action_decide()
        self.assertEqual(self.punctual.credit_limit, 25_000)
        self.assertEqual(review.state, "done")
        with self.assertRaises(AccessError):
            self.env["customer.credit.review"].with_user(self.account_manager).create(
                {"partner_id": self.punctual.id}
            )


@tagged("post_install", "-at_install")
class TestCreditHold(CustomerTieringCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls._customer("Limited Customer")
        cls.customer.with_user(cls.credit_controller).write(
            {"credit_limit": 1_000, "use_partner_credit_limit": True}
        )
        cls.product = cls.env["product.product"].create(
            {"name": "Container freight", "list_price": 100, "taxes_id": [Command.clear()]}
        )

    def _order(self, quantity=50):
        return (
            self.env["sale.order"]
            .with_user(self.salesperson)
            .create(
                {
                    "partner_id": self.customer.id,
                    "order_line": [
                        Command.create({"product_id": self.product.id, "product_uom_qty": quantity})
                    ],
                }
            )
        )

    def test_salesperson_cannot_change_limits(self):
        with self.assertRaises(AccessError):
            self.customer.with_user(self.salesperson).write({"credit_limit": 1_000_000})
        with self.assertRaises(AccessError):
            self.customer.with_user(self.account_manager).write({"use_partner_credit_limit": False})

    def test_every_confirmation_path_is_held(self):
        order = self._order()  # 5,000 against a limit of 1,000
        with self.assertRaisesRegex(UserError, r"5,000\.00.*exceeds the credit limit.*1,000\.00"):
            order.action_confirm()  # the button, and RPC call the same method
        with self.assertRaises(UserError):
            order.write({"state": "sale"})
        action = self.env["ir.actions.server"].create(
            {
                "name": "Confirm automatically",
                "model_id": self.env["ir.model"]._get_id("sale.order"),
                "state": "code",
                "code": "record.action_confirm()",
            }
        )
        with self.assertRaises(UserError):
            action.with_user(self.salesperson).with_context(
                active_model="sale.order", active_id=order.id, active_ids=order.ids
            ).run()
        self.assertEqual(order.state, "draft")
        self.assertTrue(order.credit_on_hold)
        self.assertIn(order, self.env["sale.order"].search([("credit_on_hold", "=", True)]))

    def test_order_created_confirmed_is_held(self):
        with self.assertRaises(UserError):
            self.env["sale.order"].with_user(self.salesperson).create(
                {
                    "partner_id": self.customer.id,
                    "state": "sale",
                    "order_line": [
                        Command.create({"product_id": self.product.id, "product_uom_qty": 50})
                    ],
                }
            )

    def test_small_order_within_the_limit_goes_through(self):
        order = self._order(quantity=5)
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        # its uninvoiced amount now counts in the exposure of the next one
        self.assertAlmostEqual(self.customer.credit_exposure, 500.0)
        # finance sees ordered against invoiced against paid
        self.assertRecordValues(
            self.customer,
            [{"sales_ordered_total": 500, "sales_invoiced_total": 0, "sales_paid_total": 0}],
        )
        self.assertRecordValues(order, [{"amount_invoiced_posted": 0, "amount_invoiced_paid": 0}])
        with self.assertRaises(UserError):
            self._order(quantity=6).action_confirm()

    def test_release_works_once_and_only_for_its_amount(self):
        order = self._order()
        with self.assertRaises(AccessError):
            order.with_user(self.salesperson).action_release_credit_hold("Friend of the boss")
        self.env["customer.credit.release"].with_user(self.credit_controller).create(
            {"order_id": order.id, "reason": "Prepayment received"}
        ).action_release()
        self.assertRecordValues(
            order,
            [{"credit_release_amount": 5_000, "credit_release_user_id": self.credit_controller.id}],
        )
        # a copy is a new order: not released
        copy = order.copy()
        with self.assertRaises(UserError):
            copy.action_confirm()
        # a smaller order is still covered; any increase voids the release
        order.order_line.product_uom_qty = 40
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertTrue(
            any("Prepayment received" in body for body in order.message_ids.mapped("body"))
        )
        released = self.env["customer.credit.review"].search(
            [("partner_id", "=", self.customer.id), ("origin", "=", "release")]
        )
        self.assertRecordValues(released, [{"amount": 5_000}])
        self.assertRecordValues(order.credit_release_ids, [{"amount": 5_000, "used": True}])
        # once used, cancelling and confirming again needs a new release
        order.with_user(self.salesperson)._action_cancel()
        order.action_draft()
        with self.assertRaises(UserError):
            order.action_confirm()

    @freeze_time(TODAY)
    def test_blocking_grade_holds_every_order(self):
        self.customer.with_user(self.credit_controller).write({"credit_limit": 0})
        self._recompute(self.customer)
        policy = self.env["customer.tier.policy"]._for_company(self.env.company)
        policy._credit_grades()[self.customer.credit_grade].block_sales = True
        with self.assertRaisesRegex(UserError, "holds all sales"):
            self._order(quantity=1).action_confirm()


@tagged("post_install", "-at_install")
class TestBadDebtWriteoff(CustomerTieringCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls._customer("Bankrupt Customer")
        cls.invoice = cls._invoices(cls.customer, [("2025-06-01", 3_000)])
        cls.billing = new_test_user(
            cls.env, login="ct_billing", groups="account.group_account_invoice"
        )
        cls.finance_manager = new_test_user(
            cls.env, login="ct_finance_manager", groups="account.group_account_manager"
        )

    def _values(self):
        return {
            "partner_id": self.customer.id,
            "invoice_ids": [Command.set(self.invoice.ids)],
            "journal_id": self.company_data["default_journal_misc"].id,
            "account_id": self.company_data["default_account_expense"].id,
            "reason": "Customer declared bankrupt; court notice attached.",
        }

    def test_proposing_and_approving_are_two_people(self):
        self.assertFalse(self.finance_manager.has_group("customer_tiering.group_credit_controller"))
        for user in (self.finance_manager, self.billing, self.salesperson):
            with self.assertRaises(AccessError):
                self.env["customer.credit.writeoff"].with_user(user).create(self._values())
        writeoff = self.env["customer.credit.writeoff"].with_user(self.credit_controller)
        writeoff = writeoff.create(self._values())
        with self.assertRaises(AccessError):
            writeoff.action_approve()  # not before it is proposed, and never by a controller
        writeoff.action_propose()
        with self.assertRaises(AccessError):
            writeoff.action_approve()
        # a controller who is also an accounting manager still cannot approve his own
        self.credit_controller.groups_id += self.env.ref("account.group_account_manager")
        with self.assertRaisesRegex(AccessError, "proposed"):
            writeoff.action_approve()
        with self.assertRaises(UserError):
            writeoff.write({"reason": "changed after proposing"})
        self.assertEqual(self.invoice.payment_state, "not_paid")

    def test_write_off_settles_the_invoice_and_marks_the_credit_file(self):
        writeoff = (
            self.env["customer.credit.writeoff"]
            .with_user(self.credit_controller)
            .create(self._values())
        )
        self.assertAlmostEqual(writeoff.amount, 3_000)
        writeoff.action_propose()
        writeoff.with_user(self.finance_manager).action_approve()
        self.assertEqual(self.invoice.payment_state, "paid")
        self.assertRecordValues(
            writeoff,
            [
                {
                    "state": "approved",
                    "proposer_id": self.credit_controller.id,
                    "approver_id": self.finance_manager.id,
                }
            ],
        )
        review = self.env["customer.credit.review"].search([("partner_id", "=", self.customer.id)])
        self.assertRecordValues(review, [{"origin": "write_off", "amount": 3_000}])
        # a decided review is the record of a decision
        with self.assertRaises(UserError):
            review.with_user(self.credit_controller).write({"amount": 1})
        with self.assertRaises(UserError):
            review.with_user(self.credit_controller).unlink()

    def test_server_checks_the_invoices(self):
        stranger = self._customer("Someone Else")
        foreign = self._invoices(stranger, [("2025-06-01", 700)])
        paid = self._invoices(self.customer, [("2025-07-01", 500)])
        self._pay(paid, "2025-07-02")
        writeoffs = self.env["customer.credit.writeoff"].with_user(self.credit_controller)
        for invoices in (foreign, paid, self.invoice | foreign):
            writeoff = writeoffs.create(
                {**self._values(), "invoice_ids": [Command.set(invoices.ids)]}
            )
            with self.assertRaises(UserError):
                writeoff.action_propose()
        self.assertEqual(foreign.payment_state, "not_paid")
