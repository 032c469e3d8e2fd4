"""Extract-plus-build throughput: translate-flow against Translate Toolkit's html2po + po2html.

Run from the repository root with the project's environment::

    .venv/bin/python benchmarks/roundtrip.py [--corpus real] [--repeat 3] [--keep DIR]
    .venv/bin/python benchmarks/roundtrip.py --corpus generated [--pages 60]

The corpus is the regression corpus's real pages (``../shared/corpus/real-pages`` and
``tests/data/corpus``) that both tools turn into a catalog and back without an error, or,
with ``--corpus generated``, realistic pages generated deterministically from the pages in
the repository. Each tool then turns every page into a catalog, every entry gets its source
text as translation (not timed), and the catalogs are turned back into pages. Both tools
run on the same pages in the same run, in turns; the best of the repeated runs counts.
Wall time and CPU time (user + system, of the process and of the worker processes it
forks) are both measured and both compared.

Every extract and every build runs in a fresh process that times only the work itself
(no interpreter start-up, no imports), so no in-memory cache survives from one run or phase
to the next, as with the command line. What translate-flow keeps on disk between commands
in a project is used as a user's build would use it: build binds the segmentation that
extract kept (``.translate-flow/segments``). Each run also builds once more with that
folder deleted, every page segmented again, and the report gives that figure and its
ratios too. Each run then times the two commands as a user runs them, start-up and
imports included: ``translate-flow extract`` and ``translate-flow build`` in a new project,
``html2po -i PAGES -o PO`` and ``po2html -t PAGES -i PO -o HTML``. translate-flow runs ``pipeline.extract`` and
``pipeline.build`` on a throwaway project with one target language; Translate Toolkit
runs in its own environment, ``benchmarks/.env`` (created and filled from PyPI on first
use), through ``roundtrip_ttk.py``, which calls the html2po and po2html converters.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import polib

from translate_flow.config import load_config
from translate_flow.pipeline import build, extract
from translate_flow.pipeline.workers import cores

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from corpuscheck import CorpusMissing, corpus_pages  # the corpus has one definition

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SAMPLE_ARTICLE = REPO / "articles" / "bilash-free-but-silenced.html"
TEST_PAGES = REPO / "tests" / "data" / "pages"
SKIPPED_PAGES = frozenset({"windows-1251.html", "bom-utf16.html", "malformed.html"})
TTK_ENV = HERE / ".env"
TTK_DRIVER = HERE / "roundtrip_ttk.py"
TTK_REQUIREMENT = "translate-toolkit"
SEED = 20190817
TARGET_WALL = 5.0  # translate-flow at least this many times as fast in wall time
TARGET_CPU = 3.0  # ... and in CPU time

CONFIG = """\
[project]
name = "roundtrip-benchmark"
version = "1.0"
source_language = "en"
target_languages = ["ru"]

