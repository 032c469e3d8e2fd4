"""Machine-translation throughput: translate-flow's translate stage against raw CTranslate2 and Argos.

Run from the repository root with the project's environment::

    .venv/bin/python benchmarks/translate_throughput.py [--repeat 2] [--max-length 32]
        [--news 200] [--threads N] [--device cpu|cuda] [--compute-type T] [--batch-tokens N]
        [--skip-argos] [--profile]

An Argos-base-sized package (6+6 layers, d_model 512, 8 heads, FFN 2048, vocabulary 32000,
int8, about 90 MB; random weights) is built on the fly into a temporary folder and the
segments of the sample article plus generated news sentences are translated from English
to Russian, in one run:

(a) ``translate-flow translate --lang ru``, the whole command a user runs, in a new process
    on a throwaway project whose catalogs hold those segments, untranslated: process start,
    imports, model load, catalogs read and written, the machine-output cache written;
(s) the translate stage alone in this process, ``pipeline.translate`` with the model
    already loaded;
(b) the same sentences, already tokenized, through raw CTranslate2 at its best: every
    thread layout (``inter_threads`` x ``intra_threads`` over the threads), one
    ``translate_batch`` call and ``translate_iterable``, batches of tokens and of examples,
    each tried; the fastest is the limit for this model on this machine. Loading and
    tokenizing are not timed;
(c) ``argostranslate.translate.translate`` one paragraph at a time, as a user of Argos
    Translate or LibreTranslate does, in the benchmark's own environment
    (``benchmarks/.env-argos``, created and filled from PyPI on first use), through
    ``translate_throughput_argos.py``.

Every way runs in one process with the same ``--threads`` and uses beam size 4 and the same
output bound: random weights never end a sentence, so every output runs to
``--max-length`` tokens. translate-flow uses its own automatic thread layout. Each way is
timed ``--repeat`` times and the fastest run counts.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import platform
import pstats
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from html import escape
from importlib import metadata
from pathlib import Path
from typing import Any

import ctranslate2  # type: ignore[import-untyped]
import sentencepiece

from translate_flow import models, pipeline
from translate_flow.alignment import strip_tags
from translate_flow.catalog import read_po
from translate_flow.config import Config, load_config
from translate_flow.htmldoc import parse_html
from translate_flow.pipeline import TranslateOptions
from translate_flow.segment import SegmentOptions, segment_page
from translate_flow.translate import Translator
from translate_flow.translate.translator import thread_layout

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SAMPLE_ARTICLE = REPO / "articles" / "bilash-free-but-silenced.html"
ARGOS_ENV = HERE / ".env-argos"
ARGOS_DRIVER = HERE / "translate_throughput_argos.py"
ARGOS_REQUIREMENT = "argos-translate-lt"
FROM_CODE, TO_CODE = "en", "ru"
BEAM_SIZE = 4
NEWS_SEED = 20190816
SENTENCES_PER_PARAGRAPH = 4
TARGET_VS_RAW = 0.9
TARGET_VS_ARGOS = 5.0
#: (batch_type, max_batch_size) settings tried for the raw CTranslate2 limit, with each
#: thread layout and each of the two calls.
GRID: tuple[tuple[str, int], ...] = (
    ("tokens", 1024), ("tokens", 2048), ("examples", 4), ("examples", 8), ("examples", 16), ("examples", 32),
)
#: Larger batches, which only a GPU makes use of.
GPU_GRID: tuple[tuple[str, int], ...] = (("tokens", 4096), ("tokens", 8192), ("examples", 64), ("examples", 128))
CALLS = ("translate_batch", "translate_iterable")


@dataclass(frozen=True)
class RawSetting:
    """One way to run raw CTranslate2: thread layout, call and batches."""

    inter_threads: int
    intra_threads: int
    call: str
    batch_type: str
    max_batch_size: int

    def describe(self) -> str:
        """``inter 2 x intra 1, translate_iterable, max_batch_size 32 examples``."""
        return (f"inter {self.inter_threads} x intra {self.intra_threads}, {self.call}, "
                f"max_batch_size {self.max_batch_size} {self.batch_type}")


def layouts(threads: int, device: str) -> list[tuple[int, int]]:
    """Every (inter_threads, intra_threads) whose product is *threads*; one replica on a GPU."""
    if device == "cuda":
        return [(1, 0), (2, 0)]
    return [(inter, threads // inter) for inter in range(1, threads + 1) if threads % inter == 0]

sys.path.insert(0, str(REPO / "tests"))
from modelfactory import SIZES, build_argos_package  # type: ignore[import-not-found]  # noqa: E402


# --- sentences -----------------------------------------------------------------------------

_SUBJECTS = (
    "The government", "The ministry of finance", "Regional authorities", "The central bank",
    "Parliament", "A group of independent researchers", "The national statistics office",
    "Farmers in the north of the country", "The city council", "Human rights organisations",
    "Opposition lawmakers", "The state energy company", "Teachers' unions",
)
_VERBS = (
    "announced", "approved", "rejected", "debated", "published", "postponed", "welcomed",
    "criticised", "defended", "unveiled",
)
_OBJECTS = (
    "a new budget for the coming year", "plans for a railway between the two largest cities",
    "its annual report on public spending", "a long-delayed pension reform",
    "a programme to support small and medium-sized businesses", "changes to the tax code",
    "an agreement on shared water resources with neighbouring countries",
    "new measures against rising inflation", "a draft law on religious associations",
    "the results of a national literacy survey", "a plan to modernise rural hospitals",
)
_TIMES = (
    "on Monday", "on Tuesday", "on Wednesday", "on Thursday", "on Friday", "last week",
    "earlier this month", "at the end of March", "this year",
)
_CLAUSES = (
    ", despite strong objections from local residents",
    ", according to a statement published on its website",
    " after months of difficult negotiations",
    ", a move that analysts had widely expected",
    " amid growing public concern about the cost of living",
    "",
)
_CITIES = (
    "Almaty", "Astana", "Shymkent", "Karaganda", "Aktobe", "Pavlodar", "Bishkek", "Tashkent",
)
_PEOPLE = (
    "Aigerim Nurlanova", "Dmitry Petrov", "Li Wei", "Serik Akhmetov", "Elena Sokolova",
    "Marat Yesenov", "Gulnara Bekova",
)
_ROLES = (
    "a senior economist at a private bank", "a spokesperson for the ministry",
    "an independent analyst", "the head of the regional farmers' union",
    "a lawyer who represents several of the families",
)
_GOODS = ("bread", "petrol", "electricity", "public transport", "rent", "medicine")
_SOURCES = ("the organisers", "the police", "local media", "witnesses")


def _news_sentence(rng: random.Random) -> str:
    year = rng.randint(2019, 2031)
    match rng.randrange(6):
        case 0:
            return (
                f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} {rng.choice(_OBJECTS)} "
                f"{rng.choice(_TIMES)}{rng.choice(_CLAUSES)}."
            )
        case 1:
            subject = rng.choice(_SUBJECTS)
            return (
                f"In {rng.choice(_CITIES)}, {subject[0].lower()}{subject[1:]} {rng.choice(_VERBS)} "
                f"{rng.choice(_OBJECTS)}{rng.choice(_CLAUSES)}."
            )
        case 2:
            return (
                f"About {rng.randint(2, 90) * 100:,} people took part in the protest in "
                f"{rng.choice(_CITIES)} {rng.choice(_TIMES)}, according to {rng.choice(_SOURCES)}."
            )
        case 3:
            return (
                f"Prices for {rng.choice(_GOODS)} rose by {rng.randint(11, 199) / 10:.1f} percent "
                f"in {year}, the highest increase since {year - rng.randint(5, 20)}, "
                "the statistics office said."
            )
        case 4:
            return (
                f"{rng.choice(_PEOPLE)}, {rng.choice(_ROLES)}, said the decision would affect "
                f"{rng.randint(2, 900) * 100:,} households in {rng.choice(_CITIES)} "
                f"by the end of {year}."
            )
        case _:
            return (
                f"The project, which is expected to cost {rng.randint(12, 950)} million dollars, "
                f"will be completed in {rng.choice(_CITIES)} by {year} if the funding is approved."
            )


def news_sentences(count: int, seed: int = NEWS_SEED) -> list[str]:
    """*count* distinct English news sentences; the same arguments give the same list."""
    rng = random.Random(seed)
    sentences: dict[str, None] = {}
    while len(sentences) < count:
        sentences[_news_sentence(rng)] = None
    return list(sentences)


def news_page(sentences: Sequence[str]) -> str:
    """An HTML page with *sentences* in paragraphs of four."""
    paragraphs = [
        "<p>" + escape(" ".join(sentences[i : i + SENTENCES_PER_PARAGRAPH]), quote=False) + "</p>"
        for i in range(0, len(sentences), SENTENCES_PER_PARAGRAPH)
    ]
    body = "\n".join(paragraphs)
    return f'<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8"></head>\n<body>\n<article>\n{body}\n</article>\n</body>\n</html>\n'


_SENTENCE_OF = re.compile(r"^(.*), sentence (\d+) of (\d+)$")


@dataclass(frozen=True)
class Workload:
    """What every way translates: the distinct segments, as msgids and as plain text."""

    msgids: tuple[str, ...]  # what translate-flow's catalogs hold, numbered tags and all
    texts: tuple[str, ...]  # the same without tags: what a user gives Argos or CTranslate2
    paragraphs: tuple[tuple[str, ...], ...]  # texts grouped by block, for Argos
    from_article: int
    from_news: int


def workload(pages: Sequence[Path]) -> Workload:
    """The distinct segments of *pages* in document order, grouped into their blocks."""
    seen: set[str] = set()
    msgids: list[str] = []
    paragraphs: list[list[str]] = []
    counts: list[int] = []
    for path in pages:
        page = parse_html(path.read_bytes(), str(path))
        before = len(msgids)
        for segment in segment_page(page.tree, SegmentOptions(source_language=FROM_CODE)):
            match = _SENTENCE_OF.match(segment.context)
            if not (match and match.group(2) != "1" and paragraphs):
                paragraphs.append([])
            if segment.msgid in seen:
                continue
            seen.add(segment.msgid)
            msgids.append(segment.msgid)
            paragraphs[-1].append(strip_tags(segment.msgid).text)
        counts.append(len(msgids) - before)
    return Workload(
        tuple(msgids),
        tuple(strip_tags(m).text for m in msgids),
        tuple(tuple(p) for p in paragraphs if p),
        counts[0],
        sum(counts[1:]),
    )


# --- measuring -----------------------------------------------------------------------------


@dataclass
class Way:
    """The runs of one way of translating the workload."""

    name: str
    sentences: int
    load_s: float = 0.0
    runs: list[tuple[str, float]] = field(default_factory=list)  # (settings, seconds)
    output_tokens: float = 0.0

    @property
    def best(self) -> tuple[str, float]:
        """The fastest run."""
        return min(self.runs, key=lambda run: run[1])

    @property
    def rate(self) -> float:
        """Sentences per second of the fastest run."""
        return self.sentences / self.best[1]


class LengthRecorder:
    """A CTranslate2 translator that records the length of each best hypothesis."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.results: list[Any] = []

    @property
    def lengths(self) -> list[int]:
        """The length of each best hypothesis since the last :meth:`clear`."""
        finished = [r.result() if hasattr(r, "result") else r for r in self.results]  # asynchronous or not
        return [len(result.hypotheses[0]) for result in finished]

    def clear(self) -> None:
        """Forget the results recorded so far."""
        self.results.clear()

    def translate_batch(self, *args: Any, **kwargs: Any) -> Any:
        """Forward to CTranslate2 and keep the results, to measure them afterwards."""
        results = self.inner.translate_batch(*args, **kwargs)
        self.results.extend(results)
        return results

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def timed(call: Callable[[], object]) -> float:
    """Seconds *call* takes."""
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


