"""The catalog model: plain frozen data for a gettext catalog, and what it says about itself.

A :class:`Catalog` is a template (``.pot``) or a translation catalog (``.po``): a header and
a sequence of :class:`Message` entries. Nothing here reads or writes ``.po`` text (see
:mod:`.reader` and :mod:`.writer`) or changes a catalog (see :mod:`.merge`).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import astuple, dataclass, replace
from typing import Literal

__all__ = [
    "APPROVAL_PREFIX",
    "CHECK_PREFIX",
    "Catalog",
    "Counts",
    "EntryState",
    "HEADER_ORDER",
    "Key",
    "MACHINE_PREFIX",
    "MEMORY_PREFIX",
    "Message",
    "TOOL_COMMENT_PREFIXES",
    "approve",
    "count_words",
    "counts",
    "is_approved",
    "translations",
    "unapprove",
]

Key = tuple[str | None, str]
EntryState = Literal["translated", "fuzzy", "untranslated"]

# Extracted comments the tool writes into translated catalogs; they belong to the catalog,
# not to the template, and survive updates. Everything else under `#.` comes from the page.
MACHINE_PREFIX = "machine translation:"
MEMORY_PREFIX = "memory:"
CHECK_PREFIX = "check:"
TOOL_COMMENT_PREFIXES = (MACHINE_PREFIX, MEMORY_PREFIX, CHECK_PREFIX)

# The header fields gettext defines, in the order polib writes them; others follow them.
HEADER_ORDER = (
    "Project-Id-Version", "Report-Msgid-Bugs-To", "POT-Creation-Date", "PO-Revision-Date",
    "Last-Translator", "Language-Team", "Language", "MIME-Version", "Content-Type",
    "Content-Transfer-Encoding", "Plural-Forms",
)


@dataclass(frozen=True)
class Message:
    """One catalog entry."""

    msgid: str
    msgstr: str = ""
    msgctxt: str | None = None
    flags: tuple[str, ...] = ()
    references: tuple[tuple[str, int], ...] = ()
    auto_comments: tuple[str, ...] = ()
    translator_comments: tuple[str, ...] = ()
    previous_msgid: str | None = None
    previous_msgctxt: str | None = None
    obsolete: bool = False
    line: int = 0  # where the entry starts in the file it was read from; 0 if not read
    # Plural forms, as catalogs made by other tools hold them; the tool's own entries have
    # none. An entry with a msgid_plural keeps its forms in msgstr_plural, the first of
    # them also in msgstr, so what is translated reads the same either way.
    msgid_plural: str | None = None
    msgstr_plural: tuple[str, ...] = ()
    previous_msgid_plural: str | None = None

    @property
    def key(self) -> Key:
        """The lookup key: (msgctxt, msgid)."""
        return (self.msgctxt, self.msgid)

    @property
    def fuzzy(self) -> bool:
        """True when the entry is marked for review."""
        return "fuzzy" in self.flags

    @property
    def translated(self) -> bool:
        """True when the entry has a translation, reviewed or not."""
        return bool(self.msgstr)

    @property
    def reviewed(self) -> bool:
        """True for a translator's entry: translated and not fuzzy. The tool never changes it."""
        return bool(self.msgstr) and not self.fuzzy

    @property
    def state(self) -> EntryState:
        """Where the entry stands: reviewed (``translated``), ``fuzzy`` or ``untranslated``."""
        if not self.msgstr:
            return "untranslated"
        return "fuzzy" if self.fuzzy else "translated"

    def tool_comments(self) -> tuple[str, ...]:
        """The extracted comments written by the tool (provenance, findings)."""
        return tuple(c for c in self.auto_comments if c.startswith(TOOL_COMMENT_PREFIXES))

    def page_comments(self) -> tuple[str, ...]:
        """The extracted comments that come from the source page (where the segment sits)."""
        return tuple(c for c in self.auto_comments if not c.startswith(TOOL_COMMENT_PREFIXES))


@dataclass(frozen=True)
class Catalog:
    """A template (``.pot``) or a translation catalog (``.po``)."""

    header: tuple[tuple[str, str], ...] = ()
    messages: tuple[Message, ...] = ()
    header_comment: str = ""
    header_flags: tuple[str, ...] = ()

    def header_value(self, name: str) -> str | None:
        """The value of one header field, or None."""
        for key, value in self.header:
            if key == name:
                return value
        return None

    def active(self) -> tuple[Message, ...]:
        """The entries that are not obsolete."""
        return tuple(m for m in self.messages if not m.obsolete)

    def index(self) -> dict[Key, Message]:
        """The active entries by (msgctxt, msgid)."""
        return {m.key: m for m in self.messages if not m.obsolete}


def translations(catalog: Catalog, *, use_fuzzy: bool, approved_only: bool = False) -> Mapping[Key, str]:
    """The msgstr to publish for each key: reviewed entries, and fuzzy ones if *use_fuzzy*;
    with *approved_only*, the approved entries alone."""
    if approved_only:
        return {m.key: m.msgstr for m in catalog.messages if not m.obsolete and is_approved(m)}
    return {
        m.key: m.msgstr
        for m in catalog.messages
        if not m.obsolete and m.msgstr and (use_fuzzy or not m.fuzzy)
    }


