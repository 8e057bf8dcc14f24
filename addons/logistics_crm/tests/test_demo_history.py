from collections import defaultdict

from odoo.tests import TransactionCase, tagged

from ..models.logistics_crm_demo import SOURING_CUSTOMER


@tagged("post_install", "-at_install")
class TestDemoHistory(TransactionCase):
    """The demo database tells eighteen months of service, not one week."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        module = cls.env["ir.module.module"].search([("name", "=", "logistics_crm")])
        cls.linehaul = cls.env.ref("logistics_crm.demo_carrier_linehaul", raise_if_not_found=False)
        cls.demo_loaded = bool(module.demo and cls.linehaul)
        cls.shipments = cls.env["logistics.shipment"].search(
            [("partner_id.email", "=like", "%@customer.example.com")]
        )

    def setUp(self):
        super().setUp()
        if not self.demo_loaded:
            self.skipTest("needs the demo data of logistics_crm, not loaded in this database")

    def _monthly_on_time(self, shipments):
        counts = defaultdict(lambda: [0, 0])
        for shipment in shipments.filtered(lambda s: s.milestone == "delivered"):
            month = counts[shipment.booked_date.strftime("%Y-%m")]
            month[0] += shipment.on_time
            month[1] += 1
        return {month: on_time / total for month, (on_time, total) in counts.items() if total >= 5}

    def test_shipments_and_complaints_span_the_year_and_more(self):
        complaints = self.env["logistics.complaint"].search(
            [("partner_id", "in", self.shipments.commercial_partner_id.ids)]
        )
        shipment_months = {s.booked_date.strftime("%Y-%m") for s in self.shipments}
        complaint_months = {c.date.strftime("%Y-%m") for c in complaints}
        self.assertGreaterEqual(len(shipment_months), 12, sorted(shipment_months))
        self.assertGreaterEqual(len(complaint_months), 12, sorted(complaint_months))
        # tracking events are dated with their shipments, not at the install
        events = self.shipments.event_ids
        self.assertGreaterEqual(len({e.event_time.strftime("%Y-%m") for e in events}), 12)

    def test_monthly_on_time_rate_moves(self):
        rates = self._monthly_on_time(self.shipments)
        self.assertGreaterEqual(len(rates), 12)
        self.assertGreater(max(rates.values()) - min(rates.values()), 0.05, rates)

    def test_the_line_haul_carrier_slips_and_a_customer_falls(self):
        rates = self._monthly_on_time(
            self.shipments.filtered(lambda s: s.carrier_id == self.linehaul)
        )
        months = sorted(rates)
        early = sum(rates[m] for m in months[:6]) / 6
        late = sum(rates[m] for m in months[-3:]) / 3
        self.assertGreater(early - late, 0.15, rates)
        souring = self.env["res.partner"].search([("name", "=", SOURING_CUSTOMER)], limit=1)
        demotion = self.env["customer.tier.history"].search(
            [("partner_id", "=", souring.id), ("change", "=", "demotion")]
        )
        self.assertTrue(demotion, "the customer whose deliveries went wrong falls a tier")
