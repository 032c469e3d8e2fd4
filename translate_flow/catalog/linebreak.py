"""Where GNU gettext breaks a long quoted string, and how wide its text is on screen.

gettext's tools wrap strings with libunistring's line breaking: the pair table of Unicode
UAX #14 (in libunistring's variant), then a greedy fill that breaks before the last piece
that no longer fits. Doing the same here is what lets ``msgcat`` leave a catalog this
tool wrote byte for byte as it was.

Break classes are given for the characters catalogs are made of (ASCII, Latin-1 and
general punctuation, CJK and its punctuation, marks, digits, letters); any other
character counts as a letter, as libunistring counts characters it has no class for.
"""

from __future__ import annotations

import itertools
import unicodedata
from collections.abc import Collection, Sequence
from functools import lru_cache

__all__ = ["break_opportunities", "column_width", "columns", "fill", "is_simple", "simple_breaks"]

# The classes of libunistring's pair table, and the table itself (as libunistring 1.0
# behaves): table[before][after] is D (break), I (break only across spaces) or P (no
# break). OPW and CPW are the East Asian wide brackets, which Unicode lets a line break
# before (or after) where it keeps the narrow ones with the word beside them.
_CLASSES = (
    "WJ GL B2 BA BB HY CL CP EX IN NS OP QU IS NU PO PR SY AL H2 H3 ID JL JV JT HL OPW CPW "
    "RI EB EM ZWJ"
).split()
_TABLE_ROWS = (
    "PIIIIIPPPIIIIPIIIPIIIIIIIIIPIIII",  # WJ
    "PIIIIIPPPIIIIPIIIPIIIIIIIIIPIIII",  # GL
    "PIPIDIPPPIIDIPDDDPDDDDDDDDDPDDDI",  # B2
    "PDDIDIPPPIIDIPDDDPDDDDDDDDDPDDDI",  # BA
    "PIIIIIPPPIIIIPIIIPIIIIIIIIIPIIII",  # BB
    "PDDIDIPPPIIDIPIDDPDDDDDDDDDPDDDI",  # HY
    "PIDIDIPPPIPDIPDIIPDDDDDDDDDPDDDI",  # CL
    "PIDIDIPPPIIDIPIIIPIDDDDDDIDPDDDI",  # CP
    "PIDIDIPPPIIDIPDDDPDDDDDDDDDPDDDI",  # EX
    "PIDIDIPPPIIDIPDDDPDDDDDDDDDPDDDI",  # IN
    "PIDIDIPPPIIDIPDDDPDDDDDDDDDPDDDI",  # NS
    "PPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPI",  # OP
    "PIIIIIPPPIIPIPIIIPIIIIIIIIPPIIII",  # QU
    "PIDIDIPPPIIDIPIDDPDDDDDDDDDPDDDI",  # IS
    "PIDIDIPPPIIIIPIIIPIDDDDDDIDPDDDI",  # NU
    "PIDIDIPPPIIIIPIDDPIDDDDDDIIPDDDI",  # PO
    "PIDIDIPPPIIIIPIDDPIIIIIIIIIPDIII",  # PR
    "PIDIDIPPPIIDIPIDDPDDDDDDDIDPDDDI",  # SY
    "PIDIDIPPPIIIIPIIIPIDDDDDDIDPDDDI",  # AL
    "PIDIDIPPPIIDIPDIDPDDDDDIIDDPDDDI",  # H2
    "PIDIDIPPPIIDIPDIDPDDDDDDIDDPDDDI",  # H3
    "PIDIDIPPPIIDIPDIDPDDDDDDDDDPDDDI",  # ID
    "PIDIDIPPPIIDIPDIDPDIIDIIDDDPDDDI",  # JL
    "PIDIDIPPPIIDIPDIDPDDDDDIIDDPDDDI",  # JV
    "PIDIDIPPPIIDIPDIDPDDDDDDIDDPDDDI",  # JT
    "PIDIDIPPPIIIIPIIIPIDDDDDDIDPDDDI",  # HL
    "PPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPI",  # OPW
    "PIDIDIPPPIPDIPDIIPDDDDDDDDDPDDDI",  # CPW
    "PIDIDIPPPIIDIPDDDPDDDDDDDDDPIDDI",  # RI
    "PIDIDIPPPIIDIPDIDPDDDDDDDDDPDDII",  # EB
    "PIDIDIPPPIIDIPDIDPDDDDDDDDDPDDDI",  # EM
    "PIIIIIPPPIIIIPIIIPIIIIIIIIIPIIII",  # ZWJ
)
_INDEX = {name: number for number, name in enumerate(_CLASSES)}
_TABLE = tuple(tuple(row) for row in _TABLE_ROWS)

