"""Argos Translate side of ``translate_throughput.py``: ``argostranslate.translate`` per paragraph.

Run by the Python of the benchmark's own environment (``benchmarks/.env-argos``), which has
``argos-translate-lt`` installed; the project's environment does not need it. Usage::

    python translate_throughput_argos.py JOB.json

``JOB.json`` names a throwaway home folder, the ``.argosmodel`` file, the paragraphs (each a
list of sentences), the output bound, the threads, the device and the number of timed
runs. The script points every folder argostranslate uses at the throwaway home before
importing it, installs the package with ``argostranslate.package.install_from_path``, makes
one warm-up call (which loads the model), then translates every paragraph with
``argostranslate.translate.translate(paragraph, from_code, to_code)``, one call per
paragraph as a user of Argos Translate or LibreTranslate does, and prints JSON timings.

Two things are changed in this process only, and the JSON says so:

- **Output length.** argostranslate passes no ``max_decoding_length`` to CTranslate2 (its
  default is 256 tokens), and a model with random weights never ends a sentence, so the
  CTranslate2 translator it creates is wrapped to pass the same bound as the other two ways.
  Every other argument (beam size 4, ``max_batch_size`` 32 tokens, ``length_penalty``,
  ``replace_unknowns``, ...) is argostranslate's own.
- **Sentence splitter.** argostranslate's default splitter, MiniSBD, downloads an ONNX model
  per language on first use (``en.onnx`` from GitHub); offline that download fails and so
  does every translation (``URLError``). When the model file is not at hand (``--minisbd-model``
  of the benchmark, or already in the cache), the splitter is replaced by a lookup of the
  benchmark's own sentence boundaries: the same sentences as the other two ways, at no cost,
  which can only make Argos look faster than it is.
"""

from __future__ import annotations

import inspect
import json
import os
import platform
import re
import shutil
import sys
import time
import types
from collections.abc import Callable, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

WARM_UP = "The model is loaded and warmed up before the timed runs."
_SIMPLE_SPLIT = re.compile(r"(?<=[.!?])\s+")


def configure(home: Path, threads: int, device: str) -> None:
    """Point argostranslate at *home* and set its threads and device (read once, at import)."""
    if "argostranslate" in sys.modules:
        raise SystemExit("argostranslate was imported before its settings were made")
    os.environ.update(
        {
            "HOME": str(home),
            "XDG_DATA_HOME": str(home / "data"),
            "XDG_CONFIG_HOME": str(home / "config"),
            "XDG_CACHE_HOME": str(home / "cache"),
            "ARGOS_PACKAGES_DIR": str(home / "packages"),
            # Never used (no index look-up happens), but keep it off the network all the same.
            "ARGOS_PACKAGE_INDEX": "http://127.0.0.1:9/",
            "ARGOS_INTRA_THREADS": str(threads),
            "ARGOS_DEVICE_TYPE": device,
        }
    )


class BoundedTranslator:
    """A CTranslate2 translator whose ``translate_batch`` always gets *max_length*.

    It also records the length of every best hypothesis, so the report can show that the
    bound was the same for every way.
    """

    def __init__(self, inner: Any, max_length: int, lengths: list[int]) -> None:
        self._inner = inner
        self._max_length = max_length
        self._lengths = lengths

    def translate_batch(self, *args: Any, **kwargs: Any) -> Any:
        """Forward to CTranslate2 with ``max_decoding_length`` set."""
        kwargs["max_decoding_length"] = self._max_length
        results = self._inner.translate_batch(*args, **kwargs)
        self._lengths.extend(len(result.hypotheses[0]) for result in results)
        return results

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def bound_output_length(translate_module: Any, max_length: int, lengths: list[int]) -> None:
    """Make argostranslate's CTranslate2 translators pass *max_length* to translate_batch."""
    source = inspect.getsource(translate_module.PackageTranslation.hypotheses)
    if "ctranslate2.Translator(" not in source:
        raise SystemExit(
            "this argostranslate creates its CTranslate2 translator differently; "
            "update bound_output_length() in translate_throughput_argos.py"
        )
    real = translate_module.ctranslate2

    def factory(*args: Any, **kwargs: Any) -> BoundedTranslator:
        return BoundedTranslator(real.Translator(*args, **kwargs), max_length, lengths)

    translate_module.ctranslate2 = types.SimpleNamespace(Translator=factory)


def choose_splitter(
    sbd_module: Any, minisbd_models: Any, paragraphs: Sequence[Sequence[str]], model: str | None
) -> str:
    """Keep MiniSBD when its English model is at hand, else split by a lookup; say which."""
    cached = Path(minisbd_models.cache_dir) / minisbd_models.MODELS["en"]
    if model:
        cached.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(model, cached)
    if cached.is_file():
        return f"MiniSBD ({cached.name}), argostranslate's default"
    known = {" ".join(sentences): list(sentences) for sentences in paragraphs}

    def split_sentences(self: Any, text: str) -> list[str]:
        found = known.get(text)
        return found if found is not None else [s for s in _SIMPLE_SPLIT.split(text) if s]

    sbd_module.MiniSBDSentencizer.split_sentences = split_sentences
    return (
        "benchmark's own sentence boundaries (MiniSBD's en.onnx is a download, not reachable "
        "offline; no splitter cost, which favours Argos)"
    )


def timed(call: Callable[[], object]) -> float:
    """Seconds *call* takes."""
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def main(argv: Sequence[str]) -> int:
    """Run the job file *argv[0]* and print the result as JSON."""
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    job = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    home = Path(job["home"])
    configure(home, int(job["threads"]), str(job["device"]))

    import argostranslate.package  # type: ignore[import-untyped]
    import argostranslate.sbd  # type: ignore[import-untyped]
    import argostranslate.translate  # type: ignore[import-untyped]
    from minisbd import models as minisbd_models  # type: ignore[import-untyped]

    paragraphs: list[list[str]] = job["paragraphs"]
    from_code, to_code = job["from_code"], job["to_code"]
    lengths: list[int] = []
    bound_output_length(argostranslate.translate, int(job["max_length"]), lengths)
    splitter = choose_splitter(argostranslate.sbd, minisbd_models, paragraphs, job.get("minisbd_model"))

    install_s = timed(lambda: argostranslate.package.install_from_path(Path(job["package"])))
    load_s = timed(lambda: argostranslate.translate.translate(WARM_UP, from_code, to_code))
    texts = [" ".join(sentences) for sentences in paragraphs]
    runs: list[float] = []
    per_run: list[int] = []
    for _ in range(int(job["repeat"])):
        lengths.clear()

        def run() -> None:
            for text in texts:
                argostranslate.translate.translate(text, from_code, to_code)

        runs.append(timed(run))
        per_run.append(len(lengths))
    result = {
        "versions": {
            "python": platform.python_version(),
            "argos-translate-lt": metadata.version("argos-translate-lt"),
            "ctranslate2": metadata.version("ctranslate2"),
            "sentencepiece": metadata.version("sentencepiece"),
        },
        "splitter": splitter,
        "install_s": install_s,
        "load_s": load_s,
        "runs": runs,
        "sentences": sum(len(p) for p in paragraphs),
        "paragraphs": len(paragraphs),
        "segments_translated": per_run,
        "output_tokens": sum(lengths) / len(lengths) if lengths else 0.0,
    }
    json.dump(result, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
