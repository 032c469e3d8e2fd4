"""Segmentation: find the translatable text of a page, sentence by sentence.

Every element has a role (:func:`.policy.role_of`). Block elements hold runs of inline content;
each run is split into sentences, and a sentence becomes a :class:`Segment` whose msgid
carries its inline markup as numbered tags. Translatable attributes (``alt``, ``title``,
``<meta>`` descriptions, …) are segments of their own. Segmentation is deterministic, so
assembly finds the same segments again in a fresh parse of the same page.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Union

import sentencex
from lxml import etree

from . import markup
from .markup import Close, Hidden, Open, Text, Token, Void
from .textrules import has_words, is_file_name
from .policy import (
    ATTRIBUTE_RULES,
    Role,
    SegmentOptions,
    local_name,
    primary_subtag,
    role_of,
)

__all__ = [
    "AttributeSlot",
    "RunSlot",
    "Segment",
    "SegmentOptions",
    "SentenceSlot",
    "Slot",
    "locate",
    "segment_page",
    "segments_of",
    "split_sentences",
]


# Short interface strings that are never split into sentences.
UNSPLIT = frozenset({"button", "option", "title"})
# Where a context comment starts its path: the nearest of these around a segment.
LANDMARKS = frozenset(
    {"article", "aside", "body", "dialog", "footer", "form", "head", "header", "main", "nav",
     "section"}
)
# Edge elements that carry no meaning inside a sentence and stay out of the msgid.
EDGE_STRIPPABLE = frozenset({Role.EMBEDDED, Role.RAW})

_RULED_ATTRIBUTES = frozenset(rule.attribute for rule in ATTRIBUTE_RULES)  # to skip the rest fast


@dataclass(frozen=True)
class Segment:
    """One translatable unit of a page: what goes into a catalog entry."""

    msgid: str
    msgctxt: str | None
    line: int
    context: str  # where it sits, for translators: "article > p[3], sentence 2 of 4"


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
    return segments_of(locate(tree, options))


def segments_of(slots: Sequence[Slot]) -> list[Segment]:
    """The segments of *slots*, in their order."""
    segments: list[Segment] = []
    for slot in slots:
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


@dataclass
class _Walker:
    options: SegmentOptions
    slots: list[Slot] = field(default_factory=list)
    counters: dict[tuple[int, str], int] = field(default_factory=dict)
    landmarks: int = 0
    # An element's role is asked for again and again (as a child, inside a run, at the
    # edge of a sentence) and finding it can mean a look at all its descendants. The keys
    # hold lxml's proxy objects alive, so an element keeps its identity for the walk.
    roles: dict[etree._Element, Role] = field(default_factory=dict)

    def role(self, element: etree._Element) -> Role:
        role = self.roles.get(element)
        if role is None:
            role = self.roles[element] = role_of(element, self.options)
        return role

    def label(self, tag: str, scope: _Scope) -> str:
        if tag in ("html", "head", "body") or (tag == "title" and scope.landmark == "head"):
            return tag if tag != "title" else "head > title"
        key = (scope.landmark_serial, tag)
        self.counters[key] = self.counters.get(key, 0) + 1
        return f"{scope.landmark} > {tag}[{self.counters[key]}]"

    def visit_container(self, element: etree._Element, scope: _Scope) -> None:
        tag = local_name(element.tag)
        context = element.get("data-translate-context")
        if context is not None:
            scope = _Scope(context.strip() or None, scope.landmark, scope.landmark_serial)
        label = self.label(tag, scope)
        if tag in LANDMARKS:
            self.landmarks += 1
            scope = _Scope(scope.msgctxt, tag, self.landmarks)
        self.attributes(element, tag, label, scope)
        # A run starts at element.text (anchor None) and after each block child. Most runs
        # are the blank space between blocks, so a run's builder is made only once the
        # run holds an element or turns out to hold words.
        anchor: etree._Element | None = None
        run: _RunBuilder | None = None
        for child in element:
            if not isinstance(child.tag, str):  # a comment, processing instruction, entity
                self._finish_run(run, element, anchor, label, scope)
                anchor, run = child, None
                continue
            role = self.role(child)
            if role is Role.BLOCK:
                self._finish_run(run, element, anchor, label, scope)
                self.visit_container(child, scope)
                anchor, run = child, None
            elif role is Role.OPAQUE and not (
                run.has_content() if run is not None else _lead(element, anchor).strip()
            ):
                # An opaque block between runs (a <pre>, a <script>) separates them.
                self._finish_run(run, element, anchor, label, scope)
                anchor, run = child, None
            else:
                if run is None:
                    run = _RunBuilder(self, element, anchor, label, scope)
                run.add_member(child, role)
        self._finish_run(run, element, anchor, label, scope)

    def _finish_run(
        self,
        run: _RunBuilder | None,
        container: etree._Element,
        anchor: etree._Element | None,
        label: str,
        scope: _Scope,
    ) -> None:
        """Finish a run; one without a builder yet needs one only if its text has words."""
        if run is None:
            if not _is_translatable(_lead(container, anchor)):
                return
            run = _RunBuilder(self, container, anchor, label, scope)
        run.finish()

    def visit_member(self, element: etree._Element, role: Role, label: str, scope: _Scope) -> None:
        """Attributes and embedded content of an element that sits inside a run."""
        tag = local_name(element.tag)
        if role is Role.OPAQUE:
            return
        self.attributes(element, tag, f"{label} > {tag}", scope)
        if role is Role.EMBEDDED:
            self.visit_container(element, scope)
        elif role is Role.INLINE:
            for child in element:
                if isinstance(child.tag, str):  # not a comment or other node without a role
                    self.visit_member(child, self.role(child), label, scope)

    def attributes(self, element: etree._Element, tag: str, where: str, scope: _Scope) -> None:
        """Add a slot for each translatable attribute; *where* names the element."""
        present = element.keys()
        if _RULED_ATTRIBUTES.isdisjoint(present):
            return  # most elements: no need to try every rule
        done: set[str] = set()
        for rule in ATTRIBUTE_RULES:
            name = rule.attribute
            if name in done or name not in present or not rule.applies(tag, element):
                continue
            done.add(name)
            value = markup.collapse(element.get(name) or "").strip()
            if not _is_translatable(value) or (rule.file_names and is_file_name(value)):
                continue
            if tag == "meta":
                context = f"head > meta[{element.get('name') or element.get('property')}]"
            else:
                context = f"{where}[{name}]"
            segment = Segment(markup.escape_text(value), scope.msgctxt, _line(element), context)
            self.slots.append(AttributeSlot(segment, element, name))


def _lead(container: etree._Element, anchor: etree._Element | None) -> str:
    """The text a run starts with: the container's text, or the tail of its anchor."""
    return (container.text if anchor is None else anchor.tail) or ""


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

    __slots__ = (
        "anchor", "container", "label", "line", "lines", "members", "relative_lines", "scope",
        "tokens", "walker",
    )

    def __init__(
        self,
        walker: _Walker,
        container: etree._Element,
        anchor: etree._Element | None,
        label: str,
        scope: _Scope,
    ) -> None:
        self.walker = walker
        self.container = container
        self.anchor = anchor
        self.label = label
        self.scope = scope
        self.members: list[tuple[etree._Element, Role]] = []
        self.tokens: list[Token] = []
        # The line of each token. Finding where the run starts can take a look at all of
        # the anchor's descendants, and most runs are blank, so lines are counted from 0
        # until an element tells its line; finish() adds the start to those (relative_lines).
        self.lines: list[int] = []
        self.line = 0
        self.relative_lines: int | None = None  # None: all of them so far
        lead = _lead(container, anchor)
        if lead:
            self._text(lead)

    def has_content(self) -> bool:
        return any(isinstance(t, Text) and t.text.strip() for t in self.tokens) or bool(self.members)

    def _text(self, text: str) -> None:
        self.tokens.append(Text(text))
        self.lines.append(self.line)
        self.line += text.count("\n")

    def _element(self, token: Token, element: etree._Element) -> None:
        line = _line(element)
        if line:
            if self.relative_lines is None:
                self.relative_lines = len(self.lines)
            self.line = line
        self.tokens.append(token)
        self.lines.append(self.line)

    def add_member(self, element: etree._Element, role: Role) -> None:
        self.members.append((element, role))
        self._add(element, role)
        tail = element.tail  # lxml makes a new string at each look
        if tail:
            self._text(tail)

    def _add(self, element: etree._Element, role: Role) -> None:
        if role is not Role.INLINE:
            self._element(Void(element), element)
            return
        self._element(Open(element), element)
        text = element.text
        if text:
            self._text(text)
        for child in element:
            if not isinstance(child.tag, str):  # a comment or other node without a role
                self.tokens.append(Hidden(child))
                self.lines.append(self.line)
            else:
                self._add(child, self.walker.role(child))
            tail = child.tail
            if tail:
                self._text(tail)
        self.tokens.append(Close(element))
        self.lines.append(self.line)

    def _start_line(self) -> int:
        return _line(self.container) if self.anchor is None else _end_line(self.anchor)

    def finish(self) -> None:
        if not self.tokens and not self.members:
            return
        text = _plain(self.tokens)
        if _is_translatable(text):
            self._add_sentences(text)
        # else a blank run (or numbers and punctuation only): no sentence, no slot
        for element, role in self.members:
            self.walker.visit_member(element, role, self.label, self.scope)

    def _add_sentences(self, text: str) -> None:
        """Add the run's slot: its sentences, each between the skeleton around it."""
        start_line = self._start_line()
        relative = len(self.lines) if self.relative_lines is None else self.relative_lines
        lines = [start_line + line for line in self.lines[:relative]] + self.lines[relative:]
        tokens = self.tokens
        # The splitter is the most expensive step: ask it once per run. Splitting text
        # tokens at the boundaries keeps the run's text, so its offsets stay valid.
        split = local_name(self.container.tag) not in UNSPLIT
        boundaries = _boundaries(text, tokens, self.walker.options.source_language) if split else []
        if not boundaries:
            # Most runs hold one sentence, with words (finish() made sure): the core of
            # the whole run is the segment.
            head, core, tail = _trim(tokens, self.walker)
            line = _core_line(head, core, lines[0])
            segment = Segment(markup.render(core), self.scope.msgctxt, line, self.label)
            whole = (*head, SentenceSlot(segment, tuple(core)), *tail)
            members = tuple(element for element, _ in self.members)
            self.walker.slots.append(RunSlot(self.container, self.anchor, members, whole))
            return
        tokens, lines = _split_at_sentences(tokens, lines, boundaries)
        ranges = _sentence_ranges(tokens, boundaries)
        pieces: list[tuple[list[Token], list[Token], list[Token], int, bool]] = []
        for start, end in ranges:
            head, core, tail = _trim(tokens[start:end], self.walker)
            line = _core_line(head, core, lines[start] if lines else 0)
            pieces.append((head, core, tail, line, _is_translatable(_plain(core))))
        sentences = sum(1 for piece in pieces if piece[4])
        parts: list[Union[Token, SentenceSlot]] = []
        number = 0
        for head, core, tail, line, translatable in pieces:
            if not translatable:
                parts.extend(head + core + tail)
                continue
            number += 1
            where = self.label
            if sentences > 1:
                where = f"{self.label}, sentence {number} of {sentences}"
            segment = Segment(markup.render(core), self.scope.msgctxt, line, where)
            parts.extend(head)
            parts.append(SentenceSlot(segment, tuple(core)))
            parts.extend(tail)
        if sentences:
            members = tuple(element for element, _ in self.members)
            self.walker.slots.append(RunSlot(self.container, self.anchor, members, tuple(parts)))


