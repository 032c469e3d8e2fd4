"""``translate-flow stats``: how far each catalog is translated."""

from __future__ import annotations

import argparse
import json
from typing import TextIO

from .. import pipeline
from ..config import Config
from .options import Commands, add_project_command
from .output import relative, report

__all__ = ["add_parser"]

# "complete" and "reviewed" as run and check report them: Counts.percent_done of the words,
# with and without the fuzzy entries.
HEADER = ("language", "article", "translated", "fuzzy", "untranslated", "complete", "reviewed")


def add_parser(commands: Commands) -> None:
    """Add ``stats`` to *commands*."""
    parser = add_project_command(
        commands, "stats",
        "Show translated, fuzzy and untranslated entries and words per article and language.",
        "example:\n  translate-flow stats --lang kk --json",
        stats,
    )
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument("--quality", action="store_true",
                        help="how much reviewers changed the machine output, per language and model "
                             "(chrF++, TER, entries accepted unchanged; needs sacrebleu)")


def stats(config: Config, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """A table (or JSON with --json) of entries and words per catalog on *out*."""
    if args.quality:
        return show_quality(config, args, out, err)
    results, problems = pipeline.stats(config, only=args.article, languages=args.lang)
    if args.json:
        rows = [
            {
                "article": r.article,
                "language": r.language,
                "catalog": relative(config, r.path),
                "entries": {"translated": r.counts.translated, "fuzzy": r.counts.fuzzy,
                            "untranslated": r.counts.untranslated, "total": r.counts.total},
                "words": {"translated": r.counts.translated_words, "fuzzy": r.counts.fuzzy_words,
                          "untranslated": r.counts.untranslated_words, "total": r.counts.total_words},
                "obsolete": r.counts.obsolete,
                "complete": round(r.counts.percent_done(use_fuzzy=True), 2),
                "reviewed": round(r.counts.percent_done(use_fuzzy=False), 2),
            }
            for r in results
        ]
        json.dump({"catalogs": rows}, out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        table = [HEADER]
        for r in results:
            c = r.counts
            table.append((
                r.language, r.article, f"{c.translated} ({c.translated_words} w)",
                f"{c.fuzzy} ({c.fuzzy_words} w)", f"{c.untranslated} ({c.untranslated_words} w)",
                f"{c.percent_done(use_fuzzy=True):.0f}%", f"{c.percent_done(use_fuzzy=False):.0f}%",
            ))
        widths = [max(len(row[i]) for row in table) for i in range(len(HEADER))]
        for row in table:
            print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip(), file=out)
    return report(problems, (), err)


QUALITY_HEADER = ("language", "model", "reviewed", "unchanged", "chrF++", "TER", "measured")


def show_quality(config: Config, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Reviewers' edits of the machine output per language and model, as a table or JSON."""
    result = pipeline.quality(config, only=args.article, languages=args.lang)
    if args.json:
        rows = [
            {"language": m.language, "model": m.engine, "reviewed": m.reviewed, "unchanged": m.unchanged,
             "unchanged_percent": round(m.unchanged_share, 2), "measured": m.measured, "words": m.words,
             "chrf": m.chrf, "ter": m.ter}
            for m in result.models
        ]
        json.dump({"quality": rows}, out, ensure_ascii=False, indent=2)
        out.write("\n")
        return report(result.problems, (), err)
    if not result.models:
        print("no reviewed machine translations to measure", file=err)
        return report(result.problems, (), err)
    table = [QUALITY_HEADER]
    for m in result.models:
        table.append((
            m.language, m.engine, str(m.reviewed), f"{m.unchanged} ({m.unchanged_share:.0f}%)",
            "-" if m.chrf is None else f"{m.chrf:.1f}", "-" if m.ter is None else f"{m.ter:.1f}",
            f"{m.measured} ({m.words} w)",
        ))
    widths = [max(len(row[i]) for row in table) for i in range(len(QUALITY_HEADER))]
    for row in table:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip(), file=out)
    return report(result.problems, (), err)
