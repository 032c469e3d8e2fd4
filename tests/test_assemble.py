"""Assembly: what a localized page says about its languages and its times."""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polib
import pytest
from lxml import etree

from conftest import MakeProject
from translate_flow import pipeline
from translate_flow.assemble import XML_LANG, Assembled, AssembleOptions, KeptTime, assemble
from translate_flow.config import BuildSettings, load_config
from translate_flow.dates import Shown, Unlocalizable, localize, parse_stamp, shown_in
from translate_flow.htmldoc import parse_html
from translate_flow.languages import language
from translate_flow.pseudo import pseudolocalize
from translate_flow.segment import SegmentOptions, segment_page

DATA = Path(__file__).parent / "data" / "languages"
TARGETS = ("kk", "ru", "zh-Hans")
XHTML = "http://www.w3.org/1999/xhtml"


def _page(name: str) -> etree._ElementTree:
    path = DATA / name
    return parse_html(path.read_bytes(), path.name).tree


def _assemble(
    tree: etree._ElementTree,
    target: str,
    keep: Callable[[str], bool] = lambda msgid: False,
    *,
    style: str = "long",
) -> Assembled:
    """Assemble *tree* into *target* with a pseudo-translation of every msgid but those kept."""
    options = SegmentOptions("en")
    table = {(s.msgctxt, s.msgid): pseudolocalize(s.msgid) for s in segment_page(tree, options)
             if not keep(s.msgid)}
    return assemble(tree, table, AssembleOptions(language(target), options, date_format=style))


def _by_id(root: etree._Element, ident: str) -> etree._Element:
    (element,) = root.xpath(f"//*[@id='{ident}']")
    assert isinstance(element, etree._Element)
    return element


def _languages(element: etree._Element) -> tuple[str | None, str | None]:
    return element.get("lang"), element.get("xml:lang") or element.get(XML_LANG)


# --------------------------------------------------------------------------------------
# lang and xml:lang agree


@pytest.mark.parametrize("target", TARGETS)
def test_declared_source_language_becomes_the_target_in_both_attributes(target: str) -> None:
    root = _assemble(_page("declared.html"), target).html_tree.getroot()
    tag = language(target).tag
    assert _languages(root) == (tag, tag)
    assert _languages(_by_id(root, "declared")) == (tag, tag)
    assert _languages(_by_id(root, "en-only")) == (tag, None), "only the attribute the source had"
    (meta,) = root.xpath("//meta[@http-equiv='Content-Language']")
    assert meta.get("content") == tag


@pytest.mark.parametrize("target", TARGETS)
def test_parts_left_alone_keep_their_language(target: str) -> None:
    root = _assemble(_page("declared.html"), target).html_tree.getroot()
    assert _languages(_by_id(root, "foreign")) == ("fr", "fr")
    assert _languages(_by_id(root, "kept")) == ("en", None)


@pytest.mark.parametrize("target", TARGETS)
def test_no_element_says_the_source_language_beside_the_target(target: str) -> None:
    root = _assemble(_page("declared.html"), target).html_tree.getroot()
    for element in root.iter():
        lang, xml_lang = _languages(element)
        if lang is not None and xml_lang is not None:
            assert lang == xml_lang, etree.tostring(element)


# --------------------------------------------------------------------------------------
# text kept in the source language is marked


@dataclass(frozen=True)
class Fallback:
    kept: frozenset[str]  # msgids left untranslated
    marked: str  # the id of the element that must say lang="en"; "" when a span must
    spans: tuple[str, ...] = ()  # the texts of the spans expected inside it