# --- sentences and trimming ----------------------------------------------------------------

_ASCII_LETTER = re.compile("[A-Za-z]")
_SENTENCE_END = re.compile(r"[.!?\u3002\uff01\uff1f\u2026;:]")
# Every character Python counts as whitespace, but the space itself.
_OTHER_SPACES = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_AS_SPACE = str.maketrans(_OTHER_SPACES, " " * len(_OTHER_SPACES))


# ASCII sentence ends that need a space after them. Without one (`ASP.NET`, `example.Org`)
# the splitter may still cut; only markup between the two words makes that a real end.
_GLUED_STOPS = frozenset(".!?")
_CACHED_TEXTS = 8192  # pages of one site repeat their menus, sidebars and footers


def split_sentences(text: str, language: str, breaks: Collection[int] = ()) -> list[int]:
    """Return the offsets in *text* where a sentence after the first one starts.

    Line breaks count as spaces. *breaks* are offsets where markup separates the text (a
    ``<br>``, an image): a sentence may start there right after a full stop, as in
    ``publish it.<br>Please``; elsewhere a stop glued to the next word ends no sentence.
    """
    if not _may_split(text):
        return []  # spare the splitter
    return [
        offset
        for offset in _sentence_starts(text, language)
        if text[offset - 1] not in _GLUED_STOPS or offset in breaks
    ]


