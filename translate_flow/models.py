"""Argos Translate model packages: the index, downloads, validation, installs and plans.

Packages live in the standard Argos packages folder, shared with ``argospm``
(:func:`default_packages_dir`). Installed packages are read through
``argostranslate.package.Package``, so what this module lists is what Argos itself sees.
Everything that touches the network or unpacks an archive is implemented here instead of
in ``argostranslate``, whose versions of it are unsafe for a batch tool: its index fetch
recurses when the index is unreachable, its download cache ignores the package version and
its installer extracts archives unchecked.

Nothing here prints: functions return data, report progress through a callback and raise
:class:`~translate_flow.errors.ModelError` subclasses whose message is one line saying what
is wrong and what to do.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import json
import lzma
import os
import re
import shutil
import socket
import ssl
import stat
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from types import ModuleType
from typing import Final, Literal, Protocol

from .errors import ModelError, ModelNotFound, NetworkError, PackageError
from .languages import argos_code, language

__all__ = [
    "DEFAULT_INDEX_URL",
    "file_sha256",
    "newest",
    "DEFAULT_MAX_ENTRIES",
    "DEFAULT_MAX_SIZE",
    "DEFAULT_TIMEOUT",
    "MAX_COMPRESSION_RATIO",
    "PackageInfo",
    "PairPlan",
    "Progress",
    "cached_index",
    "default_cache_dir",
    "default_packages_dir",
    "download",
    "fetch_index",
    "find_installed",
    "install_file",
    "install_from_index",
    "install_url",
    "installed_packages",
    "plan_pairs",
    "remove",
    "validate_package",
]

#: The index ``argospm`` uses (its ``ARGOS_PACKAGE_INDEX`` plus ``index.json``).
DEFAULT_INDEX_URL: Final = (
    "https://raw.githubusercontent.com/argosopentech/argospm-index/main/index.json"
)
#: Seconds to wait for a connection and for each piece of data.
DEFAULT_TIMEOUT: Final = 10.0
#: Largest download and largest unpacked package, in bytes. Real Argos packages are
#: 100-400 MB; the bound only has to stop a runaway download or a zip bomb.
DEFAULT_MAX_SIZE: Final = 2 * 1024**3
#: Most entries a package archive may hold (real ones hold about a dozen).
DEFAULT_MAX_ENTRIES: Final = 10_000
#: Largest uncompressed/compressed ratio for an entry over 1 MiB. Model weights compress
#: about 1.1:1 and vocabularies about 4:1; a zip bomb compresses 1000:1.
MAX_COMPRESSION_RATIO: Final = 100

#: ``progress(bytes_received, total_bytes_or_None)``, called as a download proceeds.
Progress = Callable[[int, int | None], None]

_CHUNK: Final = 1024 * 1024
_RATIO_FLOOR: Final = 1024 * 1024
_MAX_INDEX_SIZE: Final = 32 * 1024 * 1024
_MAX_METADATA_SIZE: Final = 1024 * 1024
# Hidden names, so that argospm and installed_packages() never take them for packages.
_STAGING_PREFIX: Final = ".installing-"
_RETIRED_PREFIX: Final = ".removing-"
_USER_AGENT: Final = "translate-flow (+https://github.com/argosopentech/argos-translate)"

_CODE_RE: Final = re.compile(r"[A-Za-z]{2,3}(?:[_-][A-Za-z0-9]{1,8})*")
_VERSION_RE: Final = re.compile(r"[0-9A-Za-z][0-9A-Za-z.+_-]{0,63}")
_SHA256_RE: Final = re.compile(r"[0-9a-f]{64}")
_UNSAFE_NAME_CHARS: Final = re.compile(r"[^A-Za-z0-9._-]+")
_DRIVE_RE: Final = re.compile(r"[A-Za-z]:")
_SUPPORTED_COMPRESSION: Final = frozenset(
    {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
)

# NLLB-200 language tokens, for telling users how to cover a pair Argos lacks.
_NLLB_CODES: Final[dict[str, str]] = {
    "ar": "arb_Arab", "az": "azj_Latn", "be": "bel_Cyrl", "de": "deu_Latn",
    "en": "eng_Latn", "es": "spa_Latn", "fa": "pes_Arab", "fr": "fra_Latn",
    "hy": "hye_Armn", "it": "ita_Latn", "ja": "jpn_Jpan", "ka": "kat_Geor",
    "kk": "kaz_Cyrl", "ko": "kor_Hang", "ky": "kir_Cyrl", "mn": "khk_Cyrl",
    "pl": "pol_Latn", "pt": "por_Latn", "ru": "rus_Cyrl", "tg": "tgk_Cyrl",
    "tk": "tuk_Latn", "tr": "tur_Latn", "tt": "tat_Cyrl", "ug": "uig_Arab",
    "uk": "ukr_Cyrl", "uz": "uzn_Latn", "zh-Hans": "zho_Hans", "zh-Hant": "zho_Hant",
}


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class PackageInfo:
    """One Argos package: an index entry (``path`` is None) or an installed package."""

    from_code: str
    to_code: str
    package_version: str
    argos_version: str = ""
    from_name: str = ""
    to_name: str = ""
    type: str = "translate"
    links: tuple[str, ...] = ()
    sha256: str | None = None  # lower-case hex, from the index entry's checksum field
    path: Path | None = None  # the installed package folder
    size: int | None = None  # bytes: download size for index entries, on disk if installed

    @property
    def name(self) -> str:
        """The ``argospm`` name, e.g. ``translate-en_ru`` (as ``argospm_package_name``)."""
        return f"{self.type}-{self.from_code}_{self.to_code}"

    @property
    def pair(self) -> tuple[str, str]:
        """``(from_code, to_code)`` in Argos codes."""
        return (self.from_code, self.to_code)

    @property
    def installed(self) -> bool:
        """Whether this describes a package folder on disk."""
        return self.path is not None

    @property
    def cache_filename(self) -> str:
        """Download cache name keyed by name and version: ``translate-en_ru-1_9.argosmodel``."""
        version = self.package_version.replace(".", "_")
        return _UNSAFE_NAME_CHARS.sub("_", f"{self.name}-{version}") + ".argosmodel"

    def describe(self) -> str:
        """Short human text: ``translate-en_ru 1.9``."""
        return f"{self.name} {self.package_version}"


@dataclass(frozen=True)
class PairPlan:
    """How one language pair will be translated.

    ``route`` is ``"direct"`` (one package), ``"pivot"`` (source to pivot, pivot to
    target: two packages) or ``"uncovered"`` (no Argos package; ``message`` says how to
    configure another CTranslate2 model). ``packages`` are index entries where they still
    have to be installed and installed packages otherwise.
    """

    source: str  # BCP 47, as configured
    target: str
    from_code: str  # Argos codes
    to_code: str
    route: Literal["direct", "pivot", "uncovered"]
    packages: tuple[PackageInfo, ...]
    message: str
    pivot: str | None = None  # Argos code of the pivot language for route "pivot"

    @property
    def covered(self) -> bool:
        """Whether some Argos package route exists for the pair."""
        return self.route != "uncovered"

    @property
    def to_install(self) -> tuple[PackageInfo, ...]:
        """The packages of the route that are not installed yet."""
        return tuple(package for package in self.packages if not package.installed)

    @property
    def ready(self) -> bool:
        """Whether the pair can be translated with what is installed now."""
        return self.covered and not self.to_install


# --------------------------------------------------------------------------- locations


def default_packages_dir(explicit: Path | None = None) -> Path:
    """Return the Argos packages folder: *explicit*, else what ``argospm`` uses.

    That is ``$ARGOS_PACKAGES_DIR``, else ``ARGOS_PACKAGES_DIR`` in Argos's
    ``settings.json``, else ``$XDG_DATA_HOME/argos-translate/packages`` (by default
    ``~/.local/share/argos-translate/packages``). The folder is not created. The
    environment is read on each call, unlike ``argostranslate.settings``.
    """
    if explicit is not None:
        return explicit.expanduser()
    configured = os.environ.get("ARGOS_PACKAGES_DIR") or _argos_settings_value(
        "ARGOS_PACKAGES_DIR"
    )
    if configured:
        return Path(configured).expanduser()
    return _xdg_dir("XDG_DATA_HOME", Path(".local", "share")) / "argos-translate" / "packages"


def default_cache_dir() -> Path:
    """Return where downloads are cached: ``$XDG_CACHE_HOME/translate-flow/packages``."""
    return _xdg_dir("XDG_CACHE_HOME", Path(".cache")) / "translate-flow" / "packages"


def _xdg_dir(variable: str, fallback: Path) -> Path:
    value = os.environ.get(variable, "")
    # The XDG spec says relative values are invalid and must be ignored.
    if value and Path(value).is_absolute():
        return Path(value)
    return Path.home() / fallback


def _argos_settings_value(key: str) -> str | None:
    path = _xdg_dir("XDG_CONFIG_HOME", Path(".config")) / "argos-translate" / "settings.json"
    try:
        settings = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    value = settings.get(key) if isinstance(settings, dict) else None
    return value if isinstance(value, str) and value else None


def _argos_package() -> ModuleType:
    # Imported late: importing argostranslate reads its settings once and creates its
    # folders under $HOME, which callers that never list packages should not pay for.
    try:
        from argostranslate import package  # type: ignore[import-untyped]
    except ImportError as exc:
        raise ModelError(
            f"argostranslate is not available ({exc}); install it with "
            "`pip install argos-translate-lt`"
        ) from exc
    except OSError as exc:
        raise ModelError(
            f"argostranslate cannot create its folders ({exc.strerror or exc}); "
            "set HOME or XDG_DATA_HOME to a writable folder"
        ) from exc
    module: ModuleType = package
    return module


# --------------------------------------------------------------------------- metadata


def _version_key(version: str) -> tuple[tuple[int, str], ...]:
    """Sort key for package versions: numeric parts compare as numbers (1.10 > 1.9)."""
    return tuple(
        (int(part), "") if part.isdigit() else (-1, part)
        for part in re.split(r"[._+-]", version)
    )


def newest(packages: Sequence[PackageInfo]) -> PackageInfo | None:
    return max(packages, key=lambda p: _version_key(p.package_version), default=None)


def _checksum(meta: Mapping[str, object], where: str) -> str | None:
    value = meta.get("sha256", meta.get("checksum"))
    if value is None or value == "":
        return None
    if isinstance(value, str):
        digest = value.strip().lower().removeprefix("sha256:").removeprefix("sha256-")
        if _SHA256_RE.fullmatch(digest):
            return digest
    raise PackageError(
        f"{where}: checksum {value!r} is not a SHA-256 hex digest; fix the index entry"
    )


def _package_info(
    meta: Mapping[str, object],
    where: str,
    *,
    hint: str,
    translate_only: bool,
    path: Path | None = None,
    size: int | None = None,
) -> PackageInfo:
    """Check metadata field types and build a :class:`PackageInfo`; raise PackageError."""

    def text(key: str, pattern: re.Pattern[str] | None = None, *, required: bool) -> str:
        value = meta.get(key)
        if value is None or value == "":
            if required:
                raise PackageError(f"{where}: required field {key!r} is missing; {hint}")
            return ""
        if not isinstance(value, str):
            raise PackageError(
                f"{where}: {key!r} must be a string, not {type(value).__name__}; {hint}"
            )
        if pattern is not None and not pattern.fullmatch(value):
            raise PackageError(f"{where}: {key!r} has an invalid value {value!r}; {hint}")
        return value

    kind = text("type", required=False) or "translate"
    if translate_only and kind != "translate":
        raise PackageError(
            f"{where}: this is a {kind!r} package, not a translation model; "
            "use an Argos 'translate' package"
        )
    links = meta.get("links", [])
    if links is None:
        links = []
    if not isinstance(links, list) or not all(isinstance(link, str) for link in links):
        raise PackageError(f"{where}: 'links' must be a list of URLs; {hint}")
    return PackageInfo(
        from_code=text("from_code", _CODE_RE, required=True),
        to_code=text("to_code", _CODE_RE, required=True),
        package_version=text("package_version", _VERSION_RE, required=True),
        argos_version=text("argos_version", required=False),
        from_name=text("from_name", required=False),
        to_name=text("to_name", required=False),
        type=kind,
        links=tuple(links),
        sha256=_checksum(meta, where),
        path=path,
        size=size,
    )


# --------------------------------------------------------------------------- installed


def installed_packages(packages_dir: Path) -> tuple[list[PackageInfo], list[str]]:
    """List the packages installed in *packages_dir*, read by ``argostranslate``.

    Returns ``(packages, warnings)``, sorted by folder name. Folders that are not packages
    (no ``metadata.json``, unreadable metadata, leftovers of an interrupted install) give
    a warning each instead of an error; ``argospm`` fails on them. A missing folder
    holds no packages.
    """
    if not packages_dir.exists():
        return [], []
    if not packages_dir.is_dir():
        return [], [f"{packages_dir}: not a folder; point the packages folder at a folder"]
    argos = _argos_package()
    found: list[PackageInfo] = []
    warnings: list[str] = []
    for child in sorted(packages_dir.iterdir(), key=lambda p: p.name):
        if child.name.startswith("."):
            if child.name.startswith((_STAGING_PREFIX, _RETIRED_PREFIX)) and child.is_dir():
                warnings.append(
                    f"{child}: left over from an interrupted install or removal "
                    "(argospm fails on it); delete it"
                )
            continue
        if not child.is_dir():
            continue
        metadata = child / "metadata.json"
        if not metadata.is_file():
            warnings.append(
                f"{child}: no metadata.json, so not an Argos package (argospm fails on it); "
                f"move it out of {packages_dir} or delete it"
            )
            continue
        try:
            package = argos.Package(child)
        # Package() parses metadata.json itself: broken JSON, a non-object or an
        # unreadable file surface as these.
        except (OSError, ValueError, AttributeError, TypeError) as exc:
            warnings.append(
                f"{metadata}: unreadable ({_one_line(exc)}); reinstall the package or "
                "delete its folder"
            )
            continue
        fields: dict[str, object] = {
            key: getattr(package, key, None)
            for key in (
                "from_code", "to_code", "package_version", "argos_version",
                "from_name", "to_name", "type", "links",
            )
        }
        try:
            info = _package_info(
                fields,
                str(metadata),
                hint="reinstall the package or delete its folder",
                translate_only=False,
                path=child,
                size=_tree_size(child),
            )
        except PackageError as exc:
            warnings.append(str(exc))
            continue
        found.append(info)
    return found, warnings


def find_installed(packages_dir: Path, from_code: str, to_code: str) -> PackageInfo | None:
    """Return the newest installed translate package for the pair (Argos codes), or None."""
    packages, _ = installed_packages(packages_dir)
    return newest(_for_pair(packages, from_code, to_code))


def remove(packages_dir: Path, from_code: str, to_code: str) -> PackageInfo:
    """Uninstall every installed package for the pair; return the newest one removed.

    Raises :class:`ModelNotFound` when none is installed. A package folder that is a
    symbolic link loses the link only, never the files it points to.
    """
    packages, _ = installed_packages(packages_dir)
    matching = _for_pair(packages, from_code, to_code)
    latest = newest(matching)
    if latest is None:
        raise ModelNotFound(
            f"no {from_code} -> {to_code} package is installed in {packages_dir}; "
            "nothing to remove"
        )
    for package in matching:
        if package.path is not None:
            _retire(package.path, packages_dir)
    return latest


def _for_pair(packages: Sequence[PackageInfo], from_code: str, to_code: str) -> list[PackageInfo]:
    return [
        p for p in packages if p.type == "translate" and p.pair == (from_code, to_code)
    ]


def _tree_size(folder: Path) -> int:
    total = 0
    for root, _dirs, files in os.walk(folder):
        for name in files:
            with contextlib.suppress(OSError):
                total += os.lstat(os.path.join(root, name)).st_size
    return total


def _retire(path: Path, packages_dir: Path) -> None:
    """Move *path* out of sight in one rename, then delete it."""
    aside = _aside_path(packages_dir)
    try:
        os.rename(path, aside)
    except OSError as exc:
        raise ModelError(
            f"cannot remove {path} ({_one_line(exc)}); check the folder's permissions"
        ) from exc
    _delete(aside)


def _aside_path(packages_dir: Path) -> Path:
    return packages_dir / f"{_RETIRED_PREFIX}{os.urandom(6).hex()}"


def _delete(path: Path) -> None:
    # A leftover is reported by installed_packages(), so a failed delete is not fatal.
    if path.is_symlink() or not path.is_dir():
        with contextlib.suppress(OSError):
            path.unlink()
    else:
        shutil.rmtree(path, ignore_errors=True)


# --------------------------------------------------------------------------- network


class _Unreachable(Exception):
    """A source could not be read; ``reason`` is a short phrase for a message."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _one_line(exc: BaseException) -> str:
    text = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    return " ".join(text.split()) or type(exc).__name__


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
    return _one_line(exc)


