from datetime import timedelta
from pathlib import Path

from odoo.tests import tagged

from ..tracking.events import PayloadError
from .common import LogisticsCommon

EPCIS = Path(__file__).parent / "data" / "epcis"
# queries to store a body of events of five shipments, whatever their number
QUERY_BUDGET = 14
DUPLICATE_BUDGET = 3


@tagged("post_install", "-at_install")
class TestTrackingIngest(LogisticsCommon):
    def test_the_same_body_twice_is_stored_once(self):
        shipment = self._shipment("SF100")
        body = self._body(
            self._event("SF100", "PICKED_UP", 10), self._event("SF100", "IN_TRANSIT", 5)
        )
        first = self.carrier._ingest_body(body, "webhook")
        again = self.carrier._ingest_body(body, "webhook")
        self.assertEqual((first["stored"], first["duplicates"]), (2, 0))
        self.assertEqual((again["stored"], again["duplicates"]), (0, 2))
        self.assertEqual(len(shipment.event_ids), 2)
        self.assertEqual(shipment.milestone, "in_transit")

    def test_milestone_follows_event_time_not_arrival_order(self):
        shipment = self._shipment("SF101")
        self.carrier._ingest_body(self._body(self._event("SF101", "DELIVERED", 1)), "webhook")
        self.assertEqual(shipment.milestone, "delivered")
        # late arrivals of older events do not move it back
        self.carrier._ingest_body(
            self._body(
                self._event("SF101", "OUT_FOR_DELIVERY", 3),
                self._event("SF101", "PICKED_UP", 30),
            ),
            "webhook",
        )
        self.assertRecordValues(
            shipment,
            [
                {
                    "milestone": "delivered",
                    "actual_pickup": self._hours_ago(30),
                    "actual_delivery": self._hours_ago(1),
                    "transit_days": 1.21,
                    "on_time": True,
                    "health": "on_track",
                }
            ],
        )

    def test_unknown_code_is_kept_unmapped_and_asks_a_manager_once(self):
        shipment = self._shipment("SF102")
        self.carrier._ingest_body(
            self._body(
                self._event("SF102", "PICKED_UP", 9),
                self._event("SF102", "WEIRD_SCAN", 8, description="Scanned on line 7"),
            ),
            "webhook",
        )
        event = shipment.event_ids.filtered(lambda e: e.raw_code == "WEIRD_SCAN")
        self.assertRecordValues(event, [{"is_mapped": False, "milestone": False}])
        self.assertEqual(shipment.milestone, "picked_up")
        line = self.carrier.status_ids.filtered(lambda s: s.raw_code == "WEIRD_SCAN")
        self.assertRecordValues(line, [{"is_mapped": False, "description": "Scanned on line 7"}])
        todo = self.env.ref("logistics_crm.mail_activity_map_status_codes")
        activities = self.carrier.activity_ids.filtered(lambda a: a.activity_type_id == todo)
        self.assertEqual(len(activities), 1)
        self.assertTrue(activities.user_id.has_group("logistics_crm.group_logistics_manager"))
        # a second unknown code while the first request is open: still one activity
        self.carrier._ingest_body(self._body(self._event("SF102", "OTHER_SCAN", 7)), "webhook")
        self.assertEqual(
            len(self.carrier.activity_ids.filtered(lambda a: a.activity_type_id == todo)), 1
        )
        # once mapped, the stored events follow and the shipment moves
        line.with_user(self.logistics_manager).category_id = self.env.ref(
            "logistics_crm.status_category_transit"
        )
        self.assertRecordValues(event, [{"is_mapped": True, "milestone": "in_transit"}])
        self.assertEqual(shipment.milestone, "in_transit")

    def test_events_of_unknown_tracking_numbers_are_counted_not_stored(self):
        self._shipment("SF103")
        counts = self.carrier._ingest_body(
            self._body(self._event("SF103", "PICKED_UP", 2), self._event("NOPE", "PICKED_UP", 2)),
            "webhook",
        )
        self.assertEqual((counts["stored"], counts["unmatched"]), (1, 1))

    def test_a_bad_event_is_rejected_alone_and_a_bad_body_writes_nothing(self):
        shipment = self._shipment("SF104")
        body = self._body(self._event("SF104", "PICKED_UP", 2), {"tracking_ref": "SF104"})
        counts = self.carrier._ingest_body(body, "webhook")
        self.assertEqual((counts["stored"], counts["rejected"]), (1, 1))
        self.assertEqual(
            counts["rejections"], [{"event": "events[1]", "reason": "events[1].time: missing time"}]
        )
        self.assertEqual(shipment.milestone, "picked_up")
        with self.assertRaises(PayloadError):
            self.carrier._ingest_body(b'{"events": "none"}', "webhook")

    def test_gs1_epcis_example_documents(self):
        # the standard's example 9.6.1 names this purchase order in both events
        shipment = self._shipment(
            "http://transaction.acme.com/po/12345678",
            carrier=self.epcis_carrier,
            planned_delivery=self.now,
        )
        counts = self.epcis_carrier._ingest_body(
            (EPCIS / "gs1_example_9_6_1_object_event.xml").read_bytes(), "webhook"
        )
        self.assertEqual(counts["stored"], 2)
        events = shipment.event_ids.sorted("event_time")
        self.assertEqual(
            events.mapped("raw_code"), ["shipping|in_transit", "receiving|in_progress"]
        )
        self.assertEqual(events.mapped("tz_offset"), ["-06:00", "-06:00"])
        self.assertEqual(str(events[0].event_time), "2005-04-04 02:33:31")
        self.assertEqual(shipment.milestone, "delivered")
        rail = self._shipment("urn:epc:id:giai:952005385.w2", carrier=self.epcis_carrier)
        counts = self.epcis_carrier._ingest_body(
            (EPCIS / "gs1_example_transaction_events.xml").read_bytes(), "webhook"
        )
        self.assertEqual((counts["stored"], counts["unmatched"]), (1, 1))
        self.assertEqual(rail.milestone, "in_transit")

    def test_editing_a_fallback_line_remaps_the_events_it_reaches(self):
        shipment = self._shipment("SSCC-9", carrier=self.epcis_carrier)
        body = (
            b'<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2"><EPCISBody><EventList>'
            b"<ObjectEvent><eventTime>2026-05-06T10:00:00+08:00</eventTime>"
            b"<epcList><epc>SSCC-9</epc></epcList>"
            b"<bizStep>urn:epcglobal:cbv:bizstep:receiving</bizStep>"
            b"<disposition>urn:epcglobal:cbv:disp:in_progress</disposition></ObjectEvent>"
            b"</EventList></EPCISBody></epcis:EPCISDocument>"
        )
        self.epcis_carrier._ingest_body(body, "webhook")
        self.assertEqual(shipment.milestone, "delivered")  # through the "receiving|" line
        line = self.epcis_carrier.status_ids.filtered(lambda s: s.raw_code == "receiving|")
        line.category_id = self.env.ref("logistics_crm.status_category_transit")
        self.assertEqual(shipment.event_ids.milestone, "in_transit")
        self.assertEqual(shipment.milestone, "in_transit")

    def test_exception_gives_the_account_manager_an_activity(self):
        shipment = self._shipment("SF105")
        self.carrier._ingest_body(self._body(self._event("SF105", "DAMAGED", 1)), "webhook")
        self.assertRecordValues(
            shipment, [{"milestone": "exception", "health": "exception", "had_exception": True}]
        )
        self.assertEqual(shipment.activity_ids.user_id, self.account_manager)

    def test_manual_event_by_a_logistics_user(self):
        shipment = self._shipment("SF106")
        shipment.with_user(self.logistics_user).write(
            {
                "event_ids": [
                    (
                        0,
                        0,
                        {
                            "event_time": self.now - timedelta(hours=1),
                            "raw_code": "PICKED_UP",
                            "description": "Confirmed by phone",
                            "milestone": "picked_up",
                        },
                    )
                ]
            }
        )
        self.assertEqual(shipment.milestone, "picked_up")
        self.assertEqual(shipment.event_ids.source, "manual")

    def test_health_goes_late_without_new_events(self):
        shipment = self._shipment("SF107", planned_delivery=self.now - timedelta(hours=1))
        self.env["logistics.shipment"]._cron_refresh_health()
        self.assertEqual(shipment.health, "late")

    def test_eta_beyond_plan_puts_the_shipment_at_risk(self):
        shipment = self._shipment("SF108", planned_delivery=self.now + timedelta(days=1))
        eta = (self.now + timedelta(days=2)).isoformat() + "+00:00"
        self.carrier._ingest_body(
            self._body(self._event("SF108", "IN_TRANSIT", 1, eta=eta)), "webhook"
        )
        self.assertRecordValues(
            shipment, [{"health": "at_risk", "eta": self.now + timedelta(days=2)}]
        )

    def test_query_budget_does_not_grow_with_the_events(self):
        """Storing a body costs the same queries for 5 or 50 events of 5 shipments."""
        for ref in ("QB1", "QB2", "QB3", "QB4", "QB5"):
            self._shipment(ref)

        def body(per_shipment, offset):
            return self._body(
                *(
                    self._event(
                        ref, "IN_TRANSIT", offset + step / 60, event_id=f"{ref}-{offset}-{step}"
                    )
                    for ref in ("QB1", "QB2", "QB3", "QB4", "QB5")
                    for step in range(per_shipment)
                )
            )

        self.carrier._ingest_body(body(1, 40), "webhook")  # first milestone, caches warm
        self.env.flush_all()
        small, large = body(1, 30), body(10, 20)
        with self.assertQueryCount(QUERY_BUDGET):
            self.carrier._ingest_body(small, "webhook")
            self.env.flush_all()
        with self.assertQueryCount(QUERY_BUDGET):
            self.carrier._ingest_body(large, "webhook")
            self.env.flush_all()
        # the same bodies again: duplicates only, nothing written
        with self.assertQueryCount(DUPLICATE_BUDGET):
            counts = self.carrier._ingest_body(large, "webhook")
        self.assertEqual(counts["duplicates"], 50)
