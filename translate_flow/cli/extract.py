"""``translate-flow extract``: segment the articles into templates and catalogs."""

from __future__ import annotations

import argparse
from typing import TextIO

from .. import pipeline
from ..config import Config
from .options import Commands, add_project_command
from .output import relative, report

__all__ = ["add_parser"]


def add_parser(commands: Commands) -> None:
    """Add ``extract`` to *commands*."""
    add_project_command(
        commands, "extract",
        "Segment the articles and update the .pot templates and .po catalogs.",
        "example:\n  translate-flow extract --article bilash-free-but-silenced",
        extract,
    )


def extract(config: Config, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Extract; list the files written unless quiet."""
    result = pipeline.extract(config, only=args.article, languages=args.lang)
    if not args.quiet:
        for written in result.files:
            if written.status != "unchanged":
                print(f"{written.status:>9}  {relative(config, written.path)}", file=out)
        changed = sum(1 for f in result.files if f.status != "unchanged")
        print(f"{result.segments} segments; {changed} of {len(result.files)} files written", file=out)
    return report(result.problems, result.warnings, err)
