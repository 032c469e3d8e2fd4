"""Reading ``.po`` and ``.pot`` text into the catalog model.

:func:`read_po` reads every form GNU gettext's tools, polib and the translation editors
built on them (Poedit, Lokalize, Weblate) write: comments of every kind, flags in any
order, previous fields under ``#|``, obsolete entries under ``#~`` (with their own
``#~|``), plural forms, CRLF line ends, a byte order mark, no final newline. A line it
cannot read is an error at that line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import CatalogError
from .model import TOOL_COMMENT_PREFIXES, Catalog, Message
from .syntax import unescape

__all__ = ["read_po"]

_REPAIR = "fix the entry there or restore the file"
_STRING = r'"(?:[^"\\]|\\.)*"'
_STRINGS = re.compile(rf"\s*({_STRING}(?:\s*{_STRING})*)\s*$")
_ONE_STRING = re.compile(_STRING)
_KEYWORD = re.compile(r"(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)(?=[\s\"])")
# A word broken after its hyphen by a wrapping tool: the parts join without a space.
_HYPHEN_BREAK = re.compile(r"\w-$")


@dataclass
class _Entry:
    """An entry being read: its fields as the lines so far have filled them."""

    line: int
    translator_comments: list[str] = field(default_factory=list)
    auto_comments: list[str] = field(default_factory=list)
    references: list[tuple[str, int]] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    previous: dict[str, str] = field(default_factory=dict)
    strings: dict[str, str] = field(default_factory=dict)
    forms: dict[int, str] = field(default_factory=dict)
    obsolete: bool = False

    @property
    def has_translation(self) -> bool:
        return "msgstr" in self.strings or bool(self.forms)


def read_po(text: str, path: str) -> Catalog:
    """Parse ``.po`` / ``.pot`` text; raise :class:`CatalogError` at *path* and the line."""
    text = text.removeprefix("\ufeff")
    if not text.strip():
        return Catalog()
    entries = _Reader(path).read(text)
    header = next((e for e in entries if not e.obsolete and e.strings.get("msgid") == "" and "msgctxt" not in e.strings), None)
    if header is None:
        return Catalog(messages=tuple(_message(e) for e in entries))
    entries.remove(header)
    return Catalog(
        header=_header_fields(header.strings.get("msgstr", "")),
        messages=tuple(_message(e) for e in entries),
        header_comment="\n".join(header.translator_comments),
        header_flags=tuple(header.flags),
    )


class _Reader:
    """Reads lines into entries: comments gather until a keyword, a keyword's string may
    continue on the lines that follow, and an entry ends at what cannot belong to it."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.entries: list[_Entry] = []
        self.entry = _Entry(0)
        self.current: tuple[str, str] | None = None  # (where, which field) strings continue
        self.number = 0

    def error(self, problem: str, line: int = 0) -> CatalogError:
        """The error at *line*, by default the line being read."""
        return CatalogError(f"broken catalog ({problem}); {_REPAIR}", path=self.path, line=line or self.number)

    def read(self, text: str) -> list[_Entry]:
        # Only a line feed ends a line (with the carriage return before it, if any): other
        # characters Python takes for line ends are text, in comments as in strings.
        for self.number, raw in enumerate(text.split("\n"), 1):
            raw = raw.removesuffix("\r")
            line = raw.lstrip(" \t")  # a comment keeps its trailing spaces, as gettext keeps them
            if not line.rstrip(" \t"):
                continue
            if line.startswith("#~"):
                rest = line[2:]
                if rest.startswith("|"):
                    self.keyword_or_string(rest[1:].strip(), obsolete=True, previous=True, raw=raw)
                elif rest.strip():
                    self.keyword_or_string(rest.strip(), obsolete=True, previous=False, raw=raw)
            elif line.startswith("#|"):
                self.keyword_or_string(line[2:].strip(), obsolete=False, previous=True, raw=raw)
            elif line.startswith("#"):
                self.comment(line)
            else:
                self.keyword_or_string(line, obsolete=False, previous=False, raw=raw)
        if self.entry.strings or self.entry.forms or self.entry.previous:
            self.finish()
        return self.entries

    def finish(self) -> None:
        if "msgid" not in self.entry.strings:
            raise self.error("an entry has no msgid", self.entry.line)
        if not self.entry.has_translation:
            raise self.error("an entry has no msgstr", self.entry.line)
        if self.entry.previous and "msgid" not in self.entry.previous:
            raise self.error("a previous field (#|) without the previous msgid", self.entry.line)
        self.entries.append(self.entry)

    def start_if_done(self) -> None:
        """Start a new entry when the one being read already has its translation."""
        if self.entry.has_translation:
            self.finish()
            self.entry = _Entry(self.number)
            self.current = None
        elif not (self.entry.strings or self.entry.previous or self.entry.line):
            self.entry.line = self.number

    def comment(self, line: str) -> None:
        self.start_if_done()
        if self.entry.strings:
            raise self.error("a comment inside an entry, before its msgstr")
        self.current = None
        kind, text = line[1:2], line[2:]
        entry = self.entry
        if kind == ".":
            entry.auto_comments.append(text.removeprefix(" "))
        elif kind == ":":
            for where in text.split():
                name, colon, number = where.rpartition(":")
                if colon and number.isascii() and number.isdigit():
                    entry.references.append((name, int(number)))
                else:
                    entry.references.append((where, 0))
        elif kind == ",":
            entry.flags.extend(f for f in (part.strip() for part in text.split(",")) if f)
        else:
            entry.translator_comments.append(line[1:].removeprefix(" "))

    def keyword_or_string(self, line: str, *, obsolete: bool, previous: bool, raw: str) -> None:
        keyword = _KEYWORD.match(line) if not line.startswith('"') else None
        rest = (line[keyword.end() :] if keyword else line).strip()
        if rest[:1] == '"' and rest[-1:] == '"' and len(rest) > 1 and rest.count('"') == 2 and "\\" not in rest:
            value = rest[1:-1]  # one string without escapes: most lines are
        else:
            strings = _STRINGS.fullmatch(rest)
            if strings is None:
                shown = raw if len(raw) <= 40 else raw[:37] + "..."
                raise self.error(f"cannot read {shown!r}")
            value = "".join(unescape(s[1:-1]) for s in _ONE_STRING.findall(strings.group(1)))
        where = "previous" if previous else "strings"
        if keyword is None:
            if self.current is None or self.current[0] != where:
                raise self.error("a string continues nothing")
            if not previous and obsolete != self.entry.obsolete:
                raise self.error("an entry partly obsolete (#~)")
            self.extend(value)
            return
        name = keyword.group(1)
        entry = self.entry
        if not previous and name in ("msgctxt", "msgid") and entry.has_translation:
            self.start_if_done()
            entry = self.entry
        elif previous:
            self.start_if_done()
            entry = self.entry
            if entry.strings:
                raise self.error("a previous field (#|) inside an entry, before its msgstr")
        if not previous:
            if name in ("msgctxt", "msgid") and not entry.strings and not entry.forms:
                entry.obsolete = obsolete
                if not entry.line:
                    entry.line = self.number
            elif obsolete != entry.obsolete:
                raise self.error("an entry partly obsolete (#~)")
            if name.startswith("msgstr") and "msgid" not in entry.strings:
                raise self.error(f"{name} before msgid")
            if name == "msgctxt" and "msgid" in entry.strings:
                raise self.error("msgctxt after msgid")
            if name == "msgid_plural" and ("msgid" not in entry.strings or entry.has_translation):
                raise self.error("msgid_plural out of place")
            plural = "msgid_plural" in entry.strings
            if name == "msgstr" and plural or keyword.group(2) is not None and not plural:
                raise self.error(f"{name} where {'msgstr[n]' if plural else 'msgstr'} was wanted")
        if keyword.group(2) is not None:
            form = int(keyword.group(2))
            if form in entry.forms:
                raise self.error(f"{name} twice")
            entry.forms[form] = value
            self.current = ("strings", f"[{form}]")
            return
        table = entry.previous if previous else entry.strings
        if name in table:
            raise self.error(f"{name} twice")
        table[name] = value
        self.current = (where, name)

    def extend(self, value: str) -> None:
        assert self.current is not None
        where, name = self.current
        if name.startswith("["):
            self.entry.forms[int(name[1:-1])] += value
        else:
            table = self.entry.previous if where == "previous" else self.entry.strings
            table[name] += value


