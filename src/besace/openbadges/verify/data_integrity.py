"""Data Integrity proofs on JSON-LD credentials: eddsa-rdfc-2022, eddsa-jcs-2022, Ed25519Signature2020,
and ecdsa-sd-2023 (derived proofs only).

The first three sign ``sha256(canonical proof options) || sha256(canonical document)`` with Ed25519;
they differ in the canonicalisation (RDF Dataset Canonicalization, URDNA2015 = RDFC-1.0, or JSON
Canonicalization, RFC 8785). ecdsa-sd-2023 (selective disclosure, P-256) signs the same canonical proof
options and the RDFC-1.0 N-Quads of the document, statement by statement: see ``ecdsa_sd``.

JSON-LD contexts come only from ``load_context`` (by default the files shipped in
``besace.openbadges.contexts``): nothing is fetched, so no third party can change what a signed
credential means.
"""

import hashlib
from collections.abc import Callable, Mapping
from typing import Any

import base58
import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pyld import jsonld
from pyld.context_resolver import ContextResolver

from .. import jsonld_contexts
from ..errors import OpenBadgesError, UnknownContextError
from . import ecdsa_sd
from .values import as_list

ContextLoader = Callable[[str], dict[str, Any]]

RDFC_SUITES = frozenset({"eddsa-rdfc-2022", "eddsa-2022"})  # eddsa-2022: its pre-2023 name
JCS_SUITES = frozenset({"eddsa-jcs-2022"})
ECDSA_SD_SUITES = frozenset({ecdsa_sd.SUITE})
LEGACY_TYPES = frozenset({"Ed25519Signature2020"})


class ProofError(OpenBadgesError):
    """The proof is malformed or does not verify (the message says which)."""


class ContextError(OpenBadgesError):
    """The credential needs a JSON-LD context Besace does not ship (or its JSON-LD is invalid)."""


def is_supported(proof: Mapping[str, Any]) -> bool:
    kind, suite = proof.get("type"), proof.get("cryptosuite")
    if kind == "DataIntegrityProof":
        return isinstance(suite, str) and suite in RDFC_SUITES | JCS_SUITES | ECDSA_SD_SUITES
    return isinstance(kind, str) and kind in LEGACY_TYPES


def signed_bytes(document: Mapping[str, Any], proof: Mapping[str, Any], load_context: ContextLoader) -> bytes:
    """What the issuer signed: the two SHA-256 hashes, proof options first."""
    unsecured, options = _unsecured_and_options(document, proof)
    if proof.get("type") == "DataIntegrityProof" and proof.get("cryptosuite") == "eddsa-jcs-2022":
        canonical_options, canonical_document = jcs(options), jcs(unsecured)
    else:
        canonical_options = rdfc(options, load_context).encode("utf-8")
        canonical_document = rdfc(unsecured, load_context).encode("utf-8")
    return hashlib.sha256(canonical_options).digest() + hashlib.sha256(canonical_document).digest()


