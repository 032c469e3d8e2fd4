"""Catalogs sent through the gettext tools and polib, then through the whole job.

A translator's catalog passes through msgcat, msgattrib, msgmerge or an editor built on
polib between two runs. Whatever they rewrite, the next extract, translate, check and
build keep every translation, flag and comment they kept, and where the tool only
rewrote the layout, the catalog comes back byte for byte as the tool wrote it.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import polib
import pytest
from conftest import REPO, MakeProject, msgfmt_check

from translate_flow import pipeline
from translate_flow.catalog import Catalog, read_po, write_po
from translate_flow.catalog.model import TOOL_COMMENT_PREFIXES
from translate_flow.config import Config
from translate_flow.pipeline import TranslateOptions

PAGES = [REPO / "articles" / "bilash-free-but-silenced.html", REPO / "tests" / "data" / "pages" / "inline-markup.html"]


def _gnu(*command: str) -> None:
    result = subprocess.run(command, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def _msgcat(po: Path, pot: Path) -> None:
    _gnu("msgcat", "-o", str(po), str(po))


def _msgattrib(po: Path, pot: Path) -> None:
    _gnu("msgattrib", "-o", str(po), str(po))


def _msgmerge(po: Path, pot: Path) -> None:
    _gnu("msgmerge", "--quiet", "--previous", "-o", str(po), str(po), str(pot))


def _polib(po: Path, pot: Path) -> None:
    polib.pofile(str(po), wrapwidth=79).save()


# Each tool, and whether it only rewrites the layout (then the next extract gives back its
# text byte for byte) or, as msgmerge, takes the extracted comments and the format flags
# from the template (keeping only the translator's fuzzy mark).
TOOLS: dict[str, tuple[Callable[[Path, Path], None], bool]] = {
    "msgcat": (_msgcat, True),
    "msgattrib": (_msgattrib, True),
    "msgmerge": (_msgmerge, False),
    "polib": (_polib, True),
}


def _as_a_translator_leaves_it(catalog: Catalog) -> Catalog:
    """Review every other entry, with a note and a flag, as a translator's editor would."""
    messages = []
    for number, message in enumerate(catalog.messages):
        if not message.obsolete and message.msgstr and number % 2 == 0:
            message = replace(
                message,
                flags=tuple(f for f in message.flags if f != "fuzzy") + ("no-c-format",),
                translator_comments=(f"reviewed by Aigerim, note {number}", "a second line of the note"),
            )
        messages.append(message)
    header = tuple((dict(catalog.header) | {"Last-Translator": "Aigerim <a@example.org>", "X-Generator": "Poedit 3.4.2"}).items())
    return replace(catalog, header=header, messages=tuple(messages))


def _kept(catalog: Catalog, *, with_tool_comments: bool) -> dict[tuple[str | None, str], tuple[object, ...]]:
    """What a translator must never lose, by entry (all flags, or only fuzzy when the tool
    takes the others from the template)."""
    return {
        m.key: (m.msgstr, m.flags if with_tool_comments else m.fuzzy, m.translator_comments,
                m.tool_comments() if with_tool_comments else ())
        for m in catalog.messages
        if not m.obsolete
    }


def _project(make_project: MakeProject) -> Config:
    config = make_project(PAGES, targets=["ru", "zh-Hans"])
    assert not pipeline.extract(config).problems
    assert not pipeline.translate(config, options=TranslateOptions(engine="pseudo", cache=False)).problems
    # Pseudo output passes the checks: leave a few entries in English so that the catalogs
    # also carry the long finding comments that editors wrap.
    for po in config.root.glob("locales/zh_Hans/LC_MESSAGES/*.po"):
        catalog = read_po(po.read_text(encoding="utf-8"), str(po))
        messages = [replace(m, msgstr=m.msgid) if i % 10 == 1 and m.msgstr else m for i, m in enumerate(catalog.messages)]
        po.write_text(write_po(replace(catalog, messages=tuple(messages))), encoding="utf-8")
    pipeline.check(config)
    for po in config.root.glob("locales/*/LC_MESSAGES/*.po"):
        po.write_text(write_po(_as_a_translator_leaves_it(read_po(po.read_text(encoding="utf-8"), str(po)))),
                      encoding="utf-8")
    return config


