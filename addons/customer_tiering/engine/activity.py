"""Customer activity status and churn.

Boundaries are whole calendar months since the last posted invoice, so that a
customer invoiced on 15 January is still *active* on 15 April and *cooling*
on 16 April (three-month default boundary).
"""

import calendar
from dataclasses import dataclass
from datetime import date

STATUSES = ("active", "cooling", "at_risk", "lost", "never")


@dataclass(frozen=True)
class ActivityBoundaries:
    active_months: int = 3
    cooling_months: int = 6
    at_risk_months: int = 12


def add_months(day, months):
    """``day`` shifted by whole months, clamped to the target month's end."""
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    last_day = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last_day))


def activity_status(last_invoice_date, today, boundaries=ActivityBoundaries()):
    if last_invoice_date is None:
        return "never"
    if today <= add_months(last_invoice_date, boundaries.active_months):
        return "active"
    if today <= add_months(last_invoice_date, boundaries.cooling_months):
        return "cooling"
    if today <= add_months(last_invoice_date, boundaries.at_risk_months):
        return "at_risk"
    return "lost"


def churn_figures(invoice_dates_by_partner, today, months=(3, 6, 12)):
    """Active counts per window and the churn rate of the longest window.

    ``invoice_dates_by_partner`` maps a partner to the dates it was invoiced.
    The churn rate is the share of customers active in the previous window of
    the same length that were not active in the current one.
    """
    counts = {}
    for length in months:
        start = add_months(today, -length)
        counts[length] = sum(
            1
            for dates in invoice_dates_by_partner.values()
            if any(start < d <= today for d in dates)
        )
    length = max(months)
    start = add_months(today, -length)
    previous_start = add_months(today, -2 * length)
    previous = {
        p
        for p, dates in invoice_dates_by_partner.items()
        if any(previous_start < d <= start for d in dates)
    }
    current = {
        p for p, dates in invoice_dates_by_partner.items() if any(start < d <= today for d in dates)
    }
    churned = previous - current
    rate = len(churned) / len(previous) if previous else 0.0
    return {"active": counts, "churned": sorted(churned), "churn_rate": round(rate, 4)}
