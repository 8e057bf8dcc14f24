import logging
from datetime import timedelta
from urllib.parse import quote

import requests

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..tracking import parsers, polling, status_map
from ..tracking.events import PayloadError, utc_naive

_logger = logging.getLogger(__name__)


class LogisticsCarrier(models.Model):
    _name = "logistics.carrier"
    _description = "Carrier"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "sequence, name"

    name = fields.Char(required=True, tracking=True)
    code = fields.Char(
        required=True,
        tracking=True,
        help="Identifies the carrier in the webhook address /logistics/tracking/<code>.",
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", help="Leave empty to share the carrier between companies."
    )
    connector = fields.Selection(
        [
            ("json", "JSON (our schema)"),
            ("epcis", "GS1 EPCIS 2.0 XML"),
            ("aggregator", "Aggregator JSON (AfterShip style)"),
        ],
        required=True,
        default="json",
        tracking=True,
    )
    endpoint = fields.Char(
        string="Polling URL",
        help="Address polled for one shipment; {tracking_ref} is replaced by the tracking "
        "number (appended when absent). Leave empty for carriers that only push.",
    )
    tracking_url = fields.Char(
        help="Public tracking page for customers; {tracking_ref} is replaced by the number."
    )
    api_key = fields.Char(groups="logistics_crm.group_logistics_manager", copy=False)
    api_key_header = fields.Char(default="Authorization")
    webhook_secret = fields.Char(
        groups="logistics_crm.group_logistics_manager",
        copy=False,
        help="Shared secret of the HMAC-SHA256 signature in the X-Signature header.",
    )
    timeout = fields.Float(string="Timeout (s)", default=10.0)
    max_retries = fields.Integer(default=3)
    poll_interval = fields.Integer(string="Poll every (minutes)", default=60)
    poll_batch_size = fields.Integer(default=50)
    status_ids = fields.One2many("logistics.carrier.status", "carrier_id", string="Status Map")
    unmapped_count = fields.Integer(compute="_compute_unmapped_count")
    shipment_count = fields.Integer(compute="_compute_shipment_count")

    _sql_constraints = [
        ("code_unique", "unique(code)", "A carrier code must be unique."),
        ("timeout_positive", "CHECK(timeout > 0)", "The timeout must be positive."),
        ("retries_bounded", "CHECK(max_retries BETWEEN 0 AND 10)", "Retries: 0 to 10."),
    ]

    @api.depends("status_ids.is_mapped")
    def _compute_unmapped_count(self):
        for carrier in self:
            carrier.unmapped_count = len(carrier.status_ids.filtered(lambda s: not s.is_mapped))

    def _compute_shipment_count(self):
        counts = dict(
            self.env["logistics.shipment"]._read_group(
                [("carrier_id", "in", self.ids)], ["carrier_id"], ["__count"]
            )
        )
        for carrier in self:
            carrier.shipment_count = counts.get(carrier, 0)

    @api.model_create_multi
    def create(self, vals_list):
        carriers = super().create(vals_list)
        for carrier in carriers.filtered(lambda c: not c.status_ids):
            carrier._load_default_status_map()
        return carriers

    # -- actions --------------------------------------------------------------------

    def action_load_default_status_map(self):
        self.ensure_one()
        self._load_default_status_map()

    def action_view_shipments(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "logistics_crm.logistics_shipment_action"
        )
        action["domain"] = [("carrier_id", "=", self.id)]
        action["context"] = {"default_carrier_id": self.id}
        return action

    def action_poll_now(self):
        self.ensure_one()
        if not self.endpoint:
            raise UserError(self.env._("Set a polling URL on the carrier first."))
        done = self.sudo()._poll_batch(force=True)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "message": self.env._("%(count)s shipment(s) polled.", count=done),
                "type": "info",
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    # -- status map -----------------------------------------------------------------

    def _load_default_status_map(self):
        categories = self.env["logistics.status.category"].search([])
        by_code = {category.code: category for category in categories}
        for carrier in self:
            known = set(carrier.status_ids.mapped("raw_code"))
            carrier.status_ids = [
                Command.create({"raw_code": code, "category_id": by_code[category].id})
                for code, category in status_map.DEFAULT_MAPS[carrier.connector].items()
                if code not in known and category in by_code
            ]

    def _code_map(self):
        self.ensure_one()
        return {line.raw_code: line.category_id.code or None for line in self.status_ids}

    def _category_maps(self):
        categories = (
            self.env["logistics.status.category"].with_context(active_test=False).search([])
        )
        return (
            {category.code: category.milestone or None for category in categories},
            {category.code: category.id for category in categories},
        )

    def _remap_events(self, lines):
        """Stored events follow the edited map, through the lookup new events go through.

        A line may be a fallback (``|damaged``, ``InTransit``), so every stored code
        whose lookup can reach an edited line is looked up again.
        """
        milestones, category_ids = self._category_maps()
        Event = self.env["logistics.shipment.event"].sudo()
        touched = Event
        for carrier in lines.carrier_id:
            code_map = carrier._code_map()
            edited = set(
                lines.filtered(lambda line, c=carrier: line.carrier_id == c).mapped("raw_code")
            )
            stored = Event._read_group([("carrier_id", "=", carrier.id)], ["raw_code"])
            for (code,) in stored:
                if not edited.intersection(status_map.candidate_codes(code)):
                    continue
                category = status_map.lookup(code, code_map)
                events = Event.search([("carrier_id", "=", carrier.id), ("raw_code", "=", code)])
                events.write(
                    {
                        "category_id": category_ids.get(category, False),
                        "milestone": milestones.get(category) or False,
                        "is_mapped": bool(category),
                    }
                )
                touched |= events
        touched.shipment_id._refresh_from_events()

    # -- ingestion (webhook and polling) ----------------------------------------------

    def _ingest_body(self, body, source):
        """Parse a body of this carrier's kind and store its events; counts per outcome.

        Raises :class:`PayloadError` before anything is written when the body is bad.
        """
        self.ensure_one()
        events = parsers.parse(self.connector, body)
        return self._ingest_events(events, source)

    def _ingest_events(self, events, source, shipments=None):
        """Normalise, match to shipments, store once, move milestones, notify.

        ``shipments`` restricts matching (a poll of one shipment); by default any
        shipment of this carrier whose tracking number an event names.
        """
        self.ensure_one()
        counts = {"received": len(events), "stored": 0, "duplicates": 0, "unmatched": 0}
        milestones, category_ids = self._category_maps()
        unknown = status_map.normalise(events, self._code_map(), milestones)
        counts["unmapped"] = sum(1 for event in events if not event.mapped)
        if unknown:
            self._record_unknown_codes(unknown, events)
        by_ref = self._shipments_by_ref(events, shipments)
        rows = []
        for event in events:
            ref = next((ref for ref in event.refs if ref in by_ref), None)
            if ref is None:
                counts["unmatched"] += 1
                continue
            shipment_id = by_ref[ref]
            rows.append(
                (
                    shipment_id,
                    event.identity(ref),
                    utc_naive(event.event_time),
                    event.tz_offset,
                    event.raw_code,
                    event.description,
                    event.location,
                    category_ids.get(event.category),
                    event.milestone,
                    event.mapped,
                    event.external_id or None,
                    source,
                    utc_naive(event.eta),
                )
            )
        if not rows:
            return counts
        new_ids = self.env["logistics.shipment.event"]._insert_rows(self, rows)
        counts["stored"] = len(new_ids)
        counts["duplicates"] = len(rows) - len(new_ids)
        new_events = self.env["logistics.shipment.event"].sudo().browse(new_ids)
        if new_events:
            new_events.shipment_id._refresh_from_events(new_events)
        return counts

    def _shipments_by_ref(self, events, shipments=None):
        refs = {ref for event in events for ref in event.refs}
        if not refs:
            return {}
        if shipments is not None:
            return {s.tracking_ref: s.id for s in shipments if s.tracking_ref in refs}
        # the query reads the table: a number just typed in must be there
        self.env["logistics.shipment"].flush_model(["carrier_id", "tracking_ref"])
        rows = self.env.execute_query(
            SQL(
                "SELECT tracking_ref, id FROM logistics_shipment"
                " WHERE carrier_id = %s AND tracking_ref = ANY(%s)",
                self.id,
                list(refs),
            )
        )
        return dict(rows)

    def _record_unknown_codes(self, codes, events):
        """Keep unknown codes in the map, unmapped, and ask a manager once to map them."""
        known = set(self.status_ids.mapped("raw_code"))
        samples = {event.raw_code: event.description for event in events}
        new_codes = sorted(code for code in codes if code not in known)
        if not new_codes:
            return
        self.status_ids = [
            Command.create({"raw_code": code, "description": (samples.get(code) or "")[:256]})
            for code in new_codes
        ]
        _logger.info("carrier %s sent unmapped status codes %s", self.code, new_codes)
        activity_type = self.env.ref("logistics_crm.mail_activity_map_status_codes")
        if self.activity_ids.filtered(lambda a: a.activity_type_id == activity_type):
            return  # one open request to map codes per carrier is enough
        manager = self._logistics_manager()
        self.activity_schedule(
            activity_type_id=activity_type.id,
            summary=self.env._("Map %(count)s new status code(s)", count=len(new_codes)),
            note=", ".join(new_codes),
            user_id=manager.id,
        )

    def _logistics_manager(self):
        group = self.env.ref("logistics_crm.group_logistics_manager")
        users = group.users.filtered(lambda u: u.active and not u.share and u.id != 1)
        if self.company_id:
            users = users.filtered(lambda u: self.company_id in u.company_ids)
        return users.sorted("id")[:1] or self.env.ref("base.user_admin")

    # -- polling ------------------------------------------------------------------------

    @api.model
    def _cron_poll_shipments(self):
        """Poll every carrier's due shipments, one batch per carrier and call."""
        done = 0
        carriers = self.search([("endpoint", "!=", False)])
        for carrier in carriers:
            done += carrier._poll_batch()
        remaining = sum(carrier._due_shipment_count() for carrier in carriers)
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        return done

    def _due_domain_sql(self, force=False):
        finals = ["delivered", "returned"]
        due = SQL(
            "(last_sync_date IS NULL OR last_sync_date < %s)",
            fields.Datetime.now() - timedelta(minutes=self.poll_interval),
        )
        return SQL(
            "carrier_id = %s AND active AND (milestone IS NULL OR milestone != ALL(%s)) AND %s",
            self.id,
            finals,
            SQL("TRUE") if force else due,
        )

    def _due_shipment_count(self):
        self.ensure_one()
        self.env["logistics.shipment"].flush_model()
        [(count,)] = self.env.execute_query(
            SQL("SELECT COUNT(*) FROM logistics_shipment WHERE %s", self._due_domain_sql())
        )
        return count

    def _lock_due_shipments(self, force=False):
        """Due shipments of this carrier, locked; rows another worker holds are skipped."""
        self.env.flush_all()
        rows = self.env.execute_query(
            SQL(
                """SELECT id FROM logistics_shipment WHERE %s
                    ORDER BY last_sync_date NULLS FIRST, id
                    LIMIT %s FOR UPDATE SKIP LOCKED""",
                self._due_domain_sql(force),
                max(self.poll_batch_size, 1),
            )
        )
        return self.env["logistics.shipment"].browse([row[0] for row in rows])

    def _poll_batch(self, force=False):
        """Poll one batch of due shipments; returns how many were polled."""
        self.ensure_one()
        shipments = self._lock_due_shipments(force)
        self._poll_shipments(shipments)
        return len(shipments)

    def _poll_shipments(self, shipments):
        """An error on one shipment is recorded on it, and the others go on."""
        self.ensure_one()
        if not shipments:
            return
        headers = self._poll_headers()
        with requests.Session() as session:
            for shipment in shipments:
                error = False
                try:
                    with self.env.cr.savepoint():
                        body = polling.fetch(
                            session,
                            self._poll_url(shipment.tracking_ref),
                            headers=headers,
                            timeout=self.timeout,
                            retries=self.max_retries,
                        )
                        self._ingest_events(
                            parsers.parse(self.connector, body), "poll", shipments=shipment
                        )
                except (polling.FetchError, PayloadError) as failure:
                    error = str(failure)[:500]
                    _logger.info(
                        "polling %s for shipment %s failed: %s", self.code, shipment.id, error
                    )
                shipment.write({"last_sync_date": fields.Datetime.now(), "last_sync_error": error})

    def _poll_url(self, tracking_ref):
        ref = quote(tracking_ref, safe="")
        if "{tracking_ref}" in self.endpoint:
            return self.endpoint.replace("{tracking_ref}", ref)
        return f"{self.endpoint.rstrip('/')}/{ref}"

    def _poll_headers(self):
        headers = {"Accept": "application/xml" if self.connector == "epcis" else "application/json"}
        if self.api_key:
            name = self.api_key_header or "Authorization"
            headers[name] = f"Bearer {self.api_key}" if name == "Authorization" else self.api_key
        return headers
