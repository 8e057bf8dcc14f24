import json

from odoo import api, fields, models
from odoo.tools import SQL, create_index

from ..tracking import milestones
from .logistics_status_category import MILESTONE_SELECTION

# (column, SQL type) in the order _insert_rows receives a row's values
EVENT_COLUMNS = (
    ("shipment_id", "int"),
    ("identity", "varchar"),
    ("event_time", "timestamp"),
    ("tz_offset", "varchar"),
    ("raw_code", "varchar"),
    ("description", "varchar"),
    ("location", "varchar"),
    ("category_id", "int"),
    ("milestone", "varchar"),
    ("is_mapped", "bool"),
    ("external_id", "varchar"),
    ("source", "varchar"),
    ("eta", "timestamp"),
    ("epcis_type", "varchar"),
    ("epcis_action", "varchar"),
    ("details", "jsonb"),
    ("sensor_readings", "jsonb"),
    ("is_future", "bool"),
    ("retracted", "bool"),
    ("retraction_reason", "varchar"),
)
RETRACTED = EVENT_COLUMNS.index(("retracted", "bool"))
# what _insert_rows returns of each row, cached: storing events goes on with them
RETURNED_FIELDS = ("shipment_id", "category_id", "retracted", "is_future")


class LogisticsShipmentEvent(models.Model):
    """One normalised tracking event; the same event arriving twice is stored once."""

    _name = "logistics.shipment.event"
    _description = "Shipment Tracking Event"
    _order = "event_time desc, id desc"
    _rec_name = "description"

    shipment_id = fields.Many2one(
        "logistics.shipment", required=True, ondelete="cascade", index=True
    )
    carrier_id = fields.Many2one(related="shipment_id.carrier_id", store=True, index=True)
    company_id = fields.Many2one(related="shipment_id.company_id", store=True)
    partner_id = fields.Many2one(related="shipment_id.commercial_partner_id", string="Customer")
    event_time = fields.Datetime(required=True, help="When it happened (stored in UTC).")
    tz_offset = fields.Char(string="Local Offset", help="UTC offset where the event happened.")
    identity = fields.Char(
        required=True, help="The carrier's event id, or a digest of the event's content."
    )
    external_id = fields.Char(string="Carrier Event ID")
    raw_code = fields.Char(string="Carrier Code", required=True)
    description = fields.Char()
    location = fields.Char()
    category_id = fields.Many2one("logistics.status.category", string="Category")
    milestone = fields.Selection(MILESTONE_SELECTION)
    is_mapped = fields.Boolean(default=True)
    source = fields.Selection(
        [
            ("webhook", "Webhook"),
            ("poll", "Polling"),
            ("upload", "File Upload"),
            ("manual", "Manual"),
            ("demo", "Demo"),
        ],
        default="manual",
        required=True,
    )
    eta = fields.Datetime(string="ETA Given")
    epcis_type = fields.Selection(
        [
            ("ObjectEvent", "Object"),
            ("AggregationEvent", "Aggregation"),
            ("TransactionEvent", "Transaction"),
            ("TransformationEvent", "Transformation"),
            ("AssociationEvent", "Association"),
        ],
        string="EPCIS Event Type",
    )
    epcis_action = fields.Selection(
        [("ADD", "Add"), ("OBSERVE", "Observe"), ("DELETE", "Delete")], string="EPCIS Action"
    )
    details = fields.Json(
        string="EPCIS Details", help="Parent, children, inputs and outputs the event names."
    )
    sensor_readings = fields.Json(help="The sensor metadata and reports the event carried.")
    is_future = fields.Boolean(
        string="Dated in the Future",
        readonly=True,
        help="Dated beyond the carrier's margin when it arrived: it moves nothing until "
        "its time has come.",
    )
    retracted = fields.Boolean(
        readonly=True, help="The carrier declared this event erroneous: it no longer counts."
    )
    retraction_reason = fields.Char(readonly=True)

    _sql_constraints = [
        (
            "identity_unique",
            "unique(shipment_id, identity)",
            "This event is already recorded on the shipment.",
        ),
    ]

    def init(self):
        # the release of future events looks only at the few flagged ones
        create_index(
            self.env.cr,
            "logistics_shipment_event_is_future_index",
            self._table,
            ["event_time"],
            where="is_future",
        )

    @api.model_create_multi
    def create(self, vals_list):
        now = fields.Datetime.now()
        for vals in vals_list:
            # manual events: identity from their content, like carrier events without an id
            vals.setdefault(
                "identity",
                "m:{}:{}:{}".format(
                    vals.get("event_time"), vals.get("raw_code"), vals.get("location") or ""
                ),
            )
            when = fields.Datetime.to_datetime(vals.get("event_time"))
            if when and "is_future" not in vals:
                vals["is_future"] = milestones.is_future(when, now)
        events = super().create(vals_list)
        events.shipment_id._refresh_from_events(events)
        return events

    @api.model
    def _insert_rows(self, rows):
        """Insert event rows in one statement; returns ``(new ids, newly retracted ids)``.

        Rows go in as one JSON array (a parameter, read by ``jsonb_array_elements``),
        so a batch of a thousand events is one short statement: as arrays of typed
        values, psycopg2 would quote and PostgreSQL parse twenty thousand literals.
        They are sorted by shipment and identity so that two concurrent deliveries
        take their row locks in the same order.  An existing identity is skipped,
        unless the row is a retraction (an EPCIS error declaration), which voids the
        stored event instead.
        """
        self.env.flush_all()
        unique = {}
        for row in rows:
            key = (row[0], row[1])
            if key not in unique or row[RETRACTED]:
                unique[key] = row
        ordered = [unique[key] for key in sorted(unique)]
        # JSON null, booleans and numbers, text for the rest (times in ISO format)
        payload = json.dumps(ordered, default=str, ensure_ascii=False)
        typed = SQL(", ").join(
            SQL("(r.value ->> %s)::%s AS %s", index, SQL(sql_type), SQL.identifier(name))
            for index, (name, sql_type) in enumerate(EVENT_COLUMNS)
        )
        names = SQL(", ").join(SQL.identifier(name) for name, _type in EVENT_COLUMNS)
        values = SQL(", ").join(SQL.identifier("v", name) for name, _type in EVENT_COLUMNS)
        result = self.env.execute_query(
            SQL(
                """
                INSERT INTO logistics_shipment_event
                       (create_uid, create_date, write_uid, write_date, carrier_id, company_id, %(names)s)
                SELECT %(uid)s, now() AT TIME ZONE 'UTC', %(uid)s, now() AT TIME ZONE 'UTC',
                       s.carrier_id, s.company_id, %(values)s
                  FROM (SELECT %(typed)s, r.position
                          FROM jsonb_array_elements(%(payload)s::jsonb) WITH ORDINALITY
                               AS r(value, position)) AS v
                  JOIN logistics_shipment s ON s.id = v.shipment_id
                 ORDER BY v.position
                    ON CONFLICT (shipment_id, identity) %(on_conflict)s
                RETURNING id, xmax = 0, %(returned)s
                """,
                on_conflict=self._on_conflict(any(row[RETRACTED] for row in ordered)),
                names=names,
                values=values,
                uid=self.env.uid,
                typed=typed,
                payload=payload,
                returned=SQL(", ").join(SQL.identifier(name) for name in RETURNED_FIELDS),
            )
        )
        self.invalidate_model()
        self._cache_returned(result)
        new_ids = [row[0] for row in result if row[1]]
        retracted_ids = [row[0] for row in result if not row[1]]
        return new_ids, retracted_ids

    def _on_conflict(self, retractions):
        """What the insert does with an identity already stored."""
        if not retractions:
            # DO UPDATE would lock every stored row it meets, even with nothing to do:
            # a carrier sending a batch again would write a lock into each of them
            return SQL("DO NOTHING")
        return SQL(
            """DO UPDATE
                   SET retracted = TRUE,
                       retraction_reason = EXCLUDED.retraction_reason,
                       write_uid = EXCLUDED.write_uid,
                       write_date = EXCLUDED.write_date
                 WHERE EXCLUDED.retracted AND logistics_shipment_event.retracted IS NOT TRUE"""
        )

    def _cache_returned(self, result):
        """Cache what the insert returned, which the caller reads next.

        Read back, a thousand new events would cost a query of all their columns.
        """
        events = self.browse([row[0] for row in result])
        for index, name in enumerate(RETURNED_FIELDS, start=2):
            self.env.cache.update(events, self._fields[name], [row[index] for row in result])

    def _flagged(self, name):
        """These events whose boolean field ``name`` is set.

        Read as one column (``mapped``): ``filtered`` costs a field access per event.
        """
        return self.browse([id_ for id_, flag in zip(self._ids, self.mapped(name)) if flag])

    def _counting(self):
        """These events but the retracted ones and those dated in the future."""
        return self - self._flagged("retracted") - self._flagged("is_future")

    @api.model
    def _release_due_future_events(self):
        """Events whose time has come count now: they move their shipments."""
        self.env.flush_all()
        rows = self.env.execute_query(
            SQL(
                "UPDATE logistics_shipment_event SET is_future = FALSE"
                " WHERE is_future AND event_time <= %s RETURNING id",
                fields.Datetime.now(),
            )
        )
        self.invalidate_model(["is_future"])
        events = self.browse([row[0] for row in rows])
        events.shipment_id._refresh_from_events(events)
        return events
