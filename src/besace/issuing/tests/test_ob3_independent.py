"""Acceptance: Besace's OB 3.0 credentials verify with an implementation that is not Besace's
(Digital Bazaar's VC libraries and jose, under Node.js: ``besace.testing.vcverifier``), meet 1EdTech's
JSON schema, and verify with Besace's own verifier; altering any signed field fails all of them.

Everything comes through the Django test client: the credential and each document the independent
verifier asks for (DID document, key, status list). BESACE_BASE_URL is https so that issuers have a
did:web DID, which Digital Bazaar's verifier needs to confirm that the issuer owns the key (with a
plain-HTTP Besace issuers are identified by URL; see docs/decisions/005-open-badges-3-credentials.md).
"""

import base64
import copy
import datetime
import json

import jsonschema
import pytest

from besace.issuing.models import Assertion
from besace.issuing.signing import signed_assertion_jws
from besace.openbadges.signing import verify_compact_jws
from besace.openbadges.verify.model import FetchError
from besace.openbadges.verify.ob3 import verify_ob3
from besace.openbadges.verify.verifier import BadgeInput, verify_badge
from besace.testing.client_fetcher import ClientFetcher
from besace.testing.vcverifier import verify_credential

pytestmark = pytest.mark.vcverifier

BASE = "https://testserver"
EARNER = "earner@example.org"
SCHEMA = "obv3-examples/schemas/ob_v3p0_achievementcredential_schema.json"


@pytest.fixture
def fetcher(settings, client) -> ClientFetcher:
    settings.BESACE_BASE_URL = BASE
    return ClientFetcher(BASE, client)


@pytest.fixture
def assertion(fetcher, award) -> Assertion:
    awarded = award(EARNER, narrative="Built it.", evidence_url="https://univ.example/evidence")
    # An expiry, so that validUntil is signed too.
    Assertion.objects.filter(pk=awarded.pk).update(expires=awarded.issued_on + datetime.timedelta(days=365))
    awarded.refresh_from_db()
    return awarded


def fetch_json(fetcher: ClientFetcher):
    def fetch(url: str):
        try:
            answer = fetcher.fetch(url)
        except FetchError:
            return None
        return json.loads(answer.body) if answer.status == 200 else None

    return fetch


def get(fetcher: ClientFetcher, url: str, accept: str) -> bytes:
    answer = fetcher.fetch(url, accept=accept)
    assert answer.status == 200, (url, answer.status)
    return answer.body


def credential_of(fetcher: ClientFetcher, assertion: Assertion) -> dict:
    return json.loads(get(fetcher, assertion.public_url, "application/vc+ld+json"))


def jwt_of(fetcher: ClientFetcher, assertion: Assertion) -> str:
    return get(fetcher, assertion.credential_jwt_url, "application/vc+jwt").decode()


def independent(fetcher: ClientFetcher, credential: dict | str) -> dict:
    return verify_credential(credential, fetch_json(fetcher))


def signature_passes(fetcher: ClientFetcher, credential: dict | str) -> bool:
    result = verify_ob3(credential, fetcher=fetcher, recipient_emails=[EARNER])
    return next(check.passed for check in result.checks if check.name == "signature")


def test_data_integrity_credential_verifies_independently_meets_the_schema_and_verifies(
    fetcher, assertion, shared_fixtures
):
    credential = credential_of(fetcher, assertion)

    verdict = independent(fetcher, credential)
    assert verdict["verified"], verdict["errors"]
    issuer_path = f"{BASE}/public/issuers/{assertion.badge_class.issuer.public_id}"
    assert set(verdict["documents"]) == {f"{issuer_path}/did.json", f"{issuer_path}/credential-status"}

    schema = json.loads((shared_fixtures / SCHEMA).read_text())
    jsonschema.Draft201909Validator(schema, format_checker=jsonschema.FormatChecker()).validate(credential)

    result = verify_ob3(credential, fetcher=fetcher, recipient_emails=[EARNER])
    assert result.valid, result.checks


def test_vc_jwt_verifies_independently_meets_the_schema_and_verifies(fetcher, assertion, shared_fixtures):
    token = jwt_of(fetcher, assertion)

    verdict = independent(fetcher, token)
    assert verdict["verified"], verdict["errors"]

    payload = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))
    schema = json.loads((shared_fixtures / SCHEMA).read_text())
    jsonschema.Draft201909Validator(schema, format_checker=jsonschema.FormatChecker()).validate(payload["vc"])

    result = verify_ob3(token, fetcher=fetcher, recipient_emails=[EARNER])
    assert result.valid, result.checks


