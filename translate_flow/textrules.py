"""Rules about text that several stages share: links, figures, scripts and loops.

Each rule is defined here once, so the text :mod:`translate_flow.protect` shields from the
model is exactly the text the checks compare afterwards: a bare domain such as
``bitterwinter.org`` is a link to both.

- **Links**: URLs (with a scheme, ``www.`` or a bare domain under a known top-level
  domain) and e-mail addresses, found by :func:`find_links`.
- **Figures**: :data:`NUMBER`, a figure as written (digits, thousand separators, a
  decimal mark, a percent sign), :data:`DATE` and the spaces that group thousands.
- **Scripts**: the Han, Cyrillic and Latin letters, words, and :func:`script_of`, the
  script a language writes in.
- **Words**: :func:`has_words`, whether a text holds anything to translate (a letter
  outside its links), and :func:`is_file_name`, an image's file name used as its text.
- **Loops**: :func:`find_repeat`, a stretch of words (characters in Chinese) repeated
  several times in a row, what a machine-translation model produces when it loops.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from babel.core import get_global

__all__ = [
    "CYRILLIC_LETTERS",
    "CYRILLIC_WORD",
    "DATE",
    "EMAIL",
    "HAN",
    "HAN_CHARS",
    "LATIN_WORD",
    "LINK_KINDS",
    "MIN_REPEATS",
    "NUMBER",
    "NUMBER_SPACES",
    "UNSPACED",
    "UNSPACED_CHARS",
    "URL",
    "WORD",
    "Link",
    "LinkKind",
    "Repeat",
    "find_links",
    "FILE_EXTENSIONS",
    "find_repeat",
    "has_words",
    "is_file_name",
    "repeat_tokens",
    "joins_without_space",
    "script_of",
    "without_links",
]

# --------------------------------------------------------------------------------------
# Scripts

# Han ideographs: the unified blocks, extension A, compatibility ideographs, and the
# supplementary planes' extensions.
HAN_CHARS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
HAN = re.compile(f"[{HAN_CHARS}]")
# Scripts written without spaces between words, where each character counts as a word:
# Han, CJK radicals and ideographic punctuation, kana, and bopomofo.
UNSPACED_CHARS = f"\u2e80-\u2fdf\u3001-\u303f\u3040-\u30ff\u3100-\u312f\u31a0-\u31ff{HAN_CHARS}"
UNSPACED = re.compile(f"[{UNSPACED_CHARS}]")
# The Cyrillic blocks: the main one and its supplement, Extended-A, -B and -C.
CYRILLIC_LETTERS = "[\u0400-\u052f\u1c80-\u1c8f\u2de0-\u2dff\ua640-\ua69f]"
CYRILLIC_WORD = re.compile(f"{CYRILLIC_LETTERS}+")
_LATIN_LETTERS = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f"
LATIN_WORD = re.compile(f"[{_LATIN_LETTERS}]+(?:['’-][{_LATIN_LETTERS}]+)*")
# A word: letters and digits, joined by inner hyphens and apostrophes ("Nur-Sultan", "COVID-19").
WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")


def joins_without_space(text: str) -> bool:
    """True when *text* starts in a script written without spaces (Chinese, Japanese), so
    nothing separates it from the text before it."""
    return bool(text) and UNSPACED.match(text) is not None


@lru_cache(maxsize=64)
def script_of(tag: str) -> str:
    """The ISO 15924 script a BCP 47 *tag* writes in: its script subtag, or CLDR's likely
    one for the language and region ("ru" is "Cyrl", "zh" is "Hans", "zh-TW" is "Hant");
    "" when unknown."""
    parts = tag.split("-")
    for part in parts[1:]:
        if len(part) == 4 and part.isalpha():
            return part.title()
    likely_subtags = get_global("likely_subtags")
    regions = [p.upper() for p in parts[1:] if len(p) == 2 and p.isalpha() or len(p) == 3 and p.isdigit()]
    keys = [f"{parts[0].lower()}_{region}" for region in regions] + [parts[0].lower()]
    for key in keys:
        likely = str(likely_subtags.get(key, ""))
        pieces = likely.split("_")
        if len(pieces) >= 3:
            return pieces[1]
    return ""


# --------------------------------------------------------------------------------------
# Links

LinkKind = Literal["url", "email"]
LINK_KINDS: tuple[LinkKind, ...] = ("url", "email")

# Only ASCII characters make up a link here, so one in Chinese text ends where the
# Chinese starts; a bare domain needs one of these top-level domains.
_TLDS = (
    "com|org|net|edu|gov|int|info|io|eu|ru|kz|cn|tw|hk|uk|us|de|fr|it|es|nl|be|ch|at|pl|"
    "ua|by|kg|uz|tj|jp|kr|ca|au|in|org\\.uk|co\\.uk"
)
_URL_CHAR = r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]"
URL = re.compile(
    rf"(?<![A-Za-z0-9@./-])(?:(?:https?|ftp)://{_URL_CHAR}+|www\.{_URL_CHAR}+"
    rf"|(?:[A-Za-z0-9-]+\.)+(?:{_TLDS})(?![A-Za-z0-9-])(?:/{_URL_CHAR}*)?)"
)
EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
    r"(?![A-Za-z0-9-])"
)


@dataclass(frozen=True)
class Link:
    """A URL or e-mail address in a text: as written, where it starts and ends."""

    text: str
    start: int
    end: int
    kind: LinkKind


def _trim_url(url: str) -> str:
    # Sentence punctuation after a URL is not part of it; a closing bracket is, when the
    # URL opened one (Wikipedia style).
    while url and url[-1] in ".,;:!?'\")]":
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        if url[-1] == "]" and url.count("[") >= url.count("]"):
            break
        url = url[:-1]
    return url


@lru_cache(maxsize=4096)
def find_links(text: str) -> tuple[Link, ...]:
    """The URLs and e-mail addresses of plain *text*, in order, none overlapping."""
    if "@" not in text and "." not in text:
        return ()
    found = [Link(m.group(0), m.start(), m.end(), "email") for m in EMAIL.finditer(text)]
    for match in URL.finditer(text):
        if any(link.start < match.end() and match.start() < link.end for link in found):
            continue  # the domain of an e-mail address
        url = _trim_url(match.group(0))
        if url:
            found.append(Link(url, match.start(), match.start() + len(url), "url"))
    return tuple(sorted(found, key=lambda link: link.start))


def without_links(text: str) -> str:
    """*text* with each link replaced by a space, so the words on both sides stay apart."""
    for link in reversed(find_links(text)):
        text = text[: link.start] + " " + text[link.end :]
    return text


def has_words(text: str) -> bool:
    """Whether plain *text* has a letter outside its URLs and e-mail addresses: a bare
    ``www.example.org/`` is nothing to translate."""
    if not has_letter(text):
        return False
    if ("." not in text and "@" not in text) or _WORD_OUTSIDE_LINKS.search(text):
        return True
    return has_letter(without_links(text))


# A word character that is neither a digit nor "_": a letter, or a rare numeral such as "²".
_WORD_LETTER = re.compile(r"[^\W\d_]")
# A letter in a run without spaces that holds none of ". @ : /": every link holds one of
# them and no space, so no link reaches into such a run, and most sentences have one.
_WORD_OUTSIDE_LINKS = re.compile(r"(?<!\S)[^\s.@:/]*[^\W\d_][^\s.@:/]*(?!\S)")


def has_letter(text: str) -> bool:
    """Whether *text* has a letter (``str.isalpha``), found at C speed."""
    found = _WORD_LETTER.search(text)
    # Only a non-decimal numeral (a superscript two) sends the answer to the exact test.
    return found is not None and (found.group().isalpha() or any(ch.isalpha() for ch in text))


# What a file name ends with when a page uses it as text: "IMG_1234.jpg", "report.pdf".
FILE_EXTENSIONS = frozenset({
    "avif", "bmp", "gif", "heic", "ico", "jpeg", "jpg", "png", "svg", "tif", "tiff", "webp",
    "doc", "docx", "mp3", "mp4", "pdf", "webm",
})
_FILE_NAME = re.compile(r"[A-Za-z0-9]+(?:[-_.][A-Za-z0-9]+)*")
_SLUG = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)+")


def is_file_name(text: str) -> bool:
    """Whether *text* (an attribute value) is a file name rather than words: one token with
    a file extension ("IMG_1234.jpg", "photo-2.png"), or a slug in lowercase joined by
    hyphens or underscores ("cesnur-logo", "img_1234"), as publishing tools fill in an
    image's ``alt`` from its file."""
    text = text.strip()
    if not _FILE_NAME.fullmatch(text):
        return False
    stem, dot, extension = text.rpartition(".")
    if dot and stem and extension.lower() in FILE_EXTENSIONS:
        return True
    return _SLUG.fullmatch(text) is not None


