"""Line breaking as GNU gettext does it: the word-at-a-time computation gives the same
breaks as the character-by-character scan that defines them, and the fill of simple text
that looks only near line ends the same lines as the fill of every opportunity, whatever
the text."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from translate_flow.catalog.linebreak import _scan, break_opportunities, fill, is_simple, simple_breaks

# Characters of every kind the table tells apart: spaces, letters, digits, punctuation of
# each class, marks, joiners, zero-width space, CJK, kana, Hangul, Hebrew, wide brackets.
ALPHABET = list(
    "  \tab1-/.,;:!?()[]{}\"'%$+|\\&@#*=<>_"
    "\u0301\u0308\u200d\u200b\u2060\u00a0\u2014\u2013\u2026\u201c\u201d\u00ab\u00bb"
    "中文。、「」（）ァぁー가각א\u3000\uff08\uff09"
)


@pytest.mark.parametrize(
    "text",
    ["", " ", "word", "two words", "  leading", "trailing  ", "a  b", "\u0301mark first", "x \u0301y",
     "a\u200bb c", "(quoted) text.", "中文，中文。 English", "e-mail: you@example.org / 50%", "well-known (a) [b] {c} \"q\" 1,000.5 $5 +1 a|b a\tb x/y? ok! 10%"],
    ids=["empty", "space", "word", "two", "leading", "trailing", "double-space", "mark-start",
         "mark-after-space", "zero-width", "brackets", "cjk", "punctuation", "ascii-classes"],
)
def test_words_break_as_characters_do(text: str) -> None:
    assert break_opportunities(text) == _scan(text)[0]


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(ALPHABET), max_size=60))
def test_any_text_breaks_as_characters_do(text: str) -> None:
    assert break_opportunities(text) == _scan(text)[0]


@settings(max_examples=600, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=80))
def test_any_ascii_text_breaks_as_characters_do(text: str) -> None:
    """ASCII text, control characters and all."""
    assert break_opportunities(text) == _scan(text)[0]

# Characters of simple text (one column, no marks or joiners), of many break classes.
SIMPLE_ALPHABET = list("  ab1-/.,;:!?()[]{}\"'%$+|&ёйЖßÉ’‘“”„—–…«»\xa0¡¿€№−‐‑⁄")


def _full_fill(text: str, width: int, start: int, forbidden: set[int]) -> list[int]:
    """The definition: every opportunity not forbidden, filled greedily."""
    return fill(text, width, start, [p for p in break_opportunities(text) if p not in forbidden])


@pytest.mark.parametrize(
    ("text", "width", "start"),
    [
        ("short", 76, 7),
        ("The quick brown fox jumps over the lazy dog, and then it jumps back again.", 20, 7),
        ("a-very-long-hyphenated-word-that-breaks-after-each-hyphen and more", 12, 0),
        ("https://example.org/a/very/long/address/that/cannot/break/anywhere at all", 10, 0),
        ("Unbreakable" * 10, 20, 5),
        ("first piece too long for the line" + " x" * 20, 4, 3),
        ("(open) [bracket] {brace} \"quote\" 1,000.50 $5 +1 a|b 10% end.", 9, 2),
        ("   leading spaces then words and words", 8, 0),
        ("trailing spaces          ", 5, 0),
    ],
    ids=["fits", "sentence", "hyphens", "url", "no-opportunity", "first-too-long", "classes",
         "leading-spaces", "trailing-spaces"],
)
def test_simple_fill_breaks_where_the_full_fill_does(text: str, width: int, start: int) -> None:
    assert is_simple(text)
    assert simple_breaks(text, width, start) == _full_fill(text, width, start, set())


@settings(max_examples=800, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list("  aaab1-/.,;:!?()[]{}\"'%$+|\\&@#*=<>_\t")), max_size=120),
    st.integers(min_value=1, max_value=40),
    st.integers(min_value=0, max_value=12),
    st.sets(st.integers(min_value=0, max_value=120), max_size=12),
)
def test_any_ascii_fill_breaks_where_the_full_fill_does(
    text: str, width: int, start: int, forbidden: set[int]
) -> None:
    """Any printable text, width, first-line start and forbidden positions (escapes)."""
    assert simple_breaks(text, width, start, forbidden) == _full_fill(text, width, start, forbidden)


@settings(max_examples=800, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(SIMPLE_ALPHABET), max_size=120),
    st.integers(min_value=1, max_value=40),
    st.integers(min_value=0, max_value=12),
)
def test_any_simple_fill_breaks_where_the_full_fill_does(text: str, width: int, start: int) -> None:
    """Latin, Cyrillic and their punctuation, of every break class among them."""
    assert is_simple(text)
    assert simple_breaks(text, width, start) == _full_fill(text, width, start, set())


@pytest.mark.parametrize(
    ("text", "simple"),
    [("plain ASCII", True), ("Cyrillic кириллица and ‘quotes’ — dashes…", True), ("a\u0301 mark", False),
     ("zero\u200bwidth", False), ("joiner\u200d", False), ("wide 中文", False), ("wide bracket （", False),
     ("line\u2028separator", False)],
    ids=["ascii", "cyrillic-punctuation", "mark", "zero-width-space", "joiner", "cjk", "wide-bracket",
         "line-separator"],
)
def test_simple_text_is_told_apart(text: str, simple: bool) -> None:
    assert is_simple(text) is simple
