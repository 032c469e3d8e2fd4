"""Reading and writing pages: charset detection, parsing as browsers do, each page written back
in its own syntax.

HTML pages are parsed by libxml2's HTML parser (the one bundled with lxml 6, libxml2 2.14,
whose tokenizer follows HTML5) and written with HTML5 serialization: no end tags for void
elements, the doctype exactly as written or none, attributes in their order. XHTML pages
(an XML declaration, an XHTML doctype or an ``application/xhtml+xml`` content type) are
parsed as XML and written back as XML after their declaration and doctype as written;
their elements leave the XHTML namespace while the stages work on them (``p``, not
``{http://www.w3.org/1999/xhtml}p``), the root keeping the ``xmlns`` declaration that
puts them back in it when written.

Why libxml2 and not a WHATWG tree builder, measured on the 49 real pages of the corpus
(6.1 M characters, CPU time, best of five): libxml2 2.14 parses them in 68 ms,
html5-parser 0.5 (gumbo) in 200 ms and html5lib 1.1 in 3,460 ms. html5-parser does not
install with pip alone: it compiles against the system libxml2 and refuses an lxml whose
bundled libxml2 differs, so lxml must be compiled from source too. The trees agree: on the
48 pages that decode, 45 have the same element skeleton as html5-parser's and html5lib's
and all have the same text; the three that differ hold a link inside a link, a stray
``</p>`` and a prefixed custom tag, which a browser reading the written page resolves as
it did the source. Where libxml2's tree builder is still HTML 4's, the written page can
differ from what a browser showed: text after misnested formatting (``<b><i></b>x</i>``)
loses the formatting browsers reopen for it; text in a table outside its cells stays there
(browsers move it before the table); ``<main>`` or ``<h2>`` inside ``<p>`` or ``<h1>``
stay inside. None of these occurs in the corpus. The HTML5 void elements libxml2 does not
know (``source``, ``track``, ``wbr``, ``embed``, ``keygen``) are put right after parsing.
Attribute values are written as they were: the URL attributes libxml2's writer would
percent-escape and the boolean attributes it would write without their value pass it
under token names.
"""

from __future__ import annotations

import codecs
import hashlib
import re
import secrets
from dataclasses import dataclass, replace
from html.entities import name2codepoint
from typing import Literal

from lxml import etree

from .errors import HtmlError

__all__ = ["BROWSER_LABELS", "XHTML_NAMESPACE", "Page", "Syntax", "browser_encoding", "parse_html", "serialize"]

