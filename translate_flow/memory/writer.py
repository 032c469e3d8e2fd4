"""Bringing the index up to date with the files: what changed, read, and written in one go.

A *scope* is a set of files indexed together (a language's catalogs, ``po:<language>``,
or the imported TMX files, ``tmx``). :func:`refresh_scope` re-reads only the files whose
(mtime_ns, size) signature changed, drops those that are gone, and writes the result in
one transaction, keeping the inverted index of words (``postings``) and the words'
segment counts (``df``) right.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from .scoring import analyse, index_keys
from .store import IndexStore, chunks, marks
from .units import Unit

__all__ = ["Entries", "Loader", "RefreshReport", "refresh_scope"]

Loader = Callable[[], tuple[list[Unit], list[str]]]  # units, and "origin:line: why" for those left out
Entries = Mapping[str, tuple[int, int, Loader]]  # origin: (mtime_ns, size, loader)


@dataclass(frozen=True)
class RefreshReport:
    """What one refresh did."""

    read: tuple[str, ...] = ()  # origins (re-)indexed, new or changed
    dropped: tuple[str, ...] = ()  # origins no longer present, removed from the index
    units: int = 0  # translations added from the files read
    skipped: tuple[str, ...] = ()  # "origin:line: why" for reviewed entries left out

    @property
    def changed(self) -> bool:
        """True when the index changed."""
        return bool(self.read or self.dropped)


def refresh_scope(store: IndexStore, scope: str, entries: Entries) -> RefreshReport:
    """Make the index's files of *scope* those of *entries*, reading only what changed."""
    known, changed, dropped = _plan(store.connection, scope, entries)
    if not changed and not dropped:
        return RefreshReport()
    # Files are read before the write lock is taken, and a loader's error leaves the
    # index untouched; the plan is made again under the lock, in case another process
    # refreshed the same index meanwhile.
    loaded: dict[str, tuple[list[Unit], list[str]]] = {origin: entries[origin][2]() for origin in changed}
    added = 0
    skipped: list[str] = []
    with store.transaction() as connection:
        known, changed, dropped = _plan(connection, scope, entries)
        for origin in changed:
            if origin not in loaded:
                loaded[origin] = entries[origin][2]()
            skipped.extend(loaded[origin][1])
        writer = _Writer(connection)
        for origin in dropped + [o for o in changed if o in known]:
            writer.remove_source(known[origin][0])
        for origin in changed:
            mtime_ns, size, _ = entries[origin]
            source_id = connection.execute(
                "INSERT INTO sources (scope, origin, mtime_ns, size) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (scope, origin) DO UPDATE SET mtime_ns = excluded.mtime_ns, size = excluded.size "
                "RETURNING id",
                (scope, origin, mtime_ns, size),
            ).fetchone()[0]
            added += writer.add_units(source_id, loaded[origin][0])
        writer.finish()
    return RefreshReport(tuple(changed), tuple(dropped), added, tuple(skipped))


def _plan(
    connection: sqlite3.Connection, scope: str, entries: Entries
) -> tuple[dict[str, tuple[int, int, int]], list[str], list[str]]:
    """The indexed files of *scope* (origin: id, mtime_ns, size), those to read, those to drop."""
    known = {
        origin: (source_id, mtime_ns, size)
        for source_id, origin, mtime_ns, size in connection.execute(
            "SELECT id, origin, mtime_ns, size FROM sources WHERE scope = ?", (scope,)
        )
    }
    changed = sorted(
        origin for origin, (mtime_ns, size, _) in entries.items()
        if origin not in known or known[origin][1:] != (mtime_ns, size)
    )
    return known, changed, sorted(set(known) - set(entries))


class _Writer:
    """Writes units into the index inside one transaction; keeps word counts right."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection
        self.word_ids: dict[str, int] | None = None
        self.segment_ids: dict[str, int] = {}
        self.orphans: set[int] = set()  # segments that lost units: removed if none are left
        self.df: Counter[int] = Counter()

    def _words(self) -> dict[str, int]:
        if self.word_ids is None:
            self.word_ids = {text: word_id for text, word_id in self.connection.execute("SELECT text, id FROM words")}
        return self.word_ids

    def remove_source(self, source_id: int) -> None:
        self.orphans.update(
            segment for (segment,) in self.connection.execute(
                "SELECT DISTINCT segment FROM units WHERE source_id = ?", (source_id,)
            )
        )
        self.connection.execute("DELETE FROM units WHERE source_id = ?", (source_id,))
        self.connection.execute("DELETE FROM sources WHERE id = ?", (source_id,))

    def _segment(self, text: str) -> int:
        known = self.segment_ids.get(text)
        if known is not None:
            return known
        row = self.connection.execute("SELECT id FROM segments WHERE text = ?", (text,)).fetchone()
        if row is not None:
            self.segment_ids[text] = row[0]
            return int(row[0])
        analysed = analyse(text)
        length = len(analysed.words)
        segment_id = int(
            self.connection.execute(
                "INSERT INTO segments (text, length) VALUES (?, ?) RETURNING id", (text, length)
            ).fetchone()[0]
        )
        words = self._words()
        postings = []
        for key in index_keys(analysed):
            word_id = words.get(key)
            if word_id is None:
                word_id = int(
                    self.connection.execute("INSERT INTO words (text) VALUES (?) RETURNING id", (key,)).fetchone()[0]
                )
                words[key] = word_id
            postings.append((word_id, length, segment_id))
            self.df[word_id] += 1
        self.connection.executemany("INSERT INTO postings VALUES (?, ?, ?)", postings)
        self.segment_ids[text] = segment_id
        return segment_id

    def add_units(self, source_id: int, units: Sequence[Unit]) -> int:
        rows = [(source_id, self._segment(u.source), u.language, u.msgctxt, u.target) for u in units]
        self.connection.executemany(
            "INSERT INTO units (source_id, segment, language, msgctxt, target) VALUES (?, ?, ?, ?, ?)", rows
        )
        return len(rows)

    def finish(self) -> None:
        """Remove segments no unit uses any more, with their postings; store word counts."""
        orphans = sorted(self.orphans)
        gone: list[tuple[int, str, int]] = []
        for chunk in chunks(orphans):
            gone.extend(
                self.connection.execute(
                    f"SELECT id, text, length FROM segments WHERE id IN ({marks(len(chunk))}) "
                    "AND NOT EXISTS (SELECT 1 FROM units WHERE units.segment = segments.id)",
                    tuple(chunk),
                )
            )
        if gone:
            words = self._words()
            postings = []
            for segment_id, text, length in gone:
                for key in index_keys(analyse(text)):
                    word_id = words.get(key)
                    if word_id is not None:
                        postings.append((word_id, length, segment_id))
                        self.df[word_id] -= 1
            self.connection.executemany(
                "DELETE FROM postings WHERE word = ? AND length = ? AND segment = ?", postings
            )
            self.connection.executemany("DELETE FROM segments WHERE id = ?", [(g[0],) for g in gone])
        self.connection.executemany(
            "UPDATE words SET df = df + ? WHERE id = ?",
            [(delta, word_id) for word_id, delta in self.df.items() if delta],
        )
