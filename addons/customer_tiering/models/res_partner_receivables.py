from odoo import api, fields, models
from odoo.tools import SQL

from ..ledger import open_receivables_by_age

# who reads a customer's receivables on its form: finance and the account managers
RECEIVABLE_GROUPS = (
    "customer_tiering.group_credit_controller,customer_tiering.group_account_manager"
)


class ResPartner(models.Model):
    """The customer 360: receivables by age, sales progress and the smart buttons."""

    _inherit = "res.partner"

    # finance sees contract amounts against invoicing and payment
    sales_ordered_total = fields.Monetary(
        string="Ordered", compute="_compute_sales_progress", currency_field="currency_id"
    )
    sales_invoiced_total = fields.Monetary(
        string="Invoiced", compute="_compute_sales_progress", currency_field="currency_id"
    )
    sales_paid_total = fields.Monetary(
        string="Paid", compute="_compute_sales_progress", currency_field="currency_id"
    )
    # the customer 360: the same facts for every department, in one place
    receivable_open = fields.Monetary(
        string="Open Receivables",
        compute="_compute_receivable_summary",
        currency_field="currency_id",
        groups=RECEIVABLE_GROUPS,
    )
    receivable_overdue = fields.Monetary(
        string="Overdue",
        compute="_compute_receivable_summary",
        currency_field="currency_id",
        groups=RECEIVABLE_GROUPS,
    )
    receivable_not_due = fields.Monetary(
        string="Not Due",
        compute="_compute_receivable_summary",
        currency_field="currency_id",
        groups=RECEIVABLE_GROUPS,
    )
    receivable_by_age = fields.Html(
        string="Open Receivables by Age",
        compute="_compute_receivable_summary",
        sanitize=False,  # rendered from our own template, every value escaped there
        groups=RECEIVABLE_GROUPS,
    )
    statement_count = fields.Integer(
        compute="_compute_credit_counts", groups="customer_tiering.group_credit_controller"
    )
    credit_review_count = fields.Integer(
        compute="_compute_credit_counts", groups="customer_tiering.group_credit_controller"
    )

    @api.depends_context("company")
    def _compute_receivable_summary(self):
        """Open receivables in the company's aging buckets, one query for all the partners shown."""
        self.env.flush_all()
        company = self.env.company
        by_age = open_receivables_by_age(
            self.env, company, self.commercial_partner_id.ids, fields.Date.context_today(self)
        )
        labels = company._bucket_labels(company._receivable_edges())
        for partner in self:
            amounts = by_age.get(partner.commercial_partner_id.id)
            partner.receivable_open = sum(amounts) if amounts else 0.0
            partner.receivable_not_due = amounts[0] if amounts else 0.0
            partner.receivable_overdue = sum(amounts[1:]) if amounts else 0.0
            partner.receivable_by_age = amounts and self.env["ir.qweb"]._render(
                "customer_tiering.receivable_by_age",
                {
                    "buckets": list(zip(labels, amounts)),
                    "currency": partner.currency_id or company.currency_id,
                },
            )

    def _compute_credit_counts(self):
        commercial = self.commercial_partner_id
        domain = [("partner_id", "in", commercial.ids)]
        statements = dict(
            self.env["receivable.statement"]._read_group(domain, ["partner_id"], ["__count"])
        )
        reviews = dict(
            self.env["customer.credit.review"]._read_group(domain, ["partner_id"], ["__count"])
        )
        for partner in self:
            partner.statement_count = statements.get(partner.commercial_partner_id, 0)
            partner.credit_review_count = reviews.get(partner.commercial_partner_id, 0)

    @api.depends_context("company")
    def _compute_sales_progress(self):
        """Confirmed orders, posted invoices and what was paid of them (company currency)."""
        self.env.flush_all()
        commercial = self.commercial_partner_id
        params = {"company": self.env.company.id, "ids": commercial.ids}
        ordered = dict(
            self.env.execute_query(
                SQL(
                    """SELECT rp.commercial_partner_id,
                              SUM(so.amount_total / COALESCE(NULLIF(so.currency_rate, 0), 1))
                         FROM sale_order so JOIN res_partner rp ON rp.id = so.partner_id
                        WHERE so.company_id = %(company)s AND so.state = 'sale'
                          AND rp.commercial_partner_id = ANY(%(ids)s)
                        GROUP BY rp.commercial_partner_id""",
                    **params,
                )
            )
        )
        invoiced = {
            pid: (total, residual)
            for pid, total, residual in self.env.execute_query(
                SQL(
                    """SELECT commercial_partner_id, SUM(amount_total_signed), SUM(amount_residual_signed)
                         FROM account_move
                        WHERE company_id = %(company)s AND state = 'posted'
                          AND move_type IN ('out_invoice', 'out_refund')
                          AND commercial_partner_id = ANY(%(ids)s)
                        GROUP BY commercial_partner_id""",
                    **params,
                )
            )
        }
        for partner in self:
            pid = partner.commercial_partner_id.id
            total, residual = invoiced.get(pid, (0.0, 0.0))
            partner.sales_ordered_total = ordered.get(pid, 0.0)
            partner.sales_invoiced_total = total
            partner.sales_paid_total = total - residual

    def action_open_statements(self):
        self.ensure_one()
        return self._action_for(
            "customer_tiering.receivable_statement_action",
            [("partner_id", "=", self.commercial_partner_id.id)],
        )

    def action_open_credit_reviews(self):
        self.ensure_one()
        return self._action_for(
            "customer_tiering.customer_credit_review_action",
            [("partner_id", "=", self.commercial_partner_id.id)],
        )

    def _action_for(self, xmlid, domain):
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        action["domain"] = domain
        action["context"] = {"create": False}
        return action
