import json
import logging
import random
from datetime import datetime, time, timedelta

from odoo import Command, api, fields, models
from odoo.tools import SQL

from odoo.addons.customer_tiering.engine import demo_plan

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
# what the carriers tell about a Chinese customer's shipment
DESCRIPTIONS_ZH = {
    "BOOKED": "已下单，等待揽收",
    "PICKED_UP": "快件已揽收",
    "IN_TRANSIT": "已从始发转运中心发出",
    "ARRIVED_HUB": "已到达目的地转运中心",
    "CUSTOMS": "海关查验中",
    "OUT_FOR_DELIVERY": "派送中",
    "DELIVERED": "已签收",
    "DAMAGED": "转运中心发现外箱破损",
    "FAILED_ATTEMPT": "收件人不在，派送未成功",
    "REFUSED": "收件人拒收",
    "RETURNED": "已退回寄件人",
    "HUB_SCAN_X": "分拣线 7 号扫描",
}
# (English, Chinese): a shipment is told in its customer's language
CITIES = (
    ("Shanghai", "上海"),
    ("Ningbo", "宁波"),
    ("Suzhou", "苏州"),
    ("Shenzhen", "深圳"),
    ("Guangzhou", "广州"),
    ("Beijing", "北京"),
    ("Chengdu", "成都"),
    ("Wuhan", "武汉"),
)
# our hubs, where the history's shipments leave from
HUBS = CITIES[:5]
SEED = 20250506
# bookings of a calendar month against an average one: the Spring Festival lull,
# the run-up to it, and the peak before Singles' Day and Christmas
SEASON = {
    1: 1.3,
    2: 0.5,
    3: 0.9,
    4: 1.0,
    5: 1.0,
    6: 1.1,
    7: 0.9,
    8: 0.9,
    9: 1.1,
    10: 1.3,
    11: 1.7,
    12: 1.3,
}
TRANSIT_DAYS = {"express": 2, "standard": 4, "economy": 7}
# the customer whose deliveries go wrong over the last months, then its tier falls
SOURING_CUSTOMER = "Milano Design Srl"
SOURING_MONTHS = 6
# the line haul carrier slips over its last months: late share from this, to that
LINEHAUL_SLIP_MONTHS = 10


def months_ago(today, day):
    return (today.year - day.year) * 12 + today.month - day.month


def late_share(linehaul, souring, age):
    """Share of late deliveries of a shipment booked ``age`` months ago."""
    if souring and age < SOURING_MONTHS:
        return 0.75
    if linehaul:
        return 0.05 + 0.4 * max(LINEHAUL_SLIP_MONTHS - age, 0) / LINEHAUL_SLIP_MONTHS
    return 0.07


def damage_share(linehaul, souring, age):
    if souring and age < SOURING_MONTHS:
        return 0.2
    return 0.03 if linehaul and age < LINEHAUL_SLIP_MONTHS // 2 else 0.012


