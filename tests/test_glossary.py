"""The glossary files: CSV and TBX-Basic (v2 and v3) reading, validation, export, round trips."""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from conftest import DATA, REPO, MakeProject
from translate_flow.cli import main
from translate_flow.errors import InputError
from translate_flow.glossary import (
    TBX3_NAMESPACE,
    Glossary,
    GlossaryFinding,
    Term,
    check_glossary,
    export_csv,
    export_glossary,
    export_tbx,
    import_glossary,
    import_termbase,
    load_glossary_file,
    parse_csv,
    parse_tbx,
    pattern_problem,
    read_glossary,
)
from translate_flow.languages import language

GLOSSARY = DATA / "glossary"
BROKEN = GLOSSARY / "broken"
TBX = GLOSSARY / "tbx"
CORPUS = REPO / "glossary" / "bitter-winter.csv"

RU, KK, ZH = language("ru"), language("kk"), language("zh-Hans")


# --------------------------------------------------------------------------------------
# CSV


HEADER = "en,kk,ru,zh,kind,forbidden_ru,note\n"

# (CSV text, the one term it holds)
CSV_ROWS = [
    (HEADER + "Kazakhstan,Қазақстан,Казахстан,哈萨克斯坦,term,,\n",
     Term("Kazakhstan", "term", {"kk": "Қазақстан", "ru": "Казахстан", "zh": "哈萨克斯坦"})),
    (HEADER + "Almaty,Алматы,Алматы,阿拉木图,term,Алма-Ата|Алма Ата,Use the current name.\n",
     Term("Almaty", "term", {"kk": "Алматы", "ru": "Алматы", "zh": "阿拉木图"},
          {"ru": ("Алма-Ата", "Алма Ата")}, "Use the current name.")),
    (HEADER + "Serikzhan Bilash,Серікжан Біләш,Серикжан Билаш,塞里克江·比拉什,name,,Person.\n",
     Term("Serikzhan Bilash", "name", {"kk": "Серікжан Біләш", "ru": "Серикжан Билаш",
                                       "zh": "塞里克江·比拉什"}, note="Person.")),
    (HEADER + "CESNUR,,,,dnt,,\n", Term("CESNUR", "dnt")),
    (HEADER + "genocide,геноцид,геноцид,种族灭绝,,,\n",
     Term("genocide", "term", {"kk": "геноцид", "ru": "геноцид", "zh": "种族灭绝"})),
    (HEADER + '"religious liberty",діни бостандық,"свобода вероисповедания|свобода совести",'
     '宗教自由,term,,"Quoted, with a comma\nand a line break"\n',
     Term("religious liberty", "term", {"kk": "діни бостандық", "ru": "свобода вероисповедания",
                                        "zh": "宗教自由"}, note="Quoted, with a comma\nand a line break",
          synonyms={"ru": ("свобода совести",)})),
    ("en,ru,kind,case\nCCP,КПК,term,sensitive\n",
     Term("CCP", "term", {"ru": "КПК"}, case="sensitive")),
    ("en,ru,kind,case\nosce,ОБСЕ,term,insensitive\n",
     Term("osce", "term", {"ru": "ОБСЕ"}, case="insensitive")),
    ("en,ru,kind,Case\nOSCE,ОБСЕ,term,yes\n", Term("OSCE", "term", {"ru": "ОБСЕ"}, case="sensitive")),
    ("en,ru,kk,kind,pattern_ru,pattern_kk\nUyghur,уйгур,ұйғыр,term,уйгур*,ұйғыр|\n",
     Term("Uyghur", "term", {"ru": "уйгур", "kk": "ұйғыр"},
          patterns={"ru": "уйгур*", "kk": "ұйғыр|"})),
    ("en,ru,kind,pos\nAtajurt,Атажурт,name,propernoun\n",
     Term("Atajurt", "name", {"ru": "Атажурт"}, part_of_speech="properNoun")),
    ("en,ru,kind\nplea bargain|plea deal,сделка о признании вины,term\n",
     Term("plea bargain", "term", {"ru": "сделка о признании вины"}, source_synonyms=("plea deal",))),
    ("kind,ru,en\nterm,Синьцзян,Xinjiang\n", Term("Xinjiang", "term", {"ru": "Синьцзян"})),
    ("\ufeffen,ru,kind\n\nXinjiang,Синьцзян,term\n,,\n", Term("Xinjiang", "term", {"ru": "Синьцзян"})),
    ("en,zh-Hans,kind\nXinjiang,新疆,term\n", Term("Xinjiang", "term", {"zh-Hans": "新疆"})),
    ("en,ru,KIND,NOTE\nXinjiang,Синьцзян,NAME,a region\n",
     Term("Xinjiang", "name", {"ru": "Синьцзян"}, note="a region")),
    ("en,ru,kind,note\nAlmaty,Алматы,term\n", Term("Almaty", "term", {"ru": "Алматы"})),
]
CSV_IDS = ["term", "forbidden-and-note", "name", "dnt-empty-targets", "kind-defaults-to-term",
           "quotes-and-synonyms", "case-sensitive", "case-insensitive", "case-yes", "patterns",
           "part-of-speech", "source-synonym", "source-column-not-first", "bom-and-blank-rows",
           "script-subtag-column", "reserved-columns-any-case", "short-row-padded"]


