"""What every check shares: the defect a check reports, the context it runs in, the
registry row that names it, and the helpers that read a translation as its reader sees it."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

from ..findings import Severity
from ..glossary import Term
from ..languages import Language
from ..markup import TAG_RE, unescape_text, without_html
from ..terms import AlteredName, ForbiddenUse
from ..textrules import WORD, without_links

__all__ = [
    "Check",
    "CheckContext",
    "CheckFunction",
    "Defect",
    "GlossaryTerms",
    "collapsed",
    "may_stay",
    "plain_text",
    "quote",
    "quotes",
    "without_kept",
]


@dataclass(frozen=True)
class Defect:
    """What a check function reports: the message, and whether the defect is minor
    (reported one severity below the check's)."""

    message: str
    minor: bool = False


class GlossaryTerms(Protocol):
    """What the glossary checks (term-missing, forbidden-variant, name-altered) ask of the
    glossary for one language pair; :class:`translate_flow.terms.TermMatcher` has this
    shape. Each method lists what it found in one entry: terms whose preferred rendering
    the translation lacks, forbidden variants the translation uses, names and
    do-not-translate terms not rendered as the glossary says."""

    def missing(self, msgid: str, msgstr: str) -> Sequence[Term]: ...

    def forbidden_used(self, msgid: str, msgstr: str) -> Sequence[ForbiddenUse]: ...

    def altered_names(self, msgid: str, msgstr: str) -> Sequence[AlteredName]: ...


@dataclass(frozen=True)
class CheckContext:
    """What the checks know besides the entry: the languages and the glossary."""

    source: Language
    target: Language
    # Phrases that stay as they are in the target: do-not-translate terms and names written
    # the same in both languages ("Bitter Winter", "CESNUR"). They are never untranslated
    # text nor Latin words left in a Cyrillic translation.
    keep: frozenset[str] = frozenset()
    terms: GlossaryTerms | None = None


CheckFunction = Callable[[str, str, CheckContext], list[Defect]]


@dataclass(frozen=True)
class Check:
    """One row of the registry: a check's stable name, its function, its default severity
    and a one-line description."""

    name: str
    function: CheckFunction
    default_severity: Severity
    description: str


# --------------------------------------------------------------------------------------
# Reading a translation


@lru_cache(maxsize=4096)
def plain_text(text: str) -> str:
    """What a reader sees of tagged *text*: numbered tags removed (a standalone tag such as
    ``<br2/>`` becomes a space, so the words on both sides stay apart) and character
    references read. Other HTML (``<b>``, ``<script>…</script>``) is left out too: it is the
    markup check's, and its attributes and code are not words or figures of the text.
    Whitespace is kept as it is."""
    if "<" not in text and "&" not in text:
        return text
    return unescape_text(TAG_RE.sub(lambda m: " " if m.group(3) else "", without_html(text)))


def collapsed(text: str) -> str:
    """*text* with each run of whitespace one space, and none at either end."""
    return " ".join(text.split())


def quote(text: str, limit: int = 60) -> str:
    """*text* quoted for a message: on one line, cut with an ellipsis past *limit*."""
    text = collapsed(text)
    return "'" + (text if len(text) <= limit else text[: limit - 1] + "…") + "'"


def quotes(items: Sequence[str], limit: int = 5) -> str:
    """The first *limit* of *items* quoted, and how many more there are."""
    shown = ", ".join(quote(item) for item in items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


@lru_cache(maxsize=256)
def _kept_pattern(keep: frozenset[str]) -> re.Pattern[str] | None:
    phrases = sorted((p for p in keep if p.strip()), key=lambda p: (-len(p), p))
    if not phrases:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(p) for p in phrases) + r")(?!\w)")


def without_kept(text: str, keep: frozenset[str]) -> str:
    """*text* with each of the *keep* phrases, as a whole word, replaced by a space."""
    pattern = _kept_pattern(keep)
    return pattern.sub(" ", text) if pattern else text


def _is_caps(word: str) -> bool:
    return word.upper() == word and any(c.isalpha() for c in word)


def may_stay(text: str, keep: frozenset[str], names: bool = True) -> bool:
    """Whether plain *text* may well stay the same in a translation: only URLs, e-mail
    addresses, numbers, punctuation and the *keep* phrases, and, when *names* are allowed,
    names and acronyms.

    A name is at most four words each starting with a capital ("Bitter Winter", "Massimo
    Introvigne, CESNUR"); an acronym is one word in capitals ("CESNUR"). Two or more words
    all in capitals are a heading ("ABOUT CHINA"). A lone word in capitals passes as an
    acronym even when it is a menu item ("HOME"): only a dictionary could tell them apart.
    """
    words = [w for w in WORD.findall(without_kept(without_links(text), keep))
             if any(c.isalpha() for c in w)]
    if not words:
        return True
    if not names:
        return False
    if all(_is_caps(w) for w in words):
        return len(words) == 1
    return len(words) <= 4 and all(w[0].isupper() for w in words)
