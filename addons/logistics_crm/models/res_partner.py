from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import SQL

KPI_GROUPS = "logistics_crm.group_logistics_user,customer_tiering.group_account_manager"


class ResPartner(models.Model):
    _inherit = "res.partner"

    shipment_count = fields.Integer(compute="_compute_shipment_kpis", groups=KPI_GROUPS)
    shipment_window_count = fields.Integer(
        string="Shipments in Window",
        compute="_compute_shipment_kpis",
        groups=KPI_GROUPS,
        help="Shipments booked within the tiering policy's window.",
    )
    shipment_on_time_rate = fields.Float(
        string="On-time Rate (%)",
        compute="_compute_shipment_kpis",
        groups=KPI_GROUPS,
        help="Delivered shipments of the window delivered by their planned time.",
    )
    shipment_exception_rate = fields.Float(
        string="Exception Rate (%)",
        compute="_compute_shipment_kpis",
        groups=KPI_GROUPS,
        help="Shipments of the window that had at least one exception.",
    )
    shipment_avg_transit_days = fields.Float(
        string="Average Transit (days)", compute="_compute_shipment_kpis", groups=KPI_GROUPS
    )

    @api.depends_context("company")
    def _compute_shipment_kpis(self):
        commercial = self.commercial_partner_id
        date_to = fields.Datetime.now()
        date_from = date_to - relativedelta(months=self._shipment_window_months())
        kpis = self._shipment_kpis(commercial, date_from, date_to)
        totals = dict(
            self.env["logistics.shipment"]._read_group(
                [("commercial_partner_id", "in", commercial.ids)],
                ["commercial_partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            kpi = kpis.get(partner.commercial_partner_id.id, {})
            partner.shipment_count = totals.get(partner.commercial_partner_id, 0)
            partner.shipment_window_count = kpi.get("shipments", 0)
            partner.shipment_on_time_rate = 100.0 * (kpi.get("on_time_rate") or 0.0)
            partner.shipment_exception_rate = 100.0 * (kpi.get("exception_rate") or 0.0)
            partner.shipment_avg_transit_days = kpi.get("avg_transit_days") or 0.0

    def _shipment_window_months(self):
        policy = self.env["customer.tier.policy"]._for_company(self.env.company)
        return policy.window_months

    @api.model
    def _shipment_kpis(self, partners, date_from, date_to):
        """Service KPIs per commercial partner id for shipments booked in [from, to].

        ``{pid: {"shipments", "on_time_rate", "exception_rate", "avg_transit_days"}}``;
        rates are 0..1, None when nothing was delivered yet.
        """
        if not partners:
            return {}
        self.env.flush_all()
        rows = self.env.execute_query(
            SQL(
                """
                SELECT commercial_partner_id,
                       COUNT(*),
                       COUNT(*) FILTER (WHERE milestone = 'delivered'
                                          AND planned_delivery IS NOT NULL),
                       COUNT(*) FILTER (WHERE on_time),
                       COUNT(*) FILTER (WHERE had_exception),
                       AVG(transit_days) FILTER (WHERE milestone = 'delivered' AND transit_days > 0)
                  FROM logistics_shipment
                 WHERE company_id = %s AND active
                   AND commercial_partner_id = ANY(%s)
                   AND booked_date >= %s AND booked_date <= %s
                 GROUP BY commercial_partner_id
                """,
                self.env.company.id,
                partners.ids,
                date_from,
                date_to,
            )
        )
        return {
            pid: {
                "shipments": count,
                "on_time_rate": on_time / delivered if delivered else None,
                "exception_rate": exceptions / count if count else None,
                "avg_transit_days": float(transit) if transit is not None else None,
            }
            for pid, count, delivered, on_time, exceptions, transit in rows
        }

    @api.model
    def _tiering_factor_values(self, partners, date):
        """Adds the service factors over the policy's window up to ``date``.

        ``current_shipments`` (volume against the policy's full volume),
        ``current_on_time`` (left out until something was delivered) and
        ``current_complaints``: few complaints per 100 shipments score high (left
        out for customers without shipments in the window).
        """
        values = super()._tiering_factor_values(partners, date)
        policy = self.env["customer.tier.policy"]._for_company(self.env.company)
        date_to = fields.Datetime.to_datetime(date) + relativedelta(days=1)
        date_from = date_to - relativedelta(months=policy.window_months)
        kpis = self._shipment_kpis(partners, date_from, date_to)
        full = (policy.shipments_per_month_full or 1.0) * policy.window_months
        for pid, kpi in kpis.items():
            factors = values.setdefault(pid, {})
            factors["current_shipments"] = min(kpi["shipments"] / full, 1.0)
            if kpi["on_time_rate"] is not None:
                factors["current_on_time"] = kpi["on_time_rate"]
        zero = policy.complaints_per_100_zero or 1.0
        for pid, per_100 in self._complaint_rates(partners, date_from, date_to).items():
            values.setdefault(pid, {})["current_complaints"] = max(0.0, 1.0 - per_100 / zero)
        return values

    def _tier_factor_labels(self):
        labels = super()._tier_factor_labels()
        _ = self.env._
        labels.update(
            {
                "current_shipments": _("Shipment volume"),
                "current_on_time": _("On-time delivery"),
                "current_complaints": _("Few complaints"),
            }
        )
        return labels

    def _credit_exposure(self, partners):
        """Adds delivered, uninvoiced freight not already counted as uninvoiced sales."""
        exposure = super()._credit_exposure(partners)
        if not partners:
            return exposure
        for pid, amount in self.env.execute_query(
            SQL(
                """
                SELECT s.commercial_partner_id, SUM(s.amount)
                  FROM logistics_shipment s
             LEFT JOIN sale_order so ON so.id = s.sale_order_id
                 WHERE s.company_id = %s AND s.active AND s.milestone = 'delivered'
                   AND s.commercial_partner_id = ANY(%s)
                   AND (so.id IS NULL OR so.state != 'sale')
                   AND NOT EXISTS (
                       SELECT 1 FROM logistics_shipment_account_move_rel r
                         JOIN account_move m ON m.id = r.move_id
                        WHERE r.shipment_id = s.id AND m.state = 'posted'
                          AND m.move_type = 'out_invoice')
                 GROUP BY s.commercial_partner_id
                """,
                self.env.company.id,
                partners.ids,
            )
        ):
            exposure[pid] = exposure.get(pid, 0.0) + (amount or 0.0)
        return exposure

    def action_view_shipments(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "logistics_crm.logistics_shipment_action"
        )
        action["domain"] = [("commercial_partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.commercial_partner_id.id}
        return action
