"""Assembly: a localized page from the source page and its translations.

The source page is segmented again (segmentation is deterministic) and each segment is
replaced by its translation. Numbered tags in a translation are mapped back to the
original elements, attributes and all; everything else in a translation is text, escaped
on output, so a catalog can never inject markup. A translation whose tags differ from its
source is rejected and the source text stays.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from babel.dates import format_date
from lxml import etree

from .languages import Language
from .markup import Close, Hidden, Open, TagMismatch, Text, Token, Void, parse_tagged
from .policy import SegmentOptions, in_skipped_part
from .segment import AttributeSlot, RunSlot, SentenceSlot, locate

__all__ = ["Assembled", "AssembleOptions", "Rejection", "assemble"]

Key = tuple[str | None, str]

# Characters HTML (and lxml) cannot hold; a translation holding one is not used.
_UNHOLDABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ][0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$")


@dataclass(frozen=True)
class AssembleOptions:
    """What the localized page should say about itself."""

    language: Language
    segment: SegmentOptions
    alternates: tuple[tuple[str, str], ...] = ()  # (hreflang, href), x-default included
    date_format: str = "long"


@dataclass(frozen=True)
class Rejection:
    """A translation that was not used, and why."""

    line: int
    msgctxt: str | None
    msgid: str
    reason: str


@dataclass(frozen=True)
class Assembled:
    """A localized page and what happened on the way."""

    html_tree: etree._ElementTree
    segments: int
    translated: int
    rejections: tuple[Rejection, ...]


def assemble(
    tree: etree._ElementTree, translations: Mapping[Key, str], options: AssembleOptions
) -> Assembled:
    """Replace every segment of *tree* (modified in place) by its translation, if usable.

    Segments without a translation keep the source text.
    """
    rejections: list[Rejection] = []
    total = 0
    used = 0
    for slot in locate(tree, options.segment):
        if isinstance(slot, AttributeSlot):
            total += 1
            translation = translations.get((slot.segment.msgctxt, slot.segment.msgid))
            if translation is None:
                continue
            try:
                parsed = parse_tagged(_holdable(translation), ())
            except TagMismatch as exc:
                rejections.append(_reject(slot.segment.line, slot.segment.msgctxt, slot.segment.msgid, exc))
                continue
            slot.element.set(slot.attribute, "".join(t.text for t in parsed if isinstance(t, Text)))
            used += 1
            continue
        tokens: list[Token] = []
        for part in slot.parts:
            if not isinstance(part, SentenceSlot):
                tokens.append(part)
                continue
            total += 1
            segment = part.segment
            translation = translations.get((segment.msgctxt, segment.msgid))
            if translation is None:
                tokens.extend(part.tokens)
                continue
            try:
                translated = parse_tagged(_holdable(translation), part.tokens)
            except TagMismatch as exc:
                rejections.append(_reject(segment.line, segment.msgctxt, segment.msgid, exc))
                tokens.extend(part.tokens)
                continue
            used += 1
            tokens.extend(translated)
            # Comments inside the sentence have no place in a translation: keep them after it.
            tokens.extend(t for t in part.tokens if isinstance(t, Hidden))
        _rebuild(slot, tokens)
    root = tree.getroot()
    _localize_root(root, options)
    _localize_dates(root, options)
    return Assembled(tree, total, used, tuple(rejections))


class _Unholdable(TagMismatch):
    """A translation holds a character HTML cannot hold."""


def _holdable(translation: str) -> str:
    """*translation*, unless it holds a control character (then :class:`_Unholdable`)."""
    found = _UNHOLDABLE.search(translation)
    if found is not None:
        raise _Unholdable(f"the translation holds the control character U+{ord(found.group(0)):04X}")
    return translation


def _reject(line: int, msgctxt: str | None, msgid: str, exc: TagMismatch) -> Rejection:
    reason = str(exc) if isinstance(exc, _Unholdable) else f"tags differ from the source: {exc}"
    return Rejection(line, msgctxt, msgid, reason)


def _rebuild(slot: RunSlot, tokens: Sequence[Token]) -> None:
    """Lay out *tokens* in place of the run's current content."""
    container = slot.container
    for token in tokens:
        if isinstance(token, Open):
            token.element.text = None
            for child in list(token.element):
                token.element.remove(child)
    for member in slot.members:
        if member.getparent() is container:
            container.remove(member)
    if slot.anchor is None:
        container.text = None
        position = 0
    else:
        slot.anchor.tail = None
        position = container.index(slot.anchor) + 1

    parent = container
    last: etree._Element | None = slot.anchor
    stack: list[tuple[etree._Element, etree._Element | None]] = []

    def place(node: etree._Element) -> None:
        nonlocal position, last
        node.tail = None
        if parent is container:
            container.insert(position, node)
            position += 1
        else:
            parent.append(node)
        last = node

    for token in tokens:
        if isinstance(token, Text):
            if not token.text:
                continue
            if last is None:
                parent.text = (parent.text or "") + token.text
            else:
                last.tail = (last.tail or "") + token.text
        elif isinstance(token, Open):
            place(token.element)
            stack.append((parent, last))
            parent, last = token.element, None
        elif isinstance(token, Close):
            parent, _ = stack.pop()
            last = token.element
        elif isinstance(token, Void):
            place(token.element)
        else:
            place(token.node)


