"""Extract-plus-build throughput: translate-flow against Translate Toolkit's html2po + po2html.

Run from the repository root with the project's environment::

    .venv/bin/python benchmarks/roundtrip.py [--pages 60] [--repeat 3] [--keep DIR]

A corpus of realistic pages is generated deterministically from the pages in the
repository. Each tool then turns every page into a catalog, every entry gets its source
text as translation (not timed), and the catalogs are turned back into pages. Both tools
run on the same pages in the same run, in turns; the best of the repeated runs counts.

Every extract and every build runs in a fresh process that times only the work itself
(no interpreter start-up, no imports), so no cache survives from one run or phase to the
next, as with the command line. translate-flow runs ``pipeline.extract`` and
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

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SAMPLE_ARTICLE = REPO / "articles" / "bilash-free-but-silenced.html"
TEST_PAGES = REPO / "tests" / "data" / "pages"
SKIPPED_PAGES = frozenset({"windows-1251.html", "bom-utf16.html", "malformed.html"})
TTK_ENV = HERE / ".env"
TTK_DRIVER = HERE / "roundtrip_ttk.py"
TTK_REQUIREMENT = "translate-toolkit"
SEED = 20190817
TARGET_RATIO = 3.0

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
class Run:
    """One extract-plus-build pass over the corpus."""

    extract_s: float
    build_s: float

    @property
    def total_s(self) -> float:
        """Extract and build together."""
        return self.extract_s + self.build_s


@dataclass
class Result:
    """All runs of one tool and what it produced."""

    tool: str
    pages: int = 0
    segments: int = 0
    runs: list[Run] = field(default_factory=list)

    @property
    def best(self) -> Run:
        """The fastest run."""
        return min(self.runs, key=lambda r: r.total_s)


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
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def tf_worker(phase: str, root: Path) -> float:
    """``extract`` or ``build`` of the project at *root*; return the seconds it took."""
    config = load_config(root / "translate-flow.toml")
    start = time.perf_counter()
    report = extract(config) if phase == "extract" else build(config)
    seconds = time.perf_counter() - start
    if report.problems:
        raise SystemExit(f"translate-flow {phase}: {report.problems[0]}")
    return seconds


def run_translate_flow(corpus: Path, root: Path, result: Result) -> None:
    """One translate-flow run: extract and build in a new project, each in a fresh process."""
    shutil.copytree(corpus, root / "articles")
    (root / "translate-flow.toml").write_text(CONFIG, encoding="utf-8")
    worker = [sys.executable, str(Path(__file__).resolve()), "--worker"]
    extract_s = _json_from([*worker, "extract", str(root)])["seconds"]
    catalogs = sorted((root / "locales" / "ru" / "LC_MESSAGES").glob("*.po"))
    fill_catalogs(catalogs)
    build_s = _json_from([*worker, "build", str(root)])["seconds"]
    result.runs.append(Run(extract_s, build_s))
    result.segments = count_segments(catalogs)
    result.pages = sum(1 for _ in (root / "build" / "ru").glob("*.html"))


def run_translate_toolkit(python: Path, corpus: Path, root: Path, result: Result) -> None:
    """One Translate Toolkit run: html2po and po2html, each in a fresh process of its env."""
    driver = [str(python), str(TTK_DRIVER)]
    po_dir, html_dir = root / "po", root / "html"
    extract_s = _json_from([*driver, "extract", str(corpus), str(po_dir)])["seconds"]
    catalogs = sorted(po_dir.glob("*.po"))
    fill_catalogs(catalogs)
    build_s = _json_from([*driver, "build", str(corpus), str(po_dir), str(html_dir)])["seconds"]
    result.runs.append(Run(extract_s, build_s))
    result.segments = count_segments(catalogs)
    result.pages = sum(1 for _ in html_dir.glob("*.html"))


def ttk_python() -> Path:
    """The Python of the benchmark's own environment, with Translate Toolkit installed."""
    python = TTK_ENV / "bin" / "python"
    if not python.exists():
        print(f"creating {TTK_ENV.relative_to(REPO)} ...", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(TTK_ENV)], check=True)
    probe = subprocess.run([str(python), "-c", "import translate.convert.html2po"], capture_output=True)
    if probe.returncode:
        print(f"installing {TTK_REQUIREMENT} into {TTK_ENV.relative_to(REPO)} ...", file=sys.stderr)
        subprocess.run([str(python), "-m", "pip", "install", "-q", TTK_REQUIREMENT], check=True)
    return python


# --- report --------------------------------------------------------------------------------


def print_report(results: Sequence[Result], corpus: Sequence[Path], versions: dict[str, str]) -> None:
    """The versions, every run, and the table of best runs with the ratio."""
    size = sum(p.stat().st_size for p in corpus)
    print(" ".join(f"{name} {version}" for name, version in versions.items()))
    print(f"corpus: {len(corpus)} pages, {size / 1024:.0f} KiB, seed {SEED}")
    print()
    for result in results:
        for number, run in enumerate(result.runs, 1):
            print(
                f"{result.tool:<18} run {number}: extract {run.extract_s:7.3f} s"
                f"  build {run.build_s:7.3f} s  total {run.total_s:7.3f} s"
            )
    print()
    header = f"{'tool':<18} {'pages':>6} {'segments':>9} {'seconds':>8} {'pages/s':>9} {'segments/s':>11}"
    print(header)
    print("-" * len(header))
    for result in results:
        best = result.best
        print(
            f"{result.tool:<18} {result.pages:>6} {result.segments:>9} {best.total_s:>8.3f}"
            f" {result.pages / best.total_s:>9.1f} {result.segments / best.total_s:>11.1f}"
        )
    ours, theirs = results
    pages_ratio = (ours.pages / ours.best.total_s) / (theirs.pages / theirs.best.total_s)
    segments_ratio = (ours.segments / ours.best.total_s) / (theirs.segments / theirs.best.total_s)
    print()
    print(f"ratio translate-flow / translate-toolkit: {pages_ratio:.2f}x pages/s, {segments_ratio:.2f}x segments/s")
    faster = "translate-flow" if pages_ratio >= 1 else "translate-toolkit"
    print(f"{faster} is {max(pages_ratio, 1 / pages_ratio):.2f}x as fast in pages/s")
    verdict = "met" if pages_ratio >= TARGET_RATIO else "missed"
    print(f"target: translate-flow at least {TARGET_RATIO:.0f}x as fast in pages/s: {verdict}")


def main(argv: Sequence[str] | None = None) -> int:
    """Generate the corpus, run both tools in turns, print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=60, help="pages in the corpus (default 60)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per tool; the best counts (default 3)")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="write the corpus to DIR and keep it")
    parser.add_argument("--worker", nargs=2, metavar=("PHASE", "ROOT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        phase, root = args.worker
        json.dump({"seconds": tf_worker(phase, Path(root))}, sys.stdout)
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
        corpus = make_corpus(corpus_dir, args.pages)
        for number in range(args.repeat):  # in turns, so a slow spell of the machine hits both
            run_translate_flow(corpus_dir, work / f"tf-{number}", ours)
            run_translate_toolkit(python, corpus_dir, work / f"ttk-{number}", theirs)
        print_report((ours, theirs), corpus, versions)
    return 0


if __name__ == "__main__":
    sys.exit(main())
