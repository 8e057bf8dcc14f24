import io

import xlsxwriter

from odoo import api, fields, models
from odoo.tools import SQL

from ..const import TIER_SELECTION
from ..engine import receivables


class ReceivableSnapshotXlsx(models.AbstractModel):
    """Workbooks of a snapshot (Aging, Balances, Tie-out) and of a statement."""

    _name = "receivable.snapshot.xlsx"
    _description = "Month-end Receivables Workbooks"

    @api.model
    def _download(self, record, filename, content):
        """Keep the workbook as an attachment of ``record`` and return its download."""
        attachment = self.env["ir.attachment"].create(
            {
                "name": filename,
                "raw": content,
                "res_model": record._name,
                "res_id": record.id,
                "mimetype": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "self",
        }

    @api.model
    def _headers(self):
        _ = self.env._
        return {
            "partner": _("Customer"),
            "tier": _("Tier"),
            "overdue_amount": _("Overdue"),
            "opening_balance": _("Opening Balance"),
            "debit": _("Debit"),
            "credit": _("Credit"),
            "closing_balance": _("Closing Balance"),
            "closing_change": _("Change vs Previous"),
            "date": _("Date"),
            "kind": _("Type"),
            "name": _("Number"),
            "ref": _("Reference"),
            "date_maturity": _("Due Date"),
            "balance": _("Balance"),
        }

    @api.model
    def _formats(self, book, currency):
        digits = currency.decimal_places
        money = "#,##0" + ("." + "0" * digits if digits else "")
        return {
            "title": book.add_format({"bold": True, "font_size": 14}),
            "label": book.add_format({"bold": True}),
            "head": book.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1}),
            "money": book.add_format({"num_format": money}),
            "total_money": book.add_format({"num_format": money, "bold": True, "top": 1}),
            "total": book.add_format({"bold": True, "top": 1}),
            "date": book.add_format({"num_format": "yyyy-mm-dd"}),
            "text": None,
        }

    @api.model
    def _title_block(self, sheet, fmt, title, company, cutoff, currency, date_from=None):
        _ = self.env._
        sheet.write(0, 0, title, fmt["title"])
        sheet.write(1, 0, _("Company"), fmt["label"])
        sheet.write(1, 1, company.name)
        sheet.write(2, 0, _("Cut-off Date"), fmt["label"])
        sheet.write(2, 1, fields.Date.to_string(cutoff))
        if date_from:
            sheet.write(2, 2, _("Period Start"), fmt["label"])
            sheet.write(2, 3, fields.Date.to_string(date_from))
        # rows in order: a constant-memory sheet drops a cell written above its last row
        sheet.write(3, 0, _("Currency"), fmt["label"])
        sheet.write(3, 1, currency.name)
        return 5  # the header row

    @api.model
    def _write_table(self, sheet, fmt, row, columns, rows, totals=None, headers=None):
        """Header, one row per tuple of ``rows`` (values in the order of ``columns``,
        the money ones last and never None), a total row; returns the next free row."""
        headers = headers or self._headers()
        for col, (key, _kind) in enumerate(columns):
            sheet.write(row, col, headers.get(key, key), fmt["head"])
            sheet.set_column(col, col, 30 if key == "partner" else 16)
        first = row + 1
        kinds = [kind for _key, kind in columns]
        width = len(columns)
        money_from = kinds.index("money") if "money" in kinds else width
        if set(kinds[money_from:]) - {"money"}:
            raise ValueError("The money columns of a table come last.")
        leading = list(enumerate(kinds[:money_from]))
        money, date = fmt["money"], fmt["date"]
        # typed writes: sheet.write() would test every string for a number, URL or
        # formula; a row's amounts (floats) in one write_row, not a call per cell
        write_string, write_row, to_string = sheet.write_string, sheet.write_row, str
        for row_number, values in enumerate(rows, first):
            for col, kind in leading:
                value = values[col]
                if not value:
                    continue
                if kind == "date":
                    write_string(row_number, col, fields.Date.to_string(value), date)
                else:
                    write_string(row_number, col, to_string(value))
            if money_from < width:
                write_row(row_number, money_from, values[money_from:width], money)
        last = first + len(rows) - 1
        sheet.freeze_panes(first, 1)
        sheet.autofilter(row, 0, max(last, first), len(columns) - 1)
        next_row = last + 1
        if totals is not None:
            sheet.write(next_row, 0, self.env._("Total"), fmt["total"])
            for col, (key, kind) in enumerate(columns):
                if kind == "money" and key in totals:
                    sheet.write_number(next_row, col, totals[key], fmt["total_money"])
            next_row += 1
        return next_row

    @api.model
    def _snapshot_rows(self, snapshot):
        """The snapshot's lines as tuples in the shape of the workbook, by tier
        (platinum first), then largest balance: the Aging columns, then the
        Balances amounts (opening, debit, credit, closing).

        One query, names and tier labels included: reading 20,000 lines through
        the ORM and computing their customers' display names took longer than
        writing the workbook.  The caller could read the snapshot, so it may read
        its lines.
        """
        line_model = self.env["receivable.snapshot.line"]
        line_model.flush_model()
        tiers = line_model._fields["customer_tier"]._description_selection(self.env)
        no_tier = self.env._("No tier")
        tier_label = SQL(" ").join(
            SQL("WHEN %s THEN %s", key, label or no_tier) for key, label in tiers
        )
        tier_rank = SQL(" ").join(
            SQL("WHEN %s THEN %s", key, index) for index, (key, _label) in enumerate(TIER_SELECTION)
        )
        # the amounts as the workbook writes them, a missing one 0
        money = [
            key
            for columns in (
                receivables.aging_columns(snapshot.bucket_used),
                receivables.BALANCE_COLUMNS,
            )
            for key, kind in columns
            if kind == "money"
        ]
        amounts = SQL(", ").join(
            SQL("COALESCE(line.%s, 0)", SQL.identifier(name)) for name in money
        )
        return self.env.execute_query(
            SQL(
                """SELECT COALESCE(NULLIF(partner.complete_name, ''), %(no_partner)s),
                          CASE line.customer_tier %(tier_label)s ELSE %(no_tier)s END,
                          %(amounts)s
                     FROM receivable_snapshot_line line
                     LEFT JOIN res_partner partner ON partner.id = line.partner_id
                    WHERE line.snapshot_id = %(snapshot)s
                    ORDER BY CASE line.customer_tier %(tier_rank)s ELSE %(last)s END,
                             line.closing_balance DESC, line.id""",
                no_partner=self.env._("No partner"),
                tier_label=tier_label,
                no_tier=no_tier,
                amounts=amounts,
                snapshot=snapshot.id,
                tier_rank=tier_rank,
                last=len(TIER_SELECTION),
            )
        )

    @api.model
    def _snapshot_workbook(self, snapshot):
        """Bytes of the workbook: Aging, Balances and Tie-out sheets.

        Constant-memory mode: each row goes to a temporary file once written, so
        memory stays flat whatever the number of customers (rows are written in order).
        """
        output = io.BytesIO()
        book = xlsxwriter.Workbook(output, {"constant_memory": True})
        fmt = self._formats(book, snapshot.currency_id)
        rows = self._snapshot_rows(snapshot)
        self._aging_sheet(book, fmt, snapshot, rows)
        self._balances_sheet(book, fmt, snapshot, rows)
        self._tie_out_sheet(book, fmt, snapshot, rows)
        book.close()
        return output.getvalue()

    @api.model
    def _aging_sheet(self, book, fmt, snapshot, rows):
        """The aging table, with subtotals by tier below it."""
        _ = self.env._
        currency = snapshot.currency_id
        count = snapshot.bucket_used
        labels = snapshot._bucket_labels()
        digits = currency.decimal_places
        sheet = book.add_worksheet(_("Aging"))
        columns = receivables.aging_columns(count)
        headers_row = self._title_block(
            sheet, fmt, _("Receivables Aging"), snapshot.company_id, snapshot.date_to, currency
        )
        head = self._headers()
        for index, label in enumerate(labels):
            head[f"bucket_{index}"] = label
        row = self._write_table(
            sheet, fmt, headers_row, columns, rows, self._totals(rows, columns, digits), head
        )
        # subtotals by tier, below the table (the filter range stays the customers)
        row += 1
        sheet.write(row, 0, _("Subtotals by Tier"), fmt["label"])
        row += 1
        groups = {}
        for values in rows:
            groups.setdefault(values[1], []).append(values)
        for tier, members in groups.items():
            sheet.write(row, 0, tier, fmt["total"])
            totals = self._totals(members, columns, digits)
            for col, (key, kind) in enumerate(columns):
                if kind == "money":
                    sheet.write_number(row, col, totals[key], fmt["total_money"])
            row += 1

    @api.model
    def _balances_sheet(self, book, fmt, snapshot, rows):
        _ = self.env._
        currency = snapshot.currency_id
        digits = currency.decimal_places
        sheet = book.add_worksheet(_("Balances"))
        headers_row = self._title_block(
            sheet,
            fmt,
            _("Receivable Balances"),
            snapshot.company_id,
            snapshot.date_to,
            currency,
            snapshot.date_from,
        )
        columns = receivables.BALANCE_COLUMNS
        # the customer, then the amounts after the Aging columns (see _snapshot_rows)
        aging_width = len(receivables.aging_columns(snapshot.bucket_used))
        rows = [(values[0], *values[aging_width:]) for values in rows]
        self._write_table(
            sheet, fmt, headers_row, columns, rows, self._totals(rows, columns, digits)
        )

    @api.model
    def _tie_out_sheet(self, book, fmt, snapshot, rows):
        """The ledger's receivable accounts against the sum of the lines."""
        _ = self.env._
        currency = snapshot.currency_id
        count = snapshot.bucket_used
        digits = currency.decimal_places
        sheet = book.add_worksheet(_("Tie-out"))
        row = self._title_block(
            sheet, fmt, _("Tie-out to the Ledger"), snapshot.company_id, snapshot.date_to, currency
        )
        sheet.set_column(0, 0, 36)
        sheet.set_column(1, 2, 18)
        sheet.write(row, 0, _("Receivable Account"), fmt["head"])
        sheet.write(row, 1, _("Ledger Balance"), fmt["head"])
        row += 1
        ledger_total = 0.0
        for code, name, balance in self._ledger_rows(snapshot):
            sheet.write(row, 0, f"{code} {name}".strip())
            sheet.write_number(row, 1, balance, fmt["money"])
            ledger_total += balance
            row += 1
        ledger_total = round(ledger_total, digits)
        keys = [key for key, _kind in receivables.aging_columns(count)]
        closing = keys.index("closing_balance")
        buckets = slice(keys.index("overdue_amount") - count, keys.index("overdue_amount"))
        lines_total = round(sum(values[closing] for values in rows), digits)
        difference, ties = receivables.tie_out(lines_total, ledger_total, digits)
        row += 1
        for label, value in (
            (_("Ledger receivable balance"), ledger_total),
            (_("Sum of closing balances"), lines_total),
            (
                _("Sum of aging buckets"),
                round(sum(amount for values in rows for amount in values[buckets]), digits),
            ),
            (_("Difference"), difference),
        ):
            sheet.write(row, 0, label, fmt["label"])
            sheet.write_number(row, 1, value, fmt["total_money"])
            row += 1
        sheet.write(row, 0, _("Status"), fmt["label"])
        sheet.write(row, 1, _("Ties to the ledger") if ties else _("Does not tie out"))

    @api.model
    def _ledger_rows(self, snapshot):
        """[(account code, account name, balance)] of the receivable accounts at the
        cut-off: as read when the snapshot was computed (the ledger is not scanned
        again for the workbook), else from the ledger now."""
        by_account = snapshot.ledger_by_account
        if not isinstance(by_account, dict):  # computed before the balances were kept
            by_account = snapshot._ledger_balances()
        accounts = self.env["account.account"].browse([int(key) for key in by_account])
        result = []
        for account, balance in zip(
            accounts.with_company(snapshot.company_id), by_account.values()
        ):
            result.append((account.code or "", account.name, float(balance)))
        return sorted(result)

    def _totals(self, rows, columns, digits):
        """{money column: its sum over ``rows``}, the tuples of ``_write_table``."""
        by_column = list(zip(*rows)) or [()] * len(columns)
        return {
            key: round(sum(by_column[col]), digits) + 0.0
            for col, (key, kind) in enumerate(columns)
            if kind == "money"
        }

    @api.model
    def _statement_workbook(self, statement):
        _ = self.env._
        currency = statement.currency_id
        output = io.BytesIO()
        book = xlsxwriter.Workbook(output, {"in_memory": True})
        fmt = self._formats(book, currency)
        sheet = book.add_worksheet(_("Statement"))
        row = self._title_block(
            sheet,
            fmt,
            _("Statement of Account: %(customer)s", customer=statement.partner_id.display_name),
            statement.company_id,
            statement.date_to,
            currency,
            statement.date_from,
        )
        sheet.write(row, 0, _("Opening Balance"), fmt["label"])
        sheet.write_number(row, 1, statement.opening_balance, fmt["total_money"])
        row += 2
        line_model = self.env["receivable.statement.line"]
        kinds = dict(line_model._fields["kind"]._description_selection(self.env))
        rows = [
            (
                line.date,
                kinds.get(line.kind, line.kind),
                line.name,
                line.ref,
                line.date_maturity,
                line.debit,
                line.credit,
                line.balance,
            )
            for line in statement.line_ids
        ]
        columns = receivables.STATEMENT_COLUMNS
        totals = self._totals(rows, columns[:-1], currency.decimal_places)
        row = self._write_table(sheet, fmt, row, columns, rows, totals)
        row += 1
        sheet.write(row, 0, _("Closing Balance"), fmt["label"])
        sheet.write_number(row, 1, statement.closing_balance, fmt["total_money"])
        book.close()
        return output.getvalue()
