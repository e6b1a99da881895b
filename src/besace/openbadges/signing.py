"""Signed Open Badges 2.0 assertions: RS256 compact JWS over the assertion (jwcrypto does the crypto)."""

import json
import re
from typing import Any

from jwcrypto import jwk, jws
from jwcrypto.common import JWException

from .errors import OpenBadgesError

ALGORITHM = "RS256"
RSA_KEY_BITS = 2048
# RFC 7515 §7.1: three base64url parts, unpadded. jwcrypto alone also takes the JSON serialisations.
COMPACT_JWS = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")


def generate_private_key_pem() -> str:
    key = jwk.JWK.generate(kty="RSA", size=RSA_KEY_BITS)
    return key.export_to_pem(private_key=True, password=None).decode()


def public_key_pem(private_key_pem: str) -> str:
    return load_pem_key(private_key_pem).export_to_pem(private_key=False).decode()


def sign_compact_jws(payload: dict[str, Any], private_key: jwk.JWK) -> str:
    """``payload`` signed with RS256 by ``private_key`` (from ``load_pem_key``)."""
    token = jws.JWS(json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode())
    token.add_signature(private_key, alg=ALGORITHM, protected=json.dumps({"alg": ALGORITHM}))
    return token.serialize(compact=True)


def verify_compact_jws(token: str, public_key_pem: str) -> dict[str, Any]:
    """The payload of a JWS signed by this key with RS256; OpenBadgesError for anything else."""
    if not isinstance(token, str) or not COMPACT_JWS.fullmatch(token.strip()):
        raise OpenBadgesError("not a compact JWS")
    try:
        parsed = jws.JWS()
        parsed.deserialize(token.strip())
        parsed.verify(load_pem_key(public_key_pem), alg=ALGORITHM)
        payload = json.loads(parsed.payload)
    except (JWException, ValueError, TypeError) as error:
        raise OpenBadgesError(f"the signature does not verify: {error}") from error
    if not isinstance(payload, dict):
        raise OpenBadgesError("the signed payload is not a JSON object")
    return payload


def is_compact_jws(text: str) -> bool:
    """Three unpadded base64url parts (RFC 7515 §7.1); nothing about their content is checked."""
    return COMPACT_JWS.fullmatch(text) is not None


def load_pem_key(pem: str) -> jwk.JWK:
    """A PEM key, private or public, as a JWK. Loading an RSA private key validates it, which costs
    about as much as a hundred signatures: a signer loads its key once and keeps it."""
    try:
        return jwk.JWK.from_pem(pem.encode())
    except (ValueError, TypeError) as error:
        raise OpenBadgesError(f"not a usable PEM key: {error}") from error
