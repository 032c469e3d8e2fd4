"""The project glossary: terms, names and do-not-translate entries from ``glossary/``.

Two formats, both read from the glossary folder:

CSV (``*.csv``)
    A source column (the source language's code, else the first column), one column per
    target language, ``kind`` (``term``, ``name`` or ``dnt``), ``forbidden_<lang>`` with
    variants separated by ``|``, ``note``, and optionally ``case`` (``sensitive``,
    ``insensitive``, empty for the automatic rule), ``pattern_<lang>`` (how the term is
    matched in that language, see :func:`pattern_problem`) and ``pos`` (part of speech).
    A source or target cell may hold synonyms after the preferred form: ``A|B``.
    Bilingual term lists with one pair a row (``sourceLang``, ``targetLang``,
    ``sourceString``, ``targetString``, optionally ``pos`` and ``description``, as TICO-19
    publishes them) are read too.

TBX-Basic (``*.tbx``)
    TBX v2 (``<martif type="TBX-Basic">``: ``termEntry`` / ``langSet`` / ``tig``) and TBX v3
    (``<tbx type="TBX-Basic" style="dca">``: ``conceptEntry`` / ``langSec`` / ``termSec``).
    Per term, ``administrativeStatus`` says preferred (the rendering), admitted (a synonym)
    or deprecated, superseded or forbidden (a forbidden variant); ``partOfSpeech`` is kept.
    What TBX-Basic has no element for (kind, case rule, match pattern) travels in notes
    written as ``kind: name``, ``case: sensitive`` and ``pattern: ...``; a note of the
    glossary's own that reads like one of them is written ``note: ...``.

:func:`check_glossary` reports problems as findings with file and line; the readers raise
:class:`InputError` only for what they cannot read at all. Entries that cannot be used (no
source term, no rendering in any language, nothing at all) are left out with a ``skipped``
warning, so one odd entry never costs the rest of a termbase.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, TypeVar

from lxml import etree

from .errors import InputError, LanguageError
from .textrules import script_of
from .languages import Language, language
from .xmlsafe import XML_LANG, line_of, local_name, parse_xml

__all__ = [
    "CASES",
    "KINDS",
    "TermKind",
    "PARTS_OF_SPEECH",
    "Glossary",
    "GlossaryFinding",
    "Imported",
    "Term",
    "check_glossary",
    "export_csv",
    "export_glossary",
    "export_tbx",
    "import_glossary",
    "import_termbase",
    "load_glossary_file",
    "parse_csv",
    "parse_tbx",
    "pattern_problem",
    "read_glossary",
]

TermKind = Literal["term", "name", "dnt"]
# "term": a preferred translation; "name": a fixed rendering; "dnt": never translated.
_KIND_OF: Mapping[str, TermKind] = {"term": "term", "name": "name", "dnt": "dnt"}
KINDS = frozenset(_KIND_OF)
CASES = ("auto", "sensitive", "insensitive")
# The TBX-Basic picklist for partOfSpeech.
PARTS_OF_SPEECH = ("noun", "verb", "adjective", "adverb", "properNoun", "other")
FORMATS = ("csv", "tbx2", "tbx3")
GLOSSARY_SUFFIXES = (".csv", ".tbx")

# Spellings accepted in the CSV `case` column, and what they mean.
_CASE_VALUES = {
    "": "auto",
    "auto": "auto",
    "sensitive": "sensitive",
    "case-sensitive": "sensitive",
    "yes": "sensitive",
    "true": "sensitive",
    "insensitive": "insensitive",
    "case-insensitive": "insensitive",
    "no": "insensitive",
    "false": "insensitive",
}
_RESERVED_COLUMNS = ("kind", "note", "case", "pos")
_LANGUAGE_PREFIXES = ("forbidden_", "pattern_")

# TBX administrativeStatus values (and older normativeAuthorization ones) by what they mean.
_FORBIDDEN_STATUS = ("deprecated", "superseded", "forbidden", "obsolete")
_STATUS_PREFERRED = "preferredTerm-admn-sts"
_STATUS_ADMITTED = "admittedTerm-admn-sts"
_STATUS_DEPRECATED = "deprecatedTerm-admn-sts"

# Checks whose findings make a file unusable: readers raise for them.
BLOCKING_CHECKS = frozenset({"unreadable", "malformed", "unknown-kind", "bad-value"})

TBX3_NAMESPACE = "urn:iso:std:iso:30042:ed-2"
_TBX2_DOCTYPE = '<!DOCTYPE martif SYSTEM "TBXBasiccoreStructV02.dtd">'
_TBX3_SCHEMAS = (
    "https://raw.githubusercontent.com/LTAC-Global/TBX-Basic_dialect/master/DCA/"
    "TBXcoreStructV03_TBX-Basic_integrated.rng",
    "https://raw.githubusercontent.com/LTAC-Global/TBX-Basic_dialect/master/DCA/TBX-Basic_DCA.sch",
)
# What TBX-Basic has no element for travels in notes; "note: " guards a note of the
# glossary's own that would read as one of the others.
_MARKER = re.compile(r"^(kind|case|pattern|note):[ \t]*(\S.*)$")

_V = TypeVar("_V")


@dataclass(frozen=True)
class Term:
    """One glossary entry: a source term and how each language renders it."""

    source: str
    kind: TermKind
    targets: Mapping[str, str] = field(default_factory=dict)  # column code -> rendering
    forbidden: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    note: str = ""
    origin: str = field(default="", compare=False)  # file:line
    case: str = "auto"  # "auto", "sensitive" or "insensitive"
    patterns: Mapping[str, str] = field(default_factory=dict)  # code -> match pattern
    synonyms: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # code -> admitted
    source_synonyms: tuple[str, ...] = ()
    part_of_speech: str = ""

    def __hash__(self) -> int:
        return hash((self.source, self.kind, tuple(sorted(self.targets.items()))))

    def rendering(self, language: Language) -> str | None:
        """The glossary's rendering for *language*; the source itself for do-not-translate."""
        if self.kind == "dnt":
            return self.source
        return _pick(self.targets, language) or None

    def renderings(self, language: Language) -> tuple[str, ...]:
        """Every acceptable rendering for *language*: the preferred one, then synonyms."""
        rendering = self.rendering(language)
        extra = _pick(self.synonyms, language) or ()
        return tuple(dict.fromkeys(([rendering] if rendering else []) + list(extra)))

    def forbidden_in(self, language: Language) -> tuple[str, ...]:
        """The forbidden variants for *language*."""
        return _pick(self.forbidden, language) or ()

    def pattern(self, language: Language) -> str | None:
        """The match pattern for *language*, if the glossary gives one."""
        return _pick(self.patterns, language) or None

    @property
    def file(self) -> str:
        """The file the entry comes from."""
        return self.origin.rpartition(":")[0] if _has_line(self.origin) else self.origin

    @property
    def line(self) -> int:
        """The line the entry starts on (0 when unknown)."""
        return int(self.origin.rpartition(":")[2]) if _has_line(self.origin) else 0


