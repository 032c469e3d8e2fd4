"""Inline markup as numbered tags: the text form translators and engines see.

A run of inline content is a flat sequence of tokens: text, the opening and closing of an
inline element, and standalone elements (``<br>``, ``<img>``, protected ``<code>``). In a
msgid each element becomes a short numbered tag (``<a1>…</a1>``, ``<br2/>``); attributes
never appear.

Text in a msgid or msgstr follows one rule, the rule of text in HTML: a character reference
(``&lt;``, ``&amp;``, ``&nbsp;``, ``&#160;``) stands for its character, as
:func:`html.unescape` reads it; any other ``&`` and any ``<`` that does not start a numbered
tag is the character itself. So a msgid escapes only what would otherwise be misread: an
``&`` that starts a reference (``&amp;``) and a ``<`` that starts a tag lookalike (``&lt;``).
Anything else that looks like HTML in a translation (``<b>``, ``<script>``) is text, shown
as written, never markup; :func:`html_in` finds it for the checks.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal, Union

from lxml import etree

from .policy import local_name

__all__ = [
    "Close",
    "HTML_SPACE",
    "Hidden",
    "Open",
    "TagMismatch",
    "Text",
    "Token",
    "Void",
    "check_tags",
    "escape_text",
    "html_in",
    "parse_tagged",
    "references",
    "WORD_SEPARATING_VOIDS",
    "scan",
    "spaced_voids",
    "tag_kinds",
    "render",
    "tag_keys",
    "unescape_text",
    "without_html",
]


@dataclass(frozen=True)
class Text:
    """A piece of character data."""

    text: str


@dataclass(frozen=True)
class _Bound:
    """A token bound to one element of the page."""

    element: etree._Element


class Open(_Bound):
    """The start of an inline element whose content belongs to the run."""


class Close(_Bound):
    """The end of an inline element opened by :class:`Open`."""


class Void(_Bound):
    """An element kept whole in the run: a line break, an image, protected code."""


@dataclass(frozen=True)
class Hidden:
    """A comment or processing instruction inside inline markup: kept, never shown."""

    node: etree._Element


Token = Union[Text, Open, Close, Void, Hidden]

# A numbered tag: `<a1>`, `</a1>`, `<br2/>`. The key is everything between the brackets
# and always ends in a digit, so `h1` style names cannot be confused with numbering.
TAG_RE = re.compile(r"<(/?)([a-z][a-z0-9-]*[0-9])(/?)>")
_AMBIGUOUS_LT = re.compile(r"<(?=/?[a-z][a-z0-9-]*[0-9]/?>)")
# A character reference as html.unescape finds one (a name or number, `;` optional); it
# stands for a character only when html.unescape changes it (`&T` stays `&T`).
_REFERENCE = re.compile(r"&(?:#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)")
# What a reference may stand for that a page cannot hold: a form feed is whitespace.
_UNHOLDABLE_REFERENCE: Mapping[str, str] = {"\x0c": " "}
# HTML's whitespace (the no-break space is none): what the parser and browsers collapse.
HTML_SPACE = " \t\n\r\f"
_WHITESPACE = re.compile(f"[{HTML_SPACE}]+")
_NOT_IN_TAG_NAME = re.compile(r"[^a-z0-9-]")
# HTML a translator may write instead of numbered tags: a start or end tag with any
# attributes, a comment, a doctype or processing instruction. A script or style element
# counts with its content, which is code, not words, up to its end tag or the end.
_ATTRIBUTE = r"""\s+[^\s"'<>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'<>=`]+))?"""
_HTML = re.compile(
    r"<(script|style)(?![a-z0-9-])[^>]*>.*?(?:</\1\s*>|$)"
    r"|</?[a-z][a-z0-9:_.-]*(?:" + _ATTRIBUTE + r")*\s*/?>"
    r"|<!--.*?(?:-->|$)|<![a-z\[][^>]*>|<\?[^>]*>",
    re.IGNORECASE | re.DOTALL,
)


class TagMismatch(ValueError):
    """A translation's numbered tags differ from its source's."""


def escape_text(text: str) -> str:
    """Return page *text* written as msgid text: each ``&`` that would start a character
    reference as ``&amp;``, each ``<`` that would start a numbered tag as ``&lt;``.

    :func:`unescape_text` gives *text* back, whatever it holds.
    """
    if "&" in text:
        text = _REFERENCE.sub(_escape_reference, text)
    if "<" in text:
        text = _AMBIGUOUS_LT.sub("&lt;", text)
    return text


def unescape_text(text: str) -> str:
    """The page text that msgid or msgstr *text* (without numbered tags) stands for: each
    character reference replaced by its character, as :func:`html.unescape` does."""
    return _REFERENCE.sub(_decode, text) if "&" in text else text


def references(text: str) -> Iterator[tuple[int, int, str]]:
    """Each character reference in msgid or msgstr *text* that stands for a character, in
    order: its start, its end, and what :func:`unescape_text` puts in its place."""
    if "&" not in text:
        return
    for match in _REFERENCE.finditer(text):
        shown = _decode(match)
        if shown != match.group(0):
            yield match.start(), match.end(), shown


def _decode(match: re.Match[str]) -> str:
    character = html.unescape(match.group(0))
    return _UNHOLDABLE_REFERENCE.get(character, character)


def _escape_reference(match: re.Match[str]) -> str:
    found = match.group(0)
    return found if html.unescape(found) == found else "&amp;" + found[1:]


def html_in(text: str) -> list[str]:
    """The pieces of HTML in msgid or msgstr *text* other than numbered tags (``<b>``,
    ``</div>``, ``<a href="…">``, ``<script>…</script>``), in order. They are text on the
    page, shown as written."""
    if "<" not in text:
        return []
    return [m.group(0) for m in _HTML.finditer(text) if not TAG_RE.fullmatch(m.group(0))]


def without_html(text: str) -> str:
    """*text* without the pieces :func:`html_in` finds: what remains is what a translator
    meant as words, for the checks that read words and figures."""
    if "<" not in text:
        return text
    return _HTML.sub(lambda m: m.group(0) if TAG_RE.fullmatch(m.group(0)) else "", text)


# Void elements a reader sees as a gap between the words on either side: a line break and a
# rule. `wbr` is left out: it offers a line break inside a word ("bitter<wbr>winter.org")
# and joins what it stands between.
WORD_SEPARATING_VOIDS = frozenset({"br", "hr"})
_TAG_NUMBER = re.compile(r"[0-9]+$")


def spaced_voids(msgid: str) -> str:
    """*msgid* with a space after each word-separating void tag (:data:`WORD_SEPARATING_VOIDS`)
    that stands between two words, so that the text without tags keeps them apart:
    ``Chief<br1/><strong2>MASSIMO`` becomes ``Chief<br1/> <strong2>MASSIMO``."""
    if "/>" not in msgid:
        return msgid
    parts: list[str] = []
    position = 0
    for match in TAG_RE.finditer(msgid):
        if not match.group(3) or _TAG_NUMBER.sub("", match.group(2)) not in WORD_SEPARATING_VOIDS:
            continue
        before = unescape_text(TAG_RE.sub("", msgid[: match.start()]))
        after = unescape_text(TAG_RE.sub("", msgid[match.end() :]))
        if before[-1:].strip() and after[:1].strip():
            parts += [msgid[position : match.end()], " "]
            position = match.end()
    return "".join(parts) + msgid[position:] if parts else msgid


def collapse(text: str) -> str:
    """Collapse runs of HTML whitespace to one space (no-break spaces are kept)."""
    if "  " not in text and text.isprintable():
        return text  # nothing to collapse: no two spaces, no tab or line break
    return _WHITESPACE.sub(" ", text)


def _tag_name(element: etree._Element) -> str:
    tag = element.tag
    return _tag_name_of(tag) if isinstance(tag, str) else "x"


@lru_cache(maxsize=1024)
def _tag_name_of(tag: str) -> str:
    """The name part of a numbered tag; cached, as pages use few distinct tags, often."""
    name = _NOT_IN_TAG_NAME.sub("", local_name(tag))
    return name if name and name[0].isalpha() else "x" + name


def tag_keys(tokens: Iterable[Token]) -> dict[int, str]:
    """Number the elements of *tokens* in order of appearance: ``id(element) -> "a1"``."""
    keys: dict[int, str] = {}
    for token in tokens:
        if isinstance(token, (Open, Void)):
            keys[id(token.element)] = f"{_tag_name(token.element)}{len(keys) + 1}"
    return keys


def render(tokens: Sequence[Token]) -> str:
    """Render a balanced token sequence as msgid text with numbered tags."""
    keys = tag_keys(tokens)
    parts: list[str] = []
    text: list[str] = []  # text runs on across hidden comments, so spaces collapse across them
    for token in tokens:
        if isinstance(token, Text):
            text.append(token.text)
            continue
        if isinstance(token, Hidden):
            continue
        if text:
            parts.append(escape_text("".join(text)))
            text.clear()
        if isinstance(token, Open):
            parts.append(f"<{keys[id(token.element)]}>")
        elif isinstance(token, Close):
            parts.append(f"</{keys[id(token.element)]}>")
        else:
            parts.append(f"<{keys[id(token.element)]}/>")
    if text:
        parts.append(escape_text("".join(text)))
    # Collapsing spaces once for the whole is the same as for each text: tags hold no
    # spaces, so no run of them reaches across one (nor does escaping change one).
    return collapse("".join(parts))


Kind = Literal["open", "close", "void"]


def parse_tagged(text: str, source: Sequence[Token]) -> list[Token]:
    """Turn a translation back into tokens bound to the elements of its *source* tokens.

    Raises :class:`TagMismatch` unless the translation has exactly the source's tags,
    each once, paired tags properly nested. Everything else is text, never markup.
    """
    if "<" not in text and not any(isinstance(token, (Open, Void)) for token in source):
        return [Text(unescape_text(text))] if text else []  # no tags to expect, none to find
    keys = tag_keys(source)
    elements: dict[str, etree._Element] = {}
    kinds: dict[str, Kind] = {}
    for token in source:
        if isinstance(token, (Open, Void)):
            key = keys[id(token.element)]
            elements[key] = token.element
            kinds[key] = "open" if isinstance(token, Open) else "void"
    tokens: list[Token] = []
    for kind, value in scan(text, kinds):
        if kind == "text":
            tokens.append(Text(value))
        elif kind == "open":
            tokens.append(Open(elements[value]))
        elif kind == "close":
            tokens.append(Close(elements[value]))
        else:
            tokens.append(Void(elements[value]))
    return tokens


def tag_kinds(msgid: str) -> dict[str, Kind]:
    """The numbered tags of a msgid: ``{"a1": "open", "br2": "void"}``."""
    kinds: dict[str, Kind] = {}
    for match in TAG_RE.finditer(msgid):
        closing, key, slash = match.groups()
        if not closing:
            kinds[key] = "void" if slash else "open"
    return kinds


def check_tags(msgid: str, translation: str) -> None:
    """Raise :class:`TagMismatch` unless *translation* has exactly the tags of *msgid*."""
    scan(translation, tag_kinds(msgid))


def scan(text: str, kinds: Mapping[str, Kind]) -> list[tuple[str, str]]:
    """Split tagged text into ("text", str), ("open" | "close" | "void", key) events.

    Raises :class:`TagMismatch` unless the text has each tag of *kinds* exactly once, in
    its kind, paired tags properly nested.
    """
    events: list[tuple[str, str]] = []
    seen: set[str] = set()
    stack: list[str] = []
    position = 0
    for match in TAG_RE.finditer(text):
        if match.start() > position:
            events.append(("text", unescape_text(text[position : match.start()])))
        position = match.end()
        closing, key, slash = match.group(1), match.group(2), match.group(3)
        if closing and slash:
            raise TagMismatch(f"malformed tag {match.group(0)}")
        kind = kinds.get(key)
        if kind is None:
            raise TagMismatch(f"unknown tag {match.group(0)}")
        if closing:
            if kind != "open" or not stack or stack[-1] != key:
                raise TagMismatch(f"misplaced closing tag {match.group(0)}")
            stack.pop()
            events.append(("close", key))
            continue
        if key in seen:
            raise TagMismatch(f"tag {match.group(0)} appears twice")
        seen.add(key)
        if kind == "void":
            if not slash:
                raise TagMismatch(f"<{key}/> written as {match.group(0)}")
            events.append(("void", key))
        else:
            if slash:
                raise TagMismatch(f"<{key}> written as {match.group(0)}")
            stack.append(key)
            events.append(("open", key))
    if position < len(text):
        events.append(("text", unescape_text(text[position:])))
    if stack:
        raise TagMismatch(f"<{stack[-1]}> is never closed")
    missing = sorted(set(kinds) - seen, key=_natural)
    if missing:
        raise TagMismatch("missing tag " + ", ".join(_show(k, kinds) for k in missing))
    return events


def _natural(key: str) -> tuple[int, str]:
    digits = re.search(r"[0-9]+$", key)
    return (int(digits.group(0)) if digits else 0, key)


def _show(key: str, kinds: Mapping[str, Kind]) -> str:
    return f"<{key}/>" if kinds[key] == "void" else f"<{key}>"