# --- approval ----------------------------------------------------------------------------

# An editor's approval is a translator comment, ``# approved: <digest> <who>, <when>``:
# GNU msgcat, msgmerge and msgattrib drop flags they do not know (``#, approved``) and
# msgmerge replaces extracted comments with the template's, but all of them keep
# translator comments. The digest names the source text and translation approved, so an
# approval that no longer matches the entry (a new msgstr, a msgid changed on merge, an
# edit in another editor) is void, whichever tool made the change.
APPROVAL_PREFIX = "approved:"
_APPROVAL = re.compile(r"approved: ([0-9a-f]{12})(?:\s|$)")


def _approval_digest(message: Message) -> str:
    text = json.dumps([message.msgctxt, message.msgid, message.msgstr], ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def is_approved(message: Message) -> bool:
    """True when an editor approved *message* as it stands: reviewed (translated, not
    fuzzy), and its approval comment names this msgctxt, msgid and msgstr."""
    if not message.reviewed or message.obsolete:
        return False
    recorded = [m.group(1) for c in message.translator_comments if (m := _APPROVAL.match(c))]
    return bool(recorded) and _approval_digest(message) in recorded


def approve(message: Message, *, by: str = "", when: str = "") -> Message:
    """*message* approved by *by* at *when* (both optional, for people); any earlier
    approval comment is replaced. Raises ValueError for an entry that is not reviewed:
    only a translator's finished translation can be approved."""
    if not message.reviewed or message.obsolete:
        raise ValueError("only a reviewed entry (translated, not fuzzy) can be approved")
    who = ", ".join(part for part in (by.strip(), when.strip()) if part)
    comment = f"{APPROVAL_PREFIX} {_approval_digest(message)}" + (f" {who}" if who else "")
    return replace(message, translator_comments=(*_other_comments(message), comment))


def unapprove(message: Message) -> Message:
    """*message* without an approval comment, valid or stale; the same entry if it has none."""
    kept = _other_comments(message)
    return message if kept == message.translator_comments else replace(message, translator_comments=kept)


def _other_comments(message: Message) -> tuple[str, ...]:
    return tuple(c for c in message.translator_comments if not c.startswith(APPROVAL_PREFIX))


# --- counting ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Counts:
    """Entries and source words by state; approved entries are counted among the
    translated (reviewed) ones as well."""

    translated: int = 0
    fuzzy: int = 0
    untranslated: int = 0
    translated_words: int = 0
    fuzzy_words: int = 0
    untranslated_words: int = 0
    obsolete: int = 0
    approved: int = 0
    approved_words: int = 0

    @property
    def total(self) -> int:
        """All active entries."""
        return self.translated + self.fuzzy + self.untranslated

    @property
    def total_words(self) -> int:
        """Source words of all active entries."""
        return self.translated_words + self.fuzzy_words + self.untranslated_words

    def __add__(self, other: Counts) -> Counts:
        """The counts of two catalogs together."""
        return Counts(*(a + b for a, b in zip(astuple(self), astuple(other))))

    def percent_done(self, *, use_fuzzy: bool, approved_only: bool = False) -> float:
        """Percent of source words translated: reviewed, and fuzzy too if *use_fuzzy*;
        approved alone with *approved_only*.

        A catalog with no words is done (100).
        """
        if not self.total_words:
            return 100.0
        if approved_only:
            return 100.0 * self.approved_words / self.total_words
        done = self.translated_words + (self.fuzzy_words if use_fuzzy else 0)
        return 100.0 * done / self.total_words


# A numbered tag of a msgid (`<a1>`, `</a1>`, `<br2/>`), as markup writes them. Not taken
# from markup itself, which would bring the HTML parser into the catalog model.
_TAG = re.compile(r"</?[a-z][a-z0-9-]*[0-9]/?>")
_WORD = re.compile(r"\w+", re.UNICODE)


def count_words(msgid: str) -> int:
    """Source words in a msgid, numbered tags excluded."""
    return len(_WORD.findall(_TAG.sub(" ", msgid) if "<" in msgid else msgid))


def counts(catalog: Catalog) -> Counts:
    """Count a catalog's entries and source words as translated, fuzzy and untranslated,
    and the approved ones among the translated."""
    entries: dict[EntryState, int] = {"translated": 0, "fuzzy": 0, "untranslated": 0}
    words: dict[EntryState, int] = {"translated": 0, "fuzzy": 0, "untranslated": 0}
    obsolete = approved = approved_words = 0
    for message in catalog.messages:
        if message.obsolete:
            obsolete += 1
            continue
        state = message.state
        entries[state] += 1
        size = count_words(message.msgid)
        words[state] += size
        if message.translator_comments and is_approved(message):
            approved += 1
            approved_words += size
    return Counts(
        translated=entries["translated"],
        fuzzy=entries["fuzzy"],
        untranslated=entries["untranslated"],
        obsolete=obsolete,
        translated_words=words["translated"],
        fuzzy_words=words["fuzzy"],
        untranslated_words=words["untranslated"],
        approved=approved,
        approved_words=approved_words,
    )
