from datetime import date

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time
from lxml import etree

from odoo.tests import tagged

from ..engine.activity import add_months
from .common import CustomerTieringCommon

TIERS_BEST_FIRST = ["platinum", "gold", "iron", "lead"]


@tagged("post_install", "-at_install")
class TestReceivableFigures(CustomerTieringCommon):
    """Month-end balances are not added across months; tiers come best first."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        # one customer per tier, created A to Z so that the order proves nothing
        cls.customers = {
            tier: cls._customer(f"{tier} customer") for tier in sorted(TIERS_BEST_FIRST)
        }
        cls.january = cls._snapshot(date(2026, 1, 31), closing=100.0)
        cls.february = cls._snapshot(date(2026, 2, 28), closing=200.0)
        cls.lines = cls.january.line_ids | cls.february.line_ids

    @classmethod
    def _snapshot(cls, day, closing):
        """A snapshot of every customer: ``closing`` each, 10 debited in the month."""
        snapshot = cls.env["receivable.snapshot"].create(
            {"company_id": cls.company.id, "date_from": day.replace(day=1), "date_to": day}
        )
        cls.env["receivable.snapshot.line"].create(
            [
                {
                    "snapshot_id": snapshot.id,
                    "company_id": cls.company.id,
                    "partner_id": customer.id,
                    "customer_tier": tier,
                    "opening_balance": closing - 10.0,
                    "debit": 10.0,
                    "closing_balance": closing,
                    "bucket_0": closing,
                }
                for tier, customer in cls.customers.items()
            ]
        )
        snapshot.write({"total_opening": 4 * (closing - 10), "total_closing": 4 * closing})
        return snapshot

    def test_receivables_by_tier_best_first_and_not_added_across_months(self):
        groups = self.env["receivable.snapshot.line"].read_group(
            [("id", "in", self.lines.ids)],
            ["opening_balance:sum", "debit:sum", "closing_balance:sum", "bucket_0:sum"],
            ["customer_tier"],
            lazy=False,
        )
        self.assertEqual([group["customer_tier"] for group in groups], TIERS_BEST_FIRST)
        for group in groups:
            # the latest month-end, the earliest opening, both months' movements
            self.assertEqual(group["closing_balance"], 200.0)
            self.assertEqual(group["bucket_0"], 200.0)
            self.assertEqual(group["opening_balance"], 90.0)
            self.assertEqual(group["debit"], 20.0)
        # within a month the customers still add up
        by_month = self.env["receivable.snapshot.line"].read_group(
            [("id", "in", self.lines.ids)], ["closing_balance:sum"], ["date_to:month"], lazy=False
        )
        self.assertEqual(sorted(g["closing_balance"] for g in by_month), [400.0, 800.0])

    def test_snapshot_list_does_not_add_month_ends(self):
        snapshots = self.january | self.february
        [group] = self.env["receivable.snapshot"].read_group(
            [("id", "in", snapshots.ids)],
            ["total_opening:sum", "total_closing:sum"],
            ["company_id"],
            lazy=False,
        )
        self.assertEqual(group["total_closing"], 800.0)
        self.assertEqual(group["total_opening"], 360.0)
        arch = self.env["receivable.snapshot"].get_view(view_type="list")["arch"]
        summed = etree.fromstring(arch).xpath("//field[@sum]/@name")
        self.assertNotIn("total_closing", summed)
        self.assertIn("total_debit", summed)

    def test_tier_groups_best_first_on_customers(self):
        for tier, customer in self.customers.items():
            customer.with_company(self.company).sudo().customer_tier = tier
        partners = self.env["res.partner"].with_company(self.company)
        domain = [("id", "in", [c.id for c in self.customers.values()])]
        for lazy in (True, False):  # the kanban pyramid, the pivot
            groups = partners.read_group(domain, ["tier_revenue:sum"], ["customer_tier"], lazy=lazy)
            self.assertEqual([group["customer_tier"] for group in groups], TIERS_BEST_FIRST)
        groups = partners.read_group(domain, [], ["customer_tier"], orderby="customer_tier desc")
        self.assertEqual([group["customer_tier"] for group in groups], TIERS_BEST_FIRST[::-1])

    def test_aging_columns_titled_with_their_ranges(self):
        self.company.receivable_bucket_edges = "30,60,90,120"
        views = self.env["receivable.snapshot"].get_views([(False, "form")])
        line_fields = views["models"]["receivable.snapshot.line"]["fields"]
        titles = [line_fields[f"bucket_{index}"]["string"] for index in range(6)]
        self.assertEqual(titles, ["Not due", "1-30", "31-60", "61-90", "91-120", "Over 120"])
        self.assertEqual(
            " | ".join(titles), self.january.bucket_labels, "the labels the snapshot shows"
        )
        # the pivot's measures and the lists read the same titles
        described = self.env["receivable.snapshot.line"].fields_get(["bucket_5"], ["string"])
        self.assertEqual(described["bucket_5"]["string"], "Over 120")


@tagged("post_install", "-at_install")
class TestChurnFigures(CustomerTieringCommon):
    """Churn over time: months are not added up, empty months not averaged."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        policy = cls.env["customer.tier.policy"]._for_company(cls.company)
        policy.write({"active_months": 2, "cooling_months": 4, "at_risk_months": 6})
        this_month = date.today().replace(day=1)
        for name, months_ago in (("Steady", [0, 7]), ("Gone", [8]), ("New", [1])):
            customer = cls._customer(name)
            cls._invoices(customer, [(add_months(this_month, -m), 100.0) for m in months_ago])
        cls.this_month = this_month

    def test_pivot_totals(self):
        self.env.flush_all()
        report = self.env["customer.churn.report"]
        domain = [("company_id", "=", self.company.id)]
        months = report.search(domain)
        latest = months.filtered(lambda row: row.month == self.this_month)
        self.assertEqual(latest.active_customers, 2)
        [(active, churned, rate)] = report._read_group(
            domain, [], ["active_customers:sum", "churned_customers:sum", "churn_rate:avg"]
        )
        self.assertEqual((active, churned), (latest.active_customers, latest.churned_customers))
        # months without anyone active a window before have no churn rate at all
        measured = months.filtered("previous_customers")
        self.assertTrue(months - measured)
        self.assertFalse(any(row.churn_rate for row in months - measured))
        expected = sum(measured.mapped("churn_rate")) / len(measured)
        self.assertAlmostEqual(rate, expected, places=6)


