from datetime import date

from customer_tiering_engine import demo_plan

TODAY = date(2026, 11, 23)


def test_same_seed_same_story():
    first = demo_plan.plan(TODAY)
    second = demo_plan.plan(TODAY)
    assert [(i.customer, i.days_ago, i.amount) for i in first[1]] == [
        (i.customer, i.days_ago, i.amount) for i in second[1]
    ]


def test_story_covers_every_kind_of_customer_and_payer():
    customers, invoices = demo_plan.plan(TODAY)
    assert 35 <= len(customers) <= 45
    archetypes = {c.archetype for c in customers}
    assert {"platinum", "gold", "iron", "lead", "rising", "lost", "never"} <= archetypes
    assert any(c.country == "CN" for c in customers) and any(c.country != "CN" for c in customers)
    # three years of history, nothing in the future
    assert max(i.days_ago for i in invoices) > 30 * 30
    assert max(i.days_ago for i in invoices) <= demo_plan.HISTORY_MONTHS * 31
    assert min(i.days_ago for i in invoices) > 0
    payments = [p for i in invoices for p in i.payments]
    assert any(p.share < 1 for p in payments), "a partial payment"
    assert any(not i.payments for i in invoices), "an unpaid invoice"
    assert any(p.days_after_invoice > 60 for p in payments), "a late payment"
    assert any(i.refund_share for i in invoices), "a credit note"


def test_lost_customers_stopped_over_a_year_ago():
    customers, invoices = demo_plan.plan(TODAY)
    lost = {c.index for c in customers if c.archetype == "lost"}
    assert min(i.days_ago for i in invoices if i.customer in lost) > 365


def test_lost_customers_left_one_by_one():
    """Churn over time moves: the lost customers' last invoices spread over the years."""
    customers, invoices = demo_plan.plan(TODAY)
    lost = [c.index for c in customers if c.archetype == "lost"]
    last = sorted({min(i.days_ago for i in invoices if i.customer == c) // 30 for c in lost})
    assert len(last) >= 5 and last[-1] - last[0] >= 12, last


def test_earlier_years_settled():
    """Before the last eighteen months everything was paid: the receivables stay recent."""
    _customers, invoices = demo_plan.plan(TODAY)
    earlier = [i for i in invoices if i.days_ago > demo_plan.RECENT_MONTHS * 30]
    assert earlier
    assert all([p.share for p in i.payments] == [1.0] for i in earlier)
