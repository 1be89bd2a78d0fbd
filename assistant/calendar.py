"""The calendar as news prose writes it: one month grammar, days, years, weekdays and date expressions.

Shared by event-date resolution (assistant.extraction.dates), the rule-based extractor and question dates:

- ``MONTH_NAMES`` / ``MONTHS`` / ``month_number()``: the month table ("Sept" -> 9);
- ``MONTH``: any written month, full or abbreviated ("February", "Feb", "Sept"); ``MONTH_FULL``: full names
  only; both are non-capturing groups, case as written (compile with re.I for any case);
- ``DAY_NUMBER``, ``ORDINAL``, ``DAY``, ``YEAR``, ``WEEKDAY``: the other parts (non-capturing);
- ``EXPRESSIONS``: the date expressions that name one day (ISO, month-day, day-month, today, yesterday,
  weekday), each with its kind;
- ``VAGUE_TIME``: wording that places an event in a period, not on a day ("in March", "last week");
- ``valid_date()``: a date, or None when the numbers make no calendar day.
"""

from __future__ import annotations

import re
from datetime import date

MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_EXTRA_SHORT = {"September": ("Sept",)}  # written forms besides the name and its first three letters
MONTHS = {name[:3].casefold(): number for number, name in enumerate(MONTH_NAMES, start=1)}  # "jan" -> 1
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _forms(name: str) -> list[str]:
    """The written forms of a month, longest first ("September", "Sept", "Sep")."""
    return sorted({name, name[:3], *_EXTRA_SHORT.get(name, ())}, key=len, reverse=True)


MONTH = "(?:" + "|".join(form for name in MONTH_NAMES for form in _forms(name)) + ")"
MONTH_FULL = "(?:" + "|".join(MONTH_NAMES) + ")"
DAY_NUMBER = r"(?:[12]\d|3[01]|0?[1-9])"
ORDINAL = r"(?:st|nd|rd|th)?"
DAY = DAY_NUMBER + ORDINAL
YEAR = r"(?:19|20)\d{2}"
WEEKDAY = "(?:" + "|".join(day.capitalize() for day in WEEKDAYS) + ")"


def month_number(name: str) -> int:
    """1-12 for a written month name or abbreviation (any case)."""
    return MONTHS[name[:3].casefold()]


def valid_date(year: int, month: int, day: int) -> date | None:
    """The date, or None when the numbers make no calendar day."""
    try:
        return date(year, month, day)
    except ValueError:
        return None


EXPRESSIONS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("iso", re.compile(rf"\b(?P<y>{YEAR})-(?P<m>\d{{2}})-(?P<d>\d{{2}})\b")),
    ("mdy", re.compile(rf"\b(?P<m>{MONTH})\.?\s+(?P<d>{DAY})(?![\d%])(?:,?\s+(?P<y>{YEAR})(?!\d))?")),
    ("dmy", re.compile(rf"\b(?P<d>{DAY})\s+(?P<m>{MONTH})\b\.?(?:,?\s+(?P<y>{YEAR})(?!\d))?")),
    ("today", re.compile(r"\b(?:today|tonight|this (?:morning|afternoon|evening)|earlier today)\b", re.I)),
    ("yesterday", re.compile(r"\b(?:yesterday|last night)\b", re.I)),
    (
        "weekday",
        re.compile(
            rf"\b(?:(?P<rel>last|next|this|coming)\s+)?(?P<w>{WEEKDAY})"
            rf"(?:['’]s)?\b(?!,?\s+(?:{MONTH})\.?\s+\d|,?\s+\d{{1,2}}\s)"
        ),
    ),
)  # groups: y, m, d (iso: numbers; mdy/dmy: m is a month word, d may carry an ordinal), rel and w

VAGUE_TIME = re.compile(
    rf"\bin (?:early |late |mid-?)?{MONTH_FULL}\b|\blast (?:week|month|year|quarter)\b|\bin {YEAR}\b|"
    r"\bearlier this (?:week|month|year)\b|\bover the past (?:week|month|year)\b"
)