def test_a_revoked_credential_fails_independently(fetcher, assertion, owner):
    from besace.issuing.services import assertion_revoke

    assertion_revoke(assertion=assertion, reason="Plagiarism", actor=owner)
    for credential in (credential_of(fetcher, assertion), jwt_of(fetcher, assertion)):
        verdict = independent(fetcher, credential)
        assert not verdict["verified"]
        assert any("revoked" in error for error in verdict["errors"]), verdict["errors"]


def _set(path: tuple, value):
    def change(credential: dict) -> None:
        node = credential
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value

    return change


def _shifted(field: str, days: int):
    def change(credential: dict) -> None:
        moment = datetime.datetime.fromisoformat(credential[field]) + datetime.timedelta(days=days)
        credential[field] = moment.isoformat()

    return change


def _proof_created(credential: dict) -> None:
    credential["proof"][0]["created"] = "2020-01-01T00:00:00Z"


SUBJECT = ("credentialSubject",)
ACHIEVEMENT = (*SUBJECT, "achievement")
TAMPERINGS = {
    "name": _set(("name",), "Another badge"),
    "achievement name": _set((*ACHIEVEMENT, "name"), "Another achievement"),
    "achievement description": _set((*ACHIEVEMENT, "description"), "Something else."),
    "achievement criteria": _set((*ACHIEVEMENT, "criteria", "narrative"), "Nothing at all."),
    "recipient identityHash": _set(
        (*SUBJECT, "identifier", 0, "identityHash"),
        "sha256$ecf5409f3f4b91ab60cc5ef4c02aef7032354375e70cf4d8e43f6a1d29891942",
    ),
    "issuer id": _set(("issuer", "id"), "did:web:attacker.example"),
    # Earlier / later: still within the validity period, so only the signature can tell.
    "validFrom": _shifted("validFrom", -1),
    "validUntil": _shifted("validUntil", 1),
    "credentialSubject": _set((*SUBJECT, "narrative"), "Did something else."),
    "proof created": _proof_created,
}


@pytest.mark.parametrize("field", sorted(TAMPERINGS))
def test_tampering_with_a_signed_field_fails_both_verifiers(fetcher, assertion, field):
    credential = credential_of(fetcher, assertion)
    tampered = copy.deepcopy(credential)
    TAMPERINGS[field](tampered)
    assert tampered != credential

    assert not signature_passes(fetcher, tampered)
    verdict = independent(fetcher, tampered)
    assert not verdict["verified"], field
    assert "Invalid signature." in verdict["errors"], verdict["errors"]
    assert verdict["missing"] == []


def _with_payload_byte_changed(token: str) -> str:
    header, payload, signature = token.split(".")
    text = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    position = text.index(b'"Built it."') + 1  # the narrative: still JSON, another meaning
    changed = text[:position] + b"Q" + text[position + 1 :]
    return ".".join([header, base64.urlsafe_b64encode(changed).rstrip(b"=").decode(), signature])


def test_a_byte_changed_in_the_vc_jwt_payload_fails_both_verifiers(fetcher, assertion):
    tampered = _with_payload_byte_changed(jwt_of(fetcher, assertion))
    assert not signature_passes(fetcher, tampered)
    verdict = independent(fetcher, tampered)
    assert not verdict["verified"]
    assert verdict["errors"] == ["signature verification failed"], verdict["errors"]


def test_a_byte_changed_in_a_signed_ob2_assertion_fails(fetcher, assertion):
    token = signed_assertion_jws(assertion)
    assert verify_badge(BadgeInput(text=token), fetcher=fetcher, recipient_emails=[EARNER]).valid
    tampered = _with_payload_byte_changed(token)
    result = verify_badge(BadgeInput(text=tampered), fetcher=fetcher, recipient_emails=[EARNER])
    assert not result.valid
    key = assertion.badge_class.issuer.signing_keys.get()
    with pytest.raises(Exception, match="does not verify"):
        verify_compact_jws(tampered, key.public_key_pem)


def test_credentials_signed_before_a_key_rotation_still_verify_independently(fetcher, assertion, owner):
    from besace.issuing.signing import issuer_keys_rotate

    before = [credential_of(fetcher, assertion), jwt_of(fetcher, assertion)]
    issuer_keys_rotate(issuer=assertion.badge_class.issuer, actor=owner)
    after = [credential_of(fetcher, assertion), jwt_of(fetcher, assertion)]
    assert before[0]["proof"][0]["verificationMethod"] != after[0]["proof"][0]["verificationMethod"]
    for credential in before + after:
        verdict = independent(fetcher, credential)
        assert verdict["verified"], verdict["errors"]
