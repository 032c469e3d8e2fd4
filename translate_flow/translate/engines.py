"""Engines made of other engines, or of no model at all: a pivot and pseudo-localization."""

from __future__ import annotations

from collections.abc import Sequence

from ..pseudo import pseudolocalize
from .base import Engine, Advance, Steering, Terms, Translation

__all__ = ["PivotEngine", "PseudoEngine"]


class PseudoEngine:
    """Pseudo-localization in place of a model: letters changed in the target's script,
    longer, bracketed; tags, links, figures, names and do-not-translate terms kept."""

    def __init__(self, target: str = "", source: str = "en") -> None:
        self.target = target  # a BCP 47 tag; "" writes accented Latin
        self.source = source  # the language the msgids are in: how their figures read
        self.identity = f"pseudo 2 {target}".rstrip() + (f" from {source}" if source != "en" else "")

    def translate(
        self, msgids: Sequence[str], terms: Terms = (), progress: Advance | None = None,
        steering: Steering | None = None,
    ) -> list[Translation]:
        """Pseudo-translate each msgid; *terms* (names, do-not-translate terms) as rendered."""
        results = [Translation(m, pseudolocalize(m, self.target, terms, source=self.source), 0.0, "pseudo") for m in msgids]
        if progress is not None:
            progress(len(msgids))
        return results


class PivotEngine:
    """Two engines in a row, through a pivot language (usually English)."""

    def __init__(self, first: Engine, second: Engine, pivot: str, first_terms: Terms = ()) -> None:
        self.first = first
        self.second = second
        self.pivot = pivot
        self.first_terms = first_terms
        self.identity = f"{first.identity} | {pivot} | {second.identity} | {list(first_terms)!r}"

    @property
    def limits(self) -> tuple[str, ...]:
        """What either leg's model cannot do (see :attr:`Translator.limits`)."""
        return (*getattr(self.first, "limits", ()), *getattr(self.second, "limits", ()))

    def translate(
        self, msgids: Sequence[str], terms: Terms = (), progress: Advance | None = None,
        steering: Steering | None = None,
    ) -> list[Translation]:
        """Translate into the pivot language, then from it; tags survive both legs.

        The glossary speaks the source language, so it steers neither leg.
        """
        middle = self.first.translate(msgids, self.first_terms)
        final = self.second.translate([m.text for m in middle], terms, progress)
        return [
            Translation(
                msgid=m.msgid,
                text=f.text,
                score=round((m.score + f.score) / 2, 4),
                engine=f"{m.engine} + {f.engine}",
                unsure_tags=tuple(sorted(set(m.unsure_tags) | set(f.unsure_tags))),
                loop=m.loop or f.loop,
                via=self.pivot,
                notes=(*m.notes, *f.notes),
            )
            for m, f in zip(middle, final)
        ]
