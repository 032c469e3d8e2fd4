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
    html_in,
    parse_tagged,
    references,
    render,
    unescape_text,
    without_html,
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


NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        ("&lt;ok&gt; &amp; &nbsp;", f"<ok> & {NBSP}"),
        ("&#60;&#x3C;&#X3c;&#060", "<<<<"),
        ("&copy; 2024, &copy2024", "© 2024, ©2024"),
        ("&hellip;&mdash;&laquo;&raquo;", "…—«»"),
        ("&notin; &notit;", "∉ ¬it;"),
        ("AT&T, R&D, a & b, a &b", "AT&T, R&D, a & b, a &b"),
        ("&bogus; &; &#; &#x;", "&bogus; &; &#; &#x;"),
        ("&amp;lt; &amp;amp;", "&lt; &amp;"),
        ("&#0; &#xD800; &#x110000;", "\ufffd \ufffd \ufffd"),
        ("&#x80;", "€"),
        ("a&#12;b", "a b"),
        ("&lt;a1&gt;", "<a1>"),
    ],
    ids=["the-issue", "numeric", "legacy-without-semicolon", "named", "longest-name-prefix",
         "ampersand-that-starts-nothing", "not-a-reference", "escaped-reference",
         "invalid-code-point", "windows-1252-remap", "form-feed-page-cannot-hold",
         "numbered-tag-written-as-text"],
)
def test_references_in_a_translation_stand_for_their_characters(written: str, shown: str) -> None:
    assert unescape_text(written) == shown
    assert parse_tagged(written, []) == [Text(shown)]
    assert unescape_text(escape_text(shown)) == shown


@pytest.mark.parametrize(
    ("page", "msgid"),
    [
        ("AT&T & R&D", "AT&T & R&D"),
        ("&nbsp; is a reference", "&amp;nbsp; is a reference"),
        ("&copy2024", "&amp;copy2024"),
        ("&lt;em1>", "&amp;lt;em1>"),
        ("the <em1> tag", "the &lt;em1> tag"),
        ("<b> and 5 < 7", "<b> and 5 < 7"),
        (f"<ok> & {NBSP}", f"<ok> & {NBSP}"),
    ],
    ids=["ampersands-stay", "reference-lookalike", "legacy-reference-lookalike",
         "escaped-tag-lookalike", "tag-lookalike", "other-less-than-signs-stay", "the-issue"],
)
def test_a_msgid_escapes_only_what_would_be_misread(page: str, msgid: str) -> None:
    assert escape_text(page) == msgid
    assert unescape_text(msgid) == page


def test_references_say_where_each_reference_is() -> None:
    text = "a &amp; b &T &#169;&bogus;&#xFFFF;"
    assert list(references(text)) == [(2, 7, "&"), (13, 19, "©"), (26, 34, "")]
    rebuilt: list[str] = []
    position = 0
    for start, end, shown in references(text):
        rebuilt += [text[position:start], shown]
        position = end
    assert "".join(rebuilt) + text[position:] == unescape_text(text)


def test_references_are_read_between_numbered_tags() -> None:
    source = _tokens()
    parsed = parse_tagged("&lt;ok&gt; <a1>&amp; <em2>&nbsp;</em2></a1><br3/>&#169;", source)
    assert [t.text for t in parsed if isinstance(t, Text)] == ["<ok> ", "& ", NBSP, "©"]


@pytest.mark.parametrize(
    ("text", "found", "rest"),
    [
        ("Судья <b>огласил</b> приговор.", ["<b>", "</b>"], "Судья огласил приговор."),
        ("Судья<script>alert(1)</script>.", ["<script>alert(1)</script>"], "Судья."),
        ("Судья<SCRIPT src=x>alert(1)", ["<SCRIPT src=x>alert(1)"], "Судья"),
        ("x<style>p { color: red }</style>y", ["<style>p { color: red }</style>"], "xy"),
        ('<a href="https://example.org/?a=1&b=2">суд</a>', ['<a href="https://example.org/?a=1&b=2">', "</a>"],
         "суд"),
        ("Судья.</p><p onclick='alert(1)'>", ["</p>", "<p onclick='alert(1)'>"], "Судья."),
        ("<img src=x onerror=alert(1)/>", ["<img src=x onerror=alert(1)/>"], ""),
        ("a<!-- note -->b<!DOCTYPE html><?php x ?>", ["<!-- note -->", "<!DOCTYPE html>", "<?php x ?>"],
         "ab"),
        ('<a1 href="x">суд</a1>', ['<a1 href="x">'], "суд</a1>"),
        ("<a1>суд</a1><br2/>", [], "<a1>суд</a1><br2/>"),
        ("5 < 7 and 7 > 5", [], "5 < 7 and 7 > 5"),
        ("&lt;b&gt;", [], "&lt;b&gt;"),
    ],
    ids=["bold", "script", "unclosed-script", "style", "link", "block-break", "void-element",
         "comment-doctype-instruction", "numbered-tag-with-attributes", "numbered-tags",
         "comparison", "escaped"],
)
def test_html_in_finds_html_that_is_not_a_numbered_tag(text: str, found: list[str], rest: str) -> None:
    assert html_in(text) == found
    assert without_html(text) == rest


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
