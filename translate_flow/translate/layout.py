"""What a converted CTranslate2 model says about itself, read from its files without loading it.

A model folder as CTranslate2's converters write it holds ``model.bin``, ``config.json``
and its vocabularies (``shared_vocabulary.json``, or ``source_vocabulary.json`` and
``target_vocabulary.json``; ``.txt`` in older versions). From them come the tokens the
model can read and write, its special tokens (markers and language tokens such as
``kaz_Cyrl``, ``>>rus<<`` or ``__en__``), and how many positions its position tables hold:
a model with learned or fixed tables (OPUS-MT: 512, NLLB-200: 1,024) fails on any longer
input, while a model with computed sinusoidal positions (the Argos models) has no limit.
"""

from __future__ import annotations

import difflib
import json
import re
import struct
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import BinaryIO

from ..errors import ModelError

__all__ = ["ModelLayout", "read_layout"]

#: Markers every converter may use, whether or not the vocabulary lists them.
MARKERS = frozenset({"</s>", "<s>", "<unk>", "<pad>", "<blank>"})
#: The forms of the other markers a vocabulary may hold: ``<mask>``, M2M-100's fillers
#: ``madeupword0``. SentencePiece's byte pieces (``<0xE2>``) are text, not markers.
MARKER_FORMS = (re.compile(r"<[a-z_]{2,16}>"), re.compile(r"madeupword[0-9]+"))
#: The forms language tokens take: NLLB ``kaz_Cyrl``, OPUS-MT ``>>kaz<<``, M2M-100 ``__kk__``.
LANGUAGE_TOKEN_FORMS = (
    re.compile(r"[a-z]{2,3}_[A-Z][a-z]{3}"),
    re.compile(r">>[A-Za-z_]{2,12}<<"),
    re.compile(r"__[A-Za-z_-]{2,12}__"),
)
# Each list as one pattern: a model's vocabulary has tens of thousands of tokens to try.
_LANGUAGE_TOKEN = re.compile("|".join(f"(?:{form.pattern})" for form in LANGUAGE_TOKEN_FORMS))
_MARKER = re.compile("|".join(f"(?:{form.pattern})" for form in MARKER_FORMS))
# config.json keys that name the length of the position tables (Hugging Face's, when a
# converted model folder carries one).
_POSITION_KEYS = ("max_position_embeddings", "max_source_positions")
_VOCABULARY_NAMES = ("shared_vocabulary", "source_vocabulary", "target_vocabulary")
_ENCODER_TABLE = "encoder/position_encodings/encodings"
_DECODER_TABLE = "decoder/position_encodings/encodings"


@dataclass(frozen=True)
class ModelLayout:
    """The vocabularies and position limits of one model folder."""

    source_vocabulary: frozenset[str]
    target_vocabulary: frozenset[str]
    input_positions: int | None = None  # rows of the encoder's position table; None: no limit
    output_positions: int | None = None  # rows of the decoder's

    @cached_property
    def language_tokens(self) -> tuple[str, ...]:
        """The vocabularies' tokens of a language-token form, sorted."""
        tokens = self.source_vocabulary | self.target_vocabulary
        return tuple(sorted(filter(_LANGUAGE_TOKEN.fullmatch, tokens)))

    @cached_property
    def special(self) -> frozenset[str]:
        """Tokens never shown in a translation: the markers and every language token."""
        markers = filter(_MARKER.fullmatch, self.target_vocabulary)
        return MARKERS | frozenset(markers) | frozenset(self.language_tokens)

    def input_limit(self, wanted: int) -> int:
        """*wanted* input tokens, or fewer when the position table holds fewer.

        One position is kept in reserve, as Hugging Face does for its padding offset.
        """
        return wanted if self.input_positions is None else min(wanted, self.input_positions - 1)

    def output_limit(self, wanted: int) -> int:
        """*wanted* output tokens (target prefix included), or as many as the decoder holds."""
        return wanted if self.output_positions is None else min(wanted, self.output_positions - 1)

    def check_tokens(self, tokens: Iterable[str], side: str, where: str) -> None:
        """Raise :class:`ModelError` naming the first of *tokens* the *side* vocabulary lacks."""
        vocabulary = self.source_vocabulary if side == "source" else self.target_vocabulary
        for token in tokens:
            if token in vocabulary:
                continue
            known = _likely(token, self.language_tokens)
            hint = f"; its language tokens include {', '.join(known)}" if known else ""
            raise ModelError(f"{side} token {token!r} is not in the model's vocabulary{hint}", path=where)


