import pytest
from customer_tiering_engine import credit


@pytest.mark.parametrize(
    ("days", "index"),
    [
        (-30, 100.0),
        (-15, 90.0),
        (0, 80.0),
        (15, 65.0),
        (30, 50.0),
        (60, 35.0),
        (90, 20.0),
        (120, 0.0),
        (400, 0.0),
    ],
)
def test_paydex_bands(days, index):
    assert credit.paydex(days) == pytest.approx(index)


def test_paydex_unknown():
    assert credit.paydex(None) is None


def _monthly_customer(days_late, open_months, overdue):
    """A customer invoiced 10k a month on 30-day terms, paying ``days_late`` late."""
    return credit.CreditFacts(
        1,
        avg_days_beyond_terms=days_late,
        open_amount=open_months * 10_000,
        # default buckets: not due, 1-30, 31-60, 61-90, 91-120, over 120
        aged=(0, overdue[0] * 10_000, overdue[1] * 10_000, 0, overdue[2] * 10_000, 0),
        revenue=120_000,
        months_invoiced=12,
    )


def test_on_time_payer_rates_a():
    result = credit.score(_monthly_customer(0, 1, (0, 0, 0)), credit.DEFAULT_WEIGHTS)
    assert result.grade == "A"
    assert result.paydex == 80.0
    assert result.dso == pytest.approx(30.4, abs=0.1)


def test_chronic_45_days_late_payer_rates_d_or_e():
    result = credit.score(_monthly_customer(45, 2.5, (1, 0.5, 0)), credit.DEFAULT_WEIGHTS)
    assert result.grade in ("D", "E")


def test_statements_count_when_reviewed():
    facts = _monthly_customer(10, 1.3, (0.3, 0, 0))
    plain = credit.score(facts, credit.DEFAULT_WEIGHTS)
    facts.current_ratio, facts.debt_ratio, facts.net_margin = 0.5, 0.95, -0.05
    weak = credit.score(facts, credit.DEFAULT_WEIGHTS)
    assert weak.score < plain.score
    assert weak.breakdown["current_ratio"][1] == 0.0


def test_unknown_customer_sits_in_the_middle():
    result = credit.score(credit.CreditFacts(9, window_months=0), credit.DEFAULT_WEIGHTS)
    assert (result.score, result.grade) == (50.0, "D")


@pytest.mark.parametrize(
    ("points", "grade"), [(85, "A"), (84.99, "B"), (70, "B"), (60, "C"), (45, "D"), (44.9, "E")]
)
def test_grade_floors(points, grade):
    assert credit.grade_for(points) == grade


def test_suggested_limit_is_a_multiple_of_monthly_revenue():
    assert credit.suggested_limit("A", 10_000, {"A": 3, "E": 0}) == 30_000
    assert credit.suggested_limit("E", 10_000, {"A": 3, "E": 0}) == 0


def test_customer_quiet_in_the_window_is_not_rated_e():
    facts = credit.CreditFacts(3, months_invoiced=0, window_months=12)
    assert credit.score(facts, credit.DEFAULT_WEIGHTS).grade == "D"
