import io
from datetime import date

import openpyxl

from odoo.tests import tagged

from .test_receivable_snapshot import CUTOFF, ReceivableCommon


@tagged("post_install", "-at_install")
class TestReceivableXlsxRows(ReceivableCommon):
    """Each customer's row of the snapshot workbook holds its line's figures."""

    def test_rows_hold_the_lines(self):
        gold = self._customer("=1+1 Gold Freight")  # a name a spreadsheet could take for a formula
        gold.with_company(self.company).write({"customer_tier": "gold"})
        self._invoice(gold, date(2024, 5, 10), 250.0, term=self.term_30)
        self._invoice(gold, date(2024, 6, 12), 80.0)
        untiered = self._customer("XL Untiered")
        self._invoice(untiered, date(2024, 1, 5), 500.0)
        self._invoice(untiered, date(2024, 6, 3), 40.0, move_type="out_refund")
        snapshot = self._snapshot(CUTOFF)
        snapshot.action_export_xlsx()
        attachment = self.env["ir.attachment"].search(
            [("res_model", "=", "receivable.snapshot"), ("res_id", "=", snapshot.id)]
        )
        book = openpyxl.load_workbook(io.BytesIO(attachment.raw))
        count = snapshot.bucket_used
        for partner, tier in ((gold, "Gold"), (untiered, "No tier")):
            line = self._line(snapshot, partner)
            aging = next(
                row for row in book["Aging"].iter_rows(min_row=7) if row[0].value == partner.name
            )
            self.assertEqual(aging[0].data_type, "s")
            self.assertEqual(
                [cell.value for cell in aging[1 : count + 5]],
                [
                    tier,
                    *self._buckets(line),
                    line.overdue_amount,
                    line.closing_balance,
                    line.closing_change,
                ],
            )
            self.assertEqual({cell.number_format for cell in aging[2 : count + 5]}, {"#,##0.00"})
            balances = next(
                row
                for row in book["Balances"].iter_rows(min_row=7, values_only=True)
                if row[0] == partner.name
            )
            self.assertEqual(
                balances[1:5], (line.opening_balance, line.debit, line.credit, line.closing_balance)
            )
        # the tier subtotals follow the table, the gold tier first
        labels = [row[0] for row in book["Aging"].iter_rows(values_only=True)]
        subtotals = labels[labels.index("Subtotals by Tier") + 1 :]
        self.assertEqual(subtotals[:2], ["Gold", "No tier"])
