"""``run``: the whole job (extract, translate, check, build), doing only what changed."""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from functools import cached_property

from ..config import Config
from ..errors import Problem
from ..glossary import Glossary
from ..languages import Language
from ..progress import Progress
from ..project import (
    Article, articles, catalog_path, file_digest, load_glossary, page_path, remove_stale_temporaries,
    targets, template_path, shown,
)
from ..reports import CatalogResult
from .checking import CheckReport, check
from .engines import EngineFactory
from .extraction import extract
from .publishing import BuildReport, BuiltPage, Publishing, build_pairs, editions, sweep
from .state import RunState, project_lock, settings_digest
from .translation import LanguageRun, TranslateOptions, translate

__all__ = ["RunOptions", "RunReport", "run"]


@dataclass(frozen=True)
class RunOptions:
    """Choices for one ``run``."""

    languages: tuple[str, ...] = ()
    articles: tuple[str, ...] = ()
    translate: TranslateOptions = TranslateOptions()
    use_fuzzy: bool | None = None
    min_complete: float | None = None
    approved: bool = False  # publish only entries an editor approved
    jobs: int = 1
    wait: bool = False  # wait for another run's lock instead of refusing


@dataclass(frozen=True)
class RunReport:
    """What ``run`` did and found."""

    results: tuple[CatalogResult, ...] = ()
    pages: tuple[BuiltPage, ...] = ()
    languages: tuple[LanguageRun, ...] = ()
    problems: tuple[Problem, ...] = ()
    changed: int = 0  # article and language pairs that needed work
    unchanged: int = 0  # pairs found up to date and skipped
    seconds: float = 0.0
    notes: tuple[str, ...] = ()  # said once per run: things kept on purpose
    warnings: tuple[str, ...] = ()  # pages read with a guess, times kept as written

    @property
    def errors(self) -> int:
        """Findings of severity error, plus translations the build rejected."""
        return sum(r.count("error") for r in self.results) + sum(1 for p in self.problems if p.kind == "finding")


@dataclass(frozen=True)
class _LanguageOutcome:
    run: LanguageRun | None = None
    checked: CheckReport = CheckReport()
    problems: tuple[Problem, ...] = ()


def run(
    config: Config, options: RunOptions = RunOptions(), progress: Progress | None = None,
    *, engines: EngineFactory | None = None,
) -> RunReport:
    """Extract, translate, check and build every article and language, doing only what changed.

    An article and language pair is skipped when its source page, template, catalog and
    built page are byte for byte what the last run left, under the same settings: a re-run
    with nothing new does no model work and writes no file. Pages are built once every
    language is translated, so that each links to the editions this run leaves; when the
    editions of an article change, its other pages are rebuilt for their links. A page that
    cannot be read is reported and the others go on. The project is locked for the
    duration, and the temporary files of a run that was killed while writing are removed first.
    """
    started = time.perf_counter()
    languages = targets(config, options.languages)
    with project_lock(config, wait=options.wait):
        remove_stale_temporaries(config)
        chosen_options = options.translate
        state = RunState.load(config, settings_digest(
            config, chosen_options.engine, chosen_options.draft, chosen_options.retranslate,
            options.use_fuzzy, options.min_complete,
            *(("approved",) if options.approved else ()),  # the digests of earlier runs still hold
        ))
        chosen = articles(config, options.articles)
        problems: list[Problem] = []
        sources: dict[str, str] = {}
        for article in chosen:
            sha = file_digest(article.path)
            if sha is None:
                problems.append(Problem(article.reference, "cannot read the page"))
            else:
                sources[article.slug] = sha
        dirty, kept = _plan(config, state, chosen, sources, languages)
        failed: set[str] = set()
        changed_articles = [a for a in chosen if any(a in dirty[t.tag] for t in languages)]
        if changed_articles:
            extracted = extract(config, only=[a.slug for a in changed_articles], languages=[t.tag for t in languages])
            problems.extend(extracted.problems)
            failed = {p.path for p in extracted.problems}
        work = {
            language.tag: [a.slug for a in dirty[language.tag]
                           if a.reference not in failed and shown(config, catalog_path(config, a, language)) not in failed]
            for language in languages
        }
        job = _Job(config, options, progress, engines)
        if options.jobs > 1 and len(languages) > 1:
            with ThreadPoolExecutor(max_workers=min(options.jobs, len(languages))) as pool:
                futures = [(language, pool.submit(job.language, language, work[language.tag])) for language in languages]
                outcomes = [(language, future.result()) for language, future in futures]
        else:
            outcomes = [(language, job.language(language, work[language.tag])) for language in languages]

        results = list(kept)
        runs: list[LanguageRun] = []
        checks_off: dict[str, None] = {}  # checks that could not run, each said once
        for _, outcome in outcomes:
            if outcome.run is not None:
                runs.append(outcome.run)
            problems.extend(outcome.problems)
            results.extend(outcome.checked.results)
            checks_off.update(dict.fromkeys(outcome.checked.notes))
        rule = Publishing.of(config, options.use_fuzzy, options.min_complete, approved=options.approved)
        built, published, refreshed = _publish(config, state, chosen, sources, failed, languages, work, rule)
        problems.extend(built.problems)
        if not options.articles:
            built += sweep(config, languages)
            if _forget_deleted(config, state):
                state.save(config)
        # A language without a model is a problem whose path is the language's tag.
        _remember(config, state, chosen, sources, failed, results[len(kept):], {p.path for p in problems},
                  published, refreshed)
    order = {t.tag: i for i, t in enumerate(languages)}
    results.sort(key=lambda r: (order.get(r.language, 99), r.article))
    return RunReport(
        tuple(results), built.pages, tuple(runs), tuple(problems),
        changed=sum(len(v) for v in dirty.values()), unchanged=len(kept),
        seconds=time.perf_counter() - started, notes=(*checks_off, *built.notes), warnings=built.warnings,
    )


