"""Translation memory: reviewed translations of the whole project, found again by text.

What goes in: **reviewed** entries only (translated, not fuzzy, not obsolete) whose
numbered tags agree with their msgid, per language, with where they came from (the
catalog's shown path, or the TMX file's). What comes out: the reviewed translation of the
identical text (:meth:`TranslationMemory.exact`), or close matches at or above a threshold
(:meth:`TranslationMemory.fuzzy`), scored by :func:`similarity`.

One module per job:

- :mod:`.units`: the data (:class:`Unit`, :class:`Match`) and the units of a catalog;
- :mod:`.scoring`: tokenizing, :func:`similarity`, :func:`retag`;
- :mod:`.store`: the SQLite file, its schema, rebuilt when missing, old or corrupt;
- :mod:`.writer`: bringing the index up to date with the files (:class:`RefreshReport`);
- :mod:`.search`: exact and fuzzy look-ups over the index;
- :mod:`.index`: :class:`TranslationMemory`, the one object callers use;
- :mod:`.tmx`: TMX 1.4 export, reading and import.

How the command line uses it (``translate-flow tm``)::

    translate-flow tm export FILE [--lang ru ...]
        memory.refresh(...) for each language, then
        write export_tmx(memory.units(languages), source_language=..., languages=...)
    translate-flow tm import FILE
        content = import_tmx(data, FILE, source_language=..., languages=...)
        keep the file in the project (translate_flow.project.import_memory_file), report content.counts

and before translating, per language::

    with TranslationMemory(project.memory_index_path(config)) as memory:
        memory.refresh_tmx({shown: (*signature(path), lambda: parse_tmx(...)) for memory/*.tmx})
        memory.refresh(lang, {shown: (*signature(path), lambda: read_po(...)) for each .po})
        memory.exact(lang, msgctxt, msgid) or memory.fuzzy(lang, msgid, exclude_origin=shown)

The library never prints; it returns what it did (:class:`RefreshReport`,
:class:`TmxContent`) for the command line to report.
"""

from __future__ import annotations

from .index import (
    DEFAULT_LIMIT,
    DEFAULT_THRESHOLD,
    Sources,
    TmxSources,
    TranslationMemory,
    signature,
)
from .scoring import TAG_PENALTY, retag, similarity
from .store import SCHEMA_VERSION
from .tmx import TMX_VERSION, TmxContent, export_tmx, import_tmx, parse_tmx, read_tmx
from .units import Match, Unit, reviewed_units
from .writer import RefreshReport

__all__ = [
    "DEFAULT_LIMIT",
    "DEFAULT_THRESHOLD",
    "SCHEMA_VERSION",
    "TAG_PENALTY",
    "TMX_VERSION",
    "Match",
    "RefreshReport",
    "Sources",
    "TmxContent",
    "TmxSources",
    "TranslationMemory",
    "Unit",
    "export_tmx",
    "import_tmx",
    "parse_tmx",
    "read_tmx",
    "retag",
    "reviewed_units",
    "signature",
    "similarity",
]
