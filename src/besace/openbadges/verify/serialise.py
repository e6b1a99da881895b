"""NormalisedBadge to and from plain JSON, to store it (a database JSON field) and to answer APIs."""

import dataclasses
from datetime import datetime
from typing import Any

from .model import (
    AchievementInfo,
    Alignment,
    Check,
    Evidence,
    IssuerInfo,
    NormalisedBadge,
    RecipientInfo,
    VerificationResult,
)


def badge_to_json(badge: NormalisedBadge) -> dict[str, Any]:
    data = dataclasses.asdict(badge)
    for name in ("issued_on", "expires"):
        moment = data[name]
        data[name] = moment.isoformat() if moment else None
    return data


def badge_from_json(data: dict[str, Any]) -> NormalisedBadge:
    achievement = dict(data["achievement"])
    achievement["alignments"] = tuple(Alignment(**a) for a in achievement.get("alignments", ()))
    achievement["tags"] = tuple(achievement.get("tags", ()))
    return NormalisedBadge(
        **{
            **data,
            "issuer": IssuerInfo(**data["issuer"]),
            "achievement": AchievementInfo(**achievement),
            "recipient": RecipientInfo(**data["recipient"]),
            "issued_on": _datetime(data.get("issued_on")),
            "expires": _datetime(data.get("expires")),
            "evidence": tuple(Evidence(**e) for e in data.get("evidence", ())),
            "endorsements": tuple(data.get("endorsements", ())),
        }
    )


def checks_to_json(checks: tuple[Check, ...]) -> list[dict[str, Any]]:
    return [dataclasses.asdict(check) for check in checks]


def result_to_json(result: VerificationResult) -> dict[str, Any]:
    """The shape of Besace's verify API: valid, version, checks, badge, messages."""
    return {
        "valid": result.valid,
        "version": result.version,
        "checks": checks_to_json(result.checks),
        "badge": badge_to_json(result.badge) if result.badge else None,
        "messages": list(result.messages),
    }


def _datetime(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