FALLBACKS = {
    "whole-paragraph": Fallback(frozenset({"The judge spoke briefly."}), "whole"),
    "link-that-is-the-paragraph": Fallback(frozenset({"Read the whole ruling"}), ""),
    "one-sentence-of-three": Fallback(frozenset({"He left the city."}), "", ("He left the city.",)),
    "all-sentences-of-a-paragraph": Fallback(
        frozenset({"The court fined him.", "He left the city.", "His lawyer appealed."}), "sentences"
    ),
    "sentence-beside-an-image": Fallback(
        frozenset({"The hearing lasted an hour."}), "", ("The hearing lasted an hour.",)
    ),
    "list-item": Fallback(frozenset({"Home"}), ""),
}


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("case", list(FALLBACKS.values()), ids=list(FALLBACKS))
def test_fallback_is_marked_on_the_smallest_element_that_holds_it(case: Fallback, target: str) -> None:
    result = _assemble(_page("fallbacks.html"), target, lambda msgid: msgid in case.kept)
    root = result.html_tree.getroot()
    marked = [el for el in root.iter() if el.get("lang") == "en"]
    texts = ["".join(el.itertext()).strip() for el in marked]
    if case.marked:
        assert [el.get("id") for el in marked] == [case.marked]
    elif case.spans:
        assert [el.tag for el in marked] == ["span"] and texts == list(case.spans)
    else:
        assert texts == sorted(case.kept)
    assert all(el is not root and el.tag != "body" for el in marked)
    assert result.marked == len(marked)
    assert root.get("lang") == language(target).tag


def test_the_smallest_element_is_the_link_and_the_list_item() -> None:
    keep = {"Read the whole ruling", "Home"}
    root = _assemble(_page("fallbacks.html"), "ru", lambda msgid: msgid in keep).html_tree.getroot()
    assert sorted(el.tag for el in root.iter() if el.get("lang") == "en") == ["a", "li"]


@pytest.mark.parametrize("target", TARGETS)
def test_a_translation_rejected_for_its_tags_is_marked_too(target: str) -> None:
    tree = _page("fallbacks.html")
    options = SegmentOptions("en")
    table = {(s.msgctxt, s.msgid): pseudolocalize(s.msgid) for s in segment_page(tree, options)}
    table[(None, "Supporters gathered <em1>outside</em1> the court.")] = "Без тегов."
    result = assemble(tree, table, AssembleOptions(language(target), options))
    assert len(result.rejections) == 1
    tagged = _by_id(result.html_tree.getroot(), "tagged")
    assert tagged.get("lang") == "en" and "".join(tagged.itertext()) == "Supporters gathered outside the court."


def test_nothing_is_marked_when_everything_is_translated() -> None:
    result = _assemble(_page("fallbacks.html"), "ru")
    root = result.html_tree.getroot()
    assert result.marked == 0 and not [el for el in root.iter() if el.get("lang") == "en"]
    assert not root.xpath("//span")


def test_a_mark_in_a_right_to_left_page_sets_the_direction_back() -> None:
    root = _assemble(_page("fallbacks.html"), "ar", lambda msgid: msgid == "He left the city.").html_tree.getroot()
    (span,) = root.xpath("//span[@lang='en']")
    assert (span.get("dir"), root.get("dir")) == ("ltr", "rtl")


def test_a_mark_uses_xml_lang_where_the_page_does() -> None:
    root = _assemble(_page("declared.html"), "ru", lambda msgid: msgid == "The court met on Monday.")
    inner = _by_id(root.html_tree.getroot(), "inner")
    assert _languages(inner) == ("en", "en")


@pytest.mark.parametrize(
    ("use_fuzzy", "marked"), [(False, ["He left the city."]), (True, [])], ids=["no-fuzzy", "fuzzy"]
)
def test_a_fuzzy_translation_left_out_is_marked(
    make_project: MakeProject, use_fuzzy: bool, marked: list[str]
) -> None:
    config = make_project([DATA / "fallbacks.html"], targets=["ru"])
    pipeline.extract(config)
    po = config.locales / "ru" / "LC_MESSAGES" / "fallbacks.po"
    catalog = polib.pofile(str(po))
    for entry in catalog:
        entry.msgstr = pseudolocalize(entry.msgid)
        if entry.msgid == "He left the city.":
            entry.flags.append("fuzzy")
    catalog.save(str(po))
    pipeline.build(config, use_fuzzy=use_fuzzy)
    built = config.build_dir / "ru" / "fallbacks.html"
    root = parse_html(built.read_bytes(), built.name).tree.getroot()
    assert ["".join(el.itertext()) for el in root.iter() if el.get("lang") == "en"] == marked


