"""Assembly: a localized page from the source page and its translations.

The source page is segmented again (segmentation is deterministic) and each segment is
replaced by its translation. Numbered tags in a translation are mapped back to the
original elements, attributes and all; everything else in a translation is text, escaped
on output, so a catalog can never inject markup. A translation whose tags differ from its
source is rejected and the source text stays.

The page tells the truth about its languages: every ``lang``/``xml:lang`` that declared the
source language now names the target, and text that stays in the source language (no
usable translation) is marked with it, on the smallest element holding exactly that text
or in a ``<span>`` around a sentence. Times are told in the target language at the
precision the source showed (:mod:`.dates`); one that cannot be is kept, with a
:class:`KeptTime` saying why.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Union

from lxml import etree

from .dates import Unlocalizable, localize
from .errors import LanguageError
from .languages import Language, language
from .markup import HTML_SPACE, Close, Hidden, Open, TagMismatch, Text, Token, Void, parse_tagged
from .policy import SegmentOptions, in_skipped_part, local_name, primary_subtag
from .segment import AttributeSlot, RunSlot, SentenceSlot, Slot, locate
from .textrules import joins_without_space

__all__ = ["Assembled", "AssembleOptions", "KeptTime", "Rejection", "assemble", "publishable"]

Key = tuple[str | None, str]

# Characters HTML (and lxml) cannot hold; a translation holding one is not used.
_UNHOLDABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# How an HTML parser names xml:lang: a plain attribute with a colon in its name.
HTML_XML_LANG = "xml:lang"


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
class KeptTime:
    """A ``<time>`` whose text stays as in the source, and why it could not be localized."""

    line: int
    datetime: str  # the element's datetime attribute
    text: str  # its text, as kept
    reason: str


@dataclass(frozen=True)
class Assembled:
    """A localized page and what happened on the way."""

    html_tree: etree._ElementTree
    segments: int
    translated: int
    rejections: tuple[Rejection, ...]
    kept_times: tuple[KeptTime, ...] = ()
    marked: int = 0  # elements and spans marked as holding source-language text

    @property
    def untranslated(self) -> bool:
        """True when the page has text to translate and none of it was translated."""
        return self.segments > 0 and self.translated == 0


def assemble(
    tree: etree._ElementTree, translations: Mapping[Key, str], options: AssembleOptions,
    slots: Sequence[Slot] | None = None,
) -> Assembled:
    """Replace every segment of *tree* (modified in place) by its translation, if usable.

    Segments without a usable translation keep the source text, marked with the source
    language. Attributes cannot be marked and keep their source text unmarked. *slots* are
    the tree's slots when they are known already (located with ``options.segment``).
    """
    root = tree.getroot()
    languages = _PageLanguages.of(tree, options)
    # Which elements declared the source language is read before any text moves.
    declared = _declaring_source(root, options)
    rejections: list[Rejection] = []
    marks: list[etree._Element] = []
    total = 0
    used = 0
    for slot in locate(tree, options.segment) if slots is None else slots:
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
        sentences, translated, marked = _fill_run(slot, translations, rejections)
        total += sentences
        used += translated
        marks.extend(marked)
    # Times first: whether a <time> is in a skipped part depends on the source's lang.
    kept_times = _localize_dates(root, options)
    _localize_root(root, options, languages)
    for element in declared:
        languages.declare(element, options.language.tag)
    for element in marks:
        languages.mark(element)
    return Assembled(tree, total, used, tuple(rejections), tuple(kept_times), len(marks))


def _fill_run(
    slot: RunSlot, translations: Mapping[Key, str], rejections: list[Rejection]
) -> tuple[int, int, list[etree._Element]]:
    """Lay out a run with its usable translations; (sentences, translated, elements to mark).

    Nothing of the source is lost: every comment of the run is laid out again, those
    inside a translated sentence by :func:`_keep_hidden`.
    """
    tokens: list[Token] = []
    fallbacks: list[tuple[int, int, int]] = []  # (index in slot.parts, start, end in tokens)
    sentences = 0
    unspaced_end = False  # the last part was a translation ending in Chinese or Japanese
    held: list[Token] = []  # space and comments after such a translation, until the next part
    for index, part in enumerate(slot.parts):
        if not isinstance(part, SentenceSlot):
            if unspaced_end and _blank(part):
                held.append(part)
                continue
            tokens.extend(held)
            held.clear()
            unspaced_end = False
            tokens.append(part)
            continue
        sentences += 1
        segment = part.segment
        translation = translations.get((segment.msgctxt, segment.msgid))
        if translation is not None:
            try:
                translated = _translated(translation, part)
            except TagMismatch as exc:
                rejections.append(_reject(segment.line, segment.msgctxt, segment.msgid, exc))
            else:
                # Chinese and Japanese put no space after a sentence: the source's space
                # between two sentences goes when both are translated into such a script
                # (a source written so keeps its spaces as they are). Comments stay.
                tokens.extend(t for t in held if isinstance(t, Hidden))
                held.clear()
                tokens.extend(translated)
                unspaced_end = _ends_unspaced(translated) and not _ends_unspaced(part.tokens)
                continue
        tokens.extend(held)
        held.clear()
        unspaced_end = False
        fallbacks.append((index, len(tokens), len(tokens) + len(part.tokens)))
        tokens.extend(part.tokens)
    tokens.extend(held)
    marks: list[etree._Element] = []
    if fallbacks:
        tokens, marks = _place_marks(slot, tokens, fallbacks, len(fallbacks) == sentences)
    _rebuild(slot, tokens)
    return sentences, sentences - len(fallbacks), marks


def _translated(translation: str, sentence: SentenceSlot) -> list[Token]:
    """The tokens of *translation* in place of *sentence*, its comments kept.

    A translation the same as the msgid gives the source back as it was, its spaces and
    comments where they were. Raises :class:`TagMismatch` for a translation not usable.
    """
    if translation == sentence.segment.msgid:
        return list(sentence.tokens)
    return _keep_hidden(parse_tagged(_holdable(translation), sentence.tokens), sentence.tokens)


def _keep_hidden(translated: Sequence[Token], source: Sequence[Token]) -> list[Token]:
    """*translated* with the comments of its *source* sentence laid out among its tags.

    A comment has no place among translated words, but it keeps its place among the
    sentence's tags, so it stays in the element that held it: right after the tag before
    it when only space lies between them, else right before the tag after it, else at the
    end of the sentence.
    """
    after: dict[Token, list[Token]] = {}
    before: dict[Token, list[Token]] = {}
    waiting: list[Token] = []  # comments that go before the next tag
    previous: Token | None = None  # the last tag seen
    spaced = False  # only space lies between the last tag and here
    for token in source:
        if isinstance(token, Hidden):
            if previous is not None and spaced:
                after.setdefault(previous, []).append(token)
            else:
                waiting.append(token)
        elif isinstance(token, Text):
            spaced = spaced and not token.text.strip(HTML_SPACE)
        else:
            if waiting:
                before[token] = waiting
                waiting = []
            previous, spaced = token, True
    if not (after or before or waiting):
        return list(translated)
    out: list[Token] = []
    for token in translated:
        out.extend(before.get(token, ()))
        out.append(token)
        out.extend(after.get(token, ()))
    out.extend(waiting)
    return out


def _ends_unspaced(tokens: Sequence[Token]) -> bool:
    """True when the text of *tokens* ends in a script written without spaces."""
    for token in reversed(tokens):
        if isinstance(token, Text) and token.text.strip(HTML_SPACE):
            return joins_without_space(token.text.rstrip(HTML_SPACE)[-1])
    return False


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


def _place_marks(
    slot: RunSlot, tokens: list[Token], fallbacks: Sequence[tuple[int, int, int]], all_fell_back: bool
) -> tuple[list[Token], list[etree._Element]]:
    """Say where each fallback of a run is marked: (the tokens, spans added, and what to mark).

    The smallest element that holds exactly the fallback text is marked: an inline element
    around the sentence, or the container when the run is all of it; else a new span.
    """
    if all_fell_back and len(fallbacks) > 1 and _whole(slot):
        return tokens, [slot.container]
    marks: list[etree._Element] = []
    out = list(tokens)
    for index, start, end in reversed(fallbacks):
        element = _wrapper(slot.parts, index)
        if element is None and all_fell_back and _whole(slot):
            element = slot.container
        if element is None:
            element = slot.container.makeelement(_same_namespace(slot.container, "span"), {})
            out[start:end] = [Open(element), *out[start:end], Close(element)]
        marks.append(element)
    return out, marks


def _wrapper(parts: Sequence[Union[Token, SentenceSlot]], index: int) -> etree._Element | None:
    """The inline element around the sentence at *index*, with nothing but space beside it."""
    before, after = index - 1, index + 1
    while before >= 0 and _blank(parts[before]):
        before -= 1
    while after < len(parts) and _blank(parts[after]):
        after += 1
    if before < 0 or after >= len(parts):
        return None
    opening, closing = parts[before], parts[after]
    if isinstance(opening, Open) and isinstance(closing, Close) and opening.element is closing.element:
        return opening.element
    return None


def _blank(part: Union[Token, SentenceSlot]) -> bool:
    return isinstance(part, Hidden) or (isinstance(part, Text) and not part.text.strip(HTML_SPACE))


def _whole(slot: RunSlot) -> bool:
    """True when the run's sentences are all its container holds, the root aside.

    An image or a line break beside the sentences keeps the container unmarked: its
    ``alt`` may be translated.
    """
    container = slot.container
    return (
        slot.anchor is None
        and container.getparent() is not None
        and len(container) == len(slot.members)
        and local_name(container.tag) not in ("head", "html")
        and all(isinstance(p, (SentenceSlot, Open, Close)) or _blank(p) for p in slot.parts)
    )


def _same_namespace(element: etree._Element, name: str) -> str:
    """*name* in the namespace of *element*: a span in an XHTML tree is an XHTML span."""
    namespace = etree.QName(element).namespace
    return name if namespace is None else f"{{{namespace}}}{name}"


@dataclass(frozen=True)
class _PageLanguages:
    """How this page declares languages, and what a mark of the source language says."""

    names: tuple[str, ...]  # the attributes the page declares a language with
    source: str  # the tag of text kept in the source language
    direction: str | None  # a mark's `dir`, when the source's direction is not the target's

    @classmethod
    def of(cls, tree: etree._ElementTree, options: AssembleOptions) -> _PageLanguages:
        root = tree.getroot()
        names: list[str] = []
        if root.xpath("boolean(//@lang)"):
            names.append("lang")
        found = root.xpath("(//*[@*[name()='xml:lang']])[1]")
        if isinstance(found, list) and found and isinstance(found[0], etree._Element):
            names.append(XML_LANG if found[0].get(XML_LANG) is not None else HTML_XML_LANG)
        if not names:
            names = list(_default_names(tree))
        source = options.segment.source_language
        declared = root.get("lang") or root.get(XML_LANG) or root.get(HTML_XML_LANG) or ""
        if declared.strip() and primary_subtag(declared) == primary_subtag(source):
            source = declared.strip()
        try:
            direction = language(source).direction
        except LanguageError:
            direction = "ltr"
        return cls(tuple(names), source, direction if direction != options.language.direction else None)

    def declare(self, element: etree._Element, tag: str) -> None:
        """Set every language attribute *element* has to *tag*."""
        for name in ("lang", XML_LANG, HTML_XML_LANG):
            if element.get(name) is not None:
                element.set(name, tag)

    def mark(self, element: etree._Element) -> None:
        """Declare that *element* holds text in the source language."""
        present = [n for n in ("lang", XML_LANG, HTML_XML_LANG) if element.get(n) is not None]
        for name in present or self.names:
            element.set(name, self.source)
        if self.direction is not None:
            element.set("dir", self.direction)


def _default_names(tree: etree._ElementTree) -> tuple[str, ...]:
    """The attributes for a page that declares no language: what its syntax expects."""
    if etree.QName(tree.getroot()).namespace is None:
        return ("lang",)
    if "XHTML 1.1" in (tree.docinfo.public_id or ""):
        return (XML_LANG,)  # XHTML 1.1 has no lang attribute
    return ("lang", XML_LANG)


def _declaring_source(root: etree._Element, options: AssembleOptions) -> list[etree._Element]:
    """Elements under the root that declare the source language and are translated."""
    source = primary_subtag(options.segment.source_language)
    found = root.xpath("//*[@lang or @*[name()='xml:lang']]")
    declared: list[etree._Element] = []
    for element in found if isinstance(found, list) else ():
        if not isinstance(element, etree._Element) or element is root:
            continue
        values = [element.get(n) for n in ("lang", XML_LANG, HTML_XML_LANG)]
        if not any(v and v.strip() and primary_subtag(v) == source for v in values):
            continue
        if not in_skipped_part(element, options.segment):
            declared.append(element)
    return declared


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


def _localize_root(root: etree._Element, options: AssembleOptions, languages: _PageLanguages) -> None:
    language = options.language
    present = [n for n in ("lang", XML_LANG, HTML_XML_LANG) if root.get(n) is not None]
    names = set(present or languages.names)
    if XML_LANG not in languages.names or "lang" in languages.names:
        names.add("lang")  # every HTML page names its language; XHTML 1.1 in xml:lang only
    for name in names:
        root.set(name, language.tag)
    root.set("dir", language.direction)
    head = next(root.iterchildren("{*}head"), None)
    if head is None:
        return
    for meta in head.iter("{*}meta"):
        if meta.get("charset") is not None:
            meta.set("charset", "UTF-8")
        elif (meta.get("http-equiv") or "").lower() == "content-language":
            meta.set("content", language.tag)  # a language declaration like any other
        elif (meta.get("http-equiv") or "").lower() == "content-type":
            # The media type stays: an XHTML page served as XML says so.
            media = (meta.get("content") or "").split(";", 1)[0].strip() or "text/html"
            meta.set("content", f"{media}; charset=UTF-8")
        elif (meta.get("property") or "") == "og:locale":
            meta.set("content", language.og_locale)
    if not options.alternates:
        return
    anchor: etree._Element | None = None
    for link in list(head.iter("{*}link")):
        rel = (link.get("rel") or "").lower().split()
        if "alternate" in rel and link.get("hreflang") is not None:
            _remove_keeping_tail(link)
        elif "canonical" in rel:
            anchor = link
    # After the canonical link if there is one, else at the end of <head>; one per line.
    index = head.index(anchor) + 1 if anchor is not None else len(head)
    for hreflang, href in options.alternates:
        attributes = {"rel": "alternate", "hreflang": hreflang, "href": href}
        link = head.makeelement(_same_namespace(head, "link"), attributes)
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


def _localize_dates(root: etree._Element, options: AssembleOptions) -> list[KeptTime]:
    """Tell the text of each ``<time datetime>`` in the target language; say which stay.

    A ``<time>`` in a part of the page that segmentation skips stays as it is, like the
    rest of that part, and needs no word. One that cannot be localized keeps its text and
    becomes a :class:`KeptTime`.
    """
    kept: list[KeptTime] = []
    for time in root.iter("{*}time"):
        stamp = time.get("datetime")
        if stamp is None or in_skipped_part(time, options.segment):
            continue
        line = time.sourceline if isinstance(time.sourceline, int) else 0
        text = time.text or ""
        if len(time):
            shown = "".join(str(t) for t in time.itertext())
            kept.append(KeptTime(line, stamp, shown, "the <time> holds markup; the text is kept"))
            continue
        if not text.strip():
            continue  # nothing shown, nothing to tell
        try:
            localized = localize(stamp, text, options.language.locale, options.date_format)
        except Unlocalizable as exc:
            kept.append(KeptTime(line, stamp, text, f"{exc}; the text is kept"))
            continue
        # The spaces around the text are the page's, not the date's.
        lead = text[: len(text) - len(text.lstrip(HTML_SPACE))]
        trail = text[len(text.rstrip(HTML_SPACE)) :]
        time.text = f"{lead}{localized}{trail}"
    return kept
