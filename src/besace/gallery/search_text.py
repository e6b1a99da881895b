"""Text as the gallery index stores and searches it: lower case, without accents, in words."""

import re
import unicodedata

_WORD = re.compile(r"[^\W_]+")


def fold(text: str) -> str:
    """ "Ingénieure" and "INGENIEURE" both become "ingenieure", on PostgreSQL and SQLite alike."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))