# --------------------------------------------------------------------------------------
# Figures

# Spaces that group thousands: "1 000", "1\u00a0000", "1\u202f000", "1\u2009000".
NUMBER_SPACES = " \u00a0\u202f\u2009"
# A figure as written, whatever the language: digits, separated by points, commas or
# non-breaking spaces, and a percent sign ("1,000", "3,5", "16.08.2019", "12%").
NUMBER = re.compile(r"(?<![\w.,])\d+(?:[.,\u00a0\u202f]\d+)*(?:%)?(?![\w])")
# A date in digits, day or month first: 16.08.2019, 8/16/2019.
DATE = re.compile(r"(?<!\d)(\d{1,2})([./])(\d{1,2})\2(\d{4})(?!\d)")


# --------------------------------------------------------------------------------------
# Loops

MIN_REPEATS = 3
# The longest stretch looked for, so a long text costs linear time; a loop of longer
# stretches makes a translation far too long for the length checks anyway.
MAX_REPEAT = 40
# Tokens for repetition: a Han character each (Chinese has no spaces), otherwise words.
_TOKEN = re.compile(f"[{HAN_CHARS}]|[^\\W_{HAN_CHARS}]+(?:['’-][^\\W_{HAN_CHARS}]+)*")


@dataclass(frozen=True)
class Repeat:
    """A stretch of tokens repeated in a row: the tokens as first written, and how often."""

    tokens: tuple[str, ...]
    times: int

    @property
    def text(self) -> str:
        """The stretch as a reader writes it: Han characters joined, words spaced."""
        joined = all(HAN.fullmatch(t) for t in self.tokens)
        return ("" if joined else " ").join(self.tokens)


