"""Machine translation: CTranslate2 called directly, in large batches.

A :class:`Translator` loads one model once and translates any number of msgids in three
steps, one module each: :mod:`.prepare` removes numbered tags, turns protected text into
placeholders, cuts long inputs at clause boundaries and sorts everything into token-budget
batches; :mod:`.translator` runs the model on those batches; :mod:`.finish` picks the
hypothesis the glossary accepts and puts placeholders and tags back by alignment.
:mod:`.layout` reads what a model folder says about itself (vocabularies, language
tokens, position tables) before the first batch.
:mod:`.base` holds what every engine takes and gives; :mod:`.engines` the engines built
from others (a pivot) or from no model (pseudo-localization).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy import lazy_getattr
from .base import DecodeOptions, Engine, ModelSpec, Advance, Steering, Terms, Translation, output_hash

if TYPE_CHECKING:  # imported when first used: what holds data needs no model code
    from .engines import PivotEngine, PseudoEngine
    from .finish import find_loop
    from .translator import Translator

__getattr__ = lazy_getattr(__name__, {
    ".engines": ("PivotEngine", "PseudoEngine"),
    ".finish": ("find_loop",),
    ".translator": ("Translator",),
}, globals())

__all__ = [
    "DecodeOptions",
    "Engine",
    "ModelSpec",
    "PivotEngine",
    "Advance",
    "PseudoEngine",
    "Steering",
    "Terms",
    "Translation",
    "Translator",
    "find_loop",
    "output_hash",
]
