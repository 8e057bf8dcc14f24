from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged
from odoo.tests.common import new_test_user

from .common import LogisticsCommon


@tagged("post_install", "-at_install")
class TestShipmentPortal(LogisticsCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.contact = cls.env["res.partner"].create(
            {"name": "Ms. Wang", "parent_id": cls.customer.id, "email": "wang@ningbo.example.com"}
        )
        cls.portal_user = new_test_user(
            cls.env, login="lc_portal_a", groups="base.group_portal", partner_id=cls.contact.id
        )
        cls.other_portal = new_test_user(
            cls.env,
            login="lc_portal_b",
            groups="base.group_portal",
            partner_id=cls.other_customer.id,
        )
        cls.mine = cls._shipment("MINE-1", destination="Ningbo")
        cls.theirs = cls._shipment("THEIRS-1", partner=cls.other_customer, destination="Chengdu")
        cls.carrier._ingest_body(
            cls._body(
                cls._event("MINE-1", "PICKED_UP", 20, location="Shanghai hub"),
                cls._event("MINE-1", "IN_TRANSIT", 4, description="Left Shanghai hub"),
            ),
            "webhook",
        )

    def test_records_are_isolated_between_customers(self):
        Shipment = self.env["logistics.shipment"].with_user(self.portal_user)
        self.assertEqual(Shipment.search([]), self.mine)
        with self.assertRaises(AccessError):
            self.theirs.with_user(self.portal_user).check_access("read")
        events = self.env["logistics.shipment.event"].with_user(self.other_portal).search([])
        self.assertFalse(events)

    def test_list_detail_and_lookup_over_http(self):
        self.authenticate("lc_portal_a", "lc_portal_a")
        listing = self.url_open("/my/shipments")
        self.assertEqual(listing.status_code, 200)
        self.assertIn("MINE-1", listing.text)
        self.assertNotIn("THEIRS-1", listing.text)
        detail = self.url_open(f"/my/shipments/{self.mine.id}")
        self.assertIn("Left Shanghai hub", detail.text)
        self.assertIn("Shanghai hub", detail.text)
        # another customer's shipment: back to the portal home
        stolen = self.url_open(f"/my/shipments/{self.theirs.id}")
        self.assertNotIn("THEIRS-1", stolen.text)
        self.assertTrue(stolen.url.endswith("/my"), stolen.url)
        # lookup by tracking number: own one opens, someone else's is not found
        found = self.url_open("/my/shipments?search=MINE-1")
        self.assertIn(f"/my/shipments/{self.mine.id}", found.url)
        missing = self.url_open("/my/shipments?search=THEIRS-1")
        self.assertIn("No shipment of yours has this number", missing.text)
        home = self.url_open("/my/home")
        self.assertIn("/my/shipments", home.text)

    def test_other_customer_sees_only_its_own(self):
        self.authenticate("lc_portal_b", "lc_portal_b")
        listing = self.url_open("/my/shipments")
        self.assertIn("THEIRS-1", listing.text)
        self.assertNotIn("MINE-1", listing.text)
