"""Model packages against a real loopback HTTP server and real (tiny) Argos packages.

Nothing is mocked: the index and the packages are served by ``http.server`` on 127.0.0.1,
the packages are built by ``modelfactory`` and loaded by CTranslate2, and every unsafe or
broken archive is a real zip written here with ``zipfile``.
"""

from __future__ import annotations

import io
import json
import os
import socket
import stat
import time
import warnings
import zipfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import ctranslate2  # type: ignore[import-untyped]
import pytest
import sentencepiece as spm

import modelfactory as mf
from packageserver import Dist, Server
from translate_flow import models
from translate_flow.errors import InputError, ModelError, ModelNotFound, NetworkError, PackageError
from translate_flow.models import PackageInfo



# --------------------------------------------------------------------------- fixtures


def snapshot(root: Path) -> list[tuple[str, str, int, int]]:
    """Every path under *root*: kind, and size and mtime for files (not for folders,
    whose mtime changes when a temporary entry comes and goes)."""
    found: list[tuple[str, str, int, int]] = []
    for folder, dirs, files in os.walk(root):
        for name in sorted(dirs + files):
            path = Path(folder, name)
            info = path.lstat()
            rel = path.relative_to(root).as_posix()
            if stat.S_ISLNK(info.st_mode):
                found.append((rel, "link:" + os.readlink(path), 0, 0))
            elif stat.S_ISDIR(info.st_mode):
                found.append((rel, "dir", 0, 0))
            else:
                found.append((rel, "file", info.st_size, info.st_mtime_ns))
    return sorted(found)


def hidden_entries(folder: Path) -> list[str]:
    if not folder.exists():
        return []
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


# --------------------------------------------------------------------------- locations


