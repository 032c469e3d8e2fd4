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
    # As a translator's editor leaves the header: their fields, and its own.
    first = read_po(write_po(update(Catalog(), template("One."), RU)), "ru.po")
    edited = {
        "Last-Translator": "Aigerim <a@example.org>",
        "PO-Revision-Date": "2026-02-02 10:00+0000",
        "Language-Team": "Russian <https://hosted.weblate.org/projects/x/ru/>",
        "Plural-Forms": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : 1);",
        "X-Generator": "Poedit 3.4.2",
        "X-Poedit-SourceCharset": "UTF-8",
    }
    header = dict(first.header) | edited
    catalog = read_po(write_po(replace(first, header=tuple(header.items()))), "ru.po")
    assert {name: catalog.header_value(name) for name in edited} == edited
    again = update(catalog, template("One.", "Two."), RU)
    assert {name: again.header_value(name) for name in edited} == edited
    assert [name for name, _ in again.header] == list(header)  # in the editor's order
    assert again.header_value("POT-Creation-Date") == "2026-01-01 00:00+0000"  # the template's


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
     ('msgstr "a"\nmsgid "b"\n', 1, "broken catalog (msgstr before msgid)"),
     ('msgid "a"\nmsgid "b"\nmsgstr ""\n', 2, "broken catalog (msgid twice)"),
     ('msgid "a"\nmsgstr "b"\n"c"\n#, fuzzy\n"d"\n', 5, "broken catalog (a string continues nothing)"),
     ('msgid "a"\n', 1, "broken catalog (an entry has no msgstr)")],
    ids=["unreadable-line", "msgstr-first", "msgid-twice", "string-after-comment", "no-msgstr"],
)
def test_catalog_errors_carry_path_and_line(text: str, line: int, problem: str) -> None:
    with pytest.raises(CatalogError) as caught:
        read_po(text, "locale/ru/a.po")
    error = caught.value
    assert (error.path, error.line) == ("locale/ru/a.po", line)
    assert error.message == f"{problem}; fix the entry there or restore the file"
    assert str(error) == f"locale/ru/a.po:{line}: {error.message}"  # as the command line shows it


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


# --- the .po text: GNU gettext's own layout ----------------------------------------------------

PO_SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
# Pieces that test wrapping, escaping and line splitting: spaces, hyphens, long words,
# quotes, backslashes, control characters, no-break and other Unicode spaces, wide
# characters and their punctuation, marks, and the brackets and tags of segments.
_PIECES = st.sampled_from([
    "a", "b c", " ", "  ", "-", "--", "hyphen-ated", "word", "\\", '"', "\n", "\t", "\r",
    "\x0b", "\x08", "\x0c", "\x07", "*", ":", ",", "#", "é", "中", "国新闻", "，", "。", "（", "）",
    "«", "»", "—", "–", "…", "“", "”", "’", "\xa0", "\u3000", "\u2009", "\u202f", "\u0301",
    "Қазақстан", "39-011-541950", "<a1>", "</a1>", "<br2/>", "%s", "%(name)s", "$5", "10%",
    "https://example.org/a-b?c=d", "가나", "カタカナ", "😀",
    "averyveryverylongwordwithoutanybreaksatallthatgoesonandonandonforeverandever",
])
# Texts around the width where lines start to wrap, which a random length seldom hits.
_NEAR_WIDTH = st.tuples(
    st.integers(60, 90), st.sampled_from(["word ", "ab-cd ", "x", "é ", 'q" ', "中", "слово ", "a\\b "])
).map(lambda length_unit: (length_unit[1] * 90)[: length_unit[0]])
_TEXT = st.one_of(st.lists(_PIECES, max_size=40).map("".join), _NEAR_WIDTH)
# A comment line: no line end in it, nor a backslash at its end, which gettext's reader
# would take as joining the next line to the comment.
_LINE = _TEXT.map(lambda text: text.replace("\n", " ").replace("\r", " ").rstrip("\\"))
_PATH = st.lists(st.sampled_from(list("ab-/.x09")), max_size=30).map(lambda chars: "p" + "".join(chars))  # gettext drops a leading ./
_MESSAGES = st.builds(
    Message,
    msgid=_TEXT.filter(bool), msgstr=_TEXT, msgctxt=st.none() | _TEXT,
    flags=st.sampled_from([(), ("fuzzy",), ("c-format",), ("fuzzy", "python-format"), ("no-wrap",)]),
    references=st.lists(st.tuples(_PATH, st.integers(0, 99999)), max_size=6, unique=True).map(tuple),
    auto_comments=st.lists(_LINE, max_size=3).map(tuple),
    translator_comments=st.lists(_LINE, max_size=3).map(tuple),
    previous_msgid=st.none() | _TEXT, previous_msgctxt=st.none() | _TEXT,
    obsolete=st.booleans(),
)
# Some entries with plural forms, as catalogs of programs hold them: the first form is
# also the msgstr.
_PLURAL = st.tuples(_TEXT.filter(bool), st.lists(_TEXT, min_size=1, max_size=3), st.none() | _TEXT)
_MESSAGES = st.tuples(_MESSAGES, st.none() | _PLURAL).map(
    lambda pair: pair[0] if pair[1] is None else replace(
        pair[0], msgid_plural=pair[1][0], msgstr_plural=tuple(pair[1][1]), msgstr=pair[1][1][0],
        previous_msgid_plural=pair[1][2] if pair[0].previous_msgid is not None else None))
