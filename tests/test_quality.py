"""``stats --quality``: reviewers' edits of the machine output, per language and model, from
the catalogs' provenance comments and the machine-output cache."""

from __future__ import annotations

import json
import re
import sys
from dataclasses import replace

import pytest
from conftest import MakeProject, cli

from translate_flow import pipeline
from translate_flow.cache import MachineCache
from translate_flow.catalog import Catalog, Message, machine_comment, read_po, write_po
from translate_flow.config import Config
from translate_flow.errors import UsageError
from translate_flow.languages import language
from translate_flow.pipeline.measuring import MISSING_SACREBLEU
from translate_flow.project import state_path
from translate_flow.translate import Translation, output_hash

RU, ZH = language("ru"), language("zh-Hans")
PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Cafe opens</title></head>
<body><p>A cafe opened on the square. It serves tea. Prices are low. Come early.</p></body></html>
"""
ARGOS = "argos translate-en_ru 1.9"
NLLB = "ct2 nllb-200-distilled-600M"


def machine(msgid: str, text: str, engine: str, *, via: str = "") -> Message:
    """A catalog entry holding *text* as *engine* wrote it, fuzzy, with its provenance."""
    provenance = f"{engine}{' via ' + via if via else ''} score=-0.31"
    return Message(msgid, text, flags=("fuzzy",), auto_comments=("body > p[1]", machine_comment(provenance, output_hash(text))))


def reviewed(message: Message, msgstr: str | None = None) -> Message:
    return replace(message, msgstr=message.msgstr if msgstr is None else msgstr, flags=())


def write(config: Config, tag: str, messages: tuple[Message, ...]) -> None:
    path = config.locales / language(tag).locale / "LC_MESSAGES" / "cafe.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(write_po(Catalog(header=(("Language", language(tag).locale),), messages=messages)), encoding="utf-8")


def cache(config: Config, *outputs: tuple[str, str, str]) -> None:
    with MachineCache(state_path(config, "machine.sqlite")) as stored:
        for context, msgid, text in outputs:
            stored.put(context, [Translation(msgid, text, -0.3, context)])


@pytest.fixture
def project(make_project: MakeProject) -> Config:
    """The cafe page in Russian, from two models, and in Chinese, reviewed in part."""
    config = make_project([("cafe.html", PAGE)], targets=["ru", "zh-Hans"])
    write(config, "ru", (
        reviewed(machine("Cafe opens", "Кафе открывается", ARGOS)),  # accepted unchanged
        reviewed(machine("A cafe opened on the square.", "Кафе открылось на площадь .", ARGOS),
                 "Кафе открылось на площади ."),  # one word of five changed
        machine("It serves tea.", "Он подаёт чай.", ARGOS),  # not reviewed yet: not counted
        reviewed(machine("Prices are low.", "Цены низкие.", NLLB, via="en"), "Цены <b1>невысокие</b1>."),
        Message("Come early.", "Приходите рано."),  # a translator's own: not counted
    ))
    write(config, "zh-Hans", (reviewed(machine("Come early.", "早点来", NLLB), "请早点来"),))
    cache(config,
          ("some-context", "A cafe opened on the square.", "Кафе открылось на площадь ."),
          ("other-context", "A cafe opened on the square.", "Кафе открыли на площадь."),  # another model's
          ("nllb-context", "Prices are low.", "Цены низкие."),
          ("nllb-zh", "Come early.", "早点来"))
    return config


def test_edits_are_measured_per_language_and_model(project: Config) -> None:
    report = pipeline.quality(project)
    assert not report.problems
    rows = {(m.language, m.engine): m for m in report.models}
    assert list(rows) == [("ru", ARGOS), ("ru", NLLB), ("zh-Hans", NLLB)]
    argos = rows["ru", ARGOS]
    assert (argos.reviewed, argos.unchanged, argos.measured, argos.missing, argos.words) == (2, 1, 2, 0, 2 + 6)
    assert argos.unchanged_share == 50.0
    assert argos.ter == pytest.approx(100 * 1 / 7, abs=0.01)  # one substitution in 7 reference tokens
    assert 0 < argos.chrf < 100
    nllb = rows["ru", NLLB]  # the pivot is the same model; the tags are not the reviewer's words
    assert (nllb.reviewed, nllb.unchanged, nllb.measured) == (1, 0, 1)
    assert nllb.ter == pytest.approx(100 * 1 / 3, abs=0.01)
    zh = rows["zh-Hans", NLLB]  # TER counts Chinese characters: 请 inserted before 4 of them
    assert zh.ter == pytest.approx(100 * 1 / 4, abs=0.01)


def test_nothing_changed_scores_full_marks(project: Config) -> None:
    path = project.locales / "ru" / "LC_MESSAGES" / "cafe.po"
    catalog = read_po(path.read_text(encoding="utf-8"), "cafe.po")
    write(project, "ru", (reviewed(machine("Cafe opens", "Кафе открывается", ARGOS)), *catalog.messages[2:3]))
    (model,) = pipeline.quality(project, languages=["ru"]).models
    assert (model.chrf, model.ter, model.unchanged_share) == (100.0, 0.0, 100.0)


def test_without_the_cache_only_unchanged_entries_are_measured(project: Config) -> None:
    state_path(project, "machine.sqlite").unlink()
    rows = {(m.language, m.engine): m for m in pipeline.quality(project).models}
    argos = rows["ru", ARGOS]
    assert (argos.reviewed, argos.unchanged, argos.measured, argos.missing) == (2, 1, 1, 1)
    assert rows["zh-Hans", NLLB].chrf is None and rows["zh-Hans", NLLB].missing == 1
    assert not state_path(project, "machine.sqlite").exists()  # reading never creates a cache


def test_stats_quality_as_text_and_json(project: Config) -> None:
    code, out, err = cli(project.root, "stats", "--quality", "--lang", "ru")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].split() == ["language", "model", "reviewed", "unchanged", "chrF++", "TER", "measured"]
    assert re.split(r"  +", lines[1]) == ["ru", ARGOS, "2", "1 (50%)", "89.0", "14.3", "2 (8 w)"]
    assert re.split(r"  +", lines[2]) == ["ru", NLLB, "1", "0 (0%)", "34.3", "33.3", "1 (3 w)"]
    assert len(lines) == 3
    code, out, err = cli(project.root, "stats", "--quality", "--json")
    assert (code, err) == (0, "")
    rows = json.loads(out)["quality"]
    assert [(r["language"], r["model"], r["reviewed"], r["unchanged_percent"]) for r in rows] == [
        ("ru", ARGOS, 2, 50.0), ("ru", NLLB, 1, 0.0), ("zh-Hans", NLLB, 1, 0.0)]
    assert rows[0]["ter"] == pytest.approx(14.29)


def test_after_a_real_run_the_cache_gives_back_the_edited_output(make_project: MakeProject) -> None:
    config = make_project([("cafe.html", PAGE)], targets=["ru"], extra='[translate]\nengine = "pseudo"\n')
    assert cli(config.root, "run", "--quiet")[0] in (0, 1)
    path = config.locales / "ru" / "LC_MESSAGES" / "cafe.po"
    catalog = read_po(path.read_text(encoding="utf-8"), "cafe.po")
    edited = tuple(reviewed(m, "Кафе открылось." if m.msgid.startswith("A cafe") else None) for m in catalog.messages)
    path.write_text(write_po(replace(catalog, messages=edited)), encoding="utf-8")
    (model,) = pipeline.quality(config).models
    assert (model.engine, model.reviewed, model.unchanged, model.measured) == ("pseudo", 5, 4, 5)


def test_without_sacrebleu_one_line_says_how_to_install_it(project: Config, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "sacrebleu", None)  # as if not installed
    with pytest.raises(UsageError, match="sacrebleu"):
        pipeline.quality(project)
    code, out, err = cli(project.root, "stats", "--quality")
    assert (code, out) == (2, "")
    assert err == f"translate-flow: error: {MISSING_SACREBLEU}\n"


def test_one_line_per_language_for_the_review_overview(project: Config) -> None:
    lines = pipeline.quality(project).by_language()
    assert set(lines) == {"ru", "zh-Hans"}
    assert lines["ru"].startswith(f"{ARGOS}: chrF++ ") and f"; {NLLB}: chrF++ " in lines["ru"]
    assert "50% unchanged" in lines["ru"]  # the Argos share; one model alone is not named
    assert re.fullmatch(r"chrF\+\+ \d+\.\d, TER 25\.0, 0% unchanged", lines["zh-Hans"])
