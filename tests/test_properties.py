"""Property-based tests: random and malformed pages, the identity round trip, numbered tags."""

from __future__ import annotations

import copy
import html
import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from lxml import etree

from translate_flow import markup
from translate_flow.assemble import AssembleOptions, assemble
from translate_flow.errors import HtmlError, TranslateFlowError
from translate_flow.htmldoc import parse_html
from translate_flow.languages import language
from translate_flow.markup import Close, Open, TagMismatch, Text, Token, Void
from translate_flow.segment import SegmentOptions, segment_page

PROPERTY_SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# --- a strategy for random, often malformed, HTML -------------------------------------------

BLOCK_TAGS = (
    "p", "div", "h1", "h2", "li", "ul", "ol", "td", "tr", "table", "blockquote", "title",
    "button", "option", "select", "figure", "figcaption", "section", "article", "head",
    "body", "html", "address", "label", "noscript", "dl", "dt", "dd",
)
INLINE_TAGS = ("a", "em", "strong", "span", "b", "i", "abbr", "sup", "time", "q", "small")
VOID_TAGS = ("br", "img", "hr", "input", "meta", "wbr", "link", "area", "source")
RAW_TAGS = ("script", "style", "code", "pre", "kbd", "template", "textarea", "svg", "math",
            "iframe", "var", "samp")
ALL_TAGS = BLOCK_TAGS + INLINE_TAGS + VOID_TAGS + RAW_TAGS + ("my-widget", "x1", "h1")

WORDS = (
    "Bilash", "was", "fined", "on", "Monday.", "The", "court", "said", "No!", "Why?",
    "Dr.", "Smith", "e.g.", "5", "<", ">", "&", "&amp;", "&lt;", "&gt;", "&nbsp;", "&copy",
    "&#169;", "&#x1F600;", "&bogus;", "&#0;", "&#xD800;", "&#1;", "&#11;", "&#xFFFE;", "\x0b",
    "\x0c", "<a1>", "</b2>", "<br3/>",
    "&lt;em1&gt;", "Қарабұлақ", "伊宁县。", "مرحبا", "\u00a0", "\u200b", "\t", "\n", "…",
    "\"", "'", "=", "/", "<!--", "-->", "]]>", "<?", "\U0001f600",
)

ATTRIBUTE_VALUES: dict[str, st.SearchStrategy[str]] = {
    "alt": st.sampled_from(["A photo of the court.", "", "  ", "<a1>x</a1>", "5 < 7 & \"q\""]),
    "title": st.sampled_from(["More about the case", "x\ny", "&lt;b&gt;", "Tip: 3"]),
    "translate": st.sampled_from(["no", "yes", "NO", ""]),
    "lang": st.sampled_from(["en", "ru", "kk", "zh-Hans", "", "x", "EN-gb", "e"]),
    "class": st.sampled_from(["notranslate", "lead notranslate", "x"]),
    "href": st.sampled_from(["https://example.org/", "javascript:void(0)", "#x", ""]),
    "datetime": st.sampled_from(["2020-02-29", "2019-13-40", "2021-06-03T10:00:00Z", "soon"]),
    "data-translate-context": st.sampled_from(["menu", "", " verb "]),
    "aria-label": st.sampled_from(["Close the dialog", "✕"]),
    "placeholder": st.sampled_from(["Your e-mail", "…"]),
    "value": st.sampled_from(["Send now", "1"]),
    "type": st.sampled_from(["submit", "text", "button"]),
    "name": st.sampled_from(["description", "keywords", "viewport"]),
    "property": st.sampled_from(["og:title", "og:locale", "og:description"]),
    "content": st.sampled_from(["A page about a court case.", "en_US", "width=device-width"]),
    "charset": st.sampled_from(["utf-8", "windows-1251", "bogus", "utf-16", "base64", "utf-7"]),
    "rel": st.sampled_from(["canonical", "alternate"]),
    "hreflang": st.sampled_from(["ru", "x-default"]),
    "label": st.sampled_from(["Pick one", ""]),
}


