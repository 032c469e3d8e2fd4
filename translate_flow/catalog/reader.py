"""Reading ``.po`` and ``.pot`` text into the catalog model.

:func:`read_po` reads the lines catalogs are made of itself, and gives everything else
(plural forms, odd headers, broken lines) to polib, after a syntax check stricter than
polib's: either way the result, or the error and its line, is what polib gives.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

import polib

from ..errors import CatalogError
from .model import Catalog, Message
from .syntax import WRAP_WIDTH, header_fields, unescape

__all__ = ["read_po"]

_POLIB_SYNTAX = re.compile(r"line (\d+)")
_REPAIR = "fix the entry there or restore the file"


def read_po(text: str, path: str) -> Catalog:
    """Parse ``.po`` / ``.pot`` text; raise :class:`CatalogError` at *path* and the line."""
    if not text.strip():
        return Catalog()
    fast = _read_common(text)
    if fast is not None:
        return fast
    _check_syntax(text, path)
    try:
        po = polib.pofile(text, wrapwidth=WRAP_WIDTH)
    except (OSError, ValueError, UnicodeError) as exc:
        raise _polib_error(str(exc), path) from None
    messages = [_message(entry, entry.obsolete, entry.linenum or 0) for entry in po]
    header_entries = [(k, v) for k, v in po.ordered_metadata()]
    return Catalog(
        header=tuple(header_entries),
        messages=tuple(messages),
        header_comment=po.header,
        header_flags=tuple(po.metadata_is_fuzzy and ["fuzzy"] or []),
    )


# Every line of a .po file is blank, a comment, a keyword with a string, or a string
# continuing the one before. polib forgives more than msgfmt does; this does not.
_STRING = r'"(?:[^"\\]|\\.)*"'
_LINE = re.compile(
    rf"^\s*(?:$|#.*|(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+{_STRING}\s*$|{_STRING}\s*$)"
)


def _check_syntax(text: str, path: str) -> None:
    for number, line in enumerate(text.splitlines(), 1):
        if not _LINE.match(line):
            shown = line if len(line) <= 40 else line[:37] + "..."
            raise CatalogError(
                f"broken catalog (cannot read {shown!r}); {_REPAIR}", path=path, line=number
            )


def _polib_error(problem: str, path: str) -> CatalogError:
    """The error polib's *problem* means, at the line polib names in it (if any)."""
    match = _POLIB_SYNTAX.search(problem)
    line = int(match.group(1)) if match else 0
    return CatalogError(
        f"broken catalog ({problem.split(' (')[0].lower()}); {_REPAIR}", path=path, line=line
    )


# --- reading fast -------------------------------------------------------------------------
#
# polib reads a catalog line by line through a state machine, with objects and regular
# expressions at every step. _read_common reads the same way for the lines catalogs are
# made of (comments, keywords, strings; what this tool and translation editors write) and
# gives exactly what _check_syntax and polib give; at anything else (plural forms, a line
# either of them would refuse, an odd header) it gives up and leaves the text to them, so
# errors and oddities are still theirs, with their line numbers.


# polib's codes for the states of its reader, which are also the kinds of line that move
# it: st(art), he(ader comment), gc (extracted comment), oc (reference), fl(ags),
# ct (msgctxt), pc/pm (previous msgctxt/msgid), pp (previous plural), tc (translator
# comment), ms (msgstr), mp (msgid_plural), mx (msgstr[n]), mi (msgid), mc (a string
# continuing the one before).
_Code = Literal["st", "he", "gc", "oc", "fl", "ct", "pc", "pm", "pp", "tc", "ms", "mp", "mx", "mi", "mc"]

_KEYWORD_SYMBOLS: dict[str, _Code] = {"msgctxt": "ct", "msgid": "mi", "msgstr": "ms"}
_KEYWORD_LINES = tuple(f'{keyword} "' for keyword in _KEYWORD_SYMBOLS)
_PREVIOUS_SYMBOLS: dict[str, _Code] = {"msgid": "pm", "msgctxt": "pc"}
_COMMENT_SYMBOLS: dict[str, _Code] = {"#:": "oc", "#,": "fl", "#.": "gc"}
_ALL_STATES: tuple[_Code, ...] = (
    "st", "he", "gc", "oc", "fl", "ct", "pc", "pm", "pp", "tc", "ms", "mp", "mx", "mi",
)


