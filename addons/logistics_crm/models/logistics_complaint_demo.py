import logging
import random
import secrets
from datetime import timedelta

from odoo import api, fields, models

from .logistics_crm_demo import SEED, SOURING_CUSTOMER

_logger = logging.getLogger(__name__)

# stage, category code, days ago, subject, claimed amount, survey (overall + RATER) or None
DEMO_COMPLAINTS = (
    ("new", "delay", 0.05, "Delivery to Suzhou one day late", 0.0, None),
    ("new", "damage", 6, "Two pallets crushed at the Ningbo hub", 3200.0, None),
    ("acknowledged", "billing", 1, "Fuel surcharge billed twice", 0.0, None),
    ("investigating", "loss", 9, "One carton missing on arrival", 850.0, None),
    ("solution_proposed", "staff_attitude", 2, "Driver was rude at the loading dock", 0.0, None),
    ("customer_confirmed", "delay", 5, "Customs paperwork held the container", 0.0, None),
    ("closed", "damage", 40, "Wet cartons after rain", 1200.0, (5, 5, 5, 4, 5, 5)),
    ("closed", "delay", 130, "Late pickup in Shenzhen", 0.0, (4, 4, 5, 4, 4, 4)),
    ("closed", "billing", 230, "Invoice in the wrong currency", 0.0, (3, 2, 3, 4, 3, 2)),
    ("closed", "staff_attitude", 330, "No call back after a missed delivery", 0.0, None),
    ("rejected", "other", 12, "Damage caused by the consignee's forklift", 400.0, None),
)
ROOT_CAUSES = {
    "damage": "logistics_crm.complaint_root_cause_packaging",
    "loss": "logistics_crm.complaint_root_cause_handling",
    "delay": "logistics_crm.complaint_root_cause_carrier",
    "billing": "logistics_crm.complaint_root_cause_data",
    "staff_attitude": "logistics_crm.complaint_root_cause_communication",
}
STAGE_ORDER = ("new", "acknowledged", "investigating", "solution_proposed", "customer_confirmed")


