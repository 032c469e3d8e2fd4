"""Where packages come from and go to: a project's ``[models]`` settings or the user's defaults.

The same places serve ``translate-flow models`` in a project and anywhere else: what the
project does not configure, and everything outside a project, is what ``argospm`` uses
(``ARGOS_PACKAGES_DIR`` or the standard Argos folder, ``ARGOS_PACKAGE_INDEX`` or the
standard index).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..config import ModelSettings
from .fetch import default_index_url, fetch_index, known_index, shown_url
from .packages import PackageInfo, argos_data_dir, default_cache_dir, default_packages_dir, installed_packages

__all__ = ["PackageSources"]


@dataclass(frozen=True)
class PackageSources:
    """The packages folder, the download cache, the package index and how long to wait for it."""

    packages_dir: Path
    cache_dir: Path
    index_url: str
    timeout: float
    pivot: str | None = "en"  # Argos code to translate through; None never

    @classmethod
    def of(cls, settings: ModelSettings | None = None, *, index_url: str | None = None) -> PackageSources:
        """The places *settings* configure (the user's defaults where they say nothing, or
        with no settings at all), with *index_url* instead of the configured index if given."""
        settings = settings or ModelSettings()
        return cls(
            default_packages_dir(settings.packages_dir),
            settings.cache_dir or default_cache_dir(),
            index_url or settings.index_url or default_index_url(),
            settings.timeout,
            settings.pivot or None,
        )

    @property
    def index_name(self) -> str:
        """The index URL as messages show it (without credentials)."""
        return shown_url(self.index_url)

    def index(self) -> list[PackageInfo]:
        """The package index, fetched now (and saved in the cache for :meth:`known_index`)."""
        return fetch_index(self.index_url, timeout=self.timeout, cache_dir=self.cache_dir)

    def known_index(self) -> list[PackageInfo] | None:
        """The package index without going to the network; None when it was never fetched.

        For argospm's own index, the copy ``argospm update`` saved counts too.
        """
        known = known_index(self.index_url, self.cache_dir)
        if known is None and self.index_url == default_index_url():
            argospm_copy = argos_data_dir() / "index.json"
            known = known_index(str(argospm_copy), self.cache_dir) if argospm_copy.is_file() else None
        return known

    def installed(self) -> tuple[list[PackageInfo], list[str]]:
        """The installed packages, and warnings about folders that are not packages."""
        return installed_packages(self.packages_dir)