@pytest.mark.parametrize(("text", "expected"), CSV_ROWS, ids=CSV_IDS)
def test_csv_rows_become_terms(text: str, expected: Term) -> None:
    assert parse_csv(text.removeprefix("\ufeff"), "glossary/test.csv") == [expected]


def test_csv_origin_is_the_line_a_row_starts_on() -> None:
    text = 'en,ru,kind,note\nAlmaty,Алматы,term,"two\nlines"\nXinjiang,Синьцзян,term,\n'
    terms = parse_csv(text, "g.csv")
    assert [t.origin for t in terms] == ["g.csv:2", "g.csv:4"]
    assert (terms[1].file, terms[1].line) == ("g.csv", 4)


@pytest.mark.parametrize(
    ("language_tag", "expected"),
    [("ru", "Синьцзян"), ("kk", "Шыңжаң"), ("zh-Hans", "新疆"), ("zh-Hant", None), ("de", None)],
    ids=["ru", "kk", "zh-Hans-from-zh", "zh-Hant-not-from-zh", "absent"],
)
def test_rendering_finds_the_column_of_a_language(language_tag: str, expected: str | None) -> None:
    term = Term("Xinjiang", "term", {"ru": "Синьцзян", "kk": "Шыңжаң", "zh": "新疆"})
    assert term.rendering(language(language_tag)) == expected


def test_renderings_forbidden_and_patterns_per_language() -> None:
    term = parse_csv("en,ru,kind,forbidden_ru,pattern_ru\nreligious liberty,"
                     "свобода вероисповедания|свобода совести,term,свобода религии,"
                     "свобод|а вероисповедани*\n",
                     "g.csv")[0]
    assert term.renderings(RU) == ("свобода вероисповедания", "свобода совести")
    assert term.forbidden_in(RU) == ("свобода религии",)
    assert term.pattern(RU) == "свобод|а вероисповедани*"
    assert term.renderings(KK) == () and term.forbidden_in(KK) == () and term.pattern(KK) is None


def test_do_not_translate_renders_as_the_source() -> None:
    assert Term("CESNUR", "dnt").rendering(RU) == "CESNUR"
    assert Term("CESNUR", "dnt").renderings(ZH) == ("CESNUR",)


def test_protected_lists_names_and_dnt_longest_first() -> None:
    glossary = read_glossary(REPO / "glossary")
    pairs = glossary.protected(RU)
    assert pairs[0] == ("Massimo Introvigne", "Массимо Интровинье")
    assert ("Bitter Winter", "Bitter Winter") in pairs and ("CESNUR", "CESNUR") in pairs
    assert all(source not in ("Kazakhstan", "CCP") for source, _ in pairs)
    assert [len(s) for s, _ in pairs] == sorted((len(s) for s, _ in pairs), reverse=True)


def test_entries_and_languages() -> None:
    glossary = read_glossary(REPO / "glossary", "en", "glossary")
    assert len(glossary.entries()) == 21
    assert [t.source for t in glossary.entries("dnt")] == ["Bitter Winter", "CESNUR"]
    assert glossary.languages() == ["kk", "ru", "zh"]
    assert glossary.terms[0].origin == "glossary/bitter-winter.csv:2"


@pytest.mark.parametrize(
    ("pattern", "problem"),
    [("уйгур*", None), ("сделк|а о признании вины", None), ("Алматы", None), ("ұйғыр|", None),
     ("*гур", "'*' may only end"), ("уй*гур", "'*' may only end"), ("*", "'*' may only end"),
     ("a|b|c", "one '|'"), ("|а", "needs a stem"), ("сделк|а*", "needs a stem"), ("  ", "empty")],
    ids=["prefix", "stem-ending", "exact", "stem-any-ending", "leading-star", "inner-star",
         "star-alone", "two-bars", "no-stem", "bar-and-star", "empty"],
)
def test_pattern_problems(pattern: str, problem: str | None) -> None:
    found = pattern_problem(pattern)
    assert (found is None) if problem is None else (found is not None and problem in found)


# --------------------------------------------------------------------------------------
# validation: findings with file and line

