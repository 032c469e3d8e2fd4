"""Reading and writing pages: each page written back in the syntax it was written in."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

import pytest
from conftest import DATA, PAGES, MakeProject, fill_catalogs
from lxml import etree

from translate_flow import pipeline
from translate_flow.htmldoc import BROWSER_LABELS, XHTML_NAMESPACE, browser_encoding, parse_html, serialize
from translate_flow.pseudo import pseudolocalize

XHTML = DATA / "pages-xhtml"
XHTML_PAGES = sorted(p for p in XHTML.glob("*.html") if p.stem != "not-well-formed")
DOCTYPE = re.compile(r"<!doctype[^>]*>", re.IGNORECASE)
DECLARATION = re.compile(r"<\?xml[^>]*\?>")
NEW_VOIDS = ("source", "track", "embed", "wbr", "keygen")


def _round_trip(data: bytes, name: str = "page.html") -> str:
    page = parse_html(data, name)
    return serialize(page.tree, page)


def _built(make_project: MakeProject, page: Path, translate: object) -> bytes:
    config = make_project([page], targets=["ru"])
    assert not pipeline.extract(config).problems
    fill_catalogs([config.locales / "ru" / "LC_MESSAGES" / f"{page.stem}.po"], translate)  # type: ignore[arg-type]
    report = pipeline.build(config)
    assert not report.problems, report.problems
    return (config.build_dir / "ru" / f"{page.stem}.html").read_bytes()


def _source_text(page: Path) -> str:
    data = page.read_bytes()
    encoding = "iso-8859-1" if b'encoding="ISO-8859-1"' in data else "utf-8"
    return data.decode(encoding)


# --------------------------------------------------------------------------------------
# XHTML: read as XML, written as XML


@pytest.mark.parametrize("page", XHTML_PAGES, ids=lambda p: p.stem)
@pytest.mark.parametrize("translate", [lambda s: s, pseudolocalize], ids=["identity", "pseudo"])
def test_xhtml_pages_are_built_as_well_formed_xhtml(make_project: MakeProject, page: Path, translate: object) -> None:
    source = _source_text(page)
    built = _built(make_project, page, translate).decode("utf-8")
    root = etree.fromstring(built.encode("utf-8"))  # well-formed, or this raises
    assert root.nsmap.get(None) == XHTML_NAMESPACE
    assert root.tag == f"{{{XHTML_NAMESPACE}}}html"
    assert DOCTYPE.search(built).group(0) == DOCTYPE.search(source).group(0)  # type: ignore[union-attr]
    declaration = DECLARATION.match(source)
    if declaration:
        assert built.startswith(declaration.group(0).replace("ISO-8859-1", "UTF-8"))
    else:
        assert built.startswith("<!DOCTYPE")
    assert "<!--?xml" not in built
    body = root.find(f"{{{XHTML_NAMESPACE}}}body")
    source_body = parse_html(page.read_bytes(), page.name).tree.getroot().find("body")
    assert body is not None and source_body is not None
    assert [etree.QName(e).localname for e in body.iter() if isinstance(e.tag, str)] == \
        [etree.QName(e).localname for e in source_body.iter() if isinstance(e.tag, str)], "same elements"
    same_text = " ".join("".join(body.itertext()).split()) == " ".join("".join(source_body.itertext()).split())
    assert same_text is (translate is not pseudolocalize)
    if 'xml:lang="en"' in source:  # read as the XML attribute it is, so it is localized too
        assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "ru"
    for tag in ("br", "img", "col"):
        assert all(w.endswith("/>") for w in re.findall(rf"<{tag}\b[^>]*>", built)), "self-closed"
        assert f"</{tag}>" not in built
    for written in ("<br />", "<br/>"):  # in the page's own style
        assert (written in built) == (written in source) or page.stem == "xhtml10-transitional"


@pytest.mark.parametrize("page", XHTML_PAGES, ids=lambda p: p.stem)
def test_xhtml_round_trip_keeps_declaration_doctype_and_content_type(page: Path) -> None:
    parsed = parse_html(page.read_bytes(), page.name)
    assert parsed.syntax == "xhtml" and not parsed.warnings
    assert parsed.tree.getroot().tag == "html", "stages see plain tag names"
    written = serialize(parsed.tree, parsed)
    source = _source_text(page)
    head = source[: source.index("<html")]
    assert written.startswith(head.replace("ISO-8859-1", "UTF-8"))
    meta = re.search(r'<meta http-equiv="Content-Type"[^>]*>', source)
    if meta:
        assert meta.group(0) in written
    etree.fromstring(written.encode("utf-8"))


def test_xhtml_keeps_cdata_scripts_entities_and_foreign_namespaces() -> None:
    strict = _round_trip((XHTML / "xhtml10-strict.html").read_bytes())
    assert "//<![CDATA[\nif (document.images && 1 < 2)" in strict
    assert "Installing\u00a0the tools" in strict
    eleven = _round_trip((XHTML / "xhtml11.html").read_bytes())
    assert '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>' \
        in eleven
    assert "as it is\u2026 and" in eleven


@pytest.mark.parametrize(
    ("script", "written"),
    [
        pytest.param("<style>ul > li { margin: 0 }</style>", "<style>ul > li { margin: 0 }</style>", id="style"),
        pytest.param("<script>if (a > b) go();</script>", "<script>if (a > b) go();</script>", id="script"),
        pytest.param('<script>s = "]]&gt;";</script>', '<script>s = "]]&gt;";</script>', id="cdata-end"),
        pytest.param("<script><![CDATA[ s = '&gt;'; ]]></script>", "<script><![CDATA[ s = '&gt;'; ]]></script>",
                     id="in-cdata"),
    ],
)
def test_scripts_and_style_sheets_stay_readable_as_html(script: str, written: str) -> None:
    page = f'<?xml version="1.0"?>\n<html xmlns="{XHTML_NAMESPACE}"><head>{script}</head><body><p>a</p></body></html>'
    text = _round_trip(page.encode("utf-8"))
    assert written in text
    etree.fromstring(text.encode("utf-8"))


@pytest.mark.parametrize("page", ["xhtml10-strict", "xhtml11"])
def test_a_self_closed_anchor_means_the_same_to_both_parsers(page: str) -> None:
    written = _round_trip((XHTML / f"{page}.html").read_bytes())
    assert re.search(r'<a id="\w+"></a>', written) and not re.search(r"<a [^>]*/>", written)
    as_xml = etree.fromstring(written.encode("utf-8"))
    as_html = etree.fromstring(written.encode("utf-8"), etree.HTMLParser())
    for root, anchor in ((as_xml, f"{{{XHTML_NAMESPACE}}}a"), (as_html, "a")):
        for element in root.iter(anchor):
            if element.get("id"):
                assert element.text is None and len(element) == 0, "the anchor holds nothing"


@pytest.mark.parametrize(
    ("source", "wanted"),
    [
        pytest.param('<br/><img src="a"/>', '<br/><img src="a"/>', id="no-space"),
        pytest.param('<br /><img src="a" />', '<br /><img src="a" />', id="space"),
        pytest.param("<br></br><hr></hr>", "<br /><hr />", id="end-tags"),  # as XHTML 1.0 appendix C asks
        pytest.param('<p></p><div class="x"/><script src="s"/>',
                     '<p></p><div class="x"></div><script src="s"></script>', id="not-void"),
    ],
)
def test_xhtml_empty_elements(source: str, wanted: str) -> None:
    page = f'<?xml version="1.0"?>\n<html xmlns="{XHTML_NAMESPACE}"><body>{source}</body></html>'
    assert wanted in _round_trip(page.encode("utf-8"))


@pytest.mark.parametrize(
    "marker",
    [
        pytest.param('<?xml version="1.0" encoding="UTF-8"?>\n<html>', id="declaration"),
        pytest.param('<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.1//EN" '
                     '"http://www.w3.org/TR/xhtml11/DTD/xhtml11.dtd">\n<html>', id="doctype"),
        pytest.param('<html><head><meta http-equiv="Content-Type" '
                     'content="application/xhtml+xml; charset=UTF-8" /></head>', id="media-type"),
    ],
)
def test_what_makes_a_page_xhtml(marker: str) -> None:
    data = f"{marker}<body><p>Text<br/>more</p></body></html>".encode()
    assert parse_html(data, "page.html").syntax == "xhtml"
    assert parse_html(data.replace(b"xhtml", b"html").replace(b"XHTML", b"HTML").replace(b"<?xml", b"<!--")
                      .replace(b"?>", b"-->"), "page.html").syntax == "html"


def test_an_xhtml_page_that_is_not_well_formed_is_written_as_html() -> None:
    page = parse_html((XHTML / "not-well-formed.html").read_bytes(), "not-well-formed.html")
    assert page.syntax == "html"
    assert len(page.warnings) == 1 and "not well-formed XML" in page.warnings[0]
    written = serialize(page.tree, page)
    assert written.startswith('<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN"')
    assert "<?xml" not in written and "<!--?xml" not in written
    assert '<img src="a.png" alt="An image">' in written


def test_extract_and_build_say_when_an_xhtml_page_is_written_as_html(make_project: MakeProject) -> None:
    page = XHTML / "not-well-formed.html"
    config = make_project([page], targets=["ru"])
    extracted = pipeline.extract(config)
    assert any("not well-formed XML" in w for w in extracted.warnings)
    built = pipeline.build(config)
    assert any("not well-formed XML" in w for w in built.warnings)
    written = (config.build_dir / "ru" / "not-well-formed.html").read_text(encoding="utf-8")
    assert written.startswith("<!DOCTYPE html PUBLIC") and "?xml" not in written


@pytest.mark.parametrize(
    "entity",
    [
        pytest.param('<!DOCTYPE html [<!ENTITY secret SYSTEM "file:///etc/passwd">]>', id="external"),
        pytest.param('<!DOCTYPE html [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>', id="expansion"),
    ],
)
def test_no_entity_of_a_page_is_expanded(entity: str) -> None:
    name = "secret" if "secret" in entity else "b"
    data = f'<?xml version="1.0"?>\n{entity}\n<html xmlns="{XHTML_NAMESPACE}"><body><p>&{name};</p></body></html>'
    written = _round_trip(data.encode("utf-8"))
    assert "root:" not in written and "aaaaaaaaaaaa" not in written.replace(entity, "")


def test_an_unknown_entity_falls_back_to_html() -> None:
    data = f'<?xml version="1.0"?>\n<html xmlns="{XHTML_NAMESPACE}"><body><p>&nosuch; ok</p></body></html>'
    page = parse_html(data.encode("utf-8"), "page.html")
    assert page.syntax == "html" and "not well-formed XML" in page.warnings[0]


# --------------------------------------------------------------------------------------
# HTML: HTML5 serialization, the doctype as written


def test_html5_void_elements_get_no_end_tags(make_project: MakeProject) -> None:
    page = PAGES / "html5-voids.html"
    built = _built(make_project, page, pseudolocalize).decode("utf-8")
    for tag in NEW_VOIDS:
        assert f"</{tag}>" not in built.replace('"<video><source src=x></source></video>"', "") \
            .replace("<!-- </source> in a comment stays as it is -->", "")
    assert 'var template = "<video><source src=x></source></video>";' in built
    assert "<!-- </source> in a comment stays as it is -->" in built
    assert '<source src="talk.webm" type="video/webm"><source src="talk.mp4" type="video/mp4"><track kind=' in built
    assert built.startswith("<!doctype html>\n")


@pytest.mark.parametrize(
    "doctype",
    [
        pytest.param("<!doctype html>", id="lower-case"),
        pytest.param("<!DOCTYPE html>", id="html5"),
        pytest.param('<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN" "http://www.w3.org/TR/html4/strict.dtd">',
                     id="html4"),
        pytest.param('<!DOCTYPE html SYSTEM "about:legacy-compat">', id="legacy-compat"),
        pytest.param("", id="none"),
    ],
)
def test_the_doctype_is_written_as_it_was(doctype: str) -> None:
    written = _round_trip(f"{doctype}\n<html><body><p>Text</p></body></html>".encode())
    assert written.startswith(f"{doctype}\n<html>" if doctype else "<html>")


@pytest.mark.parametrize("tag", NEW_VOIDS)
def test_each_new_void_element_is_written_without_end_tag(tag: str) -> None:
    written = _round_trip(f"<!DOCTYPE html><html><body><p>a<{tag} id=v>b</p></body></html>".encode())
    assert f'<p>a<{tag} id="v">b</p>' in written


def test_attribute_order_is_kept() -> None:
    written = _round_trip(b'<!DOCTYPE html><p><a title="t" href="h" class="c" id="i">x</a></p>')
    assert '<a title="t" href="h" class="c" id="i">x</a>' in written


def test_serialize_without_a_page_writes_html() -> None:
    page = parse_html(b"<p>Text<wbr>more</p>", "page.html")
    assert serialize(page.tree, doctype=False) == "<html><body><p>Text<wbr>more</p></body></html>\n"


@pytest.mark.parametrize(
    ("attributes", "written"),
    [
        pytest.param('href="a b.html"', 'href="a b.html"', id="space-in-href"),
        pytest.param('href=" /lead"', 'href=" /lead"', id="leading-space"),
        pytest.param('href="/caf\u00e9?q=\u00fc&amp;x=1"', 'href="/caf\u00e9?q=\u00fc&amp;x=1"', id="non-ascii"),
        pytest.param('title="t" src="x y.png" alt="a"', 'title="t" src="x y.png" alt="a"', id="order-kept"),
        pytest.param('src="a&quot;b c"', "src='a\"b c'", id="quote-as-the-writer-writes-it"),
        pytest.param('href="%20done"', 'href="%20done"', id="already-escaped"),
    ],
)
def test_url_attributes_are_written_as_they_were(attributes: str, written: str) -> None:
    text = _round_trip(f"<!DOCTYPE html><p><img {attributes}></p>".encode())
    assert f"<img {written}>" in text


@pytest.mark.parametrize(
    ("source", "written"),
    [
        pytest.param('<form action="send it.php"></form>', '<form action="send it.php"></form>', id="form-action"),
        pytest.param('<a name="part one">x</a>', '<a name="part one">x</a>', id="anchor-name"),
        pytest.param('<option selected>a</option>', "<option selected>a</option>", id="bare-boolean"),
        pytest.param('<option selected="selected">a</option>', "<option selected>a</option>", id="same-meaning"),
        pytest.param('<option selected="">a</option>', '<option selected="">a</option>', id="empty-boolean"),
        pytest.param('<input disabled="false" checked="">', '<input disabled="false" checked="">', id="other-values"),
        pytest.param('<p data-x="a b" id="\u00e9">t</p>', '<p data-x="a b" id="\u00e9">t</p>', id="untouched"),
    ],
)
def test_url_and_boolean_attributes_keep_their_values(source: str, written: str) -> None:
    page = parse_html(f"<!DOCTYPE html><body>{source}</body>".encode(), "page.html")
    before = [element.items() for element in page.tree.getroot().iter()]
    assert written in serialize(page.tree, page)
    assert [element.items() for element in page.tree.getroot().iter()] == before, "the tree is as it was"


def test_a_page_holding_the_token_shape_is_written_as_it_was() -> None:
    source = '<!DOCTYPE html><p title="tfkept0123456789abn0x"><a href="a b">tfkept0n0x</a></p>'
    assert '<p title="tfkept0123456789abn0x"><a href="a b">tfkept0n0x</a></p>' in _round_trip(source.encode())


# --------------------------------------------------------------------------------------
# Charsets: a label means what it means to browsers (the WHATWG Encoding Standard)


@pytest.mark.parametrize(
    ("label", "codec"),
    [
        pytest.param("gb2312", "gb18030", id="gb2312-is-gbk"),
        pytest.param("GBK", "gb18030", id="gbk"),
        pytest.param("x-gbk", "gb18030", id="x-gbk"),
        pytest.param("iso-8859-1", "cp1252", id="latin1-is-windows-1252"),
        pytest.param("us-ascii", "cp1252", id="ascii-is-windows-1252"),
        pytest.param("iso-8859-9", "cp1254", id="latin5-is-windows-1254"),
        pytest.param("tis-620", "cp874", id="tis-620-is-windows-874"),
        pytest.param("big5", "big5hkscs", id="big5-is-big5-hkscs"),
        pytest.param("shift_jis", "cp932", id="shift-jis-is-windows-31j"),
        pytest.param("x-sjis", "cp932", id="x-sjis"),
        pytest.param("euc-kr", "cp949", id="euc-kr-is-windows-949"),
        pytest.param("utf-16", "utf-8", id="utf-16-without-bom"),
        pytest.param("unicode", "utf-8", id="unicode"),
        pytest.param(" Windows-1251 ", "cp1251", id="python-reads-it-alike"),
    ],
)
def test_a_charset_label_is_read_as_browsers_read_it(label: str, codec: str) -> None:
    assert browser_encoding(label) == codec


@pytest.mark.parametrize(
    ("label", "text"),
    [
        pytest.param("gb2312", "\u9555\u4e2d\u6587", id="gbk-only-character"),  # 镕 is GBK, not GB 2312
        pytest.param("iso-8859-1", "\u20ac\u2019 caf\u00e9", id="windows-1252-in-latin1"),
        pytest.param("shift_jis", "\u2460\u65e5\u672c", id="windows-31j-in-shift-jis"),  # ① is Microsoft's
        pytest.param("euc-kr", "\ud55c\uad6d\ub611", id="windows-949-in-euc-kr"),
    ],
)
def test_a_page_is_decoded_as_browsers_decode_it(label: str, text: str) -> None:
    data = f"<meta charset={label}><p>{text}</p>".encode(browser_encoding(label))
    page = parse_html(data, "page.html")
    assert page.tree.getroot().findtext(".//p") == text and not page.warnings


def test_bytes_a_windows_code_page_leaves_undefined_are_c1_controls() -> None:
    page = parse_html(b"<meta charset=windows-1252><p>a\x81b\x9dc\x80</p>", "page.html")
    assert page.tree.getroot().findtext(".//p") == "a\x81b\x9dc\u20ac"


def test_a_utf8_page_with_an_old_label_is_read_as_utf8_with_a_warning() -> None:
    data = '<meta charset="gb2312"><p>\u8c37\u6b4c\u65b0\u95fb</p>'.encode()
    page = parse_html(data, "page.html")
    assert page.tree.getroot().findtext(".//p") == "\u8c37\u6b4c\u65b0\u95fb"
    assert page.encoding == "utf-8"
    assert page.warnings == (
        "page.html: declared charset 'gb2312' does not fit its bytes, which are UTF-8; "
        "read as UTF-8 (fix its <meta charset> declaration to silence this)",
    )


def test_browser_labels_name_codecs_python_has() -> None:
    for codec, labels in BROWSER_LABELS:
        assert codecs.lookup(codec) and labels
        assert all(label == label.lower().strip() for label in labels)


@pytest.mark.parametrize(
    ("written", "text"),
    [
        ("&#1;", "ab"), ("&#0001;", "ab"), ("&#8", "ab"), ("&#11;", "ab"), ("&#12;", "a b"),
        ("&#31;", "ab"), ("&#x1;", "ab"), ("&#X0B;", "ab"), ("&#x1f;", "ab"), ("&#xFFFE;", "ab"),
        ("&#65535;", "ab"), ("\x07", "ab"), ("\ufffe", "ab"),
    ],
    ids=["dec", "dec-zeros", "dec-no-semicolon", "dec-vt", "dec-form-feed", "dec-31", "hex", "hex-upper",
         "hex-1f", "hex-fffe", "dec-ffff", "raw-bell", "raw-fffe"],
)
def test_control_characters_in_any_spelling_are_removed(written: str, text: str) -> None:
    page = parse_html(f"<html><body><p>a{written}b</p></body></html>".encode(), "p.html")
    assert page.tree.findtext(".//p") == text
    assert any("control character" in w for w in page.warnings)


@pytest.mark.parametrize(
    "written", ["&#9;", "&#10;", "&#13;", "&#32;", "&#x20;", "&#110;", "&#x1F600;", "&#127;"],
    ids=["tab", "line-feed", "return", "space", "hex-space", "dec-n", "emoji", "delete"],
)
def test_characters_html_can_hold_are_kept_without_a_warning(written: str) -> None:
    page = parse_html(f"<html><body><p>a{written}b</p></body></html>".encode(), "p.html")
    assert not any("control character" in w for w in page.warnings)