def _plan(
    config: Config, state: RunState, chosen: Sequence[Article], sources: dict[str, str],
    languages: Sequence[Language],
) -> tuple[dict[str, list[Article]], list[CatalogResult]]:
    """Which pairs need work (by language), and the results of those up to date."""
    dirty: dict[str, list[Article]] = {language.tag: [] for language in languages}
    kept: list[CatalogResult] = []
    for article in chosen:
        if article.slug not in sources:
            continue
        record = state.articles.get(article.slug, {})
        fresh = record.get("source") == sources[article.slug] and record.get("template") == file_digest(
            template_path(config, article))
        for language in languages:
            unit = state.units.get(RunState.unit_key(article.slug, language.tag))
            if fresh and unit and unit.get("catalog") == file_digest(catalog_path(config, article, language)) \
                    and unit.get("page") == file_digest(page_path(config, article, language)):
                kept.append(CatalogResult.from_dict(unit["result"]))
            else:
                dirty[language.tag].append(article)
    return dirty, kept


def _publish(
    config: Config, state: RunState, chosen: Sequence[Article], sources: dict[str, str], failed: set[str],
    languages: Sequence[Language], work: dict[str, list[str]], rule: Publishing,
) -> tuple[BuildReport, dict[str, list[str]], list[tuple[Article, Language]]]:
    """Build the pairs that had work, and every page of an article whose editions changed.

    Returns what the build did, each article's editions, and the pairs built only for their links.
    """
    plan: list[tuple[Article, Sequence[Language]]] = []
    published: dict[str, list[str]] = {}
    refreshed: list[tuple[Article, Language]] = []
    for article in chosen:
        if article.slug not in sources or article.reference in failed:
            continue
        needed = [language for language in languages if article.slug in work[language.tag]]
        recorded = state.articles.get(article.slug, {}).get("published")
        if not needed and recorded is not None:
            published[article.slug] = recorded  # nothing changed that could change it
            continue
        published[article.slug] = list(editions(config, article, languages, rule))
        if recorded != published[article.slug]:
            refreshed.extend((article, language) for language in languages if language not in needed)
            needed = list(languages)
        if needed:
            plan.append((article, needed))
    return build_pairs(config, plan, rule), published, refreshed


def _forget_deleted(config: Config, state: RunState) -> bool:
    """Drop what the state remembers of articles that were deleted; whether there was any."""
    current = {article.slug for article in articles(config)}
    gone = [slug for slug in state.articles if slug not in current]
    for slug in gone:
        del state.articles[slug]
    units = [key for key in state.units if key.rsplit("|", 1)[0] not in current]
    for key in units:
        del state.units[key]
    return bool(gone or units)


class _Job:
    """One language's share of a run: translate and check its pairs that need work."""

    def __init__(self, config: Config, options: RunOptions, progress: Progress | None,
                 engines: EngineFactory | None) -> None:
        self.config = config
        self.options = options
        self.progress = progress
        self.engines = engines

    @cached_property
    def glossary(self) -> Glossary:
        """The project's glossary, read once for the whole run (and only if there is work)."""
        return load_glossary(self.config)

    def language(self, language: Language, work: Sequence[str]) -> _LanguageOutcome:
        """Translate and check the articles *work* in *language*."""
        if not work:
            return _LanguageOutcome()
        options = self.options
        chosen = options.translate
        if options.jobs > 1:
            # Languages run side by side: share the cores among them.
            chosen = replace(chosen, threads=max(1, (os.cpu_count() or 1) // options.jobs))
        translated = translate(self.config, only=work, languages=[language.tag], options=chosen,
                               progress=self.progress, engines=self.engines, glossary=self.glossary)
        checked = check(self.config, only=work, languages=[language.tag], glossary=self.glossary)
        run = translated.languages[0] if translated.languages else None
        return _LanguageOutcome(run, checked, translated.problems)


def _remember(
    config: Config, state: RunState, chosen: Sequence[Article], sources: dict[str, str], failed: set[str],
    worked: Sequence[CatalogResult], troubled: set[str], published: dict[str, list[str]],
    refreshed: Sequence[tuple[Article, Language]],
) -> None:
    """Record what is now up to date. A pair whose language lacked a model, or whose catalog
    or page had a problem, is done again next time; pairs not worked on keep their record,
    with the page they have now if it was rebuilt for its links."""
    changed = not state.known
    for article in chosen:
        if article.slug not in sources or article.reference in failed:
            continue
        record = {"source": sources[article.slug], "template": file_digest(template_path(config, article)),
                  "published": published.get(article.slug, [])}
        changed |= state.articles.get(article.slug) != record
        state.articles[article.slug] = record
    for article, language in refreshed:
        unit = state.units.get(RunState.unit_key(article.slug, language.tag))
        if unit is not None:
            changed |= unit.get("page") != (page := file_digest(page_path(config, article, language)))
            unit["page"] = page
    by_slug = {a.slug: a for a in chosen}
    for result in worked:
        owner = by_slug.get(result.article)
        key = RunState.unit_key(result.article, result.language)
        if owner is None or result.problem or result.language in troubled or result.path in troubled:
            state.units.pop(key, None)
            continue
        language = config.target(result.language)
        state.units[key] = {
            "catalog": file_digest(catalog_path(config, owner, language)),
            "page": file_digest(page_path(config, owner, language)),
            "result": result.to_dict(),
        }
    if changed or worked:
        state.save(config)