def _unsecured_and_options(
    document: Mapping[str, Any], proof: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The document without its proof, and the proof options (no proofValue) with the document's @context."""
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    options = {k: v for k, v in proof.items() if k != "proofValue"}
    if "@context" in options:
        # The proof's own context must be a prefix of the document's (VC DI EdDSA, verify step 4).
        proof_context = as_list(options["@context"])
        if as_list(unsecured.get("@context"))[: len(proof_context)] != proof_context:
            raise ProofError("the proof's @context does not start the document's @context")
        unsecured["@context"] = options["@context"]
    options["@context"] = unsecured.get("@context")
    return unsecured, options


def verify_proof(
    document: Mapping[str, Any],
    proof: Mapping[str, Any],
    public_key: Any,
    load_context: ContextLoader = jsonld_contexts.load_context,
) -> None:
    """Raise ProofError unless ``proof`` is a valid signature of ``document`` by ``public_key``.

    ``public_key`` is a pyca/cryptography public key: Ed25519 for the EdDSA suites, P-256 for
    ecdsa-sd-2023.
    """
    if not is_supported(proof):
        raise ProofError(
            f"unsupported proof type {proof.get('type')!r:.60} / {proof.get('cryptosuite')!r:.60}"
        )
    if proof.get("proofPurpose") != "assertionMethod":
        raise ProofError("the proof's purpose is not assertionMethod")
    if proof.get("type") == "DataIntegrityProof" and proof.get("cryptosuite") in ECDSA_SD_SUITES:
        _verify_ecdsa_sd(document, proof, public_key, load_context)
        return
    if not isinstance(public_key, Ed25519PublicKey):
        raise ProofError("the verification method is not an Ed25519 key")
    signature = decode_proof_value(proof.get("proofValue"))
    message = signed_bytes(document, proof, load_context)
    try:
        public_key.verify(signature, message)
    except InvalidSignature as error:
        raise ProofError("the signature does not match the credential (altered, or another key)") from error


def _verify_ecdsa_sd(
    document: Mapping[str, Any], proof: Mapping[str, Any], public_key: Any, load_context: ContextLoader
) -> None:
    unsecured, options = _unsecured_and_options(document, proof)
    proof_hash = hashlib.sha256(rdfc(options, load_context).encode("utf-8")).digest()
    nquads = rdfc(unsecured, load_context)
    try:
        ecdsa_sd.verify_derived_proof(proof.get("proofValue"), public_key, proof_hash, nquads)
    except ecdsa_sd.SelectiveDisclosureError as error:
        raise ProofError(str(error)) from error


def decode_proof_value(value: object) -> bytes:
    """A base58btc multibase (``z...``) Ed25519 signature."""
    if not isinstance(value, str) or not value.startswith("z"):
        raise ProofError("the proofValue is not base58btc multibase (z...)")
    try:
        signature = base58.b58decode(value[1:])
    except ValueError as error:
        raise ProofError("the proofValue is not valid base58") from error
    if len(signature) != 64:
        raise ProofError(f"the proofValue holds {len(signature)} bytes, an Ed25519 signature has 64")
    return signature


def jcs(value: Any) -> bytes:
    try:
        return rfc8785.dumps(value)
    except (rfc8785.CanonicalizationError, ValueError, TypeError, RecursionError) as error:
        raise ProofError(f"the credential cannot be JSON-canonicalised: {error}") from error


def rdfc(document: Mapping[str, Any], load_context: ContextLoader) -> str:
    """RDF Dataset Canonicalization (URDNA2015, i.e. RDFC-1.0) of a JSON-LD document, as N-Quads."""
    missing: list[str] = []

    def loader(url: str, options: object = None) -> dict[str, Any]:
        try:
            document = load_context(url)
        except UnknownContextError:
            missing.append(url)
            raise
        return {
            "contentType": "application/ld+json",
            "contextUrl": None,
            "documentUrl": url,
            "document": document,
        }

    options = {
        "algorithm": "URDNA2015",
        "format": "application/n-quads",
        "documentLoader": loader,
        # A resolver of our own: pyld's default one caches contexts process-wide, keyed by URL only,
        # so a context resolved through another loader could otherwise answer for ours.
        "contextResolver": ContextResolver({}, loader),
    }
    try:
        result = jsonld.normalize(dict(document), options)
    except jsonld.JsonLdError as error:
        if missing:
            message = f"no JSON-LD context is shipped for {missing[0]} (contexts are never fetched)"
            raise ContextError(message) from None
        raise ContextError(f"invalid JSON-LD: {jsonld_error_message(error)}") from error
    except (RecursionError, ValueError, TypeError, KeyError, AttributeError) as error:
        # pyld raises plain Python errors on some malformed inputs (e.g. non-string @id).
        raise ContextError(f"invalid JSON-LD: {type(error).__name__}") from error
    if not isinstance(result, str):
        raise ContextError("JSON-LD canonicalisation produced no N-Quads")
    return result


def jsonld_error_message(error: BaseException) -> str:
    """The innermost pyld error's first line: what went wrong, without pyld's wrapping."""
    while error.__cause__ is not None and isinstance(error.__cause__, jsonld.JsonLdError):
        error = error.__cause__
    return str(getattr(error, "message", error)).splitlines()[0][:200]
