import pytest
from logistics_crm_tracking import signature

BODY = b'{"events": []}'


def test_round_trip():
    signature.verify(BODY, "s3cret", signature.sign(BODY, "s3cret"))


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        (None, "missing"),
        ("", "missing"),
        ("md5=abc", "sha256="),
        ("sha256=" + "0" * 64, "does not match"),
    ],
)
def test_bad_headers_refused(header, reason):
    with pytest.raises(signature.SignatureError, match=reason):
        signature.verify(BODY, "s3cret", header)


def test_body_changed_after_signing_is_refused():
    header = signature.sign(BODY, "s3cret")
    with pytest.raises(signature.SignatureError):
        signature.verify(BODY + b" ", "s3cret", header)


def test_no_secret_configured_is_refused():
    with pytest.raises(signature.SignatureError, match="secret"):
        signature.verify(BODY, "", signature.sign(BODY, ""))
