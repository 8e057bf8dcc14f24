"""The one upload wizard: any connector, the webhook's path, counts and refusals shown."""

import base64

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .connector_common import ConnectorCommon, push_param, sample


@tagged("post_install", "-at_install")
class TestTrackingUpload(ConnectorCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pro = cls._shipment("PRO5001", carrier=cls.x12_carrier)
        cls.yt = cls._shipment("YT0001", carrier=cls.kuaidi100_carrier)

    def _upload(self, carrier, content, user=None):
        Wizard = self.env["logistics.tracking.upload"].with_user(user or self.logistics_manager)
        wizard = Wizard.create(
            {"carrier_id": carrier.id, "file": base64.b64encode(content), "filename": "f.edi"}
        )
        wizard.action_upload()
        return wizard

    def _state(self):
        self.env.invalidate_all()
        return (
            self.env["logistics.shipment.event"].search_count([]),
            self.env["logistics.carrier.status"].search_count([]),
        )

    def test_an_x12_file_is_ingested_and_its_counts_shown(self):
        body = sample("x12_214_exception_and_delivery.edi")
        wizard = self._upload(self.x12_carrier, body)
        # PRO5002 is nobody's here: its two statuses are unmatched
        self.assertRecordValues(
            wizard,
            [{"state": "done", "received": 4, "stored": 2, "unmatched": 2, "rejected": 0}],
        )
        self.assertEqual(self.pro.milestone, "delivered")
        self.assertEqual(set(self.pro.event_ids.mapped("source")), {"upload"})
        self.assertEqual(self._upload(self.x12_carrier, body).duplicates, 2)

    def test_refused_items_are_listed_and_a_kuaidi100_param_file_works_too(self):
        body = sample("x12_214_pickup_two_shipments.edi").replace(
            b"20260505*1030*LT", b"2026050*1030*LT"
        )
        wizard = self._upload(self.x12_carrier, body)
        self.assertEqual(wizard.rejected, 1)
        self.assertIn("LX[1] AT7[1]: ", wizard.rejections)
        self.assertIn("not CCYYMMDD", wizard.rejections)
        wizard = self._upload(
            self.kuaidi100_carrier, push_param("kuaidi100_push_delivered.json").encode()
        )
        self.assertEqual((wizard.stored, self.yt.milestone), (4, "delivered"))

    def test_a_bad_file_is_a_clear_error_and_writes_nothing(self):
        before = self._state()
        for carrier, content, message in (
            (self.x12_carrier, sample("iftsta_pickup_two_consignments.edi"), "ANSI X12 214"),
            (self.edifact_carrier, b"\x89PNG\r\n\x1a\n", "EDIFACT IFTSTA"),
            (self.kuaidi100_carrier, sample("x12_214_pickup_two_shipments.edi"), "malformed JSON"),
        ):
            with self.assertRaisesRegex(UserError, message):
                self._upload(carrier, content)
        with self.assertRaisesRegex(UserError, "Choose a file"):
            self.env["logistics.tracking.upload"].create(
                {"carrier_id": self.x12_carrier.id}
            ).action_upload()
        self.assertEqual(self._state(), before)

    def test_least_privileged_users_cannot_upload_or_read_the_secrets(self):
        for user in (self.logistics_user, self.account_manager):
            with self.assertRaises(AccessError):
                self._upload(
                    self.x12_carrier, sample("x12_214_pickup_two_shipments.edi"), user=user
                )
            with self.assertRaises(AccessError):
                self.kuaidi100_carrier.with_user(user).read(["kuaidi100_salt"])
            with self.assertRaises(AccessError):
                self.kuaidi100_carrier.with_user(user).write({"kuaidi100_company": "shunfeng"})
        self.assertFalse(self.pro.event_ids)
        self.assertEqual(
            self.kuaidi100_carrier.with_user(self.logistics_manager).kuaidi100_salt,
            "salt-for-tests",
        )
