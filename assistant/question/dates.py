"""The days a question asks about: dates, months, parts of months, weeks and weekdays, resolved to a window.

Yearless dates take the most recent such day on or before an anchor (the library's newest article date);
relative words ("yesterday", "last week") count from the anchor.  Without an anchor only dates with a
year resolve.  Hand-written patterns: dateparser and friends parse one date string, not every date
expression inside a question, and none reads "late January" or "last Friday" as a window.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from assistant.extraction.dates import MONTHS, WEEKDAYS, shifted

REPORT_LAG = timedelta(days=2)  # a day's events are reported that day or up to two days later


@dataclass(frozen=True)
class DateWindow:
    """The days a question asks about: [start, end], both inclusive, and the words that said so."""

    start: date
    end: date
    text: str = ""

    def contains(self, day: date | None) -> bool:
        """True when day falls in the window."""
        return day is not None and self.start <= day <= self.end

    def reported(self, published: date | None) -> bool:
        """True when an article published on that day can report on the window (same day or just after)."""
        return published is not None and self.start <= published and published - self.end <= REPORT_LAG


_MONTH = (
    r"(?P<m>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
_DAY = r"(?P<d>[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?(?!\d)"
_YEAR = r"(?P<y>(?:19|20)\d{2})(?!\d)"
_PART = r"(?P<part>early|mid|late|the\s+(?:start|beginning|middle|end)\s+of|(?:start|beginning|end)\s+of)"
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.IGNORECASE))
    for kind, pattern in (
        ("iso", rf"\b{_YEAR}-(?P<mm>\d{{2}})-(?P<dd>\d{{2}})\b"),
        ("part", rf"\b{_PART}[\s-]+{_MONTH}\b\.?(?:,?\s+{_YEAR})?"),
        ("mdy", rf"\b{_MONTH}\b\.?\s+{_DAY}(?:,?\s+{_YEAR})?"),
        ("dmy", rf"\b{_DAY}\s+(?:of\s+)?{_MONTH}\b\.?(?:,?\s+{_YEAR})?"),
        ("month", rf"\b{_MONTH}\b\.?,?\s+{_YEAR}"),
        ("month", rf"\b(?:in|during|since|through|throughout|over|for|of)\s+{_MONTH}\b(?!\s*\d)"),
        ("month", rf"\b{_MONTH}['’]s\b"),
        ("today", r"\b(?:today|tonight|this\s+(?:morning|afternoon|session))\b"),
        ("yesterday", r"\byesterday\b"),
        ("this_week", r"\bthis\s+week\b"),
        ("last_week", r"\b(?:last|previous|prior)\s+week\b"),
        ("past_week", r"\b(?:past|last)\s+(?:7|seven)\s+days\b|\bpast\s+week\b"),
        ("this_month", r"\bthis\s+month\b"),
        ("last_month", r"\b(?:last|previous|prior)\s+month\b"),
        (
            "weekday",
            r"\b(?:(?P<rel>last|this|on)\s+)?(?P<w>monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
            r"(?:['’]s)?\b",
        ),
    )
)


def _part_of_month(words: str) -> tuple[int, int | None]:
    """First and last day of "early" (1-10), "mid" (10-20) or "late" (20-end) in a month."""
    words = words.casefold()
    if any(w in words for w in ("early", "start", "beginning")):
        return 1, 10
    return (10, 20) if "mid" in words else (20, None)


def _month_number(name: str) -> int:
    """1-12 for a written month name or abbreviation."""
    return MONTHS[name[:3].casefold()]


def _last_day(year: int, month: int) -> int:
    """The number of days in a month."""
    return calendar.monthrange(year, month)[1]


def _valid(year: int, month: int, day: int) -> date | None:
    """The date, or None when the numbers make no calendar day."""
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _recent_day(month: int, day: int, anchor: date) -> date | None:
    """The most recent such day on or before the anchor (up to four years back), else the anchor's year's."""
    for year in range(anchor.year, anchor.year - 5, -1):
        found = _valid(year, month, day)
        if found is not None and found <= anchor:
            return found
    return _valid(anchor.year, month, day)


def _month_window(
    month: int, year: int | None, anchor: date | None, first: int, last: int | None
) -> DateWindow | None:
    """Days first..last of a month (last None: its end); a missing year is the latest one not after anchor."""
    if year is None:
        if anchor is None:
            return None
        year = anchor.year if date(anchor.year, month, first) <= anchor else anchor.year - 1
    if year < date.min.year:
        return None  # the anchor's year is the calendar's first: no earlier year to take
    end = min(last or 31, _last_day(year, month))
    return DateWindow(date(year, month, first), date(year, month, end))


def _day_window(day: date | None) -> DateWindow | None:
    """A one-day window."""
    return DateWindow(day, day) if day is not None else None


def _span_window(start: date | None, end: date | None) -> DateWindow | None:
    """The window start..end, or None when either end left the calendar."""
    return DateWindow(start, end) if start is not None and end is not None else None


def _week_window(anchor: date, weeks_back: int) -> DateWindow | None:
    """Monday to Sunday, weeks_back weeks before the anchor's week (which ends at the anchor)."""
    monday = shifted(anchor, -(anchor.weekday() + 7 * weeks_back))
    if monday is None:
        return None
    return DateWindow(monday, anchor if weeks_back == 0 else monday + timedelta(days=6))


