"""Machine translation: CTranslate2 called directly, in large batches.

A :class:`Translator` loads one model once and translates any number of msgids: numbered
tags are removed and later restored by alignment, protected text travels as placeholders,
inputs longer than the model's limit are split at clause boundaries, and all inputs are
sorted by length into token-budget batches. The ``pseudo`` engine needs no model.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from . import alignment, textrules
from .alignment import Item, Placement
from .errors import ModelError
from .markup import TagMismatch, check_tags
from .protect import Protected, Span, find_spans, protect
from .pseudo import pseudolocalize

__all__ = [
    "DecodeOptions",
    "Engine",
    "ModelSpec",
    "PivotEngine",
    "PseudoEngine",
    "Steering",
    "Translation",
    "Translator",
    "find_loop",
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


def find_loop(text: str, times: int = 3, longest: int = 8) -> str | None:
    """A stretch of words (characters for Chinese) repeated *times* times in a row, if any."""
    found = textrules.find_repeat(text, times, longest)
    return " ".join(found.tokens) if found else None


class PseudoEngine:
    """Pseudo-localization in place of a model: accented, longer, bracketed, tags kept."""

    name = "pseudo"
    identity = "pseudo 1"

    def translate(
        self, msgids: Sequence[str], terms: Terms = (), progress: Progress | None = None,
        steering: Steering | None = None,
    ) -> list[Translation]:
        """Pseudo-translate each msgid."""
        results = [Translation(m, pseudolocalize(m), 0.0, "pseudo") for m in msgids]
        if progress is not None:
            progress(len(msgids))
        return results


# --- the CTranslate2 engine ----------------------------------------------------------------

# Where a long input may be cut, best first: sentence ends, clause ends, commas, spaces.
_CLAUSE_BREAKS = (re.compile(r"(?<=[.!?。！？])\s+"), re.compile(r"(?<=[;:；：])\s*"),
                  re.compile(r"(?<=[,，、])\s*"), re.compile(r"\s+"))
_PLACEHOLDER_FORMS = ("⟦{n}⟧", "[{n}]", "{{{n}}}", "<{n}>", "#{n}#", "X{n}X", "x{n}x", "{n}")


@dataclass(frozen=True)
class _Chunk:
    """A piece of one input as the model sees it."""

    index: int  # which input
    offset: int  # where the piece starts in the input's model text
    text: str
    tokens: tuple[str, ...]
    spans: tuple[tuple[int, int] | None, ...]  # per token, in the input's model text


@dataclass(frozen=True)
class _Prepared:
    """One input ready for the model."""

    msgid: str
    stripped: alignment.Stripped
    protected: Protected
    items: tuple[Item, ...]
    chunks: tuple[_Chunk, ...]
    steered: bool = False  # decoded as an n-best list the glossary chooses from


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
                raise ModelError(f"{path}: missing; reinstall the model or fix its path in the configuration")
        self.device = _device(options.device, ctranslate2)
        compute_type = options.compute_type
        if compute_type == "auto":
            compute_type = "int8_float16" if self.device == "cuda" else "int8"
        threads = options.threads or os.cpu_count() or 1
        try:
            self.model = ctranslate2.Translator(
                str(spec.model_dir), device=self.device, compute_type=compute_type,
                intra_threads=threads if self.device == "cpu" else 0, inter_threads=1,
            )
            self.source_sp = sentencepiece.SentencePieceProcessor(model_file=str(spec.source_sentencepiece))
            self.target_sp = (
                self.source_sp if spec.target_sentencepiece == spec.source_sentencepiece
                else sentencepiece.SentencePieceProcessor(model_file=str(spec.target_sentencepiece))
            )
        except (RuntimeError, ValueError, OSError) as exc:
            raise ModelError(f"{spec.model_dir}: cannot load the model ({exc}); reinstall it") from None
        self.placeholder = self._placeholder_form()
        self.calls = 0  # translate_batch calls, for reports and tests
        decoding = {k: v for k, v in options.__dict__.items() if k not in ("threads", "device")}
        self.identity = f"{spec!r} {decoding!r} {compute_type} {self.device}"

    def _placeholder_form(self) -> Callable[[int], str]:
        """The first placeholder form the tokenizer keeps intact (no unknown pieces)."""
        unknown = self.source_sp.unk_id()
        chosen = _PLACEHOLDER_FORMS[-1]
        for form in _PLACEHOLDER_FORMS:
            sample = form.format(n=12)
            ids = self.source_sp.encode(sample)
            if unknown not in ids and self.source_sp.decode(ids) == sample:
                chosen = form
                break
        return lambda n: chosen.format(n=n)

    def translate(
        self, msgids: Sequence[str], terms: Terms = (), progress: Progress | None = None,
        steering: Steering | None = None,
    ) -> list[Translation]:
        """Translate *msgids* in token-budget batches; identical inputs are translated once.

        With *steering*, an input that uses glossary terms is decoded as an n-best list and
        the best-scoring hypothesis that uses the terms (and no forbidden variant) wins;
        forbidden variants are suppressed in decoding for every input.
        """
        unique = list(dict.fromkeys(msgids))
        prepared = [self._prepare(index, msgid, terms, steering) for index, msgid in enumerate(unique)]
        chunks = [c for p in prepared for c in p.chunks]
        steered = {c.index for p in prepared if p.steered for c in p.chunks}
        suppress = self._suppressed(steering)
        outputs = self._run(chunks, progress, steered, suppress)
        parts: dict[int, list[tuple[_Chunk, Any]]] = {}
        for position, chunk in enumerate(chunks):
            parts.setdefault(chunk.index, []).append((chunk, outputs[position]))
        by_msgid = {p.msgid: self._finish(p, parts[i], steering) for i, p in enumerate(prepared)}
        return [by_msgid[m] for m in msgids]

    def _suppressed(self, steering: Steering | None) -> list[list[str]] | None:
        """Forbidden variants as target token sequences, as they appear inside a sentence."""
        if steering is None:
            return None
        sequences: list[list[str]] = []
        for variant in steering.forbidden():
            for form in dict.fromkeys((variant, variant[:1].upper() + variant[1:], variant.lower())):
                pieces = self.target_sp.encode(form, out_type=str)
                if pieces and pieces not in sequences:
                    sequences.append(pieces)
        return sequences or None

    # -- preparing ---------------------------------------------------------------------

    def _prepare(self, index: int, msgid: str, terms: Terms, steering: Steering | None = None) -> _Prepared:
        stripped = alignment.strip_tags(msgid)
        barriers = sorted({edge for item in stripped.items for edge in (item.start, item.end)})
        spans: list[Span] = find_spans(stripped.text, terms, barriers)
        protected = protect(stripped.text, spans, self.placeholder)
        tags = tuple(
            Item(i.key, i.kind, protected.shift(i.start), protected.shift(i.end)) for i in stripped.items
        )
        chunks = self._chunks(index, protected.text)
        # Only whole sentences are steered: a cut one has no single n-best list to choose from.
        steered = steering is not None and len(chunks) == 1 and steering.wants(msgid)
        return _Prepared(msgid, stripped, protected, tags + protected.items, chunks, steered)

    def _tokenize(self, text: str, offset: int) -> tuple[tuple[str, ...], tuple[tuple[int, int] | None, ...]]:
        proto = self.source_sp.encode(text, out_type="proto")
        encoded = text.encode("utf-8")
        tokens: list[str] = []
        spans: list[tuple[int, int] | None] = []
        for piece in proto.pieces:
            tokens.append(piece.piece)
            begin = len(encoded[: piece.begin].decode("utf-8", errors="ignore"))
            end = len(encoded[: piece.end].decode("utf-8", errors="ignore"))
            spans.append((offset + begin, offset + end))
        return tuple(tokens), tuple(spans)

    def _chunks(self, index: int, text: str) -> tuple[_Chunk, ...]:
        """Cut the text into pieces the model takes whole, at the best clause boundaries."""
        limit = max(8, self.spec.max_input_tokens - len(self.spec.source_prefix) - 1)
        pending = [(0, text)]
        done: list[_Chunk] = []
        while pending:
            offset, piece = pending.pop(0)
            tokens, spans = self._tokenize(piece, offset)
            if len(tokens) <= limit or len(piece) < 2:
                done.append(_Chunk(index, offset, piece, tokens, spans))
                continue
            cut = _cut(piece)
            pending[0:0] = [(offset, piece[:cut]), (offset + cut, piece[cut:])]
        return tuple(done)

    # -- running -------------------------------------------------------------------------

    def _run(
        self, chunks: Sequence[_Chunk], progress: Progress | None, steered: set[int],
        suppress: list[list[str]] | None,
    ) -> dict[int, Any]:
        """Translate every chunk; sorted by length, in batches of about batch_tokens tokens.

        Steered inputs go in batches of their own, decoded as n-best lists. A batch holds
        inputs of one output-length bound only, so each input's translation depends on the
        input alone, never on what else happened to be in its batch.
        """
        results: dict[int, Any] = {}
        for n_best in (1, self.options.n_best):
            examples = self.options.batch_examples or max(
                8, (512 if self.device == "cuda" else 128) // max(self.options.beam_size, n_best))
            group = [i for i in range(len(chunks)) if (chunks[i].index in steered) == (n_best > 1)]
            order = sorted(group, key=lambda i: len(chunks[i].tokens))
            batch: list[int] = []
            size = 0
            bound = 0
            for position in order:
                length = len(chunks[position].tokens) + len(self.spec.source_prefix) + 1
                limit = self._bound(length)
                full = size + length > self.options.batch_tokens or len(batch) >= examples
                if batch and (full or limit != bound):
                    self._batch(chunks, batch, results, progress, bound, n_best, suppress)
                    batch, size = [], 0
                batch.append(position)
                size += length
                bound = limit
            if batch:
                self._batch(chunks, batch, results, progress, bound, n_best, suppress)
        return results

    def _bound(self, length: int) -> int:
        """The output-length bound for an input of *length* tokens, in steps of 16."""
        options = self.options
        wanted = int(length * options.length_ratio) + options.length_extra
        return min(options.max_decoding_length, -(-wanted // 16) * 16)

    def _batch(
        self, chunks: Sequence[_Chunk], batch: Sequence[int], results: dict[int, Any],
        progress: Progress | None, limit: int, n_best: int = 1, suppress: list[list[str]] | None = None,
    ) -> None:
        sources = []
        for position in batch:
            tokens = [*self.spec.source_prefix, *chunks[position].tokens]
            if self.spec.add_end_token:
                tokens.append("</s>")
            sources.append(tokens)
        options = self.options
        prefix = [list(self.spec.target_prefix)] * len(sources) if self.spec.target_prefix else None
        try:
            outputs = self.model.translate_batch(
                sources,
                target_prefix=prefix,
                beam_size=max(options.beam_size, n_best),
                num_hypotheses=n_best,
                suppress_sequences=suppress,
                max_batch_size=options.batch_tokens,
                batch_type="tokens",
                max_input_length=0,  # inputs are already cut to the model's limit: never truncate
                max_decoding_length=limit + len(self.spec.target_prefix),
                repetition_penalty=options.repetition_penalty,
                no_repeat_ngram_size=options.no_repeat_ngram_size,
                return_scores=True,
                return_attention=True,
            )
        except (RuntimeError, ValueError) as exc:
            raise ModelError(f"{self.spec.model_dir}: the model failed to translate ({exc})") from None
        self.calls += 1
        for position, output in zip(batch, outputs):
            results[position] = output
        if progress is not None:
            progress(len({chunks[p].index for p in batch}))

    # -- finishing ---------------------------------------------------------------------------

    def _choose(self, prepared: _Prepared, output: Any, steering: Steering | None) -> int:
        """The hypothesis to use: the best-scoring one the glossary accepts, else the first."""
        if not prepared.steered or steering is None:
            return 0
        for index, pieces in enumerate(output.hypotheses):
            text, _ = _detokenize(self._without_prefix(list(pieces)))
            if steering.accepts(prepared.msgid, text.strip()):
                return index
        return 0

    def _without_prefix(self, pieces: list[str]) -> list[str]:
        skip = len(self.spec.target_prefix)
        return pieces[skip:] if pieces[:skip] == list(self.spec.target_prefix) else pieces

    def _finish(self, prepared: _Prepared, parts: Sequence[tuple[_Chunk, Any]], steering: Steering | None = None) -> Translation:
        """Join the chunks' outputs, put back placeholders and tags, and judge the result."""
        text_parts: list[str] = []
        target_spans: list[tuple[int, int]] = []
        links: list[int | None] = []
        source_spans: list[tuple[int, int] | None] = []
        score = 0.0
        choice = 0
        hypotheses = 1
        for chunk, output in parts:
            choice = self._choose(prepared, output, steering)
            hypotheses = len(output.hypotheses)
            pieces = list(output.hypotheses[choice])
            attention = list(output.attention[choice]) if output.attention else []
            skip = len(self.spec.target_prefix)
            if pieces[:skip] == list(self.spec.target_prefix):
                pieces, attention = pieces[skip:], attention[skip:]
            text, spans = _detokenize(pieces)
            base = sum(len(p) for p in text_parts)
            if text_parts and text and not text_parts[-1].endswith(" ") and not _no_space(text):
                text_parts.append(" ")
                base += 1
            text_parts.append(text)
            target_spans.extend((base + s, base + e) for s, e in spans)
            prefix = len(self.spec.source_prefix)
            local = alignment.align([row[prefix:] for row in attention], len(chunk.tokens))
            links.extend(None if link is None else link + len(source_spans) for link in local)
            source_spans.extend(chunk.spans)
            score += float(output.scores[choice]) if output.scores else 0.0
        target = "".join(text_parts).strip()
        target_spans = [(max(0, s - _lead(text_parts)), max(0, e - _lead(text_parts))) for s, e in target_spans]
        found: dict[str, tuple[int, int]] = {}
        for key, mark in prepared.protected.placeholders.items():
            at = target.find(mark)
            if at >= 0:
                found[key] = (at, at + len(mark))
        to_place = [i for i in prepared.items if i.key not in found]
        placement = alignment.place(to_place, source_spans, target, target_spans, links)
        placed = {**placement.spans, **found}
        unsure_keys = set(placement.unsure)
        # A tag around nothing but protected text wraps exactly that text in the target.
        for tag in prepared.items:
            for key, mark in prepared.protected.placeholders.items():
                point = next(i for i in prepared.items if i.key == key)
                if tag.kind == "open" and (tag.start, tag.end) == (point.start, point.end):
                    placed[tag.key] = placed[key]
                    unsure_keys.discard(tag.key)
        items = tuple(prepared.items)
        result = alignment.render(target, items, Placement(placed, frozenset(unsure_keys)), prepared.protected.renderings)
        for key, mark in prepared.protected.placeholders.items():
            result = result.replace(mark, "")  # a placeholder the model repeated
        try:
            check_tags(prepared.msgid, result)
        except TagMismatch:  # pragma: no cover - placement always yields every tag once
            result = prepared.msgid
        unsure = tuple(sorted(k for k in unsure_keys if not k.startswith("@")))
        average = score / max(1, len(parts))
        return Translation(
            prepared.msgid, result, round(average, 4), self.spec.describe(), unsure, find_loop(target),
            glossary_choice=choice + 1 if choice else None, hypotheses=hypotheses,
        )


