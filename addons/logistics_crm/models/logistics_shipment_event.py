from odoo import api, fields, models
from odoo.tools import SQL

from .logistics_status_category import MILESTONE_SELECTION

EVENT_COLUMNS = (
    "shipment_id",
    "identity",
    "event_time",
    "tz_offset",
    "raw_code",
    "description",
    "location",
    "category_id",
    "milestone",
    "is_mapped",
    "external_id",
    "source",
    "eta",
)


# the SQL types of EVENT_COLUMNS, for the arrays of _insert_rows
EVENT_COLUMN_TYPES = (
    "int[]",
    "varchar[]",
    "timestamp[]",
    "varchar[]",
    "varchar[]",
    "varchar[]",
    "varchar[]",
    "int[]",
    "varchar[]",
    "bool[]",
    "varchar[]",
    "varchar[]",
    "timestamp[]",
)


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
        [("webhook", "Webhook"), ("poll", "Polling"), ("manual", "Manual"), ("demo", "Demo")],
        default="manual",
        required=True,
    )
    eta = fields.Datetime(string="ETA Given")

    _sql_constraints = [
        (
            "identity_unique",
            "unique(shipment_id, identity)",
            "This event is already recorded on the shipment.",
        ),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        # manual events: identity from their content, like carrier events without an id
        for vals in vals_list:
            vals.setdefault(
                "identity",
                "m:{}:{}:{}".format(
                    vals.get("event_time"), vals.get("raw_code"), vals.get("location") or ""
                ),
            )
        events = super().create(vals_list)
        events.shipment_id._refresh_from_events(events)
        return events

    @api.model
    def _insert_rows(self, carrier, rows):
        """Insert event rows in one statement; existing identities are skipped.

        Rows go in as one array per column (``unnest``), so a batch of a thousand
        events is one short statement.  ``ON CONFLICT DO NOTHING`` keeps two
        concurrent deliveries of the same event from failing each other; the ids
        of the rows really inserted come back.
        """
        self.env.flush_all()
        columns = list(zip(*rows))
        typed = SQL(", ").join(
            SQL("%s::%s", list(values), SQL(sql_type))
            for values, sql_type in zip(columns, EVENT_COLUMN_TYPES)
        )
        names = SQL(", ").join(SQL.identifier(name) for name in EVENT_COLUMNS)
        inserted = self.env.execute_query(
            SQL(
                """
                INSERT INTO logistics_shipment_event
                       (create_uid, create_date, write_uid, write_date, carrier_id, company_id, %(names)s)
                SELECT %(uid)s, now() AT TIME ZONE 'UTC', %(uid)s, now() AT TIME ZONE 'UTC',
                       s.carrier_id, s.company_id, v.*
                  FROM unnest(%(typed)s) AS v(%(names)s)
                  JOIN logistics_shipment s ON s.id = v.shipment_id
                    ON CONFLICT (shipment_id, identity) DO NOTHING
                RETURNING id
                """,
                names=names,
                uid=self.env.uid,
                typed=typed,
            )
        )
        self.invalidate_model()
        return [row[0] for row in inserted]