@pytest.mark.parametrize("tool", TOOLS, ids=TOOLS)
def test_catalogs_pass_through_gettext_tools_and_the_whole_job(tool: str, make_project: MakeProject) -> None:
    config = _project(make_project)
    rewrite, layout_only = TOOLS[tool]
    catalogs = sorted(config.root.glob("locales/*/LC_MESSAGES/*.po"))
    assert len(catalogs) == 4
    before = {po: read_po(po.read_text(encoding="utf-8"), str(po)) for po in catalogs}
    assert all(any(m.tool_comments() for m in catalog.messages) for catalog in before.values())
    for po in catalogs:
        pot = config.root / "locales" / "templates" / (po.stem + ".pot")
        rewrite(po, pot)
    rewritten = {po: po.read_bytes() for po in catalogs}

    assert not pipeline.extract(config).problems
    for po in catalogs:
        if layout_only:  # nothing but the layout changed: it comes back as this tool wrote it
            assert po.read_bytes() == write_po(before[po]).encode("utf-8")
        msgfmt_check(po)
        after = read_po(po.read_text(encoding="utf-8"), str(po))
        assert _kept(after, with_tool_comments=layout_only) == _kept(before[po], with_tool_comments=layout_only)
        assert after.header_value("X-Generator") == "Poedit 3.4.2"
        assert after.header_value("Last-Translator") == "Aigerim <a@example.org>"
    if tool == "msgcat":
        assert rewritten == {po: write_po(before[po]).encode("utf-8") for po in catalogs}  # msgcat changed nothing

    extracted = {po: read_po(po.read_text(encoding="utf-8"), str(po)) for po in catalogs}
    assert not pipeline.translate(config, options=TranslateOptions(engine="pseudo", cache=False)).problems
    # Pseudo output passes the checks: leave a few entries in English so that the catalogs
    # also carry the long finding comments that editors wrap.
    for po in config.root.glob("locales/zh_Hans/LC_MESSAGES/*.po"):
        catalog = read_po(po.read_text(encoding="utf-8"), str(po))
        messages = [replace(m, msgstr=m.msgid) if i % 10 == 1 and m.msgstr else m for i, m in enumerate(catalog.messages)]
        po.write_text(write_po(replace(catalog, messages=tuple(messages))), encoding="utf-8")
    pipeline.check(config)
    assert not pipeline.build(config).problems
    for po in catalogs:
        final = read_po(po.read_text(encoding="utf-8"), str(po))
        reviewed = {m.key: m for m in extracted[po].messages if m.reviewed}
        assert reviewed and all(final.index()[key].msgstr == m.msgstr for key, m in reviewed.items())
        assert _kept(final, with_tool_comments=False) == _kept(extracted[po], with_tool_comments=False)
        msgfmt_check(po)
    for lang in ("ru", "zh-Hans"):
        assert (config.root / "build" / lang / "bilash-free-but-silenced.html").is_file()


def test_msgmerge_leaves_our_catalogs_as_we_wrote_them_but_for_its_comments(make_project: MakeProject) -> None:
    """msgmerge takes extracted comments and format flags from the template; all else it
    writes as we do."""
    config = _project(make_project)
    po = next(config.root.glob("locales/ru/LC_MESSAGES/bilash*.po"))
    pot = config.root / "locales" / "templates" / (po.stem + ".pot")
    ours = read_po(po.read_text(encoding="utf-8"), str(po))
    _msgmerge(po, pot)
    merged = po.read_text(encoding="utf-8")
    without_tool_comments = replace(ours, messages=tuple(
        replace(m, auto_comments=m.page_comments(), flags=("fuzzy",) if m.fuzzy else ())
        for m in ours.messages))
    assert merged == write_po(without_tool_comments)


@pytest.mark.parametrize(
    "variant",
    ["crlf", "bom", "no-final-newline"],
)
def test_catalog_saved_with_crlf_bom_or_no_final_newline_reads_the_same(variant: str, make_project: MakeProject) -> None:
    config = _project(make_project)
    po = next(config.root.glob("locales/ru/LC_MESSAGES/bilash*.po"))
    text = po.read_text(encoding="utf-8")
    expected = read_po(text, str(po))
    changed = {"crlf": text.replace("\n", "\r\n"), "bom": "\ufeff" + text, "no-final-newline": text.rstrip("\n")}[variant]
    po.write_bytes(changed.encode("utf-8"))
    assert not pipeline.extract(config).problems
    assert po.read_text(encoding="utf-8") == text
    assert _kept(read_po(text, str(po)), with_tool_comments=True) == _kept(expected, with_tool_comments=True)


def test_obsolete_entries_from_msgattrib_and_msgmerge_are_kept(make_project: MakeProject, tmp_path: Path) -> None:
    """Entries the page no longer has become obsolete (#~), with their previous fields (#~|)."""
    config = _project(make_project)
    po = next(config.root.glob("locales/ru/LC_MESSAGES/bilash*.po"))
    empty = tmp_path / "empty.pot"
    empty.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n', encoding="utf-8")
    _gnu("msgmerge", "--quiet", "--previous", "-o", str(po), str(po), str(empty))
    gone = read_po(po.read_text(encoding="utf-8"), str(po))
    assert gone.messages and all(m.obsolete for m in gone.messages)
    shutil.copy(po, tmp_path / "obsolete.po")
    assert write_po(gone) == po.read_text(encoding="utf-8")
    assert not pipeline.extract(config).problems  # the texts return: their translations come back
    back = read_po(po.read_text(encoding="utf-8"), str(po))
    translated = {m.key: m.msgstr for m in gone.messages if m.msgstr}
    assert translated and all(back.index()[key].msgstr == text for key, text in translated.items())
    assert not any(m.obsolete for m in back.messages if m.key in translated)


def test_tool_comments_survive_polib_and_are_recognised(make_project: MakeProject) -> None:
    """polib wraps the long provenance comments; the next run still knows its own output."""
    config = _project(make_project)
    po = next(config.root.glob("locales/zh_Hans/LC_MESSAGES/bilash*.po"))
    before = read_po(po.read_text(encoding="utf-8"), str(po))
    _polib(po, po)
    saved = po.read_text(encoding="utf-8")
    longest = max((c for m in before.messages for c in m.tool_comments()), key=len)
    assert len(longest) > 76 and f"#. {longest}\n" not in saved  # polib wrapped it
    again = read_po(saved, str(po))
    assert [m.tool_comments() for m in again.messages] == [m.tool_comments() for m in before.messages]
    assert all(c.startswith(TOOL_COMMENT_PREFIXES) for m in again.messages for c in m.tool_comments())
