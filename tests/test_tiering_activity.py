from datetime import date

import pytest
from customer_tiering_engine.activity import activity_status, add_months

LAST = date(2026, 1, 15)


@pytest.mark.parametrize(
    ("today", "status"),
    [
        (date(2026, 4, 15), "active"),
        (date(2026, 4, 16), "cooling"),
        (date(2026, 7, 15), "cooling"),
        (date(2026, 7, 16), "at_risk"),
        (date(2027, 1, 15), "at_risk"),
        (date(2027, 1, 16), "lost"),
    ],
)
def test_status_boundaries_are_whole_months(today, status):
    assert activity_status(LAST, today) == status


def test_never_invoiced():
    assert activity_status(None, date(2026, 1, 1)) == "never"


def test_add_months_clamps_to_month_end():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 3, 31), -13) == date(2025, 2, 28)