# (file under tests/data/glossary/broken, [(line, severity, check, part of the message)])
FINDINGS = [
    ("cells.csv", [(3, "warning", "malformed", "3 cells, the header has 4"),
                   (4, "error", "malformed", "5 cells, the header has 4")]),
    ("quote.csv", [(3, "error", "malformed", "broken CSV")]),
    ("no-source.csv", [(2, "warning", "skipped", "the row has no source term; skipped")]),
    ("kind.csv", [(2, "error", "unknown-kind", "unknown kind 'magazine'")]),
    ("values.csv", [(2, "error", "bad-value", "case 'maybe'"),
                    (3, "error", "bad-value", "pattern_ru: '*' may only end"),
                    (4, "error", "bad-value", "part of speech 'noun phrase'")]),
    ("languages.csv", [(1, "error", "unknown-language", "column 'xx'"),
                       (1, "error", "unknown-language", "column 'comment'"),
                       (1, "error", "unknown-language", "column 'forbidden_qq'")]),
    ("empty.csv", [(2, "warning", "empty-target", "'Kazakhstan' has no ru rendering"),
                   (4, "warning", "empty-target", "'Atajurt' has no zh rendering")]),
    ("duplicates.csv", [(4, "warning", "duplicate", "repeats the entry at broken/duplicates.csv:2"),
                        (5, "error", "conflict", "ru 'Алматы' there and 'Алма-Ата' here")]),
    ("forbidden.csv", [(2, "error", "conflict", "'алматы' is both a rendering and forbidden"),
                       (4, "error", "conflict", "do-not-translate 'CESNUR' has a different ru")]),
    ("cp1251.csv", [(3, "error", "unreadable", "not UTF-8")]),
    ("not-xml.tbx", [(7, "error", "unreadable", "not well-formed XML")]),
    ("entities.tbx", [(3, "error", "unreadable", "entity declarations are not allowed")]),
    ("xxe.tbx", [(3, "error", "unreadable", "entity declarations are not allowed")]),
    ("root.tbx", [(2, "error", "unreadable", "<glossary> is not a TBX root")]),
    ("entries.tbx", [(5, "warning", "skipped", "the entry has no en term, only ru; skipped"),
                     (8, "error", "unknown-kind", "unknown kind 'brand'"),
                     (12, "warning", "skipped", "'Xinjiang' has no term in another language; skipped"),
                     (14, "error", "unknown-language", "xml:lang 'xx'"),
                     (18, "error", "bad-value", "pattern: '*' may only end"),
                     (20, "warning", "bad-value", "part of speech 'pronoun'"),
                     (23, "warning", "skipped", "'genocide' has no term in another language; skipped"),
                     (25, "warning", "malformed", "an empty <term> element (ru)")]),
]


@pytest.mark.parametrize(("name", "expected"), FINDINGS, ids=[name for name, _ in FINDINGS])
def test_check_reports_each_problem_with_file_and_line(
        name: str, expected: list[tuple[int, str, str, str]]) -> None:
    findings = check_glossary(BROKEN / name, "en", shown=f"broken/{name}")
    assert [(f.file, f.line, f.severity, f.check) for f in findings] == [
        (f"broken/{name}", line, severity, check) for line, severity, check, _ in expected]
    for finding, (line, _, _, words) in zip(findings, expected):
        assert words in finding.message
        assert str(finding).startswith(f"broken/{name}:{line}: {finding.severity}: ")
        assert "\n" not in str(finding)


def test_check_finds_conflicts_across_files() -> None:
    findings = check_glossary(BROKEN / "across", "en", shown="glossary")
    assert findings == [GlossaryFinding(
        "glossary/b.csv", 3, "error", "conflict",
        "'Uyghur' is also an entry at glossary/a.csv:2, with ru 'уйгур' there and 'уйгурка' here")]


def test_check_against_project_languages() -> None:
    findings = check_glossary(REPO / "glossary", "en", ["kk", "ru", "zh-Hans", "uz"], "glossary")
    assert {f.check for f in findings} == {"empty-target"}
    assert len(findings) == 19  # every entry but the two do-not-translate ones lacks Uzbek
    assert findings[0].location == "glossary/bitter-winter.csv:2"


def test_the_sample_glossary_is_clean() -> None:
    assert check_glossary(REPO / "glossary", "en", ["kk", "ru", "zh-Hans"]) == []
    assert check_glossary(CORPUS, "en") == []


def test_a_missing_folder_is_an_empty_glossary(tmp_path: Path) -> None:
    assert read_glossary(tmp_path / "none") == Glossary()
    assert check_glossary(tmp_path / "none") == []


BLOCKING = [
    ("cells.csv", "cells.csv:4: the row has 5 cells, the header has 4"),
    ("quote.csv", "quote.csv:3: broken CSV (unexpected end of data)"),
    ("kind.csv", "kind.csv:2: unknown kind 'magazine'; use term, name or dnt"),
    ("values.csv", "values.csv:2: case 'maybe' is not sensitive, insensitive or empty"),
    ("cp1251.csv", "cp1251.csv:3: not UTF-8 text; save the glossary as UTF-8"),
    ("not-xml.tbx", "not-xml.tbx:7: not well-formed XML"),
    ("entities.tbx", "entities.tbx:3: entity declarations are not allowed in a glossary"),
    ("root.tbx", "root.tbx:2: <glossary> is not a TBX root (martif or tbx)"),
    ("entries.tbx", "entries.tbx:8: unknown kind 'brand'"),
]


