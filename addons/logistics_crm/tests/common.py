import json
from datetime import timedelta

from odoo import fields
from odoo.tests.common import new_test_user

from odoo.addons.customer_tiering.tests.common import CustomerTieringCommon

from ..tracking import signature
from .carrier_simulator import CarrierSimulator

SECRET = "s3cret-for-tests"


class LogisticsCommon(CustomerTieringCommon):
    """Carriers of each kind, two customers and one user per logistics role."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.company_data["company"]
        common = {"company_id": company.id, "company_ids": [company.id]}
        cls.logistics_user = new_test_user(
            cls.env, login="lc_t_user", groups="logistics_crm.group_logistics_user", **common
        )
        cls.logistics_manager = new_test_user(
            cls.env,
            login="lc_t_manager",
            groups="logistics_crm.group_logistics_manager",
            **common,
        )
        # the fixtures' own user (an accountant) also runs logistics
        cls.env.user.groups_id |= cls.env.ref("logistics_crm.group_logistics_manager")
        Carrier = cls.env["logistics.carrier"]
        cls.carrier = Carrier.create(
            {"name": "Own JSON", "code": "own-json", "connector": "json", "webhook_secret": SECRET}
        )
        cls.epcis_carrier = Carrier.create(
            {"name": "EPCIS", "code": "epcis", "connector": "epcis", "webhook_secret": SECRET}
        )
        cls.aggregator = Carrier.create(
            {"name": "Aggregator", "code": "agg", "connector": "aggregator"}
        )
        cls.customer = cls._customer("Ningbo Ports Trading", user_id=cls.account_manager.id)
        cls.other_customer = cls._customer("Chengdu Machinery")
        cls.now = fields.Datetime.now().replace(microsecond=0)

    def _json_rpc(self, model, method, args, kwargs=None):
        """Call a model method over /web/dataset/call_kw as the web client does
        (HttpCase only); the JSON-RPC answer, ``result`` or ``error``."""
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "params": {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        }
        response = self.url_open(
            "/web/dataset/call_kw",
            data=json.dumps(payload),
            headers={"Content-Type": "application/json"},
        )
        return response.json()

    @classmethod
    def _service_history(cls, prefix, amounts=(0.0, 0.0)):
        """Four shipments of the customer: on time (2 days in transit), late (4 days),
        an exception and one still on its way, as the carrier reported them; the two
        delivered ones with freight ``amounts``. Returns (shipments, events to ingest)."""
        now = cls.now
        shipments = [
            cls._shipment(
                f"{prefix}1", planned_delivery=now - timedelta(days=1), amount=amounts[0]
            ),
            cls._shipment(
                f"{prefix}2", planned_delivery=now - timedelta(days=3), amount=amounts[1]
            ),
            cls._shipment(f"{prefix}3"),
            cls._shipment(f"{prefix}4"),
        ]
        events = [
            (f"{prefix}1", "PICKED_UP", 24 * 4),
            (f"{prefix}1", "DELIVERED", 24 * 2),
            (f"{prefix}2", "PICKED_UP", 24 * 6),
            (f"{prefix}2", "DELIVERED", 24 * 2),
            (f"{prefix}3", "DAMAGED", 5),
            (f"{prefix}4", "PICKED_UP", 5),
        ]
        return shipments, events

    @classmethod
    def _simulate_aggregator(cls, path, **values):
        """Point the aggregator carrier at a local carrier simulator, stopped after the class."""
        cls.simulator = CarrierSimulator().start()
        cls.addClassCleanup(cls.simulator.stop)
        # the simulator speaks plain http
        cls.aggregator.write(
            {"endpoint": cls.simulator.url(path), "is_test_carrier": True, **values}
        )

    @classmethod
    def _shipment(cls, ref, partner=None, carrier=None, **values):
        return cls.env["logistics.shipment"].create(
            {
                "partner_id": (partner or cls.customer).id,
                "carrier_id": (carrier or cls.carrier).id,
                "tracking_ref": ref,
                "planned_delivery": cls.now + timedelta(days=3),
                **values,
            }
        )

    @classmethod
    def _hours_ago(cls, hours):
        return cls.now - timedelta(hours=hours)

    @classmethod
    def _event(cls, ref, code, hours_ago, **values):
        """One event of our JSON schema, ``hours_ago`` before the test's now (UTC)."""
        return {
            "tracking_ref": ref,
            "time": cls._hours_ago(hours_ago).isoformat() + "+00:00",
            "code": code,
            **values,
        }

    @staticmethod
    def _body(*events):
        return json.dumps({"events": list(events)}).encode()

    @staticmethod
    def _signed(body, secret=SECRET):
        return {"X-Signature": signature.sign(body, secret), "Content-Type": "application/json"}
