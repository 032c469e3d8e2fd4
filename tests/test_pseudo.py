"""Pseudo-localization passes the project's own checks: what a translation keeps is kept,
the letters are in the target's script, and `run --engine pseudo` on the repository's own
project finds no error."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, SAMPLE_ARTICLE

from translate_flow.catalog import MACHINE_PREFIX, Message
from translate_flow.check import CHECKS, NOT_FOR_PSEUDO, PSEUDO_CHECKS, CheckContext, check_entry
from translate_flow.htmldoc import parse_html
from translate_flow.languages import language
from translate_flow.markup import TAG_RE, check_tags
from translate_flow.pipeline.checking import is_pseudo
from translate_flow.pseudo import PLACEHOLDER, SCRIPTS, pseudolocalize
from translate_flow.segment import segment_page
from translate_flow.textrules import CYRILLIC_WORD, HAN, LATIN_WORD
from translate_flow.translate import PseudoEngine

TARGETS = ("", "ru", "kk", "zh-Hans", "uk")
TERMS = [("Serikzhan Bilash", "Серикжан Билаш"), ("Massimo Introvigne", "Массимо Интровинье"),
         ("Bitter Winter", "Bitter Winter"), ("CESNUR", "CESNUR")]


@pytest.mark.parametrize(
    ("msgid", "kept"),
    [
        ("Visit https://bitterwinter.org/about/ today.", "https://bitterwinter.org/about/"),
        ("Visit www.cesnur.org/ now", "www.cesnur.org/"),
        ("Please, write to <a1>INFO@BITTERWINTER.ORG</a1> Thank you.", "INFO@BITTERWINTER.ORG"),
        ("Mail helper@riverton.example.org for help", "helper@riverton.example.org"),
        ("He paid 1,200 dollars on 16.08.2019 (12%).", "12%"),
        ("He paid 1,200 dollars on 16.08.2019 (12%).", "16.08.2019"),
        ("Hello {name}, you have %(count)d messages and %s more", "{name}"),
        ("Hello {name}, you have %(count)d messages and %s more", "%(count)d"),
        ("Support Bitter Winter and CESNUR", "Bitter Winter"),
        ("Support Bitter Winter and CESNUR", "CESNUR"),
    ],
    ids=["url", "bare-domain", "email-in-capitals", "email", "percent", "date", "brace-placeholder",
         "printf-placeholder", "do-not-translate", "acronym"],
)
@pytest.mark.parametrize("target", TARGETS, ids=lambda t: t or "latin")
def test_what_a_translation_keeps_is_kept(msgid: str, kept: str, target: str) -> None:
    assert kept in pseudolocalize(msgid, target, TERMS)


@pytest.mark.parametrize(
    ("target", "msgid", "rendering"),
    [
        ("ru", "Serikzhan Bilash is free.", "Серикжан Билаш"),
        ("kk", "Editor-in-Chief<br1/><strong2>MASSIMO INTROVIGNE</strong2>", "МАССИМО ИНТРОВИНЬЕ"),
        ("zh-Hans", "About Massimo Introvigne", "Массимо Интровинье"),
    ],
    ids=["name", "name-in-capitals", "rendering-as-given"],
)
def test_names_are_written_as_the_glossary_renders_them(target: str, msgid: str, rendering: str) -> None:
    assert rendering in pseudolocalize(msgid, target, TERMS)


def test_a_lowercase_phrase_is_no_name() -> None:
    assert "bitter winter" not in pseudolocalize("a bitter winter came", "ru", TERMS)


def _letters(text: str) -> str:
    return "".join(c for c in TAG_RE.sub("", text) if c.isalpha())


def sample_msgids() -> list[str]:
    page = parse_html(SAMPLE_ARTICLE.read_bytes(), "sample.html")
    return list(dict.fromkeys(s.msgid for s in segment_page(page.tree)))


@pytest.mark.parametrize("target", ["ru", "kk", "uk"])
def test_cyrillic_targets_get_no_latin_word_but_the_kept_ones(target: str) -> None:
    for msgid in sample_msgids():
        result = pseudolocalize(msgid, target, TERMS)
        kept = [w for w in LATIN_WORD.findall(result) if w not in msgid]
        assert not kept, (msgid, result)


def test_kazakh_pseudo_has_kazakh_letters() -> None:
    result = pseudolocalize("The activist who denounced the camps is free but silent.", "kk")
    assert set(result) & set("әғқңөұүһі") and CYRILLIC_WORD.search(result)


def test_chinese_pseudo_has_han_characters_and_full_width_ends() -> None:
    result = pseudolocalize("Is he free? He is.", "zh-Hans")
    assert HAN.search(result) and result.endswith("。]")
    assert pseudolocalize("Wait...", "zh-Hans").endswith("…]")
    assert pseudolocalize("Is he free?", "zh-Hans").endswith("？]")


def test_chinese_padding_never_repeats_a_character() -> None:
    padding = SCRIPTS["Hans"].padding
    assert len(set(padding)) == len(padding) > 40  # longer than the longest loop looked for


@pytest.mark.parametrize("msgid", ["He left.", "Did he leave?", "“He left.”", "See <a1>this</a1>!",
                                   "(OSCE)", "He wrote: <em1>Free.</em1>", "Wait…", "No end"],
                         ids=["stop", "question", "quoted", "tag-after", "brackets", "inside-tag",
                              "ellipsis", "none"])
@pytest.mark.parametrize("target", ["ru", "kk", "zh-Hans", "de"])
def test_no_end_punctuation_finding_from_the_brackets(msgid: str, target: str) -> None:
    context = CheckContext(language("en"), language(target))
    result = pseudolocalize(msgid, target)
    findings = [f for f in check_entry(msgid, result, context) if f.check == "end-punctuation"]
    assert not findings, (result, findings)


@pytest.mark.parametrize("target", TARGETS, ids=lambda t: t or "latin")
def test_every_tag_and_placeholder_stays(target: str) -> None:
    for msgid in [*sample_msgids(), "Hello {name}, %(count)d and %s"]:
        result = pseudolocalize(msgid, target, TERMS)
        check_tags(msgid, result)
        assert [m.group(0) for m in TAG_RE.finditer(result)] == [m.group(0) for m in TAG_RE.finditer(msgid)]
        assert PLACEHOLDER.findall(result) == PLACEHOLDER.findall(msgid)


@pytest.mark.parametrize("target", ["", "ru", "zh-Hans"], ids=["latin", "ru", "zh"])
def test_whitespace_at_either_end_stays_outside_the_brackets(target: str) -> None:
    result = pseudolocalize(" Read more ", target)
    assert result.startswith(" [") and result.endswith("] ")


def test_the_text_grows_by_about_a_third() -> None:
    msgid = "The activist who denounced the camps is free"
    result = pseudolocalize(msgid, "ru")
    assert result.count("~") == -(-len(_letters(msgid)) * 3 // 10)


def test_the_engine_writes_the_target_script_and_says_so_in_its_identity() -> None:
    msgids = ["Serikzhan Bilash is free.", "See <a1>the report</a1>."]
    counted: list[int] = []
    engine = PseudoEngine("ru")
    results = engine.translate(msgids, TERMS, counted.append)
    assert [r.text for r in results] == [pseudolocalize(m, "ru", TERMS) for m in msgids]
    assert counted == [2] and all(r.engine == "pseudo" for r in results)
    assert len({engine.identity, PseudoEngine("kk").identity, PseudoEngine().identity}) == 3


def test_only_unreviewed_pseudo_entries_skip_the_checks_of_real_translations() -> None:
    comment = f"{MACHINE_PREFIX} pseudo score=0.00 mt=0123456789"
    assert is_pseudo(Message("Hi", "[Хи]", flags=("fuzzy",), auto_comments=(comment,)))
    assert not is_pseudo(Message("Hi", "[Хи]", auto_comments=(comment,)))  # reviewed: a translation now
    assert not is_pseudo(Message("Hi", "Привет", flags=("fuzzy",),
                                 auto_comments=(f"{MACHINE_PREFIX} argos translate-en_ru 1.9 score=-0.10 mt=0",)))
    assert {c.name for c in CHECKS if c not in PSEUDO_CHECKS} == NOT_FOR_PSEUDO


# --- the repository's own project ---------------------------------------------------------------


def _process(cwd: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "translate_flow", *argv],
                          cwd=cwd, capture_output=True, text=True, env=environment, timeout=120)


def test_run_with_the_pseudo_engine_passes_the_repository_projects_own_checks(tmp_path: Path) -> None:
    for name in ("translate-flow.toml", "articles", "glossary", "locales/templates"):
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name)
        else:
            shutil.copy(source, tmp_path / name)
    run = _process(tmp_path, "run", "--engine", "pseudo")
    assert run.returncode == 0, run.stdout + run.stderr
    check = _process(tmp_path, "check")
    assert check.returncode == 0, check.stdout + check.stderr
    assert ": error:" not in check.stdout + check.stderr
    catalogs = sorted((tmp_path / "locales").glob("*/LC_MESSAGES/*.po"))
    assert [p.parent.parent.name for p in catalogs] == ["kk", "ru", "zh_Hans"]
    for path in catalogs:
        text = path.read_text(encoding="utf-8")
        assert "machine translation: pseudo" in text and "check: error" not in text
    assert (tmp_path / "build" / "ru" / "bilash-free-but-silenced.html").is_file()


FIGURES = "About 1,200 people paid $3.50 each on 16 August 2019; 2,500,000 in all."


@pytest.mark.parametrize(
    ("target", "written"),
    [("ru", ["1\xa0200", "$3.50", "2\xa0500\xa0000"]), ("kk", ["1\xa0200", "2\xa0500\xa0000"]),
     ("de", ["1.200", "$3,50", "2.500.000"]), ("zh-Hans", ["1,200", "$3.50", "2,500,000"])],
    ids=["ru", "kk", "de", "zh"],
)
def test_figures_are_written_as_the_target_writes_them(target: str, written: list[str]) -> None:
    pseudo = pseudolocalize(FIGURES, target)
    assert all(figure in pseudo for figure in written), pseudo
    context = CheckContext(language("en"), language(target))
    assert [f for f in check_entry(FIGURES, pseudo, context, checks=PSEUDO_CHECKS) if f.check == "numbers"] == []


@pytest.mark.parametrize(
    ("source", "msgid", "target", "written"),
    [("de", "Es kostet 1.200,50 Euro.", "ru", f"1\xa0200,50"), ("de", "Es kostet 1.200 Euro.", "en", "1,200"),
     ("de", "Es kostet 1.200 Euro.", "kk", "1\xa0200"), ("en", "It cost 1,200.50 dollars.", "ru", "1\xa0200,50")],
    ids=["de-ru-decimals", "de-en", "de-kk", "en-ru-decimals"],
)
def test_figures_are_read_in_the_source_language(source: str, msgid: str, target: str, written: str) -> None:
    """A figure is read as the source language writes it, then written as the target does,
    decimals kept, as the numbers check asks it to be."""
    pseudo = pseudolocalize(msgid, target, source=source)
    assert written in pseudo, pseudo
    context = CheckContext(language(source), language(target))
    assert [f for f in check_entry(msgid, pseudo, context, checks=PSEUDO_CHECKS) if f.check == "numbers"] == []
    assert PseudoEngine(target, source).translate([msgid])[0].text == pseudo
