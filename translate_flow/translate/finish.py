"""Output finishing: from the model's hypotheses for one input to a :class:`Translation`.

The glossary picks among n-best hypotheses; SentencePiece pieces become text (special
tokens and the target-language token dropped), each piece keeping its character range;
the pieces of a cut input are joined; placeholders and tags go back where the attention
alignment puts them; and output that loops is flagged for a reviewer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .. import alignment, textrules
from ..alignment import Placement
from ..markup import TagMismatch, check_tags
from .base import ModelSpec, Steering, Translation
from .layout import MARKERS
from .prepare import Chunk, Prepared

__all__ = ["Finishing", "ModelFailure", "choose", "detokenize", "find_loop", "finish"]

_SPECIAL_PIECES = MARKERS  # what every converter's vocabulary may mark; a model's layout knows more
_BYTE_PIECE = re.compile(r"^<0x([0-9A-Fa-f]{2})>$")


@dataclass(frozen=True)
class Finishing:
    """What finishing needs to know of the model and the run."""

    special: frozenset[str] = _SPECIAL_PIECES  # pieces never shown: markers, language tokens
    unsuppressed: tuple[str, ...] = ()  # forbidden variants the model's vocabulary cannot write


@dataclass(frozen=True)
class ModelFailure:
    """In place of the model's output for a chunk it failed on, even alone."""

    reason: str


@dataclass(frozen=True)
class _Joined:
    """The chosen hypotheses of an input's chunks, joined into one target text."""

    text: str
    target_spans: list[tuple[int, int]]  # per target piece, in text
    links: list[int | None]  # per target piece: the source token it aligns with
    source_spans: list[tuple[int, int] | None]  # per source token, in the model text
    score: float
    choice: int  # the hypothesis chosen for the last chunk (0: the model's first)
    hypotheses: int


def finish(
    prepared: Prepared, parts: Sequence[tuple[Chunk, Any]], spec: ModelSpec, steering: Steering | None = None,
    finishing: Finishing = Finishing(),
) -> Translation:
    """Join the chunks' outputs, put back placeholders and tags, and judge the result.

    An input with a chunk the model failed on is left untranslated (empty), with a note.
    """
    failed = [output.reason for _, output in parts if isinstance(output, ModelFailure)]
    if failed:
        note = f"left untranslated: the model failed on this text ({failed[0]})"
        return Translation(prepared.msgid, "", 0.0, spec.describe(), notes=(note,))
    joined = _join(prepared, parts, spec, steering, finishing.special)
    text, unsure = _restore(prepared, joined)
    average = joined.score / max(1, len(parts))
    written = text.casefold()
    notes = tuple(
        f"the forbidden variant \u201c{variant}\u201d could not be suppressed: the model's vocabulary cannot write it"
        for variant in finishing.unsuppressed if variant.casefold() in written
    )
    return Translation(
        prepared.msgid, text, round(average, 4), spec.describe(), unsure, find_loop(joined.text),
        glossary_choice=joined.choice + 1 if joined.choice else None, hypotheses=joined.hypotheses, notes=notes,
    )


def choose(
    prepared: Prepared, output: Any, target_prefix: Sequence[str], steering: Steering | None,
    special: frozenset[str] = _SPECIAL_PIECES,
) -> int:
    """The hypothesis to use: the best-scoring one the glossary accepts, else the first."""
    if not prepared.steered or steering is None:
        return 0
    for index, pieces in enumerate(output.hypotheses):
        text, _ = detokenize(_without_prefix(list(pieces), target_prefix), special)
        if steering.accepts(prepared.msgid, text.strip()):
            return index
    return 0


def detokenize(pieces: Sequence[str], special: frozenset[str] = _SPECIAL_PIECES) -> tuple[str, list[tuple[int, int]]]:
    """SentencePiece pieces to text, with each piece's character range in it; *special*
    pieces (markers and language tokens) are left out."""
    text = ""
    spans: list[tuple[int, int]] = []
    pending = bytearray()
    for piece in pieces:
        if piece in special:
            spans.append((len(text), len(text)))
            continue
        match = _BYTE_PIECE.match(piece)
        start = len(text)
        if match:
            # A character the vocabulary lacks comes as its UTF-8 bytes, one piece each.
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


