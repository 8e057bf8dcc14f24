"""The credit hold as a salesperson would try to get around it, one test per way."""

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from odoo.addons.account_payment.tests.common import AccountPaymentCommon
from odoo.addons.base.tests.common import new_test_user

from .common import CustomerTieringCommon

REFUSED = (UserError, AccessError, ValidationError)


class CreditControlCommon(CustomerTieringCommon):
    """A limited customer (1,000), a blocked one, an unlimited one; freight at 100."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.env.company
        common = {"company_id": company.id, "company_ids": [company.id]}
        cls.contact_editor = new_test_user(
            cls.env,
            login="ct_contact_editor",
            groups="base.group_user,base.group_partner_manager",
            **common,
        )
        cls.other_controller = new_test_user(
            cls.env,
            login="ct_other_controller",
            groups="customer_tiering.group_credit_controller",
            **common,
        )
        cls.limited = cls._customer("Limited Customer")
        cls.limited_contact = cls.env["res.partner"].create(
            {"name": "Buyer at Limited", "parent_id": cls.limited.id}
        )
        cls.blocked = cls._customer("Blocked Customer")
        cls.unlimited = cls._customer("Unlimited Customer")
        controller = cls.env["res.partner"].with_user(cls.credit_controller)
        controller.browse(cls.limited.id).write(
            {"credit_limit": 1_000, "use_partner_credit_limit": True}
        )
        controller.browse(cls.blocked.id).write({"credit_grade": "E"})
        policy = cls.env["customer.tier.policy"]._for_company(company)
        policy._credit_grades()["E"].block_sales = True
        cls.product = cls.env["product.product"].create(
            {"name": "Container freight", "list_price": 100, "taxes_id": [Command.clear()]}
        )

    def _order(self, partner=None, quantity=5, user=None, **values):
        return (
            self.env["sale.order"]
            .with_user(user or self.salesperson)
            .create(
                {
                    "partner_id": (partner or self.limited).id,
                    "order_line": [
                        Command.create({"product_id": self.product.id, "product_uom_qty": quantity})
                    ],
                    **values,
                }
            )
        )

    def _release(self, order, user=None, reason="Prepayment received"):
        wizard = (
            self.env["customer.credit.release"]
            .with_user(user or self.credit_controller)
            .create({"order_id": order.id, "reason": reason})
        )
        wizard.action_release()


@tagged("post_install", "-at_install")
class TestCreditHoldPaths(CreditControlCommon):
    def test_state_written_with_a_raised_line_is_judged_on_the_result(self):
        order = self._order(quantity=5)
        line = order.order_line
        with self.assertRaisesRegex(UserError, "exceeds the credit limit"):
            order.write(
                {"state": "sale", "order_line": [Command.update(line.id, {"product_uom_qty": 50})]}
            )
        self.assertEqual(order.state, "draft")

    def test_state_written_with_a_switch_to_a_limited_customer(self):
        order = self._order(self.unlimited, quantity=50)
        with self.assertRaisesRegex(UserError, "Limited Customer"):
            order.write(
                {
                    "state": "sale",
                    "partner_id": self.limited.id,
                    "partner_invoice_id": self.limited.id,
                }
            )

    def test_cancelled_order_written_to_sale(self):
        order = self._order(quantity=50)
        order._action_cancel()
        with self.assertRaises(UserError):
            order.write({"state": "sale"})
        self.assertEqual(order.state, "cancel")

    def test_created_confirmed_by_value_or_by_context_default(self):
        with self.assertRaises(UserError):
            self._order(quantity=50, state="sale")
        orders = (
            self.env["sale.order"].with_user(self.salesperson).with_context(default_state="sale")
        )
        with self.assertRaises(UserError):
            orders.create(
                {
                    "partner_id": self.limited.id,
                    "order_line": [
                        Command.create({"product_id": self.product.id, "product_uom_qty": 50})
                    ],
                }
            )
        # within the limit, a context default confirms as before
        order = orders.create(
            {
                "partner_id": self.limited.id,
                "order_line": [
                    Command.create({"product_id": self.product.id, "product_uom_qty": 5})
                ],
            }
        )
        self.assertEqual(order.state, "sale")

    def test_copy_of_a_confirmed_order_is_judged(self):
        order = self._order(quantity=6)
        order.action_confirm()
        with self.assertRaises(UserError):
            order.copy({"state": "sale"})

    def test_release_fields_cannot_be_written_by_anyone(self):
        order = self._order(quantity=50)
        for user in (self.salesperson, self.credit_controller):
            with self.assertRaises(AccessError):
                order.with_user(user).write({"credit_release_amount": 1_000_000})
        with self.assertRaises(AccessError):
            order.with_user(self.salesperson).write({"credit_release_used": False})
        releases = self.env["sale.order.credit.release"]
        for user in (self.salesperson, self.credit_controller):
            with self.assertRaises(AccessError):
                releases.with_user(user).create(
                    {
                        "order_id": order.id,
                        "partner_id": self.limited.id,
                        "company_id": order.company_id.id,
                        "currency_id": order.currency_id.id,
                        "amount": 1_000_000,
                        "user_id": user.id,
                        "reason": "self-service",
                    }
                )
        self._release(order)
        release = order.credit_release_id
        with self.assertRaises(AccessError):
            release.with_user(self.salesperson).write({"amount": 1_000_000})
        with self.assertRaises(AccessError):
            release.with_user(self.credit_controller).write({"used": False})
        order.with_user(self.salesperson).action_confirm()
        self.assertTrue(release.used)
        with self.assertRaises(AccessError):
            release.with_user(self.salesperson).write({"used": False})

    def test_release_is_void_after_a_change_of_customer(self):
        other = self._customer("Another Limited")
        other.with_user(self.credit_controller).write({"credit_limit": 100})
        order = self._order(quantity=50)
        self._release(order)
        order.write({"partner_id": other.id, "partner_invoice_id": other.id})
        self.assertFalse(order.credit_release_id)
        self.assertTrue(order.credit_release_ids.voided)
        with self.assertRaisesRegex(UserError, "Another Limited"):
            order.action_confirm()

    def test_release_is_void_after_any_increase(self):
        order = self._order(quantity=50)
        self._release(order)
        order.order_line.product_uom_qty = 51
        order.order_line.product_uom_qty = 50  # back to the released amount: still void
        with self.assertRaises(UserError):
            order.action_confirm()

    def test_release_is_void_after_a_change_of_currency(self):
        eur = self.setup_other_currency("EUR", rates=[("2020-01-01", 1.0)])
        pricelist = self.env["product.pricelist"].create({"name": "EUR", "currency_id": eur.id})
        order = self._order(quantity=50)
        self._release(order)
        order.write({"pricelist_id": pricelist.id})
        self.assertEqual(order.currency_id, eur)
        with self.assertRaises(UserError):
            order.action_confirm()

    def test_orders_confirmed_together_count_together(self):
        first, second = self._order(quantity=6), self._order(quantity=6)
        self.assertFalse(first.credit_on_hold or second.credit_on_hold)  # each fits alone
        with self.assertRaisesRegex(UserError, "exceeds the credit limit"):
            (first | second).action_confirm()
        self.assertEqual((first | second).mapped("state"), ["draft", "draft"])
        first.action_confirm()
        self.assertTrue(second.credit_on_hold)

    def test_confirmed_order_cannot_grow_over_the_limit(self):
        order = self._order(quantity=5)
        order.action_confirm()
        line = order.order_line
        with self.assertRaises(UserError):
            line.product_uom_qty = 20
        with self.assertRaises(UserError):
            line.price_unit = 1_000
        with self.assertRaises(UserError):
            self.env["sale.order.line"].with_user(self.salesperson).create(
                {"order_id": order.id, "product_id": self.product.id, "product_uom_qty": 20}
            )
        with self.assertRaises(UserError):
            order.write(
                {
                    "order_line": [
                        Command.create({"product_id": self.product.id, "product_uom_qty": 20})
                    ]
                }
            )
        line.product_uom_qty = 4  # shrinking is always allowed
        self.assertAlmostEqual(order.amount_total, 400)

    def test_decision_fields_are_finance_only(self):
        for user in (self.salesperson, self.contact_editor, self.account_manager):
            for values in (
                {"credit_grade": "A"},
                {"credit_score": 99},
                {"credit_limit": 0},
                {"use_partner_credit_limit": False},
            ):
                with self.assertRaises(AccessError):
                    self.blocked.with_user(user).write(values)
            with self.assertRaises(AccessError):
                self.env["res.partner"].with_user(user).create(
                    {"name": "Pre-rated", "credit_grade": "A"}
                )
            with self.assertRaises(AccessError):
                self.env["res.partner"].with_user(user).with_context(default_credit_limit=1).create(
                    {"name": "Pre-limited"}
                )
        # a contact editor still edits what is not a credit decision
        self.blocked.with_user(self.contact_editor).write({"phone": "+86 21 5555 0100"})
        self.blocked.with_user(self.credit_controller).write({"credit_grade": "B"})
        self.assertEqual(self.blocked.credit_grade, "B")

    def test_blocking_grade_with_no_limit_holds(self):
        with self.assertRaisesRegex(UserError, "holds all sales"):
            self._order(self.blocked, quantity=1).action_confirm()

    def test_the_invoiced_customer_owes(self):
        # ordered by an unlimited customer, invoiced to the limited one: held
        order = self._order(self.unlimited, quantity=50, partner_invoice_id=self.limited.id)
        self.assertEqual(order.credit_partner_id, self.limited)
        self.assertTrue(order.credit_on_hold)
        with self.assertRaisesRegex(UserError, "Limited Customer"):
            order.action_confirm()
        # ordered by the limited customer's buyer, invoiced to the unlimited one: not held
        order = self._order(self.limited_contact, quantity=50, partner_invoice_id=self.unlimited.id)
        self.assertFalse(order.credit_on_hold)
        order.action_confirm()
        self.assertAlmostEqual(self.unlimited.credit_exposure, 5_000)
        self.assertAlmostEqual(self.limited.credit_exposure, 0)

    def test_moving_a_contact_out_of_a_limited_customer_is_finance_only(self):
        order = self._order(self.limited_contact, quantity=6)
        order.action_confirm()
        for user in (self.salesperson, self.contact_editor):
            with self.assertRaises(AccessError):
                self.limited_contact.with_user(user).write({"parent_id": self.unlimited.id})
            with self.assertRaises(AccessError):
                self.limited.with_user(user).write(
                    {"is_company": False, "parent_id": self.unlimited.id}
                )
        self.limited_contact.with_user(self.credit_controller).write(
            {"parent_id": self.unlimited.id}
        )
        self.assertEqual(self.limited_contact.commercial_partner_id, self.unlimited)
        # an ordinary contact moves freely
        free = self.env["res.partner"].create({"name": "Free", "parent_id": self.unlimited.id})
        free.with_user(self.contact_editor).write({"parent_id": self.limited.id})

    def test_blocks_speak_the_users_language(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["customer_tiering"], ["zh_CN"])
        self.salesperson.lang = "zh_CN"
        order = self._order(quantity=50)
        with self.assertRaisesRegex(UserError, "信用额度") as caught:
            order.with_context(lang="zh_CN").action_confirm()
        message = str(caught.exception).replace("\u00a0", " ")
        for figure in ("5,000.00", "1,000.00"):
            self.assertIn(figure, message)


@tagged("post_install", "-at_install")
class TestCreditReleaseDuties(CreditControlCommon):
    def test_only_a_controller_who_neither_sold_nor_created_releases(self):
        order = self._order(quantity=50)
        with self.assertRaises(AccessError):
            order.with_user(self.salesperson).action_release_credit_hold("Friend of the boss")
        with self.assertRaises(AccessError):
            self._release(order, user=self.salesperson)
        order.with_user(self.sales_manager).write({"user_id": self.credit_controller.id})
        with self.assertRaisesRegex(AccessError, "cannot release"):
            self._release(order, user=self.credit_controller)
        self._release(order, user=self.other_controller)
        self.assertEqual(order.credit_release_user_id, self.other_controller)

    def test_recompute_and_month_end_refuse_those_without_the_right(self):
        portal = new_test_user(self.env, login="ct_portal", groups="base.group_portal")
        plain = new_test_user(self.env, login="ct_plain", groups="base.group_user")
        customer = self.limited
        for user in (portal, plain, self.salesperson):
            with self.assertRaises(AccessError):
                customer.with_user(user).action_recompute_tier()
        policy = self.env["customer.tier.policy"]._for_company(self.env.company)
        for user in (plain, self.salesperson):
            with self.assertRaises(AccessError):
                policy.with_user(user).action_recompute()
        snapshot = (
            self.env["receivable.snapshot"]
            .with_user(self.credit_controller)
            .create({"date_from": "2026-05-01", "date_to": "2026-05-31"})
        )
        with self.assertRaises(AccessError):
            snapshot.with_user(self.account_manager).action_compute()
        snapshot.with_user(self.credit_controller).action_compute()
        customer.with_user(self.account_manager).action_recompute_tier()


class OnlinePaymentCommon(AccountPaymentCommon, CreditControlCommon):
    """The payment flow of stock Odoo with its dummy provider and a bank journal."""

    def _pay_online(self, order):
        tx = self._create_transaction(
            "redirect",
            amount=order.amount_total,
            currency_id=order.currency_id.id,
            partner_id=order.partner_id.id,
            reference=f"{order.name}-pay-{len(order.transaction_ids)}",
            sale_order_ids=[Command.set(order.ids)],
        )
        tx._set_done()
        tx._post_process()
        return tx


@tagged("post_install", "-at_install")
class TestOnlinePayment(OnlinePaymentCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.policy = cls.env["customer.tier.policy"]._for_company(cls.env.company)
        cls.policy.credit_reviewer_id = cls.credit_controller

    def test_sale_keeps_its_own_amount_paid(self):
        field = self.env["sale.order"]._fields["amount_paid"]
        self.assertEqual(field.compute, "_compute_amount_paid")
        self.assertIn("amount_invoiced_paid", self.env["sale.order"]._fields)

    def test_paid_in_full_within_the_limit_is_confirmed(self):
        order = self._order(quantity=5)
        tx = self._pay_online(order)
        self.assertEqual(tx.state, "done")
        self.assertAlmostEqual(order.amount_paid, 500)
        self.assertFalse(order._has_to_be_paid())
        self.assertEqual(order.state, "sale")

    def test_paid_over_the_limit_stays_held_and_tells_the_controller(self):
        order = self._order(quantity=50)
        tx = self._pay_online(order)
        self.assertEqual(tx.state, "done")
        self.assertEqual(order.state, "draft")
        activity = order.activity_ids.filtered(lambda a: a.user_id == self.credit_controller)
        self.assertEqual(len(activity), 1)
        self.assertIn(tx.reference, str(activity.note))
        # the booked prepayment now offsets the order: confirming is the seller's call again
        self.assertAlmostEqual(self.limited.credit_exposure, -5_000)
        self.assertFalse(order.credit_on_hold)
        order.with_user(self.salesperson).action_confirm()
        self.assertEqual(order.state, "sale")