def _has_line(origin: str) -> bool:
    return origin.rpartition(":")[2].isdigit() and ":" in origin


@dataclass(frozen=True)
class Glossary:
    """All entries of a project's glossary."""

    terms: tuple[Term, ...] = ()

    def protected(self, language: Language) -> list[tuple[str, str]]:
        """(source, rendering) of names and do-not-translate terms for *language*.

        These pass through machine translation as placeholders; longest first, so a
        longer name wins over a shorter one inside it.
        """
        pairs = []
        for term in self.terms:
            if term.kind in ("name", "dnt"):
                rendering = term.rendering(language)
                if rendering:
                    pairs.append((term.source, rendering))
        return sorted(pairs, key=lambda pair: (-len(pair[0]), pair[0]))

    def entries(self, kind: str | None = None) -> list[Term]:
        """The entries in file order, only those of *kind* when given."""
        return [term for term in self.terms if kind is None or term.kind == kind]

    def languages(self) -> list[str]:
        """The language codes the entries use besides the source, in order of appearance."""
        codes: dict[str, None] = {}
        for term in self.terms:
            for mapping in (term.targets, term.synonyms, term.forbidden, term.patterns):
                codes.update(dict.fromkeys(mapping))
        return list(codes)


@dataclass(frozen=True)
class GlossaryFinding:
    """A problem in a glossary file, at a line (0: the whole file)."""

    file: str
    line: int
    severity: Literal["error", "warning"]
    check: str  # malformed, unreadable, unknown-kind, bad-value, unknown-language, ...
    message: str

    @property
    def location(self) -> str:
        """``file:line``, or the file alone."""
        return f"{self.file}:{self.line}" if self.line else self.file

    def __str__(self) -> str:
        return f"{self.location}: {self.severity}: {self.message} [{self.check}]"


# -- language codes ---------------------------------------------------------------------


def _codes(language: Language) -> tuple[str, ...]:
    return (language.tag, language.locale, language.tag.lower(), language.primary)


@lru_cache(maxsize=None)
def _known(code: str) -> Language | None:
    try:
        return language(code)
    except LanguageError:
        return None


def _pick(mapping: Mapping[str, _V], language: Language) -> _V | None:
    """The value of *mapping* for *language*: an exact code first, then the same language
    in the same script ("zh" serves zh-Hans, never zh-Hant)."""
    for code in _codes(language)[:3]:
        if code in mapping:
            return mapping[code]
    for code, value in mapping.items():
        found = _known(code)
        if found and found.primary == language.primary and script_of(found.tag) == script_of(language.tag):
            return value
    return None


# -- patterns ---------------------------------------------------------------------------


def pattern_problem(pattern: str) -> str | None:
    """What is wrong with a match pattern, or None.

    A pattern is words separated by spaces. A plain word matches exactly (no inflection);
    ``stem*`` matches any word starting with ``stem``; ``stem|ending`` matches the stem
    followed by the ending or by any inflectional ending of the language.
    """
    words = pattern.split()
    if not words:
        return "the pattern is empty"
    for word in words:
        if "*" in word and (word.count("*") > 1 or not word.endswith("*") or word == "*"):
            return f"'*' may only end a word after at least one letter: {word!r}"
        if word.count("|") > 1:
            return f"one '|' separates the stem from the ending: {word!r}"
        if "|" in word and ("*" in word or word.startswith("|")):
            return f"'stem|ending' needs a stem and no '*': {word!r}"
    return None


