import json
import logging
import secrets
from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.modules import module as odoo_module
from odoo.tools import SQL

from ..tracking import parsers, signature, status_map
from ..tracking.events import utc_naive

# rejected items listed in an answer; the count says how many there were in all
MAX_LISTED_REJECTIONS = 100


def new_webhook_secret():
    return secrets.token_urlsafe(32)


def set_read_committed(cr):
    """Run the transaction ``cr`` is starting in READ COMMITTED; False in tests.

    Tests run inside one transaction that has long started, where the isolation
    level can no longer change (and must not: it is rolled back at the end).
    """
    if odoo_module.current_test or cr.__class__.__name__ == "TestCursor":
        return False
    cr.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
    return True


_logger = logging.getLogger(__name__)


class LogisticsCarrier(models.Model):
    """A carrier sending tracking events, pushed to the webhook or polled.

    Its ``connector`` names the format it speaks.  Each connector is a value of
    ``connector`` and three methods of this model named after it, which the
    carrier finds by name (as ``delivery`` finds ``<delivery_type>_rate_shipment``):

    ``_<connector>_parse(body)``
        The :class:`~odoo.addons.logistics_crm.tracking.parsers.Document` of a
        body (bytes) pushed to ``/logistics/tracking/<code>`` or answered to a
        poll; raises :class:`~odoo.addons.logistics_crm.tracking.events.PayloadError`
        when the body is not a document of the connector's format at all.
        Bodies over ``parsers.MAX_BODY_BYTES`` are refused before it is called.
    ``_<connector>_default_status_map()``
        ``{raw_code: status category code}`` a new carrier starts with.
    ``_<connector>_poll_request(shipment)``
        ``(url, headers)`` of the GET asking for one shipment's events, or
        ``(url, headers, form)`` for a POST of form fields (kuaidi100's query API);
        ``_poll_url`` and ``_poll_headers`` build the usual ones.

    Optional hooks, used when the connector defines them:

    ``_<connector>_webhook_body(httprequest)``
        The body to parse out of a webhook request, once the request is verified
        the connector's way; raises a ``signature.WebhookRefused`` (its ``status``
        is the HTTP answer) otherwise.  Without it, the raw body signed with our
        HMAC scheme (``X-Signature``) is the body.
    ``_<connector>_webhook_answer(status, payload)``
        ``(status, payload)`` answered to the carrier, for carriers expecting
        their own acknowledgement; without it, the counts or the error as JSON.
    ``_<connector>_subscribe(shipment, session)``
        Asks the carrier to push the shipment's events; raises
        ``polling.FetchError`` when it could not.  Shipments created or renumbered
        wait for it (``subscription_state``), and the polling job retries it.

    Another addon adds a connector without touching this one: it depends on
    ``logistics_crm``, extends ``connector`` with ``selection_add`` (and an
    ``ondelete``), and defines the three methods on ``logistics.carrier``.
    """

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
        default=lambda self: new_webhook_secret(),
        help="Shared secret of the HMAC-SHA256 signature in the X-Signature header "
        "(t=<unix time>,v1=<hex of HMAC of '<t>.<body>'>). Each carrier gets its own.",
    )
    legacy_signature = fields.Boolean(
        string="Legacy Body-only Signature",
        help="Also accept the older 'sha256=<hex of HMAC of the body>' signature, which "
        "has no timestamp and so no replay window. Only for carriers that cannot move yet.",
    )
    is_test_carrier = fields.Boolean(
        string="Test Carrier",
        help="A carrier for tests and simulators: its polling URL may use plain http.",
    )
    future_margin = fields.Integer(
        string="Future Margin (minutes)",
        default=15,
        help="An event dated further than this after its arrival is kept but moves nothing "
        "until its time has come.",
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
        (
            "future_margin_bounded",
            "CHECK(future_margin BETWEEN 0 AND 10080)",
            "The future margin is 0 to 10080 minutes (a week).",
        ),
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

    def action_rotate_webhook_secret(self):
        """A new secret; the carrier signs with it from now on (the old one stops working)."""
        self._check_logistics_manager()
        # the secret field is for Logistics Managers, whose group was just checked
        self.sudo().webhook_secret = new_webhook_secret()
        self.message_post(body=self.env._("Webhook secret rotated."))
        return True

    def action_poll_now(self):
        self.ensure_one()
        self._check_logistics_manager()
        if not self.endpoint:
            raise UserError(self.env._("Set a polling URL on the carrier first."))
        # polling reads the API key and writes every due shipment of the carrier
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

    def _check_logistics_manager(self):
        if not self.env.user.has_group("logistics_crm.group_logistics_manager"):
            raise AccessError(self.env._("Only Logistics Managers may do this on a carrier."))

    # -- status map -----------------------------------------------------------------

    def _load_default_status_map(self):
        categories = self.env["logistics.status.category"].search([])
        by_code = {category.code: category for category in categories}
        for carrier in self:
            known = set(carrier.status_ids.mapped("raw_code"))
            carrier.status_ids = [
                Command.create({"raw_code": code, "category_id": by_code[category].id})
                for code, category in carrier._connector_call("default_status_map").items()
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
        # stored events follow the map whoever edits it; users may not write events
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

        Raises :class:`PayloadError` before anything is written when the body is not
        a document of the carrier's format; a bad event is rejected on its own.
        """
        self.ensure_one()
        return self._ingest_document(self._parse_body(body), source)

    def _ingest_document(self, document, source, shipments=None):
        counts = self._ingest_events(document.events, source, shipments)
        if document.notices:
            self._post_notices(document.notices, shipments)
        rejected = document.rejected
        counts["received"] += len(rejected)
        counts["rejected"] = len(rejected)
        counts["rejections"] = rejected[:MAX_LISTED_REJECTIONS]
        if rejected:
            _logger.info(
                "carrier %s: %s item(s) rejected, first: %s",
                self.code,
                len(rejected),
                rejected[0]["reason"][:300],
            )
        return counts

    def _ingest_events(self, events, source, shipments=None):
        """Normalise, match to shipments, store once, move milestones, notify.

        ``shipments`` restricts matching (a poll of one shipment); by default any
        shipment of this carrier whose tracking number an event names.  Counts:
        ``stored`` (also ``accepted``) new events, ``duplicates`` already stored,
        ``unmatched`` naming no shipment, ``retracted`` stored events voided by an
        error declaration, ``future`` stored but dated in the future.
        """
        self.ensure_one()
        counts = {
            "received": len(events),
            "accepted": 0,
            "stored": 0,
            "duplicates": 0,
            "unmatched": 0,
            "retracted": 0,
            "future": 0,
        }
        milestones, category_ids = self._category_maps()
        unknown = status_map.normalise(events, self._code_map(), milestones)
        counts["unmapped"] = sum(1 for event in events if not event.mapped)
        if unknown:
            self._record_unknown_codes(unknown, events)
        by_ref = self._shipments_by_ref(events, shipments)
        horizon = fields.Datetime.now() + timedelta(minutes=self.future_margin)
        rows = []
        for event in events:
            ref = next((ref for ref in event.refs if ref in by_ref), None)
            if ref is None:
                counts["unmatched"] += 1
                continue
            event_time = utc_naive(event.event_time)
            rows.append(
                (
                    by_ref[ref],
                    event.identity(ref),
                    event_time,
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
                    event.kind or None,
                    event.action or None,
                    json.dumps(event.details) if event.details else None,
                    json.dumps(event.sensors) if event.sensors else None,
                    event_time > horizon,
                    event.retraction,
                    event.retraction_reason or None,
                )
            )
        if not rows:
            return counts
        Event = self.env["logistics.shipment.event"]
        new_ids, retracted_ids = Event._insert_rows(rows)
        new_events = Event.browse(new_ids)
        # a retraction whose event never came is kept, void, should the event follow
        voids = new_events._flagged("retracted")
        counts["stored"] = counts["accepted"] = len(new_events) - len(voids)
        counts["future"] = len(new_events._flagged("is_future"))
        counts["retracted"] = len(retracted_ids) + len(voids)
        counts["duplicates"] = len(rows) - len(new_ids) - len(retracted_ids)
        touched = new_events | Event.browse(retracted_ids)
        if touched:
            touched.shipment_id._refresh_from_events(new_events)
        return counts

    def _post_notices(self, notices, shipments=None):
        """What the carrier said of a tracking number, noted on its shipment's chatter."""
        Shipment = self.env["logistics.shipment"]
        refs = {notice["ref"] for notice in notices}
        if shipments is None:
            shipments = Shipment.search(
                [("carrier_id", "=", self.id), ("tracking_ref", "in", list(refs))]
            )
        by_ref = {shipment.tracking_ref: shipment for shipment in shipments}
        for notice in notices:
            shipment = by_ref.get(notice["ref"])
            if shipment:
                shipment.message_post(
                    body=self.env._("Carrier notice: %(message)s", message=notice["message"]),
                    subtype_xmlid="mail.mt_note",
                )

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
        """Keep unknown codes in the map, unmapped, and ask a manager once to map them.

        Parallel deliveries may bring the same new code at once: the insert skips a
        code already there (``ON CONFLICT DO NOTHING``) instead of failing.
        """
        self.ensure_one()
        samples = {event.raw_code: event.description for event in events}
        new_codes = sorted(codes)
        self.env["logistics.carrier.status"].flush_model()
        rows = self.env.execute_query(
            SQL(
                """
                INSERT INTO logistics_carrier_status
                       (carrier_id, raw_code, description, is_mapped,
                        create_uid, create_date, write_uid, write_date)
                SELECT %(carrier)s, code, description, FALSE,
                       %(uid)s, now() AT TIME ZONE 'UTC', %(uid)s, now() AT TIME ZONE 'UTC'
                  FROM unnest(%(codes)s::varchar[], %(descriptions)s::varchar[])
                       AS v(code, description)
                    ON CONFLICT (carrier_id, raw_code) DO NOTHING
                RETURNING raw_code
                """,
                carrier=self.id,
                uid=self.env.uid,
                codes=new_codes,
                descriptions=[(samples.get(code) or "")[:256] for code in new_codes],
            )
        )
        self.env["logistics.carrier.status"].invalidate_model()
        self.invalidate_recordset(["status_ids", "unmapped_count"])
        added = [row[0] for row in rows]
        if not added:
            return
        _logger.info("carrier %s sent unmapped status codes %s", self.code, added)
        # one request per carrier: deliveries adding codes at once wait for each other here
        self.env.execute_query(
            SQL("SELECT id FROM logistics_carrier WHERE id = %s FOR NO KEY UPDATE", self.id)
        )
        activity_type = self.env.ref("logistics_crm.mail_activity_map_status_codes")
        self.invalidate_recordset(["activity_ids"])
        if self.activity_ids.filtered(lambda a: a.activity_type_id == activity_type):
            return  # one open request to map codes per carrier is enough
        manager = self._logistics_manager()
        self.activity_schedule(
            activity_type_id=activity_type.id,
            # stored: in the language of whoever does the activity
            summary=self.with_context(lang=manager.lang).env._(
                "Map %(count)s new status code(s)", count=len(added)
            ),
            note=", ".join(added),
            user_id=manager.id,
        )

    def _logistics_manager(self):
        group = self.env.ref("logistics_crm.group_logistics_manager")
        users = group.users.filtered(lambda u: u.active and not u.share and u.id != 1)
        if self.company_id:
            users = users.filtered(lambda u: self.company_id in u.company_ids)
        return users.sorted("id")[:1] or self.env.ref("base.user_admin")

    # -- connectors (see the class docstring) -----------------------------------------

    def _connector_call(self, method, *args):
        """Call this carrier's ``_<connector>_<method>(*args)``."""
        self.ensure_one()
        function = getattr(self, f"_{self.connector}_{method}", None)
        if function is None:
            raise NotImplementedError(
                f"connector {self.connector!r} has no _{self.connector}_{method}"
            )
        return function(*args)

    def _connector_has(self, method):
        self.ensure_one()
        return hasattr(self, f"_{self.connector}_{method}")

    def _webhook_body(self, httprequest):
        """The body a webhook request brings, verified; ``WebhookRefused`` if not."""
        if self._connector_has("webhook_body"):
            return self._connector_call("webhook_body", httprequest)
        if httprequest.mimetype in signature.FORM_TYPES:
            raise signature.MediaTypeError("send the body as application/json, XML or EDI text")
        # cached: when Odoo retries the request after a serialization failure, the
        # body is read again from here, not from the spent input stream
        body = httprequest.get_data(cache=True)
        signature.verify(
            body,
            self.webhook_secret,
            httprequest.headers.get("X-Signature"),
            legacy=self.legacy_signature,
        )
        return body

    def _webhook_answer(self, status, payload):
        """``(status, payload)`` of the answer to the carrier."""
        if self._connector_has("webhook_answer"):
            return self._connector_call("webhook_answer", status, payload)
        return status, payload

    def _parse_body(self, body):
        """The :class:`Document` of a body, parsed by this carrier's connector."""
        parsers.check_size(body)
        return self._connector_call("parse", body)

    def _json_parse(self, body):
        return parsers.parse_json(body)

    def _json_default_status_map(self):
        return status_map.DEFAULT_MAPS["json"]

    def _json_poll_request(self, shipment):
        return self._poll_url(shipment.tracking_ref), self._poll_headers()

    def _epcis_parse(self, body):
        return parsers.parse_epcis(body)

    def _epcis_default_status_map(self):
        return status_map.DEFAULT_MAPS["epcis"]

    def _epcis_poll_request(self, shipment):
        return self._poll_url(shipment.tracking_ref), self._poll_headers("application/xml")

    def _aggregator_parse(self, body):
        return parsers.parse_aggregator_json(body)

    def _aggregator_default_status_map(self):
        return status_map.DEFAULT_MAPS["aggregator"]

    def _aggregator_poll_request(self, shipment):
        return self._poll_url(shipment.tracking_ref), self._poll_headers()
