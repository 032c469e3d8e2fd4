"""A cache of machine output under the project's ``.translate-flow/`` folder.

Machine translations are stored as soon as a language's model work is done (or, from an
engine that works in shards, as each shard arrives), before any catalog is written, keyed
by everything that decides the output (the model, the decoding settings, the protected
terms, the glossary). A run that is interrupted while writing
catalogs therefore finishes, when started again, with exactly the output the model gave
the first time, and a re-run never asks the model twice for the same thing. The cache is
only an optimization: deleting it loses nothing. Use :class:`MachineCache` as a context
manager, so that its connection is closed however the block ends.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from pathlib import Path
from types import TracebackType

from .errors import InputError
from .translate import Translation

__all__ = ["MachineCache", "digest"]

_SCHEMA = 1


def digest(*parts: object) -> str:
    """A short stable digest of *parts* (JSON-serialized)."""
    text = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


def _translation(value: str) -> Translation:
    data = json.loads(value)
    data["unsure_tags"] = tuple(data.get("unsure_tags", ()))
    data["notes"] = tuple(data.get("notes", ()))
    return Translation(**data)


class MachineCache:
    """Machine translations by (context digest, msgid), in one SQLite file (one connection)."""

    def __init__(self, path: Path) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            # A file where the state folder should be: say so, not a traceback.
            raise InputError(f"cannot create the cache folder ({exc.strerror or exc})", path=str(path.parent)) from None
        self.path = path
        try:
            self.connection = self._open()
        except sqlite3.DatabaseError:
            # A damaged cache is no loss: start a new one.
            path.unlink(missing_ok=True)
            self.connection = self._open()

    def _open(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
        try:
            connection.execute("pragma journal_mode=wal")
            version = connection.execute("pragma user_version").fetchone()[0]
            if version != _SCHEMA:
                connection.execute("drop table if exists output")
                connection.execute("pragma user_version=%d" % _SCHEMA)
            connection.execute(
                "create table if not exists output (context text, msgid text, value text, primary key (context, msgid))"
            )
            connection.commit()
        except BaseException:
            connection.close()
            raise
        return connection

    def get(self, context: str, msgids: Sequence[str]) -> dict[str, Translation]:
        """The cached translations of *msgids* under *context*."""
        found: dict[str, Translation] = {}
        for start in range(0, len(msgids), 500):
            chunk = list(msgids[start : start + 500])
            marks = ",".join("?" * len(chunk))
            rows = self.connection.execute(
                f"select msgid, value from output where context = ? and msgid in ({marks})", [context, *chunk]
            )
            for msgid, value in rows:
                found[msgid] = _translation(value)
        return found

    def outputs(self, msgids: Sequence[str]) -> dict[str, list[Translation]]:
        """Every cached translation of *msgids*, whatever engine, settings and glossary gave it."""
        found: dict[str, list[Translation]] = {}
        for start in range(0, len(msgids), 500):
            chunk = list(msgids[start : start + 500])
            marks = ",".join("?" * len(chunk))
            rows = self.connection.execute(f"select msgid, value from output where msgid in ({marks})", chunk)
            for msgid, value in rows:
                found.setdefault(msgid, []).append(_translation(value))
        return found

    def put(self, context: str, translations: Iterable[Translation]) -> None:
        """Store translations under *context*, in one transaction."""
        rows = [(context, t.msgid, json.dumps(asdict(t), ensure_ascii=False)) for t in translations]
        with self.connection:
            self.connection.executemany("insert or replace into output values (?, ?, ?)", rows)

    def close(self) -> None:
        """Close the database."""
        self.connection.close()

    def __enter__(self) -> MachineCache:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()
