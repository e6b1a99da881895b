"""The shape an OB 3.0 AchievementCredential must have, checked in code.

1EdTech publishes its JSON Schema only on its web site and in its GitHub repositories; no package in a
public registry ships it, and Besace ships nothing it cannot trace to one. So the schema's essential
rules are written here instead: required fields, their types, and the ``type`` of every typed object
1EdTech's validator checks (an unknown type there is fatal for it, so it is here). Like 1EdTech's
validator, and unlike the schema's copy, a single ``proof`` object or a lone string ``type`` is accepted.
"""

from collections.abc import Mapping
from typing import Any

from .. import jsonld_contexts
from .dates import parse_datetime, valid_from, valid_until
from .values import as_list

VC1_CONTEXT = jsonld_contexts.VC1_CONTEXT
VC2_CONTEXT = jsonld_contexts.VC2_CONTEXT
BADGE_TYPES = frozenset({"OpenBadgeCredential", "AchievementCredential"})
# OB 3.0 contexts: the published versions and the pre-release ones still found in 2022 credentials.
OB3_CONTEXT_PREFIXES = ("https://purl.imsglobal.org/spec/ob/v3p0/context",)
OB3_BETA_CONTEXTS = frozenset(
    {
        "https://imsglobal.github.io/openbadges-specification/ob_v3p0.html",
        "https://imsglobal.github.io/openbadges-specification/context.json",
        "https://w3c-ccg.github.io/vc-ed/plugfest-1-2022/jff-vc-edu-plugfest-1-context.json",
    }
)

# Typed objects 1EdTech's validator checks, by the property holding them (a list or a single object).
_PROFILE_PARTS = {"otherIdentifier": "IdentifierEntry", "parentOrg": "Profile"}
_SUBJECT_PARTS = {"identifier": "IdentityObject", "result": "Result", "source": "Profile"}
_ACHIEVEMENT_PARTS = {
    "alignment": "Alignment",
    "resultDescription": "ResultDescription",
    "otherIdentifier": "IdentifierEntry",
    "creator": "Profile",
    "related": "Related",
}
_NESTED_PARTS = {
    "Profile": _PROFILE_PARTS,
    "Result": {"alignment": "Alignment"},
    "ResultDescription": {"alignment": "Alignment", "rubricCriterionLevel": "RubricCriterionLevel"},
}


def types_of(value: object) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def is_ob3_context(url: object) -> bool:
    return isinstance(url, str) and (url.startswith(OB3_CONTEXT_PREFIXES) or url in OB3_BETA_CONTEXTS)


def structure_problems(credential: object) -> list[str]:
    """Everything wrong with the credential's shape; an empty list when it is a well-formed badge."""
    problems = envelope_problems(credential)
    return problems or schema_problems(credential)  # type: ignore[arg-type]


def envelope_problems(credential: object) -> list[str]:
    """Problems that make the input no OB 3.0 credential at all: nothing else is worth checking."""
    if not isinstance(credential, Mapping):
        return ["the credential is not a JSON object"]
    problems = _context_problems(credential.get("@context"))
    types = types_of(credential.get("type"))
    if "VerifiableCredential" not in types:
        problems.append("type does not include VerifiableCredential")
    if not BADGE_TYPES.intersection(t for t in types if isinstance(t, str)):
        problems.append(f"type {types!r:.120} is neither OpenBadgeCredential nor AchievementCredential")
    return problems


def schema_problems(credential: Mapping[str, Any]) -> list[str]:
    """Departures from the AchievementCredential schema; the proof and dates can still be checked."""
    problems: list[str] = []
    if "id" in credential and not isinstance(credential["id"], str):
        problems.append("id is not a string")
    problems += _issuer_problems(credential.get("issuer"))
    problems += _date_problems(credential)
    problems += _subject_problems(credential.get("credentialSubject"))
    for index, evidence in enumerate(as_list(credential.get("evidence"))):
        problems += _typed(evidence, "Evidence", f"evidence[{index}]")
    for index, proof in enumerate(as_list(credential.get("proof"))):
        if not isinstance(proof, Mapping) or not isinstance(proof.get("type"), str):
            problems.append(f"proof[{index}] has no type")
    for index, status in enumerate(as_list(credential.get("credentialStatus"))):
        if not isinstance(status, Mapping) or not isinstance(status.get("type"), str):
            problems.append(f"credentialStatus[{index}] has no type")
    return problems


