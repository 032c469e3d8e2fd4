"""A loopback HTTP server that serves an Argos package index and packages built by tests,
and what the package tests look at afterwards (what a folder holds).
"""

from __future__ import annotations

import hashlib
import http.server
import json
import os
import shutil
import stat
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import modelfactory as mf
import pytest


@dataclass(frozen=True)
class Built:
    """A package file made by modelfactory, with what its metadata says."""

    path: Path
    from_code: str
    to_code: str
    version: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.path.read_bytes()).hexdigest()


Dist = dict[str, Built]


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Dist:
    out = tmp_path_factory.mktemp("dist")
    specs = [("en", "ru", "1.0", 0), ("en", "ru", "1.1", 1), ("en", "zh", "1.0", 0)]
    return {
        f"{a}_{b}-{version}": Built(
            mf.build_argos_package(out, a, b, package_version=version, seed=seed), a, b, version
        )
        for a, b, version, seed in specs
    }


@dataclass
class Server:
    """A loopback HTTP server over ``root`` that records the path of every GET."""

    root: Path
    base: str
    requests: list[str] = field(default_factory=list)

    def url(self, name: str) -> str:
        return f"{self.base}/{name}"

    def publish(
        self,
        packages: Sequence[Built],
        *,
        checksum_key: str = "sha256",
        checksum: Callable[[Built], str | None] = lambda built: built.sha256,
        extra: Sequence[object] = (),
    ) -> str:
        """Serve *packages* and an ``index.json`` listing them; return the index URL."""
        entries: list[object] = []
        for built in packages:
            shutil.copyfile(built.path, self.root / built.path.name)
            entry: dict[str, Any] = mf.package_metadata(
                built.from_code,
                built.to_code,
                package_version=built.version,
                links=[self.url(built.path.name)],
            )
            digest = checksum(built)
            if digest is not None:
                entry[checksum_key] = digest
            entries.append(entry)
        (self.root / "index.json").write_text(json.dumps([*entries, *extra]), encoding="utf-8")
        return self.url("index.json")


@pytest.fixture
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("www")
    state = Server(root, "")

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=str(root), **kwargs)

        def do_GET(self) -> None:
            state.requests.append(self.path)
            if self.path == "/short.argosmodel":  # announces 1000 bytes, sends 10
                self.send_response(200)
                self.send_header("Content-Length", "1000")
                self.end_headers()
                self.wfile.write(b"PK\x03\x04short!")
            elif self.path == "/drip/index.json":  # a byte now and then, never done
                self.send_response(200)
                self.end_headers()
                until = time.monotonic() + 10
                try:
                    while time.monotonic() < until:
                        self.wfile.write(b" ")
                        self.wfile.flush()
                        time.sleep(0.2)
                except OSError:
                    pass
            else:
                super().do_GET()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


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
    """The names of the hidden entries in *folder*: what an install or download left."""
    if not folder.exists():
        return []
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))