def _may_split(text: str) -> bool:
    """True when *text* has a sentence end before its last character that is not a space.

    Only then can a second sentence start; most runs hold one sentence or none.
    """
    text = text.rstrip()
    return _SENTENCE_END.search(text, 0, len(text) - 1) is not None


@lru_cache(maxsize=_CACHED_TEXTS)
def _sentence_starts(text: str, language: str) -> tuple[int, ...]:
    """The splitter's sentence starts after the first one, as offsets into *text*."""
    # Line breaks in HTML source are plain spaces; the splitter would take them for ends of
    # lines or paragraphs. Other spaces are spaces too, and sentencex 1.0 panics at some
    # that are more than a byte in UTF-8 ("A\xa0. B"). Replacing them one for one keeps
    # every offset valid.
    text = text.translate(_AS_SPACE)
    offsets: list[int] = []
    position = 0
    try:
        sentences: list[str] = sentencex.segment(primary_subtag(language), text)
    except BaseException as exc:  # a bug in the Rust code is a PanicException, no Exception
        if type(exc).__name__ != "PanicException":
            raise
        return ()  # keep the paragraph whole rather than lose the page
    for sentence in sentences:
        stripped = sentence.strip()
        if not stripped:
            continue
        found = text.find(stripped, position)
        if found < 0:
            return ()  # the splitter changed the text: keep the paragraph whole
        if position:  # not the first sentence, even after leading space
            offsets.append(found)
        position = found + len(stripped)
    return tuple(offsets)