[build]
min_complete = 0
"""


# --- corpus --------------------------------------------------------------------------------

TOKEN = re.compile(r"(<!--.*?-->|<[^>]*>)", re.S)
ENTITY = re.compile(r"(&#?\w+;)")
LOWER_WORD = re.compile(r"\b[a-z]{4,}\b")
CAPITAL_WORD = re.compile(r"\b[A-Z][a-z]{3,}\b")
RAW_TEXT = frozenset({"script", "style"})
OPENING = re.compile(r"<([a-zA-Z][a-zA-Z0-9]*)[\s>]")


def _text_tokens(html: str) -> list[tuple[bool, str]]:
    """Split *html* into (is_text, piece) pairs; text inside script and style counts as markup."""
    pieces: list[tuple[bool, str]] = []
    inside_raw = ""
    for piece in TOKEN.split(html):
        if not piece:
            continue
        if piece.startswith("<"):
            name = re.match(r"</?([a-zA-Z][a-zA-Z0-9]*)", piece)
            tag = name.group(1).lower() if name else ""
            if piece.startswith("</") and tag == inside_raw:
                inside_raw = ""
            elif not piece.startswith("</") and tag in RAW_TEXT and not piece.endswith("/>"):
                inside_raw = tag
            pieces.append((False, piece))
        else:
            pieces.append((not inside_raw, piece))
    return pieces


def _vocabulary(pages: Sequence[str]) -> tuple[list[str], list[str]]:
    """Lower-case and capitalised words of the text of *pages*, sorted, for substitutions."""
    lower: set[str] = set()
    capital: set[str] = set()
    for html in pages:
        for is_text, piece in _text_tokens(html):
            if is_text:
                lower.update(LOWER_WORD.findall(piece))
                capital.update(CAPITAL_WORD.findall(piece))
    return sorted(lower), sorted(capital)


def _change_words(html: str, rng: random.Random, vocabulary: tuple[list[str], list[str]], rate: float) -> str:
    """Replace about *rate* of the words of the page's text (never markup or entities)."""
    lower, capital = vocabulary

    def swap(pool: list[str]) -> Callable[[re.Match[str]], str]:
        def replace(match: re.Match[str]) -> str:
            return rng.choice(pool) if rng.random() < rate else match.group(0)

        return replace

    out: list[str] = []
    for is_text, piece in _text_tokens(html):
        if not is_text:
            out.append(piece)
            continue
        parts = ENTITY.split(piece)
        for index in range(0, len(parts), 2):  # odd indexes are entities
            text = LOWER_WORD.sub(swap(lower), parts[index])
            parts[index] = CAPITAL_WORD.sub(swap(capital), text)
        out.append("".join(parts))
    return "".join(out)


def _self_contained(line: str) -> str:
    """The tag name when *line* is one whole element (``<li>…</li>``), else ''."""
    match = OPENING.match(line)
    if not match:
        return ""
    tag = match.group(1).lower()
    opened = len(re.findall(rf"<{tag}[\s>]", line, re.I))
    closed = len(re.findall(rf"</{tag}>", line, re.I))
    return tag if line.rstrip().lower().endswith(f"</{tag}>") and opened == closed else ""


def _shuffle_runs(lines: list[str], rng: random.Random) -> list[str]:
    """Shuffle each run of consecutive whole elements of one kind (menu items, teasers…)."""
    out: list[str] = []
    run: list[str] = []
    kind = ""
    for line in [*lines, ""]:
        tag = _self_contained(line)
        if tag and tag == kind:
            run.append(line)
            continue
        rng.shuffle(run)
        out.extend(run)
        run, kind = ([line], tag) if tag else ([], "")
        if not tag:
            out.append(line)
    return out[:-1]


def _body(html: str) -> str:
    """The content of the page's ``<body>``."""
    match = re.search(r"<body[^>]*>(.*)</body>", html, re.S | re.I)
    return match.group(1).strip("\n") if match else ""


def make_page(
    article: str, extra: str, rng: random.Random, vocabulary: tuple[list[str], list[str]], number: int
) -> str:
    """One page: the sample article with its story reordered, resized and reworded.

    The story paragraphs are shuffled, some are dropped or repeated, the body of a test
    page (*extra*) follows them, runs of menu items, list items and teasers are shuffled,
    and about one word in eight of the text is replaced by another word of the corpus.
    """
    lines = article.split("\n")
    start = next((i for i, line in enumerate(lines) if 'class="entry-content"' in line), -1)
    end = next((i for i in range(start + 1, len(lines)) if lines[i].strip() == "</div>"), -1)
    if start < 0 or end < 0:
        raise SystemExit(f"{SAMPLE_ARTICLE}: no <div class=\"entry-content\"> found to vary")
    lead = lines[start + 1 : start + 4]  # excerpt, figure, byline
    story = lines[start + 4 : end]
    story = rng.sample(story, k=max(1, len(story) - rng.randint(0, 1)))
    story += [rng.choice(lines[start + 4 : end]) for _ in range(rng.randint(0, 3))]
    before = _shuffle_runs(lines[: start + 1], rng)
    after = _shuffle_runs(lines[end:], rng)
    html = "\n".join([*before, *lead, *story, *_shuffle_runs(extra.split("\n"), rng), *after])
    html = html.replace("<title>", f"<title>{number}. ", 1)
    return _change_words(html, rng, vocabulary, rate=0.12)


