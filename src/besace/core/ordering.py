"""Ordered rows with a `position` field (collection entries, page blocks) moved one step."""

from typing import Protocol, TypeVar


class Positioned(Protocol):
    position: int


Row = TypeVar("Row", bound=Positioned)


def neighbour_swap(rows: list[Row], index: int, *, up: bool) -> list[Row] | None:
    """Swap rows[index] with the row before (up) or after it, renumbering positions 0, 1, 2… on the way.

    Returns the rows whose position changed (to save), or None when the row is already first (or last).
    """
    other = index - 1 if up else index + 1
    if not 0 <= other < len(rows):
        return None
    rows = list(rows)
    rows[index], rows[other] = rows[other], rows[index]
    changed = [row for position, row in enumerate(rows) if row.position != position]
    for position, row in enumerate(rows):
        row.position = position
    return changed
