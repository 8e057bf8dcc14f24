from datetime import date, timedelta

from odoo.tests import Form, tagged
from odoo.tests.common import new_test_user

from .common import CustomerTieringCommon

# Queries to open a customer's form, whatever its history (50 measured with both addons,
# 61 with the demo's quotations, whose credit standing the held-order count reads in a
# fixed number of queries; some headroom for fields other addons add to the form).
FORM_QUERY_BUDGET = 64


@tagged("post_install", "-at_install")
class TestCustomer360(CustomerTieringCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.company_data["company"]
        cls.viewer = new_test_user(
            cls.env,
            login="ct_360_viewer",
            groups="customer_tiering.group_credit_controller,customer_tiering.group_account_manager",
            company_id=company.id,
            company_ids=[company.id],
        )
        today = date.today()
        cls.small = cls._customer("Small History Ltd")
        cls.large = cls._customer("Large History Ltd")
        cls._invoices(cls.small, [(today - timedelta(days=3 * i), 100.0) for i in range(10)])
        cls._invoices(
            cls.large, [(today - timedelta(days=i % 700), 100.0 + i % 7) for i in range(1000)]
        )
        cls.env["res.partner"]._recompute_customer_tiers()

    def _queries_to_open(self, partner):
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        Form(partner.with_user(self.viewer))
        return self.cr.sql_log_count - before

    def test_the_form_opens_with_the_same_queries_whatever_the_history(self):
        self._queries_to_open(self.small)  # warm the registry's caches (views, rules)
        small = self._queries_to_open(self.small)
        large = self._queries_to_open(self.large)
        self.assertEqual(small, large)
        self.env.invalidate_all()
        with self.assertQueryCount(FORM_QUERY_BUDGET):
            Form(self.large.with_user(self.viewer))

    def test_receivables_summary_by_days_overdue(self):
        partner = self.large.with_user(self.viewer)
        # immediate terms: an invoice of i days ago is i days overdue
        self.assertAlmostEqual(partner.receivable_open, sum(100.0 + i % 7 for i in range(1000)))
        # the company's buckets: not due, 1-30, 31-60, 61-90, 91-120, over 120
        edges = [0, 30, 60, 90, 120]
        expected = [0.0] * 6
        for i in range(1000):
            days = i % 700
            expected[sum(days > edge for edge in edges)] += 100.0 + i % 7
        strip = partner.receivable_by_age
        for label, amount in zip(
            ["Not due", "1-30", "31-60", "61-90", "91-120", "Over 120"], expected
        ):
            self.assertIn(f"{label}", strip)
            self.assertIn(f"{amount:,.2f}", strip)
        self.assertAlmostEqual(partner.receivable_not_due, expected[0])
        self.assertAlmostEqual(
            partner.receivable_overdue, partner.receivable_open - partner.receivable_not_due
        )
        self.assertTrue(partner.customer_tier)
        self.assertTrue(partner.credit_grade)
        self.assertGreater(partner.credit_review_count, 0)
