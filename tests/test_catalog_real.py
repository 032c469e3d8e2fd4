"""Real catalogs saved by Poedit, Lokalize and Weblate (tests/data/catalogs/SOURCES.md).

Each is read, written, merged with a template and extracted over in a project: not one
translation, flag or comment is lost, the header keeps what the translator's tools set,
and ``msgfmt -c`` still passes.
"""

from __future__ import annotations

import subprocess
from dataclasses import replace
from pathlib import Path

import polib
import pytest
from conftest import REPO, MakeProject, msgfmt_check

from translate_flow import pipeline
from translate_flow.catalog import Catalog, Message, read_po, update, write_po
from translate_flow.languages import language

CATALOGS = Path(__file__).parent / "data" / "catalogs"
REAL = sorted(CATALOGS.glob("*.po"))
# The language of each catalog, by the end of its name.
LANGUAGES = {"fr": "fr", "ja": "ja", "ru": "ru", "zh_Hans": "zh-Hans"}
# Fields that belong to the translator and their tools: they survive every update.
TRANSLATORS_FIELDS = ("Last-Translator", "Language-Team", "PO-Revision-Date", "Plural-Forms", "X-Generator")


def _read(path: Path) -> Catalog:
    return read_po(path.read_text(encoding="utf-8"), str(path))


def _language(path: Path) -> str:
    return LANGUAGES[path.stem.split("-")[-1]]


def _everything(catalog: Catalog) -> list[tuple[object, ...]]:
    """Every field of every entry, where the entry was read aside."""
    return [
        (m.msgctxt, m.msgid, m.msgid_plural, m.msgstr, m.msgstr_plural, m.flags, m.references,
         m.auto_comments, m.translator_comments, m.previous_msgctxt, m.previous_msgid,
         m.previous_msgid_plural, m.obsolete)
        for m in catalog.messages
    ]


def _as_polib_reads_it(path: Path) -> list[tuple[object, ...]]:
    """The same fields as polib reads them: a second opinion from another reader."""
    entries = []
    for e in polib.pofile(str(path)):
        forms = tuple(e.msgstr_plural[n] for n in sorted(e.msgstr_plural)) if e.msgid_plural else ()
        entries.append((
            e.msgctxt, e.msgid, e.msgid_plural or None, forms[0] if forms else e.msgstr, forms, tuple(e.flags),
            tuple((p, int(n) if n else 0) for p, n in e.occurrences),
            tuple(e.comment.split("\n")) if e.comment else (), tuple(e.tcomment.split("\n")) if e.tcomment else (),
            e.previous_msgctxt, e.previous_msgid, e.previous_msgid_plural, e.obsolete,
        ))
    return entries


def test_the_real_catalogs_are_there_and_named() -> None:
    sources = (CATALOGS / "SOURCES.md").read_text(encoding="utf-8")
    assert len(REAL) >= 4
    assert all(f"`{path.name}`" in sources for path in REAL)
    generators = {_read(path).header_value("X-Generator").split()[0] for path in REAL}  # type: ignore[union-attr]
    assert generators == {"Poedit", "Lokalize", "Weblate"}


@pytest.mark.parametrize("path", REAL, ids=[p.stem for p in REAL])
def test_real_catalog_reads_as_polib_reads_it(path: Path) -> None:
    assert _everything(_read(path)) == _as_polib_reads_it(path)


@pytest.mark.parametrize("path", REAL, ids=[p.stem for p in REAL])
def test_real_catalog_is_written_as_msgcat_writes_it(path: Path) -> None:
    gnu = subprocess.run(["msgcat", str(path)], capture_output=True, text=True, check=True).stdout
    catalog = _read(path)
    assert write_po(catalog) == gnu
    assert _everything(read_po(gnu, "again.po")) == _everything(catalog)


def _template_of(catalog: Catalog) -> Catalog:
    """The template the catalog was made from: its texts, places and comments, no translations."""
    return Catalog(
        header=(("Project-Id-Version", "test 1.0"), ("POT-Creation-Date", "2026-12-01 10:00+0000"),
                ("Content-Type", "text/plain; charset=UTF-8"), ("X-Generator", "translate-flow test")),
        messages=tuple(
            Message(m.msgid, msgctxt=m.msgctxt, references=m.references, auto_comments=m.auto_comments,
                    msgid_plural=m.msgid_plural)
            for m in catalog.messages if not m.obsolete
        ),
    )


@pytest.mark.parametrize("path", REAL, ids=[p.stem for p in REAL])
def test_real_catalog_merged_with_its_template_loses_nothing(path: Path, tmp_path: Path) -> None:
    catalog = _read(path)
    merged = update(catalog, _template_of(catalog), language(_language(path)))
    assert _everything(merged) == _everything(catalog)
    for name in TRANSLATORS_FIELDS:
        assert merged.header_value(name) == catalog.header_value(name), name
    assert merged.header_value("POT-Creation-Date") == "2026-12-01 10:00+0000"
    out = tmp_path / path.name
    out.write_text(write_po(merged), encoding="utf-8")
    msgfmt_check(out)
    assert _everything(_read(out)) == _everything(catalog)


@pytest.mark.parametrize("path", REAL, ids=[p.stem for p in REAL])
def test_real_catalog_in_a_project_keeps_every_translation(path: Path, make_project: MakeProject) -> None:
    """Put where a page's catalog lives, its texts are not on the page: extract keeps them all
    as obsolete entries (they come back when the texts do), and the editor's header fields."""
    tag = _language(path)
    config = make_project([REPO / "tests" / "data" / "pages" / "lists.html"], targets=[tag])
    locale = language(tag).locale
    po = config.root / "locales" / locale / "LC_MESSAGES" / "lists.po"
    po.parent.mkdir(parents=True)
    po.write_bytes(path.read_bytes())
    original = _read(path)
    assert not pipeline.extract(config).problems
    extracted = _read(po)
    msgfmt_check(po)
    kept = {(m.msgctxt, m.msgid): m for m in extracted.messages if m.obsolete}
    translated = [m for m in original.messages if m.msgstr or any(m.msgstr_plural)]
    assert translated
    for m in translated:
        old = kept[(m.msgctxt, m.msgid)]
        assert (old.msgstr, old.msgstr_plural, old.flags, old.translator_comments, old.msgid_plural) == (
            m.msgstr, m.msgstr_plural, m.flags, m.translator_comments, m.msgid_plural)
    for name in ("Last-Translator", "Language-Team", "PO-Revision-Date", "X-Generator"):
        assert extracted.header_value(name) == original.header_value(name), name
    assert not pipeline.build(config).problems

    # The texts return (the page's template holds them again): each translation is revived.
    revived = update(extracted, replace(_template_of(original), header=extracted.header), language(tag))
    assert [m for m in revived.messages if not m.obsolete and m.msgid in {t.msgid for t in translated}]
    assert {m.key: (m.msgstr, m.msgstr_plural) for m in revived.messages if not m.obsolete and m.translated} == {
        m.key: (m.msgstr, m.msgstr_plural) for m in original.messages if m.translated}
