"""Shipment health from its plan, ETA and milestone."""

from .milestones import is_final


def shipment_health(milestone, planned_delivery, eta, actual_delivery, now):
    """'on_track', 'at_risk', 'late' or 'exception' (naive UTC datetimes or None)."""
    if milestone == "exception":
        return "exception"
    if is_final(milestone):
        if planned_delivery and actual_delivery and actual_delivery > planned_delivery:
            return "late"
        return "on_track"
    if not planned_delivery:
        return "on_track"
    if now > planned_delivery:
        return "late"
    if eta and eta > planned_delivery:
        return "at_risk"
    return "on_track"


def on_time(planned_delivery, actual_delivery):
    """Delivered by the planned time; None when either is unknown."""
    if not planned_delivery or not actual_delivery:
        return None
    return actual_delivery <= planned_delivery
