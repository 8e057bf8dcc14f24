"""Month-end receivables: plain numbers in, plain numbers out.

The snapshot's lines are built set-wise in SQL (the bucket bounds come from
``aging.lower_bounds``); here: the tie-out, statement running balances and
the XLSX column maps.
"""

MONEY_DIGITS = 2


def _round(value, digits=MONEY_DIGITS):
    return round(float(value or 0.0), digits) + 0.0  # + 0.0: no negative zero


def tie_out(lines_total, ledger_total, digits=MONEY_DIGITS):
    """(difference, ties): the snapshot's closing total against the ledger."""
    difference = _round(lines_total - ledger_total, digits)
    return difference, abs(difference) < 0.5 * 10**-digits


def running_balance(opening, movements, digits=MONEY_DIGITS):
    """Statement rows with a running balance: ``movements`` are dicts with
    ``debit`` and ``credit`` (in date order); returns (rows, closing)."""
    balance = _round(opening, digits)
    rows = []
    for movement in movements:
        balance = _round(
            balance + (movement.get("debit") or 0.0) - (movement.get("credit") or 0.0), digits
        )
        rows.append({**movement, "balance": balance})
    return rows, balance


def statement_kind(move_type, has_payment):
    """What a statement calls a movement: invoice, credit note, payment or other."""
    if move_type in ("out_invoice", "out_receipt"):
        return "invoice"
    if move_type == "out_refund":
        return "credit_note"
    if has_payment:
        return "payment"
    return "other"


# XLSX column maps: (key, kind), kind "text", "date" or "money"; the addon
# gives each key its translated header.
def aging_columns(bucket_count):
    return (
        [("partner", "text"), ("tier", "text")]
        + [(f"bucket_{index}", "money") for index in range(bucket_count)]
        + [("overdue_amount", "money"), ("closing_balance", "money"), ("closing_change", "money")]
    )


BALANCE_COLUMNS = [
    ("partner", "text"),
    ("opening_balance", "money"),
    ("debit", "money"),
    ("credit", "money"),
    ("closing_balance", "money"),
]

STATEMENT_COLUMNS = [
    ("date", "date"),
    ("kind", "text"),
    ("name", "text"),
    ("ref", "text"),
    ("date_maturity", "date"),
    ("debit", "money"),
    ("credit", "money"),
    ("balance", "money"),
]
