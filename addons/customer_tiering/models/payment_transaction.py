from odoo import models


class PaymentTransaction(models.Model):
    """Online payment confirms a quotation only where the credit rule allows it."""

    _inherit = "payment.transaction"

    def _check_amount_and_confirm_order(self):
        held = self.browse()
        for tx in self:
            order = tx.sale_order_ids
            if (
                len(order) == 1
                and order.state in ("draft", "sent")
                and order._is_confirmation_amount_reached()
                and order._credit_hold_problems()
            ):
                held |= tx
                # the transaction stays done; the order waits for a credit controller
                order._credit_hold_after_payment(tx)
        return super(PaymentTransaction, self - held)._check_amount_and_confirm_order()
