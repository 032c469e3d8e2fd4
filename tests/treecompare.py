"""Compare a built page with its source as parsed trees, not strings."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree

from translate_flow.htmldoc import parse_html

_SPACE = re.compile(r"[ \t\n\r\f]+")

# What a build changes on purpose, outside segments.
LOCALIZED_ROOT_ATTRIBUTES = frozenset({"lang", "dir"})
SKIPPED = frozenset({"script", "style", "code", "kbd", "samp", "var", "pre", "template", "math"})
TRANSLATABLE_ATTRIBUTES = frozenset(
    {"alt", "title", "aria-label", "placeholder", "label", "value", "content",
     "aria-description", "aria-roledescription", "aria-placeholder"}
)


def norm(text: str | None) -> str:
    """Text with HTML whitespace collapsed and trimmed."""
    return _SPACE.sub(" ", text or "").strip()


def load(data: bytes, name: str = "page.html") -> etree._Element:
    """Parse page bytes with the project's own reader."""
    return parse_html(data, name).tree.getroot()


@dataclass(frozen=True)
class Node:
    """One element of a page, as seen by the comparison."""

    path: str
    tag: str
    attributes: tuple[tuple[str, str], ...]
    text: str
    tail: str
    skipped: bool  # inside content that is never translated


def _is_alternate(element: etree._Element) -> bool:
    return element.tag == "link" and element.get("hreflang") is not None


def nodes(root: etree._Element, source_language: str = "en") -> Iterator[Node]:
    """Every element in document order, hreflang links (added by builds) left out."""

    def walk(element: etree._Element, path: str, skipped: bool) -> Iterator[Node]:
        tag = element.tag if isinstance(element.tag, str) else "#comment"
        lang = element.get("lang") if isinstance(element.tag, str) else None
        here_skipped = skipped or tag in SKIPPED or (
            isinstance(element.tag, str)
            and (
                (element.get("translate") or "").lower() == "no"
                or "notranslate" in (element.get("class") or "").split()
                or (lang is not None and element.getparent() is not None
                    and lang.split("-")[0].lower() != source_language)
                or (tag == "time" and element.get("datetime") is not None)
            )
        )
        attributes = tuple(sorted(element.attrib.items())) if isinstance(element.tag, str) else ()
        yield Node(path, tag, attributes, element.text or "", element.tail or "", here_skipped)
        index = 0
        for child in element:
            if isinstance(child.tag, str) and _is_alternate(child):
                continue
            index += 1
            yield from walk(child, f"{path}/{child.tag if isinstance(child.tag, str) else '#'}[{index}]", here_skipped)

    yield from walk(root, root.tag, False)


def visible_text(root: etree._Element) -> str:
    """All text of the page outside script/style, whitespace collapsed."""
    parts: list[str] = []
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag not in ("script", "style"):
            parts.append(element.text or "")
        parts.append(element.tail or "")
    return norm(" ".join(parts))
