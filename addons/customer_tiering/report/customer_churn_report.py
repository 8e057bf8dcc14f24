from odoo import fields, models, tools
from odoo.tools import SQL


class CustomerChurnReport(models.Model):
    """Churn over time: per company and month end, customers
    active in the twelve months up to it, and those active in the twelve months
    before that who did not come back."""

    _name = "customer.churn.report"
    _description = "Customer Churn by Month"
    _auto = False
    _order = "month desc"

    company_id = fields.Many2one("res.company", readonly=True)
    month = fields.Date(readonly=True)
    active_customers = fields.Integer(readonly=True, aggregator="sum")
    previous_customers = fields.Integer(
        string="Active a Year Before", readonly=True, aggregator="sum"
    )
    churned_customers = fields.Integer(readonly=True, aggregator="sum")
    new_customers = fields.Integer(readonly=True, aggregator="sum")
    churn_rate = fields.Float(string="Churn Rate (%)", readonly=True, aggregator="avg")

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE VIEW %(table)s AS
                WITH invoiced AS (
                    SELECT DISTINCT company_id, commercial_partner_id AS partner_id,
                           date_trunc('month', invoice_date)::date AS month
                      FROM account_move
                     WHERE state = 'posted' AND move_type = 'out_invoice'
                       AND invoice_date > (current_date - interval '48 months')
                ), months AS (
                    SELECT c.id AS company_id, m::date AS month
                      FROM res_company c,
                           generate_series(date_trunc('month', current_date) - interval '23 months',
                                           date_trunc('month', current_date), interval '1 month') m
                ), flags AS (
                    SELECT ms.company_id, ms.month, i.partner_id,
                           bool_or(i.month > ms.month - interval '12 months') AS now_active,
                           bool_or(i.month <= ms.month - interval '12 months') AS before_active
                      FROM months ms
                      JOIN invoiced i ON i.company_id = ms.company_id
                                     AND i.month <= ms.month
                                     AND i.month > ms.month - interval '24 months'
                     GROUP BY ms.company_id, ms.month, i.partner_id
                )
                SELECT row_number() OVER (ORDER BY ms.company_id, ms.month) AS id,
                       ms.company_id, ms.month,
                       COUNT(f.partner_id) FILTER (WHERE f.now_active) AS active_customers,
                       COUNT(f.partner_id) FILTER (WHERE f.before_active) AS previous_customers,
                       COUNT(f.partner_id) FILTER (WHERE f.before_active AND NOT f.now_active)
                           AS churned_customers,
                       COUNT(f.partner_id) FILTER (WHERE f.now_active AND NOT f.before_active)
                           AS new_customers,
                       COALESCE(100.0 * COUNT(f.partner_id)
                                FILTER (WHERE f.before_active AND NOT f.now_active)
                                / NULLIF(COUNT(f.partner_id) FILTER (WHERE f.before_active), 0), 0)
                           AS churn_rate
                  FROM months ms
                  LEFT JOIN flags f ON f.company_id = ms.company_id AND f.month = ms.month
                 GROUP BY ms.company_id, ms.month
                """,
                table=SQL.identifier(self._table),
            )
        )
