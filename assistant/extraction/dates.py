"""Event dates from news wording: "today", "yesterday", weekdays, "February 6", "6 February 2026", ISO dates.

Relative words are resolved against the article's publication date.  A month and day without a year take
the publication year, or the year before when that would put the day well after publication (a news
report looks back), unless the wording looks ahead ("will", "upcoming", "next").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from assistant.calendar import EXPRESSIONS, MONTHS, WEEKDAYS, month_number, valid_date

__all__ = [  # MONTHS and WEEKDAYS stay importable from here (assistant.retrieve imports them)
    "FUTURE_SLACK",
    "MONTHS",
    "WEEKDAYS",
    "DateMention",
    "date_mentions",
    "nearest_date",
    "reads_as_same_day",
    "resolve_event_date",
    "shifted",
]

FUTURE_SLACK = timedelta(days=7)  # a yearless day this far after publication is read as last year's

_LOOKS_AHEAD = re.compile(
    r"\b(?:will|upcoming|next|due|ahead|scheduled|expected to|set to|coming|awaits?|await(?:ing|ed))\b", re.I
)


@dataclass(frozen=True)
class DateMention:
    """A date expression in a text and the day it stands for."""

    start: int
    end: int
    day: date


def shifted(day: date, days: int) -> date | None:
    """The day so many days later (negative: earlier), or None when that leaves date.min..date.max."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return None


def _month_day(month: str, day: str, year: str | None, published: date | None, ahead: bool) -> date | None:
    """The date of a written month and day, with the year given or inferred from publication."""
    m, d = month_number(month), int(re.sub(r"\D", "", day))
    if year:
        return valid_date(int(year), m, d)
    if published is None:
        return None
    guess = valid_date(published.year, m, d)
    if guess is not None and guess - published > FUTURE_SLACK and not ahead:
        guess = valid_date(published.year - 1, m, d)
    return guess


def _weekday(name: str, rel: str | None, published: date | None) -> date | None:
    """The day a weekday name refers to: the most recent one on or before publication ("next": after)."""
    if published is None:
        return None
    wanted = WEEKDAYS.index(name.casefold())
    back = (published.weekday() - wanted) % 7
    rel = (rel or "").casefold()
    if rel in ("next", "coming"):
        return shifted(published, (wanted - published.weekday()) % 7 or 7)
    if rel == "last" and back == 0:
        back = 7
    return shifted(published, -back)


def _resolve(kind: str, m: re.Match[str], published: date | None, ahead: bool) -> date | None:
    """The day one matched expression stands for."""
    if kind == "iso":
        return valid_date(int(m["y"]), int(m["m"]), int(m["d"]))
    if kind in ("mdy", "dmy"):
        return _month_day(m["m"], m["d"], m["y"], published, ahead)
    if kind == "today":
        return published
    if kind == "yesterday":
        return shifted(published, -1) if published else None
    return _weekday(m["w"], m["rel"], published)


def date_mentions(text: str, published: date | None) -> list[DateMention]:
    """Every date expression in text that resolves to a day, in text order (overlaps keep the first found)."""
    ahead = bool(_LOOKS_AHEAD.search(text))
    found: list[DateMention] = []
    for kind, pattern in EXPRESSIONS:
        for m in pattern.finditer(text):
            if any(f.start < m.end() and m.start() < f.end for f in found):
                continue
            day = _resolve(kind, m, published, ahead)
            if day is not None:
                found.append(DateMention(m.start(), m.end(), day))
    return sorted(found, key=lambda f: f.start)


def resolve_event_date(sentence_or_context: str, published: date | None) -> date | None:
    """The first day the text names ("today", "yesterday", a weekday, "February 6", a full date), or None."""
    found = date_mentions(sentence_or_context, published)
    return found[0].day if found else None


def nearest_date(
    text: str, position: int, published: date | None, not_after: date | None = None
) -> date | None:
    """The day named closest before position, else the first after it; days after not_after are ignored."""
    found = [f for f in date_mentions(text, published) if not_after is None or f.day <= not_after]
    before = [f for f in found if f.start < position]
    if before:
        return before[-1].day
    return found[0].day if found else None


def reads_as_same_day(text: str, published: date | None) -> bool:
    """True when the text reports on its own publication day ("today", or names that day)."""
    if published is None:
        return False
    return any(f.day == published for f in date_mentions(text, published))
