"""``check``: quality checks over the catalogs, as findings in the files and in reports."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..catalog import MACHINE_PREFIX, Key, Message, counts, read_po, with_findings, write_po
from ..check import CHECKS, PSEUDO_CHECKS, CheckContext, check_entry, spelling_unavailable
from ..config import Config
from ..errors import Problem, TranslateFlowError
from ..findings import CheckSettings, Finding
from ..glossary import Glossary
from ..languages import Language
from ..project import (
    NO_CATALOG, Article, WriteResult, articles, catalog_path, load_glossary, open_catalog, read_page, shown, targets,
)
from ..reports import CatalogResult, LocatedFinding
from ..terms import TermMatcher
from ..fsio import atomic_write

__all__ = ["CheckReport", "check", "check_context", "check_message", "is_pseudo"]

_PSEUDO = f"{MACHINE_PREFIX} pseudo "


@dataclass(frozen=True)
class CheckReport:
    """What ``check`` found, catalog by catalog."""

    results: tuple[CatalogResult, ...] = ()
    files: tuple[WriteResult, ...] = ()
    notes: tuple[str, ...] = ()  # checks that could not run, one line each

    @property
    def findings(self) -> tuple[LocatedFinding, ...]:
        """Every finding, all catalogs."""
        return tuple(f for r in self.results for f in r.findings)


def check(
    config: Config,
    *,
    only: Sequence[str] = (),
    languages: Sequence[str] = (),
    annotate: bool = True,
    glossary: Glossary | None = None,
) -> CheckReport:
    """Check every translated entry (reviewed ones too) of the selected catalogs.

    With *annotate*, each catalog's ``#. check:`` comments are replaced by the findings of
    this run (the file is rewritten only when they change). A catalog that cannot be read
    is a result with a problem, and the others go on. *glossary* is the project's, when
    the caller has loaded it already.
    """
    terms = glossary if glossary is not None else load_glossary(config)
    results: list[CatalogResult] = []
    files: list[WriteResult] = []
    page_problems: dict[str, str] = {}  # slug -> why a page without catalogs cannot have any
    notes: list[str] = []
    for language in targets(config, languages):
        context = check_context(config, terms, language)
        if config.checks.is_enabled("spelling") and (note := spelling_unavailable(language)) and note not in notes:
            notes.append(note)  # a missing library is one note, not one per language
        for article in articles(config, only):
            path = catalog_path(config, article, language)
            where = shown(config, path)
            catalog = open_catalog(config, path)
            if isinstance(catalog, Problem):
                if catalog.message == NO_CATALOG and article.slug not in page_problems:
                    page_problems[article.slug] = _page_problem(article)
                said = page_problems.get(article.slug) or str(catalog)
                results.append(CatalogResult(article.slug, language.tag, where, problem=said))
                continue
            found: dict[Key, list[Finding]] = {}
            for message in catalog.active():
                if message.msgstr:
                    entry = check_message(message, context, config.checks)
                    if entry:
                        found[message.key] = entry
            if annotate:
                annotated = with_findings(
                    catalog, {key: [f"{f.severity}: {f.check}: {f.message}" for f in items] for key, items in found.items()}
                )
                text = write_po(annotated)
                files.append(WriteResult(path, atomic_write(path, text)))
                catalog = read_po(text, where)  # the lines of the findings, as written
            lines = {m.key: m.line for m in catalog.active()}
            located = tuple(
                LocatedFinding(where, lines.get(key, 0), language.tag, article.slug, f.check, f.severity, f.message, key[1])
                for key, items in found.items()
                for f in items
            )
            results.append(CatalogResult(article.slug, language.tag, where, counts(catalog), located))
    return CheckReport(tuple(results), tuple(files), tuple(notes))


def check_context(config: Config, glossary: Glossary, language: Language) -> CheckContext:
    """What the checks know of the project for *language*: kept phrases and the glossary."""
    keep = frozenset(source for source, rendering in glossary.protected(language) if source == rendering)
    return CheckContext(config.source, language, keep=keep, terms=TermMatcher(glossary, config.source, language))


def check_message(message: Message, context: CheckContext, settings: CheckSettings) -> list[Finding]:
    """What the enabled checks find in *message*; an unreviewed pseudo-translation is held
    only to the checks a pseudo-translation can pass."""
    checks = PSEUDO_CHECKS if is_pseudo(message) else CHECKS
    return check_entry(message.msgid, message.msgstr, context, settings, checks)


def is_pseudo(message: Message) -> bool:
    """Whether *message* holds a pseudo-translation nobody has reviewed."""
    return message.fuzzy and any(c.startswith(_PSEUDO) for c in message.auto_comments)


def _page_problem(article: Article) -> str:
    """Why *article* has no catalogs when its page cannot be read; "" when it can."""
    try:
        read_page(article)
    except TranslateFlowError as exc:
        return f"{Problem.of(exc, article.reference)} (so it has no catalogs to check)"
    return ""