# -- CSV --------------------------------------------------------------------------------


@dataclass
class _Loaded:
    terms: list[Term] = field(default_factory=list)
    findings: list[GlossaryFinding] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)  # target codes the file declares

    def report(self, name: str, line: int, severity: Literal["error", "warning"], check: str,
               message: str) -> None:
        self.findings.append(GlossaryFinding(name, line, severity, check, message))


def _split(cell: str) -> list[str]:
    """The forms of a cell (``A|B``), each once, as a TBX entry lists them."""
    return list(dict.fromkeys(part.strip() for part in cell.split("|") if part.strip()))


def _load_csv(text: str, name: str, source_language: str) -> _Loaded:
    out = _Loaded()
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header: list[str] | None = None
    columns: dict[str, int] = {}
    pairs: dict[str, int] | None = None
    merged: dict[str, int] = {}  # source term -> its entry, for pair lists
    line = 1
    try:
        for row in reader:
            start, line = line, reader.line_num + 1
            if not any(cell.strip() for cell in row):
                continue
            if header is None:
                header = [cell.strip() for cell in row]
                pairs = _pair_columns(header)
                if pairs is None:
                    columns = _csv_header(header, name, start, source_language, out)
                continue
            if len(row) > len(header):
                out.report(name, start, "error", "malformed",
                           f"the row has {len(row)} cells, the header has {len(header)}")
                continue
            if len(row) < len(header):  # read as empty cells: editors drop trailing commas
                out.report(name, start, "warning", "malformed",
                           f"the row has {len(row)} cells, the header has {len(header)}")
                row = row + [""] * (len(header) - len(row))
            if pairs is not None:
                term = _pair_row(row, pairs, name, start, source_language, out)
                if term is not None and _merge_pair(term, out.terms, merged):
                    continue
            else:
                term = _csv_row(row, header, columns, name, start, out)
            if term is not None and _usable(term, out):
                merged.setdefault(term.source, len(out.terms))
                out.terms.append(term)
    except csv.Error as exc:  # reported where the broken row starts
        out.report(name, line, "error", "malformed", f"broken CSV ({exc})")
    return out


def _csv_header(header: list[str], name: str, line: int, source_language: str,
                out: _Loaded) -> dict[str, int]:
    """Column roles: "source", reserved names, and language columns by their header."""
    columns: dict[str, int] = {}
    source = source_language if source_language in header else header[0]
    for index, title in enumerate(header):
        if not title:
            out.report(name, line, "error", "malformed", f"column {index + 1} has no name")
            continue
        if title in columns or title.lower() in _RESERVED_COLUMNS and title.lower() in columns:
            out.report(name, line, "error", "malformed", f"column {title!r} appears twice")
            continue
        if title.lower() in _RESERVED_COLUMNS and title != source:
            columns[title.lower()] = index
            continue
        columns[title] = index
        if title == source:
            continue
        code = title
        for prefix in _LANGUAGE_PREFIXES:
            if title.startswith(prefix):
                code = title[len(prefix):]
        if _known(code) is None:
            out.report(name, line, "error", "unknown-language",
                       f"column {title!r} is not a language code nor one of kind, note, case, "
                       "pos, forbidden_<lang>, pattern_<lang>")
        elif code == title and code not in out.languages:
            out.languages.append(code)
    columns[""] = header.index(source)  # "" names the source column
    return columns


def _csv_row(row: list[str], header: list[str], columns: Mapping[str, int], name: str,
             line: int, out: _Loaded) -> Term | None:
    cells = {title: row[index].strip() for title, index in columns.items()}
    sources = _split(cells[""])
    if not sources:
        _skip(out, name, line, "the row has no source term")
        return None
    written = (cells.get("kind", "") or "term").lower()
    kind = _KIND_OF.get(written)
    if kind is None:
        out.report(name, line, "error", "unknown-kind", f"unknown kind {written!r}; use term, name or dnt")
        return None
    case = _CASE_VALUES.get(cells.get("case", "").lower())
    if case is None:
        out.report(name, line, "error", "bad-value",
                   f"case {cells['case']!r} is not sensitive, insensitive or empty")
        case = "auto"
    pos = _part_of_speech(cells.get("pos", ""))
    if pos is None:
        out.report(name, line, "error", "bad-value",
                   f"part of speech {cells['pos']!r} is not one of {', '.join(PARTS_OF_SPEECH)}")
        pos = ""
    targets: dict[str, str] = {}
    synonyms: dict[str, tuple[str, ...]] = {}
    forbidden: dict[str, tuple[str, ...]] = {}
    patterns: dict[str, str] = {}
    source_column = header[columns[""]]
    for title, value in cells.items():
        if not title or title == source_column or title.lower() in _RESERVED_COLUMNS or not value:
            continue
        if title.startswith("forbidden_"):
            code = title[len("forbidden_"):]
            if _known(code):
                forbidden[code] = tuple(_split(value))
        elif title.startswith("pattern_"):
            code = title[len("pattern_"):]
            problem = pattern_problem(value)
            if problem:
                out.report(name, line, "error", "bad-value", f"{title}: {problem}")
            elif _known(code):
                patterns[code] = value
        elif _known(title):
            parts = _split(value)
            if parts:
                targets[title] = parts[0]
                if parts[1:]:
                    synonyms[title] = tuple(parts[1:])
    return Term(
        source=sources[0], kind=kind, targets=targets, forbidden=forbidden,
        note=cells.get("note", ""), origin=f"{name}:{line}", case=case, patterns=patterns,
        synonyms=synonyms, source_synonyms=tuple(sources[1:]), part_of_speech=pos,
    )


