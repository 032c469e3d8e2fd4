"""``build``'s publishing rules: which editions a page links to, and which pages it removes."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path

import polib
import pytest
from conftest import MakeProject, cli, fill_catalogs
from treecompare import load

from translate_flow import pipeline
from translate_flow.config import Config

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Cafe opens</title>{head}</head>
<body><p>A cafe opened on the square. It serves tea.</p></body></html>
"""
CANONICAL = '<link rel="canonical" href="https://news.example/2015/04/cafe/">'


def po(config: Config, slug: str, tag: str) -> Path:
    return config.locales / config.target(tag).locale / "LC_MESSAGES" / f"{slug}.po"


def translate(config: Config, slug: str, tags: tuple[str, ...], *, fuzzy: bool = False) -> None:
    fill_catalogs([po(config, slug, tag) for tag in tags], lambda msgid: f"[{msgid}]", fuzzy=fuzzy)


def translate_one_sentence(config: Config, slug: str, tag: str) -> None:
    """Translate 3 of the page's 11 words."""
    path = po(config, slug, tag)
    catalog = polib.pofile(str(path))
    entry = catalog.find("It serves tea.")
    assert entry is not None
    entry.msgstr = "[It serves tea.]"
    catalog.save(str(path))


def alternates(config: Config, slug: str, tag: str) -> list[tuple[str, str]]:
    page = load((config.build_dir / tag / f"{slug}.html").read_bytes())
    return [(link.get("hreflang") or "", link.get("href") or "") for link in page.iter("link")
            if link.get("hreflang") is not None]


# --- alternates ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    name: str
    path: str  # the article's path under articles/
    translated: tuple[str, ...]  # languages translated in full; the others stay empty
    expected: list[tuple[str, str]]  # the alternates of the ru page
    head: str = ""
    settings: str = ""
    min_complete: float = 0.0
    build_languages: tuple[str, ...] = ()
    expected_written: tuple[str, ...] = ("kk", "ru")
    extra: dict[str, str] = field(default_factory=dict)


CASES = [
    Case("flat-with-canonical", "cafe.html", ("kk", "ru"), [
        ("en", "https://news.example/2015/04/cafe/"), ("kk", "../kk/cafe.html"), ("ru", "../ru/cafe.html"),
        ("x-default", "https://news.example/2015/04/cafe/")], head=CANONICAL),
    Case("no-source-url-no-source-link", "cafe.html", ("kk", "ru"),
         [("kk", "../kk/cafe.html"), ("ru", "../ru/cafe.html")]),
    Case("nested-slug-relative-to-its-depth", "2015/04/cafe.html", ("kk", "ru"),
         [("kk", "../../../kk/2015/04/cafe.html"), ("ru", "../../../ru/2015/04/cafe.html")]),
    Case("nested-slug-under-base-url", "2015/04/cafe.html", ("kk", "ru"), [
        ("kk", "https://news.example/intl/kk/2015/04/cafe.html"),
        ("ru", "https://news.example/intl/ru/2015/04/cafe.html")],
        settings='base_url = "https://news.example/intl"\n'),
    Case("configured-source-url", "2015/04/cafe.html", ("kk", "ru"), [
        ("en", "https://news.example/2015/04/cafe.html"), ("kk", "../../../kk/2015/04/cafe.html"),
        ("ru", "../../../ru/2015/04/cafe.html"), ("x-default", "https://news.example/2015/04/cafe.html")],
        settings='source_url = "https://news.example/{slug}.html"\n'),
    Case("relative-source-url-follows-the-depth", "2015/04/cafe.html", ("kk", "ru"), [
        ("en", "../../../en/2015/04/cafe.html"), ("kk", "../../../kk/2015/04/cafe.html"),
        ("ru", "../../../ru/2015/04/cafe.html"), ("x-default", "../../../en/2015/04/cafe.html")],
        settings='source_url = "../{lang}/{slug}.html"\n'),
    Case("skipped-language-not-linked", "cafe.html", ("ru",), [("ru", "../ru/cafe.html")],
         min_complete=80, expected_written=("ru",)),
    Case("declared-language-linked", "cafe.html", ("kk", "ru"), [
        ("kk", "../kk/cafe.html"), ("ru", "../ru/cafe.html"), ("fr", "../fr/cafe.html")],
        settings='alternate_languages = ["fr"]\n'),
    Case("page-left-by-an-earlier-build-linked", "cafe.html", ("kk", "ru"),
         [("kk", "../kk/cafe.html"), ("ru", "../ru/cafe.html")], build_languages=("ru",)),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_alternates_link_the_editions_this_build_leaves(make_project: MakeProject, case: Case) -> None:
    config = make_project([], targets=["kk", "ru"], extra=case.settings)  # [build] ends the file
    source = config.articles / case.path
    source.parent.mkdir(parents=True, exist_ok=True)
    source.write_text(PAGE.format(head=case.head), encoding="utf-8")
    slug = case.path.removesuffix(".html")
    pipeline.extract(config)
    translate(config, slug, case.translated)
    if case.build_languages:
        pipeline.build(config)  # every edition, then one language again
    report = pipeline.build(config, languages=case.build_languages, min_complete=case.min_complete)
    assert not report.problems
    written = tuple(tag for tag in ("kk", "ru") if (config.build_dir / tag / f"{slug}.html").is_file())
    assert written == case.expected_written
    assert alternates(config, slug, "ru") == case.expected
    page = config.build_dir / "ru" / f"{slug}.html"
    for tag, href in case.expected:
        if "://" not in href and tag in ("kk", "ru"):  # a link to an edition reaches a page that exists
            assert (page.parent / href).resolve() == (config.build_dir / tag / f"{slug}.html").resolve()


def test_every_page_of_an_article_lists_the_same_editions(make_project: MakeProject) -> None:
    config = make_project([("cafe.html", PAGE.format(head=CANONICAL))], targets=["kk", "ru", "zh-Hans"])
    pipeline.extract(config)
    translate(config, "cafe", ("kk", "ru"))
    translate_one_sentence(config, "cafe", "zh-Hans")
    pipeline.build(config, min_complete=80)
    assert alternates(config, "cafe", "kk") == alternates(config, "cafe", "ru")
    assert [tag for tag, _ in alternates(config, "cafe", "kk")] == ["en", "kk", "ru", "x-default"]


# --- stale pages ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fuzzy", "use_fuzzy", "reason"),
    [
        (False, True, "27% translated, below 80%"),
        (True, False, "0% translated without fuzzy entries, below 80%"),
    ],
    ids=["min-complete", "no-fuzzy"],
)
def test_a_page_below_the_threshold_is_removed(
    make_project: MakeProject, fuzzy: bool, use_fuzzy: bool, reason: str,
) -> None:
    config = make_project([("cafe.html", PAGE.format(head=""))], targets=["ru"])
    pipeline.extract(config)
    if fuzzy:
        translate(config, "cafe", ("ru",), fuzzy=True)
    else:
        translate_one_sentence(config, "cafe", "ru")
    page = config.build_dir / "ru" / "cafe.html"
    pipeline.build(config)
    assert page.is_file()
    report = pipeline.build(config, use_fuzzy=use_fuzzy, min_complete=80)
    assert [(p.status, p.path, p.reason) for p in report.pages] == [("removed", page, reason)]
    assert not page.exists()
    report = pipeline.build(config, use_fuzzy=use_fuzzy, min_complete=80)
    assert [(p.status, p.path, p.reason) for p in report.pages] == [("skipped", None, reason)]


