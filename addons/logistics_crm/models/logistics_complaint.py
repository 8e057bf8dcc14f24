import logging
import secrets

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from odoo.addons.customer_tiering.access import in_any_group, require_any_group
from odoo.addons.customer_tiering.const import TIER_SELECTION

from .nullable_float import NullableFloat

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
# survey bands: above 4.5, 4 to 4.5, below 4
SATISFACTION_BANDS = [
    ("satisfied", "Satisfied"),
    ("shortcomings", "Satisfied with Shortcomings"),
    ("dissatisfied", "Dissatisfied"),
]
# RATER model of service quality
RATER_DIMENSIONS = [
    ("reliability", "Reliability"),
    ("assurance", "Assurance"),
    ("tangibles", "Tangibles"),
    ("empathy", "Empathy"),
    ("responsiveness", "Responsiveness"),
]
SLA_STATUSES = [("on_time", "On Time"), ("at_risk", "At Risk"), ("breached", "Breached")]


class LogisticsComplaint(models.Model):
    """A customer complaint or cargo claim, from first contact to survey."""

    _name = "logistics.complaint"
    _description = "Complaint"
    _inherit = [
        "portal.mixin",
        "mail.thread.cc",
        "mail.activity.mixin",
        "customer.tier.order.mixin",
    ]
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
    # SLA
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
    # empty until acknowledged / resolved: averages count the finished ones only
    first_response_hours = NullableFloat(
        compute="_compute_durations", store=True, aggregator="avg", digits=(10, 1)
    )
    resolution_hours = NullableFloat(
        compute="_compute_durations", store=True, aggregator="avg", digits=(10, 1)
    )
    # satisfaction survey
    survey_token = fields.Char(copy=False, readonly=True, groups="base.group_user")
    survey_url = fields.Char(compute="_compute_survey_url", groups="base.group_user")
    survey_ids = fields.One2many("logistics.complaint.survey", "complaint_id", readonly=True)
    # empty without an answer: the average is over answered surveys only
    satisfaction_score = NullableFloat(
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

    @api.depends("date", "acknowledged_date", "resolved_date")
    def _compute_durations(self):
        for complaint in self:
            start = complaint.date
            ack, resolved = complaint.acknowledged_date, complaint.resolved_date
            complaint.first_response_hours = (ack - start).total_seconds() / 3600 if ack else False
            complaint.resolution_hours = (
                (resolved - start).total_seconds() / 3600 if resolved else False
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
            complaint.satisfaction_score = survey.score if survey else False
            complaint.satisfaction_band = survey.band

    def _check_accepted_amount(self):
        """Compensation above the first claimed amount needs a Logistics Manager."""
        if in_any_group(self.env, "logistics_crm.group_logistics_manager"):
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
            # the field is read-only: only the system sets it
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
        if in_any_group(self.env, "logistics_crm.group_logistics_manager"):
            return
        if any(complaint.stage == "closed" for complaint in self):
            raise UserError(self.env._("A closed complaint stays in the archive."))

    # -- actions: the handling steps ------------------------------------------

    @api.model
    def _check_handler(self):
        """Handling steps write with elevated rights (credit notes, e-mails): staff only."""
        message = self.env._("Only logistics staff handle complaints.")
        require_any_group(self.env, message, "logistics_crm.group_logistics_user")

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

    def action_view_shipment(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "logistics.shipment",
            "res_id": self.shipment_id.id,
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

    def _log_on_customer(self, message, **params):
        """Note on the customer's chatter: its interaction history shows complaints.

        ``message`` is translated already and names the complaint as ``%(link)s``.
        Posted with elevated rights since handlers may not edit customers, in their name.
        """
        self.ensure_one()
        link = Markup('<a href="#" data-oe-model="%s" data-oe-id="%s">%s</a>') % (
            self._name,
            self.id,
            self.reference,
        )
        # handlers may not edit customers; the note is still posted in their name
        self.partner_id.sudo().message_post(
            body=Markup("<p>%s</p>") % (Markup(message) % {**params, "link": link}),
            author_id=self.env.user.partner_id.id,
            subtype_xmlid="mail.mt_note",
        )

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
        """Mail the customer a personal link to rate the service."""
        template = self.env.ref("logistics_crm.mail_template_complaint_survey")
        for complaint in self:
            # the token is the customer's key to the survey: only the system reads and sets it
            if not complaint.sudo().survey_token:
                # handlers cannot write the token, the customer's key to the survey
                complaint.sudo().survey_token = secrets.token_urlsafe(24)
            complaint.message_post_with_source(
                template, message_type="comment", subtype_xmlid="mail.mt_comment"
            )

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
                    # stored: in the language of whoever does the activity
                    summary=self.with_context(lang=user.lang).env._(
                        "Dissatisfied customer after complaint %s", self.reference
                    ),
                    note=survey.comment or "",
                    user_id=user.id,
                )
        return survey
