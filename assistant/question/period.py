"""The reporting period a text names: years, quarters, halves, or a whole (fiscal) year.

A question asks for a figure of one period ("its fiscal fourth quarter", "at the end of 2021"); a sentence
that states the figure of another ("for the fiscal year", "between 2016 and 2018", "in the third quarter")
does not answer it.  `Period.clashes` says when two periods cannot be the same; a text that names no
period clashes with nothing (it may well be the asked one).  The words are data (`questions.toml`,
`[period]`).
"""

from __future__ import annotations

import re
from functools import lru_cache

from assistant import knowledge
from assistant.models import Frozen

_YEAR = re.compile(r"(?<![\d.,$])((?:19|20)\d\d)(?:\s*[/-]\s*(\d\d))?(?![\d%])")


class Period(Frozen):
    """Years, quarter and half numbers a text names, and whether it speaks of a whole year."""

    text: str = ""  # the words that named it (first match), for messages
    years: frozenset[int] = frozenset()
    quarters: frozenset[int] = frozenset()
    halves: frozenset[int] = frozenset()
    whole_year: bool = False

    @property
    def named(self) -> bool:
        """True when the text names any period."""
        return bool(self.years or self.quarters or self.halves or self.whole_year)

    def clashes(self, other: Period) -> bool:
        """True when the other period cannot be this one: other years, another quarter or half, a whole
        year for a part of one, or a part for a whole year."""
        if self.years and other.years and not self.years & other.years:
            return True
        for mine, theirs in ((self.quarters, other.quarters), (self.halves, other.halves)):
            if mine and theirs and not mine & theirs:
                return True
        part_asked = bool(self.quarters or self.halves)
        part_given = bool(other.quarters or other.halves)
        if part_asked and not part_given and other.whole_year:
            return True
        return self.whole_year and not part_asked and part_given and not other.whole_year


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], dict[str, int]]:
    """Quarter, half and whole-year patterns built from the data's ordinals and words."""
    words = knowledge.period_words()
    ordinals = {k.casefold(): v for k, v in words.ordinals.items()}
    number = "|".join(sorted((re.escape(k) for k in ordinals), key=len, reverse=True))
    quarter = re.compile(
        rf"\b(?:(?P<word>{number})(?:\s+fiscal)?[\s-]+quarter|Q(?P<q>[1-4])|(?P<n>[1-4])Q)\b", re.IGNORECASE
    )
    half = re.compile(rf"\b(?:(?P<word>{number})[\s-]+half|H(?P<h>[12]))\b", re.IGNORECASE)
    whole = re.compile(r"\b(?:" + "|".join(words.whole_year) + r")\b", re.IGNORECASE)
    return quarter, half, whole, ordinals


def _named_number(text: str, at: int) -> bool:
    """True when the number is part of a name ("Russell 2000", "Vision 2030"): right after a capitalised
    word that is no month ("March 2026" is a date)."""
    before = re.search(r"([A-Z][\w&.]*)\s+$", text[:at])
    if before is None:
        return False
    word = before.group(1).rstrip(".").casefold()
    return word not in month_words() and word not in ("fy", "fiscal")


@lru_cache(maxsize=1)
def month_words() -> frozenset[str]:
    """Month names and abbreviations, case folded (read for every sentence checked: built once)."""
    return frozenset(w.casefold() for m in knowledge.calendar().months for w in (m.name, *m.abbreviations))


def period_of(text: str) -> Period:
    """The period a text names (empty when it names none)."""
    quarter, half, whole, ordinals = _patterns()
    years: set[int] = set()
    first: list[tuple[int, str]] = []
    for m in _YEAR.finditer(text):
        if _named_number(text, m.start()) or re.search(r"\bsince\s+(?:\w+\.?\s+){0,2}$", text[: m.start()]):
            continue  # "Russell 2000"; "its best week since 2020" compares, it names no period
        years.add(int(m.group(1)))
        if m.group(2):
            years.add(int(m.group(1)[:2] + m.group(2)))
        first.append((m.start(), m.group(0)))
    quarters = set()
    for m in quarter.finditer(text):
        quarters.add(int(m.group("q") or m.group("n") or ordinals.get(m.group("word").casefold(), 0)))
        first.append((m.start(), m.group(0)))
    halves = set()
    for m in half.finditer(text):
        halves.add(int(m.group("h") or ordinals.get(m.group("word").casefold(), 0)))
        first.append((m.start(), m.group(0)))
    whole_year = whole.search(text)
    if whole_year:
        first.append((whole_year.start(), whole_year.group(0)))
    return Period(
        text=min(first)[1] if first else "",
        years=frozenset(years),
        quarters=frozenset(quarters - {0}),
        halves=frozenset(h for h in halves if h in (1, 2)),
        whole_year=bool(whole_year),
    )
