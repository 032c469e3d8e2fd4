"""Writing the catalog model as ``.po`` text, in GNU gettext's own layout.

The text is what ``msgcat`` writes for the same catalog: the same comment lines, the
same references per line, strings wrapped at the same places. So a catalog this tool
wrote goes through ``msgcat``, ``msgmerge`` and the editors built on them unchanged, and
one they wrote comes back from this tool as they left it.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .linebreak import break_opportunities, fill, is_simple, simple_breaks
from .model import Catalog, Message
from .syntax import WRAP_WIDTH, escape

__all__ = ["write_po"]

_CACHED_FIELDS = 16384
_ESCAPE = re.compile(r"\\.", re.DOTALL)
# The directives of the format strings gettext knows best, by flag: gettext breaks no
# line inside one. Its C parser takes any run of size modifiers ("%qld").
_DIRECTIVES = {
    "c-format": re.compile(
        r"%(?:[0-9]+\$)?[-+ #0']*(?:[0-9]+|\*)?(?:\.(?:[0-9]+|\*))?[hlLqjzZt]*[diouxXeEfFgGaAcspnm%]"),
    # Python's conversions as gettext 0.21 knows them: no "%a" (ascii()).
    "python-format": re.compile(r"%(?:\([^)]*\))?[-+ #0]*(?:[0-9]+|\*)?(?:\.(?:[0-9]+|\*))?[hlL]?[diouxXeEfFgGcrs%]"),
}
_UNLIMITED = 2**31 - 1  # gettext's width for an entry that is not to be wrapped
_LINES = re.compile("[^\n]*\n|[^\n]+")  # each up to and with its line feed; no other line end counts


def write_po(catalog: Catalog) -> str:
    """Render a catalog as ``.po`` text (the same catalog always gives the same text)."""
    header_entry = Message(
        msgid="",
        msgstr="".join(f"{name}: {value}\n" for name, value in catalog.header),
        flags=catalog.header_flags,
        translator_comments=tuple(catalog.header_comment.split("\n")) if catalog.header_comment else (),
    )
    entries = [header_entry]
    entries.extend(m for m in catalog.messages if not m.obsolete)
    entries.extend(m for m in catalog.messages if m.obsolete)
    return "\n".join(_entry_text(m) for m in entries)


@lru_cache(maxsize=_CACHED_FIELDS)
def _entry_text(message: Message) -> str:
    """One entry as gettext writes it, ending in a newline. Cached: a template's entries
    come again, the same, in each new language's catalog."""
    lines: list[str] = []
    lines.extend("# " + line if line else "#" for line in message.translator_comments)
    lines.extend("#. " + line if line else "#." for line in message.auto_comments)
    if message.references:
        lines.extend(_references(message.references))
    # gettext drops a fuzzy mark from an entry with nothing to review (no msgstr, or no
    # first plural form), and so does this.
    flags = message.flags if message.msgstr else tuple(f for f in message.flags if f != "fuzzy")
    if flags:
        lines.append("#, " + ", ".join(flags))
    wrap = "no-wrap" not in message.flags
    directives = next((flag for flag in message.flags if flag in _DIRECTIVES), "")
    previous = "#~| " if message.obsolete else "#| "
    # gettext's syntax has no previous msgctxt without a previous msgid.
    for keyword, value in (
        ("msgctxt", message.previous_msgctxt if message.previous_msgid is not None else None),
        ("msgid", message.previous_msgid),
        ("msgid_plural", message.previous_msgid_plural),
    ):
        if value is not None:
            lines.append(_field(previous, keyword, value, wrap, directives))
    prefix = "#~ " if message.obsolete else ""
    if message.msgctxt is not None:
        lines.append(_field(prefix, "msgctxt", message.msgctxt, wrap, directives))
    lines.append(_field(prefix, "msgid", message.msgid, wrap, directives))
    if message.msgid_plural is None:
        lines.append(_field(prefix, "msgstr", message.msgstr, wrap, directives))
    else:
        lines.append(_field(prefix, "msgid_plural", message.msgid_plural, wrap, directives))
        forms = message.msgstr_plural or (message.msgstr,)
        lines.extend(_field(prefix, f"msgstr[{n}]", form, wrap, directives) for n, form in enumerate(forms))
    lines.append("")
    return "\n".join(lines)


def _references(references: tuple[tuple[str, int], ...]) -> list[str]:
    """``#:`` lines with as many references as fit in the width; line 0 means none."""
    lines: list[str] = []
    line, column = "#:", 2
    for path, number in references:
        where = f"{path}:{number}" if number else path
        if column > 2 and column + len(where) + 1 > WRAP_WIDTH:
            lines.append(line)
            line, column = "#:", 2
        line += " " + where
        column += len(where) + 1
    lines.append(line)
    return lines


@lru_cache(maxsize=_CACHED_FIELDS)
def _field(prefix: str, keyword: str, value: str, wrap: bool = True, directives: str = "") -> str:
    """A keyword and its quoted string, as gettext's ``wrap`` writes them.

    Each line of the value (up to and with its ``\\n``) is wrapped on its own (unless
    not *wrap*: an entry flagged ``no-wrap``), never inside a format directive of the
    kind *directives* names (``c-format``, ``python-format``); when the value has more than one line or
    does not fit after the keyword, the keyword takes an empty string and the text starts
    on the next line. Cached: a template and its catalogs, and the pages of one site,
    repeat most of their texts.
    """
    # Columns count from the opening quote of a continuation line; one is left for the
    # closing quote.
    after_break = len(prefix) + 1
    width = (WRAP_WIDTH if wrap else _UNLIMITED) - 1 - after_break
    portions = _LINES.findall(value) or [""]
    out: list[str] = []
    first = True
    for number, portion in enumerate(portions):
        escaped = escape(portion)
        start = len(prefix) + len(keyword) + 2 - after_break if first else 0
        breaks = _breaks(portion, escaped, width, start, directives)
        if first and escaped and (number + 1 < len(portions) or start > width or breaks):
            out.append(f'{prefix}{keyword} ""')
            first = False
            breaks = _breaks(portion, escaped, width, 0, directives)
        head = f"{prefix}{keyword} " if first else prefix
        first = False
        pieces = [escaped[a:b] for a, b in zip([0, *breaks], [*breaks, len(escaped)])]
        out.append(head + '"' + f'"\n{prefix}"'.join(pieces) + '"')
    return "\n".join(out)


def _breaks(portion: str, escaped: str, width: int, start: int, directives: str) -> list[int]:
    """Where gettext breaks the *escaped* text of *portion*; no break inside an escape or
    a format directive, nor before the ``\\n`` that ends a line."""
    if escaped.isascii() and start + len(escaped) <= width:
        return []  # fits: most short texts end here
    forbidden: set[int] = set()
    if len(escaped) != len(portion):
        forbidden.update(m.start() + 1 for m in _ESCAPE.finditer(escaped))
        if portion.endswith("\n"):
            forbidden.add(len(escaped) - 2)
    if directives and "%" in escaped:
        # As gettext's parsers: directive after directive, up to the first invalid one.
        directive, position = _DIRECTIVES[directives], escaped.find("%")
        while position >= 0 and (match := directive.match(escaped, position)) is not None:
            forbidden.update(range(match.start() + 1, match.end()))
            position = escaped.find("%", match.end())
    if is_simple(escaped):
        return simple_breaks(escaped, width, start, forbidden)
    opportunities = break_opportunities(escaped)
    return fill(escaped, width, start, [p for p in opportunities if p not in forbidden] if forbidden else opportunities)
