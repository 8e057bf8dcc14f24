from contextlib import nullcontext

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from ..access import CREDIT_CONTROLLER

# What a quotation or confirmed order adds to its customer's exposure: the
# uninvoiced share of its lines, in company currency.  The exposure query and
# the per-order amounts use this one expression so that they always agree.
ORDER_OPEN_AMOUNT = SQL(
    "sol.price_total * GREATEST(1 - sol.qty_invoiced / NULLIF(sol.product_uom_qty, 0), 0)"
    " / COALESCE(NULLIF(so.currency_rate, 0), 1)"
)
# The order's view of its release record: computed, never written.
RELEASE_FIELDS = frozenset(
    {
        "credit_release_id",
        "credit_release_amount",
        "credit_release_user_id",
        "credit_release_date",
        "credit_release_reason",
        "credit_release_used",
    }
)


class SaleOrder(models.Model):
    """The credit hold.

    Invariant: no order is in state ``sale`` after a change when its owing
    customer's exposure (every confirmed order counted, this change included)
    exceeds the customer's limit or the customer's grade blocks sales, unless an
    active release covers the order.  ``_credit_enforce`` judges it on the final
    values after every create and write of orders and of their lines; everything
    else (buttons, RPC, copy, server actions, imports, payment, portal signature)
    ends in those.
    """

    _inherit = "sale.order"

    credit_partner_id = fields.Many2one(
        "res.partner",
        string="Owing Customer",
        compute="_compute_credit_partner_id",
        help="The commercial entity of the invoice address: whose exposure and limit count.",
    )
    credit_release_ids = fields.One2many(
        "sale.order.credit.release", "order_id", string="Credit Releases", readonly=True
    )
    credit_release_id = fields.Many2one(
        "sale.order.credit.release",
        string="Active Release",
        compute="_compute_credit_release",
    )
    credit_release_amount = fields.Monetary(
        string="Released Amount", compute="_compute_credit_release"
    )
    credit_release_user_id = fields.Many2one(
        "res.users", string="Released By", compute="_compute_credit_release"
    )
    credit_release_date = fields.Datetime(string="Released On", compute="_compute_credit_release")
    credit_release_reason = fields.Text(string="Release Reason", compute="_compute_credit_release")
    credit_release_used = fields.Boolean(string="Release Used", compute="_compute_credit_release")
    credit_hold_reason = fields.Char(
        string="Credit Hold", compute="_compute_credit_hold", help="Why confirming is refused now."
    )
    credit_on_hold = fields.Boolean(
        compute="_compute_credit_hold", search="_search_credit_on_hold", string="On Credit Hold"
    )
    # ordered against invoiced against paid, from posted invoices; sale's own
    # ``amount_paid`` (online transactions) stays what the payment flow reads
    amount_invoiced_posted = fields.Monetary(
        string="Invoiced", compute="_compute_payment_progress", currency_field="currency_id"
    )
    amount_invoiced_paid = fields.Monetary(
        string="Paid on Invoices",
        compute="_compute_payment_progress",
        currency_field="currency_id",
    )

    @api.depends("partner_id.commercial_partner_id", "partner_invoice_id.commercial_partner_id")
    def _compute_credit_partner_id(self):
        for order in self:
            order.credit_partner_id = (
                order.partner_invoice_id or order.partner_id
            ).commercial_partner_id

    @api.depends("credit_release_ids.used", "credit_release_ids.voided")
    def _compute_credit_release(self):
        for order in self:
            latest = order.credit_release_ids.sorted("id", reverse=True)[:1]
            order.credit_release_id = latest if latest.is_active else False
            order.credit_release_amount = latest.amount
            order.credit_release_user_id = latest.user_id
            order.credit_release_date = latest.date
            order.credit_release_reason = latest.reason
            order.credit_release_used = latest.used

    @api.depends("invoice_ids.state", "invoice_ids.amount_total", "invoice_ids.amount_residual")
    def _compute_payment_progress(self):
        sign = {"out_invoice": 1, "out_refund": -1}
        for order in self:
            invoices = order.invoice_ids.filtered(lambda move: move.state == "posted")
            order.amount_invoiced_posted = sum(
                sign.get(move.move_type, 0) * move.amount_total for move in invoices
            )
            order.amount_invoiced_paid = sum(
                sign.get(move.move_type, 0) * (move.amount_total - move.amount_residual)
                for move in invoices
            )

    @api.depends_context("company")
    @api.depends(
        "state",
        "amount_total",
        "partner_id",
        "partner_invoice_id",
        "currency_id",
        "credit_release_ids.used",
        "credit_release_ids.voided",
    )
    def _compute_credit_hold(self):
        self.credit_hold_reason = False
        self.credit_on_hold = False
        quotations = self.filtered(lambda o: o.id and o.state in ("draft", "sent"))
        for order, reason in quotations._credit_hold_problems():
            order.credit_hold_reason = reason
            order.credit_on_hold = True

    def _search_credit_on_hold(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Operation not supported."))
        pending = self.search([("state", "in", ("draft", "sent"))])
        held = [order.id for order, _reason in pending._credit_hold_problems()]
        positive = (operator == "=") == value
        return [("id", "in" if positive else "not in", held)]

    # -- CRUD: every change ends in the one judgement -----------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._refuse_release_values(vals)
        confirming = self.env.context.get("default_state") == "sale" or any(
            vals.get("state") == "sale" for vals in vals_list
        )
        with self._credit_atomic(confirming):
            orders = super().create(vals_list)
            orders._credit_enforce({})
        return orders

    def write(self, vals):
        self._refuse_release_values(vals)
        before = self._credit_state()
        confirming = vals.get("state") == "sale" or any(s[0] == "sale" for s in before.values())
        with self._credit_atomic(confirming):
            result = super().write(vals)
            self._credit_enforce(before)
        return result

    def _credit_atomic(self, confirming):
        """A refused change leaves nothing written, even for a caller that catches the error."""
        return self.env.cr.savepoint() if confirming else nullcontext()

    @api.model
    def _refuse_release_values(self, vals):
        if RELEASE_FIELDS & set(vals):
            raise AccessError(
                self.env._("A credit release is recorded by the release wizard, never written.")
            )

    # -- the credit rule ----------------------------------------------------

    def _credit_state(self):
        """What the rule reads of each order, to tell afterwards what changed."""
        return {
            order.id: (
                order.state,
                order.credit_partner_id.id,
                order.currency_id.id,
                order.company_id.id,
                order.amount_total,
            )
            for order in self
            if order.id
        }

    def _credit_enforce(self, before):
        """Judge the orders whose credit standing a change may have worsened.

        ``before`` maps order id to its ``_credit_state()`` before the change;
        an order missing from it is new.  Raises ``UserError`` on a breach.
        """
        changed = self.browse()
        for order in self:
            old = before.get(order.id)
            now = order._credit_state().get(order.id)
            if old is None:
                changed |= order
                continue
            grown = order.currency_id.compare_amounts(now[4], old[4]) > 0
            if now[1:4] != old[1:4] or grown:
                changed |= order
            elif old[0] != "sale" and now[0] == "sale":
                changed |= order
        if not changed:
            return
        changed._credit_void_releases(before)
        judged = changed.filtered(lambda order: order.state == "sale")
        if not judged:
            return
        problems = judged._credit_hold_problems(confirmed=True)
        if problems:
            raise UserError(
                "\n".join(
                    self.env._("%(order)s is on credit hold: %(reason)s", order=o.name, reason=r)
                    for o, r in problems
                )
            )
        judged.credit_release_id._mark_used()

    def _credit_void_releases(self, before):
        """A change of customer or currency, or any increase, voids a release."""
        for order in self.filtered("credit_release_id"):
            release = order.credit_release_id
            old = before.get(order.id)
            grown = old and order.currency_id.compare_amounts(order.amount_total, old[4]) > 0
            if (
                release.partner_id != order.credit_partner_id
                or release.currency_id != order.currency_id
                or order.currency_id.compare_amounts(order.amount_total, release.amount) > 0
                or grown
            ):
                release._void(self.env._("the order changed after the release"))

    def _credit_hold_problems(self, confirmed=False):
        """(order, reason) for each order of ``self`` the credit rule refuses.

        ``confirmed``: the orders are confirmed and already counted in the
        exposure (the check after a change, every order of the batch together).
        Otherwise they are quotations, each judged as if confirmed alone.
        """
        problems = []
        for company, company_orders in self.grouped("company_id").items():
            orders = company_orders.with_company(company)
            partners = orders.credit_partner_id
            exposure = self.env["res.partner"].with_company(company)._credit_exposure(partners)
            own = orders._credit_open_amounts()
            grades = self.env["customer.tier.policy"]._for_company(company)._credit_grades()
            for partner, partner_orders in orders.grouped("credit_partner_id").items():
                released = partner_orders.filtered(lambda o: o._credit_release_covers())
                pending = partner_orders - released
                if not pending:
                    continue
                # the limit and grade are finance's fields: read them whoever confirms
                customer = partner.with_company(company).sudo()
                base = exposure.get(partner.id, 0.0)
                if confirmed:
                    base -= sum(own.get(order.id, 0.0) for order in released)
                for order in pending:
                    others = base - own.get(order.id, 0.0) if confirmed else base
                    reason = order._credit_hold_reason(
                        customer, grades.get(customer.credit_grade), others, own.get(order.id, 0.0)
                    )
                    if reason:
                        problems.append((order, reason))
        return problems

    def _credit_hold_reason(self, customer, grade, exposure, amount):
        """Why this order may not be confirmed, or False; amounts in company currency."""
        self.ensure_one()
        if grade and grade.block_sales:
            return self.env._(
                "customer %(customer)s has credit grade %(grade)s, which holds all sales.",
                customer=customer.display_name,
                grade=customer.credit_grade,
            )
        limit = customer.credit_limit
        if limit <= 0:
            return False
        currency = self.company_id.currency_id
        total = exposure + amount
        if currency.compare_amounts(total, limit) > 0:
            return self.env._(
                "exposure %(exposure)s + this order %(order)s = %(total)s exceeds the credit "
                "limit %(limit)s of %(customer)s.",
                exposure=currency.format(exposure),
                order=currency.format(amount),
                total=currency.format(total),
                limit=currency.format(limit),
                customer=customer.display_name,
            )
        return False

    def _credit_open_amounts(self):
        """Order id -> what it adds to exposure once confirmed, in company currency."""
        if not self.ids:
            return {}
        self.env.flush_all()
        rows = self.env.execute_query(
            SQL(
                """
                SELECT so.id, SUM(%(amount)s)
                  FROM sale_order so
                  JOIN sale_order_line sol ON sol.order_id = so.id
                 WHERE so.id = ANY(%(ids)s)
                   AND sol.display_type IS NULL AND sol.product_uom_qty > 0
                 GROUP BY so.id
                """,
                amount=ORDER_OPEN_AMOUNT,
                ids=self.ids,
            )
        )
        return {order_id: amount or 0.0 for order_id, amount in rows}

    def _credit_release_covers(self):
        self.ensure_one()
        release = self.credit_release_id
        return (
            bool(release)
            and release.partner_id == self.credit_partner_id
            and release.currency_id == self.currency_id
            and self.currency_id.compare_amounts(self.amount_total, release.amount) <= 0
        )

    # -- releases -----------------------------------------------------------

    def action_release_credit_hold(self, reason):
        """Release these orders, each for its current total, once (credit controllers)."""
        user = self.env.user
        # a release is a person's decision: no superuser way around the group
        if not user.has_group(CREDIT_CONTROLLER):
            raise AccessError(self.env._("Only a credit controller can release a held order."))
        if not reason or not reason.strip():
            raise UserError(self.env._("A release needs a reason."))
        for order in self:
            if user in (order.user_id, order.create_uid):
                raise AccessError(
                    self.env._(
                        "%(order)s: whoever sells or created an order cannot release it.",
                        order=order.name,
                    )
                )
            if order.state not in ("draft", "sent"):
                raise UserError(
                    self.env._("%(order)s: only a quotation can be released.", order=order.name)
                )
        # release records have no create right for anyone: they are made here,
        # after the group and separation checks above
        releases = self.env["sale.order.credit.release"].sudo()
        for order in self:
            order.credit_release_id._void(self.env._("replaced by a new release"))
            releases.create(
                {
                    "order_id": order.id,
                    "partner_id": order.credit_partner_id.id,
                    "company_id": order.company_id.id,
                    "currency_id": order.currency_id.id,
                    "amount": order.amount_total,
                    "user_id": user.id,
                    "reason": reason,
                }
            )
            body = Markup("<p>%s</p>") % self.env._(
                "Credit hold released by %(user)s for %(amount)s: %(reason)s",
                user=user.name,
                amount=order.currency_id.format(order.amount_total),
                reason=reason,
            )
            order.message_post(body=body, subtype_xmlid="mail.mt_note")
            order.credit_partner_id.message_post(
                body=Markup("<p>%s — %s</p>") % (order.name, body), subtype_xmlid="mail.mt_note"
            )
            # the credit file is finance's record; reviews are decided rows here
            self.env["customer.credit.review"].sudo().create(
                {
                    "partner_id": order.credit_partner_id.id,
                    "company_id": order.company_id.id,
                    "origin": "release",
                    "state": "done",
                    "amount": order.amount_total,
                    "notes": f"{order.name}: {reason}",
                }
            )
        return True

    def _credit_hold_after_payment(self, transaction):
        """A held quotation was paid online: keep it held, tell a credit controller."""
        for order in self:
            reason = dict(order._credit_hold_problems()).get(order) or ""
            body = Markup("<p>%s</p>") % self.env._(
                "Paid online (%(reference)s) but kept on credit hold: %(reason)s",
                reference=transaction.reference,
                reason=reason,
            )
            order.message_post(body=body, subtype_xmlid="mail.mt_note")
            controller = order._credit_controller_to_notify()
            if controller:
                order.activity_schedule(
                    "mail.mail_activity_data_todo",
                    user_id=controller.id,
                    # stored: in the language of whoever does the activity
                    summary=self.with_context(lang=controller.lang).env._(
                        "Paid order on credit hold: release or refund"
                    ),
                    note=body,
                )

    def _credit_controller_to_notify(self):
        self.ensure_one()
        policy = self.env["customer.tier.policy"]._for_company(self.company_id)
        user = policy.credit_reviewer_id or policy.collection_user_31_90_id
        if user:
            return user
        group = self.env.ref("customer_tiering.group_credit_controller")
        return group.users.filtered(lambda u: self.company_id in u.company_ids)[:1]
