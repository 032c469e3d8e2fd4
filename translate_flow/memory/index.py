"""The project's translation memory: an SQLite index of its reviewed translations.

The ``.po`` catalogs (and the TMX files imported into ``memory/``) stay the source of
truth. :class:`TranslationMemory` keeps an index of them, by default
``<project>/.translate-flow/memory.sqlite``: a cache brought up to date from the files on
every :meth:`~TranslationMemory.refresh`, re-reading only the files whose signature
changed (:mod:`.writer`), rebuilt from scratch when it is missing, deleted, corrupt or of
an older schema (:mod:`.store`), and searched by :mod:`.search`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from types import TracebackType

from ..catalog import Catalog
from ..errors import TranslateFlowError
from . import search
from .store import IndexStore
from .units import Match, Unit, catalog_units
from .writer import Entries, Loader, RefreshReport, refresh_scope

__all__ = [
    "DEFAULT_LIMIT",
    "DEFAULT_THRESHOLD",
    "Sources",
    "TmxSources",
    "TranslationMemory",
    "signature",
]

DEFAULT_THRESHOLD = 0.75
DEFAULT_LIMIT = 3

Sources = Mapping[str, tuple[int, int, Callable[[], Catalog]]]
TmxSources = Mapping[str, tuple[int, int, Callable[[], Iterable[Unit]]]]


def signature(path: str | os.PathLike[str]) -> tuple[int, int]:
    """A file's (mtime_ns, size), the signature :meth:`TranslationMemory.refresh` compares."""
    status = os.stat(path)
    return (status.st_mtime_ns, status.st_size)


class TranslationMemory:
    """The project's translation memory over one SQLite file (one connection).

    *path* ``None`` keeps the index in memory. When the file cannot be created (a
    read-only project) the index is kept in memory too, and :attr:`persistent` is False.
    :attr:`reset_reason` says why the index started empty: ``"new"``, ``"schema"`` (an
    older schema version), ``"corrupt"`` or ``"missing"`` (deleted while open); None when
    an existing index was opened as it was. Use it as a context manager: the connection
    is closed however the block ends.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self._inputs: dict[str, Entries] = {}  # what each scope was last refreshed from
        self._store = IndexStore(path, self._replay)

    @property
    def path(self) -> Path | None:
        """The index file; None for an index in memory only."""
        return self._store.path

    @property
    def persistent(self) -> bool:
        """False when the index lives in memory only (asked for, or a read-only project)."""
        return self._store.persistent

    @property
    def reset_reason(self) -> str | None:
        """Why the index last started empty (see the class), None if it did not."""
        return self._store.reset_reason

    # -- lifetime -----------------------------------------------------------------------

    def close(self) -> None:
        """Close the connection (the index stays on disk)."""
        self._store.close()

    def __enter__(self) -> TranslationMemory:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def _replay(self) -> None:
        """Put back what earlier refreshes indexed, after the index started over."""
        for scope, entries in list(self._inputs.items()):
            try:
                refresh_scope(self._store, scope, entries)
            except (TranslateFlowError, OSError):
                # A file broke since it was indexed: its scope stays empty until the
                # caller refreshes it again (and sees the error there, not in a lookup).
                del self._inputs[scope]

    # -- refreshing ---------------------------------------------------------------------

    def refresh(self, language: str, sources: Sources) -> RefreshReport:
        """Bring the language's catalogs up to date in the index, in one transaction.

        *sources* maps each catalog's shown path to its (mtime_ns, size) signature and a
        loader. Only catalogs whose signature changed are loaded (all before anything is
        written: a loader's error leaves the index as it was); catalogs of *language* not
        in *sources* are dropped.
        """
        entries: dict[str, tuple[int, int, Loader]] = {}
        for origin, (mtime_ns, size, load) in sources.items():
            entries[origin] = (mtime_ns, size, _catalog_loader(load, language, origin))
        return self._refresh(f"po:{language}", entries)

    def refresh_tmx(self, files: TmxSources) -> RefreshReport:
        """Bring the imported TMX files (``memory/*.tmx``) up to date in the index.

        As :meth:`refresh`, for every language at once: *files* maps each file's shown
        path to its signature and a loader of its units (:func:`~.tmx.parse_tmx`). Their
        units count as reviewed translations from that file.
        """
        entries: dict[str, tuple[int, int, Loader]] = {}
        for origin, (mtime_ns, size, load) in files.items():
            entries[origin] = (mtime_ns, size, _tmx_loader(load, origin))
        return self._refresh("tmx", entries)

    def _refresh(self, scope: str, entries: Entries) -> RefreshReport:
        self._store.check_file()
        report = self._store.guarded(lambda: refresh_scope(self._store, scope, entries))
        self._inputs[scope] = entries
        return report

    # -- looking up -----------------------------------------------------------------------

    def exact(
        self, language: str, msgctxt: str | None, msgid: str, *, exclude_origin: str | None = None
    ) -> Match | None:
        """The reviewed translation of *msgid* into *language*, or None.

        The same msgctxt is preferred, then any; among equals, the lexicographically
        first origin (then msgctxt, then translation), so the choice is deterministic.
        """
        return self._store.guarded(
            lambda: search.exact(self._store.connection, language, msgctxt, msgid, exclude_origin)
        )

    def fuzzy(
        self,
        language: str,
        msgid: str,
        *,
        threshold: float = DEFAULT_THRESHOLD,
        limit: int = DEFAULT_LIMIT,
        exclude_origin: str | None = None,
    ) -> list[Match]:
        """Translations into *language* of texts similar to *msgid*, best first.

        Every stored text scoring at least *threshold* (0 < threshold <= 1) by
        :func:`~.scoring.similarity` is considered; each distinct (source, translation)
        pair comes once, from its lexicographically first origin; at most *limit* of them,
        ordered by score, then source text, translation and origin. Units from
        *exclude_origin* (the catalog being translated) are left out. An identical text
        scores 1.0 too.
        """
        if not 0 < threshold <= 1:
            raise ValueError(f"threshold must be in (0, 1], not {threshold}")
        if limit <= 0:
            return []
        return self._store.guarded(
            lambda: search.fuzzy(self._store.connection, language, msgid, threshold, limit, exclude_origin)
        )

    def units(self, languages: Sequence[str] | None = None, *, imported: bool = False) -> list[Unit]:
        """Every stored unit (of *languages*, when given), sorted; from catalogs only
        unless *imported*: the project's own reviewed translations, as ``tm export`` writes them."""
        return self._store.guarded(lambda: search.units(self._store.connection, languages, imported))

    def count(self, language: str | None = None) -> int:
        """How many units the index holds (of *language*, when given)."""
        return self._store.guarded(lambda: search.count(self._store.connection, language))


def _catalog_loader(load: Callable[[], Catalog], language: str, origin: str) -> Loader:
    def loader() -> tuple[list[Unit], list[str]]:
        return catalog_units(load(), language, origin)

    return loader


def _tmx_loader(load: Callable[[], Iterable[Unit]], origin: str) -> Loader:
    def loader() -> tuple[list[Unit], list[str]]:
        units = [
            Unit(u.source, u.language, u.target, u.msgctxt, origin) for u in load() if u.source and u.target
        ]
        return units, []

    return loader
