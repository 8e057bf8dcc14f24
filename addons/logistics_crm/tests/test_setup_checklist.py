from datetime import datetime, timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.base.tests.common import new_test_user
from odoo.addons.customer_tiering.tests.common import CustomerTieringCommon


@tagged("post_install", "-at_install")
class TestSetupChecklist(CustomerTieringCommon):
    """Each line of the checklist reads the real configuration of the company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        common = {"company_id": cls.company.id, "company_ids": [cls.company.id]}
        cls.manager = new_test_user(
            cls.env,
            login="lc_setup_manager",
            groups="logistics_crm.group_logistics_manager",
            **common,
        )
        cls.user = new_test_user(
            cls.env, login="lc_setup_user", groups="logistics_crm.group_logistics_user", **common
        )
        # only this test's carriers and shipments count; the demo's are set aside by the
        # test's own setup, which the accountant running it may not do
        cls.env["logistics.carrier"].sudo().search(
            [("company_id", "in", (False, cls.company.id))]
        ).active = False
        shipments = (
            cls.env["logistics.shipment"].sudo().search([("company_id", "=", cls.company.id)])
        )
        shipments.unlink()

    def _checklist(self):
        return self.env["logistics.setup.checklist"].with_user(self.manager).create({})

    def _done(self):
        checklist = self._checklist()
        return {
            step: checklist[f"{step}_done"]
            for step in ("calendar", "tier_policy", "grades", "carrier", "bucket_edges", "all")
        }

    def test_each_line_follows_the_configuration(self):
        self.assertEqual(
            self._done(),
            {
                "calendar": False,
                "tier_policy": False,
                "grades": False,
                "carrier": False,
                "bucket_edges": True,
                "all": False,
            },
        )
        calendar = self.company.resource_calendar_id
        next_year = datetime.now().replace(month=10, day=1, hour=0) + timedelta(days=365)
        self.env["resource.calendar.leaves"].create(
            {
                "name": "National Day",
                "calendar_id": calendar.id,
                "date_from": next_year,
                "date_to": next_year + timedelta(days=7),
            }
        )
        policy = self.env["customer.tier.policy"]._for_company(self.company)
        policy.last_run = fields.Datetime.now()
        policy.credit_grade_ids[:1].payment_term_id = self.env.ref(
            "account.account_payment_term_30days"
        )
        self.env["logistics.carrier"].with_user(self.manager).create(
            {"name": "SF", "code": "sf-setup", "company_id": self.company.id}
        )
        self.assertEqual(set(self._done().values()), {True})
        self.company.resource_calendar_id.attendance_ids.unlink()
        self.assertFalse(self._done()["calendar"])

    def test_home_is_the_checklist_only_for_a_manager_of_a_new_database(self):
        Checklist = self.env["logistics.setup.checklist"]
        home = Checklist.with_user(self.manager)._action_home()
        self.assertEqual(home["res_model"], "logistics.setup.checklist")
        first_page = Checklist.with_user(self.user)._action_home()
        self.assertNotEqual(first_page["res_model"], "logistics.setup.checklist")
        # once in use, the manager lands where everybody does
        carrier = (
            self.env["logistics.carrier"]
            .with_user(self.manager)
            .create({"name": "SF", "code": "sf-home"})
        )
        self.env["logistics.shipment"].with_user(self.manager).create(
            {
                "partner_id": self._customer("Setup Customer").id,
                "company_id": self.company.id,
                "carrier_id": carrier.id,
                "tracking_ref": "SF0001",
            }
        )
        in_use = Checklist.with_user(self.manager)._action_home()
        self.assertEqual(in_use["res_model"], first_page["res_model"])

    def test_only_managers_open_it(self):
        with self.assertRaises(AccessError):
            self.env["logistics.setup.checklist"].with_user(self.user).create({})
        checklist = self._checklist()
        self.assertEqual(
            checklist.action_open_calendar()["res_id"], self.company.resource_calendar_id.id
        )
        self.assertEqual(checklist.action_open_company()["res_id"], self.company.id)
