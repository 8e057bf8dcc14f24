from odoo.addons.base.tests.common import new_test_user

# the survey form's score fields, as the portal posts them
SCORES = [
    "overall_score",
    "reliability_score",
    "assurance_score",
    "tangibles_score",
    "empathy_score",
    "responsiveness_score",
]


class ComplaintFixtures:
    """Users, customers and a UTC office calendar for the complaint tests."""

    @classmethod
    def _setup_complaint_fixtures(cls, company):
        cls.company = company
        # office hours in UTC (Mon-Fri 8-12, 13-17) so that deadlines read plainly
        cls.calendar = cls.env["resource.calendar"].create(
            {"name": "Office hours (UTC)", "tz": "UTC", "company_id": company.id}
        )
        company.resource_calendar_id = cls.calendar
        common = {"company_id": company.id, "company_ids": [company.id]}
        cls.logistics_user = new_test_user(
            cls.env, login="cmp_user", groups="logistics_crm.group_logistics_user", **common
        )
        cls.logistics_manager = new_test_user(
            cls.env, login="cmp_manager", groups="logistics_crm.group_logistics_manager", **common
        )
        cls.account_manager = new_test_user(
            cls.env,
            login="cmp_account_manager",
            groups="customer_tiering.group_account_manager",
            **common,
        )
        partners = cls.env["res.partner"]
        cls.customer = partners.create(
            {
                "name": "Yangtze Electronics",
                "is_company": True,
                "customer_rank": 1,
                "user_id": cls.account_manager.id,
                "email": "service@yangtze.example.com",
            }
        )
        cls.customer_contact = partners.create(
            {"name": "Li Wei", "parent_id": cls.customer.id, "email": "li.wei@yangtze.example.com"}
        )
        cls.other_customer = partners.create(
            {"name": "Pearl River Foods", "is_company": True, "customer_rank": 1}
        )
        cls.damage = cls.env.ref("logistics_crm.complaint_category_damage")
        cls.delay = cls.env.ref("logistics_crm.complaint_category_delay")

    @classmethod
    def _set_tier(cls, partner, tier):
        partner.with_company(cls.company).sudo().write({"customer_tier": tier})

    def _complaint(self, user=None, **values):
        model = self.env["logistics.complaint"].with_company(self.company)
        if user:
            model = model.with_user(user)
        return model.create(
            {
                "name": "Crushed pallet",
                "partner_id": self.customer.id,
                "category_id": self.damage.id,
                "company_id": self.company.id,
                **values,
            }
        )

    def _walk_to(self, complaint, stage):
        """Move a complaint through the handling steps up to ``stage``."""
        steps = [
            ("acknowledged", lambda c: c.action_acknowledge()),
            ("investigating", lambda c: c.action_investigate()),
            (
                "solution_proposed",
                lambda c: (
                    c.write({"solution": "We replace the goods."}),
                    c.action_propose_solution(),
                ),
            ),
            ("customer_confirmed", lambda c: c.action_customer_confirm()),
            ("closed", lambda c: c.action_close()),
        ]
        if not complaint.user_id:
            complaint.user_id = self.logistics_user
        names = [name for name, _step in steps]
        start = names.index(complaint.stage) + 1 if complaint.stage in names else 0
        for name, step in steps[start:]:
            step(complaint)
            if name == stage:
                break
        return complaint
