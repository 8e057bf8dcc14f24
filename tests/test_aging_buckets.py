import pytest
from customer_tiering_engine import aging


def test_default_buckets():
    labels = [b.label for b in aging.buckets()]
    assert labels == ["Not due", "1-30", "31-60", "61-90", "91-120", "Over 120"]


@pytest.mark.parametrize(
    ("days", "index"),
    [
        (-5, 0),
        (0, 0),
        (1, 1),
        (30, 1),
        (31, 2),
        (90, 3),
        (120, 4),
        (121, 5),
    ],
)
def test_bucket_index_edges(days, index):
    assert aging.bucket_index(days) == index


@pytest.mark.parametrize("text", ["30,20", "0,30", "a,b", "30,30"])
def test_bad_edges_refused(text):
    with pytest.raises(ValueError):
        aging.parse_edges(text)


def test_edges_parse():
    assert aging.parse_edges(" 15, 45 ,90") == (15, 45, 90)
