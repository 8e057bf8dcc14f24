from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

from .nullable_float import NullableFloat


class ResPartner(models.Model):
    _inherit = "res.partner"

    complaint_ids = fields.One2many("logistics.complaint", "partner_id", string="Complaints")
    complaint_count = fields.Integer(compute="_compute_complaint_figures")
    complaint_open_count = fields.Integer(
        string="Open Complaints",
        compute="_compute_complaint_figures",
        help="Complaints neither closed nor rejected.",
    )
    # empty without an answered survey: no answer is not a score of 0
    complaint_satisfaction = NullableFloat(
        string="Satisfaction",
        compute="_compute_complaint_figures",
        digits=(3, 2),
        help="Average survey score (1–5) after this customer's complaints.",
    )
    complaint_rate = fields.Float(
        string="Complaints per 100 Shipments",
        compute="_compute_complaint_rate",
        digits=(6, 1),
        help="Complaints filed per 100 shipments booked, over the tiering policy's window.",
    )

    def _compute_complaint_figures(self):
        commercial = self.commercial_partner_id
        groups = self.env["logistics.complaint"]._read_group(
            [("partner_id", "in", commercial.ids)],
            ["partner_id", "stage"],
            ["__count"],
        )
        counts, open_counts = {}, {}
        for partner, stage, count in groups:
            counts[partner.id] = counts.get(partner.id, 0) + count
            if stage not in ("closed", "rejected"):
                open_counts[partner.id] = open_counts.get(partner.id, 0) + count
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
            partner.complaint_open_count = open_counts.get(pid, 0)
            partner.complaint_satisfaction = averages.get(pid, False)

    @api.depends_context("company")
    def _compute_complaint_rate(self):
        date_to = fields.Datetime.now() + relativedelta(seconds=1)
        date_from = date_to - relativedelta(months=self._shipment_window_months())
        rates = self._complaint_rates(self.commercial_partner_id, date_from, date_to)
        for partner in self:
            partner.complaint_rate = rates.get(partner.commercial_partner_id.id) or 0.0

    def action_view_complaints(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "logistics_crm.logistics_complaint_action"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.commercial_partner_id.id}
        return action

    @api.model
    def _complaint_rates(self, partners, date_from, date_to):
        """Complaints per 100 shipments by commercial partner id, for [from, to).

        Customers without shipments in the period are left out; rejected
        complaints do not count.
        """
        kpis = self._shipment_kpis(partners, date_from, date_to)
        shipped = {pid: kpi["shipments"] for pid, kpi in kpis.items() if kpi["shipments"]}
        if not shipped:
            return {}
        # every complaint counts, whoever asks
        groups = (
            self.env["logistics.complaint"]
            .sudo()  # every complaint counts, whoever asks
            ._read_group(
                [
                    ("partner_id", "in", list(shipped)),
                    ("company_id", "=", self.env.company.id),
                    ("date", ">=", date_from),
                    ("date", "<", date_to),
                    ("stage", "!=", "rejected"),
                ],
                ["partner_id"],
                ["__count"],
            )
        )
        complaints = {partner.id: count for partner, count in groups}
        return {
            pid: 100.0 * complaints.get(pid, 0) / shipments for pid, shipments in shipped.items()
        }