def _boundaries(text: str, tokens: Sequence[Token], language: str) -> list[int]:
    """Where sentences after the first start in a run, as offsets into its *text*."""
    if not _may_split(text):
        return []  # spare the search for line breaks too
    breaks: set[int] = set()
    offset = 0
    for token in tokens:
        if isinstance(token, Text):
            offset += len(token.text)
        elif isinstance(token, Void):
            breaks.add(offset)  # a line break, an image, protected code: words do not run on
    return split_sentences(text, language, breaks)


def _split_at_sentences(
    tokens: Sequence[Token], lines: Sequence[int], boundaries: Sequence[int]
) -> tuple[list[Token], list[int]]:
    """Split text tokens so that every sentence boundary falls between two tokens.

    *boundaries* are offsets into the run's text, as :func:`split_sentences` gives them.
    """
    cuts = sorted(set(boundaries))
    out: list[Token] = []
    out_lines: list[int] = []
    offset = 0
    ahead = 0  # cuts[ahead:] lie after the text seen so far
    for token, line in zip(tokens, lines):
        if not isinstance(token, Text):
            out.append(token)
            out_lines.append(line)
            continue
        text = token.text
        end = offset + len(text)
        while ahead < len(cuts) and cuts[ahead] <= offset:
            ahead += 1  # at the token's start: a boundary already
        begin = 0
        while ahead < len(cuts) and cuts[ahead] < end:
            cut = cuts[ahead] - offset
            out.append(Text(text[begin:cut]))
            out_lines.append(line + text[:begin].count("\n"))
            begin = cut
            ahead += 1
        out.append(Text(text[begin:]) if begin else token)
        out_lines.append(line + text[:begin].count("\n"))
        offset = end
    return out, out_lines


def _sentence_ranges(tokens: Sequence[Token], sentence_starts: Sequence[int]) -> list[tuple[int, int]]:
    """Cut a run into (start, end) token ranges, one per sentence group.

    *sentence_starts* are offsets into the run's text, each at a token boundary (see
    :func:`_split_at_sentences`). A boundary that falls inside an open inline element is
    dropped, so an element that crosses a sentence boundary keeps those sentences in one
    segment.
    """
    boundaries = set(sentence_starts)
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
    """True when text has a letter outside its links: numbers, punctuation, space, URLs and
    e-mail addresses alone are not translated."""
    if text.isascii() and "." not in text and "@" not in text:
        return _ASCII_LETTER.search(text) is not None  # the same, at C speed
    return has_words(text)


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
            kept = first.text.lstrip(markup.HTML_SPACE)
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
            kept = last.text.rstrip(markup.HTML_SPACE)
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

