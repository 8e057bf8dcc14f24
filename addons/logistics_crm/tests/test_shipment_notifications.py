from odoo.tests import tagged

from .common import LogisticsCommon


@tagged("post_install", "-at_install")
class TestShipmentNotifications(LogisticsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"]._load_module_terms(["logistics_crm"], ["zh_CN"])
        cls.customer.write({"email": "ops@ningbo.example.com", "lang": "zh_CN"})
        cls.other_customer.write({"email": "ops@chengdu.example.com", "lang": "en_US"})

    def _mails_to(self, partner, shipment):
        messages = self.env["mail.message"].search(
            [
                ("model", "=", "logistics.shipment"),
                ("res_id", "=", shipment.id),
                ("subtype_id", "=", self.env.ref("logistics_crm.mt_shipment_milestone").id),
            ]
        )
        return messages.filtered(lambda m: partner in m.notification_ids.res_partner_id)

    def test_customer_follows_and_gets_milestone_mails_in_its_language(self):
        shipment = self._shipment("N1")
        self.assertIn(self.customer, shipment.message_partner_ids)
        self.carrier._ingest_body(
            self._body(self._event("N1", "PICKED_UP", 5), self._event("N1", "IN_TRANSIT", 4)),
            "webhook",
        )
        # picked up is announced; in transit (the latest) is not worth a mail
        self.assertEqual(shipment.milestone, "in_transit")
        self.assertFalse(self._mails_to(self.customer, shipment))
        self.carrier._ingest_body(self._body(self._event("N1", "OUT_FOR_DELIVERY", 2)), "webhook")
        self.carrier._ingest_body(self._body(self._event("N1", "DELIVERED", 1)), "webhook")
        mails = self._mails_to(self.customer, shipment)
        self.assertEqual(len(mails), 2)
        self.assertTrue(all("N1" in m.subject for m in mails))
        self.assertIn("已签收", mails.sorted("id")[-1].body)
        notifications = mails.notification_ids.filtered(lambda n: n.res_partner_id == self.customer)
        self.assertEqual(set(notifications.mapped("notification_type")), {"email"})

    def test_picked_up_mail_in_english_for_an_english_customer(self):
        shipment = self._shipment("N2", partner=self.other_customer)
        self.carrier._ingest_body(self._body(self._event("N2", "PICKED_UP", 1)), "webhook")
        [mail] = self._mails_to(self.other_customer, shipment)
        self.assertIn("has been picked up", mail.body)

    def test_exception_mails_the_customer_and_assigns_the_account_manager(self):
        shipment = self._shipment("N3")
        self.carrier._ingest_body(self._body(self._event("N3", "SHORTAGE", 1)), "webhook")
        self.assertEqual(len(self._mails_to(self.customer, shipment)), 1)
        self.assertEqual(shipment.activity_ids.user_id, self.account_manager)
        # no account manager: a logistics manager gets it
        orphan = self._shipment("N4", partner=self.other_customer)
        self.carrier._ingest_body(self._body(self._event("N4", "LOST", 1)), "webhook")
        self.assertTrue(
            orphan.activity_ids.user_id.has_group("logistics_crm.group_logistics_manager")
        )
