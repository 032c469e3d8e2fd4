"""The translation memory: the SQLite index over reviewed translations, fuzzy matching, TMX."""

from __future__ import annotations

import math
import os
import random
import shutil
import sqlite3
import statistics
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from conftest import DATA, msgfmt_check
from translate_flow import __version__
from translate_flow.memory import scoring, store, tmx
from translate_flow.project import MEMORY_INDEX
from translate_flow.catalog import Catalog, Message, read_po, write_po
from translate_flow.errors import InputError
from translate_flow.languages import language
from translate_flow.markup import check_tags, collapse, escape_text
from translate_flow.memory import (
    Match,
    TranslationMemory,
    Unit,
    export_tmx,
    import_tmx,
    parse_tmx,
    read_tmx,
    retag,
    reviewed_units,
    signature,
    similarity,
)

MEMORY = DATA / "memory"
BROKEN = MEMORY / "broken"
DTD = MEMORY / "tmx14-subset.dtd"
LANGUAGES = ("kk", "ru", "zh-Hans")


# --------------------------------------------------------------------------------------
# A project on disk: catalogs written as real .po files, read back through read_po.


def header(lang: str) -> tuple[tuple[str, str], ...]:
    info = language(lang)
    return (
        ("Project-Id-Version", "memory-test 1.0"),
        ("Report-Msgid-Bugs-To", ""),
        ("POT-Creation-Date", "2024-03-01 10:00+0000"),
        ("PO-Revision-Date", "2024-03-02 10:00+0000"),
        ("Last-Translator", "Translator <t@example.org>"),
        ("Language-Team", f"{info.name} <LL@li.org>"),
        ("Language", info.locale),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=UTF-8"),
        ("Content-Transfer-Encoding", "8bit"),
        ("Plural-Forms", info.plural_forms),
    )


