from markupsafe import Markup

from odoo import api, fields, models

# status category code -> complaint category code of the draft claim
CLAIM_CATEGORIES = {"damage": "damage", "shortage": "loss", "lost": "loss"}


class LogisticsShipment(models.Model):
    """Complaints about a shipment, and the cargo claim a damage exception opens."""

    _inherit = "logistics.shipment"

    complaint_ids = fields.One2many("logistics.complaint", "shipment_id", string="Complaints")
    complaint_count = fields.Integer(compute="_compute_complaint_count")

    def _compute_complaint_count(self):
        counts = dict(
            self.env["logistics.complaint"]._read_group(
                [("shipment_id", "in", self.ids)], ["shipment_id"], ["__count"]
            )
        )
        for shipment in self:
            shipment.complaint_count = counts.get(shipment, 0)

    def action_view_complaints(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "logistics_crm.logistics_complaint_action"
        )
        action["domain"] = [("shipment_id", "=", self.id)]
        action["context"] = {
            "default_shipment_id": self.id,
            "default_partner_id": self.commercial_partner_id.id,
        }
        return action

    def _on_new_events(self, events):
        result = super()._on_new_events(events)
        # most batches bring no claim-worthy category: look at the events only then
        claim_categories = events.category_id.filtered("opens_claim")
        if claim_categories:
            claim_events = events.filtered(lambda event: event.category_id in claim_categories)
            self._open_draft_claims(claim_events)
        return result

    @api.model
    def _open_draft_claims(self, events):
        """One draft claim per shipment, from its first claim-worthy event."""
        # claims are opened whoever brought the events: a carrier's webhook, a poll, a user
        complaints = self.env["logistics.complaint"].sudo()
        opened = set(
            complaints.search(
                [
                    ("shipment_id", "in", events.shipment_id.ids),
                    ("tracking_event_id", "!=", False),
                ]
            ).shipment_id.ids
        )
        # the claim's category, whatever the company of whoever brought the events
        categories = {
            category.code: category
            # categories of every company: the claim is the system's, not the caller's
            for category in self.env["logistics.complaint.category"].sudo().search([])
        }
        first = {}
        for event in events.sorted(lambda e: (e.event_time, e.id)):
            if event.shipment_id.id not in opened:
                first.setdefault(event.shipment_id, event)
        for shipment, event in first.items():
            code = CLAIM_CATEGORIES.get(event.category_id.code, "damage")
            category = categories.get(code) or categories.get("damage")
            invoices = shipment.invoice_ids.filtered(lambda m: m.move_type == "out_invoice")
            claim = complaints.with_company(shipment.company_id).create(
                {
                    "name": self.env._(
                        "%(category)s reported on %(shipment)s",
                        category=event.category_id.name,
                        shipment=shipment.name,
                    ),
                    "partner_id": shipment.commercial_partner_id.id,
                    "company_id": shipment.company_id.id,
                    "channel": "tracking",
                    "category_id": category.id,
                    "is_claim": True,
                    "severity": "high",
                    "shipment_id": shipment.id,
                    "tracking_event_id": event.id,
                    "sale_order_id": shipment.sale_order_id.id,
                    "invoice_id": invoices[:1].id,
                    "user_id": False,
                    "description": " — ".join(
                        part
                        for part in (
                            str(event.event_time),
                            event.location,
                            event.raw_code,
                            event.description,
                        )
                        if part
                    ),
                }
            )
            shipment.message_post(
                body=Markup("<p>%s</p>")
                % self.env._(
                    "Draft cargo claim %s opened from the carrier's report.", claim.reference
                ),
                subtype_xmlid="mail.mt_note",
            )
