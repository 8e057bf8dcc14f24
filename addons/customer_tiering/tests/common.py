from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.addons.base.tests.common import new_test_user


class CustomerTieringCommon(AccountTestInvoicingCommon):
    """A company with a chart of accounts and one user per role (least privilege)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.company_data["company"]
        common = {"company_id": company.id, "company_ids": [company.id]}
        cls.salesperson = new_test_user(
            cls.env, login="ct_salesperson", groups="sales_team.group_sale_salesman", **common
        )
        cls.account_manager = new_test_user(
            cls.env,
            login="ct_account_manager",
            groups="customer_tiering.group_account_manager",
            **common,
        )
        cls.sales_manager = new_test_user(
            cls.env, login="ct_sales_manager", groups="sales_team.group_sale_manager", **common
        )
        cls.credit_controller = new_test_user(
            cls.env,
            login="ct_credit_controller",
            groups="customer_tiering.group_credit_controller",
            **common,
        )
