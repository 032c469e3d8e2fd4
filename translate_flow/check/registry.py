"""The registry of checks, in the order they run, and :func:`check_entry`, which runs the
ones a project turned on over one catalog entry."""

from __future__ import annotations

from collections.abc import Sequence

from ..findings import DEFAULT_SEVERITY, CheckSettings, Finding, minor
from .base import Check, CheckContext
from .glossary import forbidden_variant, name_altered, term_missing
from .standard import (
    doubled_words,
    end_punctuation,
    length_ratio,
    numbers,
    repetition,
    tags,
    untranslated,
    urls,
    whitespace,
    wrong_script,
)

__all__ = ["CHECKS", "check_entry"]

CHECKS: tuple[Check, ...] = (
    Check("tags", tags, "error", "numbered tags are the source's, each once, properly nested"),
    Check("numbers", numbers, "error", "figures have the same values as in the source"),
    Check("urls", urls, "error", "URLs and e-mail addresses are the source's, unchanged"),
    Check("untranslated", untranslated, "warning", "the translation is not the source text"),
    Check("wrong-script", wrong_script, "error", "the translation is in the target language's script"),
    Check("repetition", repetition, "warning", "no words repeated three or more times in a row"),
    Check("length-ratio", length_ratio, "warning", "the length is usual for the language pair"),
    Check("whitespace", whitespace, "warning", "leading and trailing whitespace as in the source"),
    Check("end-punctuation", end_punctuation, "warning", "final punctuation as in the source"),
    Check("doubled-words", doubled_words, "warning", "no word written twice in a row"),
    Check("term-missing", term_missing, "warning", "glossary terms use their preferred translation"),
    Check("forbidden-variant", forbidden_variant, "error", "no variant the glossary forbids"),
    Check("name-altered", name_altered, "error", "names and do-not-translate terms as the glossary spells them"),
)

# The configuration knows the checks by name only: it and the registry must agree.
if {c.name: c.default_severity for c in CHECKS} != dict(DEFAULT_SEVERITY) or [
    c.name for c in CHECKS
] != list(DEFAULT_SEVERITY):  # pragma: no cover - a check added on one side only
    raise ImportError("translate_flow.check: CHECKS and findings.DEFAULT_SEVERITY disagree")

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
