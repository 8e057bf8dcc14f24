from datetime import datetime, timedelta, timezone

from logistics_crm_tracking import milestones

CST = timezone(timedelta(hours=8))


def test_latest_by_event_time_not_arrival():
    arrived = [
        (datetime(2026, 3, 2, 9, 0, tzinfo=CST), "delivered"),
        (datetime(2026, 3, 1, 9, 0, tzinfo=CST), "in_transit"),  # late arrival, older event
    ]
    assert milestones.latest_milestone(arrived) == "delivered"


def test_offsets_are_compared_as_instants():
    # 09:00 in Shanghai is earlier than 08:00 in London the same day
    events = [
        (datetime(2026, 3, 1, 9, 0, tzinfo=CST), "customs"),
        (datetime(2026, 3, 1, 8, 0, tzinfo=timezone.utc), "out_for_delivery"),
    ]
    assert milestones.latest_milestone(events) == "out_for_delivery"


def test_unknown_milestones_do_not_move_the_shipment():
    events = [
        (datetime(2026, 3, 1, tzinfo=CST), "picked_up"),
        (datetime(2026, 3, 2, tzinfo=CST), None),
    ]
    assert milestones.latest_milestone(events) == "picked_up"
    assert milestones.latest_milestone([]) is None


def test_final_milestones():
    assert milestones.is_final("delivered") and milestones.is_final("returned")
    assert not milestones.is_final("exception")
