"""The CTranslate2 engine: one model loaded once, run in large token-budget batches."""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Sequence
from functools import cache
from typing import Any

from ..errors import ModelError
from .base import DecodeOptions, ModelSpec, Advance, Steering, Terms, Translation
from .finish import Finishing, ModelFailure, finish
from .layout import read_layout
from .prepare import Batch, Chunk, Preparer, batches

__all__ = ["Translator", "keep_buffers_in_the_heap", "thread_layout"]


def thread_layout(options: DecodeOptions, device: str, cores: int) -> tuple[int, int]:
    """``(inter_threads, intra_threads)`` for CTranslate2: replicas of the model, and the
    threads each uses, within ``options.threads`` CPU threads (0: all *cores*).

    On a CPU the automatic layout is one single-threaded replica per thread: batches are
    independent, so decoding several side by side keeps every core busy, while the threads
    of one replica wait on each other at every decoding step. On a GPU one replica decodes
    batch after batch; ``inter_threads`` asks for more.
    """
    if device != "cpu":
        return max(1, options.inter_threads), options.intra_threads
    total = options.threads or cores
    inter, intra = options.inter_threads, options.intra_threads
    if inter and intra:
        return inter, intra
    if inter:
        return inter, max(1, total // inter)
    if intra:
        return max(1, total // intra), intra
    return max(1, total), 1


# glibc's mallopt parameters, and the values that suit CTranslate2 on a CPU.
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
_MMAP_THRESHOLD = 32 * 2**20  # glibc's largest: buffers up to this size come from the heap
_TRIM_THRESHOLD = 256 * 2**20  # free memory kept for the next batch before it goes back


@cache
def keep_buffers_in_the_heap() -> bool:
    """Have glibc's allocator serve CTranslate2's large, short-lived buffers from the heap
    and keep them there for the next batch; once per process. False where the C library
    is not glibc.

    By default glibc maps every buffer over a threshold afresh and unmaps it when freed,
    so each batch page-faults its activations in again; raising the threshold only after
    such a buffer is freed leaves a new process paying that for its first batches. Measured
    on 2 cores, 3 x 309 segments: system time 2.75 s down to 0.35 s, model load 0.32 s to
    0.13 s. The process keeps up to 256 MiB of freed memory.
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None)
        libc.gnu_get_libc_version  # noqa: B018 - glibc only; musl has another allocator
    except (OSError, AttributeError):
        return False
    # The threshold first: setting either turns off glibc's own adjustment of both.
    return bool(libc.mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD)) and bool(libc.mallopt(_M_TRIM_THRESHOLD, _TRIM_THRESHOLD))


# Decoding options that change speed, never output: not part of an engine's identity.
_NOT_IDENTITY = frozenset({"threads", "device", "inter_threads", "intra_threads"})


class Translator:
    """One loaded CTranslate2 model and its SentencePiece models."""

    def __init__(self, spec: ModelSpec, options: DecodeOptions = DecodeOptions()) -> None:
        """Load the model; raise :class:`ModelError` naming what is missing or broken."""
        import ctranslate2  # type: ignore[import-untyped]
        import sentencepiece

        self.spec = spec
        self.options = options
        for path in (spec.model_dir / "model.bin", spec.source_sentencepiece, spec.target_sentencepiece):
            if not path.is_file():
                raise ModelError("missing; reinstall the model or fix its path in the configuration", path=str(path))
        self.device = _device(options.device, ctranslate2)
        compute_type = options.compute_type
        if compute_type == "auto":
            compute_type = "int8_float16" if self.device == "cuda" else "int8"
        self.replicas, threads = thread_layout(options, self.device, os.cpu_count() or 1)
        if self.device == "cpu":
            keep_buffers_in_the_heap()
        try:
            self.model = ctranslate2.Translator(
                str(spec.model_dir), device=self.device, compute_type=compute_type,
                inter_threads=self.replicas, intra_threads=threads,
            )
            self.source_sp = sentencepiece.SentencePieceProcessor(model_file=str(spec.source_sentencepiece))
            self.target_sp = (
                self.source_sp if spec.target_sentencepiece == spec.source_sentencepiece
                else sentencepiece.SentencePieceProcessor(model_file=str(spec.target_sentencepiece))
            )
        except (RuntimeError, ValueError, OSError) as exc:
            raise ModelError(f"cannot load the model ({exc}); reinstall it", path=str(spec.model_dir)) from None
        # What the model can read and write, known before the first batch.
        self.layout = read_layout(spec.model_dir)
        self.layout.check_tokens(spec.source_prefix, "source", str(spec.model_dir))
        self.layout.check_tokens(spec.target_prefix, "target", str(spec.model_dir))
        self.inputs = Preparer.for_model(spec, self.source_sp, self.layout)
        self.placeholder = self.inputs.placeholder
        self.calls = 0  # translate_batch calls, for reports and tests
        self.finishing = Finishing(self.layout.special)
        # What the model could not do in the latest call, one line each, for the run's report.
        self.limits: tuple[str, ...] = self.inputs.limits
        # Threads change speed, never output; device and compute type count as resolved.
        decoding = {k: v for k, v in options.__dict__.items() if k not in _NOT_IDENTITY}
        self.identity = f"{spec!r} {decoding!r} {compute_type} {self.device}"

    def translate(
        self, msgids: Sequence[str], terms: Terms = (), progress: Advance | None = None,
        steering: Steering | None = None,
    ) -> list[Translation]:
        """Translate *msgids* in token-budget batches; identical inputs are translated once.

        With *steering*, an input that uses glossary terms is decoded as an n-best list and
        the best-scoring hypothesis that uses the terms (and no forbidden variant) wins;
        forbidden variants are suppressed in decoding for every input.
        """
        unique = list(dict.fromkeys(msgids))
        prepared = [self.inputs.prepare(index, msgid, terms, steering) for index, msgid in enumerate(unique)]
        chunks = [c for p in prepared for c in p.chunks]
        steered = {c.index for p in prepared if p.steered for c in p.chunks}
        suppress = self._suppressed(steering)
        outputs: dict[int, Any] = {}
        # Every batch is submitted at once, so that each replica always has one to decode.
        planned = batches(chunks, steered, self.spec, self.options, self.device)
        for batch, submitted in [(b, self._submit(chunks, b, suppress)) for b in planned]:
            outputs.update(self._collect(chunks, batch, submitted, suppress))
            if progress is not None:
                progress(len({chunks[p].index for p in batch.positions}))
        parts: dict[int, list[tuple[Chunk, Any]]] = {}
        for position, chunk in enumerate(chunks):
            parts.setdefault(chunk.index, []).append((chunk, outputs[position]))
        by_msgid = {p.msgid: finish(p, parts[i], self.spec, steering, self.finishing) for i, p in enumerate(prepared)}
        return [by_msgid[m] for m in msgids]

    def _suppressed(self, steering: Steering | None) -> list[list[str]] | None:
        """Forbidden variants as target token sequences, as they appear inside a sentence.

        A variant the model's vocabulary cannot write is not suppressed: it is named in
        :attr:`limits`, and in the notes of each translation that uses it anyway.
        """
        unwritable: list[str] = []
        sequences: list[list[str]] = []
        for variant in steering.forbidden() if steering is not None else ():
            for form in dict.fromkeys((variant, variant[:1].upper() + variant[1:], variant.lower())):
                pieces = self._target_pieces(form)
                if pieces is None:
                    unwritable.append(variant)
                    break
                if pieces and pieces not in sequences:
                    sequences.append(pieces)
        self.finishing = Finishing(self.layout.special, tuple(unwritable))
        self.limits = self.inputs.limits + tuple(
            f"the forbidden variant \u201c{v}\u201d is not suppressed: the model's vocabulary cannot write it"
            for v in unwritable
        )
        return sequences or None

    def _target_pieces(self, text: str) -> list[str] | None:
        """The target pieces of *text*, or None when the model's vocabulary lacks one of them."""
        ids = self.target_sp.encode(text)
        pieces = [self.target_sp.id_to_piece(i) for i in ids]
        if self.target_sp.unk_id() in ids or not all(p in self.layout.target_vocabulary for p in pieces):
            return None
        return pieces

    def _submit(self, chunks: Sequence[Chunk], batch: Batch, suppress: list[list[str]] | None) -> Any:
        """*batch* handed to the model's replicas: its pending results, or the error it raised."""
        try:
            return self._call(chunks, batch, suppress)
        except (RuntimeError, ValueError) as exc:
            return exc

    def _collect(
        self, chunks: Sequence[Chunk], batch: Batch, submitted: Any, suppress: list[list[str]] | None,
    ) -> dict[int, Any]:
        """The model's output for each chunk of *batch*, by position in *chunks*.

        A batch the model fails on is run again in halves, down to single chunks; a chunk
        that fails alone gets a :class:`ModelFailure` in place of output.
        """
        if not isinstance(submitted, Exception):
            try:
                return dict(zip(batch.positions, [pending.result() for pending in submitted]))
            except (RuntimeError, ValueError) as exc:
                submitted = exc
        if len(batch.positions) == 1:
            return {batch.positions[0]: ModelFailure(" ".join(str(submitted).split()))}
        half = len(batch.positions) // 2
        outputs: dict[int, Any] = {}
        for positions in (batch.positions[:half], batch.positions[half:]):
            part = Batch(positions, batch.bound, batch.n_best)
            outputs.update(self._collect(chunks, part, self._submit(chunks, part, suppress), suppress))
        return outputs

    def _call(self, chunks: Sequence[Chunk], batch: Batch, suppress: list[list[str]] | None) -> list[Any]:
        """One asynchronous ``translate_batch`` call: a pending result per chunk of *batch*.
        CTranslate2's errors pass through, here or from the results."""
        spec, options = self.spec, self.options
        sources = []
        for position in batch.positions:
            tokens = [*spec.source_prefix, *chunks[position].tokens]
            if spec.add_end_token:
                tokens.append("</s>")
            sources.append(tokens)
        prefix = [list(spec.target_prefix)] * len(sources) if spec.target_prefix else None
        outputs = self.model.translate_batch(
            sources,
            target_prefix=prefix,
            beam_size=max(options.beam_size, batch.n_best),
            num_hypotheses=batch.n_best,
            suppress_sequences=suppress,
            max_batch_size=options.batch_tokens,
            batch_type="tokens",
            max_input_length=0,  # inputs are already cut to the model's limit: never truncate
            max_decoding_length=self.layout.output_limit(batch.bound + len(spec.target_prefix)),
            repetition_penalty=options.repetition_penalty,
            no_repeat_ngram_size=options.no_repeat_ngram_size,
            return_scores=True,
            return_attention=True,  # alignment puts the tags back by attention
            asynchronous=True,
        )
        self.calls += 1
        return list(outputs)


def _device(requested: str, ctranslate2: Any) -> str:
    if requested == "auto":
        return "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
    if requested == "cuda" and ctranslate2.get_cuda_device_count() == 0:
        raise ModelError("--device cuda: no CUDA device is available here; use --device cpu or auto")
    if requested not in ("cpu", "cuda"):
        raise ModelError(f"unknown device {requested!r}; use cpu, cuda or auto")
    return requested
