from dateutil.relativedelta import relativedelta

from odoo import api, fields, models


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

    @api.model
    def _tiering_factor_values(self, partners, date):
        """Adds ``current_complaints``: few complaints per 100 shipments score high (R-COMP-4).

        Left out for customers without shipments in the policy's window.
        """
        values = super()._tiering_factor_values(partners, date)
        company = self.env.company
        policy = self.env["customer.tier.policy"]._for_company(company)
        date_to = fields.Datetime.to_datetime(date) + relativedelta(days=1)
        date_from = date_to - relativedelta(months=policy.window_months)
        kpis = self._shipment_kpis(partners, date_from, date_to)
        shipped = {pid: kpi["shipments"] for pid, kpi in kpis.items() if kpi["shipments"]}
        if not shipped:
            return values
        # every complaint counts for the score, whoever runs the recompute
        groups = (
            self.env["logistics.complaint"]
            .sudo()
            ._read_group(
                [
                    ("partner_id", "in", list(shipped)),
                    ("company_id", "=", company.id),
                    ("date", ">=", date_from),
                    ("date", "<", date_to),
                    ("stage", "!=", "rejected"),
                ],
                ["partner_id"],
                ["__count"],
            )
        )
        complaints = {partner.id: count for partner, count in groups}
        zero = policy.complaints_per_100_zero or 1.0
        for pid, shipments in shipped.items():
            per_100 = 100.0 * complaints.get(pid, 0) / shipments
            values.setdefault(pid, {})["current_complaints"] = max(0.0, 1.0 - per_100 / zero)
        return values
