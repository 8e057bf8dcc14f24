from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError


class SaleOrder(models.Model):
    _inherit = "sale.order"

    credit_release_amount = fields.Monetary(
        string="Released Amount",
        copy=False,
        readonly=True,
        help="A credit controller released this order for up to this total.",
    )
    credit_release_user_id = fields.Many2one(
        "res.users", string="Released By", copy=False, readonly=True
    )
    credit_release_date = fields.Datetime(string="Released On", copy=False, readonly=True)
    credit_release_reason = fields.Char(string="Release Reason", copy=False, readonly=True)
    credit_release_used = fields.Boolean(copy=False, readonly=True)
    credit_hold_reason = fields.Char(
        string="Credit Hold", compute="_compute_credit_hold", help="Why confirming is refused now."
    )
    credit_on_hold = fields.Boolean(
        compute="_compute_credit_hold", search="_search_credit_on_hold", string="On Credit Hold"
    )
    # R-CRED-6: finance sees ordered against invoiced against paid
    amount_invoiced_posted = fields.Monetary(
        string="Invoiced", compute="_compute_payment_progress", currency_field="currency_id"
    )
    amount_paid = fields.Monetary(
        string="Paid", compute="_compute_payment_progress", currency_field="currency_id"
    )

    @api.depends("invoice_ids.state", "invoice_ids.amount_total", "invoice_ids.amount_residual")
    def _compute_payment_progress(self):
        for order in self:
            invoices = order.invoice_ids.filtered(lambda move: move.state == "posted")
            sign = {"out_invoice": 1, "out_refund": -1}
            order.amount_invoiced_posted = sum(
                sign.get(move.move_type, 0) * move.amount_total for move in invoices
            )
            order.amount_paid = sum(
                sign.get(move.move_type, 0) * (move.amount_total - move.amount_residual)
                for move in invoices
            )

    @api.depends_context("company")
    @api.depends(
        "state", "amount_total", "partner_id", "credit_release_amount", "credit_release_used"
    )
    def _compute_credit_hold(self):
        self.credit_hold_reason = False
        self.credit_on_hold = False
        for order, reason in self.filtered(
            lambda o: o.state in ("draft", "sent")
        )._credit_hold_problems():
            order.credit_hold_reason = reason
            order.credit_on_hold = True

    def _search_credit_on_hold(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Operation not supported."))
        pending = self.search([("state", "in", ("draft", "sent"))])
        held = [order.id for order, _reason in pending._credit_hold_problems()]
        positive = (operator == "=") == value
        return [("id", "in" if positive else "not in", held)]

    @api.model_create_multi
    def create(self, vals_list):
        # an order created confirmed is confirmed through write, so the hold applies
        confirmed = [vals.get("state") == "sale" for vals in vals_list]
        for vals, flag in zip(vals_list, confirmed):
            if flag:
                del vals["state"]
        orders = super().create(vals_list)
        to_confirm = orders.browse([o.id for o, flag in zip(orders, confirmed) if flag])
        if to_confirm:
            to_confirm.write({"state": "sale"})
        return orders

    def write(self, vals):
        # every path to a confirmed order writes this state: button, RPC,
        # server actions and automations alike
        if vals.get("state") == "sale":
            self.filtered(lambda order: order.state in ("draft", "sent"))._check_credit_hold()
        return super().write(vals)

    def _check_credit_hold(self):
        """Refuse to confirm over the limit or for a blocking grade, unless released."""
        problems = self._credit_hold_problems()
        if problems:
            raise UserError("\n".join(f"{order.name}: {reason}" for order, reason in problems))
        for order in self.filtered("credit_release_user_id"):
            order.sudo().credit_release_used = True

    def _credit_hold_problems(self):
        """(order, reason) for each order that may not be confirmed now; set-wise exposure."""
        problems = []
        for company, orders in self.grouped("company_id").items():
            orders = orders.with_company(company)
            partners = orders.partner_id.commercial_partner_id
            exposure = self.env["res.partner"].with_company(company)._credit_exposure(partners)
            grades = self.env["customer.tier.policy"]._for_company(company)._credit_grades()
            for order in orders:
                reason = order._credit_hold_reason(exposure, grades)
                if reason and not order._credit_release_covers():
                    problems.append((order, reason))
        return problems

    def _credit_hold_reason(self, exposure, grades):
        self.ensure_one()
        # the limit is finance's field: read it whoever confirms
        partner = self.partner_id.commercial_partner_id.with_company(self.company_id).sudo()
        currency = self.company_id.currency_id
        grade = grades.get(partner.credit_grade)
        if grade and grade.block_sales:
            return self.env._(
                "customer %(customer)s has credit grade %(grade)s, which holds all sales.",
                customer=partner.display_name,
                grade=partner.credit_grade,
            )
        limit = partner.credit_limit
        if limit <= 0:
            return False
        amount = self.currency_id._convert(
            self.amount_total, currency, self.company_id, self.date_order or fields.Date.today()
        )
        total = exposure.get(partner.id, 0.0) + amount
        if currency.compare_amounts(total, limit) > 0:
            return self.env._(
                "exposure %(exposure)s + this order %(order)s = %(total)s exceeds the credit "
                "limit %(limit)s of %(customer)s.",
                exposure=currency.format(exposure.get(partner.id, 0.0)),
                order=currency.format(amount),
                total=currency.format(total),
                limit=currency.format(limit),
                customer=partner.display_name,
            )
        return False

    def _credit_release_covers(self):
        self.ensure_one()
        return (
            bool(self.credit_release_user_id)
            and not self.credit_release_used
            and self.currency_id.compare_amounts(self.amount_total, self.credit_release_amount) <= 0
        )

    def action_release_credit_hold(self, reason):
        """Release this order, for its current total only (credit controllers)."""
        if not self.env.user.has_group("customer_tiering.group_credit_controller"):
            raise AccessError(self.env._("Only a credit controller can release a held order."))
        if not reason:
            raise UserError(self.env._("A release needs a reason."))
        for order in self:
            order.sudo().write(
                {
                    "credit_release_amount": order.amount_total,
                    "credit_release_user_id": self.env.uid,
                    "credit_release_date": fields.Datetime.now(),
                    "credit_release_reason": reason,
                    "credit_release_used": False,
                }
            )
            body = Markup("<p>%s</p>") % self.env._(
                "Credit hold released by %(user)s for %(amount)s: %(reason)s",
                user=self.env.user.name,
                amount=order.currency_id.format(order.amount_total),
                reason=reason,
            )
            order.message_post(body=body, subtype_xmlid="mail.mt_note")
            order.partner_id.commercial_partner_id.message_post(
                body=Markup("<p>%s</p>") % (order.name + " — ") + body, subtype_xmlid="mail.mt_note"
            )
            self.env["customer.credit.review"].sudo().create(
                {
                    "partner_id": order.partner_id.commercial_partner_id.id,
                    "company_id": order.company_id.id,
                    "origin": "release",
                    "state": "done",
                    "amount": order.amount_total,
                    "notes": f"{order.name}: {reason}",
                }
            )
        return True