def _part_of_speech(value: str) -> str | None:
    written = value.replace(" ", "").lower()  # "proper noun" is properNoun
    for known in PARTS_OF_SPEECH:
        if written == known.lower():
            return known
    return "" if not value else None


def _skip(out: _Loaded, name: str, line: int, message: str) -> None:
    out.report(name, line, "warning", "skipped", f"{message}; skipped")


def _usable(term: Term, out: _Loaded) -> bool:
    """Whether *term* can serve a translation; if not, it is reported as skipped."""
    if term.kind == "dnt" or term.targets or term.forbidden:
        return True
    _skip(out, term.file, term.line, f"{term.source!r} has no term in another language")
    return False


# Bilingual lists with one term pair a row, by the lower-cased column title.
_PAIR_COLUMNS = {
    "sourcelang": "source_language", "targetlang": "target_language",
    "sourcestring": "source", "targetstring": "target", "pos": "pos", "description": "note",
}


def _merge_pair(term: Term, terms: list[Term], seen: Mapping[str, int]) -> bool:
    """Add *term*'s rendering to the entry of an earlier row of the same source term (*seen*:
    source -> index in *terms*), as a synonym where that language has one; whether it did."""
    index = seen.get(term.source)
    if index is None:
        return False
    earlier = terms[index]
    targets, synonyms = dict(earlier.targets), dict(earlier.synonyms)
    for code, rendering in term.targets.items():
        if code not in targets:
            targets[code] = rendering
        elif rendering not in (targets[code], *synonyms.get(code, ())):
            synonyms[code] = (*synonyms.get(code, ()), rendering)
    note = earlier.note if term.note in ("", earlier.note) else f"{earlier.note}\n{term.note}".strip()
    terms[index] = replace(earlier, targets=targets, synonyms=synonyms, note=note)
    return True


def _pair_columns(header: Sequence[str]) -> dict[str, int] | None:
    """The columns of a pair-a-row list (TICO-19's layout), or None for a glossary CSV."""
    columns = {_PAIR_COLUMNS[title.lower()]: index for index, title in enumerate(header)
               if title.lower() in _PAIR_COLUMNS}
    needed = ("target_language", "source", "target")
    return columns if all(role in columns for role in needed) else None


def _pair_row(row: list[str], columns: Mapping[str, int], name: str, line: int,
              source_language: str, out: _Loaded) -> Term | None:
    cells = {role: row[index].strip() for role, index in columns.items()}
    written = cells.get("source_language", "")
    if written and _same_language(cells["target_language"], source_language):
        # A list into the project's source language serves the other way round.
        cells |= {"source_language": cells["target_language"], "target_language": written,
                  "source": cells["target"], "target": cells["source"]}
        written = cells["source_language"]
    if written and source_language and not _same_language(written, source_language):
        _skip(out, name, line, f"the row's source language is {written}, not {source_language}")
        return None
    target = _known(cells["target_language"])
    if target is None:
        _skip(out, name, line, f"{cells['target_language']!r} is not a language code")
        return None
    if not cells["source"]:
        _skip(out, name, line, "the row has no source term")
        return None
    pos = _part_of_speech(cells.get("pos", "")) or ""
    return Term(
        source=cells["source"], kind="name" if pos == "properNoun" else "term",
        targets={target.tag: cells["target"]} if cells["target"] else {},
        note=cells.get("note", ""), origin=f"{name}:{line}", part_of_speech=pos,
    )


def parse_csv(text: str, origin: str, source_language: str = "en") -> list[Term]:
    """Parse glossary CSV text; raise :class:`InputError` for rows that cannot be read."""
    loaded = _load_csv(text, origin, source_language)
    _raise_blocking(loaded.findings)
    return loaded.terms


# -- TBX --------------------------------------------------------------------------------


def _children(element: etree._Element, *names: str) -> Iterator[etree._Element]:
    return (child for child in element if local_name(child) in names)


def _all_text(element: etree._Element) -> str:
    return "".join(t if isinstance(t, str) else t.decode("utf-8") for t in element.itertext())


def _text(element: etree._Element) -> str:
    return " ".join(_all_text(element).split())


