"""Work shared among forked processes: the same results as one process, in order, and
the collector's setting for page work only while the work lasts."""

from __future__ import annotations

import gc
import os

import pytest

from translate_flow.pipeline.workers import PARALLEL_FROM, each


def _square(number: int) -> int:
    return number * number


def _where(_: int) -> tuple[int, int]:
    return os.getpid(), gc.get_threshold()[0]


@pytest.mark.parametrize("count", [0, 3, PARALLEL_FROM * 4], ids=["none", "few", "many"])
def test_the_results_are_those_of_one_process_in_order(count: int) -> None:
    items = list(range(count))
    assert each(_square, items, workers=2) == [_square(n) for n in items]


@pytest.mark.parametrize("count", [3, PARALLEL_FROM * 4], ids=["in-process", "forked"])
def test_page_work_collects_less_often_and_puts_the_setting_back(count: int) -> None:
    before = gc.get_threshold()
    seen = each(_where, list(range(count)), workers=2)
    assert gc.get_threshold() == before
    assert all(threshold > before[0] for _, threshold in seen)
    processes = {pid for pid, _ in seen}
    assert (os.getpid() in processes) is (count < PARALLEL_FROM)  # many items: forked children
