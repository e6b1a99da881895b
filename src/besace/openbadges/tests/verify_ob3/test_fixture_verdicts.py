"""Every OB 3.0 sample of the third-party fixtures gets the verdict its publisher gives it, or a
precisely stated other one (each departure is explained next to its expectation).

Verification runs as in production: with the JSON-LD contexts Besace ships and nothing else (contexts
are never fetched). Every context these badges and their status lists use is shipped.
"""

import re
from pathlib import Path

import pytest

from besace.openbadges.png import unbake_png
from besace.openbadges.svg import unbake_svg
from besace.openbadges.verify.model import CHECK_EXPIRY, CHECK_REVOCATION, CHECK_SIGNATURE, CHECK_STRUCTURE
from besace.openbadges.verify.ob3 import verify_ob3

from ..samples import SHARED_FIXTURES
from .helpers import (
    DCPV_OB30,
    NOW,
    VC_TEST_FIXTURES,
    fixture_fetcher,
    load_json,
    unshipped_contexts,
)

VALID: frozenset[str] = frozenset()
STRUCTURE = frozenset({CHECK_STRUCTURE})
SIGNATURE = frozenset({CHECK_SIGNATURE})
EXPIRY = frozenset({CHECK_EXPIRY})
REVOKED = frozenset({CHECK_REVOCATION})

# 1EdTech digital-credentials-public-validator, ob30/: failing checks expected (EXPECTED_RESULTS.md
# gives 1EdTech's verdicts).
DCPV_VERDICTS: dict[str, frozenset[str]] = {
    "simple.json": VALID,
    "simple-did-key-method.json": VALID,
    "simple-did-web-method.json": VALID,
    "simple-context-alias.json": VALID,
    "simple-context-version.json": VALID,  # 1EdTech: "probe-specific"; nothing wrong with it
    "simple-eddsa-2022.json": VALID,  # 1EdTech WARNING: deprecated cryptosuite (a message here too)
    "simple_v1.json": VALID,  # 1EdTech WARNING: VC 1.1 (a message here too)
    "simple-multiple-proofs.json": VALID,  # the unknown proof type is reported in messages
    "simple-err-type.json": STRUCTURE,
    "simple-err-context.json": STRUCTURE,
    "simple-err-issuer.json": STRUCTURE,
    "simple-err-proof-method.json": SIGNATURE,
    "simple-err-proof-method-no-scheme.json": SIGNATURE,
    "simple-err-proof-method-unknown-did-method.json": SIGNATURE,
    "simple-err-proof-method-unknown-scheme.json": SIGNATURE,
    "simple-err-proof-value.json": SIGNATURE,
    "simple-err-expired.json": EXPIRY,
    # validFrom 2040, and no achievement at all (the schema requires one): both are reported.
    "simple-err-issued.json": EXPIRY | STRUCTURE,
    # Unknown types, fatal for 1EdTech: structure. Their proofs were made before the types were
    # broken, so the signature fails as well.
    "simple-err-credential-subject-type.json": STRUCTURE | SIGNATURE,
    "simple-err-credential-subject-identifier-type.json": STRUCTURE | SIGNATURE,
    "simple-err-credential-subject-profile-type.json": STRUCTURE | SIGNATURE,
    "simple-err-credential-subject-result-type.json": STRUCTURE | SIGNATURE,
    "simple-err-credential-subject-achievement-result-description-type.json": STRUCTURE | SIGNATURE,
    "simple-err-evidence-type.json": STRUCTURE | SIGNATURE,
    "simple-err-issuer-type.json": STRUCTURE | SIGNATURE,
    "simple-err-issuer-parentorg-type.json": STRUCTURE | SIGNATURE,
    "simple-err-issuer-otheridentifier-type.json": STRUCTURE | SIGNATURE,
    "bit-string-list/credential-status-revoked.json": REVOKED,
    "bit-string-list/credential-status-revoked-blank-nodes.json": REVOKED,
    # 1EdTech: revoked through a 1EdTechRevocationList. Its key is a did:web on dc.1edtech.org and its
    # list is on that host too; the fixtures hold neither, so offline the proof cannot be checked and
    # the status cannot be confirmed: both checks fail (an unconfirmed status is never "not revoked").
    "credential-status-revoked.json": SIGNATURE | REVOKED,
    "sd/derivedcredential.json": VALID,  # ecdsa-sd-2023 derived proof (selective disclosure, P-256)
    # 1EdTech: "inline schema ref probe fails". Here: its 1EdTechRevocationList (1edtech.edu) is not in
    # the fixtures, and a status that cannot be checked is not taken as "not revoked".
    "complete.json": REVOKED,
    # Same, plus a key URL (…#key-1) the fixtures do not hold, and validUntil 2020.
    "complete_v1.json": SIGNATURE | EXPIRY | REVOKED,
    # Not badges: verify_ob3 verifies OpenBadgeCredential / AchievementCredential only.
    "endorsement-valid.json": STRUCTURE,
    "endorsement-err-schema-status-refresh.json": STRUCTURE,
    # No proof, and no achievement.
    "simple-noproof.json": STRUCTURE | SIGNATURE,
}

