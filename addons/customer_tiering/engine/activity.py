"""Customer activity status.

Boundaries are whole calendar months since the last posted invoice, so that a
customer invoiced on 15 January is still *active* on 15 April and *cooling*
on 16 April (three-month default boundary).
"""

import calendar
from dataclasses import dataclass
from datetime import date


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
