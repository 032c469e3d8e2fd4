"""Language codes: BCP 47 tags in configuration and HTML, gettext locales in catalogs."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.messages.plurals import get_plural

from .errors import LanguageError

__all__ = ["Language", "argos_code", "language"]

# Scripts written right to left; CLDR says so too, but these also cover tags CLDR lacks.
RTL_LANGUAGES = frozenset({"ar", "dv", "fa", "he", "ks", "ps", "sd", "ug", "ur", "yi"})

_BCP47 = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")


@dataclass(frozen=True)
class Language:
    """One language, in every notation the workflow needs."""

    tag: str  # BCP 47, as in configuration and `<html lang>`: "zh-Hans"
    locale: str  # gettext / CLDR locale identifier: "zh_Hans"
    name: str  # English display name: "Chinese (Simplified)"
    direction: str  # "ltr" or "rtl"
    plural_forms: str  # the Plural-Forms header value
    og_locale: str  # Open Graph locale, language_TERRITORY: "zh_CN"

    @property
    def primary(self) -> str:
        """The primary language subtag: "zh" for "zh-Hans"."""
        return self.tag.split("-", 1)[0].lower()


@lru_cache(maxsize=None)
def language(tag: str) -> Language:
    """Return the :class:`Language` for a BCP 47 *tag*, or raise :class:`LanguageError`."""
    if not isinstance(tag, str) or not _BCP47.match(tag.strip()):
        raise LanguageError(f"{tag!r} is not a BCP 47 language tag (e.g. 'kk', 'ru', 'zh-Hans')")
    cleaned = tag.strip().replace("_", "-")
    try:
        locale = Locale.parse(cleaned, sep="-")
    except (UnknownLocaleError, ValueError) as exc:
        raise LanguageError(
            f"unknown language {tag!r}: not a CLDR locale (e.g. 'kk', 'ru', 'zh-Hans')"
        ) from exc
    canonical = _canonical_tag(cleaned)
    primary = canonical.split("-", 1)[0]
    direction = "rtl" if primary in RTL_LANGUAGES or locale.text_direction == "rtl" else "ltr"
    return Language(
        tag=canonical,
        locale=str(locale),
        name=locale.get_display_name("en") or canonical,
        direction=direction,
        plural_forms=str(get_plural(locale)),
        og_locale=_og_locale(locale),
    )


def _canonical_tag(tag: str) -> str:
    # BCP 47 casing: language lower, script title, region upper.
    parts = tag.split("-")
    out = [parts[0].lower()]
    for part in parts[1:]:
        if len(part) == 4 and part.isalpha():
            out.append(part.title())
        elif len(part) == 2 and part.isalpha() or len(part) == 3 and part.isdigit():
            out.append(part.upper())
        else:
            out.append(part.lower())
    return "-".join(out)


def _og_locale(locale: Locale) -> str:
    if locale.territory:
        return f"{locale.language}_{locale.territory}"
    likely = get_global("likely_subtags")
    key = f"{locale.language}_{locale.script}" if locale.script else locale.language
    full = likely.get(key) or likely.get(locale.language) or ""
    territory = full.split("_")[-1] if full.count("_") >= 1 else ""
    return f"{locale.language}_{territory}" if territory.isupper() else locale.language


# Argos Translate's own codes where they differ from the primary subtag.
_ARGOS_CODES = {"zh-Hans": "zh", "zh-CN": "zh", "zh-SG": "zh", "zh-Hant": "zt", "zh-TW": "zt", "zh-HK": "zt"}


def argos_code(language: Language) -> str:
    """The code Argos packages use for *language*: "zh" for zh-Hans, "zt" for zh-Hant."""
    return _ARGOS_CODES.get(language.tag, language.primary)
