"""Dates of Verifiable Credentials: VC 2.0 validFrom / validUntil, VC 1.1 issuanceDate / expirationDate."""

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any


def parse_datetime(value: object) -> datetime | None:
    """An XML Schema dateTime with its time zone, or None (a date without zone is ambiguous: refused)."""
    if not isinstance(value, str) or len(value) > 64:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def valid_from(credential: Mapping[str, Any]) -> object:
    return credential.get("validFrom", credential.get("issuanceDate"))


def valid_until(credential: Mapping[str, Any]) -> object:
    return credential.get("validUntil", credential.get("expirationDate"))


def validity_problem(credential: Mapping[str, Any], now: datetime) -> str | None:
    """Why ``credential`` is not valid at ``now`` (not yet valid, expired, unreadable date), or None."""
    start, end = valid_from(credential), valid_until(credential)
    start_at, end_at = parse_datetime(start), parse_datetime(end)
    if start is not None and start_at is None:
        return f"unreadable validFrom / issuanceDate {start!r:.60}"
    if end is not None and end_at is None:
        return f"unreadable validUntil / expirationDate {end!r:.60}"
    if start_at is not None and start_at > now:
        return f"not valid before {start_at.isoformat()}"
    if end_at is not None and end_at <= now:
        return f"expired on {end_at.isoformat()}"
    return None


def utc_now() -> datetime:
    return datetime.now(UTC)
