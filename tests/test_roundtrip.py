"""The backbone: HTML to .po to HTML, compared as parsed trees.

Every edge-case page and the sample article go through extract, a translation of every
entry, and build. With msgstr = msgid the page must come back with the same structure,
attributes and visible text; with a pseudo-translation every translatable text must change
while the structure stays.
"""

from __future__ import annotations

import copy
from pathlib import Path

import polib
import pytest
from conftest import DATA, PAGES, SAMPLE_ARTICLE, MakeProject, fill_catalogs, msgfmt_check
from lxml import etree
from treecompare import LOCALIZED_ROOT_ATTRIBUTES, TRANSLATABLE_ATTRIBUTES, load, nodes, norm

from translate_flow import pipeline, textrules
from translate_flow.assemble import AssembleOptions, assemble
from translate_flow.htmldoc import parse_html
from translate_flow.languages import language
from translate_flow.pseudo import PLACEHOLDER, pseudolocalize
from translate_flow.segment import SegmentOptions, segment_page

ALL_PAGES = [*sorted(PAGES.glob("*.html")), SAMPLE_ARTICLE]
LOCALIZED_META = {("property", "og:locale"), ("charset", None), ("http-equiv", None)}


def _comparable_attributes(tag: str, attributes: tuple[tuple[str, str], ...], *, root: bool,
                           drop_translatable: bool) -> dict[str, str]:
    kept = dict(attributes)
    if root:
        for name in LOCALIZED_ROOT_ATTRIBUTES:
            kept.pop(name, None)
    if tag == "meta":
        if kept.get("property") == "og:locale" or "http-equiv" in kept:
            kept.pop("content", None)
        kept.pop("charset", None)
    if drop_translatable:
        for name in TRANSLATABLE_ATTRIBUTES:
            kept.pop(name, None)
    return kept


def _build(make_project: MakeProject, page: Path, translate: object) -> tuple[bytes, bytes, Path]:
    config = make_project([page], targets=["ru"])
    report = pipeline.extract(config)
    assert not report.problems
    po = config.locales / "ru" / "LC_MESSAGES" / f"{page.stem}.po"
    fill_catalogs([po], translate)  # type: ignore[arg-type]
    msgfmt_check(po)
    msgfmt_check(config.locales / "templates" / f"{page.stem}.pot")
    built = pipeline.build(config)
    assert not built.problems, built.problems
    out = config.build_dir / "ru" / f"{page.stem}.html"
    return page.read_bytes(), out.read_bytes(), po


@pytest.mark.parametrize("page", ALL_PAGES, ids=lambda p: p.stem)
def test_identity_translation_rebuilds_the_source(make_project: MakeProject, page: Path) -> None:
    source_bytes, built_bytes, _ = _build(make_project, page, lambda msgid: msgid)
    source, built = list(nodes(load(source_bytes))), list(nodes(load(built_bytes, "built.html")))
    assert [n.path for n in built] == [n.path for n in source], "block structure and tag skeleton"
    for before, after in zip(source, built):
        root = before.path == source[0].path
        assert _comparable_attributes(after.tag, after.attributes, root=root, drop_translatable=False) == \
            _comparable_attributes(before.tag, before.attributes, root=root, drop_translatable=False), before.path
        if before.tag == "time" and before.skipped:
            continue  # localized from its datetime attribute
        assert norm(after.text) == norm(before.text), before.path
        assert norm(after.tail) == norm(before.tail), before.path


def _has_letters(text: str) -> bool:
    # Letters of a bare URL, an e-mail address or a placeholder ("%d") stay as they are.
    return any(ch.isascii() and ch.isalpha() for ch in PLACEHOLDER.sub(" ", textrules.without_links(text)))


@pytest.mark.parametrize("page", ALL_PAGES, ids=lambda p: p.stem)
def test_pseudo_translation_changes_every_text_and_keeps_structure(make_project: MakeProject, page: Path) -> None:
    source_bytes, built_bytes, po = _build(make_project, page, pseudolocalize)
    attribute_texts = {entry.msgid for entry in polib.pofile(str(po))}
    source, built = list(nodes(load(source_bytes))), list(nodes(load(built_bytes, "built.html")))
    assert [n.path for n in built] == [n.path for n in source]
    changed = 0
    for before, after in zip(source, built):
        root = before.path == source[0].path
        assert _comparable_attributes(after.tag, after.attributes, root=root, drop_translatable=True) == \
            _comparable_attributes(before.tag, before.attributes, root=root, drop_translatable=True), before.path
        if before.tag == "time" and before.skipped:
            continue  # localized from its datetime attribute
        if before.skipped or before.tag in ("#comment", "script", "style"):
            assert after.text == before.text, before.path
            continue
        for old, new in ((before.text, after.text), (before.tail, after.tail)):
            if _has_letters(old):
                assert norm(new) != norm(old), f"{before.path}: {old!r} was not translated"
                changed += 1
        for name, value in before.attributes:
            if name in TRANSLATABLE_ATTRIBUTES and norm(value) in attribute_texts:
                assert dict(after.attributes)[name] != value, f"{before.path}[{name}]"
    assert changed > 3