# (a) translate-flow ---------------------------------------------------------------------


CONFIG = """\
[project]
name = "translate-throughput"
version = "1.0"
source_language = "{source}"
target_languages = ["{target}"]

[models]
packages_dir = "models"

[translate]
engine = "argos"
beam_size = {beam}
device = "{device}"
compute_type = "{compute_type}"
threads = {threads}
max_decoding_length = {max_length}
# The bound of a batch is min(max_decoding_length, longest input * length_ratio + 10): with
# this ratio the fixed bound applies to every batch, as for the other two ways.
length_ratio = {max_length}.0
{batch_tokens}"""


class TranslateFlow:
    """A throwaway project whose catalogs hold the workload, and timed translate runs on it."""

    def __init__(self, root: Path, pages: Sequence[Path], package: Path, args: argparse.Namespace) -> None:
        self.root = root
        (root / "articles").mkdir(parents=True)
        for page in pages:
            shutil.copyfile(page, root / "articles" / page.name)
        batch_tokens = f"batch_tokens = {args.batch_tokens}\n" if args.batch_tokens else ""
        (root / "translate-flow.toml").write_text(
            CONFIG.format(
                source=FROM_CODE, target=TO_CODE, beam=BEAM_SIZE, device=args.device,
                compute_type=args.compute_type, threads=args.threads, max_length=args.max_length, batch_tokens=batch_tokens,
            ),
            encoding="utf-8",
        )
        models.install_file(package, root / "models")
        self.config: Config = load_config(root / "translate-flow.toml")
        report = pipeline.extract(self.config)
        if report.problems:
            raise SystemExit(f"translate-flow extract: {report.problems[0]}")
        shutil.copytree(root / "locales", root / "locales.pristine")
        self.loaded: dict[tuple[object, object], Translator] = {}
        self.load_s = 0.0
        self.recorder: LengthRecorder | None = None
        # The model is loaded once, before timing: pipeline.translate gets the warm one
        # through the engine factory it is given.
        self.engines = pipeline.ModelEngines(
            self.config, pipeline.decode_options(self.config, TranslateOptions()), load=self._warm)

    def _warm(self, spec: Any, options: Any) -> Translator:
        key = (spec, options)
        if key not in self.loaded:
            start = time.perf_counter()
            translator = Translator(spec, options)
            self.load_s = time.perf_counter() - start
            self.recorder = LengthRecorder(translator.model)
            translator.model = self.recorder
            self.loaded[key] = translator
        return self.loaded[key]

    def msgids(self) -> list[str]:
        """The distinct msgids of the project's catalogs, which translate sends to the model."""
        found: dict[str, None] = {}
        for path in sorted((self.root / "locales").rglob("*.po")):
            catalog = read_po(path.read_text(encoding="utf-8"), str(path))
            found.update(dict.fromkeys(m.msgid for m in catalog.active()))
        return list(found)

    def warm_up(self) -> None:
        """Load the model through translate-flow's own engine lookup and translate one line."""
        start = time.perf_counter()
        self.engines.get(self.config.targets[0]).translate(["The model is loaded and warmed up first."])
        self.load_s = time.perf_counter() - start

    def run(self, expected: int) -> float:
        """One translate stage over fresh, untranslated catalogs; return its seconds."""
        shutil.rmtree(self.root / "locales")
        shutil.copytree(self.root / "locales.pristine", self.root / "locales")
        if self.recorder is not None:
            self.recorder.clear()
        start = time.perf_counter()
        # Every timed run asks the model: the machine-output cache would answer repeats.
        report = pipeline.translate(self.config, options=TranslateOptions(cache=False), engines=self.engines)
        seconds = time.perf_counter() - start
        if report.problems:
            raise SystemExit(f"translate-flow translate: {report.problems[0]}")
        unique = sum(run.unique for run in report.languages)
        if unique != expected:
            raise SystemExit(f"translate-flow sent {unique} texts to the model, not {expected}")
        return seconds

    def command(self, expected: int) -> float:
        """One ``translate-flow translate`` in a new process, from fresh catalogs and no
        machine-output cache; return its wall-clock seconds."""
        shutil.rmtree(self.root / "locales")
        shutil.copytree(self.root / "locales.pristine", self.root / "locales")
        shutil.rmtree(self.root / ".translate-flow", ignore_errors=True)
        command = [sys.executable, "-m", "translate_flow", "--config", str(self.root / "translate-flow.toml"),
                   "-q", "translate", "--lang", TO_CODE]
        # As after pip install, Python's bytecode is cached (the first command writes it).
        environment = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, env=environment)
        seconds = time.perf_counter() - start
        if done.returncode:
            raise SystemExit(f"translate-flow translate exited {done.returncode}:\n{done.stderr}")
        translated = sum(1 for path in (self.root / "locales").rglob("*.po")
                         for m in read_po(path.read_text(encoding="utf-8"), str(path)).active() if m.msgstr)
        if translated < expected:
            raise SystemExit(f"translate-flow translate filled {translated} entries, fewer than {expected}")
        return seconds

    def output_tokens(self) -> float:
        """Mean length of the best hypotheses of the last run."""
        lengths = self.recorder.lengths if self.recorder else []
        return sum(lengths) / len(lengths) if lengths else 0.0


