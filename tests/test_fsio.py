"""Atomic writes: a file is either its old self or its new self, never half of either."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from translate_flow.errors import InputError
from translate_flow.fsio import TEMPORARY_NAME, atomic_write, read_bytes


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@pytest.mark.parametrize(
    ("old", "new", "status"),
    [
        (None, "text", "created"),
        ("old", "new", "updated"),
        ("same", "same", "unchanged"),
        (None, b"\x00bytes", "created"),
    ],
    ids=["new-file", "changed", "unchanged", "bytes"],
)
def test_atomic_write_reports_what_it_did(tmp_path: Path, old: str | None, new: str | bytes, status: str) -> None:
    target = tmp_path / "deep" / "x.po"
    if old is not None:
        target.parent.mkdir()
        target.write_text(old, encoding="utf-8")
    mtime = target.stat().st_mtime_ns if old is not None else None
    assert atomic_write(target, new) == status
    assert target.read_bytes() == (new.encode("utf-8") if isinstance(new, str) else new)
    if status == "unchanged":
        assert target.stat().st_mtime_ns == mtime
    assert [p.name for p in target.parent.iterdir()] == ["x.po"]


def test_atomic_write_keeps_the_old_file_when_the_text_cannot_be_encoded(tmp_path: Path) -> None:
    target = tmp_path / "x.po"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(UnicodeEncodeError):
        atomic_write(target, "new \udc80 text")
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["x.po"]


def test_a_write_that_fails_after_its_temporary_keeps_the_old_file_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rename is the one step that can fail after the new content is on disk (a full
    disk fails fsync, a folder put in the way fails the rename): the temporary goes."""
    target = tmp_path / "x.po"
    target.write_text("old", encoding="utf-8")
    seen: list[str] = []

    def failing_replace(source: str, destination: object) -> None:
        seen.append(Path(source).name)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(InputError) as caught:
        atomic_write(target, "new")
    assert caught.value.path == str(target) and "No space left on device" in caught.value.message
    assert TEMPORARY_NAME.match(seen[0])  # the content was written, under a temporary name
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["x.po"]


def test_atomic_write_keeps_file_modes(tmp_path: Path) -> None:
    fresh = tmp_path / "new.po"
    atomic_write(fresh, "x")
    assert fresh.stat().st_mode & 0o777 == 0o666 & ~_current_umask()
    shared = tmp_path / "shared.po"
    shared.write_text("old", encoding="utf-8")
    shared.chmod(0o664)
    atomic_write(shared, "new")
    assert shared.stat().st_mode & 0o777 == 0o664


def test_a_file_where_a_folder_should_be_is_one_clear_error(tmp_path: Path) -> None:
    (tmp_path / "locales").write_text("not a folder", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        atomic_write(tmp_path / "locales" / "ru.po", "x")
    assert caught.value.path == str(tmp_path / "locales" / "ru.po")
    assert "cannot write" in str(caught.value) and "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("make", "message"),
    [(lambda p: None, "file not found"), (lambda p: p.mkdir(), "is a folder, not a file")],
    ids=["missing", "folder"],
)
def test_read_bytes_says_why_not_and_where(tmp_path: Path, make: object, message: str) -> None:
    path = tmp_path / "page.html"
    make(path)  # type: ignore[operator]
    with pytest.raises(InputError) as caught:
        read_bytes(path, "articles/page.html")
    assert (caught.value.path, caught.value.message) == ("articles/page.html", message)
    assert str(caught.value) == f"articles/page.html: {message}"
