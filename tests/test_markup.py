"""Numbered tags: rendering, escaping and the strict parser of translations."""

from __future__ import annotations

import pytest
from lxml import etree

from translate_flow.markup import (
    Close,
    Open,
    TagMismatch,
    Text,
    Token,
    Void,
    escape_text,
    parse_tagged,
    render,
    unescape_text,
)


def _tokens() -> list[Token]:
    a = etree.Element("a", href="https://example.org/")
    em = etree.Element("em")
    br = etree.Element("br")
    return [Text("See "), Open(a), Text("the "), Open(em), Text("report"), Close(em), Close(a),
            Void(br), Text("now.")]


def test_render_numbers_tags_in_order_and_hides_attributes() -> None:
    assert render(_tokens()) == "See <a1>the <em2>report</em2></a1><br3/>now."


def test_render_collapses_whitespace_but_keeps_no_break_spaces() -> None:
    assert render([Text("$\u00a0300 in\n\t  cash")]) == "$\u00a0300 in cash"


@pytest.mark.parametrize(
    "text",
    ["plain", "5 < 7", "<p> is a tag", "the <em1> placeholder", "&lt;em1>", "&amp;lt;x", "a & b",
     "</a1>", "<br2/>", "&lt;", "&amp;amp;lt;"],
    ids=["plain", "less-than", "html-like", "numbered-tag-lookalike", "escaped-lookalike",
         "double-escaped", "ampersand", "closing-lookalike", "void-lookalike", "bare-entity",
         "triple-escaped"],
)
def test_escape_is_reversible(text: str) -> None:
    escaped = escape_text(text)
    assert unescape_text(escaped) == text
    assert parse_tagged(escaped, []) == ([Text(text)] if text else [])


def test_escape_only_touches_tag_lookalikes() -> None:
    assert escape_text("5 < 7 and <p>") == "5 < 7 and <p>"
    assert escape_text("the <em1> tag") == "the &lt;em1> tag"


def test_parse_binds_tags_to_source_elements_in_any_order() -> None:
    source = _tokens()
    parsed = parse_tagged("<br3/>Jetzt <a1>den <em2>Bericht</em2></a1> lesen.", source)
    assert [type(t).__name__ for t in parsed] == [
        "Void", "Text", "Open", "Text", "Open", "Text", "Close", "Close", "Text"]
    assert parsed[2].element is source[1].element  # type: ignore[union-attr]
    assert parsed[0].element is source[7].element  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("translation", "problem"),
    [
        ("See the report<br3/>now.", "missing tag <a1>"),
        ("See <a1>the <em2>report</em2></a1>now.", "missing tag <br3/>"),
        ("<a1>x</a1><a1>y</a1><em2></em2><br3/>", "appears twice"),
        ("<a1><em2>x</a1></em2><br3/>", "misplaced closing"),
        ("<a1>x<em2>y</em2><br3/>", "never closed"),
        ("<a1>x</a1><em2>y</em2><br3/><b9>z</b9>", "unknown tag <b9>"),
        ("<a1/><em2>y</em2><br3/>", "written as <a1/>"),
        ("<a1>x</a1><em2>y</em2><br3>", "written as <br3>"),
        ("<a1>x</a1><em2>y</em2><br3/></br3>", "misplaced closing"),
    ],
    ids=["missing-paired", "missing-void", "duplicated", "crossed", "unclosed", "unknown",
         "paired-as-void", "void-as-paired", "void-closed"],
)
def test_parse_rejects_tag_changes(translation: str, problem: str) -> None:
    with pytest.raises(TagMismatch, match=problem):
        parse_tagged(translation, _tokens())


@pytest.mark.parametrize(
    "translation",
    ["<script>alert(1)</script>", '<a1 href="javascript:x">', "<img src=x onerror=y>", "</p><p>"],
    ids=["script", "attribute-in-tag", "event-handler", "block-break"],
)
def test_markup_that_is_not_a_numbered_tag_is_text(translation: str) -> None:
    assert parse_tagged(translation, []) == [Text(translation)]
