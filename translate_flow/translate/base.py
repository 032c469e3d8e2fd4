"""What every engine takes and gives: the model on disk, how to decode, and the result."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

__all__ = [
    "DecodeOptions",
    "Engine",
    "ModelSpec",
    "Progress",
    "Steering",
    "Terms",
    "Translation",
    "output_hash",
]

Progress = Callable[[int], None]
Terms = Sequence[tuple[str, str]]

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
    max_input_tokens: int = 1024

    def describe(self) -> str:
        """``argos translate-en_ru 1.9``: engine, model and version, for provenance."""
        return f"{self.engine} {self.name} {self.version}".strip()


@dataclass(frozen=True)
class DecodeOptions:
    """How to run the model."""

    beam_size: int = 4
    device: str = "auto"  # "cpu", "cuda" or "auto"
    compute_type: str = "auto"  # "auto": int8 on CPU, int8_float16 on GPU
    threads: int = 0  # 0: every core
    batch_tokens: int = 2048
    # Sentences per batch; 0: 128 / beam on CPU (bigger batches of beams only add memory
    # there, not speed), 512 / beam on a GPU.
    batch_examples: int = 0
    repetition_penalty: float = 1.0
    no_repeat_ngram_size: int = 0
    length_ratio: float = 2.0  # max decoding length relative to the longest input of a batch
    length_extra: int = 10
    max_decoding_length: int = 512
    n_best: int = 4  # hypotheses to choose from when the glossary has a say


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
        self, msgids: Sequence[str], terms: Terms = (), progress: Progress | None = None,
        steering: Steering | None = None,
    ) -> list[Translation]:
        """Translate *msgids* (numbered tags and all), in order."""


def output_hash(text: str) -> str:
    """A short hash of machine output: tells untouched output from a person's edit."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]
