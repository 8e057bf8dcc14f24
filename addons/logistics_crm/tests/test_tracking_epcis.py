"""GS1's own EPCIS examples of every event type through the connector."""

from pathlib import Path

from odoo.tests import tagged

from .common import LogisticsCommon

EPCIS = Path(__file__).parent / "data" / "epcis"


def document(*events):
    return (
        b'<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2"><EPCISBody><EventList>'
        + b"".join(events)
        + b"</EventList></EPCISBody></epcis:EPCISDocument>"
    )


@tagged("post_install", "-at_install")
class TestTrackingEpcis(LogisticsCommon):
    def _ingest(self, name):
        return self.epcis_carrier._ingest_body((EPCIS / name).read_bytes(), "webhook")

    def test_an_event_without_bizstep_or_disposition_does_not_cost_its_neighbours(self):
        shipment = self._shipment("SSCC-E1", carrier=self.epcis_carrier)
        counts = self.epcis_carrier._ingest_body(
            document(
                b"<ObjectEvent><eventTime>2026-05-06T09:00:00Z</eventTime><epcList><epc>SSCC-E1"
                b"</epc></epcList><action>OBSERVE</action></ObjectEvent>",
                b"<ObjectEvent><eventTime>2026-05-06T10:00:00Z</eventTime><epcList><epc>SSCC-E1"
                b"</epc></epcList><action>OBSERVE</action><bizStep>departing</bizStep></ObjectEvent>",
            ),
            "webhook",
        )
        self.assertEqual((counts["stored"], counts["rejected"], counts["unmapped"]), (2, 0, 0))
        self.assertEqual(shipment.milestone, "in_transit")
        info = shipment.event_ids.filtered(lambda e: e.raw_code == "|")
        self.assertEqual(info.category_id.code, "info")

    def test_gs1_aggregation_event(self):
        pallet = self._shipment("urn:epc:id:sscc:0614141.1234567890", carrier=self.epcis_carrier)
        counts = self._ingest("gs1_example_aggregation_event.xml")
        self.assertEqual(counts["stored"], 1)
        self.assertRecordValues(
            pallet.event_ids,
            [
                {
                    "epcis_type": "AggregationEvent",
                    "epcis_action": "OBSERVE",
                    "milestone": "delivered",
                }
            ],
        )
        self.assertEqual(pallet.event_ids.details["children_count"], 2)

    def test_gs1_transformation_event_with_sensor_readings(self):
        output = self._shipment("urn:epc:id:sgtin:4012345.012345.988", carrier=self.epcis_carrier)
        counts = self._ingest("gs1_example_transformation_event.xml")
        self.assertEqual(counts["stored"], 1)
        event = output.event_ids
        self.assertEqual(event.epcis_type, "TransformationEvent")
        self.assertEqual(event.details["outputs_count"], 2)
        self.assertEqual(event.sensor_readings[0]["reports"][0]["type"], "gs1:Temperature")
        self.assertEqual(output.milestone, "booked")  # commissioning

    def test_gs1_association_events_and_the_error_declaration_retracts_one(self):
        asset = self._shipment("urn:epc:id:grai:4012345.55555.987", carrier=self.epcis_carrier)
        counts = self._ingest("gs1_example_association_events.xml")
        # (a), (d) and (h) name the asset; (g) declares (d) erroneous; (f) names another
        self.assertEqual((counts["stored"], counts["retracted"], counts["unmatched"]), (2, 1, 1))
        events = asset.event_ids.sorted("id")
        self.assertEqual(events.mapped("epcis_action"), ["ADD", "DELETE", "DELETE"])
        self.assertEqual(events.mapped("retracted"), [False, True, False])
        self.assertEqual(events[1].retraction_reason, "incorrect_data")
        # the same document again changes nothing
        again = self._ingest("gs1_example_association_events.xml")
        self.assertEqual((again["stored"], again["retracted"], again["duplicates"]), (0, 0, 4))

    def test_an_error_declaration_recomputes_the_shipment(self):
        shipment = self._shipment("SSCC-E2", carrier=self.epcis_carrier)
        delivered = (
            b"<ObjectEvent><eventTime>2026-05-06T12:00:00Z</eventTime><eventID>urn:uuid:e2-d"
            b"</eventID><epcList><epc>SSCC-E2</epc></epcList><action>OBSERVE</action>"
            b"<bizStep>receiving</bizStep>%s</ObjectEvent>"
        )
        departed = (
            b"<ObjectEvent><eventTime>2026-05-06T10:00:00Z</eventTime><epcList><epc>SSCC-E2"
            b"</epc></epcList><action>OBSERVE</action><bizStep>departing</bizStep></ObjectEvent>"
        )
        self.epcis_carrier._ingest_body(document(departed, delivered % b""), "webhook")
        self.assertEqual(shipment.milestone, "delivered")
        declaration = (
            b"<errorDeclaration><declarationTime>2026-05-06T13:00:00Z</declarationTime>"
            b"<reason>urn:epcglobal:cbv:er:incorrect_data</reason></errorDeclaration>"
        )
        counts = self.epcis_carrier._ingest_body(document(delivered % declaration), "webhook")
        self.assertEqual(counts["retracted"], 1)
        self.assertRecordValues(shipment, [{"milestone": "in_transit", "actual_delivery": False}])

    def test_epcis_1_2_error_declaration_before_its_event(self):
        output = self._shipment("urn:epc:id:sgtin:4012345.033333.AGHFG", carrier=self.epcis_carrier)
        counts = self._ingest("gs1_example_error_declaration_1_2.xml")
        # the declared event never came: kept void, so it cannot count if it comes later
        self.assertEqual((counts["stored"], counts["retracted"]), (1, 1))
        self.assertEqual(output.event_ids.mapped("retracted"), [False, True])

    def test_gs1_sensor_events_differing_only_in_readings_are_two_events(self):
        item = self._shipment("urn:epc:id:sgtin:4012345.011111.9876", carrier=self.epcis_carrier)
        counts = self._ingest("gs1_example_sensor_object_events.xml")
        self.assertEqual(counts["stored"], 3)
        self.assertEqual(len(item.event_ids), 3)
        self.assertEqual(sorted(len(e.sensor_readings) for e in item.event_ids), [1, 1, 2])

    def test_every_gs1_example_goes_through_the_connector(self):
        for path in sorted(EPCIS.glob("*.xml")):
            counts = self.epcis_carrier._ingest_body(path.read_bytes(), "webhook")
            self.assertEqual(counts["rejected"], 0, path.name)
            self.assertGreater(counts["received"], 0, path.name)
