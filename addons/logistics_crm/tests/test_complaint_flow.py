from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from odoo.addons.base.tests.common import new_test_user
from odoo.addons.customer_tiering.tests.common import CustomerTieringCommon

from .complaint_common import SCORES, ComplaintFixtures


@tagged("post_install", "-at_install")
class TestComplaintFlow(CustomerTieringCommon, ComplaintFixtures):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_complaint_fixtures(cls.company_data["company"])

    def test_handling_steps(self):
        complaint = self._complaint(user=self.logistics_user, user_id=False)
        with self.assertRaisesRegex(UserError, "handler"):
            complaint.action_acknowledge()
        complaint.user_id = self.logistics_user
        complaint.action_acknowledge()
        self.assertTrue(complaint.acknowledged_date)
        with self.assertRaisesRegex(UserError, "solution"):
            complaint.action_propose_solution()
        with self.assertRaises(UserError):
            complaint.action_close()
        self._walk_to(complaint, "customer_confirmed")
        self.assertRecordValues(
            complaint,
            [{"stage": "customer_confirmed", "confirmed_by_id": self.customer.id}],
        )
        self.assertTrue(complaint.resolved_date)
        complaint.action_close()
        self.assertEqual(complaint.stage, "closed")
        notes = self.customer.message_ids.filtered(lambda m: complaint.reference in (m.body or ""))
        self.assertEqual(len(notes), 2, "filed and closed, on the customer's chatter")
        self.assertEqual(notes.author_id, self.logistics_user.partner_id)
        self.assertIn('data-oe-model="logistics.complaint"', notes[0].body)
        self.assertTrue(complaint.sudo().survey_token)
        survey_mail = complaint.message_ids.filtered(lambda m: "Rate our service" in (m.body or ""))
        self.assertEqual(len(survey_mail), 1)
        self.assertIn(complaint.sudo().survey_token, survey_mail.body)
        self.assertIn(self.customer, survey_mail.partner_ids)

    def test_reject_needs_a_reason(self):
        complaint = self._complaint(user=self.logistics_user)
        with self.assertRaisesRegex(UserError, "why"):
            complaint.action_reject()
        complaint.rejection_reason = "Not our shipment."
        complaint.action_reject()
        self.assertEqual(complaint.stage, "rejected")

    def test_credit_note_for_the_accepted_amount(self):
        complaint = self._complaint(user=self.logistics_user, claimed_amount=800.0)
        self._walk_to(complaint, "acknowledged")
        complaint.accepted_amount = 600.0
        complaint.action_create_credit_note()
        credit_note = complaint.credit_note_id
        self.assertRecordValues(
            credit_note,
            [
                {
                    "move_type": "out_refund",
                    "state": "draft",
                    "partner_id": self.customer.id,
                    "amount_total": 600.0,
                    "invoice_origin": complaint.reference,
                }
            ],
        )
        with self.assertRaisesRegex(UserError, "already"):
            complaint.action_create_credit_note()
        # a handler without accounting rights still opens the complaint with its links
        invoice = self._invoices(self.customer, [("2026-11-02", 800.0)])
        complaint.invoice_id = invoice
        form = Form(complaint.with_user(self.logistics_user))
        self.assertEqual(form.credit_note_id, credit_note)
        self.assertEqual(form.invoice_id, invoice)

    def test_only_a_manager_accepts_more_than_claimed(self):
        complaint = self._complaint(user=self.logistics_user, claimed_amount=500.0)
        with self.assertRaisesRegex(ValidationError, "Logistics Manager"):
            complaint.accepted_amount = 700.0
            complaint.flush_recordset()
        complaint.invalidate_recordset()
        complaint.with_user(self.logistics_manager).accepted_amount = 700.0
        self.assertEqual(complaint.accepted_amount, 700.0)

    def test_raising_the_claim_first_does_not_raise_the_cap(self):
        complaint = self._complaint(user=self.logistics_user, claimed_amount=500.0)
        complaint.claimed_amount = 5_000.0
        with self.assertRaisesRegex(ValidationError, "first claimed"):
            complaint.accepted_amount = 5_000.0
        with self.assertRaisesRegex(ValidationError, "first claimed"):
            complaint.write({"claimed_amount": 9_000.0, "accepted_amount": 9_000.0})
        with self.assertRaises(AccessError):
            complaint.write({"claimed_amount_first": 9_000.0})
        complaint.accepted_amount = 500.0
        self.assertEqual(complaint.claimed_amount_first, 500.0)
        complaint.with_user(self.logistics_manager).accepted_amount = 5_000.0
        # a claim first recorded later is the first claim
        later = self._complaint(user=self.logistics_user)
        later.claimed_amount = 300.0
        with self.assertRaises(ValidationError):
            later.write({"claimed_amount": 3_000.0, "accepted_amount": 3_000.0})

    def test_handling_steps_are_for_staff_only(self):
        portal = new_test_user(self.env, login="cmp_portal", groups="base.group_portal")
        complaint = self._walk_to(self._complaint(user=self.logistics_user), "closed")
        for method in ("action_create_credit_note", "action_send_survey", "action_reopen"):
            with self.assertRaises(AccessError):
                getattr(complaint.with_user(portal), method)()
            with self.assertRaises(AccessError):
                getattr(complaint.with_user(self.account_manager), method)()

    def test_user_cannot_delete_a_closed_complaint(self):
        closed = self._walk_to(self._complaint(user=self.logistics_user), "closed")
        with self.assertRaisesRegex(UserError, "archive"):
            closed.unlink()
        draft = self._complaint(user=self.logistics_user)
        draft.unlink()
        self.assertFalse(draft.exists())
        closed.with_user(self.logistics_manager).unlink()
        self.assertFalse(closed.exists())

    def test_survey_bands_and_dissatisfied_alert(self):
        band = self.env["logistics.complaint.survey"]._band
        self.assertEqual(
            [band(5.0), band(4.6), band(4.5), band(4.0), band(3.99)],
            ["satisfied", "satisfied", "shortcomings", "shortcomings", "dissatisfied"],
        )
        complaint = self._walk_to(self._complaint(user=self.logistics_user), "closed")
        scores = dict.fromkeys(SCORES, 3)
        complaint.sudo()._record_survey_answer({**scores, "comment": "Too slow."})
        self.assertRecordValues(
            complaint, [{"satisfaction_score": 3.0, "satisfaction_band": "dissatisfied"}]
        )
        self.assertEqual(complaint.activity_ids.user_id, self.account_manager)
        with self.assertRaisesRegex(UserError, "already"):
            complaint.sudo()._record_survey_answer(scores)
        partner = self.customer.with_user(self.account_manager)
        self.assertEqual(partner.complaint_count, 1)
        self.assertEqual(partner.complaint_satisfaction, 3.0)
