import logging
import secrets

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from odoo.addons.customer_tiering.const import TIER_SELECTION

_logger = logging.getLogger(__name__)

COMPLAINT_STAGES = [
    ("new", "New"),
    ("acknowledged", "Acknowledged"),
    ("investigating", "Investigating"),
    ("solution_proposed", "Solution Proposed"),
    ("customer_confirmed", "Customer Confirmed"),
    ("closed", "Closed"),
    ("rejected", "Rejected"),
]
# the SLA clocks run in these stages; the customer's confirmation stops them
OPEN_STAGES = ("new", "acknowledged", "investigating", "solution_proposed")
CHANNELS = [
    ("phone", "Phone"),
    ("email", "Email"),
    ("portal", "Portal"),
    ("visit", "Visit"),
    ("tracking", "Carrier Tracking"),
]
SEVERITIES = [("low", "Low"), ("medium", "Medium"), ("high", "High"), ("critical", "Critical")]
# survey bands (R-COMP-6): above 4.5, 4 to 4.5, below 4
SATISFACTION_BANDS = [
    ("satisfied", "Satisfied"),
    ("shortcomings", "Satisfied with Shortcomings"),
    ("dissatisfied", "Dissatisfied"),
]
# RATER model of service quality (R-COMP-5)
RATER_DIMENSIONS = [
    ("reliability", "Reliability"),
    ("assurance", "Assurance"),
    ("tangibles", "Tangibles"),
    ("empathy", "Empathy"),
    ("responsiveness", "Responsiveness"),
]
SLA_STATUSES = [("on_time", "On Time"), ("at_risk", "At Risk"), ("breached", "Breached")]


