"""Polling a carrier over HTTP: timeouts, bounded retries, ``Retry-After`` honoured."""

import email.utils
import time
from datetime import datetime, timezone

import requests

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_WAIT_SECONDS = 60.0
MAX_ANSWER_BYTES = 2 * 1024 * 1024


class FetchError(Exception):
    """The carrier did not answer usefully after the allowed attempts."""


def retry_after_seconds(value, now=None):
    """Seconds asked for by a ``Retry-After`` header (delta or HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    now = now or datetime.now(timezone.utc)
    return max((when - now).total_seconds(), 0.0)


def fetch(session, url, *, headers=None, timeout=10.0, retries=3, backoff=0.5, sleep=time.sleep):
    """GET ``url`` and return the body (bytes); :class:`FetchError` when it cannot.

    5xx, 429, timeouts and connection errors are retried ``retries`` times with
    exponential backoff, or after the ``Retry-After`` the carrier asked for.
    Other 4xx answers are final.
    """
    last = "no attempt"
    for attempt in range(retries + 1):
        wait = backoff * (2**attempt)
        try:
            response = session.get(url, headers=headers, timeout=timeout)
        except requests.Timeout:
            last = f"timed out after {timeout:g} s"
        except requests.RequestException as error:
            last = f"connection failed: {error.__class__.__name__}"
        else:
            status = response.status_code
            if status in RETRY_STATUSES:
                last = f"HTTP {status}"
                asked = retry_after_seconds(response.headers.get("Retry-After"))
                if asked is not None:
                    wait = asked
            elif status >= 400:
                raise FetchError(f"HTTP {status}: {response.text[:200]}")
            else:
                body = response.content
                if len(body) > MAX_ANSWER_BYTES:
                    raise FetchError(f"answer of {len(body)} bytes is too large")
                return body
        if attempt < retries:
            sleep(min(wait, MAX_WAIT_SECONDS))
    raise FetchError(f"{last} after {retries + 1} attempt(s)")
