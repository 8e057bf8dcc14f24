import random
import time

import psycopg2

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.modules import module as odoo_module
from odoo.tools import SQL

from ..tracking.health import on_time as is_on_time
from ..tracking.health import shipment_health
from ..tracking.milestones import FINAL, MILESTONES, NOTIFY
from .logistics_status_category import MILESTONE_SELECTION

# A shipment counts as picked up at its first event at or past pickup.
MOVING = ("picked_up", "in_transit", "customs", "out_for_delivery", "delivered")
# what _refresh_from_events writes on a shipment from its events
TRACKING_FIELDS = (
    "milestone",
    "actual_pickup",
    "actual_delivery",
    "had_exception",
    "last_event_time",
    "last_event_description",
    "eta",
    "on_time",
    "transit_days",
    "health",
)


class LogisticsShipment(models.Model):
    _name = "logistics.shipment"
    _description = "Shipment"
    _inherit = ["portal.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "booked_date desc, id desc"

    name = fields.Char(
        string="Reference", required=True, readonly=True, copy=False, default="/", index=True
    )
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, tracking=True, index=True
    )
    commercial_partner_id = fields.Many2one(
        related="partner_id.commercial_partner_id", store=True, index=True
    )
    user_id = fields.Many2one(
        related="commercial_partner_id.user_id", string="Account Manager", store=True
    )
    sale_order_id = fields.Many2one(
        "sale.order",
        string="Sale Order",
        index="btree_not_null",
        domain="[('partner_id.commercial_partner_id', '=', commercial_partner_id)]",
    )
    invoice_ids = fields.Many2many(
        "account.move",
        "logistics_shipment_account_move_rel",
        "shipment_id",
        "move_id",
        string="Invoices",
        domain="[('move_type', 'in', ('out_invoice', 'out_refund'))]",
        copy=False,
    )
    carrier_id = fields.Many2one("logistics.carrier", required=True, tracking=True, index=True)
    # what the portal shows of the carrier: its name, not the carrier record
    carrier_name = fields.Char(related="carrier_id.name", string="Carrier Name")
    tracking_ref = fields.Char(string="Tracking Number", required=True, tracking=True, copy=False)
    tracking_link = fields.Char(compute="_compute_tracking_link", compute_sudo=True)
    origin = fields.Char()
    destination = fields.Char()
    booked_date = fields.Datetime(default=fields.Datetime.now, required=True)
    planned_pickup = fields.Datetime()
    planned_delivery = fields.Datetime(tracking=True)
    actual_pickup = fields.Datetime(readonly=True, copy=False)
    actual_delivery = fields.Datetime(readonly=True, copy=False)
    eta = fields.Datetime(string="ETA", readonly=True, copy=False)
    weight = fields.Float(string="Weight (kg)")
    volume = fields.Float(string="Volume (m³)", digits=(12, 3))
    packages = fields.Integer(default=1)
    service_level = fields.Selection(
        [
            ("economy", "Economy"),
            ("standard", "Standard"),
            ("express", "Express"),
            ("cold_chain", "Cold Chain"),
        ],
        default="standard",
    )
    amount = fields.Monetary(string="Freight Charge", currency_field="currency_id")
    currency_id = fields.Many2one(related="company_id.currency_id")
    milestone = fields.Selection(
        MILESTONE_SELECTION,
        default="booked",
        required=True,
        tracking=True,
        readonly=True,
        copy=False,
        group_expand="_read_group_milestones",
    )
    health = fields.Selection(
        [
            ("on_track", "On Track"),
            ("at_risk", "At Risk"),
            ("late", "Late"),
            ("exception", "Exception"),
        ],
        default="on_track",
        readonly=True,
        copy=False,
        index=True,
    )
    on_time = fields.Boolean(
        string="Delivered on Time", readonly=True, copy=False, help="Delivered by the plan."
    )
    transit_days = fields.Float(
        readonly=True, copy=False, aggregator="avg", help="From pickup to delivery, in days."
    )
    had_exception = fields.Boolean(readonly=True, copy=False)
    notify_pending = fields.Boolean(
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="A milestone the customer is told about waits for the notification job.",
    )
    last_event_time = fields.Datetime(readonly=True, copy=False)
    last_event_description = fields.Char(string="Latest Status", readonly=True, copy=False)
    last_sync_date = fields.Datetime(string="Last Polled", readonly=True, copy=False)
    # the carrier's own error text: for staff, not for the customer on the portal
    last_sync_error = fields.Char(readonly=True, copy=False, groups="base.group_user")
    event_ids = fields.One2many("logistics.shipment.event", "shipment_id", string="Events")
    event_count = fields.Integer(compute="_compute_event_count")
    notes = fields.Html()

    _sql_constraints = [
        (
            "tracking_ref_unique",
            "unique(carrier_id, tracking_ref)",
            "This tracking number is already used for this carrier.",
        ),
    ]

    @api.model
    def _read_group_milestones(self, values, domain):
        return [key for key, _label in MILESTONE_SELECTION]

    @api.depends("tracking_ref", "carrier_id.tracking_url")
    def _compute_tracking_link(self):
        for shipment in self:
            template = shipment.carrier_id.tracking_url
            shipment.tracking_link = (
                template.replace("{tracking_ref}", shipment.tracking_ref)
                if template and shipment.tracking_ref
                else False
            )

    def _compute_event_count(self):
        counts = dict(
            self.env["logistics.shipment.event"]._read_group(
                [("shipment_id", "in", self.ids)], ["shipment_id"], ["__count"]
            )
        )
        for shipment in self:
            shipment.event_count = counts.get(shipment, 0)

    def _compute_access_url(self):
        for shipment in self:
            shipment.access_url = f"/my/shipments/{shipment.id}"

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code("logistics.shipment") or "/"
        shipments = super().create(vals_list)
        for shipment in shipments:
            # the customer follows its shipment, so milestone e-mails reach it
            shipment.message_subscribe(partner_ids=shipment.commercial_partner_id.ids)
        return shipments

    def _get_report_base_filename(self):
        self.ensure_one()
        return f"Shipment {self.name}"

    # -- actions ------------------------------------------------------------------------

    def action_view_events(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "logistics_crm.logistics_shipment_event_action"
        )
        action["domain"] = [("shipment_id", "=", self.id)]
        action["context"] = {"default_shipment_id": self.id}
        return action

    def action_preview(self):
        """The shipment as the customer sees it on the portal."""
        self.ensure_one()
        return {"type": "ir.actions.act_url", "target": "self", "url": self.get_portal_url()}

    def action_poll_now(self):
        """Ask the carrier now; the outcome is recorded on the shipment either way."""
        self.ensure_one()
        if not self.env.user.has_group("logistics_crm.group_logistics_user"):
            raise AccessError(self.env._("Only Logistics Users may ask a carrier for tracking."))
        if not self.carrier_id.endpoint:
            raise UserError(self.env._("The carrier has no polling URL."))
        self.env.flush_all()
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.execute_query(
                    SQL(
                        "SELECT id FROM logistics_shipment WHERE id = %s FOR NO KEY UPDATE NOWAIT",
                        self.id,
                    )
                )
        except psycopg2.errors.LockNotAvailable:
            raise UserError(
                self.env._("The tracking of this shipment is being updated; try again shortly.")
            ) from None
        # the group was checked: polling reads the carrier's API key and writes tracking
        self.carrier_id.sudo()._poll_shipments(self.sudo())
        if self.last_sync_error:
            message, kind = self.last_sync_error, "danger"
        else:
            message, kind = self.env._("Tracking is up to date."), "success"
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "message": message,
                "type": kind,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    # -- tracking ---------------------------------------------------------------------

    def _lock_for_tracking(self, patience=5.0):
        """Lock these shipments, in id order, before their events are read.

        Two deliveries for one shipment then refresh it one after the other, the
        second seeing the first one's events: a milestone is never computed from a
        partial view.  All rows are taken at once or none (``NOWAIT``, retried after
        a short random pause), so a delivery waiting for one shipment does not sit
        on the others meanwhile; after ``patience`` seconds it queues for them in id
        order, which cannot deadlock with the others doing the same.
        """
        ids = sorted(self.ids)
        ends = time.monotonic() + patience
        while time.monotonic() < ends:
            try:
                with self.env.cr.savepoint(flush=False):
                    self.env.execute_query(
                        SQL(
                            "SELECT id FROM logistics_shipment WHERE id = ANY(%s)"
                            " ORDER BY id FOR NO KEY UPDATE NOWAIT",
                            ids,
                        )
                    )
                return
            except psycopg2.errors.LockNotAvailable:
                time.sleep(random.uniform(0.005, 0.05))
        self.env.execute_query(
            SQL(
                "SELECT id FROM logistics_shipment WHERE id = ANY(%s) ORDER BY id FOR NO KEY UPDATE",
                ids,
            )
        )

    def _refresh_from_events(self, new_events=None):
        """Milestone, times, ETA and health from the events that count, in one query.

        The milestone is the latest event's by event time, whatever order they came
        in; at the same instant the one further along the milestones wins.  Retracted
        events and events dated in the future do not count.
        """
        if not self:
            return
        self.env.flush_all()
        self._lock_for_tracking()
        rows = self._tracking_aggregates()
        # the lock may have waited for another delivery: read what it wrote, in one query
        self.invalidate_recordset()
        self.fetch(["planned_delivery", "notify_pending", *TRACKING_FIELDS])
        now = fields.Datetime.now()
        updates = {}
        for row in rows:
            shipment = self.browse(row[0])
            values = shipment._tracking_values(row[1:], now)
            if any(shipment[name] != value for name, value in values.items()):
                updates[shipment] = values
        changed = {
            shipment: values["milestone"]
            for shipment, values in updates.items()
            if values["milestone"] != shipment.milestone
        }
        for shipment, values in updates.items():
            # a milestone worth telling waits for the notification job (_notify_milestones)
            values["notify_pending"] = shipment.notify_pending or changed.get(shipment) in NOTIFY
        self._write_tracking(updates)
        if changed:
            self._notify_milestones(changed)
        if new_events is not None:
            counting = new_events._counting()
            if counting:
                # claims are opened as the system, whoever brought the events
                self.sudo()._on_new_events(counting)

    def _tracking_aggregates(self):
        """Per shipment: milestone, pickup, delivery, exception, last time, text, ETA."""
        return self.env.execute_query(
            SQL(
                """
                SELECT s.id,
                       (ARRAY_AGG(e.milestone ORDER BY e.event_time DESC,
                                  array_position(%(order)s::varchar[], e.milestone::varchar) DESC,
                                  e.id DESC)
                            FILTER (WHERE e.milestone IS NOT NULL))[1],
                       MIN(e.event_time) FILTER (WHERE e.milestone = ANY(%(moving)s)),
                       MAX(e.event_time) FILTER (WHERE e.milestone = 'delivered'),
                       BOOL_OR(e.milestone = 'exception'),
                       MAX(e.event_time),
                       (ARRAY_AGG(COALESCE(NULLIF(e.description, ''), e.raw_code)
                            ORDER BY e.event_time DESC, e.id DESC)
                            FILTER (WHERE e.id IS NOT NULL))[1],
                       (ARRAY_AGG(e.eta ORDER BY e.event_time DESC, e.id DESC)
                            FILTER (WHERE e.eta IS NOT NULL))[1]
                  FROM logistics_shipment s
                  LEFT JOIN logistics_shipment_event e
                         ON e.shipment_id = s.id
                        AND e.retracted IS NOT TRUE
                        AND e.is_future IS NOT TRUE
                 WHERE s.id = ANY(%(ids)s)
                 GROUP BY s.id
                """,
                order=list(MILESTONES),
                moving=list(MOVING),
                ids=self.ids,
            )
        )

    def _tracking_values(self, aggregates, now):
        """The tracking fields of this shipment from its row of ``_tracking_aggregates``."""
        milestone, pickup, delivery, exception, last_time, last_text, eta = aggregates
        milestone = milestone or "booked"
        delivered = (milestone == "delivered" and delivery) or False
        planned = self.planned_delivery
        return {
            "milestone": milestone,
            "actual_pickup": pickup or False,
            "actual_delivery": delivered,
            "had_exception": bool(exception),
            "last_event_time": last_time or False,
            "last_event_description": last_text or False,
            "eta": eta or False,
            "on_time": bool(is_on_time(planned, delivered)),
            "transit_days": (
                round((delivered - pickup).total_seconds() / 86400.0, 2)
                if delivered and pickup
                else 0.0
            ),
            "health": shipment_health(milestone, planned, eta, delivered or None, now),
        }

    def _write_tracking(self, updates):
        """Write ``{shipment: values}`` (the same fields for all) in one UPDATE.

        A write per shipment costs a query and its mail bookkeeping, and a batch of
        deliveries moves hundreds of shipments.  As the ORM's write would, it checks
        the caller's rights and logs tracked fields (the milestone) on the chatter.
        """
        if not updates:
            return
        shipments = self.browse([shipment.id for shipment in updates])
        names = list(next(iter(updates.values())))
        shipments.check_access("write")
        context = self.env.context
        if not context.get("tracking_disable") and not context.get("mail_notrack"):
            shipments._track_prepare(names)
        columns = [SQL("%s::int[]", shipments.ids)]
        for name in names:
            field = self._fields[name]
            column = [
                field.convert_to_column(values[name], shipment)
                for shipment, values in updates.items()
            ]
            columns.append(SQL("%s::%s[]", column, SQL(field.column_type[1])))
        self.env.execute_query(
            SQL(
                """
                UPDATE logistics_shipment s
                   SET %(assignments)s,
                       write_uid = %(uid)s,
                       write_date = now() AT TIME ZONE 'UTC'
                  FROM unnest(%(columns)s) AS v(id, %(names)s)
                 WHERE s.id = v.id
                """,
                assignments=SQL(", ").join(
                    SQL("%s = %s", SQL.identifier(name), SQL.identifier("v", name))
                    for name in names
                ),
                uid=self.env.uid,
                columns=SQL(", ").join(columns),
                names=SQL(", ").join(SQL.identifier(name) for name in names),
            )
        )
        # the ORM did not see this write: forget what it holds and recompute dependents
        shipments.invalidate_recordset([*names, "write_uid", "write_date"], flush=False)
        shipments.modified(names)

    def _on_new_events(self, events):
        """Extension hook, called with the newly stored events of these shipments."""
        return True

    def _notify_milestones(self, changed):
        """Queue the customer's e-mail and give exceptions to a person now.

        Rendering and posting a templated e-mail costs tens of milliseconds per
        shipment, so it runs in the notification job, triggered right away, and a
        carrier's webhook is answered without waiting for it.
        """
        exception_type = self.env.ref("mail.mail_activity_data_todo")
        queued = [shipment for shipment, milestone in changed.items() if milestone in NOTIFY]
        for shipment in queued:
            if changed[shipment] == "exception":
                user = shipment.user_id or shipment.carrier_id._logistics_manager()
                # the summary is stored: in the language of whoever does the activity
                shipment.activity_schedule(
                    activity_type_id=exception_type.id,
                    summary=self.with_context(lang=user.lang).env._(
                        "Shipment exception: call the customer"
                    ),
                    note=shipment.last_event_description,
                    user_id=user.id,
                )
        if queued:
            # their notify_pending was set with their milestone (_refresh_from_events)
            self.env.ref("logistics_crm.ir_cron_send_milestone_notifications")._trigger()

    @api.model
    def _cron_send_milestone_notifications(self, batch_size=20, time_budget=60.0):
        """E-mail the followers of shipments whose latest milestone is worth telling.

        Only the milestone reached when the job runs is told: a shipment that went
        from picked up to delivered in between gets one e-mail, not two stale ones.
        Small batches, each locked and committed on its own: a shipment is locked
        while its e-mail is composed (a delivery for it waits a moment, then sets
        it pending again if its milestone moved), and one a delivery is updating
        right now is left for the next run, which that delivery triggers.
        """
        # a job covers every company's shipments, as the scheduler's own user does
        self = self.sudo()
        Carrier = self.env["logistics.carrier"]
        ends = time.monotonic() + time_budget
        told = done = 0
        while True:
            Carrier._begin_read_committed()
            self.env.flush_all()
            rows = self.env.execute_query(
                SQL(
                    """SELECT id FROM logistics_shipment WHERE notify_pending
                        ORDER BY id LIMIT %s FOR NO KEY UPDATE SKIP LOCKED""",
                    batch_size,
                )
            )
            pending = self.browse([row[0] for row in rows])
            told += self._send_milestone_mails(pending)
            done += len(pending)
            if len(pending) < batch_size or time.monotonic() > ends or odoo_module.current_test:
                break
        Carrier._commit_outside_tests()
        remaining = self.search_count([("notify_pending", "=", True)])
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        return told

    def _send_milestone_mails(self, pending):
        to_tell = pending.filtered(lambda s: s.milestone in NOTIFY)
        if to_tell:
            template = self.env.ref("logistics_crm.mail_template_shipment_milestone")
            subtype = self.env.ref("logistics_crm.mt_shipment_milestone")
            # one composer for the batch renders the template set-wise, in each language
            composer = (
                self.env["mail.compose.message"]
                .with_context(default_model=self._name)
                .create(
                    {
                        "composition_mode": "comment",
                        "model": self._name,
                        "res_ids": to_tell.ids,
                        "template_id": template.id,
                        "subtype_id": subtype.id,
                        "message_type": "notification",
                    }
                )
            )
            composer._action_send_mail()
        pending.notify_pending = False
        return len(to_tell)

    @api.model
    def _cron_refresh_health(self):
        """Open shipments go late as time passes, without any new event; events that
        were dated in the future count once their time has come."""
        # a job covers every company's shipments, as the scheduler's own user does
        self = self.sudo()
        self.env["logistics.carrier"]._begin_read_committed()
        self.env["logistics.shipment.event"]._release_due_future_events()
        self.env["logistics.carrier"]._begin_read_committed()
        self.env.flush_all()
        # a shipment a delivery is updating is skipped: the delivery sets its health
        rows = self.env.execute_query(
            SQL(
                """SELECT id FROM logistics_shipment
                    WHERE active AND milestone != ALL(%s)
                    ORDER BY id FOR NO KEY UPDATE SKIP LOCKED""",
                list(FINAL),
            )
        )
        shipments = self.browse([row[0] for row in rows])
        now = fields.Datetime.now()
        for shipment in shipments:
            health = shipment_health(
                shipment.milestone,
                shipment.planned_delivery,
                shipment.eta,
                shipment.actual_delivery,
                now,
            )
            if health != shipment.health:
                shipment.health = health
