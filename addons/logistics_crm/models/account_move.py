from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    shipment_ids = fields.Many2many(
        "logistics.shipment",
        "logistics_shipment_account_move_rel",
        "move_id",
        "shipment_id",
        string="Shipments",
        copy=False,
        groups="logistics_crm.group_logistics_user",
    )
    shipment_count = fields.Integer(
        compute="_compute_shipment_count", groups="logistics_crm.group_logistics_user"
    )

    def _compute_shipment_count(self):
        for move in self:
            move.shipment_count = len(move.shipment_ids)

    def action_view_shipments(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "logistics_crm.logistics_shipment_action"
        )
        action["domain"] = [("id", "in", self.shipment_ids.ids)]
        action["context"] = {"create": False}
        return action
