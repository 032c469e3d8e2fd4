"""``build``: localized pages from the source pages and the catalogs."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ..assemble import AssembleOptions, Rejection, assemble
from ..catalog import Catalog, counts, translations
from ..config import Config
from ..errors import Problem, TranslateFlowError
from ..fsio import atomic_write
from ..htmldoc import Page, serialize
from ..languages import Language
from ..project import Article, articles, catalog_path, open_catalog, page_path, read_page, shown, targets
from .extraction import segment_options
from .workers import each

__all__ = ["BuildReport", "BuiltPage", "PageStatus", "build"]

PageStatus = Literal["created", "updated", "unchanged", "skipped"]


@dataclass(frozen=True)
class BuiltPage:
    """One localized page."""

    article: str
    language: str
    path: Path | None  # None when the page was skipped
    status: PageStatus
    complete: float  # percent of source words published as translated
    segments: int
    translated: int


@dataclass(frozen=True)
class BuildReport:
    """What ``build`` did."""

    pages: tuple[BuiltPage, ...] = ()
    problems: tuple[Problem, ...] = ()
    warnings: tuple[str, ...] = ()


def build(
    config: Config,
    *,
    only: Sequence[str] = (),
    languages: Sequence[str] = (),
    use_fuzzy: bool | None = None,
    min_complete: float | None = None,
    workers: int = 0,
) -> BuildReport:
    """Write ``build/<lang>/<slug>.html`` for each article and language from the catalogs.

    Pages below *min_complete* percent are skipped; a translation whose tags differ from
    its source is reported and the source text used in its place. Articles are shared
    among *workers* processes (0: one per core) when there are enough of them.
    """
    chosen = targets(config, languages)
    fuzzy = config.build.use_fuzzy if use_fuzzy is None else use_fuzzy
    threshold = config.build.min_complete if min_complete is None else min_complete
    parts = each(lambda article: _build_article(config, article, chosen, fuzzy, threshold),
                 articles(config, only), workers)
    return BuildReport(
        tuple(page for p in parts for page in p.pages), tuple(x for p in parts for x in p.problems),
        tuple(w for p in parts for w in p.warnings),
    )


def _build_article(
    config: Config, article: Article, languages: Sequence[Language], use_fuzzy: bool, threshold: float
) -> BuildReport:
    try:
        source = read_page(article)
    except TranslateFlowError as exc:
        return BuildReport(problems=(Problem.of(exc, article.reference),))
    pages: list[BuiltPage] = []
    problems: list[Problem] = []
    for language in languages:
        po = catalog_path(config, article, language)
        catalog = open_catalog(config, po)
        if isinstance(catalog, Problem):
            problems.append(catalog)
            continue
        complete = counts(catalog).percent_done(use_fuzzy=use_fuzzy)
        if complete < threshold:
            pages.append(BuiltPage(article.slug, language.tag, None, "skipped", complete, 0, 0))
            continue
        options = AssembleOptions(
            language=language,
            segment=segment_options(config),
            alternates=_alternates(config, article, source),
            date_format=config.build.date_format,
        )
        # The source tree is parsed once per article; the last language may use it as it is.
        tree = source.tree if language is languages[-1] else copy.deepcopy(source.tree)
        result = assemble(tree, translations(catalog, use_fuzzy=use_fuzzy), options)
        problems.extend(_rejection_problems(article, catalog, shown(config, po), result.rejections))
        out = page_path(config, article, language)
        status = atomic_write(out, serialize(result.html_tree, source))
        pages.append(BuiltPage(article.slug, language.tag, out, status, complete, result.segments, result.translated))
    return BuildReport(tuple(pages), tuple(problems), source.warnings)


def _rejection_problems(
    article: Article, catalog: Catalog, where: str, rejections: Sequence[Rejection]
) -> list[Problem]:
    if not rejections:
        return []  # the usual case: no need to index the catalog
    lines = {m.key: m.line for m in catalog.active()}
    return [
        Problem(
            where,
            f"{r.reason}; used the source text of {article.reference}:{r.line}",
            line=lines.get((r.msgctxt, r.msgid), 0),
            kind="finding",
        )
        for r in rejections
    ]


def _alternates(config: Config, article: Article, page: Page) -> tuple[tuple[str, str], ...]:
    canonical = ""
    for link in page.tree.getroot().iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split():
            canonical = link.get("href") or ""
            break
    settings = config.build

    def url(tag: str) -> str:
        return settings.url_template.format(lang=tag, slug=article.slug)

    source = settings.source_url.format(canonical=canonical, slug=article.slug, lang=config.source.tag)
    source = source or url(config.source.tag)
    links = [(config.source.tag, source)]
    links.extend((target.tag, url(target.tag)) for target in config.targets)
    links.append(("x-default", source))
    return tuple(links)
