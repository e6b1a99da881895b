"""Checking that a text rendered in French has nothing left in English."""

import html
import re

# A sentence this long left unchanged in the French rendering is English nobody translated; shorter ones
# may be names ("Université Test"), codes or words French shares ("Python", "Besace").
_MIN_WORDS = 4


def _plain(text: str) -> str:
    # Each tag becomes a space: "<p>Hello,</p><p>Scan...</p>" holds two sentences.
    return " ".join(html.unescape(re.sub(r"<[^>]*>", " ", text)).split())


def english_left(*, french: str, english: str, typed: tuple[str, ...] = ()) -> list[str]:
    """The sentences of `english` (the same text rendered in English) found unchanged in `french`, except
    addresses, URLs and the `typed` texts (what people wrote: a badge's description, a comment...)."""
    french = _plain(french)
    typed_texts = {_plain(text) for text in typed}
    sentences = re.split(r"(?<=[.!?:,;“”«»()])\s+|\s+(?=[“”«»()])", _plain(english))
    return [
        sentence
        for sentence in sentences
        if sentence in french
        and sentence not in typed_texts
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