class LogisticsComplaintDemo(models.AbstractModel):
    _name = "logistics.complaint.demo"
    _description = "Logistics Complaint Demo Data"

    @api.model
    def _generate_demo_complaints(self):
        """Complaints of the demo customers in every stage, some late, some rated."""
        # the graded customers of the customer_tiering demo story first
        Partner = self.env["res.partner"]
        customers = Partner.search(
            [("email", "=like", "%@customer.example.com"), ("is_company", "=", True)],
            order="id",
            limit=len(DEMO_COMPLAINTS),
        ) or Partner.search(
            [("customer_rank", ">", 0), ("is_company", "=", True)],
            order="id",
            limit=len(DEMO_COMPLAINTS),
        )
        if not customers:
            _logger.info("Complaint demo skipped: no customers.")
            return
        handlers = self.env.ref("base.user_admin") | self.env.ref(
            "base.user_demo", raise_if_not_found=False
        )
        categories = {c.code: c for c in self.env["logistics.complaint.category"].search([])}
        now = fields.Datetime.now()
        Complaint = self.env["logistics.complaint"]
        for index, (stage, code, days, subject, claimed, scores) in enumerate(DEMO_COMPLAINTS):
            customer = customers[index % len(customers)]
            filed = now - timedelta(days=days)
            # the customer's latest shipment before the complaint
            shipment = self.env["logistics.shipment"].search(
                [("commercial_partner_id", "=", customer.id), ("booked_date", "<", filed)], limit=1
            )
            complaint = Complaint.create(
                {
                    "name": subject,
                    "partner_id": customer.id,
                    "category_id": categories[code].id,
                    "channel": ("phone", "email", "portal", "visit")[index % 4],
                    "severity": ("medium", "high", "low", "critical")[index % 4],
                    "date": filed,
                    "claimed_amount": claimed,
                    "shipment_id": shipment.id,
                    "description": subject + ".",
                    # the first, fresh complaint waits for a handler
                    "user_id": handlers[index % len(handlers)].id if index else False,
                }
            )
            complaint.write(self._demo_progress(complaint, stage, code, filed))
            if stage == "closed":
                complaint.survey_token = secrets.token_urlsafe(24)
                if scores:
                    answered = complaint.closed_date + timedelta(days=1, hours=index)
                    complaint._record_survey_answer(self._demo_scores(scores, answered))
            if stage == "closed" and claimed:
                complaint.accepted_amount = claimed * 0.75
                if self.env["account.journal"].search_count(
                    [("type", "=", "sale"), ("company_id", "=", complaint.company_id.id)]
                ):
                    complaint._create_credit_note()
        Complaint._cron_escalate_sla()

    @api.model
    def _demo_progress(self, complaint, stage, code, filed):
        """Dates and texts of the handling steps up to ``stage``, as they would have been."""
        values = {"stage": stage}
        if stage == "rejected":
            return {
                **values,
                "acknowledged_date": filed + timedelta(hours=1),
                "rejection_reason": "Damage happened after delivery, at the consignee's site.",
                "closed_date": filed + timedelta(days=2),
            }
        reached = STAGE_ORDER.index(stage) if stage in STAGE_ORDER else len(STAGE_ORDER)
        if reached >= 1:
            # one late first response among the demo complaints
            values["acknowledged_date"] = filed + timedelta(hours=30 if code == "loss" else 1.5)
        if reached >= 3:
            values["solution"] = "We apologise and will refund or redo the service."
            root_cause = self.env.ref(ROOT_CAUSES.get(code, ""), raise_if_not_found=False)
            values["root_cause_id"] = root_cause.id if root_cause else False
            values["corrective_action"] = "Briefed the team; checked the process with the carrier."
        if reached >= 4:
            # the billing case dragged on past its resolution deadline
            values["resolved_date"] = filed + timedelta(days=14 if code == "billing" else 2)
            values["confirmed_by_id"] = complaint.partner_id.id
        if stage == "closed":
            values["closed_date"] = filed + timedelta(days=3)
        return values

    @api.model
    def _demo_scores(self, scores, answered):
        names = ["overall", "reliability", "assurance", "tangibles", "empathy", "responsiveness"]
        values = {f"{name}_score": score for name, score in zip(names, scores, strict=True)}
        return {**values, "answer_date": answered}

    @api.model
    def _generate_demo_history_complaints(self):
        """Complaints along the history's late and damaged deliveries: the damage claims
        the tracking opened, and some customers calling about late ones. All settled
        by now; about two in three surveys answered, the Milan customer's sour."""
        Shipment = self.env["logistics.shipment"]
        settled_before = fields.Datetime.now() - timedelta(days=20)
        history = Shipment.search(
            [
                ("partner_id.email", "=like", "ar%@customer.example.com"),
                ("milestone", "=", "delivered"),
            ],
            order="actual_delivery, id",
        )
        delivered = history.filtered(lambda s: s.actual_delivery < settled_before)
        if not delivered:
            return
        rng = random.Random(SEED)
        categories = {c.code: c for c in self.env["logistics.complaint.category"].search([])}
        claims = self.env["logistics.complaint"].search(
            [("shipment_id", "in", history.ids), ("tracking_event_id", "!=", False)]
        )
        for claim in claims:
            claim.write({"date": claim.tracking_event_id.event_time + timedelta(hours=2)})
        # the latest claims are still being looked into
        recent = claims.filtered(lambda c: c.shipment_id not in delivered)
        for claim in recent:
            progress = self._demo_progress(claim, "investigating", "damage", claim.date)
            handler = claim.partner_id.user_id or self.env.ref("base.user_admin")
            claim.write({"user_id": handler.id, **progress})
        claims -= recent
        calls = []
        for shipment in delivered.filtered(lambda s: not s.on_time and not s.had_exception):
            souring = shipment.commercial_partner_id.name == SOURING_CUSTOMER
            if rng.random() < (0.7 if souring else 0.2):
                late_days = (shipment.actual_delivery - shipment.planned_delivery).days + 1
                calls.append(
                    {
                        "name": f"Delivery to {shipment.destination} {late_days} day(s) late",
                        "partner_id": shipment.commercial_partner_id.id,
                        "category_id": categories["delay"].id,
                        "channel": rng.choice(("phone", "email", "portal")),
                        "severity": "high" if souring else rng.choice(("low", "medium")),
                        "date": shipment.actual_delivery + timedelta(hours=rng.randint(2, 30)),
                        "shipment_id": shipment.id,
                        "description": "The consignee waited for the delivery.",
                    }
                )
        complaints = claims | self.env["logistics.complaint"].create(calls)
        (complaints | recent)._set_sla_deadlines()
        for complaint in complaints.sorted(lambda c: (c.date, c.id)):
            self._settle_demo_complaint(complaint, rng)
        self.env["logistics.crm.demo"]._date_messages_as(complaints | recent, "date")
        _logger.info("Demo history: %s complaints.", len(complaints))

    @api.model
    def _settle_demo_complaint(self, complaint, rng):
        code = complaint.category_id.code
        souring = complaint.partner_id.name == SOURING_CUSTOMER
        handler = complaint.partner_id.user_id or self.env.ref("base.user_admin")
        if rng.random() < 0.08 and not souring:
            complaint.write(
                {
                    "user_id": handler.id,
                    **self._demo_progress(complaint, "rejected", code, complaint.date),
                }
            )
            return
        complaint.write(
            {
                "user_id": handler.id,
                **self._demo_progress(complaint, "closed", code, complaint.date),
            }
        )
        complaint.survey_token = secrets.token_urlsafe(24)
        if rng.random() < 0.65:
            if souring:
                scores = [rng.randint(1, 3) for _name in range(6)]
            else:
                scores = [rng.choice((3, 4, 4, 5, 5, 5)) for _name in range(6)]
            answered = complaint.closed_date + timedelta(days=rng.randint(1, 4))
            complaint._record_survey_answer(self._demo_scores(scores, answered))
