"""Shared by the OB 3.0 verifier tests: fixture paths, a URL map for them, and a test signer."""

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import base58
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from besace.openbadges import jsonld_contexts
from besace.openbadges.errors import UnknownContextError
from besace.openbadges.verify.data_integrity import signed_bytes
from besace.openbadges.verify.mapped_fetcher import MappedFetcher

from ..samples import SHARED_FIXTURES

# Fixed, so that "not yet expired" fixtures (validUntil 2030, 2056...) keep their verdict.
NOW = datetime(2026, 6, 1, tzinfo=UTC)

DCPV_OB30 = SHARED_FIXTURES / "digital-credentials-public-validator/inspector-vc/src/test/resources/ob30"
VC_TEST_FIXTURES = SHARED_FIXTURES / "vc-test-fixtures"
VC_DI_EDDSA = SHARED_FIXTURES / "vc-di-eddsa/TestVectors"
OB3_IMPL = SHARED_FIXTURES / "openbadges-specification/ob_v3p0/impl"

# The one context the W3C test vectors use that Besace does not ship (no registry package publishes
# it, and no badge uses it). It is one line: everything undefined maps into the examples vocabulary.
EXAMPLES_CONTEXT = "https://www.w3.org/ns/credentials/examples/v2"
EXAMPLES_CONTEXT_DOCUMENT = {"@context": {"@vocab": "https://www.w3.org/ns/credentials/examples#"}}


def load_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def fixture_fetcher() -> MappedFetcher:
    """The fixtures' remote documents (DID documents, status lists) at the URLs their credentials use.

    vc-test-fixtures' revocation list is published under two URLs (its own GitHub Pages and the
    verifier-core repository it was copied from); both map to the same file, which has that name.
    """
    return MappedFetcher(
        prefixes={
            "https://digitalcredentials.github.io/vc-test-fixtures/": VC_TEST_FIXTURES,
            "https://raw.githubusercontent.com/digitalcredentials/verifier-core/refs/heads/main/src/"
            "test-fixtures/status/": VC_TEST_FIXTURES / "statusLists/didkey-ed25519Signature2020",
            "https://raw.githubusercontent.com/1EdTech/digital-credentials-public-validator/refs/heads/"
            "main/inspector-vc/src/test/resources/ob30/bit-string-list/": DCPV_OB30 / "bit-string-list",
        }
    )


def load_context_with_examples(url: str) -> dict[str, Any]:
    """Shipped contexts, plus the W3C examples context the test vectors need (tests only)."""
    if url == EXAMPLES_CONTEXT:
        return EXAMPLES_CONTEXT_DOCUMENT
    return jsonld_contexts.load_context(url)


def is_shipped(url: str) -> bool:
    try:
        jsonld_contexts.load_context(url)
    except UnknownContextError:
        return False
    return True


def unshipped_contexts(document: dict[str, Any]) -> list[str]:
    contexts = document.get("@context", [])
    return [
        c
        for c in (contexts if isinstance(contexts, list) else [contexts])
        if isinstance(c, str) and not is_shipped(c)
    ]


# --- credentials signed by the tests themselves ------------------------------------------------------


def did_key(private_key: Ed25519PrivateKey) -> str:
    raw = private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return "did:key:z" + base58.b58encode(b"\xed\x01" + raw).decode()


def sign(
    credential: dict[str, Any],
    private_key: Ed25519PrivateKey,
    verification_method: str,
    cryptosuite: str = "eddsa-rdfc-2022",
) -> dict[str, Any]:
    proof = {
        "type": "DataIntegrityProof",
        "cryptosuite": cryptosuite,
        "created": "2026-01-01T00:00:00Z",
        "verificationMethod": verification_method,
        "proofPurpose": "assertionMethod",
    }
    message = signed_bytes(credential, proof, jsonld_contexts.load_context)
    proof["proofValue"] = "z" + base58.b58encode(private_key.sign(message)).decode()
    return {**credential, "proof": [proof]}


def badge(issuer_id: str, **extra: Any) -> dict[str, Any]:
    """A minimal OB 3.0 credential as Besace would issue it."""
    return {
        "@context": [jsonld_contexts.VC2_CONTEXT, jsonld_contexts.OB3_CONTEXT],
        "id": "urn:uuid:2f1d3a52-8c55-4f7e-9d1b-0c1e3b7d5a10",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer_id, "type": ["Profile"], "name": "Besace Test Issuer"},
        "validFrom": "2026-01-01T00:00:00Z",
        "name": "Test badge",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": "sha256$ecf5409f3f4b91ab60cc5ef4c02aef7032354375e70cf4d8e43f6a1d29891942",
                    "identityType": "emailAddress",
                    "hashed": True,
                    "salt": "deadsea",
                }
            ],
            "achievement": {
                "id": "https://issuer.example/achievements/1",
                "type": ["Achievement"],
                "name": "Tested",
                "description": "Passed the tests.",
                "criteria": {"narrative": "Pass the tests."},
                "image": {"id": "https://issuer.example/achievements/1.png", "type": "Image"},
            },
        },
        **extra,
    }
