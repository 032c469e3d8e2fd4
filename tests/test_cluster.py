"""``translate-flow run --ray`` on a real Ray cluster of two nodes on this machine.

A head started with ``ray start --head`` on 127.0.0.1 and a second node joined to it with
``ray start --address``, both in their own session so that the module's teardown stops
exactly them. The site and the tiny CTranslate2 models are test_run's. Every cluster run
must leave catalogs and pages byte for byte those of a run on this machine alone.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pytest
import sentencepiece
from conftest import MakeProject, write_config
from test_run import MODELS_CONFIG, _sentence, contents, make_site, run_models, subprocess_env  # noqa: F401

from translate_flow import pipeline
from translate_flow.config import ClusterSettings, Config, load_config
from translate_flow.errors import ConfigError
from translate_flow.pipeline.cluster import INSTALL_HINT, connect, plan_shards, ray_engines
from translate_flow.translate import DecodeOptions, ModelSpec
from translate_flow.translate.layout import read_layout
from translate_flow.translate.prepare import Preparer, batches

pytestmark = [pytest.mark.ray, pytest.mark.xdist_group("ray")]

RAY = Path(sys.executable).with_name("ray")
ARTICLES = 8
# Both kinds of model: a CTranslate2 pair model (NLLB-style) and an Argos package.
TARGETS = ("kk", "ru")
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
    """Stop a node at once: its ``ray start`` process and everything it started, by process group."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        return
    process.wait(30)


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
    config = make_site(root, models, count=ARTICLES, targets=TARGETS)
    # Batches of a few sentences: a shard is made of whole batches, and there are to be many shards.
    models_config = MODELS_CONFIG.replace("threads = 1\n", "threads = 1\nbatch_examples = 4\n")
    write_config(root, TARGETS, models_config.format(models=models.as_posix()) + CLUSTER_CONFIG)
    return load_config(config.path)


def run_command(config: Config, *args: str) -> list[str]:
    return [sys.executable, "-m", "translate_flow", "--config", str(config.path), "run", *args]


# The tiny models' output is random text: the checks find errors in it (exit 1), always the same.
EXIT_FINDINGS = 1


@dataclass(frozen=True)
class Reference:
    files: dict[str, bytes]  # the catalogs and pages
    unique: int  # distinct texts the models translated, all languages


@pytest.fixture(scope="module")
def single_machine(run_models: Path, tmp_path_factory: pytest.TempPathFactory) -> Reference:
    """The site after a run on this machine alone."""
    config = make_cluster_site(tmp_path_factory.mktemp("alone") / "site", run_models)
    report = pipeline.run(config)
    assert report.errors and not report.problems
    return Reference(contents(config.root, "locales", "build"), sum(run.unique for run in report.languages))


# The headers' dates are the clock's, to the minute; two runs may fall on either side of one.
DATES = re.compile(rb'^"(POT-Creation|PO-Revision)-Date: [^"]*"$', re.MULTILINE)


def assert_same_files(config: Config, reference: Reference) -> None:
    """The catalogs and pages of *config* are the reference's, byte for byte but the dates."""
    produced = contents(config.root, "locales", "build")
    assert sorted(produced) == sorted(reference.files)
    different = [name for name in sorted(produced)
                 if DATES.sub(b"", produced[name]) != DATES.sub(b"", reference.files[name])]
    assert different == []


def test_a_cluster_run_matches_a_single_machine_run(
    ray_cluster: RayCluster, run_models: Path, single_machine: Reference, tmp_path: Path,
) -> None:
    config = make_cluster_site(tmp_path / "site", run_models)
    done = subprocess.run(run_command(config, "--ray", ray_cluster.address), capture_output=True, text=True,
                          env=subprocess_env(), timeout=300)
    assert done.returncode == EXIT_FINDINGS, done.stderr
    assert "Traceback" not in done.stderr
    assert_same_files(config, single_machine)


def _session(pid: int) -> int:
    stat = Path(f"/proc/{pid}/stat").read_text()
    return int(stat.rsplit(")", 1)[1].split()[3])


