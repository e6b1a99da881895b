"""Issuing OB 3.0 credentials in the standards core: documents, Data Integrity proofs, VC-JWT, did:web."""

import json
from datetime import UTC, datetime

import base58
import jsonschema
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from besace.openbadges import ob3, ob3_signing, signing
from besace.openbadges.errors import OpenBadgesError
from besace.openbadges.hashing import hash_identity
from besace.openbadges.verify import data_integrity, vc_jwt
from besace.openbadges.verify.did import did_web_url, ed25519_from_multibase
from besace.openbadges.verify.mapped_fetcher import MappedFetcher
from besace.openbadges.verify.ob3 import verify_ob3

from .verify_ob3.helpers import OB3_IMPL, VC_DI_EDDSA, load_context_with_examples, load_json

EMAIL, SALT = "nobody@example.org", "deadsea"
ISSUED = datetime(2026, 1, 15, 9, 30, tzinfo=UTC)
METHOD = "https://issuer.example/keys/1"


def _pem(key: Ed25519PrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def _private_key_from_multibase(value: str) -> str:
    raw = base58.b58decode(value[1:])
    assert raw[:2] == b"\x80\x26"  # multicodec ed25519-priv
    return _pem(Ed25519PrivateKey.from_private_bytes(raw[2:]))


def credential(**overrides) -> dict:
    fields = {
        "id": "https://issuer.example/awards/1",
        "issuer": ob3.profile(
            id="https://issuer.example/profile",
            name="Issuer",
            url="https://issuer.example",
            email="badges@issuer.example",
            image_url="https://issuer.example/logo.png",
        ),
        "achievement": ob3.achievement(
            id="https://issuer.example/badges/1",
            name="Teamwork",
            description="Works in a team.",
            criteria_url="https://issuer.example/criteria",
            criteria_narrative="Lead a project.",
            image_url="https://issuer.example/badges/1.png",
            alignments=[{"targetName": "Teamwork", "targetUrl": "https://esco.example/teamwork"}],
            tags=["soft skills"],
        ),
        "valid_from": ISSUED,
        "valid_until": datetime(2030, 1, 1, tzinfo=UTC),
        "recipient_identity_hash": hash_identity(EMAIL, SALT),
        "salt": SALT,
        "narrative": "Led the 2026 project.",
        "evidence": [{"id": "https://issuer.example/evidence/1", "narrative": "The report."}],
        "status_list_url": "https://issuer.example/status",
    }
    return ob3.open_badge_credential(**{**fields, **overrides})


def test_credential_has_the_open_badges_3_shape():
    document = credential()
    assert document["@context"][:2] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert document["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert document["name"] == "Teamwork"
    assert document["validFrom"] == "2026-01-15T09:30:00+00:00"
    [identity] = document["credentialSubject"]["identifier"]
    assert identity == {
        "type": "IdentityObject",
        "identityHash": "sha256$ecf5409f3f4b91ab60cc5ef4c02aef7032354375e70cf4d8e43f6a1d29891942",
        "identityType": "emailAddress",
        "hashed": True,
        "salt": SALT,
    }
    achievement = document["credentialSubject"]["achievement"]
    assert achievement["criteria"] == {
        "id": "https://issuer.example/criteria",
        "narrative": "Lead a project.",
    }
    assert achievement["alignment"][0]["type"] == ["Alignment"]
    assert achievement["tag"] == ["soft skills"]
    assert document["credentialStatus"] == {
        "id": "https://issuer.example/status",
        "type": "1EdTechRevocationList",
    }
    assert document["credentialSchema"][0]["type"] == "1EdTechJsonSchemaValidator2019"


def test_achievement_needs_criteria():
    with pytest.raises(OpenBadgesError, match="criteria"):
        ob3.achievement(id="https://x.example/b", name="B", description="D")


def test_signed_credential_meets_the_1edtech_schema(shared_fixtures):
    schema = load_json(shared_fixtures / "obv3-examples/schemas/ob_v3p0_achievementcredential_schema.json")
    signed = ob3_signing.add_data_integrity_proof(
        credential(), Ed25519PrivateKey.generate(), verification_method=METHOD, created=ISSUED
    )
    jsonschema.Draft201909Validator(schema, format_checker=jsonschema.FormatChecker()).validate(signed)
    assert isinstance(signed["proof"], list)


def test_signing_the_w3c_eddsa_rdfc_2022_vector_reproduces_its_proof_value(shared_fixtures):
    key_pair = load_json(VC_DI_EDDSA / "keyPair.json")
    config = load_json(VC_DI_EDDSA / "eddsa-rdfc-2022/proofConfigDataInt.json")
    private_pem = _private_key_from_multibase(key_pair["privateKeyMultibase"])
    assert (
        ob3_signing.ed25519_multikey(ob3_signing.ed25519_public_key_pem(private_pem))
        == (key_pair["publicKeyMultibase"])
    )

    signed = ob3_signing.add_data_integrity_proof(
        load_json(VC_DI_EDDSA / "unsigned.json"),
        ob3_signing.load_ed25519_private_key(private_pem),
        verification_method=config["verificationMethod"],
        created=datetime.fromisoformat(config["created"]),
        load_context=load_context_with_examples,
    )

    expected = (VC_DI_EDDSA / "eddsa-rdfc-2022/sigBTC58DataInt.txt").read_text().strip()
    assert signed["proof"][0]["proofValue"] == expected
    assert {k: v for k, v in signed["proof"][0].items() if k != "proofValue"} == {
        k: v for k, v in config.items() if k != "@context"
    }


def test_signing_the_1edtech_ob3_vector_reproduces_its_proof_value(shared_fixtures):
    published = load_json(OB3_IMPL / "linked-data-proof-ob.signed-credential.extracted.json")
    key_pair = load_json(OB3_IMPL / "linked-data-proof-ob.keypair.extracted.json")
    seed = bytes.fromhex(key_pair["privateKeyHex(64-byte seed+pub)"])[:32]
    proof = published["proof"][0] if isinstance(published["proof"], list) else published["proof"]
    unsigned = {k: v for k, v in published.items() if k != "proof"}

    signed = ob3_signing.add_data_integrity_proof(
        unsigned,
        Ed25519PrivateKey.from_private_bytes(seed),
        verification_method=proof["verificationMethod"],
        created=datetime.fromisoformat(proof["created"]),
    )

    assert signed["proof"][0]["proofValue"] == proof["proofValue"]


def test_a_proof_is_added_to_those_already_there():
    key = Ed25519PrivateKey.generate()
    once = ob3_signing.add_data_integrity_proof(credential(), key, verification_method=METHOD, created=ISSUED)
    twice = ob3_signing.add_data_integrity_proof(once, key, verification_method=METHOD, created=ISSUED)
    assert len(twice["proof"]) == 2
    public = ed25519_from_multibase(
        ob3_signing.ed25519_multikey(ob3_signing.ed25519_public_key_pem(_pem(key)))
    )
    for proof in twice["proof"]:
        data_integrity.verify_proof(twice, proof, public)


def test_multikey_document_resolves_to_the_key():
    private = _pem(Ed25519PrivateKey.generate())
    public_pem = ob3_signing.ed25519_public_key_pem(private)
    method = ob3_signing.multikey_method(
        id=METHOD, controller="https://issuer.example/profile", public_key_pem=public_pem
    )
    document = ob3_signing.standalone(method)
    assert document["@context"] == "https://w3id.org/security/multikey/v1"
    assert document["type"] == "Multikey" and document["publicKeyMultibase"].startswith("z6Mk")
    assert ed25519_from_multibase(document["publicKeyMultibase"]) == (
        serialization.load_pem_public_key(public_pem.encode())
    )


def test_vc_jwt_carries_the_credential_and_its_registered_claims():
    private_pem = signing.generate_private_key_pem()
    document = credential()
    token = ob3_signing.sign_vc_jwt(document, signing.load_pem_key(private_pem), kid=METHOD)

    decoded = vc_jwt.decode(token)
    assert decoded.header == {"alg": "RS256", "typ": "JWT", "kid": METHOD}
    assert decoded.claims["iss"] == "https://issuer.example/profile"
    assert decoded.claims["jti"] == document["id"]
    assert decoded.claims["nbf"] == int(ISSUED.timestamp())
    assert decoded.claims["exp"] == int(datetime(2030, 1, 1, tzinfo=UTC).timestamp())
    assert "sub" not in decoded.claims  # the subject is a hashed e-mail address, it has no id
    assert decoded.claims["vc"] == document
    assert vc_jwt.claim_problems(decoded) == []
    key_document = {"id": METHOD, "publicKeyJwk": ob3_signing.public_jwk(signing.public_key_pem(private_pem))}
    fetcher = MappedFetcher({METHOD: json.dumps(key_document).encode()})
    vc_jwt.verify_signature(decoded, fetcher=fetcher, issuer_id=decoded.claims["iss"])


def test_data_integrity_credential_verifies_with_besace_verifier_and_tampering_fails():
    private_pem = _pem(Ed25519PrivateKey.generate())
    method = ob3_signing.standalone(
        ob3_signing.multikey_method(
            id=METHOD,
            controller="https://issuer.example/profile",
            public_key_pem=ob3_signing.ed25519_public_key_pem(private_pem),
        )
    )
    status = ob3.revocation_list(
        id="https://issuer.example/status", issuer="https://issuer.example/profile", revoked=[]
    )
    fetcher = MappedFetcher(
        {METHOD: json.dumps(method).encode(), "https://issuer.example/status": json.dumps(status).encode()}
    )
    signed = ob3_signing.add_data_integrity_proof(
        credential(),
        ob3_signing.load_ed25519_private_key(private_pem),
        verification_method=METHOD,
        created=ISSUED,
    )
    now = datetime(2026, 6, 1, tzinfo=UTC)
    result = verify_ob3(signed, fetcher=fetcher, recipient_emails=[EMAIL], now=now)
    assert result.valid, result.checks

    tampered = {**signed, "name": "Another badge"}
    checks = {c.name: c for c in verify_ob3(tampered, fetcher=fetcher, now=now).checks}
    assert not checks["signature"].passed


def test_revocation_list_names_revoked_credentials_and_why():
    document = ob3.revocation_list(
        id="https://issuer.example/status",
        issuer="https://issuer.example/profile",
        revoked=[("https://issuer.example/awards/1", "Mistake"), ("https://issuer.example/awards/2", None)],
    )
    assert document["type"] == "1EdTechRevocationList"
    assert document["revokedCredential"] == [
        {"id": "https://issuer.example/awards/1", "revocationReason": "Mistake"},
        {"id": "https://issuer.example/awards/2"},
    ]


@pytest.mark.parametrize(
    ("url", "did"),
    [
        ("https://badges.example/public/issuers/abc/did.json", "did:web:badges.example:public:issuers:abc"),
        ("https://badges.example:8443/b/issuers/x/did.json", "did:web:badges.example%3A8443:b:issuers:x"),
        ("https://badges.example/.well-known/did.json", "did:web:badges.example"),
    ],
)
def test_did_web_is_the_inverse_of_its_resolution(url, did):
    assert ob3.did_web(url) == did
    assert did_web_url(did) == url


@pytest.mark.parametrize(
    "url",
    ["http://badges.example/issuers/x/did.json", "https://badges.example/issuers/x", "https:///did.json"],
)
def test_did_web_needs_an_https_did_json_url(url):
    with pytest.raises(OpenBadgesError):
        ob3.did_web(url)


def test_did_document_lists_every_method_as_an_assertion_method():
    did = "did:web:badges.example:issuers:x"
    methods = [{"id": f"{did}#a", "type": "Multikey"}, {"id": f"{did}#b", "type": "JsonWebKey"}]
    document = ob3.did_document(did=did, also_known_as="https://badges.example/issuers/x", methods=methods)
    assert document["@context"][0] == "https://www.w3.org/ns/did/v1"
    assert document["assertionMethod"] == [f"{did}#a", f"{did}#b"]
    assert document["alsoKnownAs"] == ["https://badges.example/issuers/x"]
