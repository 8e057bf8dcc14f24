from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..access import ACCOUNTING_MANAGER, CREDIT_CONTROLLER, require_any_group


class CustomerCreditWriteoff(models.Model):
    """Bad-debt write-off (坏账核销): proposed by a credit controller, approved
    and posted by an accounting manager who is not the proposer."""

    _name = "customer.credit.writeoff"
    _description = "Bad-debt Write-off"
    _inherit = ["mail.thread"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name")
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, index=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    invoice_ids = fields.Many2many(
        "account.move",
        string="Invoices",
        check_company=True,
        domain="[('commercial_partner_id', '=', partner_id), ('company_id', '=', company_id), "
        "('move_type', '=', 'out_invoice'), ('state', '=', 'posted'), "
        "('payment_state', 'in', ('not_paid', 'partial'))]",
    )
    amount = fields.Monetary(compute="_compute_amount")
    journal_id = fields.Many2one(
        "account.journal",
        required=True,
        check_company=True,
        domain="[('type', '=', 'general'), ('company_id', '=', company_id)]",
    )
    account_id = fields.Many2one(
        "account.account",
        string="Bad-debt Expense Account",
        required=True,
        check_company=True,
        domain="[('account_type', 'in', ('expense', 'expense_other'))]",
    )
    date = fields.Date(required=True, default=fields.Date.context_today)
    reason = fields.Text(required=True)
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("proposed", "Proposed"),
            ("approved", "Approved and Posted"),
            ("refused", "Refused"),
        ],
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
    )
    proposer_id = fields.Many2one("res.users", string="Proposed By", readonly=True)
    approver_id = fields.Many2one("res.users", string="Approved By", readonly=True)
    move_id = fields.Many2one("account.move", string="Write-off Entry", readonly=True)

    @api.depends("partner_id", "date")
    def _compute_name(self):
        for writeoff in self:
            writeoff.name = self.env._(
                "Write-off %(customer)s %(date)s",
                customer=writeoff.partner_id.display_name or "",
                date=writeoff.date or "",
            )

    @api.depends("invoice_ids")
    def _compute_amount(self):
        for writeoff in self:
            writeoff.amount = sum(writeoff.invoice_ids.mapped("amount_residual_signed"))

    # -- rights -------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        message = self.env._("A write-off is proposed by a credit controller.")
        require_any_group(self.env, message, CREDIT_CONTROLLER)
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su and self.filtered(lambda w: w.state != "draft"):
            raise UserError(self.env._("Only a draft write-off can be edited."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_posted(self):
        if self.filtered(lambda w: w.state == "approved"):
            raise UserError(self.env._("A posted write-off stays in the credit file."))

    # -- steps --------------------------------------------------------------

    def action_propose(self):
        message = self.env._("A write-off is proposed by a credit controller.")
        require_any_group(self.env, message, CREDIT_CONTROLLER)
        for writeoff in self:
            if writeoff.state != "draft":
                raise UserError(self.env._("Only a draft write-off can be proposed."))
            writeoff._receivable_lines()
        # the state is the system's to set once the checks above passed
        self.sudo().write({"state": "proposed", "proposer_id": self.env.uid})
        for writeoff in self:
            writeoff.message_post(
                body=Markup("<p>%s</p>")
                % self.env._(
                    "Write-off of %(amount)s proposed: %(reason)s",
                    amount=writeoff.currency_id.format(writeoff.amount),
                    reason=writeoff.reason,
                ),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def _check_approver(self):
        message = self.env._("A write-off is approved by an accounting manager.")
        require_any_group(self.env, message, ACCOUNTING_MANAGER)
        for writeoff in self:
            if writeoff.state != "proposed":
                raise UserError(self.env._("Only a proposed write-off can be decided."))
            if writeoff.proposer_id == self.env.user:
                raise AccessError(
                    self.env._("Whoever proposed a write-off cannot approve it as well.")
                )

    def action_refuse(self):
        self._check_approver()
        # the approver has no write right on proposals: the decision is recorded by the system
        self.sudo().write({"state": "refused", "approver_id": self.env.uid})
        return True

    def action_approve(self):
        """Post the write-off entry and reconcile it with each invoice's receivable."""
        self._check_approver()
        for writeoff in self:
            writeoff._post_entry()
        return True

    def _receivable_lines(self):
        """The open receivable lines to write off, checked on the server."""
        self.ensure_one()
        if not self.invoice_ids:
            raise UserError(self.env._("Choose at least one open invoice to write off."))
        customer = self.partner_id.commercial_partner_id
        for invoice in self.invoice_ids:
            if (
                invoice.commercial_partner_id != customer
                or invoice.company_id != self.company_id
                or invoice.move_type != "out_invoice"
                or invoice.state != "posted"
            ):
                raise UserError(
                    self.env._(
                        "%(invoice)s is not a posted invoice of %(customer)s.",
                        invoice=invoice.display_name,
                        customer=customer.display_name,
                    )
                )
        lines = self.invoice_ids.line_ids.filtered(
            lambda line: (
                line.account_type == "asset_receivable"
                and not line.reconciled
                and not line.company_currency_id.is_zero(line.amount_residual)
            )
        )
        open_invoices = lines.move_id
        if open_invoices != self.invoice_ids:
            raise UserError(
                self.env._(
                    "Already settled: %(invoices)s.",
                    invoices=", ".join((self.invoice_ids - open_invoices).mapped("display_name")),
                )
            )
        return lines

    def _post_entry(self):
        self.ensure_one()
        receivable_lines = self._receivable_lines()
        line_values = [
            Command.create(
                {
                    "name": self.env._("Bad debt: %s", line.move_id.name),
                    "account_id": line.account_id.id,
                    "partner_id": line.partner_id.id,
                    "credit": line.amount_residual,
                }
            )
            for line in receivable_lines
        ]
        line_values.append(
            Command.create(
                {
                    "name": self.env._("Bad debt written off: %s", self.reason),
                    "account_id": self.account_id.id,
                    "partner_id": self.partner_id.id,
                    "debit": sum(receivable_lines.mapped("amount_residual")),
                }
            )
        )
        entry = self.env["account.move"].create(
            {
                "move_type": "entry",
                "journal_id": self.journal_id.id,
                "date": self.date,
                "ref": self.env._("Bad-debt write-off"),
                "line_ids": line_values,
            }
        )
        entry.action_post()
        # each invoice's receivable against the write-off, account by account
        for account, lines in receivable_lines.grouped("account_id").items():
            (
                lines + entry.line_ids.filtered(lambda line, a=account: line.account_id == a)
            ).reconcile()
        # the approver need not be a credit controller: the state and the credit
        # file row are the system's record of this decision
        self.sudo().write({"state": "approved", "approver_id": self.env.uid, "move_id": entry.id})
        # the credit file row, like the state, is written by the system, not the approver
        self.env["customer.credit.review"].sudo().create(
            {
                "partner_id": self.partner_id.id,
                "company_id": self.company_id.id,
                "origin": "write_off",
                "state": "done",
                "amount": entry.amount_total,
                "notes": self.reason,
            }
        )
        # the customer's chatter records the decision; the approver need not edit contacts
        self.partner_id.sudo().message_post(
            body=Markup("<p>%s</p>")
            % self.env._(
                "Bad debt of %(amount)s written off (%(entry)s), proposed by %(proposer)s and "
                "approved by %(approver)s: %(reason)s",
                amount=self.currency_id.format(entry.amount_total),
                entry=entry.name,
                proposer=self.proposer_id.name,
                approver=self.env.user.name,
                reason=self.reason,
            ),
            subtype_xmlid="mail.mt_note",
        )
        return entry