@pytest.mark.parametrize(("name", "message"), BLOCKING, ids=[name for name, _ in BLOCKING])
def test_reading_an_unreadable_file_raises_one_line(tmp_path: Path, name: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        import_glossary(BROKEN / name, shown=name)
    assert str(caught.value).startswith(message) and "\n" not in str(caught.value)
    folder = tmp_path / "glossary"
    folder.mkdir()
    shutil.copy(BROKEN / name, folder / name)
    with pytest.raises(InputError, match=f"^glossary/{name}:"):
        read_glossary(folder, "en", "glossary")


@pytest.mark.parametrize("name", ["empty.csv", "duplicates.csv", "forbidden.csv", "languages.csv",
                                  "no-source.csv"])
def test_reading_tolerates_what_only_check_reports(name: str) -> None:
    glossary, findings = load_glossary_file(BROKEN / name)
    assert glossary.terms
    assert all(f.check not in ("malformed", "unreadable") for f in findings)


def test_unknown_language_columns_are_left_out() -> None:
    term = import_glossary(BROKEN / "languages.csv").terms[0]
    assert term.targets == {"ru": "Алматы"} and term.note == ""


# --------------------------------------------------------------------------------------
# TBX-Basic

EXPECTED_TBX = Glossary((
    Term("transformation through education camp", "term",
         {"ru": "лагерь «трансформации через образование»", "zh": "转化教育营"},
         {"ru": ("профессиональный учебный центр", "профессионально-техническое училище"),
          "zh": ("职业技能教育培训中心",)},
         "The CCP's own euphemism must never be used for the camps.",
         synonyms={"ru": ("лагерь перевоспитания",)}, source_synonyms=("re-education camp",),
         part_of_speech="noun"),
    Term("Serikzhan Bilash", "name", {"kk": "Серікжан Біләш", "ru": "Серикжан Билаш"},
         part_of_speech="properNoun"),
    Term("Bitter Winter", "dnt", note="Magazine title: never translated or transliterated.",
         case="sensitive", part_of_speech="properNoun"),
    Term("Uyghur", "term", {"ru": "уйгур", "zh": "维吾尔"}, patterns={"ru": "уйгур*"},
         part_of_speech="noun"),
))


@pytest.mark.parametrize("name", ["basic-v2.tbx", "basic-v3.tbx"], ids=["tbx-v2", "tbx-v3"])
def test_tbx_basic_import(name: str) -> None:
    glossary = import_glossary(TBX / name, shown=name)
    assert glossary == EXPECTED_TBX
    assert [t.origin for t in glossary.terms][0] == f"{name}:{16 if 'v2' in name else 14}"
    assert check_glossary(TBX / name) == [
        GlossaryFinding(str(TBX / name), line, "warning", "empty-target", message)
        for line, message in (
            [(16, "'transformation through education camp' has no kk rendering"),
             (68, "'Serikzhan Bilash' has no zh rendering"),
             (100, "'Uyghur' has no kk rendering")] if "v2" in name else
            [(14, "'transformation through education camp' has no kk rendering"),
             (64, "'Serikzhan Bilash' has no zh rendering"),
             (96, "'Uyghur' has no kk rendering")])]


def test_tbx_statuses_become_rendering_synonyms_and_forbidden_variants() -> None:
    camp = EXPECTED_TBX.terms[0]
    assert camp.rendering(RU) == "лагерь «трансформации через образование»"  # preferredTerm
    assert camp.renderings(RU)[1:] == ("лагерь перевоспитания",)  # admittedTerm
    assert camp.forbidden_in(RU) == ("профессиональный учебный центр",  # deprecatedTerm
                                     "профессионально-техническое училище")  # supersededTerm


def test_tbx_without_status_takes_the_first_term_and_accepts_forbidden_wording() -> None:
    data = """<?xml version="1.0" encoding="UTF-8"?>
<martif type="TBX-Basic" xml:lang="en"><text><body>
  <termEntry id="c1">
    <langSet xml:lang="en"><tig><term>Almaty</term></tig></langSet>
    <langSet xml:lang="ru">
      <tig><term>Алма-Ата</term><termNote type="administrativeStatus">forbidden</termNote></tig>
      <tig><term>Алматы</term></tig>
      <tig><term>Алма Ата</term><termNote type="normativeAuthorization">deprecatedTerm</termNote></tig>
    </langSet>
  </termEntry>
</body></text></martif>""".encode()
    assert parse_tbx(data, "g.tbx") == [Term("Almaty", "term", {"ru": "Алматы"},
                                             {"ru": ("Алма-Ата", "Алма Ата")})]


def test_tbx_namespace_of_the_later_v3_examples_is_read_too() -> None:
    data = (TBX / "basic-v3.tbx").read_bytes().replace(
        TBX3_NAMESPACE.encode(), b"urn:iso:std:iso:30042:ed:3.0")
    assert Glossary(tuple(parse_tbx(data, "g.tbx"))) == EXPECTED_TBX


def test_tbx_is_parsed_without_network_or_dtd() -> None:
    data = """<?xml version="1.0"?>
<!DOCTYPE martif SYSTEM "http://127.0.0.1:9/TBXBasiccoreStructV02.dtd">
<martif type="TBX-Basic" xml:lang="en"><text><body><termEntry>
  <langSet xml:lang="en"><tig><term>Xinjiang</term></tig></langSet>
  <langSet xml:lang="ru"><tig><term>Синьцзян</term></tig></langSet>
</termEntry></body></text></martif>""".encode()
    assert parse_tbx(data, "g.tbx") == [Term("Xinjiang", "term", {"ru": "Синьцзян"})]


def test_tbx_entities_are_never_expanded() -> None:
    for name in ("entities.tbx", "xxe.tbx"):
        with pytest.raises(InputError, match="entity declarations are not allowed"):
            parse_tbx((BROKEN / name).read_bytes(), name)


def _tbx_root(text: str) -> etree._Element:
    return etree.fromstring(text.encode("utf-8"),
                            etree.XMLParser(resolve_entities=False, no_network=True))


def test_export_tbx_v2_follows_tbx_basic() -> None:
    text = export_tbx(EXPECTED_TBX, 2)
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n'
                           '<!DOCTYPE martif SYSTEM "TBXBasiccoreStructV02.dtd">\n<martif ')
    root = _tbx_root(text)
    assert (root.tag, root.get("type")) == ("martif", "TBX-Basic")
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    entries = root.findall("text/body/termEntry")
    assert len(entries) == 4
    ru = entries[0].find("langSet[@{http://www.w3.org/XML/1998/namespace}lang='ru']")
    assert ru is not None
    assert [(tig.findtext("term"), tig.findtext("termNote[@type='administrativeStatus']"),
             tig.findtext("termNote[@type='partOfSpeech']")) for tig in ru.findall("tig")] == [
        ("лагерь «трансформации через образование»", "preferredTerm-admn-sts", "noun"),
        ("лагерь перевоспитания", "admittedTerm-admn-sts", "noun"),
        ("профессиональный учебный центр", "deprecatedTerm-admn-sts", "noun"),
        ("профессионально-техническое училище", "deprecatedTerm-admn-sts", "noun"),
    ]


