"""Quality checks over one catalog entry: findings, never exceptions.

A check is a small function ``(msgid, msgstr, context) -> list[Problem]`` that looks at a
source text and its translation (numbered tags and all) and says what is wrong with the
translation, one short line per problem. :func:`check_entry` runs the checks a project has
turned on and turns their problems into :class:`Finding` objects (check name, severity,
message). Checks never raise, whatever the text.

The checks, in the order they run:

===================  ========  ===============================================================
name                 default   finds
===================  ========  ===============================================================
tags                 error     numbered tags not the source's set, or not properly nested
numbers              error     a figure missing, added or changed (thousand separators,
                               decimal commas, currency position and scale words such as
                               "3 млн" or "300万" understood); a warning for a figure spelled
                               out (三百万, семи) instead of written in digits
urls                 error     a URL or e-mail address missing, added or changed
untranslated         warning   the translation is the source text, unless the source is only
                               numbers, URLs and kept phrases (do-not-translate terms) or,
                               when both languages share a script, names and acronyms
wrong-script         error     a Chinese translation without Han characters; warnings for
                               Latin words left in a Cyrillic translation and for a long
                               Kazakh (Ukrainian, Belarusian) translation without a letter
                               of that language: probably Russian
repetition           warning   words (characters in Chinese) repeated three or more times in
                               a row, a machine-translation loop, where the source has none
length-ratio         warning   translation length out of the band for the language pair
whitespace           warning   leading or trailing whitespace differs from the source's
end-punctuation      warning   the final punctuation differs from the source's (full-width
                               aware); info for half-width marks in Chinese or Japanese, and
                               full-width marks elsewhere
doubled-words        warning   the same word twice in a row ("в в", "the the")
term-missing         warning   a glossary term's preferred translation missing (any inflection)
forbidden-variant    error     a variant the glossary forbids, in any inflected form
name-altered         error     a name or do-not-translate term not spelled as in the glossary
===================  ========  ===============================================================

Some problems are *minor*: they are reported one severity below the check's (error becomes
warning, warning becomes info), so the spelled-out number is a warning while the numbers
check is an error, and both move when a project changes the check's severity.

A project turns checks on and off and changes their severity in ``translate-flow.toml``::

    [checks]
    doubled-words = false                                  # off
    length-ratio = "info"                                  # on, with this severity
    numbers = { enabled = true, severity = "warning" }

Adding a check means writing one more function of the same shape and one more row in
:data:`CHECKS`; the glossary checks find their term matcher in :attr:`CheckContext.terms`.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter, deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from types import MappingProxyType
from typing import Literal, Protocol

from babel.numbers import get_decimal_symbol, get_group_symbol

from .errors import ConfigError
from .glossary import Term
from .languages import Language
from .terms import AlteredName, ForbiddenUse
from .markup import TAG_RE, TagMismatch, check_tags, tag_kinds, unescape_text
from .textrules import (
    CYRILLIC_WORD,
    DATE,
    EMAIL,
    HAN,
    LATIN_WORD,
    NUMBER_SPACES,
    WORD,
    find_links,
    find_repeat,
    script_of,
    without_links,
)

__all__ = [
    "CHECKS",
    "LENGTH_BANDS",
    "RESERVED",
    "SEVERITIES",
    "Check",
    "CheckContext",
    "CheckFunction",
    "CheckSettings",
    "Finding",
    "GlossaryTerms",
    "Problem",
    "Severity",
    "check_entry",
    "doubled_words",
    "end_punctuation",
    "length_band",
    "length_ratio",
    "numbers",
    "plain_text",
    "repetition",
    "tags",
    "untranslated",
    "urls",
    "whitespace",
    "wrong_script",
]

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")
_MINOR: Mapping[Severity, Severity] = {"error": "warning", "warning": "info", "info": "info"}


@dataclass(frozen=True)
class Finding:
    """One thing wrong with a translation: which check found it, how bad it is, and a
    one-line message that quotes the offending text and says what to do about it."""

    check: str
    severity: Severity
    message: str


@dataclass(frozen=True)
class Problem:
    """What a check function reports: the message, and whether the problem is minor
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


CheckFunction = Callable[[str, str, CheckContext], list[Problem]]


@dataclass(frozen=True)
class Check:
    """One row of the registry: a check's stable name, its function, its default severity
    and a one-line description."""

    name: str
    function: CheckFunction
    default_severity: Severity
    description: str


# --------------------------------------------------------------------------------------
# Text helpers


@lru_cache(maxsize=4096)
def plain_text(text: str) -> str:
    """What a reader sees of tagged *text*: numbered tags removed (a standalone tag such as
    ``<br2/>`` becomes a space, so the words on both sides stay apart) and escapes undone.
    Whitespace is kept as it is."""
    if "<" not in text and "lt;" not in text:
        return text
    return unescape_text(TAG_RE.sub(lambda m: " " if m.group(3) else "", text))


