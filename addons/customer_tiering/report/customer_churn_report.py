from odoo import fields, models, tools
from odoo.tools import SQL


class CustomerChurnReport(models.Model):
    """Churn over time, the one place churn is counted: per company and month,
    the customers invoiced in the window up to it, and those invoiced in the
    window before that who did not come back. The window is the policy's
    at-risk boundary (12 months by default): past it a customer is lost."""

    _name = "customer.churn.report"
    _inherit = ["customer.period.end.mixin"]
    _description = "Customer Churn by Month"
    _auto = False
    _order = "month desc"
    # each count is a state at its month (customers in the rolling windows):
    # several months together show their latest month, never the months added up
    _period_date = "month"
    _period_end = ("active_customers", "previous_customers", "churned_customers", "new_customers")

    company_id = fields.Many2one("res.company", readonly=True)
    month = fields.Date(readonly=True)
    active_customers = fields.Integer(readonly=True, aggregator="sum")
    previous_customers = fields.Integer(
        string="Active a Window Before", readonly=True, aggregator="sum"
    )
    churned_customers = fields.Integer(readonly=True, aggregator="sum")
    new_customers = fields.Integer(readonly=True, aggregator="sum")
    # empty when nobody was active a window before: such months stay out of the average
    churn_rate = fields.Float(string="Churn Rate (%)", readonly=True, aggregator="avg")

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE VIEW %(table)s AS
                WITH windows AS (
                    SELECT c.id AS company_id,
                           make_interval(months => COALESCE(p.at_risk_months, 12)) AS length
                      FROM res_company c
                      LEFT JOIN customer_tier_policy p ON p.company_id = c.id
                ), invoiced AS (
                    SELECT DISTINCT m.company_id, m.commercial_partner_id AS partner_id,
                           date_trunc('month', m.invoice_date)::date AS month
                      FROM account_move m
                      JOIN windows w ON w.company_id = m.company_id
                     WHERE m.state = 'posted' AND m.move_type = 'out_invoice'
                       AND m.invoice_date > current_date - interval '24 months' - 2 * w.length
                ), months AS (
                    SELECT w.company_id, w.length, m::date AS month
                      FROM windows w,
                           generate_series(date_trunc('month', current_date) - interval '23 months',
                                           date_trunc('month', current_date), interval '1 month') m
                ), flags AS (
                    SELECT ms.company_id, ms.month, i.partner_id,
                           bool_or(i.month > ms.month - ms.length) AS now_active,
                           bool_or(i.month <= ms.month - ms.length) AS before_active
                      FROM months ms
                      JOIN invoiced i ON i.company_id = ms.company_id
                                     AND i.month <= ms.month
                                     AND i.month > ms.month - 2 * ms.length
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
                       100.0 * COUNT(f.partner_id)
                           FILTER (WHERE f.before_active AND NOT f.now_active)
                           / NULLIF(COUNT(f.partner_id) FILTER (WHERE f.before_active), 0)
                           AS churn_rate
                  FROM months ms
                  LEFT JOIN flags f ON f.company_id = ms.company_id AND f.month = ms.month
                 GROUP BY ms.company_id, ms.month
                """,
                table=SQL.identifier(self._table),
            )
        )