def _load_tbx(data: bytes, name: str, source_language: str) -> _Loaded:
    out = _Loaded()
    try:
        root = parse_xml(data, name, kind="a glossary")
    except InputError as exc:
        out.report(name, exc.line, "error", "unreadable", exc.message)
        return out
    if local_name(root) not in ("martif", "tbx"):
        out.report(name, line_of(root, 1), "error", "unreadable",
                   f"<{local_name(root)}> is not a TBX root (martif or tbx)")
        return out
    default_language = root.get(XML_LANG) or ""
    for entry in root.iter():
        if local_name(entry) in ("termEntry", "conceptEntry"):
            term = _tbx_entry(entry, name, source_language or default_language, out)
            if term is not None and _usable(term, out):
                out.terms.append(term)
    return out


@dataclass
class _TbxTerm:
    text: str
    status: str  # "preferred", "admitted" or "forbidden"
    explicit: bool  # the file said so
    pos: str
    line: int


def _tbx_terms(lang_set: etree._Element) -> list[_TbxTerm]:
    found = []
    for group in _children(lang_set, "tig", "ntig", "termSec"):
        text, status, explicit, pos = "", "admitted", False, ""
        line = line_of(group)
        for element in group.iter():
            local = local_name(element)
            if local == "term":
                text = _text(element)
                line = line_of(element, line)
            elif _data_category(element) in ("administrativeStatus", "normativeAuthorization"):
                value = _text(element).lower()
                explicit = True
                if any(word in value for word in _FORBIDDEN_STATUS):
                    status = "forbidden"
                elif value.startswith("preferred"):
                    status = "preferred"
            elif _data_category(element) == "partOfSpeech":
                pos = _text(element)
        found.append(_TbxTerm(text, status, explicit, pos, line))
    return found


def _data_category(element: etree._Element) -> str:
    """The data category an element carries: ``<termNote type="X">`` in the DCA style,
    ``<min:X>`` or ``<basic:X>`` in the DCT style."""
    local = local_name(element)
    return element.get("type") or "" if local in ("termNote", "descrip") else local


def _tbx_entry(entry: etree._Element, name: str, source_language: str, out: _Loaded) -> Term | None:
    line = line_of(entry)
    markers, notes = _tbx_notes(entry)
    written = markers.get("kind", "")
    kind = _KIND_OF.get(written)
    if not written and any(_text(d).lower() == "no" for d in _children(entry, "descrip")
                           if (d.get("type") or "").lower() == "translation needed"):
        kind = "dnt"  # Weblate's and Translate Toolkit's way of saying do-not-translate
    if written and kind is None:
        out.report(name, line, "error", "unknown-kind", f"unknown kind {written!r}; use term, name or dnt")
        return None
    case = _CASE_VALUES.get(markers.get("case", "").lower())
    if case is None:
        out.report(name, line, "error", "bad-value", f"case {markers['case']!r} is not sensitive, "
                   "insensitive or empty")
        case = "auto"
    source: list[str] = []
    source_pos = ""
    other_pos = ""
    targets: dict[str, str] = {}
    synonyms: dict[str, tuple[str, ...]] = {}
    forbidden: dict[str, tuple[str, ...]] = {}
    patterns: dict[str, str] = {}
    for lang_set in _children(entry, "langSet", "langSec"):
        code = lang_set.get(XML_LANG) or lang_set.get("lang") or ""
        if _known(code) is None:
            out.report(name, line_of(lang_set, line), "error", "unknown-language",
                       f"xml:lang {code!r} is not a language code" if code else
                       f"<{local_name(lang_set)}> has no xml:lang")
            continue
        lang_markers, _ = _tbx_notes(lang_set)
        if "pattern" in lang_markers:
            problem = pattern_problem(lang_markers["pattern"])
            if problem:
                out.report(name, line_of(lang_set, line), "error", "bad-value", f"pattern: {problem}")
            else:
                patterns[code] = lang_markers["pattern"]
        terms = _tbx_terms(lang_set)
        for term in terms:
            if not term.text:
                out.report(name, term.line, "warning", "malformed", f"an empty <term> element ({code})")
            pos = _part_of_speech(term.pos)
            if pos is None:  # other TBX dialects have other picklists: left out, not fatal
                out.report(name, term.line, "warning", "bad-value",
                           f"part of speech {term.pos!r} is not one of {', '.join(PARTS_OF_SPEECH)}; "
                           "left out")
        usable = [t for t in terms if t.text and t.status != "forbidden"]
        # The preferred term leads; without one, the first admitted term does.
        usable.sort(key=lambda t: 0 if t.status == "preferred" else 1)
        words = list(dict.fromkeys(t.text for t in usable))
        banned = tuple(dict.fromkeys(t.text for t in terms if t.text and t.status == "forbidden"))
        if banned:
            forbidden[code] = banned
        is_source = code == source_language or (
            not source and _same_language(code, source_language))
        if is_source and not source:
            source = words
            source_pos = next((_part_of_speech(t.pos) or "" for t in usable if t.pos), "")
            if not words:
                source = [""]
        elif words:
            targets[code] = words[0]
            if words[1:]:
                synonyms[code] = tuple(words[1:])
        if not other_pos:
            other_pos = next((_part_of_speech(t.pos) or "" for t in usable if t.pos), "")
    if not source or not source[0]:
        wanted = source_language or "source"
        banned = next((forbidden[code] for code in forbidden if _same_language(code, source_language)), ())
        found = ", ".join(code for code in dict.fromkeys([*targets, *forbidden])
                          if not _same_language(code, source_language))
        if banned:
            message = f"the entry's only {wanted} terms are forbidden ({', '.join(banned)})"
        else:
            message = f"the entry has no {wanted} term" + (f", only {found}" if found else "")
        _skip(out, name, line, message)
        return None
    pos = source_pos or other_pos
    if kind is None:
        kind = "name" if pos == "properNoun" else "term"
    return Term(
        source=source[0], kind=kind, targets=targets, forbidden=forbidden, note="\n".join(notes),
        origin=f"{name}:{line}", case=case, patterns=patterns, synonyms=synonyms,
        source_synonyms=tuple(source[1:]), part_of_speech=pos,
    )


