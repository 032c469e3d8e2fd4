"""Progress for long runs: a rich bar per language on a terminal, plain lines elsewhere."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

__all__ = ["progress_display"]

Progress = Callable[[str, int, int], None]
PLAIN_INTERVAL = 5.0  # seconds between plain log lines for one language


def _interactive(stream: TextIO) -> bool:
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        return False
    return hasattr(stream, "isatty") and stream.isatty()


@contextmanager
def progress_display(stream: TextIO, *, quiet: bool = False) -> Iterator[Progress | None]:
    """Yield a ``(language, done, total)`` callback that shows progress on *stream*."""
    if quiet:
        yield None
        return
    if _interactive(stream):
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, TaskID, TextColumn, TimeRemainingColumn
        from rich.progress import Progress as Bars

        console = Console(file=stream)
        bars = Bars(
            TextColumn("{task.description:>8}"), BarColumn(), MofNCompleteColumn(),
            TextColumn("{task.fields[rate]} seg/s"), TimeRemainingColumn(), console=console,
        )
        tasks: dict[str, tuple[TaskID, float]] = {}

        def show(language: str, done: int, total: int) -> None:
            if language not in tasks:
                tasks[language] = (bars.add_task(language, total=total, rate="-"), time.perf_counter())
            task, started = tasks[language]
            elapsed = time.perf_counter() - started
            rate = f"{done / elapsed:.1f}" if elapsed > 0 and done else "-"
            bars.update(task, completed=done, total=total, rate=rate)

        with bars:
            yield show
        return

    last: dict[str, float] = {}
    started: dict[str, float] = {}

    def log(language: str, done: int, total: int) -> None:
        now = time.perf_counter()
        started.setdefault(language, now)
        if done in (0, total) or now - last.get(language, 0.0) >= PLAIN_INTERVAL:
            last[language] = now
            elapsed = now - started[language]
            rate = f", {done / elapsed:.1f} segments/s" if elapsed > 0 and done else ""
            print(f"{language}: {done}/{total} segments{rate}", file=stream, flush=True)

    yield log


Download = Callable[[int, "int | None"], None]


@contextmanager
def download_display(stream: TextIO, *, quiet: bool = False) -> Iterator[Download | None]:
    """Yield a ``(received, total)`` callback showing download progress on a terminal."""
    if quiet or not _interactive(stream):
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, TransferSpeedColumn, TimeRemainingColumn
    from rich.progress import Progress as Bars

    bars = Bars(BarColumn(), DownloadColumn(), TransferSpeedColumn(), TimeRemainingColumn(),
                console=Console(file=stream), transient=True)
    task = bars.add_task("download", total=None)

    def show(received: int, total: int | None) -> None:
        bars.update(task, completed=received, total=total)

    with bars:
        yield show