def _localize_root(root: etree._Element, options: AssembleOptions) -> None:
    language = options.language
    root.set("lang", language.tag)
    if root.get("{http://www.w3.org/XML/1998/namespace}lang") is not None:
        root.set("{http://www.w3.org/XML/1998/namespace}lang", language.tag)
    root.set("dir", language.direction)
    head = root.find("head")
    if head is None:
        return
    for meta in head.iter("meta"):
        if meta.get("charset") is not None:
            meta.set("charset", "UTF-8")
        elif (meta.get("http-equiv") or "").lower() == "content-type":
            meta.set("content", "text/html; charset=UTF-8")
        elif (meta.get("property") or "") == "og:locale":
            meta.set("content", language.og_locale)
    if not options.alternates:
        return
    anchor: etree._Element | None = None
    for link in list(head.iter("link")):
        rel = (link.get("rel") or "").lower().split()
        if "alternate" in rel and link.get("hreflang") is not None:
            _remove_keeping_tail(link)
        elif "canonical" in rel:
            anchor = link
    # After the canonical link if there is one, else at the end of <head>; one per line.
    index = head.index(anchor) + 1 if anchor is not None else len(head)
    for hreflang, href in options.alternates:
        link = head.makeelement("link", {"rel": "alternate", "hreflang": hreflang, "href": href})
        link.tail = "\n"
        head.insert(index, link)
        index += 1


def _remove_keeping_tail(element: etree._Element) -> None:
    parent = element.getparent()
    if parent is None:
        return
    previous = element.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") if element.tail is None else (element.tail or "")
    else:
        parent.text = element.tail if element.tail is not None else parent.text
    parent.remove(element)


def _localize_dates(root: etree._Element, options: AssembleOptions) -> None:
    """Rewrite the text of each ``<time datetime>`` in the target language's date format.

    A ``<time>`` in a part of the page that segmentation skips stays as it is, like the
    rest of that part.
    """
    for time in root.iter("time"):
        stamp = time.get("datetime")
        if stamp is None or len(time) or in_skipped_part(time, options.segment):
            continue
        parsed = _parse_date(stamp.strip())
        if parsed is None:
            continue
        time.text = format_date(parsed, format=options.date_format, locale=options.language.locale)


def _parse_date(stamp: str) -> date | None:
    match = _DATE.match(stamp)
    if not match:
        return None
    try:
        return datetime(int(match.group(1)), int(match.group(2)), int(match.group(3))).date()
    except ValueError:
        return None