# (b) raw CTranslate2 --------------------------------------------------------------------


class RawCTranslate2:
    """The installed package's model, called directly: the limit."""

    def __init__(self, package_dir: Path, args: argparse.Namespace) -> None:
        self.args = args
        self.package_dir = package_dir
        self.sp = sentencepiece.SentencePieceProcessor(model_file=str(package_dir / "sentencepiece.model"))
        self.models: dict[tuple[int, int], Any] = {}
        self.lengths: list[int] = []

    def model(self, inter: int, intra: int) -> Any:
        """The model loaded with this thread layout (and warmed up), kept for the next runs."""
        if (inter, intra) not in self.models:
            self.models.clear()  # one layout in memory at a time
            model = ctranslate2.Translator(
                str(self.package_dir / "model"), device=self.args.device, compute_type=self.args.compute_type,
                inter_threads=inter, intra_threads=intra,
            )
            model.translate_batch([self.sp.encode("The model is warmed up first.", out_type=str)], beam_size=BEAM_SIZE)
            self.models[inter, intra] = model
        return self.models[inter, intra]

    def translate(self, tokens: Sequence[Sequence[str]], setting: RawSetting) -> None:
        """Translate the tokenized sentences with *setting*; keep the output lengths."""
        model = self.model(setting.inter_threads, setting.intra_threads)
        options = dict(beam_size=BEAM_SIZE, max_decoding_length=self.args.max_length,
                       max_batch_size=setting.max_batch_size, batch_type=setting.batch_type)
        if setting.call == "translate_batch":
            results = model.translate_batch(list(tokens), **options)
        else:
            results = list(model.translate_iterable(iter(tokens), **options))
        self.lengths = [len(result.hypotheses[0]) for result in results]

    def run(self, tokens: Sequence[Sequence[str]], setting: RawSetting) -> float:
        """One timed translation of *tokens* with *setting*; return its seconds."""
        return timed(lambda: self.translate(tokens, setting))