def _same_language(code: str, other: str) -> bool:
    first, second = _known(code), _known(other)
    return bool(first and second and first.primary == second.primary)


def _tbx_notes(element: etree._Element) -> tuple[dict[str, str], list[str]]:
    markers: dict[str, str] = {}
    notes: list[str] = []
    for note in _children(element, "note"):
        # Line breaks are kept; the indentation a pretty-printed file gives each line is not.
        text = "\n".join(line.strip() for line in _all_text(note).strip().splitlines())
        match = _MARKER.match(text)
        if match and match.group(1) == "note":
            notes.append(match.group(2))
        elif match:
            markers[match.group(1)] = match.group(2).strip()
        elif text:
            notes.append(text)
    return markers, notes


def parse_tbx(data: bytes, origin: str, source_language: str = "en") -> list[Term]:
    """Parse a TBX-Basic document (v2 or v3); raise :class:`InputError` if it cannot be read."""
    loaded = _load_tbx(data, origin, source_language)
    _raise_blocking(loaded.findings)
    return loaded.terms


# -- files and folders ------------------------------------------------------------------


def _raise_blocking(findings: Iterable[GlossaryFinding]) -> None:
    for finding in findings:
        if finding.severity == "error" and finding.check in BLOCKING_CHECKS:
            raise InputError(finding.message, path=finding.file, line=finding.line)


def _load_path(path: Path, source_language: str, name: str) -> _Loaded:
    try:
        data = path.read_bytes()
    except OSError as exc:
        out = _Loaded()
        out.report(name, 0, "error", "unreadable", f"cannot read the glossary ({exc.strerror or exc})")
        return out
    if path.suffix.lower() == ".tbx" or data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return _load_tbx(data, name, source_language)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        out = _Loaded()
        line = data[: exc.start].count(b"\n") + 1
        out.report(name, line, "error", "unreadable", "not UTF-8 text; save the glossary as UTF-8")
        return out
    return _load_csv(text, name, source_language)


def _shown(path: Path, shown: str | None) -> str:
    return f"{shown}/{path.name}" if shown else str(path)


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in GLOSSARY_SUFFIXES)


def load_glossary_file(path: Path, source_language: str = "en",
                       shown: str | None = None) -> tuple[Glossary, list[GlossaryFinding]]:
    """Read one CSV or TBX file: its entries and every problem found while reading."""
    name = shown if shown is not None else str(path)
    loaded = _load_path(path, source_language, name)
    return Glossary(tuple(loaded.terms)), loaded.findings


@dataclass(frozen=True)
class Imported:
    """What importing a termbase gave: the entries taken and what was found on the way."""

    glossary: Glossary
    findings: tuple[GlossaryFinding, ...] = ()

    @property
    def skipped(self) -> int:
        """How many entries were left out because they could not be used."""
        return sum(1 for finding in self.findings if finding.check == "skipped")


def import_termbase(path: Path, source_language: str = "en", shown: str | None = None) -> Imported:
    """Read one CSV or TBX file, leaving out (and reporting) the entries it cannot use;
    raise :class:`InputError` (file:line) if the file cannot be read at all."""
    glossary, findings = load_glossary_file(path, source_language, shown)
    _raise_blocking(findings)
    return Imported(glossary, tuple(findings))


def import_glossary(path: Path, source_language: str = "en", shown: str | None = None) -> Glossary:
    """Read one CSV or TBX file; raise :class:`InputError` (file:line) if it cannot be read."""
    return import_termbase(path, source_language, shown).glossary


def read_glossary(folder: Path, source_language: str = "en", shown: str | None = None) -> Glossary:
    """Read every CSV and TBX file of the glossary folder (none: an empty glossary)."""
    if not folder.is_dir():
        return Glossary()
    terms: list[Term] = []
    for path in _files(folder):
        loaded = _load_path(path, source_language, _shown(path, shown))
        _raise_blocking(loaded.findings)
        terms.extend(loaded.terms)
    return Glossary(tuple(terms))


