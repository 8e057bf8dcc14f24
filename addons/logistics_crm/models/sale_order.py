from odoo import api, fields, models
from odoo.exceptions import UserError


class SaleOrder(models.Model):
    _inherit = "sale.order"

    shipment_ids = fields.One2many(
        "logistics.shipment",
        "sale_order_id",
        string="Shipments",
        groups="logistics_crm.group_logistics_user",
    )
    shipment_count = fields.Integer(
        compute="_compute_shipment_count", groups="logistics_crm.group_logistics_user"
    )

    @api.depends("shipment_ids")
    def _compute_shipment_count(self):
        for order in self:
            order.shipment_count = len(order.shipment_ids)

    def action_create_shipment(self):
        """A new shipment form filled from the confirmed order."""
        self.ensure_one()
        if self.state != "sale":
            raise UserError(self.env._("Confirm the order before creating its shipment."))
        shipping = self.partner_shipping_id
        warehouse_address = self.company_id.partner_id
        return {
            "type": "ir.actions.act_window",
            "res_model": "logistics.shipment",
            "view_mode": "form",
            "target": "current",
            "context": {
                "default_partner_id": self.partner_id.commercial_partner_id.id,
                "default_sale_order_id": self.id,
                "default_company_id": self.company_id.id,
                "default_origin": warehouse_address._display_address(without_company=True)
                .replace("\n", ", ")
                .strip(", "),
                "default_destination": shipping._display_address(without_company=True)
                .replace("\n", ", ")
                .strip(", "),
                "default_planned_delivery": self.commitment_date or False,
                "default_amount": self.amount_untaxed,
                "default_invoice_ids": self.invoice_ids.filtered(
                    lambda m: m.move_type == "out_invoice"
                ).ids,
            },
        }

    def action_view_shipments(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "logistics_crm.logistics_shipment_action"
        )
        action["domain"] = [("sale_order_id", "=", self.id)]
        action["context"] = {
            "default_sale_order_id": self.id,
            "default_partner_id": self.partner_id.commercial_partner_id.id,
        }
        return action
