"""Looking translations up in the index: the same text, close texts, everything stored.

Fuzzy candidates come from the inverted index of words (``postings``: word, length in
tokens, segment), never a scan of the memory: a text scoring at least *t* must share at
least ``ceil(t * n)`` of the *n* (case-folded) words of the query and have between
``ceil(t * n)`` and ``floor(n / t)`` tokens, so it must contain one of the query's
``n - ceil(t * n) + 1`` rarest words ("prefix filtering"). Only the postings of those
rare words, in that length range, are read; the few candidates are then scored exactly.
The search is complete: no text at or above the threshold is missed.
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Sequence
from typing import Any

from .scoring import EPSILON, analyse, index_keys, score
from .store import chunks, marks
from .units import Match, Unit

__all__ = ["count", "exact", "fuzzy", "units"]


def exact(
    connection: sqlite3.Connection, language: str, msgctxt: str | None, msgid: str, exclude_origin: str | None
) -> Match | None:
    """The reviewed translation of *msgid*: same msgctxt first, then the first origin."""
    row = connection.execute(
        "SELECT u.target, s.origin, u.msgctxt FROM segments g "
        "JOIN units u ON u.segment = g.id JOIN sources s ON s.id = u.source_id "
        "WHERE g.text = ? AND u.language = ? AND s.origin IS NOT ? "
        "ORDER BY (u.msgctxt IS ?) DESC, s.origin, u.msgctxt, u.target LIMIT 1",
        (msgid, language, exclude_origin, msgctxt),
    ).fetchone()
    return None if row is None else Match(msgid, row[0], 1.0, row[1], row[2])


def fuzzy(
    connection: sqlite3.Connection,
    language: str,
    msgid: str,
    threshold: float,
    limit: int,
    exclude_origin: str | None,
) -> list[Match]:
    """Up to *limit* matches scoring at least *threshold*, best first (see the module)."""
    query = analyse(msgid)
    size = len(query.words)
    if size == 0:
        return []
    need = math.ceil(threshold * size - EPSILON)  # least shared words of any match
    shortest, longest = need, math.floor(size / threshold + EPSILON)
    keys = sorted(index_keys(query))
    found: dict[str, tuple[int, int]] = {}
    for chunk in chunks(keys):
        for text, word_id, df in connection.execute(
            f"SELECT text, id, df FROM words WHERE text IN ({marks(len(chunk))})", tuple(chunk)
        ):
            found[text] = (word_id, df)
    # Any match holds one of the query's (size - need + 1) rarest words; words the
    # index lacks are the rarest of all and need no reading.
    ranked = sorted(keys, key=lambda k: (found[k][1] if k in found else 0, k))
    prefix = [found[k][0] for k in ranked[: size - need + 1] if k in found]
    candidates: dict[int, str] = {}
    for words in chunks(prefix):
        for segment_id, text in connection.execute(
            "SELECT g.id, g.text FROM segments g WHERE g.id IN ("
            f" SELECT segment FROM postings WHERE word IN ({marks(len(words))})"
            " AND length BETWEEN ? AND ?)"
            " AND EXISTS (SELECT 1 FROM units u WHERE u.segment = g.id AND u.language = ?)",
            (*words, shortest, longest, language),
        ):
            candidates[segment_id] = text
    scored: dict[int, float] = {}
    for segment_id, text in candidates.items():
        other = analyse(text)
        longest_pair = max(size, len(other.words))
        shared = sum((query.folded & other.folded).values())
        if shared + EPSILON < threshold * longest_pair:
            continue
        found_score = score(query, other, threshold)
        if found_score is not None:
            scored[segment_id] = found_score
    if not scored:
        return []
    best: dict[tuple[str, str], Match] = {}
    ids = sorted(scored, key=lambda i: (-scored[i], candidates[i]))
    for segments in chunks(ids):
        for segment_id, target, origin, msgctxt in connection.execute(
            "SELECT u.segment, u.target, s.origin, u.msgctxt FROM units u "
            "JOIN sources s ON s.id = u.source_id "
            f"WHERE u.segment IN ({marks(len(segments))}) AND u.language = ? AND s.origin IS NOT ? "
            "ORDER BY s.origin, u.msgctxt, u.target",
            (*segments, language, exclude_origin),
        ):
            key = (candidates[segment_id], target)
            if key not in best:
                best[key] = Match(candidates[segment_id], target, scored[segment_id], origin, msgctxt)
    ordered = sorted(best.values(), key=lambda m: (-m.score, m.source, m.target, m.origin))
    return ordered[:limit]


def units(connection: sqlite3.Connection, languages: Sequence[str] | None, imported: bool) -> list[Unit]:
    """Every stored unit (of *languages*), sorted; from catalogs only unless *imported*."""
    sql = (
        "SELECT g.text, u.language, u.target, u.msgctxt, s.origin FROM units u "
        "JOIN segments g ON g.id = u.segment JOIN sources s ON s.id = u.source_id"
    )
    rows: list[Any] = list(connection.execute(sql))
    tmx = {origin for (origin,) in connection.execute("SELECT origin FROM sources WHERE scope = 'tmx'")}
    out = [
        Unit(text, lang, target, msgctxt, origin)
        for text, lang, target, msgctxt, origin in rows
        if (languages is None or lang in languages) and (imported or origin not in tmx)
    ]
    out.sort(key=lambda u: (u.source, u.msgctxt or "", u.msgctxt is not None, u.language, u.origin, u.target))
    return out


def count(connection: sqlite3.Connection, language: str | None) -> int:
    """How many units the index holds (of *language*, when given)."""
    if language is None:
        row = connection.execute("SELECT count(*) FROM units").fetchone()
    else:
        row = connection.execute("SELECT count(*) FROM units WHERE language = ?", (language,)).fetchone()
    return int(row[0])
