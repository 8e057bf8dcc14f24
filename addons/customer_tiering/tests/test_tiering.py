import gc
from unittest.mock import patch

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import Form, tagged

from ..models.customer_tiering_nightly import TIER_RESULT_COLUMNS
from .common import CustomerTieringCommon

TODAY = "2026-06-30"


@tagged("post_install", "-at_install")
class TestTierClassification(CustomerTieringCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        today = fields.Date.to_date(TODAY)
        cls.big = cls._customer("Big Regular Shipper")
        monthly = [(today - relativedelta(months=m, days=5), 120_000) for m in range(12)]
        for invoice in cls._invoices(cls.big, monthly):
            cls._pay(invoice, invoice.invoice_date_due)
        cls.rising = cls._customer(
            "C Company (rising)",
            employee_count=3000,
            annual_revenue=400_000_000,
            wallet_share_potential=80,
            growth_outlook="booming",
        )
        cls._invoices(
            cls.rising,
            [
                (today - relativedelta(months=m), amount)
                for m, amount in ((10, 1_000), (2, 15_000), (1, 20_000))
            ],
        )
        cls.small = cls._customer("Occasional Small Shipper", growth_outlook="declining")
        cls._invoices(cls.small, [(today - relativedelta(months=11), 900)])
        cls.never = cls._customer("Prospect Never Invoiced")

    @freeze_time(TODAY)
    def test_crafted_customers_get_their_tiers(self):
        self._recompute(self.big | self.rising | self.small | self.never)
        self.assertRecordValues(
            self.big | self.rising | self.small | self.never,
            [
                {
                    "customer_tier": "platinum",
                    "tier_rising": False,
                    "customer_activity_status": "active",
                },
                {
                    "customer_tier": "gold",
                    "tier_rising": True,
                    "customer_activity_status": "active",
                },
                {
                    "customer_tier": "lead",
                    "tier_rising": False,
                    "customer_activity_status": "at_risk",
                },
                {
                    "customer_tier": "lead",
                    "tier_rising": False,
                    "customer_activity_status": "never",
                },
            ],
        )
        self.assertGreaterEqual(self.big.tier_current_score, 75)
        self.assertLess(self.rising.tier_current_score, 50)
        self.assertGreaterEqual(self.rising.tier_potential_score, 70)
        self.assertEqual(self.big.last_invoice_date, fields.Date.to_date("2026-06-25"))
        self.assertAlmostEqual(self.big.tier_revenue, 12 * 120_000)
        # the explanation shows each factor's contribution
        self.assertIn("Payment behaviour", self.big.tier_breakdown_html)

    @freeze_time(TODAY)
    def test_history_and_chatter_record_each_change(self):
        self._recompute(self.big | self.small)
        history = self.env["customer.tier.history"].search([("partner_id", "=", self.small.id)])
        self.assertRecordValues(
            history,
            [{"old_tier": False, "new_tier": "lead", "change": "initial", "origin": "automatic"}],
        )
        notes_before = len(self.small.message_ids)

        # a big order book later, the small shipper is promoted
        today = fields.Date.to_date(TODAY)
        self._invoices(
            self.small, [(today - relativedelta(days=d), 90_000) for d in range(0, 300, 10)]
        )
        self._recompute(self.small)
        history = self.env["customer.tier.history"].search([("partner_id", "=", self.small.id)])
        self.assertEqual(len(history), 2)
        self.assertEqual(history[0].change, "promotion")
        self.assertEqual(history[0].old_tier, "lead")
        # the change of an existing tier is news on the chatter
        self.assertEqual(len(self.small.message_ids), notes_before + 1)
        self.assertIn("Lead →", self.small.message_ids[0].body)

    @freeze_time(TODAY)
    def test_only_changed_partners_are_written(self):
        partners = self.big | self.rising | self.small
        first = self._recompute(partners)
        self.assertEqual(first["changed"], 3)
        written = {p.id: p.write_date for p in partners}
        second = self._recompute(partners)
        self.assertEqual(
            second, {"customers": 3, "changed": 0, "tier_changes": 0, "grade_changes": 0}
        )
        partners.invalidate_recordset()
        self.assertEqual({p.id: p.write_date for p in partners}, written)
        self.assertEqual(
            self.env["customer.tier.history"].search_count([("partner_id", "in", partners.ids)]), 3
        )

    @freeze_time(TODAY)
    def test_override_survives_recompute_and_needs_a_sales_manager(self):
        self._recompute(self.small)
        wizard_values = {
            "partner_id": self.small.id,
            "action": "lock",
            "tier": "gold",
            "reason": "Strategic account",
        }
        for user in (self.salesperson, self.account_manager):
            with self.assertRaises(AccessError):
                self.env["customer.tier.override"].with_user(user).create(
                    wizard_values
                ).action_apply()
            with self.assertRaises(AccessError):
                self.small.with_user(user).write({"customer_tier": "platinum"})
            with self.assertRaises(AccessError):
                self.small.with_user(user).action_open_tier_override()

        self.env["customer.tier.override"].with_user(self.sales_manager).create(
            wizard_values
        ).action_apply()
        self._recompute(self.small)
        self.assertRecordValues(
            self.small,
            [
                {
                    "customer_tier": "gold",
                    "tier_computed": "lead",
                    "tier_locked": True,
                    "tier_lock_reason": "Strategic account",
                }
            ],
        )
        manual = self.env["customer.tier.history"].search(
            [("partner_id", "=", self.small.id), ("origin", "=", "manual")]
        )
        self.assertRecordValues(
            manual,
            [
                {
                    "old_tier": "lead",
                    "new_tier": "gold",
                    "reason": "Strategic account",
                    "user_id": self.sales_manager.id,
                }
            ],
        )

        # unlocking goes back to the computed tier
        self.env["customer.tier.override"].with_user(self.sales_manager).create(
            {"partner_id": self.small.id, "action": "unlock", "reason": "Review done"}
        ).action_apply()
        self.assertEqual(self.small.customer_tier, "lead")

    def test_override_wizard_form(self):
        with freeze_time(TODAY):
            self._recompute(self.small)
        form = Form(
            self.env["customer.tier.override"]
            .with_user(self.sales_manager)
            .with_context(default_partner_id=self.small.id)
        )
        self.assertEqual(form.computed_tier, "lead")
        form.tier = "iron"
        form.reason = "Signed a framework contract"
        form.save().action_apply()
        self.assertEqual(self.small.customer_tier, "iron")


@tagged("post_install", "-at_install")
class TestActivityStatus(CustomerTieringCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls._customer("Seasonal Customer", user_id=cls.account_manager.id)
        cls._invoices(cls.customer, [("2026-01-15", 5_000)])

    def _status_on(self, day):
        with freeze_time(day):
            self._recompute(self.customer)
        return self.customer.customer_activity_status

    def test_boundaries_at_3_6_12_months(self):
        self.assertEqual(self._status_on("2026-04-15"), "active")
        self.assertEqual(self._status_on("2026-04-16"), "cooling")
        self.assertEqual(self._status_on("2026-07-15"), "cooling")
        self.assertEqual(self._status_on("2026-07-16"), "at_risk")
        self.assertEqual(self._status_on("2027-01-15"), "at_risk")
        self.assertEqual(self._status_on("2027-01-16"), "lost")
        win_back = self.customer.activity_ids.filtered(
            lambda a: (
                a.activity_type_id == self.env.ref("customer_tiering.mail_activity_type_win_back")
            )
        )
        self.assertEqual(len(win_back), 1)
        self.assertEqual(win_back.user_id, self.account_manager)
        # a second run on a later day does not add a second win-back activity
        self._status_on("2027-02-01")
        self.assertEqual(
            len(
                self.customer.activity_ids.filtered(
                    lambda a: a.activity_type_id == win_back.activity_type_id
                )
            ),
            1,
        )

    def test_boundaries_follow_the_policy(self):
        policy = self.env["customer.tier.policy"]._for_company(self.env.company)
        policy.write({"active_months": 1, "cooling_months": 2, "at_risk_months": 3})
        self.assertEqual(self._status_on("2026-02-16"), "cooling")
        self.assertEqual(self._status_on("2026-04-16"), "lost")


@tagged("post_install", "-at_install")
class TestServiceByTier(CustomerTieringCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        today = fields.Date.to_date(TODAY)
        invoices = [(today - relativedelta(months=m), 150_000) for m in range(12)]
        cls.orphan = cls._customer("Platinum without Manager")
        cls.served = cls._customer("Platinum with Manager", user_id=cls.account_manager.id)
        for partner in cls.orphan | cls.served:
            for invoice in cls._invoices(partner, invoices):
                cls._pay(invoice, invoice.invoice_date_due)
        cls.policy = cls.env["customer.tier.policy"]._for_company(cls.env.company)
        cls.policy.tier_manager_id = cls.sales_manager

    def _types(self, partner):
        return {(a.activity_type_id, a.user_id) for a in partner.activity_ids}

    @freeze_time(TODAY)
    def test_platinum_gets_a_manager_and_proactive_contact(self):
        self._recompute(self.orphan | self.served)
        self.assertEqual(self.orphan.customer_tier, "platinum")
        assign = self.env.ref("customer_tiering.mail_activity_type_assign_manager")
        contact = self.env.ref("customer_tiering.mail_activity_type_platinum_contact")
        self.assertIn((assign, self.sales_manager), self._types(self.orphan))
        self.assertIn((contact, self.account_manager), self._types(self.served))
        contact_activity = self.served.activity_ids.filtered(
            lambda a: a.activity_type_id == contact
        )
        self.assertEqual(
            contact_activity.date_deadline,
            fields.Date.to_date(TODAY) + relativedelta(days=self.policy.platinum_contact_days),
        )
        # recompute again: no duplicates
        self._recompute(self.orphan | self.served)
        self.assertEqual(len(self.orphan.activity_ids), 1)
        self.assertEqual(len(self.served.activity_ids), 1)

    @freeze_time(TODAY)
    def test_scheduled_activities_are_what_mail_activity_would_create(self):
        """The run inserts activities set-wise: they must look like ORM-made ones."""
        self._recompute(self.orphan | self.served)
        activity = self.orphan.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.res_model, "res.partner")
        self.assertEqual(activity.res_name, self.orphan.display_name)
        self.assertEqual(activity.user_tz, self.sales_manager.tz)
        self.assertTrue(activity.active)
        self.assertFalse(activity.automated)
        self.assertEqual(self.orphan.activity_user_id, self.sales_manager)
        self.assertEqual(self.orphan.activity_state, "today")
        # the assignee follows the customer, with the subtypes message_subscribe gives
        follower = self.orphan.message_follower_ids.filtered(
            lambda f: f.partner_id == self.sales_manager.partner_id
        )
        default = self.env["mail.message.subtype"].default_subtypes("res.partner")[0]
        self.assertEqual(follower.subtype_ids, default)
        # and sees it as their own activity, done the usual way
        mine = (
            self.env["mail.activity"]
            .with_user(self.sales_manager)
            .search([("res_model", "=", "res.partner"), ("res_id", "=", self.orphan.id)])
        )
        self.assertEqual(mine, activity)
        activity.with_user(self.sales_manager).action_feedback(feedback="Called them")
        self.assertFalse(self.orphan.activity_ids)
        # a second run neither repeats the follower nor fails on it
        self._recompute(self.orphan | self.served)
        self.assertEqual(
            len(
                self.orphan.message_follower_ids.filtered(
                    lambda f: f.partner_id == self.sales_manager.partner_id
                )
            ),
            1,
        )

    @freeze_time(TODAY)
    def test_demotion_notifies_the_account_manager(self):
        self._recompute(self.served)
        with freeze_time("2027-12-31"):
            self._recompute(self.served)
        change = self.env.ref("customer_tiering.mail_activity_type_tier_change")
        activity = self.served.activity_ids.filtered(lambda a: a.activity_type_id == change)
        self.assertEqual(activity.user_id, self.account_manager)
        self.assertIn("demotion", activity.summary)


@tagged("post_install", "-at_install")
class TestMultiCompanyTiers(CustomerTieringCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.setup_other_company(name="Second Provider")["company"]
        cls.shared = cls._customer("Shared Customer")
        today = fields.Date.to_date(TODAY)
        monthly = [(today - relativedelta(months=m), 150_000) for m in range(12)]
        for invoice in cls._invoices(cls.shared, monthly):
            cls._pay(invoice, invoice.invoice_date_due)
        cls._invoices(cls.shared, [(today - relativedelta(months=11), 500)], company=cls.company_b)

    @freeze_time(TODAY)
    def test_one_customer_two_companies_two_tiers(self):
        self._recompute(self.shared)
        self._recompute(self.shared, company=self.company_b)
        self.assertEqual(self.shared.with_company(self.env.company).customer_tier, "platinum")
        self.assertEqual(self.shared.with_company(self.company_b).customer_tier, "lead")
        histories = self.env["customer.tier.history"].search([("partner_id", "=", self.shared.id)])
        self.assertEqual(histories.company_id, self.env.company | self.company_b)


@tagged("post_install", "-at_install")
class TestRecomputeQueryBudget(CustomerTieringCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        partners = cls.env["res.partner"].create(
            [
                {"name": f"Budget Customer {i}", "is_company": True, "customer_rank": 1}
                for i in range(115)
            ]
        )
        journal = cls.company_data["default_journal_sale"]
        moves = cls.env["account.move"].create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "journal_id": journal.id,
                    "invoice_date": "2026-05-01",
                    "invoice_line_ids": [
                        (
                            0,
                            0,
                            {
                                "name": "Freight",
                                "quantity": 1,
                                "price_unit": 100 + i,
                                "tax_ids": [],
                            },
                        )
                    ],
                }
                for i, partner in enumerate(partners)
            ]
        )
        moves.action_post()
        cls.warmup, cls.ten, cls.hundred = partners[:5], partners[5:15], partners[15:]

    @freeze_time(TODAY)
    def test_query_count_does_not_grow_with_the_batch(self):
        self._recompute(self.warmup)
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        self._recompute(self.ten)
        queries_for_ten = self.env.cr.sql_log_count - before
        self.env.invalidate_all()
        with self.assertQueryCount(queries_for_ten):
            self._recompute(self.hundred)
        self.assertEqual(
            len(self.env["customer.tier.history"].search([("partner_id", "in", self.hundred.ids)])),
            100,
        )

    @freeze_time(TODAY)
    def test_a_run_of_many_batches_grades_as_one_batch(self):
        """Batches read their facts from aggregates of the whole ledger: same results."""
        customers = self.ten | self.hundred
        policy = self.env["customer.tier.policy"]._for_company(self.env.company)
        fields_read = ["customer_tier", "tier_current_score", "credit_score", "credit_grade"]

        history = self.env["customer.tier.history"]

        def grade(batch_size):
            policy.batch_size = batch_size
            customers.with_context(tracking_disable=True).sudo().write(
                dict.fromkeys(["customer_tier", "tier_computed", "credit_grade"], False)
            )
            before = history.search_count([("partner_id", "in", customers.ids)])
            stats = self._recompute(customers)
            self.env.invalidate_all()
            logged = history.search_count([("partner_id", "in", customers.ids)]) - before
            return stats, customers.read(fields_read), logged

        one_batch = grade(1000)
        self.assertEqual(grade(7), one_batch)
        self.env.cr.execute(
            "SELECT count(*) FROM pg_tables WHERE tablename LIKE 'customer_tiering_run_%%'"
        )
        self.assertEqual(self.env.cr.fetchone()[0], 0, "the run's aggregates are dropped")

    @freeze_time(TODAY)
    def test_a_batch_is_graded_without_cyclic_garbage_collection(self):
        """A batch's facts and scores are no garbage (engine/collector.py): collection
        is off while each batch is graded, and on again after the run."""
        self.env["customer.tier.policy"]._for_company(self.env.company).batch_size = 7
        partner_class = type(self.env["res.partner"])
        extra_factors = partner_class._tiering_factor_values
        seen = []

        def spy(partners, batch, date):
            seen.append(gc.isenabled())
            return extra_factors(partners, batch, date)

        self.assertTrue(gc.isenabled())
        with patch.object(partner_class, "_tiering_factor_values", spy):
            self._recompute(self.ten)
        self.assertEqual(seen, [False, False])
        self.assertTrue(gc.isenabled())

    def test_grading_results_carry_no_presence_index(self):
        """Each run rewrites them; an index nobody searches would only slow its UPDATE
        (a database upgraded from an earlier version has them dropped)."""
        partner_fields = self.env["res.partner"]._fields
        self.assertFalse([name for name in TIER_RESULT_COLUMNS if partner_fields[name].index])
        self.env.cr.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'res_partner' AND indexname = ANY(%s)",
            [[f"res_partner__{name}_index" for name in TIER_RESULT_COLUMNS]],
        )
        self.assertEqual(self.env.cr.fetchall(), [])
