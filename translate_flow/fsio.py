"""Files on disk, written so that nothing is ever half-written.

Every file translate-flow writes goes through :func:`atomic_write`: the new content goes
to a temporary file next to the target and is renamed over it, so a reader (or a crash,
or ``kill -9``) never sees a half-written file, and a file whose content would not change
is not touched at all, so a re-run with nothing new leaves bytes and mtimes alone.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Literal

from .errors import InputError

__all__ = ["TEMPORARY_NAME", "WriteStatus", "atomic_write", "read_bytes"]

WriteStatus = Literal["created", "updated", "unchanged"]

# The names atomic_write gives its temporary files, as tempfile.mkstemp makes them:
# ".<name>.<8 characters>.tmp". A run that finds one was killed while writing.
TEMPORARY_NAME = re.compile(r"^\..+\.[a-z0-9_]{8}\.tmp$")


def atomic_write(path: Path, content: str | bytes, *, durable: bool = True) -> WriteStatus:
    """Write *content* (text as UTF-8) to *path* unless it already holds exactly that.

    Returns what happened. With *durable* (the default) the content is on the disk before
    the rename, so not even a power cut leaves an empty file; outputs that the next command
    makes again (templates, built pages) skip that wait and are still never half-written
    for a reader or after a killed process. The file keeps its mode; a new one gets the usual mode for the
    umask. Raises :class:`InputError` when the file cannot be written (a folder in the way,
    no space left, no permission); the old file is then as it was.
    """
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        return _atomic_write(path, data, durable)
    except OSError as exc:
        raise InputError(f"cannot write ({exc.strerror or exc})", path=str(path)) from None


def _atomic_write(path: Path, data: bytes, durable: bool) -> WriteStatus:
    status: WriteStatus
    try:
        if path.read_bytes() == data:
            return "unchanged"
        status = "updated"
        mode = path.stat().st_mode & 0o777
    except FileNotFoundError:
        status = "created"
        mode = 0o666 & ~_UMASK
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        # mkstemp makes owner-only files; the new file gets the old one's mode, or the usual.
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return status


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


# Read once, at import: os.umask can only be read by setting it, which threads would race.
_UMASK = _umask()


def read_bytes(path: Path, shown: str | None = None) -> bytes:
    """The bytes of the file *path*; :class:`InputError` (located at *shown*) says why not."""
    where = shown or str(path)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError("file not found", path=where) from None
    except IsADirectoryError:
        raise InputError("is a folder, not a file", path=where) from None
    except OSError as exc:
        raise InputError(f"cannot read ({exc.strerror})", path=where) from None
