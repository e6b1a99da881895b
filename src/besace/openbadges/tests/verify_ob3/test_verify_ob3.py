"""verify_ob3 on credentials signed by the tests: each check, each input form, each way to fail."""

import json
from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jwcrypto import jwk, jws
from pyld import jsonld

from besace.openbadges.verify.mapped_fetcher import MappedFetcher
from besace.openbadges.verify.model import (
    CHECK_EXPIRY,
    CHECK_IMAGE,
    CHECK_RECIPIENT,
    CHECK_REVOCATION,
    CHECK_SIGNATURE,
    CHECK_STRUCTURE,
    VerificationError,
)
from besace.openbadges.verify.ob3 import verify_ob3

from .helpers import NOW, badge, did_key, sign

KEY = Ed25519PrivateKey.generate()
ISSUER = did_key(KEY)
METHOD = f"{ISSUER}#{ISSUER.removeprefix('did:key:')}"


def failing(result) -> set[str]:
    return {check.name for check in result.checks if not check.passed}


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
def test_a_signed_badge_verifies_and_is_normalised(suite):
    credential = sign(badge(ISSUER), KEY, METHOD, suite)
    result = verify_ob3(credential, fetcher=MappedFetcher(), recipient_emails=["Nobody@Example.org"], now=NOW)
    assert result.valid, result.checks
    assert [c.name for c in result.checks] == [
        CHECK_STRUCTURE,
        CHECK_SIGNATURE,
        CHECK_REVOCATION,
        CHECK_EXPIRY,
        CHECK_RECIPIENT,
        CHECK_IMAGE,
    ]
    normalised = result.badge
    assert normalised.version == "3.0" and normalised.verification_type == "data-integrity"
    assert normalised.issuer.id == ISSUER and normalised.issuer.name == "Besace Test Issuer"
    assert normalised.achievement.name == "Tested"
    assert normalised.achievement.image == "https://issuer.example/achievements/1.png"
    assert normalised.recipient.hashed and normalised.recipient.salt == "deadsea"
    assert normalised.issued_on == datetime(2026, 1, 1, tzinfo=UTC)
    assert json.loads(normalised.original) == credential


def test_json_text_input_is_kept_as_original():
    text = json.dumps(sign(badge(ISSUER), KEY, METHOD), indent=2)
    result = verify_ob3(text, fetcher=MappedFetcher(), now=NOW)
    assert result.valid and result.badge.original == text


@pytest.mark.parametrize(
    ("change", "check"),
    [
        (lambda c: c.update(name="Forged"), CHECK_SIGNATURE),
        (lambda c: c["credentialSubject"]["achievement"].update(name="Forged"), CHECK_SIGNATURE),
        (lambda c: c["proof"][0].update(proofValue=c["proof"][0]["proofValue"][:-2] + "11"), CHECK_SIGNATURE),
        (lambda c: c["proof"][0].update(proofPurpose="authentication"), CHECK_SIGNATURE),
        (lambda c: c.pop("proof"), CHECK_SIGNATURE),
        (lambda c: c.update(type=["VerifiableCredential"]), CHECK_STRUCTURE),
        (lambda c: c.update({"@context": c["@context"][::-1]}), CHECK_STRUCTURE),
    ],
)
def test_alterations_fail_the_right_check(change, check):
    credential = sign(badge(ISSUER), KEY, METHOD)
    change(credential)
    result = verify_ob3(credential, fetcher=MappedFetcher(), now=NOW)
    assert not result.valid and check in failing(result)


@pytest.mark.parametrize(
    ("dates", "message"),
    [
        ({"validFrom": "2030-01-01T00:00:00Z"}, "not valid before"),
        ({"validUntil": "2026-02-01T00:00:00+01:00"}, "expired"),
    ],
)
def test_validity_period(dates, message):
    credential = sign(badge(ISSUER, **dates), KEY, METHOD)
    result = verify_ob3(credential, fetcher=MappedFetcher(), now=NOW)
    assert failing(result) == {CHECK_EXPIRY} and message in result.check(CHECK_EXPIRY).message


def test_naive_now_is_utc():
    credential = sign(badge(ISSUER, validUntil="2026-06-01T00:00:01Z"), KEY, METHOD)
    assert verify_ob3(credential, fetcher=MappedFetcher(), now=datetime(2026, 6, 1)).valid


def test_recipient_mismatch_and_plain_identity():
    credential = badge(ISSUER)
    result = verify_ob3(
        sign(credential, KEY, METHOD), fetcher=MappedFetcher(), recipient_emails=["a@b.c"], now=NOW
    )
    assert failing(result) == {CHECK_RECIPIENT}
    credential["credentialSubject"]["identifier"][0].update(identityHash="Someone@Example.org", hashed=False)
    del credential["credentialSubject"]["identifier"][0]["salt"]
    result = verify_ob3(
        sign(credential, KEY, METHOD),
        fetcher=MappedFetcher(),
        recipient_emails=["someone@example.org"],
        now=NOW,
    )
    assert result.valid


def test_a_key_of_someone_else_than_the_issuer_fails():
    other = Ed25519PrivateKey.generate()
    other_did = did_key(other)
    credential = sign(badge(ISSUER), other, f"{other_did}#{other_did.removeprefix('did:key:')}")
    result = verify_ob3(credential, fetcher=MappedFetcher(), now=NOW)
    assert (
        failing(result) == {CHECK_SIGNATURE} and "not to the issuer" in result.check(CHECK_SIGNATURE).message
    )