@st.composite
def attributes(draw: st.DrawFn) -> str:
    names = draw(st.lists(st.sampled_from(sorted(ATTRIBUTE_VALUES)), max_size=3, unique=True))
    parts: list[str] = []
    for name in names:
        value = draw(ATTRIBUTE_VALUES[name])
        quote = draw(st.sampled_from(['"', "'", ""]))
        parts.append(f" {name}={quote}{value}{quote}" if quote or value else f" {name}")
    return "".join(parts)


def texts() -> st.SearchStrategy[str]:
    listed = st.lists(st.sampled_from(WORDS), min_size=1, max_size=8).map(" ".join)
    return st.one_of(listed, st.text(max_size=20))


def elements(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    @st.composite
    def element(draw: st.DrawFn) -> str:
        tag = draw(st.sampled_from(ALL_TAGS))
        attrs = draw(attributes())
        if tag in VOID_TAGS:
            return f"<{tag}{attrs}>"
        inner = "".join(draw(st.lists(children, max_size=4)))
        close = draw(st.sampled_from([f"</{tag}>", f"</{tag}>", "", "</p>", "</b>"]))
        return f"<{tag}{attrs}>{inner}{close}"

    return element()


HTML_FRAGMENTS = st.recursive(texts(), elements, max_leaves=25)


@st.composite
def html_sources(draw: st.DrawFn) -> str:
    """A page: maybe a doctype and a head, then random content."""
    body = "".join(draw(st.lists(HTML_FRAGMENTS, min_size=1, max_size=6)))
    prefix = draw(st.sampled_from([
        "",
        "<!DOCTYPE html>",
        "<!DOCTYPE html><html lang=en><head><meta charset=utf-8><title>A title</title></head><body>",
        "<html><head><meta name=description content='About the case.'></head>",
    ]))
    return prefix + body


@st.composite
def page_bytes(draw: st.DrawFn) -> bytes:
    """Page bytes, sometimes re-encoded, truncated or mixed with garbage."""
    text = draw(html_sources())
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8", "cp1252", "utf-16", "utf-8-sig"]))
    data = text.encode(encoding, errors="replace")
    if draw(st.booleans()):
        data = data[: draw(st.integers(0, len(data)))]
    if draw(st.integers(0, 3)) == 0:
        garbage = draw(st.binary(max_size=16))
        at = draw(st.integers(0, len(data)))
        data = data[:at] + garbage + data[at:]
    return data


# --- (a) nothing but TranslateFlowError -----------------------------------------------------


@PROPERTY_SETTINGS
@given(data=st.one_of(page_bytes(), st.binary(max_size=200)))
def test_random_pages_raise_only_translate_flow_errors(data: bytes) -> None:
    try:
        page = parse_html(data, "random.html")
    except TranslateFlowError as exc:
        assert "random.html" in str(exc) and "\n" not in str(exc)
        return
    segments = segment_page(page.tree, SegmentOptions("en"))
    for found in segments:
        assert found.msgid == found.msgid.strip(" \t\n\r\f"), "a msgid has edge whitespace"
        assert any(ch.isalpha() for ch in found.msgid)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<p>a\x00b</p>", "not an HTML document (binary data)"),
        (b"just words, no markup", "not an HTML document (no HTML tags found)"),
        (b"\xef\xbb\xbf<p>\xff</p>", "bytes at offset 3 are not valid utf-8-sig"),
        (b'<meta charset="utf-8"><p>\xff</p>', "bytes at offset 25 are not valid utf-8"),
    ],
    ids=["binary", "no-tags", "bad-bytes-after-bom", "bad-bytes-in-declared-charset"],
)
def test_an_unusable_page_names_itself_in_the_error_not_in_its_message(data: bytes, message: str) -> None:
    with pytest.raises(HtmlError) as raised:
        parse_html(data, "articles/x.html")
    assert raised.value.path == "articles/x.html" and raised.value.line == 0
    assert raised.value.message.startswith(message)
    assert "articles/x.html" not in raised.value.message
    assert str(raised.value) == f"articles/x.html: {raised.value.message}"


