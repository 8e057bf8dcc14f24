"""The normalised milestones every carrier status maps to."""

from datetime import timedelta

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

# Two events at the same instant: the one further along this order wins.
RANK = {milestone: rank for rank, milestone in enumerate(MILESTONES)}

# No more tracking is expected once a shipment reaches one of these.
FINAL = frozenset({"delivered", "returned"})

# The customer is told of these without asking.
NOTIFY = frozenset({"picked_up", "out_for_delivery", "delivered", "exception"})

# A carrier's clock may run a little ahead; beyond this an event is "in the future".
DEFAULT_FUTURE_MARGIN = timedelta(minutes=15)


def is_final(milestone):
    return milestone in FINAL


def is_future(event_time, now, margin=DEFAULT_FUTURE_MARGIN):
    """An event dated beyond ``now`` plus the carrier's margin does not count yet."""
    return event_time > now + margin
