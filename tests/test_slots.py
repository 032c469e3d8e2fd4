"""Slots as plain data: bound again to another parse or a copy of the page, they are the
slots that segmenting it would give; data that does not fit the page is refused."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO
from corpuscheck import OWN_PAGES, CorpusMissing, corpus_pages

from translate_flow.htmldoc import Page, parse_html
from translate_flow.segment import AttributeSlot, RunSlot, SegmentOptions, locate
from translate_flow.slots import bind, plain

try:
    CORPUS = corpus_pages()
except CorpusMissing:  # test_corpus.py says so; the pages of the repository still count
    CORPUS = sorted(OWN_PAGES.glob("*.html"))
PAGES = [
    *CORPUS,
    REPO / "articles" / "bilash-free-but-silenced.html",
    *(p for p in sorted((REPO / "tests" / "data" / "pages").glob("*.html"))
      if p.name not in {"malformed.html", "bom-utf16.html"}),
]
OPTIONS = SegmentOptions("en")


def parse(path: Path) -> Page:
    return parse_html(path.read_bytes(), path.name)


@pytest.mark.parametrize("path", PAGES, ids=[f"{p.parent.name}/{p.stem}" for p in PAGES])
def test_kept_slots_are_the_slots_of_a_new_parse(path: Path) -> None:
    """Through JSON and into another parse of the same bytes: what segmenting it gives."""
    first = parse(path)
    data = json.loads(json.dumps(plain(locate(first.tree, OPTIONS), first.tree)))
    second = parse(path)
    assert bind(data, second.tree) == locate(second.tree, OPTIONS)


def test_slots_bind_to_a_copy_of_the_page_with_the_source_lines() -> None:
    """A deep copy has no source lines; slots bound to it keep the page's."""
    page = parse(REPO / "articles" / "bilash-free-but-silenced.html")
    slots = locate(page.tree, OPTIONS)
    twin = copy.deepcopy(page.tree)
    bound = bind(plain(slots, page.tree), twin)
    assert [s.segment.line for s in _segments(bound)] == [s.segment.line for s in _segments(slots)]
    assert max(s.segment.line for s in _segments(bound)) > 100
    twin_nodes = set(twin.getroot().iter())
    assert all(s.container in twin_nodes for s in bound if isinstance(s, RunSlot))
    assert all(s.element in twin_nodes for s in bound if isinstance(s, AttributeSlot))


def _segments(slots: list[Any]) -> list[Any]:
    return [p for s in slots for p in (s.parts if isinstance(s, RunSlot) else [s]) if hasattr(p, "segment")]


PAGE = b"""<!DOCTYPE html><html lang="en"><head><title>Cafe</title></head>
<body><!-- a comment --><p>A cafe <b>opened</b> today.<img alt="The square" src="s.jpg"></p></body></html>
"""


def _broken(change: str) -> Any:
    page = parse_html(PAGE, "cafe.html")
    data: Any = plain(locate(page.tree, OPTIONS), page.tree)
    run = next(item for item in data if len(item) == 4 and any(type(p) is list for p in item[3]))
    sentence = next(p for p in run[3] if type(p) is list)
    comment = next(i for i, n in enumerate(page.tree.getroot().iter()) if not isinstance(n.tag, str))
    if change == "node-out-of-range":
        run[0] = 10_000
    elif change == "negative-node":
        run[1] = -5
    elif change == "element-is-a-comment":
        run[0] = comment
    elif change == "comment-is-an-element":
        sentence[4].append(0 * 4 + 3)
    elif change == "true-for-a-number":
        run[0] = True
    elif change == "line-as-text":
        sentence[2] = "12"
    elif change == "msgid-as-number":
        sentence[0] = 7
    elif change == "token-of-another-type":
        sentence[4].append(1.5)
    elif change == "wrong-shape":
        data.append([1, 2])
    elif change == "not-a-list":
        data = {"slots": data}
    return data


@pytest.mark.parametrize(
    "change",
    ["node-out-of-range", "negative-node", "element-is-a-comment", "comment-is-an-element",
     "true-for-a-number", "line-as-text", "msgid-as-number", "token-of-another-type", "wrong-shape",
     "not-a-list"],
)
def test_data_that_does_not_fit_the_page_is_refused(change: str) -> None:
    page = parse_html(PAGE, "cafe.html")
    with pytest.raises(ValueError, match="do not fit the page"):
        bind(_broken(change), page.tree)


def test_unchanged_data_fits() -> None:
    """The damage above is all that makes _broken's data unfit."""
    page = parse_html(PAGE, "cafe.html")
    data = plain(locate(page.tree, OPTIONS), page.tree)
    assert bind(data, page.tree) == locate(page.tree, OPTIONS)
