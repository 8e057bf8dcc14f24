"""Value scores and tier classification.

Plain data in, plain data out: the Odoo side gathers one ``PartnerFacts`` per
customer for a whole batch and calls :func:`score_batch`.

Every factor is normalised to 0..1 on a fixed scale (never relative to the
batch), so a customer's score does not depend on which other customers were
recomputed with it.  A factor whose value is unknown (``None``) is left out and
the remaining weights are renormalised; the explanation says so.
"""

import math
from dataclasses import dataclass, field
from datetime import date

TIER_RANK = {"lead": 0, "iron": 1, "gold": 2, "platinum": 3}

CURRENT_FACTORS = ("revenue", "margin", "frequency", "recency", "payment", "fulfilment")
POTENTIAL_FACTORS = ("trend", "size", "annual_revenue", "wallet", "outlook")

OUTLOOK_VALUES = {"declining": 0.0, "stable": 0.35, "growing": 0.7, "booming": 1.0}


@dataclass(frozen=True)
class TierMatrix:
    """Thresholds of the default matrix; all editable on the policy."""

    platinum_min: float = 75.0
    gold_min: float = 50.0
    iron_min: float = 25.0
    rising_potential_min: float = 70.0


@dataclass(frozen=True)
class ScoringScales:
    """Where each factor reaches its full score."""

    window_months: int = 12
    revenue_full: float = 1_000_000.0
    invoices_per_month_full: float = 4.0
    late_days_zero: float = 90.0
    margin_full: float = 0.30
    employees_full: float = 5_000.0
    annual_revenue_full: float = 500_000_000.0


@dataclass
class PartnerFacts:
    """What the ERP knows about one customer over the look-back window."""

    partner_id: int
    revenue: float = 0.0
    revenue_last_half: float = 0.0
    revenue_previous_half: float = 0.0
    invoice_count: int = 0
    last_invoice_date: date | None = None
    days_since_last_invoice: int | None = None
    avg_days_late: float | None = None
    margin_ratio: float | None = None
    ordered_amount: float | None = None
    invoiced_amount: float | None = None
    employees: int | None = None
    annual_revenue: float | None = None
    wallet_share: float | None = None
    outlook: str | None = None
    extra: dict = field(default_factory=dict)


@dataclass
class TierResult:
    partner_id: int
    current_score: float
    potential_score: float
    tier: str
    rising: bool
    breakdown: dict


def _log_scale(value, full, decades):
    """0 at ``full / 10**decades``, 1 at ``full``: one step per order of magnitude."""
    if value is None:
        return None
    floor = full / 10**decades
    if value <= floor:
        return 0.0
    return min(1.0, math.log10(value / floor) / decades)


def _clamp(value):
    # comparisons, not max(min()): called a dozen times per customer every night
    if value >= 1.0:
        return 1.0
    if value <= 0.0:
        return 0.0
    return value


def current_factor_values(facts, scales):
    """Each current-value factor normalised to 0..1 (or None when unknown)."""
    window_days = scales.window_months * 30.4
    if facts.days_since_last_invoice is None:
        recency = 0.0
    else:
        recency = _clamp(1.0 - facts.days_since_last_invoice / window_days)
    if facts.avg_days_late is None:
        payment = None
    else:
        payment = _clamp(1.0 - max(facts.avg_days_late, 0.0) / scales.late_days_zero)
    fulfilment = None
    if facts.ordered_amount:
        fulfilment = _clamp((facts.invoiced_amount or 0.0) / facts.ordered_amount)
    margin = None
    if facts.margin_ratio is not None:
        margin = _clamp(facts.margin_ratio / scales.margin_full)
    per_month = facts.invoice_count / max(scales.window_months, 1)
    values = {
        "revenue": _log_scale(facts.revenue, scales.revenue_full, 2),
        "margin": margin,
        "frequency": _clamp(per_month / scales.invoices_per_month_full),
        "recency": recency,
        "payment": payment,
        "fulfilment": fulfilment,
    }
    if facts.extra:
        values.update({k: v for k, v in facts.extra.items() if k.startswith("current_")})
    return values


def potential_factor_values(facts, scales):
    """Each potential-value factor normalised to 0..1 (or None when unknown)."""
    last, previous = facts.revenue_last_half, facts.revenue_previous_half
    if last <= 0 and previous <= 0:
        trend = None
    elif previous <= 0:
        trend = 1.0  # a new customer that is growing from nothing
    else:
        # flat = 0.5, doubled or better = 1, halved or worse = 0
        trend = _clamp(0.5 + math.log2(last / previous) / 2.0) if last > 0 else 0.0
    wallet = None if facts.wallet_share is None else _clamp(facts.wallet_share / 100.0)
    values = {
        "trend": trend,
        "size": _log_scale(facts.employees, scales.employees_full, 3),
        "annual_revenue": _log_scale(facts.annual_revenue, scales.annual_revenue_full, 3),
        "wallet": wallet,
        "outlook": OUTLOOK_VALUES.get(facts.outlook) if facts.outlook else None,
    }
    if facts.extra:
        values.update({k: v for k, v in facts.extra.items() if k.startswith("potential_")})
    return values


def weighted_score(values, weights):
    """0..100 score and each factor's contribution in points.

    Unknown factors and factors without weight are left out; the weights of
    the known ones are renormalised so that a complete profile is not needed.
    """
    known, total_weight = [], 0
    for key, value in values.items():
        if value is not None and (weight := weights.get(key, 0)) > 0:
            known.append((key, value, weight))
            total_weight += weight
    contributions = dict.fromkeys(values)
    if not total_weight:
        return 0.0, contributions
    points = 0.0
    for key, value, weight in known:
        points += (contribution := round(100.0 * weight * value / total_weight, 2))
        contributions[key] = contribution
    score = round(points, 2)
    return min(score, 100.0), contributions


def classify(current, potential, matrix):
    """Tier and the *rising* flag from the two scores (the default matrix)."""
    if current >= matrix.platinum_min:
        return "platinum", False
    if current >= matrix.gold_min:
        return "gold", False
    if potential >= matrix.rising_potential_min:
        return "gold", True
    if current >= matrix.iron_min:
        return "iron", False
    return "lead", False


def score_partner(facts, current_weights, potential_weights, scales, matrix):
    current_values = current_factor_values(facts, scales)
    potential_values = potential_factor_values(facts, scales)
    current, current_parts = weighted_score(current_values, current_weights)
    potential, potential_parts = weighted_score(potential_values, potential_weights)
    tier, rising = classify(current, potential, matrix)
    breakdown = {
        "current": {
            k: [None if v is None else round(v, 4), current_parts[k]]
            for k, v in current_values.items()
        },
        "potential": {
            k: [None if v is None else round(v, 4), potential_parts[k]]
            for k, v in potential_values.items()
        },
    }
    return TierResult(facts.partner_id, current, potential, tier, rising, breakdown)


def score_batch(facts_list, current_weights, potential_weights, scales, matrix):
    """One TierResult per facts, in order: each scored on its own, never against the batch."""
    return [
        score_partner(f, current_weights, potential_weights, scales, matrix) for f in facts_list
    ]


def tier_change(old_tier, new_tier):
    """'promotion', 'demotion', or None."""
    if not old_tier or old_tier == new_tier:
        return None
    if TIER_RANK[new_tier] > TIER_RANK[old_tier]:
        return "promotion"
    return "demotion"
