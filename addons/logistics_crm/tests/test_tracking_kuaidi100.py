"""快递100 end to end: pushes through the running server, subscriptions, the query API."""

import json

from odoo.tests import HttpCase, tagged
from odoo.tests.common import new_test_user

from ..tracking import kuaidi100
from .carrier_simulator import Answer, CarrierSimulator, kuaidi100_push
from .connector_common import SALT, WEBHOOK_LOGGER, ConnectorCommon, push_param, sample


@tagged("post_install", "-at_install")
class TestKuaidi100Push(ConnectorCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.first = cls._shipment("YT0001", carrier=cls.kuaidi100_carrier)
        cls.second = cls._shipment("YT0002", carrier=cls.kuaidi100_carrier)

    def _push(self, name, salt=SALT):
        body, headers = kuaidi100_push(push_param(name), salt)
        return self.url_open("/logistics/tracking/kd100-yto", data=body, headers=headers)

    def test_pushes_move_milestones_and_the_customer_is_mailed(self):
        response = self._push("kuaidi100_push_in_transit.json")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json(), {"result": True, "returnCode": "200", "message": "成功"})
        self.assertEqual(self.first.milestone, "in_transit")
        self.assertEqual(self._codes(self.first), ["103", "1002"])
        # the damaged carton of the other shipment is an exception, with a claim
        self._push("kuaidi100_push_damaged.json")
        self.assertEqual(self.second.milestone, "exception")
        self.assertEqual(
            self.second.event_ids.filtered(lambda e: e.raw_code == "209").location, "湖北,武汉市"
        )
        # the delivered push repeats the two lines already stored
        self._push("kuaidi100_push_delivered.json")
        self.assertEqual(self.first.milestone, "delivered")
        self.assertEqual(self._codes(self.first), ["103", "1002", "5", "301"])
        self.assertEqual(set(self.first.event_ids.mapped("source")), {"webhook"})
        self.assertEqual(len(self._milestone_mails(self.first)), 1)
        self.assertEqual(len(self._milestone_mails(self.second)), 1)
        # the same push again stores nothing and is acknowledged all the same
        self.assertEqual(self._push("kuaidi100_push_delivered.json").json()["result"], True)
        self.assertEqual(len(self.first.event_ids), 4)

    def test_the_portal_shows_the_same_timeline_whatever_the_source(self):
        contact = self.env["res.partner"].create({"name": "王女士", "parent_id": self.customer.id})
        new_test_user(
            self.env, login="lc_kd_portal", groups="base.group_portal", partner_id=contact.id
        )
        pro = self._shipment("PRO5001", carrier=self.x12_carrier)
        self._push("kuaidi100_push_in_transit.json")
        # an X12 file uploaded by hand, through the same ingestion
        self.x12_carrier._ingest_body(sample("x12_214_pickup_two_shipments.edi"), "upload")
        self.authenticate("lc_kd_portal", "lc_kd_portal")
        pushed = self.url_open(f"/my/shipments/{self.first.id}").text
        self.assertIn("【宁波转运中心】已发出", pushed)
        self.assertIn("浙江,宁波市", pushed)
        uploaded = self.url_open(f"/my/shipments/{pro.id}").text
        self.assertIn("Shanghai, CN", uploaded)

    def test_a_push_saying_kuaidi100_stopped_tracking_is_noted_on_the_shipment(self):
        param = json.loads(push_param("kuaidi100_push_damaged.json"))
        param.update(status="abort", message="60天无变化")
        body, headers = kuaidi100_push(json.dumps(param, ensure_ascii=False), SALT)
        response = self.url_open("/logistics/tracking/kd100-yto", data=body, headers=headers)
        self.assertEqual(response.json()["result"], True)
        notes = self.second.message_ids.filtered(lambda m: "stopped tracking" in (m.body or ""))
        self.assertEqual(len(notes), 1)
        self.assertIn("60天无变化", notes.body)
        self.assertEqual(len(self.second.event_ids), 2)

    def test_out_of_order_pushes_keep_the_latest_milestone(self):
        self._push("kuaidi100_push_delivered.json")
        self._push("kuaidi100_push_in_transit.json")
        self.assertEqual(self.first.milestone, "delivered")
        self.assertEqual(len(self.first.event_ids), 4)

    def test_a_wrong_sign_or_a_json_body_is_refused_in_kuaidi100_terms(self):
        with self.assertLogs(WEBHOOK_LOGGER, "WARNING"):
            response = self._push("kuaidi100_push_in_transit.json", salt="wrong")
        self.assertEqual(response.status_code, 401)
        self.assertEqual(response.json()["result"], False)
        self.assertIn("sign", response.json()["message"])
        with self.assertLogs(WEBHOOK_LOGGER, "WARNING"):
            response = self.url_open(
                "/logistics/tracking/kd100-yto",
                data=sample("kuaidi100_push_in_transit.json"),
                headers={"Content-Type": "application/json"},
            )
        self.assertEqual(response.status_code, 415)
        with self.assertLogs(WEBHOOK_LOGGER, "WARNING"):
            body, headers = kuaidi100_push("{not json", SALT)
            response = self.url_open("/logistics/tracking/kd100-yto", data=body, headers=headers)
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()["returnCode"], "400")
        self.assertFalse(self.first.event_ids)