def _collapsed(text: str) -> str:
    return " ".join(text.split())


def _quote(text: str, limit: int = 60) -> str:
    text = _collapsed(text)
    return "'" + (text if len(text) <= limit else text[: limit - 1] + "…") + "'"


def _quotes(items: Sequence[str], limit: int = 5) -> str:
    shown = ", ".join(_quote(item) for item in items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")

@lru_cache(maxsize=256)
def _kept_pattern(keep: frozenset[str]) -> re.Pattern[str] | None:
    phrases = sorted((p for p in keep if p.strip()), key=lambda p: (-len(p), p))
    if not phrases:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(p) for p in phrases) + r")(?!\w)")


def _without_kept(text: str, keep: frozenset[str]) -> str:
    pattern = _kept_pattern(keep)
    return pattern.sub(" ", text) if pattern else text


def _is_caps(word: str) -> bool:
    return word.upper() == word and any(c.isalpha() for c in word)


def _may_stay(text: str, keep: frozenset[str], names: bool = True) -> bool:
    """Whether plain *text* may well stay the same in a translation: only URLs, e-mail
    addresses, numbers, punctuation and the *keep* phrases, and, when *names* are allowed,
    names and acronyms.

    A name is at most four words each starting with a capital ("Bitter Winter", "Massimo
    Introvigne, CESNUR"); an acronym is one word in capitals ("CESNUR"). Two or more words
    all in capitals are a heading ("ABOUT CHINA"). A lone word in capitals passes as an
    acronym even when it is a menu item ("HOME"): only a dictionary could tell them apart.
    """
    words = [w for w in WORD.findall(_without_kept(without_links(text), keep))
             if any(c.isalpha() for c in w)]
    if not words:
        return True
    if not names:
        return False
    if all(_is_caps(w) for w in words):
        return len(words) == 1
    return len(words) <= 4 and all(w[0].isupper() for w in words)


# --------------------------------------------------------------------------------------
# tags


def tags(msgid: str, msgstr: str, context: CheckContext) -> list[Problem]:
    """The translation has exactly the source's numbered tags, each once, in its kind
    (``<a1>…</a1>`` or ``<br2/>``), paired tags properly nested; order may change."""
    try:
        check_tags(msgid, msgstr)
    except TagMismatch as exc:
        kinds = tag_kinds(msgid)
        if not kinds:
            return [Problem(f"{exc}: the source has no tags; remove it")]
        shown = ", ".join(f"<{k}/>" if kind == "void" else f"<{k}>…</{k}>"
                          for k, kind in kinds.items())
        return [Problem(f"{exc}: keep the source's tags {shown}, each once and properly nested")]
    return []


# --------------------------------------------------------------------------------------
# numbers

NumberKind = Literal["digits", "words", "month"]


@dataclass(frozen=True)
class _Number:
    text: str  # as written
    values: frozenset[Decimal]  # what it may stand for: "3 млн" is 3 or 3 000 000
    kind: NumberKind


# Scale words after a figure, per language: "3 million", "1,5 млрд", "300 мың", "300万".
_SCALES: Mapping[str, tuple[tuple[str, int], ...]] = {
    "en": ((r"thousand", 10**3), (r"million", 10**6), (r"billion", 10**9), (r"trillion", 10**12)),
    "ru": (
        (r"тыс\.?|тысяч\w*", 10**3), (r"млн\.?|миллион\w*", 10**6),
        (r"млрд\.?|миллиард\w*", 10**9), (r"трлн\.?|триллион\w*", 10**12),
    ),
    "kk": (
        (r"мың\w*", 10**3), (r"млн\.?|миллион\w*", 10**6),
        (r"млрд\.?|миллиард\w*", 10**9), (r"трлн\.?|триллион\w*", 10**12),
    ),
    "zh": ((r"千", 10**3), (r"万", 10**4), (r"亿", 10**8)),
}

# Number words: form -> (value, role). "add" adds to the number being read, "hundred"
# multiplies it (three hundred, үш жүз), "scale" closes a group (million, тысяч).
_Role = Literal["add", "hundred", "scale"]


def _table(
    add: Mapping[int, str], hundred: str = "", scales: Mapping[int, str] | None = None
) -> Mapping[str, tuple[int, _Role]]:
    table: dict[str, tuple[int, _Role]] = {}
    for value, forms in add.items():
        for form in forms.split():
            table[form] = (value, "add")
    for form in hundred.split():
        table[form] = (100, "hundred")
    for value, forms in (scales or {}).items():
        for form in forms.split():
            table[form] = (value, "scale")
    return table


