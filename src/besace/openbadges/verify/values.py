"""Reading JSON-LD values, which may be absent, a single value, or a list of them."""

from typing import Any


def as_list(value: object) -> list[Any]:
    """``value`` as a new list: [] when absent, [value] when single."""
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]
