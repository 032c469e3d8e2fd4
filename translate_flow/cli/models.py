"""``translate-flow models``: list, install and remove Argos translation packages."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TextIO, TypeAlias

from .. import models
from ..config import CONFIG_NAME, Config, find_config, load_config
from ..errors import ConfigError, ModelNotFound, PackageError, UsageError
from ..progress import DownloadProgress, download_display
from .options import Commands, Handler, add_actions, add_command
from .output import EXIT_FINDINGS, EXIT_OK, report, warning

__all__ = ["add_parser"]

# argospm names packages translate-FROM_TO.
_ARGOSPM_PREFIX = "translate-"

_Handler: TypeAlias = Callable[[Config | None, argparse.Namespace, TextIO, TextIO], int]
"""A ``models`` action: the project's configuration, or None outside a project, comes first."""


def add_parser(commands: Commands) -> None:
    """Add ``models`` and its actions to *commands*."""
    parser = add_command(
        commands, "models", "List, install and remove translation models (Argos packages).",
        "examples:\n  translate-flow models install --for-project   (in a project)\n"
        "  translate-flow models install en-ru\n  translate-flow models install ./translate-en_ru-1_9.argosmodel\n"
        "  translate-flow models info en-ru",
        description="Manage Argos packages: in a project, where its [models] settings say; elsewhere in the "
                    "user's packages folder (ARGOS_PACKAGES_DIR or the standard Argos folder, as argospm).",
    )
    actions = add_actions(parser)
    _add_action(actions, "list", "installed packages and configured CTranslate2 models", list_packages)
    available = _add_action(actions, "available", "packages in the package index", list_available)
    install = _add_action(actions, "install",
                          "install from the index (PAIR or NAME), a URL or a local .argosmodel file", install_packages)
    install.add_argument("what", nargs="*", metavar="PAIR|NAME|URL|FILE",
                         help="e.g. en-ru, translate-en_ru, https://…/x.argosmodel, ./x.argosmodel")
    install.add_argument("--for-project", action="store_true",
                         help="install what the project's languages need (in a project only)")
    install.add_argument("--sha256", help="the expected SHA-256 of a package given by URL or file")
    remove = _add_action(actions, "remove", "remove an installed package", remove_package)
    remove.add_argument("pair", metavar="PAIR|NAME", help="e.g. en-ru or translate-en_ru")
    info = _add_action(actions, "info", "details of an installed or available package", show_info)
    info.add_argument("pair", metavar="PAIR|NAME", help="e.g. en-ru or translate-en_ru")
    for sub in (available, install, info):
        sub.add_argument("--index", metavar="URL",
                         help="the package index (default: [models] index_url, else argospm's)")


def _sources(config: Config | None, args: argparse.Namespace) -> models.PackageSources:
    """The project's places (the user's outside a project), with the index --index names."""
    settings = config.models if config is not None else None
    return models.PackageSources.of(settings, index_url=getattr(args, "index", None))


def _add_action(actions: Commands, name: str, help_text: str, handler: _Handler) -> argparse.ArgumentParser:
    """Add the action *name*, which works in a project and outside one."""
    parser = actions.add_parser(name, help=help_text)
    parser.set_defaults(handler=_anywhere(handler))
    return parser


def _anywhere(handler: _Handler) -> Handler:
    """*handler*, run on the project that ``--config`` names or that is found from here up,
    and with no project (the user's packages) where there is none."""

    def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
        if args.config:
            return handler(load_config(args.config), args, out, err)
        try:
            found = find_config(Path.cwd())
        except ConfigError:
            return handler(None, args, out, err)
        return handler(load_config(found), args, out, err)

    return run


