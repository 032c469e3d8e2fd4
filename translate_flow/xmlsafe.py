"""XML from files the user hands over (TMX memories, TBX glossaries), parsed as data only.

:func:`parse_xml` is the one way translate-flow reads such a file: no entity is expanded,
no DTD is loaded, nothing is fetched from the network, libxml2's limits on huge trees
stay on, and a document that declares entities is refused outright (entities are how
"billion laughs" and external-entity attacks arrive, and no TMX or TBX needs them).
Comments and processing instructions are dropped. Elements keep their line numbers.

Whatever is wrong with the file is one :class:`~translate_flow.errors.InputError` with
the file's shown path and the line as attributes.
"""

from __future__ import annotations

import codecs
from typing import Any

from lxml import etree

from .errors import InputError

__all__ = ["XML_LANG", "line_of", "local_name", "parse_xml"]

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _parser() -> etree.XMLParser:
    # A new parser per document: lxml parsers keep state and are not shared across threads.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        attribute_defaults=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def parse_xml(data: bytes, path: str, *, kind: str, hint: str = "") -> etree._Element:
    """The root element of the XML document *data*, read from the file shown as *path*.

    Raises :class:`InputError` (with ``path`` and ``line``) when the document is not
    well-formed, or declares entities: "entity declarations are not allowed in *kind*"
    (*kind* names what the file should be, e.g. ``"a glossary"``). *hint*, when given,
    is added to the not-well-formed message (what the user can do about it).
    """
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        # libxml2 stops some entity attacks itself (amplification limits): say what they are.
        line = _entity_line(data, None)
        if line:
            raise InputError(f"entity declarations are not allowed in {kind}", path=path, line=line) from None
        advice = f"; {hint}" if hint else ""
        raise InputError(f"not well-formed XML ({exc.msg}){advice}", path=path, line=exc.lineno or 0) from None
    docinfo: Any = root.getroottree().docinfo
    dtd: Any = docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        line = _entity_line(data, docinfo.encoding) or 1
        raise InputError(f"entity declarations are not allowed in {kind}", path=path, line=line)
    return root


def _entity_line(data: bytes, encoding: str | None) -> int:
    """The line of the first entity declaration in *data*, 0 when there is none to be seen."""
    # The DTD keeps no line numbers, so the declaration is looked for in the text.
    if encoding is None:
        encoding = "utf-16" if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) else "utf-8"
    try:
        text = data.decode(encoding, errors="replace")
    except LookupError:
        text = data.decode("utf-8", errors="replace")
    at = text.find("<!ENTITY")
    return 0 if at < 0 else text[:at].count("\n") + 1


def local_name(element: etree._Element) -> str:
    """The element's name without its namespace; ``""`` for comments and the like."""
    tag = element.tag
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def line_of(element: etree._Element, default: int = 0) -> int:
    """The line the element starts on, *default* when the parser did not say."""
    line: object = element.sourceline
    return line if isinstance(line, int) else default
