"""The checks against the glossary: a term's preferred translation missing, a forbidden
variant used, a name or do-not-translate term altered. They ask the context's
:class:`~translate_flow.check.base.GlossaryTerms` and find nothing without one."""

from __future__ import annotations

from collections.abc import Sequence

from ..glossary import Term
from ..terms import AlteredName, ForbiddenUse
from .base import CheckContext, Defect, GlossaryTerms, quote

__all__ = ["forbidden_variant", "name_altered", "term_missing"]


class _NoGlossary:
    """The terms of a project without a glossary: nothing to miss, forbid or alter."""

    def missing(self, msgid: str, msgstr: str) -> Sequence[Term]:
        return ()

    def forbidden_used(self, msgid: str, msgstr: str) -> Sequence[ForbiddenUse]:
        return ()

    def altered_names(self, msgid: str, msgstr: str) -> Sequence[AlteredName]:
        return ()


_NO_GLOSSARY: GlossaryTerms = _NoGlossary()


def _terms(context: CheckContext) -> GlossaryTerms:
    return context.terms if context.terms is not None else _NO_GLOSSARY


def term_missing(msgid: str, msgstr: str, context: CheckContext) -> list[Defect]:
    """A glossary term of the source whose preferred translation (inflected or not) is absent."""
    return [Defect(f"glossary term {quote(term.source)} should be translated as "
                   f"{quote(term.rendering(context.target) or '')}; use it (any inflected form)")
            for term in _terms(context).missing(msgid, msgstr)]


def forbidden_variant(msgid: str, msgstr: str, context: CheckContext) -> list[Defect]:
    """A variant the glossary forbids for the target language, in any inflected form."""
    return [Defect(f"{quote(msgstr[use.span[0]:use.span[1]])} is a forbidden variant of glossary term "
                   f"{quote(use.term.source)}; write {quote(use.term.rendering(context.target) or '')} instead")
            for use in _terms(context).forbidden_used(msgid, msgstr)]


def name_altered(msgid: str, msgstr: str, context: CheckContext) -> list[Defect]:
    """A name or do-not-translate term not rendered the way the glossary spells it."""
    return [Defect(f"{'do-not-translate term' if altered.term.kind == 'dnt' else 'name'} "
                   f"{quote(altered.term.source)} must appear as {quote(altered.rendering)}")
            for altered in _terms(context).altered_names(msgid, msgstr)]
