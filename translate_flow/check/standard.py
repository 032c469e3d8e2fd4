"""The checks of a translation against its source alone: tags, markup, figures, links, scripts,
loops, length, whitespace, punctuation and doubled words. Each is a function
``(msgid, msgstr, context) -> list[Defect]`` that never raises."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping

from ..languages import Language
from ..markup import TAG_RE, TagMismatch, check_tags, html_in, tag_kinds, unescape_text
from ..textrules import (
    CYRILLIC_WORD,
    EMAIL,
    HAN,
    LATIN_WORD,
    WORD,
    find_links,
    find_repeat,
    script_of,
    without_links,
)
from .base import CheckContext, Defect, collapsed, may_stay, plain_text, quote, quotes, without_kept
from .figures import as_read_in, matching, read_figures, reads_alike, written_in

__all__ = [
    "DEFAULT_BAND",
    "LENGTH_BANDS",
    "MIN_RATIO_SOURCE",
    "MIN_WORDS_FOR_LETTERS",
    "doubled_words",
    "end_punctuation",
    "length_band",
    "length_ratio",
    "markup",
    "numbers",
    "repetition",
    "tags",
    "untranslated",
    "urls",
    "whitespace",
    "wrong_script",
]


# --------------------------------------------------------------------------------------
# tags


def tags(msgid: str, msgstr: str, context: CheckContext) -> list[Defect]:
    """The translation has exactly the source's numbered tags, each once, in its kind
    (``<a1>…</a1>`` or ``<br2/>``), paired tags properly nested; order may change."""
    try:
        check_tags(msgid, msgstr)
    except TagMismatch as exc:
        kinds = tag_kinds(msgid)
        if not kinds:
            return [Defect(f"{exc}: the source has no tags; remove it")]
        return [Defect(f"{exc}: keep the source's tags {_shown(kinds)}, each once and properly nested")]
    return []


def _shown(kinds: Mapping[str, str]) -> str:
    return ", ".join(f"<{k}/>" if kind == "void" else f"<{k}>…</{k}>" for k, kind in kinds.items())


# --------------------------------------------------------------------------------------
# markup

# The name of an HTML tag a translation holds: `<a1 href="x">` names a numbered tag.
_TAG_NAME = re.compile(r"</?([A-Za-z][A-Za-z0-9:_.-]*)")


def markup(msgid: str, msgstr: str, context: CheckContext) -> list[Defect]:
    """The translation holds no HTML but the source's numbered tags: a ``<b>``, ``</div>``,
    ``<a href="…">`` or ``<script>`` would show on the page as text, never as markup.

    HTML that the source holds as text (an article about HTML) may stay, and a numbered
    tag written with attributes (``<a1 href="…">``) is the tags check's.
    """
    pieces = html_in(msgstr)
    if not pieces:
        return []
    kinds = tag_kinds(msgid)
    in_source = set(html_in(msgid))
    found = [piece for piece in pieces
             if piece not in in_source and _numbered_name(piece) not in kinds]
    if not found:
        return []
    use = (f"use the source's numbered tags {_shown(kinds)}" if kinds
           else "the source has no tags: write the text without them")
    return [Defect(f"HTML {quotes(found)} would show as text on the page; {use}, or write "
                   "'<' as '&lt;' to show it as text")]


def _numbered_name(piece: str) -> str:
    name = _TAG_NAME.match(piece)
    return name.group(1) if name and TAG_RE.fullmatch(f"<{name.group(1)}>") else ""


# --------------------------------------------------------------------------------------
# numbers


def numbers(msgid: str, msgstr: str, context: CheckContext) -> list[Defect]:
    """Every figure of the source is in the translation with the same value, and the
    translation has no figure the source lacks (each as often as in the source).

    Figures are read the way each language writes them: thousands grouped with its
    separator or a space ("1,000" in English, "1 000" in Russian), its decimal mark
    ("3.5", "3,5"), a scale word after a figure ("3 million", "3 млн", "300万"), dates
    (16.08.2019). Currency signs and their position do not matter ("$ 300", "300 $",
    "300 долларов"), nor ordinal endings (16th, 16-го, 16-шы). Numbers spelled out in the
    source and month names may be written as figures in the translation ("August" and
    8月). A source figure spelled out in the translation (三百万, семи) is a minor problem,
    and so is one copied as the source writes it when the target language reads that
    otherwise ("1,200" is 1.2 in Russian): one finding that says how to write it, never a
    figure missing and another added.
    """
    source = read_figures(plain_text(msgid), context.source.locale, context.source.primary)
    target = read_figures(plain_text(msgstr), context.target.locale, context.target.primary)
    if not source and not any(n.kind == "digits" for n in target):
        return []

    def fits(i: int, j: int) -> bool:
        return bool(source[i].values & target[j].values)

    s_digits = [i for i, n in enumerate(source) if n.kind == "digits"]
    t_digits = [j for j, n in enumerate(target) if n.kind == "digits"]
    s_other = [i for i, n in enumerate(source) if n.kind != "digits"]
    t_other = [j for j, n in enumerate(target) if n.kind != "digits"]
    exact = matching(s_digits, t_digits, fits)
    spelled = matching([i for i in s_digits if i not in exact], t_other, fits)
    excused = matching([j for j in t_digits if j not in exact.values()], s_other,
                        lambda j, i: fits(i, j))
    # A figure copied as the source writes it, which the target language reads otherwise
    # ("1,200" is 1.2 in Russian, "1,200,000" two figures): one defect, never a missing
    # and an added number.
    as_source = [n for n in read_figures(plain_text(msgstr), context.source.locale, context.source.primary)
                 if n.kind == "digits"]
    readings = {i: as_read_in(source[i], context.target.locale, context.target.primary)
                for i in s_digits if i not in exact and i not in spelled}
    otherwise = [i for i, read in readings.items() if not reads_alike(source[i], read)]
    copied = matching(otherwise, range(len(as_source)), lambda i, k: source[i].text == as_source[k].text)
    read_otherwise = Counter(n.text for i in copied for n in readings[i])
    defects: list[Defect] = []
    for i in copied:
        defects.append(Defect(
            f"number {quote(source[i].text)} is written as in {context.source.name}, where "
            f"{context.target.name} reads it as another value; write it "
            f"{quote(written_in(source[i], context.target.locale))}", minor=True))
    missing = [source[i].text for i in s_digits if i not in exact and i not in spelled and i not in copied]
    if missing:
        defects.append(Defect(
            f"{'number' if len(missing) == 1 else 'numbers'} {quotes(missing)} of the source "
            f"{'is' if len(missing) == 1 else 'are'} missing from the translation; "
            "write the source's value"))
    extra = []
    for j in t_digits:
        if j in exact.values() or j in excused:
            continue
        if read_otherwise[target[j].text]:
            read_otherwise[target[j].text] -= 1
            continue
        extra.append(target[j].text)
    if extra:
        defects.append(Defect(
            f"{'number' if len(extra) == 1 else 'numbers'} {quotes(extra)} "
            f"{'is' if len(extra) == 1 else 'are'} not in the source; check the figures against "
            "the source"))
    for i, j in spelled.items():
        if target[j].kind == "words":
            defects.append(Defect(
                f"number {quote(source[i].text)} is spelled out as {quote(target[j].text)}; "
                "write it in figures as the source does", minor=True))
    return defects


# --------------------------------------------------------------------------------------
# urls


def urls(msgid: str, msgstr: str, context: CheckContext) -> list[Defect]:
    """Every URL and e-mail address of the source is in the translation unchanged, and
    the translation has none the source lacks."""
    source = Counter(link.text for link in find_links(plain_text(msgid)))
    target = Counter(link.text for link in find_links(plain_text(msgstr)))
    missing = list((source - target).elements())
    extra = list((target - source).elements())
    defects = []
    while missing and extra:
        was, now = missing.pop(0), extra.pop(0)
        defects.append(Defect(f"{_kind(was)} {quote(was, 100)} was changed to {quote(now, 100)}; "
                               "copy it from the source unchanged"))
    for link in missing:
        defects.append(Defect(f"{_kind(link)} {quote(link, 100)} of the source is missing; "
                               "copy it into the translation unchanged"))
    for link in extra:
        defects.append(Defect(f"{_kind(link)} {quote(link, 100)} is not in the source; "
                               "use the source's addresses only"))
    return defects


def _kind(link: str) -> str:
    return "e-mail address" if EMAIL.fullmatch(link) else "URL"


# --------------------------------------------------------------------------------------
# untranslated

# What separates the items of a list of links: "Twitter · Facebook". Slashes and bars are
# left out: "Login / Register" is a menu to translate.
_LIST_SEPARATORS = re.compile(r"\s*[·•‧∙⋅・]\s*")


def _brand_list(text: str) -> bool:
    """Whether plain *text* is two or more single words, each capitalised and not in
    capitals (a brand, not an acronym nor a heading), between list separators."""
    items = _LIST_SEPARATORS.split(text.strip())
    return len(items) > 1 and all(
        WORD.fullmatch(item) and item[0].isupper() and any(c.islower() for c in item)
        for item in items)


def untranslated(msgid: str, msgstr: str, context: CheckContext) -> list[Defect]:
    """The translation is not the source text again (tags, whitespace and case aside),
    unless the source is only numbers, URLs, e-mail addresses and the context's *keep*
    phrases, or, when both languages share a script, names and acronyms (see
    :func:`may_stay`).

    Across scripts names are transliterated ("Massimo Introvigne" is "Массимо Интровинье")
    and acronyms translated (OSCE is ОБСЕ, 欧安组织); Title Case and capitals are as often a
    menu item ("Learn More", "NEWS") as a name. The names and acronyms that stay as they
    are ("Bitter Winter", "CESNUR") are the glossary's do-not-translate terms, which the
    context keeps. A list of single capitalised words between separators ("Twitter ·
    Facebook") is a list of brand names, which stay in Latin script in any language.
    """
    source = plain_text(msgid)
    if collapsed(source).casefold() != collapsed(plain_text(msgstr)).casefold():
        return []
    same_script = script_of(context.source.tag) == script_of(context.target.tag)
    if may_stay(source, context.keep, names=same_script) or _brand_list(source):
        return []
    return [Defect(f"the translation is the source text {quote(source)}; "
                   f"translate it into {context.target.name}")]


# --------------------------------------------------------------------------------------
# wrong-script

# Letters that set a Cyrillic language apart from Russian: a long translation without any
# of them is probably Russian.
_DISTINCT_LETTERS: Mapping[str, str] = {"kk": "әғқңөұүһі", "uk": "ієїґ", "be": "іў"}
# Common words of such a language written without its distinct letters, and no Russian
# words: they tell the language as well as a letter does ("геноцид бойынша алтын медаль
# алды" has no Kazakh letter).
_NATIVE_WORDS: Mapping[str, frozenset[str]] = {
    "kk": frozenset({
        "алды", "алып", "бен", "бола", "болды", "болып", "болса", "бойынша", "бойы", "деп",
        "дейді", "дейін", "емес", "жатыр", "жылы", "кезде", "кейін", "мен", "менен", "ол",
        "олар", "оны", "осы", "пен", "сияқты", "соң", "тек", "туралы",
    }),
}
MIN_WORDS_FOR_LETTERS = 6  # lowercase words: names are written alike in both languages
_HAN_SCRIPTS = frozenset({"Hans", "Hant", "Hani"})


def wrong_script(msgid: str, msgstr: str, context: CheckContext) -> list[Defect]:
    """The translation is written in the target language's script.

    A Chinese translation has Han characters, unless the source is only names, numbers,
    URLs and acronyms. A Cyrillic translation has no Latin words left, except in URLs and
    e-mail addresses, acronyms (no lowercase letter: "CESNUR", "XX"), single letters, the
    context's *keep* phrases, and names written as in the source (a word with a capital
    that the source has verbatim: "Bitter Winter", "France Presse"), and what the source
    holds in the same numbered tag pair, copied as it is (a title: "<em1>Enciclopedia delle
    religioni in Italia</em1>"); any other all-lowercase Latin word is flagged (minor). A
    Kazakh, Ukrainian or Belarusian translation of at least six lowercase Cyrillic words has
    a letter or one of the common words (:data:`_NATIVE_WORDS`) of that language, or it is
    probably Russian (minor).
    """
    target = without_kept(without_links(plain_text(_without_copies(msgid, msgstr))), context.keep)
    script = script_of(context.target.tag)
    defects: list[Defect] = []
    if script in _HAN_SCRIPTS:
        if (not HAN.search(target) and any(c.isalpha() for c in target)
                and not may_stay(plain_text(msgid), context.keep)):
            defects.append(Defect(f"no Chinese characters in {quote(plain_text(msgstr))}; "
                                   f"translate it into {context.target.name}"))
        return defects
    if script != "Cyrl":
        return defects
    source_words = set(LATIN_WORD.findall(plain_text(msgid)))
    left = [w for w in LATIN_WORD.findall(target)
            if len(w) > 1 and any(c.islower() for c in w)
            and (w.islower() or w not in source_words)]
    if left:
        defects.append(Defect(
            f"Latin {'word' if len(left) == 1 else 'words'} {quotes(left)} left in the "
            f"{context.target.name} translation; translate {'it' if len(left) == 1 else 'them'} "
            "(names may stay as in the source)", minor=True))
    letters = _DISTINCT_LETTERS.get(context.target.primary)
    if letters:
        words = CYRILLIC_WORD.findall(target)
        common = [w.lower() for w in words if not w[0].isupper()]
        native = _NATIVE_WORDS.get(context.target.primary, frozenset())
        if (len(common) >= MIN_WORDS_FOR_LETTERS and not any(c in letters for c in target.lower())
                and native.isdisjoint(common)):
            defects.append(Defect(
                f"no {context.target.name} letter ({' '.join(letters)}) in {len(words)} words: "
                f"the translation reads as Russian; write it in {context.target.name}", minor=True))
    return defects


# A numbered tag pair and what it holds: a title copied from the source keeps its tags.
_PAIR = re.compile(r"<([a-z][a-z0-9-]*[0-9])>(.*?)</\1>", re.DOTALL)


def _without_copies(msgid: str, msgstr: str) -> str:
    """*msgstr* without the tag pairs that hold what the same pair holds in *msgid*."""
    if "<" not in msgid:
        return msgstr
    source = {m.group(1): collapsed(plain_text(m.group(2))) for m in _PAIR.finditer(msgid)}

    def copy(match: re.Match[str]) -> str:
        held = collapsed(plain_text(match.group(2)))
        return " " if held and source.get(match.group(1)) == held else match.group(0)

    return _PAIR.sub(copy, msgstr)


# --------------------------------------------------------------------------------------
# repetition


def repetition(msgid: str, msgstr: str, context: CheckContext) -> list[Defect]:
    """The translation repeats no n-gram of words (of characters in Chinese, two or more)
    three or more times in a row, punctuation between them aside, unless the source has
    such a repetition too (a chanted slogan)."""
    found = find_repeat(plain_text(msgstr))
    if found is None or find_repeat(plain_text(msgid)) is not None:
        return []
    return [Defect(f"{quote(found.text)} is repeated {found.times} times in a row; "
                   "keep it once, as the source does")]


# --------------------------------------------------------------------------------------
# length-ratio

MIN_RATIO_SOURCE = 20  # characters; shorter sources vary too much in length to judge

# The band of target/source length (characters other than whitespace) for a language
# pair; "*" stands for any language. A pair not listed uses its reverse, inverted; then
# ("*", target) and (source, "*"); then DEFAULT_BAND.
LENGTH_BANDS: Mapping[tuple[str, str], tuple[float, float]] = {
    ("en", "ru"): (0.6, 2.0),
    ("en", "kk"): (0.55, 2.0),
    ("en", "zh"): (0.15, 1.0),  # Latin names kept in Chinese text push the ratio up
    ("ru", "kk"): (0.6, 1.7),
    ("*", "zh"): (0.15, 1.0),
    ("*", "ja"): (0.2, 1.1),
    ("*", "ko"): (0.25, 1.2),
}
DEFAULT_BAND = (0.4, 2.5)


def length_band(source: Language, target: Language) -> tuple[float, float]:
    """The expected band of translation length over source length for a language pair."""
    s, t = source.primary, target.primary
    for pair in ((s, t), (t, s), ("*", t), (s, "*"), (t, "*"), ("*", s)):
        band = LENGTH_BANDS.get(pair)
        if band is not None:
            if pair in ((t, s), (t, "*"), ("*", s)):
                return (1 / band[1], 1 / band[0])
            return band
    return DEFAULT_BAND


def _length(text: str) -> int:
    return sum(1 for c in text if not c.isspace())


def length_ratio(msgid: str, msgstr: str, context: CheckContext) -> list[Defect]:
    """For a source of at least MIN_RATIO_SOURCE characters, the translation's length over
    the source's lies in the band for the language pair (:data:`LENGTH_BANDS`)."""
    source = collapsed(plain_text(msgid))
    if len(source) < MIN_RATIO_SOURCE:
        return []
    ratio = _length(plain_text(msgstr)) / _length(source)
    low, high = length_band(context.source, context.target)
    pair = f"{context.source.tag}→{context.target.tag}"
    if ratio < low:
        return [Defect(f"the translation is {ratio:.2f} times as long as the source, shorter "
                       f"than expected for {pair} ({low:g}–{high:g}); check for omissions")]
    if ratio > high:
        return [Defect(f"the translation is {ratio:.2f} times as long as the source, longer "
                       f"than expected for {pair} ({low:g}–{high:g}); check for additions "
                       "or repeated text")]
    return []


# --------------------------------------------------------------------------------------
# whitespace


def _leading_space(text: str) -> str:
    return text[: len(text) - len(text.lstrip())]


def _describe_space(space: str) -> str:
    return "none" if not space else repr(space)


def whitespace(msgid: str, msgstr: str, context: CheckContext) -> list[Defect]:
    """The translation starts and ends with the same whitespace as the source."""
    # An edge is what the page shows: a `&nbsp;` in the translation is a no-break space.
    msgid, msgstr = unescape_text(msgid), unescape_text(msgstr)
    defects = []
    for edge, source, target in (
        ("leading", _leading_space(msgid), _leading_space(msgstr)),
        ("trailing", msgid[len(msgid.rstrip()) :], msgstr[len(msgstr.rstrip()) :]),
    ):
        if source != target:
            defects.append(Defect(
                f"{edge} whitespace differs: the source has {_describe_space(source)}, the "
                f"translation {_describe_space(target)}; make it the same as the source's"))
    return defects


# --------------------------------------------------------------------------------------
# end-punctuation

# Final marks and what they are; full-width and half-width forms are the same mark.
# Apostrophes are left out: "the workers'" ends with one that is no quotation mark.
_END_MARKS: Mapping[str, str] = {
    ".": "full stop", "。": "full stop", "｡": "full stop", "．": "full stop",
    "?": "question mark", "？": "question mark",
    "!": "exclamation mark", "！": "exclamation mark",
    ":": "colon", "：": "colon",
    ";": "semicolon", "；": "semicolon",
    ",": "comma", "，": "comma", "、": "comma",
    "…": "ellipsis",
    '"': "quotation mark", "”": "quotation mark", "“": "quotation mark", "»": "quotation mark",
    "«": "quotation mark", "›": "quotation mark", "」": "quotation mark", "』": "quotation mark",
    "》": "quotation mark", "〉": "quotation mark", "＂": "quotation mark",
    ")": "bracket", "）": "bracket", "]": "bracket", "］": "bracket", "】": "bracket",
    "〕": "bracket", "}": "bracket", "｝": "bracket",
}
_HALF_WIDTH = ".?!:;,"
_FULL_WIDTH = "。｡．？！：；，、"
_FULL_WIDTH_LANGUAGES = frozenset({"zh", "ja"})
_ELLIPSIS = re.compile(r"\.{3,}|…+")


def _ending(text: str) -> str:
    """The final punctuation of plain *text* (closing quotes and brackets included)."""
    text = text.rstrip()
    end = len(text)
    while end and (text[end - 1] in _END_MARKS or (text[end - 1].isspace() and end < len(text))):
        end -= 1
    return "".join(text[end:].split())


# Closing quotes and brackets are not sentence punctuation: word order moves them ("the
# “games.”" is "«игр»."; "(OSCE)." is "（欧安组织）“…”。"), and Chinese writes a title in
# 《》 where English writes it bare ("Support Bitter Winter", 支持《Bitter Winter》).
_ENCLOSING = frozenset({"quotation mark", "bracket"})


def _marks(ending: str) -> frozenset[str]:
    """The sentence marks of an ending, closing quotes and brackets aside."""
    return frozenset(_END_MARKS[c] for c in _ELLIPSIS.sub("…", ending)
                     if c in _END_MARKS and _END_MARKS[c] not in _ENCLOSING)


def end_punctuation(msgid: str, msgstr: str, context: CheckContext) -> list[Defect]:
    """The translation ends with the same sentence punctuation as the source: the same
    final mark (full-width and half-width forms are the same mark: . and 。, ? and ？),
    whatever closing quotes and brackets stand around it on either side (``.”``, ``».``,
    ``”。`` and ``).`` all end with a full stop; ``”`` and ``》`` end without one).

    Chinese and Japanese translations end with full-width marks, others with half-width
    ones (minor).
    """
    source_end = _ending(plain_text(msgid))
    target_end = _ending(plain_text(msgstr))
    defects: list[Defect] = []
    if _marks(source_end) != _marks(target_end):
        said = f"with {quote(source_end)}" if source_end else "without punctuation"
        done = f"with {quote(target_end)}" if target_end else "without punctuation"
        defects.append(Defect(f"the source ends {said}, the translation {done}; "
                               "end it the way the source does"))
    full = context.target.primary in _FULL_WIDTH_LANGUAGES
    wrong = [c for c in _ELLIPSIS.sub("…", target_end) if c in (_HALF_WIDTH if full else _FULL_WIDTH)]
    if wrong:
        width = "full-width" if full else "half-width"
        defects.append(Defect(f"the translation ends with {quote(target_end)}; use {width} "
                               f"punctuation in {context.target.name}", minor=True))
    return defects


# --------------------------------------------------------------------------------------
# doubled-words

# Words that may legitimately follow themselves ("what he had had", "he said that that").
# Reduplication in Russian and Kazakh is hyphenated ("чуть-чуть", "тез-тез") and is one
# word here; paired words such as "әр түрлі" are not the same word twice.
_DOUBLES_ALLOWED: Mapping[str, frozenset[str]] = {
    "en": frozenset({"had", "that"}),
}


def _doubles(text: str) -> list[tuple[str, str]]:
    """Words of plain *text* written exactly twice in a row with only whitespace between:
    (the pair as written, the word casefolded). Digits are not words here."""
    text = without_links(text)
    words = list(WORD.finditer(text))

    def same(i: int) -> bool:  # words i and i + 1 are one word, only whitespace between
        return (words[i].group(0).casefold() == words[i + 1].group(0).casefold()
                and not text[words[i].end() : words[i + 1].start()].strip())

    found = []
    for i in range(len(words) - 1):
        if not same(i) or words[i].group(0).isdigit():
            continue
        if (i > 0 and same(i - 1)) or (i + 2 < len(words) and same(i + 1)):
            continue  # three or more in a row: the repetition check's
        found.append((text[words[i].start() : words[i + 1].end()], words[i].group(0).casefold()))
    return found


def doubled_words(msgid: str, msgstr: str, context: CheckContext) -> list[Defect]:
    """The translation has no word written twice in a row ("в в", "the the").

    Allowed: numbers, the target language's legitimate doubles (English "had had"), a word
    doubled in the source too, and a capitalized pair when the source has a capitalized
    pair ("Bora Bora" written in another script). Three or more in a row are left to the
    repetition check.
    """
    found = _doubles(plain_text(msgstr))
    if not found:
        return []
    source = _doubles(plain_text(msgid))
    source_words = {word for _, word in source}
    source_names = any(pair[:1].isupper() for pair, _ in source)
    allowed = _DOUBLES_ALLOWED.get(context.target.primary, frozenset())
    return [Defect(f"{quote(pair)}: the word is doubled; delete one")
            for pair, word in found
            if word not in allowed and word not in source_words
            and not (source_names and pair[:1].isupper())]
