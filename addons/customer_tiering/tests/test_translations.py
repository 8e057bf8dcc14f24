import io
from datetime import date, timedelta

import openpyxl

from odoo.tests import HttpCase, TransactionCase, tagged

from odoo.addons.base.tests.common import new_test_user

from .test_receivable_snapshot import CUTOFF, ReceivableCommon
from .translations import (
    EnglishLeaks,
    ShippedTranslationChecks,
    load_chinese,
)


@tagged("post_install", "-at_install")
class TestChineseTranslation(ShippedTranslationChecks, TransactionCase):
    _module = "customer_tiering"


@tagged("post_install", "-at_install")
class TestRenderedInChinese(ReceivableCommon, HttpCase):
    """Everything a Chinese-speaking user or customer gets from the month end is in Chinese."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        load_chinese(cls.env)
        cls.leaks = EnglishLeaks()
        cls.company.partner_id.lang = "zh_CN"
        cls.env.user.lang = "zh_CN"
        cls.customer = cls._customer("上海远航贸易", email="ap@yuanhang.example.com", lang="zh_CN")
        invoice = cls._invoice(cls.customer, date(2024, 5, 20), 1000.0)
        cls._invoice(cls.customer, date(2024, 6, 8), 150.0, move_type="out_refund")
        cls._reconcile(invoice, cls._payment(cls.customer, date(2024, 6, 15), 600.0))
        # computed by a user reading English: the stored names follow the company and customer
        cls.snapshot = (
            cls.env["receivable.snapshot"]
            .with_context(lang="en_US")
            .create({"date_from": date(2024, 6, 1), "date_to": CUTOFF})
        )
        cls.snapshot.action_compute()
        cls.snapshot.action_generate_statements()
        cls.statement = cls.snapshot.statement_ids
        cls.statement.action_send()
        cls.portal_user = new_test_user(
            cls.env,
            login="zh_portal",
            groups="base.group_portal",
            lang="zh_CN",
            company_id=cls.company.id,
            company_ids=[cls.company.id],
        )
        cls.portal_user.partner_id.parent_id = cls.customer

    def assertChinese(self, leaks, what):
        self.assertFalse(leaks, f"{what} shows English terms of ours: {leaks}")

    def _workbook_texts(self, record):
        attachment = self.env["ir.attachment"].search(
            [("res_model", "=", record._name), ("res_id", "=", record.id)], order="id desc", limit=1
        )
        book = openpyxl.load_workbook(io.BytesIO(attachment.raw), read_only=True)
        texts = list(book.sheetnames)
        for sheet in book.worksheets:
            for row in sheet.iter_rows(values_only=True):
                texts += [value for value in row if isinstance(value, str)]
        return texts

    def test_the_detector_finds_an_english_term(self):
        # the check below would pass on anything if it could not see English
        self.assertTrue(self.leaks.in_texts(["Receivables at 2024-06-30"]))
        self.assertTrue(self.leaks.in_html("<div><span>Opening Balance</span></div>"))
        self.assertFalse(
            self.leaks.in_texts(["应收账款 2024-06-30", "上海远航贸易", "INV/2024/00001"])
        )

    def test_credit_means_creditworthiness_on_the_customer(self):
        # 贷方 is the ledger's credit side: the statement's column, not the customer's tab
        zh = self.env(context=dict(self.env.context, lang="zh_CN"))
        arch = zh["res.partner"].get_view(view_type="form")["arch"]
        self.assertIn('<page string="信用管理" name="credit"', arch)
        self.assertEqual(zh.ref("customer_tiering.credit_menu").name, "信用管理")

    def test_generated_names(self):
        self.assertChinese(
            self.leaks.in_texts([self.snapshot.name, self.statement.name]), "A generated name"
        )
        self.assertEqual(self.statement.name, "对账单 上海远航贸易 2024-06-30")
        self.assertEqual(self.snapshot.name, "2024-06-30 应收账款")

    def test_activity_summaries(self):
        # the customer answers in English; the account manager reads Chinese
        manager = new_test_user(self.env, login="zh_manager", lang="zh_CN")
        self.customer.user_id = manager
        self.statement.with_context(lang="en_US")._customer_answer(
            "dispute", self.portal_user.partner_id, "Wrong amount"
        )
        summaries = self.statement.activity_ids.mapped("summary")
        self.assertTrue(summaries)
        self.assertChinese(self.leaks.in_texts(summaries), "An activity summary")

    def test_nightly_activity_summaries(self):
        # the nightly run has no language of its own: the collector reads Chinese
        collector = new_test_user(self.env, login="zh_collector", lang="zh_CN")
        policy = self.env["customer.tier.policy"]._for_company(self.company)
        policy.collection_user_over_90_id = collector
        late = self._customer("成都重型机械", lang="zh_CN")
        self._invoices(late, [(date.today() - timedelta(days=130), 4_000)])
        self.env.user.lang = "en_US"
        self._recompute(late, self.company)
        summaries = late.activity_ids.filtered(lambda a: a.user_id == collector).mapped("summary")
        self.assertTrue(summaries)
        self.assertChinese(self.leaks.in_texts(summaries), "A nightly activity summary")

    def test_workbooks(self):
        zh = self.env(context=dict(self.env.context, lang="zh_CN"))
        self.snapshot.with_env(zh).action_export_xlsx()
        texts = self._workbook_texts(self.snapshot)
        self.assertIn("账龄", texts)
        self.assertChinese(self.leaks.in_texts(texts), "The snapshot workbook")
        self.statement.with_env(zh).action_export_xlsx()
        texts = self._workbook_texts(self.statement)
        self.assertIn("贷方", texts)
        self.assertChinese(self.leaks.in_texts(texts), "The statement workbook")

    def test_statement_pdf(self):
        html = self.env["ir.actions.report"]._render_qweb_html(
            "customer_tiering.receivable_statement_report", self.statement.ids
        )[0]
        self.assertIn("上海远航贸易", html.decode())
        self.assertChinese(self.leaks.in_html(html), "The statement PDF")

    def test_statement_email(self):
        template = self.env.ref("customer_tiering.mail_template_receivable_statement")
        rendered = template._generate_template(self.statement.ids, ["subject", "body_html"])
        values = rendered[self.statement.id]
        self.assertIn("对账单", values["subject"])
        self.assertChinese(
            self.leaks.in_texts([values["subject"]]), "The statement email's subject"
        )
        self.assertChinese(self.leaks.in_html(values["body_html"]), "The statement email")

    def test_portal_pages(self):
        self.authenticate("zh_portal", "zh_portal")
        for url in ("/my/home", "/my/statements", f"/my/statements/{self.statement.id}"):
            response = self.url_open(url)
            self.assertEqual(response.status_code, 200, url)
            self.assertNotIn("/web/login", response.url, url)
            self.assertIn("对账单", response.text, url)
            self.assertChinese(self.leaks.in_html(response.text), url)
