"""Package archives: the unsafe or broken ones are refused and leave no trace.

Every unsafe or broken archive is a real zip written here with ``zipfile``.
"""

from __future__ import annotations

import io
import json
import os
import stat
import warnings
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

import modelfactory as mf
from packageserver import Dist, snapshot
from translate_flow import models
from translate_flow.errors import PackageError


# --------------------------------------------------------------------------- validation

TOP = "translate-en_ru-1_0"
MARKER = b"crc-marker-0123456789"


def entries(**changes: bytes | None) -> dict[str, bytes]:
    """The files of a small package that passes validation, keyed by path below TOP.

    Keyword ``a__b=...`` changes ``a/b`` (``None`` drops it). The model files are not a
    real model: validation checks the layout, and loading is tested on real packages.
    """
    files = {
        "metadata.json": json.dumps(mf.package_metadata("en", "ru")).encode(),
        "model/model.bin": MARKER + bytes(range(256)) * 16,
        "model/config.json": b"{}",
        "model/shared_vocabulary.json": b'["<unk>", "<s>", "</s>"]',
        "sentencepiece.model": b"tokenizer",
    }
    for key, value in changes.items():
        path = key.replace("__", "/").replace("_dot_", ".")
        if value is None:
            files.pop(path)
        else:
            files[path] = value
    return files


def make_zip(
    files: dict[str, bytes],
    *,
    top: str | None = TOP,
    extra: Sequence[tuple[str | zipfile.ZipInfo, bytes]] = (),
    compression: int = zipfile.ZIP_DEFLATED,
) -> bytes:
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate names are made on purpose
        with zipfile.ZipFile(buffer, "w", compression) as archive:
            for name, data in files.items():
                archive.writestr(f"{top}/{name}" if top else name, data)
            for entry, data in extra:
                archive.writestr(entry, data)
    return buffer.getvalue()


