"""Segmentation: find the translatable text of a page, sentence by sentence.

Every element has a role from :data:`ROLES`. Block elements hold runs of inline content;
each run is split into sentences, and a sentence becomes a :class:`Segment` whose msgid
carries its inline markup as numbered tags. Translatable attributes (``alt``, ``title``,
``<meta>`` descriptions, …) are segments of their own. Segmentation is deterministic, so
assembly finds the same segments again in a fresh parse of the same page.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Union

import pysbd
from lxml import etree

from . import markup
from .markup import Close, Hidden, Open, Text, Token, Void

__all__ = [
    "ATTRIBUTE_RULES",
    "AttributeRule",
    "AttributeSlot",
    "ROLES",
    "Role",
    "RunSlot",
    "Segment",
    "SegmentOptions",
    "SentenceSlot",
    "locate",
    "segment_page",
]


class Role(enum.Enum):
    """How an element takes part in segmentation."""

    BLOCK = "block"  # holds runs of inline content; the default for unknown elements
    INLINE = "inline"  # a paired numbered tag inside a sentence
    EMBEDDED = "embedded"  # a void tag in a sentence; its own content is segmented apart
    RAW = "raw"  # a void tag in a sentence; only its attributes are translated
    OPAQUE = "opaque"  # left alone entirely, attributes included


ROLES: Mapping[str, Role] = {
    **dict.fromkeys(
        "a abbr acronym b bdi bdo big cite data del dfn em font i ins mark nobr q rb rp rt "
        "ruby s small span strike strong sub sup time tt u".split(),
        Role.INLINE,
    ),
    **dict.fromkeys("audio canvas map object picture select svg video".split(), Role.EMBEDDED),
    **dict.fromkeys(
        "area base br col embed hr iframe img input link meta param source textarea track wbr"
        .split(),
        Role.RAW,
    ),
    **dict.fromkeys(
        "code kbd math noembed noframes plaintext pre samp script style template var xmp"
        .split(),
        Role.OPAQUE,
    ),
}

# Roles that depend on an attribute: a <time> with a machine-readable date is localized
# from that date when the page is built, so its text is not for translators.
ROLE_BY_ATTRIBUTE: Mapping[tuple[str, str], Role] = {("time", "datetime"): Role.OPAQUE}

# Short interface strings that are never split into sentences.
UNSPLIT = frozenset({"button", "option", "title"})
# Where a context comment starts its path: the nearest of these around a segment.
LANDMARKS = frozenset(
    {"article", "aside", "body", "dialog", "footer", "form", "head", "header", "main", "nav",
     "section"}
)
# Edge elements that carry no meaning inside a sentence and stay out of the msgid.
EDGE_STRIPPABLE = frozenset({Role.EMBEDDED, Role.RAW})

META_NAMES = frozenset(
    {"application-name", "description", "keywords", "twitter:description",
     "twitter:image:alt", "twitter:title"}
)
META_PROPERTIES = frozenset(
    {"og:description", "og:image:alt", "og:site_name", "og:title"}
)


@dataclass(frozen=True)
class AttributeRule:
    """An attribute that is a segment of its own, on some elements, under some conditions."""

    attribute: str
    elements: frozenset[str] | None = None  # None: on any element
    when: tuple[tuple[str, frozenset[str]], ...] = ()  # other attributes' required values

    def applies(self, tag: str, element: etree._Element) -> bool:
        """True when this rule makes the attribute of *element* translatable."""
        if self.elements is not None and tag not in self.elements:
            return False
        return all((element.get(name) or "").strip().lower() in values for name, values in self.when)


ATTRIBUTE_RULES: tuple[AttributeRule, ...] = (
    AttributeRule("content", frozenset({"meta"}), (("name", META_NAMES),)),
    AttributeRule("content", frozenset({"meta"}), (("property", META_PROPERTIES),)),
    AttributeRule("alt", frozenset({"img", "area", "input"})),
    AttributeRule("title"),
    AttributeRule("aria-label"),
    AttributeRule("aria-description"),
    AttributeRule("aria-roledescription"),
    AttributeRule("aria-placeholder"),
    AttributeRule("placeholder"),
    AttributeRule("label", frozenset({"menuitem", "optgroup", "option", "track"})),
    AttributeRule("value", frozenset({"input"}), (("type", frozenset({"button", "reset", "submit"})),)),
)


@dataclass(frozen=True)
class Segment:
    """One translatable unit of a page: what goes into a catalog entry."""

    msgid: str
    msgctxt: str | None
    line: int
    context: str  # where it sits, for translators: "article > p[3], sentence 2 of 4"


@dataclass(frozen=True)
class SegmentOptions:
    """What counts as translatable on a page."""

    source_language: str = "en"
    skip_foreign: bool = True  # parts whose `lang` differs from the source stay as they are


@dataclass(frozen=True)
class SentenceSlot:
    """Where a sentence segment sits in its run."""

    segment: Segment
    tokens: tuple[Token, ...]


@dataclass(frozen=True)
class RunSlot:
    """A run of inline content in a container, as skeleton tokens and sentence slots."""

    container: etree._Element
    anchor: etree._Element | None  # the node whose tail starts the run; None: container.text
    members: tuple[etree._Element, ...]  # the container's children inside the run
    parts: tuple[Union[Token, SentenceSlot], ...]


@dataclass(frozen=True)
class AttributeSlot:
    """A translatable attribute."""

    segment: Segment
    element: etree._Element
    attribute: str


Slot = Union[RunSlot, AttributeSlot]


def segment_page(tree: etree._ElementTree, options: SegmentOptions = SegmentOptions()) -> list[Segment]:
    """Return the page's segments in document order."""
    segments: list[Segment] = []
    for slot in locate(tree, options):
        if isinstance(slot, AttributeSlot):
            segments.append(slot.segment)
        else:
            segments.extend(p.segment for p in slot.parts if isinstance(p, SentenceSlot))
    return segments


