"""Pseudo-localization: visibly changed text with every tag kept, for testing without a model.

Letters are changed into look-alikes in the target language's script (accented Latin,
Cyrillic, or Latin with Han characters added), text grows by about 30 % (translations
into most languages are longer than English) and each segment is bracketed, so clipped,
untranslated or concatenated strings stand out in a built page, as localization teams use
it. What a translation must keep stays as it is: numbered tags, placeholders, URLs,
e-mail addresses, figures (written as the target writes them where it would read the
source's otherwise: "1,200" is "1 200" in Russian), and the glossary's names and
do-not-translate terms (the same spans :mod:`translate_flow.protect` shields from a model),
so a pseudo-translation passes the project's checks.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from .check.figures import as_read_in, read_figures, reads_alike, written_in
from .markup import TAG_RE, escape_text, unescape_text
from .protect import Span, find_spans
from .textrules import script_of

__all__ = ["EXPANSION", "PLACEHOLDER", "PseudoScript", "pseudo_script", "pseudolocalize"]

EXPANSION = 0.3
_LATIN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"

# Placeholders of message formats that a page's text may carry: `{name}`, `%s`, `%(name)d`.
PLACEHOLDER = re.compile(r"\{[A-Za-z0-9_.:]*\}|%(?:\([A-Za-z0-9_]+\))?[-+ #0]*\d*(?:\.\d+)?[sdifxXr]")


@dataclass(frozen=True)
class PseudoScript:
    """How pseudo-localization writes one script: each Latin letter's look-alike, the
    padding that makes the text longer, and its sentence marks (half-width or full-width)."""

    letters: str  # the look-alikes of _LATIN, letter for letter
    padding: str  # taken in turn, one character per padding place
    final_marks: Mapping[str, str] = field(default_factory=dict)  # half-width mark -> the script's


_ACCENTED = "àƀçđéƒĝĥíĵķĺɱñóþǫŕšţúṽŵẋýžÀƁÇĐÉƑĜĤÍĴĶĹṀÑÓÞǪŔŠŢÚṼŴẊÝŽ"
# A Latin letter's Cyrillic look-alike or its usual transliteration: readable, and Cyrillic
# to the wrong-script check.
_CYRILLIC = "абцдефгхийклмнопярстувшжызАБЦДЕФГХИЙКЛМНОПЯРСТУВШЖЫЗ"
# The opening of the Thousand Character Classic: no character twice, so the padding of a
# Chinese pseudo-translation never reads as a model's loop.
_HAN_PADDING = ("天地玄黄宇宙洪荒日月盈昃辰宿列张寒来暑往秋收冬藏闰余成岁律吕调阳云腾致雨露结为霜"
                "金生丽水玉出昆冈剑号巨阙珠称夜光果珍李柰菜重芥姜海咸河淡鳞潜羽翔龙师火帝鸟官人皇")
_FULL_WIDTH = {".": "。", "?": "？", "!": "！", ":": "：", ";": "；", ",": "，"}

# By ISO 15924 script; a script not listed is written as accented Latin.
SCRIPTS: Mapping[str, PseudoScript] = {
    "Latn": PseudoScript(_ACCENTED, "~"),
    "Cyrl": PseudoScript(_CYRILLIC, "~"),
    "Hans": PseudoScript(_ACCENTED, _HAN_PADDING, _FULL_WIDTH),
    "Hant": PseudoScript(_ACCENTED, _HAN_PADDING, _FULL_WIDTH),
}
# Letters a language has beyond its script's table: a Kazakh text without one of them reads
# as Russian to the wrong-script check.
LANGUAGE_LETTERS: Mapping[str, Mapping[str, str]] = {
    "kk": {"i": "і", "h": "һ", "q": "қ", "w": "ү", "x": "ө", "I": "І", "H": "Һ", "Q": "Қ", "W": "Ү", "X": "Ө"},
    "uk": {"i": "і", "y": "ї", "g": "ґ", "I": "І", "Y": "Ї", "G": "Ґ"},
    "be": {"i": "і", "w": "ў", "I": "І", "W": "Ў"},
}
# What may follow the padding: the text's own final punctuation and closing quotes and
# brackets, which stay last so the translation ends as the source does.
_ENDING = re.compile(r"""[\s.?!:;,…"'”’»)\]}]*\Z""")