def make_corpus(folder: Path, count: int, seed: int = SEED) -> list[Path]:
    """Write *count* pages into *folder*; the same arguments always give the same bytes."""
    article = SAMPLE_ARTICLE.read_text(encoding="utf-8")
    tests = [
        p.read_text(encoding="utf-8")
        for p in sorted(TEST_PAGES.glob("*.html"))
        if p.name not in SKIPPED_PAGES
    ]
    vocabulary = _vocabulary([article, *tests])
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    for index in range(count):
        extra = _body(tests[index % len(tests)])
        html = make_page(article, extra, rng, vocabulary, index + 1)
        path = folder / f"page-{index + 1:03d}.html"
        path.write_text(html, encoding="utf-8")
        paths.append(path)
    return paths


# --- measuring -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Phase:
    """One extract or one build over the whole corpus, as its worker process measured it."""

    seconds: float  # wall time
    cpu: float  # user + system time of the worker and of the processes it forked
    processes: int  # the worker and the processes it forked


@dataclass(frozen=True)
class Run:
    """One extract-plus-build pass over the corpus."""

    extract: Phase
    build: Phase
    cold_build: Phase | None = None  # translate-flow: build again without the kept segmentation

    @property
    def total_s(self) -> float:
        """Extract and build together, wall time."""
        return self.extract.seconds + self.build.seconds

    @property
    def cpu_s(self) -> float:
        """Extract and build together, CPU time."""
        return self.extract.cpu + self.build.cpu

    @property
    def processes(self) -> int:
        """The most processes either phase used."""
        return max(self.extract.processes, self.build.processes)


@dataclass
class Result:
    """All runs of one tool and what it produced."""

    tool: str
    pages: int = 0
    segments: int = 0
    runs: list[Run] = field(default_factory=list)
    commands: list[Phase] = field(default_factory=list)  # the two commands as a user runs them

    @property
    def best(self) -> Run:
        """The fastest run in wall time."""
        return min(self.runs, key=lambda r: r.total_s)

    @property
    def least_cpu(self) -> float:
        """The least CPU time of any run."""
        return min(r.cpu_s for r in self.runs)


def count_segments(catalogs: Sequence[Path]) -> int:
    """Non-header, non-obsolete msgids in *catalogs*."""
    return sum(
        1 for path in catalogs for entry in polib.pofile(str(path)) if entry.msgid and not entry.obsolete
    )


def fill_catalogs(catalogs: Sequence[Path]) -> None:
    """Give every entry its msgid as msgstr, as a translator copying the source would."""
    for path in catalogs:
        catalog = polib.pofile(str(path), wrapwidth=79)
        for entry in catalog:
            if not entry.obsolete:
                entry.msgstr = entry.msgid
        catalog.save(str(path))


def _json_from(command: Sequence[str]) -> dict[str, Any]:
    """Run *command* and parse the JSON it prints; stop with its error output if it fails."""
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def _phase(measured: dict[str, Any]) -> Phase:
    return Phase(float(measured["seconds"]), float(measured["cpu"]), int(measured["processes"]))