def locate(tree: etree._ElementTree, options: SegmentOptions = SegmentOptions()) -> list[Slot]:
    """Return every run and attribute slot of the page, in document order."""
    walker = _Walker(options)
    root = tree.getroot()
    walker.visit_container(root, _Scope(msgctxt=None, landmark="html", landmark_serial=0))
    return walker.slots


# --- the walk ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Scope:
    msgctxt: str | None
    landmark: str
    landmark_serial: int  # counts landmarks in document order; keys the per-landmark indices


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _is_node_without_role(node: etree._Element) -> bool:
    return not isinstance(node.tag, str)  # comments, processing instructions, entities


@dataclass
class _Walker:
    options: SegmentOptions
    slots: list[Slot] = field(default_factory=list)
    counters: dict[tuple[int, str], int] = field(default_factory=dict)
    landmarks: int = 0

    def role(self, element: etree._Element, root_ok: bool = False) -> Role:
        tag = _local(element.tag)
        if (element.get("translate") or "").strip().lower() == "no":
            return Role.OPAQUE
        if "notranslate" in (element.get("class") or "").split():
            return Role.OPAQUE
        if self.options.skip_foreign and not root_ok and self._foreign(element):
            return Role.OPAQUE
        role = ROLES.get(tag, Role.BLOCK)
        for (owner, attribute), override in ROLE_BY_ATTRIBUTE.items():
            if owner == tag and element.get(attribute) is not None:
                role = override
        if role is Role.INLINE and self._holds_blocks(element):
            return Role.BLOCK
        return role

    def _foreign(self, element: etree._Element) -> bool:
        lang = element.get("lang") or element.get("{http://www.w3.org/XML/1998/namespace}lang")
        if lang is None or not lang.strip():
            return False
        primary = lang.strip().split("-")[0].split("_")[0].lower()
        return primary != self.options.source_language.split("-")[0].lower()

    def _holds_blocks(self, element: etree._Element) -> bool:
        for node in element.iterdescendants():
            if isinstance(node.tag, str) and ROLES.get(_local(node.tag), Role.BLOCK) is Role.BLOCK:
                return True
        return False

    def label(self, element: etree._Element, scope: _Scope) -> str:
        tag = _local(element.tag)
        if tag in ("html", "head", "body") or (tag == "title" and scope.landmark == "head"):
            return tag if tag != "title" else "head > title"
        key = (scope.landmark_serial, tag)
        self.counters[key] = self.counters.get(key, 0) + 1
        return f"{scope.landmark} > {tag}[{self.counters[key]}]"

    def visit_container(self, element: etree._Element, scope: _Scope) -> None:
        tag = _local(element.tag)
        context = element.get("data-translate-context")
        if context is not None:
            scope = _Scope(context.strip() or None, scope.landmark, scope.landmark_serial)
        label = self.label(element, scope)
        if tag in LANDMARKS:
            self.landmarks += 1
            scope = _Scope(scope.msgctxt, tag, self.landmarks)
        self.attributes(element, tag, label, scope)
        run = _RunBuilder(self, element, None, label, scope, _line(element))
        for child in element:
            if _is_node_without_role(child):
                run.finish()
                run = _RunBuilder(self, element, child, label, scope, _end_line(child))
                continue
            role = self.role(child)
            if role is Role.BLOCK:
                run.finish()
                self.visit_container(child, scope)
                run = _RunBuilder(self, element, child, label, scope, _end_line(child))
            elif role is Role.OPAQUE and not run.has_content():
                # An opaque block between runs (a <pre>, a <script>) separates them.
                run.finish()
                run = _RunBuilder(self, element, child, label, scope, _end_line(child))
            else:
                run.add_member(child, role)
        run.finish()

    def visit_member(self, element: etree._Element, role: Role, label: str, scope: _Scope) -> None:
        """Attributes and embedded content of an element that sits inside a run."""
        tag = _local(element.tag)
        if role is Role.OPAQUE:
            return
        self.attributes(element, tag, f"{label} > {tag}", scope)
        if role is Role.EMBEDDED:
            self.visit_container(element, scope)
        elif role is Role.INLINE:
            for child in element:
                if not _is_node_without_role(child):
                    self.visit_member(child, self.role(child), label, scope)

    def attributes(self, element: etree._Element, tag: str, where: str, scope: _Scope) -> None:
        """Add a slot for each translatable attribute; *where* names the element."""
        done: set[str] = set()
        for rule in ATTRIBUTE_RULES:
            name = rule.attribute
            if name in done or name not in element.attrib or not rule.applies(tag, element):
                continue
            done.add(name)
            value = markup.collapse(element.get(name) or "").strip()
            if not _is_translatable(value):
                continue
            if tag == "meta":
                context = f"head > meta[{element.get('name') or element.get('property')}]"
            else:
                context = f"{where}[{name}]"
            segment = Segment(markup.escape_text(value), scope.msgctxt, _line(element), context)
            self.slots.append(AttributeSlot(segment, element, name))