_WORDS: Mapping[str, Mapping[str, tuple[int, _Role]]] = {
    "en": _table(
        {
            0: "zero", 1: "one first", 2: "two second", 3: "three third", 4: "four fourth",
            5: "five fifth", 6: "six sixth", 7: "seven seventh", 8: "eight eighth",
            9: "nine ninth", 10: "ten tenth", 11: "eleven eleventh", 12: "twelve twelfth",
            13: "thirteen", 14: "fourteen", 15: "fifteen", 16: "sixteen", 17: "seventeen",
            18: "eighteen", 19: "nineteen", 20: "twenty", 30: "thirty", 40: "forty",
            50: "fifty", 60: "sixty", 70: "seventy", 80: "eighty", 90: "ninety",
        },
        "hundred",
        {10**3: "thousand", 10**6: "million", 10**9: "billion", 10**12: "trillion"},
    ),
    "ru": _table(
        {
            0: "ноль нуля нулю нулём нулем",
            1: "один одна одно одного одной одному одним одну одном",
            2: "два две двух двум двумя",
            3: "три трёх трех трём трем тремя",
            4: "четыре четырёх четырех четырём четырем четырьмя",
            5: "пять пяти пятью",
            6: "шесть шести шестью",
            7: "семь семи",  # not "семью", which is also "family"
            8: "восемь восьми восемью восьмью",
            9: "девять девяти девятью",
            10: "десять десяти десятью",
            11: "одиннадцать одиннадцати одиннадцатью",
            12: "двенадцать двенадцати двенадцатью",
            13: "тринадцать тринадцати тринадцатью",
            14: "четырнадцать четырнадцати четырнадцатью",
            15: "пятнадцать пятнадцати пятнадцатью",
            16: "шестнадцать шестнадцати шестнадцатью",
            17: "семнадцать семнадцати семнадцатью",
            18: "восемнадцать восемнадцати восемнадцатью",
            19: "девятнадцать девятнадцати девятнадцатью",
            20: "двадцать двадцати двадцатью",
            30: "тридцать тридцати тридцатью",
            40: "сорок сорока",
            50: "пятьдесят пятидесяти пятьюдесятью",
            60: "шестьдесят шестидесяти шестьюдесятью",
            70: "семьдесят семидесяти семьюдесятью",
            80: "восемьдесят восьмидесяти восемьюдесятью",
            90: "девяносто девяноста",
            100: "сто ста",
            200: "двести двухсот двумстам двумястами двухстах",
            300: "триста трёхсот трехсот трёмстам тремстам тремястами трёхстах трехстах",
            400: "четыреста четырёхсот четырехсот четырёмстам четыремстам четырьмястами "
                 "четырёхстах четырехстах",
            500: "пятьсот пятисот пятистам пятьюстами пятистах",
            600: "шестьсот шестисот шестистам шестьюстами шестистах",
            700: "семьсот семисот семистам семьюстами семистах",
            800: "восемьсот восьмисот восьмистам восемьюстами восьмистах",
            900: "девятьсот девятисот девятистам девятьюстами девятистах",
        },
        "",
        {
            10**3: "тысяча тысячи тысячу тысячей тысячею тысяч тысячам тысячами тысячах тыс",
            10**6: "миллион миллиона миллиону миллионом миллионе миллионы миллионов "
                   "миллионам миллионами миллионах млн",
            10**9: "миллиард миллиарда миллиарду миллиардом миллиарде миллиарды миллиардов "
                   "миллиардам миллиардами миллиардах млрд",
        },
    ),
    "kk": _table(
        {
            0: "нөл", 1: "бір бірінші", 2: "екі екінші", 3: "үш үшінші", 4: "төрт төртінші",
            5: "бес бесінші", 6: "алты алтыншы", 7: "жеті жетінші", 8: "сегіз сегізінші",
            9: "тоғыз тоғызыншы", 10: "он оныншы", 20: "жиырма", 30: "отыз", 40: "қырық",
            50: "елу", 60: "алпыс", 70: "жетпіс", 80: "сексен", 90: "тоқсан",
        },
        "жүз",
        {10**3: "мың", 10**6: "миллион млн", 10**9: "миллиард млрд"},
    ),
}


@dataclass(frozen=True)
class _Months:
    stems: Mapping[str, int]  # stem -> the month's number
    suffix: int  # how many letters of case ending may follow a stem
    case_sensitive: bool
    forms: Mapping[str, int] = field(default_factory=dict)  # whole words, for short stems


def _numbered(*stems: str) -> dict[str, int]:
    return {stem: number for number, stem in enumerate(stems, 1) if stem}


# Month names count as the month's number, so "August 16" and "8月16日" agree.
_MONTHS: Mapping[str, _Months] = {
    "en": _Months(_numbered(
        "January", "February", "March", "April", "May", "June", "July", "August",
        "September", "October", "November", "December"), 0, True),
    "ru": _Months(_numbered(
        "январ", "феврал", "март", "апрел", "", "июн", "июл", "август", "сентябр",
        "октябр", "ноябр", "декабр"), 3, False,
        dict.fromkeys(("май", "мая", "мае", "маю", "маем"), 5)),
    "kk": _Months(_numbered(
        "қаңтар", "ақпан", "наурыз", "сәуір", "мамыр", "маусым", "шілде", "тамыз",
        "қыркүйек", "қазан", "қараша", "желтоқсан"), 5, False),
}

