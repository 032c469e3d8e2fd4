"""``translate-flow run``: extract, translate, check and build, doing only what changed."""

from __future__ import annotations

import argparse
import os
from contextlib import ExitStack
from pathlib import Path
from typing import TextIO

from .. import pipeline, reports
from ..config import Config
from ..errors import UsageError
from ..fsio import atomic_write
from ..progress import progress_display
from .build import show_removals
from .options import (
    Commands, add_approved_flag, add_engine_flags, add_project_command, add_publish_flags, translate_options,
)
from .output import EXIT_FINDINGS, EXIT_OK, note, relative, report, warning

__all__ = ["add_parser"]


def add_parser(commands: Commands) -> None:
    """Add ``run`` to *commands*."""
    parser = add_project_command(
        commands, "run",
        "The whole job: extract, translate, check and build, doing only what changed.",
        "examples:\n  translate-flow run\n  translate-flow run --jobs 3 --report report.json --junit report.xml\n"
        "  translate-flow run --lang ru --summary summary.md --wait\n"
        "  translate-flow run --ray auto",
        run,
    )
    add_engine_flags(parser, "as for translate")
    parser.add_argument("--jobs", type=int, default=1, metavar="N",
                        help="languages in parallel (threads split the cores)")
    parser.add_argument("--ray", metavar="ADDRESS",
                        help="translate on a Ray cluster: auto, HOST:PORT, ray://HOST:10001, or local to start "
                             "one here (default: [cluster] address; needs translate-flow[ray])")
    parser.add_argument("--wait", action="store_true",
                        help="wait for another run on this project instead of refusing")
    parser.add_argument("--report", type=Path, metavar="FILE.json", help="write a JSON report")
    parser.add_argument("--junit", type=Path, metavar="FILE.xml",
                        help="write a JUnit XML report (a testcase per article and language)")
    parser.add_argument("--summary", type=Path, metavar="FILE.md",
                        help="write a Markdown summary (also appended to $GITHUB_STEP_SUMMARY when set)")
    add_publish_flags(
        parser,
        fuzzy_help="publish fuzzy translations (default)",
        no_fuzzy_help="publish reviewed translations only",
        min_complete_help="skip pages below this share of translated words",
    )
    add_approved_flag(parser)


def run(config: Config, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Run; write the reports asked for; a summary unless quiet, the errors always."""
    if args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    options = pipeline.RunOptions(
        languages=tuple(args.lang), articles=tuple(args.article), translate=translate_options(args),
        use_fuzzy=args.use_fuzzy, min_complete=args.min_complete, approved=args.approved, jobs=args.jobs,
        wait=args.wait,
    )
    with ExitStack() as stack:
        engines = None
        address = args.ray or config.cluster.address
        if address:
            from ..pipeline.cluster import connect, ray_engines  # only a run on a cluster needs it

            cluster = stack.enter_context(connect(config.cluster, address))
            engines = ray_engines(config, pipeline.decode_options(config, options.translate), cluster,
                                  engine=options.translate.engine)
        progress = stack.enter_context(progress_display(err, quiet=args.quiet))
        result = pipeline.run(config, options, progress, engines=engines)
    from_model = sum(r.from_model for r in result.languages)
    from_memory = sum(r.from_memory for r in result.languages)
    extra = {"run": {"changed": result.changed, "unchanged": result.unchanged, "seconds": round(result.seconds, 3),
                     "from_model": from_model, "from_memory": from_memory,
                     "removed": [relative(config, page.path) for page in result.pages
                                 if page.status == "removed" and page.path is not None]}}
    if args.report:
        atomic_write(args.report, reports.to_json(result.results, extra))
    if args.junit:
        atomic_write(args.junit, reports.junit(result.results, suite="translate-flow"))
    summary = reports.markdown_summary(result.results)
    if args.summary:
        atomic_write(args.summary, summary)
    _append_step_summary(summary, err)
    if not args.quiet:
        for line in reports.summary_table(result.results):
            print(line, file=out)
        print(f"{result.changed} article-language pairs updated, {result.unchanged} up to date; "
              f"{from_model} segments from the model, {from_memory} from memory; {result.seconds:.1f} s", file=out)
    show_removals(config, result.pages, result.notes, err)
    for language in result.languages:
        for line in language.notes:
            note(f"{language.language}: {line}", err)
    for line in reports.text_lines(f for r in result.results for f in r.findings if f.severity == "error"):
        print(line, file=err)
    code = report(result.problems, result.warnings, err)
    if code == EXIT_OK and result.errors:
        return EXIT_FINDINGS
    return code


def _append_step_summary(summary: str, err: TextIO) -> None:
    """Append *summary* to the GitHub Actions step summary, when there is one."""
    step_summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if not step_summary:
        return
    try:
        with open(step_summary, "a", encoding="utf-8") as handle:
            handle.write(summary)
    except OSError as exc:
        # The environment's file, not ours: the run's own results stand.
        warning(f"cannot append the summary to $GITHUB_STEP_SUMMARY ({step_summary}: {exc.strerror or exc})", err)
