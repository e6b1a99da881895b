"""Credential status of OB 3.0 credentials: 1EdTechRevocationList, BitstringStatusList, StatusList2021.

Status lists are fetched through the caller's Fetcher. A bitstring status list is itself a signed
credential: its proof and validity period are checked (through ``verify_list``, given by the caller,
so this module needs no knowledge of proofs) before any bit of it is believed.
"""

import base64
import binascii
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .dates import validity_problem
from .did import RemoteDocumentError, fetch_json
from .model import Fetcher

# 2**27 bits: eight times the largest list the Bitstring Status List spec's examples use; a bigger
# inflated list is refused rather than let a hostile list exhaust memory.
_MAX_LIST_BYTES = 16 * 1024 * 1024

ListVerifier = Callable[[Mapping[str, Any]], str | None]  # an error message, or None when the list is sound


@dataclass(frozen=True)
class StatusOutcome:
    passed: bool
    message: str
    revocation_reason: str | None = None
    warnings: tuple[str, ...] = ()


def check_status(
    credential: Mapping[str, Any], *, fetcher: Fetcher, now: datetime, verify_list: ListVerifier
) -> StatusOutcome | None:
    """The status verdict, or None when the credential declares no status."""
    entries = credential.get("credentialStatus")
    if entries is None:
        return None
    warnings: list[str] = []
    for entry in entries if isinstance(entries, list) else [entries]:
        if not isinstance(entry, Mapping):
            return StatusOutcome(False, "credentialStatus is not an object")
        kind = entry.get("type")
        if kind == "1EdTechRevocationList":
            outcome = _revocation_list(credential, entry, fetcher)
        elif kind in ("BitstringStatusListEntry", "StatusList2021Entry"):
            outcome = _bitstring(entry, fetcher, now, verify_list)
        else:
            # No way to ask an unknown status service: say so rather than fail every such badge.
            warnings.append(f"status of type {kind!r:.60} cannot be checked by Besace")
            continue
        if not outcome.passed:
            return outcome
        warnings.extend(outcome.warnings)
    return StatusOutcome(True, "not revoked", warnings=tuple(warnings))


def _revocation_list(
    credential: Mapping[str, Any], entry: Mapping[str, Any], fetcher: Fetcher
) -> StatusOutcome:
    url = entry.get("id")
    if not isinstance(url, str):
        return StatusOutcome(False, "the 1EdTechRevocationList status has no id (URL)")
    try:
        document = fetch_json(fetcher, url, "revocation list")
    except RemoteDocumentError as error:
        return StatusOutcome(False, f"revocation status could not be checked: {error}")
    revoked = document.get("revokedCredential") if isinstance(document, Mapping) else None
    if not isinstance(revoked, list):
        return StatusOutcome(False, f"the revocation list at {url} has no revokedCredential list")
    for item in revoked:
        if isinstance(item, Mapping) and item.get("id") == credential.get("id"):
            reason = item.get("revocationReason")
            reason = reason if isinstance(reason, str) else None
            return StatusOutcome(False, "revoked by its issuer" + (f": {reason}" if reason else ""), reason)
    return StatusOutcome(True, "not in the issuer's revocation list")


def _bitstring(
    entry: Mapping[str, Any], fetcher: Fetcher, now: datetime, verify_list: ListVerifier
) -> StatusOutcome:
    url, purpose = entry.get("statusListCredential"), entry.get("statusPurpose")
    index = _index(entry.get("statusListIndex"))
    if not isinstance(url, str) or index is None or not isinstance(purpose, str):
        return StatusOutcome(
            False, "the status entry lacks statusListCredential, statusListIndex or statusPurpose"
        )
    if entry.get("statusSize", 1) not in (1, "1"):
        return StatusOutcome(True, "", warnings=(f"multi-bit {purpose} status is not checked",))
    try:
        status_list = fetch_json(fetcher, url, "status list")
    except RemoteDocumentError as error:
        return StatusOutcome(False, f"{purpose} status could not be checked: {error}")
    problem = _list_problem(status_list, entry, now) or verify_list(status_list)
    if problem:
        return StatusOutcome(False, f"the status list at {url} cannot be trusted: {problem}")
    bits = _decode_list(status_list["credentialSubject"].get("encodedList"))
    if bits is None:
        return StatusOutcome(False, f"the status list at {url} is not a gzip-compressed base64url bitstring")
    if index >= len(bits) * 8:
        return StatusOutcome(False, f"status index {index} is beyond the status list at {url}")
    # Bit 0 is the most significant bit of the first byte (Bitstring Status List, "bitstring expansion").
    is_set = bool(bits[index // 8] & (0x80 >> (index % 8)))
    if not is_set:
        return StatusOutcome(True, f"not {purpose}")
    if purpose == "revocation":
        return StatusOutcome(False, "revoked by its issuer (status list)")
    if purpose == "suspension":
        return StatusOutcome(False, "suspended by its issuer (status list)")
    return StatusOutcome(True, "", warnings=(f"status list bit for {purpose!r:.40} is set",))


def _list_problem(status_list: object, entry: Mapping[str, Any], now: datetime) -> str | None:
    if not isinstance(status_list, Mapping) or not isinstance(status_list.get("credentialSubject"), Mapping):
        return "not a status list credential"
    expected = "StatusList2021" if entry.get("type") == "StatusList2021Entry" else "BitstringStatusList"
    types = _types(status_list.get("type"))
    if f"{expected}Credential" not in types:
        return f"its type is not {expected}Credential"
    subject = status_list["credentialSubject"]
    if expected not in _types(subject.get("type")):
        return f"its subject is not a {expected}"
    if subject.get("statusPurpose") != entry.get("statusPurpose") and entry.get(
        "statusPurpose"
    ) not in _types(subject.get("statusPurpose")):
        return "its statusPurpose differs from the credential's"
    return validity_problem(status_list, now)


def _decode_list(encoded: object) -> bytes | None:
    if not isinstance(encoded, str):
        return None
    # Bitstring Status List: multibase "u" + base64url(gzip). StatusList2021: base64url(gzip) alone,
    # which always starts "H4sI" (the gzip magic), so a leading "u" is never ambiguous.
    text = encoded[1:] if encoded.startswith("u") else encoded
    try:
        # validate=True: by default base64 skips foreign characters, and "u!!!" would read as empty.
        compressed = base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
        inflater = zlib.decompressobj(wbits=31)  # gzip framing
        bits = inflater.decompress(compressed, _MAX_LIST_BYTES)
    except (binascii.Error, ValueError, zlib.error):
        return None
    if inflater.unconsumed_tail or not inflater.eof:
        return None  # larger than we accept, or a truncated stream
    return bits


def _index(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 12:
        return int(value)
    return None


def _types(value: object) -> list[Any]:
    return list(value) if isinstance(value, list) else [value]
