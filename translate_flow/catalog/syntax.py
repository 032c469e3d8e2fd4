"""What the ``.po`` text format fixes for the reader and the writer alike.

The escapes of a quoted string and the width lines wrap at, as GNU gettext writes and
reads them: each is written once here, so what :mod:`.writer` writes :mod:`.reader`
reads back.
"""

from __future__ import annotations

import re

__all__ = ["ESCAPES", "WRAP_WIDTH", "escape", "unescape"]

WRAP_WIDTH = 79  # gettext's page width: no line it writes is longer, unless one word is

# (character, its escape in a quoted string), as GNU gettext escapes them: the backslash
# first, so the backslashes of the other escapes are not escaped again.
ESCAPES = (
    ("\\", "\\\\"), ("\a", "\\a"), ("\b", "\\b"), ("\t", "\\t"), ("\n", "\\n"),
    ("\v", "\\v"), ("\f", "\\f"), ("\r", "\\r"), ('"', '\\"'),
)
_NEEDS_ESCAPE = re.compile("[" + re.escape("".join(raw for raw, _ in ESCAPES)) + "]")
# What a reader takes: the escapes above, and those of C that gettext reads but never
# writes (\' and \?, octal and hexadecimal codes).
_UNESCAPES = {escaped[1]: raw for raw, escaped in ESCAPES} | {"'": "'", "?": "?"}
_ESCAPED = re.compile(r"\\(?:([0-7]{1,3})|x([0-9A-Fa-f]+)|(.))", re.DOTALL)


def escape(text: str) -> str:
    """Escape text for a quoted .po string, as gettext does."""
    if not _NEEDS_ESCAPE.search(text):
        return text
    for raw, escaped in ESCAPES:
        text = text.replace(raw, escaped)
    return text


def _unescape_one(match: re.Match[str]) -> str:
    octal, hexadecimal, char = match.groups()
    if octal is not None:
        return chr(int(octal, 8))
    if hexadecimal is not None:
        return chr(int(hexadecimal, 16))
    return _UNESCAPES.get(char, "\\" + char)  # an unknown escape stays as it was written


def unescape(text: str) -> str:
    """The text of a quoted .po string (without its quotes), as gettext reads it."""
    return _ESCAPED.sub(_unescape_one, text) if "\\" in text else text
