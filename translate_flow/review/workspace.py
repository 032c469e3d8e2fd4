"""What the review page shows and changes: the project's catalogs, read from disk on every
request, and the edits a reviewer makes to them.

The ``.po`` file is the truth. Every view reads it again; every change reads it again under
the project's lock, checks that the entry is still the one the reviewer saw (its
:func:`version`) and writes the whole catalog atomically. Nothing here knows HTTP: the
application turns these calls and their :class:`ReviewError` into responses.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from ..catalog import (
    CHECK_PREFIX,
    MACHINE_PREFIX,
    MEMORY_PREFIX,
    Catalog,
    Key,
    Message,
    approve,
    counts,
    is_approved,
    now_stamp,
    unapprove,
    with_findings,
)
from ..check import CheckContext, spelling_unavailable
from ..config import Config
from ..errors import ProjectLocked, Problem, TranslateFlowError
from ..findings import SEVERITIES, Finding
from ..glossary import Glossary
from ..htmldoc import Page
from ..languages import Language
from ..markup import TAG_RE, TagMismatch, check_tags
from ..memory import TranslationMemory
from ..pipeline.checking import check_context, check_message, is_pseudo
from ..pipeline.extraction import Segmentation, segmentation
from ..pipeline.publishing import Publishing
from ..pipeline.state import project_lock
from ..project import (
    Article, articles, catalog_path, load_glossary, memory_index_path, open_catalog, read_page, shown,
    write_catalog,
)
from ..terms import TermMatcher
from .preview import Preview, render_preview

__all__ = [
    "TRANSLATOR_VARIABLE",
    "Change",
    "ReviewError",
    "Workspace",
    "version",
]

TRANSLATOR_VARIABLE = "TRANSLATE_FLOW_TRANSLATOR"  # "Name <address>", for Last-Translator
MEMORY_MATCHES = 5
MEMORY_THRESHOLD = 0.5

ErrorKind = Literal["not-found", "invalid", "conflict", "locked"]


class ReviewError(TranslateFlowError):
    """A request the workspace refuses: *kind* says which way, *detail* what to show."""

    def __init__(self, kind: ErrorKind, message: str, detail: Mapping[str, Any] | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.detail = dict(detail or {})


@dataclass(frozen=True)
class Change:
    """An edit to one entry: the text, whether it stays a draft, and the entry's
    :func:`version` when the reviewer was shown it."""

    msgctxt: str | None
    msgid: str
    msgstr: str
    seen: str
    draft: bool = False

    @property
    def key(self) -> Key:
        return (self.msgctxt, self.msgid)


@dataclass(frozen=True)
class _Saved:
    """A save the reviewer may undo: the entry before it, and its version after it."""

    language: str
    slug: str
    before: Message
    after: str


def version(message: Message | None) -> str:
    """A digest of what a reviewer or an editor decides in *message* (text, flags and
    translator comments, where approvals are); changes when anyone changes one of them.
    An entry that does not exist has the version ``""``."""
    if message is None:
        return ""
    data = json.dumps([message.msgstr, sorted(message.flags), message.translator_comments], ensure_ascii=False)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()[:16]


def translator() -> str | None:
    """Who saves, for ``Last-Translator``: :data:`TRANSLATOR_VARIABLE`, else git's author
    variables, else nobody (the header keeps its value)."""
    named = os.environ.get(TRANSLATOR_VARIABLE, "").strip()
    if named:
        return named
    name = os.environ.get("GIT_AUTHOR_NAME", "").strip()
    email = os.environ.get("GIT_AUTHOR_EMAIL", "").strip()
    if name:
        return f"{name} <{email}>" if email else name
    return None


@dataclass
class Workspace:
    """The project under review, limited to *languages* and *only* articles when given."""

    config: Config
    languages: tuple[Language, ...] = ()
    only: tuple[str, ...] = ()
    # A per-language figure the overview shows in a "quality" column ("chrF++ 71.2"); empty: none.
    quality: Mapping[str, str] = field(default_factory=dict)
    _undo: list[_Saved] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _pages: dict[str, tuple[float, Page, Segmentation]] = field(default_factory=dict)
    _glossary: Glossary | None = None
    _contexts: dict[str, CheckContext] = field(default_factory=dict)
    _found: dict[tuple[str, str, str, bool], tuple[Finding, ...]] = field(default_factory=dict)
    _terms: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)
    _checking: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        if not self.languages:
            self.languages = self.config.targets

    # --- what there is -------------------------------------------------------------------

    def articles(self) -> list[Article]:
        """The articles under review."""
        return articles(self.config, self.only)

    def article(self, slug: str) -> Article:
        """The article *slug*; only the project's own articles are ever found."""
        for article in self.articles():
            if article.slug == slug:
                return article
        raise ReviewError("not-found", f"no article {slug!r} in this project")

    def language(self, tag: str) -> Language:
        """The target language *tag*."""
        for language in self.languages:
            if language.tag == tag:
                return language
        raise ReviewError("not-found", f"{tag!r} is not a language under review")

    def catalog(self, article: Article, language: Language) -> Catalog:
        """The catalog of *article* in *language*, as it is on disk now."""
        found = open_catalog(self.config, catalog_path(self.config, article, language))
        if isinstance(found, Problem):
            raise ReviewError("not-found", str(found))
        return found

    def glossary(self) -> Glossary:
        """The project's glossary, read once."""
        if self._glossary is None:
            self._glossary = load_glossary(self.config)
        return self._glossary

    def context(self, language: Language) -> CheckContext:
        """What the checks know of *language*, built once."""
        if language.tag not in self._contexts:
            self._contexts[language.tag] = check_context(self.config, self.glossary(), language)
        return self._contexts[language.tag]

    def findings(self, message: Message, language: Language) -> list[Finding]:
        """What the project's checks find in *message* now, as ``check`` finds it."""
        # The checks are pure: the same text in the same language finds the same things.
        key = (language.tag, message.msgid, message.msgstr, is_pseudo(message))
        found = self._found.get(key)
        if found is None:
            with self._checking:  # the checks' term matchers keep caches: one thread at a time
                found = self._found[key] = tuple(check_message(message, self.context(language), self.config.checks))
        return list(found)

    def terms(self, msgid: str, language: Language) -> list[dict[str, Any]]:
        """The glossary terms *msgid* uses, with their renderings in *language*."""
        key = (language.tag, msgid)
        found = self._terms.get(key)
        if found is None:
            matcher = self.context(language).terms
            with self._checking:
                found = self._terms[key] = _terms(matcher, msgid, language) if isinstance(matcher, TermMatcher) else []
        return found

    def warm(self) -> None:
        """Check every entry under review once, so that the first views need not wait;
        run it on a thread of its own while the server starts. A project it cannot read
        is left for the views to report."""
        try:
            self._warm()
        except TranslateFlowError:
            pass

    def _warm(self) -> None:
        for article in self.articles():
            for language in self.languages:
                found = open_catalog(self.config, catalog_path(self.config, article, language))
                if not isinstance(found, Problem):
                    for message in found.active():
                        self.findings(message, language)
                        self.terms(message.msgid, language)

    # --- the overview --------------------------------------------------------------------

    def notes(self) -> list[str]:
        """What the findings leave out, a line each: checks that cannot run here."""
        if not self.config.checks.is_enabled("spelling"):
            return []
        return list(dict.fromkeys(note for language in self.languages if (note := spelling_unavailable(language))))

    def overview(self) -> list[dict[str, Any]]:
        """One row per article and language: progress, approvals, findings by severity."""
        rows: list[dict[str, Any]] = []
        for article in self.articles():
            for language in self.languages:
                row: dict[str, Any] = {
                    "article": article.slug, "language": language.tag, "name": language.name,
                    "quality": self.quality.get(language.tag, ""),
                }
                found = open_catalog(self.config, catalog_path(self.config, article, language))
                if isinstance(found, Problem):
                    rows.append({**row, "problem": found.message})
                    continue
                c = counts(found)
                severities = dict.fromkeys(SEVERITIES, 0)
                for message in found.active():
                    for finding in self.findings(message, language):
                        severities[finding.severity] += 1
                rows.append({
                    **row, "reviewed": c.translated, "fuzzy": c.fuzzy, "untranslated": c.untranslated,
                    "entries": c.total, "words": c.total_words, "done": round(c.percent_done(use_fuzzy=False), 1),
                    "approved": c.approved,
                    "findings": severities,
                })
        return rows

    # --- one article ---------------------------------------------------------------------

    def entries(self, slug: str, tag: str) -> dict[str, Any]:
        """The article's entries in the language, with all a reviewer needs beside each."""
        article, language = self.article(slug), self.language(tag)
        catalog = self.catalog(article, language)
        entries = [self._entry(index, message, language) for index, message in enumerate(catalog.active())]
        return {
            "article": article.slug, "language": language.tag, "name": language.name,
            "catalog": shown(self.config, catalog_path(self.config, article, language)),
            "entries": entries,
        }

    def _entry(self, index: int, message: Message, language: Language) -> dict[str, Any]:
        return {
            "index": index,
            "msgctxt": message.msgctxt,
            "msgid": message.msgid,
            "source": source_parts(message.msgid),
            "msgstr": message.msgstr,
            "state": message.state,
            "approved": is_approved(message),
            "version": version(message),
            "context": list(message.page_comments()),
            "references": [f"{path}:{line}" for path, line in message.references],
            "comments": list(message.translator_comments),
            "provenance": [c for c in message.auto_comments if c.startswith((MACHINE_PREFIX, MEMORY_PREFIX))],
            "terms": self.terms(message.msgid, language),
            "findings": [
                {"check": f.check, "severity": f.severity, "message": f.message}
                for f in self.findings(message, language)
            ],
        }

    def memory(self, tag: str, slug: str, msgid: str) -> list[dict[str, Any]]:
        """Reviewed translations of texts like *msgid* in the project's memory, best first;
        the article's own catalog left out (its entry is the one under review)."""
        language = self.language(tag)
        article = self.article(slug)
        path = memory_index_path(self.config)
        if not path.is_file():
            return []
        with TranslationMemory(path) as memory:
            matches = memory.fuzzy(
                language.tag, msgid, threshold=MEMORY_THRESHOLD, limit=MEMORY_MATCHES,
                exclude_origin=shown(self.config, catalog_path(self.config, article, language)),
            )
        return [{"percent": m.percent, "source": m.source, "target": m.target, "origin": m.origin} for m in matches]

    def preview(self, slug: str, tag: str, *, base_href: str, stylesheet: str) -> Preview:
        """The article's page in the language as ``build`` would publish it from the
        catalog on disk now, each sentence marked with its entry's index."""
        article, language = self.article(slug), self.language(tag)
        catalog = self.catalog(article, language)
        page, located = self._page(article)
        return render_preview(
            self.config, page, located, language, catalog.active(), Publishing.of(self.config).translations(catalog),
            base_href=base_href, stylesheet=stylesheet,
        )

    def _page(self, article: Article) -> tuple[Page, Segmentation]:
        """The article's source page and its slots, read again only when the file changed."""
        stamp = article.path.stat().st_mtime_ns
        kept = self._pages.get(article.slug)
        if kept is None or kept[0] != stamp:
            page = read_page(article)
            kept = self._pages[article.slug] = (stamp, page, segmentation(self.config, article, page))
        return kept[1], kept[2]

    # --- changes -------------------------------------------------------------------------

    def save(self, slug: str, tag: str, change: Change) -> dict[str, Any]:
        """Write *change* into the catalog: reviewed (no fuzzy flag) unless a draft; an
        approval lapses when the text changes. Refused with the reason when its tags are
        not its source's, when the entry changed on disk since it was shown (both versions
        in the detail), or when a run holds the project."""
        article, language = self.article(slug), self.language(tag)

        def edit(message: Message) -> Message:
            try:
                check_tags(message.msgid, change.msgstr)
            except TagMismatch as exc:
                raise ReviewError("invalid", f"not saved: {exc}", {"tags": str(exc)}) from None
            flags = [f for f in message.flags if f != "fuzzy"]
            if change.draft and change.msgstr:
                flags.insert(0, "fuzzy")
            edited = replace(message, msgstr=change.msgstr, flags=tuple(flags))
            # An approval is of one text: a new one, or a draft, waits for the editor again.
            return edited if is_approved(edited) else unapprove(edited)

        return self._change(article, language, change.key, change.seen, edit, change.msgstr, remember=True)

    def approve(self, slug: str, tag: str, key: Key, seen: str, approved: bool) -> dict[str, Any]:
        """Record (or withdraw) an editor's approval of a reviewed entry."""
        article, language = self.article(slug), self.language(tag)

        def edit(message: Message) -> Message:
            if not approved:
                return unapprove(message)
            if not message.reviewed:
                raise ReviewError("invalid", "only a reviewed entry (translated, not fuzzy) can be approved")
            return approve(message, by=translator() or "", when=now_stamp())

        return self._change(article, language, key, seen, edit, None, remember=False)

    def undo(self) -> dict[str, Any]:
        """Put back the entry the last save changed, unless it changed on disk since."""
        with self._lock:
            if not self._undo:
                raise ReviewError("not-found", "nothing to undo")
            step = self._undo[-1]
        article, language = self.article(step.slug), self.language(step.language)
        result = self._change(
            article, language, step.before.key, step.after, lambda _: step.before, step.before.msgstr, remember=False,
        )
        with self._lock:
            if self._undo and self._undo[-1] is step:
                self._undo.pop()
        return result

    def _change(
        self, article: Article, language: Language, key: Key, seen: str, edit: Callable[[Message], Message],
        mine: str | None, *, remember: bool,
    ) -> dict[str, Any]:
        """Apply *edit* to the entry *key* if it is still at version *seen* on disk, and
        write the catalog; *mine* is the text the reviewer sent, shown again in a conflict."""
        path = catalog_path(self.config, article, language)
        with self._lock:
            try:
                with project_lock(self.config):
                    catalog = self.catalog(article, language)
                    messages = list(catalog.messages)
                    at = next((i for i, m in enumerate(messages) if not m.obsolete and m.key == key), None)
                    if at is None:
                        raise ReviewError("conflict", "this entry is no longer in the catalog on disk; "
                                          "reload the article", {"theirs": None, "mine": mine})
                    current = messages[at]
                    if version(current) != seen:
                        raise ReviewError("conflict", "this entry changed on disk since it was shown; "
                                          "nothing was overwritten", {
                                              "theirs": {"msgstr": current.msgstr, "state": current.state,
                                                         "version": version(current)},
                                              "mine": mine})
                    changed = edit(current)
                    findings = self.findings(changed, language)
                    messages[at] = changed
                    updated = with_findings(replace(catalog, messages=tuple(messages), header=_stamped(catalog)), {
                        key: [f"{f.severity}: {f.check}: {f.message}" for f in findings]
                    } | _kept_findings(catalog, key))
                    write_catalog(path, updated)
            except ProjectLocked:
                raise ReviewError("locked", "a translate-flow run is working on the project; nothing was saved. "
                                  "Save again when it is done") from None
            if remember and changed != current:
                self._undo.append(_Saved(language.tag, article.slug, current, version(changed)))
        index = [m.key for m in updated.active()].index(key)
        return self._entry(index, changed, language)

    @property
    def can_undo(self) -> bool:
        """Whether a save can be undone."""
        return bool(self._undo)


