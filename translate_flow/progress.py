"""Progress for long runs: a rich bar per language on a terminal, plain lines elsewhere.

The two callback shapes the library reports progress through live here, so that the
stages that call them and the displays that show them agree on one signature each:
:class:`Progress` for work per language, :class:`DownloadProgress` for downloads.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol, TextIO

__all__ = ["DownloadProgress", "Progress", "download_display", "progress_display"]


class Progress(Protocol):
    """Told how far the work for one language has come.

    Called with the language's tag, the items done so far and the items in all, first
    with ``done == 0`` and last with ``done == total``; ``done`` never passes ``total``.
    """

    def __call__(self, language: str, done: int, total: int, /) -> None: ...


class DownloadProgress(Protocol):
    """Told how many bytes of a download have arrived, and of how many.

    ``total`` is ``None`` while the size is unknown (no ``Content-Length``).
    """

    def __call__(self, received: int, total: int | None, /) -> None: ...


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



@contextmanager
def download_display(stream: TextIO, *, quiet: bool = False) -> Iterator[DownloadProgress | None]:
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
