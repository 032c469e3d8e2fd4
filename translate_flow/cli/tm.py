"""``translate-flow tm``: the translation memory as TMX 1.4, out and in."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from .. import pipeline
from ..config import Config
from ..fsio import atomic_write
from .options import Commands, add_action, add_actions, add_command, add_languages
from .output import EXIT_OK, relative

__all__ = ["add_parser"]


def add_parser(commands: Commands) -> None:
    """Add ``tm export`` and ``tm import`` to *commands*."""
    parser = add_command(
        commands, "tm", "Export and import translation memories (TMX 1.4).",
        "examples:\n  translate-flow tm export memory.tmx --lang ru\n  translate-flow tm import agency.tmx",
        description="The project's reviewed translations as TMX 1.4, and TMX files from elsewhere.",
    )
    actions = add_actions(parser)
    exporting = add_action(actions, "export", "write reviewed translations to a TMX file", export)
    exporting.add_argument("file", type=Path)
    add_languages(exporting, "only this language (repeatable)")
    importing = add_action(actions, "import", "keep a TMX file in memory/ for the project's memory", import_)
    importing.add_argument("file", type=Path)


def export(config: Config, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Write the reviewed translations (of --lang only) to a TMX file."""
    text, count = pipeline.export_memory(config, args.lang)
    atomic_write(args.file, text)
    print(f"exported {count} translation units to {args.file}", file=out)
    return EXIT_OK


def import_(config: Config, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Keep a TMX file in the project's memory folder."""
    stored, counts = pipeline.import_memory(config, args.file)
    listed = ", ".join(f"{lang}: {n}" for lang, n in sorted(counts.items()))
    print(f"imported {args.file} as {relative(config, stored)} ({listed})", file=out)
    return EXIT_OK
