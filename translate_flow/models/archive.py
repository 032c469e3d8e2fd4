"""Argos package archives: checked without trusting anything in them, then unpacked.

A package is a zip archive holding one folder with ``metadata.json``, a CTranslate2
model under ``model/`` and a SentencePiece or BPE tokenizer. Before a single byte is
unpacked, :func:`inspect_archive` refuses every way out of the folder (absolute paths,
``..``, backslashes, symbolic links, devices), bounds the entry count, the unpacked size
and each entry's compression ratio, and checks the metadata. :func:`extract` then writes
only what was checked, never through anything already on disk.
"""

from __future__ import annotations

import json
import lzma
import os
import stat
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Final

from ..errors import ModelError, PackageError
from .packages import (
    CHUNK,
    DEFAULT_MAX_SIZE,
    DRIVE_RE,
    MetadataSource,
    PackageInfo,
    one_line,
    package_info,
)

__all__ = [
    "DEFAULT_MAX_ENTRIES",
    "Layout",
    "MAX_COMPRESSION_RATIO",
    "extract",
    "inspect_archive",
    "open_zip",
    "validate_package",
]

#: Most entries a package archive may hold (real ones hold about a dozen).
DEFAULT_MAX_ENTRIES: Final = 10_000
#: Largest uncompressed/compressed ratio for an entry over 1 MiB. Model weights compress
#: about 1.1:1 and vocabularies about 4:1; a zip bomb compresses 1000:1.
MAX_COMPRESSION_RATIO: Final = 100

_RATIO_FLOOR: Final = 1024 * 1024
_MAX_METADATA_SIZE: Final = 1024 * 1024
_SUPPORTED_COMPRESSION: Final = frozenset(
    {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
)
# What reading a damaged entry raises, whichever compression it uses.
_CORRUPT: Final = (zipfile.BadZipFile, zlib.error, lzma.LZMAError, EOFError, OSError)


@dataclass(frozen=True)
class Layout:
    """A checked archive: its top folder, its files (entry, path parts) and metadata."""

    top: str
    files: tuple[tuple[zipfile.ZipInfo, tuple[str, ...]], ...]
    dirs: tuple[tuple[str, ...], ...]
    info: PackageInfo
    total: int


def open_zip(path: Path, label: str) -> zipfile.ZipFile:
    """Open *path* as a zip; *label* names it in messages (a URL for downloads)."""
    try:
        with path.open("rb") as probe:
            head = probe.read(4)
    except OSError as exc:
        raise PackageError(f"cannot read {label} ({one_line(exc)}); check the path") from exc
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError) as exc:
        if head == b"PK\x03\x04":
            raise PackageError(
                f"the zip archive is truncated or damaged ({one_line(exc)}); "
                "download the package again",
                path=label,
            ) from exc
        raise PackageError(
            "not a zip archive, so not an Argos package (.argosmodel); "
            "check the file or download it again",
            path=label,
        ) from exc
    except OSError as exc:
        raise PackageError(f"cannot read {label} ({one_line(exc)}); check the path") from exc


def _entry_parts(info: zipfile.ZipInfo, source: str) -> tuple[str, ...]:
    """The checked path components of one archive entry."""
    name = info.filename

    def unsafe(problem: str) -> PackageError:
        return PackageError(
            f"entry {name!r} {problem}; the package is unsafe, do not install it",
            path=source,
        )

    if info.orig_filename != name or any(ord(c) < 32 or c == "\x7f" for c in name):
        raise unsafe("has control characters in its name")
    if "\\" in name:
        raise unsafe("has a backslash in its name")
    if name.startswith("/") or DRIVE_RE.match(name):
        raise unsafe("is an absolute path")
    parts = tuple(name.rstrip("/").split("/")) if name.rstrip("/") else ("",)
    if any(part in ("", ".", "..") for part in parts):
        raise unsafe("points outside its folder ('..', '.' or an empty path component)")
    mode = info.external_attr >> 16
    kind = stat.S_IFMT(mode)
    if kind == stat.S_IFLNK:
        raise unsafe("is a symbolic link")
    if kind not in (0, stat.S_IFREG, stat.S_IFDIR):
        raise unsafe("is a device, pipe or socket")
    if (kind == stat.S_IFDIR) != info.is_dir() and kind != 0:
        raise unsafe("is marked as a folder but named as a file, or the reverse")
    if info.flag_bits & 0x1:
        raise PackageError(
            f"entry {name!r} is encrypted; Argos packages are never encrypted, "
            "download the package again",
            path=source,
        )
    if info.compress_type not in _SUPPORTED_COMPRESSION:
        raise PackageError(
            f"entry {name!r} uses an unsupported compression method "
            f"({info.compress_type}); repack the package with deflate",
            path=source,
        )
    return parts


