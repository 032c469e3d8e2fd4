"""The skip policy: which parts of a page are translated, and how each element takes part.

One set of rules for the whole package. Segmentation reads them to find what to
translate; assembly reads them again to know what it may rewrite (a ``<time>`` date, for
one), so the two can never disagree. The rules are data tables; :func:`skips` is the one
answer to "is this element left alone?".
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from lxml import etree

__all__ = [
    "ATTRIBUTE_RULES",
    "AttributeRule",
    "NOT_HTML",
    "ROLES",
    "ROLE_BY_ATTRIBUTE",
    "Role",
    "SegmentOptions",
    "in_skipped_part",
    "local_name",
    "primary_subtag",
    "role_of",
    "skips",
]


class Role(enum.Enum):
    """How an element takes part in segmentation."""

    BLOCK = "block"  # holds runs of inline content; the default for unknown elements
    INLINE = "inline"  # a paired numbered tag inside a sentence
    EMBEDDED = "embedded"  # a void tag in a sentence; its own content is segmented apart
    RAW = "raw"  # a void tag in a sentence; only its attributes are translated
    OPAQUE = "opaque"  # left alone entirely, attributes included


ROLES: Mapping[str, Role] = {
    **dict.fromkeys(
        "a abbr acronym b bdi bdo big cite data del dfn em font i ins mark nobr q rb rp rt "
        "ruby s small span strike strong sub sup time tt u".split(),
        Role.INLINE,
    ),
    **dict.fromkeys("audio canvas map object picture select svg video".split(), Role.EMBEDDED),
    **dict.fromkeys(
        "area base br col embed hr iframe img input link meta param source textarea track wbr"
        .split(),
        Role.RAW,
    ),
    **dict.fromkeys(
        "code kbd math noembed noframes plaintext pre samp script style template var xmp"
        .split(),
        Role.OPAQUE,
    ),
}

# Roles that depend on an attribute: a <time> with a machine-readable date is localized
# from that date when the page is built, so its text is not for translators. Such an
# element is not skipped, though: its date is the one thing assembly rewrites in it.
ROLE_BY_ATTRIBUTE: Mapping[tuple[str, str], Role] = {("time", "datetime"): Role.OPAQUE}
_OVERRIDES: Mapping[str, tuple[tuple[str, Role], ...]] = {
    tag: tuple((a, r) for (t, a), r in ROLE_BY_ATTRIBUTE.items() if t == tag)
    for tag, _ in ROLE_BY_ATTRIBUTE
}

# Foreign content: what sits inside is SVG or MathML, not HTML, so an element named like
# an HTML one there (a <time>) is no HTML element and no HTML rule rewrites it.
NOT_HTML = frozenset({"math", "svg"})

META_NAMES = frozenset(
    {"application-name", "description", "keywords", "twitter:description",
     "twitter:image:alt", "twitter:title"}
)
META_PROPERTIES = frozenset(
    {"og:description", "og:image:alt", "og:site_name", "og:title"}
)


@dataclass(frozen=True)
class AttributeRule:
    """An attribute that is a segment of its own, on some elements, under some conditions."""

    attribute: str
    elements: frozenset[str] | None = None  # None: on any element
    when: tuple[tuple[str, frozenset[str]], ...] = ()  # other attributes' required values
    # Whether publishing tools fill the value in from a file name ("cesnur-logo",
    # "IMG_1234.jpg"): such a value is left as it is.
    file_names: bool = False

    def applies(self, tag: str, element: etree._Element) -> bool:
        """True when this rule makes the attribute of *element* translatable."""
        if self.elements is not None and tag not in self.elements:
            return False
        return all((element.get(name) or "").strip().lower() in values for name, values in self.when)


ATTRIBUTE_RULES: tuple[AttributeRule, ...] = (
    AttributeRule("content", frozenset({"meta"}), (("name", META_NAMES),)),
    AttributeRule("content", frozenset({"meta"}), (("property", META_PROPERTIES),)),
    AttributeRule("alt", frozenset({"img", "area", "input"}), file_names=True),
    AttributeRule("title", file_names=True),
    AttributeRule("aria-label"),
    AttributeRule("aria-description"),
    AttributeRule("aria-roledescription"),
    AttributeRule("aria-placeholder"),
    AttributeRule("placeholder"),
    AttributeRule("label", frozenset({"menuitem", "optgroup", "option", "track"})),
    AttributeRule("value", frozenset({"input"}), (("type", frozenset({"button", "reset", "submit"})),)),
)


@dataclass(frozen=True)
class SegmentOptions:
    """What counts as translatable on a page."""

    source_language: str = "en"
    skip_foreign: bool = True  # parts whose `lang` differs from the source stay as they are


_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def local_name(tag: object) -> str:
    """An element's tag without namespace, lower-cased; "" for comments and the like."""
    return _local_name(tag) if isinstance(tag, str) else ""


