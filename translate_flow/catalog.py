"""Catalogs: a small gettext catalog model, its reader and writer, and msgmerge-style updates.

The model is plain frozen data (:class:`Message`, :class:`Catalog`); :func:`read_po` and
:func:`write_po` convert to and from ``.po`` text exactly as polib does (reading through
polib what they do not read themselves); :func:`make_template` and :func:`update` are pure
functions. A reviewed entry (translated, not fuzzy) is never changed by any of them: its
msgstr, flags and translator comments pass through untouched, and when its source text
disappears it is kept as an obsolete entry that comes back with the text.
"""

from __future__ import annotations

import bisect
import difflib
import itertools
import re
import textwrap
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from functools import lru_cache
from typing import TypeVar

import polib

from .errors import CatalogError
from .languages import Language
from .segment import Segment

__all__ = [
    "Catalog",
    "Message",
    "Proposal",
    "TOOL_COMMENT_PREFIXES",
    "Counts",
    "catalog_header",
    "count_words",
    "counts",
    "machine_hash",
    "make_template",
    "needs_translation",
    "now_stamp",
    "read_po",
    "translations",
    "untouched_machine_output",
    "update",
    "with_findings",
    "with_proposals",
    "write_po",
]

Key = tuple[str | None, str]

# Extracted comments the tool writes into translated catalogs; they belong to the catalog,
# not to the template, and survive updates. Everything else under `#.` comes from the page.
TOOL_COMMENT_PREFIXES = ("machine translation:", "memory:", "check:")
DEFAULT_SIMILARITY = 0.6
_T = TypeVar("_T")
WRAP_WIDTH = 79
PLACEHOLDER_DATE = "YEAR-MO-DA HO:MI+ZONE"


@dataclass(frozen=True)
class Message:
    """One catalog entry."""

    msgid: str
    msgstr: str = ""
    msgctxt: str | None = None
    flags: tuple[str, ...] = ()
    references: tuple[tuple[str, int], ...] = ()
    auto_comments: tuple[str, ...] = ()
    translator_comments: tuple[str, ...] = ()
    previous_msgid: str | None = None
    previous_msgctxt: str | None = None
    obsolete: bool = False
    line: int = 0  # where the entry starts in the file it was read from; 0 if not read

    @property
    def key(self) -> Key:
        """The lookup key: (msgctxt, msgid)."""
        return (self.msgctxt, self.msgid)

    @property
    def fuzzy(self) -> bool:
        """True when the entry is marked for review."""
        return "fuzzy" in self.flags

    @property
    def translated(self) -> bool:
        """True when the entry has a translation, reviewed or not."""
        return bool(self.msgstr)

    @property
    def reviewed(self) -> bool:
        """True for a translator's entry: translated and not fuzzy. The tool never changes it."""
        return bool(self.msgstr) and not self.fuzzy

    def tool_comments(self) -> tuple[str, ...]:
        """The extracted comments written by the tool (provenance, findings)."""
        return tuple(c for c in self.auto_comments if c.startswith(TOOL_COMMENT_PREFIXES))

    def page_comments(self) -> tuple[str, ...]:
        """The extracted comments that come from the source page (where the segment sits)."""
        return tuple(c for c in self.auto_comments if not c.startswith(TOOL_COMMENT_PREFIXES))


@dataclass(frozen=True)
class Catalog:
    """A template (``.pot``) or a translation catalog (``.po``)."""

    header: tuple[tuple[str, str], ...] = ()
    messages: tuple[Message, ...] = ()
    header_comment: str = ""
    header_flags: tuple[str, ...] = ()

    def header_value(self, name: str) -> str | None:
        """The value of one header field, or None."""
        for key, value in self.header:
            if key == name:
                return value
        return None

    def active(self) -> tuple[Message, ...]:
        """The entries that are not obsolete."""
        return tuple(m for m in self.messages if not m.obsolete)

    def index(self) -> dict[Key, Message]:
        """The active entries by (msgctxt, msgid)."""
        return {m.key: m for m in self.messages if not m.obsolete}

    def with_header(self, **fields: str) -> Catalog:
        """A copy with header fields set (``Plural_Forms`` for ``Plural-Forms``)."""
        updates = {name.replace("_", "-"): value for name, value in fields.items()}
        header = [(k, updates.pop(k, v)) for k, v in self.header]
        header.extend(updates.items())
        return replace(self, header=tuple(header))


