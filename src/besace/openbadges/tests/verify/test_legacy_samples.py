"""OB 0.5, 1.0, 1.1 and 2.0 samples of 1EdTech's validator-core, and the OB 1.0 badges baked by
openbadges-bakery, served where they say they live."""

import json

import pytest

from besace.openbadges import signing
from besace.openbadges.images import read_image_payload
from besace.openbadges.verify.mapped_fetcher import MappedFetcher
from besace.openbadges.verify.model import CHECK_HOSTED, CHECK_RECIPIENT, CHECK_SIGNATURE, CHECK_STRUCTURE
from besace.openbadges.verify.verifier import BadgeInput, verify_badge

from .helpers import BAKERY, COMPONENTS, SAMPLE_RECIPIENT, VALIDATOR_CORE, failed_checks, json_bytes

LEGACY_ASSERTION_URLS = {  # where the OB 1.0 / 0.5 samples are hosted (verify.url; any URL on the origin)
    "1_0_basic_assertion.json": "http://a.com/instance",
    "1_0_basic_assertion_with_extra_properties.json": "http://a.com/instance3",
    "1_0_assertion_with_errors.json": "http://a.com/instance",
    "0_5_assertion.json": "http://oldstyle.com/assertions/1",
    "0_5_1_assertion.json": "http://oldstyle.com/assertions/2",
}


def components_fetcher(fixtures, extra=None):
    """The validator-core sample issuers: example.org (OB 2.0 or 1.1) and a.com (OB 1.0)."""
    files = fixtures / COMPONENTS

    def example_org(version):
        return {
            "https://example.org/robotics-badge.json": files / f"{version}_basic_badgeclass.json",
            "https://example.org/organization.json": files / f"{version}_basic_issuer.json",
        }

    return {
        "2.0": MappedFetcher({**example_org("2_0"), **(extra or {})}),
        "1.1": MappedFetcher({**example_org("1_1"), **(extra or {})}),
        "1.0": MappedFetcher(
            {
                "http://a.com/badgeclass": files / "1_0_basic_badgeclass.json",
                "http://a.com/issuer": files / "1_0_basic_issuer.json",
                **(extra or {}),
            }
        ),
    }


@pytest.mark.parametrize(
    ("name", "version"), [("2_0_basic_assertion.json", "2.0"), ("1_1_basic_assertion.json", "1.1")]
)
def test_basic_assertions_verify(shared_fixtures, name, version):
    path = shared_fixtures / COMPONENTS / name
    fetcher = components_fetcher(shared_fixtures, {"https://example.org/beths-robotics-badge.json": path})[
        version
    ]

    result = verify_badge(
        BadgeInput(text=path.read_text()), fetcher=fetcher, recipient_emails=[SAMPLE_RECIPIENT]
    )

    assert result.valid, result.checks
    assert result.version == version
    assert result.badge.achievement.criteria_url == "https://example.org/robotics-badge.html"


@pytest.mark.parametrize(
    "name", ["1_0_basic_assertion.json", "1_0_basic_assertion_with_extra_properties.json"]
)
def test_ob_1_0_assertions_verify_at_their_verify_url(shared_fixtures, name):
    path = shared_fixtures / COMPONENTS / name
    fetcher = components_fetcher(shared_fixtures, {LEGACY_ASSERTION_URLS[name]: path})["1.0"]

    result = verify_badge(
        BadgeInput(text=path.read_text()), fetcher=fetcher, recipient_emails=["test@example.com"]
    )

    assert result.valid, result.checks
    assert result.version == "1.0"
    assert result.badge.id == LEGACY_ASSERTION_URLS[name]
    assert result.badge.issuer.id == "http://a.com/issuer"
    assert result.badge.issued_on.isoformat() == "2015-04-30T00:00:00+00:00"
    assert LEGACY_ASSERTION_URLS[name] in fetcher.requested


def test_ob_1_0_assertion_with_a_bare_email_recipient_fails_its_structure(shared_fixtures):
    name = "1_0_assertion_with_errors.json"
    path = shared_fixtures / COMPONENTS / name
    fetcher = components_fetcher(shared_fixtures, {LEGACY_ASSERTION_URLS[name]: path})["1.0"]

    result = verify_badge(
        BadgeInput(text=path.read_text()), fetcher=fetcher, recipient_emails=["test@example.com"]
    )

    assert result.version == "1.0"
    assert failed_checks(result) == {CHECK_STRUCTURE, CHECK_RECIPIENT}


@pytest.mark.parametrize("name", ["0_5_assertion.json", "0_5_1_assertion.json"])
def test_ob_0_5_assertions_verify_from_their_url(shared_fixtures, name):
    url = LEGACY_ASSERTION_URLS[name]
    fetcher = MappedFetcher({url: shared_fixtures / COMPONENTS / name})

    result = verify_badge(BadgeInput(url=url), fetcher=fetcher, recipient_emails=["test@example.com"])

    assert result.valid, result.checks
    assert result.version == "0.5"
    assert result.badge.issuer.url == "http://oldstyle.com"
    assert result.badge.achievement.name == "Basic McBadge"