def test_export_tbx_v3_follows_tbx_basic_dca() -> None:
    text = export_tbx(EXPECTED_TBX, 3)
    assert '<?xml-model href="' in text.splitlines()[1]
    root = _tbx_root(text)
    ns = {"t": TBX3_NAMESPACE}
    assert root.tag == f"{{{TBX3_NAMESPACE}}}tbx"
    assert (root.get("type"), root.get("style")) == ("TBX-Basic", "dca")
    entries = root.findall("t:text/t:body/t:conceptEntry", ns)
    assert [e.findtext("t:langSec/t:termSec/t:term", namespaces=ns) for e in entries] == [
        "transformation through education camp", "Serikzhan Bilash", "Bitter Winter", "Uyghur"]
    assert [n.text for n in entries[2].findall("t:note", ns)] == [
        "kind: dnt", "case: sensitive", "Magazine title: never translated or transliterated."]
    uyghur_ru = entries[3].find("t:langSec[@{http://www.w3.org/XML/1998/namespace}lang='ru']", ns)
    assert uyghur_ru is not None and uyghur_ru.findtext("t:note", namespaces=ns) == "pattern: уйгур*"


FORMATS = [("csv", "csv"), ("tbx2", "tbx"), ("tbx3", "tbx")]


@pytest.mark.parametrize("source", ["corpus-csv", "basic-v2.tbx", "basic-v3.tbx", "broken/empty.csv"])
@pytest.mark.parametrize(("fmt", "suffix"), FORMATS, ids=[f for f, _ in FORMATS])
def test_round_trip_import_export_import(tmp_path: Path, source: str, fmt: str, suffix: str) -> None:
    path = CORPUS if source == "corpus-csv" else GLOSSARY / source if "/" in source else TBX / source
    first = import_glossary(path)
    exported = tmp_path / f"exported.{suffix}"
    exported.write_text(export_glossary(first, fmt), encoding="utf-8")
    second = import_glossary(exported)
    assert second == first
    assert export_glossary(second, fmt) == export_glossary(first, fmt)


def test_tbx_v2_and_v3_convert_into_each_other(tmp_path: Path) -> None:
    v2 = import_glossary(TBX / "basic-v2.tbx")
    (tmp_path / "v3.tbx").write_text(export_tbx(v2, 3), encoding="utf-8")
    v3 = import_glossary(tmp_path / "v3.tbx")
    (tmp_path / "v2.tbx").write_text(export_tbx(v3, 2), encoding="utf-8")
    assert import_glossary(tmp_path / "v2.tbx") == v3 == v2


def test_export_csv_keeps_the_sample_glossary_columns() -> None:
    text = export_csv(import_glossary(CORPUS))
    assert text.splitlines()[0] == "en,kk,ru,zh,kind,forbidden_kk,forbidden_ru,forbidden_zh,note"
    original = CORPUS.read_text(encoding="utf-8")
    assert list(csv.reader(io.StringIO(text))) == list(csv.reader(io.StringIO(original)))


def test_export_rejects_an_unknown_format() -> None:
    with pytest.raises(InputError, match="unknown glossary format 'xlsx'; use csv, tbx2, tbx3"):
        export_glossary(EXPECTED_TBX, "xlsx")


