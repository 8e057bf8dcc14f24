"""Raw code → category → milestone, and the shipment's health."""

from datetime import datetime, timedelta, timezone

from logistics_crm_tracking import health, status_map
from logistics_crm_tracking.events import TrackingEvent

T0 = datetime(2026, 5, 6, tzinfo=timezone.utc)


def ev(code):
    return TrackingEvent(refs=("X",), event_time=T0, raw_code=code)


def test_candidates_most_specific_first():
    assert status_map.candidate_codes("receiving|damaged") == [
        "receiving|damaged",
        "|damaged",
        "receiving|",
    ]
    assert status_map.candidate_codes("InTransit_003") == ["InTransit_003", "InTransit"]
    assert status_map.candidate_codes("PICKED_UP") == ["PICKED_UP"]


def test_a_damaged_disposition_wins_over_the_step():
    events = [ev("receiving|damaged"), ev("receiving|in_progress")]
    status_map.normalise(events, status_map.DEFAULT_MAPS["epcis"])
    assert [(e.category, e.milestone) for e in events] == [
        ("damage", "exception"),
        ("delivered", "delivered"),
    ]


def test_unknown_and_unmapped_codes_are_reported_and_kept():
    code_map = dict(status_map.DEFAULT_MAPS["json"], SEEN_BEFORE=None)
    events = [ev("PICKED_UP"), ev("NEW_CODE"), ev("SEEN_BEFORE"), ev("NEW_CODE")]
    unknown = status_map.normalise(events, code_map)
    assert unknown == {"NEW_CODE", "SEEN_BEFORE"}
    assert [e.mapped for e in events] == [True, False, False, False]
    assert events[1].milestone is None


def test_informational_category_does_not_move_the_shipment():
    [event] = [ev("INFO")]
    status_map.normalise([event], status_map.DEFAULT_MAPS["json"])
    assert event.mapped and event.milestone is None


def test_every_default_map_points_at_known_categories():
    for code_map in status_map.DEFAULT_MAPS.values():
        assert set(code_map.values()) <= set(status_map.CATEGORIES)


def test_claims_open_for_damage_shortage_and_loss_only():
    assert {c for c, (_m, claim) in status_map.CATEGORIES.items() if claim} == {
        "damage",
        "shortage",
        "lost",
    }


NOW = datetime(2026, 5, 6, 12)
PLAN = NOW + timedelta(days=1)


def test_health():
    assert health.shipment_health("exception", PLAN, None, None, NOW) == "exception"
    assert health.shipment_health("in_transit", PLAN, None, None, NOW) == "on_track"
    assert health.shipment_health("in_transit", PLAN, PLAN + timedelta(hours=3), None, NOW) == (
        "at_risk"
    )
    assert health.shipment_health("in_transit", PLAN, None, None, PLAN + timedelta(hours=1)) == (
        "late"
    )
    assert health.shipment_health("delivered", PLAN, None, PLAN, NOW) == "on_track"
    assert health.shipment_health("delivered", PLAN, None, PLAN + timedelta(minutes=1), NOW) == (
        "late"
    )
    assert health.shipment_health("booked", None, None, None, NOW) == "on_track"
    assert health.on_time(PLAN, PLAN) is True
    assert health.on_time(None, PLAN) is None
