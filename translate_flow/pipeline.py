"""The pipeline: the stages run over a project on disk.

This is the only module, with the command line, that touches the file system. Every file
is written atomically (a temporary file in the same folder, then a rename) and only when
its content changes, so a re-run with nothing new leaves bytes and mtimes alone.
"""

from __future__ import annotations

import copy
import fcntl
import multiprocessing
import threading
import hashlib
import json
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar
from pathlib import Path

from . import __version__
from .assemble import AssembleOptions, Rejection, assemble
from . import models
from .cache import MachineCache, digest
from .catalog import (
    MEMORY_PREFIX,
    MACHINE_PREFIX,
    Catalog,
    Counts,
    Key,
    Message,
    Proposal,
    counts,
    make_template,
    needs_translation,
    now_stamp,
    read_po,
    translations,
    update,
    with_findings,
    with_proposals,
    write_po,
)
from .check import CheckContext, Finding, check_entry
from .config import Config
from .fsio import atomic_write
from .errors import CatalogError, InputError, ModelError, ModelNotFound, ProjectLocked, TranslateFlowError
from .glossary import Glossary, read_glossary
from .memory import (
    TranslationMemory,
    Unit,
    export_tmx,
    import_tmx,
    index_path,
    parse_tmx,
    retag,
    signature,
    stored_name,
)
from .terms import GlossarySteering, TermMatcher
from .htmldoc import Page, parse_html, serialize
from .languages import Language, argos_code
from .reports import CatalogResult, LocatedFinding
from .languages import language as language_of
from .segment import Segment, SegmentOptions, segment_page
from .translate import (
    DecodeOptions,
    Engine,
    ModelSpec,
    PivotEngine,
    PseudoEngine,
    Translation,
    Translator,
    output_hash,
)

__all__ = [
    "Article",
    "BuildReport",
    "CatalogStats",
    "ExtractReport",
    "Problem",
    "WriteResult",
    "articles",
    "atomic_write",
    "CheckReport",
    "RunOptions",
    "RunReport",
    "build",
    "check",
    "export_memory",
    "extract",
    "import_memory",
    "project_lock",
    "run",
    "stats",
    "translate",
]

GENERATOR = f"translate-flow {__version__}"
_Item = TypeVar("_Item")
_Result = TypeVar("_Result")
STATE_DIR = ".translate-flow"  # caches and the lock; never the source of truth
HTML_SUFFIXES = (".html", ".htm", ".xhtml")


@dataclass(frozen=True)
class Article:
    """A source page of the project."""

    slug: str  # path below the articles folder, without suffix: "bilash-free-but-silenced"
    path: Path
    reference: str  # the path catalogs cite, relative to the project root


@dataclass(frozen=True)
class WriteResult:
    """One file the pipeline wrote or left alone."""

    path: Path
    status: str  # "created", "updated" or "unchanged"


@dataclass(frozen=True)
class Problem:
    """Something that stopped one article or catalog; the others went on."""

    path: str
    message: str
    line: int = 0
    kind: str = "input"  # "input": a file could not be used; "finding": a result needs a look

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class ExtractReport:
    """What ``extract`` did."""

    files: tuple[WriteResult, ...] = ()
    segments: int = 0
    problems: tuple[Problem, ...] = ()
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class BuiltPage:
    """One localized page."""

    article: str
    language: str
    path: Path | None  # None when the page was skipped
    status: str  # "created", "updated", "unchanged" or "skipped"
    complete: float  # percent of source words published as translated
    segments: int
    translated: int


@dataclass(frozen=True)
class BuildReport:
    """What ``build`` did."""

    pages: tuple[BuiltPage, ...] = ()
    problems: tuple[Problem, ...] = ()
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class CatalogStats:
    """Counts for one catalog."""

    article: str
    language: str
    path: Path
    counts: Counts = field(default_factory=Counts)


# --- files ---------------------------------------------------------------------------------


_LOCATED = re.compile(r"^(?::(\d+))?: (.*)$", re.DOTALL)


def _problem(shown: str, exc: Exception) -> Problem:
    """A problem for the file *shown*, without repeating its path (and line) in the message."""
    text = str(exc)
    if text.startswith(shown):
        match = _LOCATED.match(text[len(shown) :])
        if match:
            return Problem(shown, match.group(2), line=int(match.group(1) or 0))
    return Problem(shown, text)


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: file not found") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder, not a file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None


def _read_catalog(path: Path, shown: str) -> Catalog | None:
    """The catalog at *path*, or None when there is none yet."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise InputError(f"{shown}: cannot read ({exc.strerror})") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CatalogError(f"{shown}: not UTF-8 at byte {exc.start}; save the catalog as UTF-8") from None
    return read_po(text, shown)


# --- project layout ------------------------------------------------------------------------


def articles(config: Config, only: Sequence[str] = ()) -> list[Article]:
    """The project's source pages, sorted; *only* narrows them to some slugs or files."""
    if not config.articles.is_dir():
        raise InputError(f"{config.articles}: articles folder not found; check [paths] articles")
    found: list[Article] = []
    for path in sorted(config.articles.rglob("*")):
        if path.suffix.lower() in HTML_SUFFIXES and path.is_file():
            slug = path.relative_to(config.articles).with_suffix("").as_posix()
            found.append(Article(slug, path, path.relative_to(config.root).as_posix()))
    if not only:
        return found
    chosen: list[Article] = []
    for name in only:
        matches = [a for a in found if name in (a.slug, a.path.name, a.reference)]
        if not matches:
            raise InputError(f"{name}: no such article in {config.articles.relative_to(config.root)}")
        chosen.extend(m for m in matches if m not in chosen)
    return chosen