def _header_fields(msgstr: str) -> tuple[tuple[str, str], ...]:
    """The header's fields in their order; a line without a colon continues the one before."""
    fields: dict[str, str] = {}
    key = None
    for line in msgstr.splitlines():
        name, colon, value = line.partition(":")
        if colon and name.strip():
            key = name.strip()
            fields[key] = value.strip()
        elif key is not None:
            fields[key] += "\n" + line.strip()
    return tuple(fields.items())


def _joined_tool_comments(comments: list[str]) -> tuple[str, ...]:
    """The extracted comments, with the tool's own put back together where wrapped.

    polib (and the editors that use it) wrap an extracted comment longer than the line
    into several ``#.`` lines. The tool writes its comments after the page's, each
    starting with its prefix: a line after one of them without a prefix continues it.
    """
    joined: list[str] = []
    in_tool = False
    for comment in comments:
        if comment.startswith(TOOL_COMMENT_PREFIXES):
            in_tool = True
        elif in_tool and comment:
            before = joined[-1]
            joined[-1] = before + comment if _HYPHEN_BREAK.search(before) else f"{before} {comment}"
            continue
        joined.append(comment)
    return tuple(joined)


def _message(entry: _Entry) -> Message:
    """A :class:`Message` from an entry as the lines filled it."""
    forms = tuple(entry.forms[n] for n in sorted(entry.forms))
    plural = entry.strings.get("msgid_plural")
    return Message(
        msgid=entry.strings["msgid"],
        msgstr=entry.strings.get("msgstr", forms[0] if forms else ""),
        msgctxt=entry.strings.get("msgctxt"),
        flags=tuple(entry.flags),
        references=tuple(entry.references),
        auto_comments=_joined_tool_comments(entry.auto_comments),
        translator_comments=tuple(entry.translator_comments),
        previous_msgid=entry.previous.get("msgid"),
        previous_msgctxt=entry.previous.get("msgctxt"),
        obsolete=entry.obsolete,
        line=entry.line,
        msgid_plural=plural,
        msgstr_plural=forms if plural is not None or forms else (),
        previous_msgid_plural=entry.previous.get("msgid_plural"),
    )
