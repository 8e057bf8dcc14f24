from markupsafe import Markup

from odoo import api, fields, models

from .logistics_complaint import OPEN_STAGES


class LogisticsComplaint(models.Model):
    """The SLA clocks of a complaint: its deadlines, their status, and escalation."""

    _inherit = "logistics.complaint"

    @api.depends(
        "stage", "acknowledged_date", "resolved_date", "response_deadline", "resolution_deadline"
    )
    def _compute_sla_status(self):
        now = fields.Datetime.now()
        for complaint in self:
            complaint.sla_status, complaint.is_breached = complaint._sla_state(now)

    def _set_sla_deadlines(self):
        """Tier at filing time, its SLA policy and both deadlines on the working calendar."""
        slas = {}
        for complaint in self:
            company = complaint.company_id
            if company not in slas:
                slas[company] = self.env["logistics.complaint.sla"]._for_company(company)
            partner = complaint.partner_id.commercial_partner_id.with_company(company)
            # the deadlines follow the customer's tier, whoever files the complaint
            tier = partner.sudo().customer_tier or "lead"
            sla = slas[company][tier]
            complaint.write(
                {
                    "customer_tier": tier,
                    "sla_id": sla.id,
                    "response_deadline": sla._deadline(sla.response_hours, complaint.date),
                    "resolution_deadline": sla._deadline(sla.resolution_hours, complaint.date),
                }
            )

    def _sla_state(self, now):
        """(status, breached) at ``now``: a missed deadline stays breached once missed."""
        self.ensure_one()
        if not self.resolution_deadline:
            return "on_time", False
        ended = self.resolved_date or (
            self.closed_date if self.stage in ("closed", "rejected") else False
        )
        response_late = (self.acknowledged_date or ended or now) > self.response_deadline
        resolution_late = (ended or now) > self.resolution_deadline
        if response_late or resolution_late:
            return "breached", True
        if ended:
            return "on_time", False
        if self.acknowledged_date:
            deadline = self.resolution_deadline
        else:
            deadline = self.response_deadline
        window = (deadline - self.date).total_seconds()
        ratio = (self.sla_id.at_risk_ratio or 75.0) / 100.0
        if window > 0 and (now - self.date).total_seconds() >= ratio * window:
            return "at_risk", False
        return "on_time", False

    def _late_deadlines(self, now):
        """Which deadlines ('response', 'resolution') this open complaint has missed."""
        self.ensure_one()
        late = []
        if self.response_deadline and (self.acknowledged_date or now) > self.response_deadline:
            late.append("response")
        if self.resolution_deadline and (self.resolved_date or now) > self.resolution_deadline:
            late.append("resolution")
        return late

    @api.model
    def _cron_escalate_sla(self):
        """Refresh the SLA status of open complaints; escalate each missed deadline once."""
        # a job covers every company's complaints, as the scheduler's own user does
        self = self.sudo()
        now = fields.Datetime.now()
        complaints = self.search([("stage", "in", OPEN_STAGES)], order="id")
        by_state = {}
        for complaint in complaints:
            state = complaint._sla_state(now)
            if state != (complaint.sla_status, complaint.is_breached):
                by_state.setdefault(state, self.browse())
                by_state[state] |= complaint
        for (status, breached), records in by_state.items():
            records.write({"sla_status": status, "is_breached": breached})
        managers = {}
        for complaint in complaints.filtered("is_breached"):
            late = [
                kind
                for kind in complaint._late_deadlines(now)
                if not complaint[f"{kind}_escalated"]
            ]
            if not late:
                continue
            company = complaint.company_id
            if company not in managers:
                managers[company] = self._escalation_manager(company)
            complaint._escalate(late, complaint.sla_id.escalation_user_id or managers[company])
        return True

    @api.model
    def _escalation_manager(self, company):
        group = self.env.ref("logistics_crm.group_logistics_manager")
        return self.env["res.users"].search(
            [
                ("groups_id", "in", group.ids),
                ("share", "=", False),
                ("company_ids", "in", company.ids),
            ],
            order="id",
            limit=1,
        )

    def _escalate(self, late, manager):
        self.ensure_one()
        labels = {
            "response": self.env._("response deadline (%s)", self.response_deadline),
            "resolution": self.env._("resolution deadline (%s)", self.resolution_deadline),
        }
        missed = ", ".join(labels[kind] for kind in late)
        self.message_post(
            body=Markup("<p>%s</p>")
            % self.env._("SLA breached: the %(missed)s passed. Escalated.", missed=missed),
            subtype_xmlid="mail.mt_note",
        )
        if manager:
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                # stored: in the language of whoever does the activity
                summary=self.with_context(lang=manager.lang).env._(
                    "Complaint %s breached its SLA", self.reference
                ),
                note=missed,
                user_id=manager.id,
            )
        self.write({f"{kind}_escalated": True for kind in late})
