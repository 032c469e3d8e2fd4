"""The spelling check: Hunspell's dictionaries through libhunspell, and what it accepts
besides them (names, glossary renderings, loanwords, compounds, Kazakh inflection)."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import REPO, MakeProject

from translate_flow import pipeline
from translate_flow.check import CheckContext, check_entry, spelling, spelling_unavailable
from translate_flow.check.spelling import dictionary
from translate_flow.cli import main
from translate_flow.config import load_config
from translate_flow.findings import CheckSettings
from translate_flow.glossary import read_glossary
from translate_flow.languages import language
from translate_flow.terms import TermMatcher

EN, RU, KK, ZH = language("en"), language("ru"), language("kk"), language("zh-Hans")

# CI installs them (.ci/run): there a missing dictionary fails these tests instead of hiding them.
pytestmark = pytest.mark.skipif(
    not os.environ.get("CI") and (dictionary(RU) is None or dictionary(KK) is None),
    reason="needs Hunspell and its Russian and Kazakh dictionaries: apt-get install hunspell hunspell-ru hunspell-kk",
)


def words(msgid: str, msgstr: str, target: str = "ru", **context: object) -> str:
    """The spelling check's message for one entry, "" when it finds nothing."""
    defects = spelling(msgid, msgstr, CheckContext(EN, language(target), **context))  # type: ignore[arg-type]
    assert len(defects) <= 1
    return defects[0].message if defects else ""


@pytest.mark.parametrize(
    ("target", "msgid", "msgstr", "flagged"),
    [
        ("ru", "How are things?", "Как дила?", "'дила'"),
        ("ru", "Hello, friends.", "Превет, друзья.", "'Превет'"),
        ("ru", "The police came at night.", "Палиция пришла ночью, нчью.", "'Палиция', 'нчью'"),
        ("kk", "We live in a village.", "Біз ауылда тұрамыз.", ""),
        ("kk", "We live in a village.", "Біз ауылда тұрамыщ.", "'тұрамыщ'"),
        ("ru", "The police came at night.", "Полиция пришла ночью.", ""),
    ],
    ids=["ru-misspelt", "ru-capitalised-without-names", "ru-two-words-once-each", "kk-right",
         "kk-misspelt", "ru-right"],
)
def test_misspelt_words_are_named(target: str, msgid: str, msgstr: str, flagged: str) -> None:
    message = words(msgid, msgstr, target)
    if not flagged:
        assert message == ""
    else:
        assert message.split(" not in the ")[0].endswith(flagged)
        assert message.endswith("dictionary; check the spelling")


@pytest.mark.parametrize(
    ("target", "msgid", "msgstr"),
    [
        ("ru", "Serikzhan Bilash was freed.", "Серикжана Билаша освободили."),
        ("ru", "A talk with He Yuyan and Zhou Kexin.", "Беседа с Хэ Юйянь и Чжоу Кэсинь."),
        ("ru", "Xenophobia is growing.", "Ксенофобия растёт, ксенофобией больны."),
        ("ru", "The new crackdown on self-media.", "Новая кампания против самомедиа."),
        ("ru", "An audio message from his wife.", "Аудиообращение от жены."),
        ("ru", "Read it on https://bitterwinter.org, page 17.", "Читайте на https://bitterwinter.org, с. 17."),
        ("ru", "Bitter Winter reported it.", "Об этом сообщил Bitter Winter."),
        ("ru", "<a1>Russia</a1> and its Hare Krishnas.", "<a1>Россия</a1> и её кришнаиты Харе."),
        ("kk", "The camps of Xinjiang.", "Шыңжаңдағы лагерьлерді."),
        ("kk", "He would not speak in public.", "Ол көпшілік алдында сөйлемейтін болды."),
        ("kk", "Each submission is a material.", "Әр материалдың логотипі бар."),
        ("kk", "Primary Sidebar", "Негізгі бүйірлік панель"),
    ],
    ids=["names-inflected", "chinese-names-palladius", "loanword-from-the-source", "combining-form",
         "compound-of-known-words", "links-and-numbers", "latin-words-left-alone", "names-beside-tags",
         "kk-stem-and-suffixes", "kk-verb-forms", "kk-loanwords-as-russian", "kk-derived-word"],
)
def test_what_no_dictionary_knows_is_accepted(target: str, msgid: str, msgstr: str) -> None:
    assert words(msgid, msgstr, target) == ""


