"""Securing Open Badges 3.0 credentials: Ed25519 keys as Multikeys, Data Integrity proofs
(``eddsa-rdfc-2022``) and VC-JWT (RS256, the algorithm 1EdTech's validator accepts).

What is signed is computed by the verifier's own code (``verify.data_integrity.signed_bytes``), so
signing and verifying cannot drift apart. The cryptography is pyca/cryptography's and jwcrypto's.
"""

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import base58
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from jwcrypto import jwk, jwt

from . import jsonld_contexts
from .errors import OpenBadgesError
from .ob3 import JWK_CONTEXT, MULTIKEY_CONTEXT
from .signing import ALGORITHM as JWS_ALGORITHM
from .signing import load_pem_key
from .verify.data_integrity import ContextLoader, signed_bytes
from .verify.dates import parse_datetime, valid_from, valid_until
from .verify.did import ED25519_MULTICODEC

CRYPTOSUITE = "eddsa-rdfc-2022"


def generate_ed25519_private_key_pem() -> str:
    key = Ed25519PrivateKey.generate()
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def load_ed25519_private_key(private_key_pem: str) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(private_key_pem.encode(), password=None)
    except (ValueError, TypeError) as error:
        raise OpenBadgesError(f"not a usable PEM key: {error}") from error
    if not isinstance(key, Ed25519PrivateKey):
        raise OpenBadgesError("not an Ed25519 private key")
    return key


def ed25519_public_key_pem(private_key_pem: str) -> str:
    public = load_ed25519_private_key(private_key_pem).public_key()
    return public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def ed25519_multikey(public_key_pem: str) -> str:
    """The ``z6Mk...`` multibase form of an Ed25519 public key (base58btc of multicodec 0xed + key)."""
    key = serialization.load_pem_public_key(public_key_pem.encode())
    if not isinstance(key, Ed25519PublicKey):
        raise OpenBadgesError("not an Ed25519 public key")
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "z" + base58.b58encode(ED25519_MULTICODEC + raw).decode()


def multikey_method(*, id: str, controller: str, public_key_pem: str) -> dict[str, Any]:
    """An Ed25519 verification method (Multikey), as listed in a DID document."""
    return {
        "id": id,
        "type": "Multikey",
        "controller": controller,
        "publicKeyMultibase": ed25519_multikey(public_key_pem),
    }


def json_web_key_method(*, id: str, controller: str, public_key_pem: str) -> dict[str, Any]:
    """An RSA verification method (JsonWebKey), as listed in a DID document."""
    return {
        "id": id,
        "type": "JsonWebKey",
        "controller": controller,
        "publicKeyJwk": public_jwk(public_key_pem),
    }


def standalone(method: Mapping[str, Any]) -> dict[str, Any]:
    """A verification method as a document of its own, served at its id, with the context it needs."""
    context = MULTIKEY_CONTEXT if method.get("type") == "Multikey" else JWK_CONTEXT
    return {"@context": context, **method}


def public_jwk(public_key_pem: str) -> dict[str, Any]:
    """The public JWK of a PEM public key (RSA keys sign VC-JWTs)."""
    return load_pem_key(public_key_pem).export_public(as_dict=True)


def add_data_integrity_proof(
    document: Mapping[str, Any],
    private_key: Ed25519PrivateKey,
    *,
    verification_method: str,
    created: datetime,
    load_context: ContextLoader = jsonld_contexts.load_context,
) -> dict[str, Any]:
    """``document`` with an ``eddsa-rdfc-2022`` DataIntegrityProof added to its ``proof`` array.

    The proof is always an array (the 1EdTech schema requires one); proofs already there are kept,
    each signs the document without them (a proof set).
    """
    options = {
        "type": "DataIntegrityProof",
        "cryptosuite": CRYPTOSUITE,
        "created": created.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "verificationMethod": verification_method,
        "proofPurpose": "assertionMethod",
    }
    message = signed_bytes(document, options, load_context)
    signature = private_key.sign(message)
    proof = {**options, "proofValue": "z" + base58.b58encode(signature).decode()}
    existing = document.get("proof")
    proofs = [] if existing is None else list(existing) if isinstance(existing, list) else [existing]
    return {**document, "proof": [*proofs, proof]}


def sign_vc_jwt(credential: Mapping[str, Any], private_key: jwk.JWK, *, kid: str) -> str:
    """The credential as a VC-JWT signed with RS256 by an RSA key (``signing.load_pem_key``): the
    credential in the ``vc`` claim, and the registered claims that repeat it (iss, jti, nbf, and exp /
    sub when it has them).

    ``kid`` is the URL or DID URL of the public key, which verifiers resolve.
    """
    unsecured = {k: v for k, v in credential.items() if k != "proof"}
    issuer = unsecured.get("issuer")
    claims: dict[str, Any] = {"iss": issuer.get("id") if isinstance(issuer, Mapping) else issuer}
    _set_claim(claims, "jti", unsecured.get("id"))
    start, end = parse_datetime(valid_from(unsecured)), parse_datetime(valid_until(unsecured))
    if start is None:
        raise OpenBadgesError("a credential needs a validFrom date with a time zone")
    claims["nbf"] = int(start.timestamp())
    if end is not None:
        claims["exp"] = int(end.timestamp())
    subject = unsecured.get("credentialSubject")
    _set_claim(claims, "sub", subject.get("id") if isinstance(subject, Mapping) else None)
    claims["vc"] = unsecured
    token = jwt.JWT(header={"alg": JWS_ALGORITHM, "typ": "JWT", "kid": kid}, claims=claims)
    token.make_signed_token(private_key)
    return token.serialize()


def _set_claim(claims: dict[str, Any], name: str, value: object) -> None:
    if isinstance(value, str):
        claims[name] = value