# Classes by character where the general category does not tell them: ASCII, Latin-1,
# general and CJK punctuation, full-width forms. "SP", "ZW" and "CM" are handled apart
# from the table, as libunistring does; "AL" needs no entry.
_EXPLICIT: dict[str, str] = {
    "\t": "BA", " ": "SP", "!": "EX", '"': "QU", "$": "PR", "%": "PO", "'": "QU", "(": "OP",
    ")": "CP", "+": "PR", ",": "IS", "-": "HY", ".": "IS", "/": "SY", ":": "IS", ";": "IS",
    "?": "EX", "[": "OP", "\\": "PR", "]": "CP", "{": "OP", "|": "BA", "}": "CL",
    "\xa0": "GL", "\xa1": "OP", "\xa2": "PO", "\xa3": "PR", "\xa4": "PR", "\xa5": "PR",
    "\xab": "QU", "\xad": "BA", "\xb0": "PO", "\xb1": "PR", "\xb4": "BB", "\xbb": "QU",
    "\xbf": "OP",
    "\u2007": "GL", "\u200b": "ZW", "\u200d": "ZWJ", "\u2010": "BA", "\u2011": "GL",
    "\u2012": "BA", "\u2013": "BA", "\u2014": "B2", "\u2018": "QU", "\u2019": "QU",
    "\u201a": "OP", "\u201b": "QU", "\u201c": "QU", "\u201d": "QU", "\u201e": "OP",
    "\u201f": "QU", "\u2024": "IN", "\u2025": "IN", "\u2026": "IN", "\u2027": "BA",
    "\u202f": "GL", "\u2039": "QU", "\u203a": "QU", "\u203c": "NS", "\u203d": "NS",
    "\u2044": "IS", "\u2045": "OP", "\u2046": "CL", "\u2047": "NS", "\u2048": "NS",
    "\u2049": "NS", "\u2060": "WJ", "\u20ac": "PR", "\u2116": "PR", "\u2212": "PR",
    "\u3000": "BA", "\u3001": "CL", "\u3002": "CL", "\u3005": "NS", "\u300c": "OP",
    "\u300d": "CL", "\u300e": "OP", "\u300f": "CL", "\u3008": "OP", "\u3009": "CL",
    "\u300a": "OP", "\u300b": "CL", "\u3010": "OP", "\u3011": "CL", "\u3014": "OP",
    "\u3015": "CL", "\u3016": "OP", "\u3017": "CL", "\u3018": "OP", "\u3019": "CL",
    "\u301a": "OP", "\u301b": "CL", "\u301c": "NS", "\u301d": "OP", "\u301e": "CL",
    "\u301f": "CL", "\u303b": "NS", "\u30fb": "NS", "\u30fc": "NS", "\u30a0": "NS",
    "\ufe50": "CL", "\ufe52": "CL", "\ufe54": "NS", "\ufe55": "NS", "\ufe56": "EX",
    "\ufe57": "EX", "\ufeff": "WJ", "\uff01": "EX", "\uff04": "PR", "\uff05": "PO",
    "\uff08": "OP", "\uff09": "CP", "\uff0c": "CL", "\uff0e": "CL", "\uff1a": "NS",
    "\uff1b": "NS", "\uff1f": "EX", "\uff3b": "OP", "\uff3d": "CP", "\uff5b": "OP",
    "\uff5d": "CL", "\uff5f": "OP", "\uff60": "CL", "\uff61": "CL", "\uff62": "OP",
    "\uff63": "CL", "\uff64": "CL", "\uff65": "NS", "\uffe0": "PO", "\uffe1": "PR",
    "\uffe5": "PR", "\uffe6": "PR",
}
# The small kana and iteration marks, which may not start a line.
_EXPLICIT.update(dict.fromkeys(
    "ぁぃぅぇぉっゃゅょゎゕゖ゛゜ゝゞァィゥェォッャュョヮヵヶヽヾㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ", "NS"))