def test_read_glossary_reads_csv_and_tbx_together(tmp_path: Path) -> None:
    folder = tmp_path / "glossary"
    folder.mkdir()
    shutil.copy(CORPUS, folder / "a.csv")
    shutil.copy(TBX / "basic-v3.tbx", folder / "b.tbx")
    (folder / "notes.txt").write_text("not a glossary file")
    glossary = read_glossary(folder, "en", "glossary")
    assert len(glossary.terms) == 25
    assert glossary.terms[-1].origin == "glossary/b.tbx:96"
    findings = check_glossary(folder, "en", ["kk", "ru", "zh-Hans"], "glossary")
    assert [(f.location, f.check) for f in findings if f.check != "empty-target"] == [
        ("glossary/b.tbx:14", "conflict"), ("glossary/b.tbx:64", "conflict"),
        ("glossary/b.tbx:84", "conflict"), ("glossary/b.tbx:96", "conflict")]


def test_export_for_a_project_keeps_every_language_the_entries_use() -> None:
    glossary = import_glossary(CORPUS)
    text = export_csv(glossary, "en", ["kk", "ru", "zh-Hans", "uz"])
    header = text.splitlines()[0].split(",")
    assert header[:6] == ["en", "kk", "ru", "zh", "uz", "kind"]  # zh serves zh-Hans; uz to fill in
    rows = list(csv.DictReader(io.StringIO(text)))
    assert all(row["zh"] for row in rows if row["kind"] != "dnt") and not any(row["uz"] for row in rows)
    for fmt in ("tbx2", "tbx3"):
        exported = export_glossary(glossary, fmt, "en", ["kk", "ru", "zh-Hans"])
        assert exported.count('xml:lang="zh"') == sum(1 for t in glossary.terms if "zh" in t.targets) == 21
        assert Glossary(tuple(parse_tbx(exported.encode(), "g.tbx"))) == glossary


def test_export_tbx_keeps_a_pattern_of_a_language_without_terms() -> None:
    glossary = Glossary((Term("Uyghur", "term", {"ru": "уйгур"}, patterns={"kk": "ұйғыр|"}),))
    for version in (2, 3):
        assert Glossary(tuple(parse_tbx(export_tbx(glossary, version).encode(), "g.tbx"))) == glossary


# --------------------------------------------------------------------------------------
# export then import loses nothing, for any glossary

_WORD = st.text(st.characters(whitelist_categories=("L", "Nd")), min_size=1, max_size=8)
_PHRASE = st.lists(_WORD, min_size=1, max_size=3).map(" ".join)
_NOTE = st.lists(st.lists(st.text(st.characters(
    whitelist_categories=("L", "Nd", "P", "Zs"), blacklist_characters="\u2028\u2029\x85"),
    min_size=1, max_size=12).map(str.strip).filter(bool), min_size=1, max_size=3).map(" ".join),
    max_size=2).map("\n".join) | st.sampled_from(["kind: name", "case: maybe", "note: x", "pattern:*"])
_TARGETS = ("kk", "ru", "zh-Hans", "zh", "uz", "de")
_PATTERN = st.sampled_from(["уйгур*", "ұйғыр|", "Uyghur", "lager|ь лагер*", "维吾尔"])


@st.composite
def _terms(draw: st.DrawFn) -> Term:
    kind = draw(st.sampled_from(["term", "name", "dnt"]))
    codes = draw(st.lists(st.sampled_from(_TARGETS), unique=True, max_size=4))
    targets: dict[str, str] = {}
    synonyms: dict[str, tuple[str, ...]] = {}
    forbidden: dict[str, tuple[str, ...]] = {}
    for code in codes:
        words = draw(st.lists(_PHRASE, min_size=1, max_size=3, unique=True))
        banned = draw(st.lists(_PHRASE.filter(lambda w: w not in words), max_size=2, unique=True))
        if kind != "dnt" or draw(st.booleans()):
            targets[code] = words[0]
            if words[1:]:
                synonyms[code] = tuple(words[1:])
        if banned:
            forbidden[code] = tuple(banned)
    if kind != "dnt" and not targets and not forbidden:
        targets["ru"] = draw(_PHRASE)
    sources = draw(st.lists(_PHRASE, min_size=1, max_size=3, unique=True))
    if kind == "dnt":
        targets = {code: sources[0] for code in targets}
        # A synonym is another form than the rendering, as every reader keeps it.
        synonyms = {code: kept for code, words in synonyms.items()
                    if (kept := tuple(w for w in words if w != sources[0]))}
    if draw(st.booleans()):
        forbidden["en"] = tuple(draw(st.lists(_PHRASE.filter(lambda w: w not in sources), min_size=1,
                                              max_size=2, unique=True)))
    patterns = draw(st.dictionaries(st.sampled_from(("en", *_TARGETS)), _PATTERN, max_size=2))
    return Term(
        source=sources[0], kind=kind, targets=targets, forbidden=forbidden, note=draw(_NOTE),
        case=draw(st.sampled_from(["auto", "sensitive", "insensitive"])), patterns=patterns,
        synonyms=synonyms, source_synonyms=tuple(sources[1:]),
        part_of_speech=draw(st.sampled_from(["", "noun", "verb", "properNoun", "other"])),
    )