def repeat_tokens(text: str) -> list[str]:
    """The tokens :func:`find_repeat` compares: words, and each Han character on its own;
    punctuation and links left out."""
    return _TOKEN.findall(without_links(text))


def _may_repeat(gram: Sequence[str]) -> bool:
    # Figures repeat digits ("1000"), and a Chinese character doubled is reduplication
    # (谢谢, 天天, twice over in 谢谢，谢谢), so neither makes a loop.
    if all(t.isdigit() for t in gram):
        return True
    return len(gram) == 1 and HAN.fullmatch(gram[0]) is not None


def find_repeat(text: str, times: int = MIN_REPEATS, longest: int = MAX_REPEAT) -> Repeat | None:
    """The first stretch of at most *longest* tokens of *text* (see :func:`repeat_tokens`)
    repeated *times* times or more in a row, case aside, shortest stretch first."""
    written = repeat_tokens(text)
    tokens = [t.casefold() for t in written]
    size = len(tokens)
    for n in range(1, min(size // times, longest) + 1):
        run = 0
        for i in range(size - n):
            run = run + 1 if tokens[i] == tokens[i + n] else 0
            # tokens[s:s+n] repeats k times when tokens[i] == tokens[i+n] for (k-1)*n
            # positions in a row.
            if run >= (times - 1) * n:
                start = i - run + 1
                if not _may_repeat(tokens[start : start + n]):
                    while start + run + n < size and tokens[start + run] == tokens[start + run + n]:
                        run += 1
                    return Repeat(tuple(written[start : start + n]), run // n + 1)
    return None
