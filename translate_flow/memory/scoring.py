"""How alike two texts are, as CAT tools score fuzzy matches.

:func:`similarity` is a token-based Levenshtein ratio: texts are split into words (each
CJK character is a word) and punctuation marks; ``1 - distance / max(len_a, len_b)`` on
those tokens, case-sensitive. Numbered tags are not words: they are compared apart with
their numbers removed (``<a1>`` and ``<a3>`` are the same tag), and each tag edit costs
:data:`TAG_PENALTY`, so a text that differs from a stored one only in markup scores 0.98
or so, never 1.0. :func:`retag` gives a matched translation the query's tag numbers.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from ..markup import TAG_RE, TagMismatch, check_tags
from ..textrules import UNSPACED_CHARS

__all__ = ["EPSILON", "TAG_PENALTY", "Analysed", "analyse", "index_keys", "retag", "score", "similarity"]

TAG_PENALTY = 0.01  # what each tag edit takes off a score
EPSILON = 1e-9  # scores are compared with this much slack for floating-point error

# In scripts written without spaces each character counts as a word.
_TOKEN = re.compile(
    rf"(?P<tag>{TAG_RE.pattern})|[{UNSPACED_CHARS}]|[^\W{UNSPACED_CHARS}]+|[^\w\s]"
)
_TAG_NUMBER = re.compile(r"[0-9]+(?=/?>$)")


@dataclass(frozen=True)
class Analysed:
    """A text as the scoring sees it."""

    words: tuple[str, ...]  # words and punctuation, as written
    tags: tuple[str, ...]  # numbered tags without their numbers: "<a>", "</a>", "<br/>"
    folded: Counter[str]  # case-folded words with their counts


@lru_cache(maxsize=8192)
def analyse(text: str) -> Analysed:
    """The words, punctuation and tags of a text in msgid form (cached: texts recur)."""
    words: list[str] = []
    tags: list[str] = []
    for match in _TOKEN.finditer(text):
        if match.group("tag"):
            tags.append(_TAG_NUMBER.sub("", match.group(0)))
        else:
            words.append(match.group(0))
    return Analysed(tuple(words), tuple(tags), Counter(w.casefold() for w in words))


def index_keys(analysed: Analysed) -> set[str]:
    """The index's words of a text: case-folded, the n-th repeat of a word as ``word\\x1fn``."""
    keys: set[str] = set()
    for word, count in analysed.folded.items():
        keys.add(word)
        keys.update(f"{word}\x1f{n}" for n in range(2, count + 1))
    return keys


def _distance(a: Sequence[str], b: Sequence[str], limit: int) -> int:
    """Levenshtein distance of two token sequences; anything over *limit* is ``limit + 1``."""
    if len(a) < len(b):
        a, b = b, a
    if len(a) - len(b) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, token in enumerate(a, 1):
        current = [i]
        best = i
        for j, other in enumerate(b, 1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (token != other))
            current.append(cost)
            if cost < best:
                best = cost
        if best > limit:
            return limit + 1
        previous = current
    return previous[-1]


def score(query: Analysed, other: Analysed, threshold: float) -> float | None:
    """The similarity of two analysed texts, or None when it is below *threshold*.

    Stops computing as soon as the score cannot reach *threshold*.
    """
    longest = max(len(query.words), len(other.words))
    if longest == 0:
        word_score = 1.0
    else:
        allowed = math.floor((1 - threshold) * longest + EPSILON)
        distance = _distance(query.words, other.words, allowed)
        if distance > allowed:
            return None
        word_score = 1 - distance / longest
    if query.tags != other.tags:
        tag_edits = _distance(query.tags, other.tags, max(len(query.tags), len(other.tags)))
        word_score = max(0.0, word_score - TAG_PENALTY * tag_edits)
    return word_score if word_score + EPSILON >= threshold else None


def similarity(a: str, b: str) -> float:
    """The fuzzy-match score of two texts in msgid form, from 0 to 1.

    ``1 - d / max(n_a, n_b)`` where *d* is the Levenshtein distance between the texts'
    word and punctuation tokens (case-sensitive; a CJK character is a word) and *n* their
    token counts; less :data:`TAG_PENALTY` for each edit between their numbered tags,
    compared without numbers. Identical texts score 1.0.
    """
    found = score(analyse(a), analyse(b), 0.0)
    return 0.0 if found is None else found


def retag(source: str, target: str, msgid: str) -> str | None:
    """Renumber *target*'s tags (a translation of *source*) for *msgid*, or None.

    A fuzzy match's translation carries its own source's tag numbers. When *msgid* has
    the same tags in the same order (numbers aside), the translation is given *msgid*'s
    numbers, so it passes :func:`~translate_flow.markup.check_tags`; otherwise None.
    """
    old = [m.group(2) for m in TAG_RE.finditer(source) if not m.group(1)]
    new = [m.group(2) for m in TAG_RE.finditer(msgid) if not m.group(1)]
    if analyse(source).tags != analyse(msgid).tags or len(set(old)) != len(old):
        return None
    mapping = dict(zip(old, new))

    def renumber(match: re.Match[str]) -> str:
        closing, key, slash = match.groups()
        return f"<{closing}{mapping.get(key, key)}{slash}>"

    result = TAG_RE.sub(renumber, target)
    try:
        check_tags(msgid, result)
    except TagMismatch:
        return None
    return result