def test_a_form_given_twice_in_a_cell_is_one_form() -> None:
    """As a TBX entry with the same term twice: the rendering once, no synonym repeating it."""
    [term] = parse_csv("source,kind,ru,forbidden_ru\nBitter Winter,dnt,Bitter Winter|Bitter Winter,BW|BW\n",
                       "g.csv")
    assert term.targets == {"ru": "Bitter Winter"} and term.synonyms == {} and term.forbidden == {"ru": ("BW",)}


@pytest.mark.parametrize(("fmt", "suffix"), FORMATS, ids=[f for f, _ in FORMATS])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(terms=st.lists(_terms(), max_size=6),
       project=st.lists(st.sampled_from(("kk", "ru", "zh-Hans", "uz")), unique=True, max_size=3))
def test_export_then_import_loses_nothing(tmp_path: Path, fmt: str, suffix: str, terms: list[Term],
                                          project: list[str]) -> None:
    glossary = Glossary(tuple(terms))
    path = tmp_path / f"g.{suffix}"
    path.write_text(export_glossary(glossary, fmt, "en", project), encoding="utf-8")
    imported = import_termbase(path, "en", "g")
    assert imported.glossary == glossary
    assert [f for f in imported.findings if f.severity == "error" or f.check == "skipped"] == []


# --------------------------------------------------------------------------------------
# real termbases (tests/data/termbases/SOURCES.md names each source)

TERMBASES = DATA / "termbases"

# (file, entries taken, entries skipped, the first warning, one entry taken)
REAL = [
    ("tbx-basic-v3-dca.tbx", 39, 6,
     "tbx-basic-v3-dca.tbx:1611: warning: the entry has no en term, only zu; skipped [skipped]",
     Term("open cluster", "term", {"es": "cúmulo abierto"}, {"en": ("galactic cluster",)},
          "G-Source: http://www.physics.drexel.edu/observatory/dump.shtml", part_of_speech="noun")),
    ("tbx-basic-v3-dct.tbx", 39, 6,
     "tbx-basic-v3-dct.tbx:1603: warning: the entry has no en term, only zu; skipped [skipped]",
     Term("open cluster", "term", {"es": "cúmulo abierto"}, {"en": ("galactic cluster",)},
          "G-Source: http://www.physics.drexel.edu/observatory/dump.shtml", part_of_speech="noun")),
    ("weblate-cs.tbx", 4, 0, None, Term("always on top", "term", {"cs": "vždy navrchu"})),
    ("weblate-fr-extended-metadata.tbx", 1, 1,
     "weblate-fr-extended-metadata.tbx:13: warning: the entry's only en terms are forbidden (data bus); "
     "skipped [skipped]", Term("SYS_ERR_406", "dnt", {"fr": "SYS_ERR_406"})),
    ("translate-toolkit-test_tbx.tbx", 3, 4,
     "translate-toolkit-test_tbx.tbx:13: warning: 'Concept' has no term in another language; "
     "skipped [skipped]", Term("color", "term", {"de": "Farbe", "es": "color espanol"})),
    ("tico19-g_en_zh-CN.csv", 327, 0, None,
     Term("CDC", "name", {"zh-CN": "CDC"}, note="Short for \"Centers for Disease Control and "
          "Prevention\": a US federal agency under the Department of Health and Human Services, whose "
          "main goal is to protect public health and safety through the control and prevention of "
          "disease.", part_of_speech="properNoun")),
    ("tico19-g_en_ru.csv", 318, 0, None, None),
    ("tico19-f_en-kk_KZ.csv", 306, 0, None, Term("acute bronchitis", "term", {"kk-KZ": "жіті бронхит"})),
    ("tico19-g_ru_en.csv", 50, 0, None, Term("strain", "term", {"ru": "штамм"})),
]


@pytest.mark.parametrize(("name", "taken", "skipped", "warning", "entry"), REAL, ids=[r[0] for r in REAL])
def test_real_termbases_import_what_they_can(name: str, taken: int, skipped: int, warning: str | None,
                                             entry: Term | None) -> None:
    imported = import_termbase(TERMBASES / name, "en", name)
    assert (len(imported.glossary.terms), imported.skipped) == (taken, skipped)
    skips = [str(f) for f in imported.findings if f.check == "skipped"]
    assert skips[:1] == ([warning] if warning else [])
    if entry is not None:
        assert entry in imported.glossary.terms
    assert all(not t.kind == "term" or t.targets or t.forbidden for t in imported.glossary.terms)


def test_the_dca_and_dct_samples_hold_the_same_entries() -> None:
    dca = import_glossary(TERMBASES / "tbx-basic-v3-dca.tbx")
    dct = import_glossary(TERMBASES / "tbx-basic-v3-dct.tbx")
    # Three DCA entries keep their source note inside the English langSec, where it is not
    # the entry's note; the DCT file has it on the entry.
    assert [replace(t, note="") for t in dct.terms] == [replace(t, note="") for t in dca.terms]
    assert sum(t.note != u.note for t, u in zip(dca.terms, dct.terms)) == 3
    superseded = next(t for t in dca.terms if t.source == "open cluster")
    assert superseded.forbidden == {"en": ("galactic cluster",)}


