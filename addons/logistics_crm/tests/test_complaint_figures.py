from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from odoo.addons.customer_tiering.tests.common import CustomerTieringCommon

from .complaint_common import SCORES, ComplaintFixtures


@tagged("post_install", "-at_install")
class TestComplaintFigures(CustomerTieringCommon, ComplaintFixtures):
    """No answer is not a zero: open complaints and unanswered surveys stay empty."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_complaint_fixtures(cls.company_data["company"])

    def _filed_hours_ago(self, hours):
        return self._complaint(
            user=self.logistics_user, date=fields.Datetime.now() - timedelta(hours=hours)
        )

    def test_analysis_averages_answered_and_closed_only(self):
        answered = self._walk_to(self._filed_hours_ago(10), "closed")
        answered.sudo()._record_survey_answer(dict.fromkeys(SCORES, 4))
        self._walk_to(self._filed_hours_ago(20), "closed")  # closed, never answered
        still_open = self._filed_hours_ago(30)
        complaints = self.env["logistics.complaint"].with_user(self.logistics_manager)
        [group] = complaints.read_group(
            [("partner_id", "=", self.customer.id)],
            ["satisfaction_score:avg", "resolution_hours:avg", "first_response_hours:avg"],
            ["partner_id"],
            lazy=False,
        )
        self.assertEqual(group["__count"], 3)
        self.assertEqual(group["satisfaction_score"], 4.0)
        self.assertAlmostEqual(group["resolution_hours"], 15.0, delta=0.2)
        self.assertAlmostEqual(group["first_response_hours"], 15.0, delta=0.2)
        for name in ("first_response_hours", "resolution_hours", "satisfaction_score"):
            self.assertIs(still_open[name], False, name)

    def test_customer_without_survey_shows_no_satisfaction(self):
        self._walk_to(self._complaint(user=self.logistics_user), "closed")
        partner = self.customer.with_user(self.account_manager)
        self.assertEqual(partner.complaint_count, 1)
        self.assertIs(partner.complaint_satisfaction, False)
        [values] = partner.read(["complaint_satisfaction"])
        self.assertIs(values["complaint_satisfaction"], False)