@lru_cache(maxsize=64)
def pseudo_script(target: str) -> tuple[PseudoScript, dict[int, str]]:
    """How to pseudo-localize into BCP 47 *target* ("" for accented Latin): the script's
    rules and the translation table of its letters."""
    script = SCRIPTS.get(script_of(target) if target else "Latn", SCRIPTS["Latn"])
    table = dict(zip(_LATIN, script.letters))
    table.update(LANGUAGE_LETTERS.get(target.split("-")[0].lower(), {}))
    return script, str.maketrans(table)


def pseudolocalize(
    msgid: str, target: str = "", terms: Sequence[tuple[str, str]] = (), *, source: str = "en",
) -> str:
    """Return a pseudo-translation of *msgid* (in *source*) into *target*: letters changed
    in the target's script, about 30 % longer, bracketed; tags, placeholders, links,
    figures and the (source, rendering) *terms* kept (each as its rendering)."""
    script, table = pseudo_script(target)
    matches = list(TAG_RE.finditer(msgid))
    edges = [0, *(edge for m in matches for edge in (m.start(), m.end())), len(msgid)]
    # The texts around the tags, each changed: (text, letters changed, end of its last kept span).
    texts = [_changed(unescape_text(msgid[edges[k] : edges[k + 1]]), table, terms, source, target)
             for k in range(0, len(edges), 2)]
    letters = sum(count for _, count, _ in texts)
    padding = "".join(script.padding[i % len(script.padding)] for i in range(math.ceil(letters * EXPANSION)))
    last = max((k for k, (text, _, _) in enumerate(texts) if text.strip()), default=-1)
    out: list[str] = []
    for k, (text, _, floor) in enumerate(texts):
        if k:
            out.append(matches[k - 1].group(0))
        out.append(escape_text(_padded(text, floor, padding, script) if k == last else text))
    body = "".join(out)
    # Whitespace at either end stays outside the brackets: it is the source's.
    start = len(body) - len(body.lstrip())
    end = len(body.rstrip())
    return f"{body[:start]}[{body[start:end]}]{body[end:]}"


def _changed(
    text: str, table: Mapping[int, str], terms: Sequence[tuple[str, str]], source: str, target: str,
) -> tuple[str, int, int]:
    """*text* with its letters changed, its protected spans and placeholders kept (figures
    as *target* writes them); how many letters were changed; and where the last kept span
    ends in the changed text."""
    kept = [(s.start, s.end, _kept(s, source, target)) for s in find_spans(text, terms)]
    kept += [(m.start(), m.end(), m.group(0)) for m in PLACEHOLDER.finditer(text)
             if all(m.end() <= s or m.start() >= e for s, e, _ in kept)]
    parts: list[str] = []
    letters = 0
    position = 0
    for start, end, rendering in sorted(kept):
        free = text[position:start]
        letters += sum(ch.isalpha() for ch in free)
        parts += [free.translate(table), rendering]
        position = end
    floor = sum(len(part) for part in parts)
    letters += sum(ch.isalpha() for ch in text[position:])
    parts.append(text[position:].translate(table))
    return "".join(parts), letters, floor


def _kept(span: Span, source: str, target: str) -> str:
    """What a protected span becomes: itself, but a figure the target language reads as
    another value ("1,200" is 1.2 in Russian) written as the target writes it ("1 200"),
    as a translator would, and as the numbers check asks."""
    if span.kind != "number" or not target:
        return span.rendering
    from .languages import language  # the locales, only where a figure needs them

    written, reader = language(source), language(target)
    figures = read_figures(span.rendering, written.locale, written.primary)
    if len(figures) != 1 or figures[0].kind != "digits":
        return span.rendering
    if reads_alike(figures[0], as_read_in(figures[0], reader.locale, reader.primary)):
        return span.rendering  # the target reads it as the source does
    return written_in(figures[0], reader.locale)


def _padded(text: str, floor: int, padding: str, script: PseudoScript) -> str:
    """*text* with *padding* before its final punctuation (never before *floor*, the end of
    a kept span), that punctuation in the script's own forms."""
    ending = _ENDING.search(text, floor)
    at = ending.start() if ending else len(text)
    tail = text[at:].rstrip()
    if script.final_marks:
        tail = "".join(script.final_marks.get(ch, ch) for ch in tail.replace("...", "…"))
    return f"{text[:at]}{' ' if padding else ''}{padding}{tail}{text[len(text.rstrip()):]}"
