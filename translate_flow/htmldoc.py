"""Reading and writing HTML pages: charset detection, lenient parsing, serialization."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from lxml import etree

from .errors import HtmlError

__all__ = ["Page", "parse_html", "serialize"]

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
_DOCTYPE = re.compile(r"^\ufeff?\s*(?:<!--.*?-->\s*)*<!doctype", re.IGNORECASE | re.DOTALL)
_ADDED_DOCTYPE = re.compile(r"^<!DOCTYPE[^>]*>\n?")
_LOOKS_LIKE_HTML = re.compile(r"<\s*(?:!doctype|html|head|body|[a-z][a-z0-9-]*[\s/>])", re.I)
FALLBACK_ENCODING = "windows-1252"
# Characters XML (and so lxml) cannot hold; NUL is refused earlier as binary data.
_CONTROL = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ATTRIBUTE_VALUES = etree.XPath("//@*", smart_strings=False)
# HTML5 void elements. libxml2's parser predates some of them (source, track, wbr, embed,
# keygen) and nests the content that follows inside them; parse_html undoes that.
VOID_ELEMENTS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link", "meta",
     "param", "source", "track", "wbr"}
)


@dataclass(frozen=True)
class Page:
    """A parsed page: its tree, the charset it was read with, and what was odd about it."""

    tree: etree._ElementTree
    encoding: str
    warnings: tuple[str, ...] = ()
    has_doctype: bool = True


def decode_html(data: bytes, path: str) -> tuple[str, str, tuple[str, ...]]:
    """Decode page bytes: BOM first, then the declared charset, then UTF-8, then a fallback.

    Returns the text, the encoding used and warnings. Raises :class:`HtmlError` when bytes
    do not decode in the charset the page itself declares.
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
            encoding = codecs.lookup(declared).name
        except LookupError:
            warnings.append(f"{path}: unknown charset {declared!r} declared; reading as UTF-8")
        else:
            if encoding in ("utf-16", "utf-16-le", "utf-16-be", "utf-32"):
                encoding = "utf-8"  # a page without a BOM that claims UTF-16 is ASCII-compatible
            try:
                return data.decode(encoding), encoding, ()
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


def _declared_charset(head: bytes) -> str | None:
    match = _META_CHARSET.search(head)
    return match.group(1).decode("ascii") if match else None


def _undecodable(encoding: str, exc: UnicodeDecodeError) -> str:
    return (
        f"bytes at offset {exc.start} are not valid {encoding}; "
        "fix the file or its <meta charset> declaration"
    )


def parse_html(data: bytes, path: str) -> Page:
    """Parse page bytes leniently, as browsers do; raise :class:`HtmlError` if not HTML."""
    text, encoding, warnings = decode_html(data, path)
    if "\x00" in text:
        raise HtmlError("not an HTML document (binary data); pass a .html page", path=path)
    if not _LOOKS_LIKE_HTML.search(text[:_PRESCAN_BYTES * 4]):
        raise HtmlError("not an HTML document (no HTML tags found)", path=path)
    parser = etree.HTMLParser(encoding="utf-8", remove_comments=False, remove_pis=False)
    try:
        root = etree.fromstring(text.encode("utf-8"), parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise HtmlError(f"cannot parse as HTML ({exc})", path=path) from None
    if root is None:
        raise HtmlError("not an HTML document (nothing to parse)", path=path)
    # Control characters first: moving a text that holds one (`<wbr>&#1;`) would fail.
    removed = _drop_control_characters(root)
    _unnest_void_elements(root)
    if removed:
        warnings = (*warnings, f"{path}: removed {removed} control character(s) that HTML cannot hold")
    return Page(
        tree=root.getroottree(),
        encoding=encoding,
        warnings=warnings,
        has_doctype=bool(_DOCTYPE.match(text)),
    )


def _drop_control_characters(root: etree._Element) -> int:
    """Remove the characters lxml cannot set back (C0 controls, U+FFFE, U+FFFF); count them.

    The parser keeps them, raw or as character references, but a tree holding one cannot
    be rebuilt. Form feeds are HTML whitespace and become spaces; the other controls are
    invisible in browsers.
    """
    # Nearly every page has none: look at all its text and attribute values at once, in C,
    # before visiting node by node.
    values = _ATTRIBUTE_VALUES(root)
    if isinstance(values, list):
        text = etree.tostring(root, method="text", encoding="unicode")
        if not _CONTROL.search(text + "".join(map(str, values))):
            return 0
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


def serialize(tree: etree._ElementTree, *, doctype: bool = True) -> str:
    """Serialize a page as HTML text with its top-level comments, and its doctype if it had one."""
    text: str = etree.tostring(tree, method="html", encoding="unicode")
    if not doctype:
        # The parser gives every tree a doctype; a page that had none gets none back.
        text = _ADDED_DOCTYPE.sub("", text, count=1)
    return text if text.endswith("\n") else text + "\n"
