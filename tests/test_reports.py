"""Reports for CI: text lines, JSON, JUnit XML and Markdown from the same results."""

from __future__ import annotations

import json

from lxml import etree

from translate_flow.catalog import Counts
from translate_flow.reports import CatalogResult, LocatedFinding, junit, markdown_summary, summary_table, text_lines, to_json


def finding(severity: str, line: int, check: str = "numbers", language: str = "ru") -> LocatedFinding:
    return LocatedFinding(f"locales/{language}/LC_MESSAGES/a.po", line, language, "a", check, severity,
                          f"figure '300' <missing> & \"quoted\" ({severity})", "It cost $ 300.")


RESULTS = (
    CatalogResult("a", "ru", "locales/ru/LC_MESSAGES/a.po",
                  Counts(translated=6, fuzzy=2, untranslated=2, translated_words=60, fuzzy_words=20, untranslated_words=20),
                  findings=(finding("error", 40), finding("warning", 12, "whitespace"))),
    CatalogResult("b", "ru", "locales/ru/LC_MESSAGES/b.po", Counts(translated=4, translated_words=50)),
    CatalogResult("a", "kk", "locales/kk/LC_MESSAGES/a.po", problem="locales/kk/LC_MESSAGES/a.po:7: broken catalog"),
)


def test_text_lines_are_what_editors_jump_to() -> None:
    assert text_lines(RESULTS[0].findings) == [
        "locales/ru/LC_MESSAGES/a.po:12: warning: whitespace: figure '300' <missing> & \"quoted\" (warning)",
        "locales/ru/LC_MESSAGES/a.po:40: error: numbers: figure '300' <missing> & \"quoted\" (error)",
    ]


def test_junit_has_what_ci_systems_read() -> None:
    root = etree.fromstring(junit(RESULTS).encode("utf-8"))
    assert root.tag == "testsuites" and root.get("tests") == "3" and root.get("failures") == "1"
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert set(suites) == {"translate-flow.ru", "translate-flow.kk"}
    ru = suites["translate-flow.ru"]
    assert (ru.get("tests"), ru.get("failures"), ru.get("errors")) == ("2", "1", "0")
    cases = {c.get("name"): c for c in ru.findall("testcase")}
    failures = cases["a"].findall("failure")
    assert [(f.get("type"), f.get("message")) for f in failures] == [("numbers", "figure '300' <missing> & \"quoted\" (error)")]
    assert "a.po:12: warning" in (cases["a"].findtext("system-out") or "")
    assert cases["b"].find("failure") is None
    error = suites["translate-flow.kk"].find("testcase/error")
    assert error is not None and "broken catalog" in (error.get("message") or "")


def test_json_report_counts_per_language() -> None:
    document = json.loads(to_json(RESULTS))
    assert document["languages"]["ru"] == {"catalogs": 2, "words": 150, "complete": 86.67, "reviewed": 73.33,
                                           "errors": 1, "warnings": 1, "info": 0}
    assert document["catalogs"][0]["findings"][0]["line"] == 40
    assert document["catalogs"][2]["problem"].endswith("broken catalog")


def test_summary_table_and_markdown() -> None:
    table = summary_table(RESULTS)
    assert table[0].split() == ["language", "catalogs", "complete", "reviewed", "errors", "warnings", "info"]
    assert table[1].split() == ["ru", "2", "87%", "73%", "1", "1", "0"]
    markdown = markdown_summary(RESULTS)
    assert "| ru | 2 | 87% | 73% | 1 | 1 |" in markdown
    assert "a.po:40: error: numbers" in markdown and "broken catalog" in markdown


def test_a_result_reads_back_from_its_plain_form() -> None:
    for result in RESULTS:
        data = result.to_dict()
        assert {k: data[k] for k in ("entries", "translated", "fuzzy", "words", "translated_words", "fuzzy_words")} \
            == {"entries": result.counts.total, "translated": result.counts.translated, "fuzzy": result.counts.fuzzy,
                "words": result.counts.total_words, "translated_words": result.counts.translated_words,
                "fuzzy_words": result.counts.fuzzy_words}
        assert CatalogResult.from_dict(json.loads(json.dumps(data))) == result
