import pytest
from logistics_crm_tracking import signature

BODY = b'{"events": []}'
NOW = 1_780_000_000


def test_round_trip():
    signature.verify(BODY, "s3cret", signature.sign(BODY, "s3cret", NOW), now=NOW)


def test_the_header_is_timestamp_and_hmac_of_timestamp_dot_body():
    import hashlib
    import hmac

    expected = hmac.new(b"s3cret", f"{NOW}.".encode() + BODY, hashlib.sha256).hexdigest()
    assert signature.sign(BODY, "s3cret", NOW) == f"t={NOW},v1={expected}"


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        (None, "missing"),
        ("", "missing"),
        ("md5=abc", "t=<unix time>"),
        (f"t={NOW}", "t=<unix time>"),
        (f"v1={'0' * 64}", "t=<unix time>"),
        (f"t=soon,v1={'0' * 64}", "t=<unix time>"),
        (f"t={NOW},v1={'0' * 64}", "does not match"),
        (f"t={NOW},v1=zz", "does not match"),
    ],
)
def test_bad_headers_refused(header, reason):
    with pytest.raises(signature.SignatureError, match=reason):
        signature.verify(BODY, "s3cret", header, now=NOW)


def test_body_changed_after_signing_is_refused():
    header = signature.sign(BODY, "s3cret", NOW)
    with pytest.raises(signature.SignatureError):
        signature.verify(BODY + b" ", "s3cret", header, now=NOW)


@pytest.mark.parametrize("skew", [-301, 301, -86400])
def test_outside_the_five_minute_window_is_refused(skew):
    header = signature.sign(BODY, "s3cret", NOW + skew)
    with pytest.raises(signature.SignatureError, match="5 minutes"):
        signature.verify(BODY, "s3cret", header, now=NOW)


@pytest.mark.parametrize("skew", [-300, 0, 299])
def test_inside_the_window_is_accepted(skew):
    signature.verify(BODY, "s3cret", signature.sign(BODY, "s3cret", NOW + skew), now=NOW)


def test_a_replayed_timestamp_cannot_be_moved_forward():
    old = signature.sign(BODY, "s3cret", NOW - 3600)
    digest = old.split("v1=")[1]
    with pytest.raises(signature.SignatureError, match="does not match"):
        signature.verify(BODY, "s3cret", f"t={NOW},v1={digest}", now=NOW)


def test_one_of_several_v1_values_may_match():
    good = signature.sign(BODY, "new", NOW).split("v1=")[1]
    header = f"t={NOW},v1={'1' * 64},v1={good}"
    signature.verify(BODY, "new", header, now=NOW)


def test_body_only_scheme_only_for_legacy_carriers():
    legacy = signature.sign_legacy(BODY, "s3cret")
    assert legacy.startswith("sha256=")
    signature.verify(BODY, "s3cret", legacy, legacy=True)
    with pytest.raises(signature.SignatureError, match="body-only"):
        signature.verify(BODY, "s3cret", legacy)
    with pytest.raises(signature.SignatureError, match="does not match"):
        signature.verify(BODY + b" ", "s3cret", legacy, legacy=True)
    # a legacy carrier may move to the new scheme at any time
    signature.verify(BODY, "s3cret", signature.sign(BODY, "s3cret", NOW), legacy=True, now=NOW)


def test_no_secret_configured_is_refused():
    with pytest.raises(signature.SignatureError, match="secret"):
        signature.verify(BODY, "", signature.sign(BODY, "", NOW), now=NOW)
