"""The pipeline on a project on disk: stable and atomic writes, updates, build policies."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from conftest import PAGES, REPO, SAMPLE_ARTICLE, MakeProject, fill_catalogs, msgfmt_check
from treecompare import load

from translate_flow import pipeline
from translate_flow.config import Config

ARTICLE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Court ruling</title></head>
<body><article>
{paragraphs}
</article></body></html>
"""
PARAGRAPHS = {
    "fine": "<p>The court fined him. He left the city.</p>",
    "supporters": "<p>Supporters gathered <em>outside</em> the court.</p>",
    "lawyer": "<p>His lawyer appealed.</p>",
}
REVIEWED = {
    "The court fined him.": "Суд оштрафовал его.",
    "He left the city.": "Он покинул город.",
    "Supporters gathered <em1>outside</em1> the court.": "Сторонники собрались <em1>у</em1> суда.",
    "His lawyer appealed.": "Его адвокат подал апелляцию.",
    "Court ruling": "Решение суда",
}


def article(*keys: str, replace: tuple[str, str] | None = None) -> str:
    html = ARTICLE.format(paragraphs="\n".join(PARAGRAPHS[k] for k in keys))
    return html.replace(*replace) if replace else html


def all_files(config: Config) -> dict[Path, tuple[bytes, int]]:
    found = {}
    for folder in (config.locales, config.build_dir):
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                found[path] = (path.read_bytes(), path.stat().st_mtime_ns)
    return found


def ru_po(config: Config, slug: str = "ruling") -> Path:
    return config.locales / "ru" / "LC_MESSAGES" / f"{slug}.po"


def review(path: Path) -> None:
    """Translate every entry as a translator does: reviewed, not fuzzy."""
    fill_catalogs([path], lambda msgid: REVIEWED[msgid])


def entries(path: Path) -> dict[str, polib.POEntry]:
    return {e.msgid: e for e in polib.pofile(str(path))}


def test_extract_and_build_write_the_gettext_layout(make_project: MakeProject) -> None:
    config = make_project([SAMPLE_ARTICLE])
    report = pipeline.extract(config)
    assert not report.problems and report.segments > 100
    for locale in ("kk", "ru", "zh_Hans"):
        po = config.locales / locale / "LC_MESSAGES" / "bilash-free-but-silenced.po"
        msgfmt_check(po)
        assert polib.pofile(str(po)).metadata["Language"] == locale
    msgfmt_check(config.locales / "templates" / "bilash-free-but-silenced.pot")
    built = pipeline.build(config)
    assert sorted(p.path.relative_to(config.root).as_posix() for p in built.pages if p.path) == [
        "build/kk/bilash-free-but-silenced.html",
        "build/ru/bilash-free-but-silenced.html",
        "build/zh-Hans/bilash-free-but-silenced.html",
    ]


def test_rerun_with_nothing_changed_rewrites_nothing(make_project: MakeProject) -> None:
    config = make_project([SAMPLE_ARTICLE, PAGES / "inline-markup.html"])
    pipeline.extract(config)
    pipeline.build(config)
    before = all_files(config)
    report = pipeline.extract(config)
    built = pipeline.build(config)
    assert {f.status for f in report.files} == {"unchanged"}
    assert {p.status for p in built.pages} == {"unchanged"}
    assert all_files(config) == before


def test_template_date_changes_only_with_its_content(make_project: MakeProject) -> None:
    config = make_project([("ruling.html", article("fine"))])
    pipeline.extract(config)
    pot = config.locales / "templates" / "ruling.pot"
    stamped = pot.read_text(encoding="utf-8").replace(
        polib.pofile(str(pot)).metadata["POT-Creation-Date"], "2001-01-01 00:00+0000")
    pot.write_text(stamped, encoding="utf-8")
    pipeline.extract(config)
    assert polib.pofile(str(pot)).metadata["POT-Creation-Date"] == "2001-01-01 00:00+0000"
    (config.articles / "ruling.html").write_text(article("fine", "lawyer"), encoding="utf-8")
    pipeline.extract(config)
    assert polib.pofile(str(pot)).metadata["POT-Creation-Date"] != "2001-01-01 00:00+0000"