def _xhtml() -> etree._ElementTree:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    return etree.parse(str(DATA / "page.xhtml"), parser)


@pytest.mark.parametrize("target", TARGETS)
def test_an_xhtml_tree_gets_namespaced_marks_and_xml_lang_only(target: str) -> None:
    result = _assemble(_xhtml(), target, lambda msgid: msgid == "He left the city.")
    root = result.html_tree.getroot()
    assert root.get(XML_LANG) == language(target).tag and root.get("lang") is None, "XHTML 1.1 has no lang"
    (span,) = root.iter(f"{{{XHTML}}}span")
    assert (span.get(XML_LANG), span.get("lang"), span.text) == ("en", None, "He left the city.")
    (meta,) = root.iter(f"{{{XHTML}}}meta")
    assert meta.get("content") == "application/xhtml+xml; charset=UTF-8"
    (time,) = root.iter(f"{{{XHTML}}}time")
    assert "UTC" in (time.text or "") and "20:02" in (time.text or "")


# --------------------------------------------------------------------------------------
# a page with nothing translated


def test_a_page_with_nothing_translated_is_not_published_by_default() -> None:
    result = _assemble(_page("fallbacks.html"), "ru", lambda msgid: True)
    assert result.untranslated and result.translated == 0
    assert BuildSettings().publish_untranslated is False


@pytest.mark.parametrize(
    "keep",
    [pytest.param(lambda msgid: msgid == "Home", id="partly-translated"),
     pytest.param(lambda msgid: False, id="all-translated")],
)
def test_a_page_with_a_translated_word_is_published(keep: Callable[[str], bool]) -> None:
    assert not _assemble(_page("fallbacks.html"), "ru", keep).untranslated


def test_a_page_with_nothing_to_translate_is_published() -> None:
    tree = parse_html(b"<!DOCTYPE html><html><body><p>2015 - 2016</p></body></html>", "numbers.html").tree
    result = _assemble(tree, "ru")
    assert (result.segments, result.untranslated) == (0, False)


def test_publish_untranslated_is_read_from_the_configuration(tmp_path: Path) -> None:
    path = tmp_path / "translate-flow.toml"
    path.write_text(
        '[project]\nname = "x"\ntarget_languages = ["ru"]\n[build]\npublish_untranslated = true\n',
        encoding="utf-8",
    )
    assert load_config(path).build.publish_untranslated is True


# --------------------------------------------------------------------------------------
# dates and times keep what the source showed


def _time_page(value: str, text: str) -> etree._ElementTree:
    template = (DATA / "times.html").read_text(encoding="utf-8")
    page = template.replace("@VALUE@", html.escape(value)).replace("@TEXT@", text)
    return parse_html(page.encode("utf-8"), "times.html").tree


def _localized_time(value: str, text: str, target: str, style: str = "long") -> tuple[str, Assembled]:
    result = _assemble(_time_page(value, text), target, style=style)
    return "".join(_by_id(result.html_tree.getroot(), "t").itertext()), result