def _moves(
    symbols: Sequence[_Code], states: Sequence[_Code], to: _Code | None = None
) -> dict[tuple[_Code, _Code], _Code]:
    """A line of each of *symbols* in each of *states* moves to *to* (by default its own state)."""
    return {(symbol, state): to or symbol for symbol in symbols for state in states}


# polib's transitions, (symbol, state) -> next state, less plural forms.
_TRANSITIONS: dict[tuple[_Code, _Code], _Code] = {
    **_moves(("tc",), ("st", "he"), "he"),
    **_moves(("tc",), ("gc", "oc", "fl", "tc", "pc", "pm", "pp", "ms", "mp", "mx", "mi")),
    **_moves(("gc", "oc", "fl", "pc", "pm"), _ALL_STATES),
    **_moves(("ct",), ("st", "he", "gc", "oc", "fl", "tc", "pc", "pm", "pp", "ms", "mx")),
    **_moves(("mi",), ("st", "he", "gc", "oc", "fl", "ct", "tc", "pc", "pm", "pp", "ms", "mx")),
    **_moves(("ms",), ("mi", "mp", "tc")),
    **_moves(("mc",), ("ct", "mi", "mp", "ms", "mx", "pm", "pp", "pc")),
}
_STRING_ONLY = re.compile(_STRING)
_UNESCAPED_QUOTE = re.compile(r'([^\\]|^)"')


class _Entry:
    """An entry being read: polib's fields, as polib fills them."""

    __slots__ = (
        "comment", "flags", "line", "msgctxt", "msgid", "msgstr", "obsolete", "occurrences",
        "previous_msgctxt", "previous_msgid", "tcomment",
    )

    def __init__(self, line: int) -> None:
        self.msgid = ""
        self.msgstr = ""
        self.msgctxt: str | None = None
        self.obsolete = False
        self.comment = ""
        self.tcomment = ""
        self.occurrences: list[tuple[str, str]] = []
        self.flags: list[str] = []
        self.previous_msgid: str | None = None
        self.previous_msgctxt: str | None = None
        self.line = line

    def extend(self, state: _Code, value: str) -> bool:
        """Add a continuation line's string to the field being read; False if none is."""
        if state == "mi":
            self.msgid += value
        elif state == "ms":
            self.msgstr += value
        elif state == "ct" and self.msgctxt is not None:
            self.msgctxt += value
        elif state == "pm" and self.previous_msgid is not None:
            self.previous_msgid += value
        elif state == "pc" and self.previous_msgctxt is not None:
            self.previous_msgctxt += value
        else:
            return False  # polib refuses it, or (plural forms) reads it in ways not done here
        return True


def _is_string(text: str) -> bool:
    """True when *text* (stripped at its end) is one quoted string, as _LINE wants it."""
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        return False
    inner = text[1:-1]
    return ('"' not in inner and "\\" not in inner) or _STRING_ONLY.fullmatch(text) is not None


