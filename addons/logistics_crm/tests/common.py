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
