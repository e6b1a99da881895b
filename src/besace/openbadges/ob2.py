"""Open Badges 2.0 documents built from plain values.

Each function returns a JSON-serialisable dict ready to be served as
``application/ld+json``; optional properties are left out rather than set to null.
"""

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from .errors import OpenBadgesError
from .jsonld_contexts import OB2_CONTEXT

Document = dict[str, Any]

_ALIGNMENT_FIELDS = ("targetName", "targetUrl", "targetDescription", "targetFramework", "targetCode")
_REQUIRED_ALIGNMENT_FIELDS = ("targetName", "targetUrl")


def issuer_profile(
    *,
    id: str,
    name: str,
    url: str,
    email: str,
    description: str | None = None,
    image: str | Mapping[str, Any] | None = None,
    revocation_list: str | None = None,
    public_key: str | Sequence[str] | None = None,
    allowed_origins: Sequence[str] | None = None,
) -> Document:
    """An Issuer Profile.

    ``allowed_origins`` lets hosted assertions live on another origin than the
    issuer's ``id``; ``public_key`` is the IRI of the CryptographicKey signing its assertions (or a
    list of them, when earlier keys must stay listed).
    """
    profile: Document = {
        "@context": OB2_CONTEXT,
        "id": id,
        "type": "Issuer",
        "name": name,
        "url": url,
        "email": email,
    }
    set_if_given(
        profile, description=description, image=image, revocationList=revocation_list, publicKey=public_key
    )
    if allowed_origins:
        profile["verification"] = {"allowedOrigins": list(allowed_origins)}
    return profile


def badge_class(
    *,
    id: str,
    name: str,
    description: str,
    image: str | Mapping[str, Any],
    issuer: str | Mapping[str, Any],
    criteria_url: str | None = None,
    criteria_narrative: str | None = None,
    alignments: Iterable[Mapping[str, str | None]] = (),
    tags: Iterable[str] = (),
) -> Document:
    """A BadgeClass; criteria is an IRI, a narrative, or both."""
    if criteria_url and criteria_narrative:
        criteria: str | Document = {"id": criteria_url, "narrative": criteria_narrative}
    elif criteria_url:
        criteria = criteria_url
    elif criteria_narrative:
        criteria = {"narrative": criteria_narrative}
    else:
        raise OpenBadgesError("a BadgeClass needs criteria: a URL, a narrative or both")
    badge: Document = {
        "@context": OB2_CONTEXT,
        "id": id,
        "type": "BadgeClass",
        "name": name,
        "description": description,
        "image": image,
        "criteria": criteria,
        "issuer": issuer,
    }
    alignment = [alignment_node(fields) for fields in alignments]
    if alignment:
        badge["alignment"] = alignment
    tag_list = list(tags)
    if tag_list:
        badge["tags"] = tag_list
    return badge


def assertion(
    *,
    id: str,
    badge: str | Mapping[str, Any],
    recipient_identity_hash: str,
    salt: str,
    issued_on: datetime,
    expires: datetime | None = None,
    image: str | None = None,
    narrative: str | None = None,
    evidence: Iterable[Mapping[str, Any]] = (),
    revoked: bool = False,
    revocation_reason: str | None = None,
    signing_key: str | None = None,
) -> Document:
    """An Assertion for a hashed e-mail recipient: hosted, or signed by the key ``signing_key``."""
    document: Document = {
        "@context": OB2_CONTEXT,
        "id": id,
        "type": "Assertion",
        "recipient": {
            "type": "email",
            "hashed": True,
            "salt": salt,
            "identity": recipient_identity_hash,
        },
        "badge": badge,
        "verification": {"type": "signed", "creator": signing_key} if signing_key else {"type": "hosted"},
        "issuedOn": format_datetime(issued_on),
    }
    set_if_given(
        document,
        expires=format_datetime(expires) if expires else None,
        image=image,
        narrative=narrative,
    )
    evidence_list = [dict(item) for item in evidence]
    if evidence_list:
        document["evidence"] = evidence_list
    if revoked:
        document["revoked"] = True
        set_if_given(document, revocationReason=revocation_reason)
    return document


def cryptographic_key(*, id: str, owner: str, public_key_pem: str) -> Document:
    """The public key an issuer signs with, published at ``id`` and listed on the issuer's profile."""
    return {
        "@context": OB2_CONTEXT,
        "id": id,
        "type": "CryptographicKey",
        "owner": owner,
        "publicKeyPem": public_key_pem,
    }


def revocation_list(*, id: str, issuer: str, revoked: Iterable[tuple[str, str | None]]) -> Document:
    """A RevocationList naming revoked assertions and, when known, why."""
    revoked_assertions = []
    for assertion_id, reason in revoked:
        entry = {"id": assertion_id}
        set_if_given(entry, revocationReason=reason)
        revoked_assertions.append(entry)
    return {
        "@context": OB2_CONTEXT,
        "id": id,
        "type": "RevocationList",
        "issuer": issuer,
        "revokedAssertions": revoked_assertions,
    }


def format_datetime(moment: datetime) -> str:
    """ISO 8601 with an explicit offset, to the second, e.g. ``2026-11-24T10:00:00+00:00``."""
    if moment.utcoffset() is None:
        raise OpenBadgesError(f"Open Badges dates need a time zone, got naive {moment!r}")
    return moment.isoformat(timespec="seconds")


def alignment_node(fields: Mapping[str, str | None]) -> Document:
    unknown = set(fields) - set(_ALIGNMENT_FIELDS)
    if unknown:
        raise OpenBadgesError(f"unknown alignment fields: {sorted(unknown)}")
    alignment = {name: fields[name] for name in _ALIGNMENT_FIELDS if fields.get(name)}
    missing = [name for name in _REQUIRED_ALIGNMENT_FIELDS if name not in alignment]
    if missing:
        raise OpenBadgesError(f"an alignment needs {' and '.join(missing)}")
    return alignment


def set_if_given(document: dict[str, Any], **values: object) -> None:
    document.update((name, value) for name, value in values.items() if value)
