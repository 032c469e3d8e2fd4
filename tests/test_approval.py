"""An editor's approval: recorded where gettext tools keep it, void once the entry changes,
counted, and the only entries ``build --approved`` publishes."""

from __future__ import annotations

import subprocess
from dataclasses import replace
from pathlib import Path

import polib
import pytest
from conftest import MakeProject, cli, fill_catalogs, msgfmt_check

from translate_flow import pipeline
from translate_flow.catalog import (
    Catalog, Message, approve, counts, is_approved, read_po, translations, unapprove, update, write_po,
)
from translate_flow.config import Config
from translate_flow.languages import Language, language

RU = language("ru")
HEADER = (
    ("Project-Id-Version", "test 1.0"), ("Language", "ru"), ("MIME-Version", "1.0"),
    ("Content-Type", "text/plain; charset=UTF-8"), ("Content-Transfer-Encoding", "8bit"),
    ("Plural-Forms", "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);"),
)
CAFE = Message("A cafe opened on the square.", "На площади открылось кафе.", translator_comments=("checked with the desk",))
TEA = Message("It serves tea.", "Там подают чай.", msgctxt="menu")


def sample() -> Catalog:
    return Catalog(header=HEADER, messages=(
        approve(CAFE, by="Anna Editor <anna@example.org>", when="2026-12-03 10:00+0000"),
        approve(TEA),
        Message("Closed on Mondays.", "По понедельникам закрыто."),
        Message("Prices are low.", "Цены низкие.", flags=("fuzzy",)),
        Message("Come early."),
    ))


# --- the record ----------------------------------------------------------------------------


def test_approval_is_a_translator_comment_that_keeps_the_others() -> None:
    approved = approve(CAFE, by="Anna Editor <anna@example.org>", when="2026-12-03 10:00+0000")
    assert approved.translator_comments[0] == "checked with the desk"
    assert approved.translator_comments[1].startswith("approved: ")
    assert approved.translator_comments[1].endswith(" Anna Editor <anna@example.org>, 2026-12-03 10:00+0000")
    assert is_approved(approved) and not is_approved(CAFE)


def test_approving_again_replaces_the_comment_and_unapproving_removes_it() -> None:
    twice = approve(approve(CAFE, by="A"), by="B")
    assert [c for c in twice.translator_comments if c.startswith("approved:")] == [
        twice.translator_comments[-1]] and twice.translator_comments[-1].endswith(" B")
    assert unapprove(twice) == CAFE
    assert unapprove(CAFE) is CAFE


@pytest.mark.parametrize(
    "entry",
    [Message("Come early."), Message("Prices are low.", "Цены низкие.", flags=("fuzzy",)),
     replace(CAFE, obsolete=True)],
    ids=["untranslated", "fuzzy", "obsolete"],
)
def test_only_a_reviewed_entry_can_be_approved(entry: Message) -> None:
    with pytest.raises(ValueError, match="reviewed"):
        approve(entry)


@pytest.mark.parametrize(
    "change",
    [
        lambda m: replace(m, msgstr="На площади открыли кафе."),
        lambda m: replace(m, flags=("fuzzy",)),
        lambda m: replace(m, msgid="A cafe opened on the main square."),
        lambda m: replace(m, msgctxt="title"),
        lambda m: replace(m, msgstr=""),
    ],
    ids=["msgstr-edited", "made-fuzzy", "msgid-changed", "msgctxt-changed", "msgstr-emptied"],
)
def test_an_approval_is_void_once_the_entry_changes(change: object) -> None:
    approved = approve(CAFE)
    assert callable(change)
    assert not is_approved(change(approved))


def test_an_approval_copied_onto_another_entry_is_void() -> None:
    comment = approve(CAFE).translator_comments[-1]
    other = Message("Closed on Mondays.", "По понедельникам закрыто.", translator_comments=(comment,))
    assert not is_approved(other)


def test_a_merge_that_changes_the_msgid_leaves_the_entry_fuzzy_and_unapproved() -> None:
    template = Catalog(header=HEADER, messages=(Message("A cafe opened on the old square."), Message("It serves tea.", msgctxt="menu")))
    merged = update(sample(), template, RU).index()
    moved = merged[(None, "A cafe opened on the old square.")]
    assert moved.fuzzy and moved.msgstr == CAFE.msgstr and not is_approved(moved)
    assert is_approved(merged[("menu", "It serves tea.")])  # unchanged: still approved


# --- counts and what is published ------------------------------------------------------------


def test_counts_have_the_approved_entries_among_the_translated() -> None:
    counted = counts(sample())
    assert (counted.translated, counted.approved, counted.fuzzy, counted.untranslated) == (3, 2, 1, 1)
    assert counted.approved_words == 6 + 3
    assert counted.percent_done(use_fuzzy=False, approved_only=True) == pytest.approx(100 * 9 / counted.total_words)
    assert (counted + counted).approved == 4


