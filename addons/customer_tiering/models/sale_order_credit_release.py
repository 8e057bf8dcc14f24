from odoo import api, fields, models
from odoo.exceptions import AccessError


class SaleOrderCreditRelease(models.Model):
    """One credit controller's release of one held quotation.

    It covers that order, for that owing customer and currency, up to its
    amount, once.  Made only by ``sale.order.action_release_credit_hold`` (the
    release wizard); afterwards only the system marks it used or void.
    """

    _name = "sale.order.credit.release"
    _description = "Credit Hold Release"
    _order = "id desc"
    _check_company_auto = True

    order_id = fields.Many2one(
        "sale.order", string="Order", required=True, index=True, ondelete="cascade", readonly=True
    )
    partner_id = fields.Many2one(
        "res.partner", string="Owing Customer", required=True, index=True, readonly=True
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    currency_id = fields.Many2one("res.currency", required=True, readonly=True)
    amount = fields.Monetary(required=True, readonly=True)
    user_id = fields.Many2one("res.users", string="Released By", required=True, readonly=True)
    reason = fields.Text(required=True, readonly=True)
    date = fields.Datetime(
        string="Released On", required=True, readonly=True, default=fields.Datetime.now
    )
    used = fields.Boolean(readonly=True, help="The order was confirmed under this release.")
    voided = fields.Boolean(readonly=True)
    void_reason = fields.Char(readonly=True)
    is_active = fields.Boolean(string="Active", compute="_compute_is_active")

    @api.depends("used", "voided")
    def _compute_is_active(self):
        for release in self:
            release.is_active = not (release.used or release.voided)

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise AccessError(self.env._("A credit release is made by the release wizard only."))
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su or set(vals) - {"used", "voided", "void_reason"}:
            raise AccessError(self.env._("A credit release cannot be changed."))
        return super().write(vals)

    def unlink(self):
        if not self.env.su:
            raise AccessError(self.env._("A credit release cannot be deleted."))
        return super().unlink()

    def _mark_used(self):
        # the confirmation that consumed it may run as the salesperson
        self.filtered("is_active").sudo().write({"used": True})

    def _void(self, why):
        # voiding follows a change the salesperson made; only the system writes it
        self.filtered("is_active").sudo().write({"voided": True, "void_reason": why})
