"""``build``: localized pages from the source pages and the catalogs.

A build decides per article which localized pages ``build/`` holds afterwards (the
editions) before it writes any: a page below the completeness threshold is not written,
and a copy an earlier build left is removed. Each page written links (hreflang) to the
editions of its article and to nothing else.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import urljoin, urlsplit

from ..assemble import AssembleOptions, Rejection, assemble
from ..catalog import Catalog, Key, counts, translations
from ..config import Config
from ..errors import Problem, TranslateFlowError
from ..fsio import atomic_write
from ..htmldoc import Page, serialize
from ..languages import Language
from ..project import (
    Article, articles, catalog_path, forget_segmentation, open_catalog, page_path, read_page, shown, targets,
)
from .extraction import Segmentation, segment_options, segmentation
from .workers import each

__all__ = [
    "BuildReport",
    "BuiltPage",
    "PageStatus",
    "Publishing",
    "build",
    "build_pairs",
    "editions",
    "sweep",
]

PageStatus = Literal["created", "updated", "unchanged", "skipped", "removed"]


@dataclass(frozen=True)
class BuiltPage:
    """One localized page."""

    article: str
    language: str
    path: Path | None  # None when the page was skipped; the file that was removed
    status: PageStatus
    complete: float  # percent of source words published as translated
    segments: int
    translated: int
    reason: str = ""  # why a page was skipped or removed


@dataclass(frozen=True)
class BuildReport:
    """What ``build`` did."""

    pages: tuple[BuiltPage, ...] = ()
    problems: tuple[Problem, ...] = ()
    warnings: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()  # said once per build: things kept on purpose

    def __add__(self, other: BuildReport) -> BuildReport:
        return BuildReport(
            self.pages + other.pages, self.problems + other.problems,
            self.warnings + other.warnings, self.notes + other.notes,
        )


@dataclass(frozen=True)
class Publishing:
    """The rule that decides whether a page is published, and which entries it shows."""

    use_fuzzy: bool
    threshold: float  # percent of source words translated
    # A page with words to translate and none translated is the source page under another
    # language's address: readers get nothing, search engines a mislabelled duplicate.
    untranslated: bool = False
    # Only entries an editor approved are published; the others are treated as untranslated.
    approved: bool = False

    @classmethod
    def of(
        cls, config: Config, use_fuzzy: bool | None = None, min_complete: float | None = None,
        *, approved: bool = False,
    ) -> Publishing:
        """The configured rule, with the choices of one command in place of the configuration's."""
        return cls(
            config.build.use_fuzzy if use_fuzzy is None else use_fuzzy,
            config.build.min_complete if min_complete is None else min_complete,
            config.build.publish_untranslated,
            approved,
        )

    def complete(self, catalog: Catalog) -> float:
        """Percent of *catalog*'s source words this rule publishes as translated."""
        return counts(catalog).percent_done(use_fuzzy=self.use_fuzzy, approved_only=self.approved)

    def translations(self, catalog: Catalog) -> Mapping[Key, str]:
        """The msgstr this rule publishes for each key of *catalog*."""
        return translations(catalog, use_fuzzy=self.use_fuzzy, approved_only=self.approved)

    def shortfall(self, complete: float) -> str:
        """Why a page *complete* percent done is not published; "" when it is.

        Completeness is 100 for a catalog without words, so 0 means words and none done.
        """
        done = "approved" if self.approved else "translated"
        counted = "" if self.use_fuzzy or self.approved else " without fuzzy entries"
        if complete == 0.0 and not self.untranslated:
            return f"nothing {done}{counted}; set [build] publish_untranslated = true to publish it anyway"
        if complete >= self.threshold:
            return ""
        return f"{complete:.0f}% {done}{counted}, below {self.threshold:g}%"


@dataclass(frozen=True)
class _Edition:
    """An article's page in one target language, as a build sees it before writing."""

    language: Language
    catalog: Catalog | Problem
    complete: float
    building: bool  # this build writes (or removes) the page

    def published(self, rule: Publishing) -> bool:
        return not isinstance(self.catalog, Problem) and not rule.shortfall(self.complete)


