"""Translation memory: reviewed translations of the whole project, found again by text.

The ``.po`` catalogs (and the TMX files imported into ``memory/``) stay the source of
truth. :class:`TranslationMemory` keeps an index of them in SQLite, by default
``<project>/.translate-flow/memory.sqlite``: a cache that is brought up to date from the
files on every :meth:`~TranslationMemory.refresh`, re-reading only the files whose
(mtime_ns, size) signature changed, and that is silently rebuilt from scratch when it is
missing, deleted, corrupt or of an older schema. Nothing here is ever an error for the
user except a broken input file.

What goes in: **reviewed** entries only (translated, not fuzzy, not obsolete) whose
numbered tags agree with their msgid, per language, with where they came from (the
catalog's shown path, or the TMX file's). What comes out:

- :meth:`~TranslationMemory.exact`: the reviewed translation of the identical text,
  preferring the same msgctxt; ties go to the lexicographically first origin.
- :meth:`~TranslationMemory.fuzzy`: close matches at or above a threshold (75 % by
  default), best first, each distinct translation once, scored by :func:`similarity`.

The score (:func:`similarity`) is a token-based Levenshtein ratio, as CAT tools compute
fuzzy-match percentages: texts are split into words (each CJK character is a word) and
punctuation marks; ``1 - distance / max(len_a, len_b)`` on those tokens, case-sensitive.
Numbered tags are not words: they are compared apart with their numbers removed
(``<a1>`` and ``<a3>`` are the same tag), and each tag edit costs one point (0.01), so a
text that differs from a stored one only in markup scores 0.98 or so, never 1.0.

Fuzzy candidates come from an inverted index of words in SQLite (``postings``: word,
length in tokens, segment), never a scan of the memory: a text scoring at least *t* must
share at least ``ceil(t * n)`` of the *n* (case-folded) words of the query and have
between ``ceil(t * n)`` and ``floor(n / t)`` tokens, so it must contain one of the query's
``n - ceil(t * n) + 1`` rarest words ("prefix filtering"). Only the postings of those rare
words, in that length range, are read; the few candidates are then scored exactly. The
search is complete: no text at or above the threshold is missed.

TMX 1.4 (:func:`export_tmx`, :func:`read_tmx`, :func:`import_tmx`): one ``<tu>`` per
source text and msgctxt (``<prop type="x-context">``), one ``<tuv>`` per language with the
catalog it came from (``<prop type="x-origin">``). Numbered tags become TMX inline codes
(``<bpt i="1" x="1" type="link">&lt;a1&gt;</bpt>``, ``<ept i="1">&lt;/a1&gt;</ept>``,
``<ph x="2" type="lb">&lt;br2/&gt;</ph>``) so CAT tools show them as tags, and they are
read back to the same numbered-tag text; inline codes written by other tools become
``<g1>…</g1>`` and ``<x2/>`` tags.

How the command line uses it (``translate-flow tm``)::

    translate-flow tm export FILE [--lang ru ...]
        memory.refresh(...) for each language, then
        write export_tmx(memory.units(languages), source_language=..., languages=...)
    translate-flow tm import FILE
        content = import_tmx(data, FILE, source_language=..., languages=...)
        write the file's bytes to <project>/memory/<stored_name(FILE)>, report content.counts

and before translating, per language::

    memory = TranslationMemory(index_path(root))
    memory.refresh_tmx({shown: (*signature(path), lambda: parse_tmx(...)) for memory/*.tmx})
    memory.refresh(lang, {shown: (*signature(path), lambda: read_po(...)) for each .po})
    memory.exact(lang, msgctxt, msgid) or memory.fuzzy(lang, msgid, exclude_origin=shown)

The library never prints; it returns what it did (:class:`RefreshReport`,
:class:`TmxContent`) for the command line to report.
"""

from __future__ import annotations

import math
import os
import re
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar
from xml.sax.saxutils import escape as _xml_escape

from lxml import etree

from . import __version__
from .catalog import Catalog
from .errors import InputError, TranslateFlowError
from .markup import TAG_RE, TagMismatch, check_tags, collapse, escape_text, unescape_text

__all__ = [
    "DEFAULT_LIMIT",
    "DEFAULT_THRESHOLD",
    "IMPORT_FOLDER",
    "INDEX_PATH",
    "SCHEMA_VERSION",
    "Sources",
    "TmxSources",
    "Match",
    "RefreshReport",
    "TmxContent",
    "TranslationMemory",
    "Unit",
    "export_tmx",
    "import_tmx",
    "index_path",
    "parse_tmx",
    "read_tmx",
    "retag",
    "reviewed_units",
    "signature",
    "similarity",
    "stored_name",
]

SCHEMA_VERSION = 1  # bump whenever the tables or the tokenization change: the index is rebuilt
INDEX_PATH = Path(".translate-flow") / "memory.sqlite"  # relative to the project root
IMPORT_FOLDER = "memory"  # <project>/memory/*.tmx: imported memories, committed with the project
DEFAULT_THRESHOLD = 0.75
DEFAULT_LIMIT = 3
TAG_PENALTY = 0.01  # what each tag edit takes off a score
TMX_VERSION = "1.4"

