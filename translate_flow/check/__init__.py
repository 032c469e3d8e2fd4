"""Quality checks over one catalog entry: findings, never exceptions.

A check is a small function ``(msgid, msgstr, context) -> list[Defect]`` that looks at a
source text and its translation (numbered tags and all) and says what is wrong with the
translation, one short line per defect. :func:`check_entry` runs the checks a project has
turned on and turns their defects into :class:`Finding` objects (check name, severity,
message). Checks never raise, whatever the text.

The checks, in the order they run:

===================  ========  ===============================================================
name                 default   finds
===================  ========  ===============================================================
tags                 error     numbered tags not the source's set, or not properly nested
markup               error     HTML other than the numbered tags (``<b>``, ``</div>``,
                               ``<a href=…>``, ``<script>``), which the page shows as text
numbers              error     a figure missing, added or changed (thousand separators,
                               decimal commas, currency position and scale words such as
                               "3 млн" or "300万" understood); a warning for a figure spelled
                               out (三百万, семи) instead of written in digits, and for one
                               copied as the source writes it that the target language reads
                               otherwise ("1,200" in Russian, where it is 1.2)
urls                 error     a URL or e-mail address missing, added or changed
untranslated         warning   the translation is the source text, unless the source is only
                               numbers, URLs and kept phrases (do-not-translate terms) or,
                               when both languages share a script, names and acronyms
wrong-script         error     a Chinese translation without Han characters; warnings for
                               Latin words left in a Cyrillic translation and for a long
                               Kazakh (Ukrainian, Belarusian) translation without a letter
                               of that language: probably Russian
repetition           warning   words (characters in Chinese) repeated three or more times in
                               a row, a machine-translation loop, where the source has none
length-ratio         warning   translation length out of the band for the language pair
whitespace           warning   leading or trailing whitespace differs from the source's
end-punctuation      warning   the final punctuation differs from the source's (full-width
                               aware); info for half-width marks in Chinese or Japanese, and
                               full-width marks elsewhere
doubled-words        warning   the same word twice in a row ("в в", "the the")
term-missing         warning   a glossary term's preferred translation missing (any inflection)
forbidden-variant    error     a variant the glossary forbids, in any inflected form
name-altered         error     a name or do-not-translate term not spelled as in the glossary
spelling             info      a word the target language's Hunspell dictionary does not know,
                               besides names, glossary renderings and compounds (off for a
                               language without a dictionary: Chinese)
===================  ========  ===============================================================

Pseudo-localized entries (``#. machine translation: pseudo``, still fuzzy) are checked by
:data:`PSEUDO_CHECKS`: all but length-ratio, term-missing and spelling, which only a real
translation can satisfy.

Some defects are *minor*: they are reported one severity below the check's (error becomes
warning, warning becomes info), so the spelled-out number is a warning while the numbers
check is an error, and both move when a project changes the check's severity.

A project turns checks on and off and changes their severity in ``translate-flow.toml``::

    [checks]
    doubled-words = false                                  # off
    length-ratio = "info"                                  # on, with this severity
    numbers = { enabled = true, severity = "warning" }

Adding a check means writing one more function of the same shape, one more row in
:data:`CHECKS` and its name and default severity in
:data:`translate_flow.findings.DEFAULT_SEVERITY`, which the configuration reads; the
glossary checks find their term matcher in :attr:`CheckContext.terms`.

The package: :mod:`.base` (the defect a check reports, its context, reading a translation
as its reader sees it), :mod:`.figures` (figures as each language writes them),
:mod:`.standard` (the checks against the source), :mod:`.glossary` (the checks against
the glossary) and :mod:`.registry` (the table of checks and :func:`check_entry`).
"""

from __future__ import annotations

from ..findings import SEVERITIES, CheckSettings, Finding, Severity
from .base import Check, CheckContext, CheckFunction, Defect, GlossaryTerms, plain_text
from .glossary import forbidden_variant, name_altered, term_missing
from .registry import CHECKS, NOT_FOR_PSEUDO, PSEUDO_CHECKS, check_entry
from .spelling import spelling, unavailable as spelling_unavailable
from .standard import (
    DEFAULT_BAND,
    LENGTH_BANDS,
    doubled_words,
    end_punctuation,
    length_band,
    length_ratio,
    markup,
    numbers,
    repetition,
    tags,
    untranslated,
    urls,
    whitespace,
    wrong_script,
)

__all__ = [
    "CHECKS",
    "DEFAULT_BAND",
    "LENGTH_BANDS",
    "NOT_FOR_PSEUDO",
    "PSEUDO_CHECKS",
    "SEVERITIES",
    "Check",
    "CheckContext",
    "CheckFunction",
    "CheckSettings",
    "Defect",
    "Finding",
    "GlossaryTerms",
    "Severity",
    "check_entry",
    "doubled_words",
    "end_punctuation",
    "forbidden_variant",
    "length_band",
    "length_ratio",
    "markup",
    "name_altered",
    "numbers",
    "plain_text",
    "repetition",
    "spelling",
    "spelling_unavailable",
    "tags",
    "term_missing",
    "untranslated",
    "urls",
    "whitespace",
    "wrong_script",
]
