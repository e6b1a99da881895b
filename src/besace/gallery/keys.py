"""One name for "the same badge" across backpacks: the gallery, following and comments group the badges
earners hold by the badge class (achievement) they are awards of, wherever it was issued."""

import hashlib

from besace.backpack.models import BackpackBadge


def achievement_id(entry: BackpackBadge) -> str:
    """The id of the badge class an entry is an award of (its URL or URN); the issuer and name for the
    few badges whose badge class has no id of its own."""
    badge = entry.normalised or {}
    achievement = badge.get("achievement") or {}
    if achievement.get("id"):
        return achievement["id"]
    issuer = badge.get("issuer") or {}
    issuer_part = issuer.get("id") or issuer.get("name") or entry.issuer_name
    return f"{issuer_part}#{achievement.get('name') or entry.name}"


def badge_class_key(achievement: str) -> str:
    """A short, URL-safe, stable key for a badge class id (used in gallery, follow and comment URLs)."""
    return hashlib.sha256(achievement.encode()).hexdigest()[:24]
