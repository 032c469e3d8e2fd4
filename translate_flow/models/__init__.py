"""Argos Translate model packages: the index, downloads, validation, installs and plans.

Packages live in the standard Argos packages folder, shared with ``argospm``
(:func:`default_packages_dir`). Everything that touches the network or unpacks an archive
is implemented here instead of in ``argostranslate``, whose versions of it are unsafe for
a batch tool: its index fetch recurses when the index is unreachable, its download cache
ignores the package version and its installer extracts archives unchecked.

One job per module, each using only those above it:

- :mod:`.packages`: :class:`PackageInfo`, metadata checks, versions, the folders, what is
  installed;
- :mod:`.fetch`: index and package downloads, with deadlines, size bounds and checksums;
- :mod:`.archive`: checking a package archive and unpacking it safely;
- :mod:`.install`: installing and removing packages, all or nothing;
- :mod:`.plan`: which packages translate which language pairs, and what to do when none does;
- :mod:`.sources`: where packages come from and go to, for a project or for the user.

Nothing here prints: functions return data, report progress through a callback and raise
:class:`~translate_flow.errors.ModelError` subclasses whose message is one line saying what
is wrong and what to do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy import lazy_getattr

if TYPE_CHECKING:  # imported when first used: only the model commands need the downloads
    from .archive import DEFAULT_MAX_ENTRIES, MAX_COMPRESSION_RATIO, validate_package
    from .fetch import (
        DEFAULT_INDEX_URL,
        DEFAULT_TIMEOUT,
        Transfer,
        TransferOptions,
        cached_index,
        default_index_url,
        download,
        fetch_index,
        file_sha256,
        known_index,
    )
    from .install import install_file, install_from_index, install_url, remove
    from .packages import (
        DEFAULT_MAX_SIZE,
        PackageInfo,
        default_cache_dir,
        default_packages_dir,
        find_installed,
        installed_packages,
        newest,
    )
    from .plan import PairPlan, missing_model, plan_pairs
    from .sources import PackageSources

__getattr__ = lazy_getattr(__name__, {
    ".archive": ("DEFAULT_MAX_ENTRIES", "MAX_COMPRESSION_RATIO", "validate_package"),
    ".fetch": ("DEFAULT_INDEX_URL", "DEFAULT_TIMEOUT", "Transfer", "TransferOptions", "cached_index",
               "default_index_url", "download", "fetch_index", "file_sha256", "known_index"),
    ".install": ("install_file", "install_from_index", "install_url", "remove"),
    ".packages": ("DEFAULT_MAX_SIZE", "PackageInfo", "default_cache_dir", "default_packages_dir", "find_installed",
                  "installed_packages", "newest"),
    ".plan": ("PairPlan", "missing_model", "plan_pairs"),
    ".sources": ("PackageSources",),
}, globals())

__all__ = [
    "DEFAULT_INDEX_URL",
    "DEFAULT_MAX_ENTRIES",
    "DEFAULT_MAX_SIZE",
    "DEFAULT_TIMEOUT",
    "MAX_COMPRESSION_RATIO",
    "PackageInfo",
    "PackageSources",
    "PairPlan",
    "Transfer",
    "TransferOptions",
    "cached_index",
    "default_cache_dir",
    "default_index_url",
    "default_packages_dir",
    "download",
    "fetch_index",
    "file_sha256",
    "find_installed",
    "install_file",
    "install_from_index",
    "install_url",
    "installed_packages",
    "known_index",
    "missing_model",
    "newest",
    "plan_pairs",
    "remove",
    "validate_package",
]