class LogisticsComplaint(models.Model):
    """A customer complaint or cargo claim, from first contact to survey (R-COMP)."""

    _name = "logistics.complaint"
    _description = "Complaint"
    _inherit = ["portal.mixin", "mail.thread.cc", "mail.activity.mixin"]
    _order = "date desc, id desc"
    _rec_names_search = ["reference", "name", "partner_id"]
    _check_company_auto = True

    reference = fields.Char(
        required=True, readonly=True, copy=False, index="trigram", default=lambda self: "/"
    )
    name = fields.Char(string="Subject", required=True, tracking=True)
    date = fields.Datetime(
        string="Filed on", required=True, readonly=True, default=fields.Datetime.now, index=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        help="The commercial entity; a contact given here is moved to Contact.",
    )
    contact_id = fields.Many2one(
        "res.partner",
        string="Contact",
        domain="[('commercial_partner_id', '=', partner_id)]",
        help="Who complained, at the customer.",
    )
    account_manager_id = fields.Many2one(related="partner_id.user_id", string="Account Manager")
    customer_tier = fields.Selection(
        TIER_SELECTION,
        readonly=True,
        help="The customer's tier when the complaint was filed; it sets the SLA.",
    )
    channel = fields.Selection(CHANNELS, required=True, default="phone")
    category_id = fields.Many2one(
        "logistics.complaint.category", required=True, tracking=True, ondelete="restrict"
    )
    is_claim = fields.Boolean(
        string="Cargo Claim",
        compute="_compute_is_claim",
        store=True,
        readonly=False,
        help="The customer claims compensation for lost or damaged cargo.",
    )
    rater_dimension = fields.Selection(
        RATER_DIMENSIONS,
        string="RATER Dimension",
        compute="_compute_rater_dimension",
        store=True,
        readonly=False,
        help="The dimension of service quality the complaint touches.",
    )
    severity = fields.Selection(SEVERITIES, required=True, default="medium", tracking=True)
    description = fields.Text()
    shipment_id = fields.Many2one(
        "logistics.shipment",
        string="Shipment",
        index="btree_not_null",
        check_company=True,
        tracking=True,
        domain="[('commercial_partner_id', '=', partner_id)]",
    )
    tracking_event_id = fields.Many2one(
        "logistics.shipment.event",
        string="Reported by Event",
        readonly=True,
        copy=False,
        ondelete="set null",
        help="The carrier's exception event that opened this claim.",
    )
    sale_order_id = fields.Many2one(
        "sale.order",
        string="Sale Order",
        check_company=True,
        domain="[('partner_id', 'child_of', partner_id)]",
    )
    invoice_id = fields.Many2one(
        "account.move",
        string="Invoice",
        check_company=True,
        domain="[('move_type', '=', 'out_invoice'), ('partner_id', 'child_of', partner_id)]",
    )
    claimed_amount = fields.Monetary(tracking=True)
    accepted_amount = fields.Monetary(
        tracking=True,
        help="Compensation granted; above the first claimed amount only a Logistics Manager.",
    )
    claimed_amount_first = fields.Monetary(
        string="First Claimed Amount",
        readonly=True,
        copy=False,
        help="The claim as first recorded: raising the claim later does not raise the cap.",
    )
    credit_note_id = fields.Many2one(
        "account.move", string="Credit Note", readonly=True, copy=False, check_company=True
    )
    credit_note_state = fields.Selection(
        related="credit_note_id.state", string="Credit Note Status"
    )
    user_id = fields.Many2one(
        "res.users",
        string="Handler",
        tracking=True,
        index=True,
        domain=[("share", "=", False)],
        default=lambda self: self._default_user_id(),
    )
    stage = fields.Selection(
        COMPLAINT_STAGES,
        required=True,
        default="new",
        tracking=True,
        index=True,
        copy=False,
        group_expand="_group_expand_stage",
    )
    solution = fields.Text(string="Proposed Solution", tracking=True)
    rejection_reason = fields.Text()
    root_cause_id = fields.Many2one(
        "logistics.complaint.root.cause", tracking=True, ondelete="restrict"
    )
    corrective_action = fields.Text()
    acknowledged_date = fields.Datetime(readonly=True, copy=False)
    resolved_date = fields.Datetime(
        readonly=True, copy=False, help="When the customer confirmed the solution."
    )
    closed_date = fields.Datetime(readonly=True, copy=False)
    confirmed_by_id = fields.Many2one("res.partner", string="Confirmed by", readonly=True)
    # SLA (R-COMP-7)
    sla_id = fields.Many2one("logistics.complaint.sla", string="SLA Policy", readonly=True)
    response_deadline = fields.Datetime(readonly=True, copy=False)
    resolution_deadline = fields.Datetime(readonly=True, copy=False)
    sla_status = fields.Selection(
        SLA_STATUSES, string="SLA Status", compute="_compute_sla_status", store=True, index=True
    )
    is_breached = fields.Boolean(
        string="SLA Breached", compute="_compute_sla_status", store=True, aggregator="bool_or"
    )
    response_escalated = fields.Boolean(readonly=True, copy=False)
    resolution_escalated = fields.Boolean(readonly=True, copy=False)
    first_response_hours = fields.Float(
        compute="_compute_durations", store=True, aggregator="avg", digits=(10, 1)
    )
    resolution_hours = fields.Float(
        compute="_compute_durations", store=True, aggregator="avg", digits=(10, 1)
    )
    # satisfaction survey (R-COMP-6)
    survey_token = fields.Char(copy=False, readonly=True, groups="base.group_user")
    survey_url = fields.Char(compute="_compute_survey_url", groups="base.group_user")
    survey_ids = fields.One2many("logistics.complaint.survey", "complaint_id", readonly=True)
    satisfaction_score = fields.Float(
        compute="_compute_satisfaction", store=True, aggregator="avg", digits=(3, 2)
    )
    satisfaction_band = fields.Selection(
        SATISFACTION_BANDS, compute="_compute_satisfaction", store=True
    )

    _sql_constraints = [
        (
            "amounts_positive",
            "CHECK(claimed_amount >= 0 AND accepted_amount >= 0)",
            "Claimed and accepted amounts cannot be negative.",
        ),
    ]

    def _default_user_id(self):
        user = self.env.user
        return (
            user
            if not self.env.su and user.has_group("logistics_crm.group_logistics_user")
            else False
        )

    @api.model
    def _group_expand_stage(self, stages, domain):
        return [key for key, _label in self._fields["stage"].selection]

    @api.depends("category_id")
    def _compute_is_claim(self):
        for complaint in self:
            if complaint.category_id.is_claim:
                complaint.is_claim = True

    @api.depends("category_id")
    def _compute_rater_dimension(self):
        for complaint in self:
            if complaint.category_id.rater_dimension and not complaint.rater_dimension:
                complaint.rater_dimension = complaint.category_id.rater_dimension

    @api.depends(
        "stage", "acknowledged_date", "resolved_date", "response_deadline", "resolution_deadline"
    )
    def _compute_sla_status(self):
        now = fields.Datetime.now()
        for complaint in self:
            complaint.sla_status, complaint.is_breached = complaint._sla_state(now)

    @api.depends("date", "acknowledged_date", "resolved_date")
    def _compute_durations(self):
        for complaint in self:
            start = complaint.date
            ack, resolved = complaint.acknowledged_date, complaint.resolved_date
            complaint.first_response_hours = (ack - start).total_seconds() / 3600 if ack else 0.0
            complaint.resolution_hours = (
                (resolved - start).total_seconds() / 3600 if resolved else 0.0
            )

    def _compute_access_url(self):
        for complaint in self:
            complaint.access_url = f"/my/complaints/{complaint.id}"

    def _compute_survey_url(self):
        for complaint in self:
            token = complaint.survey_token
            complaint.survey_url = (
                f"{complaint.get_base_url()}/complaint/survey/{complaint.id}?token={token}"
                if token
                else False
            )

    @api.depends("survey_ids.score", "survey_ids.band")
    def _compute_satisfaction(self):
        for complaint in self:
            survey = complaint.survey_ids[:1]
            complaint.satisfaction_score = survey.score
            complaint.satisfaction_band = survey.band

    def _check_accepted_amount(self):
        """Compensation above the first claimed amount needs a Logistics Manager."""
        if self.env.su or self.env.user.has_group("logistics_crm.group_logistics_manager"):
            return
        for complaint in self:
            cap = min(complaint.claimed_amount_first, complaint.claimed_amount)
            if complaint.currency_id.compare_amounts(complaint.accepted_amount, cap) > 0:
                raise ValidationError(
                    self.env._(
                        "%(ref)s: only a Logistics Manager may accept more than the amount "
                        "first claimed.",
                        ref=complaint.reference,
                    )
                )

    @api.onchange("shipment_id")
    def _onchange_shipment_id(self):
        shipment = self.shipment_id
        if not shipment:
            return
        self.partner_id = shipment.commercial_partner_id
        self.sale_order_id = self.sale_order_id or shipment.sale_order_id
        invoices = shipment.invoice_ids.filtered(lambda move: move.move_type == "out_invoice")
        self.invoice_id = self.invoice_id or invoices[:1]

    # -- CRUD -----------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        sequences = self.env["ir.sequence"]
        for vals in vals_list:
            self._move_contact_to_commercial(vals)
            if vals.get("reference", "/") == "/":
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                vals["reference"] = (
                    sequences.with_company(company).next_by_code("logistics.complaint") or "/"
                )
        complaints = super().create(vals_list)
        complaints._record_first_claim()
        complaints._check_accepted_amount()
        complaints._set_sla_deadlines()
        for complaint in complaints:
            complaint._log_on_customer(
                self.env._("Complaint %(link)s filed: %(subject)s"), subject=complaint.name
            )
        return complaints

    def write(self, vals):
        if "claimed_amount_first" in vals and not self.env.su:
            raise AccessError(self.env._("The first claimed amount is recorded, not written."))
        self._move_contact_to_commercial(vals)
        result = super().write(vals)
        if {"claimed_amount", "accepted_amount", "currency_id"} & set(vals):
            self._record_first_claim()
            self._check_accepted_amount()
        if "partner_id" in vals:
            # a customer corrected before the first response gets its own tier's deadlines
            self.filtered(lambda c: c.stage == "new")._set_sla_deadlines()
        return result

    def _record_first_claim(self):
        # the system records it once; nobody writes it afterwards
        unset = self.filtered(lambda c: not c.claimed_amount_first and c.claimed_amount > 0)
        for complaint in unset:
            complaint.sudo().claimed_amount_first = complaint.claimed_amount

    def _move_contact_to_commercial(self, vals):
        """Keep the commercial entity in partner_id (record rules, reports); a person in contact."""
        if not vals.get("partner_id"):
            return
        partner = self.env["res.partner"].browse(vals["partner_id"])
        commercial = partner.commercial_partner_id
        if commercial != partner:
            vals["partner_id"] = commercial.id
            vals.setdefault("contact_id", partner.id)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_closed(self):
        if self.env.su or self.env.user.has_group("logistics_crm.group_logistics_manager"):
            return
        if any(complaint.stage == "closed" for complaint in self):
            raise UserError(self.env._("A closed complaint stays in the archive."))

    # -- actions: the handling steps of R-COMP-3 ------------------------------

    @api.model
    def _check_handler(self):
        """Handling steps write with elevated rights (credit notes, e-mails): staff only."""
        if not (self.env.su or self.env.user.has_group("logistics_crm.group_logistics_user")):
            raise AccessError(self.env._("Only logistics staff handle complaints."))

    def _check_stage(self, allowed):
        for complaint in self:
            if complaint.stage not in allowed:
                labels = dict(self._fields["stage"]._description_selection(self.env))
                raise UserError(
                    self.env._(
                        "%(ref)s is %(stage)s; this step is not possible now.",
                        ref=complaint.reference,
                        stage=labels[complaint.stage],
                    )
                )

    def action_acknowledge(self):
        self.ensure_one()
        self._check_handler()
        self._check_stage(("new",))
        if not self.user_id:
            raise UserError(self.env._("Name a handler before acknowledging the complaint."))
        self.write({"stage": "acknowledged", "acknowledged_date": fields.Datetime.now()})
        return True

    def action_investigate(self):
        self.ensure_one()
        self._check_handler()
        self._check_stage(("acknowledged",))
        self.stage = "investigating"
        return True

    def action_propose_solution(self):
        self.ensure_one()
        self._check_handler()
        self._check_stage(("acknowledged", "investigating"))
        if not (self.solution or "").strip():
            raise UserError(self.env._("Describe the solution you propose to the customer."))
        self.stage = "solution_proposed"
        return True

    def action_customer_confirm(self):
        """The customer accepted the solution (told us by phone, mail or the portal)."""
        self.ensure_one()
        self._check_handler()
        self._customer_confirm(self.contact_id or self.partner_id)
        return True

    def action_close(self):
        self.ensure_one()
        self._check_handler()
        self._check_stage(("customer_confirmed",))
        self.write({"stage": "closed", "closed_date": fields.Datetime.now()})
        self._log_on_customer(self.env._("Complaint %(link)s closed."))
        self._send_survey()
        return True

    def action_reject(self):
        self.ensure_one()
        self._check_handler()
        self._check_stage(OPEN_STAGES)
        if not (self.rejection_reason or "").strip():
            raise UserError(self.env._("Say why the complaint is rejected."))
        self.write({"stage": "rejected", "closed_date": fields.Datetime.now()})
        self._log_on_customer(
            self.env._("Complaint %(link)s rejected: %(reason)s"), reason=self.rejection_reason
        )
        return True

    def action_reopen(self):
        self.ensure_one()
        self._check_handler()
        self._check_stage(("rejected", "solution_proposed"))
        self.write(
            {"stage": "acknowledged" if self.acknowledged_date else "new", "closed_date": False}
        )
        return True

    def action_create_credit_note(self):
        self.ensure_one()
        self._check_handler()
        if self.credit_note_id:
            raise UserError(self.env._("This complaint already has a credit note."))
        if self.currency_id.compare_amounts(self.accepted_amount, 0.0) <= 0:
            raise UserError(self.env._("Enter the accepted amount first."))
        if self.stage in ("new", "rejected"):
            raise UserError(self.env._("Acknowledge the complaint before compensating it."))
        self._create_credit_note()
        return self.action_open_credit_note()

    def action_open_shipment(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "logistics.shipment",
            "res_id": self.shipment_id.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    def action_open_credit_note(self):
        self.ensure_one()
        if not self.env["account.move"].has_access("read"):
            return True
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": self.credit_note_id.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    def action_send_survey(self):
        self.ensure_one()
        self._check_handler()
        self._check_stage(("closed",))
        self._send_survey()
        return True

    # -- business -------------------------------------------------------------

    def _set_sla_deadlines(self):
        """Tier at filing time, its SLA policy and both deadlines on the working calendar."""
        slas = {}
        for complaint in self:
            company = complaint.company_id
            if company not in slas:
                slas[company] = self.env["logistics.complaint.sla"]._for_company(company)
            partner = complaint.partner_id.commercial_partner_id.with_company(company)
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

    def _log_on_customer(self, message, **params):
        """Note on the customer's chatter: its interaction history shows complaints (R-INFO-3).

        ``message`` is translated already and names the complaint as ``%(link)s``.
        Posted with elevated rights since handlers may not edit customers, in their name.
        """
        self.ensure_one()
        link = Markup('<a href="#" data-oe-model="%s" data-oe-id="%s">%s</a>') % (
            self._name,
            self.id,
            self.reference,
        )
        self.partner_id.sudo().message_post(
            body=Markup("<p>%s</p>") % (Markup(message) % {**params, "link": link}),
            author_id=self.env.user.partner_id.id,
            subtype_xmlid="mail.mt_note",
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
                summary=self.env._("Complaint %s breached its SLA", self.reference),
                note=missed,
                user_id=manager.id,
            )
        self.write({f"{kind}_escalated": True for kind in late})

    def _customer_confirm(self, partner):
        self._check_stage(("solution_proposed",))
        self.write(
            {
                "stage": "customer_confirmed",
                "resolved_date": fields.Datetime.now(),
                "confirmed_by_id": partner.id,
            }
        )
        self.message_post(
            body=Markup("<p>%s</p>")
            % self.env._("%s confirmed the proposed solution.", partner.display_name),
            subtype_xmlid="mail.mt_note",
        )

    def _send_survey(self):
        """Mail the customer a personal link to rate the service (R-COMP-6)."""
        template = self.env.ref("logistics_crm.mail_template_complaint_survey")
        for complaint in self:
            if not complaint.sudo().survey_token:
                complaint.sudo().survey_token = secrets.token_urlsafe(24)
            complaint.message_post_with_source(
                template, message_type="comment", subtype_xmlid="mail.mt_comment"
            )

    def _create_credit_note(self):
        """Draft customer credit note for the accepted amount (R-COMP-8).

        Handlers need not be accountants: the draft is made with elevated rights,
        after the checks of the calling action, and is posted by finance.
        """
        self.ensure_one()
        company = self.company_id
        moves = self.env["account.move"].sudo().with_company(company)
        journal = (
            self.env["account.journal"]
            .sudo()
            .search([("type", "=", "sale"), ("company_id", "=", company.id)], limit=1)
        )
        if not journal:
            raise UserError(self.env._("The company has no sales journal for the credit note."))
        invoice_address = self.partner_id.address_get(["invoice"])["invoice"]
        credit_note = moves.create(
            {
                "move_type": "out_refund",
                "partner_id": invoice_address,
                "journal_id": journal.id,
                "currency_id": self.currency_id.id,
                "invoice_origin": self.reference,
                "ref": self.env._("Compensation for complaint %s", self.reference),
                "reversed_entry_id": self.invoice_id.id,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": self.env._(
                                "Compensation: %(ref)s %(subject)s",
                                ref=self.reference,
                                subject=self.name,
                            ),
                            "quantity": 1,
                            "price_unit": self.accepted_amount,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        self.credit_note_id = credit_note
        amount = f"{self.accepted_amount:.2f} {self.currency_id.name}"
        self.message_post(
            body=Markup("<p>%s</p>")
            % self.env._(
                "Draft credit note of %(amount)s created for the accepted claim.", amount=amount
            ),
            subtype_xmlid="mail.mt_note",
        )
        return credit_note

    def _record_survey_answer(self, values):
        """Store the customer's one answer; a dissatisfied one alerts the account manager."""
        self.ensure_one()
        if self.stage != "closed":
            raise UserError(self.env._("The survey opens when the complaint is closed."))
        if self.survey_ids:
            raise UserError(self.env._("This survey has already been answered."))
        survey = self.env["logistics.complaint.survey"].create({**values, "complaint_id": self.id})
        if survey.band == "dissatisfied":
            user = self.partner_id.user_id or self.user_id
            if user:
                self.activity_schedule(
                    "mail.mail_activity_data_todo",
                    summary=self.env._("Dissatisfied customer after complaint %s", self.reference),
                    note=survey.comment or "",
                    user_id=user.id,
                )
        return survey
