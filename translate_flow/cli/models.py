"""``translate-flow models``: list, install and remove Argos translation packages."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from .. import models
from ..config import Config
from ..errors import ModelNotFound, PackageError, UsageError
from ..progress import DownloadProgress, download_display
from .options import Commands, add_action, add_actions, add_command
from .output import EXIT_FINDINGS, EXIT_OK, report, warning

__all__ = ["add_parser"]


def add_parser(commands: Commands) -> None:
    """Add ``models`` and its actions to *commands*."""
    parser = add_command(
        commands, "models", "List, install and remove translation models (Argos packages).",
        "examples:\n  translate-flow models install --for-project\n"
        "  translate-flow models install en-ru\n  translate-flow models install ./translate-en_ru-1_9.argosmodel\n"
        "  translate-flow models info en-ru",
        description="Manage the Argos packages in the standard Argos packages folder (shared with argospm).",
    )
    actions = add_actions(parser)
    add_action(actions, "list", "installed packages and configured CTranslate2 models", list_packages)
    available = add_action(actions, "available", "packages in the package index", list_available)
    install = add_action(actions, "install", "install from the index (PAIR), a URL or a local .argosmodel file",
                         install_packages)
    install.add_argument("what", nargs="*", metavar="PAIR|URL|FILE",
                         help="e.g. en-ru, https://…/x.argosmodel, ./x.argosmodel")
    install.add_argument("--for-project", action="store_true", help="install what the configured languages need")
    install.add_argument("--sha256", help="the expected SHA-256 of a package given by URL or file")
    remove = add_action(actions, "remove", "remove an installed package", remove_package)
    remove.add_argument("pair", metavar="PAIR", help="e.g. en-ru")
    info = add_action(actions, "info", "details of an installed or available package", show_info)
    info.add_argument("pair", metavar="PAIR", help="e.g. en-ru")
    for sub in (available, install, info):
        sub.add_argument("--index", metavar="URL", help="the package index (default: [models] index_url)")


@dataclass(frozen=True)
class _Packages:
    """Where packages live and where their index comes from, as configured and asked for."""

    config: Config
    packages_dir: Path
    cache_dir: Path
    index_url: str

    @classmethod
    def of(cls, config: Config, args: argparse.Namespace) -> _Packages:
        """The configured places, with the index --index names, if any."""
        settings = config.models
        return cls(
            config,
            models.default_packages_dir(settings.packages_dir),
            settings.cache_dir or models.default_cache_dir(),
            getattr(args, "index", None) or settings.index_url or models.DEFAULT_INDEX_URL,
        )

    @property
    def timeout(self) -> float:
        """Seconds to wait for the index or a download."""
        return self.config.models.timeout

    def index(self) -> list[models.PackageInfo]:
        """The package index (fetched, or cached for a while)."""
        return models.fetch_index(self.index_url, timeout=self.timeout, cache_dir=self.cache_dir)


def list_packages(config: Config, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """The installed packages and the configured CTranslate2 models."""
    packages = _Packages.of(config, args)
    installed, warnings = models.installed_packages(packages.packages_dir)
    print(f"packages in {packages.packages_dir}:", file=out)
    for package in sorted(installed, key=lambda p: p.name):
        print(f"  {package.from_code}-{package.to_code}  {package.describe()}  "
              f"({package.from_name} → {package.to_name})", file=out)
    if not installed:
        print("  (none)", file=out)
    for pair, model in sorted(config.models.pairs.items()):
        print(f"configured: {pair}  ct2 {model.name} {model.version}  ({model.path})".rstrip(), file=out)
    return report((), warnings, err)


def list_available(config: Config, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """The packages in the index."""
    for package in sorted(_Packages.of(config, args).index(), key=lambda p: (p.from_code, p.to_code)):
        print(f"{package.from_code}-{package.to_code}  {package.describe()}  "
              f"({package.from_name} → {package.to_name})", file=out)
    return EXIT_OK


def show_info(config: Config, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """The details of the installed package for a pair, else of the newest in the index."""
    packages = _Packages.of(config, args)
    source, target = _pair(args.pair)
    found = models.find_installed(packages.packages_dir, source, target)
    if found is None:
        found = models.newest([p for p in packages.index() if p.pair == (source, target)])
    if found is None:
        raise ModelNotFound(f"no package for {source}-{target} is installed or in the index")
    for name, value in (
        ("package", found.describe()), ("languages", f"{found.from_name} → {found.to_name}"),
        ("installed", str(found.path) if found.path else "no"),
        ("argos version", found.argos_version), ("sha256", found.sha256 or ""),
        ("links", " ".join(found.links)),
    ):
        if value:
            print(f"{name:>13}: {value}", file=out)
    return EXIT_OK


def remove_package(config: Config, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Remove the installed package for a pair."""
    packages = _Packages.of(config, args)
    removed = models.remove(packages.packages_dir, *_pair(args.pair))
    print(f"removed {removed.describe()} from {packages.packages_dir}", file=out)
    return EXIT_OK


