"""What the ``.po`` text format fixes for the reader and the writer alike.

The escapes of a quoted string, the width lines wrap at, and the order of the header
fields: each is written once here, so what :mod:`.writer` writes :mod:`.reader` reads back.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from .model import HEADER_ORDER

__all__ = ["ESCAPES", "WRAP_WIDTH", "escape", "header_fields", "natural_sort", "unescape"]

WRAP_WIDTH = 79  # polib's default, which the catalogs have always been written with

# (character, its escape in a quoted string), in the order polib escapes them: the
# backslash first, so the backslashes of the other escapes are not escaped again.
ESCAPES = (
    ("\\", "\\\\"), ("\t", "\\t"), ("\r", "\\r"), ("\n", "\\n"),
    ("\v", "\\v"), ("\b", "\\b"), ("\f", "\\f"), ('"', '\\"'),
)
_NEEDS_ESCAPE = re.compile("[" + re.escape("".join(raw for raw, _ in ESCAPES)) + "]")
_UNESCAPES = {escaped[1]: raw for raw, escaped in ESCAPES}
_ESCAPED = re.compile(r"\\([" + re.escape("".join(_UNESCAPES)) + "])")
_DIGITS = re.compile("([0-9]+)")


def escape(text: str) -> str:
    """Escape text for a quoted .po string, as polib does."""
    if not _NEEDS_ESCAPE.search(text):
        return text
    for raw, escaped in ESCAPES:
        text = text.replace(raw, escaped)
    return text


def unescape(text: str) -> str:
    """The text of a quoted .po string (without its quotes), as polib reads it."""
    return _ESCAPED.sub(lambda m: _UNESCAPES[m.group(1)], text) if "\\" in text else text


def natural_sort(names: Iterable[str]) -> list[str]:
    """Sort names as polib does: runs of digits by value, the rest ignoring case."""

    def key(name: str) -> list[int | str]:
        return [int(part) if part.isdigit() else part.lower() for part in _DIGITS.split(name)]

    return sorted(names, key=key)


def header_fields(fields: Mapping[str, str]) -> list[tuple[str, str]]:
    """The header *fields* in polib's order: gettext's own fields, then the others sorted."""
    known = [(name, fields[name]) for name in HEADER_ORDER if name in fields]
    others = [(name, fields[name]) for name in natural_sort(n for n in fields if n not in HEADER_ORDER)]
    return known + others
