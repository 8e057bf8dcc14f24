from odoo import fields, models, tools
from odoo.tools import SQL

from odoo.addons.customer_tiering.const import TIER_SELECTION

from ..models.logistics_complaint import RATER_DIMENSIONS
from ..models.logistics_status_category import MILESTONE_SELECTION


class LogisticsServiceReport(models.Model):
    """Service dashboard: one row per shipment and one per complaint.

    Counters are 1 or 0 on each row and sum up; the rate columns hold 100 or 0
    on the rows of their denominator only (NULL elsewhere), so that their average
    is the exact rate under any grouping.
    """

    _name = "logistics.service.report"
    _inherit = ["customer.tier.order.mixin"]
    _description = "Service Dashboard"
    _auto = False
    _order = "date desc, id desc"
    # pending writes to these fields are flushed before the view is read
    _depends = {
        "logistics.shipment": [
            "active",
            "booked_date",
            "commercial_partner_id",
            "company_id",
            "had_exception",
            "health",
            "milestone",
            "on_time",
            "planned_delivery",
        ],
        "logistics.complaint": [
            "category_id",
            "company_id",
            "date",
            "is_breached",
            "partner_id",
            "rater_dimension",
            "shipment_id",
        ],
        "logistics.complaint.survey": ["complaint_id", "score"],
        "res.partner": ["commercial_partner_id", "customer_tier", "user_id"],
    }

    record_type = fields.Selection(
        [("shipment", "Shipment"), ("complaint", "Complaint")], string="Type", readonly=True
    )
    shipment_id = fields.Many2one("logistics.shipment", readonly=True)
    complaint_id = fields.Many2one("logistics.complaint", readonly=True)
    date = fields.Date(
        readonly=True, help="Booking date of a shipment, filing date of a complaint."
    )
    company_id = fields.Many2one("res.company", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one("res.users", string="Account Manager", readonly=True)
    customer_tier = fields.Selection(TIER_SELECTION, readonly=True)
    milestone = fields.Selection(MILESTONE_SELECTION, readonly=True)
    category_id = fields.Many2one(
        "logistics.complaint.category", string="Complaint Category", readonly=True
    )
    rater_dimension = fields.Selection(RATER_DIMENSIONS, string="RATER Dimension", readonly=True)
    shipment_count = fields.Integer(string="Shipments", readonly=True, aggregator="sum")
    delivered_count = fields.Integer(string="Delivered", readonly=True, aggregator="sum")
    on_time_count = fields.Integer(string="Delivered on Time", readonly=True, aggregator="sum")
    late_count = fields.Integer(string="Late", readonly=True, aggregator="sum")
    exception_count = fields.Integer(string="Exceptions", readonly=True, aggregator="sum")
    complaint_count = fields.Integer(string="Complaints", readonly=True, aggregator="sum")
    breached_count = fields.Integer(string="SLA Breaches", readonly=True, aggregator="sum")
    on_time_rate = fields.Float(
        string="On-time Rate (%)",
        readonly=True,
        aggregator="avg",
        help="Of the delivered shipments with a planned delivery.",
    )
    late_rate = fields.Float(string="Late Rate (%)", readonly=True, aggregator="avg")
    exception_rate = fields.Float(string="Exception Rate (%)", readonly=True, aggregator="avg")
    breach_rate = fields.Float(string="SLA Breach Rate (%)", readonly=True, aggregator="avg")
    satisfaction_score = fields.Float(
        readonly=True, aggregator="avg", digits=(3, 2), help="Of the answered surveys, 1 to 5."
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE OR REPLACE VIEW %(table)s AS
                SELECT s.id * 2 AS id,
                       'shipment' AS record_type,
                       s.id AS shipment_id,
                       NULL::integer AS complaint_id,
                       s.booked_date::date AS date,
                       s.company_id,
                       p.id AS partner_id,
                       p.user_id,
                       p.customer_tier ->> s.company_id::text AS customer_tier,
                       s.milestone,
                       NULL::integer AS category_id,
                       NULL::varchar AS rater_dimension,
                       1 AS shipment_count,
                       (s.milestone = 'delivered')::integer AS delivered_count,
                       (s.milestone = 'delivered' AND s.on_time IS TRUE)::integer AS on_time_count,
                       (s.health = 'late')::integer AS late_count,
                       (s.had_exception IS TRUE)::integer AS exception_count,
                       0 AS complaint_count,
                       0 AS breached_count,
                       CASE WHEN s.milestone = 'delivered' AND s.planned_delivery IS NOT NULL
                            THEN CASE WHEN s.on_time THEN 100.0 ELSE 0.0 END
                       END AS on_time_rate,
                       CASE WHEN s.health = 'late' THEN 100.0 ELSE 0.0 END AS late_rate,
                       CASE WHEN s.had_exception THEN 100.0 ELSE 0.0 END AS exception_rate,
                       NULL::numeric AS breach_rate,
                       NULL::numeric AS satisfaction_score
                  FROM logistics_shipment s
                  JOIN res_partner p ON p.id = s.commercial_partner_id
                 WHERE s.active
                UNION ALL
                SELECT c.id * 2 + 1 AS id,
                       'complaint' AS record_type,
                       c.shipment_id,
                       c.id AS complaint_id,
                       c.date::date AS date,
                       c.company_id,
                       p.id AS partner_id,
                       p.user_id,
                       p.customer_tier ->> c.company_id::text AS customer_tier,
                       NULL::varchar AS milestone,
                       c.category_id,
                       c.rater_dimension,
                       0 AS shipment_count,
                       0 AS delivered_count,
                       0 AS on_time_count,
                       0 AS late_count,
                       0 AS exception_count,
                       1 AS complaint_count,
                       (c.is_breached IS TRUE)::integer AS breached_count,
                       NULL::numeric AS on_time_rate,
                       NULL::numeric AS late_rate,
                       NULL::numeric AS exception_rate,
                       CASE WHEN c.is_breached THEN 100.0 ELSE 0.0 END AS breach_rate,
                       sv.score AS satisfaction_score
                  FROM logistics_complaint c
                  JOIN res_partner cp ON cp.id = c.partner_id
                  JOIN res_partner p ON p.id = COALESCE(cp.commercial_partner_id, cp.id)
                  LEFT JOIN logistics_complaint_survey sv ON sv.complaint_id = c.id
                """,
                table=SQL.identifier(self._table),
            )
        )
