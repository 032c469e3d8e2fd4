"""``tm``: the project's translation memory in and out as TMX."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from ..catalog import Catalog
from ..config import Config
from ..fsio import read_bytes
from ..memory import TranslationMemory, export_tmx, import_tmx, signature
from ..project import articles, catalog_loader, catalog_path, import_memory_file, memory_index_path, shown, targets
from .translation import imported_memories

__all__ = ["export_memory", "import_memory"]


def export_memory(config: Config, languages: Sequence[str] = ()) -> tuple[str, int]:
    """The project's reviewed translations (catalogs and imported memories) as TMX 1.4.

    Returns the TMX text and how many translation units it holds.
    """
    chosen = targets(config, languages)
    with TranslationMemory(memory_index_path(config)) as memory:
        memory.refresh_tmx(imported_memories(config))
        for language in chosen:
            sources: dict[str, tuple[int, int, Callable[[], Catalog]]] = {}
            for article in articles(config):
                path = catalog_path(config, article, language)
                if path.is_file():
                    sources[shown(config, path)] = (*signature(path), catalog_loader(config, path))
            memory.refresh(language.tag, sources)
        units = memory.units([t.tag for t in chosen], imported=True)
    text = export_tmx(units, source_language=config.source.tag, languages=[t.tag for t in chosen])
    return text, len(units)


def import_memory(config: Config, file: Path) -> tuple[Path, dict[str, int]]:
    """Check a TMX file and keep it in the project's ``memory/`` folder, as it is.

    Returns where it went and how many units it has per language.
    """
    data = read_bytes(file)
    content = import_tmx(data, str(file), source_language=config.source.tag,
                         languages=[t.tag for t in config.targets])
    return import_memory_file(config, file.name, data), dict(content.counts)
