"""What ``run`` remembers between runs, and the lock that lets one run work at a time.

The state (``.translate-flow/state.json``) records, per article and language, the digests
of the files the last run left and what it found. It is only an optimization: deleting it
makes the next run do everything again, with the same result.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from .. import __version__
from ..cache import digest
from ..config import Config
from ..errors import ProjectLocked
from ..fsio import atomic_write
from ..project import file_digest, imported_memory_files, lock_path, state_path

__all__ = ["STATE_VERSION", "RunState", "project_lock", "settings_digest"]

STATE_VERSION = 1
_STATE_FILE = "state.json"


@contextmanager
def project_lock(config: Config, *, wait: bool = False) -> Iterator[None]:
    """Hold the project's lock: one run at a time. Raise :class:`ProjectLocked` if taken."""
    path = lock_path(config)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            raise ProjectLocked(
                f"another translate-flow run is working on {config.root}; let it finish, "
                "or pass --wait to start when it is done"
            ) from None
        yield
    finally:
        os.close(handle)  # closing releases the lock, also when the process is killed


def settings_digest(config: Config, *choices: object) -> str:
    """A digest of everything besides the files of a pair that decides a run's output:
    this version, the configuration, the glossary, the imported memories, and *choices*."""
    glossary = (sorted((p.name, file_digest(p)) for p in config.glossary.glob("*") if p.is_file())
                if config.glossary.is_dir() else [])
    imported = [(p.name, file_digest(p)) for p in imported_memory_files(config)]
    return digest(__version__, file_digest(config.path), glossary, imported, *choices)


@dataclass
class RunState:
    """Digests of what the last run left, per article and per article and language."""

    settings: str = ""
    known: bool = False  # read from disk, under the same settings
    articles: dict[str, dict[str, Any]] = field(default_factory=dict)  # slug -> source, template
    units: dict[str, dict[str, Any]] = field(default_factory=dict)  # "slug|lang" -> catalog, page, result

    @classmethod
    def load(cls, config: Config, settings: str) -> RunState:
        """The state the last run left under the same *settings*; an empty one otherwise."""
        try:
            data = json.loads(state_path(config, _STATE_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = None
        if not isinstance(data, dict) or data.get("version") != STATE_VERSION or data.get("settings") != settings:
            return cls(settings)
        return cls(settings, True, dict(data.get("articles", {})), dict(data.get("units", {})))

    def save(self, config: Config) -> None:
        """Write the state (atomically; unchanged bytes are left alone)."""
        data = {"version": STATE_VERSION, "settings": self.settings, "articles": self.articles, "units": self.units}
        atomic_write(state_path(config, _STATE_FILE), json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n")

    @staticmethod
    def unit_key(article: str, language: str) -> str:
        """The key of an article and language pair."""
        return f"{article}|{language}"
