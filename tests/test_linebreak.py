"""Line breaking as GNU gettext does it: the word-at-a-time computation gives the same
breaks as the character-by-character scan that defines them, whatever the text."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from translate_flow.catalog.linebreak import _scan, break_opportunities

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
