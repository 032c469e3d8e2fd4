"""Work shared among forked processes, one per core, when there is enough of it."""

from __future__ import annotations

import gc
import multiprocessing
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

__all__ = ["each"]

_Item = TypeVar("_Item")
_Result = TypeVar("_Result")

# Work handed to forked processes: set just before the fork, so nothing has to be pickled
# but each item's index and each result.
_TASK: Callable[[Any], Any] | None = None
_ITEMS: Sequence[Any] = ()
PARALLEL_FROM = 16  # fewer items than this are not worth the processes
# Page work allocates many small objects that live until the page is done; at the
# collector's default, a pass every 700 allocations, it walks them again and again for
# nothing (about 8% of extract and of build on the regression corpus).
_PAGE_WORK_COLLECTION = 50_000


def _run_task(index: int) -> Any:
    assert _TASK is not None
    return _TASK(_ITEMS[index])


def cores() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def each(function: Callable[[_Item], _Result], items: Sequence[_Item], workers: int = 0) -> list[_Result]:
    """``[function(item) for item in items]``, in forked worker processes when it pays.

    *workers* is the number of processes (0: one per core). Processes only where forking
    is safe: a fork start method, and no other thread in this process (a thread holding a
    lock at the fork would leave the child stuck).
    """
    with _fewer_collections():  # forked children inherit the setting
        return _each(function, items, workers)


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """The young generation collected after more allocations, while the work lasts."""
    before = gc.get_threshold()
    gc.set_threshold(_PAGE_WORK_COLLECTION, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _each(function: Callable[[_Item], _Result], items: Sequence[_Item], workers: int) -> list[_Result]:
    count = workers or cores()
    if (
        count <= 1 or len(items) < max(PARALLEL_FROM, 2 * count)
        or threading.active_count() > 1 or "fork" not in multiprocessing.get_all_start_methods()
    ):
        return [function(item) for item in items]
    global _TASK, _ITEMS
    _TASK, _ITEMS = function, items
    # Objects that exist at the fork are frozen: the children's collector then never
    # walks them, and so never writes to (and copies) the pages they share with this process.
    gc.freeze()
    try:
        with multiprocessing.get_context("fork").Pool(count) as pool:
            return pool.map(_run_task, range(len(items)), chunksize=max(1, len(items) // (count * 4)))
    finally:
        gc.unfreeze()
        _TASK, _ITEMS = None, ()
