import io
from datetime import date

import openpyxl

from odoo import fields, http
from odoo.tests import HttpCase, tagged

from odoo.addons.base.tests.common import new_test_user

from .test_receivable_snapshot import CUTOFF, ReceivableCommon


class StatementCommon(ReceivableCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.alpha = cls._customer(
            "ST Alpha", email="ap@alpha.example.com", user_id=cls.account_manager.id
        )
        cls.alpha_invoicing = cls.env["res.partner"].create(
            {
                "name": "Alpha Accounts Payable",
                "type": "invoice",
                "parent_id": cls.alpha.id,
                "email": "invoices@alpha.example.com",
            }
        )
        cls.beta = cls._customer("ST Beta", email="ap@beta.example.com")
        cls.inv_may = cls._invoice(cls.alpha, date(2024, 5, 20), 1000.0)
        cls.inv_june = cls._invoice(cls.alpha, date(2024, 6, 5), 400.0)
        cls.refund = cls._invoice(cls.alpha, date(2024, 6, 8), 150.0, move_type="out_refund")
        cls._reconcile(cls.inv_june, cls.refund)
        cls._reconcile(cls.inv_may, cls._payment(cls.alpha, date(2024, 6, 15), 600.0))
        cls._invoice(cls.beta, date(2024, 6, 10), 777.0)
        cls.snapshot = (
            cls.env["receivable.snapshot"]
            .with_user(cls.credit_controller)
            .create({"date_from": date(2024, 6, 1), "date_to": CUTOFF})
        )
        cls.snapshot.action_compute()
        cls.snapshot.action_generate_statements()
        cls.statements = cls.snapshot.statement_ids
        cls.st_alpha = cls.statements.filtered(lambda s: s.partner_id == cls.alpha)
        cls.st_beta = cls.statements.filtered(lambda s: s.partner_id == cls.beta)


@tagged("post_install", "-at_install")
class TestReceivableStatement(StatementCommon):
    def test_statement_lists_the_period_with_running_balance(self):
        self.assertEqual(len(self.statements), 2)
        st = self.st_alpha
        self.assertEqual(st.invoice_partner_id, self.alpha_invoicing)
        self.assertRecordValues(
            st,
            [
                {
                    "opening_balance": 1000.0,
                    "total_debit": 400.0,
                    "total_credit": 750.0,
                    "closing_balance": 650.0,
                    "state": "draft",
                }
            ],
        )
        self.assertEqual(st.line_ids.mapped("kind"), ["invoice", "credit_note", "payment"])
        self.assertEqual(st.line_ids.mapped("balance"), [1400.0, 1250.0, 650.0])
        line = self._line(self.snapshot, self.alpha)
        self.assertEqual(line.statement_id, st)
        self.assertEqual(line.statement_state, "draft")

    def test_pdf_and_xlsx(self):
        html = self.env["ir.actions.report"]._render_qweb_html(
            "customer_tiering.receivable_statement_report", self.st_alpha.ids
        )[0]
        self.assertIn(b"ST Alpha", html)
        self.assertIn(self.inv_june.name.encode(), html)
        self.st_alpha.with_user(self.credit_controller).action_export_xlsx()
        attachment = self.env["ir.attachment"].search(
            [("res_model", "=", "receivable.statement"), ("res_id", "=", self.st_alpha.id)]
        )
        sheet = openpyxl.load_workbook(io.BytesIO(attachment.raw), read_only=True).active
        rows = list(sheet.iter_rows(values_only=True))
        values = {row[0]: row[1] for row in rows if row and row[0]}
        self.assertEqual(values["Opening Balance"], 1000.0)
        self.assertEqual(values["Closing Balance"], 650.0)
        total = next(row for row in rows if row and row[0] == "Total")
        self.assertEqual(total[5:7], (400.0, 750.0))

    def test_send_statements_in_a_batch(self):
        self.snapshot.with_user(self.credit_controller).action_send_statements()
        self.assertEqual(set(self.statements.mapped("state")), {"sent"})
        message = self.st_alpha.message_ids.filtered(lambda m: m.message_type == "comment")[:1]
        self.assertIn(self.alpha_invoicing, message.partner_ids)
        self.assertTrue(message.attachment_ids, "the statement goes out as a PDF")
        self.assertIn(self.alpha_invoicing, message.notification_ids.res_partner_id)
        self.assertEqual(self.st_alpha.sent_date.date(), fields.Date.today())

    def test_regenerating_keeps_answered_statements(self):
        self.st_alpha.action_send()
        self.st_alpha._customer_answer("confirm", self.alpha)
        self.snapshot.action_generate_statements()
        self.assertIn(self.st_alpha, self.snapshot.statement_ids)
        self.assertEqual(len(self.snapshot.statement_ids), 2)

    def test_account_manager_reads_statements_only(self):
        as_manager = self.st_alpha.with_user(self.account_manager)
        self.assertEqual(as_manager.closing_balance, 650.0)
        self.assertFalse(
            self.env["receivable.statement"].with_user(self.account_manager).has_access("write")
        )


@tagged("post_install", "-at_install")
class TestStatementPortal(StatementCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.statements.action_send()
        common = {"company_id": cls.company.id, "company_ids": [cls.company.id]}
        cls.portal_alpha = new_test_user(
            cls.env, login="st_portal_alpha", groups="base.group_portal", **common
        )
        cls.portal_alpha.partner_id.parent_id = cls.alpha
        cls.portal_beta = new_test_user(
            cls.env, login="st_portal_beta", groups="base.group_portal", **common
        )
        cls.portal_beta.partner_id.parent_id = cls.beta

    def _post(self, url, **data):
        return self.url_open(url, data={"csrf_token": http.Request.csrf_token(self), **data})

    def test_customer_sees_only_its_own_statements(self):
        self.authenticate("st_portal_beta", "st_portal_beta")
        response = self.url_open("/my/statements")
        self.assertEqual(response.status_code, 200)
        self.assertIn("777", response.text)
        self.assertNotIn("ST Alpha", response.text)
        response = self.url_open(f"/my/statements/{self.st_alpha.id}")
        self.assertNotIn("ST Alpha", response.text)
        self.assertFalse(response.url.endswith(f"/my/statements/{self.st_alpha.id}"))
        # nor answer it
        self._post(f"/my/statements/{self.st_alpha.id}/confirm")
        self.assertEqual(self.st_alpha.state, "sent")
        # the ORM agrees
        self.assertFalse(
            self.env["receivable.statement"]
            .with_user(self.portal_beta)
            .search([("id", "=", self.st_alpha.id)])
        )

    def test_confirm(self):
        self.authenticate("st_portal_alpha", "st_portal_alpha")
        response = self.url_open(f"/my/statements/{self.st_alpha.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("ST Alpha", response.text)
        response = self._post(f"/my/statements/{self.st_alpha.id}/confirm")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.st_alpha.state, "confirmed")
        self.assertEqual(self.st_alpha.responded_by_id, self.portal_alpha.partner_id)
        # finance sees who confirmed
        confirmed = (
            self.env["receivable.statement"]
            .with_user(self.credit_controller)
            .search([("snapshot_id", "=", self.snapshot.id), ("state", "=", "confirmed")])
        )
        self.assertEqual(confirmed.partner_id, self.alpha)

    def test_dispute_with_comment_creates_an_activity(self):
        self.authenticate("st_portal_alpha", "st_portal_alpha")
        self._post(f"/my/statements/{self.st_alpha.id}/dispute", comment="")
        self.assertEqual(self.st_alpha.state, "sent", "a dispute needs a comment")
        self._post(
            f"/my/statements/{self.st_alpha.id}/dispute",
            comment="Payment of 15 June was 650, not 600.",
        )
        self.assertEqual(self.st_alpha.state, "disputed")
        self.assertEqual(self.st_alpha.customer_comment, "Payment of 15 June was 650, not 600.")
        activity = self.st_alpha.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.account_manager)

    def test_link_with_token_works_without_login(self):
        self.st_beta._portal_ensure_token()
        response = self.url_open(
            f"/my/statements/{self.st_beta.id}?access_token={self.st_beta.access_token}"
        )
        self.assertIn("ST Beta", response.text)
        response = self.url_open(f"/my/statements/{self.st_beta.id}?access_token=wrong")
        self.assertNotIn("ST Beta", response.text)
