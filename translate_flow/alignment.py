"""Carrying markup and protected text through a model by attention alignment.

Numbered tags are removed before a sentence goes to the model. Afterwards each target
token is aligned to the source token it attends to most, and each tag is placed around
the target words aligned to the source words it covered. Tags always come back, properly
nested; where the alignment gives no clear answer a tag is placed safely (around its
parent's content, or at the end for a point) and reported as unsure.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Container, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from .markup import TAG_RE, escape_text, unescape_text

__all__ = ["Item", "Placement", "Stripped", "align", "place", "render", "strip_tags"]

Kind = Literal["open", "void"]
Span = tuple[int, int]


@dataclass(frozen=True)
class Item:
    """Something of the source sentence to carry over: a paired tag, a point, a placeholder."""

    key: str
    kind: Kind  # "open": covers [start, end); "void": sits at start
    start: int
    end: int


@dataclass(frozen=True)
class Stripped:
    """A msgid without its tags: the text for the model and where the tags were."""

    text: str
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Placement:
    """Where each item goes in the target text, and which placements are guesses."""

    spans: Mapping[str, Span]
    unsure: frozenset[str]


def strip_tags(msgid: str) -> Stripped:
    """Remove the numbered tags of a msgid, recording the text range each one covered."""
    parts: list[str] = []
    length = 0
    opened: dict[str, int] = {}
    order: list[str] = []
    spans: dict[str, tuple[Kind, int, int]] = {}
    position = 0
    for match in TAG_RE.finditer(msgid):
        text = unescape_text(msgid[position : match.start()])
        parts.append(text)
        length += len(text)
        position = match.end()
        closing, key, slash = match.groups()
        if slash:
            spans[key] = ("void", length, length)
            order.append(key)
        elif closing:
            start = opened.pop(key, length)
            spans[key] = ("open", start, length)
        else:
            opened[key] = length
            order.append(key)
    parts.append(unescape_text(msgid[position:]))
    length += len(parts[-1])
    for key, start in opened.items():  # an unclosed tag covers the rest
        spans[key] = ("open", start, length)
    items = tuple(Item(key, spans[key][0], spans[key][1], spans[key][2]) for key in order)
    return Stripped("".join(parts), items)


def align(attention: Sequence[Sequence[float]], source_tokens: int) -> list[int | None]:
    """For each target token, the source token it attends to most.

    None when it attends most to something that is no source word (the end-of-sentence
    token, a language token): such a target token is aligned to nothing.
    """
    links: list[int | None] = []
    for row in attention:
        if not len(row):
            links.append(None)
            continue
        best = max(range(len(row)), key=row.__getitem__)
        links.append(best if best < source_tokens else None)
    return links


def place(
    items: Sequence[Item],
    source_spans: Sequence[Span | None],
    target_text: str,
    target_spans: Sequence[Span],
    links: Sequence[int | None],
) -> Placement:
    """Place *items* in the target text.

    *source_spans* and *target_spans* give each token's character range (None for
    special source tokens); *links* maps each target token to a source token.
    """
    alignment = _Alignment(source_spans, target_text, target_spans, links)
    whole = _trimmed(target_text, (0, len(target_text)))
    placed: dict[str, Span] = {}
    unsure: set[str] = set()
    parents: dict[str, str | None] = {}
    ordered = sorted(items, key=lambda item: (item.start, -(item.end - item.start)))
    for item in ordered:
        parent = _parent(item, ordered, parents)
        parents[item.key] = parent
        bounds = placed[parent] if parent is not None else whole
        if item.kind == "open":
            span = _paired_span(item, alignment)
            if span is not None:
                span = (max(span[0], bounds[0]), min(span[1], bounds[1]))
                span = _trimmed(target_text, span)
            confident_siblings = [
                placed[k] for k, p in parents.items() if p == parent and k in placed and k not in unsure
                and k != item.key and _kind_of(k, items) == "open"
            ]
            if span is None or span[0] >= span[1] or any(_overlaps(span, s) for s in confident_siblings):
                span = bounds
                unsure.add(item.key)
        else:
            point = _point(item, alignment)
            if point is None or not bounds[0] <= point <= bounds[1]:
                point = bounds[1]
                unsure.add(item.key)
            span = (point, point)
        placed[item.key] = span
    return Placement(placed, frozenset(unsure))


def render(
    target_text: str,
    items: Sequence[Item],
    placement: Placement,
    replacements: Mapping[str, str] | None = None,
) -> str:
    """The target text with numbered tags inserted (text escaped).

    Items named in *replacements* are points whose text is inserted instead of a tag; if
    such an item's span is not empty, the target text it covers is replaced. Tags nest by
    their target spans; a point goes inside the innermost of its source ancestors that
    reaches it, so it never slips out of the element it belonged to.
    """
    replacements = replacements or {}
    spans = placement.spans
    order = {item.key: index for index, item in enumerate(items)}
    skipped = [spans[i.key] for i in items if i.kind == "void" and i.key in replacements and spans[i.key][0] < spans[i.key][1]]
    children: dict[str | None, list[Item]] = {}
    stack: list[Item] = []
    paired = sorted((i for i in items if i.kind == "open"),
                    key=lambda i: (spans[i.key][0], -(spans[i.key][1] - spans[i.key][0]), order[i.key]))
    for item in paired:
        start, end = spans[item.key]
        while stack and not (spans[stack[-1].key][0] <= start and end <= spans[stack[-1].key][1]):
            stack.pop()
        children.setdefault(stack[-1].key if stack else None, []).append(item)
        stack.append(item)
    ordered = sorted(items, key=lambda i: (i.start, -(i.end - i.start)))
    for item in items:
        if item.kind != "void":
            continue
        point = spans[item.key][0]
        home: str | None = None
        ancestor = _parent(item, ordered, {})
        while ancestor is not None:
            low, high = spans[ancestor]
            if low <= point <= high:
                home = ancestor
                break
            ancestor = _parent(next(i for i in items if i.key == ancestor), ordered, {})
        children.setdefault(home, []).append(item)

    def emit(key: str | None, low: int, high: int) -> str:
        out: list[str] = []
        position = low
        for child in sorted(children.get(key, []), key=lambda i: (spans[i.key][0], order[i.key])):
            start = min(max(spans[child.key][0], position), high)
            end = min(max(spans[child.key][1], start), high)
            out.append(escape_text(_without(target_text, position, start, skipped)))
            if child.kind == "open":
                inner = emit(child.key, start, end)
                # Spaces at a tag's edges belong outside it: "<em1>x</em1> y", not "<em1>x </em1>y".
                core = inner.strip(" ")
                lead = inner[: len(inner) - len(inner.lstrip(" "))]
                trail = inner[len(inner.rstrip(" ")) :] if core else ""
                out.append(f"{lead}<{child.key}>{core}</{child.key}>{trail}")
                position = end
            elif child.key in replacements:
                text = _spaced(target_text, start, end, replacements[child.key])
                # Two renderings put back at one spot must not run together ("77,6002030").
                before = next((piece[-1] for piece in reversed(out) if piece), "")
                if before and before != ">" and _word_char(before) and text and not text[0].isspace():
                    text = " " + text
                out.append(escape_text(text))
                position = max(start, end) if end > start else start
            else:
                out.append(f"<{child.key}/>")
                position = start
        out.append(escape_text(_without(target_text, position, high, skipped)))
        return "".join(out)

    return emit(None, 0, len(target_text))


def _without(text: str, start: int, end: int, skipped: Sequence[Span]) -> str:
    kept = [text[i] for i in range(start, end) if not any(low <= i < high for low, high in skipped)]
    return "".join(kept) if skipped else text[start:end]


def _spaced(target_text: str, start: int, end: int, text: str) -> str:
    """*text* with the spaces it needs to stand apart from a word next to [start, end)."""
    if text and start > 0 and _word_char(target_text[start - 1]) and not text[0].isspace():
        text = " " + text
    if text and end < len(target_text) and _word_char(target_text[end]) and not text[-1].isspace():
        text = text + " "
    return text


def _kind_of(key: str, items: Sequence[Item]) -> Kind:
    return next(item.kind for item in items if item.key == key)


def _parent(item: Item, ordered: Sequence[Item], parents: Mapping[str, str | None]) -> str | None:
    """The innermost paired item placed before *item* whose source range contains it."""
    best: Item | None = None
    for other in ordered:
        if other.key == item.key:
            break
        if other.kind == "open" and other.start <= item.start and item.end <= other.end:
            if best is None or other.end - other.start <= best.end - best.start:
                best = other
    return best.key if best is not None else None


def _overlaps(a: Span, b: Span) -> bool:
    """True when two sibling spans cannot both be tags: they cross, or they coincide."""
    if a == b:
        return True
    intersect = a[0] < b[1] and b[0] < a[1]
    nested = a[0] <= b[0] and b[1] <= a[1] or b[0] <= a[0] and a[1] <= b[1]
    return intersect and not nested


@dataclass(frozen=True)
class _Alignment:
    """Both sides of a sentence pair as token ranges, and the source token of each target token."""

    source_spans: Sequence[Span | None]
    target_text: str
    target_spans: Sequence[Span]
    links: Sequence[int | None]

    def targets(self, sources: Container[int | None]) -> list[Span]:
        """The ranges of the target tokens aligned to any of the source tokens *sources*."""
        spans = self.target_spans
        return [spans[j] for j, link in enumerate(self.links) if link in sources and j < len(spans)]


def _covered(item: Item, source_spans: Sequence[Span | None]) -> set[int]:
    return {
        index for index, span in enumerate(source_spans)
        if span is not None and span[0] < item.end and item.start < span[1] and span[0] < span[1]
    }


def _paired_span(item: Item, alignment: _Alignment) -> Span | None:
    covered = _covered(item, alignment.source_spans)
    aligned = [s for s in alignment.targets(covered) if s[0] < s[1]]
    if not covered or not aligned:
        return None
    start = min(s[0] for s in aligned)
    end = max(s[1] for s in aligned)
    return _word_start(alignment.target_text, start), _word_end(alignment.target_text, end)


def _point(item: Item, alignment: _Alignment) -> int | None:
    """Where a point goes: after the words aligned to the source word before it."""
    source_spans, target_text = alignment.source_spans, alignment.target_text
    if item.end > item.start:  # a placeholder: where the words for its own span went
        aligned = alignment.targets(_covered(item, source_spans))
        if aligned:
            return _word_start(target_text, min(s[0] for s in aligned))
    before = [i for i, s in enumerate(source_spans) if s is not None and s[1] <= item.start and s[0] < s[1]]
    after = [i for i, s in enumerate(source_spans) if s is not None and s[0] >= item.end and s[0] < s[1]]
    if before:
        aligned = alignment.targets((before[-1],))
        if aligned:
            return _word_end(target_text, max(s[1] for s in aligned))
    if after:
        aligned = alignment.targets((after[0],))
        if aligned:
            return _word_start(target_text, min(s[0] for s in aligned))
    return None


def _in_word(text: str, position: int) -> bool:
    """True when *position* falls between two letters of one word of a spaced script."""
    if not 0 < position < len(text):
        return False
    return _word_char(text[position - 1]) and _word_char(text[position])


def _word_char(char: str) -> bool:
    # Scripts written without spaces (Han, kana) have no word edges to snap to.
    return char.isalnum() and unicodedata.east_asian_width(char) not in ("W", "F")


def _word_start(text: str, position: int) -> int:
    while _in_word(text, position):
        position -= 1
    return position


def _word_end(text: str, position: int) -> int:
    while _in_word(text, position):
        position += 1
    return position


def _trimmed(text: str, span: Span) -> Span:
    start, end = span
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
