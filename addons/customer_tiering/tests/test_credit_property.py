"""Random sequences of order operations against an exposure computed here, independently.

After every step, for every customer: its confirmed, unreleased exposure stays
within its limit (nothing at all for a blocked grade), and the banner on a
quotation says what confirming it alone would do.
"""

import random

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .test_credit_control import OnlinePaymentCommon

SEED = 20261130
SEQUENCES = 200
STEPS = 6
REFUSED = (UserError, AccessError, ValidationError)
OPERATIONS = (
    "create",
    "confirm",
    "confirm_batch",
    "write_state",
    "write_state_and_line",
    "copy",
    "cancel_draft",
    "release",
    "switch_customer",
    "switch_currency",
    "grow",
    "add_line",
    "shrink",
    "pay_online",
)
EDIT_OPERATIONS = frozenset(
    {"switch_customer", "switch_currency", "grow", "add_line", "shrink", "pay_online"}
)


@tagged("post_install", "-at_install")
class TestCreditInvariantProperty(OnlinePaymentCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.eur = cls.setup_other_currency("EUR", rates=[("2000-01-01", 2.0)])
        cls.eur_pricelist = cls.env["product.pricelist"].create(
            {"name": "EUR", "currency_id": cls.eur.id}
        )
        cls.second_limited = cls._customer("Second Limited")
        cls.second_limited.with_user(cls.credit_controller).write({"credit_limit": 2_500})
        cls.customers = cls.limited | cls.second_limited | cls.blocked | cls.unlimited
        cls.orderers = cls.customers | cls.limited_contact
        # an open receivable for the limited customer: 300 already owed
        cls._invoices(cls.limited, [("2026-01-10", 300)])
        # fresh statistics: the payment flow's reconciliation queries otherwise pick
        # nested loops over tables PostgreSQL still believes empty
        cls.env.flush_all()
        cls.env.cr.execute(
            "ANALYZE account_move, account_move_line, account_partial_reconcile, sale_order"
        )

    # -- the independent computation ----------------------------------------

    def _exposure_outside_orders(self, customer):
        lines = self.env["account.move.line"].search(
            [
                ("partner_id", "=", customer.id),
                ("account_id.account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
                ("reconciled", "=", False),
            ]
        )
        return sum(lines.mapped("amount_residual"))

    def _owing(self, order):
        return (order.partner_invoice_id or order.partner_id).commercial_partner_id

    def _open(self, order):
        # nothing is invoiced here: an order adds its total, in company currency
        return order.amount_total / (order.currency_rate or 1.0)

    def _released(self, order):
        release = order.credit_release_ids.sorted("id", reverse=True)[:1]
        return (
            release.used
            and not release.voided
            and release.partner_id == self._owing(order)
            and release.currency_id == order.currency_id
            and order.currency_id.compare_amounts(order.amount_total, release.amount) <= 0
        )

    def _check_invariant(self, label):
        self.env.invalidate_all()
        confirmed = self.env["sale.order"].search([("state", "=", "sale")])
        for customer in self.customers:
            mine = confirmed.filtered(lambda o, c=customer: self._owing(o) == c)
            unreleased = mine.filtered(lambda o: not self._released(o))
            held_amount = sum(self._open(o) for o in unreleased)
            if customer == self.blocked:
                self.assertFalse(unreleased, f"{label}: blocked customer has confirmed orders")
                continue
            limit = customer.sudo().credit_limit
            if limit > 0:
                total = self._exposure_outside_orders(customer) + held_amount
                self.assertLessEqual(
                    round(total, 2), limit, f"{label}: {customer.name} over its limit"
                )

    # -- the operations ----------------------------------------------------

    def _create(self, rng):
        values = {
            "partner_id": rng.choice(self.orderers).id,
            "order_line": [
                Command.create(
                    {"product_id": self.product.id, "product_uom_qty": rng.randint(1, 15)}
                )
            ],
        }
        if rng.random() < 0.3:
            values["partner_invoice_id"] = rng.choice(self.customers).id
        if rng.random() < 0.2:
            values["pricelist_id"] = self.eur_pricelist.id
        orders = self.env["sale.order"].with_user(self.salesperson)
        how = rng.choice(("draft", "draft", "state", "default"))
        if how == "state":
            values["state"] = "sale"
        elif how == "default":
            orders = orders.with_context(default_state="sale")
        return orders.create(values)

    def _operation(self, rng, orders, stats):
        """Apply one random operation; return its name."""
        order = rng.choice(orders) if orders else None
        kind = rng.choice(OPERATIONS)
        if order is None or kind == "create":
            orders.append(self._create(rng))
            return "create"
        as_seller = order.with_user(self.salesperson)
        if kind in EDIT_OPERATIONS:
            self._edit_operation(kind, rng, order, as_seller)
        else:
            self._state_operation(kind, rng, order, as_seller, orders, stats)
        return kind

    def _state_operation(self, kind, rng, order, as_seller, orders, stats):
        """Confirm, copy, cancel or release: the paths that may move the order's state."""
        if kind == "confirm":
            if order.state in ("draft", "sent"):
                predicted_hold = order.credit_on_hold
                try:
                    as_seller.action_confirm()
                except UserError:
                    self.assertTrue(predicted_hold, "refused although the banner said go")
                    raise
                self.assertFalse(predicted_hold, "confirmed although the banner said held")
        elif kind == "confirm_batch":
            batch = [o for o in orders if o.state in ("draft", "sent")]
            batch = rng.sample(batch, min(len(batch), rng.randint(2, 3)))
            self.env["sale.order"].with_user(self.salesperson).browse(
                [o.id for o in batch]
            ).action_confirm()
        elif kind == "write_state":
            as_seller.write({"state": "sale"})
        elif kind == "write_state_and_line":
            line = order.order_line[:1]
            as_seller.write(
                {
                    "state": "sale",
                    "order_line": [
                        Command.update(line.id, {"product_uom_qty": rng.randint(1, 40)})
                    ],
                }
            )
        elif kind == "copy":
            orders.append(as_seller.copy({"state": rng.choice(("draft", "sale"))}))
        elif kind == "cancel_draft":
            as_seller._action_cancel()
            if rng.random() < 0.7:
                as_seller.action_draft()
        elif kind == "release":
            if order.state in ("draft", "sent") and order.credit_on_hold:
                self._release(order, user=self.other_controller)
                stats["released"] += 1

    def _edit_operation(self, kind, rng, order, as_seller):
        """Change the customer, the currency or the lines of the order."""
        if kind == "switch_customer":
            customer = rng.choice(self.customers)
            as_seller.write({"partner_id": customer.id, "partner_invoice_id": customer.id})
        elif kind == "switch_currency":
            as_seller.write({"pricelist_id": rng.choice((self.eur_pricelist.id, False))})
        elif kind == "grow":
            line = order.order_line[:1].with_user(self.salesperson)
            line.write(
                rng.choice(
                    (
                        {"product_uom_qty": line.product_uom_qty + rng.randint(1, 20)},
                        {"price_unit": line.price_unit * rng.choice((1.5, 3))},
                    )
                )
            )
        elif kind == "add_line":
            as_seller.write(
                {
                    "order_line": [
                        Command.create(
                            {"product_id": self.product.id, "product_uom_qty": rng.randint(1, 10)}
                        )
                    ]
                }
            )
        elif kind == "shrink":
            line = order.order_line[:1].with_user(self.salesperson)
            line.product_uom_qty = max(1, line.product_uom_qty // 2)
        elif kind == "pay_online":
            if order.state in ("draft", "sent"):
                self._pay_online(order)

    def test_random_sequences_keep_the_invariant(self):
        rng = random.Random(SEED)
        stats = {"steps": 0, "refused": 0, "released": 0, "confirmed": 0}
        for sequence in range(SEQUENCES):
            with self.env.cr.savepoint() as savepoint:
                orders = []
                for step in range(STEPS):
                    label = f"sequence {sequence} step {step}"
                    try:
                        with self.env.cr.savepoint():
                            kind = self._operation(rng, orders, stats)
                    except REFUSED:
                        stats["refused"] += 1
                        kind = "refused"
                    orders = [o for o in orders if o.exists()]
                    stats["steps"] += 1
                    self._check_invariant(f"{label} ({kind})")
                stats["confirmed"] += sum(1 for o in orders if o.state == "sale")
                savepoint.rollback()
            self.env.invalidate_all()
        # the run exercised both outcomes, or it proves nothing
        self.assertEqual(stats["steps"], SEQUENCES * STEPS)
        self.assertGreater(stats["refused"], 50, stats)
        self.assertGreater(stats["confirmed"], 50, stats)
        self.assertGreater(stats["released"], 10, stats)