def special(name: str, mode: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.create_system = 3
    info.external_attr = mode << 16
    return info


EVIL_ABSOLUTE = Path("/tmp") / f"translate-flow-evil-{os.getpid()}"


def _metadata(**fields: object) -> bytes:
    metadata = mf.package_metadata("en", "ru")
    for key, value in fields.items():
        if value is None:
            metadata.pop(key)
        else:
            metadata[key] = value
    return json.dumps(metadata).encode()


def _corrupt_crc() -> bytes:
    data = make_zip(entries(), compression=zipfile.ZIP_STORED)
    assert data.count(MARKER) == 1
    return data.replace(MARKER, MARKER.upper())


BAD_PACKAGES: dict[str, tuple[Callable[[Path], bytes], dict[str, int], str]] = {
    "zip-slip": (
        lambda real: make_zip(entries(), extra=[("../evil.txt", b"x")]),
        {}, r"entry '../evil.txt' points outside its folder",
    ),
    "zip-slip-nested": (
        lambda real: make_zip(entries(), extra=[(f"{TOP}/../../evil.txt", b"x")]),
        {}, r"points outside its folder",
    ),
    "absolute-path": (
        lambda real: make_zip(entries(), extra=[(str(EVIL_ABSOLUTE), b"x")]),
        {}, r"is an absolute path",
    ),
    "windows-drive": (
        lambda real: make_zip(entries(), extra=[("C:/evil.txt", b"x")]), {}, r"is an absolute path"
    ),
    "backslash": (
        lambda real: make_zip(entries(), extra=[(f"{TOP}\\..\\..\\evil.txt", b"x")]),
        {}, r"has a backslash in its name",
    ),
    "symlink": (
        lambda real: make_zip(
            entries(), extra=[(special(f"{TOP}/model/link", stat.S_IFLNK | 0o777), b"/etc/passwd")]
        ),
        {}, r"entry '.*/model/link' is a symbolic link",
    ),
    "device-file": (
        lambda real: make_zip(
            entries(), extra=[(special(f"{TOP}/model/dev", stat.S_IFCHR | 0o644), b"")]
        ),
        {}, r"is a device, pipe or socket",
    ),
    "oversized": (
        lambda real: make_zip(entries()), {"max_size": 1000}, r"more than the 1000 byte limit"
    ),
    "zip-bomb-ratio": (
        lambda real: make_zip(entries(model__padding_dot_bin=bytes(4 * 1024 * 1024))),
        {}, r"expands 4194304 bytes from \d+ \(a zip bomb\)",
    ),
    "too-many-entries": (
        lambda real: make_zip(entries()), {"max_entries": 4}, r"has 5 entries, more than the 4"
    ),
    "missing-metadata": (
        lambda real: make_zip(entries(metadata_dot_json=None)),
        {}, rf"{TOP}/metadata.json is missing",
    ),
    "metadata-not-json": (
        lambda real: make_zip(entries(metadata_dot_json=b"{not json")),
        {}, r"metadata.json is not valid JSON \(line 1 column 2",
    ),
    "metadata-not-an-object": (
        lambda real: make_zip(entries(metadata_dot_json=b"[]")),
        {}, r"holds a JSON list, not an object",
    ),
    "metadata-without-from_code": (
        lambda real: make_zip(entries(metadata_dot_json=_metadata(from_code=None))),
        {}, r"required field 'from_code' is missing",
    ),
    "metadata-version-not-a-string": (
        lambda real: make_zip(entries(metadata_dot_json=_metadata(package_version=1.0))),
        {}, r"'package_version' must be a string, not float",
    ),
    "metadata-unsafe-code": (
        lambda real: make_zip(entries(metadata_dot_json=_metadata(to_code="../ru"))),
        {}, r"'to_code' has an invalid value",
    ),
    "not-a-translate-package": (
        lambda real: make_zip(entries(metadata_dot_json=_metadata(type="sbd"))),
        {}, r"is a 'sbd' package, not a translation model",
    ),
    "missing-model-bin": (
        lambda real: make_zip(entries(model__model_dot_bin=None)),
        {}, rf"{TOP}/model/model.bin is missing",
    ),
    "missing-model-config": (
        lambda real: make_zip(entries(model__config_dot_json=None)),
        {}, rf"{TOP}/model/config.json is missing",
    ),
    "missing-tokenizer": (
        lambda real: make_zip(entries(sentencepiece_dot_model=None)),
        {}, r"neither .*/sentencepiece.model nor .*/bpe.model is present",
    ),
    "two-top-level-folders": (
        lambda real: make_zip(entries(), extra=[("other/README.md", b"x")]),
        {}, r"exactly one top-level folder, found 2 \('other', 'translate-en_ru-1_0'\)",
    ),
    "file-at-top-level": (
        lambda real: make_zip(entries(), extra=[("README.md", b"x")]),
        {}, r"'README.md' sits at the top level",
    ),
    "duplicate-entry": (
        lambda real: make_zip(entries(), extra=[(f"{TOP}/model/MODEL.BIN", b"x")]),
        {}, r"appears twice",
    ),
    "file-and-folder": (
        lambda real: make_zip(entries(), extra=[(f"{TOP}/model/model.bin/x", b"x")]),
        {}, r"is both a file and a folder",
    ),
    "not-a-zip": (lambda real: b"this is a text file", {}, r": not a zip archive"),
    "empty-file": (lambda real: b"", {}, r": not a zip archive"),
    "truncated-zip": (
        lambda real: real.read_bytes()[: real.stat().st_size // 2],
        {}, r"the zip archive is truncated",
    ),
    "corrupt-data": (lambda real: _corrupt_crc(), {}, r"entry '.*/model/model.bin' is corrupt"),
}


def test_the_small_package_the_bad_ones_start_from_is_valid(tmp_path: Path) -> None:
    archive = tmp_path / "small.argosmodel"
    archive.write_bytes(make_zip(entries()))
    info = models.validate_package(archive)
    unpacked = sum(map(len, entries().values()))
    assert (info.pair, info.package_version, info.size) == (("en", "ru"), "1.0", unpacked)
    installed = models.install_file(archive, tmp_path / "packages")
    assert sorted(p.name for p in installed.path.iterdir()) == [  # type: ignore[union-attr]
        "metadata.json", "model", "sentencepiece.model"
    ]


@pytest.mark.parametrize("case", list(BAD_PACKAGES), ids=list(BAD_PACKAGES))
def test_unsafe_or_broken_packages_are_rejected_and_leave_no_trace(
    case: str, dist: Dist, tmp_path: Path
) -> None:
    build, limits, match = BAD_PACKAGES[case]
    packages = tmp_path / "packages"
    previous = models.install_file(dist["en_ru-1.0"].path, packages)
    archive = tmp_path / "bad.argosmodel"
    archive.write_bytes(build(dist["en_ru-1.0"].path))
    before = snapshot(tmp_path)

    with pytest.raises(PackageError, match=match) as caught:
        models.install_file(archive, packages, **limits)

    message = str(caught.value)
    assert message.startswith(str(archive)) and "\n" not in message
    assert caught.value.path == str(archive)  # the location travels beside the message
    assert message == f"{archive}: {caught.value.message}"
    assert snapshot(tmp_path) == before
    assert not EVIL_ABSOLUTE.exists()
    assert models.find_installed(packages, "en", "ru") == previous  # the old install survives
    with pytest.raises(PackageError, match=match) as again:
        models.validate_package(archive, **limits)
    assert again.value.path == str(archive)


def test_validate_package_reports_the_real_package(dist: Dist) -> None:
    info = models.validate_package(dist["en_ru-1.1"].path)
    assert (info.pair, info.package_version, info.argos_version) == (("en", "ru"), "1.1", "1.9.0")
    assert info.path is None
    assert info.size is not None and info.size > dist["en_ru-1.1"].path.stat().st_size
    with pytest.raises(PackageError, match="cannot read .*missing.argosmodel"):
        models.validate_package(dist["en_ru-1.1"].path.parent / "missing.argosmodel")
