from datetime import datetime

from freezegun import freeze_time

from odoo.tests import TransactionCase, tagged

from .complaint_common import ComplaintFixtures


@tagged("post_install", "-at_install")
class TestComplaintSla(TransactionCase, ComplaintFixtures):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_complaint_fixtures(cls.env.company)

    def test_default_policies_per_tier(self):
        policies = self.env["logistics.complaint.sla"]._for_company(self.company)
        self.assertEqual(
            {tier: (p.response_hours, p.resolution_hours) for tier, p in policies.items()},
            {"platinum": (2, 24), "gold": (4, 48), "iron": (8, 72), "lead": (24, 120)},
        )

    @freeze_time("2026-11-20 16:00:00")  # a Friday, one working hour left
    def test_iron_deadlines_run_on_working_days(self):
        self._set_tier(self.customer, "iron")
        complaint = self._complaint(user=self.logistics_user)
        self.assertRecordValues(
            complaint,
            [
                {
                    "customer_tier": "iron",
                    # 1 h on Friday, 7 h on Monday (lunch excluded)
                    "response_deadline": datetime(2026, 11, 23, 16, 0),
                    # 1 h on Friday, 40 h next week, 31 h the week after
                    "resolution_deadline": datetime(2026, 12, 3, 16, 0),
                    "sla_status": "on_time",
                    "is_breached": False,
                }
            ],
        )
        self.assertTrue(complaint.reference.startswith("CMP/2026/"))

    @freeze_time("2026-11-20 16:00:00")
    def test_platinum_and_untiered(self):
        self._set_tier(self.customer, "platinum")
        platinum = self._complaint()
        self.assertEqual(platinum.response_deadline, datetime(2026, 11, 23, 9, 0))
        self.assertEqual(platinum.resolution_deadline, datetime(2026, 11, 25, 16, 0))
        untiered = self._complaint(partner_id=self.other_customer.id)
        self.assertEqual(untiered.customer_tier, "lead")
        self.assertEqual(untiered.response_deadline, datetime(2026, 11, 25, 16, 0))
        # corrected to the platinum customer before anyone answered: platinum deadlines
        untiered.partner_id = self.customer
        self.assertEqual(untiered.customer_tier, "platinum")
        self.assertEqual(untiered.response_deadline, datetime(2026, 11, 23, 9, 0))

    def test_contact_is_moved_to_commercial_partner(self):
        complaint = self._complaint(partner_id=self.customer_contact.id)
        self.assertEqual(complaint.partner_id, self.customer)
        self.assertEqual(complaint.contact_id, self.customer_contact)

    def test_escalation_once_per_deadline(self):
        self._set_tier(self.customer, "platinum")
        with freeze_time("2026-11-23 08:00:00"):  # Monday
            complaint = self._complaint(user=self.logistics_user)
        self.assertEqual(complaint.response_deadline, datetime(2026, 11, 23, 10, 0))
        cron = self.env["logistics.complaint"]
        with freeze_time("2026-11-23 09:40:00"):
            cron._cron_escalate_sla()
        self.assertEqual(complaint.sla_status, "at_risk")
        self.assertFalse(complaint.activity_ids)
        with freeze_time("2026-11-23 11:00:00"):
            cron._cron_escalate_sla()
            cron._cron_escalate_sla()
        self.assertRecordValues(
            complaint,
            [{"sla_status": "breached", "is_breached": True, "response_escalated": True}],
        )
        self.assertEqual(len(complaint.activity_ids), 1)
        self.assertTrue(
            complaint.activity_ids.user_id.has_group("logistics_crm.group_logistics_manager")
        )
        self.assertEqual(
            len(complaint.message_ids.filtered(lambda m: "SLA breached" in (m.body or ""))), 1
        )
        # the resolution deadline is a deadline of its own: escalated once more, later
        complaint.with_user(self.logistics_user).action_acknowledge()
        with freeze_time("2026-11-27 09:00:00"):
            cron._cron_escalate_sla()
            cron._cron_escalate_sla()
        self.assertTrue(complaint.resolution_escalated)
        self.assertEqual(len(complaint.activity_ids), 2)

    def test_escalation_user_of_the_policy(self):
        policy = self.env["logistics.complaint.sla"]._for_company(self.company)["lead"]
        policy.escalation_user_id = self.logistics_manager
        with freeze_time("2026-11-23 08:00:00"):
            complaint = self._complaint(partner_id=self.other_customer.id)
        with freeze_time("2026-12-01 08:00:00"):
            self.env["logistics.complaint"]._cron_escalate_sla()
        self.assertEqual(complaint.activity_ids.user_id, self.logistics_manager)

    def test_acknowledged_in_time_is_on_time(self):
        self._set_tier(self.customer, "gold")
        with freeze_time("2026-11-23 08:00:00"):
            complaint = self._complaint(user=self.logistics_user)
        with freeze_time("2026-11-23 09:30:00"):
            complaint.with_user(self.logistics_user).action_acknowledge()
        self.assertAlmostEqual(complaint.first_response_hours, 1.5)
        with freeze_time("2026-11-23 10:00:00"):
            self.env["logistics.complaint"]._cron_escalate_sla()
        self.assertEqual(complaint.sla_status, "on_time")

    def test_other_company_complaints_stay_hidden(self):
        other = self.env["res.company"].create({"name": "Chongqing Branch"})
        hidden = self.env["logistics.complaint"].create(
            {
                "name": "Elsewhere",
                "partner_id": self.customer.id,
                "category_id": self.delay.id,
                "company_id": other.id,
            }
        )
        self.assertEqual(hidden.sla_id.company_id, other)
        mine = self._complaint()
        visible = self.env["logistics.complaint"].with_user(self.logistics_user).search([])
        self.assertIn(mine, visible)
        self.assertNotIn(hidden, visible)