@pytest.mark.parametrize(
    "charset",
    ["base64", "rot13", "hex", "zlib", "undefined", "punycode", "utf-7"],
    ids=["base64", "rot13", "hex", "zlib", "undefined", "punycode", "utf-7"],
)
def test_declared_non_text_charset_is_not_a_crash(charset: str) -> None:
    data = f'<html><head><meta charset="{charset}"></head><body><p>Plain words.</p></body></html>'
    try:
        page = parse_html(data.encode("ascii"), "odd-charset.html")
    except TranslateFlowError as exc:
        assert str(exc).startswith("odd-charset.html: ")
        return
    texts_found = [s.msgid for s in segment_page(page.tree)]
    assert "Plain words." in texts_found or page.warnings


# --- (b) the identity round trip ------------------------------------------------------------

_SPACE = re.compile(r"[ \t\n\r\f]+")


def _visible(root: etree._Element) -> str:
    """The text of a page in document order, without comments and localized dates."""
    parts: list[str] = []

    def walk(node: etree._Element) -> None:
        if isinstance(node.tag, str):
            skip = node.tag == "time" and node.get("datetime") is not None
            if not skip:
                parts.append(node.text or "")
                for child in node:
                    walk(child)
        parts.append(node.tail or "")

    walk(root)
    return _SPACE.sub(" ", "".join(parts)).strip()


def _elements(root: etree._Element) -> list[str]:
    return [el.tag for el in root.iter() if isinstance(el.tag, str)]


def _ro_attributes(root: etree._Element) -> list[tuple[str, str, str]]:
    names = ("alt", "title", "aria-label", "placeholder", "href", "class")
    return [
        (str(el.tag), name, _SPACE.sub(" ", el.get(name) or "").strip())
        for el in root.iter() if isinstance(el.tag, str)
        for name in names if el.get(name) is not None
    ]


@PROPERTY_SETTINGS
@given(source=html_sources())
def test_identity_translation_round_trips(source: str) -> None:
    try:
        page = parse_html(source.encode("utf-8"), "page.html")
    except TranslateFlowError:
        assume(False)
        return
    options = SegmentOptions("en")
    table = {(s.msgctxt, s.msgid): s.msgid for s in segment_page(page.tree, options)}
    tree = copy.deepcopy(page.tree)
    result = assemble(tree, table, AssembleOptions(language=language("ru"), segment=options))
    assert result.rejections == ()
    assert result.translated == result.segments
    before, after = page.tree.getroot(), result.html_tree.getroot()
    assert _visible(after) == _visible(before)
    assert _elements(after) == _elements(before)
    assert _ro_attributes(after) == _ro_attributes(before)
    assert after.get("lang") == "ru"


# --- (c) the markup layer -------------------------------------------------------------------

TAG_LIKE = st.sampled_from(["<", ">", "/", "&", "amp;", "lt;", "&lt;", "&amp;lt;", "a1", "br2/", "x"])
# Pieces of character references, whole and broken: named with and without `;`, legacy
# names that need none (`&copy`), numeric in both bases, prefixes of longer names.
REFERENCE_LIKE = st.sampled_from([
    "&", "#", "x", "X", ";", "amp", "lt", "gt", "nbsp", "copy", "not", "notin", "in", "T",
    "hellip", "60", "3C", "160", "12", "0", "D800", "110000", " ", "\n", "\t", "\r", "\f", "a1",
    "<", ">", "é", "\u00a0",
])


@PROPERTY_SETTINGS
@given(text=st.one_of(st.text(), st.lists(TAG_LIKE).map("".join), st.lists(REFERENCE_LIKE).map("".join)))
def test_escape_and_unescape_are_inverse(text: str) -> None:
    escaped = markup.escape_text(text)
    assert markup.unescape_text(escaped) == text
    assert markup.TAG_RE.search(escaped) is None, "escaped text still reads as a numbered tag"


@PROPERTY_SETTINGS
@given(text=st.lists(REFERENCE_LIKE).map("".join))
def test_text_without_references_is_its_own_msgid(text: str) -> None:
    # A msgid escapes an `&` only where it would start a reference, and then always.
    if markup.unescape_text(text) == text and markup.TAG_RE.search(text) is None:
        assert markup.escape_text(text) == text
    else:
        assert markup.escape_text(text) != text