def check_glossary(path: Path, source_language: str = "en", targets: Sequence[str] | None = None,
                   shown: str | None = None) -> list[GlossaryFinding]:
    """Every problem of a glossary folder (or one file), as findings with file and line.

    Besides what reading finds: duplicate and conflicting entries (across files too),
    forbidden variants that are also renderings, and entries without a rendering for a
    language (*targets*, or else the languages each file declares). A missing folder is
    an empty glossary: no findings.
    """
    findings: list[GlossaryFinding] = []
    terms: list[Term] = []
    if path.is_file():
        files = [(path, shown if shown is not None else str(path))]
    elif path.is_dir():
        files = [(file, _shown(file, shown)) for file in _files(path)]
    else:
        return findings
    for file, name in files:
        loaded = _load_path(file, source_language, name)
        findings.extend(loaded.findings)
        terms.extend(loaded.terms)
        languages = list(targets) if targets is not None else loaded.languages or Glossary(
            tuple(loaded.terms)).languages()
        findings.extend(_empty_targets(loaded.terms, languages))
    findings.extend(_conflicts(terms))
    order = {name: index for index, name in enumerate(dict.fromkeys(f.file for f in findings))}
    return sorted(findings, key=lambda f: (order[f.file], f.line))


def _finding(term: Term, severity: Literal["error", "warning"], check: str, message: str) -> GlossaryFinding:
    return GlossaryFinding(term.file, term.line, severity, check, message)


def _empty_targets(terms: Iterable[Term], codes: Sequence[str]) -> list[GlossaryFinding]:
    found = []
    for code in codes:
        target = _known(code)
        if target is None:
            continue
        for term in terms:
            if term.kind != "dnt" and not term.rendering(target):
                found.append(_finding(term, "warning", "empty-target",
                                      f"{term.source!r} has no {code} rendering"))
    return found


def _conflicts(terms: Sequence[Term]) -> list[GlossaryFinding]:
    found = []
    seen: dict[str, list[tuple[str, Term]]] = {}
    for term in terms:
        for source in (term.source, *term.source_synonyms):
            earlier = seen.setdefault(source.casefold(), [])
            # Case-sensitive entries differing in case are different terms ("US", "us").
            first = next((other for written, other in earlier if written == source or (
                "sensitive" not in (other.case, term.case))), None)
            earlier.append((source, term))
            if first is None:
                continue
            if replace(term, source=first.source, source_synonyms=first.source_synonyms) == first:
                found.append(_finding(term, "warning", "duplicate",
                                      f"{source!r} repeats the entry at {first.origin}"))
                break
            else:
                found.append(_finding(term, "error", "conflict",
                                      f"{source!r} is also an entry at {first.origin}, with "
                                      f"{_difference(first, term)}"))
                break
        for code, variants in term.forbidden.items():
            allowed = {term.targets.get(code, ""), *term.synonyms.get(code, ())}
            if term.kind == "dnt":
                allowed.add(term.source)
            allowed_folded = {a.casefold() for a in allowed if a}
            for variant in variants:
                if variant.casefold() in allowed_folded:
                    found.append(_finding(term, "error", "conflict",
                                          f"{variant!r} is both a rendering and forbidden ({code})"))
        if term.kind == "dnt":
            for code, rendering in term.targets.items():
                if rendering != term.source:
                    found.append(_finding(term, "error", "conflict",
                                          f"do-not-translate {term.source!r} has a different {code} "
                                          f"rendering {rendering!r}"))
    return found


def _difference(first: Term, second: Term) -> str:
    if first.kind != second.kind:
        return f"kind {first.kind} there and {second.kind} here"
    for code in dict.fromkeys([*first.targets, *second.targets]):
        if first.targets.get(code) != second.targets.get(code):
            return (f"{code} {first.targets.get(code, '')!r} there and "
                    f"{second.targets.get(code, '')!r} here")
    return "other details differing"


# -- export -----------------------------------------------------------------------------


def _export_languages(glossary: Glossary, source_language: str, languages: Sequence[str] | None) -> list[str]:
    """Every code the entries use, as written (so nothing is lost), in the order of
    *languages*; then each of *languages* that none of them serves, for an empty column."""
    used = [code for code in glossary.languages() if code != source_language]
    codes: list[str] = []
    for wanted in languages or ():
        target = _known(wanted)
        serving = [code for code in used if code == wanted or target and _pick({code: 0}, target) == 0]
        codes += serving or [wanted]
    return [code for code in dict.fromkeys([*codes, *used]) if code != source_language]


def export_csv(glossary: Glossary, source_language: str = "en",
               languages: Sequence[str] | None = None) -> str:
    """The glossary as CSV text in the format :func:`parse_csv` reads (synonyms as ``A|B``)."""
    codes = _export_languages(glossary, source_language, languages)
    terms = glossary.terms
    forbidden_codes = list(codes)
    if any(source_language in t.forbidden for t in terms):
        forbidden_codes.insert(0, source_language)
    pattern_codes = [c for c in [source_language, *codes] if any(c in t.patterns for t in terms)]
    with_case = any(t.case != "auto" for t in terms)
    with_pos = any(t.part_of_speech for t in terms)
    header = [source_language, *codes, "kind", *(f"forbidden_{c}" for c in forbidden_codes)]
    header += ["case"] * with_case + [f"pattern_{c}" for c in pattern_codes] + ["pos"] * with_pos
    header.append("note")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for term in terms:
        row = ["|".join((term.source, *term.source_synonyms))]
        for code in codes:
            parts = [term.targets[code]] if code in term.targets else []
            row.append("|".join((*parts, *term.synonyms.get(code, ()))))
        row.append(term.kind)
        row += ["|".join(term.forbidden.get(code, ())) for code in forbidden_codes]
        row += [term.case if term.case != "auto" else ""] * with_case
        row += [term.patterns.get(code, "") for code in pattern_codes]
        row += [term.part_of_speech] * with_pos
        row.append(term.note)
        writer.writerow(row)
    return buffer.getvalue()