def test_approved_only_translations_leave_the_others_out() -> None:
    assert set(translations(sample(), use_fuzzy=True, approved_only=True)) == {
        (None, CAFE.msgid), ("menu", TEA.msgid)}
    assert len(translations(sample(), use_fuzzy=True)) == 4


# --- gettext tools keep it ---------------------------------------------------------------------


def _gettext(tool: str, po: Path, tmp_path: Path) -> str:
    if tool == "polib":
        catalog = polib.pofile(str(po))
        out = tmp_path / "polib.po"
        catalog.save(str(out))
        return out.read_text(encoding="utf-8")
    if tool == "msgmerge":
        pot = tmp_path / "t.pot"
        template = Catalog(header=HEADER, messages=tuple(Message(m.msgid, msgctxt=m.msgctxt) for m in sample().messages))
        pot.write_text(write_po(template), encoding="utf-8")
        command = ["msgmerge", "--quiet", "--previous", str(po), str(pot)]
    else:
        command = {"msgcat": ["msgcat", str(po)], "msgattrib": ["msgattrib", "--no-obsolete", str(po)],
                   "msguniq": ["msguniq", str(po)]}[tool]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize("tool", ["msgcat", "msgmerge", "msgattrib", "msguniq", "polib"])
def test_gettext_tools_keep_the_approval(tool: str, tmp_path: Path) -> None:
    po = tmp_path / "ru.po"
    po.write_text(write_po(sample()), encoding="utf-8")
    msgfmt_check(po)
    again = read_po(_gettext(tool, po, tmp_path), f"{tool}.po")
    assert {m.msgid for m in again.messages if is_approved(m)} == {CAFE.msgid, TEA.msgid}


def test_gettext_tools_drop_a_flag_they_do_not_know(tmp_path: Path) -> None:
    """Why approval is not the ``#, approved`` flag: msgcat (as msgmerge) drops it."""
    po = tmp_path / "flag.po"
    po.write_text(write_po(Catalog(header=HEADER, messages=(replace(CAFE, flags=("approved",)),))), encoding="utf-8")
    again = read_po(_gettext("msgcat", po, tmp_path), "msgcat.po")
    assert again.messages[0].flags == ()