def test_glossary_renderings_are_accepted_inflected(tmp_path: Path) -> None:
    (tmp_path / "terms.csv").write_text(
        "en,ru,kind\ndean,Жолдасбеков,term\n", encoding="utf-8")
    matcher = TermMatcher(read_glossary(tmp_path, "en", "glossary"), EN, RU)
    msgid, msgstr = "He asked the dean about it.", "Жолдасбекова спросили об этом."
    assert "'Жолдасбекова'" in words(msgid, msgstr)
    assert words(msgid, msgstr, terms=matcher) == ""  # the source's term, inflected
    assert "'Жолдасбекова'" in words("He asked about it.", msgstr, terms=matcher)
    assert words("He asked about it.", "Жолдасбеков спросил.", terms=matcher) == ""  # a rendering as written


def test_kept_phrases_are_not_looked_up() -> None:
    assert "Сумерчаны" in words("about dusk", "о Сумерчаны", keep=frozenset())
    assert words("about dusk", "о Сумерчаны", keep=frozenset({"Сумерчаны"})) == ""


def test_a_language_without_a_dictionary_is_not_checked_and_says_so() -> None:
    assert spelling("Hello", "你好世界错字", CheckContext(EN, ZH)) == []
    note = spelling_unavailable(ZH)
    assert note.startswith("spelling is off for zh-Hans: no Hunspell dictionary (zh_CN.dic, zh_Hans.dic, zh.dic) in ")
    assert spelling_unavailable(RU) == ""


def test_dicpath_is_searched_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "eo.aff").write_text("SET UTF-8\n", encoding="utf-8")
    (tmp_path / "eo.dic").write_text("1\nsaluton\n", encoding="utf-8")
    esperanto = language("eo")
    assert spelling_unavailable(esperanto) != ""
    monkeypatch.setenv("DICPATH", str(tmp_path))
    assert spelling_unavailable(esperanto) == ""
    dictionary.cache_clear()
    try:
        assert words("hello world", "saluton mondo", "eo").startswith("word 'mondo' not in the eo dictionary")
    finally:
        dictionary.cache_clear()


def test_check_entry_runs_it_at_info_and_a_project_turns_it_off() -> None:
    context = CheckContext(EN, RU)
    found = check_entry("How are things?", "Как дила?", context)
    assert [(f.check, f.severity) for f in found] == [("spelling", "info")]
    off = CheckSettings.from_table({"spelling": False})
    assert check_entry("How are things?", "Как дила?", context, off) == []


def test_the_reviewed_sample_catalogs_raise_no_false_alarm() -> None:
    """Every word of the repository's reviewed kk and ru catalogs is accepted."""
    config = load_config(REPO / "translate-flow.toml")
    report = pipeline.check(config, annotate=False)
    assert {r.language for r in report.results} == {"kk", "ru", "zh-Hans"}
    assert [f for f in report.findings if f.check == "spelling"] == []
    assert report.notes == (spelling_unavailable(ZH),)


def test_check_notes_a_missing_dictionary_once_per_language(tmp_path: Path) -> None:
    config = load_config(REPO / "translate-flow.toml")
    config = replace(config, targets=(ZH,))
    report = pipeline.check(config, languages=["zh-Hans"], annotate=False)
    assert report.notes == (spelling_unavailable(ZH),)
    quiet = replace(config, checks=CheckSettings.from_table({"spelling": False}))
    assert pipeline.check(quiet, languages=["zh-Hans"], annotate=False).notes == ()


@pytest.mark.parametrize("command", ["check", "run"], ids=["check", "run"])
def test_the_commands_say_once_that_spelling_is_off(
    make_project: MakeProject, command: str, capsys: pytest.CaptureFixture[str],
) -> None:
    config = make_project([("cafe.html", "<html lang=en><title>Cafe</title><p>A cafe opened.</p></html>")],
                          targets=["ru", "zh-Hans"])
    assert pipeline.extract(config).problems == ()
    argv = ["--config", str(config.path), command] + (["--engine", "pseudo"] if command == "run" else [])
    assert main(argv) in (0, 1)
    notes = [line for line in capsys.readouterr().err.splitlines() if "spelling is off" in line]
    assert notes == [f"translate-flow: note: {spelling_unavailable(ZH)}"]
