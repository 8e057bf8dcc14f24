"""Who may poll, what the portal sees, per-carrier secrets."""

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged
from odoo.tests.common import new_test_user

from .carrier_simulator import Answer
from .common import LogisticsCommon


@tagged("post_install", "-at_install")
class TestTrackingAccess(LogisticsCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._simulate_aggregator(
            "/t/{tracking_ref}", api_key="k-secret", api_key_header="as-api-key", max_retries=0
        )
        cls.portal_user = new_test_user(
            cls.env, login="lc_t_portal", password="lc_t_portal", groups="base.group_portal"
        )
        cls.portal_user.partner_id.parent_id = cls.customer
        cls.shipment = cls._shipment("AC1", carrier=cls.aggregator)

    def test_only_logistics_users_poll_a_shipment_and_managers_a_carrier(self):
        for user in (self.portal_user, self.account_manager):
            with self.assertRaises(AccessError):
                self.shipment.with_user(user).action_poll_now()
            with self.assertRaises(AccessError):
                self.aggregator.with_user(user).action_poll_now()
        with self.assertRaises(AccessError):
            self.aggregator.with_user(self.logistics_user).action_poll_now()
        self.assertEqual(self.simulator.requests, [])

    def test_a_portal_user_over_json_rpc_cannot_make_the_server_poll(self):
        self.authenticate("lc_t_portal", "lc_t_portal")
        for model, record in (
            ("logistics.shipment", self.shipment),
            ("logistics.carrier", self.aggregator),
        ):
            answer = self._json_rpc(model, "action_poll_now", [record.ids])
            self.assertIn("error", answer)
        self.assertEqual(self.simulator.requests, [])
        self.assertFalse(self.shipment.last_sync_date)

    def test_the_portal_sees_the_carrier_name_not_the_carrier(self):
        with self.assertRaises(AccessError):
            self.aggregator.with_user(self.portal_user).read(["code", "endpoint"])
        shipment = self.shipment.with_user(self.portal_user)
        self.assertEqual(shipment.carrier_name, "Aggregator")
        with self.assertRaises(AccessError):
            shipment.read(["last_sync_error"])
        self.authenticate("lc_t_portal", "lc_t_portal")
        page = self.url_open(f"/my/shipments/{self.shipment.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("Aggregator", page.text)

    def test_redirects_keep_the_api_key_home(self):
        self.simulator.script("/t/AC1", Answer(302, headers={"Location": self.simulator.url("/x")}))
        self.shipment.with_user(self.logistics_user).action_poll_now()
        self.assertIn("redirects are not followed", self.shipment.last_sync_error)
        self.assertEqual(self.simulator.calls("/x"), [])
        self.assertEqual(self.simulator.calls("/t/AC1")[0][1].get("as-api-key"), "k-secret")

    def test_plain_http_only_for_test_carriers(self):
        self.aggregator.is_test_carrier = False
        self.aggregator._poll_shipments(self.shipment)
        self.assertIn("https://", self.shipment.last_sync_error)
        self.assertEqual(self.simulator.requests, [])

    def test_each_carrier_its_own_generated_secret_and_rotation(self):
        Carrier = self.env["logistics.carrier"]
        first, second = Carrier.create(
            [
                {"name": "A", "code": "sec-a", "connector": "json"},
                {"name": "B", "code": "sec-b", "connector": "json"},
            ]
        )
        self.assertGreaterEqual(len(first.webhook_secret), 40)
        self.assertNotEqual(first.webhook_secret, second.webhook_secret)
        before = first.webhook_secret
        first.with_user(self.logistics_manager).action_rotate_webhook_secret()
        self.assertNotEqual(first.webhook_secret, before)
        with self.assertRaises(AccessError):
            first.with_user(self.logistics_user).action_rotate_webhook_secret()
        demo = [
            self.env.ref(f"logistics_crm.{xmlid}", raise_if_not_found=False)
            for xmlid in ("demo_carrier_sf", "demo_carrier_gs1", "demo_carrier_aggregator")
        ]
        secrets = [carrier.webhook_secret for carrier in demo if carrier]
        self.assertEqual(len(set(secrets)), len(secrets))
        self.assertNotIn("demo-secret-change-me", secrets)
