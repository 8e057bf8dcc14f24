import re

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged

from odoo.addons.base.tests.common import new_test_user

from .complaint_common import SCORES, ComplaintFixtures


@tagged("post_install", "-at_install")
class TestComplaintPortal(HttpCase, ComplaintFixtures):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_complaint_fixtures(cls.env.company)
        cls.portal_a = new_test_user(cls.env, login="cmp_portal_a", groups="base.group_portal")
        cls.portal_a.partner_id.parent_id = cls.customer
        cls.portal_b = new_test_user(cls.env, login="cmp_portal_b", groups="base.group_portal")
        cls.portal_b.partner_id.parent_id = cls.other_customer
        carrier = cls.env["logistics.carrier"].create(
            {"name": "Pearl Freight", "code": "cmp_pf", "connector": "json"}
        )
        cls.shipment_a, cls.shipment_b = cls.env["logistics.shipment"].create(
            [
                {"partner_id": partner.id, "carrier_id": carrier.id, "tracking_ref": ref}
                for partner, ref in ((cls.customer, "PF-A-1"), (cls.other_customer, "PF-B-1"))
            ]
        )
        cls.complaint_a = cls.env["logistics.complaint"].create(
            {
                "name": "Late delivery to Suzhou",
                "partner_id": cls.customer.id,
                "category_id": cls.env.ref("logistics_crm.complaint_category_delay").id,
            }
        )
        cls.complaint_b = cls.env["logistics.complaint"].create(
            {
                "name": "Wrong invoice amount",
                "partner_id": cls.other_customer.id,
                "category_id": cls.env.ref("logistics_crm.complaint_category_billing").id,
            }
        )

    def _csrf(self, response):
        return re.search(r'name="csrf_token" value="([^"]+)"', response.text).group(1)

    # -- isolation ------------------------------------------------------------

    def test_portal_customer_sees_only_own_complaints(self):
        model = self.env["logistics.complaint"].with_user(self.portal_a)
        self.assertEqual(model.search([]), self.complaint_a)
        with self.assertRaises(AccessError):
            self.complaint_b.with_user(self.portal_a).read(["name"])
        self.authenticate("cmp_portal_a", "cmp_portal_a")
        listing = self.url_open("/my/complaints")
        self.assertEqual(listing.status_code, 200)
        self.assertIn(self.complaint_a.reference, listing.text)
        self.assertNotIn(self.complaint_b.reference, listing.text)
        other = self.url_open(f"/my/complaints/{self.complaint_b.id}")
        self.assertNotIn(self.complaint_b.name, other.text)
        own = self.url_open(f"/my/complaints/{self.complaint_a.id}")
        self.assertIn(self.complaint_a.name, own.text)
        home = self.url_open("/my/home")
        self.assertIn("/my/complaints", home.text)

    def test_portal_files_a_complaint_with_attachment(self):
        self.authenticate("cmp_portal_a", "cmp_portal_a")
        form = self.url_open("/my/complaints/new")
        self.assertEqual(form.status_code, 200)
        self.assertIn('name="description"', form.text)
        self.assertIn(self.shipment_a.name, form.text)
        self.assertNotIn(self.shipment_b.name, form.text)
        values = {
            "csrf_token": self._csrf(form),
            "name": "Cartons soaked",
            "description": "Rain got into the trailer.",
            "category_id": str(self.damage.id),
            "claimed_amount": "250",
        }
        invalid = self.url_open(
            "/my/complaints/new", data={**values, "name": "", "category_id": "999999"}
        )
        self.assertIn("Give your complaint a subject.", invalid.text)
        # someone else's shipment is refused, and nothing is created
        foreign = self.url_open(
            "/my/complaints/new", data={**values, "shipment_id": str(self.shipment_b.id)}
        )
        self.assertIn("Choose one of your shipments.", foreign.text)
        self.assertFalse(self.env["logistics.complaint"].search([("name", "=", "Cartons soaked")]))
        values["shipment_id"] = str(self.shipment_a.id)
        response = self.url_open(
            "/my/complaints/new",
            data=values,
            files={"attachments": ("photo.png", b"\x89PNG fake", "image/png")},
        )
        self.assertEqual(response.status_code, 200)
        complaint = self.env["logistics.complaint"].search([("name", "=", "Cartons soaked")])
        self.assertRecordValues(
            complaint,
            [
                {
                    "partner_id": self.customer.id,
                    "contact_id": self.portal_a.partner_id.id,
                    "channel": "portal",
                    "claimed_amount": 250.0,
                    "is_claim": True,
                    "user_id": False,
                    "shipment_id": self.shipment_a.id,
                }
            ],
        )
        attachments = self.env["ir.attachment"].search(
            [("res_model", "=", "logistics.complaint"), ("res_id", "=", complaint.id)]
        )
        self.assertEqual(attachments.mapped("name"), ["photo.png"])
        self.assertIn(self.portal_a.partner_id, complaint.message_partner_ids)

    def test_portal_confirms_the_proposed_solution(self):
        complaint = self._walk_to(self.complaint_a, "solution_proposed")
        self.authenticate("cmp_portal_b", "cmp_portal_b")
        page = self.url_open("/my/complaints/new")
        self.url_open(
            f"/my/complaints/{complaint.id}/confirm", data={"csrf_token": self._csrf(page)}
        )
        self.assertEqual(complaint.stage, "solution_proposed")
        self.authenticate("cmp_portal_a", "cmp_portal_a")
        page = self.url_open(f"/my/complaints/{complaint.id}")
        self.assertIn("Confirm the Solution", page.text)
        self.url_open(
            f"/my/complaints/{complaint.id}/confirm", data={"csrf_token": self._csrf(page)}
        )
        self.assertRecordValues(
            complaint,
            [{"stage": "customer_confirmed", "confirmed_by_id": self.portal_a.partner_id.id}],
        )

    # -- satisfaction survey --------------------------------------------------

    def test_survey_token_flow(self):
        complaint = self._walk_to(self.complaint_a, "closed")
        token = complaint.survey_token
        url = f"/complaint/survey/{complaint.id}"
        self.assertEqual(self.url_open(f"{url}?token=wrong").status_code, 404)
        self.assertEqual(self.url_open(url).status_code, 404)
        self.assertEqual(
            self.url_open(f"/complaint/survey/{self.complaint_b.id}?token={token}").status_code,
            404,
        )
        page = self.url_open(f"{url}?token={token}")
        self.assertEqual(page.status_code, 200)
        answer = {"csrf_token": self._csrf(page), "token": token, "comment": "Good job"}
        answer.update(dict.fromkeys(SCORES, "5"))
        answer["overall_score"] = "4"
        bad = self.url_open(url, data={**answer, "empathy_score": "9"})
        self.assertEqual(bad.status_code, 400)
        self.assertFalse(complaint.survey_ids)
        self.assertEqual(self.url_open(url, data={**answer, "token": "wrong"}).status_code, 404)
        done = self.url_open(url, data=answer)
        self.assertEqual(done.status_code, 200)
        self.assertRecordValues(
            complaint.survey_ids,
            [{"overall_score": 4, "empathy_score": 5, "comment": "Good job", "band": "satisfied"}],
        )
        self.assertAlmostEqual(complaint.satisfaction_score, 4.83)
        again = self.url_open(url, data={**answer, "overall_score": "1"})
        self.assertEqual(again.status_code, 403)
        self.assertEqual(len(complaint.survey_ids), 1)
        self.assertEqual(complaint.survey_ids.overall_score, 4)
        self.assertFalse(complaint.activity_ids)

    def test_dissatisfied_answer_alerts_account_manager(self):
        complaint = self._walk_to(self.complaint_a, "closed")
        url = f"/complaint/survey/{complaint.id}"
        page = self.url_open(f"{url}?token={complaint.survey_token}")
        answer = {"csrf_token": self._csrf(page), "token": complaint.survey_token}
        answer.update(dict.fromkeys(SCORES, "3"))
        self.url_open(url, data=answer)
        self.assertEqual(complaint.satisfaction_band, "dissatisfied")
        self.assertEqual(complaint.activity_ids.user_id, self.account_manager)

    def test_tour_complaint_from_backend_to_survey(self):
        """Recorded, acknowledged, solved in the backend; confirmed and rated by the customer."""
        self.start_tour("/odoo", "logistics_complaint_backend_tour", login="cmp_user")
        complaint = self.env["logistics.complaint"].search(
            [("name", "=", "Tour: broken seal on arrival")]
        )
        self.assertRecordValues(
            complaint,
            [
                {
                    "stage": "solution_proposed",
                    "partner_id": self.customer.id,
                    "user_id": self.logistics_user.id,
                }
            ],
        )
        self.start_tour("/my/complaints", "logistics_complaint_portal_tour", login="cmp_portal_a")
        self.assertEqual(complaint.stage, "customer_confirmed")
        self.start_tour(
            f"/odoo/action-logistics_crm.logistics_complaint_action/{complaint.id}",
            "logistics_complaint_close_tour",
            login="cmp_user",
        )
        self.assertEqual(complaint.stage, "closed")
        self.start_tour(
            f"/complaint/survey/{complaint.id}?token={complaint.survey_token}",
            "logistics_complaint_survey_tour",
            login=None,
        )
        self.assertRecordValues(
            complaint,
            [{"satisfaction_score": 5.0, "satisfaction_band": "satisfied"}],
        )