def template_path(config: Config, article: Article) -> Path:
    """Where the article's template lives."""
    return config.locales / "templates" / f"{article.slug}.pot"


def catalog_path(config: Config, article: Article, language: Language) -> Path:
    """Where the article's catalog for *language* lives (gettext layout)."""
    return config.locales / language.locale / "LC_MESSAGES" / f"{article.slug}.po"


def page_path(config: Config, article: Article, language: Language) -> Path:
    """Where the article's localized page goes."""
    return config.build_dir / language.tag / f"{article.slug}.html"


def _shown(config: Config, path: Path) -> str:
    try:
        return path.relative_to(config.root).as_posix()
    except ValueError:
        return str(path)


def _segment_options(config: Config) -> SegmentOptions:
    return SegmentOptions(config.source.tag, config.extract.skip_foreign)


def _targets(config: Config, languages: Sequence[str]) -> tuple[Language, ...]:
    return tuple(config.target(tag) for tag in languages) if languages else config.targets


def _load_page(article: Article) -> Page:
    return parse_html(_read_bytes(article.path), article.reference)


# --- extract -------------------------------------------------------------------------------


def extract(
    config: Config, *, only: Sequence[str] = (), languages: Sequence[str] = (), workers: int = 0
) -> ExtractReport:
    """Segment the articles into templates and update each language's catalog.

    An article or catalog that cannot be read is reported and skipped; its files are left
    exactly as they were. Articles are shared among *workers* processes (0: one per core)
    when there are enough of them.
    """
    targets = _targets(config, languages)
    parts = _each(lambda article: _extract_article(config, article, targets), articles(config, only), workers)
    return ExtractReport(
        tuple(f for p in parts for f in p.files), sum(p.segments for p in parts),
        tuple(x for p in parts for x in p.problems), tuple(w for p in parts for w in p.warnings),
    )


def _extract_article(config: Config, article: Article, targets: Sequence[Language]) -> ExtractReport:
    try:
        page = _load_page(article)
    except TranslateFlowError as exc:
        return ExtractReport(problems=(_problem(article.reference, exc),))
    segments = segment_page(page.tree, _segment_options(config))
    pot = template_path(config, article)
    try:
        template, status = _write_template(config, article, segments, pot)
    except TranslateFlowError as exc:
        return ExtractReport(segments=len(segments), problems=(Problem(_shown(config, pot), str(exc)),),
                             warnings=page.warnings)
    files = [WriteResult(pot, status)]
    problems: list[Problem] = []
    for language in targets:
        po = catalog_path(config, article, language)
        shown = _shown(config, po)
        try:
            existing = _read_catalog(po, shown)
        except TranslateFlowError as exc:
            problems.append(_problem(shown, exc))
            continue
        merged = update(existing or Catalog(), template, language, similarity=config.extract.similarity)
        files.append(WriteResult(po, atomic_write(po, write_po(merged))))
    return ExtractReport(tuple(files), len(segments), tuple(problems), page.warnings)


# Work handed to forked processes: set just before the fork, so nothing has to be pickled
# but each item's index and each result.
_TASK: Callable[[Any], Any] | None = None
_ITEMS: Sequence[Any] = ()
_PARALLEL_FROM = 16  # fewer articles than this are not worth the processes


def _run_task(index: int) -> Any:
    assert _TASK is not None
    return _TASK(_ITEMS[index])


