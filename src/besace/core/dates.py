from datetime import datetime


def parse_iso_datetime(value: str | None) -> datetime | None:
    """An ISO 8601 string (as dates are stored in JSON) as a datetime; None when absent or unreadable."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None