def install_packages(config: Config, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Install what was named, and with --for-project what the configured languages need.

    Exit 1 when a configured language has no package to cover it.
    """
    packages = _Packages.of(config, args)
    if not args.what and not args.for_project:
        raise UsageError("say what to install: a pair (en-ru), a URL, a .argosmodel file, or --for-project")
    installed: list[models.PackageInfo] = []
    uncovered: list[str] = []
    with download_display(err, quiet=args.quiet) as progress:
        for what in args.what:
            installed.append(_install_one(packages, what, args.sha256, progress))
        if args.for_project:
            more, uncovered = _install_for_project(packages, progress)
            installed += more
            for tag, model in config.models.pairs.items():
                print(f"{tag}: configured CTranslate2 model {model.path}", file=out)
    for package in installed:
        print(f"installed {package.describe()} in {packages.packages_dir}", file=out)
    if args.for_project and not installed and not uncovered:
        print("every configured language pair already has a model", file=out)
    for message in uncovered:
        warning(message, err)
    return EXIT_FINDINGS if uncovered else EXIT_OK


def _install_one(packages: _Packages, what: str, sha256: str | None, progress: DownloadProgress | None) -> models.PackageInfo:
    """Install *what*: a URL, a local ``.argosmodel`` file, or a pair from the index."""
    if "://" in what:
        return models.install_url(what, packages.packages_dir, packages.cache_dir, timeout=packages.timeout,
                                  progress=progress, sha256=sha256)
    if what.endswith(".argosmodel") or Path(what).is_file():
        path = Path(what)
        if sha256 and models.file_sha256(path) != sha256.lower():
            raise PackageError("SHA-256 differs from --sha256; the file is not the one expected", path=str(path))
        return models.install_file(path, packages.packages_dir)
    return models.install_from_index(*_pair(what), packages.index(), packages.packages_dir, packages.cache_dir,
                                     timeout=packages.timeout, progress=progress)


def _install_for_project(packages: _Packages, progress: DownloadProgress | None) -> tuple[list[models.PackageInfo], list[str]]:
    """Install the packages the configured languages lack; also say which no package covers."""
    config, settings = packages.config, packages.config.models
    current, _ = models.installed_packages(packages.packages_dir)
    targets = [t.tag for t in config.targets if f"{config.source.tag}-{t.tag}" not in settings.pairs]
    # Plan from what is installed first: the index is fetched only when something is missing.
    needed = models.plan_pairs(config.source.tag, targets, [], current, settings.pivot or None)
    if not all(plan.ready for plan in needed):
        needed = models.plan_pairs(config.source.tag, targets, packages.index(), current, settings.pivot or None)
    installed: list[models.PackageInfo] = []
    uncovered: list[str] = []
    for plan in needed:
        if not plan.covered:
            uncovered.append(plan.message)
            continue
        for package in plan.to_install:
            installed.append(models.install_from_index(package.from_code, package.to_code, [package],
                                                       packages.packages_dir, packages.cache_dir, timeout=packages.timeout,
                                                       progress=progress))
    return installed, uncovered


def _pair(text: str) -> tuple[str, str]:
    """``en-ru`` (or ``en_ru``, ``en:ru``) as ``("en", "ru")``; a usage error otherwise."""
    parts = text.replace(":", "-").replace("_", "-").split("-")
    if len(parts) != 2 or not all(parts):
        raise UsageError(f"{text!r} is not a language pair; write it as SOURCE-TARGET, e.g. en-ru")
    return parts[0].lower(), parts[1].lower()