def _kept_findings(catalog: Catalog, key: Key) -> dict[Key, list[str]]:
    """The ``#. check:`` comments of every entry but *key*, as they are."""
    prefix = len(CHECK_PREFIX) + 1
    return {
        m.key: [c[prefix:] for c in m.auto_comments if c.startswith(CHECK_PREFIX)]
        for m in catalog.active() if m.key != key
    }


def _stamped(catalog: Catalog) -> tuple[tuple[str, str], ...]:
    """The header of *catalog* with this moment's revision date and, when known, translator."""
    values = {"PO-Revision-Date": now_stamp()}
    who = translator()
    if who:
        values["Last-Translator"] = who
    header = [(name, values.pop(name, value)) for name, value in catalog.header]
    return tuple(header) + tuple(values.items())


def source_parts(msgid: str) -> list[list[str]]:
    """*msgid* as [kind, text] pieces: ``text``, or ``tag`` for a numbered tag (``<a1>``)."""
    parts: list[list[str]] = []
    position = 0
    for match in TAG_RE.finditer(msgid):
        if match.start() > position:
            parts.append(["text", msgid[position:match.start()]])
        parts.append(["tag", match.group(0)])
        position = match.end()
    if position < len(msgid):
        parts.append(["text", msgid[position:]])
    return parts


def _terms(matcher: TermMatcher, msgid: str, language: Language) -> list[dict[str, Any]]:
    """The glossary terms *msgid* uses, with their renderings and forbidden variants."""
    seen: dict[str, dict[str, Any]] = {}
    for hit in matcher.source_hits(msgid):
        term = hit.term
        if term.source in seen:
            continue
        seen[term.source] = {
            "source": term.source, "found": hit.text, "kind": term.kind,
            "renderings": list(term.renderings(language)), "forbidden": list(term.forbidden_in(language)),
            "note": term.note,
        }
    return list(seen.values())


def requested_key(payload: Mapping[str, Any]) -> Key:
    """The (msgctxt, msgid) key a request names."""
    msgctxt = payload.get("msgctxt")
    msgid = payload.get("msgid")
    if not isinstance(msgid, str) or not (msgctxt is None or isinstance(msgctxt, str)):
        raise ReviewError("invalid", "the request names no entry (msgid, msgctxt)")
    return (msgctxt, msgid)