# gettext leaves out an obsolete entry without a translation: there is nothing to keep.
_KEPT = _MESSAGES.map(lambda m: m if m.msgstr or not m.obsolete else replace(
    m, msgstr="x", msgstr_plural=("x", *m.msgstr_plural[1:]) if m.msgstr_plural else ()))
# gettext drops a fuzzy mark from an entry without a translation: it means nothing there.
_KEPT = _KEPT.map(lambda m: m if m.msgstr else replace(m, flags=tuple(f for f in m.flags if f != "fuzzy")))
# A previous msgctxt comes with a previous msgid in gettext's syntax.
_KEPT = _KEPT.map(lambda m: replace(m, previous_msgctxt=None) if m.previous_msgid is None else m)
_CATALOGS = st.builds(
    Catalog,
    header=st.lists(
        st.tuples(st.sampled_from(["Language", "X-B10", "X-b9", "X-A", "Plural-Forms", "x-a2", "X-Generator"]),
                  st.text(st.sampled_from("ab :;=-\\\"é中 "), max_size=70).map(str.strip)),  # values are trimmed
        max_size=5, unique_by=lambda field: field[0],
    ).map(lambda fields: (("Content-Type", "text/plain; charset=UTF-8"), *fields)),
    messages=st.lists(_KEPT, min_size=1, max_size=6, unique_by=lambda m: m.key).map(tuple),  # msgcat writes
    # nothing for a catalog without entries
    header_comment=_LINE,
    header_flags=st.sampled_from([(), ("fuzzy",)]),
)


UTF8 = (("Content-Type", "text/plain; charset=UTF-8"),)


def msgcat(text: str) -> str:
    """The catalog *text* as GNU msgcat writes it."""
    result = subprocess.run(["msgcat", "-"], input=text, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout


def _read(text: str) -> Catalog | str:
    try:
        return read_po(text, "x.po")
    except CatalogError as exc:
        return str(exc)


def _without_lines(catalog: Catalog) -> Catalog:
    """*catalog* without what says where it was read, obsolete entries last as written."""
    messages = [replace(m, line=0) for m in catalog.messages]
    return replace(catalog, messages=tuple([m for m in messages if not m.obsolete] + [m for m in messages if m.obsolete]))


@PO_SETTINGS
@given(_CATALOGS)
def test_msgcat_changes_nothing_in_what_write_po_writes(catalog: Catalog) -> None:
    text = write_po(catalog)
    assert msgcat(text) == text


@PO_SETTINGS
@given(_CATALOGS)
def test_read_po_reads_back_everything_write_po_writes(catalog: Catalog) -> None:
    again = read_po(write_po(catalog), "x.po")
    assert _without_lines(again) == _without_lines(catalog)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("x" * 71, 'msgid "' + "x" * 71 + '"'),
     ("x" * 40 + " " + "y" * 31, 'msgid ""\n"' + "x" * 40 + " " + "y" * 31 + '"'),
     ("x" * 90, 'msgid "' + "x" * 90 + '"'),
     ("word " * 20, 'msgid ""\n"' + "word " * 15 + '"\n"' + ("word " * 5) + '"'),
     ("a\nb", 'msgid ""\n"a\\n"\n"b"'),
     ("a\n", 'msgid "a\\n"'),
     ("中" * 36, 'msgid ""\n"' + "中" * 36 + '"'),
     ("中" * 35, 'msgid "' + "中" * 35 + '"'),
     ("Phone: 39-011-541950 " * 4, 'msgid ""\n"' + "Phone: 39-011-541950 " * 3 + 'Phone: "\n"39-011-541950 "')],
    ids=["fits", "one-too-long", "one-word-stays-whole", "space-ends-the-line", "split-after-newline", "final-newline",
         "wide-too-long", "wide-fits", "numbers-stay-whole"],
)
def test_strings_wrap_as_gettext_wraps_them(text: str, expected: str) -> None:
    written = write_po(Catalog(header=UTF8, messages=(Message(text),)))
    assert f"\n{expected}\nmsgstr \"\"\n" in written
    assert msgcat(written) == written


