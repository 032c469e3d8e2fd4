"""A catalog can never inject markup: hostile msgstr values come out as text or not at all.

Each case puts one hostile translation into the Russian catalog of a small article, builds
the page through the command line and parses the result with lxml. Whatever the msgstr
says, the built page has no element, attribute, ``<script>`` or ``javascript:`` URL that the
source page did not have. Translations whose numbered tags differ from the source's are
rejected: the source text is used, and the report names the catalog and the entry's line.
"""

from __future__ import annotations

import copy

import html
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import polib
import pytest
from conftest import DATA, MakeProject, fill_catalogs
from lxml import etree

from translate_flow import markup
from translate_flow.cli import main
from translate_flow.config import Config

ARTICLE = DATA / "security" / "article.html"
CATALOG = "locales/ru/LC_MESSAGES/article.po"

PLAIN = "The judge read the verdict in a small room."
LINKED = "On Monday <a1>the court</a1> fined <strong2>Nurlan Sadykov</strong2>."
ALT = "The court building in Almaty"
TITLE_ATTRIBUTE = "Almaty court"
DESCRIPTION = "An activist was fined in Almaty."
TITLE = "Court fines activist | Steppe Rights Monitor"

# Where each msgid shows up in the built page.
TEXT_OF = {PLAIN: ".//article/p[1]", LINKED: ".//article/p[2]", TITLE: ".//head/title"}
ATTRIBUTE_OF = {
    ALT: (".//img", "alt"),
    TITLE_ATTRIBUTE: (".//img", "title"),
    DESCRIPTION: (".//meta[@name='description']", "content"),
}


@dataclass(frozen=True)
class Case:
    msgid: str
    msgstr: str
    rejected: bool = False


ACCEPTED = {
    "script-in-text": Case(PLAIN, "Судья <script>alert(1)</script> огласил приговор."),
    "img-onerror": Case(PLAIN, "<img src=x onerror=alert(1)>Судья огласил приговор."),
    "close-and-reopen-p": Case(PLAIN, 'Судья огласил.</p><p onclick="alert(1)">Приговор.'),
    "escaped-markup": Case(PLAIN, "&lt;b&gt;Судья&lt;/b&gt; огласил приговор."),
    "tag-lookalike-with-attributes": Case(
        LINKED, 'В понедельник <a1>суд</a1> оштрафовал <strong2>Нурлана</strong2> <a1 href="javascript:alert(1)">.'
    ),
    "alt-breaks-out": Case(ALT, '"><script>alert(1)</script>'),
    "title-attribute-breaks-out": Case(TITLE_ATTRIBUTE, "' onmouseover='alert(1)' x=\""),
    "meta-description-breaks-out": Case(DESCRIPTION, '"><script>alert(1)</script><meta http-equiv="refresh" content="0;url=javascript:alert(1)">'),
    "title-element-breaks-out": Case(TITLE, "</title><script>alert(1)</script>"),
    # Character references stand for characters, and characters are text.
    "references-spell-script": Case(PLAIN, "&lt;script&gt;alert(1)&lt;/script&gt; Судья огласил приговор."),
    "numeric-references-spell-img": Case(PLAIN, "&#60;img src=x onerror=alert(1)&#x3E;Судья огласил приговор."),
    "reference-spells-numbered-tag": Case(
        LINKED, "В понедельник <a1>суд</a1> оштрафовал <strong2>Нурлана</strong2> &lt;a1&gt;."
    ),
    "references-in-attribute": Case(ALT, "&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"),
    "references-page-cannot-hold": Case(PLAIN, "Судья&#12;огласил &#0;приговор&#xFFFF;."),
}