# --- templates ---------------------------------------------------------------------------


def make_template(
    documents: Iterable[tuple[str, Sequence[Segment]]],
    *,
    project: str,
    created: str,
    generator: str,
    source_language: str,
) -> Catalog:
    """Build a template from the segments of one or more pages.

    *documents* pairs each page's reference path with its segments. Identical texts share
    one entry that lists every reference and every place it sits.
    """
    entries: dict[Key, Message] = {}
    for path, segments in documents:
        for segment in segments:
            key = (segment.msgctxt, segment.msgid)
            reference = (path, segment.line)
            known = entries.get(key)
            if known is None:
                entries[key] = Message(
                    msgid=segment.msgid,
                    msgctxt=segment.msgctxt,
                    references=(reference,),
                    auto_comments=(segment.context,),
                )
                continue
            entries[key] = replace(
                known,
                references=_add_unique(known.references, reference),
                auto_comments=_add_unique(known.auto_comments, segment.context),
            )
    header = (
        ("Project-Id-Version", project),
        ("Report-Msgid-Bugs-To", ""),
        ("POT-Creation-Date", created),
        ("PO-Revision-Date", PLACEHOLDER_DATE),
        ("Last-Translator", "FULL NAME <EMAIL@ADDRESS>"),
        ("Language-Team", "LANGUAGE <LL@li.org>"),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=UTF-8"),
        ("Content-Transfer-Encoding", "8bit"),
        ("X-Source-Language", source_language),
        ("X-Generator", generator),
    )
    return Catalog(
        header=header,
        messages=tuple(entries.values()),
        header_comment=f"Template for {project}.\nGenerated from the source page; do not edit.",
        header_flags=("fuzzy",),
    )


def _add_unique(items: tuple[_T, ...], item: _T) -> tuple[_T, ...]:
    return items if item in items else (*items, item)



def catalog_header(template: Catalog, language: Language, existing: Catalog | None) -> Catalog:
    """The header of a translation catalog: the template's, made specific to *language*.

    Fields a translator or their editor maintains (Last-Translator, Language-Team,
    PO-Revision-Date, Plural-Forms once set) are kept from the existing catalog.
    """
    kept = dict(existing.header) if existing else {}
    fields = dict(template.header)
    fields["Language"] = language.locale
    fields["Plural-Forms"] = kept.get("Plural-Forms") or language.plural_forms
    # As msginit does for catalogs no person has touched yet.
    fields["PO-Revision-Date"] = fields.get("POT-Creation-Date", PLACEHOLDER_DATE)
    fields["Last-Translator"] = "Automatically generated"
    for name in ("PO-Revision-Date", "Last-Translator", "Language-Team"):
        if name in kept:
            fields[name] = kept[name]
    if "Language-Team" not in kept:
        fields["Language-Team"] = f"{language.name} <LL@li.org>"
    order = (
        "Project-Id-Version", "Report-Msgid-Bugs-To", "POT-Creation-Date", "PO-Revision-Date",
        "Last-Translator", "Language-Team", "Language", "MIME-Version", "Content-Type",
        "Content-Transfer-Encoding", "Plural-Forms",
    )
    header = [(name, fields.pop(name)) for name in order if name in fields]
    header.extend(sorted(fields.items()))
    comment = (
        existing.header_comment
        if existing and existing.header_comment
        else template.header_comment.split("\n")[0].replace("Template for", f"{language.name} translation of")
    )
    return Catalog(header=tuple(header), header_comment=comment)


# --- updating ----------------------------------------------------------------------------


