from odoo.tests import tagged
from odoo.tests.common import RecordCapturer

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
        # a demo database's own shipments may wait for their mails: not these tests' mails
        cls.env["logistics.shipment"].sudo().search([("notify_pending", "=", True)]).write(
            {"notify_pending": False}
        )

    def _ingest(self, *events):
        """What the webhook does, then what the triggered notification job does."""
        self.carrier._ingest_body(self._body(*events), "webhook")
        return self.env["logistics.shipment"]._cron_send_milestone_notifications()

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
        # picked up then in transit before the job ran: in transit is not worth a mail
        self._ingest(self._event("N1", "PICKED_UP", 5), self._event("N1", "IN_TRANSIT", 4))
        self.assertEqual(shipment.milestone, "in_transit")
        self.assertFalse(self._mails_to(self.customer, shipment))
        self.assertEqual(self._ingest(self._event("N1", "OUT_FOR_DELIVERY", 2)), 1)
        self.assertEqual(self._ingest(self._event("N1", "DELIVERED", 1)), 1)
        self.assertFalse(shipment.notify_pending)
        mails = self._mails_to(self.customer, shipment)
        self.assertEqual(len(mails), 2)
        self.assertTrue(all("N1" in m.subject for m in mails))
        self.assertIn("已签收", mails.sorted("id")[-1].body)
        notifications = mails.notification_ids.filtered(lambda n: n.res_partner_id == self.customer)
        self.assertEqual(set(notifications.mapped("notification_type")), {"email"})

    def test_the_webhook_queues_the_mail_and_triggers_the_job_at_once(self):
        shipment = self._shipment("N5")
        cron = self.env.ref("logistics_crm.ir_cron_send_milestone_notifications")
        triggers_of = self.env["ir.cron.trigger"].sudo()
        with RecordCapturer(triggers_of, [("cron_id", "=", cron.id)]) as triggers:
            self.carrier._ingest_body(self._body(self._event("N5", "PICKED_UP", 1)), "webhook")
        self.assertTrue(shipment.notify_pending)
        self.assertEqual(len(triggers.records), 1)
        self.assertFalse(self._mails_to(self.customer, shipment))

    def test_picked_up_mail_in_english_for_an_english_customer(self):
        shipment = self._shipment("N2", partner=self.other_customer)
        self._ingest(self._event("N2", "PICKED_UP", 1))
        [mail] = self._mails_to(self.other_customer, shipment)
        self.assertIn("has been picked up", mail.body)

    def test_exception_mails_the_customer_and_assigns_the_account_manager(self):
        shipment = self._shipment("N3")
        self._ingest(self._event("N3", "SHORTAGE", 1))
        self.assertEqual(len(self._mails_to(self.customer, shipment)), 1)
        self.assertEqual(shipment.activity_ids.user_id, self.account_manager)
        # no account manager: a logistics manager gets it
        orphan = self._shipment("N4", partner=self.other_customer)
        self._ingest(self._event("N4", "LOST", 1))
        self.assertTrue(
            orphan.activity_ids.user_id.has_group("logistics_crm.group_logistics_manager")
        )
