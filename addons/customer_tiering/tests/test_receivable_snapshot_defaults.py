from datetime import date

from freezegun import freeze_time

from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .test_receivable_snapshot import ReceivableCommon

TODAY = date(2024, 7, 10)
LAST_MONTH_END = date(2024, 6, 30)


@tagged("post_install", "-at_install")
class TestReceivableSnapshotDefaults(ReceivableCommon):
    """A cut-off alone names the period: its month."""

    def _snapshots(self):
        return self.env["receivable.snapshot"].with_user(self.credit_controller)

    @freeze_time(TODAY)
    def test_last_month_cutoff_alone_takes_that_month(self):
        snapshot = self._snapshots().create({"date_to": LAST_MONTH_END})
        self.assertEqual(snapshot.date_from, date(2024, 6, 1))
        self.assertEqual(snapshot.date_to, LAST_MONTH_END)

    @freeze_time(TODAY)
    def test_form_follows_the_cutoff(self):
        form = Form(self._snapshots())
        self.assertEqual((form.date_from, form.date_to), (date(2024, 7, 1), TODAY))
        form.date_to = LAST_MONTH_END
        self.assertEqual(form.date_from, date(2024, 6, 1))
        snapshot = form.save()
        self.assertEqual((snapshot.date_from, snapshot.date_to), (date(2024, 6, 1), LAST_MONTH_END))

    @freeze_time(TODAY)
    def test_given_period_start_is_kept_and_still_checked(self):
        quarter = self._snapshots().create(
            {"date_from": date(2024, 4, 1), "date_to": LAST_MONTH_END}
        )
        self.assertEqual(quarter.date_from, date(2024, 4, 1))
        with self.assertRaises(ValidationError):
            self._snapshots().create({"date_from": TODAY, "date_to": LAST_MONTH_END})
        with self.assertRaises(ValidationError):
            quarter.write({"date_from": date(2024, 7, 1)})