_HAN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
               "六": 6, "七": 7, "八": 8, "九": 9}
_HAN_UNITS = {"十": 10, "百": 100, "千": 1000}
_HAN_SCALES = {"万": 10**4, "亿": 10**8}
_HAN_NUMERAL = re.compile("[零〇一二两三四五六七八九十百千万亿]+")


@lru_cache(maxsize=64)
def _figure_pattern(locale: str, primary: str) -> re.Pattern[str]:
    """Figures as *locale* writes them: its decimal mark, its group separator and spaces
    for thousands ("1,000", "1 000", "1.000"), then an optional scale word."""
    decimal, group = get_decimal_symbol(locale), get_group_symbol(locale)
    groups = set(NUMBER_SPACES) | {group}
    # A point or comma that cannot group thousands in this language is read as decimal.
    decimals = ({decimal} | ({".", ","} - groups)) - groups
    g = "[" + "".join(re.escape(c) for c in sorted(groups)) + "]"
    d = "[" + "".join(re.escape(c) for c in sorted(decimals)) + "]"
    scale = ""
    words = "|".join(f"(?P<s{i}>{word})" for i, (word, _) in enumerate(_SCALES.get(primary, ())))
    if words and primary == "zh":
        scale = f"(?:{words})?"  # 300万: no space, and the next character may be anything
    elif words:
        scale = rf"(?:[\s\u00a0-]?(?:{words})(?!\w))?"
    return re.compile(rf"(?<!\d)(?P<int>\d{{1,3}}(?:{g}\d{{3}})+(?!\d)|\d+)(?:{d}(?P<frac>\d+))?{scale}")


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _han_value(run: str) -> int:
    """The value of a run of Chinese numerals: 十六 16, 两千 2000, 三百万 3 000 000,
    二〇一九 2019 (digit by digit)."""
    if len(run) > 1 and all(c in _HAN_DIGITS for c in run):
        return int("".join(str(_HAN_DIGITS[c]) for c in run))
    total = section = number = 0
    for char in run:
        if char in _HAN_DIGITS:
            number = _HAN_DIGITS[char]
        elif char in _HAN_UNITS:
            section += (number or 1) * _HAN_UNITS[char]
            number = 0
        else:
            total += ((section + number) or 1) * _HAN_SCALES[char]
            section = number = 0
    return total + section + number


def _compose(words: Sequence[tuple[int, _Role]]) -> int:
    total = current = 0
    for value, role in words:
        if role == "add":
            current += value
        elif role == "hundred":
            current = (current or 1) * value
        else:
            total += (current or 1) * value
            current = 0
    return total + current


def _month(word: str, rule: _Months) -> int | None:
    folded = word if rule.case_sensitive else word.casefold()
    if folded in rule.forms:
        return rule.forms[folded]
    for stem, number in rule.stems.items():
        if folded.startswith(stem) and len(folded) - len(stem) <= rule.suffix:
            return number
    return None


_NUMBER_JOINER = re.compile(r"^(?:[\s\u00a0-]+|\s+and\s+)$")


@lru_cache(maxsize=4096)
def _numbers(text: str, locale: str, primary: str) -> tuple[_Number, ...]:
    """The figures, number words and month names of plain *text*, URLs and e-mail
    addresses left out."""
    text = without_links(text)
    found: list[_Number] = []

    def blank(start: int, end: int) -> None:
        nonlocal text
        text = text[:start] + " " * (end - start) + text[end:]

    for match in list(DATE.finditer(text)):
        for group in (1, 3, 4):
            part = _decimal(match.group(group))
            if part is not None:
                found.append(_Number(match.group(group), frozenset({part}), "digits"))
        blank(match.start(), match.end())
    scales = _SCALES.get(primary, ())
    for match in list(_figure_pattern(locale, primary).finditer(text)):
        integer = re.sub(r"\D", "", match.group("int"))
        frac = match.group("frac")
        value = _decimal(integer + ("." + frac if frac else ""))
        if value is None:
            continue
        values = {value}
        for i, (_, factor) in enumerate(scales):
            if match.group(f"s{i}"):
                values.add(value * factor)
        found.append(_Number(match.group(0).strip(), frozenset(values), "digits"))
        blank(match.start(), match.end())
    if primary == "zh":
        for match in _HAN_NUMERAL.finditer(text):
            found.append(_Number(match.group(0), frozenset({Decimal(_han_value(match.group(0)))}), "words"))
    words = _WORDS.get(primary, {})
    months = _MONTHS.get(primary)
    run: list[tuple[int, _Role]] = []
    run_start = run_end = 0
    for match in WORD.finditer(text):
        word = match.group(0)
        entry = words.get(word.casefold())
        if entry is not None and (not run or _NUMBER_JOINER.match(text[run_end : match.start()])):
            if not run:
                run_start = match.start()
            run.append(entry)
            run_end = match.end()
            continue
        if run:
            found.append(_Number(text[run_start:run_end], frozenset({Decimal(_compose(run))}), "words"))
            run = []
        if entry is not None:
            run, run_start, run_end = [entry], match.start(), match.end()
            continue
        month = _month(word, months) if months else None
        if month is not None:
            found.append(_Number(word, frozenset({Decimal(month)}), "month"))
    if run:
        found.append(_Number(text[run_start:run_end], frozenset({Decimal(_compose(run))}), "words"))
    return tuple(found)


