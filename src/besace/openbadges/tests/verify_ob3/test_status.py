"""Credential status: bitstring status lists (fixtures and built here) and 1EdTech revocation lists."""

import base64
import gzip
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from besace.openbadges import jsonld_contexts
from besace.openbadges.verify.mapped_fetcher import MappedFetcher
from besace.openbadges.verify.ob3 import status_list_verifier
from besace.openbadges.verify.status import check_status

from .helpers import (
    DCPV_OB30,
    NOW,
    VC_TEST_FIXTURES,
    did_key,
    fixture_fetcher,
    load_json,
    sign,
)

LIST_URL = "https://issuer.example/status/1"


def _status(path):
    """With the shipped contexts only, as in production."""
    credential = load_json(path)
    fetcher = fixture_fetcher()
    return check_status(
        credential,
        fetcher=fetcher,
        now=NOW,
        verify_list=status_list_verifier(fetcher, jsonld_contexts.load_context),
    )


def test_dcpv_bitstring_list_has_index_23_set(shared_fixtures):
    outcome = _status(DCPV_OB30 / "bit-string-list/credential-status-revoked.json")
    assert not outcome.passed and "revoked" in outcome.message


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("legacy-expiredStatus-noExpiry.json", "expired on 2021"),
        ("legacy-notYetValidStatus-noExpiry.json", "not valid before 3000"),
        ("legacy-tamperedStatus-noExpiry.json", "signature does not match"),
        ("legacy-missingTypeStatus-noExpiry.json", "not BitstringStatusListCredential"),
    ],
)
def test_vc_test_fixtures_untrustworthy_status_lists(shared_fixtures, name, problem):
    outcome = _status(VC_TEST_FIXTURES / "verifiableCredentials/v2/ed25519/didKey" / name)
    assert not outcome.passed
    assert "cannot be trusted" in outcome.message and problem in outcome.message


@pytest.mark.parametrize(
    ("name", "revoked"),
    [
        # Its status list is signed with Ed25519Signature2020: it needs the shipped ed25519-2020 context.
        ("v2/dataIntegrityProof/didKey/oidf-revokedStatus-noExpiry.json", True),
        # A VC 1.1 credential whose entry's terms come from the shipped bitstring status context.
        ("v1/ed25519/didWeb/legacy-revokedStatus-noExpiry.json", True),
        ("v1/ed25519/didWeb/legacy-validStatus-noExpiry.json", False),
    ],
)
def test_vc_test_fixtures_status_lists_verify_with_the_shipped_contexts(shared_fixtures, name, revoked):
    outcome = _status(VC_TEST_FIXTURES / "verifiableCredentials" / name)
    assert outcome.passed is not revoked, outcome.message
    if revoked:
        assert "revoked" in outcome.message and "cannot be trusted" not in outcome.message


STATUS_CONTEXT = "https://www.w3.org/ns/credentials/status/v1"


def _signed_list(
    private_key,
    bits: bytes,
    *,
    purpose="revocation",
    encoded=None,
    context=(jsonld_contexts.VC2_CONTEXT,),
    **extra,
):
    issuer = did_key(private_key)
    encoded = encoded or "u" + base64.urlsafe_b64encode(gzip.compress(bits)).decode().rstrip("=")
    status_list = {
        "@context": list(context),
        "id": LIST_URL,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {
            "id": LIST_URL + "#list",
            "type": "BitstringStatusList",
            "statusPurpose": purpose,
            "encodedList": encoded,
        },
        **extra,
    }
    signed = sign(status_list, private_key, f"{issuer}#{issuer.removeprefix('did:key:')}")
    return json.dumps(signed).encode()


def _check(list_body: bytes, index: int | str, purpose="revocation"):
    credential = {
        "id": "urn:uuid:1",
        "credentialStatus": {
            "type": "BitstringStatusListEntry",
            "statusPurpose": purpose,
            "statusListIndex": index,
            "statusListCredential": LIST_URL,
        },
    }
    fetcher = MappedFetcher({LIST_URL: list_body})
    return check_status(credential, fetcher=fetcher, now=NOW, verify_list=status_list_verifier(fetcher))


def test_bit_order_is_most_significant_first():
    key = Ed25519PrivateKey.generate()
    body = _signed_list(key, bytes([0b0100_0000]) + bytes(16383))
    assert _check(body, 1).passed is False
    assert _check(body, "0").passed is True
    assert _check(body, 2).passed is True