def update(
    catalog: Catalog,
    template: Catalog,
    language: Language,
    *,
    similarity: float = DEFAULT_SIMILARITY,
) -> Catalog:
    """Merge a new *template* into a translation *catalog*, as msgmerge does.

    Unchanged entries keep their translation and take the template's references and
    comments. A new text gets the translation of the most similar vanished text (ratio at
    least *similarity*) as a fuzzy starting point, with the old msgid under ``#|``. Texts
    that vanished become obsolete when translated; a text that returns is revived.
    """
    old_active = catalog.index()
    old_obsolete = {m.key: m for m in catalog.messages if m.obsolete}
    wanted = {m.key for m in template.messages}
    vanished = [m for k, m in old_active.items() if k not in wanted and m.msgstr]
    candidates = vanished + [m for k, m in old_obsolete.items() if k not in wanted and m.msgstr]

    messages: list[Message] = []
    for new in template.messages:
        old = old_active.get(new.key)
        if old is not None:
            messages.append(_refresh(old, new))
            continue
        revived = old_obsolete.get(new.key)
        if revived is not None:
            messages.append(_refresh(replace(revived, obsolete=False), new))
            continue
        match = _closest(new, candidates, similarity)
        if match is None:
            messages.append(new if new.line == 0 else replace(new, line=0))  # replace() is slow
            continue
        messages.append(
            replace(
                new,
                msgstr=match.msgstr,
                flags=("fuzzy", *[f for f in match.flags if f != "fuzzy"]),
                previous_msgid=match.msgid,
                previous_msgctxt=match.msgctxt if match.msgctxt != new.msgctxt else None,
                line=0,
            )
        )
    obsolete = [m for k, m in old_obsolete.items() if k not in wanted]
    obsolete.extend(replace(m, obsolete=True) for m in vanished)
    header = catalog_header(template, language, catalog)
    return replace(header, messages=tuple(messages) + tuple(obsolete))


def _refresh(old: Message, new: Message) -> Message:
    """Keep everything of *old* that belongs to the translation; take the rest from *new*."""
    return replace(
        old,
        references=new.references,
        auto_comments=new.page_comments() + old.tool_comments(),
    )


def _closest(new: Message, candidates: Sequence[Message], threshold: float) -> Message | None:
    best: Message | None = None
    best_ratio = threshold
    for candidate in candidates:
        matcher = difflib.SequenceMatcher(None, new.msgid, candidate.msgid, autojunk=False)
        if matcher.real_quick_ratio() < best_ratio or matcher.quick_ratio() < best_ratio:
            continue
        ratio = matcher.ratio()
        if candidate.msgctxt == new.msgctxt:
            ratio += 1e-9  # among equals, prefer the same context
        if ratio >= best_ratio and (best is None or ratio > best_ratio):
            best, best_ratio = candidate, ratio
    return best


# --- reading ------------------------------------------------------------------------------

_POLIB_SYNTAX = re.compile(r"line (\d+)")


def read_po(text: str, path: str) -> Catalog:
    """Parse ``.po`` / ``.pot`` text; raise :class:`CatalogError` naming the file and line."""
    if not text.strip():
        return Catalog()
    fast = _read_common(text)
    if fast is not None:
        return fast
    _check_syntax(text, path)
    try:
        po = polib.pofile(text, wrapwidth=WRAP_WIDTH)
    except (OSError, ValueError, UnicodeError) as exc:
        raise CatalogError(_describe(path, str(exc))) from None
    messages = [_from_polib(entry, obsolete=entry.obsolete) for entry in po]
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
                f"{path}:{number}: broken catalog (cannot read {shown!r}); fix the entry there or restore the file"
            )


def _describe(path: str, problem: str) -> str:
    match = _POLIB_SYNTAX.search(problem)
    where = f"{path}:{match.group(1)}" if match else path
    return f"{where}: broken catalog ({problem.split(' (')[0].lower()}); fix the entry there or restore the file"


def _from_polib(entry: polib.POEntry, *, obsolete: bool) -> Message:
    return _message(entry, obsolete, entry.linenum or 0)


# --- reading fast -------------------------------------------------------------------------
#
# polib reads a catalog line by line through a state machine, with objects and regular
# expressions at every step. _read_common reads the same way for the lines catalogs are
# made of (comments, keywords, strings; what this tool and translation editors write) and
# gives exactly what _check_syntax and polib give; at anything else (plural forms, a line
# either of them would refuse, an odd header) it gives up and leaves the text to them, so
# errors and oddities are still theirs, with their line numbers.

