"""Catalogs: a small gettext catalog model, its reader and writer, and msgmerge-style updates.

The model is plain frozen data (:class:`Message`, :class:`Catalog`); :func:`read_po` and
:func:`write_po` convert to and from ``.po`` text through polib; :func:`make_template` and
:func:`update` are pure functions. A reviewed entry (translated, not fuzzy) is never changed
by any of them: its msgstr, flags and translator comments pass through untouched, and when
its source text disappears it is kept as an obsolete entry that comes back with the text.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import TypeVar

import polib

from .errors import CatalogError
from .languages import Language
from .segment import Segment

__all__ = [
    "Catalog",
    "Message",
    "Proposal",
    "TOOL_COMMENT_PREFIXES",
    "Counts",
    "catalog_header",
    "count_words",
    "counts",
    "machine_hash",
    "make_template",
    "needs_translation",
    "now_stamp",
    "read_po",
    "translations",
    "untouched_machine_output",
    "update",
    "with_proposals",
    "write_po",
]

Key = tuple[str | None, str]

# Extracted comments the tool writes into translated catalogs; they belong to the catalog,
# not to the template, and survive updates. Everything else under `#.` comes from the page.
TOOL_COMMENT_PREFIXES = ("machine translation:", "memory:", "check:")
DEFAULT_SIMILARITY = 0.6
_T = TypeVar("_T")
WRAP_WIDTH = 79
PLACEHOLDER_DATE = "YEAR-MO-DA HO:MI+ZONE"


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

    def with_header(self, **fields: str) -> Catalog:
        """A copy with header fields set (``Plural_Forms`` for ``Plural-Forms``)."""
        updates = {name.replace("_", "-"): value for name, value in fields.items()}
        header = [(k, updates.pop(k, v)) for k, v in self.header]
        header.extend(updates.items())
        return replace(self, header=tuple(header))


# --- templates ---------------------------------------------------------------------------


def make_template(
    documents: Iterable[tuple[str, Sequence[Segment]]],
    *,
    project: str,
    created: str,
    generator: str,
    source_language: str,
) -> Catalog:
    """Build a template from the segments of one or more pages.

    *documents* pairs each page's reference path with its segments. Identical texts share
    one entry that lists every reference and every place it sits.
    """
    entries: dict[Key, Message] = {}
    for path, segments in documents:
        for segment in segments:
            key = (segment.msgctxt, segment.msgid)
            reference = (path, segment.line)
            known = entries.get(key)
            if known is None:
                entries[key] = Message(
                    msgid=segment.msgid,
                    msgctxt=segment.msgctxt,
                    references=(reference,),
                    auto_comments=(segment.context,),
                )
                continue
            entries[key] = replace(
                known,
                references=_add_unique(known.references, reference),
                auto_comments=_add_unique(known.auto_comments, segment.context),
            )
    header = (
        ("Project-Id-Version", project),
        ("Report-Msgid-Bugs-To", ""),
        ("POT-Creation-Date", created),
        ("PO-Revision-Date", PLACEHOLDER_DATE),
        ("Last-Translator", "FULL NAME <EMAIL@ADDRESS>"),
        ("Language-Team", "LANGUAGE <LL@li.org>"),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=UTF-8"),
        ("Content-Transfer-Encoding", "8bit"),
        ("X-Source-Language", source_language),
        ("X-Generator", generator),
    )
    return Catalog(
        header=header,
        messages=tuple(entries.values()),
        header_comment=f"Template for {project}.\nGenerated from the source page; do not edit.",
        header_flags=("fuzzy",),
    )


def _add_unique(items: tuple[_T, ...], item: _T) -> tuple[_T, ...]:
    return items if item in items else (*items, item)



def catalog_header(template: Catalog, language: Language, existing: Catalog | None) -> Catalog:
    """The header of a translation catalog: the template's, made specific to *language*.

    Fields a translator or their editor maintains (Last-Translator, Language-Team,
    PO-Revision-Date, Plural-Forms once set) are kept from the existing catalog.
    """
    kept = dict(existing.header) if existing else {}
    fields = dict(template.header)
    fields["Language"] = language.locale
    fields["Plural-Forms"] = kept.get("Plural-Forms") or language.plural_forms
    # As msginit does for catalogs no person has touched yet.
    fields["PO-Revision-Date"] = fields.get("POT-Creation-Date", PLACEHOLDER_DATE)
    fields["Last-Translator"] = "Automatically generated"
    for name in ("PO-Revision-Date", "Last-Translator", "Language-Team"):
        if name in kept:
            fields[name] = kept[name]
    if "Language-Team" not in kept:
        fields["Language-Team"] = f"{language.name} <LL@li.org>"
    order = (
        "Project-Id-Version", "Report-Msgid-Bugs-To", "POT-Creation-Date", "PO-Revision-Date",
        "Last-Translator", "Language-Team", "Language", "MIME-Version", "Content-Type",
        "Content-Transfer-Encoding", "Plural-Forms",
    )
    header = [(name, fields.pop(name)) for name in order if name in fields]
    header.extend(sorted(fields.items()))
    comment = (
        existing.header_comment
        if existing and existing.header_comment
        else template.header_comment.split("\n")[0].replace("Template for", f"{language.name} translation of")
    )
    return Catalog(header=tuple(header), header_comment=comment)


# --- updating ----------------------------------------------------------------------------


def update(
    catalog: Catalog,
    template: Catalog,
    language: Language,
    *,
    similarity: float = DEFAULT_SIMILARITY,
) -> Catalog:
    """Merge a new *template* into a translation *catalog*, as msgmerge does.

    Unchanged entries keep their translation and take the template's references and
    comments. A new text gets the translation of the most similar vanished text (ratio at
    least *similarity*) as a fuzzy starting point, with the old msgid under ``#|``. Texts
    that vanished become obsolete when translated; a text that returns is revived.
    """
    old_active = catalog.index()
    old_obsolete = {m.key: m for m in catalog.messages if m.obsolete}
    wanted = {m.key for m in template.messages}
    vanished = [m for k, m in old_active.items() if k not in wanted and m.msgstr]
    candidates = vanished + [m for k, m in old_obsolete.items() if k not in wanted and m.msgstr]

    messages: list[Message] = []
    for new in template.messages:
        old = old_active.get(new.key)
        if old is not None:
            messages.append(_refresh(old, new))
            continue
        revived = old_obsolete.get(new.key)
        if revived is not None:
            messages.append(_refresh(replace(revived, obsolete=False), new))
            continue
        match = _closest(new, candidates, similarity)
        if match is None:
            messages.append(replace(new, line=0))
            continue
        messages.append(
            replace(
                new,
                msgstr=match.msgstr,
                flags=("fuzzy", *[f for f in match.flags if f != "fuzzy"]),
                previous_msgid=match.msgid,
                previous_msgctxt=match.msgctxt if match.msgctxt != new.msgctxt else None,
                line=0,
            )
        )
    obsolete = [m for k, m in old_obsolete.items() if k not in wanted]
    obsolete.extend(replace(m, obsolete=True) for m in vanished)
    header = catalog_header(template, language, catalog)
    return replace(header, messages=tuple(messages) + tuple(obsolete))


def _refresh(old: Message, new: Message) -> Message:
    """Keep everything of *old* that belongs to the translation; take the rest from *new*."""
    return replace(
        old,
        references=new.references,
        auto_comments=new.page_comments() + old.tool_comments(),
    )


def _closest(new: Message, candidates: Sequence[Message], threshold: float) -> Message | None:
    best: Message | None = None
    best_ratio = threshold
    for candidate in candidates:
        matcher = difflib.SequenceMatcher(None, new.msgid, candidate.msgid, autojunk=False)
        if matcher.real_quick_ratio() < best_ratio or matcher.quick_ratio() < best_ratio:
            continue
        ratio = matcher.ratio()
        if candidate.msgctxt == new.msgctxt:
            ratio += 1e-9  # among equals, prefer the same context
        if ratio >= best_ratio and (best is None or ratio > best_ratio):
            best, best_ratio = candidate, ratio
    return best


# --- reading and writing ------------------------------------------------------------------

_POLIB_SYNTAX = re.compile(r"line (\d+)")


def read_po(text: str, path: str) -> Catalog:
    """Parse ``.po`` / ``.pot`` text; raise :class:`CatalogError` naming the file and line."""
    if not text.strip():
        return Catalog()
    _check_syntax(text, path)
    try:
        po = polib.pofile(text, wrapwidth=WRAP_WIDTH)
    except (OSError, ValueError, UnicodeError) as exc:
        raise CatalogError(_describe(path, str(exc))) from None
    messages = [_from_polib(entry, obsolete=entry.obsolete) for entry in po]
    header_entries = [(k, v) for k, v in po.ordered_metadata()]
    return Catalog(
        header=tuple(header_entries),
        messages=tuple(messages),
        header_comment=po.header,
        header_flags=tuple(po.metadata_is_fuzzy and ["fuzzy"] or []),
    )


# Every line of a .po file is blank, a comment, a keyword with a string, or a string
# continuing the one before. polib forgives more than msgfmt does; this does not.
_STRING = r'"(?:[^"\\]|\\.)*"'
_LINE = re.compile(
    rf"^\s*(?:$|#.*|(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+{_STRING}\s*$|{_STRING}\s*$)"
)


def _check_syntax(text: str, path: str) -> None:
    for number, line in enumerate(text.splitlines(), 1):
        if not _LINE.match(line):
            shown = line if len(line) <= 40 else line[:37] + "..."
            raise CatalogError(
                f"{path}:{number}: broken catalog (cannot read {shown!r}); fix the entry there or restore the file"
            )


def _describe(path: str, problem: str) -> str:
    match = _POLIB_SYNTAX.search(problem)
    where = f"{path}:{match.group(1)}" if match else path
    return f"{where}: broken catalog ({problem.split(' (')[0].lower()}); fix the entry there or restore the file"


def _from_polib(entry: polib.POEntry, *, obsolete: bool) -> Message:
    references = []
    for source, line in entry.occurrences:
        try:
            references.append((source, int(line)))
        except (TypeError, ValueError):
            references.append((source, 0))
    return Message(
        msgid=entry.msgid,
        msgstr=entry.msgstr,
        msgctxt=entry.msgctxt,
        flags=tuple(entry.flags),
        references=tuple(references),
        auto_comments=tuple(entry.comment.split("\n")) if entry.comment else (),
        translator_comments=tuple(entry.tcomment.split("\n")) if entry.tcomment else (),
        previous_msgid=entry.previous_msgid,
        previous_msgctxt=entry.previous_msgctxt,
        obsolete=obsolete,
        line=entry.linenum or 0,
    )


def write_po(catalog: Catalog) -> str:
    """Render a catalog as ``.po`` text (the same catalog always gives the same text)."""
    po = polib.POFile(wrapwidth=WRAP_WIDTH)
    po.header = catalog.header_comment
    po.metadata = dict(catalog.header)
    po.metadata_is_fuzzy = "fuzzy" in catalog.header_flags
    for message in catalog.messages:
        entry = polib.POEntry(
            msgid=message.msgid,
            msgstr=message.msgstr,
            msgctxt=message.msgctxt,
            flags=list(message.flags),
            occurrences=[(path, str(line)) for path, line in message.references],
            comment="\n".join(message.auto_comments),
            tcomment="\n".join(message.translator_comments),
            previous_msgid=message.previous_msgid,
            previous_msgctxt=message.previous_msgctxt,
            obsolete=message.obsolete,
        )
        po.append(entry)
    text: str = po.__unicode__()
    return text if text.endswith("\n") else text + "\n"


def now_stamp(moment: datetime | None = None) -> str:
    """A gettext header timestamp: ``2026-11-29 14:05+0000``."""
    moment = moment or datetime.now(timezone.utc)
    return moment.strftime("%Y-%m-%d %H:%M%z")


def translations(catalog: Catalog, *, use_fuzzy: bool) -> Mapping[Key, str]:
    """The msgstr to publish for each key: reviewed entries, and fuzzy ones if *use_fuzzy*."""
    return {
        m.key: m.msgstr
        for m in catalog.messages
        if not m.obsolete and m.msgstr and (use_fuzzy or not m.fuzzy)
    }


@dataclass(frozen=True)
class Counts:
    """Entries and source words by state."""

    translated: int = 0
    fuzzy: int = 0
    untranslated: int = 0
    translated_words: int = 0
    fuzzy_words: int = 0
    untranslated_words: int = 0
    obsolete: int = 0

    @property
    def total(self) -> int:
        """All active entries."""
        return self.translated + self.fuzzy + self.untranslated

    @property
    def total_words(self) -> int:
        """Source words of all active entries."""
        return self.translated_words + self.fuzzy_words + self.untranslated_words


_TAG = re.compile(r"</?[a-z][a-z0-9-]*[0-9]/?>")
_WORD = re.compile(r"\w+", re.UNICODE)


def count_words(msgid: str) -> int:
    """Source words in a msgid, numbered tags excluded."""
    return len(_WORD.findall(_TAG.sub(" ", msgid)))


def counts(catalog: Catalog) -> Counts:
    """Count a catalog's entries and source words as translated, fuzzy and untranslated."""
    values = {"translated": 0, "fuzzy": 0, "untranslated": 0, "obsolete": 0}
    words = {"translated": 0, "fuzzy": 0, "untranslated": 0}
    for message in catalog.messages:
        if message.obsolete:
            values["obsolete"] += 1
            continue
        state = "fuzzy" if message.msgstr and message.fuzzy else (
            "translated" if message.msgstr else "untranslated"
        )
        values[state] += 1
        words[state] += count_words(message.msgid)
    return Counts(
        translated=values["translated"],
        fuzzy=values["fuzzy"],
        untranslated=values["untranslated"],
        obsolete=values["obsolete"],
        translated_words=words["translated"],
        fuzzy_words=words["fuzzy"],
        untranslated_words=words["untranslated"],
    )



