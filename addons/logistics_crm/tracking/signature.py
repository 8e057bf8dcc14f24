"""Webhook signatures with a replay window.

The carrier sends ``X-Signature: t=<unix seconds>,v1=<hex>`` where the hex is the
HMAC-SHA256, under the carrier's secret, of ``"<t>.<raw body>"`` (the scheme
well-known webhook providers use).  A signature whose ``t`` is more than five
minutes away from our clock is refused, so a captured delivery cannot be replayed
later.  Several ``v1`` values may be sent (while a secret is being rotated).

Carriers marked legacy may still send the older body-only ``sha256=<hex>``.
"""

import hashlib
import hmac
import re
import time

LEGACY_PREFIX = "sha256="
TOLERANCE_SECONDS = 300
_HEX_RE = re.compile(r"^[0-9a-f]{64}$")


# bodies Odoo parses into form fields before any controller runs
FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})


class WebhookRefused(ValueError):
    """A webhook request refused before its body is parsed; ``status`` is the answer."""

    status = 400


class SignatureError(WebhookRefused):
    """The signature is missing, malformed, stale or does not match the body."""

    status = 401


class MediaTypeError(WebhookRefused):
    """The body comes in a form the carrier's connector does not take."""

    status = 415


def sign(body, secret, timestamp=None):
    """The header value a carrier sends for ``body`` (bytes) under ``secret``."""
    timestamp = int(time.time() if timestamp is None else timestamp)
    return f"t={timestamp},v1={_digest(secret, str(timestamp).encode() + b'.' + body)}"


def sign_legacy(body, secret):
    """The body-only header value of carriers marked legacy."""
    return LEGACY_PREFIX + _digest(secret, body)


def verify(body, secret, header, *, legacy=False, now=None, tolerance=TOLERANCE_SECONDS):
    """Raise :class:`SignatureError` unless ``header`` signs ``body`` under ``secret``."""
    if not secret:
        raise SignatureError("the carrier has no webhook secret configured")
    if not header:
        raise SignatureError("missing X-Signature header")
    header = header.strip()
    if header.lower().startswith(LEGACY_PREFIX):
        if not legacy:
            raise SignatureError(
                "the body-only 'sha256=' signature is refused: sign 't=<unix time>,v1=<hex>'"
            )
        _check(_digest(secret, body), [header[len(LEGACY_PREFIX) :].lower()])
        return
    timestamp, candidates = _parse(header)
    now = time.time() if now is None else now
    if abs(now - timestamp) > tolerance:
        raise SignatureError(
            f"signature timestamp is more than {tolerance // 60} minutes from the server's clock"
        )
    _check(_digest(secret, str(timestamp).encode() + b"." + body), candidates)


def _parse(header):
    timestamp, candidates = None, []
    for part in header.split(",")[:10]:
        key, _sep, value = part.strip().partition("=")
        if key == "t" and value.isdigit() and len(value) <= 12:
            timestamp = int(value)
        elif key == "v1":
            candidates.append(value.lower())
    if timestamp is None or not candidates:
        raise SignatureError("X-Signature must look like 't=<unix time>,v1=<hex digest>'")
    return timestamp, candidates


def _check(expected, candidates):
    # compare_digest on equal-length ASCII keeps the comparison constant-time
    for candidate in candidates:
        if _HEX_RE.match(candidate) and hmac.compare_digest(expected, candidate):
            return
    raise SignatureError("signature does not match the body")


def _digest(secret, message):
    key = secret.encode() if isinstance(secret, str) else secret
    return hmac.new(key, message, hashlib.sha256).hexdigest()