Syntax = Literal["html", "xhtml"]
XHTML_NAMESPACE = "http://www.w3.org/1999/xhtml"

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# <meta charset=...> or <meta http-equiv="Content-Type" content="...; charset=...">, in the
# first bytes of the page as the HTML standard's prescan does.
_META_CHARSET = re.compile(rb"<meta[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9._:-]+)", re.IGNORECASE)
_PRESCAN_BYTES = 4096
# What comes before the root element that a tree does not hold as written: the XML
# declaration and the doctype (comments around them are kept in the tree).
_HEAD_MATTER = re.compile(
    r"\ufeff?\s*(?P<declaration><\?xml\s[^>]*?\?>)?\s*(?:<!--.*?-->\s*)*"
    r"(?P<doctype><!doctype\s[^>\[]*(?:\[[^\]]*\]\s*)?>)?\s*",
    re.IGNORECASE | re.DOTALL,
)
_XHTML_MEDIA_TYPE = re.compile(r"<meta\b[^>]*?application/xhtml\+xml", re.IGNORECASE)
_DECLARED_ENCODING = re.compile(r"""(\bencoding\s*=\s*["'])(?P<name>[^"']*)(["'])""")
_XHTML_PREFIX = "{%s}" % XHTML_NAMESPACE
# Named references outside comments and CDATA sections; the XHTML DTDs declare HTML 4's.
_XHTML_ENTITY = re.compile(r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|&(?P<entity>[A-Za-z][A-Za-z0-9]*);", re.DOTALL)
_XML_ENTITIES = frozenset({"amp", "lt", "gt", "quot", "apos"})
# No DTD, no network, no entity expansion: a page is data, never a pointer to more data.
_XML_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, strip_cdata=False,
    remove_comments=False, remove_pis=False,
)
_ADDED_DOCTYPE = re.compile(r"^<!DOCTYPE[^>]*>\n?")
_LOOKS_LIKE_HTML = re.compile(r"<\s*(?:!doctype|html|head|body|[a-z][a-z0-9-]*[\s/>])", re.I)
FALLBACK_ENCODING = "windows-1252"
# Characters XML (and so lxml) cannot hold; NUL is refused earlier as binary data.
_CONTROL = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# A numeric character reference to such a character (decimal or hexadecimal, leading
# zeros, with or without its semicolon). Searched apart from the characters themselves:
# a pattern that starts with a literal is found many times faster.
_CONTROL_REFERENCE = re.compile(
    r"&#(?:0*(?:[1-8]|1[124-9]|2[0-9]|3[01]|6553[45])(?![0-9])"
    r"|[xX]0*(?:[1-8bcefBCEF]|1[0-9a-fA-F]|[fF]{3}[eEfF])(?![0-9a-fA-F]))"
)
# HTML5 void elements. libxml2's parser predates some of them (source, track, wbr, embed,
# keygen) and nests the content that follows inside them; parse_html undoes that.
VOID_ELEMENTS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link", "meta",
     "param", "source", "track", "wbr"}
)
# libxml2's HTML serializer writes end tags for the void elements HTML 4 did not have;
# they are dropped from its output, except in raw text and comments where they are text.
_NEW_VOID_ELEMENTS = ("source", "track", "embed", "wbr", "keygen")
_VOID_END_TAG = re.compile(r"</(?:source|track|embed|wbr|keygen)>")
_HTML_VOID_END = re.compile(
    r"<(?P<raw>script|style)\b[^>]*>.*?</(?P=raw)>|<!--.*?-->|(?P<end></(?:source|track|embed|wbr|keygen)>)",
    re.IGNORECASE | re.DOTALL,
)
# What libxml2's HTML writer rewrites: a URL attribute holding a character outside printable
# ASCII (percent-escaped), a boolean attribute with a value other than its name (written
# without it; the parser gives a bare one its name as value, so that one is written bare).
_URL_ATTRIBUTES = frozenset({"href", "src", "action"})  # and "name" on <a>
_BOOLEAN_ATTRIBUTES = frozenset(
    {"checked", "compact", "declare", "defer", "disabled", "ismap", "multiple", "nohref",
     "noresize", "noshade", "nowrap", "readonly", "selected"}
)
_REWRITTEN_NAMES = _URL_ATTRIBUTES | _BOOLEAN_ATTRIBUTES | {"name"}
_URL_ESCAPED = re.compile(r"[^\x21-\x7e]")
# Scripts and style sheets of an XHTML page served as text/html are read as raw text, so a
# ">" escaped there would break them; outside CDATA sections and comments it is written raw.
_XML_RAW_TEXT = re.compile(r"(<(script|style)\b[^>]*>)(.*?)(</\2>)", re.DOTALL)
_ESCAPED_GT = re.compile(r"<!\[CDATA\[.*?\]\]>|<!--.*?-->|(?P<end>(?<!\]\])&gt;)", re.DOTALL)
# What lxml's XML output holds verbatim: elsewhere "/>" can only end an empty element.
_XML_VERBATIM = re.compile(r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>", re.DOTALL)


# The labels of the WHATWG Encoding Standard (https://encoding.spec.whatwg.org/#names-and-labels)
# that Python's codecs do not know or read as another charset than browsers do, by the codec
# that decodes them as browsers do. GBK is decoded with GB 18030, its superset, as browsers do.
BROWSER_LABELS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("gb18030", ("chinese", "csgb2312", "csiso58gb231280", "gb2312", "gb_2312", "gb_2312-80",
                 "gbk", "iso-ir-58", "x-gbk", "gb18030")),
    ("cp1252", ("ansi_x3.4-1968", "ascii", "cp819", "csisolatin1", "ibm819", "iso-8859-1",
                "iso-ir-100", "iso8859-1", "iso88591", "iso_8859-1", "iso_8859-1:1987", "l1",
                "latin1", "us-ascii", "x-cp1252")),
    ("cp1254", ("csisolatin5", "iso-8859-9", "iso-ir-148", "iso8859-9", "iso88599", "iso_8859-9",
                "iso_8859-9:1989", "l5", "latin5", "x-cp1254")),
    ("cp874", ("dos-874", "iso-8859-11", "iso8859-11", "iso885911", "tis-620", "windows-874")),
    ("big5hkscs", ("big5", "big5-hkscs", "cn-big5", "csbig5", "x-x-big5")),
    ("cp932", ("csshiftjis", "ms932", "ms_kanji", "shift-jis", "shift_jis", "sjis", "windows-31j",
               "x-sjis")),
    ("cp949", ("cseuckr", "csksc56011987", "euc-kr", "iso-ir-149", "korean", "ks_c_5601-1987",
               "ks_c_5601-1989", "ksc5601", "ksc_5601", "windows-949")),
    ("iso8859_8", ("csiso88598i", "iso-8859-8-i", "logical")),
    ("iso8859_6", ("csiso88596e", "csiso88596i", "iso-8859-6-e", "iso-8859-6-i")),
    ("koi8_u", ("koi8-ru",)),
    ("mac_cyrillic", ("x-mac-cyrillic", "x-mac-ukrainian")),
    ("mac_roman", ("csmacintosh", "mac", "macintosh", "x-mac-roman")),
    ("cp866", ("866", "csibm866")),
    *((f"cp125{n}", (f"x-cp125{n}",)) for n in (0, 1, 3, 5, 6, 7, 8)),
    # A page without a BOM that declares UTF-16 is read as UTF-8, as the standard's prescan does.
    ("utf-8", ("unicode-1-1-utf-8", "unicode11utf8", "unicode20utf8", "x-unicode20utf8",
               "csunicode", "iso-10646-ucs-2", "ucs-2", "unicode", "unicodefeff", "unicodefffe")),
)
_BROWSER_CODEC = {label: codec for codec, labels in BROWSER_LABELS for label in labels}
_C1_ERRORS = "translate_flow.c1-controls"
_C1_CODECS = frozenset({"cp874", *(f"cp125{n}" for n in range(9))})


