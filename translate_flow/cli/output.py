"""What the command line says about outcomes, and the exit code each outcome maps to.

Messages about the run itself go to standard error as ``translate-flow: error: ...`` or
``translate-flow: warning: ...``; a problem with one file is ``path:line: error: ...``
the way compilers write it, so editors can jump there.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from ..config import Config
from ..errors import Problem

__all__ = [
    "EXIT_ERROR",
    "EXIT_FINDINGS",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "error",
    "relative",
    "report",
    "show_problem",
    "warning",
]

EXIT_OK = 0  # nothing to report
EXIT_FINDINGS = 1  # a result needs a person's look
EXIT_ERROR = 2  # the command line was misused, or an input could not be used
EXIT_INTERRUPTED = 130  # Ctrl-C, as shells report SIGINT

PROG = "translate-flow"


def error(message: object, err: TextIO) -> None:
    """Say on *err* that the command could not do its job."""
    print(f"{PROG}: error: {message}", file=err)


def warning(message: object, err: TextIO) -> None:
    """Say on *err* that something is amiss but the command went on."""
    print(f"{PROG}: warning: {message}", file=err)


def note(message: object, err: TextIO) -> None:
    """Say on *err* what the user may want to know: the job is done, with this caveat."""
    print(f"{PROG}: note: {message}", file=err)


def show_problem(problem: Problem, err: TextIO) -> None:
    """Print *problem* on *err* as ``path:line: error|finding: message``."""
    where = f"{problem.path}:{problem.line}" if problem.line else problem.path
    label = "error" if problem.kind == "input" else "finding"
    print(f"{where}: {label}: {problem.message}", file=err)


def report(problems: Iterable[Problem], warnings: Iterable[str], err: TextIO) -> int:
    """Print *warnings*, then *problems*; the exit code they call for.

    An input problem is an error (2); only findings are 1; nothing at all is 0.
    """
    for message in warnings:
        warning(message, err)
    kinds: set[str] = set()
    for problem in problems:
        show_problem(problem, err)
        kinds.add(problem.kind)
    if "input" in kinds:
        return EXIT_ERROR
    return EXIT_FINDINGS if kinds else EXIT_OK


def relative(config: Config, path: Path) -> str:
    """*path* as the user sees it: relative to the project folder where it lies inside."""
    try:
        return path.relative_to(config.root).as_posix()
    except ValueError:
        return str(path)