def _context_problems(context: object) -> list[str]:
    contexts = as_list(context)
    if not contexts:
        return ["@context is missing"]
    if contexts[0] not in (VC1_CONTEXT, VC2_CONTEXT):
        return [f"@context must start with {VC2_CONTEXT} (or {VC1_CONTEXT}), not {contexts[0]!r:.100}"]
    if not any(is_ob3_context(c) for c in contexts):
        return ["@context does not include an Open Badges 3.0 context"]
    return [
        f"@context entry {c!r:.100} is neither a URL nor an object" for c in contexts if not _is_context(c)
    ]


def _issuer_problems(issuer: object) -> list[str]:
    if isinstance(issuer, str):
        return [] if issuer else ["issuer is empty"]
    if not isinstance(issuer, Mapping):
        return ["issuer is missing (a URI or a Profile)"]
    problems = _typed(issuer, "Profile", "issuer")
    if not isinstance(issuer.get("id"), str):
        problems.append("issuer has no id")
    return problems + _parts_problems(issuer, _PROFILE_PARTS, "issuer")


def _date_problems(credential: Mapping[str, Any]) -> list[str]:
    problems = []
    start, end = valid_from(credential), valid_until(credential)
    if start is None:
        is_vc2 = as_list(credential.get("@context"))[:1] == [VC2_CONTEXT]
        problems.append("validFrom is missing" if is_vc2 else "issuanceDate is missing")
    if start is not None and parse_datetime(start) is None:
        problems.append(f"validFrom / issuanceDate {start!r:.60} is not a date-time with a time zone")
    if end is not None and parse_datetime(end) is None:
        problems.append(f"validUntil / expirationDate {end!r:.60} is not a date-time with a time zone")
    return problems


def _subject_problems(subject: object) -> list[str]:
    if not isinstance(subject, Mapping):
        return ["credentialSubject is missing or not a single object"]
    problems = _typed(subject, "AchievementSubject", "credentialSubject")
    for index, identity in enumerate(as_list(subject.get("identifier"))):
        where = f"credentialSubject.identifier[{index}]"
        if isinstance(identity, Mapping):
            if not isinstance(identity.get("identityHash"), str):
                problems.append(f"{where} has no identityHash")
            if not isinstance(identity.get("hashed"), bool):
                problems.append(f"{where}.hashed is not a boolean")
    problems += _parts_problems(subject, _SUBJECT_PARTS, "credentialSubject")
    achievement = subject.get("achievement")
    if not isinstance(achievement, Mapping):
        return problems + ["credentialSubject.achievement is missing"]
    problems += _typed(achievement, "Achievement", "achievement")
    if not isinstance(achievement.get("name"), str):
        problems.append("achievement has no name")
    for key in ("description", "id"):
        if key in achievement and not isinstance(achievement[key], str):
            problems.append(f"achievement.{key} is not a string")
    if "criteria" in achievement and not isinstance(achievement["criteria"], Mapping | str):
        problems.append("achievement.criteria is not an object")
    return problems + _parts_problems(achievement, _ACHIEVEMENT_PARTS, "achievement")


def _parts_problems(node: Mapping[str, Any], parts: Mapping[str, str], where: str) -> list[str]:
    """Types of the typed objects ``node`` holds, and of theirs in turn."""
    problems: list[str] = []
    for key, expected in parts.items():
        values = node.get(key)
        for index, item in enumerate(as_list(values)):
            path = f"{where}.{key}[{index}]" if isinstance(values, list) else f"{where}.{key}"
            if isinstance(item, str) and key in ("resultDescription", "creator", "source", "parentOrg"):
                continue  # a reference (URI) to an object defined elsewhere
            found = _typed(item, expected, path)
            problems += found
            if not found and expected in _NESTED_PARTS:
                problems += _parts_problems(item, _NESTED_PARTS[expected], path)  # type: ignore[arg-type]
    image = node.get("image")
    if isinstance(image, Mapping) and "type" in image and "Image" not in types_of(image["type"]):
        problems.append(f"{where}.image has type {image['type']!r:.60}, not Image")
    return problems


def _typed(node: object, expected: str, where: str) -> list[str]:
    if not isinstance(node, Mapping):
        return [f"{where} is not an object"]
    types = types_of(node.get("type"))
    if expected not in types:
        return [f"{where} has type {types!r:.80}, not {expected}"]
    return []


def _is_context(value: object) -> bool:
    return isinstance(value, str | Mapping)
