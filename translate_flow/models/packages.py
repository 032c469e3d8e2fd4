"""What an Argos package is, where packages live, and which ones are installed.

:class:`PackageInfo` describes a package from the index or on disk; its metadata is
checked here (:func:`package_info`) whichever of the two it came from. Installed packages
are read through ``argostranslate.package.Package``, so what this module lists is what
Argos itself sees.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Final

from ..errors import ModelError, PackageError

__all__ = [
    "CHUNK",
    "DEFAULT_MAX_SIZE",
    "DRIVE_RE",
    "MetadataSource",
    "PackageInfo",
    "RETIRED_PREFIX",
    "STAGING_PREFIX",
    "argos_data_dir",
    "argos_setting",
    "default_cache_dir",
    "default_packages_dir",
    "find_installed",
    "for_pair",
    "installed_packages",
    "newest",
    "one_line",
    "package_info",
    "parse_checksum",
    "safe_name",
]

#: Largest download and largest unpacked package, in bytes. Real Argos packages are
#: 100-400 MB; the bound only has to stop a runaway download or a zip bomb.
DEFAULT_MAX_SIZE: Final = 2 * 1024**3
#: How much is read or written at a time, from the network or an archive.
CHUNK: Final = 1024 * 1024
# Hidden names, so that argospm and installed_packages() never take them for packages.
STAGING_PREFIX: Final = ".installing-"
RETIRED_PREFIX: Final = ".removing-"
#: A Windows drive prefix such as ``C:``: an absolute path in an archive or a URL.
DRIVE_RE: Final = re.compile(r"[A-Za-z]:")

_CODE_RE: Final = re.compile(r"[A-Za-z]{2,3}(?:[_-][A-Za-z0-9]{1,8})*")
_VERSION_RE: Final = re.compile(r"[0-9A-Za-z][0-9A-Za-z.+_-]{0,63}")
_SHA256_RE: Final = re.compile(r"[0-9a-f]{64}")
_UNSAFE_NAME_CHARS: Final = re.compile(r"[^A-Za-z0-9._-]+")


def safe_name(text: str) -> str:
    """*text* with every run of characters unsafe in a file name replaced by ``_``."""
    return _UNSAFE_NAME_CHARS.sub("_", text)


def one_line(exc: BaseException) -> str:
    """A short one-line phrase for *exc*, to put in parentheses in a message."""
    text = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    return " ".join(text.split()) or type(exc).__name__


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
        return safe_name(f"{self.name}-{version}") + ".argosmodel"

    def describe(self) -> str:
        """Short human text: ``translate-en_ru 1.9``."""
        return f"{self.name} {self.package_version}"


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
    configured = argos_setting("ARGOS_PACKAGES_DIR")
    if configured:
        return Path(configured).expanduser()
    return argos_data_dir() / "packages"


def argos_data_dir() -> Path:
    """Argos's own data folder, ``$XDG_DATA_HOME/argos-translate``; ``argospm update`` keeps
    its copy of the package index there (``index.json``)."""
    return _xdg_dir("XDG_DATA_HOME", Path(".local", "share")) / "argos-translate"


def default_cache_dir() -> Path:
    """Return where downloads are cached: ``$XDG_CACHE_HOME/translate-flow/packages``."""
    return _xdg_dir("XDG_CACHE_HOME", Path(".cache")) / "translate-flow" / "packages"


def _xdg_dir(variable: str, fallback: Path) -> Path:
    value = os.environ.get(variable, "")
    # The XDG spec says relative values are invalid and must be ignored.
    if value and Path(value).is_absolute():
        return Path(value)
    return Path.home() / fallback


def argos_setting(key: str) -> str | None:
    """Argos's setting *key* as ``argospm`` reads it: the environment, else its ``settings.json``."""
    if os.environ.get(key):
        return os.environ[key]
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
    """The package of *packages* with the highest version, or None when there is none."""
    return max(packages, key=lambda p: _version_key(p.package_version), default=None)


@dataclass(frozen=True)
class MetadataSource:
    """Where package metadata was read: the file as shown to the user, and the part of it.

    ``part`` names the piece of a larger file, such as ``entry 3`` of an index or
    ``pkg/metadata.json`` in an archive; it is empty when the file is the metadata.
    """

    path: str | None
    part: str = ""

    def error(self, problem: str) -> PackageError:
        """A :class:`PackageError` for *problem*, located at this source's file."""
        return PackageError(f"{self.part}: {problem}" if self.part else problem, path=self.path)


def parse_checksum(meta: Mapping[str, object], source: MetadataSource) -> str | None:
    """The lower-case SHA-256 hex digest in *meta* (``sha256`` or ``checksum``), or None."""
    value = meta.get("sha256", meta.get("checksum"))
    if value is None or value == "":
        return None
    if isinstance(value, str):
        digest = value.strip().lower().removeprefix("sha256:").removeprefix("sha256-")
        if _SHA256_RE.fullmatch(digest):
            return digest
    raise source.error(f"checksum {value!r} is not a SHA-256 hex digest; fix the index entry")


def package_info(
    meta: Mapping[str, object],
    source: MetadataSource,
    *,
    hint: str,
    translate_only: bool,
    folder: Path | None = None,
    size: int | None = None,
) -> PackageInfo:
    """Check metadata field types and build a :class:`PackageInfo`; raise PackageError.

    *hint* ends each message with what to do; *folder* is the installed package folder.
    """

    def text(key: str, pattern: re.Pattern[str] | None = None, *, required: bool) -> str:
        value = meta.get(key)
        if value is None or value == "":
            if required:
                raise source.error(f"required field {key!r} is missing; {hint}")
            return ""
        if not isinstance(value, str):
            raise source.error(f"{key!r} must be a string, not {type(value).__name__}; {hint}")
        if pattern is not None and not pattern.fullmatch(value):
            raise source.error(f"{key!r} has an invalid value {value!r}; {hint}")
        return value

    kind = text("type", required=False) or "translate"
    if translate_only and kind != "translate":
        raise source.error(
            f"this is a {kind!r} package, not a translation model; "
            "use an Argos 'translate' package"
        )
    links = meta.get("links", [])
    if links is None:
        links = []
    if not isinstance(links, list) or not all(isinstance(link, str) for link in links):
        raise source.error(f"'links' must be a list of URLs; {hint}")
    return PackageInfo(
        from_code=text("from_code", _CODE_RE, required=True),
        to_code=text("to_code", _CODE_RE, required=True),
        package_version=text("package_version", _VERSION_RE, required=True),
        argos_version=text("argos_version", required=False),
        from_name=text("from_name", required=False),
        to_name=text("to_name", required=False),
        type=kind,
        links=tuple(links),
        sha256=parse_checksum(meta, source),
        path=folder,
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
            if child.name.startswith((STAGING_PREFIX, RETIRED_PREFIX)) and child.is_dir():
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
                f"{metadata}: unreadable ({one_line(exc)}); reinstall the package or "
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
            info = package_info(
                fields,
                MetadataSource(str(metadata)),
                hint="reinstall the package or delete its folder",
                translate_only=False,
                folder=child,
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
    return newest(for_pair(packages, from_code, to_code))


def for_pair(packages: Sequence[PackageInfo], from_code: str, to_code: str) -> list[PackageInfo]:
    """The translate packages of *packages* for the pair (Argos codes), in their order."""
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


