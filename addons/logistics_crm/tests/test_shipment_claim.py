import json
from datetime import date, datetime

from freezegun import freeze_time

from odoo.tests import TransactionCase, tagged

from .complaint_common import ComplaintFixtures


@tagged("post_install", "-at_install")
class TestShipmentClaim(TransactionCase, ComplaintFixtures):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_complaint_fixtures(cls.env.company)
        cls.carrier = cls.env["logistics.carrier"].create(
            {"name": "Yangtze Express", "code": "cmp_yx", "connector": "json"}
        )
        cls.shipment = cls._shipment("YX100001")

    @classmethod
    def _shipment(cls, ref, partner=None, booked=None):
        return cls.env["logistics.shipment"].create(
            {
                "partner_id": (partner or cls.customer).id,
                "carrier_id": cls.carrier.id,
                "tracking_ref": ref,
                **({"booked_date": booked} if booked else {}),
            }
        )

    def _push(self, *events):
        body = {
            "events": [
                {"tracking_ref": ref, "time": time, "code": code, "description": text}
                for ref, time, code, text in events
            ]
        }
        return self.carrier._ingest_body(json.dumps(body).encode(), "webhook")

    def _claims(self, shipment=None):
        return self.env["logistics.complaint"].search(
            [("shipment_id", "=", (shipment or self.shipment).id)]
        )

    def test_damage_exception_opens_one_draft_claim(self):
        self._push(
            ("YX100001", "2026-11-20T08:00:00+08:00", "PICKED_UP", "Picked up"),
            ("YX100001", "2026-11-21T09:00:00+08:00", "DAMAGED", "Carton crushed"),
        )
        claim = self._claims()
        self.assertRecordValues(
            claim,
            [
                {
                    "partner_id": self.customer.id,
                    "category_id": self.damage.id,
                    "is_claim": True,
                    "channel": "tracking",
                    "stage": "new",
                    "user_id": False,
                }
            ],
        )
        self.assertEqual(claim.tracking_event_id.raw_code, "DAMAGED")
        self.assertIn("Carton crushed", claim.description)
        self.assertEqual(self.shipment.complaint_count, 1)
        # the same event again, and a second damage report: still one claim
        self._push(
            ("YX100001", "2026-11-21T09:00:00+08:00", "DAMAGED", "Carton crushed"),
            ("YX100001", "2026-11-22T09:00:00+08:00", "SHORTAGE", "One carton missing"),
        )
        self.assertEqual(len(self._claims()), 1)

    def test_shortage_opens_a_loss_claim_and_delay_none(self):
        other = self._shipment("YX100002")
        self._push(
            ("YX100001", "2026-11-21T09:00:00+08:00", "DELAYED", "Weather"),
            ("YX100002", "2026-11-21T10:00:00+08:00", "SHORTAGE", "2 of 10 cartons"),
        )
        self.assertFalse(self._claims())
        self.assertEqual(
            self._claims(other).category_id, self.env.ref("logistics_crm.complaint_category_loss")
        )

    def test_complaint_rate_feeds_the_tier_score(self):
        policy = self.env["customer.tier.policy"]._for_company(self.company)
        policy.complaints_per_100_zero = 10.0
        booked = datetime(2026, 11, 2, 9, 0)
        for index in range(19):
            self._shipment(f"YX2{index:05d}", booked=booked)
        self.shipment.booked_date = booked  # 20 shipments in the window
        with freeze_time("2026-11-10 09:00:00"):
            self._complaint()
        lone = self.env["res.partner"].create(
            {"name": "No Shipments Ltd", "is_company": True, "customer_rank": 1}
        )
        partners = self.customer | lone
        values = self.env["res.partner"]._tiering_factor_values(partners, date(2026, 11, 23))
        # 1 complaint per 20 shipments = 5 per 100, half way to the zero point
        self.assertAlmostEqual(values[self.customer.id]["current_complaints"], 0.5)
        self.assertNotIn("current_complaints", values.get(lone.id, {}))
        self.assertIn("current_complaints", policy._engine_weights()[0])

    def test_complaint_rate_on_the_customer(self):
        for index in range(3):
            self._shipment(f"YX3{index:05d}")
        self._complaint()
        # 1 complaint, 4 shipments in the window
        self.assertAlmostEqual(self.customer.complaint_rate, 25.0)
        self.assertEqual(self.other_customer.complaint_rate, 0.0)