REJECTED = {
    "javascript-href-on-tag": Case(
        LINKED, 'В понедельник <a1 href="javascript:alert(1)">суд</a1> оштрафовал <strong2>Нурлана</strong2>.', True
    ),
    "onclick-on-tag": Case(
        LINKED, "В понедельник <a1 onclick=alert(1)>суд</a1> оштрафовал <strong2>Нурлана</strong2>.", True
    ),
    "swapped-close-open": Case(LINKED, "В понедельник </a1>суд<a1> оштрафовал <strong2>Нурлана</strong2>.", True),
    "missing-tag": Case(LINKED, "В понедельник суд оштрафовал <strong2>Нурлана</strong2>.", True),
    "extra-unknown-tag": Case(
        LINKED, "В понедельник <a1>суд</a1> оштрафовал <strong2>Нурлана</strong2> <b9>навсегда</b9>.", True
    ),
    "duplicated-tag": Case(
        LINKED, "<a1>Суд</a1> в понедельник <a1>суд</a1> оштрафовал <strong2>Нурлана</strong2>.", True
    ),
    "crossed-tags": Case(LINKED, "В понедельник <a1>суд <strong2>оштрафовал</a1> Нурлана</strong2>.", True),
    "numbered-tag-in-plain-text": Case(PLAIN, "Судья <a1>огласил</a1> приговор.", True),
    "numbered-tag-in-attribute": Case(ALT, "<img1/> Здание суда", True),
}


@dataclass(frozen=True)
class Built:
    code: int
    err: str
    source: etree._Element
    page: etree._Element
    text: str  # the built page as serialized
    line: int  # where the hostile entry sits in the catalog


def _parse(path: Path) -> etree._Element:
    root = etree.fromstring(path.read_bytes(), etree.HTMLParser(encoding="utf-8"))
    assert root is not None
    return root


def _one(root: etree._Element, path: str) -> etree._Element:
    found = root.findall(path)
    assert len(found) == 1, f"{path} finds {len(found)} elements"
    return found[0]


def _text(element: etree._Element) -> str:
    return "".join(str(piece) for piece in element.itertext())


def _build_with(case: Case, config: Config, monkeypatch: pytest.MonkeyPatch,
                capsys: pytest.CaptureFixture[str]) -> Built:
    monkeypatch.chdir(config.root)
    assert main(["extract", "--lang", "ru"]) == 0
    path = config.root / CATALOG
    fill_catalogs([path], lambda msgid: msgid)
    po = polib.pofile(str(path))
    entry = po.find(case.msgid)
    assert entry is not None, f"no entry {case.msgid!r}"
    entry.msgstr = case.msgstr
    po.save()
    saved = polib.pofile(str(path)).find(case.msgid)
    assert saved is not None and saved.msgstr == case.msgstr
    capsys.readouterr()
    code = main(["build", "--lang", "ru"])
    err = capsys.readouterr().err
    out = config.root / "build" / "ru" / "article.html"
    return Built(code, err, _parse(ARTICLE), _parse(out), out.read_text(encoding="utf-8"), saved.linenum or 0)


@pytest.fixture
def project(make_project: MakeProject) -> Config:
    return make_project([ARTICLE], targets=("ru",))


def _elements(root: etree._Element) -> list[etree._Element]:
    return [el for el in root.iter() if isinstance(el.tag, str)]


LANGUAGE_MARKS = frozenset({"lang", "dir"})


def _unmarked(element: etree._Element) -> str:
    """*element* as HTML, without the language marks localization adds."""
    copied = copy.deepcopy(element)
    for node in copied.iter():
        for name in LANGUAGE_MARKS:
            node.attrib.pop(name, None)
    return etree.tostring(copied, method="html", encoding="unicode")


def _shape(root: etree._Element) -> Counter[tuple[str, str]]:
    """Each element, and each of its attribute names, counted; alternate links aside."""
    shape: Counter[tuple[str, str]] = Counter()
    for element in _elements(root):
        if element.tag == "link" and "alternate" in (element.get("rel") or ""):
            continue
        shape[(str(element.tag), "")] += 1
        for name in element.attrib:
            if name not in LANGUAGE_MARKS:  # text kept in the source language says so
                shape[(str(element.tag), str(name))] += 1
    return shape


def _javascript_urls(root: etree._Element) -> Counter[str]:
    return Counter(
        str(value) for element in _elements(root) for value in element.attrib.values()
        if str(value).strip().lower().startswith("javascript:")
    )