def _likely(token: str, languages: tuple[str, ...]) -> list[str]:
    """A few of *languages* the writer of *token* may have meant: close in spelling, else
    of the same first letter (``kk``: ``kaz_Cyrl``), else the first few."""
    close = difflib.get_close_matches(token, languages, n=3, cutoff=0.5)
    if close:
        return close
    letter = token.strip("<>_")[:1].lower()
    same = [t for t in languages if t.strip("<>_")[:1].lower() == letter]
    ranked = sorted(same, key=lambda t: -difflib.SequenceMatcher(None, token, t).ratio())
    return ranked[:5] or list(languages[:5])


def read_layout(model_dir: Path) -> ModelLayout:
    """The layout of the CTranslate2 model in *model_dir*; :class:`ModelError` when unreadable."""
    vocabularies = {name: _read_vocabulary(model_dir, name) for name in _VOCABULARY_NAMES}
    shared = vocabularies["shared_vocabulary"]
    source = shared if shared is not None else vocabularies["source_vocabulary"]
    target = shared if shared is not None else vocabularies["target_vocabulary"]
    if source is None or target is None:
        raise ModelError("has no vocabulary file; reinstall or reconvert the model", path=str(model_dir))
    configured = _configured_positions(model_dir / "config.json")
    tables = _position_tables(model_dir / "model.bin")
    encoder = configured or tables.get(_ENCODER_TABLE)
    decoder = configured or tables.get(_DECODER_TABLE, tables.get(_ENCODER_TABLE))
    return ModelLayout(frozenset(source), frozenset(target), encoder, decoder)


def _read_vocabulary(model_dir: Path, name: str) -> list[str] | None:
    json_path, text_path = model_dir / f"{name}.json", model_dir / f"{name}.txt"
    try:
        if json_path.is_file():
            tokens = json.loads(json_path.read_text(encoding="utf-8"))
            if not isinstance(tokens, list) or not all(isinstance(t, str) for t in tokens):
                raise ModelError("is not a list of tokens; reconvert the model", path=str(json_path))
            return tokens
        if text_path.is_file():
            return text_path.read_text(encoding="utf-8").splitlines()
    except (OSError, ValueError) as exc:
        raise ModelError(f"unreadable ({exc}); reinstall the model", path=str(json_path)) from None
    return None


def _configured_positions(path: Path) -> int | None:
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # CTranslate2 needs no config.json; its defaults say nothing of positions
    for key in _POSITION_KEYS:
        value = config.get(key) if isinstance(config, dict) else None
        if isinstance(value, int) and value > 0:
            return value
    return None


def _position_tables(path: Path) -> dict[str, int]:
    """Rows of each position table in ``model.bin``, by variable name; headers only are read."""
    tables: dict[str, int] = {}
    try:
        with path.open("rb") as model:
            version = _unpack(model, "I")
            if version < 2:
                return tables  # an old layout this reader does not know: no limit learned
            _string(model)  # the spec's name
            _unpack(model, "I")  # its revision
            shapes: dict[str, tuple[int, ...]] = {}
            for _ in range(_unpack(model, "I")):
                name = _string(model)
                shape = tuple(_unpack(model, "I") for _ in range(_unpack(model, "B")))
                _unpack(model, "B")  # the data type
                model.seek(_unpack(model, "I"), 1)
                shapes[name] = shape
            for _ in range(_unpack(model, "I")):  # aliases: shared weights written once
                alias, name = _string(model), _string(model)
                if name in shapes:
                    shapes[alias] = shapes[name]
    except (OSError, struct.error, UnicodeDecodeError):
        return tables  # the loader says what is wrong with the file
    for name in (_ENCODER_TABLE, _DECODER_TABLE):
        if name in shapes and len(shapes[name]) == 2:
            tables[name] = shapes[name][0]
    return tables


def _unpack(stream: BinaryIO, kind: str) -> int:
    size = struct.calcsize(kind)
    value: int = struct.unpack(kind, stream.read(size))[0]
    return value


def _string(stream: BinaryIO) -> str:
    length = _unpack(stream, "H")
    return stream.read(length).rstrip(b"\0").decode("utf-8")
