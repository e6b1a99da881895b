"""OB 3.0 credentials secured as a compact JWS: VC-JWT (VC Data Model 1.1, credential in the ``vc``
claim) and VC 2.0 JOSE (the credential is the payload).

Only RS256, ES256 and EdDSA are accepted: "none" and HMAC algorithms prove nothing about an issuer.
"""

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from jwcrypto import jwk, jws
from jwcrypto.common import JWException

from .did import KeyResolutionError, ResolvedKey, confirm_key, key_from_jwk, resolve_verification_method
from .jws import read_unverified
from .model import Fetcher, VerificationError

ALLOWED_ALGORITHMS = frozenset({"RS256", "ES256", "EdDSA"})


class JwtSignatureError(KeyResolutionError):
    """The JWS signature is missing its key or does not verify."""


@dataclass(frozen=True)
class DecodedJwt:
    token: str
    header: dict[str, Any]
    claims: dict[str, Any]
    credential: dict[str, Any]  # with the VC 1.1 registered claims folded in


def decode(token: str) -> DecodedJwt:
    """Read (without verifying) a compact JWS carrying a credential; VerificationError if it is none."""
    unverified = read_unverified(token)
    try:
        claims = json.loads(unverified.payload_text)
    except (ValueError, RecursionError) as error:
        raise VerificationError("not a readable JWS (its payload is not JSON)") from error
    header = unverified.header
    if not isinstance(claims, dict):
        raise VerificationError("the JWS payload is not a JSON object")
    if isinstance(claims.get("vc"), dict):
        credential = _fold_claims(claims["vc"], claims)
    elif "@context" in claims:
        credential = dict(claims)  # VC 2.0 JOSE: the payload is the credential
    else:
        raise VerificationError("the JWS carries no credential (no vc claim, no @context)")
    return DecodedJwt(token=token, header=header, claims=claims, credential=credential)


def claim_problems(decoded: DecodedJwt) -> list[str]:
    """Registered claims that contradict the credential they wrap."""
    claims, credential = decoded.claims, decoded.credential
    problems = []
    issuer = credential.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, Mapping) else issuer
    if "iss" in claims and claims["iss"] != issuer_id:
        problems.append(f"the JWT iss {claims['iss']!r:.100} is not the credential's issuer")
    if "jti" in claims and "id" in credential and claims["jti"] != credential["id"]:
        problems.append("the JWT jti is not the credential's id")
    subject = credential.get("credentialSubject")
    subject_id = subject.get("id") if isinstance(subject, Mapping) else None
    if "sub" in claims and subject_id is not None and claims["sub"] != subject_id:
        problems.append("the JWT sub is not the credential subject's id")
    for name in ("nbf", "exp", "iat"):
        if name in claims and _timestamp(claims[name]) is None:
            problems.append(f"the JWT {name} claim is not a NumericDate")
    return problems


def claim_validity_problem(claims: Mapping[str, Any], now: datetime) -> str | None:
    not_before, expires = _timestamp(claims.get("nbf")), _timestamp(claims.get("exp"))
    if not_before is not None and not_before > now:
        return f"not valid before {not_before.isoformat()} (JWT nbf)"
    if expires is not None and expires <= now:
        return f"expired on {expires.isoformat()} (JWT exp)"
    return None


def verify_signature(decoded: DecodedJwt, *, fetcher: Fetcher, issuer_id: str | None) -> ResolvedKey:
    """The key that signed the JWS; JwtSignatureError / KeyResolutionError if it is bad or unknown."""
    algorithm = decoded.header.get("alg")
    if not isinstance(algorithm, str) or algorithm not in ALLOWED_ALGORITHMS:
        raise JwtSignatureError(f"JWS algorithm {algorithm!r:.20} is not accepted (RS256, ES256, EdDSA are)")
    if isinstance(decoded.header.get("kid"), str) and ":" in decoded.header["kid"]:
        key = resolve_verification_method(decoded.header["kid"], fetcher=fetcher)
    elif "jwk" in decoded.header:
        public_key = key_from_jwk(decoded.header["jwk"])
        # A key carried by the token proves only that the token is intact; ask the issuer if it is theirs.
        confirmed = bool(issuer_id) and confirm_key(public_key, str(issuer_id), fetcher=fetcher)
        key = ResolvedKey(public_key, "jwk", issuer_id, confirmed=confirmed)
    else:
        raise JwtSignatureError("the JWS header names no key (neither a resolvable kid nor a jwk)")
    try:
        signature = jws.JWS()
        signature.deserialize(decoded.token)
        signature.verify(jwk.JWK.from_pyca(key.public_key), alg=algorithm)
    except (JWException, ValueError, TypeError) as error:
        raise JwtSignatureError(f"the JWS signature does not verify ({type(error).__name__})") from error
    if json.loads(signature.payload) != decoded.claims:
        # What was verified must be what is read: never interpret bytes the signature did not cover.
        raise JwtSignatureError("the verified payload differs from the one read")
    return key


def _fold_claims(vc: Mapping[str, Any], claims: Mapping[str, Any]) -> dict[str, Any]:
    """VC-JWT 1.1: iss, jti, nbf, exp, sub stand for issuer, id, issuanceDate, expirationDate, subject id."""
    credential = dict(vc)
    if isinstance(claims.get("iss"), str):
        issuer = credential.get("issuer")
        if issuer is None:
            credential["issuer"] = claims["iss"]
        elif isinstance(issuer, Mapping) and "id" not in issuer:
            credential["issuer"] = {**issuer, "id": claims["iss"]}
    if isinstance(claims.get("jti"), str):
        credential.setdefault("id", claims["jti"])
    for claim, field, vc2_field in (
        ("nbf", "issuanceDate", "validFrom"),
        ("exp", "expirationDate", "validUntil"),
    ):
        moment = _timestamp(claims.get(claim))
        if moment is not None and vc2_field not in credential:
            credential.setdefault(field, moment.isoformat().replace("+00:00", "Z"))
    subject = credential.get("credentialSubject")
    if isinstance(claims.get("sub"), str) and isinstance(subject, Mapping) and "id" not in subject:
        credential["credentialSubject"] = {**subject, "id": claims["sub"]}
    return credential


def _timestamp(value: object) -> datetime | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError):
        return None
