"""Dates and times: a ``<time datetime>`` told in the target language, at the source's precision.

The ``datetime`` attribute says which moment is meant; the text says how much of it the
reader was shown. The localized text shows the same parts (a date, a day without its
year, a year and month, a time of day, its seconds, its zone) in CLDR's patterns for the
target locale, in the page's configured style. What cannot be told reliably (a duration,
a week, a value HTML does not define, a text showing more than the value holds) raises
:class:`Unlocalizable`, and the caller keeps the source text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo
from typing import Literal

from babel import Locale
from babel.dates import format_date, format_datetime, format_skeleton

__all__ = ["Shown", "Stamp", "Unlocalizable", "localize", "parse_stamp", "shown_in"]

Kind = Literal["year", "month", "date", "yearless", "time", "datetime"]

# The valid forms of HTML's datetime value that name a moment or a day, longest first.
_DATE = r"(?P<year>\d{4,})-(?P<month>\d{2})-(?P<day>\d{2})"
_TIME = r"(?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:\.\d+)?)?"
_ZONE = r"(?P<zone>Z|[+-]\d{2}:?\d{2})"
_FORMS: tuple[tuple[Kind, re.Pattern[str]], ...] = (
    ("datetime", re.compile(rf"^{_DATE}[T ]{_TIME}{_ZONE}?$")),
    ("date", re.compile(rf"^{_DATE}$")),
    ("month", re.compile(r"^(?P<year>\d{4,})-(?P<month>\d{2})$")),
    ("year", re.compile(r"^(?P<year>\d{4,})$")),
    ("yearless", re.compile(r"^(?:--)?(?P<month>\d{2})-(?P<day>\d{2})$")),
    ("time", re.compile(rf"^{_TIME}$")),
)
# Values HTML defines but no calendar pattern tells: said by name in the finding.
_UNTOLD: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("a duration", re.compile(r"^(?:P(?:\d|T\d)|(?:\s*\d+(?:\.\d+)?\s*[wdhms]\s*)+$)", re.IGNORECASE)),
    ("a week", re.compile(r"^\d{4,}-W\d{2}$")),
    ("a time zone alone", re.compile(rf"^{_ZONE}$")),
)

# What the text shows, read the way English pages write dates and times.
_CLOCK = re.compile(r"(?<![\d:])(\d{1,2}):(\d{2})(?::(\d{2}))?(?![\d:])")
_MERIDIEM = re.compile(r"(?<![\w])\d{1,2}\s*[ap]\.?\s?m\b\.?|\b[ap]\.?\s?m\b\.?", re.IGNORECASE)
_ZONE_SHOWN = re.compile(r"\b(?:UTC|GMT|Z|[A-Z]{1,3}[SD]?T|MSK)\b|[+\u2212-]\d{2}:?\d{2}\b")
_NUMERIC_DATE = re.compile(r"\b\d{1,4}[./-]\d{1,2}[./-]\d{1,4}\b")
_MONTH_YEAR = re.compile(r"\b\d{1,2}[./-]\d{4}\b|\b\d{4}[./-]\d{1,2}\b")
_YEAR = re.compile(r"\b\d{4}\b|'\d{2}\b")
_DAY = re.compile(r"\b\d{1,2}(?:st|nd|rd|th)?\b", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]{3,}")

# Skeletons for a date shown in part, by the configured style.
_YEARLESS = {"full": "MMMMEEEEd", "long": "MMMMd", "medium": "MMMd", "short": "Md"}
_YEAR_MONTH = {"full": "yMMMM", "long": "yMMMM", "medium": "yMMM", "short": "yM"}
_SECONDS = re.compile(r"[:.]ss(?:[.,]S+)?")
_ZONE_FIELD = re.compile(r"z+")


class Unlocalizable(ValueError):
    """A ``<time>`` whose text cannot be told again in another language without loss."""


@dataclass(frozen=True)
class Stamp:
    """A parsed ``datetime`` value: what kind of value it is, the moment, its zone if any."""

    kind: Kind
    moment: datetime  # naive, in the value's own time; 2000-01-01 for what the value lacks
    zone: tzinfo | None = None

    @property
    def has_date(self) -> bool:
        return self.kind != "time"

    @property
    def has_time(self) -> bool:
        return self.kind in ("time", "datetime")


@dataclass(frozen=True)
class Shown:
    """The parts of a moment a text shows."""

    year: bool = False
    month: bool = False
    day: bool = False
    time: bool = False
    seconds: bool = False
    zone: bool = False

    @property
    def date(self) -> bool:
        return self.year or self.month or self.day


def parse_stamp(value: str) -> Stamp:
    """The :class:`Stamp` of an HTML ``datetime`` value, or :class:`Unlocalizable` saying why not."""
    value = value.strip()
    for kind, pattern in _FORMS:
        match = pattern.match(value)
        if match is None:
            continue
        parts = match.groupdict()
        try:
            moment = datetime(
                int(parts.get("year") or 2000), int(parts.get("month") or 1), int(parts.get("day") or 1),
                int(parts.get("hour") or 0), int(parts.get("minute") or 0), int(parts.get("second") or 0),
            )
        except ValueError:
            raise Unlocalizable(f"the datetime value {value!r} is no real date or time") from None
        return Stamp(kind, moment, _zone(parts.get("zone")))
    for name, pattern in _UNTOLD:
        if pattern.match(value):
            raise Unlocalizable(f"the datetime value {value!r} is {name}, which has no localized form")
    raise Unlocalizable(f"the datetime value {value!r} is not an HTML date or time")


def _zone(text: str | None) -> tzinfo | None:
    if text is None:
        return None
    if text == "Z":
        return timezone.utc
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return timezone(sign * offset)


def shown_in(text: str) -> Shown:
    """The parts of a moment that *text* shows (``Apr 16, 2015 8:02 pm UTC``: all but seconds)."""
    clock = _CLOCK.search(text)
    meridiem = _MERIDIEM.search(text)
    time = clock is not None or meridiem is not None
    seconds = clock is not None and clock.group(3) is not None
    rest = _CLOCK.sub(" ", text)
    rest = _MERIDIEM.sub(" ", rest)
    zone = time and _ZONE_SHOWN.search(rest) is not None
    if zone:
        rest = _ZONE_SHOWN.sub(" ", rest)
    if _NUMERIC_DATE.search(rest):
        return Shown(True, True, True, time, seconds, zone)
    if _MONTH_YEAR.search(rest):
        return Shown(True, True, False, time, seconds, zone)
    year = _YEAR.search(rest) is not None
    day = _DAY.search(_YEAR.sub(" ", rest)) is not None
    month = _WORD.search(rest) is not None and (year or day)
    return Shown(year, month, day, time, seconds, zone)


def localize(value: str, text: str, locale: str, style: str = "long") -> str:
    """*text*, the shown form of the ``datetime`` *value*, told in *locale* at the same precision.

    *style* is CLDR's ``short``, ``medium``, ``long`` or ``full``. Raises
    :class:`Unlocalizable` when the value cannot be parsed, names no moment or day, or holds
    less than the text shows; the caller keeps the text as it was.
    """
    stamp = parse_stamp(value)
    shown = shown_in(text)
    if not (shown.date or shown.time):
        raise Unlocalizable(f"the text {text.strip()!r} shows no date or time to localize")
    if shown.date and not stamp.has_date:
        raise Unlocalizable(f"the text {text.strip()!r} shows a date the value {value!r} does not hold")
    if shown.time and not stamp.has_time:
        raise Unlocalizable(f"the text {text.strip()!r} shows a time the value {value!r} does not hold")
    if shown.zone and stamp.zone is None:
        raise Unlocalizable(f"the text {text.strip()!r} shows a time zone the value {value!r} does not hold")
    cldr = Locale.parse(locale)
    try:
        day = _date_text(stamp, shown, cldr, style) if shown.date or not shown.time else ""
        clock = _time_text(stamp, shown, cldr) if shown.time else ""
    except (KeyError, ValueError) as exc:  # a locale whose CLDR data lacks a pattern
        raise Unlocalizable(f"CLDR has no pattern for this time in {locale} ({exc})") from None
    if not clock:
        return day
    if not day:
        return clock
    # CLDR's glue for a date and a time, as babel's format_datetime applies it.
    glue = str(cldr.datetime_formats[style]).replace("'", "")
    return glue.replace("{0}", clock).replace("{1}", day)


def _date_text(stamp: Stamp, shown: Shown, locale: Locale, style: str) -> str:
    moment = stamp.moment.date()
    if stamp.kind == "year" or (shown.year and not shown.month and not shown.day):
        return format_skeleton("y", moment, locale=locale)
    if stamp.kind == "month" or (shown.year and not shown.day):
        return format_skeleton(_YEAR_MONTH[style], moment, locale=locale)
    if stamp.kind == "yearless" or not shown.year:
        return format_skeleton(_YEARLESS[style], moment, locale=locale)
    return format_date(moment, format=style, locale=locale)


def _time_text(stamp: Stamp, shown: Shown, locale: Locale) -> str:
    # The long pattern holds the zone and the medium one does not; both hold seconds,
    # which go when the source did not show them ("HH:mm:ss z" -> "HH:mm z").
    pattern = str(locale.time_formats["long" if shown.zone else "medium"].pattern)
    if not shown.seconds:
        pattern = _SECONDS.sub("", pattern)
    zone = stamp.zone
    if zone is not None and zone.utcoffset(None) != timedelta(0):
        pattern = _ZONE_FIELD.sub("ZZZZ", pattern)  # "GMT+03:00", not a bare "+0300"
    moment = stamp.moment.replace(tzinfo=zone or timezone.utc)
    return format_datetime(moment, format=pattern, tzinfo=zone or timezone.utc, locale=locale)
