from odoo import api, fields, models


class LogisticsCarrierStatus(models.Model):
    """One line of a carrier's status map: a raw code and the category it means."""

    _name = "logistics.carrier.status"
    _description = "Carrier Status Map Line"
    _order = "carrier_id, is_mapped, raw_code"

    carrier_id = fields.Many2one("logistics.carrier", required=True, ondelete="cascade", index=True)
    raw_code = fields.Char(required=True, help="The code exactly as the carrier sends it.")
    description = fields.Char(help="A sample description the carrier sent with this code.")
    category_id = fields.Many2one(
        "logistics.status.category", string="Category", ondelete="restrict"
    )
    milestone = fields.Selection(related="category_id.milestone", store=True)
    is_mapped = fields.Boolean(compute="_compute_mapped", store=True)

    _sql_constraints = [
        (
            "code_unique",
            "unique(carrier_id, raw_code)",
            "A raw code appears once in a carrier's status map.",
        ),
    ]

    @api.depends("category_id")
    def _compute_mapped(self):
        for line in self:
            line.is_mapped = bool(line.category_id)

    def write(self, vals):
        result = super().write(vals)
        if "category_id" in vals:
            # events already stored under these codes follow the new mapping
            self.carrier_id._remap_events(self)
        return result