_T = TypeVar("_T")
_EPSILON = 1e-9
_CHUNK = 500  # bound parameters per statement, well under any SQLite's limit


# --- data -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Unit:
    """One translation: a source-language text and its translation into *language*."""

    source: str  # source-language text, in msgid form (numbered tags, escaped text)
    language: str  # the target language's BCP 47 tag, as the project spells it
    target: str  # the translation, in msgstr form
    msgctxt: str | None = None
    origin: str = ""  # where it was read: a catalog's or a TMX file's shown path


@dataclass(frozen=True)
class Match:
    """A translation found in the memory for a text."""

    source: str  # the stored source text (the query itself for an exact match)
    target: str
    score: float  # 1.0 for an exact match; see :func:`similarity`
    origin: str
    msgctxt: str | None

    @property
    def percent(self) -> int:
        """The score as a whole percentage, rounded down (as CAT tools show it)."""
        return math.floor(self.score * 100 + _EPSILON)


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


@dataclass(frozen=True)
class TmxContent:
    """What a TMX file holds for the project."""

    units: tuple[Unit, ...]
    source_language: str
    counts: Mapping[str, int] = field(default_factory=dict)  # units per target language
    skipped: tuple[str, ...] = ()  # "file:line: why" for translations left out
    ignored_languages: tuple[str, ...] = ()  # languages in the file the project does not have


# --- scoring --------------------------------------------------------------------------------

_CJK = (
    "\u2e80-\u2fdf\u3005\u3007\u3021-\u3029\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uf900-\ufaff\U00020000-\U0002fa1f"
)
_TOKEN = re.compile(
    rf"(?P<tag>{TAG_RE.pattern})|[{_CJK}]|[^\W{_CJK}]+|[^\w\s]"
)
_TAG_NUMBER = re.compile(r"[0-9]+(?=/?>$)")


@dataclass(frozen=True)
class _Analysed:
    words: tuple[str, ...]  # words and punctuation, as written
    tags: tuple[str, ...]  # numbered tags without their numbers: "<a>", "</a>", "<br/>"
    folded: Counter[str]  # case-folded words with their counts


@lru_cache(maxsize=8192)
def _analyse(text: str) -> _Analysed:
    words: list[str] = []
    tags: list[str] = []
    for match in _TOKEN.finditer(text):
        if match.group("tag"):
            tags.append(_TAG_NUMBER.sub("", match.group(0)))
        else:
            words.append(match.group(0))
    return _Analysed(tuple(words), tuple(tags), Counter(w.casefold() for w in words))


def _index_keys(analysed: _Analysed) -> set[str]:
    """The index's words of a text: case-folded, the n-th repeat of a word as ``word\\x1fn``."""
    keys: set[str] = set()
    for word, count in analysed.folded.items():
        keys.add(word)
        keys.update(f"{word}\x1f{n}" for n in range(2, count + 1))
    return keys


def _distance(a: Sequence[str], b: Sequence[str], limit: int) -> int:
    """Levenshtein distance of two token sequences; anything over *limit* is ``limit + 1``."""
    if len(a) < len(b):
        a, b = b, a
    if len(a) - len(b) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, token in enumerate(a, 1):
        current = [i]
        best = i
        for j, other in enumerate(b, 1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (token != other))
            current.append(cost)
            if cost < best:
                best = cost
        if best > limit:
            return limit + 1
        previous = current
    return previous[-1]


def _score(query: _Analysed, other: _Analysed, threshold: float) -> float | None:
    """The similarity of two analysed texts, or None when it is below *threshold*."""
    longest = max(len(query.words), len(other.words))
    if longest == 0:
        word_score = 1.0
    else:
        allowed = math.floor((1 - threshold) * longest + _EPSILON)
        distance = _distance(query.words, other.words, allowed)
        if distance > allowed:
            return None
        word_score = 1 - distance / longest
    if query.tags != other.tags:
        tag_edits = _distance(query.tags, other.tags, max(len(query.tags), len(other.tags)))
        word_score = max(0.0, word_score - TAG_PENALTY * tag_edits)
    return word_score if word_score + _EPSILON >= threshold else None


def similarity(a: str, b: str) -> float:
    """The fuzzy-match score of two texts in msgid form, from 0 to 1.

    ``1 - d / max(n_a, n_b)`` where *d* is the Levenshtein distance between the texts'
    word and punctuation tokens (case-sensitive; a CJK character is a word) and *n* their
    token counts; less :data:`TAG_PENALTY` for each edit between their numbered tags,
    compared without numbers. Identical texts score 1.0.
    """
    score = _score(_analyse(a), _analyse(b), 0.0)
    return 0.0 if score is None else score


