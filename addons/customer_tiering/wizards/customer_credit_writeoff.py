from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError


class CustomerCreditWriteoff(models.TransientModel):
    """Bad-debt write-off (坏账核销, R-CRED-5): a documented step that needs both
    the credit controller's and the accounting manager's rights."""

    _name = "customer.credit.writeoff"
    _description = "Bad-debt Write-off"

    partner_id = fields.Many2one("res.partner", required=True, readonly=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    invoice_ids = fields.Many2many(
        "account.move",
        string="Invoices",
        domain="[('commercial_partner_id', '=', partner_id), ('company_id', '=', company_id), "
        "('move_type', '=', 'out_invoice'), ('state', '=', 'posted'), "
        "('payment_state', 'in', ('not_paid', 'partial'))]",
    )
    amount = fields.Monetary(compute="_compute_amount")
    journal_id = fields.Many2one(
        "account.journal",
        required=True,
        domain="[('type', '=', 'general'), ('company_id', '=', company_id)]",
    )
    account_id = fields.Many2one(
        "account.account",
        string="Bad-debt Expense Account",
        required=True,
        domain="[('account_type', 'in', ('expense', 'expense_other'))]",
    )
    date = fields.Date(required=True, default=fields.Date.context_today)
    reason = fields.Text(required=True)

    @api.depends("invoice_ids")
    def _compute_amount(self):
        for wizard in self:
            wizard.amount = sum(wizard.invoice_ids.mapped("amount_residual_signed"))

    @api.model
    def _check_rights(self):
        user = self.env.user
        if not (
            user.has_group("customer_tiering.group_credit_controller")
            and user.has_group("account.group_account_manager")
        ):
            raise AccessError(
                self.env._(
                    "A bad-debt write-off needs both the Credit Controller and the "
                    "accounting manager rights."
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        self._check_rights()
        return super().create(vals_list)

    def action_write_off(self):
        self.ensure_one()
        self._check_rights()
        if not self.invoice_ids or self.amount <= 0:
            raise UserError(self.env._("Choose at least one open invoice to write off."))
        receivable_lines = self.invoice_ids.line_ids.filtered(
            lambda line: line.account_type == "asset_receivable" and not line.reconciled
        )
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
        self.partner_id.message_post(
            body=Markup("<p>%s</p>")
            % self.env._(
                "Bad debt of %(amount)s written off (%(entry)s): %(reason)s",
                amount=self.currency_id.format(entry.amount_total),
                entry=entry.name,
                reason=self.reason,
            ),
            subtype_xmlid="mail.mt_note",
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": entry.id,
            "view_mode": "form",
        }
