"""Open Badges 3.0 documents built from plain values: Profile, Achievement, OpenBadgeCredential and the
1EdTech revocation list that gives their status.

Like ``ob2``, each function returns a JSON-serialisable dict and leaves optional properties out rather
than setting them to null. Securing a credential (proof, VC-JWT) is ``ob3_signing``'s job.
"""

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlsplit

from .errors import OpenBadgesError
from .jsonld_contexts import OB3_CONTEXT, VC2_CONTEXT
from .ob2 import alignment_node, format_datetime, set_if_given

Document = dict[str, Any]

OB3_EXTENSIONS_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"

# The extensions context defines 1EdTechRevocationList and 1EdTechJsonSchemaValidator2019, which the first
# two leave undefined: without it, strict JSON-LD processors (Digital Bazaar's "safe mode") refuse the
# proof. 1EdTech's own full OB 3.0 example lists it third, like this.
CREDENTIAL_CONTEXT = (VC2_CONTEXT, OB3_CONTEXT, OB3_EXTENSIONS_CONTEXT)
CREDENTIAL_TYPES = ("VerifiableCredential", "OpenBadgeCredential")
# Where 1EdTech publishes the schema an AchievementCredential / OpenBadgeCredential must meet.
ACHIEVEMENT_CREDENTIAL_SCHEMA = (
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
)
SCHEMA_VALIDATOR_TYPE = "1EdTechJsonSchemaValidator2019"
REVOCATION_LIST_TYPE = "1EdTechRevocationList"
MULTIKEY_CONTEXT = "https://w3id.org/security/multikey/v1"
JWK_CONTEXT = "https://w3id.org/security/jwk/v1"


def image(url: str) -> Document:
    return {"id": url, "type": "Image"}


def profile(
    *,
    id: str,
    name: str,
    url: str | None = None,
    email: str | None = None,
    description: str | None = None,
    image_url: str | None = None,
) -> Document:
    """An issuer Profile, embedded in the credentials it issues."""
    document: Document = {"id": id, "type": ["Profile"], "name": name}
    set_if_given(document, url=url, email=email, description=description)
    if image_url:
        document["image"] = image(image_url)
    return document


def achievement(
    *,
    id: str,
    name: str,
    description: str,
    criteria_url: str | None = None,
    criteria_narrative: str | None = None,
    image_url: str | None = None,
    alignments: Iterable[Mapping[str, str | None]] = (),
    tags: Iterable[str] = (),
) -> Document:
    """What the badge is awarded for; ``alignments`` take the OB 2.0 fields (targetName, targetUrl...)."""
    if not (criteria_url or criteria_narrative):
        raise OpenBadgesError("an Achievement needs criteria: a URL, a narrative or both")
    criteria: Document = {}
    set_if_given(criteria, id=criteria_url, narrative=criteria_narrative)
    document: Document = {
        "id": id,
        "type": ["Achievement"],
        "name": name,
        "description": description,
        "criteria": criteria,
    }
    if image_url:
        document["image"] = image(image_url)
    alignment = [{"type": ["Alignment"], **alignment_node(fields)} for fields in alignments]
    if alignment:
        document["alignment"] = alignment
    tag_list = list(tags)
    if tag_list:
        document["tag"] = tag_list
    return document


def open_badge_credential(
    *,
    id: str,
    issuer: Mapping[str, Any],
    achievement: Mapping[str, Any],
    valid_from: datetime,
    recipient_identity_hash: str,
    salt: str,
    valid_until: datetime | None = None,
    narrative: str | None = None,
    evidence: Iterable[Mapping[str, str]] = (),
    status_list_url: str | None = None,
) -> Document:
    """An unsigned OpenBadgeCredential awarding ``achievement`` to a hashed e-mail address.

    ``recipient_identity_hash`` is an ``openbadges.hashing.hash_identity`` value (``sha256$...``) of
    the address salted with ``salt``; ``evidence`` items hold ``id`` (a URL) and/or ``narrative``;
    ``status_list_url`` is the issuer's 1EdTech revocation list.
    """
    subject: Document = {
        "type": ["AchievementSubject"],
        "identifier": [
            {
                "type": "IdentityObject",
                "identityHash": recipient_identity_hash,
                "identityType": "emailAddress",
                "hashed": True,
                "salt": salt,
            }
        ],
        "achievement": dict(achievement),
    }
    set_if_given(subject, narrative=narrative)
    document: Document = {
        "@context": list(CREDENTIAL_CONTEXT),
        "id": id,
        "type": list(CREDENTIAL_TYPES),
        "name": achievement["name"],
        "issuer": dict(issuer),
        "validFrom": format_datetime(valid_from),
    }
    if valid_until:
        document["validUntil"] = format_datetime(valid_until)
    document["credentialSubject"] = subject
    evidence_list = [{"type": ["Evidence"], **item} for item in evidence]
    if evidence_list:
        document["evidence"] = evidence_list
    if status_list_url:
        document["credentialStatus"] = {"id": status_list_url, "type": REVOCATION_LIST_TYPE}
    document["credentialSchema"] = [{"id": ACHIEVEMENT_CREDENTIAL_SCHEMA, "type": SCHEMA_VALIDATOR_TYPE}]
    return document


def revocation_list(*, id: str, issuer: str, revoked: Iterable[tuple[str, str | None]]) -> Document:
    """A 1EdTech revocation list: the ids of the issuer's revoked credentials and, when known, why."""
    revoked_credentials = []
    for credential_id, reason in revoked:
        entry = {"id": credential_id}
        set_if_given(entry, revocationReason=reason)
        revoked_credentials.append(entry)
    return {
        "id": id,
        "type": REVOCATION_LIST_TYPE,
        "issuer": issuer,
        "revokedCredential": revoked_credentials,
    }


def did_web(document_url: str) -> str:
    """The did:web DID whose DID document is at ``document_url`` (``https://host[:port]/path/did.json``).

    The inverse of ``verify.did.did_web_url``: a port is percent-encoded (did:web:host%3A8443:path).
    """
    parts = urlsplit(document_url)
    path = parts.path.removesuffix("/did.json")
    if parts.scheme != "https" or not parts.netloc or path == parts.path or parts.query or parts.fragment:
        raise OpenBadgesError(f"a did:web document must be at https://host/.../did.json, not {document_url}")
    segments = [quote(parts.netloc, safe="")] + [quote(s, safe="") for s in path.strip("/").split("/") if s]
    if segments[1:] == [".well-known"]:
        segments = segments[:1]
    return "did:web:" + ":".join(segments)


def did_document(*, did: str, also_known_as: str | None, methods: Iterable[Mapping[str, Any]]) -> Document:
    """A DID document listing ``methods`` (verification method objects, each with its ``id``) as the
    DID's verification and assertion methods."""
    method_list = [dict(method) for method in methods]
    document: Document = {
        "@context": ["https://www.w3.org/ns/did/v1", MULTIKEY_CONTEXT, JWK_CONTEXT],
        "id": did,
    }
    if also_known_as:
        document["alsoKnownAs"] = [also_known_as]
    document["verificationMethod"] = method_list
    document["assertionMethod"] = [method["id"] for method in method_list]
    return document
