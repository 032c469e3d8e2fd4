"""The ``translate-flow`` command line.

A thin layer over :mod:`translate_flow.pipeline`: it parses arguments, prints what the
library returns, and maps outcomes to exit codes (0 clean, 1 findings, 2 usage or input
error). A user error is one line on standard error, never a traceback.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

from . import __version__, models, pipeline, reports
from .config import Config, find_config, load_config
from .errors import ModelNotFound, PackageError, TranslateFlowError
from .glossary import KINDS, check_glossary, export_glossary, import_glossary, read_glossary
from .terms import lookup
from .progress import download_display, progress_display

__all__ = ["main"]

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2

EXAMPLES = """\
examples:
  translate-flow extract                  segment articles/ into locales/ catalogs
  translate-flow translate --lang ru      machine-translate untranslated entries (fuzzy)
  translate-flow translate --engine pseudo   pseudo-localize, no model needed
  translate-flow build --lang ru          write build/ru/*.html from the Russian catalogs
  translate-flow build --no-fuzzy --min-complete 80
  translate-flow check --format junit --output check.xml   quality checks for CI
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
        # Also after the command (`translate-flow run --quiet`); SUPPRESS keeps the global value.
        sub.add_argument("-q", "--quiet", action="store_true", default=argparse.SUPPRESS, help="print only problems")
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
    translate = scoped(
        "translate",
        "Machine-translate the catalogs' untranslated entries; results are marked fuzzy.",
        "examples:\n  translate-flow translate --lang ru --draft\n"
        "  translate-flow translate --engine pseudo\n  translate-flow translate --retranslate --device cuda",
    )
    translate.add_argument("--engine", choices=("argos", "ct2", "pseudo"),
                           help="argos: installed Argos packages; ct2: models in [models.pairs]; "
                                "pseudo: pseudo-localization (default: [translate] engine)")
    translate.add_argument("--draft", action="store_true", help="beam size 1: faster, rougher drafts")
    translate.add_argument("--device", choices=("auto", "cpu", "cuda"), help="where the model runs")
    translate.add_argument("--retranslate", action="store_true",
                           help="also replace machine output nobody has edited yet")
    run = scoped(
        "run",
        "The whole job: extract, translate, check and build, doing only what changed.",
        "examples:\n  translate-flow run\n  translate-flow run --jobs 3 --report report.json --junit report.xml\n"
        "  translate-flow run --lang ru --summary summary.md --wait",
    )
    run.add_argument("--engine", choices=("argos", "ct2", "pseudo"), help="as for translate")
    run.add_argument("--draft", action="store_true", help="beam size 1: faster, rougher drafts")
    run.add_argument("--device", choices=("auto", "cpu", "cuda"), help="where the model runs")
    run.add_argument("--retranslate", action="store_true", help="also replace machine output nobody has edited yet")
    run.add_argument("--jobs", type=int, default=1, metavar="N", help="languages in parallel (threads split the cores)")
    run.add_argument("--wait", action="store_true", help="wait for another run on this project instead of refusing")
    run.add_argument("--report", type=Path, metavar="FILE.json", help="write a JSON report")
    run.add_argument("--junit", type=Path, metavar="FILE.xml", help="write a JUnit XML report (a testcase per article and language)")
    run.add_argument("--summary", type=Path, metavar="FILE.md",
                     help="write a Markdown summary (also appended to $GITHUB_STEP_SUMMARY when set)")
    run_fuzzy = run.add_mutually_exclusive_group()
    run_fuzzy.add_argument("--fuzzy", dest="use_fuzzy", action="store_true", default=None, help="publish fuzzy translations (default)")
    run_fuzzy.add_argument("--no-fuzzy", dest="use_fuzzy", action="store_false", help="publish reviewed translations only")
    run.add_argument("--min-complete", type=float, metavar="PERCENT", help="skip pages below this share of translated words")
    init = commands.add_parser(
        "init", help="Create a project here: configuration, folders, an example glossary.",
        description="Create a translate-flow project in a folder.",
        epilog="example:\n  translate-flow init --source en --target kk --target ru --target zh-Hans",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    init.add_argument("folder", nargs="?", type=Path, default=Path("."), help="where (default: here)")
    init.add_argument("--source", default="en", help="the articles' language (default en)")
    init.add_argument("--target", action="append", default=[], metavar="TAG", help="a language to translate into (repeatable)")
    check = scoped(
        "check",
        "Check translations (reviewed ones too) and note the findings in the catalogs.",
        "examples:\n  translate-flow check\n  translate-flow check --format junit --output check.xml\n"
        "  translate-flow check --lang kk --strict",
    )
    check.add_argument("--format", choices=("text", "json", "junit"), default="text",
                       help="text: path:line: severity: check: message lines (default)")
    check.add_argument("--output", type=Path, metavar="FILE", help="write the report here instead of standard output")
    check.add_argument("--strict", action="store_true", help="exit 1 on warnings too, not only errors")
    check.add_argument("--no-annotate", dest="annotate", action="store_false",
                       help="leave the catalogs' #. check: comments as they are")
    _models_parser(commands)
    _glossary_parser(commands)
    tm = commands.add_parser(
        "tm", help="Export and import translation memories (TMX 1.4).",
        description="The project's reviewed translations as TMX 1.4, and TMX files from elsewhere.",
        epilog="examples:\n  translate-flow tm export memory.tmx --lang ru\n  translate-flow tm import agency.tmx",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    tm_actions = tm.add_subparsers(dest="action", metavar="ACTION", parser_class=_Parser)
    tm_actions.required = True
    tm_export = tm_actions.add_parser("export", help="write reviewed translations to a TMX file")
    tm_export.add_argument("file", type=Path)
    tm_export.add_argument("--lang", action="append", default=[], metavar="TAG", help="only this language (repeatable)")
    tm_import = tm_actions.add_parser("import", help="keep a TMX file in memory/ for the project's memory")
    tm_import.add_argument("file", type=Path)
    stats = scoped(
        "stats",
        "Show translated, fuzzy and untranslated entries and words per article and language.",
        "example:\n  translate-flow stats --lang kk --json",
    )
    stats.add_argument("--json", action="store_true", help="machine-readable output")
    return parser


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


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    args = _parser().parse_args(argv)
    if args.command in ("run", "translate"):
        _limit_malloc_arenas()
    out, err = sys.stdout, sys.stderr
    try:
        if args.command == "init":
            return _init(args, out, err)
        config = load_config(args.config) if args.config else load_config(find_config(Path.cwd()))
        handler = {
            "extract": _extract, "build": _build, "translate": _translate, "stats": _stats,
            "models": _models, "check": _check, "glossary": _glossary, "run": _run, "tm": _tm,
        }[args.command]
        return handler(config, args, out, err)
    except TranslateFlowError as exc:
        print(f"translate-flow: error: {exc}", file=err)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("translate-flow: interrupted", file=err)
        return 130
    except BrokenPipeError:
        # The reader went away (`translate-flow stats | head`): not an error of ours.
        sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - keeps Python quiet at exit
        return EXIT_OK


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


def _translate(config: Config, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    options = pipeline.TranslateOptions(
        engine=args.engine, draft=args.draft, device=args.device, retranslate=args.retranslate,
    )
    with progress_display(err, quiet=args.quiet) as progress:
        report = pipeline.translate(
            config, only=args.article, languages=args.lang, options=options, progress=progress,
        )
    if not args.quiet:
        for run in report.languages:
            engine = f" with {run.engine}" if run.engine else ""
            print(
                f"{run.language}: {run.from_model} from the model{engine}, {run.from_memory} from memory, "
                f"{run.skipped} left as they were ({run.seconds:.1f} s)",
                file=out,
            )
            if run.unsure_tags or run.loops:
                print(f"{run.language}: {run.unsure_tags} with tags to check, {run.loops} with repeated "
                      "output (see the catalog comments)", file=out)
        print(
            f"{report.from_model} segments translated in {report.seconds:.1f} s "
            f"({report.rate:.1f} distinct segments/s)",
            file=out,
        )
    return _report(report.problems, (), err)


def _run(config: Config, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    options = pipeline.RunOptions(
        languages=tuple(args.lang), articles=tuple(args.article),
        translate=pipeline.TranslateOptions(engine=args.engine, draft=args.draft, device=args.device,
                                            retranslate=args.retranslate),
        use_fuzzy=args.use_fuzzy, min_complete=args.min_complete, jobs=args.jobs, wait=args.wait,
    )
    with progress_display(err, quiet=args.quiet) as progress:
        report = pipeline.run(config, options, progress)
    extra = {"run": {"changed": report.changed, "unchanged": report.unchanged, "seconds": round(report.seconds, 3),
                     "from_model": sum(r.from_model for r in report.languages),
                     "from_memory": sum(r.from_memory for r in report.languages)}}
    if args.report:
        pipeline.atomic_write(args.report, reports.to_json(report.results, extra))
    if args.junit:
        pipeline.atomic_write(args.junit, reports.junit(report.results, suite="translate-flow"))
    summary = reports.markdown_summary(report.results)
    if args.summary:
        pipeline.atomic_write(args.summary, summary)
    step_summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if step_summary:
        try:
            with open(step_summary, "a", encoding="utf-8") as handle:
                handle.write(summary)
        except OSError as exc:
            # The environment's file, not ours: the run's own results stand.
            print(f"translate-flow: warning: cannot append the summary to $GITHUB_STEP_SUMMARY "
                  f"({step_summary}: {exc.strerror or exc})", file=err)
    if not args.quiet:
        for line in reports.summary_table(report.results):
            print(line, file=out)
        model = sum(r.from_model for r in report.languages)
        memory = sum(r.from_memory for r in report.languages)
        print(f"{report.changed} article-language pairs updated, {report.unchanged} up to date; "
              f"{model} segments from the model, {memory} from memory; {report.seconds:.1f} s", file=out)
    for line in reports.text_lines(f for r in report.results for f in r.findings if f.severity == "error"):
        print(line, file=err)
    code = _report(report.problems, (), err)
    if code == EXIT_OK and report.errors:
        return EXIT_FINDINGS
    return code


EXAMPLE_GLOSSARY = """en,{columns},kind,note
Bitter Winter,{dnt},dnt,A magazine title: never translated.
"""
EXAMPLE_ARTICLE = """<!DOCTYPE html>
<html lang="{source}">
<head><meta charset="utf-8"><title>Welcome</title></head>
<body><article><h1>Welcome</h1><p>This is an example article. Replace it with your own pages.</p></article></body>
</html>
"""


def _init(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from .config import CONFIG_NAME
    from .languages import language

    folder: Path = args.folder
    source = language(args.source)
    targets = [language(t) for t in (args.target or ["ru"])]
    config_path = folder / CONFIG_NAME
    if config_path.exists():
        raise UsageError(f"{config_path} exists already; this folder is a project")
    listed = ", ".join(f'"{t.tag}"' for t in targets)
    pipeline.atomic_write(config_path, (
        f'[project]\nname = "{folder.resolve().name}"\nversion = "1.0"\n'
        f'source_language = "{source.tag}"\ntarget_languages = [{listed}]\n\n'
        '[paths]\narticles = "articles"\nlocales = "locales"\nglossary = "glossary"\nbuild = "build"\n\n'
        "[translate]\n# engine: auto (a configured model, else an Argos package), argos, ct2 or pseudo\n"
        'engine = "auto"\nbeam_size = 4\n\n[build]\nuse_fuzzy = true\nmin_complete = 0\n'
    ))
    pipeline.atomic_write(folder / "glossary" / "glossary.csv", EXAMPLE_GLOSSARY.format(
        columns=",".join(t.tag for t in targets), dnt=",".join("Bitter Winter" for _ in targets)))
    pipeline.atomic_write(folder / "articles" / "welcome.html", EXAMPLE_ARTICLE.format(source=source.tag))
    (folder / "locales").mkdir(exist_ok=True)
    ignore = folder / ".gitignore"
    if not ignore.exists():
        pipeline.atomic_write(ignore, "build/\n.translate-flow/\n")
    print(f"created a translate-flow project in {folder}: {CONFIG_NAME}, articles/, glossary/, locales/", file=out)
    print("next: translate-flow models install --for-project, then translate-flow run", file=out)
    return EXIT_OK


def _tm(config: Config, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if args.action == "export":
        text, count = pipeline.export_memory(config, args.lang)
        pipeline.atomic_write(args.file, text)
        print(f"exported {count} translation units to {args.file}", file=out)
        return EXIT_OK
    stored, counts = pipeline.import_memory(config, args.file)
    listed = ", ".join(f"{lang}: {n}" for lang, n in sorted(counts.items()))
    print(f"imported {args.file} as {_relative(config, stored)} ({listed})", file=out)
    return EXIT_OK


def _check(config: Config, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    report = pipeline.check(config, only=args.article, languages=args.lang, annotate=args.annotate)
    results = report.results
    if args.format == "json":
        text = reports.to_json(results)
    elif args.format == "junit":
        text = reports.junit(results, suite="translate-flow check")
    else:
        lines = reports.text_lines(report.findings)
        text = "\n".join(lines) + ("\n" if lines else "")
    if args.output is not None:
        pipeline.atomic_write(args.output, text)
    else:
        out.write(text)
    if not args.quiet:
        for line in reports.summary_table(results):
            print(line, file=err)
    for result in results:
        if result.problem:
            print(f"translate-flow: error: {result.problem}", file=err)
    if any(r.problem for r in results):
        return EXIT_ERROR
    failing = ("error", "warning") if args.strict else ("error",)
    return EXIT_FINDINGS if any(f.severity in failing for f in report.findings) else EXIT_OK


def _glossary_parser(commands: argparse._SubParsersAction[_Parser]) -> None:
    parser = commands.add_parser(
        "glossary",
        help="List, check, look up, import and export the glossary.",
        description="The project glossary in glossary/: CSV and TBX-Basic (v2 martif and v3) files.",
        epilog="examples:\n  translate-flow glossary check\n"
               "  translate-flow glossary lookup \"Uyghurs in transformation through education camps\"\n"
               "  translate-flow glossary import terms.tbx\n  translate-flow glossary export glossary.tbx --tbx 2",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", parser_class=_Parser)
    actions.required = True
    listing = actions.add_parser("list", help="every entry with its renderings")
    listing.add_argument("--kind", choices=sorted(KINDS), help="only entries of this kind")
    actions.add_parser("check", help="problems of the glossary files, as file:line lines")
    lookup = actions.add_parser("lookup", help="the glossary terms a source text uses")
    lookup.add_argument("text", help="source-language text")
    importing = actions.add_parser("import", help="add a CSV or TBX file to the glossary (as CSV)")
    importing.add_argument("file", type=Path)
    importing.add_argument("--force", action="store_true", help="replace a glossary file of the same name")
    exporting = actions.add_parser("export", help="write the whole glossary to a CSV or TBX file")
    exporting.add_argument("file", type=Path)
    exporting.add_argument("--tbx", choices=("2", "3"), default="3", help="TBX version for .tbx files (default 3)")


def _glossary(config: Config, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    source = config.source.tag
    shown = _relative(config, config.glossary)
    if args.action == "check":
        findings = check_glossary(config.glossary, source, [t.tag for t in config.targets], shown)
        for finding in findings:
            print(str(finding), file=out)
        if not args.quiet:
            errors = sum(1 for f in findings if f.severity == "error")
            print(f"{errors} errors, {len(findings) - errors} warnings", file=err)
        return EXIT_FINDINGS if any(f.severity == "error" for f in findings) else EXIT_OK
    if args.action == "import":
        imported = import_glossary(args.file, source, str(args.file))
        target = config.glossary / f"{args.file.stem}.csv"
        if target.exists() and not args.force:
            raise UsageError(f"{_relative(config, target)} exists; pass --force to replace it")
        pipeline.atomic_write(target, export_glossary(imported, "csv", source))
        print(f"imported {len(imported.terms)} entries into {_relative(config, target)}", file=out)
        return EXIT_OK
    glossary = read_glossary(config.glossary, source, shown)
    if args.action == "export":
        suffix = args.file.suffix.lower()
        if suffix not in (".csv", ".tbx"):
            raise UsageError(f"{args.file}: export to a .csv or .tbx file")
        fmt = "csv" if suffix == ".csv" else f"tbx{args.tbx}"
        pipeline.atomic_write(args.file, export_glossary(glossary, fmt, source, [t.tag for t in config.targets]))
        print(f"exported {len(glossary.terms)} entries to {args.file} ({fmt})", file=out)
        return EXIT_OK
    if args.action == "lookup":
        hits = lookup(glossary, args.text, config.source)
        for hit in hits:
            renderings = "; ".join(f"{t.tag}: {hit.term.rendering(t) or '-'}" for t in config.targets)
            print(f"{hit.text!r} -> {hit.term.source} [{hit.term.kind}]  {renderings}", file=out)
        if not hits and not args.quiet:
            print("no glossary term in that text", file=err)
        return EXIT_OK
    for term in glossary.terms:
        if args.kind and term.kind != args.kind:
            continue
        renderings = "; ".join(f"{t.tag}: {term.rendering(t) or '-'}" for t in config.targets)
        forbidden = "; ".join(
            f"{t.tag}: {' | '.join(term.forbidden_in(t))}" for t in config.targets if term.forbidden_in(t)
        )
        print(f"{term.source} [{term.kind}]  {renderings}" + (f"  (forbidden: {forbidden})" if forbidden else ""), file=out)
    return EXIT_OK


def _models_parser(commands: argparse._SubParsersAction[_Parser]) -> None:
    models_cmd = commands.add_parser(
        "models",
        help="List, install and remove translation models (Argos packages).",
        description="Manage the Argos packages in the standard Argos packages folder (shared with argospm).",
        epilog="examples:\n  translate-flow models install --for-project\n"
               "  translate-flow models install en-ru\n  translate-flow models install ./translate-en_ru-1_9.argosmodel\n"
               "  translate-flow models info en-ru",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = models_cmd.add_subparsers(dest="action", metavar="ACTION", parser_class=_Parser)
    actions.required = True
    actions.add_parser("list", help="installed packages and configured CTranslate2 models")
    available = actions.add_parser("available", help="packages in the package index")
    install = actions.add_parser("install", help="install from the index (PAIR), a URL or a local .argosmodel file")
    install.add_argument("what", nargs="*", metavar="PAIR|URL|FILE", help="e.g. en-ru, https://…/x.argosmodel, ./x.argosmodel")
    install.add_argument("--for-project", action="store_true", help="install what the configured languages need")
    install.add_argument("--sha256", help="the expected SHA-256 of a package given by URL or file")
    remove = actions.add_parser("remove", help="remove an installed package")
    remove.add_argument("pair", metavar="PAIR", help="e.g. en-ru")
    info = actions.add_parser("info", help="details of an installed or available package")
    info.add_argument("pair", metavar="PAIR", help="e.g. en-ru")
    for sub in (available, install, info):
        sub.add_argument("--index", metavar="URL", help="the package index (default: [models] index_url)")


def _pair(text: str) -> tuple[str, str]:
    parts = text.replace(":", "-").replace("_", "-").split("-")
    if len(parts) != 2 or not all(parts):
        raise UsageError(f"{text!r} is not a language pair; write it as SOURCE-TARGET, e.g. en-ru")
    return parts[0].lower(), parts[1].lower()


class UsageError(TranslateFlowError):
    """The command line asks for something that does not make sense."""


def _models(config: Config, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    settings = config.models
    packages_dir = models.default_packages_dir(settings.packages_dir)
    cache_dir = settings.cache_dir or models.default_cache_dir()
    index_url = getattr(args, "index", None) or settings.index_url or models.DEFAULT_INDEX_URL

    def index() -> list[models.PackageInfo]:
        return models.fetch_index(index_url, timeout=settings.timeout, cache_dir=cache_dir)

    if args.action == "list":
        installed, warnings = models.installed_packages(packages_dir)
        print(f"packages in {packages_dir}:", file=out)
        for package in sorted(installed, key=lambda p: p.name):
            print(f"  {package.from_code}-{package.to_code}  {package.describe()}  ({package.from_name} → {package.to_name})", file=out)
        if not installed:
            print("  (none)", file=out)
        for pair, model in sorted(settings.pairs.items()):
            print(f"configured: {pair}  ct2 {model.name} {model.version}  ({model.path})".rstrip(), file=out)
        return _report((), warnings, err)
    if args.action == "available":
        for package in sorted(index(), key=lambda p: (p.from_code, p.to_code)):
            print(f"{package.from_code}-{package.to_code}  {package.describe()}  ({package.from_name} → {package.to_name})", file=out)
        return EXIT_OK
    if args.action == "info":
        source, target = _pair(args.pair)
        found = models.find_installed(packages_dir, source, target)
        if found is None:
            found = models.newest([p for p in index() if p.pair == (source, target)])
        if found is None:
            raise ModelNotFound(f"no package for {source}-{target} is installed or in the index")
        for name, value in (
            ("package", found.describe()), ("languages", f"{found.from_name} → {found.to_name}"),
            ("installed", str(found.path) if found.path else "no"),
            ("argos version", found.argos_version), ("sha256", found.sha256 or ""),
            ("links", " ".join(found.links)),
        ):
            if value:
                print(f"{name:>13}: {value}", file=out)
        return EXIT_OK
    if args.action == "remove":
        removed = models.remove(packages_dir, *_pair(args.pair))
        print(f"removed {removed.describe()} from {packages_dir}", file=out)
        return EXIT_OK
    return _install(config, args, out, err, packages_dir, cache_dir, index)


def _install(
    config: Config, args: argparse.Namespace, out: TextIO, err: TextIO,
    packages_dir: Path, cache_dir: Path, index: Callable[[], list[models.PackageInfo]],
) -> int:
    settings = config.models
    if not args.what and not args.for_project:
        raise UsageError("say what to install: a pair (en-ru), a URL, a .argosmodel file, or --for-project")
    installed: list[models.PackageInfo] = []
    with download_display(err, quiet=args.quiet) as progress:
        for what in args.what:
            if "://" in what:
                installed.append(models.install_url(what, packages_dir, cache_dir, timeout=settings.timeout,
                                                    progress=progress, sha256=args.sha256))
            elif what.endswith(".argosmodel") or Path(what).is_file():
                path = Path(what)
                if args.sha256 and models.file_sha256(path) != args.sha256.lower():
                    raise PackageError(f"{path}: SHA-256 differs from --sha256; the file is not the one expected")
                installed.append(models.install_file(path, packages_dir))
            else:
                installed.append(models.install_from_index(*_pair(what), index(), packages_dir, cache_dir,
                                                           timeout=settings.timeout, progress=progress))
        uncovered: list[str] = []
        if args.for_project:
            current, _ = models.installed_packages(packages_dir)
            targets = [t.tag for t in config.targets if f"{config.source.tag}-{t.tag}" not in settings.pairs]
            needed = models.plan_pairs(config.source.tag, targets, [], current, settings.pivot or None)
            if not all(plan.ready for plan in needed):
                needed = models.plan_pairs(config.source.tag, targets, index(), current, settings.pivot or None)
            for plan in needed:
                if not plan.covered:
                    uncovered.append(plan.message)
                    continue
                for package in plan.to_install:
                    installed.append(models.install_from_index(package.from_code, package.to_code, [package],
                                                               packages_dir, cache_dir, timeout=settings.timeout,
                                                               progress=progress))
            for tag, model in settings.pairs.items():
                print(f"{tag}: configured CTranslate2 model {model.path}", file=out)
    for package in installed:
        print(f"installed {package.describe()} in {packages_dir}", file=out)
    if args.for_project and not installed and not uncovered:
        print("every configured language pair already has a model", file=out)
    for message in uncovered:
        print(f"translate-flow: warning: {message}", file=err)
    return EXIT_FINDINGS if uncovered else EXIT_OK


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