@pytest.mark.parametrize(
    ("env", "settings", "explicit", "expected"),
    [
        pytest.param(
            {"ARGOS_PACKAGES_DIR": "{tmp}/env"}, None, "{tmp}/explicit", "{tmp}/explicit",
            id="explicit-argument-wins",
        ),
        pytest.param(
            {"ARGOS_PACKAGES_DIR": "{tmp}/env", "XDG_DATA_HOME": "{tmp}/xdg"},
            None, None, "{tmp}/env", id="ARGOS_PACKAGES_DIR",
        ),
        pytest.param(
            {"XDG_DATA_HOME": "{tmp}/xdg"}, "{tmp}/from-settings", None, "{tmp}/from-settings",
            id="argos-settings.json",
        ),
        pytest.param(
            {"XDG_DATA_HOME": "{tmp}/xdg"}, None, None, "{tmp}/xdg/argos-translate/packages",
            id="XDG_DATA_HOME",
        ),
        pytest.param(
            {}, None, None, "{tmp}/home/.local/share/argos-translate/packages", id="home-default"
        ),
        pytest.param(
            {"XDG_DATA_HOME": "relative/ignored"}, None, None,
            "{tmp}/home/.local/share/argos-translate/packages", id="relative-XDG-ignored",
        ),
    ],
)
def test_default_packages_dir_follows_argospm(
    env: dict[str, str],
    settings: str | None,
    explicit: str | None,
    expected: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("ARGOS_PACKAGES_DIR", "XDG_DATA_HOME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    for name, value in env.items():
        monkeypatch.setenv(name, value.format(tmp=tmp_path))
    if settings is not None:
        config = tmp_path / "config" / "argos-translate"
        config.mkdir(parents=True)
        (config / "settings.json").write_text(
            json.dumps({"ARGOS_PACKAGES_DIR": settings.format(tmp=tmp_path)}), encoding="utf-8"
        )
    given = Path(explicit.format(tmp=tmp_path)) if explicit else None
    assert models.default_packages_dir(given) == Path(expected.format(tmp=tmp_path))
    assert not Path(expected.format(tmp=tmp_path)).exists()  # found, not created


def test_argostranslate_settings_stay_in_the_sandbox(argos_home: Path, tmp_path: Path) -> None:
    models.installed_packages(tmp_path)  # imports argostranslate, if nothing did before
    from argostranslate import settings  # type: ignore[import-untyped]

    for folder in (settings.data_dir, settings.config_dir, settings.cache_dir,
                   settings.package_data_dir):
        assert Path(folder).is_relative_to(argos_home)


def test_package_name_is_the_argospm_name() -> None:
    from argostranslate.package import (  # type: ignore[import-untyped]
        AvailablePackage,
        argospm_package_name,
    )

    metadata = mf.package_metadata("en", "zh", package_version="1.9")
    info = PackageInfo("en", "zh", "1.9")
    assert info.name == argospm_package_name(AvailablePackage(metadata)) == "translate-en_zh"
    assert info.cache_filename == "translate-en_zh-1_9.argosmodel"


# --------------------------------------------------------------------------- index


@pytest.mark.parametrize(
    "where", ["http", "http-folder", "file-url", "path", "folder-path"]
)
def test_fetch_index_reads_urls_and_paths(
    where: str, server: Server, dist: Dist
) -> None:
    sbd = {"type": "sbd", "package_version": "1.0", "from_codes": ["en"], "links": []}
    broken = {"from_code": 5, "to_code": "ru", "package_version": "1.0"}
    url = server.publish(
        [dist["en_ru-1.0"], dist["en_zh-1.0"]],
        checksum_key="checksum",
        checksum=lambda built: "sha256:" + built.sha256.upper(),
        extra=[sbd, broken, "not an entry"],
    )
    location = {
        "http": url,
        "http-folder": server.base + "/",
        "file-url": (server.root / "index.json").as_uri(),
        "path": str(server.root / "index.json"),
        "folder-path": str(server.root),
    }[where]
    index = models.fetch_index(location, timeout=5)
    assert [(p.pair, p.package_version) for p in index] == [
        (("en", "ru"), "1.0"), (("en", "zh"), "1.0")
    ]
    first = index[0]
    assert first.sha256 == dist["en_ru-1.0"].sha256  # "sha256:HEX" normalised
    assert first.links == (server.url(dist["en_ru-1.0"].path.name),)
    assert (first.from_name, first.to_name, first.type) == ("English", "Russian", "translate")
    assert first.path is None


def test_fetch_index_keeps_a_copy_for_offline_use(
    server: Server, dist: Dist, tmp_path: Path
) -> None:
    url = server.publish([dist["en_ru-1.0"]])
    assert models.cached_index(url, tmp_path / "cache") is None
    fetched = models.fetch_index(url, timeout=5, cache_dir=tmp_path / "cache")
    assert models.cached_index(url, tmp_path / "cache") == fetched
    assert hidden_entries(tmp_path / "cache") == []


def test_an_index_copy_that_cannot_be_written_is_a_model_error_at_its_path(
    server: Server, dist: Dist, tmp_path: Path
) -> None:
    url = server.publish([dist["en_ru-1.0"]])
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the cache folder should be")
    with pytest.raises(ModelError) as caught:
        models.fetch_index(url, timeout=5, cache_dir=blocker)
    error = caught.value
    assert not isinstance(error, InputError)
    assert error.path is not None and Path(error.path).parent == blocker
    assert error.message.startswith("cannot write (")
    assert error.message.endswith("; check free space and permissions")
    assert str(error) == f"{error.path}: {error.message}"
    assert blocker.read_text() == "a file where the cache folder should be"


@pytest.mark.parametrize(
    ("body", "match"),
    [
        pytest.param(
            b"<html>captive portal</html>", r"is not valid JSON \(line 1 column 1", id="html"
        ),
        pytest.param(
            b'{"packages": []}', "is a JSON dict, not a list of packages", id="json-object"
        ),
        pytest.param(
            b'[{"type": "translate"}]', "lists no usable translate packages", id="no-usable-entry"
        ),
        pytest.param(b"\xff\xfe\x00junk", "not UTF-8", id="binary"),
        pytest.param(None, r"\(HTTP 404 File not found\)", id="http-404"),
    ],
)
def test_fetch_index_rejects_answers_that_are_not_an_index(
    body: bytes | None, match: str, server: Server
) -> None:
    if body is not None:
        (server.root / "index.json").write_bytes(body)
    with pytest.raises(NetworkError, match=match) as caught:
        models.fetch_index(server.url("index.json"), timeout=5)
    assert "check [models] index_url" in str(caught.value)
    assert "\n" not in str(caught.value)


@pytest.fixture
def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts connections (the kernel's backlog does) and never answers."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield listener.getsockname()[1]


@pytest.mark.parametrize(
    ("kind", "reason"),
    [
        ("closed-port", "connection refused"),
        ("silent-server", "no answer within 1 s"),
        ("slow-drip", "no complete answer within 1 s"),
    ],
)
def test_unreachable_index_fails_once_within_the_timeout(
    kind: str, reason: str, closed_port: int, silent_port: int, server: Server
) -> None:
    url = {
        "closed-port": f"http://127.0.0.1:{closed_port}/index.json",
        "silent-server": f"http://127.0.0.1:{silent_port}/index.json",
        "slow-drip": server.url("drip/index.json"),
    }[kind]
    started = time.monotonic()
    with pytest.raises(NetworkError) as caught:
        models.fetch_index(url, timeout=1.0)
    assert time.monotonic() - started < 1.0 + 2
    assert str(caught.value) == (
        f"cannot reach the package index at {url} ({reason}); "
        "check [models] index_url or install from a file"
    )


def test_unsupported_scheme_and_credentials_in_messages(tmp_path: Path) -> None:
    with pytest.raises(NetworkError, match="unsupported URL scheme 'ftp'"):
        models.fetch_index("ftp://example.org/index.json", timeout=1)
    with pytest.raises(NetworkError) as caught:
        models.fetch_index("http://user:secret@127.0.0.1:9/index.json", timeout=1)
    assert "secret" not in str(caught.value)
    assert "http://127.0.0.1:9/index.json" in str(caught.value)


# --------------------------------------------------------------------------- downloads


def test_downloads_are_cached_per_version(server: Server, dist: Dist, tmp_path: Path) -> None:
    index = models.fetch_index(server.publish([dist["en_ru-1.0"], dist["en_ru-1.1"]]), timeout=5)
    cache = tmp_path / "cache"
    old, new = sorted(index, key=lambda p: p.package_version)
    server.requests.clear()

    first = models.download(old, cache, timeout=5)
    second = models.download(new, cache, timeout=5)
    assert first.name == "translate-en_ru-1_0.argosmodel"
    assert second.name == "translate-en_ru-1_1.argosmodel"
    assert first.read_bytes() == dist["en_ru-1.0"].path.read_bytes()
    assert second.read_bytes() == dist["en_ru-1.1"].path.read_bytes()
    assert len(server.requests) == 2

    assert models.download(old, cache, timeout=5) == first  # reused: no request
    assert len(server.requests) == 2
    assert sorted(p.name for p in cache.iterdir()) == [first.name, second.name]


def test_a_damaged_cached_file_is_downloaded_again(
    server: Server, dist: Dist, tmp_path: Path
) -> None:
    [package] = models.fetch_index(server.publish([dist["en_ru-1.0"]]), timeout=5)
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / package.cache_filename).write_bytes(b"half a download")
    server.requests.clear()
    path = models.download(package, cache, timeout=5)
    assert path.read_bytes() == dist["en_ru-1.0"].path.read_bytes()
    assert server.requests == ["/" + dist["en_ru-1.0"].path.name]


def test_download_reports_progress_and_tries_each_link(
    server: Server, dist: Dist, closed_port: int, tmp_path: Path
) -> None:
    built = dist["en_ru-1.0"]
    server.publish([built])
    package = PackageInfo(
        "en", "ru", "1.0", sha256=built.sha256,
        links=(f"http://127.0.0.1:{closed_port}/x.argosmodel", server.url("missing.argosmodel"),
               server.url(built.path.name)),
    )
    seen: list[tuple[int, int | None]] = []
    path = models.download(
        package, tmp_path, timeout=5, progress=lambda done, total: seen.append((done, total))
    )
    size = built.path.stat().st_size
    assert path.stat().st_size == size
    assert seen[0] == (0, size) and seen[-1] == (size, size)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
    assert server.requests == ["/missing.argosmodel", "/" + built.path.name]


@pytest.mark.parametrize(
    ("links", "kwargs", "error", "match"),
    [
        pytest.param(["/missing.argosmodel"], {}, NetworkError, r"HTTP 404", id="not-found"),
        pytest.param(
            ["/short.argosmodel"], {}, NetworkError, r"connection closed after 10 of 1000 bytes",
            id="truncated-answer",
        ),
        pytest.param(
            ["/en_ru"], {"max_size": 1000}, PackageError, r"larger than the 1000 byte limit",
            id="over-max-size",
        ),
        pytest.param([], {}, PackageError, r"has no download links", id="no-links"),
    ],
)
def test_failed_downloads_leave_nothing_behind(
    links: list[str],
    kwargs: dict[str, Any],
    error: type[Exception],
    match: str,
    server: Server,
    dist: Dist,
    tmp_path: Path,
) -> None:
    built = dist["en_ru-1.0"]
    server.publish([built])
    urls = tuple(
        server.url(built.path.name) if link == "/en_ru" else server.base + link for link in links
    )
    package = PackageInfo("en", "ru", "1.0", links=urls)
    cache = tmp_path / "cache"
    with pytest.raises(error, match=match):
        models.download(package, cache, timeout=5, **kwargs)
    assert not cache.exists() or list(cache.iterdir()) == []


@pytest.mark.parametrize("key", ["sha256", "checksum"])
def test_checksum_mismatch_is_rejected(
    key: str, server: Server, dist: Dist, tmp_path: Path
) -> None:
    url = server.publish([dist["en_ru-1.0"]], checksum_key=key, checksum=lambda _: "0" * 64)
    index = models.fetch_index(url, timeout=5)
    packages, cache = tmp_path / "packages", tmp_path / "cache"
    mismatch = r"fails its SHA-256 check \(expected 0{64}, got [0-9a-f]{64}\)"
    with pytest.raises(PackageError, match=mismatch):
        models.install_from_index("en", "ru", index, packages, cache, timeout=5)
    assert list(cache.iterdir()) == []
    assert not packages.exists()


# --------------------------------------------------------------------------- installs


def _translate_one_sentence(package_dir: Path) -> list[str]:
    tokenizer = spm.SentencePieceProcessor(model_file=str(package_dir / "sentencepiece.model"))
    tokens = tokenizer.encode("The government approved a new budget on Monday.", out_type=str)
    translator = ctranslate2.Translator(str(package_dir / "model"), device="cpu")
    [result] = translator.translate_batch([tokens], max_decoding_length=5)
    hypothesis: list[str] = result.hypotheses[0]
    return hypothesis


def test_install_from_index_installs_the_newest_version_that_translates(
    server: Server, dist: Dist, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = server.publish([dist["en_ru-1.0"], dist["en_ru-1.1"], dist["en_zh-1.0"]])
    index = models.fetch_index(url, timeout=5)
    packages, cache = tmp_path / "packages", tmp_path / "cache"
    seen: list[tuple[int, int | None]] = []

    installed = models.install_from_index(
        "en", "ru", index, packages, cache, timeout=5, progress=lambda d, t: seen.append((d, t))
    )

    assert (installed.pair, installed.package_version) == (("en", "ru"), "1.1")
    assert installed.path == packages / "translate-en_ru-1_1"
    assert installed.size is not None and installed.size > 0
    assert seen[-1] == (dist["en_ru-1.1"].path.stat().st_size,) * 2
    assert models.installed_packages(packages) == ([installed], [])
    assert models.find_installed(packages, "en", "ru") == installed
    assert models.find_installed(packages, "en", "zh") is None
    assert sorted(p.name for p in packages.iterdir()) == ["translate-en_ru-1_1"]
    assert (cache / "translate-en_ru-1_1.argosmodel").is_file()  # kept for a reinstall

    tokens = _translate_one_sentence(installed.path)
    assert 0 < len(tokens) <= 5
    assert capsys.readouterr() == ("", "")  # the module never prints

    uncovered = r'no Argos package for en -> kk.*\[models.pairs."en-kk"\]'
    with pytest.raises(ModelNotFound, match=uncovered):
        models.install_from_index("en", "kk", index, packages, cache, timeout=5)


def test_install_from_index_rejects_a_download_that_is_another_package(
    server: Server, dist: Dist, tmp_path: Path
) -> None:
    server.publish([dist["en_zh-1.0"]])
    liar = PackageInfo("en", "ru", "1.0", links=(server.url(dist["en_zh-1.0"].path.name),))
    wrong = "holds translate-en_zh 1.0, but the index announced translate-en_ru 1.0"
    with pytest.raises(PackageError, match=wrong) as caught:
        models.install_from_index(
            "en", "ru", [liar], tmp_path / "packages", tmp_path / "cache", timeout=5
        )
    assert caught.value.path == str(tmp_path / "cache" / liar.cache_filename)
    assert caught.value.message.startswith("holds translate-en_zh 1.0")
    assert list((tmp_path / "cache").iterdir()) == []  # a retry downloads afresh
    assert hidden_entries(tmp_path / "packages") == []


def test_install_url_checks_the_given_checksum(server: Server, dist: Dist, tmp_path: Path) -> None:
    built = dist["en_zh-1.0"]
    server.publish([built])
    packages, cache = tmp_path / "packages", tmp_path / "cache"
    url = server.url(built.path.name)
    with pytest.raises(PackageError, match="fails its SHA-256 check"):
        models.install_url(url, packages, cache, timeout=5, sha256="ab" * 32)
    assert not packages.exists()

    installed = models.install_url(url, packages, cache, timeout=5, sha256=built.sha256)
    assert (installed.pair, installed.path) == (("en", "zh"), packages / "translate-en_zh-1_0")
    assert list(cache.iterdir()) == []  # the temporary download is gone

    (server.root / "page.argosmodel").write_text("<html>not found</html>")
    with pytest.raises(PackageError, match=rf"^{server.url('page.argosmodel')}: not a zip archive"):
        models.install_url(server.url("page.argosmodel"), packages, cache, timeout=5)


def test_a_given_checksum_that_is_not_one_is_refused_before_any_download(
    server: Server, dist: Dist, tmp_path: Path
) -> None:
    url = server.publish([dist["en_zh-1.0"]])
    with pytest.raises(PackageError) as caught:
        models.install_url(url, tmp_path / "packages", tmp_path / "cache", sha256="md5:abc")
    assert caught.value.path is None  # a command-line value, not a file
    assert str(caught.value) == (
        "the given checksum: checksum 'md5:abc' is not a SHA-256 hex digest; fix the index entry"
    )
    assert server.requests == []


def test_install_file_replaces_the_installed_package_of_the_pair(
    dist: Dist, tmp_path: Path
) -> None:
    packages = tmp_path / "packages"
    old = models.install_file(dist["en_ru-1.0"].path, packages)
    other = models.install_file(dist["en_zh-1.0"].path, packages)
    assert old.path == packages / "translate-en_ru-1_0"

    new = models.install_file(dist["en_ru-1.1"].path, packages)
    again = models.install_file(dist["en_ru-1.1"].path, packages)  # same folder name

    assert new == again
    listed, warnings_ = models.installed_packages(packages)
    assert listed == [new, other] and warnings_ == []
    assert sorted(p.name for p in packages.iterdir()) == [
        "translate-en_ru-1_1", "translate-en_zh-1_0"
    ]
    assert stat.S_IMODE((packages / "translate-en_ru-1_1").stat().st_mode) == 0o755


def test_install_file_leaves_a_foreign_folder_of_the_same_name_alone(
    dist: Dist, tmp_path: Path
) -> None:
    packages = tmp_path / "packages"
    squatter = packages / "translate-en_ru-1_0"
    squatter.mkdir(parents=True)
    (squatter / "notes.txt").write_text("mine")
    with pytest.raises(ModelError, match="already exists and is not an installed en -> ru package"):
        models.install_file(dist["en_ru-1.0"].path, packages)
    assert [p.name for p in squatter.iterdir()] == ["notes.txt"]
    assert hidden_entries(packages) == []


def test_remove_uninstalls_and_keeps_the_target_of_a_linked_package(
    dist: Dist, tmp_path: Path
) -> None:
    packages = tmp_path / "packages"
    installed = models.install_file(dist["en_ru-1.0"].path, packages)
    assert models.remove(packages, "en", "ru") == installed
    assert list(packages.iterdir()) == []
    with pytest.raises(ModelNotFound, match="no en -> ru package is installed"):
        models.remove(packages, "en", "ru")

    elsewhere = models.install_file(dist["en_zh-1.0"].path, tmp_path / "elsewhere")
    assert elsewhere.path is not None
    (packages / "linked").symlink_to(elsewhere.path, target_is_directory=True)
    assert models.remove(packages, "en", "zh").path == packages / "linked"
    assert list(packages.iterdir()) == []
    assert (elsewhere.path / "model" / "model.bin").is_file()


def test_installed_packages_warns_about_folders_that_are_not_packages(
    dist: Dist, tmp_path: Path
) -> None:
    packages = tmp_path / "packages"
    good = models.install_file(dist["en_ru-1.0"].path, packages)
    (packages / "stray").mkdir()
    (packages / "broken").mkdir()
    (packages / "broken" / "metadata.json").write_text("{not json")
    (packages / "wrong-types").mkdir()
    (packages / "wrong-types" / "metadata.json").write_text('{"from_code": "en", "to_code": 7}')
    (packages / ".installing-abc123").mkdir()
    (packages / "README.txt").write_text("a file, not a package")

    found, warnings_ = models.installed_packages(packages)

    assert found == [good]
    assert len(warnings_) == 4
    assert warnings_[0].startswith(f"{packages / '.installing-abc123'}: left over from an")
    assert warnings_[1].startswith(f"{packages / 'broken' / 'metadata.json'}: unreadable")
    assert warnings_[2].startswith(f"{packages / 'stray'}: no metadata.json, so not an Argos")
    assert warnings_[3].startswith(
        f"{packages / 'wrong-types' / 'metadata.json'}: 'to_code' must be a string"
    )
    # What this guards against: argostranslate's own listing raises on such folders.
    from argostranslate.package import get_installed_packages

    with pytest.raises((FileNotFoundError, ValueError)):
        get_installed_packages([packages])
    assert models.installed_packages(tmp_path / "absent") == ([], [])


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


# --------------------------------------------------------------------------- planning

AVAILABLE = [
    PackageInfo("en", "ru", "1.0"),
    PackageInfo("en", "ru", "1.9"),
    PackageInfo("en", "zh", "1.9"),
    PackageInfo("en", "zt", "1.9"),
    PackageInfo("kk", "en", "1.0"),  # hypothetical: Argos has no Kazakh yet
]
INSTALLED = [PackageInfo("en", "ru", "1.0", path=Path("/packages/translate-en_ru-1_0"))]


@pytest.mark.parametrize(
    ("source", "target", "pivot", "route", "codes", "packages", "ready"),
    [
        pytest.param(
            "en", "ru", "en", "direct", ("en", "ru"), [("en", "ru", "1.0", True)], True,
            id="en-ru-installed-first",
        ),
        pytest.param(
            "en", "zh-Hans", "en", "direct", ("en", "zh"), [("en", "zh", "1.9", False)], False,
            id="en-zh-Hans-is-argos-zh",
        ),
        pytest.param(
            "en", "zh-Hant", "en", "direct", ("en", "zt"), [("en", "zt", "1.9", False)], False,
            id="en-zh-Hant-is-argos-zt",
        ),
        pytest.param(
            "en", "kk", "en", "uncovered", ("en", "kk"), [], False, id="en-kk-uncovered"
        ),
        pytest.param(
            "kk", "ru", "en", "pivot", ("kk", "ru"),
            [("kk", "en", "1.0", False), ("en", "ru", "1.0", True)], False,
            id="kk-ru-through-en",
        ),
        pytest.param(
            "kk", "ru", None, "uncovered", ("kk", "ru"), [], False, id="kk-ru-without-pivot"
        ),
        pytest.param(
            "ru", "kk", "en", "uncovered", ("ru", "kk"), [], False, id="ru-kk-uncovered"
        ),
    ],
)
def test_plan_pairs(
    source: str,
    target: str,
    pivot: str | None,
    route: str,
    codes: tuple[str, str],
    packages: list[tuple[str, str, str, bool]],
    ready: bool,
) -> None:
    [plan] = models.plan_pairs(source, [target], AVAILABLE, INSTALLED, pivot=pivot)
    assert (plan.source, plan.target, plan.route) == (source, target, route)
    assert (plan.from_code, plan.to_code) == codes
    chosen = [(p.from_code, p.to_code, p.package_version, p.installed) for p in plan.packages]
    assert chosen == packages
    assert plan.ready is ready
    assert plan.covered is (route != "uncovered")
    if route == "pivot":
        assert plan.pivot == "en" and plan.to_install == (AVAILABLE[-1],)
        assert "through en" in plan.message
    if route == "uncovered":
        assert f'[models.pairs."{source}-{target}"]' in plan.message
        token = {"kk": "kaz_Cyrl", "ru": "rus_Cyrl"}[target]
        assert "NLLB-200" in plan.message and f'target token "{token}"' in plan.message
        assert "translate-flow.toml" in plan.message


def test_plan_pairs_keeps_the_order_of_targets() -> None:
    plans = models.plan_pairs("en", ["kk", "ru", "zh-Hans"], AVAILABLE, INSTALLED)
    assert [(p.target, p.route) for p in plans] == [
        ("kk", "uncovered"), ("ru", "direct"), ("zh-Hans", "direct")
    ]
    assert plans[0].message.startswith(
        "en -> kk: no Argos Translate package covers en -> kk directly; "
    )
    [pivoted] = models.plan_pairs("ru", ["kk"], AVAILABLE, INSTALLED)
    assert "covers ru -> kk directly or through en; " in pivoted.message