# Text a page can hold: no control character but HTML's whitespace, no surrogate or
# non-character; references and tag lookalikes mixed in.
PAGE_TEXT = st.lists(
    st.one_of(
        st.text(st.characters(blacklist_categories=("Cs", "Cc", "Cn")), max_size=4),
        REFERENCE_LIKE.filter(lambda piece: piece not in ("\r", "\f")),
        TAG_LIKE,
    ),
    max_size=12,
).map("".join)


def _paragraph(inner: str) -> etree._ElementTree:
    page = parse_html(f"<html><body><p>{inner}</p></body></html>".encode("utf-8"), "page.html")
    return page.tree


def _paragraph_text(tree: etree._ElementTree) -> str:
    found = tree.getroot().find(".//p")
    assert found is not None
    return "".join(found.itertext())


@PROPERTY_SETTINGS
@given(first=PAGE_TEXT, second=PAGE_TEXT)
def test_page_text_round_trips_through_its_msgid(first: str, second: str) -> None:
    """Page text → msgid → page text gives the text back, whitespace runs aside."""
    tree = _paragraph(f"Word {html.escape(first)} <b>{html.escape(second)}</b> word.")
    before = _paragraph_text(tree)
    options = SegmentOptions("en")
    segments = segment_page(tree, options)
    for segment in segments:  # each msgid reads as text that is on the page
        for kind, value in markup.scan(segment.msgid, markup.tag_kinds(segment.msgid)):
            if kind == "text":
                assert markup.collapse(value).strip() in markup.collapse(before)
    table = {(s.msgctxt, s.msgid): s.msgid for s in segments}
    result = assemble(copy.deepcopy(tree), table, AssembleOptions(language("ru"), options))
    assert result.rejections == ()
    assert markup.collapse(_paragraph_text(result.html_tree)) == markup.collapse(before)


@PROPERTY_SETTINGS
@given(text=PAGE_TEXT.filter(lambda text: text.strip(markup.HTML_SPACE) == text and "  " not in text))
def test_an_escaped_msgstr_shows_exactly_its_text(text: str) -> None:
    """Whatever text a translator means, escape_text writes it as a msgstr that the page
    shows as exactly that text, and serializes as text, never markup."""
    tree = _paragraph("Word")
    options = SegmentOptions("en")
    table = {(s.msgctxt, s.msgid): markup.escape_text(text) for s in segment_page(tree, options)}
    result = assemble(tree, table, AssembleOptions(language("ru"), options))
    assert result.rejections == ()
    assert _paragraph_text(result.html_tree) == text
    serialized = etree.tostring(result.html_tree, method="html", encoding="unicode")
    reparsed = etree.fromstring(serialized, etree.HTMLParser())
    paragraph = reparsed.find(".//p")
    assert paragraph is not None and len(paragraph) == 0
    assert "".join(paragraph.itertext()) == text


@PROPERTY_SETTINGS
@given(source=html_sources())
def test_every_msgid_parses_back_into_its_own_tags(source: str) -> None:
    try:
        page = parse_html(source.encode("utf-8"), "page.html")
    except TranslateFlowError:
        assume(False)
        return
    values = [str(value) for value in page.tree.xpath("//@*")]
    haystack = [markup.collapse(text) for text in (_all_text(page.tree.getroot()), *values)]
    for found in segment_page(page.tree):
        kinds = markup.tag_kinds(found.msgid)
        events = markup.scan(found.msgid, kinds)  # each tag once, paired tags nested
        assert [key for kind, key in events if kind in ("open", "void")] == list(kinds)
        assert sorted(key for kind, key in events if kind == "close") == sorted(
            key for key, kind in kinds.items() if kind == "open"
        )
        # Each run of text between tags is on the page (a hidden element such as <script>
        # stands in the msgid as a void tag, so its text is not between two runs).
        for kind, value in events:
            if kind == "text" and value.strip():
                words = markup.collapse(markup.unescape_text(value)).strip()
                assert any(words in text for text in haystack), f"{words!r} of the msgid is on the page"


def _shape(tokens: list[Token] | tuple[Token, ...]) -> list[tuple[str, int]]:
    return [
        (type(t).__name__, id(t.element))
        for t in tokens if isinstance(t, (Open, Close, Void))
    ]


