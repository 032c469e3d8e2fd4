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
from typing import Literal

from .alignment import Item
from .textrules import NUMBER, find_links

__all__ = ["Protected", "Span", "SpanKind", "find_spans", "protect"]

SpanKind = Literal["url", "email", "name", "dnt", "number"]


@dataclass(frozen=True)
class Span:
    """A protected stretch of source text and what it becomes in the target."""

    start: int
    end: int
    kind: SpanKind
    rendering: str


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
    Links come first (exactly the links the ``urls`` check compares), then terms, then
    figures.
    """
    taken: list[Span] = []

    def free(start: int, end: int) -> bool:
        if any(start < b < end for b in barriers):
            return False
        return all(end <= s.start or start >= s.end for s in taken)

    for link in find_links(text):
        if free(link.start, link.end):
            taken.append(Span(link.start, link.end, link.kind, link.text))
    for source, rendering in terms:
        kind: SpanKind = "dnt" if rendering == source else "name"
        for match in re.finditer(rf"(?<!\w){re.escape(source)}(?!\w)", text, re.IGNORECASE):
            written = match.group(0)
            if written != source and not _same_name(written, source):
                continue
            if free(match.start(), match.end()):
                shown = rendering.upper() if _in_capitals(written) and not _in_capitals(source) else rendering
                taken.append(Span(match.start(), match.end(), kind, shown))
    for match in NUMBER.finditer(text):
        if free(match.start(), match.end()):
            taken.append(Span(match.start(), match.end(), "number", match.group(0)))
    return sorted(taken, key=lambda s: s.start)


def _in_capitals(text: str) -> bool:
    return any(c.isalpha() for c in text) and text.upper() == text


def _same_name(written: str, source: str) -> bool:
    """Whether *written* is the name *source* in other capitals: a heading's "MASSIMO
    INTROVIGNE" is the name, the glossary checks read it so, never a lowercase "bitter
    winter", never an acronym in other capitals."""
    return source[:1].isupper() and written[:1].isupper() and not _in_capitals(source)


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
