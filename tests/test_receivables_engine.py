from datetime import date

import pytest
from customer_tiering_engine import aging, receivables


@pytest.mark.parametrize(
    "edges", [(30, 60, 90, 120), (30, 60, 90), (15,), (7, 14, 30, 60, 90, 180)]
)
def test_lower_bounds_agree_with_bucket_index(edges):
    """PostgreSQL's width_bucket(days, lower_bounds) is the snapshot's bucketing."""
    bounds = aging.lower_bounds(edges)

    def width_bucket(value):
        return sum(1 for bound in bounds if value >= bound)

    for days in range(-40, 400):
        assert width_bucket(days) == aging.bucket_index(days, edges)


def test_bucket_of_item_by_due_or_invoice_date():
    cutoff = date(2024, 6, 30)
    assert aging.bucket_of_item(date(2024, 6, 9), date(2024, 5, 10), cutoff) == 21
    assert aging.bucket_of_item(date(2024, 6, 9), date(2024, 5, 10), cutoff, "invoice") == 51
    assert aging.bucket_of_item(None, date(2024, 6, 1), cutoff) == 29


def test_bucket_residuals_groups_per_partner_and_skips_zero():
    cutoff = date(2024, 6, 30)
    items = [
        (1, date(2024, 7, 10), date(2024, 6, 10), 100.0),  # not due
        (1, date(2024, 6, 9), date(2024, 5, 10), 50.0),  # 21 days
        (1, date(2024, 1, 5), date(2024, 1, 5), 0.0),  # settled
        (2, date(2024, 1, 5), date(2024, 1, 5), 500.0),  # over 120
        (None, date(2024, 6, 3), date(2024, 6, 3), -100.0),  # unapplied credit, no partner
    ]
    result = receivables.bucket_residuals(items, cutoff)
    assert result == {
        1: [100.0, 50.0, 0.0, 0.0, 0.0, 0.0],
        2: [0.0, 0.0, 0.0, 0.0, 0.0, 500.0],
        None: [0.0, -100.0, 0.0, 0.0, 0.0, 0.0],
    }


def test_tie_out():
    assert receivables.tie_out(100.0, 100.004) == (0.0, True)
    assert receivables.tie_out(100.0, 150.0) == (-50.0, False)
    assert receivables.tie_out(0.1 + 0.2, 0.3) == (0.0, True)


def test_running_balance():
    rows, closing = receivables.running_balance(
        1000.0,
        [{"debit": 400.0, "credit": 0.0}, {"debit": 0.0, "credit": 150.0}, {"credit": 600.0}],
    )
    assert [row["balance"] for row in rows] == [1400.0, 1250.0, 650.0]
    assert closing == 650.0
    assert receivables.running_balance(-0.001, []) == ([], 0.0)


@pytest.mark.parametrize(
    ("move_type", "payment", "kind"),
    [
        ("out_invoice", False, "invoice"),
        ("out_receipt", False, "invoice"),
        ("out_refund", False, "credit_note"),
        ("entry", True, "payment"),
        ("entry", False, "other"),
    ],
)
def test_statement_kind(move_type, payment, kind):
    assert receivables.statement_kind(move_type, payment) == kind


def test_column_maps():
    columns = receivables.aging_columns(6)
    assert [key for key, _kind in columns][:3] == ["partner", "tier", "bucket_0"]
    assert len([1 for _key, kind in columns if kind == "money"]) == 6 + 3
    assert receivables.BALANCE_COLUMNS[-1] == ("closing_balance", "money")
