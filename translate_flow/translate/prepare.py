"""Input preparation: msgids as one model will see them, and the batches they travel in.

Numbered tags are removed (alignment puts them back afterwards), protected text becomes
placeholders in a form the model's tokenizer keeps whole, inputs longer than the model's
limit are cut at clause boundaries, and the pieces are sorted by length into token-budget
batches.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any

from .. import alignment
from ..alignment import Item
from ..markup import spaced_voids
from ..protect import Protected, Span, find_spans, protect
from .base import DecodeOptions, ModelSpec, Steering, Terms
from .layout import ModelLayout

__all__ = ["Batch", "Chunk", "Preparer", "Prepared", "batches", "cut", "output_bound"]

# Where a long input may be cut, best first: sentence ends, clause ends, commas, spaces.
CLAUSE_BREAKS = (re.compile(r"(?<=[.!?。！？])\s+"), re.compile(r"(?<=[;:；：])\s*"),
                 re.compile(r"(?<=[,，、])\s*"), re.compile(r"\s+"))
PLACEHOLDER_FORMS = ("⟦{n}⟧", "[{n}]", "{{{n}}}", "<{n}>", "#{n}#", "X{n}X", "x{n}x", "{n}")

TokenSpans = tuple[tuple[int, int] | None, ...]


@dataclass(frozen=True)
class Chunk:
    """A piece of one input as the model sees it."""

    index: int  # which input
    offset: int  # where the piece starts in the input's model text
    text: str
    tokens: tuple[str, ...]
    spans: TokenSpans  # per token, in the input's model text


@dataclass(frozen=True)
class Prepared:
    """One input ready for the model."""

    msgid: str
    stripped: alignment.Stripped
    protected: Protected
    items: tuple[Item, ...]
    chunks: tuple[Chunk, ...]
    steered: bool = False  # decoded as an n-best list the glossary chooses from


@dataclass(frozen=True)
class Batch:
    """Chunks the model translates in one call."""

    positions: tuple[int, ...]  # indexes into the list of chunks
    bound: int  # the output-length bound, the same for every chunk of the batch
    n_best: int  # hypotheses per chunk


class Preparer:
    """Turns msgids into chunks of source tokens for one model and its tokenizer."""

    def __init__(
        self, spec: ModelSpec, source_sp: Any, *, max_input_tokens: int | None = None,
        vocabulary: Collection[str] | None = None,
    ) -> None:
        """*max_input_tokens* (the spec's by default) is what the model takes; placeholders
        take a form whose pieces are all in *vocabulary*, when given."""
        self.spec = spec
        self.source_sp = source_sp
        form = _placeholder(source_sp, vocabulary)
        self.placeholder = _formatter(form or PLACEHOLDER_FORMS[-1])
        #: What this model cannot do with its inputs, one line each.
        self.limits: tuple[str, ...] = () if form else (
            "no placeholder form is in the model's vocabulary: protected text goes back by alignment alone",
        )
        # The source prefix and the end token count against the model's limit too.
        wanted = spec.max_input_tokens if max_input_tokens is None else max_input_tokens
        self.limit = max(8, wanted - len(spec.source_prefix) - 1)

    @classmethod
    def for_model(cls, spec: ModelSpec, source_sp: Any, layout: ModelLayout) -> Preparer:
        """The preparer of *spec*'s model as its folder describes it (*layout*): inputs cut
        to what its position table holds, placeholders in a form both vocabularies have."""
        return cls(spec, source_sp, max_input_tokens=layout.input_limit(spec.max_input_tokens),
                   vocabulary=layout.source_vocabulary & layout.target_vocabulary)

    def prepare(self, index: int, msgid: str, terms: Terms, steering: Steering | None = None) -> Prepared:
        """*msgid* without tags, its protected spans as placeholders, cut into chunks."""
        # A line break between words must reach the model as a space, or the words run together.
        stripped = alignment.strip_tags(spaced_voids(msgid))
        barriers = sorted({edge for item in stripped.items for edge in (item.start, item.end)})
        spans: list[Span] = find_spans(stripped.text, terms, barriers)
        protected = protect(stripped.text, spans, self.placeholder)
        tags = tuple(
            Item(i.key, i.kind, protected.shift(i.start), protected.shift(i.end)) for i in stripped.items
        )
        chunks = self.chunks(index, protected.text)
        # Only whole sentences are steered: a cut one has no single n-best list to choose from.
        steered = steering is not None and len(chunks) == 1 and steering.wants(msgid)
        return Prepared(msgid, stripped, protected, tags + protected.items, chunks, steered)

    def chunks(self, index: int, text: str) -> tuple[Chunk, ...]:
        """Cut the text into pieces the model takes whole, at the best clause boundaries."""
        pending = [(0, text)]
        done: list[Chunk] = []
        while pending:
            offset, piece = pending.pop(0)
            tokens, spans = self.tokenize(piece, offset)
            if len(tokens) <= self.limit or len(piece) < 2:
                done.append(Chunk(index, offset, piece, tokens, spans))
                continue
            at = cut(piece)
            pending[0:0] = [(offset, piece[:at]), (offset + at, piece[at:])]
        return tuple(done)

    def tokenize(self, text: str, offset: int) -> tuple[tuple[str, ...], TokenSpans]:
        """The SentencePiece pieces of *text*, each with its character range plus *offset*."""
        proto = self.source_sp.encode(text, out_type="proto")
        encoded = text.encode("utf-8")
        tokens: list[str] = []
        spans: list[tuple[int, int] | None] = []
        for piece in proto.pieces:
            tokens.append(piece.piece)
            # SentencePiece counts bytes; alignment counts characters.
            begin = len(encoded[: piece.begin].decode("utf-8", errors="ignore"))
            end = len(encoded[: piece.end].decode("utf-8", errors="ignore"))
            spans.append((offset + begin, offset + end))
        return tuple(tokens), tuple(spans)


def _placeholder(source_sp: Any, vocabulary: Collection[str] | None) -> str | None:
    unknown = source_sp.unk_id()
    for form in PLACEHOLDER_FORMS:
        sample = form.format(n=12)
        ids = source_sp.encode(sample)
        if unknown in ids or source_sp.decode(ids) != sample:
            continue
        if vocabulary is None or all(source_sp.id_to_piece(i) in vocabulary for i in ids):
            return form
    return None


def _formatter(form: str) -> Callable[[int], str]:
    return lambda n: form.format(n=n)


def cut(text: str) -> int:
    """The best place to cut a long text in two: the boundary nearest its middle."""
    middle = len(text) // 2
    for pattern in CLAUSE_BREAKS:
        cuts = [m.end() for m in pattern.finditer(text) if 0 < m.end() < len(text)]
        if cuts:
            return min(cuts, key=lambda c: abs(c - middle))
    return middle


def batches(
    chunks: Sequence[Chunk], steered: set[int], spec: ModelSpec, options: DecodeOptions, device: str,
) -> list[Batch]:
    """Every chunk in a batch, sorted by length, each batch about ``batch_tokens`` tokens.

    Chunks of *steered* inputs go in batches of their own, decoded as n-best lists. A batch
    holds inputs of one output-length bound only, so each input's translation depends on
    the input alone, never on what else happened to be in its batch.
    """
    planned: list[Batch] = []
    for n_best in (1, options.n_best):
        examples = options.batch_examples or max(
            8, (512 if device == "cuda" else 32) // max(options.beam_size, n_best))
        group = [i for i in range(len(chunks)) if (chunks[i].index in steered) == (n_best > 1)]
        order = sorted(group, key=lambda i: len(chunks[i].tokens))
        batch: list[int] = []
        size = 0
        bound = 0
        for position in order:
            length = len(chunks[position].tokens) + len(spec.source_prefix) + 1
            limit = output_bound(length, options)
            full = size + length > options.batch_tokens or len(batch) >= examples
            if batch and (full or limit != bound):
                planned.append(Batch(tuple(batch), bound, n_best))
                batch, size = [], 0
            batch.append(position)
            size += length
            bound = limit
        if batch:
            planned.append(Batch(tuple(batch), bound, n_best))
    return planned


def output_bound(length: int, options: DecodeOptions) -> int:
    """The output-length bound for an input of *length* tokens, in steps of 16."""
    wanted = int(length * options.length_ratio) + options.length_extra
    return min(options.max_decoding_length, -(-wanted // 16) * 16)