def _cpu() -> tuple[float, float]:
    """CPU seconds (user + system) of this process and of its waited-for children so far."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def tf_worker(phase: str, root: Path) -> dict[str, float | int]:
    """``extract`` or ``build`` of the project at *root*: wall and CPU seconds, processes.

    The pipeline forks one worker per core for enough pages and waits for them before it
    returns, so their CPU time is in this process's children's; a phase that forked none
    ran in this process alone.
    """
    config = load_config(root / "translate-flow.toml")
    (own_before, children_before), start = _cpu(), time.perf_counter()
    report = extract(config) if phase == "extract" else build(config)
    seconds = time.perf_counter() - start
    own_after, children_after = _cpu()
    if report.problems:
        raise SystemExit(f"translate-flow {phase}: {report.problems[0]}")
    forked = children_after > children_before
    return {
        "seconds": seconds,
        "cpu": own_after - own_before + children_after - children_before,
        "processes": 1 + (cores() if forked else 0),
    }


def run_translate_flow(corpus: Path, root: Path, result: Result) -> None:
    """One translate-flow run: extract and build in a new project, each in a fresh process."""
    shutil.copytree(corpus, root / "articles")
    (root / "translate-flow.toml").write_text(CONFIG, encoding="utf-8")
    worker = [sys.executable, str(Path(__file__).resolve()), "--worker"]
    extracted = _phase(_json_from([*worker, "extract", str(root)]))
    catalogs = sorted((root / "locales" / "ru" / "LC_MESSAGES").glob("*.po"))
    fill_catalogs(catalogs)
    built = _phase(_json_from([*worker, "build", str(root)]))
    result.segments = count_segments(catalogs)
    result.pages = sum(1 for _ in (root / "build" / "ru").glob("*.html"))
    shutil.rmtree(root / ".translate-flow" / "segments")
    shutil.rmtree(root / "build")
    cold = _phase(_json_from([*worker, "build", str(root)]))
    result.runs.append(Run(extracted, built, cold))


def _command(command: Sequence[str], cwd: Path | None = None) -> Phase:
    """Run *command* as a user does (interpreter start-up and imports included): its wall
    time and the CPU time of it and every process it started."""
    before, start = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr}")
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return Phase(seconds, cpu, 0)


def commands_translate_flow(corpus: Path, root: Path, result: Result) -> None:
    """``translate-flow extract`` and ``translate-flow build`` in a new project, as commands."""
    shutil.copytree(corpus, root / "articles")
    (root / "translate-flow.toml").write_text(CONFIG, encoding="utf-8")
    tool = [sys.executable, "-m", "translate_flow", "--quiet"]
    extracted = _command([*tool, "extract"], root)
    fill_catalogs(sorted((root / "locales" / "ru" / "LC_MESSAGES").glob("*.po")))
    built = _command([*tool, "build"], root)
    result.commands.append(Phase(extracted.seconds + built.seconds, extracted.cpu + built.cpu, 0))


def commands_translate_toolkit(python: Path, corpus: Path, root: Path, result: Result) -> None:
    """``html2po -i PAGES -o PO`` and ``po2html -t PAGES -i PO -o HTML``, as commands."""
    scripts = python.parent
    root.mkdir(parents=True)
    quiet = "--progress=none"  # as translate-flow runs --quiet
    extracted = _command([str(scripts / "html2po"), quiet, "-i", str(corpus), "-o", str(root / "po")])
    fill_catalogs(sorted((root / "po").glob("*.po")))
    built = _command([str(scripts / "po2html"), quiet, "-t", str(corpus), "-i", str(root / "po"),
                      "-o", str(root / "html")])
    result.commands.append(Phase(extracted.seconds + built.seconds, extracted.cpu + built.cpu, 0))


def run_translate_toolkit(python: Path, corpus: Path, root: Path, result: Result) -> None:
    """One Translate Toolkit run: html2po and po2html, each in a fresh process of its env."""
    driver = [str(python), str(TTK_DRIVER)]
    po_dir, html_dir = root / "po", root / "html"
    extracted = _phase(_json_from([*driver, "extract", str(corpus), str(po_dir)]))
    catalogs = sorted(po_dir.glob("*.po"))
    fill_catalogs(catalogs)
    built = _phase(_json_from([*driver, "build", str(corpus), str(po_dir), str(html_dir)]))
    result.runs.append(Run(extracted, built))
    result.segments = count_segments(catalogs)
    result.pages = sum(1 for _ in html_dir.glob("*.html"))


def ttk_python() -> Path:
    """The Python of the benchmark's own environment, with Translate Toolkit installed."""
    python = TTK_ENV / "bin" / "python"
    if not python.exists():
        print(f"creating {TTK_ENV.relative_to(REPO)} ...", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(TTK_ENV)], check=True)
    probe = subprocess.run([str(python), "-c", "import translate.convert.html2po"], capture_output=True, check=False)
    if probe.returncode:
        print(f"installing {TTK_REQUIREMENT} into {TTK_ENV.relative_to(REPO)} ...", file=sys.stderr)
        subprocess.run([str(python), "-m", "pip", "install", "-q", TTK_REQUIREMENT], check=True)
    return python


