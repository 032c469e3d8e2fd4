"""``stats``: how far each catalog is, from the catalogs on disk."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..catalog import Counts, counts
from ..config import Config
from ..errors import Problem
from ..project import articles, catalog_path, open_catalog, targets

__all__ = ["CatalogStats", "stats"]


@dataclass(frozen=True)
class CatalogStats:
    """Counts for one catalog."""

    article: str
    language: str
    path: Path
    counts: Counts = field(default_factory=Counts)


def stats(
    config: Config, *, only: Sequence[str] = (), languages: Sequence[str] = ()
) -> tuple[list[CatalogStats], list[Problem]]:
    """Counts per article and language, and the catalogs that could not be read."""
    results: list[CatalogStats] = []
    problems: list[Problem] = []
    for article in articles(config, only):
        for language in targets(config, languages):
            po = catalog_path(config, article, language)
            catalog = open_catalog(config, po)
            if isinstance(catalog, Problem):
                problems.append(catalog)
                continue
            results.append(CatalogStats(article.slug, language.tag, po, counts(catalog)))
    return results, problems