class LogisticsCrmDemo(models.AbstractModel):
    _name = "logistics.crm.demo"
    _description = "Logistics CRM Demo Data"

    @api.model
    def _speaks_chinese(self, partner):
        partner = partner.commercial_partner_id
        return partner.lang == "zh_CN" or (not partner.lang and partner.country_id.code == "CN")

    @api.model
    def _generate_demo_history(self):
        """The delivered shipments behind the demo story's invoices of its last
        eighteen months: more before the Spring Festival and Singles' Day, fewer
        during the festival; Zhongtai Express slipping over its last ten months, and
        the Milan customer's deliveries going wrong over the last six. The older
        invoices (the years churn over time compares) have none: the service story,
        drawn invoice by invoice, stays the one the grading tells."""
        since = fields.Date.context_today(self) - timedelta(days=demo_plan.RECENT_MONTHS * 30)
        invoices = self.env["account.move"].search(
            [
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("partner_id.email", "=like", "ar%@customer.example.com"),
                ("invoice_date", ">=", since),
            ],
            order="invoice_date, id",
        )
        if not invoices:
            return self.env["logistics.shipment"]
        carriers = {
            False: self.env.ref("logistics_crm.demo_carrier_sf"),
            True: self.env.ref("logistics_crm.demo_carrier_linehaul"),
        }
        rng = random.Random(SEED)
        now = fields.Datetime.now().replace(minute=0, second=0, microsecond=0)
        today = now.date()
        values, events = [], {False: [], True: []}
        for invoice in invoices:
            customer = invoice.partner_id
            chinese = self._speaks_chinese(customer)
            souring = customer.name == SOURING_CUSTOMER
            count = max(1, int(SEASON[invoice.invoice_date.month] * 1.6 + rng.random()))
            for _turn in range(count):
                booked = datetime.combine(invoice.invoice_date, time(rng.randint(1, 9)))
                booked -= timedelta(days=rng.randint(4, 20))
                age = months_ago(today, booked.date())
                linehaul = souring or rng.random() < 0.35
                level = rng.choice(("standard", "standard", "express", "economy"))
                pickup = booked + timedelta(hours=6)
                planned = pickup + timedelta(days=TRANSIT_DAYS[level])
                if rng.random() < late_share(linehaul, souring, age):
                    delivered = planned + timedelta(hours=rng.randint(8, 72))
                else:
                    delivered = planned - timedelta(hours=rng.randint(1, 12))
                if delivered > now - timedelta(hours=2):
                    continue  # still on its way: this week's shipments show those
                number = len(values)
                ref = f"{'ZT' if linehaul else 'SF'}{5200000000 + number}"
                origin = rng.choice([hub for hub in HUBS if hub[1] != customer.city])
                destination = customer.city or CITIES[(number + 5) % len(CITIES)][chinese]
                steps = [("BOOKED", booked, origin), ("PICKED_UP", pickup, origin)]
                steps.append(("IN_TRANSIT", pickup + timedelta(hours=8), origin))
                steps.append(("ARRIVED_HUB", delivered - timedelta(hours=20), destination))
                if rng.random() < damage_share(linehaul, souring, age):
                    steps.append(("DAMAGED", delivered - timedelta(hours=16), destination))
                steps.append(("OUT_FOR_DELIVERY", delivered - timedelta(hours=5), destination))
                steps.append(("DELIVERED", delivered, destination))
                events[linehaul] += self._demo_events(ref, steps, chinese)
                values.append(
                    {
                        "partner_id": customer.id,
                        "carrier_id": carriers[linehaul].id,
                        "tracking_ref": ref,
                        "origin": origin[chinese],
                        "destination": destination,
                        "booked_date": booked,
                        "planned_pickup": pickup,
                        "planned_delivery": planned,
                        "weight": round(rng.uniform(80, 2400), 1),
                        "volume": round(rng.uniform(0.3, 6.0), 2),
                        "packages": rng.randint(1, 12),
                        "amount": round(invoice.amount_untaxed / count, 2),
                        "service_level": level,
                        "invoice_ids": [Command.link(invoice.id)],
                    }
                )
        shipments = self.env["logistics.shipment"].create(values)
        for linehaul, carrier in carriers.items():
            carrier._ingest_body(json.dumps({"events": events[linehaul]}).encode(), "demo")
        # their customers were told at the time
        shipments.write({"notify_pending": False})
        self._date_messages_as(shipments, "booked_date")
        # a volume this provider's customers reach: the service factors of the tier
        policy = self.env["customer.tier.policy"]._for_company(self.env.company)
        policy.shipments_per_month_full = 5.0
        _logger.info("Demo history: %s shipments.", len(shipments))
        return shipments

    @api.model
    def _demo_events(self, ref, steps, chinese):
        descriptions = DESCRIPTIONS_ZH if chinese else DESCRIPTIONS
        return [
            {
                "tracking_ref": ref,
                "event_id": f"{ref}-{step}",
                "time": when.isoformat() + "+00:00",
                "code": code,
                "description": descriptions[code],
                "location": place if isinstance(place, str) else place[chinese],
            }
            for step, (code, when, place) in enumerate(steps)
        ]

    @api.model
    def _date_messages_as(self, records, date_field):
        """Chatter of demo records dated as the records are, not at the install."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """UPDATE mail_message m SET date = r.%s
                      FROM %s r
                     WHERE m.model = %s AND m.res_id = r.id AND r.id = ANY(%s)""",
                SQL.identifier(date_field),
                SQL.identifier(records._table),
                records._name,
                records.ids,
            )
        )
        self.env["mail.message"].invalidate_model(["date"])

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
            chinese = self._speaks_chinese(customer)
            for turn in range(3):
                number = index * 3 + turn
                milestone, codes, days = DEMO_JOURNEYS[number % len(DEMO_JOURNEYS)]
                booked = now - timedelta(days=days + 1, hours=number % 7)
                destination = customer.city or CITIES[(number + 3) % len(CITIES)][chinese]
                origin = CITIES[number % len(CITIES)][chinese]
                if origin == destination:  # no local deliveries in this demo
                    origin = CITIES[(number + 1) % len(CITIES)][chinese]
                shipment = Shipment.create(
                    {
                        "partner_id": customer.id,
                        "carrier_id": own.id,
                        "tracking_ref": f"SF{7300100 + number:010d}",
                        "origin": origin,
                        "destination": destination,
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
                            "description": (DESCRIPTIONS_ZH if chinese else DESCRIPTIONS)[code],
                            "location": CITIES[(number + step) % len(CITIES)][chinese],
                        }
                    )
        own._ingest_body(json.dumps({"events": own_events}).encode(), "demo")
        created |= self._demo_epcis_shipment(epcis, customers[:1], now)
        # a parcel within the United States, for the customer in Chicago
        chicago = customers.filtered(lambda customer: customer.city == "Chicago")[:1]
        created |= self._demo_aggregator_shipment(aggregator, chicago or customers[1:2], now)
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
                "origin": "鹿特丹" if self._speaks_chinese(customer) else "Rotterdam",
                "destination": "上海" if self._speaks_chinese(customer) else "Shanghai",
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