def _assert_nothing_injected(built: Built) -> None:
    source, page = built.source, built.page
    assert {el.tag for el in _elements(page)} <= {el.tag for el in _elements(source)}
    assert {name for el in _elements(page) for name in el.attrib} <= {
        name for el in _elements(source) for name in el.attrib
    }
    assert _shape(page) == _shape(source)
    scripts = page.findall(".//script")
    assert len(scripts) == len(source.findall(".//script")) == 1
    assert scripts[0].text == "window.analytics = [];"
    assert _javascript_urls(page) == _javascript_urls(source) == Counter({"javascript:void(0)": 1})
    assert not any(str(name).lower().startswith("on") for el in _elements(page) for name in el.attrib)


@pytest.mark.parametrize("case", list(ACCEPTED.values()), ids=list(ACCEPTED))
def test_hostile_translation_becomes_text(
    case: Case, project: Config, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    built = _build_with(case, project, monkeypatch, capsys)
    assert (built.code, built.err) == (0, "")
    _assert_nothing_injected(built)
    shown = markup.unescape_text(case.msgstr)
    if case.msgid in ATTRIBUTE_OF:
        where, attribute = ATTRIBUTE_OF[case.msgid]
        element = _one(built.page, where)
        assert element.get(attribute) == shown
        escaped = html.escape(shown, quote=False)
        assert escaped in built.text or escaped.replace('"', "&quot;") in built.text
    else:
        element = _one(built.page, TEXT_OF[case.msgid])
        # Numbered tags became the source's elements; the text between them is shown.
        events = markup.scan(case.msgstr, markup.tag_kinds(case.msgid))
        visible = "".join(value for kind, value in events if kind == "text")
        assert _text(element) == visible
        for node in element.iter():
            for piece in (node.text, node.tail if node is not element else None):
                if piece:
                    assert html.escape(piece, quote=False) in built.text
    assert built.text.count("<script") == 1, "only the source's own script"
    assert "&lt;script&gt;" in built.text or "<script" not in case.msgstr


@pytest.mark.parametrize(
    ("msgstr", "serialized"),
    [
        ("&lt;ok&gt; &amp; &nbsp;Судья.", ("&lt;ok&gt; &amp; &nbsp;Судья.", "&lt;ok&gt; &amp; \u00a0Судья.")),
        ("Судья &#171;огласил&#187; &copy;", ("Судья «огласил» ©",)),
        ("&amp;lt;b&amp;gt;", ("&amp;lt;b&amp;gt;",)),
    ],
    ids=["the-issue", "numeric-and-named", "escaped-reference"],
)
def test_references_in_a_msgstr_are_shown_as_their_characters(
    msgstr: str, serialized: tuple[str, ...], project: Config, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    built = _build_with(Case(PLAIN, msgstr), project, monkeypatch, capsys)
    assert (built.code, built.err) == (0, "")
    paragraph = _one(built.page, TEXT_OF[PLAIN])
    assert len(paragraph) == 0 and _text(paragraph) == html.unescape(msgstr)
    assert any(f">{form}</p>" in built.text for form in serialized), built.text


@pytest.mark.parametrize("case", list(REJECTED.values()), ids=list(REJECTED))
def test_mismatched_tags_are_rejected(
    case: Case, project: Config, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    built = _build_with(case, project, monkeypatch, capsys)
    assert built.code == 1
    lines = [line for line in built.err.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in built.err
    assert lines[0].startswith(f"{CATALOG}:{built.line}: finding: ")
    assert "articles/article.html:" in lines[0]
    _assert_nothing_injected(built)
    # The source text is used in place of the rejected translation.
    if case.msgid in ATTRIBUTE_OF:
        where, attribute = ATTRIBUTE_OF[case.msgid]
        element = _one(built.page, where)
        assert element.get(attribute) == case.msgid
    else:
        element = _one(built.page, TEXT_OF[case.msgid])
        assert _text(element) == markup.TAG_RE.sub("", case.msgid)
        source_element = _one(built.source, TEXT_OF[case.msgid])
        assert element.get("lang") == "en", "the source text kept is marked as such"
        assert _unmarked(element) == _unmarked(source_element)
    assert not re.search("[а-яё]", built.text.lower()), "a piece of the rejected translation got in"
