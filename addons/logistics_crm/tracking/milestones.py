"""The normalised milestones every carrier status maps to (R-SHIP-2)."""

MILESTONES = (
    "booked",
    "picked_up",
    "in_transit",
    "customs",
    "out_for_delivery",
    "delivered",
    "exception",
    "returned",
)

# No more tracking is expected once a shipment reaches one of these.
FINAL = frozenset({"delivered", "returned"})

# The customer is told of these without asking (R-SHIP-4).
NOTIFY = frozenset({"picked_up", "out_for_delivery", "delivered", "exception"})


def is_final(milestone):
    return milestone in FINAL


def latest_milestone(events):
    """Milestone of the latest event by event time, never by arrival order.

    ``events`` are ``(event_time, milestone)`` pairs with aware datetimes;
    events whose milestone is unknown (None) do not move the shipment.
    """
    known = [(time, milestone) for time, milestone in events if milestone]
    if not known:
        return None
    return max(known, key=lambda pair: pair[0])[1]
