from datetime import date

from odoo.tests import tagged

from ..engine.activity import add_months
from .common import CustomerTieringCommon


@tagged("post_install", "-at_install")
class TestChurn(CustomerTieringCommon):
    """Activity counts and churn follow the policy's boundaries, counted once."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        cls.policy = cls.env["customer.tier.policy"]._for_company(cls.company)
        # shorter boundaries than the 3/6/12-month defaults
        cls.policy.write({"active_months": 2, "cooling_months": 4, "at_risk_months": 6})
        today = date.today()
        cls.this_month = today.replace(day=1)

        def months_ago(months):
            return add_months(cls.this_month, -months)

        # months invoiced, counted back from this month
        cls.histories = {
            "Steady": [0, 3, 7, 9],  # in both windows
            "Cooling": [3],  # 3 months ago: cooling under these boundaries
            "Gone quiet": [8, 10],  # only in the window before: churned
            "At risk": [5],  # in the current 6-month window, not active
            "Long gone": [14],  # in neither window: not counted by churn
            "New": [1],  # current window only: new
        }
        cls.customers = {}
        for name, history in cls.histories.items():
            customer = cls._customer(name)
            cls._invoices(customer, [(months_ago(m), 100.0) for m in history])
            cls.customers[name] = customer
        cls.env["res.partner"].with_company(cls.company)._recompute_customer_tiers()

    def test_statuses_and_policy_counts_follow_the_boundaries(self):
        statuses = {
            name: customer.with_company(self.company).customer_activity_status
            for name, customer in self.customers.items()
        }
        self.assertEqual(
            statuses,
            {
                "Steady": "active",
                "Cooling": "cooling",
                "Gone quiet": "lost",
                "At risk": "at_risk",
                "Long gone": "lost",
                "New": "active",
            },
        )
        self.policy.invalidate_recordset()
        self.assertRecordValues(
            self.policy,
            [{"active_3m": 2, "active_6m": 3, "active_12m": 4, "lost_count": 2}],
        )

    def test_churn_over_time_uses_the_at_risk_window(self):
        self.env.flush_all()
        report = self.env["customer.churn.report"].search(
            [("company_id", "=", self.company.id), ("month", "=", self.this_month)]
        )
        self.assertEqual(len(report), 1)
        current, before = self._windows(6)
        self.assertEqual(current, {"Steady", "Cooling", "At risk", "New"})
        self.assertEqual(before, {"Steady", "Gone quiet"})
        self._assert_report(report, current, before)
        self.assertEqual(report.churn_rate, 50.0)
        self.policy.invalidate_recordset()
        self.assertEqual(self.policy.churn_rate, 50.0)
        # a 9-month window: the quiet customer is back in the current one, the
        # long-gone one (14 months) enters the previous one and churns instead
        self.policy.at_risk_months = 9
        self.env.flush_all()
        report.invalidate_recordset()
        current, before = self._windows(9)
        self.assertEqual(before - current, {"Long gone"})
        self._assert_report(report, current, before)

    def _windows(self, length):
        """By hand: who was invoiced in the current window, and in the one before
        (months counted back from this one)."""
        current = {n for n, months in self.histories.items() if any(m < length for m in months)}
        before = {
            n
            for n, months in self.histories.items()
            if any(length <= m < 2 * length for m in months)
        }
        return current, before

    def _assert_report(self, report, current, before):
        self.assertRecordValues(
            report,
            [
                {
                    "active_customers": len(current),
                    "previous_customers": len(before),
                    "churned_customers": len(before - current),
                    "new_customers": len(current - before),
                    "churn_rate": 100.0 * len(before - current) / len(before),
                }
            ],
        )