@pytest.mark.parametrize("name", [r[0] for r in REAL])
@pytest.mark.parametrize(("fmt", "suffix"), FORMATS, ids=[f for f, _ in FORMATS])
def test_real_termbases_survive_export_and_import(tmp_path: Path, name: str, fmt: str, suffix: str) -> None:
    first = import_glossary(TERMBASES / name)
    path = tmp_path / f"exported.{suffix}"
    path.write_text(export_glossary(first, fmt, "en", ["kk", "ru", "zh-Hans"]), encoding="utf-8")
    second = import_termbase(path)
    assert second.glossary == first and second.skipped == 0
    # Conflicts the file holds itself stay; export and import add none.
    conflicts = [f for f in check_glossary(path, "en") if f.check == "conflict"]
    assert len(conflicts) == len([f for f in check_glossary(TERMBASES / name, "en") if f.check == "conflict"])


def test_a_pair_list_gathers_the_rows_of_one_term() -> None:
    terms = parse_csv("sourceLang,targetLang,pos,sourceString,targetString\n"
                      "en,ru,proper noun,CDC,ЦКЗ\nen,ru,,CDC,Центры по контролю заболеваний\n"
                      "en,ru,noun,CDC,ЦКЗ\nen,kk,noun,CDC,АҚШ АБЖБО\n", "g.csv")
    assert terms == [Term("CDC", "name", {"ru": "ЦКЗ", "kk": "АҚШ АБЖБО"},
                          synonyms={"ru": ("Центры по контролю заболеваний",)}, part_of_speech="properNoun")]


# --------------------------------------------------------------------------------------
# the commands


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path) -> Callable[..., tuple[int, str, str]]:
    """Run the command line in *tmp_path*; return (exit code, stdout, stderr)."""

    def invoke(*argv: str) -> tuple[int, str, str]:
        monkeypatch.chdir(tmp_path)
        capsys.readouterr()
        code = main(list(argv))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return invoke


@pytest.mark.parametrize(("name", "option"), [("g.tbx", "3"), ("g.tbx", "2"), ("g.csv", "3")],
                         ids=["tbx3", "tbx2", "csv"])
def test_export_then_import_into_the_project_adds_no_conflict(
        run: Callable[..., tuple[int, str, str]], make_project: MakeProject, tmp_path: Path,
        name: str, option: str) -> None:
    config = make_project()
    shutil.copytree(REPO / "glossary", config.root / "glossary")
    code, out, _ = run("glossary", "export", str(tmp_path / name), "--tbx", option)
    assert code == 0 and "exported 21 entries" in out and "en, kk, ru, zh)" in out
    exported = import_glossary(tmp_path / name)
    assert exported == read_glossary(config.glossary)
    assert all(t.targets.get("zh") for t in exported.terms)
    code, out, err = run("glossary", "import", str(tmp_path / name), "--force")
    assert (code, err) == (0, "")
    assert out == "imported 21 entries into glossary/g.csv (languages: kk, ru, zh); skipped 0\n"
    code, out, _ = run("glossary", "check")
    assert code == 0 and "conflict" not in out and out.count("[duplicate]") == 21


def test_import_skips_what_it_cannot_use_and_says_so(
        run: Callable[..., tuple[int, str, str]], make_project: MakeProject) -> None:
    make_project()
    source = TERMBASES / "tbx-basic-v3-dca.tbx"
    code, out, err = run("glossary", "import", str(source))
    assert code == 0
    assert out == ("imported 39 entries into glossary/tbx-basic-v3-dca.csv (languages: es, en); "
                   "skipped 6\n")
    warnings = err.splitlines()
    assert len(warnings) == 6 and all(": warning: " in line for line in warnings)
    assert warnings[0] == f"{source}:1611: warning: the entry has no en term, only zu; skipped [skipped]"


def test_init_needs_target_languages(run: Callable[..., tuple[int, str, str]], tmp_path: Path) -> None:
    code, out, err = run("init")
    assert code == 2 and out == "" and len(err.splitlines()) == 1
    assert "translate-flow init --target kk --target ru" in err
    assert not (tmp_path / "translate-flow.toml").exists()
    code, _, err = run("init", "--target", "ru", "--target", "ru")
    assert code == 2 and "--target ru is given twice" in err
    code, _, err = run("init", "--target", "ru", "--target", "en")
    assert code == 2 and err.strip() == "translate-flow: error: --target en is the source language"
    assert not (tmp_path / "translate-flow.toml").exists()


def test_init_starts_an_empty_glossary(run: Callable[..., tuple[int, str, str]], tmp_path: Path) -> None:
    code, out, err = run("init", "--target", "kk", "--target", "zh-Hans")
    assert (code, err) == (0, "") and "glossary/glossary.csv is empty" in out
    text = (tmp_path / "glossary" / "glossary.csv").read_text(encoding="utf-8")
    assert text == "en,kk,zh-Hans,kind,forbidden_kk,forbidden_zh-Hans,case,note\n"
    assert read_glossary(tmp_path / "glossary") == Glossary()
    code, out, err = run("glossary", "check")
    assert (code, out) == (0, "")