@lru_cache(maxsize=1024)
def _local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].lower()  # cached: pages have few tags, each asked for often


def primary_subtag(tag: str) -> str:
    """The primary subtag of a language tag, lower-cased: "zh" for "zh-Hans" or "zh_CN"."""
    return tag.strip().split("-")[0].split("_")[0].lower()


def skips(element: etree._Element, options: SegmentOptions) -> bool:
    """True when *element* and all it holds are left alone: never translated, never rewritten.

    A skipped element is one whose tag is opaque (``<code>``, ``<math>``, ``<script>``, …),
    one marked ``translate="no"`` or ``class="notranslate"``, or, with
    ``options.skip_foreign``, one whose ``lang`` names another language than the source.
    """
    if ROLES.get(local_name(element.tag)) is Role.OPAQUE:
        return True
    names = element.keys()
    return bool(names) and _skipped_by_attributes(element, names, options)


def _skipped_by_attributes(element: etree._Element, names: Sequence[str | bytes], options: SegmentOptions) -> bool:
    """True when the attributes of *element* (their *names* given) say it is left alone."""
    if "translate" in names and (element.get("translate") or "").strip().lower() == "no":
        return True
    if "class" in names and "notranslate" in (element.get("class") or "").split():
        return True
    return options.skip_foreign and ("lang" in names or _XML_LANG in names) and _foreign(element, options)


def _foreign(element: etree._Element, options: SegmentOptions) -> bool:
    lang = element.get("lang") or element.get(_XML_LANG)
    if lang is None or not lang.strip():
        return False
    return primary_subtag(lang) != primary_subtag(options.source_language)


def role_of(element: etree._Element, options: SegmentOptions) -> Role:
    """How *element* takes part in segmentation (the page's root is always a block)."""
    # skips() and the attribute overrides in one pass: this is asked of every element.
    tag = local_name(element.tag)
    role = ROLES.get(tag, Role.BLOCK)
    if role is Role.OPAQUE:
        return role
    names = element.keys()
    if names:
        if _skipped_by_attributes(element, names, options):
            return Role.OPAQUE
        for attribute, override in _OVERRIDES.get(tag, ()):
            if attribute in names:
                role = override
    if role is Role.INLINE and _holds_blocks(element):
        return Role.BLOCK
    return role


def _holds_blocks(element: etree._Element) -> bool:
    for node in element.iterdescendants():
        if isinstance(node.tag, str) and ROLES.get(local_name(node.tag), Role.BLOCK) is Role.BLOCK:
            return True
    return False


def in_skipped_part(element: etree._Element, options: SegmentOptions) -> bool:
    """True when *element* is skipped, or sits inside a skipped element or foreign content.

    The page's root never counts: segmentation walks it whatever its ``lang``, and
    assembly gives it the target language.
    """
    if skips(element, options):
        return True
    for node in element.iterancestors():
        if node.getparent() is None:
            break
        if skips(node, options) or local_name(node.tag) in NOT_HTML:
            return True
    return False