def _all_text(root: etree._Element) -> str:
    return "".join(root.itertext(with_tail=True))


# Synthetic inline runs: a forest of paired and void elements, numbered as msgids number them.

PAIRED = ("a", "em", "strong", "span", "b", "h1", "my-el")
VOIDS = ("br", "img", "code")


@dataclass
class Node:
    element: etree._Element
    void: bool
    children: list[Node]


def _tokens(forest: list[Node]) -> list[Token]:
    out: list[Token] = []
    for node in forest:
        out.append(Text("w "))
        if node.void:
            out.append(Void(node.element))
        else:
            out.append(Open(node.element))
            out.extend(_tokens(node.children))
            out.append(Close(node.element))
    return out


def _walk(forest: list[Node]) -> Iterator[Node]:
    for node in forest:
        yield node
        yield from _walk(node.children)


@st.composite
def forests(draw: st.DrawFn) -> list[Node]:
    count = draw(st.integers(1, 7))
    nodes = [
        Node(etree.Element(draw(st.sampled_from(VOIDS))), True, [])
        if draw(st.booleans())
        else Node(etree.Element(draw(st.sampled_from(PAIRED))), False, [])
        for _ in range(count)
    ]
    roots: list[Node] = []
    placed: list[Node] = []
    for node in nodes:
        parents = [p for p in placed if not p.void]
        index = draw(st.integers(0, len(parents)))
        (roots if index == len(parents) else parents[index].children).append(node)
        placed.append(node)
    return roots


@st.composite
def rearranged(draw: st.DrawFn, forest: list[Node]) -> list[Node]:
    """The same elements in a new, validly nested order."""
    nodes = [Node(n.element, n.void, []) for n in _walk(forest)]
    order = draw(st.permutations(nodes))
    roots: list[Node] = []
    placed: list[Node] = []
    for node in order:
        parents = [p for p in placed if not p.void]
        index = draw(st.integers(0, len(parents)))
        (roots if index == len(parents) else parents[index].children).append(node)
        placed.append(node)
    return roots


def _tagged(forest: list[Node], keys: dict[int, str], words: list[str]) -> str:
    parts: list[str] = []
    for position, node in enumerate(forest):
        parts.append(markup.escape_text(words[position % len(words)]))
        key = keys[id(node.element)]
        if node.void:
            parts.append(f"<{key}/>")
        else:
            parts.append(f"<{key}>{_tagged(node.children, keys, words)}</{key}>")
    return "".join(parts)


@PROPERTY_SETTINGS
@given(data=st.data(), forest=forests())
def test_reordered_tags_are_accepted(data: st.DataObject, forest: list[Node]) -> None:
    source = _tokens(forest)
    keys = markup.tag_keys(source)
    words = data.draw(st.lists(st.text(max_size=6), min_size=1, max_size=4))
    target = data.draw(rearranged(forest))
    translation = _tagged(target, keys, words)
    parsed = markup.parse_tagged(translation, source)
    assert _shape(parsed) == _shape(_tokens(target))
    assert {id(t.element) for t in parsed if isinstance(t, (Open, Void))} == {
        id(t.element) for t in source if isinstance(t, (Open, Void))
    }


def _tag_spans(text: str) -> list[re.Match[str]]:
    return list(markup.TAG_RE.finditer(text))


@PROPERTY_SETTINGS
@given(data=st.data(), forest=forests())
def test_dropped_or_duplicated_tags_are_rejected(data: st.DataObject, forest: list[Node]) -> None:
    source = _tokens(forest)
    translation = markup.render(source)
    spans = _tag_spans(translation)
    victim = data.draw(st.sampled_from(spans))
    action = data.draw(st.sampled_from(["drop", "duplicate", "unknown"]))
    if action == "drop":
        broken = translation[: victim.start()] + translation[victim.end():]
    elif action == "duplicate":
        broken = translation[: victim.end()] + victim.group(0) + translation[victim.end():]
    else:
        broken = translation[: victim.start()] + "<b99>" + translation[victim.start():]
    with pytest.raises(TagMismatch):
        markup.parse_tagged(broken, source)