def _line(element: etree._Element) -> int:
    line = element.sourceline
    return line if isinstance(line, int) else 0


def _end_line(node: etree._Element) -> int:
    """The line a node ends on, as far as the parser tells: where its tail starts."""
    last = _line(node)
    if isinstance(node.tag, str):
        for descendant in node.iterdescendants():
            last = max(last, _line(descendant))
    text = node.text or "" if not isinstance(node.tag, str) else ""
    return last + text.count("\n")


class _RunBuilder:
    """Collects one run of a container and turns it into sentence slots."""

    def __init__(
        self,
        walker: _Walker,
        container: etree._Element,
        anchor: etree._Element | None,
        label: str,
        scope: _Scope,
        line: int,
    ) -> None:
        self.walker = walker
        self.container = container
        self.anchor = anchor
        self.label = label
        self.scope = scope
        self.members: list[tuple[etree._Element, Role]] = []
        self.tokens: list[Token] = []
        self.lines: list[int] = []
        self.line = line
        lead = container.text if anchor is None else anchor.tail
        if lead:
            self._text(lead)

    def has_content(self) -> bool:
        return any(isinstance(t, Text) and t.text.strip() for t in self.tokens) or bool(self.members)

    def _text(self, text: str) -> None:
        self.tokens.append(Text(text))
        self.lines.append(self.line)
        self.line += text.count("\n")

    def _element(self, token: Token, element: etree._Element) -> None:
        self.line = _line(element) or self.line
        self.tokens.append(token)
        self.lines.append(self.line)

    def add_member(self, element: etree._Element, role: Role) -> None:
        self.members.append((element, role))
        self._add(element, role)
        if element.tail:
            self._text(element.tail)

    def _add(self, element: etree._Element, role: Role) -> None:
        if role is not Role.INLINE:
            self._element(Void(element), element)
            return
        self._element(Open(element), element)
        if element.text:
            self._text(element.text)
        for child in element:
            if _is_node_without_role(child):
                self.tokens.append(Hidden(child))
                self.lines.append(self.line)
            else:
                self._add(child, self.walker.role(child))
            if child.tail:
                self._text(child.tail)
        self.tokens.append(Close(element))
        self.lines.append(self.line)

    def finish(self) -> None:
        if not self.tokens and not self.members:
            return
        tag = _local(self.container.tag)
        split = tag not in UNSPLIT
        tokens, lines = _split_at_sentences(
            self.tokens, self.lines, self.walker.options.source_language, split
        )
        pieces: list[tuple[list[Token], list[Token], list[Token], int]] = []
        for start, end in _sentence_ranges(tokens, self.walker.options.source_language, split):
            head, core, tail = _trim(tokens[start:end], self.walker)
            pieces.append((head, core, tail, _core_line(head, core, lines[start] if lines else 0)))
        sentences = [p for p in pieces if _is_translatable(_plain(p[1]))]
        parts: list[Union[Token, SentenceSlot]] = []
        for head, core, tail, line in pieces:
            if not _is_translatable(_plain(core)):
                parts.extend(head + core + tail)
                continue
            number = len([p for p in parts if isinstance(p, SentenceSlot)]) + 1
            where = self.label
            if len(sentences) > 1:
                where = f"{self.label}, sentence {number} of {len(sentences)}"
            segment = Segment(markup.render(core), self.scope.msgctxt, line, where)
            parts.extend(head)
            parts.append(SentenceSlot(segment, tuple(core)))
            parts.extend(tail)
        if sentences:
            members = tuple(element for element, _ in self.members)
            self.walker.slots.append(RunSlot(self.container, self.anchor, members, tuple(parts)))
        for element, role in self.members:
            self.walker.visit_member(element, role, self.label, self.scope)