# --- machine proposals -----------------------------------------------------------------------

MACHINE_PREFIX = "machine translation:"
MEMORY_PREFIX = "memory:"
_MACHINE_HASH = re.compile(r"\bmt=([0-9a-f]{6,64})\b")


@dataclass(frozen=True)
class Proposal:
    """A translation the tool offers for an entry: always fuzzy, with where it came from."""

    msgstr: str
    comments: tuple[str, ...]  # extracted comments, each with a tool prefix


def machine_hash(message: Message) -> str | None:
    """The hash of the machine output recorded on *message*, if any."""
    for comment in message.auto_comments:
        if comment.startswith(MACHINE_PREFIX):
            match = _MACHINE_HASH.search(comment)
            if match:
                return match.group(1)
    return None


def untouched_machine_output(message: Message, digest: Callable[[str], str]) -> bool:
    """True when *message* holds machine output nobody has edited since (still fuzzy)."""
    recorded = machine_hash(message)
    return message.fuzzy and bool(message.msgstr) and recorded is not None and digest(message.msgstr) == recorded


def needs_translation(message: Message, *, retranslate: bool, digest: Callable[[str], str]) -> bool:
    """True when the tool may fill *message*: empty, or (with *retranslate*) untouched machine output.

    A reviewed entry, and a fuzzy one a person has edited or carried over from an older
    text, are never offered to the model.
    """
    if message.obsolete:
        return False
    if not message.msgstr:
        return True
    return retranslate and untouched_machine_output(message, digest)


def with_proposals(catalog: Catalog, proposals: Mapping[Key, Proposal]) -> Catalog:
    """A copy of *catalog* with each proposal in its entry, marked fuzzy.

    The entry's earlier tool comments of the same kinds are replaced, never piled up.
    """
    messages = []
    for message in catalog.messages:
        proposal = None if message.obsolete else proposals.get(message.key)
        if proposal is None:
            messages.append(message)
            continue
        kept = tuple(
            c for c in message.auto_comments if not c.startswith((MACHINE_PREFIX, MEMORY_PREFIX))
        )
        messages.append(
            replace(
                message,
                msgstr=proposal.msgstr,
                flags=("fuzzy", *[f for f in message.flags if f != "fuzzy"]),
                auto_comments=kept + proposal.comments,
                previous_msgid=None,
                previous_msgctxt=None,
            )
        )
    return replace(catalog, messages=tuple(messages))
