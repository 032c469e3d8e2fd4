"""The ``translate-flow`` command line.

A thin layer over :mod:`translate_flow.pipeline`: it parses arguments, prints what the
library returns, and maps outcomes to exit codes (0 clean, 1 findings, 2 usage or input
error). A user error is one line on standard error, never a traceback.

Each command lives in a module of its own that holds its arguments beside its handler
(``add_parser`` registers both); :mod:`.options` holds the flags several commands share
and :mod:`.output` what is printed about outcomes.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from .. import __version__
from ..errors import TranslateFlowError
from . import approve, build, check, extract, glossary, init, models, review, run, stats, tm, translate
from .options import QUIET_HELP, Handler, Parser
from .output import EXIT_ERROR, EXIT_INTERRUPTED, EXIT_OK, error

__all__ = ["main"]

EXAMPLES = """\
examples:
  translate-flow extract                  segment articles/ into locales/ catalogs
  translate-flow translate --lang ru      machine-translate untranslated entries (fuzzy)
  translate-flow translate --engine pseudo   pseudo-localize, no model needed
  translate-flow build --lang ru          write build/ru/*.html from the Russian catalogs
  translate-flow build --no-fuzzy --min-complete 80
  translate-flow check --format junit --output check.xml   quality checks for CI
  translate-flow stats --json             completeness per article and language
  translate-flow review --lang ru         review in the browser, beside the page
"""

# The order of the commands in the help.
COMMANDS = (extract, build, translate, run, init, check, review, approve, models, glossary, tm, stats)

# Commands that run the translation model on worker threads.
THREADED = frozenset({"run", "translate"})


def parser() -> argparse.ArgumentParser:
    """The whole command line: the global flags and every command."""
    top = Parser(
        prog="translate-flow",
        description="Offline translation and localisation of HTML articles through gettext catalogs.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    top.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    top.add_argument("--config", type=Path, help="the project file (default: translate-flow.toml here or above)")
    top.add_argument("-q", "--quiet", action="store_true", help=QUIET_HELP)
    commands = top.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    commands.required = True
    for command in COMMANDS:
        command.add_parser(commands)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    args = parser().parse_args(argv)
    if args.command in THREADED:
        _limit_malloc_arenas()
    handler: Handler = args.handler
    err = sys.stderr
    try:
        return handler(args, sys.stdout, err)
    except TranslateFlowError as exc:
        error(exc, err)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("translate-flow: interrupted", file=err)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`translate-flow stats | head`): not an error of ours.
        sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - keeps Python quiet at exit
        return EXIT_OK


def _limit_malloc_arenas() -> None:
    """Keep glibc to two heap arenas in this process.

    glibc gives each thread an arena of its own and keeps what is freed there; with
    CTranslate2's worker threads that held about half as much again as the models need
    between one language and the next. Elsewhere than glibc this does nothing.
    """
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(-8, 2)  # M_ARENA_MAX
    except (OSError, AttributeError):
        pass
