"""``translate-flow glossary``: list, check, look up, import and export the glossary."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from ..config import Config
from ..errors import UsageError
from ..fsio import atomic_write
from ..glossary import KINDS, check_glossary, export_glossary, import_termbase, read_glossary
from .options import Commands, add_action, add_actions, add_command
from .output import EXIT_FINDINGS, EXIT_OK, relative

__all__ = ["add_parser"]


def add_parser(commands: Commands) -> None:
    """Add ``glossary`` and its actions to *commands*."""
    parser = add_command(
        commands, "glossary", "List, check, look up, import and export the glossary.",
        "examples:\n  translate-flow glossary check\n"
        "  translate-flow glossary lookup \"Uyghurs in transformation through education camps\"\n"
        "  translate-flow glossary import terms.tbx\n  translate-flow glossary export glossary.tbx --tbx 2",
        description="The project glossary in glossary/: CSV and TBX-Basic (v2 martif and v3) files.",
    )
    actions = add_actions(parser)
    listing = add_action(actions, "list", "every entry with its renderings", list_terms)
    listing.add_argument("--kind", choices=sorted(KINDS), help="only entries of this kind")
    add_action(actions, "check", "problems of the glossary files, as file:line lines", check)
    looking_up = add_action(actions, "lookup", "the glossary terms a source text uses", lookup)
    looking_up.add_argument("text", help="source-language text")
    importing = add_action(actions, "import", "add a CSV or TBX file to the glossary (as CSV)", import_)
    importing.add_argument("file", type=Path)
    importing.add_argument("--force", action="store_true", help="replace a glossary file of the same name")
    exporting = add_action(actions, "export", "write the whole glossary to a CSV or TBX file", export)
    exporting.add_argument("file", type=Path)
    exporting.add_argument("--tbx", choices=("2", "3"), default="3", help="TBX version for .tbx files (default 3)")


def check(config: Config, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """The glossary files' problems on *out*, their count on *err*; 1 when one is an error."""
    findings = check_glossary(config.glossary, config.source.tag, [t.tag for t in config.targets],
                              relative(config, config.glossary))
    for finding in findings:
        print(str(finding), file=out)
    errors = sum(1 for f in findings if f.severity == "error")
    if not args.quiet:
        print(f"{errors} errors, {len(findings) - errors} warnings", file=err)
    return EXIT_FINDINGS if errors else EXIT_OK


def import_(config: Config, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Add a CSV or TBX file to the glossary folder as CSV; --force replaces one of that name.

    Entries it cannot use are left out, each with a warning on *err*; the rest are taken.
    """
    source = config.source.tag
    target = config.glossary / f"{args.file.stem}.csv"
    if target.exists() and not args.force:
        raise UsageError(f"{relative(config, target)} exists; pass --force to replace it")
    imported = import_termbase(args.file, source, str(args.file))
    for finding in imported.findings:
        print(str(finding), file=err)
    entries = imported.glossary.terms
    atomic_write(target, export_glossary(imported.glossary, "csv", source))
    languages = ", ".join(imported.glossary.languages()) or "none"
    print(f"imported {len(entries)} entries into {relative(config, target)} (languages: {languages}); "
          f"skipped {imported.skipped}", file=out)
    return EXIT_OK


def export(config: Config, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Write the whole glossary to a .csv or .tbx file."""
    suffix = args.file.suffix.lower()
    glossary = read_glossary(config.glossary, config.source.tag, relative(config, config.glossary))
    if suffix not in (".csv", ".tbx"):
        raise UsageError(f"{args.file}: export to a .csv or .tbx file")
    fmt = "csv" if suffix == ".csv" else f"tbx{args.tbx}"
    text = export_glossary(glossary, fmt, config.source.tag, [t.tag for t in config.targets])
    atomic_write(args.file, text)
    languages = [config.source.tag, *glossary.languages()]
    print(f"exported {len(glossary.terms)} entries to {args.file} ({fmt}; "
          f"{', '.join(dict.fromkeys(languages))})", file=out)
    return EXIT_OK


def lookup(config: Config, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """The glossary terms the text uses, with their renderings."""
    glossary = read_glossary(config.glossary, config.source.tag, relative(config, config.glossary))
    from ..terms import lookup as find_terms  # the term matcher: only this command needs it here

    hits = find_terms(glossary, args.text, config.source)
    for hit in hits:
        renderings = "; ".join(f"{t.tag}: {hit.term.rendering(t) or '-'}" for t in config.targets)
        print(f"{hit.text!r} -> {hit.term.source} [{hit.term.kind}]  {renderings}", file=out)
    if not hits and not args.quiet:
        print("no glossary term in that text", file=err)
    return EXIT_OK


def list_terms(config: Config, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Every entry (of --kind only) with its renderings and forbidden variants."""
    glossary = read_glossary(config.glossary, config.source.tag, relative(config, config.glossary))
    for term in glossary.terms:
        if args.kind and term.kind != args.kind:
            continue
        renderings = "; ".join(f"{t.tag}: {term.rendering(t) or '-'}" for t in config.targets)
        forbidden = "; ".join(
            f"{t.tag}: {' | '.join(term.forbidden_in(t))}" for t in config.targets if term.forbidden_in(t)
        )
        print(f"{term.source} [{term.kind}]  {renderings}" + (f"  (forbidden: {forbidden})" if forbidden else ""),
              file=out)
    return EXIT_OK
