"""What the memory holds: units (a text and its translation) and the matches it gives back."""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..catalog import Catalog
from ..markup import TagMismatch, check_tags
from .scoring import EPSILON

__all__ = ["Match", "Unit", "catalog_units", "reviewed_units"]


@dataclass(frozen=True)
class Unit:
    """One translation: a source-language text and its translation into *language*."""

    source: str  # source-language text, in msgid form (numbered tags, escaped text)
    language: str  # the target language's BCP 47 tag, as the project spells it
    target: str  # the translation, in msgstr form
    msgctxt: str | None = None
    origin: str = ""  # where it was read: a catalog's or a TMX file's shown path


@dataclass(frozen=True)
class Match:
    """A translation found in the memory for a text."""

    source: str  # the stored source text (the query itself for an exact match)
    target: str
    score: float  # 1.0 for an exact match; see :func:`~translate_flow.memory.scoring.similarity`
    origin: str
    msgctxt: str | None

    @property
    def percent(self) -> int:
        """The score as a whole percentage, rounded down (as CAT tools show it)."""
        return math.floor(self.score * 100 + EPSILON)


def catalog_units(catalog: Catalog, language: str, origin: str) -> tuple[list[Unit], list[str]]:
    """The units of a catalog's reviewed entries, and ``"origin:line: why"`` for those left out."""
    units: list[Unit] = []
    skipped: list[str] = []
    for message in catalog.messages:
        if message.obsolete or not message.reviewed or not message.msgid:
            continue
        try:
            check_tags(message.msgid, message.msgstr)
        except TagMismatch as exc:
            skipped.append(f"{origin}:{message.line}: the translation's tags differ from the source's ({exc})")
            continue
        units.append(Unit(message.msgid, language, message.msgstr, message.msgctxt, origin))
    return units, skipped


def reviewed_units(catalog: Catalog, language: str, origin: str) -> list[Unit]:
    """The units of a catalog's reviewed entries (translated, not fuzzy, not obsolete).

    Entries whose translation's numbered tags differ from the msgid's are left out: the
    memory offers only translations that can be built.
    """
    return catalog_units(catalog, language, origin)[0]
