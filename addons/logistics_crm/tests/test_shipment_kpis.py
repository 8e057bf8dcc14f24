from datetime import timedelta

from odoo import Command
from odoo.tests import tagged

from .common import LogisticsCommon


@tagged("post_install", "-at_install")
class TestShipmentKpis(LogisticsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        shipments, events = cls._service_history("K", amounts=(500, 700))
        cls.on_time, cls.late, cls.broken, cls.open = shipments
        cls.carrier._ingest_body(cls._body(*(cls._event(*event) for event in events)), "webhook")

    def test_kpis_per_customer(self):
        kpis = self.env["res.partner"]._shipment_kpis(
            self.customer, self.now - timedelta(days=30), self.now + timedelta(days=1)
        )
        kpi = kpis[self.customer.id]
        self.assertEqual(kpi["shipments"], 4)
        self.assertAlmostEqual(kpi["on_time_rate"], 0.5)
        self.assertAlmostEqual(kpi["exception_rate"], 0.25)
        self.assertAlmostEqual(kpi["avg_transit_days"], 3.0)
        partner = self.customer.with_user(self.account_manager)
        self.assertRecordValues(
            partner,
            [
                {
                    "shipment_count": 4,
                    "shipment_window_count": 4,
                    "shipment_on_time_rate": 50.0,
                    "shipment_exception_rate": 25.0,
                    "shipment_avg_transit_days": 3.0,
                }
            ],
        )
        self.assertNotIn(self.other_customer.id, kpis)

    def test_kpis_feed_the_tier_score(self):
        values = self.env["res.partner"]._tiering_factor_values(
            self.customer | self.other_customer, self.now.date()
        )
        self.assertAlmostEqual(values[self.customer.id]["current_on_time"], 0.5)
        self.assertGreater(values[self.customer.id]["current_shipments"], 0)
        self.assertNotIn(self.other_customer.id, values)
        weights, _potential = (
            self.env["customer.tier.policy"]._for_company(self.env.company)._engine_weights()
        )
        self.assertEqual(weights["current_on_time"], 10.0)
        self._invoices(self.customer, [(self.now.date() - timedelta(days=20), 1000.0)])
        self.env["res.partner"]._recompute_customer_tiers()
        breakdown = self.customer.tier_breakdown_html
        self.assertIn("On-time delivery", breakdown)
        self.assertIn("50%", breakdown)

    def test_delivered_uninvoiced_freight_counts_in_exposure_once(self):
        Partner = self.env["res.partner"]
        before = Partner._credit_exposure(self.customer)[self.customer.id]
        # delivered: K1 (500) and K2 (700) have no invoice and no order
        self.assertAlmostEqual(before, 1200.0)
        invoice = self._invoices(self.customer, [(self.now.date(), 500.0)])
        self.on_time.invoice_ids = [Command.link(invoice.id)]
        # now the open invoice counts instead of the delivered freight
        self.assertAlmostEqual(Partner._credit_exposure(self.customer)[self.customer.id], 1200.0)
        # a confirmed order already counts its uninvoiced part; the shipment adds nothing
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "order_line": [
                    Command.create(
                        {"product_id": self.product_a.id, "price_unit": 700.0, "tax_id": False}
                    )
                ],
            }
        )
        order.action_confirm()
        self.late.sale_order_id = order
        self.assertAlmostEqual(
            Partner._credit_exposure(self.customer)[self.customer.id], 500.0 + 700.0
        )