def _matching(
    left: Sequence[int], right: Sequence[int], fits: Callable[[int, int], bool]
) -> dict[int, int]:
    """A maximum matching of *left* to *right* indices: left -> right.

    Augmenting paths found breadth first, without recursion: a segment may hold many
    equal figures, and the paths are as long as the figures that share a value.
    """
    owner: dict[int, int] = {}  # right -> left
    match: dict[int, int] = {}  # left -> right
    for root in left:
        free = next((j for j in right if j not in owner and fits(root, j)), None)
        if free is not None:
            owner[free], match[root] = root, free
            continue
        reached: dict[int, int] = {}  # right -> the left index it was reached from
        queue = deque([root])
        end: int | None = None
        while queue and end is None:
            i = queue.popleft()
            for j in right:
                if j in reached or not fits(i, j):
                    continue
                reached[j] = i
                if j not in owner:
                    end = j
                    break
                queue.append(owner[j])
        while end is not None:
            i = reached[end]
            previous = match.get(i)
            owner[end], match[i] = i, end
            end = None if i == root else previous
    return match


def numbers(msgid: str, msgstr: str, context: CheckContext) -> list[Problem]:
    """Every figure of the source is in the translation with the same value, and the
    translation has no figure the source lacks (each as often as in the source).

    Figures are read the way each language writes them: thousands grouped with its
    separator or a space ("1,000" in English, "1 000" in Russian), its decimal mark
    ("3.5", "3,5"), a scale word after a figure ("3 million", "3 млн", "300万"), dates
    (16.08.2019). Currency signs and their position do not matter ("$ 300", "300 $",
    "300 долларов"), nor ordinal endings (16th, 16-го, 16-шы). Numbers spelled out in the
    source and month names may be written as figures in the translation ("August" and
    8月). A source figure spelled out in the translation (三百万, семи) is a minor problem.
    """
    source = _numbers(plain_text(msgid), context.source.locale, context.source.primary)
    target = _numbers(plain_text(msgstr), context.target.locale, context.target.primary)
    if not source and not any(n.kind == "digits" for n in target):
        return []

    def fits(i: int, j: int) -> bool:
        return bool(source[i].values & target[j].values)

    s_digits = [i for i, n in enumerate(source) if n.kind == "digits"]
    t_digits = [j for j, n in enumerate(target) if n.kind == "digits"]
    s_other = [i for i, n in enumerate(source) if n.kind != "digits"]
    t_other = [j for j, n in enumerate(target) if n.kind != "digits"]
    exact = _matching(s_digits, t_digits, fits)
    spelled = _matching([i for i in s_digits if i not in exact], t_other, fits)
    excused = _matching([j for j in t_digits if j not in exact.values()], s_other,
                        lambda j, i: fits(i, j))
    problems: list[Problem] = []
    missing = [source[i].text for i in s_digits if i not in exact and i not in spelled]
    if missing:
        problems.append(Problem(
            f"{'number' if len(missing) == 1 else 'numbers'} {_quotes(missing)} of the source "
            f"{'is' if len(missing) == 1 else 'are'} missing from the translation; "
            "write the source's value"))
    extra = [target[j].text for j in t_digits if j not in exact.values() and j not in excused]
    if extra:
        problems.append(Problem(
            f"{'number' if len(extra) == 1 else 'numbers'} {_quotes(extra)} "
            f"{'is' if len(extra) == 1 else 'are'} not in the source; check the figures against "
            "the source"))
    for i, j in spelled.items():
        if target[j].kind == "words":
            problems.append(Problem(
                f"number {_quote(source[i].text)} is spelled out as {_quote(target[j].text)}; "
                "write it in figures as the source does", minor=True))
    return problems


# --------------------------------------------------------------------------------------
# urls