def test_no_wrap_flag_keeps_lines_whole() -> None:
    long = "word " * 30
    written = write_po(Catalog(header=UTF8, messages=(Message(long, "слово " * 30, flags=("no-wrap",)),)))
    assert f'msgid "{long}"\n' in written
    assert msgcat(written) == written


@pytest.mark.parametrize("flag", ["c-format", "python-format"])
def test_no_line_breaks_inside_format_directives(flag: str) -> None:
    text = "word " * 14 + "a 50% done and more words"  # "% d" is a directive
    formatted = write_po(Catalog(header=UTF8, messages=(Message("x", text, flags=(flag,)),)))
    plain = write_po(Catalog(header=UTF8, messages=(Message("x", text),)))
    assert '50% "\n"done' in plain and '50% "\n"done' not in formatted
    assert msgcat(formatted) == formatted and msgcat(plain) == plain


@pytest.mark.parametrize(
    ("flag", "conversion", "breaks"),
    [("c-format", "a", False), ("c-format", "v", True), ("c-format", "ql", False), ("python-format", "r", False),
     ("python-format", "a", True)],
    ids=["c-hex-float", "c-unknown", "c-size-modifiers-then-o", "python-repr", "python-ascii-unknown-to-gettext"],
)
def test_only_the_directives_gettext_knows_keep_a_line_whole(flag: str, conversion: str, breaks: bool) -> None:
    """What gettext takes for a directive ("% a" is one in C, not in its Python) is never
    broken; a break may fall inside anything else, as msgcat puts it."""
    text = f"10% {conversion}" + "long" * 20
    written = write_po(Catalog(header=UTF8, messages=(Message(text, flags=(flag,)),)))
    assert ('"10% "\n' in written) is breaks
    assert msgcat(written) == written


def test_long_comments_stay_on_one_line_and_read_back_whole() -> None:
    provenance = "machine translation: argos translate-ru_en 1.9 + argos translate-en_zh 1.9 via en score=-0.42 mt=3f2a9c1b0d"
    catalog = Catalog(messages=(Message("Суд", "法院", auto_comments=("body > p[1]", provenance),
                                        translator_comments=(("a long note " * 10).strip(),)),))
    text = write_po(catalog)
    assert f"#. {provenance}\n" in text
    message = read_po(text, "x.po").messages[0]
    assert message.auto_comments == ("body > p[1]", provenance)
    assert message.translator_comments == (("a long note " * 10).strip(),)


@pytest.mark.parametrize(
    "provenance",
    ["machine translation: argos translate-ru_en 1.9 + argos translate-en_zh 1.9 via en score=-0.42 mt=3f2a9c1b0d",
     "machine translation: opus-mt-en-ru-with-a-very-long-hyphenated-model-name-that-polib-breaks mt=0123456789",
     "memory: 100% match in translations/an-older-memory-file-with-a-long-name.tmx from the 2025 edition"],
    ids=["spaces", "hyphens", "memory"],
)
def test_tool_comments_wrapped_by_polib_read_back_whole(provenance: str, tmp_path: Path) -> None:
    catalog = Catalog(messages=(Message("Суд", "法院", flags=("fuzzy",),
                                        auto_comments=("body > p[1]", provenance, "check: a finding")),))
    path = tmp_path / "x.po"
    path.write_text(write_po(catalog), encoding="utf-8")
    po = polib.pofile(str(path), wrapwidth=79)
    po.save()
    saved = path.read_text(encoding="utf-8")
    assert saved.count("#. ") > 3  # polib wrapped the long comment
    message = read_po(saved, "x.po").messages[0]
    assert message.auto_comments == catalog.messages[0].auto_comments
    assert machine_hash(message) == machine_hash(catalog.messages[0])


