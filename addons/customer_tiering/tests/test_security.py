from odoo.tests import tagged

from .common import CustomerTieringCommon


@tagged("post_install", "-at_install")
class TestSecurityGroups(CustomerTieringCommon):
    def test_roles_imply_what_they_need_and_nothing_more(self):
        self.assertTrue(self.account_manager.has_group("sales_team.group_sale_salesman"))
        self.assertFalse(self.account_manager.has_group("customer_tiering.group_credit_controller"))
        # deciding on credit is separate from selling
        self.assertFalse(self.credit_controller.has_group("sales_team.group_sale_salesman"))
        self.assertTrue(self.credit_controller.has_group("account.group_account_invoice"))
        self.assertTrue(self.sales_manager.has_group("customer_tiering.group_account_manager"))

    def test_credit_controller_reads_orders(self):
        self.assertTrue(self.env["sale.order"].with_user(self.credit_controller).has_access("read"))

    def test_customer_value_menu_follows_groups(self):
        menu = self.env.ref("customer_tiering.customer_value_menu")
        visible = self.env["ir.ui.menu"].with_user(self.account_manager)._visible_menu_ids()
        self.assertIn(menu.id, visible)
        visible = self.env["ir.ui.menu"].with_user(self.salesperson)._visible_menu_ids()
        self.assertNotIn(menu.id, visible)
