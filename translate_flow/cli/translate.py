"""``translate-flow translate``: machine drafts for the catalogs' untranslated entries."""

from __future__ import annotations

import argparse
from typing import TextIO

from .. import pipeline
from ..config import Config
from ..progress import progress_display
from .options import Commands, add_engine_flags, add_project_command, translate_options
from .output import note, report

__all__ = ["add_parser"]


def add_parser(commands: Commands) -> None:
    """Add ``translate`` to *commands*."""
    parser = add_project_command(
        commands, "translate",
        "Machine-translate the catalogs' untranslated entries; results are marked fuzzy.",
        "examples:\n  translate-flow translate --lang ru --draft\n"
        "  translate-flow translate --engine pseudo\n  translate-flow translate --retranslate --device cuda",
        translate,
    )
    add_engine_flags(parser, "argos: installed Argos packages; ct2: models in [models.pairs]; "
                             "pseudo: pseudo-localization (default: [translate] engine)")


def translate(config: Config, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Translate with progress on *err*; a line per language unless quiet."""
    with progress_display(err, quiet=args.quiet) as progress:
        result = pipeline.translate(
            config, only=args.article, languages=args.lang, options=translate_options(args), progress=progress,
        )
    if not args.quiet:
        for run in result.languages:
            if run.without_engine:
                print(f"{run.language}: no model, {run.waiting} entries left untranslated "
                      "(the error below says how to get one)", file=out)
                continue
            engine = f" with {run.engine}" if run.engine else ""
            print(
                f"{run.language}: {run.from_model} from the model{engine}, {run.from_memory} from memory, "
                f"{run.skipped} left as they were ({run.seconds:.1f} s)",
                file=out,
            )
            if run.unsure_tags or run.loops:
                print(f"{run.language}: {run.unsure_tags} with tags to check, {run.loops} with repeated "
                      "output (see the catalog comments)", file=out)
        print(_summary(result), file=out)
    for run in result.languages:
        for line in run.notes:
            note(f"{run.language}: {line}", err)
    return report(result.problems, (), err)


def _summary(result: pipeline.TranslateReport) -> str:
    """The last line: how much was translated, and which languages had no model."""
    missing = ", ".join(result.without_engine)
    if missing and not any(run.from_model or run.from_memory for run in result.languages):
        return f"nothing translated: no model for {missing} (the errors below say how to get one)"
    line = (f"{result.from_model} segments translated in {result.seconds:.1f} s "
            f"({result.rate:.1f} distinct segments/s)")
    return f"{line}; no model for {missing}, left untranslated" if missing else line
