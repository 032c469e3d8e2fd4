"""The project glossary: terms, names and do-not-translate entries from ``glossary/``.

CSV files have a source column (the source language's code), one column per target
language, a ``kind`` (``term``, ``name`` or ``dnt``), ``forbidden_<lang>`` columns with
variants separated by ``|``, and a ``note``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError
from .languages import Language

__all__ = ["KINDS", "Glossary", "Term", "parse_csv", "read_glossary"]

KINDS = frozenset({"term", "name", "dnt"})


@dataclass(frozen=True)
class Term:
    """One glossary entry."""

    source: str
    kind: str  # "term" (preferred translation), "name" (fixed rendering), "dnt" (never translated)
    targets: Mapping[str, str] = field(default_factory=dict)  # column code -> rendering
    forbidden: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    note: str = ""
    origin: str = ""  # file:line

    def rendering(self, language: Language) -> str | None:
        """The glossary's rendering for *language*; the source itself for do-not-translate."""
        if self.kind == "dnt":
            return self.source
        for code in _codes(language):
            value = self.targets.get(code)
            if value:
                return value
        return None


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


def _codes(language: Language) -> tuple[str, ...]:
    return (language.tag, language.locale, language.tag.lower(), language.primary)


def parse_csv(text: str, origin: str, source_language: str = "en") -> list[Term]:
    """Parse glossary CSV text; raise :class:`InputError` for rows that cannot be read."""
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames is None:
        return []
    fields = [f.strip() for f in reader.fieldnames]
    source_column = source_language if source_language in fields else fields[0]
    terms = []
    for row in reader:
        line = reader.line_num
        values = {(k or "").strip(): (v or "").strip() for k, v in row.items() if k is not None}
        source = values.get(source_column, "")
        if not source:
            continue
        kind = values.get("kind", "term") or "term"
        if kind not in KINDS:
            raise InputError(f"{origin}:{line}: unknown kind {kind!r}; use term, name or dnt")
        targets = {
            k: v for k, v in values.items()
            if v and k not in (source_column, "kind", "note") and not k.startswith("forbidden_")
        }
        forbidden = {
            k.removeprefix("forbidden_"): tuple(p.strip() for p in v.split("|") if p.strip())
            for k, v in values.items() if k.startswith("forbidden_") and v
        }
        terms.append(Term(source, kind, targets, forbidden, values.get("note", ""), f"{origin}:{line}"))
    return terms


def read_glossary(folder: Path, source_language: str = "en", shown: str | None = None) -> Glossary:
    """Read every CSV file of the glossary folder (none: an empty glossary)."""
    if not folder.is_dir():
        return Glossary()
    terms: list[Term] = []
    for path in sorted(folder.glob("*.csv")):
        name = f"{shown}/{path.name}" if shown else str(path)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"{name}: cannot read the glossary ({exc})") from None
        terms.extend(parse_csv(text, name, source_language))
    return Glossary(tuple(terms))


