import psycopg2

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged
from odoo.tests.common import new_test_user
from odoo.tools import mute_logger

from .common import LogisticsCommon


@tagged("post_install", "-at_install")
class TestShipmentSaleOrder(LogisticsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # a dispatcher who sells too: books shipments for the orders
        cls.dispatcher = new_test_user(
            cls.env,
            login="lc_t_dispatcher",
            groups="logistics_crm.group_logistics_user,sales_team.group_sale_salesman",
            company_id=cls.env.company.id,
            company_ids=[cls.env.company.id],
        )
        cls.customer.write({"street": "1 Harbour Road", "city": "Ningbo"})
        cls.order = cls.env["sale.order"].create(
            {
                "partner_id": cls.customer.id,
                "user_id": cls.dispatcher.id,
                "order_line": [
                    Command.create(
                        {"product_id": cls.product_a.id, "price_unit": 900.0, "tax_id": False}
                    )
                ],
            }
        )

    def test_create_shipment_from_a_confirmed_order(self):
        with self.assertRaises(UserError):
            self.order.action_create_shipment()
        self.order.action_confirm()
        action = self.order.with_user(self.dispatcher).action_create_shipment()
        Shipment = self.env["logistics.shipment"].with_user(self.dispatcher)
        with Form(Shipment.with_context(**action["context"])) as form:
            form.carrier_id = self.carrier
            form.tracking_ref = "SO-1"
        shipment = form.record
        self.assertRecordValues(
            shipment,
            [
                {
                    "partner_id": self.customer.id,
                    "sale_order_id": self.order.id,
                    "amount": 900.0,
                    "milestone": "booked",
                }
            ],
        )
        self.assertIn("Ningbo", shipment.destination)
        self.assertTrue(shipment.name.startswith("SHP/"))
        self.assertEqual(self.order.shipment_count, 1)
        self.assertEqual(self.customer.with_user(self.dispatcher).shipment_count, 1)
        invoice = self._invoices(self.customer, [("2026-01-05", 900.0)])
        shipment.invoice_ids = [Command.link(invoice.id)]
        self.assertEqual(invoice.shipment_count, 1)
        self.assertEqual(invoice.action_view_shipments()["domain"], [("id", "in", shipment.ids)])

    def test_tracking_number_is_unique_per_carrier(self):
        self._shipment("DUP-1")
        with self.assertRaises(psycopg2.errors.UniqueViolation), mute_logger("odoo.sql_db"):
            self._shipment("DUP-1")
        self._shipment("DUP-1", carrier=self.aggregator)

    def test_credentials_are_for_logistics_managers_only(self):
        self.carrier.api_key = "secret-key"
        with self.assertRaises(AccessError):
            self.carrier.with_user(self.logistics_user).read(["api_key"])
        self.assertEqual(
            self.carrier.with_user(self.logistics_manager).read(["webhook_secret"])[0][
                "webhook_secret"
            ],
            "s3cret-for-tests",
        )

    def test_logistics_user_cannot_delete_shipments_or_edit_carriers(self):
        shipment = self._shipment("DEL-1")
        with self.assertRaises(AccessError):
            shipment.with_user(self.logistics_user).unlink()
        with self.assertRaises(AccessError):
            self.carrier.with_user(self.logistics_user).write({"timeout": 3})