def inspect_archive(
    archive: zipfile.ZipFile, source: str, max_size: int, max_entries: int
) -> Layout:
    """Check an archive's layout and metadata without unpacking it."""
    infos = archive.infolist()
    if not infos:
        raise PackageError("the archive is empty; download the package again", path=source)
    if len(infos) > max_entries:
        raise PackageError(
            f"the archive has {len(infos)} entries, more than the "
            f"{max_entries} a package may have; the package is unsafe, do not install it",
            path=source,
        )
    files: list[tuple[zipfile.ZipInfo, tuple[str, ...]]] = []
    explicit_dirs: set[tuple[str, ...]] = set()
    implied_dirs: set[tuple[str, ...]] = set()
    seen: dict[str, str] = {}
    tops: set[str] = set()
    total = 0
    for info in infos:
        parts = _entry_parts(info, source)
        tops.add(parts[0])
        if info.is_dir():
            explicit_dirs.add(parts)
            continue
        if len(parts) == 1:
            raise PackageError(
                f"file {info.filename!r} sits at the top level; a package holds "
                "one folder with everything inside, repack it that way",
                path=source,
            )
        total += info.file_size
        if total > max_size:
            raise PackageError(
                f"unpacks to more than the {max_size} byte limit; the package is "
                "unsafe or not a translation package, do not install it",
                path=source,
            )
        if (
            info.file_size > _RATIO_FLOOR
            and info.file_size > max(info.compress_size, 1) * MAX_COMPRESSION_RATIO
        ):
            raise PackageError(
                f"entry {info.filename!r} expands {info.file_size} bytes from "
                f"{info.compress_size} (a zip bomb); the package is unsafe, do not install it",
                path=source,
            )
        key = "/".join(parts).casefold()
        if key in seen:
            raise PackageError(
                f"entry {info.filename!r} appears twice (as {seen[key]!r}); "
                "the package is ambiguous, do not install it",
                path=source,
            )
        seen[key] = info.filename
        files.append((info, parts))
        implied_dirs.update(parts[:i] for i in range(1, len(parts)))
    if len(tops) != 1:
        shown = ", ".join(repr(top) for top in sorted(tops)[:5])
        raise PackageError(
            "the archive must hold exactly one top-level folder, found "
            f"{len(tops)} ({shown}); repack it with everything under one folder",
            path=source,
        )
    for info, parts in files:
        if parts in implied_dirs or parts in explicit_dirs:
            raise PackageError(
                f"{info.filename!r} is both a file and a folder; "
                "the package is ambiguous, do not install it",
                path=source,
            )
    (top,) = tops
    by_path = {parts[1:]: info for info, parts in files}
    metadata = _read_metadata(archive, by_path.get(("metadata.json",)), source, top)
    required = (("model", "model.bin"), ("model", "config.json"))
    for parts in required:
        if parts not in by_path:
            raise PackageError(
                f"{top}/{'/'.join(parts)} is missing, so the package holds no "
                "CTranslate2 model; download it again or rebuild it",
                path=source,
            )
    if ("sentencepiece.model",) not in by_path and ("bpe.model",) not in by_path:
        raise PackageError(
            f"neither {top}/sentencepiece.model nor {top}/bpe.model is present, "
            "so the package has no tokenizer; download it again or rebuild it",
            path=source,
        )
    return Layout(
        top=top,
        files=tuple(files),
        dirs=tuple(sorted(explicit_dirs | implied_dirs)),
        info=metadata,
        total=total,
    )


