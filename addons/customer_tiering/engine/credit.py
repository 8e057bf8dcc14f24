"""Credit rating from the receivables ledger.

Payment performance (履约信用) comes from the ledger: a PAYDEX-style index of
the amount-weighted days paid beyond terms, the share of open receivables that
is overdue (worse the older), days sales outstanding and how regularly the
customer is invoiced.  Solvency, operating capacity and profitability come from
the customer's statements when a credit review recorded them; unknown inputs
are left out and the remaining weights renormalised, as for the tier scores.
"""

import functools
from dataclasses import dataclass, field

from . import aging, scoring

GRADES = ("A", "B", "C", "D", "E")

DEFAULT_GRADE_FLOORS = {"A": 85.0, "B": 70.0, "C": 60.0, "D": 45.0, "E": 0.0}
DEFAULT_WEIGHTS = {
    "paydex": 50.0,
    "overdue": 30.0,
    "dso": 10.0,
    "regularity": 10.0,
    "current_ratio": 10.0,
    "debt_ratio": 10.0,
    "asset_turnover": 5.0,
    "net_margin": 10.0,
}


@dataclass
class CreditFacts:
    partner_id: int
    avg_days_beyond_terms: float | None = None  # paid parts, amount-weighted
    open_amount: float = 0.0
    edges: tuple = aging.DEFAULT_EDGES  # the company's aging buckets
    aged: tuple = ()  # open amount per bucket of ``edges``: not due, then overdue
    revenue: float = 0.0  # over the window, company currency
    window_days: int = 365
    months_invoiced: int = 0
    window_months: int = 12
    current_ratio: float | None = None
    debt_ratio: float | None = None
    asset_turnover: float | None = None
    net_margin: float | None = None
    extra: dict = field(default_factory=dict)

    @property
    def overdue_bands(self):
        """(up to 30, 31 to 90, over 90 days overdue): each bucket counted in the
        band of its first overdue day."""
        bands = [0.0, 0.0, 0.0]
        for band, amount in zip(_bands_of(tuple(self.edges)), self.aged):
            if band is not None:
                bands[band] += amount
        return tuple(bands)


@functools.lru_cache(maxsize=32)
def _bands_of(edges):
    """The band (0: up to 30, 1: 31 to 90, 2: over 90) of each bucket of ``edges``,
    None for not due; asked for every customer, the same few edges each time."""
    return tuple(
        None if bucket.low is None else 0 if bucket.low <= 30 else 1 if bucket.low <= 90 else 2
        for bucket in aging.buckets(edges)
    )


@dataclass
class CreditResult:
    partner_id: int
    paydex: float | None
    dso: float | None
    overdue_share: float
    score: float
    grade: str
    breakdown: dict


def paydex(avg_days_beyond_terms):
    """80 when paid on time; up to 100 when paid early; 50 at 30 days late, 20 at 90, 0 from 120.

    Piecewise linear like Dun & Bradstreet's PAYDEX bands.
    """
    if avg_days_beyond_terms is None:
        return None
    days = avg_days_beyond_terms
    if days <= 0:
        return min(100.0, 80.0 + (-days) * 20.0 / 30.0)
    points = ((0, 80.0), (30, 50.0), (90, 20.0), (120, 0.0))
    for (d0, p0), (d1, p1) in zip(points, points[1:]):
        if days <= d1:
            return round(p0 + (p1 - p0) * (days - d0) / (d1 - d0), 2)
    return 0.0


def overdue_level(facts):
    """1 with nothing overdue, 0 when everything open is over 90 days late."""
    if facts.open_amount <= 0:
        return 1.0
    up_to_30, up_to_90, over_90 = facts.overdue_bands
    weighted = up_to_30 * 0.4 + up_to_90 * 0.8 + over_90 * 1.0
    return max(0.0, 1.0 - weighted / facts.open_amount)


def days_sales_outstanding(facts):
    if facts.revenue <= 0:
        return None
    return round(max(facts.open_amount, 0.0) / facts.revenue * facts.window_days, 1)


def factor_values(facts):
    """Each factor at 0..1 (None when unknown)."""
    return _factor_values(
        facts,
        paydex(facts.avg_days_beyond_terms),
        days_sales_outstanding(facts),
        overdue_level(facts),
    )


def _factor_values(facts, index, dso, level):
    values = {
        "paydex": None if index is None else index / 100.0,
        "overdue": level if facts.open_amount > 0 or index is not None else None,
        "dso": None if dso is None else max(0.0, min(1.0, 1.0 - (dso - 30.0) / 90.0)),
        # no invoice in the window says nothing about how regularly one buys
        "regularity": (
            min(1.0, facts.months_invoiced / facts.window_months)
            if facts.window_months and facts.months_invoiced
            else None
        ),
        # solvency, operating capacity, profitability (from a credit review)
        "current_ratio": _ramp(facts.current_ratio, 0.8, 2.0),
        "debt_ratio": None if facts.debt_ratio is None else 1.0 - _ramp(facts.debt_ratio, 0.4, 0.9),
        "asset_turnover": _ramp(facts.asset_turnover, 0.3, 1.5),
        "net_margin": _ramp(facts.net_margin, 0.0, 0.15),
    }
    values.update(facts.extra)
    return values


def score(facts, weights, floors=None):
    floors = floors or DEFAULT_GRADE_FLOORS
    # each input computed once: the grading asks this for every customer every night
    index = paydex(facts.avg_days_beyond_terms)
    dso = days_sales_outstanding(facts)
    level = overdue_level(facts)
    values = _factor_values(facts, index, dso, level)
    # the same renormalised weighting as the tier scores
    points, parts = scoring.weighted_score(values, weights)
    if all(part is None for part in parts.values()):
        # nothing known about the customer: the grade of a newcomer, in the middle
        points, breakdown = 50.0, {k: [None, None] for k in values}
    else:
        breakdown = {k: [None if v is None else round(v, 4), parts[k]] for k, v in values.items()}
    return CreditResult(
        facts.partner_id,
        index,
        dso,
        round(1.0 - level, 4) if facts.open_amount > 0 else 0.0,
        min(points, 100.0),
        grade_for(points, floors),
        breakdown,
    )


def grade_for(points, floors=None):
    floors = floors or DEFAULT_GRADE_FLOORS
    for grade in GRADES:
        if points >= floors.get(grade, 0.0):
            return grade
    return GRADES[-1]


def suggested_limit(grade, monthly_revenue, multipliers):
    """A multiple of the average monthly revenue, by grade (0 for a blocked grade)."""
    return round(max(monthly_revenue, 0.0) * multipliers.get(grade, 0.0), -2)


def _ramp(value, low, high):
    if value is None:
        return None
    return max(0.0, min(1.0, (value - low) / (high - low)))
