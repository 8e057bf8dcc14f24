from datetime import date

from freezegun import freeze_time

from odoo.tests import TransactionCase, tagged

from ..engine import demo_plan
from .common import CustomerTieringCommon


@tagged("post_install", "-at_install")
class TestDemoStory(CustomerTieringCommon):
    @freeze_time("2026-06-30")
    def test_story_is_posted_and_consistent(self):
        company = self.company_data["company"]
        demo = self.env["customer.tiering.demo"].with_company(company)
        partners = demo._generate_demo_story()

        customers, invoices = demo_plan.plan(date(2026, 6, 30))
        self.assertEqual(partners.mapped("name"), [c.name for c in customers])
        moves = self.env["account.move"].search(
            [("partner_id", "in", partners.ids), ("company_id", "=", company.id)]
        )
        posted_invoices = moves.filtered(lambda m: m.move_type == "out_invoice")
        self.assertEqual(len(posted_invoices), len(invoices))
        self.assertEqual(set(moves.mapped("state")), {"posted"})
        self.assertTrue(moves.filtered(lambda m: m.move_type == "out_refund"))
        self.assertLessEqual(max(moves.mapped("date")), date(2026, 6, 30))
        states = set(posted_invoices.mapped("payment_state"))
        self.assertTrue({"paid", "partial", "not_paid"} <= states, states)

        # every planned invoice amount is on the ledger
        self.assertAlmostEqual(
            sum(posted_invoices.mapped("amount_total")), sum(i.amount for i in invoices), places=2
        )
        never = partners.filtered(lambda p: p.name == "东莞新能源电池有限公司")
        self.assertFalse(moves.filtered(lambda m: m.partner_id == never))


@tagged("post_install", "-at_install")
class TestDemoDatabase(TransactionCase):
    """What the installed demo shows: a credit file kept over time by a person,
    follow-ups for named people, customers in their own language."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customers = cls.env["res.partner"].search(
            [("email", "=like", "ar%@customer.example.com"), ("credit_grade", "!=", False)]
        )

    def setUp(self):
        super().setUp()
        module = self.env["ir.module.module"].search([("name", "=", "customer_tiering")])
        if not (module.demo and self.customers):
            self.skipTest("needs the demo data of customer_tiering, not loaded in this database")

    def test_credit_file_over_time_by_the_controller(self):
        controller = self.env.ref("customer_tiering.demo_user_credit_controller")
        reviews = self.env["customer.credit.review"].search(
            [("partner_id", "in", self.customers.ids)], order="date, id"
        )
        self.assertEqual(reviews.reviewer_id, controller)
        self.assertGreaterEqual(len({r.date.strftime("%Y-%m") for r in reviews}), 6)
        # the customer that never bought has its first grading only
        for customer in self.customers.filtered("invoice_ids"):
            own = reviews.filtered(lambda r, customer=customer: r.partner_id == customer)
            self.assertGreaterEqual(len(own), 2, customer.name)
            self.assertEqual(own[-1].decided_limit, customer.credit_limit, customer.name)
            self.assertEqual(own[-1].grade, customer.credit_grade, customer.name)
            for before, after in zip(own, own[1:]):
                self.assertEqual(after.old_grade, before.grade, customer.name)

    def test_follow_ups_for_named_people(self):
        activities = self.env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("res_id", "in", self.customers.ids)]
        )
        self.assertTrue(activities)
        self.assertNotIn(self.env.ref("base.user_root"), activities.user_id)

    def test_statements_answered_in_the_past_customers_in_their_language(self):
        answered = self.env["receivable.statement"].search(
            [("partner_id", "in", self.customers.ids), ("response_date", "!=", False)]
        )
        self.assertTrue(answered)
        self.assertGreater(len(set(answered.mapped("response_date"))), 1)
        for statement in answered:
            self.assertGreater(statement.response_date, statement.sent_date)
        chinese = self.customers.filtered(lambda c: c.country_id.code == "CN")
        self.assertEqual(set(chinese.mapped("lang")), {"zh_CN"})
        self.assertEqual(set((self.customers - chinese).mapped("lang")), {"en_US"})

    def test_churn_over_time_moves_every_month(self):
        """The churn chart has a figure in every month it shows, and over the last
        year the rate moves as customers are lost in different months."""
        months = self.env["customer.churn.report"].search(
            [("company_id", "=", self.env.company.id)], order="month desc"
        )
        self.assertEqual(len(months), 24)
        empty = months.filtered(lambda month: not month.previous_customers).mapped("month")
        self.assertFalse(empty, "months with nobody a window before: no churn to show")
        rates = {round(month.churn_rate, 2) for month in months[:12]}
        self.assertGreaterEqual(len(rates), 3, months[:12].mapped("churn_rate"))
