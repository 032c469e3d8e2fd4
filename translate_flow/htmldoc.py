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
_LOOKS_LIKE_HTML = re.compile(r"<\s*(?:!doctype|html|head|body|[a-z][a-z0-9-]*[\s/>])", re.I)
FALLBACK_ENCODING = "windows-1252"


@dataclass(frozen=True)
class Page:
    """A parsed page: its tree, the charset it was read with, and what was odd about it."""

    tree: etree._ElementTree
    encoding: str
    warnings: tuple[str, ...] = ()


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
                raise HtmlError(_undecodable(path, encoding, exc)) from None
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
                raise HtmlError(_undecodable(path, declared, exc)) from None
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


def _undecodable(path: str, encoding: str, exc: UnicodeDecodeError) -> str:
    return (
        f"{path}: bytes at offset {exc.start} are not valid {encoding}; "
        "fix the file or its <meta charset> declaration"
    )


def parse_html(data: bytes, path: str) -> Page:
    """Parse page bytes leniently, as browsers do; raise :class:`HtmlError` if not HTML."""
    text, encoding, warnings = decode_html(data, path)
    if "\x00" in text:
        raise HtmlError(f"{path}: not an HTML document (binary data); pass a .html page")
    if not _LOOKS_LIKE_HTML.search(text[:_PRESCAN_BYTES * 4]):
        raise HtmlError(f"{path}: not an HTML document (no HTML tags found)")
    parser = etree.HTMLParser(encoding="utf-8", remove_comments=False, remove_pis=False)
    try:
        root = etree.fromstring(text.encode("utf-8"), parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise HtmlError(f"{path}: cannot parse as HTML ({exc})") from None
    if root is None:
        raise HtmlError(f"{path}: not an HTML document (nothing to parse)")
    return Page(tree=root.getroottree(), encoding=encoding, warnings=warnings)


def serialize(tree: etree._ElementTree) -> str:
    """Serialize a page as HTML text with its doctype and top-level comments."""
    text: str = etree.tostring(tree, method="html", encoding="unicode")
    return text if text.endswith("\n") else text + "\n"