SCENARIOS = {
    "edit-sentence": (("fine", "supporters", "lawyer"), ("He left the city.", "He left the capital.")),
    "delete-paragraph": (("fine", "lawyer"), None),
    "reorder-paragraphs": (("lawyer", "supporters", "fine"), None),
    "edit-markup": (("fine", "supporters", "lawyer"), ("<em>outside</em>", "<strong>outside</strong>")),
}


@pytest.mark.parametrize(("keys", "replace"), list(SCENARIOS.values()), ids=list(SCENARIOS))
def test_source_changes_never_lose_reviewed_translations(
    make_project: MakeProject, keys: tuple[str, ...], replace: tuple[str, str] | None
) -> None:
    config = make_project([("ruling.html", article("fine", "supporters", "lawyer"))], targets=["ru"])
    pipeline.extract(config)
    review(ru_po(config))
    reviewed_before = {m: e.msgstr for m, e in entries(ru_po(config)).items()}

    (config.articles / "ruling.html").write_text(article(*keys, replace=replace), encoding="utf-8")
    assert not pipeline.extract(config).problems
    msgfmt_check(ru_po(config))
    after = entries(ru_po(config))
    # Every reviewed translation is still there, untouched: active, or obsolete for vanished text.
    for msgid, msgstr in reviewed_before.items():
        assert msgid in after and after[msgid].msgstr == msgstr and "fuzzy" not in after[msgid].flags

    (config.articles / "ruling.html").write_text(article("fine", "supporters", "lawyer"), encoding="utf-8")
    pipeline.extract(config)
    restored = entries(ru_po(config))
    assert {m: e.msgstr for m, e in restored.items() if not e.obsolete} == reviewed_before
    assert all("fuzzy" not in e.flags for e in restored.values() if not e.obsolete)


def test_edited_sentence_gets_a_fuzzy_starting_point(make_project: MakeProject) -> None:
    config = make_project([("ruling.html", article("fine"))], targets=["ru"])
    pipeline.extract(config)
    review(ru_po(config))
    (config.articles / "ruling.html").write_text(
        article("fine", replace=("He left the city.", "He left the city at night.")), encoding="utf-8")
    pipeline.extract(config)
    entry = entries(ru_po(config))["He left the city at night."]
    assert entry.msgstr == "Он покинул город." and "fuzzy" in entry.flags
    assert entry.previous_msgid == "He left the city."


def test_build_uses_fuzzy_translations_unless_told_not_to(make_project: MakeProject) -> None:
    config = make_project([("ruling.html", article("fine"))], targets=["ru"])
    pipeline.extract(config)
    fill_catalogs([ru_po(config)], lambda m: REVIEWED[m], fuzzy=True)
    pipeline.build(config)
    page = (config.build_dir / "ru" / "ruling.html").read_text(encoding="utf-8")
    assert "Суд оштрафовал его." in page
    pipeline.build(config, use_fuzzy=False)
    page = (config.build_dir / "ru" / "ruling.html").read_text(encoding="utf-8")
    assert "Суд оштрафовал его." not in page and "The court fined him." in page


def test_min_complete_skips_pages_below_the_threshold(make_project: MakeProject) -> None:
    config = make_project([("ruling.html", article("fine", "lawyer"))], targets=["ru", "kk"])
    pipeline.extract(config)
    po = ru_po(config)
    catalog = polib.pofile(str(po))
    catalog.find("The court fined him.").msgstr = "Суд оштрафовал его."  # type: ignore[union-attr]
    catalog.save(str(po))
    report = pipeline.build(config, min_complete=50)
    status = {p.language: (p.status, round(p.complete)) for p in report.pages}
    assert status == {"ru": ("skipped", 31), "kk": ("skipped", 0)}  # 4 of 13 words
    assert not (config.build_dir / "ru" / "ruling.html").exists()
    report = pipeline.build(config, min_complete=30)
    assert {p.language: p.status for p in report.pages} == {"ru": "created", "kk": "skipped"}


