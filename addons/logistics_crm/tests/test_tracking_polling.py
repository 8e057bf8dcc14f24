import json
import time
from contextlib import closing
from datetime import timedelta

from odoo import SUPERUSER_ID, api, fields, sql_db
from odoo.tests import tagged

from .carrier_simulator import Answer
from .common import LogisticsCommon


@tagged("post_install", "-at_install")
class TestTrackingPolling(LogisticsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._simulate_aggregator(
            "/trackings/{tracking_ref}",
            timeout=0.5,
            max_retries=2,
            api_key="k-123",
            api_key_header="as-api-key",
        )

    def _answer(self, ref, *tags, status=200):
        checkpoints = [
            {
                "checkpoint_time": (self.now - timedelta(hours=10 - i)).isoformat() + "+00:00",
                "tag": tag,
                "message": tag,
            }
            for i, tag in enumerate(tags)
        ]
        body = {"data": {"tracking": {"tracking_number": ref, "checkpoints": checkpoints}}}
        return Answer(status, body=json.dumps(body).encode())

    def test_a_500_then_a_200(self):
        shipment = self._shipment("P1", carrier=self.aggregator)
        self.simulator.script(
            "/trackings/P1", Answer(500), self._answer("P1", "InfoReceived", "InTransit")
        )
        done = self.env["logistics.carrier"]._cron_poll_shipments()
        self.assertEqual(done, 1)
        self.assertEqual(len(self.simulator.calls("/trackings/P1")), 2)
        self.assertRecordValues(shipment, [{"milestone": "in_transit", "last_sync_error": False}])
        self.assertEqual(set(shipment.event_ids.mapped("source")), {"poll"})
        headers = self.simulator.calls("/trackings/P1")[0][1]
        self.assertEqual(headers.get("as-api-key"), "k-123")
        # polled recently: not due again
        self.assertEqual(self.aggregator._due_shipment_count(), 0)

    def test_429_with_retry_after_is_waited_for(self):
        shipment = self._shipment("P2", carrier=self.aggregator)
        self.simulator.script(
            "/trackings/P2",
            Answer(429, headers={"Retry-After": "1"}),
            self._answer("P2", "Delivered"),
        )
        started = time.monotonic()
        self.aggregator._poll_batch()
        calls = self.simulator.calls("/trackings/P2")
        self.assertEqual(len(calls), 2)
        self.assertGreaterEqual(calls[1][2] - calls[0][2], 1.0)
        self.assertLess(time.monotonic() - started, 5)
        self.assertEqual(shipment.milestone, "delivered")

    def test_a_timeout_is_recorded_and_the_batch_goes_on(self):
        slow = self._shipment("P3", carrier=self.aggregator)
        fine = self._shipment("P4", carrier=self.aggregator)
        bad = self._shipment("P5", carrier=self.aggregator)
        # Odoo's test mode raises any requests timeout below 10 s to 10 s
        self.aggregator.write({"timeout": 10, "max_retries": 0})
        self.simulator.script("/trackings/P3", Answer(200, body=b"{}", delay=10.5))
        self.simulator.script("/trackings/P4", self._answer("P4", "InTransit"))
        self.simulator.script("/trackings/P5", Answer(200, body=b"<html>oops</html>"))
        self.assertEqual(self.aggregator._poll_batch(), 3)
        self.assertIn("timed out", slow.last_sync_error)
        self.assertEqual(len(self.simulator.calls("/trackings/P3")), 1)
        self.assertIn("malformed JSON", bad.last_sync_error)
        self.assertTrue(slow.last_sync_date)
        self.assertFalse(fine.last_sync_error)
        self.assertEqual(fine.milestone, "in_transit")
        self.assertFalse(slow.event_ids | bad.event_ids)

    def test_final_shipments_are_not_polled(self):
        shipment = self._shipment("P6", carrier=self.aggregator)
        self.simulator.script("/trackings/P6", self._answer("P6", "Delivered"))
        self.aggregator._poll_batch()
        self.assertEqual(shipment.milestone, "delivered")
        self.assertEqual(self.aggregator._poll_batch(force=True), 0)

    def test_two_workers_never_poll_the_same_shipment(self):
        """A shipment row locked by one worker is skipped by the other (SKIP LOCKED)."""
        dbname = self.env.cr.dbname
        company = self.env.ref("base.main_company").id
        partner = self.env.ref("base.main_partner").id
        with closing(sql_db.db_connect(dbname).cursor()) as setup:
            setup.execute(
                """INSERT INTO logistics_carrier (name, code, connector, active, timeout,
                       max_retries, poll_interval, poll_batch_size, sequence, endpoint)
                   VALUES ('Lock test', 'lock-test', 'json', TRUE, 1, 0, 60, 10, 1,
                           'http://127.0.0.1:9/x') RETURNING id"""
            )
            [(carrier_id,)] = setup.fetchall()
            setup.execute(
                """INSERT INTO logistics_shipment (name, company_id, partner_id,
                       commercial_partner_id, carrier_id, tracking_ref, booked_date, milestone,
                       health, active, packages)
                   VALUES ('LOCK/1', %s, %s, %s, %s, 'L1', now(), 'booked', 'on_track', TRUE, 1)
                   RETURNING id""",
                (company, partner, partner, carrier_id),
            )
            [(shipment_id,)] = setup.fetchall()
            setup.commit()
        try:
            with (
                closing(sql_db.db_connect(dbname).cursor()) as holder,
                closing(sql_db.db_connect(dbname).cursor()) as worker,
            ):
                holder.execute(
                    "SELECT id FROM logistics_shipment WHERE id = %s FOR UPDATE", (shipment_id,)
                )
                worker_env = api.Environment(worker, SUPERUSER_ID, {})
                carrier = worker_env["logistics.carrier"].browse(carrier_id)
                self.assertFalse(carrier._lock_due_shipments())
                holder.rollback()
                self.assertEqual(carrier._lock_due_shipments().ids, [shipment_id])
                worker.rollback()
        finally:
            with closing(sql_db.db_connect(dbname).cursor()) as cleanup:
                cleanup.execute("DELETE FROM logistics_shipment WHERE id = %s", (shipment_id,))
                cleanup.execute("DELETE FROM logistics_carrier WHERE id = %s", (carrier_id,))
                cleanup.commit()

    def test_update_tracking_button_polls_this_shipment_and_reports(self):
        shipment = self._shipment("P7", carrier=self.aggregator)
        other = self._shipment("P8", carrier=self.aggregator)
        self.simulator.script("/trackings/P7", Answer(401, body=b"bad key"))
        action = shipment.with_user(self.logistics_user).action_poll_now()
        self.assertEqual(action["params"]["type"], "danger")
        self.assertIn("HTTP 401", action["params"]["message"])
        self.assertIn("HTTP 401", shipment.last_sync_error)
        self.assertLessEqual(shipment.last_sync_date, fields.Datetime.now())
        self.assertFalse(self.simulator.calls("/trackings/P8"))
        self.assertFalse(other.last_sync_date)
