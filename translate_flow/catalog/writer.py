"""Writing the catalog model as ``.po`` text, exactly as polib writes it.

Catalogs keep their layout byte for byte whichever tool wrote them last; building polib's
objects and wrapping with :mod:`textwrap` took several times as long as writing the text
directly, which is what :func:`write_po` does.
"""

from __future__ import annotations

import bisect
import itertools
import re
import textwrap
from functools import lru_cache

from .model import Catalog, Message
from .syntax import WRAP_WIDTH, escape, header_fields

__all__ = ["write_po"]

_CACHED_FIELDS = 16384
# What textwrap turns into spaces before it wraps (tabs first expanded), and its chunks
# where there is no hyphen: runs of spaces and words.
_MUNGED = re.compile("[\t\n\x0b\x0c\r]")
_WHITESPACE_TO_SPACE = str.maketrans(dict.fromkeys("\t\n\x0b\x0c\r", " "))
_SPACES_OR_WORD = re.compile("[ ]+|[^ ]+")


def write_po(catalog: Catalog) -> str:
    """Render a catalog as ``.po`` text (the same catalog always gives the same text).

    The text is exactly what polib writes, wrapped at
    :data:`~translate_flow.catalog.syntax.WRAP_WIDTH` columns.
    """
    # As polib: a repeated field keeps its first place and its last value.
    fields = header_fields(dict(catalog.header))
    header_entry = Message(
        msgid="",
        msgstr="".join(f"{name}: {value}\n" for name, value in fields),
        flags=("fuzzy",) if "fuzzy" in catalog.header_flags else (),
    )
    entries = [header_entry]
    entries.extend(m for m in catalog.messages if not m.obsolete)
    entries.extend(m for m in catalog.messages if m.obsolete)
    comment = "".join(
        "#\n" if not line else f"#{line}\n" if line[0] in ",:" else f"# {line}\n"
        for line in catalog.header_comment.split("\n")
    )
    return comment + "\n".join(_entry_text(m) for m in entries)


def _entry_text(message: Message) -> str:
    """One entry as polib writes it, ending in a newline."""
    lines: list[str] = []
    if message.translator_comments:
        _add_comments(lines, "# ", message.translator_comments)
    if not message.obsolete:
        if message.auto_comments:
            _add_comments(lines, "#. ", message.auto_comments)
        if message.references:
            files = " ".join([f"{path}:{line}" for path, line in message.references])
            if len(files) + 3 > WRAP_WIDTH:
                # polib keeps hyphenated file names whole by hiding their hyphens from
                # textwrap (as "*", which it turns back into "-" after, whatever it was).
                wrapped = _wrap(files.replace("-", "*"), WRAP_WIDTH - 3, True)
                lines.extend(["#: " + line.replace("*", "-") for line in wrapped])
            else:
                lines.append("#: " + files)
    if message.flags:
        lines.append("#, " + ", ".join(message.flags))
    if message.previous_msgctxt is not None or message.previous_msgid is not None:
        previous = "#~| " if message.obsolete else "#| "
        if message.previous_msgctxt is not None:
            lines.append(_field("msgctxt", len("previous_msgctxt"), previous, message.previous_msgctxt))
        if message.previous_msgid is not None:
            lines.append(_field("msgid", len("previous_msgid"), previous, message.previous_msgid))
    prefix = "#~ " if message.obsolete else ""
    if message.msgctxt is not None:
        lines.append(_field("msgctxt", len("msgctxt"), prefix, message.msgctxt))
    lines.append(_field("msgid", len("msgid"), prefix, message.msgid))
    lines.append(_field("msgstr", len("msgstr"), prefix, message.msgstr))
    lines.append("")
    return "\n".join(lines)


def _add_comments(lines: list[str], prefix: str, comments: tuple[str, ...]) -> None:
    """Comment lines, one per comment and never wrapped (as msgmerge writes them).

    polib wraps long comments, which would split a provenance comment (and its output
    hash) over two lines that read back as two comments. As polib, a single empty comment
    writes nothing.
    """
    if len(comments) == 1 and not comments[0]:
        return
    for comment in comments:
        lines.extend(prefix + text for text in comment.split("\n"))


@lru_cache(maxsize=_CACHED_FIELDS)
def _field(keyword: str, counted: int, prefix: str, value: str) -> str:
    """A keyword and its quoted string, split at line ends or wrapped as polib does.

    *counted* is the length polib counts for the keyword (for ``#| msgid`` that of
    ``previous_msgid``, a quirk kept so the text stays the same). Cached: a template and
    its catalogs, and the pages of one site, repeat most of their texts.
    """
    lines = value.splitlines(True)
    if len(lines) > 1:
        parts = ["", *map(escape, lines)]
    else:
        escaped = escape(value)
        specials = len(escaped) - len(value)  # every escape adds one character
        if len(value) <= WRAP_WIDTH - (counted + 3) + specials:
            return f'{prefix}{keyword} "{escaped}"'
        # Breaks fall only at spaces and after hyphens, never inside an escape.
        parts = ["", *_wrap(escaped, WRAP_WIDTH - 2, False)]
    return f'{prefix}{keyword} ""' + "".join([f'\n{prefix}"{part}"' for part in parts[1:]])


def _wrap(text: str, width: int, drop_whitespace: bool) -> list[str]:
    """``textwrap.wrap(text, width, break_long_words=False, drop_whitespace=...)``.

    The same lines by the same rules, found with fewer steps: textwrap's chunks (runs of
    space, and words, split after their hyphens), then for each line the most chunks that
    fit, a chunk longer than a line alone, whitespace dropped at breaks if asked.
    """
    if _MUNGED.search(text):
        text = text.expandtabs().translate(_WHITESPACE_TO_SPACE)
    if "-" in text:
        chunks = [c for c in textwrap.TextWrapper.wordsep_re.split(text) if c]
    else:
        chunks = _SPACES_OR_WORD.findall(text)
    ends = list(itertools.accumulate(map(len, chunks)))
    lines: list[str] = []
    first, count = 0, len(chunks)
    while first < count:
        if drop_whitespace and lines and not chunks[first].strip():
            first += 1
            if first == count:
                break
        start = ends[first - 1] if first else 0
        after = max(bisect.bisect_right(ends, start + width, first), first + 1)
        last = after - 1
        if drop_whitespace and not chunks[last].strip():
            last -= 1
        if last >= first:
            lines.append(text[start : ends[last]])
        first = after
    return lines