def raw_settings(args: argparse.Namespace) -> list[RawSetting]:
    """Every setting raw CTranslate2 is tried with, grouped by thread layout."""
    return [
        RawSetting(inter, intra, call, batch_type, size)
        for inter, intra in layouts(args.threads, args.device)
        for call in CALLS
        for batch_type, size in (GRID + GPU_GRID if args.device == "cuda" else GRID)
    ]


# (c) Argos Translate ---------------------------------------------------------------------


def argos_python() -> Path:
    """The Python of the benchmark's own environment, with argos-translate-lt installed."""
    python = ARGOS_ENV / "bin" / "python"
    if not python.exists():
        print(f"creating {ARGOS_ENV.relative_to(REPO)} ...", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(ARGOS_ENV)], check=True)
    # Only the distribution's metadata: importing argostranslate creates folders in the home.
    probe = subprocess.run(
        [str(python), "-c", f"import importlib.metadata as m; m.version({ARGOS_REQUIREMENT!r})"],
        capture_output=True,
    )
    if probe.returncode:
        print(f"installing {ARGOS_REQUIREMENT} into {ARGOS_ENV.relative_to(REPO)} ...", file=sys.stderr)
        subprocess.run([str(python), "-m", "pip", "install", "-q", ARGOS_REQUIREMENT], check=True)
    return python


