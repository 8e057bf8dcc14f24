"""Polling through the carrier simulator on 127.0.0.1: retries, Retry-After, timeouts."""

import pytest
import requests
from carrier_simulator import Answer, CarrierSimulator
from logistics_crm_tracking import polling


@pytest.fixture
def carrier():
    with CarrierSimulator() as simulator:
        yield simulator


def fetch(carrier, path, sleeps, **kw):
    kw.setdefault("timeout", 2.0)
    kw.setdefault("retries", 3)
    with requests.Session() as session:
        return polling.fetch(session, carrier.url(path), sleep=sleeps.append, allow_http=True, **kw)


def test_a_500_then_a_200_is_retried_with_backoff(carrier):
    carrier.script("/t/A", Answer(500), Answer(200, body=b'{"ok": 1}'))
    sleeps = []
    assert fetch(carrier, "/t/A", sleeps, backoff=0.25) == b'{"ok": 1}'
    assert len(carrier.calls("/t/A")) == 2
    assert sleeps == [0.25]


def test_429_retry_after_is_honoured(carrier):
    carrier.script("/t/B", Answer(429, headers={"Retry-After": "7"}), Answer(200, body=b"x"))
    sleeps = []
    assert fetch(carrier, "/t/B", sleeps) == b"x"
    assert sleeps == [7.0]


def test_retries_are_bounded(carrier):
    carrier.script("/t/C", Answer(503))
    sleeps = []
    with pytest.raises(polling.FetchError, match="HTTP 503 after 3 attempt"):
        fetch(carrier, "/t/C", sleeps, retries=2, backoff=1)
    assert len(carrier.calls("/t/C")) == 3
    assert sleeps == [1, 2]


def test_a_404_is_final(carrier):
    sleeps = []
    with pytest.raises(polling.FetchError, match="HTTP 404"):
        fetch(carrier, "/t/unknown", sleeps)
    assert sleeps == []


def test_a_slow_carrier_times_out(carrier):
    carrier.script("/t/D", Answer(200, body=b"late", delay=1.5))
    sleeps = []
    with pytest.raises(polling.FetchError, match="timed out"):
        fetch(carrier, "/t/D", sleeps, timeout=0.3, retries=1)
    assert len(sleeps) == 1


def test_retry_after_as_http_date():
    from datetime import datetime, timezone

    now = datetime(2026, 5, 6, 12, 0, 0, tzinfo=timezone.utc)
    assert polling.retry_after_seconds("Wed, 06 May 2026 12:00:30 GMT", now) == 30.0
    assert polling.retry_after_seconds("soon", now) is None
    assert polling.retry_after_seconds("", now) is None


def test_redirects_are_not_followed_and_the_key_goes_nowhere(carrier):
    carrier.script("/t/R", Answer(302, headers={"Location": carrier.url("/t/elsewhere")}))
    carrier.script("/t/elsewhere", Answer(200, body=b"x"))
    sleeps = []
    with pytest.raises(polling.FetchError, match="redirects are not followed"):
        fetch(carrier, "/t/R", sleeps, headers={"as-api-key": "k"})
    assert carrier.calls("/t/elsewhere") == []


def test_plain_http_is_refused_unless_allowed():
    with (
        requests.Session() as session,
        pytest.raises(polling.FetchError, match="https://"),
    ):
        polling.fetch(session, "http://127.0.0.1:9/x")
    with pytest.raises(polling.FetchError, match="https://"):
        polling.check_url("ftp://example.com/x", allow_http=True)
    polling.check_url("https://example.com/x")


def test_a_large_answer_is_given_up_while_streaming(carrier):
    carrier.script("/t/big", Answer(200, body=b"x" * 5000))
    sleeps = []
    with pytest.raises(polling.FetchError, match="over the 1000 byte limit"):
        fetch(carrier, "/t/big", sleeps, max_bytes=1000)
    assert fetch(carrier, "/t/big", sleeps, max_bytes=5000) == b"x" * 5000


def test_the_deadline_bounds_retries_and_waits(carrier):
    carrier.script("/t/E", Answer(503, headers={"Retry-After": "30"}))
    sleeps = []
    with pytest.raises(polling.FetchError, match="deadline"):
        fetch(carrier, "/t/E", sleeps, retries=5, deadline=10)
    assert sleeps == []
    assert len(carrier.calls("/t/E")) == 1


def test_error_answers_are_read_only_a_little(carrier):
    carrier.script("/t/F", Answer(401, body=b"bad key " * 1000))
    sleeps = []
    with pytest.raises(polling.FetchError) as failure:
        fetch(carrier, "/t/F", sleeps)
    assert len(str(failure.value)) < 260
