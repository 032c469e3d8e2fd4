"""The registry of checks, in the order they run, and :func:`check_entry`, which runs the
ones a project turned on over one catalog entry."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..findings import DEFAULT_SEVERITY, CheckSettings, Finding, minor
from . import glossary, spelling, standard
from .base import Check, CheckContext, CheckFunction

__all__ = ["CHECKS", "NOT_FOR_PSEUDO", "PSEUDO_CHECKS", "check_entry"]

# What each check named in findings.DEFAULT_SEVERITY runs, and what it promises.
_FUNCTIONS: Mapping[str, tuple[CheckFunction, str]] = {
    "tags": (standard.tags, "numbered tags are the source's, each once, properly nested"),
    "markup": (standard.markup, "no HTML but the source's numbered tags"),
    "numbers": (standard.numbers, "figures have the same values as in the source"),
    "urls": (standard.urls, "URLs and e-mail addresses are the source's, unchanged"),
    "untranslated": (standard.untranslated, "the translation is not the source text"),
    "wrong-script": (standard.wrong_script, "the translation is in the target language's script"),
    "repetition": (standard.repetition, "no words repeated three or more times in a row"),
    "length-ratio": (standard.length_ratio, "the length is usual for the language pair"),
    "whitespace": (standard.whitespace, "leading and trailing whitespace as in the source"),
    "end-punctuation": (standard.end_punctuation, "final punctuation as in the source"),
    "doubled-words": (standard.doubled_words, "no word written twice in a row"),
    "term-missing": (glossary.term_missing, "glossary terms use their preferred translation"),
    "forbidden-variant": (glossary.forbidden_variant, "no variant the glossary forbids"),
    "name-altered": (glossary.name_altered, "names and do-not-translate terms as the glossary spells them"),
    "spelling": (spelling.spelling, "words the target language's Hunspell dictionary knows"),
}

# The configuration knows the checks by name only: it and this registry must agree.
if list(_FUNCTIONS) != list(DEFAULT_SEVERITY):  # pragma: no cover - a check added on one side only
    raise ImportError("translate_flow.check: the checks and findings.DEFAULT_SEVERITY name different checks")

CHECKS: tuple[Check, ...] = tuple(
    Check(name, function, DEFAULT_SEVERITY[name], description)
    for name, (function, description) in _FUNCTIONS.items()
)

# What only a real translation can get right: a pseudo-translation is longer on purpose and
# knows no term's translation, and its accented words are in no dictionary. It keeps
# everything else the checks ask for.
NOT_FOR_PSEUDO = frozenset({"length-ratio", "term-missing", "spelling"})
PSEUDO_CHECKS: tuple[Check, ...] = tuple(check for check in CHECKS if check.name not in NOT_FOR_PSEUDO)

_DEFAULT_SETTINGS = CheckSettings()


def check_entry(
    msgid: str,
    msgstr: str,
    context: CheckContext,
    settings: CheckSettings = _DEFAULT_SETTINGS,
    checks: Sequence[Check] = CHECKS,
) -> list[Finding]:
    """Run every enabled check of *checks* on one entry; its findings in registry order.

    An entry without a translation (or the header, whose msgid is empty) has none.
    For plural entries, check each msgstr form against msgid (or msgid_plural).
    """
    if not msgstr or not msgid:
        return []
    findings = []
    for check in checks:
        if not settings.is_enabled(check.name):
            continue
        severity = settings.severity_of(check)
        for defect in check.function(msgid, msgstr, context):
            findings.append(Finding(check.name, minor(severity) if defect.minor else severity, defect.message))
    return findings
