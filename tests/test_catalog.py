"""The catalog model: templates, msgmerge-style updates, reading and writing .po text."""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass, replace
from pathlib import Path

import polib
import pytest
from conftest import msgfmt_check
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from translate_flow.catalog import reader
from translate_flow.catalog.syntax import escape, unescape
from translate_flow.catalog import (
    Catalog,
    Counts,
    EntryState,
    Message,
    count_words,
    counts,
    machine_comment,
    machine_hash,
    make_template,
    read_po,
    update,
    write_po,
)
from translate_flow.errors import CatalogError
from translate_flow.languages import language
from translate_flow.segment import Segment

RU = language("ru")


def template(*texts: str | tuple[str | None, str]) -> Catalog:
    segments = []
    for line, text in enumerate(texts, 1):
        msgctxt, msgid = text if isinstance(text, tuple) else (None, text)
        segments.append(Segment(msgid, msgctxt, line, f"article > p[{line}]"))
    return make_template(
        [("articles/a.html", segments)],
        project="test 1.0", created="2026-01-01 00:00+0000", generator="translate-flow test",
        source_language="en",
    )


def translate(catalog: Catalog, mapping: dict[str, str], *, fuzzy: bool = False) -> Catalog:
    messages = []
    for m in catalog.messages:
        if m.msgid in mapping:
            m = replace(m, msgstr=mapping[m.msgid], flags=("fuzzy",) if fuzzy else ())
        messages.append(m)
    return replace(catalog, messages=tuple(messages))


def by_id(catalog: Catalog) -> dict[str, Message]:
    return {m.msgid: m for m in catalog.messages}


REVIEWED = {
    "The court fined him.": "Суд оштрафовал его.",
    "He left the city.": "Он покинул город.",
    "Supporters gathered outside.": "Сторонники собрались снаружи.",
}


@pytest.fixture
def reviewed() -> Catalog:
    first = update(Catalog(), template(*REVIEWED), RU)
    return translate(first, REVIEWED)


def test_identical_texts_share_one_entry_with_all_references() -> None:
    t = make_template(
        [("a.html", [Segment("Share", None, 3, "nav > li[1]"), Segment("Share", None, 9, "footer > p[1]"),
                     Segment("Share", "verb", 12, "article > p[2]")])],
        project="p", created="now", generator="g", source_language="en",
    )
    assert [(m.msgctxt, m.msgid, m.references, m.auto_comments) for m in t.messages] == [
        (None, "Share", (("a.html", 3), ("a.html", 9)), ("nav > li[1]", "footer > p[1]")),
        ("verb", "Share", (("a.html", 12),), ("article > p[2]",)),
    ]


def test_unchanged_entries_keep_translations(reviewed: Catalog) -> None:
    again = update(reviewed, template(*REVIEWED), RU)
    assert [(m.msgid, m.msgstr, m.flags) for m in again.messages] == [
        (m.msgid, m.msgstr, m.flags) for m in reviewed.messages
    ]


def test_edited_sentence_becomes_fuzzy_with_previous_msgid(reviewed: Catalog) -> None:
    edited = update(reviewed, template("The court fined him heavily.", "He left the city.",
                                       "Supporters gathered outside."), RU)
    new = by_id(edited)["The court fined him heavily."]
    assert new.fuzzy and new.msgstr == "Суд оштрафовал его."
    assert new.previous_msgid == "The court fined him."
    old = by_id(edited)["The court fined him."]
    assert old.obsolete and old.reviewed and old.msgstr == "Суд оштрафовал его."


def test_similarity_threshold_limits_fuzzy_matches(reviewed: Catalog) -> None:
    edited = update(reviewed, template("Completely different words here."), RU, similarity=0.9)
    assert by_id(edited)["Completely different words here."].msgstr == ""


def test_deleted_paragraph_becomes_obsolete_and_returns_intact(reviewed: Catalog) -> None:
    removed = update(reviewed, template("The court fined him.", "He left the city."), RU)
    gone = by_id(removed)["Supporters gathered outside."]
    assert gone.obsolete and gone.msgstr == REVIEWED["Supporters gathered outside."]
    restored = update(removed, template(*REVIEWED), RU)
    back = by_id(restored)["Supporters gathered outside."]
    assert not back.obsolete and back.reviewed and back.msgstr == REVIEWED["Supporters gathered outside."]
    assert not any(m.obsolete for m in restored.messages)