def _shown(url: str) -> str:
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
    if scheme == "" or _DRIVE_RE.fullmatch(f"{scheme}:"):
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
            raise _Unreachable(_one_line(exc)) from exc
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
        return stream.read1(_CHUNK)
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
    shown = _shown(location)
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
        _write_atomic(cache_dir / _index_cache_name(location), data)
    return packages


def cached_index(url: str, cache_dir: Path) -> list[PackageInfo] | None:
    """Return the index last saved by ``fetch_index(url, cache_dir=...)``, or None."""
    location = _index_location(url)
    try:
        data = (cache_dir / _index_cache_name(location)).read_bytes()
    except OSError:
        return None
    return _parse_index(data, f"{_shown(location)} (cached)", "fetch the index again")


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
            info = _package_info(
                entry,
                f"{shown} entry {number}",
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


def _write_atomic(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(prefix=".", suffix=".part", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as sink:
                sink.write(data)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise ModelError(
            f"cannot write {path} ({_one_line(exc)}); check free space and permissions"
        ) from exc


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while chunk := source.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _fetch_to_file(
    url: str,
    directory: Path,
    *,
    what: str,
    timeout: float,
    progress: Progress | None,
    max_size: int,
    sha256: str | None,
    expected_size: int | None,
) -> Path:
    """Stream *url* into a hidden temp file in *directory*, verified; return its path."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=".download-", suffix=".part", dir=directory)
    except OSError as exc:
        raise ModelError(
            f"cannot write to {directory} ({_one_line(exc)}); check permissions"
        ) from exc
    temporary = Path(name)
    digest = hashlib.sha256()
    try:
        with os.fdopen(fd, "wb") as sink, _open_source(url, timeout) as (stream, length):
            total = length if length is not None else expected_size
            too_big = (
                f"{what} from {_shown(url)} is larger than the {max_size} byte limit; "
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
                        f"cannot write {temporary} ({_one_line(exc)}); check free space"
                    ) from exc
                if progress is not None:
                    progress(received, total)
            if length is not None and received != length:
                raise _Unreachable(f"connection closed after {received} of {length} bytes")
        if sha256 is not None and digest.hexdigest() != sha256:
            raise PackageError(
                f"{what} from {_shown(url)} fails its SHA-256 check (expected {sha256}, "
                f"got {digest.hexdigest()}); the download is corrupt or the index is wrong, "
                "try again"
            )
        return temporary
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def download(
    package: PackageInfo,
    cache_dir: Path,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    progress: Progress | None = None,
    max_size: int = DEFAULT_MAX_SIZE,
) -> Path:
    """Download *package* into *cache_dir* and return the ``.argosmodel`` file.

    The cache is keyed by name and version (:attr:`PackageInfo.cache_filename`); a cached
    file is reused without a request once it passes the package's checksum, if any. Each
    link is tried in turn; *timeout* bounds the connection and every wait for data. The
    file appears only complete and verified. Raises :class:`PackageError` for a checksum
    mismatch or a file over *max_size*, :class:`NetworkError` when no link answers.
    """
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
                link,
                cache_dir,
                what=what,
                timeout=timeout,
                progress=progress,
                max_size=max_size,
                sha256=package.sha256,
                expected_size=package.size,
            )
        except _Unreachable as exc:
            failures.append(f"{_shown(link)} ({exc.reason})")
            continue
        except PackageError as exc:
            bad_package = exc
            failures.append(f"{_shown(link)} (rejected)")
            continue
        try:
            os.replace(temporary, target)
        except OSError as exc:
            temporary.unlink(missing_ok=True)
            raise ModelError(
                f"cannot write {target} ({_one_line(exc)}); check permissions"
            ) from exc
        return target
    if bad_package is not None and len(package.links) == 1:
        raise bad_package
    message = f"cannot download {what}: " + "; ".join(failures)
    if bad_package is not None:
        raise PackageError(f"{message}; last error: {bad_package}")
    raise NetworkError(f"{message}; check the network or install from a file")


# --------------------------------------------------------------------------- validation


@dataclass(frozen=True)
class _Layout:
    """A checked archive: its top folder, its files (entry, path parts) and metadata."""

    top: str
    files: tuple[tuple[zipfile.ZipInfo, tuple[str, ...]], ...]
    dirs: tuple[tuple[str, ...], ...]
    info: PackageInfo
    total: int


def _open_zip(path: Path, label: str) -> zipfile.ZipFile:
    """Open *path* as a zip; *label* names it in messages (a URL for downloads)."""
    try:
        with path.open("rb") as probe:
            head = probe.read(4)
    except OSError as exc:
        raise PackageError(f"cannot read {label} ({_one_line(exc)}); check the path") from exc
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError) as exc:
        if head == b"PK\x03\x04":
            raise PackageError(
                f"{label}: the zip archive is truncated or damaged ({_one_line(exc)}); "
                "download the package again"
            ) from exc
        raise PackageError(
            f"{label}: not a zip archive, so not an Argos package (.argosmodel); "
            "check the file or download it again"
        ) from exc
    except OSError as exc:
        raise PackageError(f"cannot read {label} ({_one_line(exc)}); check the path") from exc


def _entry_parts(info: zipfile.ZipInfo, source: str) -> tuple[str, ...]:
    """The checked path components of one archive entry."""
    name = info.filename

    def unsafe(problem: str) -> PackageError:
        return PackageError(
            f"{source}: entry {name!r} {problem}; the package is unsafe, do not install it"
        )

    if info.orig_filename != name or any(ord(c) < 32 or c == "\x7f" for c in name):
        raise unsafe("has control characters in its name")
    if "\\" in name:
        raise unsafe("has a backslash in its name")
    if name.startswith("/") or _DRIVE_RE.match(name):
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
            f"{source}: entry {name!r} is encrypted; Argos packages are never encrypted, "
            "download the package again"
        )
    if info.compress_type not in _SUPPORTED_COMPRESSION:
        raise PackageError(
            f"{source}: entry {name!r} uses an unsupported compression method "
            f"({info.compress_type}); repack the package with deflate"
        )
    return parts


def _inspect(
    archive: zipfile.ZipFile, source: str, max_size: int, max_entries: int
) -> _Layout:
    """Check an archive's layout and metadata without unpacking it."""
    infos = archive.infolist()
    if not infos:
        raise PackageError(f"{source}: the archive is empty; download the package again")
    if len(infos) > max_entries:
        raise PackageError(
            f"{source}: the archive has {len(infos)} entries, more than the "
            f"{max_entries} a package may have; the package is unsafe, do not install it"
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
                f"{source}: file {info.filename!r} sits at the top level; a package holds "
                "one folder with everything inside, repack it that way"
            )
        total += info.file_size
        if total > max_size:
            raise PackageError(
                f"{source}: unpacks to more than the {max_size} byte limit; the package is "
                "unsafe or not a translation package, do not install it"
            )
        if (
            info.file_size > _RATIO_FLOOR
            and info.file_size > max(info.compress_size, 1) * MAX_COMPRESSION_RATIO
        ):
            raise PackageError(
                f"{source}: entry {info.filename!r} expands {info.file_size} bytes from "
                f"{info.compress_size} (a zip bomb); the package is unsafe, do not install it"
            )
        key = "/".join(parts).casefold()
        if key in seen:
            raise PackageError(
                f"{source}: entry {info.filename!r} appears twice (as {seen[key]!r}); "
                "the package is ambiguous, do not install it"
            )
        seen[key] = info.filename
        files.append((info, parts))
        implied_dirs.update(parts[:i] for i in range(1, len(parts)))
    if len(tops) != 1:
        shown = ", ".join(repr(top) for top in sorted(tops)[:5])
        raise PackageError(
            f"{source}: the archive must hold exactly one top-level folder, found "
            f"{len(tops)} ({shown}); repack it with everything under one folder"
        )
    for info, parts in files:
        if parts in implied_dirs or parts in explicit_dirs:
            raise PackageError(
                f"{source}: {info.filename!r} is both a file and a folder; "
                "the package is ambiguous, do not install it"
            )
    (top,) = tops
    by_path = {parts[1:]: info for info, parts in files}
    metadata = _read_metadata(archive, by_path.get(("metadata.json",)), source, top)
    required = (("model", "model.bin"), ("model", "config.json"))
    for parts in required:
        if parts not in by_path:
            raise PackageError(
                f"{source}: {top}/{'/'.join(parts)} is missing, so the package holds no "
                "CTranslate2 model; download it again or rebuild it"
            )
    if ("sentencepiece.model",) not in by_path and ("bpe.model",) not in by_path:
        raise PackageError(
            f"{source}: neither {top}/sentencepiece.model nor {top}/bpe.model is present, "
            "so the package has no tokenizer; download it again or rebuild it"
        )
    return _Layout(
        top=top,
        files=tuple(files),
        dirs=tuple(sorted(explicit_dirs | implied_dirs)),
        info=metadata,
        total=total,
    )


def _read_metadata(
    archive: zipfile.ZipFile, entry: zipfile.ZipInfo | None, source: str, top: str
) -> PackageInfo:
    where = f"{source}: {top}/metadata.json"
    if entry is None:
        raise PackageError(
            f"{where} is missing, so this is not an Argos Translate package; "
            "use a .argosmodel file from the Argos index or argospm"
        )
    if entry.file_size > _MAX_METADATA_SIZE:
        raise PackageError(
            f"{where} is {entry.file_size} bytes, too large for metadata; do not install it"
        )
    try:
        with archive.open(entry) as stream:
            raw = stream.read(_MAX_METADATA_SIZE + 1)
    except (zipfile.BadZipFile, zlib.error, lzma.LZMAError, EOFError, OSError) as exc:
        raise PackageError(
            f"{where} is corrupt ({_one_line(exc)}); download the package again"
        ) from exc
    try:
        metadata = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise PackageError(
            f"{where} is not UTF-8 text; rebuild or re-download the package"
        ) from None
    except json.JSONDecodeError as exc:
        raise PackageError(
            f"{where} is not valid JSON (line {exc.lineno} column {exc.colno}: {exc.msg}); "
            "rebuild or re-download the package"
        ) from None
    if not isinstance(metadata, dict):
        raise PackageError(
            f"{where} holds a JSON {type(metadata).__name__}, not an object; "
            "rebuild or re-download the package"
        )
    return _package_info(
        metadata, where, hint="rebuild the package with a correct metadata.json",
        translate_only=True,
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
    with _open_zip(path, str(path)) as archive:
        layout = _inspect(archive, str(path), max_size, max_entries)
        for entry, _parts in layout.files:
            try:
                with archive.open(entry) as stream:
                    while stream.read(_CHUNK):
                        pass
            except (zipfile.BadZipFile, zlib.error, lzma.LZMAError, EOFError, OSError) as exc:
                raise PackageError(
                    f"{path}: entry {entry.filename!r} is corrupt ({_one_line(exc)}); "
                    "download the package again"
                ) from exc
    return replace(layout.info, size=layout.total)


# --------------------------------------------------------------------------- install


def install_file(
    path: Path,
    packages_dir: Path,
    *,
    max_size: int = DEFAULT_MAX_SIZE,
    max_entries: int = DEFAULT_MAX_ENTRIES,
) -> PackageInfo:
    """Install the ``.argosmodel`` file *path* into *packages_dir*; return the package.

    The archive is checked as :func:`validate_package` does, unpacked entry by entry into
    a hidden folder inside *packages_dir* and renamed into place under its top-level
    folder name. Installed packages of the same pair are replaced. On any failure the
    packages folder is left as it was and nothing is written outside it.
    """
    return _install(path, packages_dir, max_size=max_size, max_entries=max_entries, expect=None)


def install_url(
    url: str,
    packages_dir: Path,
    cache_dir: Path,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    progress: Progress | None = None,
    sha256: str | None = None,
    max_size: int = DEFAULT_MAX_SIZE,
) -> PackageInfo:
    """Download the package at *url* (``http(s)://``, ``file://`` or a path) and install it.

    The download goes through a temporary file in *cache_dir* that is deleted afterwards;
    with *sha256* it must match that digest. Errors as :func:`download` and
    :func:`install_file`.
    """
    expected = None
    if sha256 is not None:
        expected = _checksum({"sha256": sha256}, "the given checksum")
    try:
        temporary = _fetch_to_file(
            url,
            cache_dir,
            what="the package",
            timeout=timeout,
            progress=progress,
            max_size=max_size,
            sha256=expected,
            expected_size=None,
        )
    except _Unreachable as exc:
        raise NetworkError(
            f"cannot download {_shown(url)} ({exc.reason}); check the URL and the network"
        ) from exc
    try:
        return _install(
            temporary, packages_dir, max_size=max_size, max_entries=DEFAULT_MAX_ENTRIES,
            expect=None, label=_shown(url),
        )
    finally:
        temporary.unlink(missing_ok=True)


def install_from_index(
    from_code: str,
    to_code: str,
    index: Sequence[PackageInfo],
    packages_dir: Path,
    cache_dir: Path,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    progress: Progress | None = None,
    max_size: int = DEFAULT_MAX_SIZE,
) -> PackageInfo:
    """Install the newest index package for the pair (Argos codes); return it installed.

    Raises :class:`ModelNotFound` when the index has no package for the pair, and
    :class:`PackageError` when the download is not the package the index announced.
    """
    chosen = newest(_for_pair(index, from_code, to_code))
    if chosen is None:
        raise ModelNotFound(
            f"the package index has no Argos package for {from_code} -> {to_code}; "
            f"configure another CTranslate2 model under [models.pairs.\"{from_code}-{to_code}\"]"
        )
    archive = download(chosen, cache_dir, timeout=timeout, progress=progress, max_size=max_size)
    try:
        return _install(
            archive, packages_dir, max_size=max_size, max_entries=DEFAULT_MAX_ENTRIES,
            expect=chosen,
        )
    except PackageError:
        archive.unlink(missing_ok=True)  # so that a retry downloads it afresh
        raise


def _folder_name(top: str, info: PackageInfo) -> str:
    name = _UNSAFE_NAME_CHARS.sub("_", top).lstrip("._-")[:120]
    return name or info.cache_filename.removesuffix(".argosmodel")


def _install(
    source: Path,
    packages_dir: Path,
    *,
    max_size: int,
    max_entries: int,
    expect: PackageInfo | None,
    label: str | None = None,
) -> PackageInfo:
    label = label or str(source)
    with _open_zip(source, label) as archive:
        layout = _inspect(archive, label, max_size, max_entries)
        info = layout.info
        if expect is not None and (info.pair, info.package_version) != (
            expect.pair, expect.package_version
        ):
            raise PackageError(
                f"{label}: holds {info.describe()}, but the index announced "
                f"{expect.describe()}; the index is wrong, install from a file instead"
            )
        try:
            packages_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ModelError(
                f"cannot create {packages_dir} ({_one_line(exc)}); check the packages folder"
            ) from exc
        final = packages_dir / _folder_name(layout.top, info)
        installed, _ = installed_packages(packages_dir)
        same_pair = [
            p.path for p in _for_pair(installed, info.from_code, info.to_code)
            if p.path is not None
        ]
        if os.path.lexists(final) and final not in same_pair:
            raise ModelError(
                f"cannot install {info.describe()}: {final} already exists and is not an "
                f"installed {info.from_code} -> {info.to_code} package; move it away and retry"
            )
        try:
            staging = Path(tempfile.mkdtemp(prefix=_STAGING_PREFIX, dir=packages_dir))
        except OSError as exc:
            raise ModelError(
                f"cannot write to {packages_dir} ({_one_line(exc)}); check its permissions"
            ) from exc
        try:
            _extract(archive, layout, staging, label)
            os.chmod(staging, 0o755)  # mkdtemp makes it private; argospm's are not
            _swap_in(staging, final, packages_dir)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    for old in same_pair:
        if old != final and os.path.lexists(old):
            with contextlib.suppress(ModelError):  # reported later as a duplicate install
                _retire(old, packages_dir)
    found, _ = installed_packages(packages_dir)
    for package in found:
        if package.path == final:
            return package
    raise ModelError(
        f"{final} was installed but argostranslate cannot read it; delete it and report a bug"
    )


def _swap_in(staging: Path, final: Path, packages_dir: Path) -> None:
    """Rename *staging* to *final*, replacing an old *final* with as short a gap as possible."""
    aside: Path | None = None
    try:
        if os.path.lexists(final):
            aside = _aside_path(packages_dir)
            os.rename(final, aside)
        try:
            os.rename(staging, final)
        except BaseException:
            if aside is not None:
                os.rename(aside, final)  # put the old install back
                aside = None
            raise
    except OSError as exc:
        raise ModelError(
            f"cannot move the package into {final} ({_one_line(exc)}); "
            "check the packages folder's permissions"
        ) from exc
    if aside is not None:
        _delete(aside)


def _extract(
    archive: zipfile.ZipFile, layout: _Layout, dest: Path, source: str
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
                    f"{source}: entry {entry.filename!r} points outside its folder; "
                    "the package is unsafe, do not install it"
                )
            target.parent.mkdir(mode=0o755, parents=True, exist_ok=True)
            _extract_entry(archive, entry, os.open(target, flags, 0o644), source)
    except OSError as exc:
        raise ModelError(
            f"cannot unpack {source} into {dest.parent} ({_one_line(exc)}); "
            "check free space and permissions"
        ) from exc


def _extract_entry(
    archive: zipfile.ZipFile, entry: zipfile.ZipInfo, fd: int, source: str
) -> None:
    written = 0
    with os.fdopen(fd, "wb") as sink:
        try:
            stream = archive.open(entry)
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError) as exc:
            raise PackageError(
                f"{source}: entry {entry.filename!r} cannot be read ({_one_line(exc)}); "
                "download the package again"
            ) from exc
        with stream:
            while True:
                try:
                    chunk = stream.read(_CHUNK)
                except (zipfile.BadZipFile, zlib.error, lzma.LZMAError, EOFError) as exc:
                    raise PackageError(
                        f"{source}: entry {entry.filename!r} is corrupt ({_one_line(exc)}); "
                        "download the package again"
                    ) from exc
                if not chunk:
                    break
                written += len(chunk)
                if written > entry.file_size:
                    raise PackageError(
                        f"{source}: entry {entry.filename!r} unpacks to more than its declared "
                        "size; the package is unsafe, do not install it"
                    )
                sink.write(chunk)


# --------------------------------------------------------------------------- planning


def plan_pairs(
    source: str,
    targets: Sequence[str],
    available: Sequence[PackageInfo],
    installed: Sequence[PackageInfo],
    pivot: str | None = "en",
) -> list[PairPlan]:
    """Plan how to translate *source* into each of *targets* (BCP 47 tags) with Argos.

    For each target, in order: a direct package (installed first, else the newest in
    *available*), else two packages through *pivot* (an Argos code; None disables
    pivoting), else an uncovered plan whose message says how to configure another
    CTranslate2 model (such as NLLB-200) for the pair in translate-flow.toml. Raises
    :class:`~translate_flow.errors.LanguageError` for a tag that is not a language.
    """
    source_language = language(source)
    from_code = argos_code(source_language)
    plans: list[PairPlan] = []
    for target in targets:
        target_language = language(target)
        to_code = argos_code(target_language)
        plans.append(
            _plan_pair(
                source_language.tag, target_language.tag, from_code, to_code,
                available, installed, pivot,
            )
        )
    return plans


def _plan_pair(
    source: str,
    target: str,
    from_code: str,
    to_code: str,
    available: Sequence[PackageInfo],
    installed: Sequence[PackageInfo],
    pivot: str | None,
) -> PairPlan:
    def best(a: str, b: str) -> PackageInfo | None:
        return newest(_for_pair(installed, a, b)) or newest(_for_pair(available, a, b))

    label = f"{source} -> {target}"
    if from_code == to_code:
        return PairPlan(
            source, target, from_code, to_code, "uncovered", (),
            f"{label}: both are Argos language {from_code!r}, so no Argos package applies; "
            + _configure_hint(source, target),
        )
    direct = best(from_code, to_code)
    if direct is not None:
        return PairPlan(
            source, target, from_code, to_code, "direct", (direct,),
            f"{label}: {_state(direct)}",
        )
    can_pivot = pivot is not None and pivot not in (from_code, to_code)
    if pivot is not None and can_pivot:
        first, second = best(from_code, pivot), best(pivot, to_code)
        if first is not None and second is not None:
            return PairPlan(
                source, target, from_code, to_code, "pivot", (first, second),
                f"{label}: through {pivot}, {_state(first)} and {_state(second)}",
                pivot=pivot,
            )
    through = f" or through {pivot}" if can_pivot else ""
    return PairPlan(
        source, target, from_code, to_code, "uncovered", (),
        f"{label}: no Argos Translate package covers {from_code} -> {to_code} directly"
        f"{through}; {_configure_hint(source, target)}",
    )


def _state(package: PackageInfo) -> str:
    if package.installed:
        return f"{package.describe()} (installed)"
    return f"{package.describe()} (to install from the package index)"


def _configure_hint(source_tag: str, target_tag: str) -> str:
    token = _NLLB_CODES.get(target_tag) or _NLLB_CODES.get(target_tag.split("-", 1)[0])
    token_text = f'target token "{token}"' if token else "its target-language token"
    return (
        f'configure another CTranslate2 model in translate-flow.toml under '
        f'[models.pairs."{source_tag}-{target_tag}"], e.g. NLLB-200 converted with '
        f"ct2-transformers-converter and {token_text}"
    )