SHOWN = "2015-04-16T20:02:00Z", "Apr 16, 2015 8:02 pm UTC"
TIMES = {
    # id: (datetime, text, target, style, expected)
    "date-time-zone-ru": (*SHOWN, "ru", "long", "16 апреля 2015\u202fг., 20:02 UTC"),
    "date-time-zone-kk": (*SHOWN, "kk", "long", "2015\u202fж. 16 сәуір, 20:02 UTC"),
    "date-time-zone-zh": (*SHOWN, "zh-Hans", "long", "2015年4月16日 UTC 20:02"),
    "offset-zone-ru": ("2015-04-16T20:02:00+03:00", "Apr 16, 2015 8:02 pm MSK", "ru", "long",
                       "16 апреля 2015\u202fг., 20:02 GMT+03:00"),
    "date-shown-without-time-ru": ("2015-04-16T20:02:00Z", "Apr 16, 2015", "ru", "long", "16 апреля 2015\u202fг."),
    "date-shown-without-time-zh": ("2015-04-16T20:02:00Z", "Apr 16, 2015", "zh-Hans", "long", "2015年4月16日"),
    "numeric-date-kk": ("2019-08-17T08:00:00+02:00", "08/17/2019", "kk", "long", "2019\u202fж. 17 тамыз"),
    "medium-style-ru": ("2015-04-16", "April 16, 2015", "ru", "medium", "16 апр. 2015\u202fг."),
    "short-style-zh": ("2015-04-16", "April 16, 2015", "zh-Hans", "short", "2015/4/16"),
    "year-month-ru": ("2015-04", "April 2015", "ru", "long", "апрель 2015\u202fг."),
    "year-month-shown-from-a-date-zh": ("2015-04-16", "April 2015", "zh-Hans", "long", "2015年4月"),
    "year-month-kk": ("2015-04", "April 2015", "kk", "long", "2015\u202fж. сәуір"),
    "day-without-year-ru": ("2015-04-16", "April 16", "ru", "long", "16 апреля"),
    "year-zh": ("2015", "2015", "zh-Hans", "long", "2015年"),
    "time-only-ru": ("20:00", "8:00 pm", "ru", "long", "20:00"),
    "time-only-zh": ("20:00", "8 pm", "zh-Hans", "long", "20:00"),
    "time-with-seconds-kk": ("20:00:15", "8:00:15 pm", "kk", "long", "20:00:15"),
    "time-of-a-date-with-zone-ru": ("2015-04-16T20:02Z", "8:02 pm UTC", "ru", "long", "20:02 UTC"),
    "time-of-a-date-with-zone-zh": ("2015-04-16T20:02Z", "8:02 pm UTC", "zh-Hans", "long", "UTC 20:02"),
}


@pytest.mark.parametrize(("value", "text", "target", "style", "expected"), list(TIMES.values()), ids=list(TIMES))
def test_a_time_keeps_the_precision_its_text_showed(
    value: str, text: str, target: str, style: str, expected: str
) -> None:
    shown, result = _localized_time(value, text, target, style)
    assert shown == expected
    assert result.kept_times == ()


KEPT = {
    # id: (datetime, text, what the reason says)
    "duration": ("PT2H", "2 hours", "a duration"),
    "duration-in-words": ("2h 30m", "two and a half hours", "a duration"),
    "week": ("2015-W16", "week 16", "a week"),
    "unparseable": ("next Tuesday", "next Tuesday", "not an HTML date or time"),
    "no-such-day": ("2015-02-30", "February 30, 2015", "no real date"),
    "relative-text": ("2015-04-16", "yesterday", "shows no date or time"),
    "time-the-value-lacks": ("2015-04-16", "Apr 16, 2015 8:02 pm", "shows a time"),
    "zone-the-value-lacks": ("2015-04-16T20:02", "8:02 pm UTC", "shows a time zone"),
    "markup-inside": ("2015-04-16", "<b>Apr</b> 16, 2015", "holds markup"),
}


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize(("value", "text", "reason"), list(KEPT.values()), ids=list(KEPT))
def test_a_time_that_cannot_be_localized_stays_and_is_reported(
    value: str, text: str, reason: str, target: str
) -> None:
    shown, result = _localized_time(value, text, target)
    assert shown == "".join(etree.fromstring(f"<t>{text}</t>").itertext()), "kept exactly as it was"
    (kept,) = result.kept_times
    assert isinstance(kept, KeptTime)
    assert (kept.datetime, kept.line) == (value, 8)
    assert reason in kept.reason and kept.reason.endswith("the text is kept")


