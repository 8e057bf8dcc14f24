from collections import Counter
from datetime import timedelta

from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tests.common import new_test_user

from .common import LogisticsCommon

MEASURES = [
    "shipment_count:sum",
    "delivered_count:sum",
    "on_time_count:sum",
    "late_count:sum",
    "exception_count:sum",
    "complaint_count:sum",
    "breached_count:sum",
    "on_time_rate:avg",
    "exception_rate:avg",
    "satisfaction_score:avg",
]


@tagged("post_install", "-at_install")
class TestServiceReport(LogisticsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        now = cls.now
        cls.company = cls.company_data["company"]
        # customer: on time, late, an exception and one on its way; other customer: on time
        _shipments, events = cls._service_history("S")
        cls._shipment("S5", partner=cls.other_customer, planned_delivery=now - timedelta(days=1))
        events += [("S5", "PICKED_UP", 24 * 3), ("S5", "DELIVERED", 24 * 2)]
        cls.carrier._ingest_body(cls._body(*(cls._event(*event) for event in events)), "webhook")
        cls.damage = cls.env.ref("logistics_crm.complaint_category_damage")
        cls.delay = cls.env.ref("logistics_crm.complaint_category_delay")
        # the damage on S3 opened a draft cargo claim; it misses its response deadline
        cls.breached = cls.env["logistics.complaint"].search([])
        cls.breached.ensure_one()
        cls.breached.write({"response_deadline": now - timedelta(hours=1)})
        cls.surveyed = cls._complaint(cls.customer, cls.delay)
        cls.surveyed.user_id = cls.logistics_user
        cls.surveyed.action_acknowledge()
        cls.surveyed.action_investigate()
        cls.surveyed.solution = "We deliver again."
        cls.surveyed.action_propose_solution()
        cls.surveyed.action_customer_confirm()
        cls.surveyed.action_close()
        scores = ["overall", "reliability", "assurance", "tangibles", "empathy", "responsiveness"]
        cls.surveyed.sudo()._record_survey_answer(dict.fromkeys([f"{s}_score" for s in scores], 4))
        cls.other_complaint = cls._complaint(cls.other_customer, cls.damage)
        cls.customer.with_company(cls.company).sudo().customer_tier = "gold"

    @classmethod
    def _complaint(cls, partner, category):
        return cls.env["logistics.complaint"].create(
            {
                "name": "Service issue",
                "partner_id": partner.id,
                "category_id": category.id,
                "company_id": cls.company.id,
            }
        )

    def _rows(self, user, groupby):
        report = self.env["logistics.service.report"].with_user(user)
        return report.read_group([], MEASURES, groupby, lazy=False)

    def test_fixture(self):
        self.assertEqual(self.breached.category_id, self.damage)
        self.assertTrue(self.breached.is_breached)
        self.assertFalse(self.surveyed.is_breached)
        self.assertFalse(self.other_complaint.is_breached)
        self.assertEqual(self.surveyed.satisfaction_score, 4.0)

    def test_numbers_per_customer(self):
        rows = {
            row["partner_id"][0]: row for row in self._rows(self.account_manager, ["partner_id"])
        }
        self.assertEqual(set(rows), {self.customer.id, self.other_customer.id})
        expected = {
            self.customer.id: {
                "shipment_count": 4,
                "delivered_count": 2,
                "on_time_count": 1,
                "late_count": 1,
                "exception_count": 1,
                "complaint_count": 2,
                "breached_count": 1,
                "on_time_rate": 50.0,
                "exception_rate": 25.0,
                "satisfaction_score": 4.0,
            },
            self.other_customer.id: {
                "shipment_count": 1,
                "delivered_count": 1,
                "on_time_count": 1,
                "late_count": 0,
                "exception_count": 0,
                "complaint_count": 1,
                "breached_count": 0,
                "on_time_rate": 100.0,
                "exception_rate": 0.0,
            },
        }
        for pid, values in expected.items():
            for name, value in values.items():
                self.assertAlmostEqual(rows[pid][name], value, msg=f"{pid} {name}")
        # no survey answered: no average, not a zero
        self.assertFalse(rows[self.other_customer.id]["satisfaction_score"])

    def test_account_manager_and_my_customers(self):
        report = self.env["logistics.service.report"].with_user(self.account_manager)
        mine = report.search([("user_id", "=", self.account_manager.id)])
        self.assertEqual(set(mine.partner_id.ids), {self.customer.id})
        self.assertEqual(len(mine), 4 + 2)

    def test_customer_tier_of_the_row_company(self):
        by_tier = {
            row["customer_tier"]: (row["shipment_count"], row["complaint_count"])
            for row in self._rows(self.logistics_user, ["customer_tier"])
        }
        self.assertEqual(by_tier, {"gold": (4, 2), False: (1, 1)})

    def test_complaints_by_category_and_rater_dimension(self):
        by_category = {
            row["category_id"][0]: row["complaint_count"]
            for row in self._rows(self.logistics_user, ["category_id"])
            if row["category_id"]
        }
        self.assertEqual(by_category, {self.damage.id: 2, self.delay.id: 1})
        by_dimension = {
            row["rater_dimension"]: row["complaint_count"]
            for row in self._rows(self.logistics_user, ["rater_dimension"])
            if row["complaint_count"]
        }
        complaints = self.breached | self.surveyed | self.other_complaint
        self.assertEqual(by_dimension, dict(Counter(complaints.mapped("rater_dimension"))))

    def test_other_company_sees_nothing(self):
        company_b = self.setup_other_company(name="Other Provider")["company"]
        user_b = new_test_user(
            self.env,
            login="lc_t_user_b",
            groups="logistics_crm.group_logistics_user",
            company_id=company_b.id,
            company_ids=[company_b.id],
        )
        self.env["logistics.shipment"].with_company(company_b).create(
            {
                "partner_id": self.customer.id,
                "carrier_id": self.carrier.id,
                "tracking_ref": "B1",
                "company_id": company_b.id,
            }
        )
        report_b = self.env["logistics.service.report"].with_user(user_b)
        self.assertEqual(report_b.search([]).mapped("shipment_id.tracking_ref"), ["B1"])
        self.assertFalse(report_b.search([("company_id", "=", self.company.id)]))
        report_a = self.env["logistics.service.report"].with_user(self.logistics_user)
        self.assertEqual(report_a.search_count([("company_id", "=", company_b.id)]), 0)
        self.assertEqual(report_a.search_count([("shipment_count", "=", 1)]), 5)

    def test_credit_controller_has_no_access(self):
        with self.assertRaises(AccessError):
            self.env["logistics.service.report"].with_user(self.credit_controller).search([])
