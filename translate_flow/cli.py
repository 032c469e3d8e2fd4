"""The ``translate-flow`` command line.

A thin layer over :mod:`translate_flow.pipeline`: it parses arguments, prints what the
library returns, and maps outcomes to exit codes (0 clean, 1 findings, 2 usage or input
error). A user error is one line on standard error, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from . import __version__, pipeline
from .config import Config, find_config, load_config
from .errors import TranslateFlowError

__all__ = ["main"]

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2

EXAMPLES = """\
examples:
  translate-flow extract                  segment articles/ into locales/ catalogs
  translate-flow build --lang ru          write build/ru/*.html from the Russian catalogs
  translate-flow build --no-fuzzy --min-complete 80
  translate-flow stats --json             completeness per article and language
"""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_ERROR, f"{self.prog}: error: {message}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="translate-flow",
        description="Offline translation and localisation of HTML articles through gettext catalogs.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--config", type=Path, help="the project file (default: translate-flow.toml here or above)")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only problems")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True

    def scoped(name: str, help_text: str, epilog: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(
            name, help=help_text, description=help_text, epilog=epilog,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        sub.add_argument("--lang", action="append", default=[], metavar="TAG",
                         help="only this target language (BCP 47, repeatable)")
        sub.add_argument("--article", action="append", default=[], metavar="SLUG",
                         help="only this article (slug or file name, repeatable)")
        return sub

    scoped(
        "extract",
        "Segment the articles and update the .pot templates and .po catalogs.",
        "example:\n  translate-flow extract --article bilash-free-but-silenced",
    )
    build = scoped(
        "build",
        "Write localized pages to the build folder from the catalogs.",
        "example:\n  translate-flow build --lang zh-Hans --min-complete 90",
    )
    fuzzy = build.add_mutually_exclusive_group()
    fuzzy.add_argument("--fuzzy", dest="use_fuzzy", action="store_true", default=None,
                       help="publish fuzzy (unreviewed) translations (default)")
    fuzzy.add_argument("--no-fuzzy", dest="use_fuzzy", action="store_false",
                       help="use the source text where a translation is still fuzzy")
    build.add_argument("--min-complete", type=float, metavar="PERCENT",
                       help="skip pages with fewer translated source words than this")
    stats = scoped(
        "stats",
        "Show translated, fuzzy and untranslated entries and words per article and language.",
        "example:\n  translate-flow stats --lang kk --json",
    )
    stats.add_argument("--json", action="store_true", help="machine-readable output")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    args = _parser().parse_args(argv)
    out, err = sys.stdout, sys.stderr
    try:
        config = load_config(args.config) if args.config else load_config(find_config(Path.cwd()))
        handler = {"extract": _extract, "build": _build, "stats": _stats}[args.command]
        return handler(config, args, out, err)
    except TranslateFlowError as exc:
        print(f"translate-flow: error: {exc}", file=err)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("translate-flow: interrupted", file=err)
        return 130


def _report(problems: Sequence[pipeline.Problem], warnings: Sequence[str], err: TextIO) -> int:
    for warning in warnings:
        print(f"translate-flow: warning: {warning}", file=err)
    for problem in problems:
        label = "error" if problem.kind == "input" else "finding"
        print(f"{problem.path}{f':{problem.line}' if problem.line else ''}: {label}: {problem.message}", file=err)
    if any(p.kind == "input" for p in problems):
        return EXIT_ERROR
    return EXIT_FINDINGS if problems else EXIT_OK


def _relative(config: Config, path: Path) -> str:
    try:
        return path.relative_to(config.root).as_posix()
    except ValueError:
        return str(path)


def _extract(config: Config, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    report = pipeline.extract(config, only=args.article, languages=args.lang)
    if not args.quiet:
        for result in report.files:
            if result.status != "unchanged":
                print(f"{result.status:>9}  {_relative(config, result.path)}", file=out)
        changed = sum(1 for f in report.files if f.status != "unchanged")
        print(f"{report.segments} segments; {changed} of {len(report.files)} files written", file=out)
    return _report(report.problems, report.warnings, err)


def _build(config: Config, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    report = pipeline.build(
        config, only=args.article, languages=args.lang,
        use_fuzzy=args.use_fuzzy, min_complete=args.min_complete,
    )
    for page in report.pages:
        if page.status == "skipped":
            threshold = args.min_complete if args.min_complete is not None else config.build.min_complete
            print(
                f"  skipped  {page.language}/{page.article}.html: {page.complete:.0f}% complete, "
                f"below the {threshold:g}% threshold",
                file=err,
            )
        elif not args.quiet and page.path is not None:
            print(
                f"{page.status:>9}  {_relative(config, page.path)}  "
                f"({page.translated}/{page.segments} segments, {page.complete:.0f}% of words)",
                file=out,
            )
    return _report(report.problems, report.warnings, err)


def _stats(config: Config, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    results, problems = pipeline.stats(config, only=args.article, languages=args.lang)
    if args.json:
        rows = [
            {
                "article": r.article,
                "language": r.language,
                "catalog": _relative(config, r.path),
                "entries": {"translated": r.counts.translated, "fuzzy": r.counts.fuzzy,
                            "untranslated": r.counts.untranslated, "total": r.counts.total},
                "words": {"translated": r.counts.translated_words, "fuzzy": r.counts.fuzzy_words,
                          "untranslated": r.counts.untranslated_words, "total": r.counts.total_words},
                "obsolete": r.counts.obsolete,
            }
            for r in results
        ]
        json.dump({"catalogs": rows}, out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        header = ("language", "article", "translated", "fuzzy", "untranslated", "words done")
        table = [header]
        for r in results:
            c = r.counts
            done = 100.0 * c.translated_words / c.total_words if c.total_words else 100.0
            table.append((
                r.language, r.article, f"{c.translated} ({c.translated_words} w)",
                f"{c.fuzzy} ({c.fuzzy_words} w)", f"{c.untranslated} ({c.untranslated_words} w)",
                f"{done:.0f}%",
            ))
        widths = [max(len(row[i]) for row in table) for i in range(len(header))]
        for row in table:
            print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip(), file=out)
    return _report(problems, (), err)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