def test_an_empty_time_is_left_alone_without_a_word() -> None:
    shown, result = _localized_time("2015-04-16", "", "ru")
    assert (shown, result.kept_times) == ("", ())


def test_the_space_around_a_time_stays() -> None:
    shown, _ = _localized_time("2015-04-16", " April 16, 2015\n", "ru")
    assert shown == " 16 апреля 2015\u202fг.\n"


SHOWN_IN = {
    "full": ("Apr 16, 2015 8:02 pm UTC", Shown(True, True, True, True, False, True)),
    "seconds": ("20:02:15", Shown(time=True, seconds=True)),
    "numeric": ("16.04.2015", Shown(True, True, True)),
    "month-year": ("04/2015", Shown(True, True, False)),
    "day-month": ("16 April", Shown(False, True, True)),
    "words": ("last week", Shown()),
}


@pytest.mark.parametrize(("text", "expected"), list(SHOWN_IN.values()), ids=list(SHOWN_IN))
def test_shown_in_reads_the_parts_a_text_shows(text: str, expected: Shown) -> None:
    assert shown_in(text) == expected


@pytest.mark.parametrize("value", ["2015-04-16T20:02:00.250+05:30", "2023-12-20T20:09:56.0000000Z", "2015-04-16 20:02", "--04-16", "0900-01"])
def test_parse_stamp_reads_html_date_and_time_values(value: str) -> None:
    assert parse_stamp(value).moment.year in (2015, 2023, 2000, 900)


@pytest.mark.parametrize("locale", ["kk", "ru", "zh_Hans"])
def test_localize_says_why_not(locale: str) -> None:
    with pytest.raises(Unlocalizable, match="duration"):
        localize("P3D", "3 days", locale)


# --------------------------------------------------------------------------------------
# sentences of one paragraph in a language written without spaces

JOINED = b"<!DOCTYPE html><html lang='en'><body><p>A cafe opened. It serves tea. It is <b>new</b>.</p></body></html>"


@pytest.mark.parametrize(
    ("target", "translated", "expected"),
    [
        ("zh-Hans", {"A cafe opened.": "咖啡馆开业了。", "It serves tea.": "供应茶。"}, "咖啡馆开业了。供应茶。 It is new."),
        ("zh-Hans", {"A cafe opened.": "咖啡馆开业了。", "It serves tea.": "供应茶。",
                     "It is <b1>new</b1>.": "它是<b1>新</b1>的。"}, "咖啡馆开业了。供应茶。它是新的。"),
        ("zh-Hans", {"It serves tea.": "供应茶。"}, "A cafe opened. 供应茶。 It is new."),
        ("ru", {"A cafe opened.": "Открылось кафе.", "It serves tea.": "Там подают чай."},
         "Открылось кафе. Там подают чай. It is new."),
    ],
    ids=["zh-two-translated", "zh-all-translated", "zh-beside-fallbacks", "ru-keeps-spaces"],
)
def test_sentences_in_chinese_join_without_a_space(target: str, translated: dict[str, str], expected: str) -> None:
    tree = parse_html(JOINED, "joined.html").tree
    options = SegmentOptions("en")
    table = {(s.msgctxt, s.msgid): translated[s.msgid] for s in segment_page(tree, options) if s.msgid in translated}
    result = assemble(tree, table, AssembleOptions(language(target), options))
    paragraph = result.html_tree.getroot().find(".//p")
    assert paragraph is not None and "".join(paragraph.itertext()) == expected


# --------------------------------------------------------------------------------------
# comments inside inline text: nothing of the page is lost

COMMENTS = Path(__file__).parent / "data" / "comments"


def _comment_page(name: str) -> etree._ElementTree:
    path = COMMENTS / name
    return parse_html(path.read_bytes(), path.name).tree


def _body(tree: etree._ElementTree) -> etree._Element:
    body = tree.getroot().find("body")
    assert body is not None
    return body


