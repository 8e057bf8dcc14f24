import logging
import random
from collections import defaultdict
from datetime import datetime, time, timedelta

from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models

from ..engine import demo_plan

_logger = logging.getLogger(__name__)


class CustomerTieringDemo(models.AbstractModel):
    """Turns the deterministic demo plan into posted invoices, payments and credit notes."""

    _name = "customer.tiering.demo"
    _description = "Customer Tiering Demo Story"

    @api.model
    def _activate_demo_languages(self):
        """Chinese customers read their statements and e-mails in Chinese."""
        if self.env["res.lang"]._activate_lang("zh_CN"):
            installed = self.env["ir.module.module"].search([("state", "=", "installed")])
            installed._update_translations("zh_CN")

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
        # Chen Jing looks after the Chinese customers, Marc Demo after the others;
        # one platinum customer still waits for an account manager
        no_user = self.env["res.users"]
        chinese = self.env.ref("customer_tiering.demo_user_account_manager", False) or no_user
        others = self.env.ref("base.user_demo", raise_if_not_found=False) or no_user
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
                    "user_id": (
                        no_user
                        if customer.name == demo_plan.WITHOUT_MANAGER
                        else chinese
                        if customer.country == "CN"
                        else others
                    ).id,
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
        self._reconcile_receivables(
            [move + refund for refund, (move, _inv) in zip(refunds, planned)]
        )

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
        self._reconcile_receivables([move + paid for move, paid in by_move.items()])

    @api.model
    def _demo_users(self):
        """(credit controller, head of sales) of the demo, the current user without them."""
        controller = self.env.ref("customer_tiering.demo_user_credit_controller", False)
        head = self.env.ref("base.user_admin", raise_if_not_found=False)
        return controller or self.env.user, head or self.env.user

    @api.model
    def _grade_demo_customers(self):
        """Grade the story as Wang Li, the credit controller, would start the run: the
        credit file and the activities nobody else is named for are hers."""
        controller, head = self._demo_users()
        policy = self.env["customer.tier.policy"]._for_company(self.env.company)
        policy.write(
            {
                "tier_manager_id": head.id,
                "collection_user_31_90_id": controller.id,
                "collection_user_over_90_id": head.id,
                "credit_reviewer_id": controller.id,
            }
        )
        # the run reads and writes every customer, as the nightly job does
        self.env["res.partner"].with_user(controller).sudo()._recompute_customer_tiers()

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
        self._create_demo_credit_file(partners)
        late = partners.filtered(lambda p: p.credit_grade in ("C", "D", "E"))[:1]
        if not late:
            return self.env["sale.order"]
        product = self.env["product.product"].create(
            {"name": "Sea freight, 40' container", "type": "service", "list_price": 4_800}
        )
        quantity = int((late.credit_limit + late.credit_exposure) / 4_800) + 3
        seller = self.env.ref("base.user_demo", raise_if_not_found=False)
        return self.env["sale.order"].create(
            {
                "partner_id": late.id,
                # sold by the account manager, released (or not) by a credit controller
                "user_id": (seller or self.env.user).id,
                "order_line": [
                    Command.create({"product_id": product.id, "product_uom_qty": quantity})
                ],
            }
        )

    @api.model
    def _create_demo_credit_file(self, partners):
        """Wang Li's earlier reviews of every graded customer: an opening review before
        its first invoice, then one per review cycle of its grade, the grading run's
        review of today last, with the limit she decided."""
        controller, _head = self._demo_users()
        policy = self.env["customer.tier.policy"]._for_company(self.env.company)
        grades = {line.grade: line for line in policy.credit_grade_ids}
        ladder = sorted(grades, key=lambda grade: -grades[grade].min_score)
        latest = {
            review.partner_id: review
            for review in self.env["customer.credit.review"].search(
                [("partner_id", "in", partners.ids), ("origin", "=", "automatic")], order="id"
            )
        }
        # what each customer bought a month while it did business with us
        business = {
            partner: (first, total / max((last - first).days / 30, 1))
            for partner, first, last, total in self.env["account.move"]._read_group(
                [("partner_id", "in", partners.ids), ("move_type", "=", "out_invoice")],
                ["partner_id"],
                ["invoice_date:min", "invoice_date:max", "amount_untaxed:sum"],
            )
        }
        rng = random.Random(demo_plan.SEED)
        today = fields.Date.context_today(self)
        values = []
        for partner in partners.sorted("id"):
            review = latest.get(partner)
            if not review or partner not in business:
                continue
            start, monthly = business[partner]
            chain, grade, day = [], review.grade, today  # newest first
            while True:
                day -= relativedelta(months=grades[grade].review_months, days=rng.randint(0, 9))
                opening = day < start + timedelta(days=30)
                if opening:
                    day = start - timedelta(days=rng.randint(3, 10))
                step = rng.choice((-1, 0, 0, 0, 1))
                grade = ladder[min(max(ladder.index(grade) + step, 0), len(ladder) - 1)]
                limit = round(monthly * grades[grade].limit_months * rng.uniform(0.8, 1.05), -2)
                better = [g for g in ladder if grades[g].min_score > grades[grade].min_score]
                ceiling = grades[better[-1]].min_score if better else 100.0
                chain.append(
                    {
                        "partner_id": partner.id,
                        "company_id": review.company_id.id,
                        "date": day,
                        "reviewer_id": controller.id,
                        "origin": "manual",
                        "state": "done",
                        "grade": grade,
                        "score": rng.uniform(grades[grade].min_score, ceiling - 0.5),
                        "paydex": review.paydex and min(review.paydex + rng.uniform(-6, 6), 100),
                        "dso": review.dso and max(review.dso + rng.uniform(-8, 8), 0),
                        "open_amount": round(review.open_amount * rng.uniform(0.6, 1.2), 2),
                        "suggested_limit": limit,
                        "decided_limit": limit,
                        "notes": "Opening review: first orders." if opening else "Periodic review.",
                    }
                )
                if opening:
                    break
            # each review's old grade is the grade of the one before it
            for newer, older in zip(chain, chain[1:]):
                newer["old_grade"] = older["grade"]
            values += chain
            # decided reviews are the system's to complete: today's takes the limit just set
            review.sudo().write(
                {"old_grade": chain[0]["grade"], "decided_limit": partner.credit_limit}
            )
        self.env["customer.credit.review"].create(values)

    @api.model
    def _generate_demo_snapshots(self):
        """Two closed month-ends and the open current month, for the current company.

        The closed months' statements went out two days after their month-end;
        most customers answered within twelve days, one disputed each month; a
        few never answered, and those of a month just closed are still awaited.
        """
        Snapshot = self.env["receivable.snapshot"]
        today = fields.Date.context_today(self)
        first_of_month = today.replace(day=1)
        snapshots = Snapshot.browse()
        for months_back in (2, 1):
            date_from, date_to = Snapshot._month_bounds(
                first_of_month - relativedelta(months=months_back)
            )
            snapshots |= Snapshot.create({"date_from": date_from, "date_to": date_to})
        snapshots |= Snapshot.create({"date_from": first_of_month, "date_to": today})
        snapshots.sorted("date_to").action_compute()
        closed = snapshots[:2]
        closed.action_close()
        rng = random.Random(demo_plan.SEED)
        now = fields.Datetime.now()
        comment = self.env._("The credit note for the damaged pallets is missing.")
        for snapshot in closed:
            statements = self.env["receivable.statement"]._generate_for_snapshot(snapshot)
            # sent on the second morning after the month-end (Shanghai time)
            sent = min(datetime.combine(snapshot.date_to, time(1)) + timedelta(days=2), now)
            statements.write({"state": "sent", "sent_date": sent})
            for index, statement in enumerate(statements.sorted("id")):
                answered = sent + timedelta(days=rng.randint(1, 12), hours=rng.randint(0, 8))
                if answered >= now or index % 5 == 4:
                    continue  # not answered (yet)
                if index == 3:
                    statement._customer_answer("dispute", statement.partner_id, comment)
                else:
                    statement._customer_answer("confirm", statement.partner_id)
                statement.write({"response_date": answered})
                # the answer's message (the newest) is dated as the answer
                statement.message_ids[:1].write({"date": answered})
        return snapshots

    @api.model
    def _reconcile_receivables(self, move_groups):
        """Reconcile the receivables of each group of moves, all groups in one plan:
        one reconciliation per invoice is most of the story's install time."""
        plan = []
        for moves in move_groups:
            lines = moves.line_ids.filtered(
                lambda line: (
                    line.account_id.account_type == "asset_receivable" and not line.reconciled
                )
            )
            if len(lines) > 1:
                plan.append(lines)
        if plan:
            self.env["account.move.line"]._reconcile_plan(plan)
