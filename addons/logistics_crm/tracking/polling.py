"""Polling a carrier over HTTP: timeouts, bounded retries, ``Retry-After`` honoured.

The carrier's API key travels in a header, so redirects are never followed (they
would carry it elsewhere), plain http is refused unless the caller allows it (a
test carrier), the answer is read in chunks and given up past its size cap, and
one fetch, retries and waits included, ends by its deadline.
"""

import email.utils
import time
from datetime import datetime, timezone
from functools import partial
from urllib.parse import urlsplit

import requests

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_WAIT_SECONDS = 60.0
MAX_ANSWER_BYTES = 2 * 1024 * 1024
DEADLINE_SECONDS = 120.0
CHUNK_BYTES = 64 * 1024


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
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    now = now or datetime.now(timezone.utc)
    return max((when - now).total_seconds(), 0.0)


def check_url(url, allow_http=False):
    """Refuse anything but https (and http when ``allow_http``) before any request."""
    scheme = urlsplit(url).scheme.lower()
    if scheme == "https" or (allow_http and scheme == "http"):
        return
    raise FetchError("the polling URL must start with https://")


def fetch(
    session,
    url,
    *,
    headers=None,
    timeout=10.0,
    retries=3,
    backoff=0.5,
    sleep=time.sleep,
    deadline=DEADLINE_SECONDS,
    allow_http=False,
    max_bytes=MAX_ANSWER_BYTES,
    clock=time.monotonic,
    form=None,
):
    """GET ``url`` (POST ``form`` when given) and return the body; :class:`FetchError` else.

    A POST is only retried for APIs whose POST is a query (kuaidi100's query.do,
    a subscription the provider accepts twice): the caller knows which it sends.

    5xx, 429, timeouts and connection errors are retried ``retries`` times with
    exponential backoff, or after the ``Retry-After`` the carrier asked for, as
    long as ``deadline`` seconds are not spent.  Other 4xx and 3xx are final.
    """
    check_url(url, allow_http)
    end = clock() + deadline
    last = "no attempt"
    for attempt in range(retries + 1):
        remaining = end - clock()
        if remaining <= 0:
            raise FetchError(f"{last}; gave up at the {deadline:g} s deadline")
        wait = backoff * (2**attempt)
        try:
            request = session.get if form is None else partial(session.post, data=form)
            response = request(
                url,
                headers=headers,
                timeout=min(timeout, remaining),
                allow_redirects=False,
                stream=True,
            )
        except requests.Timeout:
            last = f"timed out after {timeout:g} s"
        except requests.RequestException as error:
            last = f"connection failed: {error.__class__.__name__}"
        else:
            with response:
                status = response.status_code
                if status in RETRY_STATUSES:
                    last = f"HTTP {status}"
                    asked = retry_after_seconds(response.headers.get("Retry-After"))
                    if asked is not None:
                        wait = asked
                elif 300 <= status < 400:
                    raise FetchError(f"HTTP {status}: redirects are not followed")
                elif status >= 400:
                    text = _read(response, 2048, end, deadline, clock, cut=True)
                    raise FetchError(f"HTTP {status}: {text.decode(errors='replace')[:200]}")
                else:
                    return _read(response, max_bytes, end, deadline, clock)
        if attempt < retries:
            pause = min(wait, MAX_WAIT_SECONDS)
            if clock() + pause >= end:
                raise FetchError(f"{last}; the next attempt would pass the {deadline:g} s deadline")
            sleep(pause)
    raise FetchError(f"{last} after {retries + 1} attempt(s)")


def _read(response, max_bytes, end, deadline, clock, cut=False):
    """The body, read in chunks: past ``max_bytes`` or the deadline it is given up."""
    declared = response.headers.get("Content-Length", "")
    if not cut and declared.isdigit() and int(declared) > max_bytes:
        raise FetchError(f"answer of {int(declared)} bytes is over the {max_bytes} byte limit")
    chunks, size = [], 0
    try:
        for chunk in response.iter_content(CHUNK_BYTES):
            chunks.append(chunk)
            size += len(chunk)
            if size > max_bytes:
                if cut:
                    break
                raise FetchError(f"answer over the {max_bytes} byte limit")
            if clock() > end:
                raise FetchError(f"answer still arriving at the {deadline:g} s deadline")
    except requests.RequestException as error:
        raise FetchError(f"answer interrupted: {error.__class__.__name__}") from None
    return b"".join(chunks)[:max_bytes]
