import json
import logging
from datetime import timedelta

from odoo import api, fields, models

_logger = logging.getLogger(__name__)

# (milestone reached, event codes of our JSON schema in order, days since booking)
DEMO_JOURNEYS = (
    ("booked", ("BOOKED",), 0),
    ("picked_up", ("BOOKED", "PICKED_UP"), 1),
    ("in_transit", ("BOOKED", "PICKED_UP", "IN_TRANSIT", "ARRIVED_HUB"), 2),
    ("customs", ("BOOKED", "PICKED_UP", "IN_TRANSIT", "CUSTOMS"), 3),
    ("out_for_delivery", ("BOOKED", "PICKED_UP", "IN_TRANSIT", "OUT_FOR_DELIVERY"), 3),
    ("delivered", ("BOOKED", "PICKED_UP", "IN_TRANSIT", "OUT_FOR_DELIVERY", "DELIVERED"), 4),
    ("exception", ("BOOKED", "PICKED_UP", "IN_TRANSIT", "DAMAGED"), 3),
    ("exception", ("BOOKED", "PICKED_UP", "FAILED_ATTEMPT"), 2),
    ("returned", ("BOOKED", "PICKED_UP", "REFUSED", "RETURNED"), 6),
    ("in_transit", ("BOOKED", "PICKED_UP", "HUB_SCAN_X"), 2),
)
DESCRIPTIONS = {
    "BOOKED": "Order received, awaiting pickup",
    "PICKED_UP": "Picked up from shipper",
    "IN_TRANSIT": "Departed origin hub",
    "ARRIVED_HUB": "Arrived at destination hub",
    "CUSTOMS": "Held for customs clearance",
    "OUT_FOR_DELIVERY": "Out for delivery",
    "DELIVERED": "Delivered, signed by consignee",
    "DAMAGED": "Cartons found damaged at hub",
    "FAILED_ATTEMPT": "Consignee not available",
    "REFUSED": "Refused by consignee",
    "RETURNED": "Returned to shipper",
    "HUB_SCAN_X": "Scanned at sorting line 7",
}
CITIES = ("Shanghai", "Ningbo", "Suzhou", "Shenzhen", "Guangzhou", "Beijing", "Chengdu", "Wuhan")