def _device(requested: str, ctranslate2: Any) -> str:
    if requested == "auto":
        return "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
    if requested == "cuda" and ctranslate2.get_cuda_device_count() == 0:
        raise ModelError("--device cuda: no CUDA device is available here; use --device cpu or auto")
    if requested not in ("cpu", "cuda"):
        raise ModelError(f"unknown device {requested!r}; use cpu, cuda or auto")
    return requested


def _cut(text: str) -> int:
    """The best place to cut a long text in two: the boundary nearest its middle."""
    middle = len(text) // 2
    for pattern in _CLAUSE_BREAKS:
        cuts = [m.end() for m in pattern.finditer(text) if 0 < m.end() < len(text)]
        if cuts:
            return min(cuts, key=lambda c: abs(c - middle))
    return middle


_BYTE_PIECE = re.compile(r"^<0x([0-9A-Fa-f]{2})>$")


def _detokenize(pieces: Sequence[str]) -> tuple[str, list[tuple[int, int]]]:
    """SentencePiece pieces to text, with each piece's character range in it."""
    text = ""
    spans: list[tuple[int, int]] = []
    pending = bytearray()
    for piece in pieces:
        if piece in ("</s>", "<s>", "<unk>", "<blank>", "<pad>"):
            spans.append((len(text), len(text)))
            continue
        match = _BYTE_PIECE.match(piece)
        start = len(text)
        if match:
            pending.append(int(match.group(1), 16))
            try:
                text += pending.decode("utf-8")
                pending.clear()
            except UnicodeDecodeError:
                pass
        else:
            pending.clear()
            text += piece.replace("\u2581", " ")
        spans.append((start, len(text)))
    return text, spans


