"""``translate-flow run --ray`` on a real Ray cluster of two nodes on this machine.

A head started with ``ray start --head`` on 127.0.0.1 and a second node joined to it with
``ray start --address``, both in their own session so that the module's teardown stops
exactly them. The site and the tiny CTranslate2 models are test_run's. Every cluster run
must leave catalogs and pages byte for byte those of a run on this machine alone.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import REPO, write_config
from test_run import LANGUAGES, MODELS_CONFIG, contents, make_site, run_models, subprocess_env  # noqa: F401

from translate_flow import pipeline
from translate_flow.config import ClusterSettings, Config, load_config
from translate_flow.errors import ConfigError
from translate_flow.pipeline.cluster import INSTALL_HINT, connect, ray_engines

pytestmark = [pytest.mark.ray, pytest.mark.xdist_group("ray")]

RAY = Path(sys.executable).with_name("ray")
ARTICLES = 12
SHARD = 4  # small shards: many of them, on both nodes


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass(frozen=True)
class RayCluster:
    address: str
    processes: tuple[subprocess.Popen[bytes], ...]


def _ray_start(*args: str, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """``ray start ... --block``: the node lives as long as this process and its session."""
    with log.open("wb") as output:
        return subprocess.Popen(
            [str(RAY), "start", "--block", "--node-ip-address", "127.0.0.1", "--num-cpus", "1",
             "--object-store-memory", str(80 * 1024 * 1024), "--disable-usage-stats",
             "--dashboard-agent-listen-port", str(free_port()), "--metrics-export-port", str(free_port()),
             "--runtime-env-agent-port", str(free_port()), *args],
            env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True,
        )


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Stop a node: its ``ray start`` process and everything it started, by session."""
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 10)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(wait)
        except subprocess.TimeoutExpired:
            continue
        if sig == signal.SIGKILL:
            return


def _alive_nodes(address: str) -> int:
    code = f"import ray; ray.init(address={address!r}, logging_level='error'); " \
           "print(sum(n['Alive'] for n in ray.nodes()))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=subprocess_env(),
                          timeout=120)
    return int(done.stdout.strip() or 0)


@pytest.fixture(scope="module")
def ray_cluster() -> Iterator[RayCluster]:
    """A head and a second node, one CPU each, with their own temporary folder and ports."""
    temp = Path(tempfile.mkdtemp(prefix="tf-ray-"))  # short: Ray's socket paths must fit in 107 bytes
    port = free_port()
    env = {**subprocess_env(), "RAY_USAGE_STATS_ENABLED": "0"}
    head = _ray_start("--head", "--port", str(port), "--include-dashboard", "false",
                      "--ray-client-server-port", str(free_port()), "--temp-dir", str(temp),
                      env=env, log=temp / "head.log")
    processes = [head]
    try:
        address = f"127.0.0.1:{port}"
        for _ in range(600):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert head.poll() is None, (temp / "head.log").read_text()
                time.sleep(0.1)
        processes.append(_ray_start("--address", address, env=env, log=temp / "node.log"))
        while _alive_nodes(address) < 2:
            assert all(p.poll() is None for p in processes), (temp / "node.log").read_text()
        yield RayCluster(address, tuple(processes))
    finally:
        for process in reversed(processes):
            _stop(process)
        shutil.rmtree(temp, ignore_errors=True)


CLUSTER_CONFIG = f"""
[cluster]
shard_size = {SHARD}
timeout = 5
"""


def make_cluster_site(root: Path, models: Path) -> Config:
    config = make_site(root, models, count=ARTICLES)
    write_config(root, LANGUAGES, MODELS_CONFIG.format(models=models.as_posix()) + CLUSTER_CONFIG)
    return load_config(config.path)


def run_command(config: Config, *args: str) -> list[str]:
    return [sys.executable, "-m", "translate_flow", "--config", str(config.path), "run", *args]


# The tiny models' output is random text: the checks find errors in it (exit 1), always the same.
EXIT_FINDINGS = 1


@pytest.fixture(scope="module")
def single_machine(run_models: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The catalogs and pages of the site after a run on this machine alone."""
    config = make_cluster_site(tmp_path_factory.mktemp("alone") / "site", run_models)
    done = subprocess.run(run_command(config), capture_output=True, text=True, env=subprocess_env(), timeout=300)
    assert done.returncode == EXIT_FINDINGS, done.stderr
    return contents(config.root, "locales", "build")


def test_a_cluster_run_matches_a_single_machine_run(
    ray_cluster: RayCluster, run_models: Path, single_machine: dict[str, bytes], tmp_path: Path,
) -> None:
    config = make_cluster_site(tmp_path / "site", run_models)
    done = subprocess.run(run_command(config, "--ray", ray_cluster.address), capture_output=True, text=True,
                          env=subprocess_env(), timeout=300)
    assert done.returncode == EXIT_FINDINGS, done.stderr
    assert "Traceback" not in done.stderr
    produced = contents(config.root, "locales", "build")
    assert sorted(produced) == sorted(single_machine)
    assert [name for name in sorted(produced) if produced[name] != single_machine[name]] == []
