"""Besace's own badges (built by besace.openbadges.ob2, signed by .signing, baked by .png / .svg) verify,
and every kind of tampering makes the right check fail."""

import base64
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest

from besace.openbadges import ob2, signing
from besace.openbadges.hashing import hash_identity
from besace.openbadges.png import bake_png
from besace.openbadges.svg import bake_svg
from besace.openbadges.verify.mapped_fetcher import MappedFetcher
from besace.openbadges.verify.model import (
    CHECK_EXPIRY,
    CHECK_HOSTED,
    CHECK_IMAGE,
    CHECK_RECIPIENT,
    CHECK_REVOCATION,
    CHECK_SIGNATURE,
    CHECK_STRUCTURE,
)
from besace.openbadges.verify.verifier import BadgeInput, verify_badge

from ..samples import SVG_BYTES, make_png
from .helpers import failed_checks, json_bytes

SITE = "https://besace.example"
ISSUER_ID = f"{SITE}/public/issuers/42"
BADGE_CLASS_ID = f"{SITE}/public/badges/7"
ASSERTION_ID = f"{SITE}/public/assertions/abc"
KEY_ID = f"{ISSUER_ID}/keys/1"
REVOCATION_LIST_ID = f"{ISSUER_ID}/revocations"
SIGNED_ID = "urn:uuid:2f1bd4b1-8a5b-4ef5-9f5c-0d3c6b1d7a11"
EARNER = "earner@example.org"
SALT = "f00dfeed"
ISSUED_ON = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def private_pem() -> str:
    return signing.generate_private_key_pem()


