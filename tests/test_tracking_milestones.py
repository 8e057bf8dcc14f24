from datetime import timedelta, timezone

from logistics_crm_tracking import milestones

CST = timezone(timedelta(hours=8))


def test_final_milestones():
    assert milestones.is_final("delivered") and milestones.is_final("returned")
    assert not milestones.is_final("exception")
