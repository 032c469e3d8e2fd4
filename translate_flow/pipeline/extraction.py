"""``extract``: source pages into templates, templates into each language's catalog."""

from __future__ import annotations

import sys
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import sentencex
from lxml import etree

from .. import __version__
from ..cache import digest
from ..catalog import Catalog, make_template, now_stamp, read_po, update, write_po
from ..config import Config
from ..errors import CatalogError, Problem, TranslateFlowError
from ..fsio import atomic_write
from ..htmldoc import Page
from ..languages import Language
from ..project import (
    Article, WriteResult, articles, catalog_path, open_catalog, read_page, read_segmentation, shown, targets,
    template_path, write_catalog, write_segmentation,
)
from ..segment import Segment, SegmentOptions, Slot, locate, segments_of
from ..slots import bind, plain
from .workers import each

__all__ = ["GENERATOR", "ExtractReport", "Segmentation", "extract", "segment_options", "segmentation"]

GENERATOR = f"translate-flow {__version__}"


@dataclass(frozen=True)
class ExtractReport:
    """What ``extract`` did."""

    files: tuple[WriteResult, ...] = ()
    segments: int = 0
    problems: tuple[Problem, ...] = ()
    warnings: tuple[str, ...] = ()


def segment_options(config: Config) -> SegmentOptions:
    """How the project's pages are segmented (extract and build must agree)."""
    return SegmentOptions(config.source.tag, config.extract.skip_foreign)


@dataclass(frozen=True)
class Segmentation:
    """A page's slots, bound to its tree, and as plain data to bind to copies of the tree."""

    slots: list[Slot]
    data: Any

    def on(self, tree: etree._ElementTree) -> list[Slot]:
        """The slots bound to *tree*, a deep copy of the page's tree."""
        return bind(self.data, tree)


def segmentation(config: Config, article: Article, page: Page) -> Segmentation:
    """The slots of *article*'s *page*: kept from an earlier extract or build of the same
    bytes (with the same code and options), else located now and kept for the next one."""
    options = segment_options(config)
    key = digest(_code_identity(), page.digest, options)
    data = read_segmentation(config, article, key)
    if data is not None:
        try:
            return Segmentation(bind(data, page.tree), data)
        except ValueError:
            pass  # damaged: located again below, and kept anew
    slots = locate(page.tree, options)
    data = plain(slots, page.tree)
    write_segmentation(config, article, key, data)
    return Segmentation(slots, data)


@cache
def _code_identity() -> tuple[object, ...]:
    """What else decides a page's segmentation: this code and the sentence splitter's (each
    file's size and time, so an edited, upgraded or reinstalled module counts), the
    parser's versions, and Python's (its Unicode tables class the characters)."""
    package = Path(__file__).resolve().parent.parent
    files = [*sorted(package.rglob("*.py")), *sorted(Path(sentencex.__file__).parent.glob("*.*"))]
    stats = [(p.name, s.st_size, s.st_mtime_ns) for p in files if (s := p.stat())]
    return (__version__, etree.LXML_VERSION, etree.LIBXML_VERSION, sys.version, unicodedata.unidata_version,
            stats)


def extract(
    config: Config, *, only: Sequence[str] = (), languages: Sequence[str] = (), workers: int = 0
) -> ExtractReport:
    """Segment the articles into templates and update each language's catalog.

    An article or catalog that cannot be read is reported and skipped; its files are left
    exactly as they were. Articles are shared among *workers* processes (0: one per core)
    when there are enough of them.
    """
    chosen = targets(config, languages)
    parts = each(lambda article: _extract_article(config, article, chosen), articles(config, only), workers)
    return ExtractReport(
        tuple(f for p in parts for f in p.files), sum(p.segments for p in parts),
        tuple(x for p in parts for x in p.problems), tuple(w for p in parts for w in p.warnings),
    )


def _extract_article(config: Config, article: Article, languages: Sequence[Language]) -> ExtractReport:
    try:
        page = read_page(article)
    except TranslateFlowError as exc:
        return ExtractReport(problems=(Problem.of(exc, article.reference),))
    segments = segments_of(segmentation(config, article, page).slots)
    pot = template_path(config, article)
    try:
        template, written = _write_template(config, article, segments, pot)
    except TranslateFlowError as exc:
        return ExtractReport(segments=len(segments), problems=(Problem.of(exc, shown(config, pot)),),
                             warnings=page.warnings)
    files = [written]
    problems: list[Problem] = []
    for language in languages:
        po = catalog_path(config, article, language)
        existing = open_catalog(config, po, missing_ok=True)
        if isinstance(existing, Problem):
            problems.append(existing)
            continue
        merged = update(existing, template, language, similarity=config.extract.similarity)
        files.append(write_catalog(po, merged))
    return ExtractReport(tuple(files), len(segments), tuple(problems), page.warnings)


def _write_template(
    config: Config, article: Article, segments: Sequence[Segment], path: Path
) -> tuple[Catalog, WriteResult]:
    """Write the template, keeping its creation date when nothing else changed.

    A template is generated, never edited: one that cannot be parsed is simply replaced.
    """
    try:
        old_text: str | None = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        old_text = None
    try:
        existing = read_po(old_text, shown(config, path)) if old_text else None
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
            return template, WriteResult(path, "unchanged")
    template, text = render(now_stamp())
    # A template is made again by the next extract: no wait for the disk.
    return template, WriteResult(path, atomic_write(path, text, durable=False))
