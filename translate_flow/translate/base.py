"""What every engine takes and gives: the model on disk, how to decode, and the result."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from ..config import TranslateSettings

__all__ = [
    "DecodeOptions",
    "Engine",
    "ModelSpec",
    "Advance",
    "Steering",
    "Terms",
    "Translation",
    "output_hash",
]

# How many more texts a batch finished: the engine knows neither the language nor the
# whole; the pipeline turns it into a progress.Progress.
Advance = Callable[[int], None]
Terms = Sequence[tuple[str, str]]

# The configuration's defaults are the engine's defaults: written once, in config.
_DEFAULTS = TranslateSettings()


@dataclass(frozen=True)
class ModelSpec:
    """A CTranslate2 model on disk and how to feed it."""

    name: str  # "translate-en_ru" or the configured name
    version: str
    engine: str  # "argos" or "ct2"
    model_dir: Path
    source_sentencepiece: Path
    target_sentencepiece: Path
    source_prefix: tuple[str, ...] = ()  # tokens before the source: ("eng_Latn",), (">>kaz<<",)
    target_prefix: tuple[str, ...] = ()  # tokens the target starts with: ("kaz_Cyrl",)
    add_end_token: bool = False  # append "</s>" to the source (NLLB, OPUS-MT)
    max_input_tokens: int = _DEFAULTS.max_input_tokens

    def describe(self) -> str:
        """``argos translate-en_ru 1.9``: engine, model and version, for provenance."""
        return f"{self.engine} {self.name} {self.version}".strip()


@dataclass(frozen=True)
class DecodeOptions:
    """How to run the model."""

    # The field order is part of an engine's identity (and so of cache keys): append only.
    beam_size: int = _DEFAULTS.beam_size
    device: str = _DEFAULTS.device  # "cpu", "cuda" or "auto"
    compute_type: str = _DEFAULTS.compute_type  # "auto": int8 on CPU, int8_float16 on GPU
    threads: int = _DEFAULTS.threads  # 0: every core
    batch_tokens: int = _DEFAULTS.batch_tokens
    # Sentences per batch; 0: 32 / beam on CPU, where small batches of beams stay in the
    # cache and keep every replica busy to the end (8 at beam 4 was the fastest measured,
    # 4 and 16 slower: benchmarks/translate_throughput.py), 512 / beam on a GPU.
    batch_examples: int = _DEFAULTS.batch_examples
    repetition_penalty: float = _DEFAULTS.repetition_penalty
    no_repeat_ngram_size: int = _DEFAULTS.no_repeat_ngram_size
    length_ratio: float = _DEFAULTS.length_ratio  # max decoding length relative to the longest input of a batch
    length_extra: int = 10  # not a setting: tokens allowed beyond the ratio, for short inputs
    max_decoding_length: int = _DEFAULTS.max_decoding_length
    n_best: int = _DEFAULTS.n_best  # hypotheses to choose from when the glossary has a say
    # How the CPU threads are laid out (see translate.threads.thread_layout); 0: chosen for throughput.
    inter_threads: int = _DEFAULTS.inter_threads  # model replicas, each decoding its own batch
    intra_threads: int = _DEFAULTS.intra_threads  # threads inside each replica

    @classmethod
    def from_settings(
        cls, settings: TranslateSettings, *, draft: bool = False, device: str | None = None,
        threads: int | None = None,
    ) -> DecodeOptions:
        """The options *settings* ask for; a draft decodes greedily (beam 1).

        *device* and *threads*, when given (from the command line), win over the settings.
        """
        return cls(
            beam_size=1 if draft else settings.beam_size,
            device=device or settings.device,
            compute_type=settings.compute_type,
            threads=threads if threads is not None else settings.threads,
            batch_tokens=settings.batch_tokens,
            batch_examples=settings.batch_examples,
            repetition_penalty=settings.repetition_penalty,
            no_repeat_ngram_size=settings.no_repeat_ngram_size,
            length_ratio=settings.length_ratio,
            max_decoding_length=settings.max_decoding_length,
            n_best=settings.n_best,
            inter_threads=settings.inter_threads,
            intra_threads=settings.intra_threads,
        )


@dataclass(frozen=True)
class Translation:
    """Machine output for one msgid, with what a reviewer should know about it."""

    msgid: str
    text: str
    score: float
    engine: str  # provenance: "argos translate-en_ru 1.9"
    unsure_tags: tuple[str, ...] = ()
    loop: str | None = None  # a repeated stretch of output, when the model looped
    via: str | None = None  # the pivot language, when translated through one
    # Which of the n-best hypotheses the glossary chose (1-based), when not the model's first.
    glossary_choice: int | None = None
    hypotheses: int = 1
    # What a reviewer should know of this entry that the text does not show, one line each:
    # what the model's vocabulary could not do, or that the model failed on it (text empty).
    notes: tuple[str, ...] = ()


class Steering(Protocol):
    """What the glossary asks of decoding for one language pair."""

    def wants(self, msgid: str) -> bool:
        """True when the source uses glossary terms with a preferred translation."""

    def accepts(self, msgid: str, text: str) -> bool:
        """True when *text* uses those terms and none of the forbidden variants."""

    def forbidden(self) -> Sequence[str]:
        """Variants never to generate, as the target language writes them."""


class Engine(Protocol):
    """Anything that turns msgids into translations."""

    @property
    def identity(self) -> str:
        """Everything that decides this engine's output, as text (for caching it)."""

    def translate(
        self, msgids: Sequence[str], terms: Terms = (), progress: Advance | None = None,
        steering: Steering | None = None,
    ) -> list[Translation]:
        """Translate *msgids* (numbered tags and all), in order."""


def output_hash(text: str) -> str:
    """A short hash of machine output: tells untouched output from a person's edit."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]
