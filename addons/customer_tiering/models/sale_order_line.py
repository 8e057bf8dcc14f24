from odoo import api, models


class SaleOrderLine(models.Model):
    """Lines change an order's total: the order's credit rule judges the result."""

    _inherit = "sale.order.line"

    @api.model_create_multi
    def create(self, vals_list):
        orders = self.env["sale.order"].browse(
            {vals["order_id"] for vals in vals_list if vals.get("order_id")}
        )
        before = orders._credit_state()
        with orders._credit_atomic(any(s[0] == "sale" for s in before.values())):
            lines = super().create(vals_list)
            (orders | lines.order_id)._credit_enforce(before)
        return lines

    def write(self, vals):
        orders = self.order_id
        if vals.get("order_id"):
            orders |= self.env["sale.order"].browse(vals["order_id"])
        before = orders._credit_state()
        with orders._credit_atomic(any(s[0] == "sale" for s in before.values())):
            result = super().write(vals)
            orders._credit_enforce(before)
        return result
