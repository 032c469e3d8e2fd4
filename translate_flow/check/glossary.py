"""The checks against the glossary: a term's preferred translation missing, a forbidden
variant used, a name or do-not-translate term altered. They ask the context's
:class:`~translate_flow.check.base.GlossaryTerms` and find nothing without one."""

from __future__ import annotations

from .base import CheckContext, Defect, quote

__all__ = ["forbidden_variant", "name_altered", "term_missing"]



def term_missing(msgid: str, msgstr: str, context: CheckContext) -> list[Defect]:
    """A glossary term of the source whose preferred translation (inflected or not) is absent."""
    if context.terms is None:
        return []
    return [
        Defect(f"glossary term {quote(term.source)} should be translated as "
               f"{quote(term.rendering(context.target) or '')}; use it (any inflected form)")
        for term in context.terms.missing(msgid, msgstr)
    ]


def forbidden_variant(msgid: str, msgstr: str, context: CheckContext) -> list[Defect]:
    """A variant the glossary forbids for the target language, in any inflected form."""
    if context.terms is None:
        return []
    return [
        Defect(f"{quote(msgstr[use.span[0]:use.span[1]])} is a forbidden variant of glossary term "
               f"{quote(use.term.source)}; write {quote(use.term.rendering(context.target) or '')} instead")
        for use in context.terms.forbidden_used(msgid, msgstr)
    ]


def name_altered(msgid: str, msgstr: str, context: CheckContext) -> list[Defect]:
    """A name or do-not-translate term not rendered the way the glossary spells it."""
    if context.terms is None:
        return []
    return [
        Defect(f"{'do-not-translate term' if altered.term.kind == 'dnt' else 'name'} "
               f"{quote(altered.term.source)} must appear as {quote(altered.rendering)}")
        for altered in context.terms.altered_names(msgid, msgstr)
    ]
