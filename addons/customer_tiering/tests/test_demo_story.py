from datetime import date

from freezegun import freeze_time

from odoo.tests import tagged

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