def retag(source: str, target: str, msgid: str) -> str | None:
    """Renumber *target*'s tags (a translation of *source*) for *msgid*, or None.

    A fuzzy match's translation carries its own source's tag numbers. When *msgid* has
    the same tags in the same order (numbers aside), the translation is given *msgid*'s
    numbers, so it passes :func:`~translate_flow.markup.check_tags`; otherwise None.
    """
    old = [m.group(2) for m in TAG_RE.finditer(source) if not m.group(1)]
    new = [m.group(2) for m in TAG_RE.finditer(msgid) if not m.group(1)]
    if _analyse(source).tags != _analyse(msgid).tags or len(set(old)) != len(old):
        return None
    mapping = dict(zip(old, new))

    def renumber(match: re.Match[str]) -> str:
        closing, key, slash = match.groups()
        return f"<{closing}{mapping.get(key, key)}{slash}>"

    result = TAG_RE.sub(renumber, target)
    try:
        check_tags(msgid, result)
    except TagMismatch:
        return None
    return result


# --- units from catalogs ----------------------------------------------------------------------


def _catalog_units(catalog: Catalog, language: str, origin: str) -> tuple[list[Unit], list[str]]:
    units: list[Unit] = []
    skipped: list[str] = []
    for message in catalog.messages:
        if message.obsolete or not message.reviewed or not message.msgid:
            continue
        try:
            check_tags(message.msgid, message.msgstr)
        except TagMismatch as exc:
            skipped.append(f"{origin}:{message.line}: the translation's tags differ from the source's ({exc})")
            continue
        units.append(Unit(message.msgid, language, message.msgstr, message.msgctxt, origin))
    return units, skipped


def reviewed_units(catalog: Catalog, language: str, origin: str) -> list[Unit]:
    """The units of a catalog's reviewed entries (translated, not fuzzy, not obsolete).

    Entries whose translation's numbered tags differ from the msgid's are left out: the
    memory offers only translations that can be built.
    """
    return _catalog_units(catalog, language, origin)[0]


# --- the index ----------------------------------------------------------------------------------

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

Sources = Mapping[str, tuple[int, int, Callable[[], Catalog]]]
TmxSources = Mapping[str, tuple[int, int, Callable[[], Iterable[Unit]]]]
_Loader = Callable[[], tuple[list[Unit], list[str]]]  # units, and "origin:line: why" for those left out
_Entries = Mapping[str, tuple[int, int, _Loader]]


def index_path(project_root: str | os.PathLike[str]) -> Path:
    """Where a project's memory index lives: ``<root>/.translate-flow/memory.sqlite``."""
    return Path(project_root) / INDEX_PATH


def signature(path: str | os.PathLike[str]) -> tuple[int, int]:
    """A file's (mtime_ns, size), the signature :meth:`TranslationMemory.refresh` compares."""
    status = os.stat(path)
    return (status.st_mtime_ns, status.st_size)


def _is_corruption(exc: sqlite3.DatabaseError) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int) and (code & 0xFF) in _CORRUPT_CODES:
        return True
    text = str(exc).lower()
    return any(word in text for word in _CORRUPT_WORDS)


