from odoo.tests import HttpCase, TransactionCase, tagged

from odoo.addons.base.tests.common import new_test_user
from odoo.addons.customer_tiering.tests.common import CustomerTieringCommon
from odoo.addons.customer_tiering.tests.translations import (
    EnglishLeaks,
    ShippedTranslationChecks,
    load_chinese,
)

from .complaint_common import SCORES, ComplaintFixtures


@tagged("post_install", "-at_install")
class TestChineseTranslation(ShippedTranslationChecks, TransactionCase):
    _module = "logistics_crm"


@tagged("post_install", "-at_install")
class TestRenderedInChinese(CustomerTieringCommon, ComplaintFixtures, HttpCase):
    """What a Chinese-speaking customer gets from shipments and complaints is in Chinese."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        load_chinese(cls.env)
        cls.leaks = EnglishLeaks()
        cls._setup_complaint_fixtures(cls.company_data["company"])
        # the fixtures' own user (an accountant) also runs logistics
        cls.env.user.groups_id |= cls.env.ref("logistics_crm.group_logistics_manager")
        (cls.customer | cls.customer_contact).lang = "zh_CN"
        cls.portal_user = new_test_user(
            cls.env,
            login="zh_portal_lc",
            groups="base.group_portal",
            lang="zh_CN",
            company_id=cls.company.id,
            company_ids=[cls.company.id],
        )
        cls.portal_user.partner_id.parent_id = cls.customer
        carrier = cls.env["logistics.carrier"].create(
            {"name": "顺丰", "code": "zh_sf", "connector": "json"}
        )
        cls.shipment = cls.env["logistics.shipment"].create(
            {"partner_id": cls.customer.id, "carrier_id": carrier.id, "tracking_ref": "SF-1001"}
        )
        cls.shipment.milestone = "in_transit"
        cls.complaint = cls.env["logistics.complaint"].create(
            {
                "name": "货物破损",
                "partner_id": cls.customer.id,
                "category_id": cls.damage.id,
                "shipment_id": cls.shipment.id,
                "claimed_amount": 800.0,
                "user_id": cls.logistics_user.id,
            }
        )

    def assertChinese(self, leaks, what):
        self.assertFalse(leaks, f"{what} shows English terms of ours: {leaks}")

    def _rendered_mail(self, xmlid, record):
        template = self.env.ref(xmlid)
        return template._generate_template(record.ids, ["subject", "body_html"])[record.id]

    def test_the_detector_finds_an_english_term(self):
        # the checks below would pass on anything if they could not see English
        self.assertTrue(self.leaks.in_texts(["Damage"]))
        self.assertTrue(self.leaks.in_html("<option>Picked up</option>"))
        self.assertFalse(self.leaks.in_texts(["货损", "SF-1001", "CMP/2026/00001"]))

    def test_shipped_categories(self):
        zh = self.env(context=dict(self.env.context, lang="zh_CN"))
        names = []
        for model in ("logistics.complaint.category", "logistics.status.category"):
            records = zh[model].with_context(active_test=False).search([])
            names += records.mapped("name")
        self.assertEqual(self.damage.with_env(zh).name, "货损")
        self.assertChinese(self.leaks.in_texts(names), "A category shipped as data")

    def test_generated_names(self):
        self._walk_to(self.complaint, "acknowledged")
        self.complaint.accepted_amount = 600.0
        # the handler reads English; the credit note speaks the customer's language
        self.complaint.with_context(lang="en_US").action_create_credit_note()
        credit_note = self.complaint.credit_note_id
        texts = [credit_note.ref, *credit_note.invoice_line_ids.mapped("name")]
        self.assertChinese(self.leaks.in_texts(texts), "The credit note")

    def test_activity_summaries(self):
        # the customer answers in English; the account manager reads Chinese
        self.account_manager.lang = "zh_CN"
        self._walk_to(self.complaint, "closed")
        scores = dict.fromkeys(SCORES, 2)
        self.complaint.sudo().with_context(lang="en_US")._record_survey_answer(scores)
        summaries = self.complaint.activity_ids.mapped("summary")
        self.assertTrue(summaries)
        self.assertChinese(self.leaks.in_texts(summaries), "An activity summary")

    def test_emails(self):
        self._walk_to(self.complaint, "closed")
        for xmlid, record in (
            ("logistics_crm.mail_template_complaint_survey", self.complaint),
            ("logistics_crm.mail_template_shipment_milestone", self.shipment),
        ):
            values = self._rendered_mail(xmlid, record)
            self.assertRegex(values["subject"], "[\u4e00-\u9fff]", xmlid)
            self.assertChinese(self.leaks.in_texts([values["subject"]]), f"{xmlid}'s subject")
            self.assertChinese(self.leaks.in_html(values["body_html"]), xmlid)

    def test_portal_pages(self):
        self._walk_to(self.complaint, "closed")
        self.authenticate("zh_portal_lc", "zh_portal_lc")
        urls = [
            "/my/home",
            "/my/shipments",
            f"/my/shipments/{self.shipment.id}",
            "/my/complaints",
            f"/my/complaints/{self.complaint.id}",
            "/my/complaints/new",
            f"/complaint/survey/{self.complaint.id}?token={self.complaint.sudo().survey_token}",
        ]
        for url in urls:
            response = self.url_open(url)
            self.assertEqual(response.status_code, 200, url)
            self.assertNotIn("/web/login", response.url, url)
            self.assertChinese(self.leaks.in_html(response.text), url)
        self.assertIn("货损", self.url_open("/my/complaints/new").text)

    def test_survey_page_for_a_visitor(self):
        # the link of the survey email opens without a login: in the customer's language
        self._walk_to(self.complaint, "closed")
        token = self.complaint.sudo().survey_token
        response = self.url_open(f"/complaint/survey/{self.complaint.id}?token={token}")
        self.assertEqual(response.status_code, 200)
        self.assertChinese(self.leaks.in_html(response.text), "The survey page")
