"""Every menu of the app, and every view, filter and grouping each one opens,
clicked in a real browser by Odoo's own click bot, in English and in Chinese:
a page that breaks or logs an error fails the test."""

from odoo.tests import HttpCase, tagged

from odoo.addons.customer_tiering.tests.translations import load_chinese

APP = "logistics_crm.logistics_crm_menu_root"


@tagged("post_install", "-at_install")
class TestClickEverywhere(HttpCase):
    allow_end_on_form = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = cls.env.ref("base.user_admin")
        # every page of the app: logistics, customer value and finance
        cls.admin.groups_id |= (
            cls.env.ref("logistics_crm.group_logistics_manager")
            | cls.env.ref("customer_tiering.group_account_manager")
            | cls.env.ref("customer_tiering.group_credit_controller")
        )
        if "tour_enabled" in cls.admin._fields:
            cls.admin.tour_enabled = False  # onboarding tips would cover the pages

    def _click_everywhere(self):
        self.browser_js(
            "/odoo",
            "odoo.loader.modules.get('@web/webclient/clickbot/clickbot_loader')"
            f".startClickEverywhere('{APP}');",
            "odoo.isReady === true",
            login="admin",
            timeout=1200,
            success_signal="clickbot test succeeded",
        )

    def test_every_page_in_english(self):
        self.admin.lang = "en_US"
        self._click_everywhere()

    def test_every_page_in_chinese(self):
        load_chinese(self.env)
        self.admin.lang = "zh_CN"
        self._click_everywhere()