class LogisticsCrmDemo(models.AbstractModel):
    _name = "logistics.crm.demo"
    _description = "Logistics CRM Demo Data"

    @api.model
    def _generate_demo_shipments(self):
        """Shipments in every milestone, their events brought in through the carriers' parsers."""
        customers = self.env["res.partner"].search(
            [("email", "=like", "%@customer.example.com"), ("is_company", "=", True)],
            order="id",
            limit=16,
        )
        portal_customer = self.env.ref("base.partner_demo_portal", raise_if_not_found=False)
        if portal_customer:
            customers |= portal_customer
        own = self.env.ref("logistics_crm.demo_carrier_sf")
        epcis = self.env.ref("logistics_crm.demo_carrier_gs1")
        aggregator = self.env.ref("logistics_crm.demo_carrier_aggregator")
        now = fields.Datetime.now().replace(minute=0, second=0, microsecond=0)
        Shipment = self.env["logistics.shipment"]
        own_events, created = [], Shipment
        for index, customer in enumerate(customers):
            for turn in range(3):
                number = index * 3 + turn
                milestone, codes, days = DEMO_JOURNEYS[number % len(DEMO_JOURNEYS)]
                booked = now - timedelta(days=days + 1, hours=number % 7)
                shipment = Shipment.create(
                    {
                        "partner_id": customer.id,
                        "carrier_id": own.id,
                        "tracking_ref": f"SF{7300100 + number:010d}",
                        "origin": CITIES[number % len(CITIES)],
                        "destination": customer.city or CITIES[(number + 3) % len(CITIES)],
                        "booked_date": booked,
                        "planned_pickup": booked + timedelta(hours=6),
                        # every fourth one was promised too tight, to show late deliveries
                        "planned_delivery": booked
                        + timedelta(days=days + 3 if number % 4 else max(days - 1, 0.5)),
                        "weight": 120.0 + 37 * number,
                        "volume": 0.4 + 0.1 * (number % 9),
                        "packages": 1 + number % 6,
                        "amount": 800.0 + 95 * number,
                        "service_level": ("standard", "express", "economy")[number % 3],
                    }
                )
                created |= shipment
                for step, code in enumerate(codes):
                    own_events.append(
                        {
                            "tracking_ref": shipment.tracking_ref,
                            "event_id": f"{shipment.tracking_ref}-{step}",
                            "time": (booked + timedelta(hours=4 + step * 18)).isoformat()
                            + "+00:00",
                            "code": code,
                            "description": DESCRIPTIONS[code],
                            "location": CITIES[(number + step) % len(CITIES)],
                        }
                    )
        own._ingest_body(json.dumps({"events": own_events}).encode(), "demo")
        created |= self._demo_epcis_shipment(epcis, customers[:1], now)
        created |= self._demo_aggregator_shipment(aggregator, customers[1:2], now)
        _logger.info("Demo: %s shipments, %s events.", len(created), len(created.event_ids))
        return created

    def _demo_epcis_shipment(self, carrier, customer, now):
        if not customer:
            return self.env["logistics.shipment"]
        sscc = "urn:epc:id:sscc:0614141.1234567890"
        shipment = self.env["logistics.shipment"].create(
            {
                "partner_id": customer.id,
                "carrier_id": carrier.id,
                "tracking_ref": sscc,
                "origin": "Rotterdam",
                "destination": "Shanghai",
                "booked_date": now - timedelta(days=20),
                "planned_delivery": now + timedelta(days=5),
                "service_level": "economy",
                "packages": 12,
                "weight": 8400.0,
                "volume": 32.0,
            }
        )
        steps = (("shipping", "in_transit", 18), ("departing", "in_transit", 15))
        events = "".join(
            f"""<ObjectEvent><eventTime>{(now - timedelta(days=ago)).isoformat()}Z</eventTime>
            <eventTimeZoneOffset>+01:00</eventTimeZoneOffset><epcList><epc>{sscc}</epc></epcList>
            <action>OBSERVE</action><bizStep>urn:epcglobal:cbv:bizstep:{step}</bizStep>
            <disposition>urn:epcglobal:cbv:disp:{disposition}</disposition>
            <readPoint><id>urn:epc:id:sgln:0614141.07346.1234</id></readPoint></ObjectEvent>"""
            for step, disposition, ago in steps
        )
        body = (
            '<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" schemaVersion="2.0" '
            f'creationDate="{now.isoformat()}Z"><EPCISBody><EventList>{events}'
            "</EventList></EPCISBody></epcis:EPCISDocument>"
        )
        carrier._ingest_body(body.encode(), "demo")
        return shipment

    def _demo_aggregator_shipment(self, carrier, customer, now):
        if not customer:
            return self.env["logistics.shipment"]
        shipment = self.env["logistics.shipment"].create(
            {
                "partner_id": customer.id,
                "carrier_id": carrier.id,
                "tracking_ref": "1Z999AA10123456784",
                "origin": "Los Angeles",
                "destination": "Chicago",
                "booked_date": now - timedelta(days=3),
                "planned_delivery": now + timedelta(days=1),
                "service_level": "express",
            }
        )
        checkpoints = [
            {
                "checkpoint_time": (now - timedelta(days=ago)).isoformat() + "+00:00",
                "tag": tag,
                "subtag": subtag,
                "message": message,
                "location": location,
            }
            for ago, tag, subtag, message, location in (
                (3, "InfoReceived", "InfoReceived_001", "Label created", "Los Angeles, CA"),
                (2, "InTransit", "InTransit_002", "Picked up", "Los Angeles, CA"),
                (1, "InTransit", "InTransit_007", "Departed facility", "Denver, CO"),
            )
        ]
        body = {
            "msg": {
                "tracking_number": shipment.tracking_ref,
                "expected_delivery": (now + timedelta(days=2)).isoformat() + "+00:00",
                "checkpoints": checkpoints,
            }
        }
        carrier._ingest_body(json.dumps(body).encode(), "demo")
        return shipment
