"""Reports for people and CI: findings as text lines, JSON, JUnit XML and Markdown.

Everything here turns plain data into text; writing the text somewhere is the caller's.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from lxml import etree

from .catalog import Counts
from .findings import SEVERITIES, Severity

__all__ = [
    "CatalogResult",
    "LocatedFinding",
    "junit",
    "markdown_summary",
    "summary_table",
    "text_lines",
    "to_json",
]


@dataclass(frozen=True)
class LocatedFinding:
    """A finding in a catalog: where it is, for editors to jump to, and what it says."""

    path: str  # the catalog, as shown to the user
    line: int  # the entry's first line in the catalog
    language: str
    article: str
    check: str
    severity: Severity
    message: str
    msgid: str = ""

    def to_dict(self) -> dict[str, object]:
        """The finding as plain data (as ``dataclasses.asdict``, without its deep copies)."""
        return dict(self.__dict__)

    def text(self) -> str:
        """``path:line: severity: check: message``, the form editors and CI annotate."""
        return f"{self.path}:{self.line}: {self.severity}: {self.check}: {self.message}"


@dataclass(frozen=True)
class CatalogResult:
    """One article in one language: its catalog, how complete it is, what was found."""

    article: str
    language: str
    path: str
    counts: Counts = Counts()
    findings: tuple[LocatedFinding, ...] = ()
    problem: str = ""  # why the catalog could not be checked at all

    def to_dict(self) -> dict[str, object]:
        """The result as plain data, the form reports and the run state keep."""
        counts = self.counts
        return {
            "article": self.article, "language": self.language, "path": self.path,
            "entries": counts.total, "translated": counts.translated, "fuzzy": counts.fuzzy,
            "words": counts.total_words, "translated_words": counts.translated_words,
            "fuzzy_words": counts.fuzzy_words, "findings": [f.to_dict() for f in self.findings],
            "problem": self.problem,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CatalogResult:
        """A result from what :meth:`to_dict` gave."""
        translated, fuzzy = data["translated"], data["fuzzy"]
        translated_words, fuzzy_words = data["translated_words"], data["fuzzy_words"]
        counts = Counts(
            translated=translated, fuzzy=fuzzy, untranslated=data["entries"] - translated - fuzzy,
            translated_words=translated_words, fuzzy_words=fuzzy_words,
            untranslated_words=data["words"] - translated_words - fuzzy_words,
        )
        findings = tuple(LocatedFinding(**f) for f in data.get("findings", ()))
        return cls(data["article"], data["language"], data["path"], counts, findings, data.get("problem", ""))

    @property
    def complete(self) -> float:
        """Percent of source words translated (reviewed or not)."""
        return self.counts.percent_done(use_fuzzy=True)

    @property
    def reviewed(self) -> float:
        """Percent of source words with a reviewed translation."""
        return self.counts.percent_done(use_fuzzy=False)

    def count(self, severity: Severity) -> int:
        """How many findings of *severity*."""
        return sum(1 for f in self.findings if f.severity == severity)


def text_lines(findings: Iterable[LocatedFinding]) -> list[str]:
    """One ``path:line: severity: check: message`` line per finding, in file order."""
    return [f.text() for f in sorted(findings, key=lambda f: (f.path, f.line, f.check))]


def summary_table(results: Sequence[CatalogResult]) -> list[str]:
    """A plain-text table per language: catalogs, completeness and findings by severity."""
    rows: list[tuple[str, ...]] = [("language", "catalogs", "complete", "reviewed", "errors", "warnings", "info")]
    for language, group in _by_language(results).items():
        total = _total(group)
        rows.append((
            language, str(len(group)), f"{total.percent_done(use_fuzzy=True):.0f}%",
            f"{total.percent_done(use_fuzzy=False):.0f}%",
            *(str(sum(r.count(s) for r in group)) for s in SEVERITIES),
        ))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]


def to_json(results: Sequence[CatalogResult], extra: Mapping[str, object] | None = None) -> str:
    """A JSON report: every catalog with its counts and findings, and totals per language."""
    languages: dict[str, dict[str, object]] = {}
    for language, group in _by_language(results).items():
        total = _total(group)
        counts = Counter(f.severity for r in group for f in r.findings)
        languages[language] = {
            "catalogs": len(group),
            "words": total.total_words,
            "complete": round(total.percent_done(use_fuzzy=True), 2),
            "reviewed": round(total.percent_done(use_fuzzy=False), 2),
            **{f"{s}s" if s != "info" else s: counts.get(s, 0) for s in SEVERITIES},
        }
    document = {
        **(extra or {}),
        "languages": languages,
        "catalogs": [{**r.to_dict(), "complete": round(r.complete, 2)} for r in results],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def junit(results: Sequence[CatalogResult], suite: str = "translate-flow") -> str:
    """JUnit XML: a testsuite per language, a testcase per article, a failure per error.

    Warnings and info go into the test case's output, where CI systems show them
    without failing the build.
    """
    root = etree.Element("testsuites", name=suite)
    total_tests = total_failures = total_errors = 0
    for language, group in _by_language(results).items():
        failed = sum(1 for r in group if r.count("error") and not r.problem)
        errors = sum(1 for r in group if r.problem)
        node = etree.SubElement(
            root, "testsuite", name=f"{suite}.{language}", tests=str(len(group)),
            failures=str(failed), errors=str(errors), skipped="0",
        )
        total_tests += len(group)
        total_failures += failed
        total_errors += errors
        for result in group:
            case = etree.SubElement(node, "testcase", classname=f"{suite}.{language}",
                                    name=result.article, file=result.path)
            if result.problem:
                error = etree.SubElement(case, "error", message=result.problem, type="input")
                error.text = result.problem
                continue
            for finding in result.findings:
                if finding.severity != "error":
                    continue
                failure = etree.SubElement(case, "failure", message=finding.message, type=finding.check)
                failure.text = finding.text() + (f"\nmsgid: {finding.msgid}" if finding.msgid else "")
            others = [f.text() for f in result.findings if f.severity != "error"]
            if others:
                etree.SubElement(case, "system-out").text = "\n".join(others)
    root.set("tests", str(total_tests))
    root.set("failures", str(total_failures))
    root.set("errors", str(total_errors))
    text: str = etree.tostring(root, encoding="unicode", pretty_print=True)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + text


def markdown_summary(results: Sequence[CatalogResult], title: str = "translate-flow") -> str:
    """A Markdown summary for CI step summaries: completeness and findings per language."""
    lines = [f"### {title}", "", "| language | catalogs | complete | reviewed | errors | warnings |",
             "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for language, group in _by_language(results).items():
        total = _total(group)
        lines.append(
            f"| {language} | {len(group)} | {total.percent_done(use_fuzzy=True):.0f}% "
            f"| {total.percent_done(use_fuzzy=False):.0f}% "
            f"| {sum(r.count('error') for r in group)} | {sum(r.count('warning') for r in group)} |"
        )
    errors = [f for r in results for f in r.findings if f.severity == "error"]
    problems = [r for r in results if r.problem]
    if errors or problems:
        lines += ["", "<details><summary>errors</summary>", "", "```"]
        lines += [f"{r.path}: {r.problem}" for r in problems]
        lines += text_lines(errors)[:200]
        lines += ["```", "", "</details>"]
    return "\n".join(lines) + "\n"


def _by_language(results: Iterable[CatalogResult]) -> dict[str, list[CatalogResult]]:
    grouped: dict[str, list[CatalogResult]] = {}
    for result in results:
        grouped.setdefault(result.language, []).append(result)
    return grouped



def _total(results: Iterable[CatalogResult]) -> Counts:
    return sum((r.counts for r in results), Counts())
