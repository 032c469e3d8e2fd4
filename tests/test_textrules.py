"""The text rules stages share: what protect shields from the model is exactly what the
checks compare, loops are found the same way in model output and in checks, and each
language's script."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from translate_flow.check import CheckContext, urls
from translate_flow.languages import language
from translate_flow.protect import find_spans
from translate_flow.textrules import (
    find_links, find_repeat, has_letter, has_words, joins_without_space, script_of, without_links,
)
from translate_flow.translate import find_loop

# One table for both sides: a text and the links in it, in order.
LINKS = [
    pytest.param("Read bitterwinter.org every day.", ["bitterwinter.org"], id="bare-domain"),
    pytest.param("See www.example.com/path for more.", ["www.example.com/path"], id="www-path"),
    pytest.param("Details: news.example.co.uk/2019/05.", ["news.example.co.uk/2019/05"],
                 id="bare-domain-path-two-level-tld"),
    pytest.param("Source: https://bitterwinter.org/about/.", ["https://bitterwinter.org/about/"],
                 id="scheme-sentence-stop"),
    pytest.param("Write to info@bitterwinter.org, please.", ["info@bitterwinter.org"], id="email"),
    pytest.param("(see en.wikipedia.org/wiki/Tang_(dynasty))", ["en.wikipedia.org/wiki/Tang_(dynasty)"],
                 id="bracket-inside-url"),
    pytest.param("访问bitterwinter.org了解更多。", ["bitterwinter.org"], id="inside-chinese"),
    pytest.param("Mail a@b.org or visit b.org/x and http://c.net.",
                 ["a@b.org", "b.org/x", "http://c.net"], id="several"),
    pytest.param("Node.js, e.g. 3.5 million in the U.S. today.", [], id="no-link"),
]


@pytest.mark.parametrize(("text", "links"), LINKS)
def test_links(text: str, links: list[str]) -> None:
    assert [link.text for link in find_links(text)] == links
    for link in find_links(text):
        assert text[link.start : link.end] == link.text
        assert link.kind == ("email" if "@" in link.text else "url")
        assert link.text not in without_links(text)


@pytest.mark.parametrize(("text", "links"), LINKS)
def test_protect_shields_the_links_the_urls_check_compares(text: str, links: list[str]) -> None:
    shielded = [span.rendering for span in find_spans(text, ()) if span.kind in ("url", "email")]
    assert shielded == links
    dropped = text
    for link in links:
        dropped = dropped.replace(link, "", 1)
    defects = urls(text, dropped, CheckContext(language("en"), language("ru")))
    assert len(defects) == len(links)
    for defect, link in zip(defects, links):
        assert f"'{link}'" in defect.message and "missing" in defect.message
    assert urls(text, text, CheckContext(language("en"), language("ru"))) == []


@pytest.mark.parametrize(
    ("text", "tokens", "times"),
    [("the the the cat", ("the",), 3),
     ("The THE the the", ("The",), 4),
     ("a b c a b c a b c", ("a", "b", "c"), 3),
     ("他说他说他说", ("他", "说"), 3),
     ("no loop here at all", None, 0),
     ("1 1 1 1", None, 0),
     ("谢谢谢谢", None, 0),
     ("see x.org x.org x.org", None, 0),
     ("Yes, yes, yes!", ("Yes",), 3)],
    ids=["word", "case", "trigram", "chinese-pair", "none", "digits", "reduplication", "links",
         "punctuation-between"],
)
def test_find_repeat(text: str, tokens: tuple[str, ...] | None, times: int) -> None:
    found = find_repeat(text)
    if tokens is None:
        assert found is None
        assert find_loop(text) is None
        return
    assert found is not None
    assert (found.tokens, found.times) == (tokens, times)
    assert find_loop(text) == " ".join(tokens)


def test_repeat_text_joins_han_characters_and_spaces_words() -> None:
    chinese = find_repeat("他说他说他说")
    english = find_repeat("a b a b a b")
    assert chinese is not None and chinese.text == "他说"
    assert english is not None and english.text == "a b"


def test_find_loop_looks_no_further_than_asked() -> None:
    text = " ".join(["one two three four five"] * 3)
    assert find_loop(text, longest=4) is None
    assert find_loop(text, longest=5) == "one two three four five"
    assert find_loop("go go stop", times=2) == "go"


@pytest.mark.parametrize(
    ("tag", "script"),
    [("en", "Latn"), ("ru", "Cyrl"), ("kk", "Cyrl"), ("zh", "Hans"), ("zh-Hant", "Hant"),
     ("sr-Latn", "Latn"), ("ja", "Jpan"), ("xx", ""), ("zh-TW", "Hant"), ("zh-HK", "Hant"), ("zh-SG", "Hans"),
     ("zh-Hans-TW", "Hans")],
    ids=["en", "ru", "kk", "zh", "zh-Hant", "sr-Latn", "ja", "unknown", "zh-TW", "zh-HK", "zh-SG", "script-wins"],
)
def test_script_of(tag: str, script: str) -> None:
    assert script_of(tag) == script


@pytest.mark.parametrize(
    ("text", "joins"),
    [("中国", True), ("。後", True), ("カタカナ", True), ("ㄅㄆ", True), ("Kazakh", False), ("Қазақ", False),
     (" 中", False), ("", False)],
    ids=["han", "ideographic-stop", "katakana", "bopomofo", "latin", "cyrillic", "space-first", "empty"],
)
def test_text_in_scripts_without_spaces_joins_without_one(text: str, joins: bool) -> None:
    assert joins_without_space(text) is joins


@pytest.mark.parametrize(
    ("text", "expected"),
    [("", False), ("12 345", False), ("²", False), ("x²", True), ("²x", True), ("_ - _", False),
     ("Ёж", True), ("中文", True), ("٣٤", False), ("a\u0301", True)],
    ids=["empty", "digits", "superscript", "letter-after-numeral", "numeral-first", "underscores",
         "cyrillic", "han", "arabic-digits", "combining-mark"],
)
def test_has_letter_agrees_with_isalpha(text: str, expected: bool) -> None:
    assert has_letter(text) is expected is any(ch.isalpha() for ch in text)


# Pieces of links and of the words around them: schemes, www, domains, addresses, paths.
LINK_PIECES = ["https://", "http://", "www.", "example", ".org", ".com", ".ru", "/path", "you", "@", "mail",
               ".", ":", "/", " ", " ", "a", "Z", "я", "中", "1", "2", "-", "_", "?", "=", "&", "(", ")", ",", "\n"]


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(LINK_PIECES), max_size=16).map("".join))
def test_has_words_is_a_letter_outside_every_link(text: str) -> None:
    """The short ways of has_words give what its definition does."""
    assert has_words(text) is has_letter(without_links(text))