class Project:
    """Catalogs under ``locales/<locale>/LC_MESSAGES`` and loaders that count their calls."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.calls: Counter[str] = Counter()
        self._tick = 1_700_000_000_000_000_000

    def shown(self, lang: str, slug: str) -> str:
        return f"locales/{language(lang).locale}/LC_MESSAGES/{slug}.po"

    def write(self, lang: str, slug: str, messages: Sequence[Message]) -> Path:
        path = self.root / self.shown(lang, slug)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(write_po(Catalog(header=header(lang), messages=tuple(messages))), encoding="utf-8")
        self._tick += 1_000_000  # a distinct mtime for every write, whatever the file system's resolution
        os.utime(path, ns=(self._tick, self._tick))
        msgfmt_check(path)
        return path

    def remove(self, lang: str, slug: str) -> None:
        (self.root / self.shown(lang, slug)).unlink()

    def loader(self, shown: str) -> Callable[[], Catalog]:
        def load() -> Catalog:
            self.calls[shown] += 1
            return read_po((self.root / shown).read_text(encoding="utf-8"), shown)

        return load

    def sources(self, lang: str) -> dict[str, tuple[int, int, Callable[[], Catalog]]]:
        folder = self.root / "locales" / language(lang).locale / "LC_MESSAGES"
        out: dict[str, tuple[int, int, Callable[[], Catalog]]] = {}
        for path in sorted(folder.glob("*.po")):
            shown = path.relative_to(self.root).as_posix()
            mtime_ns, size = signature(path)
            out[shown] = (mtime_ns, size, self.loader(shown))
        return out

    def tmx_sources(self, languages: Sequence[str] = LANGUAGES) -> dict[str, tuple[int, int, Callable[[], list[Unit]]]]:
        out: dict[str, tuple[int, int, Callable[[], list[Unit]]]] = {}
        for path in sorted((self.root / "memory").glob("*.tmx")):
            shown = path.relative_to(self.root).as_posix()

            def load(path: Path = path, shown: str = shown) -> list[Unit]:
                self.calls[shown] += 1
                return parse_tmx(path.read_bytes(), shown, source_language="en", languages=languages)

            out[shown] = (*signature(path), load)
        return out


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return Project(tmp_path)


def reviewed(msgid: str, msgstr: str, msgctxt: str | None = None) -> Message:
    return Message(msgid=msgid, msgstr=msgstr, msgctxt=msgctxt)


COURT = "On Monday <a1>the court</a1> fined <strong2>Nurlan Sadykov</strong2> for an unsanctioned rally."
COURT_RU = "В понедельник <a1>суд</a1> оштрафовал <strong2>Нурлана Садыкова</strong2> за несанкционированный митинг."
ADDRESS = "CESNUR<br1/>Via Confienza 19,<br2/>10121 Turin"
ADDRESS_RU = "CESNUR<br1/>Виа Конфиенца, 19,<br2/>10121 Турин"


# --------------------------------------------------------------------------------------
# Exact reuse


def test_exact_reuse_across_catalogs(project: Project) -> None:
    project.write("ru", "first", [reviewed(COURT, COURT_RU), reviewed("Share this article.", "Поделиться статьёй.")])
    project.write("ru", "second", [Message("Share this article.")])
    with TranslationMemory(project.root / MEMORY_INDEX) as tm:
        tm.refresh("ru", project.sources("ru"))
        match = tm.exact("ru", None, "Share this article.")
        assert match == Match("Share this article.", "Поделиться статьёй.", 1.0,
                              "locales/ru/LC_MESSAGES/first.po", None)
        assert tm.exact("ru", None, COURT) == Match(COURT, COURT_RU, 1.0, "locales/ru/LC_MESSAGES/first.po", None)
        assert tm.exact("kk", None, COURT) is None  # another language
        assert tm.exact("ru", None, "Share this article") is None  # not identical
        assert tm.exact("ru", None, COURT, exclude_origin="locales/ru/LC_MESSAGES/first.po") is None


def test_exact_chooses_the_first_origin(project: Project) -> None:
    project.write("ru", "b-article", [reviewed("Read more.", "Читать дальше.")])
    project.write("ru", "a-article", [reviewed("Read more.", "Подробнее.")])
    with TranslationMemory(project.root / MEMORY_INDEX) as tm:
        tm.refresh("ru", project.sources("ru"))
        for _ in range(3):
            match = tm.exact("ru", None, "Read more.")
            assert match is not None
            assert (match.target, match.origin) == ("Подробнее.", "locales/ru/LC_MESSAGES/a-article.po")


# (context asked for, expected translation, expected context)
CONTEXTS = [
    pytest.param(None, "Главная", None, id="no-context-prefers-no-context"),
    pytest.param("menu", "Меню: главная", "menu", id="same-context"),
    pytest.param("footer", "Главная", None, id="unknown-context-falls-back-to-first"),
]


@pytest.mark.parametrize(("msgctxt", "expected", "expected_context"), CONTEXTS)
def test_exact_prefers_the_same_msgctxt(
    project: Project, msgctxt: str | None, expected: str, expected_context: str | None
) -> None:
    project.write("ru", "a", [reviewed("Home", "Меню: главная", "menu"), reviewed("Home", "Главная")])
    project.write("ru", "b", [reviewed("Home", "Домой"), reviewed("Home", "Главное меню", "menu")])
    # The same context first; then the first origin (a.po before b.po); then no context.
    with TranslationMemory(project.root / MEMORY_INDEX) as tm:
        tm.refresh("ru", project.sources("ru"))
        match = tm.exact("ru", msgctxt, "Home")
        assert match is not None
        assert (match.target, match.msgctxt, match.origin) == (expected, expected_context, "locales/ru/LC_MESSAGES/a.po")


# --------------------------------------------------------------------------------------
# Only reviewed translations


# (entry, indexed?)
ENTRIES = [
    pytest.param(reviewed("The rally was peaceful.", "Митинг был мирным."), True, id="reviewed"),
    pytest.param(Message("The rally was peaceful.", "Митинг был мирным.", flags=("fuzzy",)), False, id="fuzzy"),
    pytest.param(Message("The rally was peaceful.", "Митинг был мирным.", flags=("fuzzy", "no-wrap")), False,
                 id="fuzzy-with-other-flags"),
    pytest.param(Message("The rally was peaceful."), False, id="untranslated"),
    pytest.param(Message("The rally was peaceful.", "Митинг был мирным.", obsolete=True), False, id="obsolete"),
    pytest.param(reviewed("The <em1>rally</em1> was peaceful.", "Митинг был мирным."), False, id="tags-dropped"),
    pytest.param(reviewed("The <em1>rally</em1> was peaceful.", "<em1>Митинг</em1> был мирным."), True,
                 id="reviewed-with-tags"),
]


@pytest.mark.parametrize(("entry", "indexed"), ENTRIES)
def test_only_reviewed_entries_are_indexed(project: Project, entry: Message, indexed: bool) -> None:
    project.write("ru", "article", [entry, reviewed("Unrelated.", "Другое.")])
    with TranslationMemory(project.root / MEMORY_INDEX) as tm:
        report = tm.refresh("ru", project.sources("ru"))
        assert tm.count("ru") == 1 + indexed
        assert (tm.exact("ru", None, entry.msgid) is not None) is indexed
        assert all(m.source != entry.msgid for m in tm.fuzzy("ru", entry.msgid)) or indexed
        if entry.msgstr and not entry.fuzzy and not entry.obsolete and not indexed:
            (why,) = report.skipped
            assert why.startswith("locales/ru/LC_MESSAGES/article.po:")
            assert "tags differ" in why


def test_reviewed_units_of_a_catalog() -> None:
    catalog = read_po(write_po(Catalog(header=header("ru"), messages=(
        reviewed(COURT, COURT_RU),
        Message("Draft.", "Черновик.", flags=("fuzzy",)),
        Message("Empty."),
        reviewed("Home", "Главная", "menu"),
    ))), "a.po")
    assert reviewed_units(catalog, "ru", "a.po") == [
        Unit(COURT, "ru", COURT_RU, None, "a.po"),
        Unit("Home", "ru", "Главная", "menu", "a.po"),
    ]


# --------------------------------------------------------------------------------------
# Fuzzy matches

STORED = [
    # 8 tokens: Police detained eleven journalists outside the court .
    ("Police detained eleven journalists outside the court.", "Полиция задержала одиннадцать журналистов у здания суда."),
    # 13 tokens
    ("The court fined the activist for organising an unsanctioned rally in Almaty.",
     "Суд оштрафовал активиста за организацию несанкционированного митинга в Алматы."),
    (COURT, COURT_RU),
]

# (query, the stored text it should match or None, the score)
FUZZY = [
    pytest.param("The court fined the activist for organising an unsanctioned rally in Astana.",
                 STORED[1][0], 1 - 1 / 13, id="one-word-of-13"),
    pytest.param("Police detained twelve journalists outside the courthouse.",
                 STORED[0][0], 0.75, id="two-words-of-8-at-threshold"),
    pytest.param("Police arrested twelve journalists outside the courthouse.",
                 None, 0.625, id="three-words-of-8-below"),
    pytest.param("The court fined the activists for organising unsanctioned rallies in Astana.",
                 None, 1 - 4 / 13, id="four-edits-of-13-below"),
    pytest.param("The court fined the activist for organising an unsanctioned rally in Astana on Friday.",
                 STORED[1][0], 1 - 3 / 15, id="one-word-changed-two-added"),
    pytest.param("Police detained eleven <a1>journalists</a1> outside the court.",
                 STORED[0][0], 0.98, id="same-words-two-tags-added"),
    pytest.param("On Tuesday <a1>the court</a1> fined <strong2>Nurlan Sadykov</strong2> for an unsanctioned rally.",
                 COURT, 1 - 1 / 12, id="tags-kept-one-word-changed"),
    pytest.param("On Monday <b1>the court</b1> fined <strong2>Nurlan Sadykov</strong2> for an unsanctioned rally.",
                 COURT, 1 - 0.02, id="other-tag-same-words"),
    pytest.param("police detained eleven journalists outside the court.",
                 STORED[0][0], 1 - 1 / 8, id="case-counts"),
    pytest.param("Journalists outside the court were detained by the police.", None, None, id="reordered-below"),
]


@pytest.mark.parametrize(("query", "expected", "score"), FUZZY)
def test_fuzzy_threshold(project: Project, query: str, expected: str | None, score: float | None) -> None:
    project.write("ru", "article", [reviewed(s, t) for s, t in STORED])
    with TranslationMemory(project.root / MEMORY_INDEX) as tm:
        tm.refresh("ru", project.sources("ru"))
        matches = tm.fuzzy("ru", query)
        if expected is None:
            assert matches == []
        else:
            assert matches[0].source == expected
            assert matches[0].score == pytest.approx(score)
            assert matches[0].origin == "locales/ru/LC_MESSAGES/article.po"
            assert matches[0].target == dict(STORED)[expected]
        if expected is not None and score is not None:
            assert similarity(query, expected) == pytest.approx(score)
        elif score is not None:
            closest = max(STORED, key=lambda pair: similarity(query, pair[0]))[0]
            assert similarity(query, closest) == pytest.approx(score)
            assert tm.fuzzy("ru", query, threshold=score)[0].source == closest


def test_fuzzy_ranks_dedupes_and_limits(project: Project) -> None:
    base = "The police detained eleven journalists outside the regional court on Monday."  # 12 tokens
    near = "The police detained twelve journalists outside the regional court on Monday."  # 1 edit
    farther = "The police detained twelve journalists outside the city court on Monday."  # 2 edits
    project.write("ru", "a", [reviewed(near, "Полиция задержала двенадцать журналистов (a)."),
                              reviewed(farther, "Полиция задержала двенадцать журналистов (b).")])
    # the same translation of `near` in another catalog: offered once, from a.po
    project.write("ru", "b", [reviewed(near, "Полиция задержала двенадцать журналистов (a)."),
                              reviewed(base, "Полиция задержала одиннадцать журналистов.")])
    project.write("ru", "c", [reviewed(near, "Другой перевод.")])
    with TranslationMemory(project.root / MEMORY_INDEX) as tm:
        tm.refresh("ru", project.sources("ru"))
        matches = tm.fuzzy("ru", base, limit=5)
        assert [(m.source, m.target, m.origin, m.percent) for m in matches] == [
            (base, "Полиция задержала одиннадцать журналистов.", "locales/ru/LC_MESSAGES/b.po", 100),
            (near, "Другой перевод.", "locales/ru/LC_MESSAGES/c.po", 91),
            (near, "Полиция задержала двенадцать журналистов (a).", "locales/ru/LC_MESSAGES/a.po", 91),
            (farther, "Полиция задержала двенадцать журналистов (b).", "locales/ru/LC_MESSAGES/a.po", 83),
        ]
        assert tm.fuzzy("ru", base, limit=2) == matches[:2]
        assert tm.fuzzy("ru", base, limit=0) == []
        # The catalog being translated is left out.
        without_b = tm.fuzzy("ru", base, limit=5, exclude_origin="locales/ru/LC_MESSAGES/b.po")
        assert [m.origin for m in without_b] == ["locales/ru/LC_MESSAGES/c.po", "locales/ru/LC_MESSAGES/a.po",
                                                 "locales/ru/LC_MESSAGES/a.po"]
        assert tm.fuzzy("ru", base, threshold=0.9, limit=5) == matches[:3]
        assert tm.fuzzy("kk", base) == []


@pytest.mark.parametrize("threshold", [0.0, -0.5, 1.5], ids=["zero", "negative", "over-one"])
def test_fuzzy_refuses_a_threshold_outside_0_1(threshold: float) -> None:
    with TranslationMemory(None) as tm, pytest.raises(ValueError, match="threshold"):
        tm.fuzzy("ru", "Anything.", threshold=threshold)


# (a, b, score)
SIMILARITIES = [
    pytest.param("The court met.", "The court met.", 1.0, id="identical"),
    pytest.param("The court met.", "The court met!", 0.75, id="punctuation-is-a-token"),
    pytest.param("我们今天去法院。", "我们明天去法院。", 1 - 1 / 8, id="cjk-characters-are-words"),
    pytest.param("Read <a1>more</a1>.", "Read <a3>more</a3>.", 1.0, id="tag-numbers-ignored"),
    pytest.param("Read more.", "Read <a1>more</a1>.", 0.98, id="each-tag-edit-one-point"),
    pytest.param(ADDRESS, ADDRESS.replace("Turin", "Milan"), 1 - 1 / 7, id="void-tags"),
    pytest.param("", "Anything.", 0.0, id="empty"),
]


@pytest.mark.parametrize(("a", "b", "score"), SIMILARITIES)
def test_similarity(a: str, b: str, score: float) -> None:
    assert similarity(a, b) == pytest.approx(score)
    assert similarity(b, a) == pytest.approx(score)


# (stored source, its translation, the new msgid, the renumbered translation or None)
RETAGS = [
    pytest.param("Read <a1>more</a1> on <em2>Bitter Winter</em2>.", "Читайте <em2>Bitter Winter</em2> <a1>далее</a1>.",
                 "Read <a3>less</a3> on <em4>Bitter Winter</em4>.",
                 "Читайте <em4>Bitter Winter</em4> <a3>далее</a3>.", id="renumbered"),
    pytest.param(ADDRESS, ADDRESS_RU, ADDRESS.replace("<br1/>", "<br5/>"), ADDRESS_RU.replace("<br1/>", "<br5/>"),
                 id="void"),
    pytest.param("Read <a1>more</a1>.", "Читайте <a1>далее</a1>.", "Read <b1>more</b1>.", None, id="other-tag"),
    pytest.param("Read <a1>more</a1>.", "Читайте <a1>далее</a1>.", "Read more.", None, id="tag-gone"),
]


@pytest.mark.parametrize(("source", "target", "msgid", "expected"), RETAGS)
def test_retag(source: str, target: str, msgid: str, expected: str | None) -> None:
    assert retag(source, target, msgid) == expected
    if expected is not None:
        check_tags(msgid, expected)


# --------------------------------------------------------------------------------------
# Refreshing


def test_refresh_reads_only_changed_catalogs(project: Project) -> None:
    for slug in ("alpha", "beta", "gamma"):
        project.write("ru", slug, [reviewed(f"The {slug} article.", f"Статья {slug}.")])
    with TranslationMemory(project.root / MEMORY_INDEX) as tm:
        first = tm.refresh("ru", project.sources("ru"))
        assert first.read == tuple(project.shown("ru", s) for s in ("alpha", "beta", "gamma"))
        assert first.units == 3
        assert sum(project.calls.values()) == 3

        again = tm.refresh("ru", project.sources("ru"))
        assert not again.changed
        assert sum(project.calls.values()) == 3  # nothing re-read

        project.write("ru", "beta", [reviewed("The beta article, revised.", "Статья beta, исправленная.")])
        third = tm.refresh("ru", project.sources("ru"))
        assert third.read == (project.shown("ru", "beta"),)
        assert project.calls == Counter({project.shown("ru", "alpha"): 1, project.shown("ru", "beta"): 2,
                                         project.shown("ru", "gamma"): 1})
        assert tm.exact("ru", None, "The beta article.") is None
        assert tm.exact("ru", None, "The beta article, revised.") is not None
        assert tm.count("ru") == 3

    # A new instance on the same file reads nothing either.
    with TranslationMemory(project.root / MEMORY_INDEX) as tm:
        assert tm.reset_reason is None
        assert not tm.refresh("ru", project.sources("ru")).changed
        assert sum(project.calls.values()) == 4


def test_removed_catalog_takes_its_units_along(project: Project) -> None:
    gone = "Police detained eleven journalists outside the court."
    project.write("ru", "keep", [reviewed("Read more.", "Подробнее.")])
    project.write("ru", "gone", [reviewed(gone, "Полиция задержала одиннадцать журналистов у здания суда.")])
    project.write("kk", "gone", [reviewed(gone, "Полиция сот ғимаратының сыртында он бір журналисті ұстады.")])
    with TranslationMemory(project.root / MEMORY_INDEX) as tm:
        tm.refresh("ru", project.sources("ru"))
        tm.refresh("kk", project.sources("kk"))
        project.remove("ru", "gone")
        report = tm.refresh("ru", project.sources("ru"))
        assert report.dropped == (project.shown("ru", "gone"),)
        assert report.read == ()
        assert tm.exact("ru", None, gone) is None
        assert tm.fuzzy("ru", gone.replace("eleven", "twelve")) == []
        assert tm.count("ru") == 1
        # The other language's catalog of the same article is its own.
        assert tm.exact("kk", None, gone) is not None
        assert tm.fuzzy("kk", gone.replace("eleven", "twelve"))[0].source == gone
        # Remove that too: the segment and its words leave the index.
        project.remove("kk", "gone")
        tm.refresh("kk", project.sources("kk"))
        connection = sqlite3.connect(project.root / MEMORY_INDEX)
        try:
            assert connection.execute("SELECT count(*) FROM segments").fetchone() == (1,)
            assert connection.execute("SELECT count(*) FROM postings").fetchone() == (3,)  # read, more, .
            assert connection.execute("SELECT count(*) FROM words WHERE df > 0").fetchone() == (3,)
        finally:
            connection.close()


def test_a_loader_error_leaves_the_index_as_it_was(project: Project) -> None:
    project.write("ru", "a", [reviewed("Read more.", "Подробнее.")])
    with TranslationMemory(project.root / MEMORY_INDEX) as tm:
        tm.refresh("ru", project.sources("ru"))
        path = project.write("ru", "a", [reviewed("Share.", "Поделиться.")])
        path.write_text(path.read_text(encoding="utf-8") + 'msgid "broken\n', encoding="utf-8")
        with pytest.raises(InputError, match=r"^locales/ru/LC_MESSAGES/a\.po:\d+: broken catalog"):
            tm.refresh("ru", project.sources("ru"))
        assert tm.exact("ru", None, "Read more.") is not None
        project.write("ru", "a", [reviewed("Share.", "Поделиться.")])
        assert tm.refresh("ru", project.sources("ru")).read == ("locales/ru/LC_MESSAGES/a.po",)
        assert tm.exact("ru", None, "Read more.") is None
        assert tm.exact("ru", None, "Share.") is not None


class Failure(Exception):
    """Something going wrong inside a `with` block."""


# Where the block fails: before anything is read, after a refresh, in a look-up's caller.
CLOSE_CASES = [
    pytest.param(False, id="right-after-opening"),
    pytest.param(True, id="after-a-refresh"),
]


@pytest.mark.parametrize("refresh", CLOSE_CASES)
def test_an_exception_inside_the_block_closes_the_connection(project: Project, refresh: bool) -> None:
    _two_catalogs(project)
    path = project.root / MEMORY_INDEX
    wal = path.with_name(path.name + "-wal")
    with pytest.raises(Failure):
        with TranslationMemory(path) as tm:
            if refresh:
                tm.refresh("ru", project.sources("ru"))
            assert wal.exists()  # open: the write-ahead log is in use
            raise Failure
    with pytest.raises(sqlite3.ProgrammingError, match="closed"):
        tm.count()
    assert not wal.exists()  # the last connection closed and checkpointed
    with TranslationMemory(path) as again:  # what was written before the failure is kept
        assert again.reset_reason is None
        assert again.count() == (4 if refresh else 0)


def test_a_loader_error_inside_the_block_closes_the_connection(project: Project) -> None:
    _two_catalogs(project)
    path = project.root / MEMORY_INDEX

    def broken() -> Catalog:
        raise InputError("broken catalog", path="locales/ru/LC_MESSAGES/a.po", line=3)

    with pytest.raises(InputError) as caught:
        with TranslationMemory(path) as tm:
            tm.refresh("ru", {"locales/ru/LC_MESSAGES/a.po": (1, 1, broken)})
    assert (caught.value.path, caught.value.line) == ("locales/ru/LC_MESSAGES/a.po", 3)
    with pytest.raises(sqlite3.ProgrammingError, match="closed"):
        tm.count()
    assert not path.with_name(path.name + "-wal").exists()


def test_index_is_sqlite_in_wal_mode(project: Project) -> None:
    with TranslationMemory(project.root / MEMORY_INDEX) as tm:
        assert tm.persistent and tm.reset_reason == "new"
        assert project.root / MEMORY_INDEX == project.root / ".translate-flow" / "memory.sqlite"
        connection = sqlite3.connect(project.root / MEMORY_INDEX)
        try:
            assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
            assert connection.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone() == (
                str(store.SCHEMA_VERSION),
            )
        finally:
            connection.close()


# --------------------------------------------------------------------------------------
# A cache that can always be rebuilt


def _two_catalogs(project: Project) -> None:
    project.write("ru", "a", [reviewed(s, t) for s, t in STORED])
    project.write("ru", "b", [reviewed("Read more.", "Подробнее.")])


def _check_contents(tm: TranslationMemory) -> None:
    assert tm.count("ru") == 4
    assert tm.exact("ru", None, "Read more.") is not None
    assert tm.fuzzy("ru", "Police detained twelve journalists outside the court.")[0].source == STORED[0][0]


def _garbage(path: Path) -> None:
    path.write_bytes(bytes(random.Random(1).randrange(256) for _ in range(20000)))


def _truncated(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])


def _zero_header(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[:100] = b"\x00" * 100
    path.write_bytes(bytes(data))


def _pages_scribbled(path: Path) -> None:
    """Every page but the schema's, meta's and sources' is overwritten: found only when read."""
    connection = sqlite3.connect(path)
    page_size = connection.execute("PRAGMA page_size").fetchone()[0]
    keep = {1} | {
        row[0] for row in connection.execute(
            "SELECT rootpage FROM sqlite_master WHERE name IN ('meta', 'sources', 'sqlite_autoindex_sources_1')"
        )
    }
    connection.close()
    data = bytearray(path.read_bytes())
    for page in range(1, len(data) // page_size + 1):
        if page not in keep:
            data[(page - 1) * page_size : page * page_size] = b"\xa5" * page_size
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    "corrupt",
    [_garbage, _truncated, _zero_header, _pages_scribbled],
    ids=["garbage", "truncated", "zeroed-header", "pages-scribbled"],
)
def test_a_corrupt_index_is_rebuilt(project: Project, corrupt: Callable[[Path], None]) -> None:
    _two_catalogs(project)
    path = project.root / MEMORY_INDEX
    with TranslationMemory(path) as tm:
        tm.refresh("ru", project.sources("ru"))
    for suffix in ("-wal", "-shm"):
        assert not Path(f"{path}{suffix}").exists()  # checkpointed on close
    corrupt(path)
    with TranslationMemory(path) as tm:
        tm.refresh("ru", project.sources("ru"))
        _check_contents(tm)
        assert tm.reset_reason == "corrupt"
        assert tm.persistent
    with TranslationMemory(path) as tm:  # and the rebuilt file is sound
        assert tm.reset_reason is None
        assert not tm.refresh("ru", project.sources("ru")).changed
        _check_contents(tm)


