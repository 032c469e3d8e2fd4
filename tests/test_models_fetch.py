"""Package indexes and downloads, from a real loopback HTTP server, a path or a file URL.

Nothing is mocked: the index and the packages are served by ``http.server`` on 127.0.0.1
and built by ``modelfactory``.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from packageserver import Dist, Server, hidden_entries
from translate_flow import models
from translate_flow.errors import InputError, ModelError, NetworkError, PackageError
from translate_flow.models import PackageInfo


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