def _chunks(items: Sequence[_T], size: int = _CHUNK) -> Iterator[Sequence[_T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _marks(count: int) -> str:
    return ",".join("?" * count)


class TranslationMemory:
    """The project's translation memory over one SQLite file (one connection).

    *path* ``None`` keeps the index in memory. When the file cannot be created (a
    read-only project) the index is kept in memory too, and :attr:`persistent` is False.
    :attr:`reset_reason` says why the index started empty: ``"new"``, ``"schema"`` (an
    older schema version), ``"corrupt"`` or ``"missing"`` (deleted while open); None when
    an existing index was opened as it was.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = Path(path) if path is not None else None
        self.persistent = self.path is not None
        self.reset_reason: str | None = None
        self._identity: tuple[int, int] | None = None
        self._inputs: dict[str, _Entries] = {}
        self._connection = self._open()

    # -- lifetime -----------------------------------------------------------------------

    def close(self) -> None:
        """Close the connection (the index stays on disk)."""
        self._connection.close()

    def __enter__(self) -> TranslationMemory:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _connect(self) -> sqlite3.Connection:
        if self.path is None or not self.persistent:
            return sqlite3.connect(":memory:", isolation_level=None)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            connection.execute("PRAGMA journal_mode=WAL")
        except (OSError, sqlite3.OperationalError) as exc:
            if isinstance(exc, sqlite3.DatabaseError) and _is_corruption(exc):
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
            except sqlite3.DatabaseError as exc:
                if connection is not None:
                    connection.close()
                if attempt or not _is_corruption(exc):
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
        """Start over with an empty index (then put back what earlier refreshes indexed)."""
        try:
            self._connection.close()
        except sqlite3.Error:
            pass
        if delete:
            self._delete_files()
        self._connection = self._open(reason)
        for scope, entries in list(self._inputs.items()):
            try:
                self._refresh_scope(scope, entries)
            except (TranslateFlowError, OSError):
                # A file broke since it was indexed: its scope stays empty until the
                # caller refreshes it again (and sees the error there, not in a lookup).
                del self._inputs[scope]

    def _check_file(self) -> None:
        """Reopen when the index file was deleted or replaced since it was opened."""
        if self.path is None or not self.persistent:
            return
        if self._file_identity() != self._identity:
            self._reset("missing", delete=False)

    def _guarded(self, action: Callable[[], _T]) -> _T:
        """Run *action*; on a corrupt index, rebuild it and run *action* again."""
        try:
            return action()
        except sqlite3.DatabaseError as exc:
            if not _is_corruption(exc):
                raise
            if self._connection.in_transaction:
                try:
                    self._connection.execute("ROLLBACK")
                except sqlite3.Error:
                    pass
        self._reset("corrupt", delete=True)
        return action()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        connection = self._connection
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield connection
        except BaseException:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")

    # -- refreshing ---------------------------------------------------------------------

    def refresh(self, language: str, sources: Sources) -> RefreshReport:
        """Bring the language's catalogs up to date in the index, in one transaction.

        *sources* maps each catalog's shown path to its (mtime_ns, size) signature and a
        loader. Only catalogs whose signature changed are loaded (all before anything is
        written: a loader's error leaves the index as it was); catalogs of *language* not
        in *sources* are dropped.
        """
        entries: dict[str, tuple[int, int, _Loader]] = {}
        for origin, (mtime_ns, size, load) in sources.items():
            entries[origin] = (mtime_ns, size, _catalog_loader(load, language, origin))
        return self._refresh_all(f"po:{language}", entries)

    def refresh_tmx(self, files: TmxSources) -> RefreshReport:
        """Bring the imported TMX files (``memory/*.tmx``) up to date in the index.

        As :meth:`refresh`, for every language at once: *files* maps each file's shown
        path to its signature and a loader of its units (:func:`parse_tmx`). Their units
        count as reviewed translations from that file.
        """
        entries: dict[str, tuple[int, int, _Loader]] = {}
        for origin, (mtime_ns, size, load) in files.items():
            entries[origin] = (mtime_ns, size, _tmx_loader(load, origin))
        return self._refresh_all("tmx", entries)

    def _refresh_all(
        self, scope: str, entries: _Entries
    ) -> RefreshReport:
        self._check_file()
        report = self._guarded(lambda: self._refresh_scope(scope, entries))
        self._inputs[scope] = entries
        return report

    def _refresh_scope(
        self, scope: str, entries: _Entries
    ) -> RefreshReport:
        connection = self._connection
        known, changed, dropped = self._plan(scope, entries)
        if not changed and not dropped:
            return RefreshReport()
        # Files are read before the write lock is taken, and a loader's error leaves the
        # index untouched; the plan is made again under the lock, in case another process
        # refreshed the same index meanwhile.
        loaded: dict[str, tuple[list[Unit], list[str]]] = {origin: entries[origin][2]() for origin in changed}
        added = 0
        skipped: list[str] = []
        with self._transaction():
            known, changed, dropped = self._plan(scope, entries)
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

    def _plan(self, scope: str, entries: _Entries) -> tuple[dict[str, tuple[int, int, int]], list[str], list[str]]:
        """The indexed files of *scope* (origin: id, mtime_ns, size), those to read, those to drop."""
        known = {
            origin: (source_id, mtime_ns, size)
            for source_id, origin, mtime_ns, size in self._connection.execute(
                "SELECT id, origin, mtime_ns, size FROM sources WHERE scope = ?", (scope,)
            )
        }
        changed = sorted(
            origin for origin, (mtime_ns, size, _) in entries.items()
            if origin not in known or known[origin][1:] != (mtime_ns, size)
        )
        return known, changed, sorted(set(known) - set(entries))

    # -- looking up -----------------------------------------------------------------------

    def exact(
        self, language: str, msgctxt: str | None, msgid: str, *, exclude_origin: str | None = None
    ) -> Match | None:
        """The reviewed translation of *msgid* into *language*, or None.

        The same msgctxt is preferred, then any; among equals, the lexicographically
        first origin (then msgctxt, then translation), so the choice is deterministic.
        """

        def look() -> Match | None:
            row = self._connection.execute(
                "SELECT u.target, s.origin, u.msgctxt FROM segments g "
                "JOIN units u ON u.segment = g.id JOIN sources s ON s.id = u.source_id "
                "WHERE g.text = ? AND u.language = ? AND s.origin IS NOT ? "
                "ORDER BY (u.msgctxt IS ?) DESC, s.origin, u.msgctxt, u.target LIMIT 1",
                (msgid, language, exclude_origin, msgctxt),
            ).fetchone()
            return None if row is None else Match(msgid, row[0], 1.0, row[1], row[2])

        return self._guarded(look)

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
        :func:`similarity` is considered; each distinct (source, translation) pair comes
        once, from its lexicographically first origin; at most *limit* of them, ordered by
        score, then source text, translation and origin. Units from *exclude_origin* (the
        catalog being translated) are left out. An identical text scores 1.0 too.
        """
        if not 0 < threshold <= 1:
            raise ValueError(f"threshold must be in (0, 1], not {threshold}")
        if limit <= 0:
            return []
        return self._guarded(lambda: self._fuzzy(language, msgid, threshold, limit, exclude_origin))

    def _fuzzy(
        self, language: str, msgid: str, threshold: float, limit: int, exclude_origin: str | None
    ) -> list[Match]:
        connection = self._connection
        query = _analyse(msgid)
        size = len(query.words)
        if size == 0:
            return []
        need = math.ceil(threshold * size - _EPSILON)  # least shared words of any match
        shortest, longest = need, math.floor(size / threshold + _EPSILON)
        keys = sorted(_index_keys(query))
        found: dict[str, tuple[int, int]] = {}
        for chunk in _chunks(keys):
            for text, word_id, df in connection.execute(
                f"SELECT text, id, df FROM words WHERE text IN ({_marks(len(chunk))})", tuple(chunk)
            ):
                found[text] = (word_id, df)
        # Any match holds one of the query's (size - need + 1) rarest words; words the
        # index lacks are the rarest of all and need no reading.
        ranked = sorted(keys, key=lambda k: (found[k][1] if k in found else 0, k))
        prefix = [found[k][0] for k in ranked[: size - need + 1] if k in found]
        candidates: dict[int, str] = {}
        for words in _chunks(prefix):
            for segment_id, text in connection.execute(
                "SELECT g.id, g.text FROM segments g WHERE g.id IN ("
                f" SELECT segment FROM postings WHERE word IN ({_marks(len(words))})"
                " AND length BETWEEN ? AND ?)"
                " AND EXISTS (SELECT 1 FROM units u WHERE u.segment = g.id AND u.language = ?)",
                (*words, shortest, longest, language),
            ):
                candidates[segment_id] = text
        scored: dict[int, float] = {}
        for segment_id, text in candidates.items():
            other = _analyse(text)
            longest_pair = max(size, len(other.words))
            shared = sum((query.folded & other.folded).values())
            if shared + _EPSILON < threshold * longest_pair:
                continue
            score = _score(query, other, threshold)
            if score is not None:
                scored[segment_id] = score
        if not scored:
            return []
        best: dict[tuple[str, str], Match] = {}
        ids = sorted(scored, key=lambda i: (-scored[i], candidates[i]))
        for segments in _chunks(ids):
            for segment_id, target, origin, msgctxt in connection.execute(
                "SELECT u.segment, u.target, s.origin, u.msgctxt FROM units u "
                "JOIN sources s ON s.id = u.source_id "
                f"WHERE u.segment IN ({_marks(len(segments))}) AND u.language = ? AND s.origin IS NOT ? "
                "ORDER BY s.origin, u.msgctxt, u.target",
                (*segments, language, exclude_origin),
            ):
                key = (candidates[segment_id], target)
                if key not in best:
                    best[key] = Match(candidates[segment_id], target, scored[segment_id], origin, msgctxt)
        ordered = sorted(best.values(), key=lambda m: (-m.score, m.source, m.target, m.origin))
        return ordered[:limit]

    def units(self, languages: Sequence[str] | None = None, *, imported: bool = False) -> list[Unit]:
        """Every stored unit (of *languages*, when given), sorted; from catalogs only
        unless *imported*: the project's own reviewed translations, as ``tm export`` writes them."""

        def read() -> list[Unit]:
            sql = (
                "SELECT g.text, u.language, u.target, u.msgctxt, s.origin FROM units u "
                "JOIN segments g ON g.id = u.segment JOIN sources s ON s.id = u.source_id"
            )
            rows: list[Any] = list(self._connection.execute(sql))
            tmx = {
                origin for (origin,) in self._connection.execute("SELECT origin FROM sources WHERE scope = 'tmx'")
            }
            out = [
                Unit(text, lang, target, msgctxt, origin)
                for text, lang, target, msgctxt, origin in rows
                if (languages is None or lang in languages) and (imported or origin not in tmx)
            ]
            out.sort(key=lambda u: (u.source, u.msgctxt or "", u.msgctxt is not None, u.language, u.origin, u.target))
            return out

        return self._guarded(read)

    def count(self, language: str | None = None) -> int:
        """How many units the index holds (of *language*, when given)."""

        def read() -> int:
            if language is None:
                row = self._connection.execute("SELECT count(*) FROM units").fetchone()
            else:
                row = self._connection.execute("SELECT count(*) FROM units WHERE language = ?", (language,)).fetchone()
            return int(row[0])

        return self._guarded(read)


def _catalog_loader(load: Callable[[], Catalog], language: str, origin: str) -> _Loader:
    def loader() -> tuple[list[Unit], list[str]]:
        return _catalog_units(load(), language, origin)

    return loader


def _tmx_loader(load: Callable[[], Iterable[Unit]], origin: str) -> _Loader:
    def loader() -> tuple[list[Unit], list[str]]:
        units = [
            Unit(u.source, u.language, u.target, u.msgctxt, origin) for u in load() if u.source and u.target
        ]
        return units, []

    return loader


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
        analysed = _analyse(text)
        length = len(analysed.words)
        segment_id = int(
            self.connection.execute(
                "INSERT INTO segments (text, length) VALUES (?, ?) RETURNING id", (text, length)
            ).fetchone()[0]
        )
        words = self._words()
        postings = []
        for key in _index_keys(analysed):
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
        for chunk in _chunks(orphans):
            gone.extend(
                self.connection.execute(
                    f"SELECT id, text, length FROM segments WHERE id IN ({_marks(len(chunk))}) "
                    "AND NOT EXISTS (SELECT 1 FROM units WHERE units.segment = segments.id)",
                    tuple(chunk),
                )
            )
        if gone:
            words = self._words()
            postings = []
            for segment_id, text, length in gone:
                for key in _index_keys(_analyse(text)):
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


# --- TMX ------------------------------------------------------------------------------------

_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# TMX 1.4's recommended `type` values for inline codes; anything else is user-defined ("x-").
_BPT_TYPES = {
    "a": "link", "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "cite": "italic",
    "u": "ulined", "font": "font", "small": "x-small", "span": "x-span",
}
_PH_TYPES = {"br": "lb", "wbr": "x-wbr", "img": "image", "time": "date"}
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def _tag_parts(key: str) -> tuple[str, str]:
    match = re.match(r"^(.*?)([0-9]+)$", key)
    return (match.group(1), match.group(2)) if match else (key, "0")


def _text(text: str) -> str:
    return _xml_escape(_NOT_XML.sub("\ufffd", text))


def _attribute(value: str) -> str:
    return _xml_escape(_NOT_XML.sub("\ufffd", value), {'"': "&quot;", "\n": "&#10;", "\t": "&#9;", "\r": "&#13;"})


def _segment_xml(text: str) -> str:
    """A msgid-form text as the content of a TMX ``<seg>``, its numbered tags as inline codes."""
    matches = list(TAG_RE.finditer(text))
    # Pair openings with their closings (same key, later); the rest are isolated codes.
    paired: set[int] = set()
    open_at: dict[str, list[int]] = {}
    for index, match in enumerate(matches):
        closing, key, slash = match.groups()
        if slash:
            continue
        if not closing:
            open_at.setdefault(key, []).append(index)
        elif open_at.get(key):
            paired.add(open_at[key].pop())
            paired.add(index)
    parts: list[str] = []
    pair_numbers: dict[str, list[int]] = {}
    next_pair = 0
    position = 0
    for index, match in enumerate(matches):
        parts.append(_text(unescape_text(text[position : match.start()])))
        position = match.end()
        closing, key, slash = match.groups()
        name, number = _tag_parts(key)
        code = _text(match.group(0))
        if slash and not closing:
            kind = _PH_TYPES.get(name, f"x-{name}")
            parts.append(f'<ph x="{number}" type="{_attribute(kind)}">{code}</ph>')
        elif index not in paired:
            kind = _BPT_TYPES.get(name, f"x-{name}")
            pos = "end" if closing else "begin"
            parts.append(f'<it pos="{pos}" x="{number}" type="{_attribute(kind)}">{code}</it>')
        elif not closing:
            next_pair += 1
            pair_numbers.setdefault(key, []).append(next_pair)
            kind = _BPT_TYPES.get(name, f"x-{name}")
            parts.append(f'<bpt i="{next_pair}" x="{number}" type="{_attribute(kind)}">{code}</bpt>')
        else:
            parts.append(f'<ept i="{pair_numbers[key].pop()}">{code}</ept>')
    parts.append(_text(unescape_text(text[position:])))
    return "".join(parts)


def export_tmx(
    units: Iterable[Unit],
    *,
    source_language: str,
    languages: Sequence[str] | None = None,
    created: str | None = None,
) -> str:
    """A TMX 1.4 document of *units* (of *languages*, when given), as text.

    One ``<tu>`` per source text and msgctxt (``<prop type="x-context">``), with one
    ``<tuv>`` per language naming the catalog it came from (``<prop type="x-origin">``;
    the first, when several catalogs agree). A language with several different
    translations of a text gets one ``<tu>`` per translation. *created* (``YYYYMMDDThhmmssZ``)
    goes into the header when given; without it the same units always give the same
    bytes, fit for version control.
    """
    wanted = None if languages is None else set(languages)
    grouped: dict[tuple[str, str | None], dict[str, dict[str, str]]] = {}
    for unit in units:
        if wanted is not None and unit.language not in wanted:
            continue
        targets = grouped.setdefault((unit.source, unit.msgctxt), {}).setdefault(unit.language, {})
        known = targets.get(unit.target)
        if known is None or unit.origin < known:
            targets[unit.target] = unit.origin
    order = list(languages) if languages is not None else sorted({lang for g in grouped.values() for lang in g})
    header = (
        f'  <header creationtool="translate-flow" creationtoolversion="{_attribute(__version__)}"'
        f' datatype="plaintext" segtype="sentence" adminlang="en" srclang="{_attribute(source_language)}"'
        f' o-tmf="gettext"' + (f' creationdate="{_attribute(created)}"' if created else "") + "/>"
    )
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<!DOCTYPE tmx SYSTEM "tmx14.dtd">',
        f'<tmx version="{TMX_VERSION}">',
        header,
        "  <body>",
    ]
    keys = sorted(grouped, key=lambda k: (k[0], k[1] or "", k[1] is not None))
    for source, msgctxt in keys:
        per_language = grouped[(source, msgctxt)]
        columns = {lang: sorted(per_language[lang].items()) for lang in order if lang in per_language}
        for row in range(max(len(c) for c in columns.values())):
            lines.append("    <tu>")
            if msgctxt is not None:
                lines.append(f'      <prop type="x-context">{_text(msgctxt)}</prop>')
            lines.append(f'      <tuv xml:lang="{_attribute(source_language)}"><seg>{_segment_xml(source)}</seg></tuv>')
            for lang, choices in columns.items():
                if row >= len(choices):
                    continue
                target, origin = choices[row]
                lines.append(f'      <tuv xml:lang="{_attribute(lang)}">')
                if origin:
                    lines.append(f'        <prop type="x-origin">{_text(origin)}</prop>')
                lines.append(f"        <seg>{_segment_xml(target)}</seg>")
                lines.append("      </tuv>")
            lines.append("    </tu>")
    lines.extend(["  </body>", "</tmx>", ""])
    return "\n".join(lines)


def _parser() -> etree.XMLParser:
    # No DTD loading, no entity expansion, no network: a memory is data, never a fetch.
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
        remove_comments=True, remove_pis=True,
    )


def _local(element: etree._Element) -> str:
    tag = element.tag
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _line(element: etree._Element) -> int:
    line: object = element.sourceline
    return line if isinstance(line, int) else 0


def _lang(element: etree._Element) -> str:
    return (element.get(_XML_LANG) or element.get("lang") or "").strip().replace("_", "-")


def _match_language(tag: str, languages: Sequence[str]) -> str | None:
    """The project language a TMX language tag stands for: ``ru-RU`` -> ``ru``, ``zh-CN`` -> ``zh-Hans``."""
    lowered = tag.lower()
    parts = lowered.split("-")
    if parts[0] == "zh" and (len(parts) == 1 or len(parts[1]) != 4):
        region = parts[1] if len(parts) > 1 else ""
        script = "hant" if region in ("tw", "hk", "mo") else "hans"
        lowered = "-".join(["zh", script, *parts[1:]])
    for language in languages:
        wanted = language.lower()
        if lowered == wanted or lowered.startswith(wanted + "-") or tag.lower() == wanted:
            return language
    return None


def _seg_text(seg: etree._Element) -> str:
    """A ``<seg>``'s content in msgid form: text escaped, inline codes as numbered tags."""
    parts: list[str] = []
    pairs: dict[str, str] = {}
    counter = [0]

    def code_of(element: etree._Element) -> str:
        return "".join(t if isinstance(t, str) else t.decode("utf-8") for t in element.itertext())

    def number(element: etree._Element) -> str:
        x = (element.get("x") or "").strip()
        if x.isdigit():
            return x
        counter[0] += 1
        return str(900 + counter[0])

    def walk(element: etree._Element) -> None:
        if element.text and _local(element) in ("seg", "hi"):
            parts.append(escape_text(element.text))
        for child in element:
            name = _local(child)
            code = code_of(child).strip()
            own = TAG_RE.fullmatch(code)
            if name == "hi":
                walk(child)
            elif name in ("bpt", "ept", "ph", "it", "ut"):
                if own:
                    parts.append(code)
                elif name == "bpt":
                    key = f"g{number(child)}"
                    pairs[(child.get("i") or "").strip()] = key
                    parts.append(f"<{key}>")
                elif name == "ept":
                    i = (child.get("i") or "").strip()
                    parts.append(f"</{pairs.pop(i, 'g' + (i if i.isdigit() else '0'))}>")
                else:
                    parts.append(f"<x{number(child)}/>")
            else:
                parts.append(escape_text(code_of(child)))
            if child.tail:
                parts.append(escape_text(child.tail))

    walk(seg)
    return collapse("".join(parts)).strip(" ")


def read_tmx(
    data: bytes,
    origin: str,
    *,
    source_language: str | None = None,
    languages: Sequence[str] | None = None,
) -> TmxContent:
    """Read a TMX document (1.1 to 1.4); raise :class:`InputError` with file:line if it is broken.

    The ``<tuv>`` in *source_language* (the header's ``srclang`` when None) is each
    unit's source; every other ``<tuv>`` of one of *languages* (all when None) gives a
    unit in that language, spelled as the project spells it (``ru-RU`` -> ``ru``).
    ``<prop type="x-context">`` on the ``<tu>`` is the msgctxt. Every unit's origin is
    *origin* (an ``x-origin`` prop names another project's file and is not kept).
    Translations whose numbered tags differ from their source's are left out, and listed
    in :attr:`TmxContent.skipped`.
    """
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise InputError(f"{origin}:{exc.lineno or 0}: not well-formed XML ({exc.msg}); fix the file or export it again") from None
    dtd: Any = root.getroottree().docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        line = data[: max(data.find(b"<!ENTITY"), 0)].count(b"\n") + 1
        raise InputError(f"{origin}:{line}: entity declarations are not allowed in a translation memory")
    if _local(root) != "tmx":
        raise InputError(f"{origin}:{_line(root)}: <{_local(root)}> is not a TMX document (the root must be <tmx>)")
    version = (root.get("version") or "").strip()
    if not re.fullmatch(r"1\.[1-4][a-z]?", version):
        raise InputError(f"{origin}:{_line(root)}: unsupported TMX version {version!r} (1.1 to 1.4 are read)")
    header = next((c for c in root if _local(c) == "header"), None)
    body = next((c for c in root if _local(c) == "body"), None)
    if header is None:
        raise InputError(f"{origin}:{_line(root)}: the TMX document has no <header>")
    if body is None:
        raise InputError(f"{origin}:{_line(root)}: the TMX document has no <body>")
    source = source_language or (header.get("srclang") or "").strip()
    if not source or source == "*all*":
        raise InputError(f"{origin}:{_line(header)}: the header names no source language (srclang); say which it is")
    units: list[Unit] = []
    skipped: list[str] = []
    ignored: set[str] = set()
    for tu in body:
        if _local(tu) != "tu":
            continue
        msgctxt: str | None = None
        source_text: str | None = None
        targets: list[tuple[str, str, int]] = []
        for child in tu:
            name = _local(child)
            if name == "prop" and (child.get("type") or "") == "x-context":
                msgctxt = child.text or ""
            if name != "tuv":
                continue
            tag = _lang(child)
            if not tag:
                raise InputError(f"{origin}:{_line(child)}: <tuv> without xml:lang")
            seg = next((c for c in child if _local(c) == "seg"), None)
            if seg is None:
                raise InputError(f"{origin}:{_line(child)}: <tuv xml:lang=\"{tag}\"> without <seg>")
            text = _seg_text(seg)
            if source_text is None and _match_language(tag, [source]) is not None:
                source_text = text
                continue
            language = tag if languages is None else _match_language(tag, languages)
            if language is None:
                ignored.add(tag)
                continue
            targets.append((language, text, _line(seg)))
        if not targets:
            continue
        if not source_text:
            skipped.append(f"{origin}:{_line(tu)}: no {source} text in this <tu>")
            continue
        for language, text, line in targets:
            if not text:
                continue
            try:
                check_tags(source_text, text)
            except TagMismatch as exc:
                skipped.append(f"{origin}:{line}: the {language} tags differ from the source's ({exc})")
                continue
            units.append(Unit(source_text, language, text, msgctxt, origin))
    counts = Counter(u.language for u in units)
    return TmxContent(
        units=tuple(units),
        source_language=source,
        counts=dict(sorted(counts.items())),
        skipped=tuple(skipped),
        ignored_languages=tuple(sorted(ignored)),
    )


def parse_tmx(
    data: bytes,
    origin: str,
    *,
    source_language: str | None = None,
    languages: Sequence[str] | None = None,
) -> list[Unit]:
    """The units of a TMX document (see :func:`read_tmx`)."""
    return list(read_tmx(data, origin, source_language=source_language, languages=languages).units)


def import_tmx(data: bytes, origin: str, *, source_language: str, languages: Sequence[str]) -> TmxContent:
    """Validate a TMX file for ``translate-flow tm import``: its units and counts per language.

    Raises :class:`InputError` when the file is broken or holds no translation from
    *source_language* into any of *languages*.
    """
    content = read_tmx(data, origin, source_language=source_language, languages=languages)
    if not content.units:
        found = ", ".join(content.ignored_languages) or "no others"
        left_out = f"; {len(content.skipped)} left out, first {content.skipped[0]}" if content.skipped else ""
        raise InputError(
            f"{origin}: no translations from {source_language} into {', '.join(languages)} "
            f"(languages in the file: {found}{left_out})"
        )
    return content


def stored_name(file_name: str) -> str:
    """Where ``tm import`` keeps a file in the project: ``memory/<name>.tmx``."""
    stem = Path(file_name).name
    if stem.lower().endswith(".tmx"):
        stem = stem[: -len(".tmx")]
    stem = _SAFE_NAME.sub("-", stem).strip(".-") or "memory"
    return f"{IMPORT_FOLDER}/{stem}.tmx"
