"""TMX 1.4: the project's memory written for CAT tools, and their memories read back.

:func:`export_tmx` writes one ``<tu>`` per source text and msgctxt
(``<prop type="x-context">``), one ``<tuv>`` per language with the catalog it came from
(``<prop type="x-origin">``). Numbered tags become TMX inline codes
(``<bpt i="1" x="1" type="link">&lt;a1&gt;</bpt>``, ``<ept i="1">&lt;/a1&gt;</ept>``,
``<ph x="2" type="lb">&lt;br2/&gt;</ph>``) so CAT tools show them as tags, and
:func:`read_tmx` reads them back to the same numbered-tag text; inline codes written by
other tools become ``<g1>…</g1>`` and ``<x2/>`` tags. Files are parsed by
:func:`~translate_flow.xmlsafe.parse_xml`: as data, never a fetch.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from xml.sax.saxutils import escape as _xml_escape

from lxml import etree

from .. import __version__
from ..errors import InputError
from ..markup import TAG_RE, TagMismatch, check_tags, collapse, escape_text, unescape_text
from ..textrules import script_of
from ..xmlsafe import XML_LANG, line_of, local_name, parse_xml
from .units import Unit

__all__ = [
    "TMX_VERSION",
    "TmxContent",
    "export_tmx",
    "import_tmx",
    "parse_tmx",
    "read_tmx",
]

TMX_VERSION = "1.4"


@dataclass(frozen=True)
class TmxContent:
    """What a TMX file holds for the project."""

    units: tuple[Unit, ...]
    source_language: str
    counts: Mapping[str, int] = field(default_factory=dict)  # units per target language
    skipped: tuple[str, ...] = ()  # "file:line: why" for translations left out
    ignored_languages: tuple[str, ...] = ()  # languages in the file the project does not have


# TMX 1.4's recommended `type` values for inline codes; anything else is user-defined ("x-").
_BPT_TYPES = {
    "a": "link", "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "cite": "italic",
    "u": "ulined", "font": "font", "small": "x-small", "span": "x-span",
}
_PH_TYPES = {"br": "lb", "wbr": "x-wbr", "img": "image", "time": "date"}
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _tag_parts(key: str) -> tuple[str, str]:
    match = re.match(r"^(.*?)([0-9]+)$", key)
    return (match.group(1), match.group(2)) if match else (key, "0")


def _text(text: str) -> str:
    return _xml_escape(_NOT_XML.sub("\ufffd", text))


def _attribute(value: str) -> str:
    return _xml_escape(_NOT_XML.sub("\ufffd", value), {'"': "&quot;", "\n": "&#10;", "\t": "&#9;", "\r": "&#13;"})


def _segment_xml(text: str) -> str:
    """A msgid-form text as the content of a TMX ``<seg>``, its numbered tags as inline codes."""
    matches = list(TAG_RE.finditer(text))
    # Pair openings with their closings (same key, later); the rest are isolated codes.
    paired: set[int] = set()
    open_at: dict[str, list[int]] = {}
    for index, match in enumerate(matches):
        closing, key, slash = match.groups()
        if slash:
            continue
        if not closing:
            open_at.setdefault(key, []).append(index)
        elif open_at.get(key):
            paired.add(open_at[key].pop())
            paired.add(index)
    parts: list[str] = []
    pair_numbers: dict[str, list[int]] = {}
    next_pair = 0
    position = 0
    for index, match in enumerate(matches):
        parts.append(_text(unescape_text(text[position : match.start()])))
        position = match.end()
        closing, key, slash = match.groups()
        name, number = _tag_parts(key)
        code = _text(match.group(0))
        if slash and not closing:
            kind = _PH_TYPES.get(name, f"x-{name}")
            parts.append(f'<ph x="{number}" type="{_attribute(kind)}">{code}</ph>')
        elif index not in paired:
            kind = _BPT_TYPES.get(name, f"x-{name}")
            pos = "end" if closing else "begin"
            parts.append(f'<it pos="{pos}" x="{number}" type="{_attribute(kind)}">{code}</it>')
        elif not closing:
            next_pair += 1
            pair_numbers.setdefault(key, []).append(next_pair)
            kind = _BPT_TYPES.get(name, f"x-{name}")
            parts.append(f'<bpt i="{next_pair}" x="{number}" type="{_attribute(kind)}">{code}</bpt>')
        else:
            parts.append(f'<ept i="{pair_numbers[key].pop()}">{code}</ept>')
    parts.append(_text(unescape_text(text[position:])))
    return "".join(parts)


def export_tmx(
    units: Iterable[Unit],
    *,
    source_language: str,
    languages: Sequence[str] | None = None,
    created: str | None = None,
) -> str:
    """A TMX 1.4 document of *units* (of *languages*, when given), as text.

    One ``<tu>`` per source text and msgctxt (``<prop type="x-context">``), with one
    ``<tuv>`` per language naming the catalog it came from (``<prop type="x-origin">``;
    the first, when several catalogs agree). A language with several different
    translations of a text gets one ``<tu>`` per translation. *created* (``YYYYMMDDThhmmssZ``)
    goes into the header when given; without it the same units always give the same
    bytes, fit for version control.
    """
    wanted = None if languages is None else set(languages)
    grouped: dict[tuple[str, str | None], dict[str, dict[str, str]]] = {}
    for unit in units:
        if wanted is not None and unit.language not in wanted:
            continue
        targets = grouped.setdefault((unit.source, unit.msgctxt), {}).setdefault(unit.language, {})
        known = targets.get(unit.target)
        if known is None or unit.origin < known:
            targets[unit.target] = unit.origin
    order = list(languages) if languages is not None else sorted({lang for g in grouped.values() for lang in g})
    header = (
        f'  <header creationtool="translate-flow" creationtoolversion="{_attribute(__version__)}"'
        f' datatype="plaintext" segtype="sentence" adminlang="en" srclang="{_attribute(source_language)}"'
        f' o-tmf="gettext"' + (f' creationdate="{_attribute(created)}"' if created else "") + "/>"
    )
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<!DOCTYPE tmx SYSTEM "tmx14.dtd">',
        f'<tmx version="{TMX_VERSION}">',
        header,
        "  <body>",
    ]
    keys = sorted(grouped, key=lambda k: (k[0], k[1] or "", k[1] is not None))
    for source, msgctxt in keys:
        per_language = grouped[(source, msgctxt)]
        columns = {lang: sorted(per_language[lang].items()) for lang in order if lang in per_language}
        for row in range(max(len(c) for c in columns.values())):
            lines.append("    <tu>")
            if msgctxt is not None:
                lines.append(f'      <prop type="x-context">{_text(msgctxt)}</prop>')
            lines.append(f'      <tuv xml:lang="{_attribute(source_language)}"><seg>{_segment_xml(source)}</seg></tuv>')
            for lang, choices in columns.items():
                if row >= len(choices):
                    continue
                target, origin = choices[row]
                lines.append(f'      <tuv xml:lang="{_attribute(lang)}">')
                if origin:
                    lines.append(f'        <prop type="x-origin">{_text(origin)}</prop>')
                lines.append(f"        <seg>{_segment_xml(target)}</seg>")
                lines.append("      </tuv>")
            lines.append("    </tu>")
    lines.extend(["  </body>", "</tmx>", ""])
    return "\n".join(lines)


def _lang(element: etree._Element) -> str:
    return (element.get(XML_LANG) or element.get("lang") or "").strip().replace("_", "-")


def _match_language(tag: str, languages: Sequence[str]) -> str | None:
    """The project language a TMX language tag stands for: ``ru-RU`` -> ``ru``, ``zh-CN`` -> ``zh-Hans``."""
    lowered = tag.lower()
    parts = lowered.split("-")
    if parts[0] == "zh" and (len(parts) == 1 or len(parts[1]) != 4):
        # Chinese is matched by its script, which a plain tag leaves to the region.
        lowered = "-".join(["zh", script_of(tag).lower(), *parts[1:]])
    for language in languages:
        wanted = language.lower()
        if lowered == wanted or lowered.startswith(wanted + "-") or tag.lower() == wanted:
            return language
    return None


def _seg_text(seg: etree._Element) -> str:
    """A ``<seg>``'s content in msgid form: text escaped, inline codes as numbered tags."""
    parts: list[str] = []
    pairs: dict[str, str] = {}
    counter = [0]

    def code_of(element: etree._Element) -> str:
        return "".join(t if isinstance(t, str) else t.decode("utf-8") for t in element.itertext())

    def number(element: etree._Element) -> str:
        x = (element.get("x") or "").strip()
        if x.isdigit():
            return x
        counter[0] += 1
        return str(900 + counter[0])

    def walk(element: etree._Element) -> None:
        if element.text and local_name(element) in ("seg", "hi"):
            parts.append(escape_text(element.text))
        for child in element:
            name = local_name(child)
            code = code_of(child).strip()
            own = TAG_RE.fullmatch(code)
            if name == "hi":
                walk(child)
            elif name in ("bpt", "ept", "ph", "it", "ut"):
                if own:
                    parts.append(code)
                elif name == "bpt":
                    key = f"g{number(child)}"
                    pairs[(child.get("i") or "").strip()] = key
                    parts.append(f"<{key}>")
                elif name == "ept":
                    i = (child.get("i") or "").strip()
                    parts.append(f"</{pairs.pop(i, 'g' + (i if i.isdigit() else '0'))}>")
                else:
                    parts.append(f"<x{number(child)}/>")
            else:
                parts.append(escape_text(code_of(child)))
            if child.tail:
                parts.append(escape_text(child.tail))

    walk(seg)
    return collapse("".join(parts)).strip(" ")