def test_localized_page_metadata(make_project: MakeProject) -> None:
    config = make_project([SAMPLE_ARTICLE], targets=["kk", "ru", "zh-Hans", "ar"])
    pipeline.extract(config)
    pipeline.build(config)
    zh = load((config.build_dir / "zh-Hans" / "bilash-free-but-silenced.html").read_bytes())
    assert (zh.get("lang"), zh.get("dir")) == ("zh-Hans", "ltr")
    ar = load((config.build_dir / "ar" / "bilash-free-but-silenced.html").read_bytes())
    assert (ar.get("lang"), ar.get("dir")) == ("ar", "rtl")
    links = [(l.get("hreflang"), l.get("href")) for l in zh.iter("link") if l.get("hreflang")]
    canonical = "https://bitterwinter.org/serikzhan-bilash-free-but-silenced/"
    assert links == [
        ("en", canonical),
        ("kk", "../kk/bilash-free-but-silenced.html"),
        ("ru", "../ru/bilash-free-but-silenced.html"),
        ("zh-Hans", "../zh-Hans/bilash-free-but-silenced.html"),
        ("ar", "../ar/bilash-free-but-silenced.html"),
        ("x-default", canonical),
    ]
    times = {lang: load((config.build_dir / lang / "bilash-free-but-silenced.html").read_bytes())
             .find(".//time").text for lang in ("kk", "ru", "zh-Hans")}
    assert times["ru"] == "17 августа 2019\u202fг."
    assert times["zh-Hans"] == "2019年8月17日"
    assert "2019" in times["kk"] and "тамыз" in times["kk"]


def test_og_locale_and_charset_are_updated(make_project: MakeProject) -> None:
    config = make_project([PAGES / "meta-attributes.html", PAGES / "windows-1251.html"], targets=["kk"])
    pipeline.extract(config)
    report = pipeline.build(config)
    assert not report.problems
    meta = load((config.build_dir / "kk" / "meta-attributes.html").read_bytes())
    og = [m.get("content") for m in meta.iter("meta") if m.get("property") == "og:locale"]
    assert og == ["kk_KZ"]
    cyrillic = (config.build_dir / "kk" / "windows-1251.html").read_bytes()
    assert b"charset=UTF-8" in cyrillic and "Конституция".encode() in cyrillic or "свобод".encode() in cyrillic


# --------------------------------------------------------------------------------------
# the skip policy: a part segmentation leaves alone, assembly leaves alone too

SKIPPED = DATA / "skipped"
SKIPPED_PAGES = sorted(SKIPPED.glob("*.html"))


def _assembled(page: Path, options: SegmentOptions) -> tuple[etree._Element, etree._Element]:
    """The source page's root and the root of its pseudo-translation into Russian."""
    source = parse_html(page.read_bytes(), page.name).tree
    tree = copy.deepcopy(source)
    table = {(s.msgctxt, s.msgid): pseudolocalize(s.msgid) for s in segment_page(tree, options)}
    result = assemble(tree, table, AssembleOptions(language=language("ru"), segment=options))
    assert result.rejections == ()
    assert result.translated == result.segments > 0
    return source.getroot(), result.html_tree.getroot()


def _kept(root: etree._Element) -> bytes:
    (element,) = root.xpath("//*[@id='kept']")
    return etree.tostring(element, method="html", with_tail=False)


def _first_date(root: etree._Element) -> str:
    return root.xpath("string(//p[1]/time)")


@pytest.mark.parametrize("page", SKIPPED_PAGES, ids=lambda p: p.stem)
def test_assembly_leaves_a_skipped_part_byte_identical(page: Path) -> None:
    before, after = _assembled(page, SegmentOptions("en"))
    assert _kept(after) == _kept(before)
    assert _first_date(before) == "1 March 2020"
    assert "марта 2020" in _first_date(after), "the date outside the skipped part is localized"


def test_a_foreign_part_is_localized_when_foreign_parts_are_translated() -> None:
    before, after = _assembled(SKIPPED / "foreign-lang.html", SegmentOptions("en", skip_foreign=False))
    assert _kept(after) != _kept(before)
    assert "марта 2020" in after.xpath("string(//*[@id='kept']//time)")