def _read_common(text: str) -> Catalog | None:
    """Read *text* as :func:`read_po` does with polib, or None where that takes polib."""
    entries: list[_Entry] = []
    entry = _Entry(0)
    state: _Code = "st"
    header = ""
    last = ""  # the first word of the last line that was not blank: polib's `tokens[0]`
    for number, raw in enumerate(text.splitlines(), 1):
        # Each branch checks the line as _check_syntax does, then finds polib's symbol
        # for it and the string or comment it holds (`line`).
        first = raw[:1]
        obsolete = False
        if first == '"':  # a string continuing the one before: the most common line
            line = raw.rstrip()
            if not _is_string(line) or not entry.extend(state, unescape(line[1:-1])):
                return None
            last = '"'
            continue
        elif first == "m" and raw.startswith(_KEYWORD_LINES):
            quote = raw.index('"')
            line = raw[quote:].rstrip()
            if not _is_string(line):
                return None
            last = raw[: quote - 1]
            symbol: _Code | None = _KEYWORD_SYMBOLS[last]
        elif first == "#":
            line = raw.strip()
            tokens = line.split(None, 2)
            last = tokens[0]
            if last == "#~|":
                continue
            obsolete = last == "#~" and len(tokens) > 1
            if obsolete:
                line = line[3:].strip()
                tokens = tokens[1:]
                last = tokens[0]
            symbol = None
            checked = False  # whether polib looks for an unescaped quote in the string
            if len(tokens) > 1 and last in _KEYWORD_SYMBOLS:
                symbol, checked = _KEYWORD_SYMBOLS[last], True
                line = line[len(last) :].lstrip()
            elif last in _COMMENT_SYMBOLS:
                if len(tokens) <= 1:
                    continue  # an empty reference, flags or extracted comment line
                symbol = _COMMENT_SYMBOLS[last]
            elif line[:1] == '"':
                symbol, checked = "mc", True
            elif last == "#" or last.startswith("##"):
                symbol = "tc"
            elif last == "#|" and len(tokens) > 1:
                line = line[2:].lstrip()
                if tokens[1].startswith('"'):
                    symbol = "mc"
                elif len(tokens) > 2 and tokens[1] in _PREVIOUS_SYMBOLS:
                    symbol = _PREVIOUS_SYMBOLS[tokens[1]]
                    line = line[len(tokens[1]) :].lstrip()
            if checked and '"' in line[1:-1] and _UNESCAPED_QUOTE.search(line[1:-1]):
                return None  # polib refuses it
        elif raw.strip():
            return None  # leading space, plural forms, a broken line: polib's to judge
        else:
            continue
        following = _TRANSITIONS.get((symbol, state)) if symbol else None
        if following is None:
            return None  # a line polib refuses, or one it reads in ways not done here
        if symbol == "tc" and following == "he":
            header += ("\n" if header else "") + line[2:]
            state = following
            continue
        if state in ("ms", "mx") and symbol not in ("ms", "mc"):
            entries.append(entry)  # a new entry starts
            entry = _Entry(number)
        if symbol == "mc":
            if not entry.extend(state, unescape(line[1:-1])):
                return None
            continue  # a continuation keeps the state
        if symbol == "tc":
            comment = line.lstrip("#")
            entry.tcomment += ("\n" if entry.tcomment else "") + comment.removeprefix(" ")
        elif symbol == "gc":
            entry.comment += ("\n" if entry.comment else "") + line[3:]
        elif symbol == "oc":
            for occurrence in line[3:].split():
                where, colon, place = occurrence.rpartition(":")
                if not colon or not place.isdigit():
                    where, place = occurrence, ""
                entry.occurrences.append((where, place))
        elif symbol == "fl":
            entry.flags += [flag.strip() for flag in line[3:].split(",")]
        elif symbol == "pm":
            entry.previous_msgid = unescape(line[1:-1])
        elif symbol == "pc":
            entry.previous_msgctxt = unescape(line[1:-1])
        elif symbol == "ct":
            entry.msgctxt = unescape(line[1:-1])
        elif symbol == "mi":
            entry.obsolete = obsolete
            entry.msgid = unescape(line[1:-1])
        else:  # ms
            entry.msgstr = unescape(line[1:-1])
        state = following
    if last and not last.startswith("#"):
        entries.append(entry)  # as polib: not after a trailing comment
    headers = [e for e in entries if not e.obsolete and e.msgid == ""]
    if len(headers) > 1:
        return None  # polib picks one its own way
    fields: dict[str, str] = {}
    flags: list[str] = []
    if headers:
        entries.remove(headers[0])
        flags = headers[0].flags
        key = None
        for field_line in headers[0].msgstr.splitlines():
            name, colon, value = field_line.partition(":")
            if colon:
                key = name
                fields[key] = value.strip()
            elif key is not None:
                fields[key] += "\n" + field_line.strip()
    return Catalog(
        header=tuple(header_fields(fields)),
        messages=tuple(_message(e, e.obsolete, e.line) for e in entries),
        header_comment=header,
        header_flags=("fuzzy",) if flags else (),
    )


def _message(entry: _Entry | polib.POEntry, obsolete: bool, line: int) -> Message:
    """A :class:`Message` from an entry as polib or the fast reader fills it."""
    references = []
    for source, number in entry.occurrences:
        try:
            references.append((source, int(number)))
        except (TypeError, ValueError):
            references.append((source, 0))
    return Message(
        msgid=entry.msgid,
        msgstr=entry.msgstr,
        msgctxt=entry.msgctxt,
        flags=tuple(entry.flags),
        references=tuple(references),
        auto_comments=tuple(entry.comment.split("\n")) if entry.comment else (),
        translator_comments=tuple(entry.tcomment.split("\n")) if entry.tcomment else (),
        previous_msgid=entry.previous_msgid,
        previous_msgctxt=entry.previous_msgctxt,
        obsolete=obsolete,
        line=line,
    )