def _without_prefix(pieces: list[str], target_prefix: Sequence[str]) -> list[str]:
    skip = len(target_prefix)
    return pieces[skip:] if pieces[:skip] == list(target_prefix) else pieces


def _join(
    prepared: Prepared, parts: Sequence[tuple[Chunk, Any]], spec: ModelSpec, steering: Steering | None,
    special: frozenset[str],
) -> _Joined:
    text_parts: list[str] = []
    target_spans: list[tuple[int, int]] = []
    links: list[int | None] = []
    source_spans: list[tuple[int, int] | None] = []
    score = 0.0
    choice = 0
    hypotheses = 1
    for chunk, output in parts:
        choice = choose(prepared, output, spec.target_prefix, steering, special)
        hypotheses = len(output.hypotheses)
        pieces = list(output.hypotheses[choice])
        attention = list(output.attention[choice]) if output.attention else []
        skip = len(spec.target_prefix)
        if pieces[:skip] == list(spec.target_prefix):
            pieces, attention = pieces[skip:], attention[skip:]
        text, spans = detokenize(pieces, special)
        base = sum(len(p) for p in text_parts)
        if text_parts and text and not text_parts[-1].endswith(" ") and not textrules.joins_without_space(text):
            text_parts.append(" ")
            base += 1
        text_parts.append(text)
        target_spans.extend((base + s, base + e) for s, e in spans)
        prefix = len(spec.source_prefix)
        local = alignment.align([row[prefix:] for row in attention], len(chunk.tokens))
        links.extend(None if link is None else link + len(source_spans) for link in local)
        source_spans.extend(chunk.spans)
        score += float(output.scores[choice]) if output.scores else 0.0
    lead = _lead(text_parts)
    return _Joined(
        "".join(text_parts).strip(),
        [(max(0, s - lead), max(0, e - lead)) for s, e in target_spans],
        links, source_spans, score, choice, hypotheses,
    )


def _restore(prepared: Prepared, joined: _Joined) -> tuple[str, tuple[str, ...]]:
    """The target with placeholders and tags put back, and the tags placed by a guess."""
    target = joined.text
    placeholders = prepared.protected.placeholders
    found: dict[str, tuple[int, int]] = {}
    for key, mark in placeholders.items():
        at = target.find(mark)
        if at >= 0:
            found[key] = (at, at + len(mark))
    to_place = [i for i in prepared.items if i.key not in found]
    placement = alignment.place(to_place, joined.source_spans, target, joined.target_spans, joined.links)
    placed = {**placement.spans, **found}
    unsure_keys = set(placement.unsure)
    # A tag around nothing but protected text wraps exactly that text in the target.
    for tag in prepared.items:
        for key in placeholders:
            point = next(i for i in prepared.items if i.key == key)
            if tag.kind == "open" and (tag.start, tag.end) == (point.start, point.end):
                placed[tag.key] = placed[key]
                unsure_keys.discard(tag.key)
    items = tuple(prepared.items)
    result = alignment.render(target, items, Placement(placed, frozenset(unsure_keys)), prepared.protected.renderings)
    for mark in placeholders.values():
        result = result.replace(mark, "")  # a placeholder the model repeated
    try:
        check_tags(prepared.msgid, result)
    except TagMismatch:  # pragma: no cover - placement always yields every tag once
        result = prepared.msgid
    # Keys starting with "@" are protected spans, not tags: a reviewer has no tag to check.
    return result, tuple(sorted(k for k in unsure_keys if not k.startswith("@")))


def _lead(parts: Sequence[str]) -> int:
    joined = "".join(parts)
    return len(joined) - len(joined.lstrip())


def find_loop(text: str, times: int = 3, longest: int = 8) -> str | None:
    """A stretch of words (characters for Chinese) repeated *times* times in a row, if any."""
    found = textrules.find_repeat(text, times, longest)
    return " ".join(found.tokens) if found else None
