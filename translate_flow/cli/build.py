"""``translate-flow build``: localized pages from the catalogs."""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from typing import TextIO

from .. import pipeline
from ..config import Config
from .options import Commands, add_approved_flag, add_project_command, add_publish_flags
from .output import PROG, relative, report

__all__ = ["add_parser", "show_removals"]


def add_parser(commands: Commands) -> None:
    """Add ``build`` to *commands*."""
    parser = add_project_command(
        commands, "build",
        "Write localized pages to the build folder from the catalogs.",
        "example:\n  translate-flow build --lang zh-Hans --min-complete 90",
        build,
    )
    add_publish_flags(
        parser,
        fuzzy_help="publish fuzzy (unreviewed) translations (default)",
        no_fuzzy_help="use the source text where a translation is still fuzzy",
        min_complete_help="skip pages with fewer translated source words than this",
    )
    add_approved_flag(parser)


def build(config: Config, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Build; list the pages written unless quiet, the pages skipped or removed always."""
    result = pipeline.build(
        config, only=args.article, languages=args.lang,
        use_fuzzy=args.use_fuzzy, min_complete=args.min_complete, approved=args.approved,
    )
    for page in result.pages:
        if page.status == "skipped":
            print(f"  skipped  {page.language}/{page.article}.html: {page.reason}", file=err)
        elif page.status == "removed":
            continue  # with the notes, below
        elif not args.quiet and page.path is not None:
            print(
                f"{page.status:>9}  {relative(config, page.path)}  "
                f"({page.translated}/{page.segments} segments, {page.complete:.0f}% of words)",
                file=out,
            )
    show_removals(config, result.pages, result.notes, err)
    return report(result.problems, result.warnings, err)


def show_removals(config: Config, pages: Iterable[pipeline.BuiltPage], notes: Iterable[str], err: TextIO) -> None:
    """Say on *err* which pages were removed from the build folder and why, then *notes*."""
    for page in pages:
        if page.status == "removed" and page.path is not None:
            print(f"{relative(config, page.path)}: removed ({page.reason})", file=err)
    for line in notes:
        print(f"{PROG}: note: {line}", file=err)