@pytest.mark.parametrize("name", ["0_5_assertion.json", "0_5_1_assertion.json"])
def test_ob_0_5_assertions_given_as_json_cannot_be_verified(shared_fixtures, name):
    text = (shared_fixtures / COMPONENTS / name).read_text()

    result = verify_badge(
        BadgeInput(text=text), fetcher=MappedFetcher(), recipient_emails=["test@example.com"]
    )

    assert result.version == "0.5"
    assert failed_checks(result) == {CHECK_HOSTED}
    assert "address it is hosted at" in result.check(CHECK_HOSTED).message


def test_ob_0_5_assertions_hosted_off_their_issuer_origin_fail(shared_fixtures):
    url = "http://elsewhere.example/assertions/1"
    fetcher = MappedFetcher({url: shared_fixtures / COMPONENTS / "0_5_assertion.json"})

    result = verify_badge(BadgeInput(url=url), fetcher=fetcher)

    assert failed_checks(result) == {CHECK_HOSTED}


def test_validator_core_baked_png_verifies(shared_fixtures):
    image = (shared_fixtures / VALIDATOR_CORE / "baked_heart.png").read_bytes()
    baked = components_fetcher(shared_fixtures)["2.0"]
    baked.urls["https://example.org/beths-robotics-badge.json"] = json_bytes(
        json.loads((shared_fixtures / COMPONENTS / "2_0_basic_assertion.json").read_text())
        | {"recipient": _baked_heart_recipient()}
    )

    result = verify_badge(BadgeInput(image=image), fetcher=baked)

    assert result.valid, result.checks
    assert "no e-mail address" in result.check(CHECK_RECIPIENT).message


def _baked_heart_recipient():
    # The image carries the basic assertion for an address its authors did not publish (hash c7ef86...).
    return {
        "type": "email",
        "hashed": True,
        "salt": "deadsea",
        "identity": "sha256$c7ef86405ba71b85acd8e2e95166c4b111448089f2e1599f42fe1bba46e865c5",
    }


# openbadges-bakery bakes OB 1.0 hosted assertions whose BadgeClass and Issuer it does not include:
# the tests serve minimal OB 1.0 ones.
BAKERY_BADGE_CLASS = {
    "name": "Heart",
    "description": "A public domain heart.",
    "image": "http://example.org/heart.png",
    "criteria": "http://example.org/criteria",
    "issuer": "http://example.org/issuer",
}
BAKERY_ISSUER = {"name": "Example Issuer", "url": "http://example.org/issuer"}


def test_bakery_baked_png_verifies(shared_fixtures):
    image = (shared_fixtures / BAKERY / "baked_heart.png").read_bytes()
    fetcher = MappedFetcher(
        {
            "http://example.org/badgeinstance1": _baked_text(image),
            "http://example.org/badge1": json_bytes(BAKERY_BADGE_CLASS),
            "http://example.org/issuer": json_bytes(BAKERY_ISSUER),
        }
    )

    result = verify_badge(BadgeInput(image=image), fetcher=fetcher, recipient_emails=["test@example.com"])

    assert result.valid, result.checks
    assert result.version == "1.0"


def test_bakery_baked_svg_with_a_malformed_recipient_fails_its_structure(shared_fixtures):
    # It says identity: {recipient: "sha256$<40 hex digits>"} (a SHA-1-sized "sha256" hash) where OB 1.0
    # requires recipient: {identity, type, hashed}: there is no recipient to compare at all.
    image = (shared_fixtures / BAKERY / "baked_example.svg").read_bytes()
    fetcher = MappedFetcher(
        {
            "https://example.org/assertion.json": _baked_text(image),
            "https://example.org/badge.json": json_bytes(
                BAKERY_BADGE_CLASS | {"issuer": "https://example.org/"}
            ),
            "https://example.org/": json_bytes(BAKERY_ISSUER),
        }
    )

    result = verify_badge(BadgeInput(image=image), fetcher=fetcher, recipient_emails=["test@example.com"])

    assert result.version == "1.0"
    assert failed_checks(result) == {CHECK_STRUCTURE, CHECK_RECIPIENT}
    assert "names no recipient" in result.check(CHECK_STRUCTURE).message


def _baked_text(image: bytes) -> bytes:
    return read_image_payload(image).text.encode()


def test_ob_1_1_assertion_may_call_its_verification_verify(shared_fixtures):
    assertion = json.loads((shared_fixtures / COMPONENTS / "1_1_basic_assertion.json").read_text())
    assertion["verify"] = assertion.pop("verification") | {"url": assertion["id"]}
    fetcher = components_fetcher(shared_fixtures, {assertion["id"]: json_bytes(assertion)})["1.1"]

    result = verify_badge(
        BadgeInput(text=json.dumps(assertion)), fetcher=fetcher, recipient_emails=[SAMPLE_RECIPIENT]
    )

    assert result.valid, result.checks


def test_signed_ob_1_0_assertions_are_refused_at_the_signature(shared_fixtures):
    assertion = json.loads((shared_fixtures / COMPONENTS / "1_0_basic_assertion.json").read_text())
    assertion["verify"] = {"type": "signed", "url": "http://a.com/public-key.pem"}
    token = signing.sign_compact_jws(assertion, signing.load_pem_key(signing.generate_private_key_pem()))

    result = verify_badge(BadgeInput(text=token), fetcher=components_fetcher(shared_fixtures)["1.0"])

    assert result.version == "1.0"
    assert failed_checks(result) == {CHECK_SIGNATURE}
    assert "lists no public key" in result.check(CHECK_SIGNATURE).message
