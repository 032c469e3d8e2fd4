"""``approve``: an editor's approval of the entries translators have reviewed.

Approval is the second of two steps: a translator reviews an entry (translated, no
``fuzzy``), an editor approves it (see :func:`translate_flow.catalog.approve` for how it is
recorded), and ``build --approved`` publishes approved entries only. Catalogs are written
under the project's lock, as ``run`` writes them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from ..catalog import approve as approve_entry
from ..catalog import is_approved, now_stamp
from ..config import Config
from ..errors import Problem
from ..project import articles, catalog_path, open_catalog, targets, write_catalog
from .state import project_lock

__all__ = ["Approval", "approve"]


@dataclass(frozen=True)
class Approval:
    """One catalog's approvals: what was approved now, what was already, what waits."""

    article: str
    language: str
    path: Path
    approved: int  # entries approved by this command
    already: int  # entries approved before
    waiting: tuple[tuple[int, str], ...]  # reviewed entries not approved: (line, msgid)
    unreviewed: int  # fuzzy or untranslated entries: a translator's turn first


def approve(
    config: Config,
    *,
    languages: Sequence[str],
    only: Sequence[str] = (),
    all_reviewed: bool = False,
    by: str = "",
) -> tuple[list[Approval], list[Problem]]:
    """List the reviewed entries awaiting approval in the selected catalogs; with
    *all_reviewed*, approve them all in the name of *by*, now."""
    results: list[Approval] = []
    problems: list[Problem] = []
    when = now_stamp()
    with project_lock(config):
        for language in targets(config, languages):
            for article in articles(config, only):
                path = catalog_path(config, article, language)
                catalog = open_catalog(config, path)
                if isinstance(catalog, Problem):
                    problems.append(catalog)
                    continue
                active = catalog.active()
                approved = [is_approved(m) for m in active]  # a digest each: worked out once
                pending = {id(m) for m, done in zip(active, approved) if m.reviewed and not done}
                waiting = tuple((m.line, m.msgid) for m in active if id(m) in pending)
                already, unreviewed = sum(approved), sum(1 for m in active if not m.reviewed)
                if all_reviewed and waiting:
                    messages = tuple(
                        approve_entry(m, by=by, when=when) if id(m) in pending else m for m in catalog.messages
                    )
                    write_catalog(path, replace(catalog, messages=messages))
                    results.append(Approval(article.slug, language.tag, path, len(waiting), already, (), unreviewed))
                else:
                    results.append(Approval(article.slug, language.tag, path, 0, already, waiting, unreviewed))
    return results, problems
