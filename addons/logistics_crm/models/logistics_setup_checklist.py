from odoo import api, fields, models
from odoo.exceptions import ValidationError

SETUP_STEPS = ("calendar", "tier_policy", "grades", "carrier", "bucket_edges")


class LogisticsSetupChecklist(models.TransientModel):
    """What a new database still needs before the CRM gives sensible answers."""

    _name = "logistics.setup.checklist"
    _description = "Setup Checklist"

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    calendar_done = fields.Boolean(
        string="Working Calendar",
        compute="_compute_done",
        help="The company's calendar has working hours and public holidays from today on: "
        "complaint deadlines count working hours on it.",
    )
    tier_policy_done = fields.Boolean(
        string="Tier Policy",
        compute="_compute_done",
        help="The tier policy has rated the customers at least once.",
    )
    grades_done = fields.Boolean(
        string="Credit Grade Table",
        compute="_compute_done",
        help="The credit grade table gives at least one grade a payment term.",
    )
    carrier_done = fields.Boolean(
        string="Carrier and its Secret",
        compute="_compute_done",
        help="A carrier is set up with a webhook secret or an API key.",
    )
    bucket_edges_done = fields.Boolean(
        string="Month-end Aging Buckets",
        compute="_compute_done",
        help="The company's aging bucket edges are valid.",
    )
    all_done = fields.Boolean(compute="_compute_done")

    @api.depends("company_id")
    def _compute_done(self):
        today = fields.Date.context_today(self)
        for checklist in self:
            # configuration only: whether it exists, whoever may read it
            company = checklist.company_id.sudo()
            calendar = company.resource_calendar_id
            # the policy's state, which a logistics manager may not read
            policy = self.env["customer.tier.policy"].sudo()._for_company(company)
            carriers = (
                self.env["logistics.carrier"]
                .sudo()  # whether a carrier has its secret, never shown to the user
                .search([("company_id", "in", (False, company.id))])
            )
            checklist.calendar_done = bool(
                calendar.attendance_ids
                and calendar.global_leave_ids.filtered(lambda leave: leave.date_to.date() >= today)
            )
            checklist.tier_policy_done = bool(policy.last_run)
            checklist.grades_done = bool(policy.credit_grade_ids.payment_term_id)
            checklist.carrier_done = any(
                carrier.webhook_secret or carrier.api_key for carrier in carriers
            )
            try:
                checklist.bucket_edges_done = bool(company._receivable_edges())
            except ValidationError:
                checklist.bucket_edges_done = False
            checklist.all_done = all(checklist[f"{step}_done"] for step in SETUP_STEPS)

    # -- the buttons: each opens the form to fix its line -------------------------

    def _open(self, record, name):
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": record._name,
            "res_id": record.id,
            "view_mode": "form",
            "target": "current",
        }

    def action_open_calendar(self):
        self.ensure_one()
        calendar = self.company_id.resource_calendar_id
        return self._open(calendar, self.env._("Working Calendar"))

    def action_open_tier_policy(self):
        self.ensure_one()
        policy = self.env["customer.tier.policy"]._for_company(self.company_id)
        return self._open(policy, self.env._("Tier Policy"))

    def action_open_carriers(self):
        return self.env["ir.actions.act_window"]._for_xml_id(
            "logistics_crm.logistics_carrier_action"
        )

    def action_open_company(self):
        self.ensure_one()
        return self._open(self.company_id, self.env._("Month-end Aging Buckets"))

    # -- the app's home ------------------------------------------------------------

    @api.model
    def _action_home(self):
        """The checklist for a manager of a database that is neither set up nor in use
        yet (no shipment); otherwise the app's first page, as without a home action."""
        fresh = not self.env["logistics.shipment"].search_count([], limit=1)
        if fresh and self.env.user.has_group("logistics_crm.group_logistics_manager"):
            if not self.create({}).all_done:
                return self.env["ir.actions.act_window"]._for_xml_id(
                    "logistics_crm.logistics_setup_checklist_action"
                )
        return self._first_page_action()

    @api.model
    def _first_page_action(self):
        menus = self.env["ir.ui.menu"].load_menus(False)
        menu = menus.get(self.env.ref("logistics_crm.logistics_crm_menu_root").id)
        action = False
        while menu and menu["children"] and not action:
            menu = menus[menu["children"][0]]
            action = menu["action"]
        if not action:
            return False
        model, action_id = action.split(",")
        return self.env[model].browse(int(action_id))._get_action_dict()