# Ranges (first, last, class) checked after _EXPLICIT: spaces of general punctuation,
# the wide scripts broken between any two characters, Hangul syllables (LV or LVT, told
# apart below) and Hebrew letters.
_RANGES = (
    (0x2000, 0x200A, "BA"), (0x2030, 0x2037, "PO"),
    (0x2E80, 0x2FFF, "ID"), (0x3003, 0x3004, "ID"), (0x3006, 0x3007, "ID"),
    (0x3012, 0x3013, "ID"), (0x3020, 0x303A, "ID"), (0x303C, 0x33FF, "ID"),
    (0x3400, 0x4DBF, "ID"), (0x4E00, 0x9FFF, "ID"), (0xA000, 0xA4CF, "ID"),
    (0xAC00, 0xD7A3, "H"), (0xF900, 0xFAFF, "ID"), (0xFE30, 0xFE4F, "ID"),
    (0xFF00, 0xFF60, "ID"), (0x1F000, 0x1FAFF, "ID"), (0x20000, 0x3FFFD, "ID"),
    (0x05D0, 0x05EA, "HL"), (0x05F0, 0x05F2, "HL"), (0xFB1D, 0xFB4F, "HL"),
    (0x1100, 0x115F, "JL"), (0x1160, 0x11A7, "JV"), (0x11A8, 0x11FF, "JT"),
    (0xA960, 0xA97C, "JL"), (0xD7B0, 0xD7C6, "JV"), (0xD7CB, 0xD7FB, "JT"),
    (0xFF66, 0xFF9F, "ID"), (0x16FE0, 0x18AFF, "ID"), (0x1B000, 0x1B2FF, "ID"),
)
_CATEGORY_CLASSES = {"Mn": "CM", "Mc": "CM", "Me": "CM", "Nd": "NU", "Zl": "BK", "Zp": "BK"}

@lru_cache(maxsize=4096)
def _break_class(char: str) -> str:
    """The line-breaking class libunistring gives *char* (ambiguous ones as letters)."""
    explicit = _EXPLICIT.get(char)
    if explicit is not None:
        return explicit
    code = ord(char)
    if code < 0x80:
        return "NU" if char.isdigit() else "AL"
    for first, last, name in _RANGES:
        if first <= code <= last:
            if name == "H":  # every 28th Hangul syllable has no final consonant
                return "H2" if (code - 0xAC00) % 28 == 0 else "H3"
            if name == "ID" and unicodedata.category(char) in ("Mn", "Mc", "Me"):
                return "CM"
            return name
    return _CATEGORY_CLASSES.get(unicodedata.category(char), "AL")


_PAIR_CLASSES: dict[str, str] = {}  # filled as characters are met; a few hundred at most
_RULES = {(before, after): _TABLE[_INDEX[before]][_INDEX[after]] for before in _CLASSES for after in _CLASSES}
# Whether a line may break between the last character that is not a space (its class, or
# "BK" at the start of a line) and the next one, with or without spaces between them:
# always after a zero-width space, never at the start, else as the pair table says.
_BREAKS = {
    (before, after, spaced): before == "ZW" or (
        before != "BK" and (_RULES[before, after] == "D" or (_RULES[before, after] == "I" and spaced)))
    for before in (*_CLASSES, "BK", "ZW") for after in _CLASSES for spaced in (False, True)
}


def _pair_class(char: str) -> str:
    """:func:`_break_class`, with the wide brackets told from the narrow ones."""
    kind = _break_class(char)
    if kind in ("OP", "CP") and unicodedata.east_asian_width(char) in ("W", "F", "H"):
        kind += "W"
    _PAIR_CLASSES[char] = kind
    return kind


def break_opportunities(text: str) -> list[int]:
    """The positions of *text* before which a line may break, in order.

    libunistring's algorithm: the pair table between the last character that is not a
    space and this one, spaces making ``I`` entries breaks; a mark joins the character
    before it, and counts as a letter where there is none (at the start, after a space).
    Worked out a word (a run without spaces) at a time, each word once: what happens
    inside a word does not depend on what came before it.
    """
    result: list[int] = []
    breaks = _BREAKS
    last = "BK"  # the class of the last character that is not a space, as the scan has it
    offset = 0
    for word in text.split(" "):
        if word:
            first, inside, final = _word(word)
            spaced = offset > 0  # a word other than at the start follows a space
            if first == "CM" or first == "ZWJ":
                if spaced and last != "BK":  # a mark after spaces always starts a new piece
                    result.append(offset)
            elif first != "BK" and first != "ZW" and breaks[last, first, spaced]:
                result.append(offset)
            result.extend(offset + position for position in inside)
            last = final
        offset += len(word) + 1
    return result


@lru_cache(maxsize=16384)
def _word(word: str) -> tuple[str, tuple[int, ...], str]:
    """The class of *word*'s first character, the breaks inside it, and the class the scan
    ends it with."""
    first = _PAIR_CLASSES.get(word[0]) or _pair_class(word[0])
    inside, last = _scan(word)
    return first, tuple(inside), last