def _lead(parts: Sequence[str]) -> int:
    joined = "".join(parts)
    return len(joined) - len(joined.lstrip())


def _no_space(text: str) -> bool:
    return bool(text) and "\u3000" <= text[0] <= "\u9fff"


class PivotEngine:
    """Two engines in a row, through a pivot language (usually English)."""

    def __init__(self, first: Engine, second: Engine, pivot: str, first_terms: Terms = ()) -> None:
        self.first = first
        self.second = second
        self.pivot = pivot
        self.first_terms = first_terms
        self.identity = f"{first.identity} | {pivot} | {second.identity} | {list(first_terms)!r}"

    def translate(
        self, msgids: Sequence[str], terms: Terms = (), progress: Progress | None = None,
        steering: Steering | None = None,
    ) -> list[Translation]:
        """Translate into the pivot language, then from it; tags survive both legs.

        The glossary speaks the source language, so it steers neither leg.
        """
        middle = self.first.translate(msgids, self.first_terms)
        final = self.second.translate([m.text for m in middle], terms, progress)
        return [
            Translation(
                msgid=m.msgid,
                text=f.text,
                score=round((m.score + f.score) / 2, 4),
                engine=f"{m.engine} + {f.engine}",
                unsure_tags=tuple(sorted(set(m.unsure_tags) | set(f.unsure_tags))),
                loop=m.loop or f.loop,
                via=self.pivot,
            )
            for m, f in zip(middle, final)
        ]
