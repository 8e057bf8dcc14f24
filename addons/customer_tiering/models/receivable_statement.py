from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from ..access import CREDIT_CONTROLLER, require_any_group
from ..engine import receivables

STATEMENT_STATES = [
    ("draft", "Draft"),
    ("sent", "Sent"),
    ("confirmed", "Confirmed"),
    ("disputed", "Disputed"),
]
MOVEMENT_KINDS = [
    ("invoice", "Invoice"),
    ("credit_note", "Credit Note"),
    ("payment", "Payment"),
    ("other", "Other"),
]


class ReceivableStatement(models.Model):
    """A customer's statement of account for one snapshot period (对账单)."""

    _name = "receivable.statement"
    _description = "Customer Statement of Account"
    _inherit = ["portal.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "date_to desc, partner_id, id"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    snapshot_id = fields.Many2one(
        "receivable.snapshot", required=True, ondelete="cascade", index=True, readonly=True
    )
    company_id = fields.Many2one(
        related="snapshot_id.company_id", store=True, index=True, precompute=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    date_from = fields.Date(related="snapshot_id.date_from", string="Period Start", store=True)
    date_to = fields.Date(related="snapshot_id.date_to", string="Cut-off Date", store=True)
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, readonly=True, index=True
    )
    invoice_partner_id = fields.Many2one(
        "res.partner",
        string="Invoicing Contact",
        readonly=True,
        help="Who receives the statement: the customer's invoice address.",
    )
    user_id = fields.Many2one(related="partner_id.user_id", string="Account Manager")
    state = fields.Selection(
        STATEMENT_STATES, string="Status", default="draft", required=True, tracking=True
    )
    opening_balance = fields.Monetary(readonly=True)
    total_debit = fields.Monetary(string="Period Debits", readonly=True)
    total_credit = fields.Monetary(string="Period Credits", readonly=True)
    closing_balance = fields.Monetary(readonly=True)
    line_ids = fields.One2many("receivable.statement.line", "statement_id", string="Movements")
    sent_date = fields.Datetime(readonly=True)
    response_date = fields.Datetime(readonly=True)
    responded_by_id = fields.Many2one("res.partner", string="Answered by", readonly=True)
    customer_comment = fields.Text(readonly=True)

    @api.depends("partner_id", "date_to")
    def _compute_name(self):
        for statement in self:
            # the name is stored once: in the customer's language, as on the statement itself
            env = self.with_context(lang=statement.partner_id.lang or self.env.lang).env
            statement.name = env._(
                "Statement %(customer)s %(date)s",
                customer=statement.partner_id.name or "",
                date=fields.Date.to_string(statement.date_to) or "",
            )

    def _compute_access_url(self):
        for statement in self:
            statement.access_url = f"/my/statements/{statement.id}"

    def _get_report_base_filename(self):
        self.ensure_one()
        return f"statement-{self.partner_id.name}-{fields.Date.to_string(self.date_to)}"

    # -- generation ---------------------------------------------------------------

    @api.model
    def _generate_for_snapshot(self, snapshot):
        """Statements for every customer of the snapshot that has one to get, in one
        query for all their movements; kept: statements already sent or answered."""
        snapshot.ensure_one()
        if snapshot.state == "draft":
            raise UserError(self.env._("Compute the snapshot first."))
        existing = self.search([("snapshot_id", "=", snapshot.id)])
        existing.filtered(lambda s: s.state == "draft").unlink()
        done = set(existing.exists().partner_id.ids)
        lines = snapshot.line_ids.filtered(
            lambda line: (
                line.partner_id
                and line.partner_id.id not in done
                and (line.opening_balance or line.debit or line.credit or line.closing_balance)
            )
        )
        if not lines:
            return self.browse()
        movements = self._period_movements(snapshot, lines.partner_id.ids)
        invoice_contacts = self._invoice_contacts(lines.partner_id)
        values = []
        for line in lines:
            rows, closing = receivables.running_balance(
                line.opening_balance,
                movements.get(line.partner_id.id, []),
                snapshot.currency_id.decimal_places,
            )
            values.append(
                {
                    "snapshot_id": snapshot.id,
                    "partner_id": line.partner_id.id,
                    "invoice_partner_id": invoice_contacts[line.partner_id.id],
                    "opening_balance": line.opening_balance,
                    "total_debit": line.debit,
                    "total_credit": line.credit,
                    "closing_balance": closing,
                    "line_ids": [
                        fields.Command.create({**row, "sequence": index})
                        for index, row in enumerate(rows)
                    ],
                }
            )
        return self.create(values)

    @api.model
    def _invoice_contacts(self, partners):
        """{customer id: its invoice address (the customer itself without one)}, one query."""
        contacts = {partner.id: partner.id for partner in partners}
        invoice_addresses = self.env["res.partner"].search(
            [("parent_id", "in", partners.ids), ("type", "=", "invoice")], order="id desc"
        )
        for address in invoice_addresses:  # the oldest wins, as address_get() would pick
            contacts[address.parent_id.id] = address.id
        return contacts

    @api.model
    def _period_movements(self, snapshot, partner_ids):
        """{partner_id: [movement dicts in date order]} of the receivable lines of the period."""
        result = defaultdict(list)
        rows = self.env.execute_query(
            SQL(
                """
                SELECT COALESCE(rp.commercial_partner_id, l.partner_id), l.date, l.move_id,
                       m.name, m.move_type, COALESCE(m.ref, l.name, ''), l.date_maturity,
                       l.debit, l.credit,
                       (l.payment_id IS NOT NULL OR l.statement_line_id IS NOT NULL)
                  FROM account_move_line l
                  JOIN account_move m ON m.id = l.move_id
                  LEFT JOIN res_partner rp ON rp.id = l.partner_id
                 WHERE %(filter)s
                   AND l.date >= %(start)s
                   AND COALESCE(rp.commercial_partner_id, l.partner_id) = ANY(%(ids)s)
                 ORDER BY 1, l.date, l.move_id, l.id
                """,
                filter=snapshot._receivable_line_filter(),
                start=snapshot.date_from,
                ids=partner_ids,
            )
        )
        for pid, date, move_id, name, move_type, ref, due, debit, credit, is_payment in rows:
            result[pid].append(
                {
                    "date": date,
                    "move_id": move_id,
                    "name": name,
                    "kind": receivables.statement_kind(move_type, is_payment),
                    "ref": ref,
                    "date_maturity": due,
                    "debit": float(debit),
                    "credit": float(credit),
                }
            )
        return result

    # -- actions ------------------------------------------------------------------

    def action_send(self):
        """Email the statements (PDF attached) to each customer's invoicing contact."""
        message = self.env._("Only a credit controller sends statements.")
        require_any_group(self.env, message, CREDIT_CONTROLLER)
        template = self.env.ref("customer_tiering.mail_template_receivable_statement")
        to_send = self.filtered(lambda s: s.state in ("draft", "sent"))
        if not to_send:
            raise UserError(self.env._("No statement to send."))
        no_address = to_send.filtered(lambda s: not (s.invoice_partner_id or s.partner_id).email)
        if no_address:
            raise UserError(
                self.env._(
                    "These customers have no email address: %(names)s",
                    names=", ".join(no_address.partner_id.mapped("display_name")),
                )
            )
        for statement in to_send:
            statement._portal_ensure_token()
            statement.message_post_with_source(
                template, message_type="comment", subtype_xmlid="mail.mt_comment"
            )
        to_send.write({"state": "sent", "sent_date": fields.Datetime.now()})
        return True

    def action_export_xlsx(self):
        self.ensure_one()
        # the workbook is stored as an attachment: staff only, customers print the PDF
        if not self.env.user._is_internal():
            raise AccessError(self.env._("Statements are exported by staff."))
        workbooks = self.env["receivable.snapshot.xlsx"]
        return workbooks._download(
            self, f"{self._get_report_base_filename()}.xlsx", workbooks._statement_workbook(self)
        )

    def action_print(self):
        return self.env.ref("customer_tiering.receivable_statement_report").report_action(self)

    def _customer_answer(self, answer, partner, comment=None):
        """The customer confirms or disputes (from the portal, already access-checked)."""
        self.ensure_one()
        if self.state not in ("sent", "confirmed", "disputed"):
            raise UserError(self.env._("This statement cannot be answered."))
        if answer == "dispute" and not (comment or "").strip():
            raise UserError(self.env._("Please say what is wrong with the statement."))
        state = "confirmed" if answer == "confirm" else "disputed"
        self.write(
            {
                "state": state,
                "response_date": fields.Datetime.now(),
                "responded_by_id": partner.id,
                "customer_comment": (comment or "").strip()[:2000] or False,
            }
        )
        if state == "confirmed":
            body = Markup("<p>%s</p>") % self.env._("The customer confirmed the statement.")
        else:
            body = Markup("<p>%s</p><p>%s</p>") % (
                self.env._("The customer disputed the statement:"),
                comment,
            )
            manager = self.partner_id.user_id or self.snapshot_id.create_uid
            if manager._is_superuser():
                manager = self.env.ref("base.user_admin", raise_if_not_found=False) or manager
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=manager.id,
                # stored: in the manager's language, not the answering customer's
                summary=self.with_context(lang=manager.lang).env._(
                    "Statement disputed by the customer"
                ),
                note=comment,
            )
        self.message_post(body=body, author_id=partner.id, message_type="comment")
        return True


class ReceivableStatementLine(models.Model):
    _name = "receivable.statement.line"
    _description = "Customer Statement Movement"
    _order = "statement_id, sequence, id"

    statement_id = fields.Many2one(
        "receivable.statement", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="statement_id.company_id", store=True)
    currency_id = fields.Many2one(related="statement_id.currency_id")
    sequence = fields.Integer()
    date = fields.Date(required=True)
    kind = fields.Selection(MOVEMENT_KINDS, string="Type", required=True)
    move_id = fields.Many2one("account.move", string="Entry", readonly=True)
    name = fields.Char(string="Number")
    ref = fields.Char(string="Reference")
    date_maturity = fields.Date(string="Due Date")
    debit = fields.Monetary()
    credit = fields.Monetary()
    balance = fields.Monetary()