def test_reordered_paragraphs_keep_every_translation(reviewed: Catalog) -> None:
    order = list(reversed(REVIEWED))
    moved = update(reviewed, template(*order), RU)
    assert [m.msgid for m in moved.messages] == order
    assert {m.msgid: m.msgstr for m in moved.messages} == REVIEWED
    assert all(m.reviewed for m in moved.messages)


def test_update_keeps_translator_comments_and_tool_comments(reviewed: Catalog) -> None:
    first = reviewed.messages[0]
    annotated = replace(
        reviewed,
        messages=(replace(first, translator_comments=("checked with the desk",),
                          auto_comments=(*first.auto_comments, "machine translation: ct2 x 1.0")),
                  *reviewed.messages[1:]),
    )
    again = update(annotated, template(*REVIEWED), RU)
    kept = by_id(again)[first.msgid]
    assert kept.translator_comments == ("checked with the desk",)
    assert kept.auto_comments == ("article > p[1]", "machine translation: ct2 x 1.0")


def test_untranslated_vanished_entries_are_dropped() -> None:
    first = update(Catalog(), template("One.", "Two."), RU)
    assert [m.msgid for m in update(first, template("One."), RU).messages] == ["One."]


@pytest.mark.parametrize(
    ("tag", "locale", "plural"),
    [("kk", "kk", "nplurals=2; plural=(n != 1);"),
     ("ru", "ru", "nplurals=3;"),
     ("zh-Hans", "zh_Hans", "nplurals=1; plural=0;")],
    ids=["kk", "ru", "zh-Hans"],
)
def test_headers_are_complete(tag: str, locale: str, plural: str, tmp_path: Path) -> None:
    catalog = update(Catalog(), template("One sentence."), language(tag))
    assert catalog.header_value("Language") == locale
    assert (catalog.header_value("Plural-Forms") or "").startswith(plural)
    assert catalog.header_value("Content-Type") == "text/plain; charset=UTF-8"
    assert catalog.header_value("X-Generator") == "translate-flow test"
    assert catalog.header_value("POT-Creation-Date") == "2026-01-01 00:00+0000"
    path = tmp_path / "x.po"
    path.write_text(write_po(catalog), encoding="utf-8")
    msgfmt_check(path)
    assert polib.pofile(str(path)).metadata["Language"] == locale


def test_translator_header_fields_survive_updates() -> None:
    # As a translator's editor leaves the header: their fields, set in the .po text.
    text = write_po(update(Catalog(), template("One."), RU))
    edited = {
        "Last-Translator": "Aigerim <a@example.org>",
        "PO-Revision-Date": "2026-02-02 10:00+0000",
        "Plural-Forms": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : 1);",
    }
    for name, value in edited.items():
        text = re.sub(rf'^"{name}: .*\\n"$', f'"{name}: {value}\\\\n"', text, count=1, flags=re.M)
    catalog = read_po(text, "ru.po")
    assert {name: catalog.header_value(name) for name in edited} == edited
    again = update(catalog, template("One.", "Two."), RU)
    assert {name: again.header_value(name) for name in edited} == edited


def test_write_then_read_round_trips(reviewed: Catalog, tmp_path: Path) -> None:
    edited = update(reviewed, template("The court fined him heavily.", "He left the city."), RU)
    text = write_po(edited)
    again = read_po(text, "x.po")
    assert write_po(again) == text
    assert [(m.key, m.msgstr, m.flags, m.obsolete, m.previous_msgid) for m in again.messages] == [
        (m.key, m.msgstr, m.flags, m.obsolete, m.previous_msgid) for m in edited.messages
    ]
    assert "#| msgid \"The court fined him.\"" in text and "#~ msgid" in text
    path = tmp_path / "x.po"
    path.write_text(text, encoding="utf-8")
    msgfmt_check(path)


def test_read_po_records_entry_lines() -> None:
    text = write_po(update(Catalog(), template("One.", "Two."), RU))
    lines = text.splitlines()
    for message in read_po(text, "x.po").messages:
        assert lines[message.line - 1] .startswith(("msgid", "#", "msgctxt"))


