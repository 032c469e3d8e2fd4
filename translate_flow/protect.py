"""Protected text: names, do-not-translate terms, URLs, e-mail addresses and numbers.

Before a sentence goes to the model each protected span is replaced by a placeholder the
model's SentencePiece vocabulary keeps intact; afterwards each placeholder is replaced by
the glossary's rendering for the target language (or the original text). A placeholder
the model dropped is put back where its words went, by alignment.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .alignment import Item

__all__ = ["PATTERNS", "Protected", "Span", "find_spans", "protect"]


@dataclass(frozen=True)
class Span:
    """A protected stretch of source text and what it becomes in the target."""

    start: int
    end: int
    kind: str  # "url", "email", "name", "dnt", "number"
    rendering: str


# Patterns that need no glossary, in order of precedence.
PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("url", re.compile(r"\b(?:https?://|www\.)[^\s<>\"']*[^\s<>\"'.,;:!?)\]]")),
    ("email", re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}\b")),
    ("number", re.compile(r"(?<![\w.,])\d+(?:[.,\u00a0\u202f]\d+)*(?:%)?(?![\w])")),
)


@dataclass(frozen=True)
class Protected:
    """Text for the model, with placeholders, and what each placeholder stands for."""

    text: str
    items: tuple[Item, ...]  # one point per placeholder, covering it in `text`
    placeholders: dict[str, str]  # item key -> placeholder string in `text`
    renderings: dict[str, str]  # item key -> text for the target
    shift: Callable[[int], int]  # a position in the original text -> in `text`


def find_spans(text: str, terms: Sequence[tuple[str, str]], barriers: Sequence[int] = ()) -> list[Span]:
    """Protected spans of *text*, not overlapping, none crossing a *barrier* (a tag edge).

    *terms* are (source, rendering) pairs from the glossary, matched as whole words.
    """
    taken: list[Span] = []

    def free(start: int, end: int) -> bool:
        if any(start < b < end for b in barriers):
            return False
        return all(end <= s.start or start >= s.end for s in taken)

    for kind, pattern in PATTERNS[:2]:
        for match in pattern.finditer(text):
            if free(match.start(), match.end()):
                taken.append(Span(match.start(), match.end(), kind, match.group(0)))
    for source, rendering in terms:
        for match in re.finditer(rf"(?<!\w){re.escape(source)}(?!\w)", text):
            if free(match.start(), match.end()):
                kind = "dnt" if rendering == source else "name"
                taken.append(Span(match.start(), match.end(), kind, rendering))
    kind, pattern = PATTERNS[2]
    for match in pattern.finditer(text):
        if free(match.start(), match.end()):
            taken.append(Span(match.start(), match.end(), kind, match.group(0)))
    return sorted(taken, key=lambda s: s.start)


def protect(text: str, spans: Sequence[Span], placeholder: Callable[[int], str]) -> Protected:
    """Replace each span of *text* by ``placeholder(n)``."""
    parts: list[str] = []
    items: list[Item] = []
    placeholders: dict[str, str] = {}
    renderings: dict[str, str] = {}
    changes: list[tuple[int, int]] = []  # (original end, growth so far)
    position = 0
    growth = 0
    for number, span in enumerate(spans, 1):
        parts.append(text[position : span.start])
        mark = placeholder(number)
        start = span.start + growth
        parts.append(mark)
        key = f"@{number}"
        items.append(Item(key, "void", start, start + len(mark)))
        placeholders[key] = mark
        renderings[key] = span.rendering
        growth += len(mark) - (span.end - span.start)
        changes.append((span.end, growth))
        position = span.end
    parts.append(text[position:])

    def shift(offset: int) -> int:
        moved = 0
        for end, total in changes:
            if offset >= end:
                moved = total
        return offset + moved

    return Protected("".join(parts), tuple(items), placeholders, renderings, shift)