def build(
    config: Config,
    *,
    only: Sequence[str] = (),
    languages: Sequence[str] = (),
    use_fuzzy: bool | None = None,
    min_complete: float | None = None,
    approved: bool = False,
    workers: int = 0,
) -> BuildReport:
    """Write ``build/<lang>/<slug>.html`` for each article and language from the catalogs.

    Pages below *min_complete* percent are skipped, and removed where an earlier build left
    them; a translation whose tags differ from its source is reported and the source text
    used in its place. With *approved*, only entries an editor approved are published, and
    completeness counts their words alone. Without *only*, the pages of deleted articles are removed too (see
    :func:`sweep`). Articles are shared among *workers* processes (0: one per core) when
    there are enough of them.
    """
    chosen = targets(config, languages)
    work = [(article, chosen) for article in articles(config, only)]
    report = build_pairs(config, work, Publishing.of(config, use_fuzzy, min_complete, approved=approved), workers=workers)
    return report if only else report + sweep(config, chosen)


def build_pairs(
    config: Config, work: Sequence[tuple[Article, Sequence[Language]]], rule: Publishing, *, workers: int = 0,
) -> BuildReport:
    """Build each article of *work* in its languages, under *rule*."""
    parts = each(lambda item: _build_article(config, item[0], item[1], rule), work, workers)
    return BuildReport(
        tuple(page for p in parts for page in p.pages), tuple(x for p in parts for x in p.problems),
        tuple(w for p in parts for w in p.warnings),
    )


def editions(config: Config, article: Article, languages: Sequence[Language], rule: Publishing) -> tuple[str, ...]:
    """The target languages whose page of *article* ``build/`` holds after building it in
    *languages* under *rule*: those that pass the rule, and pages of other languages an
    earlier build left whose catalogs still pass it."""
    return tuple(e.language.tag for e in _editions(config, article, languages, rule) if e.published(rule))


def _editions(config: Config, article: Article, languages: Sequence[Language], rule: Publishing) -> list[_Edition]:
    building = {language.tag for language in languages}
    found: list[_Edition] = []
    for language in config.targets:
        if language.tag not in building and not page_path(config, article, language).is_file():
            continue
        catalog = open_catalog(config, catalog_path(config, article, language))
        complete = 0.0 if isinstance(catalog, Problem) else rule.complete(catalog)
        found.append(_Edition(language, catalog, complete, language.tag in building))
    return found


def _build_article(config: Config, article: Article, languages: Sequence[Language], rule: Publishing) -> BuildReport:
    try:
        source = read_page(article)
    except TranslateFlowError as exc:
        return BuildReport(problems=(Problem.of(exc, article.reference),))
    planned = _editions(config, article, languages, rule)
    published = [e.language.tag for e in planned if e.published(rule)]
    building = [e for e in planned if e.building]
    located: Segmentation | None = None  # once a page is to be written
    pages: list[BuiltPage] = []
    problems: list[Problem] = []
    kept_times: dict[str, None] = {}  # the same <time> is kept in every language: said once
    for edition in building:
        language, catalog = edition.language, edition.catalog
        po = catalog_path(config, article, language)
        if isinstance(catalog, Problem):
            problems.append(catalog)
            continue
        out = page_path(config, article, language)
        shortfall = rule.shortfall(edition.complete)
        if shortfall:
            removed = _remove(config, out)
            pages.append(BuiltPage(article.slug, language.tag, out if removed else None,
                                   "removed" if removed else "skipped", edition.complete, 0, 0, shortfall))
            continue
        options = AssembleOptions(
            language=language,
            segment=segment_options(config),
            alternates=_alternates(config, article, source, language, published),
            date_format=config.build.date_format,
        )
        # The source tree is parsed and segmented once per article; the last language may
        # use it as it is, the others a copy.
        located = located or segmentation(config, article, source)
        if edition is building[-1]:
            tree, slots = source.tree, located.slots
        else:
            tree = copy.deepcopy(source.tree)
            slots = located.on(tree)
        result = assemble(tree, rule.translations(catalog), options, slots)
        problems.extend(_rejection_problems(article, catalog, shown(config, po), result.rejections))
        kept_times.update(dict.fromkeys(
            f'{article.reference}:{k.line}: <time datetime="{k.datetime}">: {k.reason}' for k in result.kept_times))
        # A built page is made again by the next build: no wait for the disk.
        status = atomic_write(out, serialize(result.html_tree, source), durable=False)
        pages.append(BuiltPage(article.slug, language.tag, out, status, edition.complete, result.segments,
                               result.translated))
    return BuildReport(tuple(pages), tuple(problems), (*source.warnings, *kept_times))


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