# --- sentences and trimming ----------------------------------------------------------------

_SENTENCE_END = re.compile(r"[.!?\u3002\uff01\uff1f\u2026;:]")
_SPACE = " \t\n\r\f"
_AS_SPACE = str.maketrans("\t\n\r\f", "    ")


@lru_cache(maxsize=None)
def _segmenter(language: str) -> pysbd.Segmenter:
    primary = language.split("-")[0].lower()
    supported = primary if primary in pysbd.languages.LANGUAGE_CODES else "en"
    return pysbd.Segmenter(language=supported, clean=False)


def split_sentences(text: str, language: str) -> list[int]:
    """Return the offsets in *text* where a sentence after the first one starts."""
    if not _SENTENCE_END.search(text):
        return []
    # Line breaks in HTML source are plain spaces; the splitter would take them for ends of
    # lines. Replacing them one for one keeps every offset valid.
    text = text.translate(_AS_SPACE)
    offsets: list[int] = []
    position = 0
    for sentence in _segmenter(language).segment(text):
        stripped = sentence.strip()
        if not stripped:
            continue
        found = text.find(stripped, position)
        if found < 0:
            return []  # the splitter changed the text: keep the paragraph whole
        if found > 0:
            offsets.append(found)
        position = found + len(stripped)
    return offsets


def _boundaries(tokens: Sequence[Token], language: str, split: bool) -> list[int]:
    if not split:
        return []
    return split_sentences("".join(t.text for t in tokens if isinstance(t, Text)), language)