@pytest.mark.parametrize("path", ["cafe.html", "2015/04/cafe.html"], ids=["flat", "nested"])
def test_the_page_of_a_deleted_article_is_removed_and_its_catalogs_kept(make_project: MakeProject, path: str) -> None:
    config = make_project([("other.html", PAGE.format(head=""))], targets=["kk", "ru"])
    source = config.articles / path
    source.parent.mkdir(parents=True, exist_ok=True)
    source.write_text(PAGE.format(head=""), encoding="utf-8")
    slug = path.removesuffix(".html")
    pipeline.extract(config)
    pipeline.build(config)
    stranger = config.build_dir / "ru" / "index.html"  # no article ever had it: not ours to remove
    stranger.write_text("<p>index</p>", encoding="utf-8")
    kept = config.root / ".translate-flow" / "segments" / f"{slug}.json"
    assert kept.is_file()
    source.unlink()
    report = pipeline.build(config)
    assert not kept.exists() and (config.root / ".translate-flow" / "segments" / "other.json").is_file()
    removed = [(p.language, p.path, p.reason) for p in report.pages if p.status == "removed"]
    assert removed == [(tag, config.build_dir / tag / f"{slug}.html", "its article was deleted") for tag in ("kk", "ru")]
    assert report.notes == (f"kept the catalogs of 1 deleted article ({slug}): their translations still feed "
                            "the memory; delete their .pot and .po files to drop them",)
    assert stranger.is_file() and (config.build_dir / "ru" / "other.html").is_file()
    assert po(config, slug, "ru").is_file() and (config.locales / "templates" / f"{slug}.pot").is_file()
    assert not (config.build_dir / "ru" / "2015").exists()  # no empty folders left behind
    again = pipeline.build(config)
    assert not [p for p in again.pages if p.status == "removed"] and again.notes == report.notes


def test_building_some_articles_leaves_deleted_ones_alone(make_project: MakeProject) -> None:
    config = make_project([("cafe.html", PAGE.format(head="")), ("other.html", PAGE.format(head=""))],
                          targets=["ru"])
    pipeline.extract(config)
    pipeline.build(config)
    (config.articles / "cafe.html").unlink()
    report = pipeline.build(config, only=["other"])
    assert [p.status for p in report.pages] == ["unchanged"] and not report.notes
    assert (config.build_dir / "ru" / "cafe.html").is_file()