# --- in a project --------------------------------------------------------------------------------

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Cafe opens</title></head>
<body><p>A cafe opened on the square. It serves tea.</p></body></html>
"""


def _po(config: Config, language: Language) -> Path:
    return config.locales / language.locale / "LC_MESSAGES" / "cafe.po"


def _approve_one(path: Path, msgid: str) -> None:
    catalog = read_po(path.read_text(encoding="utf-8"), str(path))
    messages = tuple(approve(m, by="Anna") if m.msgid == msgid else m for m in catalog.messages)
    path.write_text(write_po(replace(catalog, messages=messages)), encoding="utf-8")


@pytest.fixture
def reviewed(make_project: MakeProject) -> Config:
    """The cafe page in Russian, reviewed in full, its second sentence approved."""
    config = make_project([("cafe.html", PAGE)], targets=["ru"], extra='[translate]\nengine = "pseudo"\n')
    pipeline.extract(config)
    fill_catalogs([_po(config, RU)], lambda msgid: f"[{msgid}]")
    _approve_one(_po(config, RU), "It serves tea.")
    return config


def test_build_approved_publishes_approved_entries_only(reviewed: Config) -> None:
    code, out, err = cli(reviewed.root, "build", "--approved")
    assert (code, err) == (0, "")
    page = (reviewed.build_dir / "ru" / "cafe.html").read_text(encoding="utf-8")
    assert "[It serves tea.]" in page and "A cafe opened on the square." in page and "[Cafe opens]" not in page
    code, _, err = cli(reviewed.root, "build")
    assert "[Cafe opens]" in (reviewed.build_dir / "ru" / "cafe.html").read_text(encoding="utf-8")


def test_run_approved_publishes_approved_entries_only_and_a_plain_run_all_again(reviewed: Config) -> None:
    page = reviewed.build_dir / "ru" / "cafe.html"
    code, _, _ = cli(reviewed.root, "run", "--quiet", "--approved")
    assert code in (0, 1)  # 1: findings on the bracketed translations
    assert "[It serves tea.]" in page.read_text(encoding="utf-8")
    assert "[Cafe opens]" not in page.read_text(encoding="utf-8")
    code, _, _ = cli(reviewed.root, "run", "--quiet")  # another rule: the page is built again
    assert "[Cafe opens]" in page.read_text(encoding="utf-8")


def test_build_says_why_a_page_is_held_back(make_project: MakeProject) -> None:
    config = make_project([("cafe.html", PAGE)], targets=["ru"])
    config.path.write_text(config.path.read_text(encoding="utf-8").replace(
        "publish_untranslated = true", "publish_untranslated = false"), encoding="utf-8")
    assert not pipeline.extract(config).problems
    fill_catalogs([_po(config, RU)], lambda msgid: f"[{msgid}]")
    code, _, err = cli(config.root, "build", "--approved")
    assert code == 0
    assert err == ("  skipped  ru/cafe.html: nothing approved; "
                   "set [build] publish_untranslated = true to publish it anyway\n")


def test_build_approved_counts_approved_words_against_the_threshold(reviewed: Config) -> None:
    code, _, err = cli(reviewed.root, "build", "--approved", "--min-complete", "50")
    assert code == 0
    assert err == "  skipped  ru/cafe.html: 27% approved, below 50%\n"
    report = pipeline.build(reviewed, approved=True, min_complete=50)
    assert [p.reason for p in report.pages] == ["27% approved, below 50%"]


def test_build_approved_with_nothing_approved_keeps_the_page_back(make_project: MakeProject) -> None:
    config = make_project([("cafe.html", PAGE)], targets=["ru"])
    pipeline.extract(config)
    fill_catalogs([_po(config, RU)], lambda msgid: f"[{msgid}]")
    strict = replace(config, build=replace(config.build, publish_untranslated=False))
    report = pipeline.build(strict, approved=True)
    assert [p.reason for p in report.pages] == [
        "nothing approved; set [build] publish_untranslated = true to publish it anyway"]


def test_run_and_check_keep_approvals(reviewed: Config) -> None:
    code, _, err = cli(reviewed.root, "run", "--quiet")
    assert (code, err) == (0, "")
    (reviewed.articles / "cafe.html").write_text(PAGE.replace("It serves tea.", "It serves tea. Come early."), encoding="utf-8")
    code, _, _ = cli(reviewed.root, "run", "--quiet")
    assert code in (0, 1)  # 1: findings on the pseudo translation
    catalog = read_po(_po(reviewed, RU).read_text(encoding="utf-8"), "cafe.po")
    assert [m.msgid for m in catalog.active() if is_approved(m)] == ["It serves tea."]
    assert counts(catalog).approved == 1
    msgfmt_check(_po(reviewed, RU))


# --- translate-flow approve ----------------------------------------------------------------------


def test_approve_lists_what_awaits_approval_without_writing(reviewed: Config) -> None:
    before = _po(reviewed, RU).read_bytes()
    code, out, err = cli(reviewed.root, "approve", "--lang", "ru")
    assert code == 0 and _po(reviewed, RU).read_bytes() == before
    assert [line.split(": awaiting approval: ")[1] for line in out.splitlines()] == [
        "Cafe opens", "A cafe opened on the square."]
    assert out.startswith("locales/ru/LC_MESSAGES/cafe.po:")
    assert err == "locales/ru/LC_MESSAGES/cafe.po: 2 awaiting approval, 1 approved, 0 not reviewed yet\n"


def test_approve_all_reviewed_approves_reviewed_entries_only(reviewed: Config) -> None:
    path = _po(reviewed, RU)
    catalog = read_po(path.read_text(encoding="utf-8"), "cafe.po")
    fuzzy = tuple(replace(m, flags=("fuzzy",)) if m.msgid == "Cafe opens" else m for m in catalog.messages)
    path.write_text(write_po(replace(catalog, messages=fuzzy)), encoding="utf-8")
    code, out, err = cli(reviewed.root, "approve", "--lang", "ru", "--all-reviewed", "--by", "Anna <anna@example.org>")
    assert (code, err) == (0, "")
    assert out == "locales/ru/LC_MESSAGES/cafe.po: approved 1, 1 approved before, 1 not reviewed yet\n"
    catalog = read_po(path.read_text(encoding="utf-8"), "cafe.po")
    assert {m.msgid: is_approved(m) for m in catalog.active()} == {
        "Cafe opens": False, "A cafe opened on the square.": True, "It serves tea.": True}
    comment = next(m for m in catalog.active() if m.msgid.startswith("A cafe")).translator_comments[-1]
    assert " Anna <anna@example.org>, 20" in comment
    msgfmt_check(path)
    assert cli(reviewed.root, "approve", "--lang", "ru", "--all-reviewed")[1].startswith(
        "locales/ru/LC_MESSAGES/cafe.po: approved 0, 2 approved before")


def test_approve_needs_a_language_and_the_lock(reviewed: Config) -> None:
    code, out, err = cli(reviewed.root, "approve")
    assert (code, out) == (2, "") and err.endswith("approve: name the language with --lang (approval is per language)\n")
    with pipeline.project_lock(reviewed):
        code, _, err = cli(reviewed.root, "approve", "--lang", "ru", "--all-reviewed")
    assert code == 2 and "another translate-flow run is working on" in err and len(err.splitlines()) == 1