def replicas(sessions: set[int]) -> list[int]:
    """The processes of the replicas on the cluster's nodes (each has shards in flight while it lives)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            title = (entry / "cmdline").read_bytes()
            if title.startswith(b"ray::_Replica") and _session(int(entry.name)) in sessions:
                found.append(int(entry.name))
        except (OSError, ValueError, IndexError):
            continue  # gone meanwhile
    return found


def test_a_replica_killed_mid_shard_is_restarted_and_its_shard_run_again(
    ray_cluster: RayCluster, run_models: Path, single_machine: Reference, tmp_path: Path,
) -> None:
    config = make_cluster_site(tmp_path / "site", run_models)
    sessions = {process.pid for process in ray_cluster.processes}
    log = tmp_path / "stderr.txt"  # a file, not a pipe: nobody reads while the run writes its findings
    with log.open("wb") as stderr:
        run = subprocess.Popen(run_command(config, "--ray", ray_cluster.address), stdout=subprocess.DEVNULL,
                               stderr=stderr, env=subprocess_env())
    killed: list[int] = []
    while not killed and run.poll() is None:
        for pid in replicas(sessions)[:1]:
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)
        time.sleep(0.01)
    run.wait(300)
    err = log.read_text(encoding="utf-8")
    assert killed, "the run ended before a replica was seen at work"
    assert run.returncode == EXIT_FINDINGS, err
    assert "Traceback" not in err
    assert_same_files(config, single_machine)


def cached_rows(config: Config) -> int:
    path = config.root / pipeline.STATE_DIR / "machine.sqlite"
    if not path.exists():
        return 0
    with closing(sqlite3.connect(path, timeout=30)) as database:
        try:
            return int(database.execute("select count(*) from output").fetchone()[0])
        except sqlite3.OperationalError:  # the table is not there yet
            return 0


def test_a_killed_coordinator_resumes_from_the_shards_in_the_cache(
    ray_cluster: RayCluster, run_models: Path, single_machine: Reference, tmp_path: Path,
) -> None:
    config = make_cluster_site(tmp_path / "site", run_models)
    run = subprocess.Popen(run_command(config, "--ray", ray_cluster.address), stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, env=subprocess_env())
    while run.poll() is None and cached_rows(config) == 0:
        time.sleep(0.01)
    run.send_signal(signal.SIGKILL)
    assert run.wait(60) == -signal.SIGKILL
    stored = cached_rows(config)
    assert 0 < stored < single_machine.unique

    shown: list[tuple[str, int, int]] = []
    with connect(config.cluster, ray_cluster.address) as cluster:
        engines = ray_engines(config, pipeline.decode_options(config, pipeline.TranslateOptions()), cluster)
        report = pipeline.run(config, progress=lambda *call: shown.append(call), engines=engines)
    assert not report.problems
    # Only what no finished shard had translated went to the model again.
    assert sum(run.unique for run in report.languages) == single_machine.unique - stored
    assert_same_files(config, single_machine)
    # The bar moves a shard at a time, from what the cache had to the whole.
    for tag in TARGETS:
        steps = [done for language, done, total in shown if language == tag]
        totals = {total for language, done, total in shown if language == tag}
        if len(steps) > 1:
            assert steps[0] == 0 and steps[-1] == totals.pop() and not totals
            assert all(0 < later - earlier <= 2 * SHARD for earlier, later in zip(steps[1:], steps[2:]))


@pytest.mark.parametrize("address", ["127.0.0.1:{port}", "ray://127.0.0.1:{port}", "auto"],
                         ids=["host-port", "ray-client", "auto-from-environment"])
def test_an_unreachable_cluster_is_one_line_and_exit_2(run_models: Path, tmp_path: Path, address: str) -> None:
    config = make_cluster_site(tmp_path / "site", run_models)
    port = free_port()  # nothing listens there
    env = {**subprocess_env(), "RAY_ADDRESS": f"127.0.0.1:{port}"}
    done = subprocess.run(run_command(config, "--ray", address.format(port=port)), capture_output=True,
                          text=True, env=env, timeout=120)
    assert done.returncode == 2
    assert done.stdout == "" and done.stderr.count("\n") == 1, done.stderr
    assert "cannot reach the Ray cluster" in done.stderr and "within 5 s" in done.stderr
    assert not (config.root / "locales").exists()  # nothing was done


BLOCK_RAY = "import sys; sys.modules['ray'] = None; from translate_flow.cli import main; sys.exit(main())"


@pytest.mark.parametrize("where", ["command-line", "configuration"])
def test_without_ray_installed_the_run_says_how_to_install_it(run_models: Path, tmp_path: Path, where: str) -> None:
    config = make_cluster_site(tmp_path / "site", run_models)
    if where == "configuration":
        config.path.write_text(config.path.read_text() + 'address = "auto"\n', encoding="utf-8")
    flags = ["--ray", "local"] if where == "command-line" else []
    done = subprocess.run([sys.executable, "-c", BLOCK_RAY, "--config", str(config.path), "run", *flags],
                          capture_output=True, text=True, env=subprocess_env(), timeout=120)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "pip install 'translate-flow[ray]'" in done.stderr, done.stderr
    assert INSTALL_HINT in done.stderr


def test_a_local_cluster_runs_the_job_on_this_machine(
    run_models: Path, single_machine: Reference, tmp_path: Path,
) -> None:
    config = make_cluster_site(tmp_path / "site", run_models)
    temp = Path(tempfile.mkdtemp(prefix="tf-ray-"))
    env = {**subprocess_env(), "RAY_TMPDIR": str(temp), "RAY_USAGE_STATS_ENABLED": "0"}
    try:
        done = subprocess.run(run_command(config, "--ray", "local"), capture_output=True, text=True, env=env,
                              timeout=300)
    finally:
        shutil.rmtree(temp, ignore_errors=True)
    assert done.returncode == EXIT_FINDINGS, done.stderr
    assert "Traceback" not in done.stderr
    assert_same_files(config, single_machine)


# --- shards: whole batches of the single machine's plan ------------------------------------------


def _batched(texts: list[str], spec: ModelSpec, options: DecodeOptions) -> list[list[str]]:
    """The texts of each batch a Translator makes of *texts*, in its order."""
    source_sp = sentencepiece.SentencePieceProcessor(model_file=str(spec.source_sentencepiece))
    preparer = Preparer.for_model(spec, source_sp, read_layout(spec.model_dir))
    prepared = [preparer.prepare(index, text, ()) for index, text in enumerate(texts)]
    chunks = [c for p in prepared for c in p.chunks]
    return [[texts[i] for i in sorted({chunks[p].index for p in batch.positions})]
            for batch in batches(chunks, set(), spec, options, "cpu")]


@pytest.mark.parametrize("size", [1, 5, 40, 1000], ids=["one-batch-each", "five", "forty", "all"])
def test_a_shard_is_batched_alone_as_in_the_whole(run_models: Path, size: int) -> None:
    package = next((run_models / "packages").glob("translate-en_ru*"))
    spec = ModelSpec("m", "1", "argos", package / "model", package / "sentencepiece.model",
                     package / "sentencepiece.model", max_input_tokens=40)
    options = DecodeOptions(beam_size=2, batch_tokens=64, device="cpu")
    # One text in ten is long enough to be cut in chunks, which may land in different batches.
    texts = list(dict.fromkeys(_sentence(random.Random(n)) + " " + _sentence(random.Random(-n)) * 3 * (n % 10 == 0)
                               for n in range(120)))
    shards = plan_shards(texts, size, spec, options, "cpu", (), None)
    assert sorted(t for shard in shards for t in shard) == sorted(texts)
    assert (len(shards) > 1) if size < len(texts) else (len(shards) == 1)
    whole = _batched(texts, spec, options)
    alone = [batch for shard in shards for batch in _batched(shard, spec, options)]
    assert sorted(map(sorted, alone)) == sorted(map(sorted, whole))


# --- the [cluster] section ---------------------------------------------------------------------------


def test_the_cluster_section_is_read(make_project: MakeProject) -> None:
    config = make_project(extra='[cluster]\naddress = "ray://head:10001"\ntimeout = 3\nshard_size = 100\n'
                                'actors_per_node = 2\nthreads = 4\nretries = 1\n')
    assert config.cluster == ClusterSettings("ray://head:10001", 3.0, 100, 2, 4, 1)
    assert make_project().cluster == ClusterSettings()


@pytest.mark.parametrize(("table", "message"), [
    ("timeout = 0", "timeout, shard_size and threads must be positive"),
    ("shard_size = 0", "timeout, shard_size and threads must be positive"),
    ("threads = 0", "timeout, shard_size and threads must be positive"),
    ("actors_per_node = -1", "actors_per_node and retries cannot be negative"),
    ("retries = -1", "actors_per_node and retries cannot be negative"),
    ("address = 1", "[cluster] address has the wrong type"),
    ("nodes = 3", "unknown setting 'nodes' in [cluster]"),
], ids=["timeout", "shard-size", "threads", "actors", "retries", "address-type", "unknown"])
def test_a_wrong_cluster_setting_is_a_config_error(make_project: MakeProject, table: str, message: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        make_project(extra=f"[cluster]\n{table}\n")