def test_build_says_which_pages_it_removed(make_project: MakeProject) -> None:
    config = make_project([("cafe.html", PAGE.format(head="")), ("gone.html", PAGE.format(head=""))],
                          targets=["ru"])
    pipeline.extract(config)
    translate_one_sentence(config, "cafe", "ru")
    pipeline.build(config)
    (config.articles / "gone.html").unlink()
    code, _, err = cli(config.root, "build", "--min-complete", "80", "--quiet")
    assert code == 0
    assert err.splitlines() == [
        "build/ru/cafe.html: removed (27% translated, below 80%)",
        "build/ru/gone.html: removed (its article was deleted)",
        "translate-flow: note: kept the catalogs of 1 deleted article (gone): their translations still feed "
        "the memory; delete their .pot and .po files to drop them",
    ]


def test_run_says_which_pages_it_removed(make_project: MakeProject) -> None:
    config = make_project([("cafe.html", PAGE.format(head="")), ("gone.html", PAGE.format(head=""))],
                          targets=["ru"], extra='[translate]\nengine = "pseudo"\n')
    code, _, err = cli(config.root, "run", "--quiet")
    assert (code, err) == (0, "")
    (config.articles / "gone.html").unlink()
    code, _, err = cli(config.root, "run", "--quiet", "--no-fuzzy", "--min-complete", "50", "--report", "report.json")
    assert code == 0
    assert err.splitlines() == [  # machine output is fuzzy: nothing is published without it
        "build/ru/cafe.html: removed (0% translated without fuzzy entries, below 50%)",
        "build/ru/gone.html: removed (its article was deleted)",
        "translate-flow: note: kept the catalogs of 1 deleted article (gone): their translations still feed "
        "the memory; delete their .pot and .po files to drop them",
    ]
    report = json.loads((config.root / "report.json").read_text(encoding="utf-8"))
    assert report["run"]["removed"] == ["build/ru/cafe.html", "build/ru/gone.html"]


# --- pages with nothing translated ---------------------------------------------------------

def _publishing_untranslated(config: Config, publish: bool) -> Config:
    return replace(config, build=replace(config.build, publish_untranslated=publish))


NOTHING = "nothing translated; set [build] publish_untranslated = true to publish it anyway"


@pytest.mark.parametrize(
    ("publish_untranslated", "fill", "written", "reason"),
    [
        (False, "nothing", False, NOTHING),
        (True, "nothing", True, ""),
        (False, "one-sentence", True, ""),
        (False, "no-words", True, ""),
    ],
    ids=["untranslated-kept-back", "untranslated-published-when-asked", "partly-translated", "nothing-to-translate"],
)
def test_a_page_with_nothing_translated_is_not_published_by_default(
    make_project: MakeProject, publish_untranslated: bool, fill: str, written: bool, reason: str,
) -> None:
    page_text = PAGE.format(head="")
    if fill == "no-words":
        page_text = "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'></head><body><p>2015 – 2016</p></body></html>"
    config = _publishing_untranslated(make_project([("cafe.html", page_text)], targets=["ru"]), publish_untranslated)
    pipeline.extract(config)
    if fill == "one-sentence":
        translate_one_sentence(config, "cafe", "ru")
    report = pipeline.build(config)
    page = config.build_dir / "ru" / "cafe.html"
    assert page.is_file() is written
    assert [p.reason for p in report.pages] == [reason]


def test_an_untranslated_page_an_earlier_build_left_is_removed(make_project: MakeProject) -> None:
    config = make_project([("cafe.html", PAGE.format(head=CANONICAL))], targets=["kk", "ru"])
    pipeline.extract(config)
    translate(config, "cafe", ("kk",))
    pipeline.build(config)
    page = config.build_dir / "ru" / "cafe.html"
    assert page.is_file()
    strict = _publishing_untranslated(config, False)
    report = pipeline.build(strict)
    # The kk page is rewritten: it no longer links to the ru page.
    assert [(p.language, p.status) for p in report.pages] == [("kk", "updated"), ("ru", "removed")]
    assert not page.exists()
    assert [tag for tag, _ in alternates(strict, "cafe", "kk")] == ["en", "kk", "x-default"]


def test_a_time_kept_as_written_is_said_once_per_page(make_project: MakeProject) -> None:
    page_text = PAGE.format(head="").replace(
        "It serves tea.</p>", 'It serves tea.</p><p>Open for <time datetime="PT2H">two hours</time>.</p>')
    config = make_project([("cafe.html", page_text)], targets=["kk", "ru"])
    pipeline.extract(config)
    report = pipeline.build(config)
    kept = [w for w in report.warnings if "PT2H" in w]
    assert len(kept) == 1 and kept[0].startswith("articles/cafe.html:3: <time datetime=\"PT2H\">: ")
    assert kept[0].endswith("the text is kept")
    assert "two hours" in (config.build_dir / "ru" / "cafe.html").read_text(encoding="utf-8")
    assert [w for w in pipeline.run(config).warnings if "PT2H" in w] == kept  # a first run builds it too