def test_rejected_translation_is_reported_with_its_catalog_line(make_project: MakeProject) -> None:
    config = make_project([("ruling.html", article("supporters"))], targets=["ru"])
    pipeline.extract(config)
    po = ru_po(config)
    catalog = polib.pofile(str(po))
    entry = catalog.find("Supporters gathered <em1>outside</em1> the court.")
    assert entry is not None
    entry.msgstr = "Сторонники собрались у суда."  # the tag is gone
    catalog.save(str(po))
    line = next(i for i, text in enumerate(po.read_text(encoding="utf-8").splitlines(), 1)
                if text.startswith("#. ") and "p[1]" in text and i > 10)
    report = pipeline.build(config)
    assert [(p.kind, p.path) for p in report.problems] == [("finding", "locales/ru/LC_MESSAGES/ruling.po")]
    assert report.problems[0].line == line and "missing tag <em1>" in report.problems[0].message
    page = load((config.build_dir / "ru" / "ruling.html").read_bytes())
    assert page.find(".//em") is not None and "Supporters gathered" in "".join(page.itertext())


def test_untranslated_segments_fall_back_to_the_source(make_project: MakeProject) -> None:
    config = make_project([("ruling.html", article("fine", "lawyer"))], targets=["ru"])
    pipeline.extract(config)
    po = ru_po(config)
    catalog = polib.pofile(str(po))
    catalog.find("He left the city.").msgstr = "Он покинул город."  # type: ignore[union-attr]
    catalog.save(str(po))
    pipeline.build(config)
    # "".join: the fallback sentence is a text node of its own now, in a <span lang="en">.
    text = "".join(load((config.build_dir / "ru" / "ruling.html").read_bytes()).itertext())
    assert "The court fined him. Он покинул город." in text and "His lawyer appealed." in text


def test_broken_article_is_reported_and_the_others_go_on(make_project: MakeProject) -> None:
    config = make_project([("ruling.html", article("fine")), ("broken.html", b"\x00\x01binary")])
    report = pipeline.extract(config)
    assert [(p.path, p.kind) for p in report.problems] == [("articles/broken.html", "input")]
    assert ru_po(config).exists()


def test_broken_catalog_is_reported_and_left_as_it_is(make_project: MakeProject) -> None:
    config = make_project([("ruling.html", article("fine"))], targets=["ru", "kk"])
    pipeline.extract(config)
    broken = ru_po(config).read_bytes() + b'\nmsgid "dangling\n'
    ru_po(config).write_bytes(broken)
    report = pipeline.extract(config)
    assert len(report.problems) == 1 and report.problems[0].path == "locales/ru/LC_MESSAGES/ruling.po"
    assert "broken catalog" in report.problems[0].message
    assert ru_po(config).read_bytes() == broken


def test_the_repository_is_a_working_project(tmp_path: Path) -> None:
    """`translate-flow extract` and `build` in a copy of the repository's own project."""
    for name in ("translate-flow.toml", "articles", "glossary", "locales"):
        source = REPO / name
        target = tmp_path / name
        if source.is_dir():
            subprocess.run(["cp", "-r", str(source), str(target)], check=True)
        else:
            target.write_bytes(source.read_bytes())
    before = {p: p.read_bytes() for p in (tmp_path / "locales").rglob("*.po*")}
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    for command in ("extract", "build"):
        result = subprocess.run([sys.executable, "-m", "translate_flow", command], cwd=tmp_path,
                                capture_output=True, text=True, env=env)
        assert result.returncode == 0, result.stderr
    # The committed catalogs are up to date with the committed article.
    assert {p: p.read_bytes() for p in (tmp_path / "locales").rglob("*.po*")} == before
    for lang in ("kk", "ru", "zh-Hans"):
        assert (tmp_path / "build" / lang / "bilash-free-but-silenced.html").is_file()


# --- check -------------------------------------------------------------------------------------