def _skeleton(tree: etree._ElementTree) -> list[tuple[tuple[int, ...], str]]:
    """The body's elements and comments in document order, each with its index path."""
    body = _body(tree)
    found: list[tuple[tuple[int, ...], str]] = []
    for node in body.iter():
        path: list[int] = []
        child = node
        while child is not body and (parent := child.getparent()) is not None:
            path.insert(0, parent.index(child))
            child = parent
        name = node.tag if isinstance(node.tag, str) else f"<!--{node.text}-->"
        found.append((tuple(path), name))
    return found


def _comments_by_element(tree: etree._ElementTree) -> dict[str, list[str]]:
    """The comments of the body by the tag of the element that holds them, in order."""
    held: dict[str, list[str]] = {}
    for comment in _body(tree).iter(etree.Comment):
        parent = comment.getparent()
        assert parent is not None
        held.setdefault(str(parent.tag), []).append(comment.text or "")
    return held


def _translate(tree: etree._ElementTree, table: Callable[[str], str | None]) -> Assembled:
    options = SegmentOptions("en")
    translations = {}
    for segment in segment_page(tree, options):
        translation = table(segment.msgid)
        if translation is not None:
            translations[(segment.msgctxt, segment.msgid)] = translation
    return assemble(tree, translations, AssembleOptions(language("ru"), options))


COMMENT_PAGES = sorted(path.name for path in COMMENTS.glob("*.html"))


@pytest.mark.parametrize("name", COMMENT_PAGES, ids=lambda name: name.removesuffix(".html"))
def test_an_identity_build_gives_back_every_comment_where_it_was(name: str) -> None:
    source = etree.tostring(_body(_comment_page(name)), encoding="unicode", method="html")
    built = _translate(_comment_page(name), lambda msgid: msgid).html_tree
    assert etree.tostring(_body(built), encoding="unicode", method="html") == source


@pytest.mark.parametrize("name", COMMENT_PAGES, ids=lambda name: name.removesuffix(".html"))
def test_a_translated_build_keeps_every_comment_in_its_element(name: str) -> None:
    source = _comment_page(name)
    result = _translate(_comment_page(name), pseudolocalize)
    assert result.translated == result.segments
    assert _skeleton(result.html_tree) == _skeleton(source)


def test_a_comment_in_a_fallback_sentence_stays_where_it_was() -> None:
    kept = "<b1>Fans stayed</b1> until the end."
    result = _translate(_comment_page("fallback.html"), lambda msgid: None if msgid == kept else msgid.upper())
    paragraph = etree.tostring(_by_id(result.html_tree.getroot(), "kept"), encoding="unicode", with_tail=False)
    assert paragraph == (
        '<p id="kept">THE MATCH WENT ON. '
        '<span lang="en"><b>Fans <!-- crowd --> stayed</b> until the end.</span></p>'
    )


@pytest.mark.parametrize(
    ("translation", "expected"),
    [
        ("Здесь <i2>моего отца</i2> <b1>красная машина</b1>.",
         "<span>Здесь <i>моего отца<!-- whose --></i><!-- after --> <b>красная машина<!-- colour --></b>."
         "<!-- where --></span>"),
        ("<b1>Красная машина</b1> <i2>моего отца</i2> здесь.",
         "<span><b>Красная машина<!-- colour --></b> <i>моего отца<!-- whose --></i><!-- after --> здесь."
         "<!-- where --></span>"),
    ],
    ids=["tags-reordered", "tags-in-order"],
)
def test_a_comment_stays_in_its_element_when_the_translation_moves_its_tags(translation: str, expected: str) -> None:
    result = _translate(_comment_page("reordered.html"), lambda msgid: translation if "<b1>" in msgid else None)
    paragraph = _by_id(result.html_tree.getroot(), "reordered")
    assert etree.tostring(paragraph[0], encoding="unicode", with_tail=False) == expected
    assert _comments_by_element(result.html_tree) == _comments_by_element(_comment_page("reordered.html"))
