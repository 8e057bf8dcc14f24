from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..access import SALES_MANAGER
from ..const import TIER_SELECTION
from ..engine import scoring


class CustomerTierOverride(models.TransientModel):
    """A sales manager fixes (or frees) a customer's tier, with a reason."""

    _name = "customer.tier.override"
    _description = "Override Customer Tier"

    partner_id = fields.Many2one("res.partner", required=True, readonly=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    action = fields.Selection(
        [("lock", "Lock the tier"), ("unlock", "Go back to the computed tier")],
        required=True,
        default="lock",
    )
    tier = fields.Selection(TIER_SELECTION)
    computed_tier = fields.Selection(TIER_SELECTION, compute="_compute_computed_tier")
    reason = fields.Char(required=True)

    @api.depends("partner_id", "company_id")
    def _compute_computed_tier(self):
        for wizard in self:
            wizard.computed_tier = wizard.partner_id.with_company(wizard.company_id).tier_computed

    def action_apply(self):
        self.ensure_one()
        # an override is a person's decision: no superuser way around the group
        if not self.env.user.has_group(SALES_MANAGER):
            raise AccessError(self.env._("Only a sales manager can set a customer's tier by hand."))
        partner = self.partner_id.with_company(self.company_id)
        old_tier = partner.customer_tier
        if self.action == "lock":
            if not self.tier:
                raise UserError(self.env._("Choose the tier to lock."))
            new_tier = self.tier
            values = {
                "tier_locked": True,
                "tier_lock_reason": self.reason,
                "customer_tier": new_tier,
            }
            if new_tier != partner.tier_computed:
                # the candidate flag was about the computed tier, no longer shown
                values["tier_candidate"] = False
            partner.write(values)
        else:
            new_tier = partner.tier_computed or old_tier
            partner.write(
                {"tier_locked": False, "tier_lock_reason": False, "customer_tier": new_tier}
            )
        # history is read-only for users: the system records the manager's decision
        self.env["customer.tier.history"].sudo().create(
            {
                "partner_id": partner.id,
                "company_id": self.company_id.id,
                "old_tier": old_tier,
                "new_tier": new_tier,
                "current_score": partner.tier_current_score,
                "potential_score": partner.tier_potential_score,
                "rising": partner.tier_rising,
                "change": self._change_kind(old_tier, new_tier),
                "origin": "manual",
                "reason": self.reason,
            }
        )
        labels = dict(TIER_SELECTION)
        partner.message_post(
            body=Markup("<p>%s</p>")
            % self.env._(
                "Tier set by hand (%(company)s): %(old)s → %(new)s. Reason: %(reason)s",
                company=self.company_id.name,
                old=labels.get(old_tier, "—"),
                new=labels.get(new_tier, "—"),
                reason=self.reason,
            ),
            subtype_xmlid="mail.mt_note",
        )
        return {"type": "ir.actions.act_window_close"}

    @api.model
    def _change_kind(self, old_tier, new_tier):
        if not old_tier:
            return "initial"
        return scoring.tier_change(old_tier, new_tier) or "unchanged"
