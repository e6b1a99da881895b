"""Checking that a text rendered in French has nothing left in English."""

import html
import re

from django.utils.html import strip_tags

# A sentence this long left unchanged in the French rendering is English nobody translated; shorter ones
# may be names ("Université Test"), codes or words French shares ("Python", "Besace").
_MIN_WORDS = 4


def _sentences(text: str) -> list[str]:
    text = html.unescape(strip_tags(text))
    return [part.strip() for part in re.split(r"(?<=[.!?:,;])\s+|\n", text) if part.strip()]


def english_left(*, french: str, english: str) -> list[str]:
    """The sentences of `english` (the same text rendered in English) found unchanged in `french`,
    addresses and URLs aside."""
    french_sentences = set(_sentences(french))
    return [
        sentence
        for sentence in _sentences(english)
        if sentence in french_sentences
        and "://" not in sentence
        and len(re.findall(r"[^\W\d_]{2,}", sentence)) >= _MIN_WORDS
    ]


def email_texts(message) -> list[str]:
    """The subject, the body and every HTML alternative of an e-mail."""
    return [
        message.subject,
        message.body,
        *(content for content, _type in getattr(message, "alternatives", [])),
    ]