@tagged("post_install", "-at_install")
class TestCustomerCards(CustomerTieringCommon):
    """The customer's card shows what it bought; its candidate flag fits its tier."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.big = cls._customer("Big Regular Shipper")
        today = date(2026, 6, 30)
        monthly = [(today - relativedelta(months=m, days=5), 120_000) for m in range(12)]
        for invoice in cls._invoices(cls.big, monthly):
            cls._pay(invoice, invoice.invoice_date_due)

    def test_kanban_card_shows_the_invoiced_sales(self):
        arch = self.env["res.partner"].get_views([(False, "kanban")])["views"]["kanban"]["arch"]
        card = etree.fromstring(arch)
        self.assertTrue(card.xpath("//field[@name='sales_invoiced_total']"))
        self.assertFalse(card.xpath("//field[@name='sale_order_count']"))
        self.assertFalse(self.big.sale_order_count)
        self.assertEqual(self.big.sales_invoiced_total, 12 * 120_000)

    @freeze_time("2026-06-30")
    def test_candidate_flag_speaks_of_the_tier_shown(self):
        policy = self.env["customer.tier.policy"]._for_company(self.env.company)
        policy.candidate_margin = 100  # every customer is near a threshold
        self._recompute(self.big)
        self.assertEqual(self.big.customer_tier, "platinum")
        self.assertEqual(self.big.tier_candidate, "demotion")
        self.env["customer.tier.override"].with_user(self.sales_manager).create(
            {"partner_id": self.big.id, "action": "lock", "tier": "gold", "reason": "Contract"}
        ).action_apply()
        self.assertFalse(self.big.tier_candidate)
        self._recompute(self.big)
        self.assertRecordValues(
            self.big,
            [{"customer_tier": "gold", "tier_computed": "platinum", "tier_candidate": False}],
        )
