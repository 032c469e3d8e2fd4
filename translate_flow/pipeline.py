"""The pipeline: the stages run over a project on disk.

This is the only module, with the command line, that touches the file system. Every file
is written atomically (a temporary file in the same folder, then a rename) and only when
its content changes, so a re-run with nothing new leaves bytes and mtimes alone.
"""

from __future__ import annotations

import copy
import os
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .assemble import AssembleOptions, Rejection, assemble
from .catalog import Catalog, Counts, counts, make_template, now_stamp, read_po, translations, update, write_po
from .config import Config
from .errors import CatalogError, InputError, TranslateFlowError
from .htmldoc import Page, parse_html, serialize
from .languages import Language
from .segment import Segment, SegmentOptions, segment_page

__all__ = [
    "Article",
    "BuildReport",
    "CatalogStats",
    "ExtractReport",
    "Problem",
    "WriteResult",
    "articles",
    "atomic_write",
    "build",
    "extract",
    "stats",
]

GENERATOR = f"translate-flow {__version__}"
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


def atomic_write(path: Path, text: str) -> str:
    """Write *text* to *path* unless it already holds exactly that; return the status.

    The new content goes to a temporary file next to *path* and is renamed over it, so a
    reader (or a crash) never sees a half-written file.
    """
    data = text.encode("utf-8")
    try:
        return _atomic_write(path, data)
    except OSError as exc:
        # A folder where the file should go, a file where a folder should, no space left.
        raise InputError(f"{path}: cannot write ({exc.strerror or exc})") from None


def _atomic_write(path: Path, data: bytes) -> str:
    try:
        if path.read_bytes() == data:
            return "unchanged"
        status = "updated"
    except FileNotFoundError:
        status = "created"
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return status


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
    config: Config, *, only: Sequence[str] = (), languages: Sequence[str] = ()
) -> ExtractReport:
    """Segment the articles into templates and update each language's catalog.

    An article or catalog that cannot be read is reported and skipped; its files are left
    exactly as they were.
    """
    targets = _targets(config, languages)
    files: list[WriteResult] = []
    problems: list[Problem] = []
    warnings: list[str] = []
    total = 0
    for article in articles(config, only):
        try:
            page = _load_page(article)
        except TranslateFlowError as exc:
            problems.append(_problem(article.reference, exc))
            continue
        warnings.extend(page.warnings)
        segments = segment_page(page.tree, _segment_options(config))
        total += len(segments)
        pot = template_path(config, article)
        try:
            template, status = _write_template(config, article, segments, pot)
        except TranslateFlowError as exc:
            problems.append(Problem(_shown(config, pot), str(exc)))
            continue
        files.append(WriteResult(pot, status))
        for language in targets:
            po = catalog_path(config, article, language)
            shown = _shown(config, po)
            try:
                existing = _read_catalog(po, shown)
            except TranslateFlowError as exc:
                problems.append(_problem(shown, exc))
                continue
            merged = update(
                existing or Catalog(), template, language, similarity=config.extract.similarity
            )
            files.append(WriteResult(po, atomic_write(po, write_po(merged))))
    return ExtractReport(tuple(files), total, tuple(problems), tuple(warnings))


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
) -> BuildReport:
    """Write ``build/<lang>/<slug>.html`` for each article and language from the catalogs.

    Pages below *min_complete* percent are skipped; a translation whose tags differ from
    its source is reported and the source text used in its place.
    """
    targets = _targets(config, languages)
    use_fuzzy = config.build.use_fuzzy if use_fuzzy is None else use_fuzzy
    threshold = config.build.min_complete if min_complete is None else min_complete
    pages: list[BuiltPage] = []
    problems: list[Problem] = []
    warnings: list[str] = []
    for article in articles(config, only):
        try:
            source = _load_page(article)
        except TranslateFlowError as exc:
            problems.append(_problem(article.reference, exc))
            continue
        warnings.extend(source.warnings)
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
            tree = copy.deepcopy(source.tree)
            result = assemble(tree, translations(catalog, use_fuzzy=use_fuzzy), options)
            problems.extend(_rejection_problems(article, catalog, shown, result.rejections))
            out = page_path(config, article, language)
            status = atomic_write(out, serialize(result.html_tree, doctype=source.has_doctype))
            pages.append(
                BuiltPage(article.slug, language.tag, out, status, complete, result.segments, result.translated)
            )
    return BuildReport(tuple(pages), tuple(problems), tuple(warnings))


def _completeness(catalog: Catalog, use_fuzzy: bool) -> float:
    tally = counts(catalog)
    if not tally.total_words:
        return 100.0
    published = tally.translated_words + (tally.fuzzy_words if use_fuzzy else 0)
    return 100.0 * published / tally.total_words


def _rejection_problems(
    article: Article, catalog: Catalog, shown: str, rejections: Sequence[Rejection]
) -> list[Problem]:
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