def urls(msgid: str, msgstr: str, context: CheckContext) -> list[Problem]:
    """Every URL and e-mail address of the source is in the translation unchanged, and
    the translation has none the source lacks."""
    source = Counter(link.text for link in find_links(plain_text(msgid)))
    target = Counter(link.text for link in find_links(plain_text(msgstr)))
    missing = list((source - target).elements())
    extra = list((target - source).elements())
    problems = []
    while missing and extra:
        was, now = missing.pop(0), extra.pop(0)
        problems.append(Problem(f"{_kind(was)} {_quote(was, 100)} was changed to {_quote(now, 100)}; "
                                "copy it from the source unchanged"))
    for link in missing:
        problems.append(Problem(f"{_kind(link)} {_quote(link, 100)} of the source is missing; "
                                "copy it into the translation unchanged"))
    for link in extra:
        problems.append(Problem(f"{_kind(link)} {_quote(link, 100)} is not in the source; "
                                "use the source's addresses only"))
    return problems


def _kind(link: str) -> str:
    return "e-mail address" if EMAIL.fullmatch(link) else "URL"


# --------------------------------------------------------------------------------------
# untranslated


def untranslated(msgid: str, msgstr: str, context: CheckContext) -> list[Problem]:
    """The translation is not the source text again (tags, whitespace and case aside),
    unless the source is only numbers, URLs, e-mail addresses and the context's *keep*
    phrases, or, when both languages share a script, names and acronyms (see
    :func:`_may_stay`).

    Across scripts names are transliterated ("Massimo Introvigne" is "Массимо Интровинье")
    and acronyms translated (OSCE is ОБСЕ, 欧安组织); Title Case and capitals are as often a
    menu item ("Learn More", "NEWS") as a name. The names and acronyms that stay as they
    are ("Bitter Winter", "CESNUR") are the glossary's do-not-translate terms, which the
    context keeps.
    """
    source = plain_text(msgid)
    if _collapsed(source).casefold() != _collapsed(plain_text(msgstr)).casefold():
        return []
    same_script = script_of(context.source.tag) == script_of(context.target.tag)
    if _may_stay(source, context.keep, names=same_script):
        return []
    return [Problem(f"the translation is the source text {_quote(source)}; "
                    f"translate it into {context.target.name}")]


# --------------------------------------------------------------------------------------
# wrong-script

# Letters that set a Cyrillic language apart from Russian: a long translation without any
# of them is probably Russian.
_DISTINCT_LETTERS: Mapping[str, str] = {"kk": "әғқңөұүһі", "uk": "ієїґ", "be": "іў"}
MIN_WORDS_FOR_LETTERS = 6
_HAN_SCRIPTS = frozenset({"Hans", "Hant", "Hani"})


def wrong_script(msgid: str, msgstr: str, context: CheckContext) -> list[Problem]:
    """The translation is written in the target language's script.

    A Chinese translation has Han characters, unless the source is only names, numbers,
    URLs and acronyms. A Cyrillic translation has no Latin words left, except in URLs and
    e-mail addresses, acronyms (no lowercase letter: "CESNUR", "XX"), single letters, the
    context's *keep* phrases, and names written as in the source (a word with a capital
    that the source has verbatim: "Bitter Winter", "France Presse"); an all-lowercase Latin
    word is always flagged (minor). A Kazakh, Ukrainian or Belarusian translation of at
    least six Cyrillic words has a letter of that language, or it is probably Russian (minor).
    """
    target = _without_kept(without_links(plain_text(msgstr)), context.keep)
    script = script_of(context.target.tag)
    problems: list[Problem] = []
    if script in _HAN_SCRIPTS:
        if (not HAN.search(target) and any(c.isalpha() for c in target)
                and not _may_stay(plain_text(msgid), context.keep)):
            problems.append(Problem(f"no Chinese characters in {_quote(plain_text(msgstr))}; "
                                    f"translate it into {context.target.name}"))
        return problems
    if script != "Cyrl":
        return problems
    source_words = set(LATIN_WORD.findall(plain_text(msgid)))
    left = [w for w in LATIN_WORD.findall(target)
            if len(w) > 1 and any(c.islower() for c in w)
            and (w.islower() or w not in source_words)]
    if left:
        problems.append(Problem(
            f"Latin {'word' if len(left) == 1 else 'words'} {_quotes(left)} left in the "
            f"{context.target.name} translation; translate {'it' if len(left) == 1 else 'them'} "
            "(names may stay as in the source)", minor=True))
    letters = _DISTINCT_LETTERS.get(context.target.primary)
    if letters:
        words = CYRILLIC_WORD.findall(target)
        if len(words) >= MIN_WORDS_FOR_LETTERS and not any(c in letters for c in target.lower()):
            problems.append(Problem(
                f"no {context.target.name} letter ({' '.join(letters)}) in {len(words)} words: "
                f"the translation reads as Russian; write it in {context.target.name}", minor=True))
    return problems


# --------------------------------------------------------------------------------------
# repetition