# --- the real pages ------------------------------------------------------------------------


def real_corpus(folder: Path, python: Path, work: Path) -> tuple[list[Path], dict[str, str]]:
    """Copy into *folder* the corpus pages both tools handle; the others with the reason.

    Each tool makes a catalog of every page and a page of every catalog once, untimed:
    translate-flow in one project here, Translate Toolkit page by page in its environment.
    """
    try:
        pages = corpus_pages()
    except CorpusMissing as error:
        raise SystemExit(str(error)) from None
    left_out: dict[str, str] = {}
    probe = work / "probe-tf"
    (probe / "articles").mkdir(parents=True)
    for page in pages:
        shutil.copy(page, probe / "articles" / page.name)
    (probe / "translate-flow.toml").write_text(CONFIG, encoding="utf-8")
    config = load_config(probe / "translate-flow.toml")
    for problem in [*extract(config).problems, *build(config).problems]:
        left_out.setdefault(Path(problem.path).name, f"translate-flow: {problem.message}"[:160])
    source = work / "probe-pages"
    source.mkdir()
    for page in pages:
        shutil.copy(page, source / page.name)
    failed = _json_from([str(python), str(TTK_DRIVER), "probe", str(source), str(work / "probe-ttk")])["failed"]
    for name, reason in failed.items():
        left_out.setdefault(name, f"translate-toolkit: {reason}"[:160])
    folder.mkdir(parents=True, exist_ok=True)
    kept = []
    for page in pages:
        if page.name not in left_out:
            shutil.copy(page, folder / page.name)
            kept.append(folder / page.name)
    return kept, left_out


# --- report --------------------------------------------------------------------------------


def _verdict(ratio: float, target: float) -> str:
    return f"{ratio:.2f}x (target {target:.0f}x: {'met' if ratio >= target else 'missed'})"


def print_report(results: Sequence[Result], corpus: Sequence[Path], versions: dict[str, str], about: str) -> None:
    """The versions, every run, and the table of best runs with the ratios in wall and CPU time."""
    size = sum(p.stat().st_size for p in corpus)
    print(" ".join(f"{name} {version}" for name, version in versions.items()))
    print(f"corpus: {len(corpus)} pages, {size / 1024:.0f} KiB, {about}; {cores()} cores")
    print()
    for result in results:
        for number, run in enumerate(result.runs, 1):
            cold = run.cold_build
            print(
                f"{result.tool:<18} run {number}: extract {run.extract.seconds:7.3f} s"
                f" (cpu {run.extract.cpu:7.3f} s, {run.extract.processes} proc)"
                f"  build {run.build.seconds:7.3f} s (cpu {run.build.cpu:7.3f} s, {run.build.processes} proc)"
                f"  total {run.total_s:7.3f} s, cpu {run.cpu_s:7.3f} s"
                + (f"  [build segmenting again {cold.seconds:7.3f} s, cpu {cold.cpu:7.3f} s]" if cold else "")
            )
    print()
    header = (f"{'tool':<18} {'pages':>6} {'segments':>9} {'processes':>10} {'wall s':>8} {'cpu s':>8}"
              f" {'pages/s':>9} {'segments/s':>11}")
    print(header)
    print("-" * len(header))
    for result in results:
        best = result.best
        print(
            f"{result.tool:<18} {result.pages:>6} {result.segments:>9} {best.processes:>10}"
            f" {best.total_s:>8.3f} {result.least_cpu:>8.3f}"
            f" {result.pages / best.total_s:>9.1f} {result.segments / best.total_s:>11.1f}"
        )
    ours, theirs = results
    wall = (ours.pages / ours.best.total_s) / (theirs.pages / theirs.best.total_s)
    cpu = (ours.pages / ours.least_cpu) / (theirs.pages / theirs.least_cpu)
    segments = (ours.segments / ours.best.total_s) / (theirs.segments / theirs.best.total_s)
    print("(wall s: the fastest run; cpu s: the least CPU time of any run, user + system of every process;")
    print(" processes: the worker process and the processes it forked, in the fastest run)")
    print()
    print(f"translate-flow / translate-toolkit in pages/s, wall time: {_verdict(wall, TARGET_WALL)}")
    print(f"translate-flow / translate-toolkit in pages/s, CPU time:  {_verdict(cpu, TARGET_CPU)}")
    print(f"translate-flow / translate-toolkit in segments/s, wall time: {segments:.2f}x")
    if ours.commands and theirs.commands:
        mine, their = min(ours.commands, key=lambda c: c.seconds), min(theirs.commands, key=lambda c: c.seconds)
        least_mine, least_their = min(c.cpu for c in ours.commands), min(c.cpu for c in theirs.commands)
        print(f"the two commands as a user runs them (start-up and imports included): translate-flow"
              f" {mine.seconds:.3f} s wall, {least_mine:.3f} s CPU; translate-toolkit {their.seconds:.3f} s wall,"
              f" {least_their:.3f} s CPU: wall {their.seconds / mine.seconds:.2f}x, CPU {least_their / least_mine:.2f}x")
    colds = [(r.extract.seconds + r.cold_build.seconds, r.extract.cpu + r.cold_build.cpu)
             for r in ours.runs if r.cold_build]
    if colds:
        cold_wall = theirs.best.total_s / min(w for w, _ in colds)
        cold_cpu = theirs.least_cpu / min(c for _, c in colds)
        print(f"with build segmenting every page again (no kept segmentation): wall {cold_wall:.2f}x,"
              f" CPU {cold_cpu:.2f}x")


