"""The SQLite file under the memory: its schema, and keeping it usable whatever happens to it.

The index is a cache of the project's files, so nothing that happens to the file is an
error for the user: :class:`IndexStore` creates it when missing, rebuilds it when it is
of an older schema or corrupt, reopens it when it was deleted or replaced while open,
and keeps it in memory when it cannot be written (a read-only project). After a rebuild
it calls back so that the memory can put back what it had indexed.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from .. import __version__

__all__ = ["SCHEMA_VERSION", "IndexStore", "chunks", "is_corruption", "marks"]

SCHEMA_VERSION = 2  # bump whenever the tables or the tokenization change: the index is rebuilt

_T = TypeVar("_T")
_CHUNK = 500  # bound parameters per statement, well under any SQLite's limit

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE sources (
    id INTEGER PRIMARY KEY,
    scope TEXT NOT NULL,            -- 'po:<language>' or 'tmx'
    origin TEXT NOT NULL,           -- the file's shown path
    mtime_ns INTEGER NOT NULL,
    size INTEGER NOT NULL,
    UNIQUE (scope, origin)
);
CREATE TABLE segments (             -- distinct source texts, shared by every language
    id INTEGER PRIMARY KEY,
    text TEXT NOT NULL UNIQUE,
    length INTEGER NOT NULL         -- word and punctuation tokens
);
CREATE TABLE units (
    id INTEGER PRIMARY KEY,
    source_id INTEGER NOT NULL,
    segment INTEGER NOT NULL,
    language TEXT NOT NULL,
    msgctxt TEXT,
    target TEXT NOT NULL
);
CREATE INDEX units_by_segment ON units (segment, language);
CREATE INDEX units_by_source ON units (source_id);
CREATE TABLE words (                -- case-folded words; df: segments that hold them
    id INTEGER PRIMARY KEY,
    text TEXT NOT NULL UNIQUE,
    df INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE postings (
    word INTEGER NOT NULL,
    length INTEGER NOT NULL,
    segment INTEGER NOT NULL,
    PRIMARY KEY (word, length, segment)
) WITHOUT ROWID;
"""

_CORRUPT_CODES = {11, 26}  # SQLITE_CORRUPT, SQLITE_NOTADB
_CORRUPT_WORDS = ("malformed", "not a database", "no such table", "no such column", "file is encrypted")


def is_corruption(exc: sqlite3.DatabaseError) -> bool:
    """True when *exc* says the index file is damaged (rather than busy or misused)."""
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int) and (code & 0xFF) in _CORRUPT_CODES:
        return True
    text = str(exc).lower()
    return any(word in text for word in _CORRUPT_WORDS)