def _each(function: Callable[[_Item], _Result], items: Sequence[_Item], workers: int) -> list[_Result]:
    """``[function(item) for item in items]``, in forked worker processes when it pays.

    Processes only where forking is safe: a fork start method, and no other thread in this
    process (a thread holding a lock at the fork would leave the child stuck).
    """
    count = workers or (len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)
    if (
        count <= 1 or len(items) < max(_PARALLEL_FROM, 2 * count)
        or threading.active_count() > 1 or "fork" not in multiprocessing.get_all_start_methods()
    ):
        return [function(item) for item in items]
    global _TASK, _ITEMS
    _TASK, _ITEMS = function, items
    try:
        with multiprocessing.get_context("fork").Pool(count) as pool:
            return pool.map(_run_task, range(len(items)), chunksize=max(1, len(items) // (count * 4)))
    finally:
        _TASK, _ITEMS = None, ()


def _write_template(
    config: Config, article: Article, segments: Sequence[Segment], path: Path
) -> tuple[Catalog, str]:
    """Write the template, keeping its creation date when nothing else changed.

    A template is generated, never edited: one that cannot be parsed is simply replaced.
    """
    try:
        old_text: str | None = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        old_text = None
    try:
        existing = read_po(old_text, _shown(config, path)) if old_text else None
    except CatalogError:
        existing = None
    previous_date = existing.header_value("POT-Creation-Date") if existing else None

    def render(created: str) -> tuple[Catalog, str]:
        template = make_template(
            [(article.reference, segments)],
            project=config.project_id,
            created=created,
            generator=GENERATOR,
            source_language=config.source.tag,
        )
        return template, write_po(template)

    if previous_date:
        template, text = render(previous_date)
        if text == old_text:
            return template, "unchanged"
    template, text = render(now_stamp())
    return template, atomic_write(path, text)


# --- build ---------------------------------------------------------------------------------


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
    targets = _targets(config, languages)
    fuzzy = config.build.use_fuzzy if use_fuzzy is None else use_fuzzy
    threshold = config.build.min_complete if min_complete is None else min_complete
    parts = _each(lambda article: _build_article(config, article, targets, fuzzy, threshold),
                  articles(config, only), workers)
    return BuildReport(
        tuple(page for p in parts for page in p.pages), tuple(x for p in parts for x in p.problems),
        tuple(w for p in parts for w in p.warnings),
    )


def _build_article(
    config: Config, article: Article, targets: Sequence[Language], use_fuzzy: bool, threshold: float
) -> BuildReport:
    try:
        source = _load_page(article)
    except TranslateFlowError as exc:
        return BuildReport(problems=(_problem(article.reference, exc),))
    pages: list[BuiltPage] = []
    problems: list[Problem] = []
    for language in targets:
        po = catalog_path(config, article, language)
        shown = _shown(config, po)
        try:
            catalog = _read_catalog(po, shown)
        except TranslateFlowError as exc:
            problems.append(_problem(shown, exc))
            continue
        if catalog is None:
            problems.append(Problem(shown, "catalog not found; run `translate-flow extract` first"))
            continue
        complete = _completeness(catalog, use_fuzzy)
        if complete < threshold:
            pages.append(BuiltPage(article.slug, language.tag, None, "skipped", complete, 0, 0))
            continue
        options = AssembleOptions(
            language=language,
            segment=_segment_options(config),
            alternates=_alternates(config, article, source),
            date_format=config.build.date_format,
        )
        # The source tree is parsed once per article; the last language may use it as it is.
        tree = source.tree if language is targets[-1] else copy.deepcopy(source.tree)
        result = assemble(tree, translations(catalog, use_fuzzy=use_fuzzy), options)
        problems.extend(_rejection_problems(article, catalog, shown, result.rejections))
        out = page_path(config, article, language)
        status = atomic_write(out, serialize(result.html_tree, doctype=source.has_doctype))
        pages.append(BuiltPage(article.slug, language.tag, out, status, complete, result.segments, result.translated))
    return BuildReport(tuple(pages), tuple(problems), source.warnings)


def _completeness(catalog: Catalog, use_fuzzy: bool) -> float:
    tally = counts(catalog)
    if not tally.total_words:
        return 100.0
    published = tally.translated_words + (tally.fuzzy_words if use_fuzzy else 0)
    return 100.0 * published / tally.total_words


def _rejection_problems(
    article: Article, catalog: Catalog, shown: str, rejections: Sequence[Rejection]
) -> list[Problem]:
    if not rejections:
        return []  # the usual case: no need to index the catalog
    lines = {m.key: m.line for m in catalog.messages if not m.obsolete}
    return [
        Problem(
            shown,
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


# --- stats ---------------------------------------------------------------------------------


def stats(
    config: Config, *, only: Sequence[str] = (), languages: Sequence[str] = ()
) -> tuple[list[CatalogStats], list[Problem]]:
    """Counts per article and language, from the catalogs on disk."""
    results: list[CatalogStats] = []
    problems: list[Problem] = []
    for article in articles(config, only):
        for language in _targets(config, languages):
            po = catalog_path(config, article, language)
            shown = _shown(config, po)
            try:
                catalog = _read_catalog(po, shown)
            except TranslateFlowError as exc:
                problems.append(_problem(shown, exc))
                continue
            if catalog is None:
                problems.append(Problem(shown, "catalog not found; run `translate-flow extract` first"))
                continue
            results.append(CatalogStats(article.slug, language.tag, po, counts(catalog)))
    return results, problems


# --- translate -----------------------------------------------------------------------------


@dataclass(frozen=True)
class LanguageRun:
    """What ``translate`` did for one language."""

    language: str
    engine: str  # provenance of the model used, "" when nothing went to a model
    from_model: int = 0  # entries filled by the model
    from_memory: int = 0  # entries filled from reviewed translations elsewhere
    skipped: int = 0  # entries left alone: reviewed, or edited by a person
    unique: int = 0  # distinct texts the model translated (not found in the machine-output cache)
    unsure_tags: int = 0
    loops: int = 0
    seconds: float = 0.0


@dataclass(frozen=True)
class TranslateReport:
    """What ``translate`` did."""

    languages: tuple[LanguageRun, ...] = ()
    files: tuple[WriteResult, ...] = ()
    problems: tuple[Problem, ...] = ()
    seconds: float = 0.0

    @property
    def from_model(self) -> int:
        """Entries filled by a model, all languages."""
        return sum(run.from_model for run in self.languages)

    @property
    def rate(self) -> float:
        """Distinct texts the model translated per second."""
        unique = sum(run.unique for run in self.languages)
        return unique / self.seconds if self.seconds else 0.0


@dataclass(frozen=True)
class TranslateOptions:
    """Choices for one ``translate`` run, over the configuration's defaults."""

    engine: str | None = None  # "argos", "ct2", "pseudo"; None: the configuration's
    draft: bool = False  # beam size 1: fast first drafts
    device: str | None = None
    retranslate: bool = False  # replace untouched machine output too
    cache: bool = True  # reuse machine output stored under .translate-flow/
    threads: int | None = None  # CPU threads for the model; None: the configuration's


Progress = Callable[[str, int, int], None]  # (language, done, total)


def translate(
    config: Config,
    *,
    only: Sequence[str] = (),
    languages: Sequence[str] = (),
    options: TranslateOptions = TranslateOptions(),
    progress: Progress | None = None,
) -> TranslateReport:
    """Fill the catalogs' untranslated entries with machine translations, marked fuzzy.

    Per language, every pending entry of every selected catalog goes to the model in one
    batch (identical texts once); a reviewed translation of the same text in any catalog of
    the language is reused instead. Reviewed and person-edited entries are never touched.
    """
    started = time.perf_counter()
    targets = _targets(config, languages)
    chosen = articles(config, only)
    everything = articles(config)
    glossary = read_glossary(config.glossary, config.source.tag, _shown(config, config.glossary))
    engines = _Engines(config, options)
    cache = MachineCache(config.root / STATE_DIR / "machine.sqlite") if options.cache else None
    memory = TranslationMemory(index_path(config.root))
    memory.refresh_tmx(_imported_memories(config))
    runs: list[LanguageRun] = []
    files: list[WriteResult] = []
    problems: list[Problem] = []
    for language in targets:
        begun = time.perf_counter()
        catalogs: dict[Path, Catalog] = {}
        for article in everything:
            path = catalog_path(config, article, language)
            shown = _shown(config, path)
            try:
                catalog = _read_catalog(path, shown)
            except TranslateFlowError as exc:
                if article in chosen:
                    problems.append(_problem(shown, exc))
                continue
            if catalog is None:
                if article in chosen:
                    problems.append(Problem(shown, "catalog not found; run `translate-flow extract` first"))
                continue
            catalogs[path] = catalog
        selected = [catalog_path(config, a, language) for a in chosen]
        selected = [p for p in selected if p in catalogs]
        memory.refresh(language.tag, {
            _shown(config, path): (*signature(path), _loaded(catalog)) for path, catalog in catalogs.items()
        })
        pending: dict[Path, list[Message]] = {}
        skipped = 0
        for path in selected:
            for message in catalogs[path].active():
                if needs_translation(message, retranslate=options.retranslate, digest=output_hash):
                    pending.setdefault(path, []).append(message)
                elif message.msgstr:
                    skipped += 1
        proposals: dict[Path, dict[Key, Proposal]] = {path: {} for path in pending}
        suggestions: dict[str, str] = {}  # msgid -> a close match, shown next to machine output
        to_model: list[str] = []
        from_memory = 0
        settings = config.translate
        for path, messages in pending.items():
            for message in messages:
                exact = memory.exact(language.tag, message.msgctxt, message.msgid)
                if exact is not None:
                    proposals[path][message.key] = Proposal(
                        exact.target, (f"{MEMORY_PREFIX} reviewed translation in {exact.origin}",))
                    from_memory += 1
                    continue
                close = memory.fuzzy(language.tag, message.msgid, threshold=settings.memory_suggest, limit=1)
                retagged = retag(close[0].source, close[0].target, message.msgid) if close else None
                if close and retagged is not None and close[0].score >= settings.memory_accept:
                    proposals[path][message.key] = Proposal(retagged, (
                        f"{MEMORY_PREFIX} {close[0].percent}% match in {close[0].origin}, for "
                        f"\u201c{close[0].source}\u201d; check the differences",))
                    from_memory += 1
                    continue
                if close:
                    suggestions[message.msgid] = (
                        f"{MEMORY_PREFIX} {close[0].percent}% match in {close[0].origin}: "
                        f"\u201c{close[0].source}\u201d \u2192 \u201c{close[0].target}\u201d"
                    )
                to_model.append(message.msgid)
        unique = list(dict.fromkeys(to_model))
        engine_name = ""
        unsure = loops = from_model = 0
        fresh: list[str] = []
        if unique:
            try:
                engine = engines.get(language)
            except ModelError as exc:
                # One language without a model does not stop the others.
                problems.append(Problem(language.tag, str(exc)))
                runs.append(LanguageRun(language.tag, "", skipped=skipped))
                continue
            total = len(unique)
            done = 0

            def advance(count: int) -> None:
                nonlocal done
                done += count
                if progress is not None:
                    progress(language.tag, min(done, total), total)

            if progress is not None:
                progress(language.tag, 0, total)
            steering = GlossarySteering(TermMatcher(glossary, config.source, language), glossary, language)
            protected = glossary.protected(language)
            context = digest(engine.identity, protected, steering.variants, _steering_terms(glossary, language))
            results = cache.get(context, unique) if cache is not None else {}
            fresh = [m for m in unique if m not in results]
            if fresh:
                translated = engine.translate(fresh, protected, advance, steering)
                if cache is not None:
                    # Before any catalog is written: a run stopped halfway resumes with this output.
                    cache.put(context, translated)
                results.update((r.msgid, r) for r in translated)
            elif progress is not None:
                progress(language.tag, total, total)
            engine_name = next(iter(results.values())).engine
            for path, messages in pending.items():
                for message in messages:
                    result = results.get(message.msgid)
                    if result is None or message.key in proposals[path]:
                        continue
                    hint = (suggestions[message.msgid],) if message.msgid in suggestions else ()
                    proposals[path][message.key] = Proposal(result.text, _provenance(result) + hint)
                    from_model += 1
            unsure = sum(1 for r in results.values() if r.unsure_tags)
            loops = sum(1 for r in results.values() if r.loop)
        for path, chosen_proposals in proposals.items():
            if chosen_proposals:
                updated = with_proposals(catalogs[path], chosen_proposals)
                files.append(WriteResult(path, atomic_write(path, write_po(updated))))
        runs.append(
            LanguageRun(
                language.tag, engine_name, from_model, from_memory, skipped, len(fresh), unsure, loops,
                time.perf_counter() - begun,
            )
        )
    if cache is not None:
        cache.close()
    memory.close()
    return TranslateReport(tuple(runs), tuple(files), tuple(problems), time.perf_counter() - started)


def _steering_terms(glossary: Glossary, language: Language) -> list[tuple[str, str | None]]:
    return [(t.source, t.rendering(language)) for t in glossary.terms if t.kind == "term"]


def _provenance(result: Translation) -> tuple[str, ...]:
    """The extracted comments that say where machine output came from and what to check."""
    via = f" via {result.via}" if result.via else ""
    comments = [
        f"{MACHINE_PREFIX} {result.engine}{via} score={result.score:.2f} mt={output_hash(result.text)}"
    ]
    if result.glossary_choice:
        comments.append(
            f"{MACHINE_PREFIX} the glossary chose hypothesis {result.glossary_choice} of {result.hypotheses}"
        )
    if result.unsure_tags:
        tags = ", ".join(f"<{t}>" for t in result.unsure_tags)
        comments.append(f"{MACHINE_PREFIX} check the tags {tags}: placed without a clear alignment")
    if result.loop:
        comments.append(f"{MACHINE_PREFIX} the output repeats itself (\u201c{result.loop}\u201d); check it")
    return tuple(comments)


def _loaded(catalog: Catalog) -> Callable[[], Catalog]:
    """A loader for a catalog already read."""
    return lambda: catalog


def _imported_memories(config: Config) -> dict[str, tuple[int, int, Callable[[], list[Unit]]]]:
    """The TMX files imported into ``memory/``, as sources for the memory's index."""
    folder = config.root / "memory"
    if not folder.is_dir():
        return {}
    sources: dict[str, tuple[int, int, Callable[[], list[Unit]]]] = {}
    for path in sorted(folder.glob("*.tmx")):
        shown = _shown(config, path)

        def load(path: Path = path, shown: str = shown) -> list[Unit]:
            return parse_tmx(_read_bytes(path), shown, source_language=config.source.tag,
                             languages=[t.tag for t in config.targets])

        sources[shown] = (*signature(path), load)
    return sources


class _Engines:
    """Engines by language pair, each model loaded once per run."""

    def __init__(self, config: Config, options: TranslateOptions) -> None:
        self.config = config
        self.options = options
        self.choice = options.engine or config.translate.engine
        settings = config.translate
        self.decode = DecodeOptions(
            beam_size=1 if options.draft else settings.beam_size,
            device=options.device or settings.device,
            compute_type=settings.compute_type,
            threads=options.threads if options.threads is not None else settings.threads,
            batch_tokens=settings.batch_tokens,
            batch_examples=settings.batch_examples,
            repetition_penalty=settings.repetition_penalty,
            no_repeat_ngram_size=settings.no_repeat_ngram_size,
            length_ratio=settings.length_ratio,
            max_decoding_length=settings.max_decoding_length,
            n_best=settings.n_best,
        )
        self.loaded: dict[ModelSpec, Translator] = {}

    def get(self, language: Language) -> Engine:
        """The engine for source -> *language*; :class:`ModelNotFound` says what to do."""
        if self.choice == "pseudo":
            return PseudoEngine()
        source = self.config.source
        spec = self._spec(source, language)
        if spec is not None:
            return self._load(spec)
        pivot_tag = self.config.models.pivot
        if pivot_tag and pivot_tag not in (source.tag, language.tag) and self.choice != "ct2":
            pivot = language_of(pivot_tag)
            first, second = self._spec(source, pivot), self._spec(pivot, language)
            if first is not None and second is not None:
                return PivotEngine(self._load(first), self._load(second), pivot.tag)
        pair = f"{source.tag}-{language.tag}"
        raise ModelNotFound(
            f"no model translates {source.tag} to {language.tag}: run `translate-flow models install "
            f"--for-project`, or configure a CTranslate2 model under [models.pairs.\"{pair}\"] "
            "(see the README)"
        )

    def _spec(self, source: Language, target: Language) -> ModelSpec | None:
        pairs = self.config.models.pairs
        configured = pairs.get(f"{source.tag}-{target.tag}") or pairs.get(f"{source.primary}-{target.primary}")
        if configured is not None and self.choice in ("auto", "ct2"):
            return ModelSpec(
                name=configured.name,
                version=configured.version,
                engine="ct2",
                model_dir=configured.path,
                source_sentencepiece=configured.sentencepiece,
                target_sentencepiece=configured.target_sentencepiece,
                source_prefix=tuple(t for t in (configured.source_token, configured.source_prefix) if t),
                target_prefix=(configured.target_token,) if configured.target_token else (),
                add_end_token=configured.add_end_token,
                max_input_tokens=configured.max_input_tokens,
            )
        if self.choice not in ("auto", "argos"):
            return None
        packages_dir = models.default_packages_dir(self.config.models.packages_dir)
        package = models.find_installed(packages_dir, argos_code(source), argos_code(target))
        if package is None or package.path is None:
            return None
        return ModelSpec(
            name=f"translate-{package.from_code}_{package.to_code}",
            version=package.package_version,
            engine="argos",
            model_dir=package.path / "model",
            source_sentencepiece=package.path / "sentencepiece.model",
            target_sentencepiece=package.path / "sentencepiece.model",
            max_input_tokens=self.config.translate.max_input_tokens,
        )

    def _load(self, spec: ModelSpec) -> Translator:
        if spec not in self.loaded:
            self.loaded[spec] = Translator(spec, self.decode)
        return self.loaded[spec]


# --- check ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckReport:
    """What ``check`` found, catalog by catalog."""

    results: tuple[CatalogResult, ...] = ()
    files: tuple[WriteResult, ...] = ()

    @property
    def findings(self) -> tuple[LocatedFinding, ...]:
        """Every finding, all catalogs."""
        return tuple(f for r in self.results for f in r.findings)


def check(
    config: Config, *, only: Sequence[str] = (), languages: Sequence[str] = (), annotate: bool = True
) -> CheckReport:
    """Check every translated entry (reviewed ones too) of the selected catalogs.

    With *annotate*, each catalog's ``#. check:`` comments are replaced by the findings of
    this run (the file is rewritten only when they change). A catalog that cannot be read
    is a result with a problem, and the others go on.
    """
    glossary = read_glossary(config.glossary, config.source.tag, _shown(config, config.glossary))
    results: list[CatalogResult] = []
    files: list[WriteResult] = []
    for language in _targets(config, languages):
        context = _check_context(config, glossary, language)
        for article in articles(config, only):
            path = catalog_path(config, article, language)
            shown = _shown(config, path)
            try:
                catalog = _read_catalog(path, shown)
            except TranslateFlowError as exc:
                problem = _problem(shown, exc)
                where = f":{problem.line}" if problem.line else ""
                results.append(CatalogResult(article.slug, language.tag, shown, problem=f"{shown}{where}: {problem.message}"))
                continue
            if catalog is None:
                results.append(CatalogResult(article.slug, language.tag, shown,
                                             problem="catalog not found; run `translate-flow extract` first"))
                continue
            found: dict[Key, list[Finding]] = {}
            for message in catalog.active():
                if message.msgstr:
                    entry = check_entry(message.msgid, message.msgstr, context, config.checks)
                    if entry:
                        found[message.key] = entry
            if annotate:
                annotated = with_findings(
                    catalog, {key: [f"{f.severity}: {f.check}: {f.message}" for f in items] for key, items in found.items()}
                )
                text = write_po(annotated)
                files.append(WriteResult(path, atomic_write(path, text)))
                catalog = read_po(text, shown)
            lines = {m.key: m.line for m in catalog.active()}
            located = tuple(
                LocatedFinding(shown, lines.get(key, 0), language.tag, article.slug, f.check, f.severity, f.message, key[1])
                for key, items in found.items()
                for f in items
            )
            tally = counts(catalog)
            results.append(CatalogResult(
                article.slug, language.tag, shown, entries=tally.total, translated=tally.translated,
                fuzzy=tally.fuzzy, words=tally.total_words, translated_words=tally.translated_words,
                fuzzy_words=tally.fuzzy_words, findings=located,
            ))
    return CheckReport(tuple(results), tuple(files))


def _check_context(config: Config, glossary: Glossary, language: Language) -> CheckContext:
    keep = frozenset(source for source, rendering in glossary.protected(language) if source == rendering)
    return CheckContext(config.source, language, keep=keep, terms=TermMatcher(glossary, config.source, language))


# --- run: the whole job --------------------------------------------------------------------

STATE_VERSION = 1


@dataclass(frozen=True)
class RunOptions:
    """Choices for one ``run``."""

    languages: tuple[str, ...] = ()
    articles: tuple[str, ...] = ()
    translate: TranslateOptions = TranslateOptions()
    use_fuzzy: bool | None = None
    min_complete: float | None = None
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

    @property
    def errors(self) -> int:
        """Findings of severity error, plus translations the build rejected."""
        return sum(r.count("error") for r in self.results) + sum(1 for p in self.problems if p.kind == "finding")


@contextmanager
def project_lock(config: Config, *, wait: bool = False) -> Iterator[None]:
    """Hold the project's lock: one run at a time. Raise :class:`ProjectLocked` if taken."""
    path = config.root / STATE_DIR / "lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            raise ProjectLocked(
                f"another translate-flow run is working on {config.root}; let it finish, "
                "or pass --wait to start when it is done"
            ) from None
        yield
    finally:
        os.close(handle)  # closing releases the lock, also when the process is killed


def _sha(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _settings_digest(config: Config, options: RunOptions) -> str:
    glossary = sorted((p.name, _sha(p)) for p in config.glossary.glob("*") if p.is_file()) if config.glossary.is_dir() else []
    memory = config.root / "memory"
    imported = sorted((p.name, _sha(p)) for p in memory.glob("*.tmx")) if memory.is_dir() else []
    chosen = options.translate
    return digest(
        __version__, _sha(config.path), glossary, imported, chosen.engine, chosen.draft, chosen.retranslate,
        options.use_fuzzy, options.min_complete,
    )


# atomic_write's temporary files, as tempfile.mkstemp names them: ".<name>.<8 characters>.tmp".
_TEMPORARY = re.compile(r"^\..+\.[a-z0-9_]{8}\.tmp$")


def _remove_stale_temporaries(config: Config) -> None:
    """Remove the temporary files of writes a killed process left behind (kill -9, power loss).

    Called with the project lock held, so no other run is writing; only the folders the
    pipeline writes are searched, and only for names atomic_write gives its temporaries.
    """
    for folder in (config.locales, config.build_dir, config.root / STATE_DIR):
        if folder.is_dir():
            for path in folder.rglob(".*.tmp"):
                if _TEMPORARY.match(path.name) and path.is_file() and not path.is_symlink():
                    path.unlink(missing_ok=True)


def _load_state(config: Config) -> dict[str, Any]:
    try:
        state = json.loads((config.root / STATE_DIR / "state.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) and state.get("version") == STATE_VERSION else {}


def run(config: Config, options: RunOptions = RunOptions(), progress: Progress | None = None) -> RunReport:
    """Extract, translate, check and build every article and language, doing only what changed.

    An article and language pair is skipped when its source page, template, catalog and
    built page are byte for byte what the last run left, under the same settings: a re-run
    with nothing new does no model work and writes no file. A page that cannot be read is
    reported and the others go on. The project is locked for the duration, and the
    temporary files of a run that was killed while writing are removed first.
    """
    started = time.perf_counter()
    with project_lock(config, wait=options.wait):
        _remove_stale_temporaries(config)
        state = _load_state(config)
        settings = _settings_digest(config, options)
        if state.get("settings") != settings:
            state = {}
        known_articles: dict[str, Any] = state.get("articles", {})
        known_units: dict[str, Any] = state.get("units", {})
        targets = _targets(config, options.languages)
        chosen = articles(config, options.articles)
        problems: list[Problem] = []
        sources: dict[str, str] = {}
        for article in chosen:
            sha = _sha(article.path)
            if sha is None:
                problems.append(Problem(article.reference, "cannot read the page"))
            else:
                sources[article.slug] = sha
        dirty: dict[str, list[Article]] = {language.tag: [] for language in targets}
        kept: list[CatalogResult] = []
        for article in chosen:
            if article.slug not in sources:
                continue
            record = known_articles.get(article.slug, {})
            fresh = record.get("source") == sources[article.slug] and record.get("template") == _sha(
                template_path(config, article))
            for language in targets:
                unit = known_units.get(f"{article.slug}|{language.tag}")
                if fresh and unit and unit.get("catalog") == _sha(catalog_path(config, article, language)) \
                        and unit.get("page") == _sha(page_path(config, article, language)):
                    kept.append(_result_from_state(unit["result"]))
                else:
                    dirty[language.tag].append(article)
        changed_articles = [a for a in chosen if any(a in dirty[t.tag] for t in targets)]
        failed: set[str] = set()
        if changed_articles:
            extracted = extract(config, only=[a.slug for a in changed_articles], languages=[t.tag for t in targets])
            problems.extend(extracted.problems)
            failed = {p.path for p in extracted.problems}

        def one_language(language: Language) -> tuple[LanguageRun | None, CheckReport, BuildReport, list[Problem]]:
            work = [a.slug for a in dirty[language.tag]
                    if a.reference not in failed and _shown(config, catalog_path(config, a, language)) not in failed]
            if not work:
                return None, CheckReport(), BuildReport(), []
            threads = max(1, (os.cpu_count() or 1) // max(1, options.jobs))
            chosen_options = replace(options.translate, threads=threads if options.jobs > 1 else options.translate.threads)
            translated = translate(config, only=work, languages=[language.tag], options=chosen_options, progress=progress)
            checked = check(config, only=work, languages=[language.tag])
            built = build(config, only=work, languages=[language.tag], use_fuzzy=options.use_fuzzy,
                          min_complete=options.min_complete)
            runs = translated.languages[0] if translated.languages else None
            return runs, checked, built, [*translated.problems, *built.problems]

        outcomes: list[tuple[Language, tuple[LanguageRun | None, CheckReport, BuildReport, list[Problem]]]] = []
        if options.jobs > 1 and len(targets) > 1:
            with ThreadPoolExecutor(max_workers=min(options.jobs, len(targets))) as pool:
                futures = [(language, pool.submit(one_language, language)) for language in targets]
                outcomes = [(language, future.result()) for language, future in futures]
        else:
            outcomes = [(language, one_language(language)) for language in targets]

        results = list(kept)
        pages: list[BuiltPage] = []
        runs: list[LanguageRun] = []
        without_model = {p.path for p in problems}
        for language, (language_run, checked, built, language_problems) in outcomes:
            if language_run is not None:
                runs.append(language_run)
            problems.extend(language_problems)
            results.extend(checked.results)
            pages.extend(built.pages)
            if any(p.path == language.tag for p in language_problems):
                without_model.add(language.tag)
        # Remember what is now up to date; a pair whose language lacked a model, or whose
        # catalog or page had a problem, is done again next time.
        state_changed = state.get("settings") != settings
        for article in chosen:
            if article.slug not in sources or article.reference in failed:
                continue
            record = {"source": sources[article.slug], "template": _sha(template_path(config, article))}
            state_changed |= known_articles.get(article.slug) != record
            known_articles[article.slug] = record
        troubled = {p.path for p in problems}
        by_slug = {a.slug: a for a in chosen}
        # Only the pairs worked on change their record; the others keep theirs as read.
        for result in results[len(kept):]:
            owner = by_slug.get(result.article)
            key = f"{result.article}|{result.language}"
            if owner is None or result.problem or result.language in without_model or result.path in troubled:
                known_units.pop(key, None)
                continue
            language = config.target(result.language)
            known_units[key] = {
                "catalog": _sha(catalog_path(config, owner, language)),
                "page": _sha(page_path(config, owner, language)),
                "result": _result_to_state(result),
            }
        if state_changed or len(results) > len(kept):
            new_state = {"version": STATE_VERSION, "settings": settings, "articles": known_articles, "units": known_units}
            atomic_write(config.root / STATE_DIR / "state.json",
                         json.dumps(new_state, ensure_ascii=False, separators=(",", ":")) + "\n")
    order = {t.tag: i for i, t in enumerate(targets)}
    results.sort(key=lambda r: (order.get(r.language, 99), r.article))
    return RunReport(
        tuple(results), tuple(pages), tuple(runs), tuple(problems),
        changed=sum(len(v) for v in dirty.values()), unchanged=len(kept),
        seconds=time.perf_counter() - started,
    )


def _result_to_state(result: CatalogResult) -> dict[str, Any]:
    return result.to_dict()


def _result_from_state(data: Mapping[str, Any]) -> CatalogResult:
    findings = tuple(LocatedFinding(**f) for f in data.get("findings", ()))
    return CatalogResult(**{**data, "findings": findings})


# --- translation memory ------------------------------------------------------------------------


def export_memory(config: Config, languages: Sequence[str] = ()) -> tuple[str, int]:
    """The project's reviewed translations (catalogs and imported memories) as TMX 1.4.

    Returns the TMX text and how many translation units it holds.
    """
    targets = _targets(config, languages)
    with TranslationMemory(index_path(config.root)) as memory:
        memory.refresh_tmx(_imported_memories(config))
        for language in targets:
            sources: dict[str, tuple[int, int, Callable[[], Catalog]]] = {}
            for article in articles(config):
                path = catalog_path(config, article, language)
                if path.is_file():
                    shown = _shown(config, path)
                    sources[shown] = (*signature(path), _catalog_loader(path, shown))
            memory.refresh(language.tag, sources)
        units = memory.units([t.tag for t in targets], imported=True)
    text = export_tmx(units, source_language=config.source.tag, languages=[t.tag for t in targets])
    return text, len(units)


def _catalog_loader(path: Path, shown: str) -> Callable[[], Catalog]:
    def load() -> Catalog:
        return _read_catalog(path, shown) or Catalog()

    return load


def import_memory(config: Config, file: Path) -> tuple[Path, dict[str, int]]:
    """Check a TMX file and keep it in the project's ``memory/`` folder, as it is.

    Returns where it went and how many units it has per language.
    """
    data = _read_bytes(file)
    content = import_tmx(data, str(file), source_language=config.source.tag,
                         languages=[t.tag for t in config.targets])
    target = config.root / stored_name(file.name)
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(target, data)
    return target, dict(content.counts)