def main(argv: Sequence[str] | None = None) -> int:
    """Make or gather the corpus, run both tools in turns, print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", choices=("real", "generated"), default="real",
                        help="the real pages both tools handle (default) or generated pages")
    parser.add_argument("--pages", type=int, default=60, help="generated pages (default 60)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per tool; the best counts (default 3)")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="write the corpus to DIR and keep it")
    parser.add_argument("--worker", nargs=2, metavar=("PHASE", "ROOT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        phase, root = args.worker
        json.dump(tf_worker(phase, Path(root)), sys.stdout)
        return 0
    if args.pages < 1 or args.repeat < 1:
        parser.error("--pages and --repeat must be at least 1")
    if args.keep and args.keep.is_dir() and any(args.keep.glob("*.html")):
        parser.error(f"{args.keep}: already holds pages; give an empty or new folder")

    python = ttk_python()
    ttk_versions = _json_from([str(python), str(TTK_DRIVER), "versions"])
    versions = {
        "python": platform.python_version(),
        "lxml": metadata.version("lxml"),
        "sentencex": metadata.version("sentencex"),
        "translate-flow": metadata.version("translate-flow"),
        "translate-toolkit": ttk_versions["translate-toolkit"],
    }
    if (ttk_versions["python"], ttk_versions["lxml"]) != (versions["python"], versions["lxml"]):
        versions["toolkit env: python"] = f"{ttk_versions['python']}, lxml {ttk_versions['lxml']}"

    ours, theirs = Result("translate-flow"), Result("translate-toolkit")
    with tempfile.TemporaryDirectory(prefix="tf-roundtrip-") as temporary:
        work = Path(temporary)
        corpus_dir = args.keep.resolve() if args.keep else work / "corpus"
        if args.corpus == "real":
            corpus, left_out = real_corpus(corpus_dir, python, work)
            about = f"the real pages both tools handle ({len(left_out)} left out)"
            for name, reason in sorted(left_out.items()):
                print(f"left out {name}: {reason}")
        else:
            corpus, about = make_corpus(corpus_dir, args.pages), f"generated, seed {SEED}"
        for number in range(args.repeat):  # in turns, so a slow spell of the machine hits both
            run_translate_flow(corpus_dir, work / f"tf-{number}", ours)
            run_translate_toolkit(python, corpus_dir, work / f"ttk-{number}", theirs)
            commands_translate_flow(corpus_dir, work / f"tf-command-{number}", ours)
            commands_translate_toolkit(python, corpus_dir, work / f"ttk-command-{number}", theirs)
        print_report((ours, theirs), corpus, versions, about)
    return 0


if __name__ == "__main__":
    sys.exit(main())
