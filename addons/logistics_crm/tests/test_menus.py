from odoo.tests import TransactionCase, tagged
from odoo.tests.common import new_test_user


@tagged("post_install", "-at_install")
class TestMenus(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.logistics_user = new_test_user(
            cls.env, login="lc_user", groups="logistics_crm.group_logistics_user"
        )
        cls.logistics_manager = new_test_user(
            cls.env, login="lc_manager", groups="logistics_crm.group_logistics_manager"
        )
        cls.credit_controller = new_test_user(
            cls.env,
            login="lc_credit",
            groups="base.group_user,customer_tiering.group_credit_controller",
        )
        cls.employee = new_test_user(cls.env, login="lc_employee", groups="base.group_user")

    def _visible(self, user):
        menus = self.env["ir.ui.menu"].with_user(user)._visible_menu_ids()
        return {
            xmlid: self.env.ref(f"logistics_crm.{xmlid}").id in menus
            for xmlid in (
                "logistics_crm_menu_root",
                "customers_menu",
                "finance_menu",
                "configuration_menu",
            )
        }

    def test_manager_implies_user(self):
        self.assertTrue(self.logistics_manager.has_group("logistics_crm.group_logistics_user"))
        self.assertFalse(self.logistics_user.has_group("logistics_crm.group_logistics_manager"))

    def test_logistics_user_sees_operations_not_finance_or_configuration(self):
        self.assertEqual(
            self._visible(self.logistics_user),
            {
                "logistics_crm_menu_root": True,
                "customers_menu": True,
                "finance_menu": False,
                "configuration_menu": False,
            },
        )

    def test_manager_sees_configuration(self):
        self.assertTrue(self._visible(self.logistics_manager)["configuration_menu"])

    def test_credit_controller_sees_finance_only(self):
        self.assertEqual(
            self._visible(self.credit_controller),
            {
                "logistics_crm_menu_root": True,
                "customers_menu": False,
                "finance_menu": True,
                "configuration_menu": False,
            },
        )

    def test_plain_employee_sees_nothing(self):
        self.assertFalse(any(self._visible(self.employee).values()))

    def test_complaint_menus(self):
        menus = self.env["ir.ui.menu"]

        def visible(user, xmlid):
            menu = self.env.ref(f"logistics_crm.{xmlid}")
            return menu.id in menus.with_user(user)._visible_menu_ids()

        for xmlid in ("complaints_menu", "complaints_all_menu", "complaints_analysis_menu"):
            self.assertTrue(visible(self.logistics_user, xmlid), xmlid)
            self.assertFalse(visible(self.credit_controller, xmlid), xmlid)
        self.assertFalse(visible(self.logistics_user, "configuration_complaint_sla_menu"))
        self.assertTrue(visible(self.logistics_manager, "configuration_complaint_sla_menu"))

    def test_dashboard_menus(self):
        account_manager = new_test_user(
            self.env, login="lc_account_manager", groups="customer_tiering.group_account_manager"
        )
        entries = (
            "dashboards_menu",
            "dashboards_service_menu",
            "dashboards_customer_value_menu",
            "dashboards_churn_menu",
            "dashboards_rising_menu",
            "dashboards_receivables_menu",
        )

        def visible(user):
            menus = self.env["ir.ui.menu"].with_user(user)._visible_menu_ids()
            return {x for x in entries if self.env.ref(f"logistics_crm.{x}").id in menus}

        self.assertEqual(
            visible(self.logistics_user),
            {
                "dashboards_menu",
                "dashboards_service_menu",
                "dashboards_customer_value_menu",
                "dashboards_rising_menu",
            },
        )
        self.assertEqual(
            visible(account_manager),
            {
                "dashboards_menu",
                "dashboards_service_menu",
                "dashboards_customer_value_menu",
                "dashboards_churn_menu",
                "dashboards_rising_menu",
            },
        )
        self.assertEqual(
            visible(self.credit_controller), {"dashboards_menu", "dashboards_receivables_menu"}
        )
        self.assertFalse(visible(self.employee))

    def test_finance_pages_open_in_our_app_by_url(self):
        """A URL opens in the app of the first menu reaching its action: the month-end and
        credit pages of our Finance menu are ours, Invoicing's invoices and payments not."""
        menus = self.env["ir.ui.menu"]
        root = self.env.ref("logistics_crm.logistics_crm_menu_root")
        finance = menus.search([("parent_id", "=", self.env.ref("logistics_crm.finance_menu").id)])
        invoicing_pages = {
            self.env.ref("logistics_crm.finance_invoices_menu"),
            self.env.ref("logistics_crm.finance_payments_menu"),
        }
        for menu in finance.filtered(lambda menu: menu not in invoicing_pages):
            first = menus.search([("action", "=", f"{menu.action._name},{menu.action.id}")])
            first = first.sorted("id")[:1]
            self.assertEqual(
                first.parent_path.split("/")[0], str(root.id), f"{menu.name} opens in another app"
            )
            self.assertTrue(menu.action.path, f"{menu.name} has no URL of its own")
