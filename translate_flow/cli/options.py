"""The parser class every command uses, and the flags several commands share.

Each command module adds its own parser with :func:`add_command` and its own flags beside
its handler; what more than one command accepts (the language and article scope, the
engine choices, what to publish) is defined here once.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO, TypeAlias

from .. import pipeline
from ..config import ENGINES as CONFIG_ENGINES
from ..config import Config, find_config, load_config
from .output import EXIT_ERROR

__all__ = [
    "Commands",
    "Handler",
    "Parser",
    "ProjectHandler",
    "QUIET_HELP",
    "add_action",
    "add_actions",
    "add_command",
    "add_engine_flags",
    "add_languages",
    "add_project_command",
    "add_publish_flags",
    "add_scope",
    "in_project",
    "percent",
    "translate_options",
]

Handler = Callable[[argparse.Namespace, TextIO, TextIO], int]
"""What a command runs: the parsed arguments, standard output and error in; the exit code out."""

ProjectHandler = Callable[[Config, argparse.Namespace, TextIO, TextIO], int]
"""A command that works on a project: its configuration comes first."""

# The configuration's choices, its default ("auto") first: the command line takes each.
ENGINES = ("auto", *sorted(CONFIG_ENGINES - {"auto"}))
DEVICES = ("auto", "cpu", "cuda")
QUIET_HELP = "print only problems"
LANGUAGES_HELP = "only this target language (BCP 47, repeatable)"


class Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors exit with the command line's usage code."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_ERROR, f"{self.prog}: error: {message}\n")


Commands: TypeAlias = "argparse._SubParsersAction[Parser]"


def add_command(
    commands: Commands, name: str, help_text: str, epilog: str, handler: Handler | None = None,
    *, description: str | None = None,
) -> Parser:
    """Add the command *name*, run by *handler* (none where its actions have their own).

    *epilog* (its examples) is shown as written.
    """
    parser = commands.add_parser(
        name, help=help_text, description=description or help_text, epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    if handler is not None:
        parser.set_defaults(handler=handler)
    return parser


def add_project_command(
    commands: Commands, name: str, help_text: str, epilog: str, handler: ProjectHandler,
) -> Parser:
    """Add the command *name* that works on the project, with :func:`add_scope`'s flags."""
    parser = add_command(commands, name, help_text, epilog, in_project(handler))
    add_scope(parser)
    return parser


def add_actions(parser: argparse.ArgumentParser) -> Commands:
    """Give *parser* a required ACTION (``models list``, ``tm export``, ...)."""
    actions = parser.add_subparsers(dest="action", metavar="ACTION", parser_class=Parser)
    actions.required = True
    return actions


def add_action(actions: Commands, name: str, help_text: str, handler: ProjectHandler) -> Parser:
    """Add the action *name* that works on the project."""
    parser = actions.add_parser(name, help=help_text)
    parser.set_defaults(handler=in_project(handler))
    return parser


def add_languages(parser: argparse.ArgumentParser, help_text: str = LANGUAGES_HELP) -> None:
    """``--lang TAG``, repeatable: only these languages."""
    parser.add_argument("--lang", action="append", default=[], metavar="TAG", help=help_text)


def add_scope(parser: argparse.ArgumentParser) -> None:
    """``--quiet``, ``--lang`` and ``--article``: how much to say, and about what."""
    # Also after the command (`translate-flow run --quiet`); SUPPRESS keeps the global value.
    parser.add_argument("-q", "--quiet", action="store_true", default=argparse.SUPPRESS, help=QUIET_HELP)
    add_languages(parser)
    parser.add_argument("--article", action="append", default=[], metavar="SLUG",
                        help="only this article (slug or file name, repeatable)")


def add_engine_flags(parser: argparse.ArgumentParser, engine_help: str) -> None:
    """``--engine``, ``--draft``, ``--device``, ``--retranslate``: read by :func:`translate_options`."""
    parser.add_argument("--engine", choices=ENGINES, help=engine_help)
    parser.add_argument("--draft", action="store_true", help="beam size 1: faster, rougher drafts")
    parser.add_argument("--device", choices=DEVICES, help="where the model runs")
    parser.add_argument("--retranslate", action="store_true",
                        help="also replace machine output nobody has edited yet")


def translate_options(args: argparse.Namespace) -> pipeline.TranslateOptions:
    """The translate options :func:`add_engine_flags` asked for."""
    return pipeline.TranslateOptions(
        engine=args.engine, draft=args.draft, device=args.device, retranslate=args.retranslate,
    )


def add_approved_flag(parser: argparse.ArgumentParser) -> None:
    """``--approved``: publish what an editor approved, and nothing else."""
    parser.add_argument(
        "--approved", action="store_true",
        help="publish only entries an editor approved (the source text elsewhere); "
             "--min-complete then counts approved words",
    )


def add_publish_flags(
    parser: argparse.ArgumentParser, *, fuzzy_help: str, no_fuzzy_help: str, min_complete_help: str,
) -> None:
    """``--fuzzy``/``--no-fuzzy`` (into ``use_fuzzy``, None when neither) and ``--min-complete``."""
    fuzzy = parser.add_mutually_exclusive_group()
    fuzzy.add_argument("--fuzzy", dest="use_fuzzy", action="store_true", default=None, help=fuzzy_help)
    fuzzy.add_argument("--no-fuzzy", dest="use_fuzzy", action="store_false", help=no_fuzzy_help)
    parser.add_argument("--min-complete", type=percent, metavar="PERCENT", help=min_complete_help)


def percent(text: str) -> float:
    """A percentage from the command line, 0 to 100, as ``[build] min_complete`` takes it."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number; give a percentage, 0 to 100") from None
    if not 0.0 <= value <= 100.0:
        raise argparse.ArgumentTypeError(f"{text} is not a percentage; give one from 0 to 100")
    return value


def in_project(handler: ProjectHandler) -> Handler:
    """*handler*, run on the project that ``--config`` names or that is found from here up."""

    def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
        config = load_config(args.config) if args.config else load_config(find_config(Path.cwd()))
        return handler(config, args, out, err)

    return run
