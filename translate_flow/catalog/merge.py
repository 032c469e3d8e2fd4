"""Changing catalogs: templates from a page's texts, msgmerge-style updates, the tool's entries.

Every function here is pure: it takes catalogs and gives a new one. A reviewed entry
(translated, not fuzzy) is never changed by any of them: its msgstr, flags and translator
comments pass through untouched, and when its source text disappears it is kept as an
obsolete entry that comes back with the text.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import Protocol, TypeVar

from ..languages import Language
from .model import (
    CHECK_PREFIX,
    HEADER_ORDER,
    MACHINE_PREFIX,
    MEMORY_PREFIX,
    Catalog,
    Key,
    Message,
)

__all__ = [
    "DEFAULT_SIMILARITY",
    "Proposal",
    "SourceText",
    "TRANSLATOR_FIELDS",
    "catalog_header",
    "machine_comment",
    "machine_hash",
    "make_template",
    "needs_translation",
    "now_stamp",
    "untouched_machine_output",
    "update",
    "with_findings",
    "with_proposals",
]

DEFAULT_SIMILARITY = 0.6
PLACEHOLDER_DATE = "YEAR-MO-DA HO:MI+ZONE"
_T = TypeVar("_T")


class SourceText(Protocol):
    """One translatable text as an extractor found it on a page: what a template entry needs."""

    @property
    def msgid(self) -> str: ...

    @property
    def msgctxt(self) -> str | None: ...

    @property
    def line(self) -> int:
        """Where the text starts in its page."""
        ...

    @property
    def context(self) -> str:
        """Where the text sits, for translators: ``article > p[3], sentence 2 of 4``."""
        ...


# --- templates ---------------------------------------------------------------------------


def make_template(
    documents: Iterable[tuple[str, Sequence[SourceText]]],
    *,
    project: str,
    created: str,
    generator: str,
    source_language: str,
) -> Catalog:
    """Build a template from the texts of one or more pages.

    *documents* pairs each page's reference path with the texts found on it. Identical
    texts share one entry that lists every reference and every place it sits.
    """
    entries: dict[Key, Message] = {}
    for path, texts in documents:
        for text in texts:
            key = (text.msgctxt, text.msgid)
            reference = (path, text.line)
            known = entries.get(key)
            if known is None:
                entries[key] = Message(
                    msgid=text.msgid,
                    msgctxt=text.msgctxt,
                    references=(reference,),
                    auto_comments=(text.context,),
                )
                continue
            entries[key] = replace(
                known,
                references=_add_unique(known.references, reference),
                auto_comments=_add_unique(known.auto_comments, text.context),
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
        ("X-Generator", generator),
        ("X-Source-Language", source_language),
    )
    return Catalog(
        header=header,
        messages=tuple(entries.values()),
        header_comment=f"Template for {project}.\nGenerated from the source page; do not edit.",
        header_flags=("fuzzy",),
    )


def _add_unique(items: tuple[_T, ...], item: _T) -> tuple[_T, ...]:
    return items if item in items else (*items, item)


# Header fields a translator or their tools maintain: once a catalog has them, they are
# its own, whatever the template says. Fields the template does not have at all (an
# editor's `X-Poedit-*`, a platform's `X-Crowdin-*`) are kept too.
TRANSLATOR_FIELDS = ("PO-Revision-Date", "Last-Translator", "Language-Team", "Plural-Forms", "X-Generator")


def catalog_header(template: Catalog, language: Language, existing: Catalog | None) -> Catalog:
    """The header of a translation catalog: the template's, made specific to *language*.

    Fields a translator or their editor maintains (:data:`TRANSLATOR_FIELDS`, and any
    field the template does not set) are kept from the existing catalog, in its order.
    """
    kept = dict(existing.header) if existing else {}
    fields = dict(template.header)
    fields["Language"] = language.locale
    fields["Plural-Forms"] = language.plural_forms
    # As msginit does for catalogs no person has touched yet.
    fields["PO-Revision-Date"] = fields.get("POT-Creation-Date", PLACEHOLDER_DATE)
    fields["Last-Translator"] = "Automatically generated"
    fields["Language-Team"] = f"{language.name} <LL@li.org>"
    for name, value in kept.items():
        # An empty Plural-Forms is one nobody has set: msgfmt needs one.
        if (name in TRANSLATOR_FIELDS or name not in fields) and (value or name != "Plural-Forms"):
            fields[name] = value
    if kept:
        order = [name for name in kept if name in fields]
        order += [name for name in HEADER_ORDER if name in fields and name not in kept]
        order += sorted(name for name in fields if name not in order)
    else:
        order = [name for name in HEADER_ORDER if name in fields]
        order += sorted(name for name in fields if name not in HEADER_ORDER)
    comment = (
        existing.header_comment
        if existing and existing.header_comment
        else template.header_comment.split("\n")[0].replace("Template for", f"{language.name} translation of")
    )
    flags = tuple(f for f in existing.header_flags if f != "fuzzy") if existing else ()
    return Catalog(header=tuple((name, fields[name]) for name in order), header_comment=comment, header_flags=flags)


def now_stamp(moment: datetime | None = None) -> str:
    """A gettext header timestamp: ``2026-11-29 14:05+0000``."""
    moment = moment or datetime.now(timezone.utc)
    return moment.strftime("%Y-%m-%d %H:%M%z")


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
            messages.append(new if new.line == 0 else replace(new, line=0))  # replace() is slow
            continue
        messages.append(
            replace(
                new,
                msgstr=match.msgstr,
                flags=_fuzzy(match.flags),
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
    """The candidate whose msgid is most like *new*'s, at least *threshold* alike, or None."""
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


def _fuzzy(flags: tuple[str, ...]) -> tuple[str, ...]:
    """*flags* with ``fuzzy`` first, as msgmerge marks an entry it wants reviewed."""
    return ("fuzzy", *[f for f in flags if f != "fuzzy"])


# --- machine proposals -----------------------------------------------------------------------

# The machine output's hash rides in its provenance comment, so a later run can tell
# output nobody has touched (which it may replace) from a person's edit (which it keeps).
_MACHINE_HASH = re.compile(r"\bmt=([0-9a-f]{6,64})\b")


@dataclass(frozen=True)
class Proposal:
    """A translation the tool offers for an entry: always fuzzy, with where it came from."""

    msgstr: str
    comments: tuple[str, ...]  # extracted comments, each with a tool prefix


def machine_comment(provenance: str, digest: str) -> str:
    """The extracted comment for machine output: where it came from, and its hash *digest*."""
    return f"{MACHINE_PREFIX} {provenance} mt={digest}"


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
                flags=_fuzzy(message.flags),
                auto_comments=kept + proposal.comments,
                previous_msgid=None,
                previous_msgctxt=None,
            )
        )
    return replace(catalog, messages=tuple(messages))


# --- findings ----------------------------------------------------------------------------------


def with_findings(catalog: Catalog, findings: Mapping[Key, Sequence[str]]) -> Catalog:
    """A copy of *catalog* whose ``#. check:`` comments are exactly *findings*.

    Earlier findings are replaced on every entry, so they never pile up; an entry with
    nothing to report loses its old ones.
    """
    messages = []
    for message in catalog.messages:
        kept = tuple(c for c in message.auto_comments if not c.startswith(CHECK_PREFIX))
        new = tuple(f"{CHECK_PREFIX} {text}" for text in findings.get(message.key, ())) if not message.obsolete else ()
        if kept + new != message.auto_comments:
            message = replace(message, auto_comments=kept + new)
        messages.append(message)
    return replace(catalog, messages=tuple(messages))