# The same samples baked in images, as JSON text or as a compact JWS.
DCPV_TEXT_VERDICTS: dict[str, frozenset[str]] = {
    "simple.1ob": VALID,
    "simple-json.png": VALID,
    "simple-json.svg": VALID,
    "simple-jwt.png": VALID,  # VC 2.0 JOSE, RS256, key in the jwk header
    "simple-jwt.svg": VALID,
    "simple-jwt_v1.png": VALID,  # VC-JWT 1.1 (1EdTech WARNING: VC 1.1; a message here too)
    "simple-jwt_v1.svg": VALID,
    "velocity.jwt": SIGNATURE,  # kid is a did:velocity, a DID method nobody can resolve offline
    # No verdict from 1EdTech for this one: no key at all (no kid, no jwk) and no achievement.
    "simple.jwt": STRUCTURE | SIGNATURE,
}

# vc-test-fixtures that are not badges (no OpenBadgeCredential type or OB context).
VC_TEST_NOT_BADGES = {
    # Also the only one whose context Besace does not ship (https://w3id.org/dcc/v1).
    "v1/dataIntegrityProof/didKey/legacyRegistry-noStatus-noExpiry-oldDCCExample.json",
    "v2/bothSignatureTypes/didkey/legacy-noStatus-noExpiry-nonOBWithOBContext.json",
    "v2/bothSignatureTypes/didkey/legacy-noStatus-notExpired-endorsement.json",
    "v2/bothSignatureTypes/didkey/legacy-noStatus-notExpired-endorsement-withSchema.json",
    "v2/dataIntegrityProof/didKey/legacyRegistry-noStatus-noExpiry-minimal.json",
    # Status list test cases (see test_status.py, which checks their status lists directly).
    "v2/ed25519/didKey/legacy-expiredStatus-noExpiry.json",
    "v2/ed25519/didKey/legacy-missingTypeStatus-noExpiry.json",
    "v2/ed25519/didKey/legacy-notYetValidStatus-noExpiry.json",
    "v2/ed25519/didKey/legacy-tamperedStatus-noExpiry.json",
}
VC_TEST_OVERRIDES = {
    # Named "noExpiry", but its validUntil is 2010-01-02.
    "v2/dataIntegrityProof/didKey/noRegistry-revokedStatus-noExpiry.json": REVOKED | EXPIRY,
    # Its did:web (…:dcc) has no DID document in the fixtures.
    "v2/ed25519/didWeb/badDidWeb.json": SIGNATURE,
}


def vc_test_fixture_verdict(relative: str) -> frozenset[str]:
    """From the repository's naming scheme: [registry]-[status]-[expiry](-[variant]).json."""
    if relative in VC_TEST_NOT_BADGES:
        return STRUCTURE
    if relative in VC_TEST_OVERRIDES:
        return VC_TEST_OVERRIDES[relative]
    name = Path(relative).stem
    failing: set[str] = set()
    if re.search(r"revoked", name, re.IGNORECASE):
        failing.add(CHECK_REVOCATION)
    if re.search(r"-expired|notYetValid", name):
        failing.add(CHECK_EXPIRY)
    if "tampered" in name:
        failing.add(CHECK_SIGNATURE)
    return frozenset(failing)


def failing(result) -> frozenset[str]:
    return frozenset(check.name for check in result.checks if not check.passed)


def _files(folder: Path, pattern: str) -> list[str]:
    if not folder.is_dir():
        return []
    return sorted(str(p.relative_to(folder)) for p in folder.glob(pattern))


DCPV_FILES = _files(DCPV_OB30, "**/*.json")
VC_TEST_FILES = _files(VC_TEST_FIXTURES / "verifiableCredentials", "**/*.json")


def test_every_dcpv_sample_has_an_expected_verdict(shared_fixtures):
    assert set(DCPV_FILES) == set(DCPV_VERDICTS)
    assert {p.name for p in DCPV_OB30.iterdir() if p.suffix in {".1ob", ".png", ".svg", ".jwt"}} == set(
        DCPV_TEXT_VERDICTS
    )


