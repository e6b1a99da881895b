"""An OB 3.0 credential (already checked by ob3_structure) as Besace's version-independent badge."""

from collections.abc import Mapping
from typing import Any

from .dates import parse_datetime, valid_from, valid_until
from .model import AchievementInfo, Alignment, Evidence, IssuerInfo, NormalisedBadge, RecipientInfo
from .values import as_list


def normalise(credential: Mapping[str, Any], *, verification_type: str, original: str) -> NormalisedBadge:
    # Tolerant of what ob3_structure reported: a badge with schema problems is still shown as it claims.
    subject = _mapping(credential.get("credentialSubject"))
    return NormalisedBadge(
        version="3.0",
        id=_text(credential.get("id")),
        issuer=_issuer(credential.get("issuer")),
        achievement=_achievement(_mapping(subject.get("achievement"))),
        recipient=recipient(subject),
        issued_on=parse_datetime(valid_from(credential)),
        expires=parse_datetime(valid_until(credential)),
        narrative=_text(subject.get("narrative")),
        evidence=tuple(_evidence(e) for e in as_list(credential.get("evidence")) if isinstance(e, Mapping)),
        endorsements=tuple(dict(e) for e in as_list(credential.get("endorsement")) if isinstance(e, Mapping)),
        verification_type=verification_type,
        original=original,
    )


def email_identities(subject: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The subject's IdentityObjects that name an e-mail address (hashed or not)."""
    return [
        identity
        for identity in as_list(subject.get("identifier"))
        if isinstance(identity, Mapping)
        and identity.get("identityType") == "emailAddress"
        and isinstance(identity.get("identityHash"), str)
    ]


def recipient(subject: Mapping[str, Any]) -> RecipientInfo:
    emails = email_identities(subject)
    if emails:
        identity = emails[0]
        salt = identity.get("salt")
        return RecipientInfo(
            identity=identity["identityHash"],
            type="email",
            hashed=identity.get("hashed") is True,
            salt=salt if isinstance(salt, str) else None,
        )
    if isinstance(subject.get("id"), str):
        return RecipientInfo(identity=subject["id"], type="id")
    for identity in as_list(subject.get("identifier")):
        if isinstance(identity, Mapping) and isinstance(identity.get("identityHash"), str):
            return RecipientInfo(
                identity=identity["identityHash"],
                type=str(identity.get("identityType", "")),
                hashed=identity.get("hashed") is True,
                salt=_text(identity.get("salt")),
            )
    return RecipientInfo(identity="", type="unknown")


def image_url(value: object) -> str | None:
    """An OB 3.0 image: a URI string or an Image object with an id."""
    if isinstance(value, str):
        return value or None
    if isinstance(value, Mapping) and isinstance(value.get("id"), str):
        return value["id"] or None
    return None


def _issuer(issuer: object) -> IssuerInfo:
    if isinstance(issuer, str):
        return IssuerInfo(id=issuer, name="")
    if not isinstance(issuer, Mapping):
        return IssuerInfo(id=None, name="")
    return IssuerInfo(
        id=_text(issuer.get("id")),
        name=_text(issuer.get("name")) or "",
        url=_text(issuer.get("url")),
        email=_text(issuer.get("email")),
        description=_text(issuer.get("description")),
        image=image_url(issuer.get("image")),
    )


def _achievement(achievement: Mapping[str, Any]) -> AchievementInfo:
    criteria = achievement.get("criteria")
    criteria = criteria if isinstance(criteria, Mapping) else {"id": criteria}
    return AchievementInfo(
        id=_text(achievement.get("id")),
        name=_text(achievement.get("name")) or "",
        description=_text(achievement.get("description")) or "",
        image=image_url(achievement.get("image")),
        criteria_url=_text(criteria.get("id")),
        criteria_narrative=_text(criteria.get("narrative")),
        alignments=tuple(
            Alignment(
                target_name=str(a["targetName"]),
                target_url=_text(a.get("targetUrl")),
                target_description=_text(a.get("targetDescription")),
                target_framework=_text(a.get("targetFramework")),
                target_code=_text(a.get("targetCode")),
            )
            for a in as_list(achievement.get("alignment"))
            if isinstance(a, Mapping) and isinstance(a.get("targetName"), str)
        ),
        tags=tuple(t for t in as_list(achievement.get("tag")) if isinstance(t, str)),
    )


def _evidence(evidence: Mapping[str, Any]) -> Evidence:
    return Evidence(
        id=_text(evidence.get("id")),
        narrative=_text(evidence.get("narrative")),
        name=_text(evidence.get("name")),
        description=_text(evidence.get("description")),
    )


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None
