"""What verify_badge accepts, refuses, and where it sends each Open Badges version."""

import base64
import json
from datetime import datetime

import pytest

from besace.openbadges.png import OB3_KEYWORD, bake_png
from besace.openbadges.verify import ob3
from besace.openbadges.verify.mapped_fetcher import MappedFetcher
from besace.openbadges.verify.model import (
    CHECK_EXPIRY,
    CHECK_REVOCATION,
    CHECK_STRUCTURE,
    Check,
    VerificationError,
    VerificationResult,
)
from besace.openbadges.verify.ob2 import MAX_DOCUMENT_CHARACTERS, MAX_FETCHES, MAX_JSON_DEPTH
from besace.openbadges.verify.verifier import BadgeInput, verify_badge

from ..samples import make_png

NOWHERE = MappedFetcher()
OB3_CREDENTIAL = {
    "@context": [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ],
    "type": ["VerifiableCredential", "OpenBadgeCredential"],
}


def b64(value: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


def refused(source: BadgeInput, fetcher=NOWHERE) -> str:
    with pytest.raises(VerificationError) as raised:
        verify_badge(source, fetcher=fetcher)
    return str(raised.value)


@pytest.mark.parametrize(
    "fields", [{}, {"url": "https://a.example/", "text": "{}"}, {"image": b"", "url": "https://a.example/"}]
)
def test_exactly_one_input_is_required(fields):
    with pytest.raises(VerificationError, match="exactly one"):
        BadgeInput(**fields)


def test_image_without_badge_data_is_refused():
    assert refused(BadgeInput(image=make_png())) == "this image carries no badge data"


def test_image_of_another_format_is_refused():
    assert "unreadable badge image" in refused(BadgeInput(image=b"GIF89a....."))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "not valid JSON"),
        ("hello", "not valid JSON"),
        ("[1, 2]", "not a JSON list"),
        ('"a string"', "not a JSON str"),
        ('{"a": NaN}', "not valid JSON"),
        ('{"a": "\\ud800"}', "lone surrogates"),
        ('{"hello": "world"}', "not an Open Badge"),
        ("[" * 100_000 + "]" * 100_000, "too deeply"),
        ('{"a":' * (MAX_JSON_DEPTH + 1) + "1" + "}" * (MAX_JSON_DEPTH + 1), "too deeply"),
        (json.dumps({"pad": "x" * MAX_DOCUMENT_CHARACTERS}), "larger than"),
        ("eyJhbGciOiJSUzI1NiJ9.bm90IGpzb24.c2ln", "not valid JSON"),
        ("e30.e30.e30.e30", "not valid JSON"),
    ],
    ids=[
        "empty",
        "word",
        "array",
        "string",
        "nan",
        "surrogate",
        "other-json",
        "deep",
        "deep-objects",
        "huge",
        "jws-of-text",
        "four-parts",
    ],
)
def test_unusable_texts_are_refused_with_a_reason(text, message):
    assert message in refused(BadgeInput(text=text))


def test_unreachable_url_is_refused():
    assert "could not fetch" in refused(BadgeInput(url="https://nowhere.example/badge"))


@pytest.mark.parametrize("url", ["ftp://a.example/badge", "file:///etc/passwd", "http://[::1/badge"])
def test_non_http_urls_are_refused_without_fetching(url):
    fetcher = MappedFetcher()

    assert "not an http(s) address" in refused(BadgeInput(url=url), fetcher)
    assert fetcher.requested == []


def test_url_answering_an_error_is_refused():
    fetcher = MappedFetcher({"https://a.example/b": (404, "text/html", b"<p>Not found</p>")})

    assert "HTTP 404" in refused(BadgeInput(url="https://a.example/b"), fetcher)


def test_url_answering_gone_is_a_revoked_badge():
    fetcher = MappedFetcher({"https://a.example/b": (410, "text/html", b"")})

    result = verify_badge(BadgeInput(url="https://a.example/b"), fetcher=fetcher)

    assert not result.valid
    assert result.badge is None
    assert [check.name for check in result.checks] == [CHECK_REVOCATION]


