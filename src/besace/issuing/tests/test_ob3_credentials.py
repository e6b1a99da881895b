"""Every award is also an Open Badges 3.0 credential: served, baked, with its status and keys, and
verified by Besace's own verifier through the Django test client (nothing leaves the process)."""

import json

import pytest
from django.urls import reverse

from besace.core.audit import audit_entries_for
from besace.issuing import credentials, services
from besace.issuing.models import SigningKey
from besace.issuing.signing import issuer_keys_rotate, issuer_signing_key, signed_assertion_jws
from besace.openbadges.png import read_png_payload
from besace.openbadges.signing import verify_compact_jws
from besace.openbadges.svg import read_svg_payload
from besace.openbadges.verify import vc_jwt
from besace.openbadges.verify.ob3 import verify_ob3
from besace.testing.client_fetcher import ClientFetcher

EARNER = "earner@example.org"
HTTPS = "https://testserver"


def path_of(url: str, base: str) -> str:
    return url.removeprefix(base)


def served_credential(client, assertion, base) -> dict:
    response = client.get(path_of(assertion.public_url, base), HTTP_ACCEPT="application/vc+ld+json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vc+ld+json"
    return response.json()


def served_jwt(client, assertion, base) -> str:
    response = client.get(path_of(assertion.credential_jwt_url, base))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vc+jwt"
    return response.content.decode()


def checks(result) -> dict[str, bool]:
    return {check.name: check.passed for check in result.checks}


@pytest.fixture(params=["http://testserver", HTTPS])
def base(request, settings) -> str:
    settings.BESACE_BASE_URL = request.param
    return request.param


def test_issuer_id_is_a_did_web_over_https_and_the_profile_url_otherwise(settings, issuer):
    settings.BESACE_BASE_URL = HTTPS
    assert credentials.issuer_id(issuer) == f"did:web:testserver:public:issuers:{issuer.public_id}"
    settings.BESACE_BASE_URL = "http://testserver"
    assert credentials.issuer_id(issuer) == issuer.public_url


def test_credential_and_vc_jwt_verify_with_besace_verifier(base, award, client):
    assertion = award(EARNER, narrative="Built it.", evidence_url="https://univ.example/evidence")
    fetcher = ClientFetcher(base, client)

    credential = served_credential(client, assertion, base)
    result = verify_ob3(credential, fetcher=fetcher, recipient_emails=[EARNER])
    assert result.valid, result.checks
    assert result.messages == ()  # the key is confirmed by the issuer, nothing to warn about
    assert credential["id"] == assertion.public_url
    assert credential["issuer"]["id"] == credentials.issuer_id(assertion.badge_class.issuer)
    assert credential["credentialSubject"]["narrative"] == "Built it."
    assert credential["evidence"] == [{"type": ["Evidence"], "id": "https://univ.example/evidence"}]

    token = served_jwt(client, assertion, base)
    result = verify_ob3(token, fetcher=fetcher, recipient_emails=[EARNER])
    assert result.valid, result.checks
    assert vc_jwt.decode(token).credential["id"] == assertion.public_url


def test_same_credential_at_its_json_url_and_ob2_stays_the_default(award, client):
    assertion = award(EARNER)
    response = client.get(path_of(assertion.credential_url, "http://testserver"))
    assert response.status_code == 200
    assert response.json()["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    for accept in ("*/*", "application/ld+json", "application/json"):
        document = client.get(path_of(assertion.public_url, "http://testserver"), HTTP_ACCEPT=accept).json()
        assert document["type"] == "Assertion", accept
    preferred = client.get(
        path_of(assertion.public_url, "http://testserver"),
        HTTP_ACCEPT="application/ld+json;q=0.5, application/vc+ld+json",
    )
    assert preferred.json()["type"][1] == "OpenBadgeCredential"


@pytest.mark.parametrize("kind", ["png", "svg"])
def test_baked_credential_images(kind, award, badge_class, svg_badge_class, client):
    assertion = award(EARNER, badge_class=svg_badge_class if kind == "svg" else badge_class)
    response = client.get(path_of(assertion.credential_baked_url, "http://testserver"))
    assert response.status_code == 200
    read = read_svg_payload if kind == "svg" else read_png_payload
    payload = read(response.content)
    assert payload.is_ob3_credential
    baked = json.loads(payload.text)
    assert baked["id"] == assertion.public_url
    assert verify_ob3(baked, fetcher=ClientFetcher("http://testserver", client)).valid
    other = "png" if kind == "svg" else "svg"
    wrong_kind = reverse(f"public:assertion_credential_{other}", args=[assertion.public_id])
    assert client.get(wrong_kind).status_code == 404


def test_revoked_credential_stays_served_and_its_status_says_revoked(base, award, owner, client):
    assertion = award(EARNER)
    issuer = assertion.badge_class.issuer
    services.assertion_revoke(assertion=assertion, reason="Plagiarism", actor=owner)
    fetcher = ClientFetcher(base, client)

    status_list = client.get(reverse("public:issuer_credential_status", args=[issuer.public_id])).json()
    assert status_list["type"] == "1EdTechRevocationList"
    assert status_list["revokedCredential"] == [
        {"id": assertion.public_url, "revocationReason": "Plagiarism"}
    ]

    for credential in (served_credential(client, assertion, base), served_jwt(client, assertion, base)):
        result = verify_ob3(credential, fetcher=fetcher)
        assert not result.valid
        assert checks(result) == {
            "structure": True,
            "signature": True,
            "not_revoked": False,
            "not_expired": True,
            "image": True,
        }
        assert result.badge.revocation_reason == "Plagiarism"


def test_key_urls_serve_a_multikey_and_a_jwk_controlled_by_the_issuer(award, client):
    assertion = award(EARNER)
    issuer = assertion.badge_class.issuer
    credentials.open_badge_credential(assertion)
    credentials.open_badge_credential_jwt(assertion)
    ed25519 = issuer_signing_key(issuer, SigningKey.Algorithm.ED25519)
    rsa = issuer_signing_key(issuer, SigningKey.Algorithm.RSA)

    multikey = client.get(path_of(ed25519.public_url, "http://testserver")).json()
    assert multikey == {
        "@context": "https://w3id.org/security/multikey/v1",
        "id": ed25519.public_url,
        "type": "Multikey",
        "controller": issuer.public_url,
        "publicKeyMultibase": multikey["publicKeyMultibase"],
    }
    assert multikey["publicKeyMultibase"].startswith("z6Mk")
    rsa_document = client.get(path_of(rsa.public_url, "http://testserver")).json()
    assert rsa_document["type"] == "CryptographicKey"  # what signed OB 2.0 assertions name
    assert rsa_document["owner"] == rsa_document["controller"] == issuer.public_url
    assert rsa_document["publicKeyJwk"]["kty"] == "RSA"
    assert "d" not in rsa_document["publicKeyJwk"]


def test_did_document_lists_every_key_over_https_only(settings, award, client):
    assertion = award(EARNER)
    issuer = assertion.badge_class.issuer
    url = reverse("public:issuer_did", args=[issuer.public_id])
    assert client.get(url).status_code == 404  # plain HTTP: did:web cannot be resolved, none is published

    settings.BESACE_BASE_URL = HTTPS
    credentials.open_badge_credential(assertion)
    credentials.open_badge_credential_jwt(assertion)
    document = client.get(url).json()
    did = credentials.issuer_did(issuer)
    assert document["id"] == did
    assert document["alsoKnownAs"] == [issuer.public_url]
    assert {m["type"] for m in document["verificationMethod"]} == {"Multikey", "JsonWebKey"}
    assert all(m["controller"] == did for m in document["verificationMethod"])
    assert document["assertionMethod"] == [m["id"] for m in document["verificationMethod"]]


def test_rotation_signs_with_new_keys_and_what_old_keys_signed_still_verifies(base, award, owner, client):
    assertion = award(EARNER)
    issuer = assertion.badge_class.issuer
    fetcher = ClientFetcher(base, client)
    old_credential = served_credential(client, assertion, base)
    old_jwt = served_jwt(client, assertion, base)
    old_jws = signed_assertion_jws(assertion)
    old_rsa = issuer_signing_key(issuer)

    new_keys = issuer_keys_rotate(issuer=issuer, actor=owner)

    assert {key.algorithm for key in new_keys} == {"rsa", "ed25519"}
    new_credential = served_credential(client, assertion, base)
    new_method = credentials.verification_method_id(issuer_signing_key(issuer, SigningKey.Algorithm.ED25519))
    assert new_credential["proof"][0]["verificationMethod"] == new_method
    assert (
        new_credential["proof"][0]["verificationMethod"] != old_credential["proof"][0]["verificationMethod"]
    )
    assert (
        vc_jwt.decode(served_jwt(client, assertion, base)).header["kid"]
        != vc_jwt.decode(old_jwt).header["kid"]
    )
    for credential in (old_credential, old_jwt, new_credential, served_jwt(client, assertion, base)):
        result = verify_ob3(credential, fetcher=fetcher, recipient_emails=[EARNER])
        assert result.valid, result.checks
    # OB 2.0: the old JWS still verifies with the old key, which the issuer profile still lists.
    assert verify_compact_jws(old_jws, old_rsa.public_key_pem)["id"] == assertion.signed_id
    profile = client.get(path_of(issuer.public_url, base), HTTP_ACCEPT="application/ld+json").json()
    assert profile["publicKey"] == [issuer_signing_key(issuer).public_url, old_rsa.public_url]
    assert [e.action for e in audit_entries_for(issuer)].count("issuer.key.rotated") == 1


def test_only_an_owner_rotates_keys(login, issuer, owner, editor, outsider, client):
    url = reverse("issuing:issuer_keys_rotate", args=[issuer.public_id])
    login(editor)
    assert client.post(url).status_code == 403
    login(outsider)
    assert client.post(url).status_code == 404
    assert not issuer.signing_keys.exists()
    login(owner)
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 302
    assert sorted(issuer.signing_keys.values_list("algorithm", flat=True)) == ["ed25519", "rsa"]
    entry = audit_entries_for(issuer).get(action="issuer.key.rotated")
    assert entry.actor == owner
    page = client.get(reverse("issuing:issuer", args=[issuer.public_id])).content.decode()
    assert "Make new keys" in page and "Ed25519" in page


def test_download_links_for_the_open_badges_3_forms(award, client):
    assertion = award(EARNER)
    page = client.get(
        path_of(assertion.public_url, "http://testserver"), HTTP_ACCEPT="text/html"
    ).content.decode()
    for url in (assertion.credential_url, assertion.credential_jwt_url, assertion.credential_baked_url):
        assert f'href="{url}"' in page
