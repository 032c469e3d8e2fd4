"""Pseudo-localization: visibly changed text with every tag kept, for testing without a model.

Letters get accents, text grows by about 30 % (translations into most languages are
longer than English) and each segment is bracketed, so clipped, untranslated or
concatenated strings stand out in a built page, as localization teams use it.
"""

from __future__ import annotations

import math

from .markup import TAG_RE, escape_text, unescape_text

__all__ = ["pseudolocalize"]

_ACCENTS = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "àƀçđéƒĝĥíĵķĺɱñóþǫŕšţúṽŵẋýžÀƁÇĐÉƑĜĤÍĴĶĹṀÑÓÞǪŔŠŢÚṼŴẊÝŽ",
)
_PADDING = "~"
EXPANSION = 0.3


def pseudolocalize(msgid: str) -> str:
    """Return a pseudo-translation of *msgid*: accented, 30 % longer, bracketed, tags intact."""
    parts: list[str] = []
    letters = 0
    position = 0
    for match in TAG_RE.finditer(msgid):
        text = unescape_text(msgid[position : match.start()])
        letters += sum(ch.isalpha() for ch in text)
        parts.append(escape_text(text.translate(_ACCENTS)))
        parts.append(match.group(0))
        position = match.end()
    text = unescape_text(msgid[position:])
    letters += sum(ch.isalpha() for ch in text)
    parts.append(escape_text(text.translate(_ACCENTS)))
    padding = _PADDING * math.ceil(letters * EXPANSION)
    return f"[{''.join(parts)} {padding}]" if padding else f"[{''.join(parts)}]"