@PO_SETTINGS
@given(_TEXT)
def test_escapes_read_back_as_written(text: str) -> None:
    assert unescape(escape(text)) == text


@pytest.mark.parametrize(
    ("written", "text"),
    [(r"\a\b\t\n\v\f\r\\\"", "\a\b\t\n\v\f\r\\\""), (r"\'\?", "'?"), (r"\101\x42\0", "AB\0"), (r"\q", r"\q")],
    ids=["written-by-gettext", "c-escapes", "octal-and-hex", "unknown-kept"],
)
def test_unescape_reads_what_gettext_reads(written: str, text: str) -> None:
    assert unescape(written) == text


# Every form the gettext tools, polib and the editors write; each read and written back as
# msgcat writes it.
READABLE = {
    "crlf": 'msgid ""\r\nmsgstr ""\r\n"Language: ru\\n"\r\n"Content-Type: text/plain; charset=UTF-8\\n"\r\n\r\n#. a\r\nmsgid "a"\r\nmsgstr "б"\r\n',
    "bom": '\ufeffmsgid ""\nmsgstr ""\n"Language: ru\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgid "a"\nmsgstr "б"\n',
    "no-final-newline": 'msgid ""\nmsgstr ""\n"Language: ru\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgid "a"\nmsgstr "б"',
    "previous-fields": ('msgid ""\nmsgstr ""\n"Language: ru\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n#, fuzzy\n#| msgctxt "old"\n#| msgid "first "\n'
                        '#| "second"\n#| msgid_plural "many"\nmsgctxt "ctx"\nmsgid "a"\nmsgid_plural "as"\n'
                        'msgstr[0] "б"\nmsgstr[1] "бб"\nmsgstr[2] "ббб"\n'),
    "obsolete": ('msgid ""\nmsgstr ""\n"Language: ru\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n# kept\n#, fuzzy\n#~| msgid "older"\n#~ msgctxt "c"\n'
                 '#~ msgid "b"\n#~ msgstr ""\n#~ "c"\n\n#~ msgid "p"\n#~ msgid_plural "ps"\n#~ msgstr[0] "x"\n'
                 '#~ msgstr[1] "y"\n'),
    "comments-of-every-kind": ('# Header\n#\n#, fuzzy\nmsgid ""\nmsgstr ""\n"Language: ru\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n"X-b10: 1\\n"\n\n'
                               '#\n##double\n#  two spaces\n#no space\n#.\n#. extracted\n#.again\n'
                               '#: a.html:3 b-c.html\n#: p:\u00b2 q\n#, fuzzy , c-format\nmsgid "a"\nmsgstr "b"\n'),
    "escapes": 'msgid ""\nmsgstr ""\n"Language: ru\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgid "a\\tb\\\\c\\"d\\ne"\nmsgstr ""\n"x\\a"\n',
    "strings-on-one-line": 'msgid ""\nmsgstr ""\n"Language: ru\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgid "a" "b"\nmsgstr  "c"\n  "d"\n',
}


@pytest.mark.parametrize("text", READABLE.values(), ids=READABLE.keys())
def test_read_po_reads_what_gettext_reads(text: str, tmp_path: Path) -> None:
    path = tmp_path / "x.po"
    path.write_bytes(text.removeprefix("\ufeff").encode("utf-8"))  # gettext itself refuses a BOM
    gnu = subprocess.run(["msgcat", str(path)], capture_output=True, text=True, check=True).stdout
    assert write_po(read_po(text, "x.po")) == gnu