@pytest.mark.parametrize("name", DCPV_FILES or ["<no fixtures>"])
def test_dcpv_sample(shared_fixtures, name):
    expected = DCPV_VERDICTS[name]
    result = verify_ob3(load_json(DCPV_OB30 / name), fetcher=fixture_fetcher(), now=NOW)
    assert failing(result) == expected, [c for c in result.checks if not c.passed]
    assert result.valid == (not expected)
    if result.valid:
        assert result.badge is not None and result.badge.version == "3.0"
        assert result.badge.verification_type == "data-integrity"


@pytest.mark.parametrize("name", sorted(DCPV_TEXT_VERDICTS))
def test_dcpv_baked_and_jws_sample(shared_fixtures, name):
    data = (DCPV_OB30 / name).read_bytes()
    text = (
        unbake_png(data)
        if name.endswith(".png")
        else unbake_svg(data)
        if name.endswith(".svg")
        else data.decode()
    )
    assert text
    result = verify_ob3(text, fetcher=fixture_fetcher(), now=NOW)
    assert failing(result) == DCPV_TEXT_VERDICTS[name], [c for c in result.checks if not c.passed]
    assert result.badge is not None
    assert result.badge.original == text.strip()
    jws = text.strip().startswith("ey")
    assert result.badge.verification_type == ("vc-jwt" if jws else "data-integrity")


def test_dcpv_warnings_are_reported(shared_fixtures):
    deprecated = verify_ob3(
        load_json(DCPV_OB30 / "simple-eddsa-2022.json"), fetcher=fixture_fetcher(), now=NOW
    )
    assert any("eddsa-2022" in m for m in deprecated.messages)
    assert any("1.1" in m for m in deprecated.messages)
    both = verify_ob3(
        load_json(DCPV_OB30 / "simple-multiple-proofs.json"), fetcher=fixture_fetcher(), now=NOW
    )
    assert any("SomeProofType" in m for m in both.messages)
    # The key is only named in the proof (1EdTech's "<issuer>#<multikey>"): valid, and said so.
    simple = verify_ob3(load_json(DCPV_OB30 / "simple.json"), fetcher=fixture_fetcher(), now=NOW)
    assert any("not confirmed" in m for m in simple.messages)


@pytest.mark.parametrize("name", VC_TEST_FILES or ["<no fixtures>"])
def test_vc_test_fixture(shared_fixtures, name):
    expected = vc_test_fixture_verdict(name)
    fetcher = fixture_fetcher()
    result = verify_ob3(
        load_json(VC_TEST_FIXTURES / "verifiableCredentials" / name), fetcher=fetcher, now=NOW
    )
    assert failing(result) == expected, [c for c in result.checks if not c.passed]
    assert result.valid == (not expected)
    if result.valid:
        assert result.badge is not None and result.badge.version == "3.0"
    # JSON-LD contexts are answered locally, never through the fetcher.
    assert not [url for url in fetcher.requested if "w3id.org" in url or "/credentials/" in url]


def test_vc_test_fixtures_and_their_status_lists_need_only_shipped_contexts(shared_fixtures):
    """So the verdicts above are the real ones, not "a context is missing"."""
    documents = {name: load_json(VC_TEST_FIXTURES / "verifiableCredentials" / name) for name in VC_TEST_FILES}
    status_lists = VC_TEST_FIXTURES / "statusLists"
    documents.update({str(p): load_json(p) for p in status_lists.rglob("*") if p.is_file()})
    missing = {name: unshipped for name, doc in documents.items() if (unshipped := unshipped_contexts(doc))}
    assert missing == {
        "v1/dataIntegrityProof/didKey/legacyRegistry-noStatus-noExpiry-oldDCCExample.json": [
            "https://w3id.org/dcc/v1"
        ]
    }


def test_vc_test_fixture_verdicts_cover_every_check(shared_fixtures):
    """The fixtures' names promise valid, revoked, expired, not-yet-valid and tampered credentials."""
    verdicts = [vc_test_fixture_verdict(name) for name in VC_TEST_FILES]
    assert VALID in verdicts
    for check in (CHECK_REVOCATION, CHECK_EXPIRY, CHECK_SIGNATURE, CHECK_STRUCTURE):
        assert any(check in v for v in verdicts), check


def test_fixtures_folder_is_where_the_tests_expect_it(shared_fixtures):
    assert shared_fixtures == SHARED_FIXTURES
    assert DCPV_FILES and VC_TEST_FILES