def _scan(text: str) -> tuple[list[int], str]:
    """:func:`break_opportunities` character by character from the start of a line; also
    the class of the last character that is not a space."""
    result: list[int] = []
    classes, breaks = _PAIR_CLASSES, _BREAKS
    last = "BK"  # the class of the last character that is not a space
    spaced = False  # whether spaces came since that character
    for position, char in enumerate(text):
        kind = classes.get(char) or _pair_class(char)
        if kind == "SP":
            spaced = True
            continue
        if kind == "BK" or kind == "ZW":
            last, spaced = kind, False
            continue
        if kind == "CM" or kind == "ZWJ":
            if last != "BK" and last != "ZW" and not spaced:
                continue
            kind = "AL"
            if spaced and last != "BK":  # a mark after spaces always starts a new piece
                result.append(position)
                last, spaced = kind, False
                continue
        if breaks[last, kind, spaced]:
            result.append(position)
        last, spaced = kind, False
    return result, last


@lru_cache(maxsize=4096)
def column_width(char: str) -> int:
    """The columns *char* takes on a terminal: 2 for wide ones, 0 for marks, else 1."""
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return 2
    if unicodedata.category(char) in ("Mn", "Me", "Cf", "Cc") and char != "\xad":
        return 0
    return 1


def columns(text: str) -> list[int]:
    """The column at which each character of *text* ends, counting from 0."""
    if text.isascii():
        return list(range(1, len(text) + 1))
    return list(itertools.accumulate(map(column_width, text)))


def fill(text: str, width: int, start: int, opportunities: Sequence[int]) -> list[int]:
    """Where to break *text* so each line fits *width* columns; the first starts at *start*.

    *opportunities* are the positions a line may break before (:func:`break_opportunities`,
    less those where it must not: inside an escape, before a final ``\\n``). Greedy, as
    libunistring: a piece that no longer fits moves to the next line; a piece too long
    for any line stands alone.
    """
    ends = columns(text)
    total = ends[-1] if ends else 0
    if start + total <= width:
        return []
    breaks: list[int] = []
    column = start  # where the piece being measured starts
    piece_start: int | None = None
    for position in (*opportunities, len(text)):
        before = ends[position - 1] if position else 0
        if piece_start is not None:
            piece_width = before - (ends[piece_start - 1] if piece_start else 0)
            if column + piece_width > width:
                breaks.append(piece_start)
                column = 0
            column += piece_width
        else:
            column += before
        piece_start = position
    return breaks


_SIMPLE: dict[str, bool] = {}  # by character, as met
_NOT_SIMPLE = frozenset({"BK", "ZW", "CM", "ZWJ"})


def is_simple(text: str) -> bool:
    """True when every character of *text* is one column wide and breaks by the pair table
    alone (no hard break, zero-width space, mark or joiner): most text of most languages."""
    if text.isascii():
        return True  # ASCII counts as one column a character, as columns() counts it
    known = _SIMPLE
    return all(known[char] if char in known else _simple(char) for char in set(text))


def _simple(char: str) -> bool:
    kind = _PAIR_CLASSES.get(char) or _pair_class(char)
    _SIMPLE[char] = simple = kind not in _NOT_SIMPLE and column_width(char) == 1
    return simple


def simple_breaks(text: str, width: int, start: int, forbidden: Collection[int] = ()) -> list[int]:
    """:func:`fill` of *text* at every opportunity not *forbidden*, for :func:`is_simple`
    text, found by looking only near the end of each line.

    In such text every character is a column wide, and whether a line may break before a
    character depends only on it and the last character that is not a space before it;
    most of a long text never needs a look.
    """
    end = len(text)
    if start + end <= width:
        return []
    breaks: list[int] = []
    line, column = 0, start  # where the current line starts, and its column there
    while True:
        last = line + width - column  # the end of the longest text that fits on this line
        if last >= end:
            return breaks
        position = last
        while position > line and not _may_break(text, position, forbidden):
            position -= 1
        if position <= line:  # the line's first piece is too long: it stands alone
            position = max(last, line) + 1
            while position < end and not _may_break(text, position, forbidden):
                position += 1
            if position >= end:
                return breaks
        breaks.append(position)
        line, column = position, 0


def _may_break(text: str, position: int, forbidden: Collection[int]) -> bool:
    """Whether a line of simple *text* may break before *position* (not 0)."""
    char = text[position]
    if char == " " or position in forbidden:
        return False
    before = position - 1
    while before >= 0 and text[before] == " ":
        before -= 1
    if before < 0:
        return False  # only spaces before: nothing to break from
    classes = _PAIR_CLASSES
    return _BREAKS[
        classes.get(text[before]) or _pair_class(text[before]), classes.get(char) or _pair_class(char),
        before < position - 1,
    ]