def chunks(items: Sequence[_T], size: int = _CHUNK) -> Iterator[Sequence[_T]]:
    """*items* in slices small enough to bind as one statement's parameters."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def marks(count: int) -> str:
    """``?,?,…``: *count* parameter marks for an ``IN (…)`` list."""
    return ",".join("?" * count)


class IndexStore:
    """One connection to the index file (or to an index in memory), kept usable.

    *path* ``None`` keeps the index in memory. When the file cannot be created (a
    read-only project) the index is kept in memory too, and :attr:`persistent` is False.
    :attr:`reset_reason` says why the index started empty: ``"new"``, ``"schema"`` (an
    older schema version), ``"corrupt"`` or ``"missing"`` (deleted while open); None when
    an existing index was opened as it was. *on_reset* is called after the index started
    over while open.
    """

    def __init__(self, path: str | os.PathLike[str] | None, on_reset: Callable[[], None]) -> None:
        self.path = Path(path) if path is not None else None
        self.persistent = self.path is not None
        self.reset_reason: str | None = None
        self._on_reset = on_reset
        self._identity: tuple[int, int] | None = None
        self.connection = self._open()

    def close(self) -> None:
        """Close the connection (the index stays on disk)."""
        self.connection.close()

    def _connect(self) -> sqlite3.Connection:
        if self.path is None or not self.persistent:
            return sqlite3.connect(":memory:", isolation_level=None)
        connection: sqlite3.Connection | None = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            connection.execute("PRAGMA journal_mode=WAL")
        except (OSError, sqlite3.OperationalError) as exc:
            if connection is not None:
                connection.close()
            if isinstance(exc, sqlite3.DatabaseError) and is_corruption(exc):
                raise
            self.persistent = False  # a read-only project: keep the index for this run only
            return sqlite3.connect(":memory:", isolation_level=None)
        return connection

    def _open(self, reason: str | None = None) -> sqlite3.Connection:
        """Connect and make sure the schema is current; *reason* says why it starts over."""
        for attempt in range(2):
            connection: sqlite3.Connection | None = None
            try:
                connection = self._connect()
                connection.execute("PRAGMA synchronous=NORMAL")
                connection.execute("PRAGMA temp_store=MEMORY")
                connection.execute("PRAGMA cache_size=-16000")
                created = self._prepare(connection)
                self.reset_reason = reason or created
                self._identity = self._file_identity()
                return connection
            except BaseException as exc:
                if connection is not None:
                    connection.close()
                if attempt or not isinstance(exc, sqlite3.DatabaseError) or not is_corruption(exc):
                    raise
                self._delete_files()
                reason = "corrupt"
        raise AssertionError("unreachable")  # pragma: no cover

    @staticmethod
    def _version(connection: sqlite3.Connection) -> tuple[str | None, set[str]]:
        tables = {
            row[0] for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        }
        if "meta" not in tables:
            return None, tables
        row = connection.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        return (str(row[0]) if row else None), tables

    def _prepare(self, connection: sqlite3.Connection) -> str | None:
        """Create the schema unless it is the current one: None, or "new" or "schema"."""
        if self._version(connection)[0] == str(SCHEMA_VERSION):
            return None
        connection.execute("BEGIN IMMEDIATE")
        try:
            version, tables = self._version(connection)  # again, now that no one else writes
            if version == str(SCHEMA_VERSION):
                connection.execute("COMMIT")
                return None
            for name in sorted(tables):
                connection.execute(f'DROP TABLE IF EXISTS "{name}"')
            for statement in _SCHEMA.split(";\n"):
                if statement.strip():
                    connection.execute(statement)
            connection.execute("INSERT INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
            connection.execute("INSERT INTO meta VALUES ('creator', ?)", (f"translate-flow {__version__}",))
            connection.execute("COMMIT")
        except BaseException:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise
        return "schema" if tables else "new"

    def _delete_files(self) -> None:
        if self.path is None:
            return
        for suffix in ("", "-wal", "-shm", "-journal"):
            try:
                os.unlink(f"{self.path}{suffix}")
            except FileNotFoundError:
                pass
            except OSError:
                self.persistent = False

    def _file_identity(self) -> tuple[int, int] | None:
        if self.path is None or not self.persistent:
            return None
        try:
            status = os.stat(self.path)
        except OSError:
            return None
        return (status.st_dev, status.st_ino)

    def _reset(self, reason: str, *, delete: bool) -> None:
        """Start over with an empty index, then let the owner put back what it had indexed."""
        try:
            self.connection.close()
        except sqlite3.Error:
            pass
        if delete:
            self._delete_files()
        self.connection = self._open(reason)
        self._on_reset()

    def check_file(self) -> None:
        """Reopen when the index file was deleted or replaced since it was opened."""
        if self.path is None or not self.persistent:
            return
        if self._file_identity() != self._identity:
            self._reset("missing", delete=False)

    def guarded(self, action: Callable[[], _T]) -> _T:
        """Run *action*; on a corrupt index, rebuild it and run *action* again."""
        try:
            return action()
        except sqlite3.DatabaseError as exc:
            if not is_corruption(exc):
                raise
            if self.connection.in_transaction:
                try:
                    self.connection.execute("ROLLBACK")
                except sqlite3.Error:
                    pass
        self._reset("corrupt", delete=True)
        return action()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """The connection inside one write transaction, rolled back on any exception."""
        connection = self.connection
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield connection
        except BaseException:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")
