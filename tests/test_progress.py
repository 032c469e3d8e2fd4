"""Progress displays: plain lines without a terminal, nothing when quiet."""

from __future__ import annotations

import io
from collections.abc import Callable
from contextlib import AbstractContextManager

import pytest

from translate_flow.progress import DownloadProgress, Progress, download_display, progress_display


def test_plain_lines_first_and_last_of_each_language() -> None:
    stream = io.StringIO()
    with progress_display(stream) as progress:
        assert progress is not None
        for language in ("ru", "kk"):
            for done in range(0, 11):
                progress(language, done, 10)
    lines = stream.getvalue().splitlines()
    # In between, a line only every PLAIN_INTERVAL seconds: none in a test this fast.
    assert [line.split(",")[0] for line in lines] == [
        "ru: 0/10 segments", "ru: 10/10 segments", "kk: 0/10 segments", "kk: 10/10 segments",
    ]
    assert lines[1].endswith(" segments/s")


@pytest.mark.parametrize("display", [progress_display, download_display], ids=["languages", "downloads"])
def test_quiet_means_no_callback(display: Callable[..., AbstractContextManager[object]]) -> None:
    stream = io.StringIO()
    with display(stream, quiet=True) as callback:
        assert callback is None
    assert stream.getvalue() == ""


def test_downloads_show_only_on_a_terminal() -> None:
    with download_display(io.StringIO()) as callback:
        assert callback is None


def test_plain_functions_are_progress_callbacks() -> None:
    seen: list[tuple[object, ...]] = []

    def per_language(tag: str, finished: int, of: int) -> None:
        seen.append((tag, finished, of))

    def per_download(got: int, size: int | None) -> None:
        seen.append((got, size))

    # Positional-only in the protocols: a callback's own parameter names do not matter.
    language_progress: Progress = per_language
    download_progress: DownloadProgress = per_download
    language_progress("ru", 1, 2)
    download_progress(10, None)
    assert seen == [("ru", 1, 2), (10, None)]
