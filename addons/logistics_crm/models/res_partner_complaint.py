from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    complaint_ids = fields.One2many("logistics.complaint", "partner_id", string="Complaints")
    complaint_count = fields.Integer(compute="_compute_complaint_figures")
    complaint_satisfaction = fields.Float(
        string="Satisfaction",
        compute="_compute_complaint_figures",
        digits=(3, 2),
        help="Average survey score (1–5) after this customer's complaints.",
    )

    def _compute_complaint_figures(self):
        commercial = self.commercial_partner_id
        groups = self.env["logistics.complaint"]._read_group(
            [("partner_id", "in", commercial.ids)],
            ["partner_id"],
            ["__count"],
        )
        counts = {partner.id: count for partner, count in groups}
        # the average ignores complaints without an answer
        answered = self.env["logistics.complaint"]._read_group(
            [("partner_id", "in", commercial.ids), ("survey_ids", "!=", False)],
            ["partner_id"],
            ["satisfaction_score:avg"],
        )
        averages = {partner.id: avg for partner, avg in answered}
        for partner in self:
            pid = partner.commercial_partner_id.id
            partner.complaint_count = counts.get(pid, 0)
            partner.complaint_satisfaction = averages.get(pid) or 0.0

    def action_open_complaints(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "logistics_crm.logistics_complaint_action"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.commercial_partner_id.id}
        return action
