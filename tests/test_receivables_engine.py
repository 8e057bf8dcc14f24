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
