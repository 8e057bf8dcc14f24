"""The one upload wizard: any connector, the webhook's path, counts and refusals shown."""

import base64
from datetime import datetime

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged

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

    def test_local_times_are_read_in_the_carriers_time_zone(self):
        self.x12_carrier.edi_time_zone = "Asia/Shanghai"
        self._upload(self.x12_carrier, sample("x12_214_pickup_two_shipments.edi"))
        pickup = self.pro.event_ids.filtered(lambda e: e.raw_code == "X3|NS")
        # 08:00 local time (LT) in Ningbo is 00:00 UTC
        self.assertEqual(pickup.event_time, datetime(2026, 5, 5, 0, 0))
        self.assertEqual(pickup.tz_offset, "+08:00")

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


@tagged("post_install", "-at_install")
class TestTrackingUploadOverHttp(ConnectorCommon, HttpCase):
    """The wizard through the running server, as the web client calls it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.edi = cls._shipment("EDI1001", carrier=cls.edifact_carrier)

    def _upload(self, content):
        values = {
            "carrier_id": self.edifact_carrier.id,
            "file": base64.b64encode(content).decode(),
            "filename": "status.edi",
        }
        created = self._json_rpc("logistics.tracking.upload", "create", [values])
        if "error" in created:
            return created
        return self._json_rpc("logistics.tracking.upload", "action_upload", [[created["result"]]])

    def test_a_manager_uploads_and_the_customer_is_mailed(self):
        self.authenticate("lc_t_manager", "lc_t_manager")
        answer = self._upload(sample("iftsta_exception_and_delivery.edi"))
        wizard = self.env["logistics.tracking.upload"].browse(answer["result"]["res_id"])
        self.assertEqual((wizard.stored, wizard.unmatched), (1, 2))
        self.assertEqual(self.edi.milestone, "delivered")
        self.assertEqual(len(self._milestone_mails(self.edi)), 1)
        # a bad file: the user reads why, nothing is written
        answer = self._upload(b"UNB+UNOC:3+A+B+1+X'")
        self.assertEqual(answer["error"]["data"]["name"], "odoo.exceptions.UserError")
        self.assertIn("no UNZ trailer", answer["error"]["data"]["message"])
        self.assertEqual(len(self.edi.event_ids), 1)

    def test_a_logistics_user_cannot_upload_or_configure(self):
        self.authenticate("lc_t_user", "lc_t_user")
        answer = self._upload(sample("iftsta_exception_and_delivery.edi"))
        self.assertEqual(answer["error"]["data"]["name"], "odoo.exceptions.AccessError")
        answer = self._json_rpc(
            "logistics.carrier", "write", [self.kuaidi100_carrier.ids, {"kuaidi100_salt": "mine"}]
        )
        self.assertEqual(answer["error"]["data"]["name"], "odoo.exceptions.AccessError")
        self.assertFalse(self.edi.event_ids)
