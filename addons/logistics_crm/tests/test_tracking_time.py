"""A future-dated event moves nothing until its time; same-instant ties."""

from datetime import timedelta

from freezegun import freeze_time

from odoo.tests import tagged

from .common import LogisticsCommon


@tagged("post_install", "-at_install")
class TestTrackingTime(LogisticsCommon):
    def _at(self, moment):
        return moment.isoformat() + "+00:00"

    def test_an_event_in_2099_is_kept_flagged_and_moves_nothing(self):
        shipment = self._shipment("T1")
        counts = self.carrier._ingest_body(
            self._body(
                self._event("T1", "PICKED_UP", 5),
                {"tracking_ref": "T1", "time": "2099-01-01T00:00:00+00:00", "code": "DELIVERED"},
            ),
            "webhook",
        )
        self.assertEqual((counts["stored"], counts["future"]), (2, 1))
        future = shipment.event_ids.filtered("is_future")
        self.assertEqual(future.milestone, "delivered")
        self.assertRecordValues(
            shipment,
            [
                {
                    "milestone": "picked_up",
                    "actual_delivery": False,
                    "last_event_time": self._hours_ago(5),
                }
            ],
        )
        # what comes later still moves the shipment
        self.carrier._ingest_body(self._body(self._event("T1", "OUT_FOR_DELIVERY", 1)), "webhook")
        self.assertEqual(shipment.milestone, "out_for_delivery")

    def test_a_slightly_early_clock_is_within_the_margin(self):
        shipment = self._shipment("T2")
        soon = self._at(self.now + timedelta(minutes=10))
        self.carrier._ingest_body(
            self._body({"tracking_ref": "T2", "time": soon, "code": "PICKED_UP"}), "webhook"
        )
        self.assertEqual(shipment.milestone, "picked_up")
        self.carrier.future_margin = 0
        self.carrier._ingest_body(
            self._body({"tracking_ref": "T2", "time": soon, "code": "IN_TRANSIT"}), "webhook"
        )
        self.assertEqual(shipment.milestone, "picked_up")

    def test_a_future_event_counts_once_its_time_has_come(self):
        shipment = self._shipment("T3", planned_delivery=self.now + timedelta(days=3))
        later = self.now + timedelta(hours=2)
        self.carrier._ingest_body(
            self._body(
                self._event("T3", "OUT_FOR_DELIVERY", 1),
                {"tracking_ref": "T3", "time": self._at(later), "code": "DELIVERED"},
            ),
            "webhook",
        )
        self.assertEqual(shipment.milestone, "out_for_delivery")
        shipment.notify_pending = False
        self.env["logistics.shipment"]._cron_refresh_health()
        self.assertEqual(shipment.milestone, "out_for_delivery")
        with freeze_time(later + timedelta(minutes=1)):
            self.env["logistics.shipment"]._cron_refresh_health()
        self.assertRecordValues(
            shipment,
            [{"milestone": "delivered", "actual_delivery": later, "notify_pending": True}],
        )
        self.assertFalse(shipment.event_ids.filtered("is_future"))

    def test_same_instant_ties_follow_the_milestone_order_not_arrival(self):
        shipment = self._shipment("T4")
        self.carrier._ingest_body(self._body(self._event("T4", "DELIVERED", 2)), "webhook")
        self.carrier._ingest_body(self._body(self._event("T4", "IN_TRANSIT", 2)), "webhook")
        self.assertEqual(shipment.milestone, "delivered")
        other = self._shipment("T5")
        self.carrier._ingest_body(
            self._body(self._event("T5", "DELIVERED", 2), self._event("T5", "PICKED_UP", 2)),
            "webhook",
        )
        self.assertEqual(other.milestone, "delivered")