CHECKED = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Court ruling</title></head>
<body><p>The fine was $ 300.</p><p>Almaty court fined <b>Serikzhan Bilash</b>.</p></body></html>"""


def test_check_notes_findings_in_the_catalog_and_replaces_them(make_project: MakeProject) -> None:
    config = make_project([("ruling.html", CHECKED)], targets=["ru"])
    (config.root / "glossary").mkdir()
    (config.root / "glossary" / "terms.csv").write_text(
        "en,ru,kind,forbidden_ru\nAlmaty,Алматы,term,Алма-Ата\nSerikzhan Bilash,Серикжан Билаш,name,\n", encoding="utf-8")
    pipeline.extract(config)
    edit = {"The fine was $ 300.": "Штраф составил 500 $.", "Court ruling": "Решение суда",
            "Almaty court fined <b1>Serikzhan Bilash</b1>.": "Суд Алма-Аты оштрафовал <b1>Серикжана Билаша</b1>."}
    fill_catalogs([ru_po(config)], lambda msgid: edit[msgid])  # reviewed: translators make mistakes too
    report = pipeline.check(config)
    found = {(f.check, f.severity) for f in report.findings}
    assert found == {("numbers", "error"), ("forbidden-variant", "error"), ("term-missing", "warning")}
    text = ru_po(config).read_text(encoding="utf-8")
    lines = text.splitlines()
    for item in report.findings:
        assert lines[item.line - 1].startswith(("#", "msgid")), item  # the entry's first line
        assert f"#. check: {item.severity}: {item.check}: {item.message}" in text
    msgfmt_check(ru_po(config))
    before = ru_po(config).read_bytes()
    again = pipeline.check(config)
    assert ru_po(config).read_bytes() == before and {f.status for f in again.files} == {"unchanged"}
    fill_catalogs([ru_po(config)], lambda msgid: {**edit, "The fine was $ 300.": "Штраф составил 300 $."}[msgid])
    fixed = pipeline.check(config)
    assert {f.check for f in fixed.findings} == {"forbidden-variant", "term-missing"}
    assert ru_po(config).read_text(encoding="utf-8").count("#. check:") == 2


def test_check_turns_checks_off_and_changes_severity(make_project: MakeProject) -> None:
    config = make_project([("ruling.html", CHECKED)], targets=["ru"],
                          extra='\n[checks]\nnumbers = "warning"\nforbidden-variant = false\n')
    pipeline.extract(config)
    fill_catalogs([ru_po(config)], lambda msgid: {"The fine was $ 300.": "Штраф составил 500 $."}.get(msgid, msgid))
    found = {(f.check, f.severity) for f in pipeline.check(config).findings}
    assert ("numbers", "warning") in found and not any(c == "forbidden-variant" for c, _ in found)


# --- the segmentation kept between extract and build ----------------------------------------


def _segmentation_files(config: Config) -> dict[str, bytes]:
    folder = config.root / ".translate-flow" / "segments"
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*.json"))}


def _built(config: Config) -> dict[str, bytes]:
    return {p.relative_to(config.build_dir).as_posix(): p.read_bytes()
            for p in sorted(config.build_dir.rglob("*.html"))}


def _kept_project(make_project: MakeProject) -> Config:
    """Three languages, a nested slug, and pages with comments, attributes and markup."""
    pages = [SAMPLE_ARTICLE, PAGES / "inline-markup.html", PAGES / "meta-attributes.html"]
    config = make_project(pages)
    nested = config.root / "articles" / "2015" / "04"
    nested.mkdir(parents=True)
    (nested / "ruling.html").write_text(article("fine", "supporters", "lawyer"), encoding="utf-8")
    pipeline.extract(config)
    fill_catalogs(sorted(config.locales.rglob("*.po")), lambda msgid: f"[{msgid}]")
    return config


def test_build_from_the_kept_segmentation_writes_what_segmenting_again_does(
    make_project: MakeProject,
) -> None:
    config = _kept_project(make_project)
    kept = _segmentation_files(config)
    assert set(kept) == {"bilash-free-but-silenced.json", "inline-markup.json", "meta-attributes.json",
                         "2015/04/ruling.json"}
    assert not pipeline.build(config).problems
    from_kept = _built(config)
    assert len(from_kept) == 12
    shutil.rmtree(config.root / ".translate-flow" / "segments")
    shutil.rmtree(config.build_dir)
    assert not pipeline.build(config, workers=1).problems
    assert _built(config) == from_kept
    assert _segmentation_files(config) == kept  # made again by the build, the same


@pytest.mark.parametrize(
    "damage",
    ["not-json", "another-key", "slots-that-do-not-fit", "empty"],
)
def test_a_damaged_kept_segmentation_is_not_used_and_is_made_again(
    make_project: MakeProject, damage: str
) -> None:
    config = _kept_project(make_project)
    assert not pipeline.build(config).problems
    expected = _built(config)
    path = config.root / ".translate-flow" / "segments" / "2015" / "04" / "ruling.json"
    good = path.read_bytes()
    kept = json.loads(good)
    if damage == "not-json":
        path.write_bytes(good[: len(good) // 2])
    elif damage == "another-key":
        other = json.loads((path.parent.parent.parent / "inline-markup.json").read_bytes())
        path.write_text(json.dumps({"key": "0" * 24, "slots": other["slots"]}), encoding="utf-8")
    elif damage == "slots-that-do-not-fit":
        kept["slots"][0][0] = 10_000
        path.write_text(json.dumps(kept), encoding="utf-8")
    else:
        path.write_bytes(b"")
    shutil.rmtree(config.build_dir)
    assert not pipeline.build(config).problems
    assert _built(config) == expected
    assert path.read_bytes() == good


def test_an_edited_page_is_segmented_again(make_project: MakeProject) -> None:
    config = make_project([("ruling.html", article("fine", "lawyer"))], targets=["ru"])
    pipeline.extract(config)
    review(ru_po(config))
    before = _segmentation_files(config)["ruling.json"]
    page = config.root / "articles" / "ruling.html"
    page.write_text(article("fine", "lawyer", replace=("His lawyer appealed.", "His lawyer resigned.")),
                    encoding="utf-8")
    pipeline.build(config)
    built = (config.build_dir / "ru" / "ruling.html").read_text(encoding="utf-8")
    assert "His lawyer resigned." in built and "Его адвокат" not in built
    assert "Суд оштрафовал его." in built
    after = _segmentation_files(config)["ruling.json"]
    assert after != before and b"His lawyer resigned." in after


def test_a_rejection_in_any_language_names_the_source_line(make_project: MakeProject) -> None:
    """Every language but the last is built on a copy of the page, and a copy's comments
    have no source line: the sentence after one is still told by its line in the page."""
    html = article("fine", "supporters").replace(
        "<p>Supporters gathered <em>outside</em> the court.</p>",
        "<div>Opening words.<!-- a note -->\n\n\nSupporters gathered <em>outside</em> the court.</div>")
    config = make_project([("ruling.html", html)], targets=["kk", "ru"])
    pipeline.extract(config)
    source_line = next(i for i, text in enumerate(html.splitlines(), 1) if "Supporters" in text)
    for tag in ("kk", "ru"):
        po = config.locales / tag / "LC_MESSAGES" / "ruling.po"
        catalog = polib.pofile(str(po))
        entry = catalog.find("Supporters gathered <em1>outside</em1> the court.")
        assert entry is not None
        entry.msgstr = "Сторонники собрались у суда."  # the tag is gone
        catalog.save(str(po))
    report = pipeline.build(config)
    assert sorted(p.path for p in report.problems) == [
        "locales/kk/LC_MESSAGES/ruling.po", "locales/ru/LC_MESSAGES/ruling.po"]
    assert all(f"articles/ruling.html:{source_line}" in p.message for p in report.problems)


def test_a_state_folder_that_cannot_be_written_keeps_nothing_and_changes_nothing(
    make_project: MakeProject,
) -> None:
    """A file where the state folder goes: the segmentation is not kept, the pages are the same."""
    config = make_project([("ruling.html", article("fine", "supporters"))], targets=["ru"])
    pipeline.extract(config)
    review(ru_po(config))
    assert not pipeline.build(config).problems
    expected = _built(config)
    shutil.rmtree(config.root / ".translate-flow")
    (config.root / ".translate-flow").write_text("not a folder", encoding="utf-8")
    shutil.rmtree(config.build_dir)
    extracted = pipeline.extract(config)
    assert not extracted.problems and extracted.segments == 4
    assert not pipeline.build(config).problems
    assert _built(config) == expected
    assert (config.root / ".translate-flow").read_text(encoding="utf-8") == "not a folder"


def test_the_kept_segmentation_is_for_the_code_that_made_it(
    make_project: MakeProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Other code, another sentence splitter or parser: the page is segmented anew."""
    from translate_flow.pipeline import extraction

    config = make_project([("ruling.html", article("fine", "lawyer"))], targets=["ru"])
    pipeline.extract(config)
    kept = config.root / ".translate-flow" / "segments" / "ruling.json"
    first = json.loads(kept.read_bytes())["key"]
    identity = extraction._code_identity()
    assert any(name.startswith("sentencex") for name, _, _ in identity[-1])
    monkeypatch.setattr(extraction, "_code_identity", lambda: (*identity[:-1], [("segment.py", 1, 2)]))
    assert not pipeline.build(config, workers=1).problems
    assert json.loads(kept.read_bytes())["key"] != first
