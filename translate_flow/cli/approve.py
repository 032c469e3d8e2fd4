"""``translate-flow approve``: an editor approves what translators have reviewed."""

from __future__ import annotations

import argparse
from typing import TextIO

from .. import pipeline
from ..config import Config
from ..errors import UsageError
from .options import Commands, add_project_command
from .output import relative, report

__all__ = ["add_parser"]


def add_parser(commands: Commands) -> None:
    """Add ``approve`` to *commands*."""
    parser = add_project_command(
        commands, "approve",
        "List the reviewed entries awaiting an editor's approval, or approve them all.",
        "examples:\n  translate-flow approve --lang ru\n"
        "  translate-flow approve --lang ru --article bilash-free-but-silenced --all-reviewed --by 'Anna <anna@example.org>'\n"
        "then: translate-flow build --approved",
        approve,
    )
    parser.add_argument("--all-reviewed", action="store_true",
                        help="approve every reviewed entry (translated, not fuzzy) of the selected catalogs")
    parser.add_argument("--by", default="", metavar="NAME",
                        help="who approves, recorded with the approval (e.g. 'Anna <anna@example.org>')")


def approve(config: Config, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Approve (--all-reviewed) or list the entries awaiting approval, per catalog."""
    if not args.lang:
        raise UsageError("approve: name the language with --lang (approval is per language)")
    results, problems = pipeline.approve(
        config, languages=args.lang, only=args.article, all_reviewed=args.all_reviewed, by=args.by,
    )
    for r in results:
        where = relative(config, r.path)
        if args.all_reviewed:
            if not args.quiet:
                print(f"{where}: approved {r.approved}, {r.already} approved before, "
                      f"{r.unreviewed} not reviewed yet", file=out)
            continue
        for line, msgid in r.waiting:
            print(f"{where}:{line}: awaiting approval: {' '.join(msgid.split())[:70]}", file=out)
        if not args.quiet:
            print(f"{where}: {len(r.waiting)} awaiting approval, {r.already} approved, "
                  f"{r.unreviewed} not reviewed yet", file=err)
    return report(problems, (), err)