def export_tbx(glossary: Glossary, version: Literal[2, 3] = 3, source_language: str = "en",
               languages: Sequence[str] | None = None) -> str:
    """The glossary as a TBX-Basic document: v2 (``martif``) or v3 (``tbx``, DCA style)."""
    codes = [source_language, *_export_languages(glossary, source_language, languages)]
    if version == 2:
        root = etree.Element("martif", {"type": "TBX-Basic", XML_LANG: source_language})
        header = etree.SubElement(root, "martifHeader")
        file_desc = etree.SubElement(header, "fileDesc")
        etree.SubElement(etree.SubElement(file_desc, "sourceDesc"), "p").text = "Glossary export"
        encoding = etree.SubElement(header, "encodingDesc")
        etree.SubElement(encoding, "p", {"type": "XCSURI"}).text = "TBXBasicXCSV02.xcs"
        names = ("termEntry", "langSet", "tig")
    else:
        ns = "{%s}" % TBX3_NAMESPACE
        namespaces: Any = {None: TBX3_NAMESPACE}
        root = etree.Element(ns + "tbx", {"type": "TBX-Basic", "style": "dca", XML_LANG: source_language},
                             nsmap=namespaces)
        header = etree.SubElement(root, ns + "tbxHeader")
        file_desc = etree.SubElement(header, ns + "fileDesc")
        etree.SubElement(etree.SubElement(file_desc, ns + "sourceDesc"), ns + "p").text = "Glossary export"
        names = ("conceptEntry", "langSec", "termSec")
    ns = "" if version == 2 else "{%s}" % TBX3_NAMESPACE
    body = etree.SubElement(etree.SubElement(root, ns + "text"), ns + "body")
    for number, term in enumerate(glossary.terms, 1):
        entry = etree.SubElement(body, ns + names[0], {"id": f"c{number}"})
        etree.SubElement(entry, ns + "note").text = f"kind: {term.kind}"
        if term.case != "auto":
            etree.SubElement(entry, ns + "note").text = f"case: {term.case}"
        if term.note:
            guarded = f"note: {term.note}" if _MARKER.match(term.note) else term.note
            etree.SubElement(entry, ns + "note").text = guarded
        for code in codes:
            if code == source_language:
                preferred: list[str] = [term.source]
                admitted = list(term.source_synonyms)
            else:
                preferred = [term.targets[code]] if code in term.targets else []
                admitted = list(term.synonyms.get(code, ()))
            banned = list(term.forbidden.get(code, ()))
            if not (preferred or admitted or banned or code in term.patterns):
                continue
            lang_set = etree.SubElement(entry, ns + names[1], {XML_LANG: code})
            if code in term.patterns:
                etree.SubElement(lang_set, ns + "note").text = f"pattern: {term.patterns[code]}"
            for texts, status in ((preferred, _STATUS_PREFERRED), (admitted, _STATUS_ADMITTED),
                                  (banned, _STATUS_DEPRECATED)):
                for text in texts:
                    group = etree.SubElement(lang_set, ns + names[2])
                    etree.SubElement(group, ns + "term").text = text
                    if term.part_of_speech:
                        etree.SubElement(group, ns + "termNote", {"type": "partOfSpeech"}).text = (
                            term.part_of_speech)
                    etree.SubElement(group, ns + "termNote", {"type": "administrativeStatus"}).text = status
    etree.indent(root, space="  ")
    prolog = [_TBX2_DOCTYPE] if version == 2 else [
        f'<?xml-model href="{href}" type="application/xml" schematypens="{kind}"?>'
        for href, kind in zip(_TBX3_SCHEMAS, ("http://relaxng.org/ns/structure/1.0",
                                              "http://purl.oclc.org/dsdl/schematron"))
    ]
    text = etree.tostring(root, encoding="unicode")
    return "\n".join(['<?xml version="1.0" encoding="UTF-8"?>', *prolog, text]) + "\n"


def export_glossary(glossary: Glossary, format: str, source_language: str = "en",
                    languages: Sequence[str] | None = None) -> str:
    """The glossary as text in *format*: ``csv``, ``tbx2`` or ``tbx3``."""
    if format == "csv":
        return export_csv(glossary, source_language, languages)
    if format in ("tbx2", "tbx3"):
        return export_tbx(glossary, 2 if format == "tbx2" else 3, source_language, languages)
    raise InputError(f"unknown glossary format {format!r}; use {', '.join(FORMATS)}")
