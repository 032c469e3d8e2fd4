"""Reading package indexes and packages from the network or the disk, within deadlines.

Sources are ``http(s)://`` URLs, ``file://`` URLs or plain paths. Everything that can go
wrong while reading one is mapped to :class:`~translate_flow.errors.NetworkError` here,
at this one boundary; a download that arrives but is not what the index announced (too
large, wrong checksum) is a :class:`~translate_flow.errors.PackageError`. Downloads land
in a hidden temporary file and appear under their final name only complete and verified.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import json
import os
import socket
import ssl
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final, Protocol, TypedDict

from ..progress import DownloadProgress
from ..errors import InputError, ModelError, NetworkError, PackageError
from ..fsio import atomic_write
from .packages import (
    CHUNK,
    DEFAULT_MAX_SIZE,
    DRIVE_RE,
    MetadataSource,
    PackageInfo,
    argos_setting,
    one_line,
    package_info,
)

if TYPE_CHECKING:
    from typing_extensions import Unpack

__all__ = [
    "DEFAULT_INDEX_URL",
    "DEFAULT_TIMEOUT",
    "Transfer",
    "TransferOptions",
    "cached_index",
    "default_index_url",
    "download",
    "download_url",
    "fetch_index",
    "file_sha256",
    "known_index",
    "shown_url",
]

#: The index ``argospm`` uses (its ``ARGOS_PACKAGE_INDEX`` plus ``index.json``).
DEFAULT_INDEX_URL: Final = (
    "https://raw.githubusercontent.com/argosopentech/argospm-index/main/index.json"
)
#: Seconds to wait for a connection and for each piece of data.
DEFAULT_TIMEOUT: Final = 10.0


def default_index_url() -> str:
    """The index ``argospm`` reads: the folder ``ARGOS_PACKAGE_INDEX`` names (in the environment
    or Argos's ``settings.json``), else :data:`DEFAULT_INDEX_URL`."""
    base = argos_setting("ARGOS_PACKAGE_INDEX")
    if not base:
        return DEFAULT_INDEX_URL
    # argospm appends "index.json" to the folder; a trailing "/" means the same here.
    return base if base.endswith(".json") else base.rstrip("/") + "/"


#: ``progress(bytes_received, total_bytes_or_None)``, called as a download proceeds.

_MAX_INDEX_SIZE: Final = 32 * 1024 * 1024
_USER_AGENT: Final = "translate-flow (+https://github.com/argosopentech/argos-translate)"


@dataclass(frozen=True)
class Transfer:
    """How one download may go: how long to wait for data, how large it may be, whom to tell.

    ``timeout`` bounds the connection and every wait for data, in seconds; ``max_size``
    is the largest download in bytes; ``progress`` is called as data arrives.
    """

    timeout: float = DEFAULT_TIMEOUT
    max_size: int = DEFAULT_MAX_SIZE
    progress: DownloadProgress | None = None


class TransferOptions(TypedDict, total=False):
    """The keyword arguments every downloading function takes: the fields of :class:`Transfer`."""

    timeout: float
    max_size: int
    progress: DownloadProgress | None


class _Unreachable(Exception):
    """A source could not be read; ``reason`` is a short phrase for a message."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _reason(exc: BaseException, timeout: float) -> str:
    if isinstance(exc, urllib.error.HTTPError):
        return f"HTTP {exc.code} {exc.reason}".strip()
    if isinstance(exc, urllib.error.URLError) and isinstance(exc.reason, BaseException):
        exc = exc.reason
    if isinstance(exc, TimeoutError):
        return f"no answer within {timeout:g} s"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, socket.gaierror):
        return "host name not found"
    if isinstance(exc, ssl.SSLError):
        return f"TLS error: {exc.reason or exc}"
    if isinstance(exc, http.client.HTTPException):
        return f"broken HTTP answer ({type(exc).__name__})"
    if isinstance(exc, urllib.error.URLError):
        return str(exc.reason)
    return one_line(exc)


def shown_url(url: str) -> str:
    """*url* without user name or password, for messages."""
    parts = urllib.parse.urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc))


def _local_path(url: str) -> Path | None:
    """The file a ``file://`` URL or a plain path names; None for http(s) URLs."""
    parts = urllib.parse.urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme in ("http", "https"):
        return None
    if scheme == "file":
        if parts.netloc not in ("", "localhost"):
            raise _Unreachable(f"file URL with a remote host {parts.netloc!r}")
        return Path(urllib.request.url2pathname(parts.path))
    if scheme == "" or DRIVE_RE.fullmatch(f"{scheme}:"):
        return Path(url).expanduser()
    raise _Unreachable(
        f"unsupported URL scheme {parts.scheme!r}; use http(s)://, file:// or a path"
    )


class _Stream(Protocol):
    def read1(self, size: int = ..., /) -> bytes: ...


@contextlib.contextmanager
def _open_source(url: str, timeout: float) -> Iterator[tuple[_Stream, int | None]]:
    """Open *url* for reading; yield ``(stream, length or None)``; raise _Unreachable."""
    path = _local_path(url)
    if path is not None:
        try:
            stream = path.open("rb")
        except OSError as exc:
            raise _Unreachable(one_line(exc)) from exc
        with stream:
            yield stream, os.fstat(stream.fileno()).st_size
        return
    request = urllib.request.Request(
        url, headers={"User-Agent": _USER_AGENT, "Accept-Encoding": "identity"}
    )
    try:
        response = urllib.request.urlopen(request, timeout=timeout)
    except urllib.error.HTTPError as exc:
        exc.close()
        raise _Unreachable(_reason(exc, timeout)) from exc
    except (OSError, http.client.HTTPException, ValueError) as exc:
        raise _Unreachable(_reason(exc, timeout)) from exc
    with response:
        length = response.headers.get("Content-Length")
        yield response, int(length) if length and length.isdigit() else None


def _read_chunk(stream: _Stream, timeout: float) -> bytes:
    try:
        # read1: whatever has arrived, so that a slow trickle cannot outlive a deadline.
        return stream.read1(CHUNK)
    except (OSError, http.client.HTTPException) as exc:
        raise _Unreachable(_reason(exc, timeout)) from exc


def _index_location(url: str) -> str:
    # Like ARGOS_PACKAGE_INDEX, a folder URL means the index.json inside it.
    if url.endswith("/"):
        return url + "index.json"
    try:
        path = _local_path(url)
    except _Unreachable:
        return url
    if path is not None and path.is_dir():
        return str(path / "index.json")
    return url


def fetch_index(
    url: str = DEFAULT_INDEX_URL,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    cache_dir: Path | None = None,
) -> list[PackageInfo]:
    """Fetch an Argos package index and return its translate packages.

    *url* is an ``http(s)://`` or ``file://`` URL or a local path; one ending in ``/``
    or naming a folder means its ``index.json``. The whole fetch must finish within
    *timeout* seconds, else one :class:`NetworkError` is raised. An answer that is not a
    JSON list raises :class:`NetworkError` too. Entries of other types, and malformed
    entries (including ones with an unreadable checksum), are left out. With *cache_dir*,
    the index is also saved there for :func:`cached_index`.
    """
    location = _index_location(url)
    shown = shown_url(location)
    hint = "check [models] index_url or install from a file"
    deadline = time.monotonic() + timeout
    chunks: list[bytes] = []
    received = 0
    try:
        with _open_source(location, timeout) as (stream, _length):
            while chunk := _read_chunk(stream, timeout):
                received += len(chunk)
                if received > _MAX_INDEX_SIZE:
                    raise NetworkError(
                        f"the package index at {shown} is larger than "
                        f"{_MAX_INDEX_SIZE // 2**20} MiB, so it is not an index; {hint}"
                    )
                if time.monotonic() > deadline:
                    raise _Unreachable(f"no complete answer within {timeout:g} s")
                chunks.append(chunk)
    except _Unreachable as exc:
        raise NetworkError(
            f"cannot reach the package index at {shown} ({exc.reason}); {hint}"
        ) from exc
    data = b"".join(chunks)
    packages = _parse_index(data, shown, hint)
    if cache_dir is not None:
        _save(cache_dir / _index_cache_name(location), data)
    return packages


def cached_index(url: str, cache_dir: Path) -> list[PackageInfo] | None:
    """Return the index last saved by ``fetch_index(url, cache_dir=...)``, or None."""
    location = _index_location(url)
    try:
        data = (cache_dir / _index_cache_name(location)).read_bytes()
    except OSError:
        return None
    return _parse_index(data, f"{shown_url(location)} (cached)", "fetch the index again")


def known_index(url: str, cache_dir: Path) -> list[PackageInfo] | None:
    """Return the index as known without the network, or None when it is not.

    That is the index file itself when *url* names one on this machine, else the copy
    that ``fetch_index(url, cache_dir=...)`` saved. An unreadable copy counts as unknown.
    """
    try:
        local = _local_path(_index_location(url))
    except _Unreachable:
        return None
    try:
        if local is not None:
            return fetch_index(url, timeout=DEFAULT_TIMEOUT) if local.is_file() else None
        return cached_index(url, cache_dir)
    except ModelError:
        return None


def _index_cache_name(location: str) -> str:
    return f"index-{hashlib.sha256(location.encode('utf-8')).hexdigest()[:16]}.json"


def _parse_index(data: bytes, shown: str, hint: str) -> list[PackageInfo]:
    try:
        entries = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise NetworkError(f"the package index at {shown} is not UTF-8 text; {hint}") from None
    except json.JSONDecodeError as exc:
        raise NetworkError(
            f"the package index at {shown} is not valid JSON (line {exc.lineno} column "
            f"{exc.colno}: {exc.msg}); {hint}"
        ) from None
    if not isinstance(entries, list):
        raise NetworkError(
            f"the package index at {shown} is a JSON {type(entries).__name__}, "
            f"not a list of packages; {hint}"
        )
    packages: list[PackageInfo] = []
    for number, entry in enumerate(entries, 1):
        if not isinstance(entry, dict) or entry.get("type", "translate") != "translate":
            continue
        size = entry.get("size")
        try:
            info = package_info(
                entry,
                MetadataSource(shown, f"entry {number}"),
                hint="fix the index entry",
                translate_only=True,
                size=size if isinstance(size, int) and not isinstance(size, bool) else None,
            )
        except PackageError:
            continue  # one broken entry must not hide the rest of the catalogue
        packages.append(info)
    if entries and not packages:
        raise NetworkError(
            f"the package index at {shown} lists no usable translate packages; {hint}"
        )
    return packages


def _save(path: Path, data: bytes) -> None:
    """Write *data* to *path* atomically; :class:`ModelError` says why not."""
    try:
        atomic_write(path, data)
    except InputError as exc:
        raise ModelError(
            f"{exc.message}; check free space and permissions", path=exc.path
        ) from None


def file_sha256(path: Path) -> str:
    """The SHA-256 hex digest of the file *path*, read a chunk at a time."""
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _fetch_to_file(
    url: str,
    directory: Path,
    transfer: Transfer,
    *,
    what: str,
    sha256: str | None,
    expected_size: int | None,
) -> Path:
    """Stream *url* into a hidden temp file in *directory*, verified; return its path."""
    timeout, max_size, progress = transfer.timeout, transfer.max_size, transfer.progress
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=".download-", suffix=".part", dir=directory)
    except OSError as exc:
        raise ModelError(
            f"cannot write to {directory} ({one_line(exc)}); check permissions"
        ) from exc
    temporary = Path(name)
    digest = hashlib.sha256()
    try:
        with os.fdopen(fd, "wb") as sink, _open_source(url, timeout) as (stream, length):
            total = length if length is not None else expected_size
            too_big = (
                f"{what} from {shown_url(url)} is larger than the {max_size} byte limit; "
                "check the link or raise the limit"
            )
            if total is not None and total > max_size:
                raise PackageError(too_big)
            received = 0
            if progress is not None:
                progress(0, total)
            while chunk := _read_chunk(stream, timeout):
                received += len(chunk)
                if received > max_size:
                    raise PackageError(too_big)
                digest.update(chunk)
                try:
                    sink.write(chunk)
                except OSError as exc:
                    raise ModelError(
                        f"cannot write {temporary} ({one_line(exc)}); check free space"
                    ) from exc
                if progress is not None:
                    progress(received, total)
            if length is not None and received != length:
                raise _Unreachable(f"connection closed after {received} of {length} bytes")
        if sha256 is not None and digest.hexdigest() != sha256:
            raise PackageError(
                f"{what} from {shown_url(url)} fails its SHA-256 check (expected {sha256}, "
                f"got {digest.hexdigest()}); the download is corrupt or the index is wrong, "
                "try again"
            )
        return temporary
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def download(package: PackageInfo, cache_dir: Path, **options: Unpack[TransferOptions]) -> Path:
    """Download *package* into *cache_dir* and return the ``.argosmodel`` file.

    The cache is keyed by name and version (:attr:`PackageInfo.cache_filename`); a cached
    file is reused without a request once it passes the package's checksum, if any. Each
    link is tried in turn, within the limits of *options* (:class:`Transfer`). The file
    appears only complete and verified. Raises :class:`PackageError` for a checksum
    mismatch or a file over ``max_size``, :class:`NetworkError` when no link answers.
    """
    transfer = Transfer(**options)
    target = cache_dir / package.cache_filename
    if target.is_file():
        if package.sha256 is None or file_sha256(target) == package.sha256:
            return target
        target.unlink(missing_ok=True)  # damaged or stale: fetch it again
    what = package.describe()
    if not package.links:
        raise PackageError(
            f"{what} has no download links in the package index; install it from a file"
        )
    failures: list[str] = []
    bad_package: PackageError | None = None
    for link in package.links:
        try:
            temporary = _fetch_to_file(
                link, cache_dir, transfer, what=what, sha256=package.sha256,
                expected_size=package.size,
            )
        except _Unreachable as exc:
            failures.append(f"{shown_url(link)} ({exc.reason})")
            continue
        except PackageError as exc:
            bad_package = exc
            failures.append(f"{shown_url(link)} (rejected)")
            continue
        try:
            os.replace(temporary, target)
        except OSError as exc:
            temporary.unlink(missing_ok=True)
            raise ModelError(
                f"cannot write {target} ({one_line(exc)}); check permissions"
            ) from exc
        return target
    if bad_package is not None and len(package.links) == 1:
        raise bad_package
    message = f"cannot download {what}: " + "; ".join(failures)
    if bad_package is not None:
        raise PackageError(f"{message}; last error: {bad_package}")
    raise NetworkError(f"{message}; check the network or install from a file")


def download_url(
    url: str, directory: Path, transfer: Transfer, *, sha256: str | None = None
) -> Path:
    """Download *url* into a hidden temporary file in *directory*; the caller deletes it.

    With *sha256* the download must match that digest. Raises :class:`NetworkError` when
    *url* cannot be read, :class:`PackageError` for a file over the size limit or a mismatch.
    """
    try:
        return _fetch_to_file(
            url, directory, transfer, what="the package", sha256=sha256, expected_size=None
        )
    except _Unreachable as exc:
        raise NetworkError(
            f"cannot download {shown_url(url)} ({exc.reason}); check the URL and the network"
        ) from exc