def _weekday(name: str, rel: str | None, anchor: date) -> date | None:
    """The most recent such weekday on or before the anchor ("last Friday" on a Friday: a week before)."""
    back = (anchor.weekday() - WEEKDAYS.index(name.casefold())) % 7
    if (rel or "").casefold() == "last" and back == 0:
        back = 7
    return shifted(anchor, -back)


def _last_month(anchor: date) -> DateWindow | None:
    """The whole month before the anchor's, or None in the calendar's first month."""
    end = shifted(anchor.replace(day=1), -1)
    return DateWindow(end.replace(day=1), end) if end is not None else None


def _relative(kind: str, m: re.Match[str], anchor: date) -> DateWindow | None:
    """Windows for words relative to the anchor (today, yesterday, weeks, months, weekdays), or None."""
    if kind == "today":
        return _day_window(anchor)
    if kind == "yesterday":
        return _day_window(shifted(anchor, -1))
    if kind in ("this_week", "last_week"):
        return _week_window(anchor, 0 if kind == "this_week" else 1)
    if kind == "past_week":
        return _span_window(shifted(anchor, -6), anchor)
    if kind == "this_month":
        return DateWindow(anchor.replace(day=1), anchor)
    if kind == "last_month":
        return _last_month(anchor)
    return _day_window(_weekday(m["w"], m["rel"], anchor))


def _window(kind: str, m: re.Match[str], anchor: date | None) -> DateWindow | None:
    """The window one matched expression stands for, or None when it cannot be resolved."""
    year = int(m["y"]) if "y" in m.re.groupindex and m["y"] else None
    if kind == "iso":
        return _day_window(_valid(int(m["y"]), int(m["mm"]), int(m["dd"])))
    if kind in ("mdy", "dmy"):
        month, day = _month_number(m["m"]), int(m["d"])
        if year is not None:
            return _day_window(_valid(year, month, day))
        return _day_window(_recent_day(month, day, anchor)) if anchor else None
    if kind == "part":
        first, last = _part_of_month(m["part"])
        return _month_window(_month_number(m["m"]), year, anchor, first, last)
    if kind == "month":
        if (
            m["m"].casefold() == "may"
            and year is None
            and not m.group(0).casefold().startswith(("in", "during"))
        ):
            return None  # "may" is usually the verb
        return _month_window(_month_number(m["m"]), year, anchor, 1, None)
    return _relative(kind, m, anchor) if anchor is not None else None


def date_expressions(question: str, anchor: date | None) -> list[DateWindow]:
    """Every date expression in the question that resolves, in question order (overlaps keep the first)."""
    found: list[tuple[int, int, DateWindow]] = []
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(question):
            if any(s < m.end() and m.start() < e for s, e, _ in found):
                continue
            window = _window(kind, m, anchor)
            if window is not None:
                found.append((m.start(), m.end(), DateWindow(window.start, window.end, m.group(0).strip())))
    return [w for _, _, w in sorted(found, key=lambda f: f[0])]


def parse_question_dates(question: str, anchor: date | None) -> DateWindow | None:
    """The days the question asks about (several dates: the span from first to last), or None.

    Yearless dates take the most recent such day on or before the anchor (the library's newest article
    date); relative words ("yesterday", "last week") count from the anchor.  Without an anchor only
    dates with a year resolve.
    """
    windows = date_expressions(question, anchor)
    if not windows:
        return None
    return DateWindow(
        min(w.start for w in windows), max(w.end for w in windows), "; ".join(w.text for w in windows)
    )
