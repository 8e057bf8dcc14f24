from odoo import Command, fields

from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.addons.base.tests.common import new_test_user


def freight_line(amount):
    """An invoice line of ``amount`` without tax."""
    return Command.create(
        {"name": "Freight", "quantity": 1, "price_unit": amount, "tax_ids": [Command.clear()]}
    )


class CustomerTieringCommon(AccountTestInvoicingCommon):
    """A company with a chart of accounts and one user per role (least privilege)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.company_data["company"]
        # the tests' own user runs the month end and the credit decisions as well
        cls.env.user.groups_id += cls.env.ref("customer_tiering.group_credit_controller")
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

    @classmethod
    def _customer(cls, name, **values):
        return cls.env["res.partner"].create(
            {"name": name, "is_company": True, "customer_rank": 1, **values}
        )

    @classmethod
    def _invoices(cls, partner, dated_amounts, company=None, post=True):
        """Customer invoices without tax, one per (date, amount), created in one batch."""
        company = company or cls.env.company
        journal = cls.env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", company.id)], limit=1
        )
        immediate = cls.env.ref("account.account_payment_term_immediate")
        moves = (
            cls.env["account.move"]
            .with_company(company)
            .create(
                [
                    {
                        "move_type": "out_invoice",
                        "partner_id": partner.id,
                        "journal_id": journal.id,
                        "invoice_date": fields.Date.to_date(day),
                        # due on the invoice date, whatever day the test runs
                        "invoice_payment_term_id": immediate.id,
                        "invoice_line_ids": [freight_line(amount)],
                    }
                    for day, amount in dated_amounts
                ]
            )
        )
        if post:
            moves.action_post()
        return moves

    @classmethod
    def _pay(cls, invoices, day, amount=None):
        """Register one payment per invoice on ``day`` (the residual unless ``amount``)."""
        for invoice in invoices:
            wizard = (
                cls.env["account.payment.register"]
                .with_context(active_model="account.move", active_ids=invoice.ids)
                .create(
                    {
                        "payment_date": fields.Date.to_date(day),
                        **({"amount": amount} if amount else {}),
                    }
                )
            )
            wizard._create_payments()

    def _recompute(self, partners=None, company=None):
        company = company or self.env.company
        model = self.env["res.partner"].with_company(company)
        ids = partners.ids if partners is not None else None
        return model._recompute_customer_tiers(partner_ids=ids)