def test_index_deleted_while_open_is_rebuilt(project: Project) -> None:
    _two_catalogs(project)
    with TranslationMemory(project.root / MEMORY_INDEX) as tm:
        tm.refresh("ru", project.sources("ru"))
        shutil.rmtree(project.root / ".translate-flow")
        report = tm.refresh("ru", project.sources("ru"))
        assert tm.reset_reason == "missing"
        assert not report.changed  # the last refresh was replayed into the new file
        _check_contents(tm)
        assert (project.root / MEMORY_INDEX).exists()
    assert project.calls == Counter({project.shown("ru", "a"): 2, project.shown("ru", "b"): 2})
    with TranslationMemory(project.root / MEMORY_INDEX) as tm:
        assert tm.reset_reason is None
        _check_contents(tm)


def test_an_older_schema_is_rebuilt(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    _two_catalogs(project)
    with TranslationMemory(project.root / MEMORY_INDEX) as tm:
        tm.refresh("ru", project.sources("ru"))
    monkeypatch.setattr(store, "SCHEMA_VERSION", store.SCHEMA_VERSION + 1)
    with TranslationMemory(project.root / MEMORY_INDEX) as tm:
        assert tm.reset_reason == "schema"
        assert tm.count() == 0
        assert tm.refresh("ru", project.sources("ru")).read == (project.shown("ru", "a"), project.shown("ru", "b"))
        _check_contents(tm)


def test_a_foreign_database_is_replaced(project: Project) -> None:
    path = project.root / MEMORY_INDEX
    path.parent.mkdir(parents=True)
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE units (x)")
    connection.execute("INSERT INTO units VALUES (1)")
    connection.commit()
    connection.close()
    _two_catalogs(project)
    with TranslationMemory(path) as tm:
        assert tm.reset_reason == "schema"
        tm.refresh("ru", project.sources("ru"))
        _check_contents(tm)


def test_an_unwritable_project_keeps_the_index_in_memory(project: Project) -> None:
    _two_catalogs(project)
    (project.root / "blocker").write_text("a file where the folder would go", encoding="utf-8")
    with TranslationMemory(project.root / "blocker" / "memory.sqlite") as tm:
        assert not tm.persistent
        tm.refresh("ru", project.sources("ru"))
        _check_contents(tm)


# --------------------------------------------------------------------------------------
# TMX


def _validate(document: str) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    root = etree.fromstring(document.encode("utf-8"), parser)
    dtd = etree.DTD(str(DTD))
    assert dtd.validate(root), dtd.error_log.filter_from_errors()
    return root


ROUND_TRIP = [
    Unit(COURT, "ru", COURT_RU, None, "locales/ru/LC_MESSAGES/a.po"),
    Unit(COURT, "kk", "Дүйсенбі күні <a1>сот</a1> <strong2>Нұрлан Садықовты</strong2> айыппұл салды.", None,
         "locales/kk/LC_MESSAGES/a.po"),
    Unit(COURT, "zh-Hans", "周一，<a1>法院</a1>对<strong2>努尔兰·萨德科夫</strong2>处以罚款。", None,
         "locales/zh_Hans/LC_MESSAGES/a.po"),
    Unit(ADDRESS, "ru", ADDRESS_RU, None, "locales/ru/LC_MESSAGES/a.po"),
    Unit("Home", "ru", "Главная", "menu", "locales/ru/LC_MESSAGES/a.po"),
    Unit("Home", "ru", "Домой", None, "locales/ru/LC_MESSAGES/b.po"),
    Unit("Home", "ru", "На главную", None, "locales/ru/LC_MESSAGES/c.po"),  # a second translation
    Unit("Home", "kk", "Басты бет", "", "locales/kk/LC_MESSAGES/a.po"),  # an empty context is a context
    Unit("AT&T said \"no\" & <left>.", "ru", "AT&T сказала «нет» & <ушла>.", None, "locales/ru/LC_MESSAGES/a.po"),
    Unit("Type &lt;b1> to <code1/> bold.", "ru", "Введите &lt;b1> для <code1/> жирного.", None,
         "locales/ru/LC_MESSAGES/a.po"),
    Unit("Tags <b1>moved <i2>inside</i2></b1> out.", "ru", "<i2>Внутри</i2> теги <b1>двигаются</b1>.", None,
         "locales/ru/LC_MESSAGES/a.po"),
]


def test_tmx_export_then_parse_gives_the_same_units() -> None:
    document = export_tmx(ROUND_TRIP, source_language="en", languages=LANGUAGES)
    root = _validate(document)
    header = root.find("header")
    assert header is not None
    assert dict(header.attrib) == {
        "creationtool": "translate-flow", "creationtoolversion": __version__,
        "datatype": "plaintext", "segtype": "sentence", "adminlang": "en", "srclang": "en", "o-tmf": "gettext",
    }
    assert root.get("version") == "1.4"
    # The tags are TMX inline codes, paired by i, matched across languages by x.
    seg = root.xpath("//tu[tuv/seg[contains(., 'Nurlan')]]/tuv[@xml:lang='en']/seg")[0]
    assert [(c.tag, dict(c.attrib), c.text) for c in seg] == [
        ("bpt", {"i": "1", "x": "1", "type": "link"}, "<a1>"),
        ("ept", {"i": "1"}, "</a1>"),
        ("bpt", {"i": "2", "x": "2", "type": "bold"}, "<strong2>"),
        ("ept", {"i": "2"}, "</strong2>"),
    ]
    seg = root.xpath("//tuv[@xml:lang='ru']/seg[contains(., 'CESNUR')]")[0]
    assert [(c.tag, dict(c.attrib), c.text) for c in seg] == [
        ("ph", {"x": "1", "type": "lb"}, "<br1/>"), ("ph", {"x": "2", "type": "lb"}, "<br2/>"),
    ]
    assert root.xpath("//tu[prop[@type='x-context']='menu']/tuv[@xml:lang='ru']/prop[@type='x-origin']/text()") == [
        "locales/ru/LC_MESSAGES/a.po"
    ]
    # A text with two translations in one language: two units.
    assert len(root.xpath("//tu[not(prop)][tuv/seg='Home']")) == 2
    assert root.xpath("//tu[prop[@type='x-context']='']/tuv[@xml:lang='kk']/seg/text()") == ["Басты бет"]
    # Plain text is plain in TMX: no numbered-tag escapes.
    assert root.xpath("//tuv[@xml:lang='en']/seg[starts-with(., 'Type')]")[0].xpath("string()") == (
        "Type <b1> to <code1/> bold."
    )

    parsed = parse_tmx(document.encode("utf-8"), "memory/export.tmx", languages=LANGUAGES)
    expected = sorted((u.source, u.language, u.target, u.msgctxt) for u in ROUND_TRIP)
    assert sorted((u.source, u.language, u.target, u.msgctxt) for u in parsed) == expected
    assert {u.origin for u in parsed} == {"memory/export.tmx"}
    assert export_tmx(ROUND_TRIP, source_language="en", languages=LANGUAGES) == document  # deterministic


def test_tmx_export_from_the_index(project: Project) -> None:
    project.write("ru", "a", [reviewed(COURT, COURT_RU), Message("Draft.", "Черновик.", flags=("fuzzy",)),
                              reviewed("Home", "Главная", "menu")])
    project.write("kk", "a", [reviewed("Home", "Басты бет", "menu")])
    (project.root / "memory").mkdir()
    shutil.copy(MEMORY / "agency.tmx", project.root / "memory" / "agency.tmx")
    with TranslationMemory(project.root / MEMORY_INDEX) as tm:
        for lang in ("ru", "kk"):
            tm.refresh(lang, project.sources(lang))
        tm.refresh_tmx(project.tmx_sources())
        units = tm.units(["ru", "kk"])
        assert [(u.source, u.language, u.origin) for u in units] == [
            ("Home", "kk", "locales/kk/LC_MESSAGES/a.po"),
            ("Home", "ru", "locales/ru/LC_MESSAGES/a.po"),
            (COURT, "ru", "locales/ru/LC_MESSAGES/a.po"),
        ]
        assert len(tm.units(imported=True)) == len(units) + 8
        document = export_tmx(units, source_language="en", languages=["ru", "kk"], created="20240401T120000Z")
    root = _validate(document)
    assert root.xpath("/tmx/header/@creationdate") == ["20240401T120000Z"]
    assert len(root.xpath("//tu")) == 2
    assert root.xpath("//tu[prop='menu']/tuv/@xml:lang") == ["en", "ru", "kk"]
    assert "Черновик" not in document


AGENCY_UNITS = [
    Unit("The court upheld the sentence on appeal.", "ru", "Суд оставил приговор в силе по апелляции."),
    Unit("The court upheld the sentence on appeal.", "kk", "Сот апелляция бойынша үкімді күшінде қалдырды."),
    Unit("The court upheld the sentence on appeal.", "zh-Hans", "法院在上诉中维持了原判。"),
    Unit("Latest news", "ru", "Последние новости", "menu"),
    Unit("Latest news", "kk", "Соңғы жаңалықтар", "menu"),
    Unit("Read the <g1>full report</g1> online.<x2/>", "ru", "Прочитайте <g1>полный доклад</g1> на сайте.<x2/>"),
    Unit("Police detained Serikzhan Bilash in Almaty.", "ru", "Полиция задержала Серикжана Билаша в Алматы."),
    Unit("The ruling was final.", "ru", "Решение было окончательным."),
]


def test_tmx_import_of_a_hand_written_memory() -> None:
    data = (MEMORY / "agency.tmx").read_bytes()
    content = import_tmx(data, "agency.tmx", source_language="en", languages=LANGUAGES)
    assert list(content.units) == [
        Unit(u.source, u.language, u.target, u.msgctxt, "agency.tmx") for u in AGENCY_UNITS
    ]
    assert content.source_language == "en"
    assert dict(content.counts) == {"kk": 2, "ru": 5, "zh-Hans": 1}
    assert content.ignored_languages == ("de-DE", "fr-FR", "zh-TW")
    assert len(content.skipped) == 2
    assert content.skipped[0].startswith("agency.tmx:60: the kk tags differ")
    assert content.skipped[1] == "agency.tmx:63: no en text in this <tu>"
    # The same file in UTF-16, as some tools write it.
    utf16 = data.decode("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    assert read_tmx(utf16, "agency.tmx", source_language="en", languages=LANGUAGES).units == content.units
    # Without a project: every language as the file spells it, the header's srclang as source.
    everything = read_tmx(data, "agency.tmx")
    assert everything.source_language == "en-US"
    # en-GB is not the header's en-US: that unit has no source text.
    assert set(everything.counts) == {"de-DE", "kk-KZ", "ru-RU", "zh-CN", "zh-TW"}


def test_imported_memories_are_sources_of_the_index(project: Project) -> None:
    (project.root / "memory").mkdir()
    shutil.copy(MEMORY / "agency.tmx", project.root / "memory" / "agency.tmx")
    project.write("ru", "a", [reviewed("Read more.", "Подробнее.")])
    with TranslationMemory(project.root / MEMORY_INDEX) as tm:
        report = tm.refresh_tmx(project.tmx_sources())
        assert report.read == ("memory/agency.tmx",) and report.units == 8
        tm.refresh("ru", project.sources("ru"))
        match = tm.exact("zh-Hans", None, "The court upheld the sentence on appeal.")
        assert match == Match("The court upheld the sentence on appeal.", "法院在上诉中维持了原判。", 1.0,
                              "memory/agency.tmx", None)
        assert tm.exact("kk", "menu", "Latest news") is not None
        fuzzy = tm.fuzzy("ru", "The court upheld the verdict on appeal.")
        assert [(m.target, m.origin, m.percent) for m in fuzzy] == [
            ("Суд оставил приговор в силе по апелляции.", "memory/agency.tmx", 87),
        ]
        assert not tm.refresh_tmx(project.tmx_sources()).changed
        assert project.calls["memory/agency.tmx"] == 1
        # Refreshing catalogs leaves imported memories alone, and the other way round.
        assert tm.refresh("ru", {}).dropped == ("locales/ru/LC_MESSAGES/a.po",)
        assert tm.count("ru") == 5
        (project.root / "memory" / "agency.tmx").unlink()
        assert tm.refresh_tmx(project.tmx_sources()).dropped == ("memory/agency.tmx",)
        assert tm.count() == 0


# (file, line, message)
BROKEN_FILES = [
    pytest.param("not-well-formed.tmx", 6, "not well-formed XML", id="not-well-formed"),
    pytest.param("not-xml.tmx", 1, "not well-formed XML", id="not-xml"),
    pytest.param("entities.tmx", 3, "entity declarations are not allowed", id="entities"),
    pytest.param("root.tmx", 2, "<xliff> is not a TMX document", id="root"),
    pytest.param("version.tmx", 2, "unsupported TMX version '2.0'", id="version"),
    pytest.param("no-header.tmx", 2, "no <header>", id="no-header"),
    pytest.param("no-body.tmx", 2, "no <body>", id="no-body"),
    pytest.param("no-srclang.tmx", 4, "names no source language", id="no-srclang"),
    pytest.param("no-lang.tmx", 7, "<tuv> without xml:lang", id="no-lang"),
    pytest.param("no-seg.tmx", 7, '<tuv xml:lang="ru"> without <seg>', id="no-seg"),
]


@pytest.mark.parametrize(("name", "line", "message"), BROKEN_FILES)
def test_broken_tmx(name: str, line: int, message: str) -> None:
    data = (BROKEN / name).read_bytes()
    shown = f"memory/{name}"
    with pytest.raises(InputError) as caught:
        read_tmx(data, shown, languages=LANGUAGES)
    text = str(caught.value)
    assert text.startswith(f"{shown}:{line}: "), text
    assert message in text
    assert "\n" not in text
    assert (caught.value.path, caught.value.line) == (shown, line)  # where, apart from what
    assert message in caught.value.message and not caught.value.message.startswith(shown)
    with pytest.raises(InputError, match=f"^{shown}:"):  # the project names the source language
        import_tmx(data, shown, source_language="en", languages=LANGUAGES)


def test_import_without_translations_for_the_project() -> None:
    data = (MEMORY / "agency.tmx").read_bytes()
    with pytest.raises(InputError, match=r"^agency\.tmx: no translations from en into es, it \(languages in the file: de-DE, ") as caught:
        import_tmx(data, "agency.tmx", source_language="en", languages=["es", "it"])
    assert (caught.value.path, caught.value.line) == ("agency.tmx", 0)


# --------------------------------------------------------------------------------------
# A project-sized memory: 100 articles x ~150 entries x 3 languages


def _vocabulary(rng: random.Random) -> tuple[list[str], list[float]]:
    common = ("the of and to in a is that for on was with he as it by at from his an were are which this "
              "be has had not but they its their been who one also said court police rally").split()
    made: set[str] = set()
    while len(made) < 6000:
        made.add("".join(rng.choice("bcdfghjklmnprstvz") + rng.choice("aeiou") for _ in range(rng.randint(1, 4))))
    words = common + sorted(made)
    return words, [1 / (rank + 1) for rank in range(len(words))]  # Zipf: a few words everywhere


def _sentence(rng: random.Random, words: list[str], weights: list[float]) -> str:
    tokens = rng.choices(words, weights, k=rng.randint(6, 34))
    tokens[0] = tokens[0].capitalize()
    if rng.random() < 0.3:
        i = rng.randrange(1, len(tokens) - 1)
        tokens[i] = f"<a1>{tokens[i]}</a1>"
    if rng.random() < 0.3:
        tokens[-2] += ","
    return " ".join(tokens) + "."


def _brute_force(query: str, texts: Sequence[str], threshold: float) -> list[tuple[float, str]]:
    """Every text scoring at least *threshold*, the slow way (with the exact necessary conditions)."""
    size = len(scoring.analyse(query).words)
    folded = scoring.analyse(query).folded
    out = []
    for text in texts:
        other = scoring.analyse(text)
        longest = max(size, len(other.words))
        if sum((folded & other.folded).values()) < threshold * longest - 1e-9:
            continue  # the score is at most shared / longest
        score = similarity(query, text)
        if score + 1e-9 >= threshold:
            out.append((score, text))
    return sorted(out, key=lambda pair: (-pair[0], pair[1]))


def test_memory_of_a_project(tmp_path: Path) -> None:
    rng = random.Random(20240501)
    words, weights = _vocabulary(rng)
    boilerplate = [_sentence(rng, words, weights) for _ in range(12)]
    articles = [
        list(dict.fromkeys(
            rng.choice(boilerplate) if rng.random() < 0.05 else _sentence(rng, words, weights) for _ in range(150)
        ))
        for _ in range(100)
    ]
    texts = {}
    for lang in LANGUAGES:
        for number, sentences in enumerate(articles):
            messages = tuple(reviewed(s, f"[{lang}] " + s.upper().replace("<A1>", "<a1>").replace("</A1>", "</a1>"))
                             for s in sentences)
            texts[(lang, number)] = write_po(Catalog(header=header(lang), messages=messages))

    started = time.perf_counter()
    with TranslationMemory(tmp_path / MEMORY_INDEX) as tm:
        for lang in LANGUAGES:
            tm.refresh(lang, {
                f"locales/{lang}/{n}.po": (1, len(texts[(lang, n)]),
                                           lambda lang=lang, n=n: read_po(texts[(lang, n)], f"{lang}/{n}.po"))
                for n in range(len(articles))
            })
        built = time.perf_counter() - started
        total = tm.count()
        assert total == sum(len(set(a)) for a in articles) * 3
        assert total > 40_000

        started = time.perf_counter()
        for lang in LANGUAGES:
            assert not tm.refresh(lang, {
                f"locales/{lang}/{n}.po": (1, len(texts[(lang, n)]), lambda: pytest.fail("re-read"))
                for n in range(len(articles))
            }).changed
        unchanged = time.perf_counter() - started

        distinct = sorted({s for a in articles for s in a})
        # Queries: stored sentences with one word replaced, and new sentences.
        edited = []
        for _ in range(200):
            original = rng.choice(rng.choice(articles))
            tokens = original.split(" ")
            i = rng.randrange(len(tokens))
            tokens[i] = rng.choice(words[40:]) + ("." if i == len(tokens) - 1 else "")
            edited.append((" ".join(tokens), original))
        fresh = [_sentence(rng, words, weights) for _ in range(200)]

        timings: dict[str, list[float]] = {"edited": [], "new": [], "exact": []}
        for query, original in edited:
            started = time.perf_counter()
            matches = tm.fuzzy("ru", query)
            timings["edited"].append(time.perf_counter() - started)
            expected = similarity(query, original)
            if expected >= 0.75:
                assert matches, query
                assert matches[0].score >= expected - 1e-9
                assert any(m.source == original for m in matches) or matches[-1].score >= expected - 1e-9
        for query in fresh:
            started = time.perf_counter()
            tm.fuzzy("ru", query)
            timings["new"].append(time.perf_counter() - started)
        for _, original in edited:
            started = time.perf_counter()
            match = tm.exact("kk", None, original)
            timings["exact"].append(time.perf_counter() - started)
            assert match is not None and match.target.startswith("[kk] ")

        # The index misses nothing: the same matches as comparing with every text.
        for query, _ in edited[:15]:
            for threshold in (0.75, 0.6):
                found = tm.fuzzy("ru", query, threshold=threshold, limit=1000)
                expected_matches = _brute_force(query, distinct, threshold)
                assert [(round(m.score, 9), m.source) for m in found] == [
                    (round(s, 9), t) for s, t in expected_matches
                ]
        size = (tmp_path / MEMORY_INDEX).stat().st_size

    def describe(values: list[float]) -> str:
        values = sorted(values)
        return (f"mean {1000 * statistics.mean(values):.2f} ms, median {1000 * values[len(values) // 2]:.2f} ms, "
                f"p95 {1000 * values[math.ceil(len(values) * 0.95) - 1]:.2f} ms, max {1000 * values[-1]:.2f} ms")

    print(f"\ntranslation memory: {total} units, {len(distinct)} distinct sources, index {size / 1e6:.1f} MB")
    print(f"  built from 300 catalogs (read_po included) in {built:.2f} s; unchanged refresh {1000 * unchanged:.1f} ms")
    print(f"  fuzzy, edited sentences: {describe(timings['edited'])}")
    print(f"  fuzzy, new sentences:    {describe(timings['new'])}")
    print(f"  exact:                   {describe(timings['exact'])}")


# --------------------------------------------------------------------------------------
# Properties and edge cases


_PIECE = st.lists(
    st.sampled_from(list("ab <>&;/\"'1lt\u00a0\n") + ["&lt;", "<a1>", "Ж", "法"]), max_size=8
).map("".join)


@st.composite
def tagged_texts(draw: st.DrawFn) -> str:
    """msgid-form texts: escaped text, balanced numbered tags, voids, numbered in order."""
    counter = [0]

    def content(depth: int) -> str:
        parts = []
        for _ in range(draw(st.integers(0, 3))):
            kind = draw(st.sampled_from(["text", "text", "pair", "void"] if depth < 3 else ["text"]))
            if kind == "text":
                parts.append(escape_text(draw(_PIECE)))
            elif kind == "void":
                counter[0] += 1
                parts.append(f"<{draw(st.sampled_from(['br', 'img', 'code']))}{counter[0]}/>")
            else:
                counter[0] += 1
                key = f"{draw(st.sampled_from(['a', 'em', 'strong', 'span']))}{counter[0]}"
                parts.append(f"<{key}>{content(depth + 1)}</{key}>")
        return "".join(parts)

    return collapse(content(0)).strip(" ")


@settings(max_examples=300, deadline=None)
@given(tagged_texts())
def test_tmx_segments_round_trip(text: str) -> None:
    seg = etree.fromstring(f"<seg>{tmx._segment_xml(text)}</seg>".encode("utf-8"))
    assert tmx._seg_text(seg) == text


def test_a_file_broken_since_indexing_never_breaks_a_lookup(project: Project) -> None:
    _two_catalogs(project)
    path = project.root / MEMORY_INDEX
    with TranslationMemory(path) as tm:
        tm.refresh("ru", project.sources("ru"))
    # The index goes bad, and so does a catalog: the rebuild during a lookup cannot read
    # it, and the lookup still answers (the next refresh reports the broken file).
    _pages_scribbled(path)
    with TranslationMemory(path) as tm:
        sources = project.sources("ru")
        tm.refresh("ru", sources)
        (project.root / project.shown("ru", "b")).write_text('msgid "broken\n', encoding="utf-8")
        assert tm.exact("ru", None, "Read more.") is None
        assert tm.reset_reason == "corrupt"
        with pytest.raises(InputError, match=r"^locales/ru/LC_MESSAGES/b\.po:1: "):
            tm.refresh("ru", project.sources("ru"))


def test_two_writers_never_index_a_file_twice(project: Project) -> None:
    _two_catalogs(project)
    path = project.root / MEMORY_INDEX
    with TranslationMemory(path) as first, TranslationMemory(path) as second:
        sources = project.sources("ru")
        shown = project.shown("ru", "a")
        mtime_ns, size, load = sources[shown]

        def load_while_the_other_refreshes() -> Catalog:
            first.refresh("ru", project.sources("ru"))  # another process gets there first
            return load()

        report = second.refresh("ru", {**sources, shown: (mtime_ns, size, load_while_the_other_refreshes)})
        assert report.read == ()  # under the lock, there was nothing left to do
        assert first.count("ru") == second.count("ru") == 4
        _check_contents(second)


def test_units_without_words_are_found_only_exactly(project: Project) -> None:
    project.write("ru", "a", [reviewed("2024", "2024 год"), reviewed("<img1/> ...", "<img1/> …")])
    with TranslationMemory(project.root / MEMORY_INDEX) as tm:
        tm.refresh("ru", project.sources("ru"))
        assert tm.exact("ru", None, "2024") is not None
        assert tm.fuzzy("ru", "") == []
        assert tm.fuzzy("ru", "<img1/>") == []
        assert tm.fuzzy("ru", "2024")[0].target == "2024 год"