def repetition(msgid: str, msgstr: str, context: CheckContext) -> list[Problem]:
    """The translation repeats no n-gram of words (of characters in Chinese, two or more)
    three or more times in a row, punctuation between them aside, unless the source has
    such a repetition too (a chanted slogan)."""
    found = find_repeat(plain_text(msgstr))
    if found is None or find_repeat(plain_text(msgid)) is not None:
        return []
    return [Problem(f"{_quote(found.text)} is repeated {found.times} times in a row; "
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


def length_ratio(msgid: str, msgstr: str, context: CheckContext) -> list[Problem]:
    """For a source of at least MIN_RATIO_SOURCE characters, the translation's length over
    the source's lies in the band for the language pair (:data:`LENGTH_BANDS`)."""
    source = _collapsed(plain_text(msgid))
    if len(source) < MIN_RATIO_SOURCE:
        return []
    ratio = _length(plain_text(msgstr)) / _length(source)
    low, high = length_band(context.source, context.target)
    pair = f"{context.source.tag}→{context.target.tag}"
    if ratio < low:
        return [Problem(f"the translation is {ratio:.2f} times as long as the source, shorter "
                        f"than expected for {pair} ({low:g}–{high:g}); check for omissions")]
    if ratio > high:
        return [Problem(f"the translation is {ratio:.2f} times as long as the source, longer "
                        f"than expected for {pair} ({low:g}–{high:g}); check for additions "
                        "or repeated text")]
    return []


# --------------------------------------------------------------------------------------
# whitespace


def _leading_space(text: str) -> str:
    return text[: len(text) - len(text.lstrip())]


def _describe_space(space: str) -> str:
    return "none" if not space else repr(space)


def whitespace(msgid: str, msgstr: str, context: CheckContext) -> list[Problem]:
    """The translation starts and ends with the same whitespace as the source."""
    problems = []
    for edge, source, target in (
        ("leading", _leading_space(msgid), _leading_space(msgstr)),
        ("trailing", msgid[len(msgid.rstrip()) :], msgstr[len(msgstr.rstrip()) :]),
    ):
        if source != target:
            problems.append(Problem(
                f"{edge} whitespace differs: the source has {_describe_space(source)}, the "
                f"translation {_describe_space(target)}; make it the same as the source's"))
    return problems


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


def _marks(ending: str) -> frozenset[str]:
    return frozenset(_END_MARKS[c] for c in _ELLIPSIS.sub("…", ending) if c in _END_MARKS)


def end_punctuation(msgid: str, msgstr: str, context: CheckContext) -> list[Problem]:
    """The translation ends with the same kinds of punctuation as the source: the same
    final mark (full-width and half-width forms are the same mark: . and 。, ? and ？) and
    the same closing quotes and brackets, in any order (``.”`` and ``».`` agree).

    Chinese and Japanese translations end with full-width marks, others with half-width
    ones (minor).
    """
    source_end = _ending(plain_text(msgid))
    target_end = _ending(plain_text(msgstr))
    problems: list[Problem] = []
    if _marks(source_end) != _marks(target_end):
        said = f"with {_quote(source_end)}" if source_end else "without punctuation"
        done = f"with {_quote(target_end)}" if target_end else "without punctuation"
        problems.append(Problem(f"the source ends {said}, the translation {done}; "
                                "end it the way the source does"))
    full = context.target.primary in _FULL_WIDTH_LANGUAGES
    wrong = [c for c in _ELLIPSIS.sub("…", target_end) if c in (_HALF_WIDTH if full else _FULL_WIDTH)]
    if wrong:
        width = "full-width" if full else "half-width"
        problems.append(Problem(f"the translation ends with {_quote(target_end)}; use {width} "
                                f"punctuation in {context.target.name}", minor=True))
    return problems


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


def doubled_words(msgid: str, msgstr: str, context: CheckContext) -> list[Problem]:
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
    return [Problem(f"{_quote(pair)}: the word is doubled; delete one")
            for pair, word in found
            if word not in allowed and word not in source_words
            and not (source_names and pair[:1].isupper())]


# --------------------------------------------------------------------------------------
# Glossary


def term_missing(msgid: str, msgstr: str, context: CheckContext) -> list[Problem]:
    """A glossary term of the source whose preferred translation (inflected or not) is absent."""
    if context.terms is None:
        return []
    return [
        Problem(f"glossary term {_quote(term.source)} should be translated as "
                f"{_quote(term.rendering(context.target) or '')}; use it (any inflected form)")
        for term in context.terms.missing(msgid, msgstr)
    ]


def forbidden_variant(msgid: str, msgstr: str, context: CheckContext) -> list[Problem]:
    """A variant the glossary forbids for the target language, in any inflected form."""
    if context.terms is None:
        return []
    return [
        Problem(f"{_quote(msgstr[use.span[0]:use.span[1]])} is a forbidden variant of glossary term "
                f"{_quote(use.term.source)}; write {_quote(use.term.rendering(context.target) or '')} instead")
        for use in context.terms.forbidden_used(msgid, msgstr)
    ]


def name_altered(msgid: str, msgstr: str, context: CheckContext) -> list[Problem]:
    """A name or do-not-translate term not rendered the way the glossary spells it."""
    if context.terms is None:
        return []
    return [
        Problem(f"{'do-not-translate term' if altered.term.kind == 'dnt' else 'name'} "
                f"{_quote(altered.term.source)} must appear as {_quote(altered.rendering)}")
        for altered in context.terms.altered_names(msgid, msgstr)
    ]


# --------------------------------------------------------------------------------------
# The registry

CHECKS: tuple[Check, ...] = (
    Check("tags", tags, "error", "numbered tags are the source's, each once, properly nested"),
    Check("numbers", numbers, "error", "figures have the same values as in the source"),
    Check("urls", urls, "error", "URLs and e-mail addresses are the source's, unchanged"),
    Check("untranslated", untranslated, "warning", "the translation is not the source text"),
    Check("wrong-script", wrong_script, "error", "the translation is in the target language's script"),
    Check("repetition", repetition, "warning", "no words repeated three or more times in a row"),
    Check("length-ratio", length_ratio, "warning", "the length is usual for the language pair"),
    Check("whitespace", whitespace, "warning", "leading and trailing whitespace as in the source"),
    Check("end-punctuation", end_punctuation, "warning", "final punctuation as in the source"),
    Check("doubled-words", doubled_words, "warning", "no word written twice in a row"),
    Check("term-missing", term_missing, "warning", "glossary terms use their preferred translation"),
    Check("forbidden-variant", forbidden_variant, "error", "no variant the glossary forbids"),
    Check("name-altered", name_altered, "error", "names and do-not-translate terms as the glossary spells them"),
)

# Names no check has yet but a project may already configure.
RESERVED: frozenset[str] = frozenset()


@dataclass(frozen=True)
class CheckSettings:
    """A project's choices: which checks run and at what severity. A check not mentioned
    runs at its default severity."""

    enabled: Mapping[str, bool] = field(default_factory=dict)
    severity: Mapping[str, Severity] = field(default_factory=dict)

    def is_enabled(self, name: str) -> bool:
        """Whether the check *name* runs."""
        return self.enabled.get(name, True)

    def severity_of(self, check: Check) -> Severity:
        """The severity of *check*'s findings (minor ones are one step below)."""
        return self.severity.get(check.name, check.default_severity)

    @classmethod
    def from_table(cls, table: Mapping[str, object], checks: Sequence[Check] = CHECKS) -> CheckSettings:
        """Read a ``[checks]`` table: each key a check name, each value ``true`` / ``false``,
        a severity (``"error"``, ``"warning"``, ``"info"``, which also turns the check on)
        or a table with ``enabled`` and ``severity``. Raise :class:`ConfigError` with a
        one-line message for an unknown check name or a bad value."""
        known = [c.name for c in checks] + sorted(RESERVED - {c.name for c in checks})
        enabled: dict[str, bool] = {}
        severity: dict[str, Severity] = {}
        for name, value in table.items():
            if name not in known:
                close = difflib.get_close_matches(str(name), known, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise ConfigError(f"[checks] unknown check {name!r}{hint}; known checks: {', '.join(known)}")
            if isinstance(value, bool):
                enabled[name] = value
            elif isinstance(value, str):
                enabled[name] = True
                severity[name] = _severity(name, value)
            elif isinstance(value, Mapping):
                for key, item in value.items():
                    if key == "enabled":
                        if not isinstance(item, bool):
                            raise ConfigError(f"[checks.{name}] enabled must be true or false, not {item!r}")
                        enabled[name] = item
                    elif key == "severity":
                        severity[name] = _severity(name, item)
                    else:
                        raise ConfigError(f"[checks.{name}] unknown key {key!r}; use enabled and severity")
            else:
                raise ConfigError(
                    f"[checks] {name} must be true, false, a severity ({', '.join(SEVERITIES)}) "
                    f"or a table with enabled and severity, not {value!r}")
        return cls(MappingProxyType(enabled), MappingProxyType(severity))


def _severity(name: str, value: object) -> Severity:
    for severity in SEVERITIES:
        if value == severity:
            return severity
    raise ConfigError(f"[checks] severity of {name} must be one of {', '.join(SEVERITIES)}, not {value!r}")


_DEFAULT_SETTINGS = CheckSettings()


def check_entry(
    msgid: str,
    msgstr: str,
    context: CheckContext,
    settings: CheckSettings = _DEFAULT_SETTINGS,
    checks: Sequence[Check] = CHECKS,
) -> list[Finding]:
    """Run every enabled check of *checks* on one entry; its findings in registry order.

    An entry without a translation (or the header, whose msgid is empty) has none.
    For plural entries, check each msgstr form against msgid (or msgid_plural).
    """
    if not msgstr or not msgid:
        return []
    findings = []
    for check in checks:
        if not settings.is_enabled(check.name):
            continue
        severity = settings.severity_of(check)
        for problem in check.function(msgid, msgstr, context):
            findings.append(Finding(check.name, _MINOR[severity] if problem.minor else severity, problem.message))
    return findings
