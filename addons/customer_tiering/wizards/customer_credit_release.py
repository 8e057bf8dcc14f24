from odoo import fields, models


class CustomerCreditRelease(models.TransientModel):
    """A credit controller releases one held order, for its amount, with a reason."""

    _name = "customer.credit.release"
    _description = "Release Credit Hold"

    order_id = fields.Many2one("sale.order", required=True, readonly=True)
    currency_id = fields.Many2one(related="order_id.currency_id")
    amount_total = fields.Monetary(related="order_id.amount_total")
    hold_reason = fields.Char(related="order_id.credit_hold_reason")
    reason = fields.Char(required=True)

    def action_release(self):
        self.ensure_one()
        self.order_id.action_release_credit_hold(self.reason)
        return {"type": "ir.actions.act_window_close"}
