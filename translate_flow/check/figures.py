"""Figures as each language writes them: digits with its separators and scale words
("1,000", "3,5 млн", "300万"), dates, Chinese numerals, number words and month names.

:func:`read_figures` lists what a text says in numbers, each with the values it may stand
for; :func:`matching` pairs the figures of a source with a translation's.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Literal

from babel.numbers import format_decimal, get_decimal_symbol, get_group_symbol

from ..textrules import DATE, NUMBER_SPACES, WORD, without_links

__all__ = ["Figure", "FigureKind", "as_read_in", "matching", "read_figures", "reads_alike", "written_in"]

FigureKind = Literal["digits", "words", "month"]


@dataclass(frozen=True)
class Figure:
    """A figure, a run of number words or a month name: as written, and the values it may
    stand for."""

    text: str  # as written
    values: frozenset[Decimal]  # what it may stand for: "3 млн" is 3 or 3 000 000
    kind: FigureKind


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
    with suppress(InvalidOperation):
        return Decimal(text)
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
def read_figures(text: str, locale: str, primary: str) -> tuple[Figure, ...]:
    """The figures, number words and month names of plain *text*, URLs and e-mail
    addresses left out."""
    text = without_links(text)
    found: list[Figure] = []

    def blank(start: int, end: int) -> None:
        nonlocal text
        text = text[:start] + " " * (end - start) + text[end:]

    for match in list(DATE.finditer(text)):
        for group in (1, 3, 4):
            part = _decimal(match.group(group))
            if part is not None:
                found.append(Figure(match.group(group), frozenset({part}), "digits"))
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
        found.append(Figure(match.group(0).strip(), frozenset(values), "digits"))
        blank(match.start(), match.end())
    if primary == "zh":
        for match in _HAN_NUMERAL.finditer(text):
            found.append(Figure(match.group(0), frozenset({Decimal(_han_value(match.group(0)))}), "words"))
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
            found.append(Figure(text[run_start:run_end], frozenset({Decimal(_compose(run))}), "words"))
            run = []
        if entry is not None:
            run, run_start, run_end = [entry], match.start(), match.end()
            continue
        month = _month(word, months) if months else None
        if month is not None:
            found.append(Figure(word, frozenset({Decimal(month)}), "month"))
    if run:
        found.append(Figure(text[run_start:run_end], frozenset({Decimal(_compose(run))}), "words"))
    return tuple(found)


def matching(
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


def written_in(figure: Figure, locale: str) -> str:
    """How *locale* writes *figure*'s value, its decimals kept as written ("1,200.50" is
    "1 200,50" in Russian); its text as written when it may stand for several values."""
    if len(figure.values) != 1:
        return figure.text
    value = next(iter(figure.values))
    exponent = value.as_tuple().exponent
    decimals = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return format_decimal(value, format="#,##0" + ("." + "0" * decimals if decimals else ""), locale=locale)


def as_read_in(figure: Figure, locale: str, language: str) -> list[Figure]:
    """The figures of digits a reader of *locale* (*language*) sees in *figure*'s text."""
    return [n for n in read_figures(figure.text, locale, language) if n.kind == "digits"]


def reads_alike(figure: Figure, reading: Sequence[Figure]) -> bool:
    """Whether *reading* (:func:`as_read_in`) is one figure that may have *figure*'s value."""
    return len(reading) == 1 and bool(reading[0].values & figure.values)
