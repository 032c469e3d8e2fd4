"""``translate-flow init``: a new project with an example article and an empty glossary."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from ..config import CONFIG_NAME, misplaced_target
from ..errors import UsageError
from ..fsio import atomic_write
from ..languages import language
from .options import Commands, add_command
from .output import EXIT_OK

__all__ = ["add_parser"]

# A new glossary holds no entry: its header row shows the columns an entry fills in.
GLOSSARY_COLUMNS = "{source},{targets},kind,{forbidden},case,note\n"
EXAMPLE_ARTICLE = """<!DOCTYPE html>
<html lang="{source}">
<head><meta charset="utf-8"><title>Welcome</title></head>
<body><article><h1>Welcome</h1><p>This is an example article. Replace it with your own pages.</p></article></body>
</html>
"""


def add_parser(commands: Commands) -> None:
    """Add ``init`` to *commands*; it needs no project, it makes one."""
    parser = add_command(
        commands, "init", "Create a project here: configuration, folders, an empty glossary.",
        "example:\n  translate-flow init --source en --target kk --target ru --target zh-Hans", init,
        description="Create a translate-flow project in a folder.",
    )
    parser.add_argument("folder", nargs="?", type=Path, default=Path("."), help="where (default: here)")
    parser.add_argument("--source", default="en", help="the articles' language (default en)")
    parser.add_argument("--target", action="append", default=[], metavar="TAG",
                        help="a language to translate into (repeatable; at least one)")


def init(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Write the configuration, an example article and an empty glossary; refuse an existing
    project and a project without target languages."""
    folder: Path = args.folder
    config_path = folder / CONFIG_NAME
    if config_path.exists():
        raise UsageError(f"{config_path} exists already; this folder is a project")
    source = language(args.source)
    if not args.target:
        raise UsageError("name the languages to translate into, e.g. "
                         "`translate-flow init --target kk --target ru`")
    targets = [language(t) for t in args.target]
    misplaced = misplaced_target(source, targets)
    if misplaced is not None:
        kind, tag = misplaced
        raise UsageError(f"--target {tag} is given twice" if kind == "twice" else f"--target {tag} is the source language")
    listed = ", ".join(f'"{t.tag}"' for t in targets)
    atomic_write(config_path, (
        f'[project]\nname = "{folder.resolve().name}"\nversion = "1.0"\n'
        f'source_language = "{source.tag}"\ntarget_languages = [{listed}]\n\n'
        '[paths]\narticles = "articles"\nlocales = "locales"\nglossary = "glossary"\nbuild = "build"\n\n'
        "[translate]\n# engine: auto (a configured model, else an Argos package), argos, ct2 or pseudo\n"
        'engine = "auto"\nbeam_size = 4\n\n[build]\nuse_fuzzy = true\nmin_complete = 0\n'
    ))
    atomic_write(folder / "glossary" / "glossary.csv", GLOSSARY_COLUMNS.format(
        source=source.tag, targets=",".join(t.tag for t in targets),
        forbidden=",".join(f"forbidden_{t.tag}" for t in targets)))
    atomic_write(folder / "articles" / "welcome.html", EXAMPLE_ARTICLE.format(source=source.tag))
    (folder / "locales").mkdir(exist_ok=True)
    ignore = folder / ".gitignore"
    if not ignore.exists():
        atomic_write(ignore, "build/\n.translate-flow/\n")
    print(f"created a translate-flow project in {folder}: {CONFIG_NAME}, articles/, glossary/, locales/", file=out)
    print("glossary/glossary.csv is empty: one entry a row under its header "
          "(kind: term, name or dnt), or `translate-flow glossary import FILE.tbx`", file=out)
    print("next: translate-flow models install --for-project, then translate-flow run", file=out)
    return EXIT_OK
