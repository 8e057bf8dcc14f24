from markupsafe import Markup

from odoo import Command, models
from odoo.exceptions import UserError


class LogisticsComplaint(models.Model):
    """Compensation of an accepted claim: the customer credit note."""

    _inherit = "logistics.complaint"

    def action_create_credit_note(self):
        self.ensure_one()
        self._check_handler()
        if self.credit_note_id:
            raise UserError(self.env._("This complaint already has a credit note."))
        if self.currency_id.compare_amounts(self.accepted_amount, 0.0) <= 0:
            raise UserError(self.env._("Enter the accepted amount first."))
        if self.stage in ("new", "rejected"):
            raise UserError(self.env._("Acknowledge the complaint before compensating it."))
        self._create_credit_note()
        return self.action_view_credit_note()

    def action_view_credit_note(self):
        self.ensure_one()
        if not self.env["account.move"].has_access("read"):
            return True
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": self.credit_note_id.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    def _create_credit_note(self):
        """Draft customer credit note for the accepted amount.

        Handlers need not be accountants: the draft is made with elevated rights,
        after the checks of the calling action, and is posted by finance.
        """
        self.ensure_one()
        company = self.company_id
        # handlers need not be accountants; the calling action checked the claim
        moves = self.env["account.move"].sudo().with_company(company)
        # the sales journal of the credit note, which handlers may not read
        journal = (
            self.env["account.journal"]
            .sudo()  # handlers may not read journals
            .search([("type", "=", "sale"), ("company_id", "=", company.id)], limit=1)
        )
        if not journal:
            raise UserError(self.env._("The company has no sales journal for the credit note."))
        invoice_address = self.partner_id.address_get(["invoice"])["invoice"]
        # the credit note goes to the customer: its texts are in the customer's language
        _ = self.with_context(lang=self.partner_id.lang or self.env.lang).env._
        credit_note = moves.create(
            {
                "move_type": "out_refund",
                "partner_id": invoice_address,
                "journal_id": journal.id,
                "currency_id": self.currency_id.id,
                "invoice_origin": self.reference,
                "ref": _("Compensation for complaint %s", self.reference),
                "reversed_entry_id": self.invoice_id.id,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": _(
                                "Compensation: %(ref)s %(subject)s",
                                ref=self.reference,
                                subject=self.name,
                            ),
                            "quantity": 1,
                            "price_unit": self.accepted_amount,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        self.credit_note_id = credit_note
        amount = f"{self.accepted_amount:.2f} {self.currency_id.name}"
        self.message_post(
            body=Markup("<p>%s</p>")
            % self.env._(
                "Draft credit note of %(amount)s created for the accepted claim.", amount=amount
            ),
            subtype_xmlid="mail.mt_note",
        )
        return credit_note
