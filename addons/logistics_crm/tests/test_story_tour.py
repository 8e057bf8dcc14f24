import io
from datetime import date, timedelta

import openpyxl
from dateutil.relativedelta import relativedelta

from odoo import Command
from odoo.tests import HttpCase, tagged
from odoo.tests.common import new_test_user

from .common import LogisticsCommon


@tagged("post_install", "-at_install")
class TestStoryTour(LogisticsCommon, HttpCase):
    """The README's walk through the demo, in a browser, on data of its own."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.company_data["company"]
        cls.story_user = new_test_user(
            cls.env,
            login="story_lead",
            groups=(
                "sales_team.group_sale_manager,customer_tiering.group_credit_controller,"
                "logistics_crm.group_logistics_manager"
            ),
            company_id=company.id,
            company_ids=[company.id],
        )
        today = date.today()
        cls.rising = cls._customer(
            "Story Rising Trading",
            employee_count=3000,
            annual_revenue=400_000_000,
            wallet_share_potential=80,
            growth_outlook="booming",
            user_id=cls.story_user.id,
            email="ops@story.example.com",
        )
        cls._invoices(
            cls.rising,
            [
                (today - relativedelta(months=m), amount)
                for m, amount in ((10, 1_000), (2, 15_000), (1, 20_000))
            ],
        )
        cls.env["res.partner"]._recompute_customer_tiers()
        cls.rising.sudo().write({"credit_limit": 1_000, "use_partner_credit_limit": True})
        cls.order = cls.env["sale.order"].create(
            {
                "partner_id": cls.rising.id,
                # sold by someone else: whoever sells an order cannot release it
                "user_id": cls.salesperson.id,
                "order_line": [
                    Command.create(
                        {"product_id": cls.product_a.id, "price_unit": 5_000.0, "tax_id": False}
                    )
                ],
            }
        )
        cls.late = cls._shipment(
            "STORY-1", partner=cls.rising, planned_delivery=cls.now - timedelta(days=1)
        )
        cls.carrier._ingest_body(
            cls._body(cls._event("STORY-1", "PICKED_UP", 60, location="Ningbo hub")), "webhook"
        )
        cls.complaint = cls.env["logistics.complaint"].create(
            {
                "name": "Story: crushed pallet",
                "partner_id": cls.rising.id,
                "category_id": cls.env.ref("logistics_crm.complaint_category_damage").id,
                "user_id": cls.story_user.id,
                "solution": "We refund the freight of the pallet.",
            }
        )
        cls.complaint.action_acknowledge()
        cls.complaint.action_propose_solution()
        cls.complaint.action_customer_confirm()
        month_end = today.replace(day=1) - timedelta(days=1)
        cls.snapshot = cls.env["receivable.snapshot"].create(
            {"date_from": month_end.replace(day=1), "date_to": month_end}
        )

    def test_the_story_in_a_browser(self):
        self.assertRecordValues(self.rising, [{"customer_tier": "gold", "tier_rising": True}])
        self.assertTrue(self.order.credit_on_hold)
        self.assertEqual(self.late.health, "late")
        self.assertEqual(self.rising.complaint_open_count, 1)
        self.start_tour(
            f"/odoo/res.partner/{self.rising.id}", "logistics_story_tour", login="story_lead"
        )
        self.assertEqual(self.order.state, "sale")
        self.assertEqual(self.order.credit_release_user_id, self.story_user)
        self.assertEqual(self.complaint.stage, "closed")
        self.assertRecordValues(self.rising, [{"complaint_open_count": 0, "complaint_count": 1}])
        self.assertEqual(self.snapshot.state, "closed")
        self.assertTrue(self.snapshot.tie_out_ok)
        # the customer answers the survey from the e-mailed link
        self.start_tour(self.complaint.survey_url, "logistics_complaint_survey_tour")
        self.assertEqual(self.complaint.satisfaction_band, "satisfied")
        # the month-end workbook, downloaded over HTTP and read back
        self.authenticate("story_lead", "story_lead")
        download = self.snapshot.with_user(self.story_user).action_export_xlsx()
        response = self.url_open(download["url"])
        self.assertEqual(response.status_code, 200)
        book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
        self.assertEqual(len(book.sheetnames), 3)