# --- alternates ----------------------------------------------------------------------------


def _alternates(
    config: Config, article: Article, page: Page, language: Language, published: Sequence[str]
) -> tuple[tuple[str, str], ...]:
    """The hreflang links of *article*'s page in *language*: the source page and x-default
    when its URL is known, then each published edition and each declared one."""
    settings = config.build

    def url(tag: str) -> str:
        return _resolve(config, article, language, settings.url_template.format(lang=tag, slug=article.slug))

    links = [(tag, url(tag)) for tag in (*published, *settings.alternate_languages)]
    source = _source_url(config, article, page, language)
    if not source:
        return tuple(links)
    return ((config.source.tag, source), *links, ("x-default", source))


def _source_url(config: Config, article: Article, page: Page, language: Language) -> str:
    """The source page's URL, or "" when neither the page nor the configuration says it."""
    template = config.build.source_url
    canonical = _canonical(page)
    if "{canonical}" in template:
        # A canonical link is the source site's own word: used as it is written.
        return template.format(canonical=canonical, slug=article.slug, lang=config.source.tag) if canonical else ""
    url = template.format(canonical="", slug=article.slug, lang=config.source.tag)
    return _resolve(config, article, language, url) if url else ""


def _canonical(page: Page) -> str:
    for link in page.tree.getroot().iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split():
            return (link.get("href") or "").strip()
    return ""


def _resolve(config: Config, article: Article, language: Language, url: str) -> str:
    """*url*, written as seen from a page at the top of a language folder, as seen from
    *article*'s page in *language*: absolute under ``base_url``, else relative to its depth."""
    base = config.build.base_url
    if base:
        return urljoin(urljoin(base, f"{language.tag}/"), url)
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or url.startswith(("/", "#", "?")):
        return url
    return "../" * article.slug.count("/") + url


# --- stale pages ---------------------------------------------------------------------------


def sweep(config: Config, languages: Sequence[Language]) -> BuildReport:
    """Remove the pages in *languages* of articles that were deleted; note their catalogs.

    An article is known deleted when its template or a catalog remains and its page does
    not; files in ``build/`` that no article ever had are left alone. The catalogs and
    templates are kept: their translations still feed the memory. What was kept of their
    segmentation goes.
    """
    current = {article.slug for article in articles(config)}
    gone = sorted(_catalogued(config, languages) - current)
    if not gone:
        return BuildReport()
    pages = []
    for slug in gone:
        article = Article(slug, config.articles / f"{slug}.html", "")
        forget_segmentation(config, article)
        for language in languages:
            out = page_path(config, article, language)
            if _remove(config, out):
                pages.append(BuiltPage(slug, language.tag, out, "removed", 0.0, 0, 0, "its article was deleted"))
    named = ", ".join(gone[:5]) + (f" and {len(gone) - 5} more" if len(gone) > 5 else "")
    note = (f"kept the catalogs of {len(gone)} deleted article{'s' if len(gone) > 1 else ''} ({named}): "
            "their translations still feed the memory; delete their .pot and .po files to drop them")
    return BuildReport(tuple(pages), notes=(note,))


def _catalogued(config: Config, languages: Iterable[Language]) -> set[str]:
    """The slugs that have a template, or a catalog in one of *languages*."""
    folders = [config.locales / "templates", *(config.locales / l.locale / "LC_MESSAGES" for l in languages)]
    return {
        path.relative_to(folder).with_suffix("").as_posix()
        for folder in folders if folder.is_dir()
        for path in folder.rglob("*.po*") if path.suffix in (".po", ".pot") and path.is_file()
    }


def _remove(config: Config, path: Path) -> bool:
    """Remove the page at *path* if there is one, and the subfolders of its language's
    folder that it leaves empty."""
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    top = config.build_dir
    folder = path.parent
    while folder.parent != top and top in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            break  # not empty: other pages live there
        folder = folder.parent
    return True