@pytest.mark.parametrize(
    "flags",
    [("python-format", "fuzzy"), ("no-c-format", "x-reviewed", "fuzzy"), ("x-reviewed",), ("fuzzy", "range: 1..5")],
    ids=["format-first", "unknown-in-the-middle", "only-unknown", "range"],
)
def test_flags_in_any_order_are_kept_as_written(flags: tuple[str, ...]) -> None:
    text = f'msgid ""\nmsgstr ""\n"Language: ru\\n"\n\n#, {", ".join(flags)}\nmsgid "a %s"\nmsgstr "б %s"\n'
    (message,) = read_po(text, "x.po").messages
    assert message.flags == flags and message.fuzzy == ("fuzzy" in flags)
    assert read_po(write_po(read_po(text, "x.po")), "x.po").messages[0].flags == flags
    merged = update(read_po(text, "x.po"), template("a %s"), RU)
    assert merged.messages[0].flags == flags


def test_read_po_keeps_plural_forms_and_previous_fields() -> None:
    catalog = read_po(READABLE["previous-fields"], "x.po")
    (message,) = catalog.messages
    assert (message.msgid_plural, message.msgstr_plural, message.msgstr) == ("as", ("б", "бб", "ббб"), "б")
    assert (message.previous_msgctxt, message.previous_msgid, message.previous_msgid_plural) == (
        "old", "first second", "many")
    assert message.flags == ("fuzzy",) and message.state == "fuzzy"


def test_read_po_keeps_every_comment() -> None:
    catalog = read_po(READABLE["comments-of-every-kind"], "x.po")
    (message,) = catalog.messages
    assert message.translator_comments == ("", "#double", " two spaces", "no space")
    assert message.auto_comments == ("", "extracted", "again")
    assert message.references == (("a.html", 3), ("b-c.html", 0), ("p:\u00b2", 0), ("q", 0))  # 0: no line
    assert message.flags == ("fuzzy", "c-format")
    assert (catalog.header_comment, catalog.header_flags) == ("Header\n", ("fuzzy",))


# Lines of every kind, in any order: what gettext accepts, read_po must read as gettext does.
_SOUP_LINES = st.sampled_from([
    "", " ", "#", "# translator", "#. extracted", "#: a.html:3 b-c.html:x", "#: q r:7", "#, fuzzy",
    "#,fuzzy", "#, c-format, fuzzy", "#| msgid \"old\"", "#| \"more\"", "#| msgctxt \"x\"",
    "#~ msgid \"gone\"", "#~ msgstr \"weg\"", "#~| msgid \"x\"", "#~ \"cont\"", "#foo", "##",
    "msgid \"a\"", "msgid \"b c\"", "msgstr \"b\"", "msgctxt \"c\"", "msgid\t\"tab\"", "msgid_plural \"p\"",
    "msgstr[0] \"s\"", "msgstr[1] \"t\"", "\"continued\"", "\"escaped\\\"quote\"", "  \"indented\"",
    "msgstr \"\"", "\"" + "long words " * 9 + "\"",
])


@PO_SETTINGS
@given(st.lists(_SOUP_LINES, max_size=25), st.sampled_from(["\n", "\r\n"]))
def test_read_po_agrees_with_gettext_on_any_lines(lines: list[str], newline: str) -> None:
    # An entry after the header, so a stray string continues it rather than the header
    # (whose fields are read as fields: a text without a colon there is not one).
    text = newline.join(['msgid ""', 'msgstr ""', '"Content-Type: text/plain; charset=UTF-8\\n"', "",
                         'msgid "first"', 'msgstr "x"', "", *lines])
    # gettext keeps the carriage return of a CRLF comment line in the comment; read_po
    # reads CRLF lines as lines. The layout to compare with is that of the LF text.
    gnu = subprocess.run(["msgcat", "-"], input=text.replace("\r\n", "\n"), capture_output=True, text=True)
    if gnu.returncode != 0:
        assert isinstance(_read(text), str) or "duplicate" in gnu.stderr or "plural" in gnu.stderr
        return
    ours = _read(text)
    assert isinstance(ours, Catalog), ours
    if not ours.messages:
        assert gnu.stdout == ""  # msgcat writes nothing at all then
        return
    # gettext leaves out obsolete entries without a translation, and puts fuzzy first.
    kept = [replace(m, flags=tuple(sorted(m.flags, key=lambda flag: flag != "fuzzy")))
            for m in ours.messages if m.translated or not m.obsolete]
    assert write_po(replace(ours, messages=tuple(kept))) == gnu.stdout