def test_revocation_list_revokes_with_reason():
    url = "https://issuer.example/revocations"
    credential = sign(
        badge(ISSUER, credentialStatus={"id": url, "type": "1EdTechRevocationList"}), KEY, METHOD
    )
    revoked = {"revokedCredential": [{"id": credential["id"], "revocationReason": "Cheated"}]}
    result = verify_ob3(credential, fetcher=MappedFetcher({url: json.dumps(revoked).encode()}), now=NOW)
    assert failing(result) == {CHECK_REVOCATION} and result.badge.revocation_reason == "Cheated"


def test_no_image_is_a_message_not_a_failure():
    credential = badge(ISSUER)
    del credential["credentialSubject"]["achievement"]["image"]
    result = verify_ob3(sign(credential, KEY, METHOD), fetcher=MappedFetcher(), now=NOW)
    assert result.valid and result.check(CHECK_IMAGE) is None
    assert any("no image" in m for m in result.messages)


def test_unshipped_context_is_a_structure_failure_and_nothing_is_fetched(monkeypatch):
    def no_default_loader(url, options=None):
        raise AssertionError(f"pyld's own loader asked for {url}")

    monkeypatch.setattr(jsonld, "_default_document_loader", no_default_loader)
    credential = badge(ISSUER)
    credential["@context"].append("https://attacker.example/context.json")
    fetcher = MappedFetcher()
    result = verify_ob3(credential, fetcher=fetcher, now=NOW)
    assert failing(result) == {CHECK_STRUCTURE}
    assert "https://attacker.example/context.json" in result.check(CHECK_STRUCTURE).message
    assert fetcher.requested == []


def test_inline_context_importing_a_remote_one_is_refused():
    credential = badge(ISSUER)
    credential["@context"].append({"@import": "https://attacker.example/context.json"})
    result = verify_ob3(credential, fetcher=MappedFetcher(), now=NOW)
    assert failing(result) == {CHECK_STRUCTURE}


# --- VC-JWT ------------------------------------------------------------------------------------------


def _jwt(payload: dict, private_key, header: dict) -> str:
    token = jws.JWS(json.dumps(payload).encode())
    token.add_signature(jwk.JWK.from_pyca(private_key), protected=json.dumps(header))
    return token.serialize(compact=True)


def test_vc_jwt_1_1_with_did_key_kid():
    vc = badge(ISSUER)
    vc["@context"][0] = "https://www.w3.org/2018/credentials/v1"
    claims = {
        "vc": {k: v for k, v in vc.items() if k not in ("issuer", "validFrom")}
        | {"issuer": {"type": ["Profile"], "name": "X"}},
        "iss": ISSUER,
        "jti": vc["id"],
        "nbf": 1767225600,
        "exp": 1893456000,
    }
    token = _jwt(claims, KEY, {"alg": "EdDSA", "kid": METHOD})
    result = verify_ob3(token, fetcher=MappedFetcher(), now=NOW)
    assert result.valid, result.checks
    assert result.badge.verification_type == "vc-jwt" and result.badge.original == token
    assert result.badge.issuer.id == ISSUER and result.badge.issued_on == datetime(2026, 1, 1, tzinfo=UTC)


def test_vc_2_jose_es256_with_jwk_and_expired_exp():
    private_key = ec.generate_private_key(ec.SECP256R1())
    payload = badge("https://issuer.example/profile") | {
        "exp": 1767225601 + 3600,
        "iss": "https://issuer.example/profile",
    }
    public = json.loads(jwk.JWK.from_pyca(private_key.public_key()).export_public())
    token = _jwt(payload, private_key, {"alg": "ES256", "jwk": public})
    result = verify_ob3(token, fetcher=MappedFetcher(), now=NOW)
    assert failing(result) == {CHECK_EXPIRY}
    assert any("not confirmed" in m for m in result.messages)


def test_jwt_refusals():
    payload = badge(ISSUER)
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = json.loads(jwk.JWK.from_pyca(rsa_key.public_key()).export_public())
    good = _jwt(payload, rsa_key, {"alg": "RS256", "jwk": public})
    assert verify_ob3(good, fetcher=MappedFetcher(), now=NOW).valid
    header, body, signature = good.split(".")
    forged_body = jws.base64url_encode(json.dumps(payload | {"name": "Forged"}))
    assert failing(verify_ob3(f"{header}.{forged_body}.{signature}", fetcher=MappedFetcher(), now=NOW)) == {
        CHECK_SIGNATURE
    }
    none_header = jws.base64url_encode(json.dumps({"alg": "none"}))
    assert CHECK_SIGNATURE in failing(
        verify_ob3(f"{none_header}.{body}.{signature}", fetcher=MappedFetcher(), now=NOW)
    )
    wrong_iss = _jwt(payload | {"iss": "https://someone.else"}, rsa_key, {"alg": "RS256", "jwk": public})
    assert CHECK_STRUCTURE in failing(verify_ob3(wrong_iss, fetcher=MappedFetcher(), now=NOW))


@pytest.mark.parametrize(
    "given",
    ["", "not json", "[1, 2]", "eyJ.eyJ.x", "a.b.c", 42, None, ["x"], {"a": {1, 2}}, "{" * 5000 + "}" * 5000],
)
def test_unusable_input_raises_verification_error(given):
    with pytest.raises(VerificationError):
        verify_ob3(given, fetcher=MappedFetcher(), now=NOW)


def test_not_a_credential_is_a_structure_failure():
    result = verify_ob3(
        {"@context": "https://w3id.org/openbadges/v2", "type": "Assertion"}, fetcher=MappedFetcher()
    )
    assert failing(result) == {CHECK_STRUCTURE} and result.badge is None and result.version == "3.0"