def run_argos(python: Path, work: Path, package: Path, load: Workload, args: argparse.Namespace) -> dict[str, Any]:
    """Run the Argos driver in its environment; return what it printed."""
    job = {
        "home": str(work / "argos-home"),
        "package": str(package),
        "from_code": FROM_CODE,
        "to_code": TO_CODE,
        "paragraphs": [list(p) for p in load.paragraphs],
        "max_length": args.max_length,
        "threads": args.threads,
        "device": args.device,
        "repeat": args.argos_repeat,
        "minisbd_model": str(args.minisbd_model.resolve()) if args.minisbd_model else None,
    }
    job_file = work / "argos-job.json"
    job_file.write_text(json.dumps(job), encoding="utf-8")
    done = subprocess.run([str(python), str(ARGOS_DRIVER), str(job_file)], capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"{ARGOS_DRIVER.name} failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout)
    return result


# --- report --------------------------------------------------------------------------------


def profile_translate_flow(flow: TranslateFlow, expected: int, top: int = 18) -> None:
    """One more translate-flow run under cProfile; print where its time goes."""
    translators = list(flow.loaded.values())
    for translator in translators:  # CTranslate2's own call, not the recorder, in the profile
        if isinstance(translator.model, LengthRecorder):
            translator.model = translator.model.inner
    profiler = cProfile.Profile()
    profiler.enable()
    seconds = flow.run(expected)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(top)
    print()
    print(f"profile of one more translate-flow run ({seconds:.2f} s under cProfile), by own time:")
    lines = out.getvalue().splitlines()
    start = next(i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls"))
    for line in lines[start:]:
        if line.strip():
            print("  " + line.strip().replace(str(REPO) + "/", "").replace(sys.prefix + "/", ""))


def print_report(
    ways: Sequence[Way], load: Workload, input_tokens: float, build_s: float, package: Path,
    installed: Path, argos: dict[str, Any] | None, flow: TranslateFlow, args: argparse.Namespace,
    explored: Sequence[tuple[str, float]],
) -> None:
    """Versions, model, workload, every run, the table and the ratios."""
    versions = {
        "python": platform.python_version(),
        "ctranslate2": metadata.version("ctranslate2"),
        "sentencepiece": metadata.version("sentencepiece"),
        "translate-flow": metadata.version("translate-flow"),
    }
    print(" ".join(f"{name} {version}" for name, version in versions.items()))
    if argos is not None:
        print("argos env: " + " ".join(f"{name} {version}" for name, version in argos["versions"].items()))
    shape = SIZES["base"]
    installed_size = sum(p.stat().st_size for p in installed.rglob("*") if p.is_file())
    print(
        f"model: {shape.layers[0]}+{shape.layers[1]} layers, d_model {shape.d_model}, {shape.heads} heads, "
        f"FFN {shape.ffn}, vocabulary {shape.vocab_size}, {shape.quantization}, random weights; "
        f"built in {build_s:.1f} s, {package.stat().st_size / 2**20:.1f} MiB package, "
        f"{installed_size / 2**20:.1f} MiB installed (temporary, deleted at exit)"
    )
    print(
        f"sentences: {len(load.msgids)} distinct segments = {load.from_article} of "
        f"{SAMPLE_ARTICLE.relative_to(REPO)} + {load.from_news} generated news sentences "
        f"(seed {NEWS_SEED}); {input_tokens:.1f} input tokens each on average; "
        f"{len(load.paragraphs)} paragraphs for Argos"
    )
    translator = next(iter(flow.loaded.values()))
    inter, intra = thread_layout(translator.options, translator.device, os.cpu_count() or 1)
    print(
        f"decoding: {FROM_CODE}->{TO_CODE}, beam {BEAM_SIZE}, every output bounded to max_decoding_length "
        f"{args.max_length} tokens; device {args.device}, {args.compute_type}, {args.threads} threads "
        f"(translate-flow's automatic layout: inter {inter} x intra {intra}); "
        f"best of {args.repeat} runs for a and s, of {args.repeat} for each of b's two best settings, "
        f"{args.argos_repeat} for c"
    )
    print("processes: one per way (a: the translate-flow command; s, b: this process; c: one Argos process)")
    if argos is not None:
        print("argos: output bound passed by wrapping its CTranslate2 translator (benchmark process only)")
        print(f"argos: sentence splitter: {argos['splitter']}")
    print()
    print(f"raw CTranslate2, each setting once, to find its best ({len(load.texts)} sentences):")
    for settings, seconds in sorted(explored, key=lambda run: run[1]):
        print(f"  {seconds:7.2f} s  {len(load.texts) / seconds:6.2f} sentences/s  {settings}")
    print()
    print(f"{ways[1].name:<16} load and warm-up {ways[1].load_s:6.2f} s (the command's runs include it)")
    for way in ways:
        for number, (settings, seconds) in enumerate(way.runs, 1):
            print(f"{way.name:<16} run {number}: {seconds:7.2f} s  {way.sentences / seconds:6.2f} sentences/s  {settings}")
    print()
    header = f"{'way':<16} {'sentences':>9} {'seconds':>8} {'sentences/s':>12} {'out tokens':>11}  best settings"
    print(header)
    print("-" * len(header))
    for way in ways:
        settings, seconds = way.best
        print(
            f"{way.name:<16} {way.sentences:>9} {seconds:>8.2f} {way.rate:>12.2f} "
            f"{f'{way.output_tokens:.1f}' if way.output_tokens else '-':>11}  {settings}"
        )
    named = {way.name[0]: way for way in ways}
    print()
    checks = [("a/b", "a", "b", TARGET_VS_RAW), ("s/b", "s", "b", None), ("a/c", "a", "c", TARGET_VS_ARGOS)]
    for label, mine, other, target in checks:
        if mine not in named or other not in named:
            continue
        ratio = named[mine].rate / named[other].rate
        verdict = f"; target >= {target:g}: {'met' if ratio >= target else 'missed'}" if target else ""
        print(f"{label} = {ratio:.2f} ({named[mine].name} / {named[other].name}){verdict}")


def main(argv: Sequence[str] | None = None) -> int:
    """Build the model, run the three ways, print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2, help="timed runs of (a) and (b); the best counts (default 2)")
    parser.add_argument("--argos-repeat", type=int, default=1, help="timed runs of (c), about 3 minutes each on 2 cores (default 1)")
    parser.add_argument("--max-length", type=int, default=32, help="output bound in tokens for every way (default 32)")
    parser.add_argument("--news", type=int, default=200, help="generated news sentences (default 200)")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1, help="CPU threads for every way (default: all cores)")
    parser.add_argument("--device", choices=("cpu", "cuda"), default="cpu", help="where every way runs (default cpu)")
    parser.add_argument("--batch-tokens", type=int, help="translate-flow's [translate] batch_tokens (default: its own default)")
    parser.add_argument("--minisbd-model", type=Path, help="MiniSBD's en.onnx, to give Argos its real splitter")
    parser.add_argument("--compute-type", help="CTranslate2 compute type for every way (default int8 on CPU, "
                        "int8_float16 on CUDA)")
    parser.add_argument("--skip-argos", action="store_true", help="leave out (c), Argos Translate")
    parser.add_argument("--profile", action="store_true", help="profile one more translate-flow run and print it")
    args = parser.parse_args(argv)
    args.compute_type = args.compute_type or ("int8_float16" if args.device == "cuda" else "int8")
    if min(args.repeat, args.argos_repeat, args.max_length, args.threads) < 1 or args.news < 0:
        parser.error("--repeat, --argos-repeat, --max-length and --threads must be at least 1, --news at least 0")
    if args.device == "cuda" and ctranslate2.get_cuda_device_count() == 0:
        parser.error("--device cuda: CTranslate2 sees no CUDA device here")

    python = argos_python() if not args.skip_argos else Path(sys.executable)
    with tempfile.TemporaryDirectory(prefix="tf-throughput-") as temporary:
        work = Path(temporary)
        start = time.perf_counter()
        package = build_argos_package(work / "package", FROM_CODE, TO_CODE, size="base")
        build_s = time.perf_counter() - start
        news = work / "pages" / "news-digest.html"
        news.parent.mkdir()
        news.write_text(news_page(news_sentences(args.news)), encoding="utf-8")
        pages = [SAMPLE_ARTICLE, news]
        load = workload(pages)

        flow = TranslateFlow(work / "project", pages, package, args)
        if sorted(flow.msgids()) != sorted(load.msgids):
            raise SystemExit("the catalogs translate-flow wrote hold other texts than the benchmark's segments")
        installed = models.find_installed(work / "project" / "models", FROM_CODE, TO_CODE)
        if installed is None or installed.path is None:
            raise SystemExit("the package did not install")
        command = Way("a command", len(load.msgids))
        ours = Way("s stage", len(load.msgids))
        raw_way = Way("b raw ct2", len(load.texts))
        flow.warm_up()
        ours.load_s = flow.load_s
        raw = RawCTranslate2(installed.path, args)
        pieces = raw.sp.encode(list(load.texts), out_type=str)
        input_tokens = sum(len(p) for p in pieces) / len(pieces)
        settings = f"[translate] batch_tokens {flow.config.translate.batch_tokens}, automatic thread layout"
        # First every raw setting once; then the rounds, in turns, so that a slow spell of the
        # machine hits every way alike. One run per setting is a noisy choice, so the two
        # fastest settings go into every round, and the faster of them counts.
        for setting in raw_settings(args):
            raw_way.runs.append((setting.describe(), raw.run(pieces, setting)))
        explored = list(raw_way.runs)
        ranked = [name for name, _ in sorted(explored, key=lambda run: run[1])[:2]]
        finalists = [s for name in ranked for s in raw_settings(args) if s.describe() == name]
        raw_way.runs = []
        flow.command(len(load.msgids))  # untimed: Python writes its bytecode cache
        for _ in range(args.repeat):
            command.runs.append(("translate-flow -q translate --lang ru, " + settings, flow.command(len(load.msgids))))
            ours.runs.append((settings, flow.run(len(load.msgids))))
            ours.output_tokens = flow.output_tokens()
            for setting in finalists:
                raw_way.runs.append((setting.describe(), raw.run(pieces, setting)))
                raw_way.output_tokens = sum(raw.lengths) / len(raw.lengths)
        del raw

        argos_way = None
        argos = None
        if not args.skip_argos:
            argos = run_argos(python, work, package, load, args)
            argos_way = Way("c argostranslate", argos["sentences"], argos["load_s"])
            argos_way.runs = [("translate() per paragraph, Argos defaults", s) for s in argos["runs"]]
            argos_way.output_tokens = argos["output_tokens"]
        ways = (command, ours, raw_way) + ((argos_way,) if argos_way else ())
        print_report(ways, load, input_tokens, build_s, package, installed.path, argos, flow, args, explored)
        if args.profile:
            profile_translate_flow(flow, len(load.msgids))
    return 0


if __name__ == "__main__":
    sys.exit(main())