def _split_at_sentences(
    tokens: Sequence[Token], lines: Sequence[int], language: str, split: bool
) -> tuple[list[Token], list[int]]:
    """Split text tokens so that every sentence boundary falls between two tokens."""
    cuts = set(_boundaries(tokens, language, split))
    if not cuts:
        return list(tokens), list(lines)
    out: list[Token] = []
    out_lines: list[int] = []
    offset = 0
    for token, line in zip(tokens, lines):
        if not isinstance(token, Text):
            out.append(token)
            out_lines.append(line)
            continue
        text = token.text
        inner = sorted(c - offset for c in cuts if offset < c < offset + len(text))
        begin = 0
        for cut in [*inner, len(text)]:
            out.append(Text(text[begin:cut]))
            out_lines.append(line + text[:begin].count("\n"))
            begin = cut
        offset += len(text)
    return out, out_lines


def _sentence_ranges(tokens: Sequence[Token], language: str, split: bool) -> list[tuple[int, int]]:
    """Cut a run into (start, end) token ranges, one per sentence group.

    A boundary that falls inside an open inline element is dropped, so an element that
    crosses a sentence boundary keeps those sentences in one segment.
    """
    boundaries = set(_boundaries(tokens, language, split))
    cuts: list[int] = []
    depth = 0
    offset = 0
    for index, token in enumerate(tokens):
        # A cut before this token is possible when no element is open here.
        if offset in boundaries and depth == 0 and index and (not cuts or cuts[-1] != index):
            cuts.append(index)
            boundaries.discard(offset)
        if isinstance(token, Open):
            depth += 1
        elif isinstance(token, Close):
            depth -= 1
        elif isinstance(token, Text):
            offset += len(token.text)
    edges = [0, *cuts, len(tokens)]
    return [(edges[i], edges[i + 1]) for i in range(len(edges) - 1)]


def _plain(tokens: Sequence[Token]) -> str:
    return "".join(t.text for t in tokens if isinstance(t, Text))


def _is_translatable(text: str) -> bool:
    """True when text has a letter: numbers, punctuation and space alone are not translated."""
    return any(ch.isalpha() for ch in text)


def _trim(tokens: Sequence[Token], walker: _Walker) -> tuple[list[Token], list[Token], list[Token]]:
    """Split a sentence's tokens into (head, core, tail); only the core goes into the msgid.

    Edge whitespace, hidden nodes, edge images and line breaks, and inline elements that
    wrap the whole sentence stay in the page skeleton.
    """
    head: list[Token] = []
    core = list(tokens)
    tail: list[Token] = []

    def movable(token: Token) -> bool:
        return isinstance(token, Hidden) or (
            isinstance(token, Void) and walker.role(token.element) in EDGE_STRIPPABLE
        )

    changed = True
    while changed and core:
        changed = False
        first = core[0]
        if isinstance(first, Text):
            kept = first.text.lstrip(_SPACE)
            if len(kept) < len(first.text):
                head.append(Text(first.text[: len(first.text) - len(kept)]))
                core[0:1] = [Text(kept)] if kept else []
                changed = True
        elif movable(first):
            head.append(core.pop(0))
            changed = True
        if not core:
            break
        last = core[-1]
        if isinstance(last, Text):
            kept = last.text.rstrip(_SPACE)
            if len(kept) < len(last.text):
                tail.insert(0, Text(last.text[len(kept) :]))
                core[-1:] = [Text(kept)] if kept else []
                changed = True
        elif movable(last):
            tail.insert(0, core.pop())
            changed = True
        if changed or len(core) < 2:
            continue
        first, last = core[0], core[-1]
        if isinstance(first, Open) and isinstance(last, Close) and first.element is last.element:
            head.append(first)
            tail.insert(0, last)
            core = core[1:-1]
            changed = True
    return head, core, tail


def _core_line(head: Sequence[Token], core: Sequence[Token], line: int) -> int:
    """The source line where a sentence's core starts."""
    for token in [*head, *core[:1]]:
        if isinstance(token, (Open, Void)):
            line = _line(token.element) or line
        elif isinstance(token, Text) and token in head:
            line += token.text.count("\n")
    return line


def iter_sentence_slots(slots: Sequence[Slot]) -> Iterator[SentenceSlot]:
    """Every sentence slot of *slots*, in order."""
    for slot in slots:
        if isinstance(slot, RunSlot):
            yield from (p for p in slot.parts if isinstance(p, SentenceSlot))