def test_images_pointing_at_images_are_followed_a_few_times_only():
    loop = "https://a.example/loop.png"
    fetcher = MappedFetcher({loop: (200, "image/png", bake_png(make_png(), loop))})

    assert "too many times" in refused(BadgeInput(url=loop), fetcher)
    assert len(fetcher.requested) == 1  # the answer is kept: one request, however many times it is read


def test_a_badge_referring_to_too_many_documents_stops_fetching():
    # An issuer listing more keys than one verification may fetch, none of them reachable.
    assertion = {
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Assertion",
        "id": "https://a.example/0",
        "verification": {"type": "signed"},
    }
    keys = [f"https://a.example/keys/{n}" for n in range(2 * MAX_FETCHES)]
    issuer = {"type": "Issuer", "name": "I", "publicKey": keys}
    badge_class = {
        "type": "BadgeClass",
        "name": "B",
        "description": "",
        "criteria": "",
        "issuer": "https://a.example/i",
    }
    fetcher = MappedFetcher(
        {
            "https://a.example/i": json.dumps(issuer).encode(),
            "https://a.example/b": json.dumps(badge_class).encode(),
        }
    )
    token = f"{b64({'alg': 'RS256'})}.{b64(assertion | {'badge': 'https://a.example/b'})}.c2ln"

    verify_badge(BadgeInput(text=token), fetcher=fetcher)

    assert len(fetcher.requested) <= MAX_FETCHES


def test_naive_now_is_taken_as_utc():
    document = {
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Assertion",
        "id": "https://a.example/a",
        "issuedOn": "2030-01-01T00:00:00Z",
    }

    result = verify_badge(BadgeInput(text=json.dumps(document)), fetcher=NOWHERE, now=datetime(2029, 12, 31))

    assert not result.check(CHECK_EXPIRY).passed


def test_unknown_context_that_looks_like_an_assertion_fails_structure():
    document = {"@context": "https://example.org/my-badges", "type": "Assertion", "id": "https://a.example/a"}

    result = verify_badge(BadgeInput(text=json.dumps(document)), fetcher=NOWHERE)

    assert result.version == "2.0"
    assert "@context" in result.check(CHECK_STRUCTURE).message


# --- OB 3.0 goes to the OB 3.0 verifier ---------------------------------------------------------------


@pytest.fixture
def ob3_calls(monkeypatch) -> list:
    calls = []

    def fake_verify_ob3(credential, *, fetcher, recipient_emails, now):
        calls.append((credential, tuple(recipient_emails), now))
        return VerificationResult(
            valid=True, version="3.0", checks=(Check("structure", True, ""),), badge=None
        )

    monkeypatch.setattr(ob3, "verify_ob3", fake_verify_ob3)
    return calls


def test_ob3_json_goes_to_the_ob3_verifier(ob3_calls):
    result = verify_badge(
        BadgeInput(text=json.dumps(OB3_CREDENTIAL)), fetcher=NOWHERE, recipient_emails=["a@b.c"]
    )

    assert result.version == "3.0"
    assert ob3_calls[0][:2] == (OB3_CREDENTIAL, ("a@b.c",))


@pytest.mark.parametrize("payload", [{"vc": {"type": ["VerifiableCredential"]}, "iss": "x"}, OB3_CREDENTIAL])
def test_ob3_jws_goes_to_the_ob3_verifier_as_a_token(ob3_calls, payload):
    token = f"{b64({'alg': 'ES256'})}.{b64(payload)}.c2ln"

    verify_badge(BadgeInput(text=token), fetcher=NOWHERE)

    assert ob3_calls[0][0] == token


def test_ob3_baked_credential_goes_to_the_ob3_verifier(ob3_calls):
    image = bake_png(make_png(), json.dumps(OB3_CREDENTIAL), keyword=OB3_KEYWORD)

    verify_badge(BadgeInput(image=image), fetcher=NOWHERE)

    assert ob3_calls[0][0] == OB3_CREDENTIAL