def list_packages(config: Config | None, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """The installed packages and the configured CTranslate2 models."""
    packages = _sources(config, args)
    installed, warnings = packages.installed()
    print(f"packages in {packages.packages_dir}:", file=out)
    for package in sorted(installed, key=lambda p: p.name):
        print(f"  {package.from_code}-{package.to_code}  {package.describe()}  "
              f"({package.from_name} → {package.to_name})", file=out)
    if not installed:
        print("  (none)", file=out)
    for pair, model in sorted(config.models.pairs.items() if config is not None else ()):
        print(f"configured: {pair}  ct2 {model.name} {model.version}  ({model.path})".rstrip(), file=out)
    return report((), warnings, err)


def list_available(config: Config | None, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """The packages in the index."""
    for package in sorted(_sources(config, args).index(), key=lambda p: (p.from_code, p.to_code)):
        print(f"{package.from_code}-{package.to_code}  {package.describe()}  "
              f"({package.from_name} → {package.to_name})", file=out)
    return EXIT_OK


def show_info(config: Config | None, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """The details of the installed package for a pair, else of the newest in the index."""
    packages = _sources(config, args)
    source, target = _pair(args.pair)
    found = models.find_installed(packages.packages_dir, source, target)
    if found is None:
        found = models.newest([p for p in packages.index() if p.pair == (source, target)])
    if found is None:
        raise ModelNotFound(
            f"no package for {source}-{target} is installed in {packages.packages_dir} or in the package index "
            f"({packages.index_name}); `translate-flow models available` lists what the index has"
        )
    for name, value in (
        ("package", found.describe()), ("languages", f"{found.from_name} → {found.to_name}"),
        ("installed", str(found.path) if found.path else "no"),
        ("argos version", found.argos_version), ("sha256", found.sha256 or ""),
        ("links", " ".join(found.links)),
    ):
        if value:
            print(f"{name:>13}: {value}", file=out)
    return EXIT_OK


def remove_package(config: Config | None, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Remove the installed package for a pair."""
    packages = _sources(config, args)
    removed = models.remove(packages.packages_dir, *_pair(args.pair))
    print(f"removed {removed.describe()} from {packages.packages_dir}", file=out)
    return EXIT_OK


def install_packages(config: Config | None, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Install what was named, and with --for-project what the configured languages need.

    Exit 1 when a configured language has no package to cover it.
    """
    packages = _sources(config, args)
    if not args.what and not args.for_project:
        raise UsageError("say what to install: a pair (en-ru), a package name (translate-en_ru), a URL, "
                         "a .argosmodel file, or --for-project")
    if args.for_project and config is None:
        raise UsageError(f"--for-project installs what a project's languages need, but there is no "
                         f"{CONFIG_NAME} in {Path.cwd()} or its parents; run it in the project folder or "
                         "pass --config")
    installed: list[models.PackageInfo] = []
    uncovered: list[str] = []
    with download_display(err, quiet=args.quiet) as progress:
        for what in args.what:
            installed.append(_install_one(packages, what, args.sha256, progress))
        if args.for_project and config is not None:
            more, uncovered = _install_for_project(config, packages, progress)
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


def _install_one(
    packages: models.PackageSources, what: str, sha256: str | None, progress: DownloadProgress | None,
) -> models.PackageInfo:
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


def _install_for_project(
    config: Config, packages: models.PackageSources, progress: DownloadProgress | None,
) -> tuple[list[models.PackageInfo], list[str]]:
    """Install the packages the configured languages lack; also say which no package covers."""
    settings = config.models
    current, _ = packages.installed()
    targets = [t.tag for t in config.targets if f"{config.source.tag}-{t.tag}" not in settings.pairs]
    # Plan from what is installed first: the index is fetched only when something is missing.
    needed = models.plan_pairs(config.source.tag, targets, [], current, packages.pivot)
    if not all(plan.ready for plan in needed):
        needed = models.plan_pairs(config.source.tag, targets, packages.index(), current, packages.pivot)
    installed: list[models.PackageInfo] = []
    uncovered: list[str] = []
    for plan in needed:
        if not plan.covered:
            uncovered.append(plan.message)
            continue
        for package in plan.to_install:
            installed.append(models.install_from_index(
                package.from_code, package.to_code, [package], packages.packages_dir, packages.cache_dir,
                timeout=packages.timeout, progress=progress,
            ))
    return installed, uncovered


def _pair(text: str) -> tuple[str, str]:
    """``en-ru`` (or ``en_ru``, ``en:ru``, argospm's ``translate-en_ru``) as ``("en", "ru")``;
    a usage error otherwise."""
    parts = text.removeprefix(_ARGOSPM_PREFIX).replace(":", "-").replace("_", "-").split("-")
    if len(parts) != 2 or not all(parts):
        raise UsageError(f"{text!r} is not a language pair; write it as SOURCE-TARGET, e.g. en-ru, "
                         "or as a package name, e.g. translate-en_ru")
    return parts[0].lower(), parts[1].lower()