@tagged("post_install", "-at_install")
class TestKuaidi100Subscription(ConnectorCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.simulator = CarrierSimulator().start()
        cls.addClassCleanup(cls.simulator.stop)
        # the simulator speaks plain http
        cls.kuaidi100_carrier.write(
            {
                "endpoint": cls.simulator.url("/poll/query.do"),
                "kuaidi100_subscribe_url": cls.simulator.url("/poll"),
                "is_test_carrier": True,
                "max_retries": 0,
                "timeout": 2,
            }
        )

    def test_new_and_renumbered_shipments_are_subscribed_and_failures_retried(self):
        refused = {"result": False, "returnCode": "600", "message": "您不是合法的订阅者"}
        self.simulator.kuaidi100(
            subscribe_answers=[Answer(body=json.dumps(refused).encode()), Answer(503)]
        )
        shipment = self._shipment("YT0001", carrier=self.kuaidi100_carrier)
        other = self._shipment("SF1", carrier=self.carrier)  # our JSON: nothing to subscribe
        self.assertEqual(shipment.subscription_state, "pending")
        self.assertFalse(other.subscription_state)
        self.kuaidi100_carrier._subscribe_pending()
        self.assertEqual(shipment.subscription_state, "pending")
        self.assertIn("returnCode 600", shipment.subscription_error)
        # the polling job tries again: a 503 now, then kuaidi100 accepts
        self.env["logistics.carrier"]._cron_poll_shipments()
        self.assertIn("HTTP 503", shipment.subscription_error)
        self.simulator.kuaidi100()
        self.env["logistics.carrier"]._cron_poll_shipments()
        self.assertRecordValues(
            shipment, [{"subscription_state": "subscribed", "subscription_error": False}]
        )
        form = [form for path, form in self.simulator.posted if path == "/poll"][-1]
        param = json.loads(form["param"])
        self.assertEqual(
            (param["company"], param["number"], param["key"]), ("yuantong", "YT0001", "KEY-T")
        )
        self.assertEqual(param["parameters"]["salt"], SALT)
        self.assertTrue(
            param["parameters"]["callbackurl"].endswith("/logistics/tracking/kd100-yto")
        )
        # a new number is a new subscription; a carrier that does not push, none
        shipment.tracking_ref = "YT0009"
        self.assertEqual(shipment.subscription_state, "pending")
        shipment.carrier_id = self.carrier
        self.assertFalse(shipment.subscription_state)

    def test_polling_asks_the_query_api_with_its_signature(self):
        self.simulator.kuaidi100(query_answers=[Answer(body=sample("kuaidi100_query_answer.json"))])
        shipment = self._shipment("YT0001", carrier=self.kuaidi100_carrier)
        self.assertEqual(self.kuaidi100_carrier._poll_batch(force=True), 1)
        self.assertEqual(shipment.milestone, "delivered")
        self.assertEqual(set(shipment.event_ids.mapped("source")), {"poll"})
        path, form = self.simulator.posted[-1]
        self.assertEqual(path, "/poll/query.do")
        self.assertEqual(form["customer"], "CUSTOMER-T")
        self.assertEqual(form["sign"], kuaidi100.query_sign(form["param"], "KEY-T", "CUSTOMER-T"))
        self.assertEqual(json.loads(form["param"])["num"], "YT0001")

    def test_an_error_answer_of_the_query_api_is_recorded_on_the_shipment(self):
        error = {"result": False, "returnCode": "500", "message": "查询无结果,请隔段时间再查"}
        self.simulator.kuaidi100(query_answers=[Answer(body=json.dumps(error).encode())])
        shipment = self._shipment("YT0003", carrier=self.kuaidi100_carrier)
        self.kuaidi100_carrier._poll_batch(force=True)
        self.assertIn("returnCode 500", shipment.last_sync_error)
        self.assertFalse(shipment.event_ids)

    def test_an_incomplete_account_is_recorded_not_raised(self):
        self.kuaidi100_carrier.kuaidi100_customer = False
        shipment = self._shipment("YT0004", carrier=self.kuaidi100_carrier)
        asked = len(self.simulator.calls("/poll/query.do"))
        self.kuaidi100_carrier._poll_batch(force=True)
        self.assertIn("lacks its customer", shipment.last_sync_error)
        self.assertEqual(len(self.simulator.calls("/poll/query.do")), asked)

    def test_subscribed_shipments_pushed_to_lately_are_not_polled(self):
        pushed = self._shipment("YT0001", carrier=self.kuaidi100_carrier)
        quiet = self._shipment("YT0002", carrier=self.kuaidi100_carrier)
        waiting = self._shipment("YT0005", carrier=self.kuaidi100_carrier)
        (pushed | quiet).write({"subscription_state": "subscribed"})
        self.kuaidi100_carrier._ingest_body(
            push_param("kuaidi100_push_in_transit.json").encode(), "webhook"
        )
        self.assertEqual(self.kuaidi100_carrier._lock_due_shipments(), quiet | waiting)
        # "Poll Now" asks them all
        self.assertEqual(
            self.kuaidi100_carrier._lock_due_shipments(force=True), pushed | quiet | waiting
        )