@pytest.mark.parametrize(
    "context",
    [
        # VC 1.1 list: the status terms come from the bitstring status list context alone.
        (jsonld_contexts.VC1_CONTEXT, STATUS_CONTEXT),
        # VC 2.0 list naming the status context too: both are @protected, and agree on every term.
        (jsonld_contexts.VC2_CONTEXT, STATUS_CONTEXT),
    ],
)
def test_lists_using_the_shipped_status_context_verify(context):
    key = Ed25519PrivateKey.generate()
    extra = {"issuanceDate": "2026-01-01T00:00:00Z"} if context[0] == jsonld_contexts.VC1_CONTEXT else {}
    body = _signed_list(key, bytes([0x80]) + bytes(16383), context=context, **extra)
    assert "revoked" in _check(body, 0).message
    assert _check(body, 1).passed is True


def test_suspension_and_purpose_mismatch():
    key = Ed25519PrivateKey.generate()
    suspended = _signed_list(key, bytes([0x80]) + bytes(16383), purpose="suspension")
    assert "suspended" in _check(suspended, 0, purpose="suspension").message
    assert "statusPurpose" in _check(suspended, 0, purpose="revocation").message


@pytest.mark.parametrize("index", [-1, "x", "²", True, 10**9, None])
def test_bad_indexes_fail_without_raising(index):
    body = _signed_list(Ed25519PrivateKey.generate(), bytes(16))
    assert _check(body, index).passed is False


@pytest.mark.parametrize(
    "encoded", ["u!!!", "uAAAA", "H4sI", "u" + base64.urlsafe_b64encode(b"not gzip").decode()]
)
def test_undecodable_lists_fail(encoded):
    body = _signed_list(Ed25519PrivateKey.generate(), b"", encoded=encoded)
    outcome = _check(body, 0)
    assert not outcome.passed and "bitstring" in outcome.message


def test_a_list_bomb_is_refused():
    bomb = "u" + base64.urlsafe_b64encode(gzip.compress(bytes(64 * 1024 * 1024))).decode().rstrip("=")
    outcome = _check(_signed_list(Ed25519PrivateKey.generate(), b"", encoded=bomb), 0)
    assert not outcome.passed


def test_an_unsigned_or_forged_list_is_not_believed():
    key = Ed25519PrivateKey.generate()
    signed = json.loads(_signed_list(key, bytes(16384)))
    unsigned = {k: v for k, v in signed.items() if k != "proof"}
    assert "no proof" in _check(json.dumps(unsigned).encode(), 0).message
    # Another key signs a list claiming the first issuer.
    forged = json.loads(_signed_list(Ed25519PrivateKey.generate(), bytes(16384)))
    forged["issuer"] = signed["issuer"]
    assert not _check(json.dumps(forged).encode(), 0).passed


def test_unreachable_list_is_not_taken_as_not_revoked():
    credential = {
        "credentialStatus": {
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": "3",
            "statusListCredential": LIST_URL,
        }
    }
    fetcher = MappedFetcher({LIST_URL: (404, "text/html", b"gone")})
    outcome = check_status(credential, fetcher=fetcher, now=NOW, verify_list=status_list_verifier(fetcher))
    assert not outcome.passed and "could not be checked" in outcome.message


def test_1edtech_revocation_list():
    url = "https://issuer.example/revocations"
    entry = {"id": url, "type": "1EdTechRevocationList"}
    revoked = {"revokedCredential": [{"id": "urn:uuid:1", "revocationReason": "Issued in error"}, "junk"]}
    fetcher = MappedFetcher({url: json.dumps(revoked).encode()})
    outcome = check_status(
        {"id": "urn:uuid:1", "credentialStatus": entry},
        fetcher=fetcher,
        now=NOW,
        verify_list=status_list_verifier(fetcher),
    )
    assert not outcome.passed and outcome.revocation_reason == "Issued in error"
    outcome = check_status(
        {"id": "urn:uuid:2", "credentialStatus": entry},
        fetcher=fetcher,
        now=NOW,
        verify_list=status_list_verifier(fetcher),
    )
    assert outcome.passed


def test_unknown_status_types_are_warned_about_not_failed():
    outcome = check_status(
        {"credentialStatus": {"type": "VelocityRevocationListJan2021", "id": "ethereum:0x1"}},
        fetcher=MappedFetcher(),
        now=NOW,
        verify_list=status_list_verifier(MappedFetcher()),
    )
    assert outcome.passed and "VelocityRevocationListJan2021" in outcome.warnings[0]


def test_no_status_is_none():
    assert check_status({}, fetcher=MappedFetcher(), now=NOW, verify_list=lambda _: None) is None