def _read_metadata(
    archive: zipfile.ZipFile, entry: zipfile.ZipInfo | None, source: str, top: str
) -> PackageInfo:
    member = f"{top}/metadata.json"
    if entry is None:
        raise PackageError(
            f"{member} is missing, so this is not an Argos Translate package; "
            "use a .argosmodel file from the Argos index or argospm",
            path=source,
        )
    if entry.file_size > _MAX_METADATA_SIZE:
        raise PackageError(
            f"{member} is {entry.file_size} bytes, too large for metadata; do not install it",
            path=source,
        )
    try:
        with archive.open(entry) as stream:
            raw = stream.read(_MAX_METADATA_SIZE + 1)
    except _CORRUPT as exc:
        raise PackageError(
            f"{member} is corrupt ({one_line(exc)}); download the package again", path=source
        ) from exc
    try:
        metadata = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise PackageError(
            f"{member} is not UTF-8 text; rebuild or re-download the package", path=source
        ) from None
    except json.JSONDecodeError as exc:
        raise PackageError(
            f"{member} is not valid JSON (line {exc.lineno} column {exc.colno}: {exc.msg}); "
            "rebuild or re-download the package",
            path=source,
        ) from None
    if not isinstance(metadata, dict):
        raise PackageError(
            f"{member} holds a JSON {type(metadata).__name__}, not an object; "
            "rebuild or re-download the package",
            path=source,
        )
    return package_info(
        metadata, MetadataSource(source, member),
        hint="rebuild the package with a correct metadata.json", translate_only=True,
    )


def validate_package(
    path: Path,
    *,
    max_size: int = DEFAULT_MAX_SIZE,
    max_entries: int = DEFAULT_MAX_ENTRIES,
) -> PackageInfo:
    """Check that *path* is a safe, complete Argos translate package; return its metadata.

    Checks the zip structure (one top-level folder; no absolute, ``..``, backslash,
    symlink or device entries; size, entry count and compression ratio bounded), the
    ``metadata.json`` fields, the ``model/`` files and the tokenizer, and reads every
    entry to verify its CRC. Raises :class:`PackageError` with a one-line reason.
    ``size`` in the result is the unpacked size.
    """
    with open_zip(path, str(path)) as archive:
        layout = inspect_archive(archive, str(path), max_size, max_entries)
        for entry, _parts in layout.files:
            for _chunk in _read_entry(archive, entry, str(path)):
                pass  # reading to the end is what checks the CRC
    return replace(layout.info, size=layout.total)


def extract(
    archive: zipfile.ZipFile, layout: Layout, dest: Path, source: str
) -> None:
    """Unpack the checked entries of *layout* into *dest*, without the top folder."""
    root = dest.resolve()
    # O_EXCL and O_NOFOLLOW: never write through anything that was already there.
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
    flags |= getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    try:
        for parts in layout.dirs:
            if len(parts) > 1:
                dest.joinpath(*parts[1:]).mkdir(mode=0o755, parents=True, exist_ok=True)
        for entry, parts in layout.files:
            target = dest.joinpath(*parts[1:])
            # Belt and braces: _entry_parts already refused every way out of the folder.
            if not target.resolve().is_relative_to(root):
                raise PackageError(
                    f"entry {entry.filename!r} points outside its folder; "
                    "the package is unsafe, do not install it",
                    path=source,
                )
            target.parent.mkdir(mode=0o755, parents=True, exist_ok=True)
            _extract_entry(archive, entry, os.open(target, flags, 0o644), source)
    except OSError as exc:
        raise ModelError(
            f"cannot unpack {source} into {dest.parent} ({one_line(exc)}); "
            "check free space and permissions"
        ) from exc


def _extract_entry(
    archive: zipfile.ZipFile, entry: zipfile.ZipInfo, fd: int, source: str
) -> None:
    with os.fdopen(fd, "wb") as sink:
        for chunk in _read_entry(archive, entry, source):
            sink.write(chunk)


def _read_entry(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, source: str) -> Iterator[bytes]:
    """The unpacked bytes of *entry*, chunk by chunk, checked against its CRC and size."""
    try:
        stream = archive.open(entry)
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError) as exc:
        raise PackageError(
            f"entry {entry.filename!r} cannot be read ({one_line(exc)}); "
            "download the package again",
            path=source,
        ) from exc
    with stream:
        read = 0
        while True:
            try:
                chunk = stream.read(CHUNK)
            except _CORRUPT as exc:
                raise PackageError(
                    f"entry {entry.filename!r} is corrupt ({one_line(exc)}); "
                    "download the package again",
                    path=source,
                ) from exc
            if not chunk:
                return
            read += len(chunk)
            if read > entry.file_size:
                raise PackageError(
                    f"entry {entry.filename!r} unpacks to more than its declared "
                    "size; the package is unsafe, do not install it",
                    path=source,
                )
            yield chunk