@dataclass(frozen=True)
class Page:
    """A parsed page: its tree, the charset it was read with, and what was odd about it."""

    tree: etree._ElementTree
    encoding: str
    warnings: tuple[str, ...] = ()
    has_doctype: bool = True
    syntax: Syntax = "html"
    # The XML declaration and doctype exactly as written, for serialize to write back.
    preamble: str = ""
    empty_end: str = "/>"  # how the XHTML page closed its empty elements: "/>" or " />"
    digest: str = ""  # SHA-256 of the bytes the page was read from: the same page, the same tree


def decode_html(data: bytes, path: str) -> tuple[str, str, tuple[str, ...]]:
    """Decode page bytes: BOM first, then the declared charset, then UTF-8, then a fallback.

    A declared label means what it means to browsers (the WHATWG Encoding Standard): a
    page labelled ``gb2312`` or ``iso-8859-1`` is read as GBK or windows-1252; one whose
    bytes are UTF-8 all the same is read as UTF-8, with a warning. Returns the text, the
    encoding used and warnings. Raises :class:`HtmlError` when bytes do not decode in the
    charset the page itself declares.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding.replace("-sig", ""), ()
            except UnicodeDecodeError as exc:
                raise HtmlError(_undecodable(encoding, exc), path=path) from None
    declared = _declared_charset(data[:_PRESCAN_BYTES])
    warnings: list[str] = []
    if declared:
        try:
            encoding = browser_encoding(declared)
        except LookupError:
            warnings.append(f"{path}: unknown charset {declared!r} declared; reading as UTF-8")
        else:
            relabelled = _saved_as_utf8(data, encoding)
            if relabelled is not None:
                return relabelled, "utf-8", (
                    f"{path}: declared charset {declared!r} does not fit its bytes, which are "
                    "UTF-8; read as UTF-8 (fix its <meta charset> declaration to silence this)",
                )
            try:
                errors = _C1_ERRORS if encoding in _C1_CODECS else "strict"
                return data.decode(encoding, errors), encoding, ()
            except UnicodeDecodeError as exc:
                raise HtmlError(_undecodable(declared, exc), path=path) from None
            except (LookupError, UnicodeError):
                # A Python codec that is no text charset (base64, rot13, punycode, undefined).
                warnings.append(f"{path}: {declared!r} is not a text charset; reading as UTF-8")
    try:
        return data.decode("utf-8"), "utf-8", tuple(warnings)
    except UnicodeDecodeError:
        warnings.append(
            f"{path}: no charset declared and the bytes are not UTF-8; read as "
            f"{FALLBACK_ENCODING} (declare <meta charset> to silence this)"
        )
        return data.decode("cp1252", errors="replace"), FALLBACK_ENCODING, tuple(warnings)


def _saved_as_utf8(data: bytes, encoding: str) -> str | None:
    """The text of a page labelled with a legacy charset whose bytes are UTF-8, else None.

    Pages saved again as UTF-8 often keep their old label; browsers would show them garbled,
    but non-ASCII text that is valid UTF-8 is all but impossible by chance in a legacy
    charset, while GB 18030 decodes nearly any bytes. So the bytes decide.
    """
    if encoding == "utf-8" or data.isascii():
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def browser_encoding(label: str) -> str:
    """The Python codec that decodes a charset *label* as browsers do; raise LookupError.

    Labels of the WHATWG Encoding Standard that Python reads otherwise are taken from
    :data:`BROWSER_LABELS`; any other label means what Python's codec of that name means.
    """
    key = label.strip().lower()
    if key in _BROWSER_CODEC:
        return _BROWSER_CODEC[key]
    encoding = codecs.lookup(key).name
    # A page without a BOM that claims UTF-16 is ASCII-compatible: the standard reads it as UTF-8.
    return "utf-8" if encoding in ("utf-16", "utf-16-le", "utf-16-be", "utf-32") else encoding


def _declared_charset(head: bytes) -> str | None:
    match = _META_CHARSET.search(head)
    return match.group(1).decode("ascii") if match else None


def _c1_controls(error: UnicodeError) -> tuple[str, int]:
    """Read a byte that a Windows code page leaves undefined as the C1 control of that number.

    The Encoding Standard's indexes for windows-874 and windows-1250 to 1258 do so for
    0x80 to 0x9F; any other undecodable byte is still an error.
    """
    if isinstance(error, UnicodeDecodeError) and 0x80 <= error.object[error.start] <= 0x9F:
        return chr(error.object[error.start]), error.start + 1
    raise error


codecs.register_error(_C1_ERRORS, _c1_controls)


def _undecodable(encoding: str, exc: UnicodeDecodeError) -> str:
    return (
        f"bytes at offset {exc.start} are not valid {encoding}; "
        "fix the file or its <meta charset> declaration"
    )


def parse_html(data: bytes, path: str) -> Page:
    """Parse page bytes as browsers would; raise :class:`HtmlError` if they are not HTML.

    An XHTML page (XML declaration, XHTML doctype or ``application/xhtml+xml`` content
    type) is read as XML, with its elements out of the XHTML namespace so that every stage
    sees plain tag names; one that is not well-formed is read as HTML, with a warning.
    """
    page = _parse(data, path)
    return replace(page, digest=hashlib.sha256(data).hexdigest())


def _parse(data: bytes, path: str) -> Page:
    text, encoding, warnings = decode_html(data, path)
    if "\x00" in text:
        raise HtmlError("not an HTML document (binary data); pass a .html page", path=path)
    if not _LOOKS_LIKE_HTML.search(text[:_PRESCAN_BYTES * 4]):
        raise HtmlError("not an HTML document (no HTML tags found)", path=path)
    head = _HEAD_MATTER.match(text)
    declaration, doctype = (head.group("declaration"), head.group("doctype")) if head else (None, None)
    if declaration or (doctype and "xhtml" in doctype.lower()) or _XHTML_MEDIA_TYPE.search(text[:_PRESCAN_BYTES * 4]):
        preamble = head.group(0) if head and (declaration or doctype) else ""
        try:
            return _parse_xhtml(text, preamble, encoding, warnings)
        except etree.XMLSyntaxError as exc:
            warnings = (*warnings, f"{path}: not well-formed XML ({exc}); read and written as HTML")
        if declaration and head:
            text = text[: head.start("declaration")] + text[head.end("declaration"):]
    root = _parse_as_html(text, path)
    # Control characters first: moving a text that holds one (`<wbr>&#1;`) would fail.
    # Nearly every page has none, which one look at its source tells.
    may_hold = _CONTROL.search(text) or _CONTROL_REFERENCE.search(text)
    removed = _drop_control_characters(root) if may_hold else 0
    _unnest_void_elements(root)
    if removed:
        warnings = (*warnings, f"{path}: removed {removed} control character(s) that HTML cannot hold")
    return Page(
        tree=root.getroottree(),
        encoding=encoding,
        warnings=warnings,
        has_doctype=doctype is not None,
        preamble=doctype or "",
    )


def _parse_as_html(text: str, path: str) -> etree._Element:
    parser = etree.HTMLParser(encoding="utf-8", remove_comments=False, remove_pis=False)
    try:
        root = etree.fromstring(text.encode("utf-8"), parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise HtmlError(f"cannot parse as HTML ({exc})", path=path) from None
    if root is None:
        raise HtmlError("not an HTML document (nothing to parse)", path=path)
    return root


def _parse_xhtml(text: str, preamble: str, encoding: str, warnings: tuple[str, ...]) -> Page:
    """Read an XHTML page as XML; raise :class:`etree.XMLSyntaxError` if it is not well-formed.

    The declaration and doctype are kept as written (the declared encoding becomes UTF-8,
    the encoding pages are written in) and left out of what the parser reads: a document
    with an XHTML 1.0 doctype would make libxml2 write it in its own XHTML dialect, adding
    a content-type meta element. For the same reason the DTD is never read, so the named
    entities it declares (``&nbsp;``) are turned into character references first.
    """
    body = _XHTML_ENTITY.sub(_character_reference, text[len(preamble):].lstrip("\ufeff"))
    root = etree.fromstring(body.encode("utf-8"), _XML_PARSER)
    for element in root.iter():
        tag = element.tag
        # Plain names for elements in the default XHTML namespace: the declaration stays
        # on the element that made it, so the XML written back means the same.
        if isinstance(tag, str) and tag.startswith(_XHTML_PREFIX) and element.prefix is None:
            element.tag = tag[len(_XHTML_PREFIX):]
    preamble = _DECLARED_ENCODING.sub(_utf8_declaration, preamble.lstrip("\ufeff"), count=1)
    empty_end = " />" if body.count(" />") >= body.count("/>") - body.count(" />") else "/>"
    return Page(
        tree=root.getroottree(),
        encoding=encoding,
        warnings=warnings,
        has_doctype="<!doctype" in preamble.lower(),
        syntax="xhtml",
        preamble=preamble,
        empty_end=empty_end,
    )


def _utf8_declaration(match: re.Match[str]) -> str:
    """The encoding declaration of a page written in UTF-8: as written if it said so."""
    try:
        if codecs.lookup(match.group("name")).name == "utf-8":
            return match.group(0)
    except LookupError:
        pass
    return f"{match.group(1)}UTF-8{match.group(3)}"


def _character_reference(match: re.Match[str]) -> str:
    name = match.group("entity")
    if name is None or name in _XML_ENTITIES or name not in name2codepoint:
        return match.group(0)
    return f"&#{name2codepoint[name]};"


def _drop_control_characters(root: etree._Element) -> int:
    """Remove the characters lxml cannot set back (C0 controls, U+FFFE, U+FFFF); count them.

    The parser keeps them, raw or as character references, but a tree holding one cannot
    be rebuilt. Form feeds are HTML whitespace and become spaces; the other controls are
    invisible in browsers.
    """
    removed = 0

    def clean(value: str) -> str:
        nonlocal removed
        cleaned, count = _CONTROL.subn(lambda m: " " if m.group(0) == "\f" else "", value)
        removed += count
        return cleaned

    for node in root.iter():
        if isinstance(node.tag, str):
            if node.text and _CONTROL.search(node.text):
                node.text = clean(node.text)
            for name, value in node.attrib.items():
                if isinstance(value, str) and _CONTROL.search(value):
                    node.set(name, clean(value))
        if node.tail and _CONTROL.search(node.tail):
            node.tail = clean(node.tail)
    return removed


def _unnest_void_elements(root: etree._Element) -> None:
    """Move content a parser put inside a void element back after it, as HTML5 parses it."""
    for element in list(root.iter(*VOID_ELEMENTS)):
        if element.text is None and len(element) == 0:
            continue
        parent = element.getparent()
        if parent is None:
            continue
        tail = element.tail
        element.tail = element.text
        element.text = None
        position = parent.index(element)
        last = element
        for offset, child in enumerate(list(element), 1):
            parent.insert(position + offset, child)
            last = child
        last.tail = (last.tail or "") + (tail or "") or None


def serialize(tree: etree._ElementTree, page: Page | None = None, *, doctype: bool = True) -> str:
    """Write *tree* in the syntax of the *page* it was parsed from, with its preamble.

    An HTML page is written with HTML5 serialization and its doctype as written (none if
    it had none); an XHTML page as well-formed XML with its declaration and doctype as
    written. Without *page*, HTML with the parser's doctype, or none if *doctype* is false.
    """
    if page is not None and page.syntax == "xhtml":
        return _serialize_xhtml(tree, page)
    if page is not None:
        doctype = page.has_doctype
    kept = _KeptAttributes.hide(tree.getroot())
    try:
        if page is not None and page.preamble:
            text: str = etree.tostring(tree, method="html", encoding="unicode", doctype=page.preamble)
        else:
            text = etree.tostring(tree, method="html", encoding="unicode")
    finally:
        if kept is not None:
            kept.put_back()
    if kept is not None:
        text = kept.restore(text)
    if not doctype:
        # The parser gives every tree a doctype; a page that had none gets none back.
        text = _ADDED_DOCTYPE.sub("", text, count=1)
    plain, dropped = _VOID_END_TAG.subn("", text)
    if dropped:
        # One end tag is written per element: when that is all the text holds, none was in
        # a script or comment and all can go at once; otherwise each is looked at in context.
        voids = sum(1 for _ in tree.getroot().iter(*_NEW_VOID_ELEMENTS))
        text = plain if dropped == voids else _HTML_VOID_END.sub(_drop_void_end_tag, text)
    return text if text.endswith("\n") else text + "\n"


@dataclass(frozen=True)
class _KeptAttributes:
    """Attributes the HTML writer would rewrite, renamed to tokens it writes as they are.

    libxml2 percent-escapes spaces and non-ASCII characters in URL attributes (``a b.html``
    becomes ``a%20b.html``) and writes a boolean attribute without its value
    (``selected="selected"`` becomes ``selected``). Under a token name each is written with
    its value escaped as any other value; the tokens then get their names back.
    """

    prefix: str
    names: tuple[str, ...]  # the original name of token i
    renamed: tuple[tuple[etree._Element, tuple[tuple[str, str], ...]], ...]

    @classmethod
    def hide(cls, root: etree._Element) -> _KeptAttributes | None:
        """Rename, in place and in order, the attributes the writer would rewrite, if any."""
        chosen: dict[etree._Element, set[str]] = {}
        # One walk in Python is cheaper here than XPath, whose string functions are slow.
        for element in root.iter(etree.Element):
            keys = element.keys()
            if keys and not _REWRITTEN_NAMES.isdisjoint(keys):
                for name in keys:
                    if name in _REWRITTEN_NAMES and _is_rewritten(element.tag, str(name), element.get(name)):
                        chosen.setdefault(element, set()).add(str(name))
        if not chosen:
            return None  # most pages
        # Random, so that no text of the page can hold it and be taken for a token.
        prefix = f"tfkept{secrets.token_hex(6)}n"
        originals: list[str] = []
        renamed: list[tuple[etree._Element, tuple[tuple[str, str], ...]]] = []
        for element, names in chosen.items():
            items = tuple((str(name), str(value)) for name, value in element.items())
            element.attrib.clear()  # renaming in place would move the attribute to the end
            for name, value in items:
                if name in names:
                    originals.append(name)
                    name = f"{prefix}{len(originals) - 1}x"
                element.set(name, value)
            renamed.append((element, items))
        return cls(prefix, tuple(originals), tuple(renamed))

    def put_back(self) -> None:
        """Give the tree its attributes back as they were."""
        for element, items in self.renamed:
            element.attrib.clear()
            for name, value in items:
                element.set(name, value)

    def restore(self, text: str) -> str:
        """*text*, as written with the tokens, with the original names."""
        return re.sub(rf"{self.prefix}(\d+)x", lambda m: self.names[int(m.group(1))], text)


def _is_rewritten(tag: object, name: str, value: str | None) -> bool:
    """Whether the HTML writer would write this attribute of a *tag* otherwise than it is."""
    if name in _URL_ATTRIBUTES or (name == "name" and tag == "a"):
        return value is not None and _URL_ESCAPED.search(value) is not None
    return name in _BOOLEAN_ATTRIBUTES and value != name


def _drop_void_end_tag(match: re.Match[str]) -> str:
    return "" if match.group("end") else match.group(0)


def _serialize_xhtml(tree: etree._ElementTree, page: Page) -> str:
    # An empty element that is not void is written with an end tag, never as `<a id="x"/>`:
    # an HTML parser would read that as a start tag, and the page means the same both ways.
    for element in tree.getroot().iter(etree.Element):
        if element.text is None and not len(element):
            tag = str(element.tag)
            if "{" not in tag and tag.lower() not in VOID_ELEMENTS:
                element.text = ""
    text: str = etree.tostring(tree, encoding="unicode")
    if page.empty_end != "/>":
        text = _spaced_empty_ends(text)
    if "&gt;" in text:
        text = _XML_RAW_TEXT.sub(_raw_greater_than, text)
    return page.preamble + (text if text.endswith("\n") else text + "\n")


def _raw_greater_than(match: re.Match[str]) -> str:
    body = _ESCAPED_GT.sub(lambda m: ">" if m.group("end") else m.group(0), match.group(3))
    return match.group(1) + body + match.group(4)


def _spaced_empty_ends(text: str) -> str:
    """*text* with its empty elements closed by " />", as XHTML 1.0's appendix C advises."""
    # Replacing between the verbatim parts is several times faster than one regex for all.
    parts: list[str] = []
    last = 0
    for match in _XML_VERBATIM.finditer(text):
        parts += (text[last:match.start()].replace("/>", " />"), match.group(0))
        last = match.end()
    parts.append(text[last:].replace("/>", " />"))
    return "".join(parts)
