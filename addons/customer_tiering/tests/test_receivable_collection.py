from datetime import date, timedelta

from freezegun import freeze_time

from odoo.tests import tagged

from .test_receivable_snapshot import CUTOFF, ReceivableCommon


@tagged("post_install", "-at_install")
class TestCollectionPlan(ReceivableCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.late = cls._customer("CP Late Payer", user_id=cls.account_manager.id)
        cls.punctual = cls._customer("CP Punctual")
        cls.old = cls._invoice(cls.late, date(2024, 3, 1), 2000.0)
        cls._invoice(cls.punctual, date(2024, 6, 25), 500.0, term=cls.term_30)

    @freeze_time("2024-07-15")
    def test_plan_targets_overdue_customers_and_follows_payments(self):
        snapshot = self._snapshot()
        snapshot.with_user(self.credit_controller).action_create_collection_plan()
        target = snapshot.collection_target_ids
        self.assertRecordValues(
            target,
            [
                {
                    "partner_id": self.late.id,
                    "user_id": self.account_manager.id,
                    "overdue_amount": 2000.0,
                    "target_amount": 2000.0,
                    "deadline": date(2024, 12, 31),
                    "collected_amount": 0.0,
                    "reached": False,
                }
            ],
        )
        self.assertEqual(target.activity_ids.user_id, self.account_manager)
        self.assertEqual(target.activity_ids.date_deadline, date(2024, 12, 31))
        # running it again adds nobody twice
        snapshot.action_create_collection_plan()
        self.assertEqual(len(snapshot.collection_target_ids), 1)
        # a payment before the cut-off does not count, one after it does
        self._reconcile(self.old, self._payment(self.late, CUTOFF + timedelta(days=5), 1500.0))
        target.invalidate_recordset()
        self.assertEqual(target.collected_amount, 1500.0)
        self.assertEqual(target.progress, 75.0)
        target.target_amount = 1500.0
        self.assertTrue(target.reached)
        self.assertEqual(snapshot.collection_target_count, 1)


@tagged("post_install", "-at_install")
class TestMonthEndMenus(ReceivableCommon):
    def test_month_end_menu_for_finance_and_account_managers(self):
        menu = self.env.ref("customer_tiering.receivable_month_end_menu")
        menus = self.env["ir.ui.menu"]
        self.assertIn(menu.id, menus.with_user(self.credit_controller)._visible_menu_ids())
        self.assertNotIn(menu.id, menus.with_user(self.salesperson)._visible_menu_ids())
        action = self.env.ref("customer_tiering.receivable_snapshot_line_action")
        self.assertEqual(action.view_mode, "list,pivot,graph")