def read_tmx(
    data: bytes,
    origin: str,
    *,
    source_language: str | None = None,
    languages: Sequence[str] | None = None,
) -> TmxContent:
    """Read a TMX document (1.1 to 1.4); raise :class:`InputError` (path, line) if it is broken.

    The ``<tuv>`` in *source_language* (the header's ``srclang`` when None) is each
    unit's source; every other ``<tuv>`` of one of *languages* (all when None) gives a
    unit in that language, spelled as the project spells it (``ru-RU`` -> ``ru``).
    ``<prop type="x-context">`` on the ``<tu>`` is the msgctxt. Every unit's origin is
    *origin* (an ``x-origin`` prop names another project's file and is not kept).
    Translations whose numbered tags differ from their source's are left out, and listed
    in :attr:`TmxContent.skipped`.
    """
    root = parse_xml(data, origin, kind="a translation memory", hint="fix the file or export it again")
    if local_name(root) != "tmx":
        raise InputError(
            f"<{local_name(root)}> is not a TMX document (the root must be <tmx>)", path=origin, line=line_of(root)
        )
    version = (root.get("version") or "").strip()
    if not re.fullmatch(r"1\.[1-4][a-z]?", version):
        raise InputError(f"unsupported TMX version {version!r} (1.1 to 1.4 are read)", path=origin, line=line_of(root))
    header = next((c for c in root if local_name(c) == "header"), None)
    body = next((c for c in root if local_name(c) == "body"), None)
    if header is None:
        raise InputError("the TMX document has no <header>", path=origin, line=line_of(root))
    if body is None:
        raise InputError("the TMX document has no <body>", path=origin, line=line_of(root))
    source = source_language or (header.get("srclang") or "").strip()
    if not source or source == "*all*":
        raise InputError(
            "the header names no source language (srclang); say which it is", path=origin, line=line_of(header)
        )
    units: list[Unit] = []
    skipped: list[str] = []
    ignored: set[str] = set()
    for tu in body:
        if local_name(tu) != "tu":
            continue
        msgctxt: str | None = None
        source_text: str | None = None
        targets: list[tuple[str, str, int]] = []
        for child in tu:
            name = local_name(child)
            if name == "prop" and (child.get("type") or "") == "x-context":
                msgctxt = child.text or ""
            if name != "tuv":
                continue
            tag = _lang(child)
            if not tag:
                raise InputError("<tuv> without xml:lang", path=origin, line=line_of(child))
            seg = next((c for c in child if local_name(c) == "seg"), None)
            if seg is None:
                raise InputError(f"<tuv xml:lang=\"{tag}\"> without <seg>", path=origin, line=line_of(child))
            text = _seg_text(seg)
            if source_text is None and _match_language(tag, [source]) is not None:
                source_text = text
                continue
            language = tag if languages is None else _match_language(tag, languages)
            if language is None:
                ignored.add(tag)
                continue
            targets.append((language, text, line_of(seg)))
        if not targets:
            continue
        if not source_text:
            skipped.append(f"{origin}:{line_of(tu)}: no {source} text in this <tu>")
            continue
        for language, text, line in targets:
            if not text:
                continue
            try:
                check_tags(source_text, text)
            except TagMismatch as exc:
                skipped.append(f"{origin}:{line}: the {language} tags differ from the source's ({exc})")
                continue
            units.append(Unit(source_text, language, text, msgctxt, origin))
    counts = Counter(u.language for u in units)
    return TmxContent(
        units=tuple(units),
        source_language=source,
        counts=dict(sorted(counts.items())),
        skipped=tuple(skipped),
        ignored_languages=tuple(sorted(ignored)),
    )


def parse_tmx(
    data: bytes,
    origin: str,
    *,
    source_language: str | None = None,
    languages: Sequence[str] | None = None,
) -> list[Unit]:
    """The units of a TMX document (see :func:`read_tmx`)."""
    return list(read_tmx(data, origin, source_language=source_language, languages=languages).units)


def import_tmx(data: bytes, origin: str, *, source_language: str, languages: Sequence[str]) -> TmxContent:
    """Validate a TMX file for ``translate-flow tm import``: its units and counts per language.

    Raises :class:`InputError` when the file is broken or holds no translation from
    *source_language* into any of *languages*.
    """
    content = read_tmx(data, origin, source_language=source_language, languages=languages)
    if not content.units:
        found = ", ".join(content.ignored_languages) or "no others"
        left_out = f"; {len(content.skipped)} left out, first {content.skipped[0]}" if content.skipped else ""
        raise InputError(
            f"no translations from {source_language} into {', '.join(languages)} "
            f"(languages in the file: {found}{left_out})",
            path=origin,
        )
    return content
