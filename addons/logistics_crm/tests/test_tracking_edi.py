"""EDIFACT IFTSTA and X12 214 end to end: signed bodies through the running server."""

from odoo.tests import HttpCase, tagged

from .carrier_simulator import Answer, CarrierSimulator, edi_push
from .common import SECRET
from .connector_common import WEBHOOK_LOGGER, ConnectorCommon, sample


class EdiWebhookCase(ConnectorCommon, HttpCase):
    """Each format's two sample interchanges: pickups, then an exception and a delivery."""

    code = content_type = pickup_file = later_file = None
    refs = ()

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        carrier = cls.env["logistics.carrier"].search([("code", "=", cls.code)])
        cls.first = cls._shipment(cls.refs[0], carrier=carrier)
        cls.second = cls._shipment(cls.refs[1], carrier=carrier)
        cls.edi_carrier = carrier

    def _post(self, body, secret=SECRET):
        body, headers = edi_push(body, secret, self.content_type)
        return self.url_open(f"/logistics/tracking/{self.code}", data=body, headers=headers)

    def _check_story(self, unmapped_code):
        answer = self._post(sample(self.pickup_file)).json()
        self.assertEqual(
            (answer["stored"], answer["rejected"]), (4 if self.code == "x12-214" else 3, 0)
        )
        self.assertEqual(self.first.milestone, "in_transit")
        self.assertEqual(self.second.milestone, "picked_up")
        answer = self._post(sample(self.later_file)).json()
        self.assertEqual(answer["unmapped"], 1)
        self.assertEqual(self.first.milestone, "delivered")
        self.assertEqual(self.second.milestone, "exception")
        # the code nobody mapped yet is kept on the event and in the carrier's map
        unmapped = self.second.event_ids.filtered(lambda e: not e.is_mapped)
        self.assertEqual(unmapped.raw_code, unmapped_code)
        self.assertIn(unmapped_code, self.edi_carrier.status_ids.mapped("raw_code"))
        self.assertEqual(len(self._milestone_mails(self.first)), 1)
        self.assertEqual(len(self._milestone_mails(self.second)), 1)
        # the same interchange again: nothing new
        again = self._post(sample(self.later_file)).json()
        self.assertEqual((again["stored"], again["duplicates"]), (0, answer["stored"]))

    def _check_out_of_order(self):
        self._post(sample(self.later_file))
        self._post(sample(self.pickup_file))
        self.assertEqual(self.first.milestone, "delivered")
        self.assertEqual(self.second.milestone, "exception")

    def _check_polling(self, accept):
        """The simulator serves the interchange for one number; the poll stores it."""
        simulator = CarrierSimulator().start()
        self.addCleanup(simulator.stop)
        # the simulator speaks plain http
        self.edi_carrier.write(
            {"endpoint": simulator.url("/status/{tracking_ref}"), "is_test_carrier": True}
        )
        path = f"/status/{self.refs[0]}"
        simulator.script(path, Answer(body=sample(self.later_file), content_type=accept))
        self.edi_carrier._poll_shipments(self.first)
        self.assertEqual(self.first.milestone, "delivered")
        self.assertEqual(set(self.first.event_ids.mapped("source")), {"poll"})
        # a poll of one shipment stores none of its neighbours' events
        self.assertFalse(self.second.event_ids)
        self.assertEqual(simulator.calls(path)[0][1]["Accept"], accept)

    def _check_refusals(self, broken):
        with self.assertLogs(WEBHOOK_LOGGER, "WARNING"):
            self.assertEqual(self._post(sample(self.pickup_file), secret="wrong").status_code, 401)
            response = self._post(broken)
        self.assertEqual(response.status_code, 400)
        self.assertFalse((self.first | self.second).event_ids)
        return response.json()["error"]


@tagged("post_install", "-at_install")
class TestEdifactConnector(EdiWebhookCase):
    code, content_type = "iftsta", "application/EDIFACT"
    pickup_file = "iftsta_pickup_two_consignments.edi"
    later_file = "iftsta_exception_and_delivery.edi"
    refs = ("EDI1001", "EDI1002")

    def test_pickups_then_an_exception_and_a_delivery(self):
        self._check_story("99|")
        departed = self.first.event_ids.filtered(lambda e: e.raw_code == "24|")
        self.assertEqual(departed.location, "Shanghai (CNSHA)")
        self.assertEqual(departed.tz_offset, "+08:00")

    def test_out_of_order_interchanges(self):
        self._check_out_of_order()

    def test_polling_the_simulator(self):
        self._check_polling("application/EDIFACT")

    def test_a_cut_interchange_is_refused_whole(self):
        error = self._check_refusals(sample(self.pickup_file).replace(b"UNZ+1+IC0001'", b""))
        self.assertIn("no UNZ trailer", error)


@tagged("post_install", "-at_install")
class TestX12Connector(EdiWebhookCase):
    code, content_type = "x12-214", "application/EDI-X12"
    pickup_file = "x12_214_pickup_two_shipments.edi"
    later_file = "x12_214_exception_and_delivery.edi"
    refs = ("PRO5001", "PRO5002")

    def test_pickups_then_an_exception_and_a_delivery(self):
        self._check_story("ZZ|NS")
        pickup = self.first.event_ids.filtered(lambda e: e.raw_code == "AF|NS")
        self.assertEqual(pickup.details, {"equipment": "ABCD TRL123"})

    def test_out_of_order_interchanges(self):
        self._check_out_of_order()

    def test_polling_the_simulator(self):
        self._check_polling("application/EDI-X12")

    def test_a_wrong_count_is_refused_whole(self):
        error = self._check_refusals(sample(self.pickup_file).replace(b"SE*6*0002", b"SE*5*0002"))
        self.assertIn("SE counts 5", error)
