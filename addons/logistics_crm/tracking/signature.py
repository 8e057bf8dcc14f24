"""Webhook signatures: HMAC-SHA256 of the raw body, header ``X-Signature: sha256=<hex>``."""

import hashlib
import hmac

PREFIX = "sha256="


class SignatureError(ValueError):
    """The signature is missing, malformed or does not match the body."""


def sign(body, secret):
    """The header value a carrier sends for ``body`` (bytes) under ``secret``."""
    digest = hmac.new(_bytes(secret), body, hashlib.sha256).hexdigest()
    return PREFIX + digest


def verify(body, secret, header):
    """Raise :class:`SignatureError` unless ``header`` signs ``body`` under ``secret``."""
    if not secret:
        raise SignatureError("the carrier has no webhook secret configured")
    if not header:
        raise SignatureError("missing X-Signature header")
    header = header.strip()
    if not header.startswith(PREFIX):
        raise SignatureError("X-Signature must look like 'sha256=<hex digest>'")
    # compare_digest on equal-length ASCII keeps the comparison constant-time
    if not hmac.compare_digest(sign(body, secret).encode(), header.lower().encode()):
        raise SignatureError("signature does not match the body")


def _bytes(value):
    return value.encode() if isinstance(value, str) else value