_KEYWORD_SYMBOLS = {"msgctxt": "ct", "msgid": "mi", "msgstr": "ms"}
_KEYWORD_LINES = tuple(f'{keyword} "' for keyword in _KEYWORD_SYMBOLS)
_PREVIOUS_SYMBOLS = {"msgid": "pm", "msgctxt": "pc"}
_COMMENT_SYMBOLS = {"#:": "oc", "#,": "fl", "#.": "gc"}
_ALL_STATES = ("st", "he", "gc", "oc", "fl", "ct", "pc", "pm", "pp", "tc", "ms", "mp", "mx", "mi")
# polib's transitions, (symbol, state) -> next state, less plural forms.
_TRANSITIONS: dict[tuple[str, str], str] = {
    **{("tc", state): "he" for state in ("st", "he")},
    **{("tc", state): "tc" for state in ("gc", "oc", "fl", "tc", "pc", "pm", "pp", "ms", "mp", "mx", "mi")},
    **{(symbol, state): symbol for symbol in ("gc", "oc", "fl", "pc", "pm") for state in _ALL_STATES},
    **{("ct", state): "ct" for state in ("st", "he", "gc", "oc", "fl", "tc", "pc", "pm", "pp", "ms", "mx")},
    **{("mi", state): "mi" for state in ("st", "he", "gc", "oc", "fl", "ct", "tc", "pc", "pm", "pp", "ms", "mx")},
    **{("ms", state): "ms" for state in ("mi", "mp", "tc")},
    **{("mc", state): "mc" for state in ("ct", "mi", "mp", "ms", "mx", "pm", "pp", "pc")},
}
_STRING_ONLY = re.compile(_STRING)
_UNESCAPED_QUOTE = re.compile(r'([^\\]|^)"')
_ESCAPED = re.compile(r'\\(\\|n|t|r|v|b|f|")')
_UNESCAPES = {"n": "\n", "t": "\t", "r": "\r", "v": "\v", "b": "\b", "f": "\f", "\\": "\\", '"': '"'}


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

    def extend(self, state: str, value: str) -> bool:
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


