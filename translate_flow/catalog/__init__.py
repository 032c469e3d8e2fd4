"""Catalogs: a small gettext catalog model, its reader and writer, and msgmerge-style updates.

As in Babel, the model is kept apart from what reads, writes and changes it:

- :mod:`.model`: plain frozen data (:class:`Message`, :class:`Catalog`) and counts;
- :mod:`.reader`: :func:`read_po`, ``.po`` text as gettext's tools, polib and the
  translation editors write it, to the model;
- :mod:`.writer`: :func:`write_po`, the model to ``.po`` text, exactly as ``msgcat`` writes it;
- :mod:`.linebreak`: where gettext breaks a long string (libunistring's line breaking);
- :mod:`.syntax`: what the reader and writer share (escapes, width);
- :mod:`.merge`: :func:`make_template`, :func:`update` and the tool's proposals and
  findings, all pure functions that never change a reviewed entry.
"""

from __future__ import annotations

from .merge import (
    DEFAULT_SIMILARITY,
    Proposal,
    SourceText,
    catalog_header,
    machine_comment,
    machine_hash,
    make_template,
    needs_translation,
    now_stamp,
    untouched_machine_output,
    update,
    with_findings,
    with_proposals,
)
from .model import (
    APPROVAL_PREFIX,
    CHECK_PREFIX,
    MACHINE_PREFIX,
    MEMORY_PREFIX,
    TOOL_COMMENT_PREFIXES,
    Catalog,
    Counts,
    EntryState,
    Key,
    Message,
    approve,
    count_words,
    counts,
    is_approved,
    translations,
    unapprove,
)
from .reader import read_po
from .syntax import WRAP_WIDTH
from .writer import write_po

__all__ = [
    "APPROVAL_PREFIX",
    "CHECK_PREFIX",
    "Catalog",
    "Counts",
    "DEFAULT_SIMILARITY",
    "EntryState",
    "Key",
    "MACHINE_PREFIX",
    "MEMORY_PREFIX",
    "Message",
    "Proposal",
    "SourceText",
    "TOOL_COMMENT_PREFIXES",
    "WRAP_WIDTH",
    "approve",
    "catalog_header",
    "count_words",
    "counts",
    "is_approved",
    "machine_comment",
    "machine_hash",
    "make_template",
    "needs_translation",
    "now_stamp",
    "read_po",
    "translations",
    "unapprove",
    "untouched_machine_output",
    "update",
    "with_findings",
    "with_proposals",
    "write_po",
]
