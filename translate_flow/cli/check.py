"""``translate-flow check``: the quality checks, as text, JSON or JUnit XML."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from .. import pipeline, reports
from ..config import Config
from ..fsio import atomic_write
from .options import Commands, add_project_command
from .output import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, error, note

__all__ = ["add_parser"]


def add_parser(commands: Commands) -> None:
    """Add ``check`` to *commands*."""
    parser = add_project_command(
        commands, "check",
        "Check translations (reviewed ones too) and note the findings in the catalogs.",
        "examples:\n  translate-flow check\n  translate-flow check --format junit --output check.xml\n"
        "  translate-flow check --lang kk --strict",
        check,
    )
    parser.add_argument("--format", choices=("text", "json", "junit"), default="text",
                        help="text: path:line: severity: check: message lines (default)")
    parser.add_argument("--output", type=Path, metavar="FILE",
                        help="write the report here instead of standard output")
    parser.add_argument("--strict", action="store_true", help="exit 1 on warnings too, not only errors")
    parser.add_argument("--no-annotate", dest="annotate", action="store_false",
                        help="leave the catalogs' #. check: comments as they are")


def check(config: Config, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Check; the report to --output or *out*, the summary table to *err* unless quiet.

    Exit 2 when a catalog could not be checked, 1 on errors (and warnings with --strict).
    """
    result = pipeline.check(config, only=args.article, languages=args.lang, annotate=args.annotate)
    results = result.results
    if args.format == "json":
        text = reports.to_json(results)
    elif args.format == "junit":
        text = reports.junit(results, suite="translate-flow check")
    else:
        lines = reports.text_lines(result.findings)
        text = "\n".join(lines) + ("\n" if lines else "")
    if args.output is not None:
        atomic_write(args.output, text)
    else:
        out.write(text)
    if not args.quiet:
        for line in reports.summary_table(results):
            print(line, file=err)
        for line in result.notes:
            note(line, err)
    # A page that cannot be read is one problem, whatever the number of its languages.
    unchecked = list(dict.fromkeys(r.problem for r in results if r.problem))
    for problem in unchecked:
        error(problem, err)
    if unchecked:
        return EXIT_ERROR
    failing = ("error", "warning") if args.strict else ("error",)
    return EXIT_FINDINGS if any(f.severity in failing for f in result.findings) else EXIT_OK
