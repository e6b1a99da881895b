"""Compact JWS: reading one without trusting it, and checking an OB 2.0 signed assertion's RS256 signature.

The key must come from the issuer: either ``verification.creator`` names a CryptographicKey that the
issuer's profile lists in ``publicKey`` and that names the issuer as its ``owner``, or, without a creator,
one of the keys the profile lists. The cryptography itself is ``besace.openbadges.signing``'s.
"""

import base64
import json
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import OpenBadgesError
from ..signing import ALGORITHM, is_compact_jws, verify_compact_jws
from .model import FetchError, VerificationError

FetchJson = Callable[[str], dict[str, Any]]


@dataclass(frozen=True)
class UnverifiedJws:
    """A compact JWS split into its parts; nothing about it is checked yet."""

    token: str
    header: dict[str, Any]
    payload_text: str  # left for the caller to parse, with its own limits on untrusted JSON


def read_unverified(token: str) -> UnverifiedJws:
    """The header and payload text of a compact JWS; VerificationError if it is not one."""
    if not is_compact_jws(token):
        raise VerificationError("not a compact JWS")
    header_part, payload_part, _signature = token.split(".")
    try:
        header = json.loads(_decode_part(header_part))
        payload_text = _decode_part(payload_part).decode("utf-8")
    except (ValueError, RecursionError) as error:  # binascii.Error and UnicodeDecodeError are ValueErrors
        raise VerificationError("not a readable JWS (a part is not base64url-encoded UTF-8 JSON)") from error
    if not isinstance(header, dict):
        raise VerificationError("the JWS header is not a JSON object")
    return UnverifiedJws(token, header, payload_text)


def check_ob2_signature(
    signed: UnverifiedJws,
    *,
    creator: object,
    issuer: Mapping[str, Any],
    issuer_ids: Collection[str],
    fetch_json: FetchJson,
) -> tuple[bool, str]:
    """(passed, why): whether a key of the issuer ``issuer`` signed ``signed``.

    ``issuer_ids`` are the addresses the issuer profile is known by (where it was fetched, its declared
    id); a key must name one of them as its owner. ``fetch_json`` fetches key documents.
    """
    if signed.header.get("alg") != ALGORITHM:
        return (
            False,
            f"signed with {signed.header.get('alg')!r:.40}; Open Badges 2.0 signatures use {ALGORITHM}",
        )
    listed = _listed_keys(issuer.get("publicKey"))
    if not listed:
        return False, "the issuer's profile lists no public key (publicKey)"
    if creator is not None:
        if not isinstance(creator, str) or creator not in listed:
            return False, f"signed by the key {creator!r:.120}, which the issuer's profile does not list"
        candidates = [creator]
    else:
        candidates = list(listed)
    failures = []
    for key_id in candidates:
        problem = _signature_problem(signed, key_id, listed[key_id], issuer_ids, fetch_json)
        if problem is None:
            return True, f"signed by the issuer's key {key_id}"
        failures.append(problem)
    return False, "; ".join(failures)


def _listed_keys(public_key: object) -> dict[str, Mapping[str, Any] | None]:
    """The issuer's keys by id: the embedded CryptographicKey, or None when only its address is given."""
    entries = public_key if isinstance(public_key, list) else [public_key]
    listed: dict[str, Mapping[str, Any] | None] = {}
    for entry in entries:
        if isinstance(entry, str):
            listed.setdefault(entry, None)
        elif isinstance(entry, Mapping) and isinstance(entry.get("id"), str):
            listed[entry["id"]] = entry
    return listed


def _signature_problem(
    signed: UnverifiedJws,
    key_id: str,
    embedded: Mapping[str, Any] | None,
    issuer_ids: Collection[str],
    fetch_json: FetchJson,
) -> str | None:
    if embedded is not None:
        key = embedded  # part of the issuer's own profile, so as trustworthy as the profile
    else:
        try:
            key = fetch_json(key_id)
        except FetchError as error:
            return f"could not fetch the key {key_id}: {error}"
    owner = key.get("owner")
    if not isinstance(owner, str) or owner not in issuer_ids:
        return f"the key {key_id} does not name the issuer as its owner"
    pem = key.get("publicKeyPem")
    if not isinstance(pem, str):
        return f"the key {key_id} has no publicKeyPem"
    try:
        verify_compact_jws(signed.token, pem)
    except OpenBadgesError as error:
        return f"the key {key_id} does not verify the signature ({str(error):.120})"
    return None


def _decode_part(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
