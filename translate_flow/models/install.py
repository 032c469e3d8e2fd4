"""Installing and removing packages in the Argos packages folder, all or nothing.

An install unpacks a checked archive into a hidden folder inside the packages folder and
renames it into place; a removal renames the package out of sight before deleting it. So
``argospm``, ``argostranslate`` and a second run never see half a package, and a failure
leaves the packages folder as it was.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import ModelError, ModelNotFound, PackageError
from .archive import DEFAULT_MAX_ENTRIES, extract, inspect_archive, open_zip
from .fetch import Transfer, TransferOptions, download, download_url, shown_url
from .packages import (
    DEFAULT_MAX_SIZE,
    RETIRED_PREFIX,
    STAGING_PREFIX,
    MetadataSource,
    PackageInfo,
    for_pair,
    installed_packages,
    newest,
    one_line,
    parse_checksum,
    safe_name,
)

if TYPE_CHECKING:
    from typing_extensions import Unpack

__all__ = ["install_file", "install_from_index", "install_url", "remove"]


def install_file(
    path: Path,
    packages_dir: Path,
    *,
    max_size: int = DEFAULT_MAX_SIZE,
    max_entries: int = DEFAULT_MAX_ENTRIES,
) -> PackageInfo:
    """Install the ``.argosmodel`` file *path* into *packages_dir*; return the package.

    The archive is checked as :func:`~.archive.validate_package` does, unpacked entry by entry into
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
    sha256: str | None = None,
    **options: Unpack[TransferOptions],
) -> PackageInfo:
    """Download the package at *url* (``http(s)://``, ``file://`` or a path) and install it.

    The download goes through a temporary file in *cache_dir* that is deleted afterwards,
    within the limits of *options* (:class:`~.fetch.Transfer`); with *sha256* it must
    match that digest. Errors as :func:`~.fetch.download` and :func:`install_file`.
    """
    transfer = Transfer(**options)
    expected = None
    if sha256 is not None:
        expected = parse_checksum({"sha256": sha256}, MetadataSource(None, "the given checksum"))
    temporary = download_url(url, cache_dir, transfer, sha256=expected)
    try:
        return _install(
            temporary, packages_dir, max_size=transfer.max_size,
            max_entries=DEFAULT_MAX_ENTRIES, expect=None, label=shown_url(url),
        )
    finally:
        temporary.unlink(missing_ok=True)


def install_from_index(
    from_code: str,
    to_code: str,
    index: Sequence[PackageInfo],
    packages_dir: Path,
    cache_dir: Path,
    **options: Unpack[TransferOptions],
) -> PackageInfo:
    """Install the newest index package for the pair (Argos codes); return it installed.

    The download is :func:`~.fetch.download`'s, within the limits of *options*. Raises
    :class:`ModelNotFound` when the index has no package for the pair, and
    :class:`PackageError` when the download is not the package the index announced.
    """
    chosen = newest(for_pair(index, from_code, to_code))
    if chosen is None:
        raise ModelNotFound(
            f"the package index has no Argos package for {from_code} -> {to_code}; "
            f"configure another CTranslate2 model under [models.pairs.\"{from_code}-{to_code}\"]"
        )
    archive = download(chosen, cache_dir, **options)
    try:
        return _install(
            archive, packages_dir, max_size=Transfer(**options).max_size,
            max_entries=DEFAULT_MAX_ENTRIES, expect=chosen,
        )
    except PackageError:
        archive.unlink(missing_ok=True)  # so that a retry downloads it afresh
        raise


def _folder_name(top: str, info: PackageInfo) -> str:
    name = safe_name(top).lstrip("._-")[:120]
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
    """Check, unpack and swap in the archive *source*; *label* names it in messages.

    With *expect*, the archive must hold that package (pair and version).
    """
    label = label or str(source)
    with open_zip(source, label) as archive:
        layout = inspect_archive(archive, label, max_size, max_entries)
        info = layout.info
        if expect is not None and (info.pair, info.package_version) != (
            expect.pair, expect.package_version
        ):
            raise PackageError(
                f"holds {info.describe()}, but the index announced "
                f"{expect.describe()}; the index is wrong, install from a file instead",
                path=label,
            )
        try:
            packages_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ModelError(
                f"cannot create {packages_dir} ({one_line(exc)}); check the packages folder"
            ) from exc
        final = packages_dir / _folder_name(layout.top, info)
        installed, _ = installed_packages(packages_dir)
        same_pair = [
            p.path for p in for_pair(installed, info.from_code, info.to_code)
            if p.path is not None
        ]
        if os.path.lexists(final) and final not in same_pair:
            raise ModelError(
                f"cannot install {info.describe()}: {final} already exists and is not an "
                f"installed {info.from_code} -> {info.to_code} package; move it away and retry"
            )
        try:
            staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=packages_dir))
        except OSError as exc:
            raise ModelError(
                f"cannot write to {packages_dir} ({one_line(exc)}); check its permissions"
            ) from exc
        try:
            extract(archive, layout, staging, label)
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
            f"cannot move the package into {final} ({one_line(exc)}); "
            "check the packages folder's permissions"
        ) from exc
    if aside is not None:
        _delete(aside)


def remove(packages_dir: Path, from_code: str, to_code: str) -> PackageInfo:
    """Uninstall every installed package for the pair; return the newest one removed.

    Raises :class:`ModelNotFound` when none is installed. A package folder that is a
    symbolic link loses the link only, never the files it points to.
    """
    packages, _ = installed_packages(packages_dir)
    matching = for_pair(packages, from_code, to_code)
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


def _retire(path: Path, packages_dir: Path) -> None:
    """Move *path* out of sight in one rename, then delete it."""
    aside = _aside_path(packages_dir)
    try:
        os.rename(path, aside)
    except OSError as exc:
        raise ModelError(
            f"cannot remove {path} ({one_line(exc)}); check the folder's permissions"
        ) from exc
    _delete(aside)


def _aside_path(packages_dir: Path) -> Path:
    return packages_dir / f"{RETIRED_PREFIX}{os.urandom(6).hex()}"


def _delete(path: Path) -> None:
    # A leftover is reported by installed_packages(), so a failed delete is not fatal.
    if path.is_symlink() or not path.is_dir():
        with contextlib.suppress(OSError):
            path.unlink()
    else:
        shutil.rmtree(path, ignore_errors=True)