@pytest.mark.parametrize(
    ("text", "line"),
    [('msgid "a"\nmsgstr "b"\nbroken line\n', 3),
     ('msgid "a"\nmsgstr "b"\n\nmsgid "unterminated\nmsgstr ""\n', 4)],
    ids=["garbage-line", "unterminated-string"],
)
def test_broken_catalog_names_file_and_line(text: str, line: int) -> None:
    with pytest.raises(CatalogError, match=rf"^ru\.po:{line}: broken catalog"):
        read_po(text, "ru.po")


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [('msgid "a"\nmsgstr "b"\nbroken line\n', 3, "broken catalog (cannot read 'broken line')"),
     ('msgstr "a"\nmsgid "b"\n', 1, "broken catalog (syntax error in po file)"),
     ('msgid "a"\nmsgid "b"\nmsgstr ""\n', 2, "broken catalog (syntax error in po file)")],
    ids=["our-syntax-check", "polib-msgstr-first", "polib-msgid-twice"],
)
def test_catalog_errors_carry_path_and_line(text: str, line: int, problem: str) -> None:
    with pytest.raises(CatalogError) as caught:
        read_po(text, "locale/ru/a.po")
    error = caught.value
    assert (error.path, error.line) == ("locale/ru/a.po", line)
    assert error.message == f"{problem}; fix the entry there or restore the file"
    assert str(error) == f"locale/ru/a.po:{line}: {error.message}"  # as the command line shows it


