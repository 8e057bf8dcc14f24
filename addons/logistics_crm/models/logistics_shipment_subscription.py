from odoo import api, fields, models


class LogisticsShipment(models.Model):
    """Shipments of carriers that push once asked to (kuaidi100) wait to be subscribed."""

    _inherit = "logistics.shipment"

    subscription_state = fields.Selection(
        [("pending", "To Subscribe"), ("subscribed", "Subscribed")],
        copy=False,
        readonly=True,
        help="Whether the carrier was asked to push this tracking number's events. "
        "The polling job retries pending subscriptions.",
    )
    subscription_error = fields.Char(copy=False, readonly=True)

    @api.model_create_multi
    def create(self, vals_list):
        shipments = super().create(vals_list)
        shipments._ask_subscription()
        return shipments

    def write(self, vals):
        result = super().write(vals)
        if "tracking_ref" in vals or "carrier_id" in vals:
            # a new number (or carrier) is a new subscription, or none at all
            self._ask_subscription()
        return result

    def _ask_subscription(self):
        """Mark the shipments whose carrier subscribes, and wake the polling job."""
        waiting = self.filtered(
            lambda shipment: (
                shipment.carrier_id
                and shipment.tracking_ref
                and shipment.carrier_id._connector_has("subscribe")
            )
        )
        # the state is the system's bookkeeping, whoever changed the shipment
        (self - waiting).filtered("subscription_state").sudo().write(
            {"subscription_state": False, "subscription_error": False}
        )
        if not waiting:
            return
        # the state is the system's bookkeeping, whoever created the shipment
        waiting.sudo().write({"subscription_state": "pending", "subscription_error": False})
        # users may not write cron triggers: the system wakes the polling job now
        self.env.ref("logistics_crm.ir_cron_poll_shipments").sudo()._trigger()
