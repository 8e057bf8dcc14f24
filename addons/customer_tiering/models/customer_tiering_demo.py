import logging
from collections import defaultdict
from datetime import timedelta

from odoo import Command, api, fields, models

from ..engine import demo_plan

_logger = logging.getLogger(__name__)


class CustomerTieringDemo(models.AbstractModel):
    """Turns the deterministic demo plan into posted invoices, payments and credit notes."""

    _name = "customer.tiering.demo"
    _description = "Customer Tiering Demo Story"

    @api.model
    def _generate_demo_story(self):
        """Create the story for the current company; return its customers."""
        company = self.env.company
        sale_journal = self.env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", company.id)], limit=1
        )
        bank_journal = self.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", company.id)], limit=1
        )
        if not sale_journal or not bank_journal:
            _logger.info("Demo story skipped: company %s has no chart of accounts.", company.name)
            return self.env["res.partner"]
        today = fields.Date.context_today(self)
        customers, invoices = demo_plan.plan(today)
        partners = self._create_demo_customers(customers)
        moves = self._create_demo_invoices(partners, invoices, sale_journal, today)
        self._create_demo_refunds(moves, invoices, sale_journal, today)
        # the tables were near empty until now: without statistics the payment
        # postings below plan every reconciliation query as if they still were
        self.env.flush_all()
        self.env.cr.execute(
            "ANALYZE account_move, account_move_line, account_partial_reconcile, account_payment"
        )
        self._create_demo_payments(moves, invoices, bank_journal, today)
        _logger.info("Demo story: %s customers, %s invoices.", len(partners), len(moves))
        return partners

    def _create_demo_customers(self, customers):
        langs = {code for code, _name in self.env["res.lang"].get_installed()}
        # some customers have an account manager, some (platinum among them) not yet
        managers = [
            self.env.ref("base.user_admin", raise_if_not_found=False),
            self.env.ref("base.user_demo", raise_if_not_found=False),
            None,
        ]
        countries = {c.code: c.id for c in self.env["res.country"].search([])}
        values = []
        for customer in customers:
            industry = self.env.ref(customer.industry, raise_if_not_found=False)
            values.append(
                {
                    "name": customer.name,
                    "is_company": True,
                    "customer_rank": 1,
                    "country_id": countries.get(customer.country),
                    "city": customer.city,
                    "industry_id": industry.id if industry else False,
                    "employee_count": customer.employees,
                    "annual_revenue": customer.annual_revenue,
                    "chain_position": customer.chain_position,
                    "growth_outlook": customer.outlook,
                    "wallet_share_potential": customer.wallet_share,
                    "lang": customer.lang if customer.lang in langs else False,
                    "email": f"ar{customer.index:02d}@customer.example.com",
                    "user_id": (managers[customer.index % 3] or self.env["res.users"]).id,
                }
            )
        return self.env["res.partner"].create(values)

    def _create_demo_invoices(self, partners, invoices, journal, today):
        term = self.env.ref("account.account_payment_term_30days", raise_if_not_found=False)
        values = [
            {
                "move_type": "out_invoice",
                "partner_id": partners[inv.customer].id,
                "journal_id": journal.id,
                "invoice_date": demo_plan.invoice_date(today, inv),
                "invoice_payment_term_id": term.id if term else False,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Freight and handling",
                            "quantity": 1,
                            "price_unit": inv.amount,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
            for inv in invoices
        ]
        moves = self.env["account.move"].create(values)
        moves.action_post()
        return moves

    def _create_demo_refunds(self, moves, invoices, journal, today):
        planned = [(move, inv) for move, inv in zip(moves, invoices) if inv.refund_share]
        if not planned:
            return
        refunds = self.env["account.move"].create(
            [
                {
                    "move_type": "out_refund",
                    "partner_id": move.partner_id.id,
                    "journal_id": journal.id,
                    "invoice_date": min(move.invoice_date + timedelta(days=7), today),
                    "reversed_entry_id": move.id,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": "Damage allowance",
                                "quantity": 1,
                                "price_unit": round(inv.amount * inv.refund_share, 2),
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
                for move, inv in planned
            ]
        )
        refunds.action_post()
        for refund, (move, _inv) in zip(refunds, planned):
            self._reconcile_receivables(move + refund)

    def _create_demo_payments(self, moves, invoices, journal, today):
        planned = []
        for move, inv in zip(moves, invoices):
            for payment in inv.payments:
                pay_date = move.invoice_date + timedelta(days=payment.days_after_invoice)
                if pay_date <= today:
                    amount = round(move.amount_residual * payment.share, 2)
                    planned.append((move, pay_date, amount))
        payments = self.env["account.payment"].create(
            [
                {
                    "payment_type": "inbound",
                    "partner_type": "customer",
                    "partner_id": move.partner_id.id,
                    "amount": amount,
                    "date": pay_date,
                    "journal_id": journal.id,
                    "memo": move.name,
                }
                for move, pay_date, amount in planned
            ]
        )
        payments.action_post()
        by_move = defaultdict(lambda: self.env["account.move"])
        for payment, (move, _date, _amount) in zip(payments, planned):
            by_move[move] |= payment.move_id
        for move, payment_moves in by_move.items():
            self._reconcile_receivables(move + payment_moves)

    @api.model
    def _generate_demo_credit(self):
        """Limits as a credit controller would set them, and one order held over its limit."""
        partners = self.env["res.partner"].search(
            [("email", "=like", "ar%@customer.example.com"), ("credit_grade", "!=", False)]
        )
        for partner in partners:
            partner.write(
                {"credit_limit": partner.credit_suggested_limit, "use_partner_credit_limit": True}
            )
        late = partners.filtered(lambda p: p.credit_grade in ("C", "D", "E"))[:1]
        if not late:
            return self.env["sale.order"]
        product = self.env["product.product"].create(
            {"name": "Sea freight, 40' container", "type": "service", "list_price": 4_800}
        )
        quantity = int((late.credit_limit + late.credit_exposure) / 4_800) + 3
        return self.env["sale.order"].create(
            {
                "partner_id": late.id,
                "order_line": [
                    Command.create({"product_id": product.id, "product_uom_qty": quantity})
                ],
            }
        )

    @api.model
    def _reconcile_receivables(self, moves):
        lines = moves.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable" and not line.reconciled
        )
        if len(lines) > 1:
            lines.reconcile()