def test_polib_error_without_a_line_names_the_file_only(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(text: str, **options: object) -> None:
        raise OSError("Unreadable catalog (no more details)")

    monkeypatch.setattr(polib, "pofile", refuse)
    with pytest.raises(CatalogError) as caught:
        read_po('msgid "a"\nmsgstr[0] "b"\n', "a.po")  # plural forms: read by polib
    assert (caught.value.path, caught.value.line) == ("a.po", 0)
    assert str(caught.value) == "a.po: broken catalog (unreadable catalog); fix the entry there or restore the file"


@dataclass(frozen=True)
class Found:
    """A text as some other extractor than the HTML segmenter might find it."""

    msgid: str
    msgctxt: str | None
    line: int
    context: str


def test_templates_take_texts_from_any_extractor() -> None:
    t = make_template([("notes.txt", [Found("Hello.", None, 4, "line 4")])],
                      project="p", created="now", generator="g", source_language="en")
    assert [(m.msgid, m.references, m.auto_comments) for m in t.messages] == [
        ("Hello.", (("notes.txt", 4),), ("line 4",)),
    ]


def test_catalog_model_imports_nothing_of_html() -> None:
    code = ("import sys, translate_flow.catalog; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'lxml' "
            "or m in ('translate_flow.segment', 'translate_flow.markup')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("message", "state"),
    [(Message("a"), "untranslated"),
     (Message("a", flags=("fuzzy",)), "untranslated"),
     (Message("a", "б", flags=("fuzzy", "python-format")), "fuzzy"),
     (Message("a", "б", flags=("python-format",)), "translated")],
    ids=["empty", "empty-fuzzy", "fuzzy", "reviewed"],
)
def test_entry_state(message: Message, state: EntryState) -> None:
    assert message.state == state


def test_counts_words_without_tags() -> None:
    assert count_words("See <a1>the <em2>report</em2></a1><br3/> now.") == 4
    catalog = translate(update(Catalog(), template("One two.", "Three four five."), RU),
                        {"One two.": "Раз два."}, fuzzy=True)
    tally = counts(catalog)
    assert (tally.translated, tally.fuzzy, tally.untranslated) == (0, 1, 1)
    assert (tally.fuzzy_words, tally.untranslated_words, tally.total_words) == (2, 3, 5)


@pytest.mark.parametrize(
    ("tally", "reviewed", "with_fuzzy"),
    [(Counts(), 100.0, 100.0),
     (Counts(translated=1, fuzzy=1, untranslated=1, translated_words=1, fuzzy_words=2,
             untranslated_words=5), 12.5, 37.5),
     (Counts(fuzzy=1, fuzzy_words=4), 0.0, 100.0)],
    ids=["no-words", "mixed", "all-fuzzy"],
)
def test_percent_done(tally: Counts, reviewed: float, with_fuzzy: float) -> None:
    assert tally.percent_done(use_fuzzy=False) == reviewed
    assert tally.percent_done(use_fuzzy=True) == with_fuzzy


@pytest.mark.parametrize(
    ("comments", "digest"),
    [((machine_comment("argos translate-en_ru 1.9 score=-0.42", "3f2a9c1b0d"),), "3f2a9c1b0d"),
     (("body > p[1]", "memory: 100% match in a.tmx"), None),
     (("machine translation: the output repeats itself; check it",), None)],
    ids=["written-and-read", "no-machine-output", "machine-note-without-hash"],
)
def test_machine_hash_reads_what_machine_comment_writes(comments: tuple[str, ...], digest: str | None) -> None:
    assert machine_hash(Message("a", "б", auto_comments=comments)) == digest


# --- the .po text: exactly polib's, written and read faster -------------------------------------

PO_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
# Pieces that test wrapping, escaping and line splitting: spaces, hyphens, long words,
# quotes, backslashes, control characters, no-break and other Unicode spaces.
_PIECES = st.sampled_from([
    "a", "b c", " ", "  ", "-", "--", "hyphen-ated", "word", "\\", '"', "\n", "\t", "\r",
    "\x0b", "\x08", "\x0c", "*", ":", ",", "#", "é", "中", "\xa0", "\u2028", "\u3000", "\x85",
    "averyveryverylongwordwithoutanybreaksatallthatgoesonandonandonforeverandever",
])
# Texts around the width where polib starts to wrap, which a random length seldom hits.
_NEAR_WIDTH = st.tuples(st.integers(60, 90), st.sampled_from(["word ", "ab-cd ", "x", "é ", 'q" '])).map(
    lambda length_unit: (length_unit[1] * 90)[: length_unit[0]]
)
_TEXT = st.one_of(st.lists(_PIECES, max_size=40).map("".join), _NEAR_WIDTH)
# Comments short enough that polib leaves them whole: write_po never wraps comments.
_COMMENT = _TEXT.filter(lambda text: all(len(line) <= 70 for line in text.split("\n")))
_PATH = st.lists(st.sampled_from(list("ab-/ .*x09")), min_size=1, max_size=30).map("".join)
_MESSAGES = st.builds(
    Message,
    msgid=_TEXT, msgstr=_TEXT, msgctxt=st.none() | _TEXT,
    flags=st.lists(st.sampled_from(["fuzzy", "python-format"]), max_size=2).map(tuple),
    references=st.lists(st.tuples(_PATH, st.integers(0, 99999)), max_size=6).map(tuple),
    auto_comments=st.lists(_COMMENT, max_size=3).map(tuple),
    translator_comments=st.lists(_COMMENT, max_size=3).map(tuple),
    previous_msgid=st.none() | _TEXT, previous_msgctxt=st.none() | _TEXT,
    obsolete=st.booleans(),
)
_CATALOGS = st.builds(
    Catalog,
    header=st.lists(
        st.tuples(st.sampled_from(["Language", "X-B10", "X-b9", "X-A", "Plural-Forms", "x-a2"]),
                  st.text(st.sampled_from("ab :;=-\\\"é"), max_size=12)),
        max_size=5,
    ).map(tuple),
    messages=st.lists(_MESSAGES, max_size=5).map(tuple),
    header_comment=_TEXT,
    header_flags=st.sampled_from([(), ("fuzzy",)]),
)


def _polib_text(catalog: Catalog) -> str:
    """The catalog as polib writes it (how write_po wrote it before it had its own writer)."""
    po = polib.POFile(wrapwidth=79)
    po.header = catalog.header_comment
    po.metadata = dict(catalog.header)
    po.metadata_is_fuzzy = "fuzzy" in catalog.header_flags
    for m in catalog.messages:
        po.append(polib.POEntry(
            msgid=m.msgid, msgstr=m.msgstr, msgctxt=m.msgctxt, flags=list(m.flags),
            occurrences=[(path, str(line)) for path, line in m.references],
            comment="\n".join(m.auto_comments), tcomment="\n".join(m.translator_comments),
            previous_msgid=m.previous_msgid, previous_msgctxt=m.previous_msgctxt, obsolete=m.obsolete,
        ))
    text: str = po.__unicode__()
    return text if text.endswith("\n") else text + "\n"


def _read_through_polib(text: str) -> Catalog | str:
    """read_po's result (or error) when polib reads everything."""
    original = reader._read_common
    reader._read_common = lambda text: None
    try:
        return read_po(text, "x.po")
    except CatalogError as exc:
        return str(exc)
    finally:
        reader._read_common = original


def _read(text: str) -> Catalog | str:
    try:
        return read_po(text, "x.po")
    except CatalogError as exc:
        return str(exc)


@PO_SETTINGS
@given(_CATALOGS)
def test_write_po_writes_what_polib_writes(catalog: Catalog) -> None:
    assert write_po(catalog) == _polib_text(catalog)


def test_long_comments_stay_on_one_line_and_read_back_whole() -> None:
    provenance = "machine translation: argos translate-ru_en 1.9 + argos translate-en_zh 1.9 via en score=-0.42 mt=3f2a9c1b0d"
    catalog = Catalog(messages=(Message("Суд", "法院", auto_comments=("body > p[1]", provenance),
                                        translator_comments=(("a long note " * 10).strip(),)),))
    text = write_po(catalog)
    assert f"#. {provenance}\n" in text
    message = read_po(text, "x.po").messages[0]
    assert message.auto_comments == ("body > p[1]", provenance)
    assert message.translator_comments == (("a long note " * 10).strip(),)


@PO_SETTINGS
@given(_TEXT)
def test_escapes_read_back_as_written(text: str) -> None:
    assert unescape(escape(text)) == text
    assert escape(text) == polib.escape(text)


@PO_SETTINGS
@given(_CATALOGS)
def test_read_po_reads_what_polib_reads(catalog: Catalog) -> None:
    text = write_po(catalog)
    assert _read(text) == _read_through_polib(text)


_LINES = st.one_of(
    st.sampled_from([
        "", " ", "#", "# translator", "#. extracted", "#: a.html:3 b-c.html:x", "#: p:\u00b2 q:0 r: :5", "#: ", "#, fuzzy",
        "#,fuzzy", "#| msgid \"old\"", "#| \"more\"", "#| msgid_plural \"x\"", "#~ msgid \"gone\"",
        "#~ msgstr \"weg\"", "#~| msgid \"x\"", "#~ \"cont\"", "#foo", "##", "msgid \"a\"",
        "msgstr \"b\"", "msgctxt \"c\"", "msgid\t\"tab\"", "msgid_plural \"p\"", "msgstr[0] \"s\"",
        "\"continued\"", "\"bad\"quote\"", "\"escaped\\\"quote\"", "\"trailing\\\"", "  \"indented\"",
        "msgid \"\"", "msgstr \"\"", "\"Language: ru\\n\"", "\"X-A: 1\\n\"", "\"no colon\\n\"",
        "garbage", "\ufeffmsgid \"bom\"", "#~ msgid \"un\"closed\"",
    ]),
    _TEXT.map(lambda t: "# " + t.replace("\n", " ").replace("\r", " ")),
)


@PO_SETTINGS
@given(st.lists(_LINES, max_size=25), st.sampled_from(["\n", "\r\n"]))
def test_read_po_agrees_with_polib_on_any_lines(lines: list[str], newline: str) -> None:
    text = newline.join(lines)
    assert _read(text) == _read_through_polib(text)


ODD_BUT_READABLE = [
    '#: p:\u00b2 q:0 r: :5 plain s:t:9\nmsgid "a"\nmsgstr "b"\n',
    '# Header\n#\n#, fuzzy\nmsgid ""\nmsgstr ""\n"Language: ru\\n"\n"continued\\n"\n"X-b10: 1\\n"\n"X-B9: 2\\n"\n',
    '#\n##double\n#  two spaces\n#. \n#. extracted\n#, fuzzy , x\nmsgid "a"\nmsgstr ""\n\n#~ # kept\n#~ msgid "b"\n#~ msgstr "c"\n',
    '#| msgctxt "old"\n#| msgid "first "\n#| "second"\nmsgctxt "ctx"\nmsgid "a"\n"b"\nmsgstr "c"\n# trailing comment\n',
    'msgid "a\\tb\\\\c\\"d\\ne"\nmsgstr ""\n"x"\n\n#~| msgid "lost"\n#~ msgid "z"\n#~ msgstr "y"',
]


@pytest.mark.parametrize("text", ODD_BUT_READABLE)
def test_read_po_reads_odd_catalogs_as_polib(text: str) -> None:
    assert reader._read_common(text) is not None  # read without polib
    assert _read(text) == _read_through_polib(text)