@dataclass
class Site:
    """What a Besace site serves for one issuer, editable before it is served."""

    private_pem: str
    issuer: dict = field(init=False)
    badge_class: dict = field(init=False)
    hosted: dict = field(init=False)
    signed: dict = field(init=False)
    key: dict = field(init=False)
    revocations: list[tuple[str, str | None]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.issuer = ob2.issuer_profile(
            id=ISSUER_ID,
            name="Besace Academy",
            url=SITE,
            email="badges@besace.example",
            public_key=KEY_ID,
            revocation_list=REVOCATION_LIST_ID,
        )
        self.badge_class = ob2.badge_class(
            id=BADGE_CLASS_ID,
            name="Knot tying",
            description="Ties six knots blindfolded.",
            image=f"{SITE}/media/knots.png",
            issuer=ISSUER_ID,
            criteria_narrative="Tie them.",
            alignments=[{"targetName": "Rope skills", "targetUrl": "https://skills.example/rope"}],
            tags=["rope"],
        )
        common = dict(
            badge=BADGE_CLASS_ID,
            recipient_identity_hash=hash_identity(EARNER, SALT),
            salt=SALT,
            issued_on=ISSUED_ON,
            narrative="Did it twice.",
        )
        self.hosted = ob2.assertion(id=ASSERTION_ID, **common)
        self.signed = ob2.assertion(id=SIGNED_ID, signing_key=KEY_ID, **common)
        self.key = ob2.cryptographic_key(
            id=KEY_ID, owner=ISSUER_ID, public_key_pem=signing.public_key_pem(self.private_pem)
        )

    def jws(self, signer_pem: str | None = None) -> str:
        return signing.sign_compact_jws(self.signed, signing.load_pem_key(signer_pem or self.private_pem))

    def fetcher(self, **answers) -> MappedFetcher:
        served = {
            ISSUER_ID: json_bytes(self.issuer),
            BADGE_CLASS_ID: json_bytes(self.badge_class),
            ASSERTION_ID: json_bytes(self.hosted),
            KEY_ID: json_bytes(self.key),
            REVOCATION_LIST_ID: json_bytes(
                ob2.revocation_list(id=REVOCATION_LIST_ID, issuer=ISSUER_ID, revoked=self.revocations)
            ),
        }
        return MappedFetcher(served | answers)

    def verify(self, source: BadgeInput, fetcher: MappedFetcher | None = None, emails=(EARNER,)):
        return verify_badge(source, fetcher=fetcher or self.fetcher(), recipient_emails=emails)


@pytest.fixture
def site(private_pem) -> Site:
    return Site(private_pem)


def test_hosted_assertion_json_verifies(site):
    result = site.verify(BadgeInput(text=json.dumps(site.hosted)))

    assert result.valid, result.checks
    assert [check.name for check in result.checks] == [
        CHECK_STRUCTURE,
        CHECK_HOSTED,
        CHECK_RECIPIENT,
        CHECK_EXPIRY,
        CHECK_REVOCATION,
        CHECK_IMAGE,
    ]
    assert result.check(CHECK_RECIPIENT).message == f"awarded to {EARNER}"


def test_hosted_assertion_url_verifies(site):
    fetcher = site.fetcher()

    result = site.verify(BadgeInput(url=ASSERTION_ID), fetcher)

    assert result.valid, result.checks
    assert fetcher.requested.count(ASSERTION_ID) == 1


def test_hosted_assertion_is_normalised(site):
    badge = site.verify(BadgeInput(text=json.dumps(site.hosted))).badge

    assert badge.version == "2.0"
    assert badge.id == ASSERTION_ID
    assert badge.issuer.name == "Besace Academy"
    assert badge.issuer.id == ISSUER_ID
    assert badge.achievement.criteria_narrative == "Tie them."
    assert badge.achievement.alignments[0].target_url == "https://skills.example/rope"
    assert badge.achievement.tags == ("rope",)
    assert badge.recipient.identity == hash_identity(EARNER, SALT)
    assert badge.recipient.salt == SALT
    assert badge.issued_on == ISSUED_ON
    assert badge.narrative == "Did it twice."


@pytest.mark.parametrize("image", ["png", "svg"])
def test_baked_hosted_assertion_verifies(site, image):
    text = json.dumps(site.hosted)
    baked = (
        bake_png(make_png(), text)
        if image == "png"
        else bake_svg(SVG_BYTES, verify=ASSERTION_ID, assertion_json=text)
    )

    assert site.verify(BadgeInput(image=baked)).valid


def test_url_answering_the_baked_image_verifies(site):
    image_url = f"{SITE}/public/assertions/abc/image"
    baked = bake_png(make_png(), json.dumps(site.hosted))

    result = site.verify(BadgeInput(url=image_url), site.fetcher(**{image_url: (200, "image/png", baked)}))

    assert result.valid, result.checks


def test_baked_url_of_an_older_badge_is_fetched(site):
    assert site.verify(BadgeInput(image=bake_png(make_png(), ASSERTION_ID))).valid


def test_signed_assertion_verifies_as_jws(site):
    result = site.verify(BadgeInput(text=site.jws()))

    assert result.valid, result.checks
    assert result.check(CHECK_SIGNATURE).message == f"signed by the issuer's key {KEY_ID}"
    assert result.badge.verification_type == "signed"
    assert result.badge.original == site.jws()


@pytest.mark.parametrize("image", ["png", "svg"])
def test_baked_signed_assertion_verifies(site, image):
    token = site.jws()
    baked = bake_png(make_png(), token) if image == "png" else bake_svg(SVG_BYTES, verify=token)

    assert site.verify(BadgeInput(image=baked)).valid


def test_signed_assertion_without_creator_uses_the_issuers_keys(site):
    site.signed["verification"] = {"type": "signed"}

    assert site.verify(BadgeInput(text=site.jws())).valid


def test_issuer_may_embed_its_key(site):
    site.issuer["publicKey"] = site.key

    assert site.verify(BadgeInput(text=site.jws()), site.fetcher(**{KEY_ID: (404, "text/html", b"")})).valid


def test_no_address_given_passes_the_recipient_check_saying_so(site):
    result = site.verify(BadgeInput(text=json.dumps(site.hosted)), emails=())

    assert result.valid
    assert "no e-mail address" in result.check(CHECK_RECIPIENT).message


def test_any_of_the_addresses_may_match(site):
    result = site.verify(BadgeInput(text=json.dumps(site.hosted)), emails=("old@example.org", EARNER.upper()))

    assert result.valid


# --- Tampering ----------------------------------------------------------------------------------------


def test_hosted_copy_changed_by_the_holder_fails_hosted(site):
    forged = site.hosted | {
        "recipient": site.hosted["recipient"] | {"identity": hash_identity("me@x.org", SALT)}
    }

    result = site.verify(BadgeInput(text=json.dumps(forged)), emails=("me@x.org",))

    assert failed_checks(result) == {CHECK_HOSTED}
    assert "differs in recipient" in result.check(CHECK_HOSTED).message


def test_hosted_assertion_served_elsewhere_fails_hosted(site):
    elsewhere = "https://attacker.example/assertion"
    forged = site.hosted | {"id": elsewhere}
    fetcher = site.fetcher(**{elsewhere: json_bytes(forged)})

    result = site.verify(BadgeInput(url=elsewhere), fetcher)

    assert failed_checks(result) == {CHECK_HOSTED}


def test_issuer_allowed_origins_admit_another_host(site):
    other = "https://badges.cdn.example/a/1"
    site.issuer["verification"] = {"allowedOrigins": ["badges.cdn.example"]}
    moved = site.hosted | {"id": other}

    assert site.verify(BadgeInput(url=other), site.fetcher(**{other: json_bytes(moved)})).valid


@pytest.mark.parametrize("badge_class_id", [BADGE_CLASS_ID, "urn:uuid:5b1e4b1e-0000-4000-8000-000000000001"])
def test_embedded_issuer_cannot_vouch_for_itself(site, badge_class_id):
    # An attacker's assertion embedding the real issuer's id with an allowedOrigins of its own: the
    # real profile, fetched at that id, decides.
    elsewhere = "https://attacker.example/assertion"
    forged_issuer = site.issuer | {"verification": {"allowedOrigins": ["attacker.example"]}}
    forged_badge_class = site.badge_class | {"id": badge_class_id, "issuer": forged_issuer}
    forged = site.hosted | {"id": elsewhere, "badge": forged_badge_class}

    result = site.verify(BadgeInput(url=elsewhere), site.fetcher(**{elsewhere: json_bytes(forged)}))

    assert failed_checks(result) == {CHECK_HOSTED}


def test_hosted_revoked_by_http_410(site):
    result = site.verify(
        BadgeInput(text=json.dumps(site.hosted)), site.fetcher(**{ASSERTION_ID: (410, "", b"")})
    )

    assert CHECK_REVOCATION in failed_checks(result)
    assert result.badge is not None


def test_hosted_revoked_in_the_served_copy(site):
    served = ob2.assertion(
        id=ASSERTION_ID,
        badge=BADGE_CLASS_ID,
        recipient_identity_hash=hash_identity(EARNER, SALT),
        salt=SALT,
        issued_on=ISSUED_ON,
        revoked=True,
        revocation_reason="Cheated",
    )

    result = site.verify(
        BadgeInput(text=json.dumps(site.hosted)), site.fetcher(**{ASSERTION_ID: json_bytes(served)})
    )

    assert failed_checks(result) == {CHECK_REVOCATION}
    assert result.badge.revocation_reason == "Cheated"


def test_expired_badge_fails_expiry(site):
    site.hosted["expires"] = ob2.format_datetime(datetime.now(UTC) - timedelta(days=1))

    assert failed_checks(site.verify(BadgeInput(text=json.dumps(site.hosted)))) == {CHECK_EXPIRY}


def test_badge_class_without_image_fails_image(site):
    del site.badge_class["image"]

    assert failed_checks(site.verify(BadgeInput(text=json.dumps(site.hosted)))) == {CHECK_IMAGE}


def test_unreachable_badge_class_fails_structure_and_gives_no_badge(site):
    result = site.verify(
        BadgeInput(text=json.dumps(site.hosted)), site.fetcher(**{BADGE_CLASS_ID: (500, "text/plain", b"")})
    )

    assert failed_checks(result) == {CHECK_STRUCTURE}
    assert result.badge is None


def test_tampered_signed_payload_fails_signature(site):
    header, payload, signature = site.jws().split(".")
    tampered = json.loads(_b64decode(payload)) | {"narrative": "Did it three times."}

    result = site.verify(BadgeInput(text=f"{header}.{_b64encode(json.dumps(tampered))}.{signature}"))

    assert failed_checks(result) == {CHECK_SIGNATURE}


def test_signed_with_another_key_fails_signature(site):
    result = site.verify(BadgeInput(text=site.jws(signing.generate_private_key_pem())))

    assert failed_checks(result) == {CHECK_SIGNATURE}


def test_key_not_listed_by_the_issuer_fails_signature(site):
    site.issuer["publicKey"] = f"{ISSUER_ID}/keys/2"

    result = site.verify(BadgeInput(text=site.jws()))

    assert failed_checks(result) == {CHECK_SIGNATURE}
    assert "does not list" in result.check(CHECK_SIGNATURE).message


def test_key_owned_by_someone_else_fails_signature(site):
    site.key["owner"] = "https://attacker.example/issuer"

    assert failed_checks(site.verify(BadgeInput(text=site.jws()))) == {CHECK_SIGNATURE}


@pytest.mark.parametrize("algorithm", ["none", "HS256", "RS512"])
def test_other_algorithms_fail_signature(site, algorithm):
    _, payload, signature = site.jws().split(".")
    header = _b64encode(json.dumps({"alg": algorithm}))

    result = site.verify(BadgeInput(text=f"{header}.{payload}.{signature}"))

    assert failed_checks(result) == {CHECK_SIGNATURE}


def test_signed_assertion_without_its_signature_fails_signature(site):
    assert failed_checks(site.verify(BadgeInput(text=json.dumps(site.signed)))) == {CHECK_SIGNATURE}


def test_signed_revoked_in_the_revocation_list(site):
    site.revocations = [("urn:uuid:00000000-0000-0000-0000-000000000000", None), (SIGNED_ID, "Duplicate")]

    result = site.verify(BadgeInput(text=site.jws()))

    assert failed_checks(result) == {CHECK_REVOCATION}
    assert result.badge.revocation_reason == "Duplicate"


def test_unreadable_revocation_list_fails_revocation(site):
    result = site.verify(BadgeInput(text=site.jws()), site.fetcher(**{REVOCATION_LIST_ID: (503, "", b"")}))

    assert failed_checks(result) == {CHECK_REVOCATION}


def _b64encode(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).rstrip(b"=").decode()


def _b64decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
