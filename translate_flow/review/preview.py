"""The localized page as ``build`` would publish it, with each sentence marked for review.

The page is assembled by :func:`translate_flow.assemble.assemble`, the code ``build`` runs,
from the catalog as it is on disk. Each entry's text (its translation, or its source where
nothing would be published) travels through assembly between private-use characters that
say which entry it is; after serialization they become ``<span class="tf-seg"
data-tf="N">`` elements the review page highlights and listens to. Model text is escaped
by assembly as always, so the spans are the only markup this module adds.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from lxml import etree

from ..assemble import AssembleOptions, assemble
from ..catalog import Key, Message
from ..htmldoc import Page, serialize
from ..languages import Language
from ..markup import HTML_SPACE
from ..pipeline.extraction import Segmentation, segment_options
from ..config import Config
from ..textrules import UNSPACED_CHARS

__all__ = ["Preview", "render_preview"]

_START, _SEP, _END = "\ue000", "\ue001", "\ue002"
_MARKER = re.compile(f"{_START}([0-9]+){_SEP}|{_END}")
_ANY_MARK = re.compile(f"{_START}[0-9]*{_SEP}?|{_END}")
# Chinese and Japanese sentences follow each other without a space; build drops the
# source's space between two of them, which the end marker would otherwise keep.
_UNSPACED_GAP = re.compile(f"(?<=[{UNSPACED_CHARS}]){_END}[{HTML_SPACE}]+(?={_START})")
# Where a span cannot go: text the browser shows as it is, or not at all.
_UNMARKED = frozenset({"head", "title", "option", "textarea", "script", "style", "template"})


@dataclass(frozen=True)
class Preview:
    """A localized page for the review frame, and how many of its sentences were marked."""

    html: str
    marked: int


def render_preview(
    config: Config, page: Page, located: Segmentation, language: Language, messages: Sequence[Message],
    published: Mapping[Key, str], *, base_href: str, stylesheet: str,
) -> Preview:
    """The page *page* (its slots *located*) assembled in *language* from *messages* (the
    catalog's active entries, in order), each sentence inside a span numbered by its
    entry's index: the *published* translation (as build's rule gives them), else the
    source text.

    Links and images resolve against *base_href*; *stylesheet* (the highlight's) is linked
    last in the head. The source tree is left as it was.
    """
    marked: dict[Key, str] = {}
    for index, message in enumerate(messages):
        text = published.get(message.key, message.msgid)
        marked[message.key] = f"{_START}{index}{_SEP}{text}{_END}"
    tree = copy.deepcopy(page.tree)
    options = AssembleOptions(language=language, segment=segment_options(config), date_format=config.build.date_format)
    result = assemble(tree, marked, options, located.on(tree))
    root = result.html_tree.getroot()
    _unmark_where_spans_cannot_go(root)
    _point_at(root, base_href, stylesheet)
    text = _UNSPACED_GAP.sub(_END, serialize(result.html_tree, page))
    count = 0

    def span(match: re.Match[str]) -> str:
        nonlocal count
        if match.group(1) is None:
            return "</span>"
        count += 1
        return f'<span class="tf-seg" data-tf="{match.group(1)}">'

    return Preview(_MARKER.sub(span, text), count)


def _unmark_where_spans_cannot_go(root: etree._Element) -> None:
    """Remove the markers from attributes and from elements whose text is not markup."""
    for element in root.iter():
        for name, value in element.attrib.items():
            if isinstance(value, str) and (_START in value or _END in value):
                element.set(name, _ANY_MARK.sub("", value))
        if not isinstance(element.tag, str):
            continue
        if element.tag.rpartition("}")[2].lower() in _UNMARKED:
            for node in element.iter():
                if node.text and (_START in node.text or _END in node.text):
                    node.text = _ANY_MARK.sub("", node.text)
                if node is not element and node.tail and (_START in node.tail or _END in node.tail):
                    node.tail = _ANY_MARK.sub("", node.tail)


def _point_at(root: etree._Element, base_href: str, stylesheet: str) -> None:
    """Resolve the page's relative URLs against *base_href* (its own ``<base>`` goes: the
    frame serves the article's folder, nothing else) and link *stylesheet*."""
    head = next((e for e in root.iter() if isinstance(e.tag, str) and e.tag.rpartition("}")[2].lower() == "head"), None)
    if head is None:
        head = root.makeelement(_named(root, "head"), {})
        root.insert(0, head)
    for old in [e for e in head.iter() if isinstance(e.tag, str) and e.tag.rpartition("}")[2].lower() == "base"]:
        parent = old.getparent()
        if parent is not None:
            parent.remove(old)
    base = head.makeelement(_named(root, "base"), {"href": base_href, "target": "_self"})
    base.tail = head.text
    head.insert(0, base)
    link = head.makeelement(_named(root, "link"), {"rel": "stylesheet", "href": stylesheet})
    head.append(link)


def _named(root: etree._Element, name: str) -> str:
    """*name* in the namespace of *root* (XHTML pages), or plain."""
    tag = root.tag if isinstance(root.tag, str) else ""
    return f"{tag.partition('}')[0]}}}{name}" if tag.startswith("{") else name