def _unescape(text: str) -> str:
    return _ESCAPED.sub(lambda m: _UNESCAPES[m.group(1)], text) if "\\" in text else text


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
    state = "st"
    header = ""
    last = ""  # the first word of the last line that was not blank: polib's `tokens[0]`
    for number, raw in enumerate(text.splitlines(), 1):
        # Each branch checks the line as _check_syntax does, then finds polib's symbol
        # for it and the string or comment it holds (`line`).
        first = raw[:1]
        obsolete = False
        if first == '"':  # a string continuing the one before: the most common line
            line = raw.rstrip()
            if not _is_string(line) or not entry.extend(state, _unescape(line[1:-1])):
                return None
            last = '"'
            continue
        elif first == "m" and raw.startswith(_KEYWORD_LINES):
            quote = raw.index('"')
            line = raw[quote:].rstrip()
            if not _is_string(line):
                return None
            last = raw[: quote - 1]
            symbol = _KEYWORD_SYMBOLS[last]
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
            symbol = ""
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
        following = _TRANSITIONS.get((symbol, state))
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
            if not entry.extend(state, _unescape(line[1:-1])):
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
            entry.previous_msgid = _unescape(line[1:-1])
        elif symbol == "pc":
            entry.previous_msgctxt = _unescape(line[1:-1])
        elif symbol == "ct":
            entry.msgctxt = _unescape(line[1:-1])
        elif symbol == "mi":
            entry.obsolete = obsolete
            entry.msgid = _unescape(line[1:-1])
        else:  # ms
            entry.msgstr = _unescape(line[1:-1])
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
    ordered = [(name, fields.pop(name)) for name in _HEADER_ORDER if name in fields]
    ordered.extend((name, fields[name]) for name in _natural_sort(fields))
    return Catalog(
        header=tuple(ordered),
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


# --- writing ------------------------------------------------------------------------------

# polib's order for the fields it knows; the others follow in natural order.
_HEADER_ORDER = (
    "Project-Id-Version", "Report-Msgid-Bugs-To", "POT-Creation-Date", "PO-Revision-Date",
    "Last-Translator", "Language-Team", "Language", "MIME-Version", "Content-Type",
    "Content-Transfer-Encoding", "Plural-Forms",
)
_DIGITS = re.compile("([0-9]+)")
_CACHED_FIELDS = 16384
_NEEDS_ESCAPE = re.compile(r'[\\\t\r\n\v\b\f"]')
# What textwrap turns into spaces before it wraps (tabs first expanded), and its chunks
# where there is no hyphen: runs of spaces and words.
_MUNGED = re.compile("[\t\n\x0b\x0c\r]")
_WHITESPACE_TO_SPACE = str.maketrans(dict.fromkeys("\t\n\x0b\x0c\r", " "))
_SPACES_OR_WORD = re.compile("[ ]+|[^ ]+")


def write_po(catalog: Catalog) -> str:
    """Render a catalog as ``.po`` text (the same catalog always gives the same text).

    The text is exactly what polib writes (wrapped at :data:`WRAP_WIDTH` columns), so
    catalogs keep their layout byte for byte; building polib's objects and wrapping with
    :mod:`textwrap` took several times as long as writing the text directly.
    """
    header = dict(catalog.header)  # as polib: a repeated field keeps its first place, last value
    fields = [(name, header.pop(name)) for name in _HEADER_ORDER if name in header]
    fields.extend((name, header[name]) for name in _natural_sort(header))
    header_entry = Message(
        msgid="",
        msgstr="".join(f"{name}: {value}\n" for name, value in fields),
        flags=("fuzzy",) if "fuzzy" in catalog.header_flags else (),
    )
    entries = [header_entry]
    entries.extend(m for m in catalog.messages if not m.obsolete)
    entries.extend(m for m in catalog.messages if m.obsolete)
    comment = "".join(
        "#\n" if not line else f"#{line}\n" if line[0] in ",:" else f"# {line}\n"
        for line in catalog.header_comment.split("\n")
    )
    return comment + "\n".join(_entry_text(m) for m in entries)


def _natural_sort(names: Iterable[str]) -> list[str]:
    """Sort names as polib does: runs of digits by value, the rest ignoring case."""

    def key(name: str) -> list[int | str]:
        return [int(part) if part.isdigit() else part.lower() for part in _DIGITS.split(name)]

    return sorted(names, key=key)


def _escape(text: str) -> str:
    """Escape text for a quoted .po string, as polib does."""
    if not _NEEDS_ESCAPE.search(text):
        return text
    return (
        text.replace("\\", "\\\\").replace("\t", "\\t").replace("\r", "\\r").replace("\n", "\\n")
        .replace("\v", "\\v").replace("\b", "\\b").replace("\f", "\\f").replace('"', '\\"')
    )


def _entry_text(message: Message) -> str:
    """One entry as polib writes it, ending in a newline."""
    lines: list[str] = []
    if message.translator_comments:
        _add_comments(lines, "# ", message.translator_comments)
    if not message.obsolete:
        if message.auto_comments:
            _add_comments(lines, "#. ", message.auto_comments)
        if message.references:
            files = " ".join([f"{path}:{line}" for path, line in message.references])
            if len(files) + 3 > WRAP_WIDTH:
                # polib keeps hyphenated file names whole by hiding their hyphens from
                # textwrap (as "*", which it turns back into "-" after, whatever it was).
                wrapped = _wrap(files.replace("-", "*"), WRAP_WIDTH - 3, True)
                lines.extend(["#: " + line.replace("*", "-") for line in wrapped])
            else:
                lines.append("#: " + files)
    if message.flags:
        lines.append("#, " + ", ".join(message.flags))
    if message.previous_msgctxt is not None or message.previous_msgid is not None:
        previous = "#~| " if message.obsolete else "#| "
        if message.previous_msgctxt is not None:
            lines.append(_field("msgctxt", len("previous_msgctxt"), previous, message.previous_msgctxt))
        if message.previous_msgid is not None:
            lines.append(_field("msgid", len("previous_msgid"), previous, message.previous_msgid))
    prefix = "#~ " if message.obsolete else ""
    if message.msgctxt is not None:
        lines.append(_field("msgctxt", len("msgctxt"), prefix, message.msgctxt))
    lines.append(_field("msgid", len("msgid"), prefix, message.msgid))
    lines.append(_field("msgstr", len("msgstr"), prefix, message.msgstr))
    lines.append("")
    return "\n".join(lines)


def _add_comments(lines: list[str], prefix: str, comments: tuple[str, ...]) -> None:
    """Comment lines, one per comment and never wrapped (as msgmerge writes them).

    polib wraps long comments, which would split a provenance comment (and its output
    hash) over two lines that read back as two comments. As polib, a single empty comment
    writes nothing.
    """
    if len(comments) == 1 and not comments[0]:
        return
    for comment in comments:
        lines.extend(prefix + text for text in comment.split("\n"))


@lru_cache(maxsize=_CACHED_FIELDS)
def _field(keyword: str, counted: int, prefix: str, value: str) -> str:
    """A keyword and its quoted string, split at line ends or wrapped as polib does.

    *counted* is the length polib counts for the keyword (for ``#| msgid`` that of
    ``previous_msgid``, a quirk kept so the text stays the same). Cached: a template and
    its catalogs, and the pages of one site, repeat most of their texts.
    """
    lines = value.splitlines(True)
    if len(lines) > 1:
        parts = ["", *map(_escape, lines)]
    else:
        escaped = _escape(value)
        specials = len(escaped) - len(value)  # every escape adds one character
        if len(value) <= WRAP_WIDTH - (counted + 3) + specials:
            return f'{prefix}{keyword} "{escaped}"'
        # Breaks fall only at spaces and after hyphens, never inside an escape.
        parts = ["", *_wrap(escaped, WRAP_WIDTH - 2, False)]
    return f'{prefix}{keyword} ""' + "".join([f'\n{prefix}"{part}"' for part in parts[1:]])


def _wrap(text: str, width: int, drop_whitespace: bool) -> list[str]:
    """``textwrap.wrap(text, width, break_long_words=False, drop_whitespace=...)``.

    The same lines by the same rules, found with fewer steps: textwrap's chunks (runs of
    space, and words, split after their hyphens), then for each line the most chunks that
    fit, a chunk longer than a line alone, whitespace dropped at breaks if asked.
    """
    if _MUNGED.search(text):
        text = text.expandtabs().translate(_WHITESPACE_TO_SPACE)
    if "-" in text:
        chunks = [c for c in textwrap.TextWrapper.wordsep_re.split(text) if c]
    else:
        chunks = _SPACES_OR_WORD.findall(text)
    ends = list(itertools.accumulate(map(len, chunks)))
    lines: list[str] = []
    first, count = 0, len(chunks)
    while first < count:
        if drop_whitespace and lines and not chunks[first].strip():
            first += 1
            if first == count:
                break
        start = ends[first - 1] if first else 0
        after = max(bisect.bisect_right(ends, start + width, first), first + 1)
        last = after - 1
        if drop_whitespace and not chunks[last].strip():
            last -= 1
        if last >= first:
            lines.append(text[start : ends[last]])
        first = after
    return lines


def now_stamp(moment: datetime | None = None) -> str:
    """A gettext header timestamp: ``2026-11-29 14:05+0000``."""
    moment = moment or datetime.now(timezone.utc)
    return moment.strftime("%Y-%m-%d %H:%M%z")


def translations(catalog: Catalog, *, use_fuzzy: bool) -> Mapping[Key, str]:
    """The msgstr to publish for each key: reviewed entries, and fuzzy ones if *use_fuzzy*."""
    return {
        m.key: m.msgstr
        for m in catalog.messages
        if not m.obsolete and m.msgstr and (use_fuzzy or not m.fuzzy)
    }


@dataclass(frozen=True)
class Counts:
    """Entries and source words by state."""

    translated: int = 0
    fuzzy: int = 0
    untranslated: int = 0
    translated_words: int = 0
    fuzzy_words: int = 0
    untranslated_words: int = 0
    obsolete: int = 0

    @property
    def total(self) -> int:
        """All active entries."""
        return self.translated + self.fuzzy + self.untranslated

    @property
    def total_words(self) -> int:
        """Source words of all active entries."""
        return self.translated_words + self.fuzzy_words + self.untranslated_words


_TAG = re.compile(r"</?[a-z][a-z0-9-]*[0-9]/?>")
_WORD = re.compile(r"\w+", re.UNICODE)


def count_words(msgid: str) -> int:
    """Source words in a msgid, numbered tags excluded."""
    return len(_WORD.findall(_TAG.sub(" ", msgid) if "<" in msgid else msgid))


def counts(catalog: Catalog) -> Counts:
    """Count a catalog's entries and source words as translated, fuzzy and untranslated."""
    values = {"translated": 0, "fuzzy": 0, "untranslated": 0, "obsolete": 0}
    words = {"translated": 0, "fuzzy": 0, "untranslated": 0}
    for message in catalog.messages:
        if message.obsolete:
            values["obsolete"] += 1
            continue
        state = "fuzzy" if message.msgstr and message.fuzzy else (
            "translated" if message.msgstr else "untranslated"
        )
        values[state] += 1
        words[state] += count_words(message.msgid)
    return Counts(
        translated=values["translated"],
        fuzzy=values["fuzzy"],
        untranslated=values["untranslated"],
        obsolete=values["obsolete"],
        translated_words=words["translated"],
        fuzzy_words=words["fuzzy"],
        untranslated_words=words["untranslated"],
    )



# --- machine proposals -----------------------------------------------------------------------

MACHINE_PREFIX = "machine translation:"
MEMORY_PREFIX = "memory:"
_MACHINE_HASH = re.compile(r"\bmt=([0-9a-f]{6,64})\b")


@dataclass(frozen=True)
class Proposal:
    """A translation the tool offers for an entry: always fuzzy, with where it came from."""

    msgstr: str
    comments: tuple[str, ...]  # extracted comments, each with a tool prefix


def machine_hash(message: Message) -> str | None:
    """The hash of the machine output recorded on *message*, if any."""
    for comment in message.auto_comments:
        if comment.startswith(MACHINE_PREFIX):
            match = _MACHINE_HASH.search(comment)
            if match:
                return match.group(1)
    return None


def untouched_machine_output(message: Message, digest: Callable[[str], str]) -> bool:
    """True when *message* holds machine output nobody has edited since (still fuzzy)."""
    recorded = machine_hash(message)
    return message.fuzzy and bool(message.msgstr) and recorded is not None and digest(message.msgstr) == recorded


def needs_translation(message: Message, *, retranslate: bool, digest: Callable[[str], str]) -> bool:
    """True when the tool may fill *message*: empty, or (with *retranslate*) untouched machine output.

    A reviewed entry, and a fuzzy one a person has edited or carried over from an older
    text, are never offered to the model.
    """
    if message.obsolete:
        return False
    if not message.msgstr:
        return True
    return retranslate and untouched_machine_output(message, digest)


def with_proposals(catalog: Catalog, proposals: Mapping[Key, Proposal]) -> Catalog:
    """A copy of *catalog* with each proposal in its entry, marked fuzzy.

    The entry's earlier tool comments of the same kinds are replaced, never piled up.
    """
    messages = []
    for message in catalog.messages:
        proposal = None if message.obsolete else proposals.get(message.key)
        if proposal is None:
            messages.append(message)
            continue
        kept = tuple(
            c for c in message.auto_comments if not c.startswith((MACHINE_PREFIX, MEMORY_PREFIX))
        )
        messages.append(
            replace(
                message,
                msgstr=proposal.msgstr,
                flags=("fuzzy", *[f for f in message.flags if f != "fuzzy"]),
                auto_comments=kept + proposal.comments,
                previous_msgid=None,
                previous_msgctxt=None,
            )
        )
    return replace(catalog, messages=tuple(messages))


# --- findings ----------------------------------------------------------------------------------

CHECK_PREFIX = "check:"


def with_findings(catalog: Catalog, findings: Mapping[Key, Sequence[str]]) -> Catalog:
    """A copy of *catalog* whose ``#. check:`` comments are exactly *findings*.

    Earlier findings are replaced on every entry, so they never pile up; an entry with
    nothing to report loses its old ones.
    """
    messages = []
    for message in catalog.messages:
        kept = tuple(c for c in message.auto_comments if not c.startswith(CHECK_PREFIX))
        new = tuple(f"{CHECK_PREFIX} {text}" for text in findings.get(message.key, ())) if not message.obsolete else ()
        if kept + new != message.auto_comments:
            message = replace(message, auto_comments=kept + new)
        messages.append(message)
    return replace(catalog, messages=tuple(messages))
