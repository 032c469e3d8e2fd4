"""``run --ray`` against ``run`` on this machine, the coordinator's own cost, and what N workers give.

Run from the repository root with the project's environment and the ``ray`` extra::

    .venv/bin/python benchmarks/ray_scale.py [--articles 40] [--size base] [--shard 64]

One throwaway project of ``--articles`` generated news pages (test_run's site; fixed seed)
with one target language, ``ru``, and a random Argos-shaped model of ``--size`` (``base``:
6+6 layers, d_model 512, int8, as Argos ships; beam 4, ``max_decoding_length = 32``), in
one process, three times from the same starting files:

1. **local**: ``pipeline.run`` as ``translate-flow run`` calls it, the model on every core;
2. **ray**: the same with ``--ray local`` (a Ray cluster started here, one replica of one
   thread per core); its start-up is timed apart, the model phase (first shard out to last
   shard in) too; the catalogs and pages must equal the local run's byte for byte;
3. **coordinator alone**: the same again with the local run's machine-output cache, so that
   every segment comes from the cache: extraction, memory, cache, checks, catalogs and pages,
   everything but the model (loaded before, timed apart).

From the coordinator's cost per segment ``c`` and one replica's rate ``r``, the model phase
of N replicas takes ``S / (N r)`` for S segments and the coordinator's share ``S c``, one
after the other: throughput ``1 / (c + 1 / (N r))``, and the coordinator is half the time at
``N* = 1 / (c r)``.
"""

from __future__ import annotations

import argparse
import difflib
import re
import shutil
import sys
import tempfile
import time
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

import modelfactory  # type: ignore[import-not-found]  # noqa: E402
from conftest import write_config  # type: ignore[import-not-found]  # noqa: E402
from test_run import article_html, contents  # type: ignore[import-not-found]  # noqa: E402

from translate_flow import pipeline  # noqa: E402
from translate_flow.config import Config, load_config  # noqa: E402
from translate_flow.pipeline.cluster import connect, ray_engines  # noqa: E402
from translate_flow.translate import Translator  # noqa: E402

CONFIG = """
[models]
packages_dir = "{packages}"
pivot = ""

[translate]
beam_size = 4
max_decoding_length = 32
device = "cpu"

[cluster]
shard_size = {shard}
threads = 1
"""
DATES = re.compile(rb'^"(POT-Creation|PO-Revision)-Date: [^"]*"$', re.MULTILINE)  # the clock's, to the minute
WORKERS_SHOWN = (1, 2, 4, 8, 16, 32, 64, 128)


def make_project(root: Path, packages: Path, articles: int, shard: int) -> Config:
    (root / "articles").mkdir(parents=True)
    for index in range(articles):
        slug, html = article_html(index)
        (root / "articles" / f"{slug}.html").write_text(html, encoding="utf-8")
    return load_config(write_config(root, ("ru",), CONFIG.format(packages=packages.as_posix(), shard=shard)))


def copy(config: Config, where: Path) -> Config:
    shutil.copytree(config.root, where)
    return load_config(where / config.path.name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=40)
    parser.add_argument("--size", choices=sorted(modelfactory.SIZES), default="base")
    parser.add_argument("--shard", type=int, default=64, help="segments per shard")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="ray-scale-"))
    try:
        package = modelfactory.build_argos_package(work / "src", "en", "ru", size=args.size, seed=11)
        with zipfile.ZipFile(package) as archive:
            archive.extractall(work / "packages")
        start = make_project(work / "start", work / "packages", args.articles, args.shard)

        local = copy(start, work / "local")
        began = time.perf_counter()
        report = pipeline.run(local)
        local_s = time.perf_counter() - began
        segments = sum(run.unique for run in report.languages)

        engine = pipeline.ModelEngines(local, pipeline.decode_options(local, pipeline.TranslateOptions()))
        began = time.perf_counter()
        engine.get(local.target("ru"))
        load_s = time.perf_counter() - began
        alone = copy(start, work / "alone")
        shutil.copytree(local.root / pipeline.STATE_DIR, alone.root / pipeline.STATE_DIR,
                        ignore=shutil.ignore_patterns("state.json", "lock"), dirs_exist_ok=True)
        began = time.perf_counter()
        again = pipeline.run(alone, engines=engine)  # the model loaded already: no model work at all
        alone_s = time.perf_counter() - began
        assert sum(run.unique for run in again.languages) == 0, "the coordinator run asked the model"

        remote = copy(start, work / "ray")
        marks: list[float] = []
        began = time.perf_counter()
        with connect(remote.cluster, "local") as cluster:
            started_s = time.perf_counter() - began
            workers = len(cluster.placements())
            engines = ray_engines(remote, pipeline.decode_options(remote, pipeline.TranslateOptions()), cluster)
            ran = time.perf_counter()
            pipeline.run(remote, progress=lambda *_: marks.append(time.perf_counter()), engines=engines)
            ray_run_s = time.perf_counter() - ran
        ray_s = time.perf_counter() - began
        mine, theirs = contents(local.root, "locales", "build"), contents(remote.root, "locales", "build")
        different = [name for name in mine if DATES.sub(b"", mine[name]) != DATES.sub(b"", theirs.get(name, b""))]
        for name in different[:1]:
            sys.stdout.writelines(difflib.unified_diff(
                mine[name].decode().splitlines(True), theirs[name].decode().splitlines(True), name, name, n=1))
        assert not different, f"the Ray run's {different} differ from the local run's"
    finally:
        shutil.rmtree(work, ignore_errors=True)

    model_phase_s = marks[-1] - marks[0]
    rate = segments / model_phase_s / workers  # one replica of one thread
    cost = alone_s / segments
    knee = 1 / (cost * rate)
    print(f"job: {args.articles} articles, 1 language, {segments} distinct segments, model {args.size}, "
          f"beam 4, shards of {args.shard}")
    print(f"local run:               {local_s:7.2f} s  {segments / local_s:8.1f} segments/s")
    print(f"ray run (--ray local):   {ray_s:7.2f} s  {segments / ray_s:8.1f} segments/s "
          f"(cluster start {started_s:.2f} s, run {ray_run_s:.2f} s, {workers} replicas)")
    print(f"overhead of Ray:         {ray_s - local_s:+7.2f} s ({ray_s / local_s:.2f}x the local run)")
    print(f"model phase on Ray:      {model_phase_s:7.2f} s: r = {segments} / {model_phase_s:.2f} / {workers}"
          f" = {rate:.2f} segments/s per replica")
    print(f"coordinator alone:       {alone_s:7.2f} s (model loaded before, in {load_s:.2f} s): "
          f"c = {alone_s:.2f} / {segments} = {cost * 1000:.2f} ms per segment (at most {1 / cost:.0f} segments/s)")
    print(f"N* = 1 / (c r) = 1 / ({cost:.5f} x {rate:.2f}) = {knee:.0f} replicas")
    print("N replicas   segments/s = 1 / (c + 1 / (N r))   coordinator share")
    for n in WORKERS_SHOWN:
        throughput = 1 / (cost + 1 / (n * rate))
        print(f"{n:10d}   {throughput:10.1f}                        {cost * throughput:6.0%}")


if __name__ == "__main__":
    main()
