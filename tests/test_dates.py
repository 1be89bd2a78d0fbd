"""Event dates resolved from news wording against the publication date."""

from __future__ import annotations

from datetime import date
from itertools import pairwise

import pytest

from assistant.extraction.dates import date_mentions, nearest_date, reads_as_same_day, resolve_event_date

THU = date(2026, 1, 29)  # a Thursday
SUN = date(2026, 2, 8)  # a Sunday


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        ("Small caps held firm today as tech slid.", THU, THU),
        ("The central bank's decision yesterday surprised no one.", THU, date(2026, 1, 28)),
        ("Late yesterday evening the results landed.", date(2026, 3, 1), date(2026, 2, 28)),
        ("Stocks rallied on Friday after the jobs report.", SUN, date(2026, 2, 6)),
        ("Stocks rallied on Thursday.", THU, THU),
        ("Friday's session was calm.", date(2026, 2, 9), date(2026, 2, 6)),
        ("The index fell last Thursday.", THU, date(2026, 1, 22)),
        ("Results are due next Monday.", THU, date(2026, 2, 2)),
        ("The rally began on February 6.", SUN, date(2026, 2, 6)),
        ("The rally began on Feb. 6.", SUN, date(2026, 2, 6)),
        ("The rally began on 6 February.", SUN, date(2026, 2, 6)),
        ("The minutes of December 17 showed a split.", date(2026, 1, 5), date(2025, 12, 17)),
        ("Chipmakers report on February 25.", SUN, date(2025, 2, 25)),
        ("Nvidia will report on February 25.", SUN, date(2026, 2, 25)),
        ("The events of January 29, 2026, were dramatic.", None, date(2026, 1, 29)),
        ("Filed on 2025-11-03 with regulators.", SUN, date(2025, 11, 3)),
        ("Published 6 February 2026 by the desk.", None, date(2026, 2, 6)),
        ("The Fed moved on Wednesday, January 28, as expected.", THU, date(2026, 1, 28)),
    ],
)
def test_resolve_event_date(text: str, published: date | None, expected: date) -> None:
    assert resolve_event_date(text, published) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Stocks drifted with no date given.",
        "The index rose 2026 points?",  # a bare year is not a day
        "Shares are up 25% in 2025.",
        "The peak came in December 2024.",
        "May investors stay calm.",
    ],
)
def test_no_date(text: str) -> None:
    assert resolve_event_date(text, SUN) is None


def test_relative_words_need_a_publication_date() -> None:
    assert resolve_event_date("It happened yesterday, on Friday, on February 6.", None) is None


def test_invalid_calendar_day_is_skipped() -> None:
    assert resolve_event_date("Due February 30 or on March 2.", SUN) == date(2026, 3, 2)


def test_nearest_date_prefers_the_closest_before() -> None:
    text = "On January 28 the Fed held, and on January 29 Microsoft fell 12%."
    assert nearest_date(text, text.index("Microsoft"), THU) == date(2026, 1, 29)
    assert nearest_date(text, text.index("the Fed"), THU) == date(2026, 1, 28)
    assert nearest_date("Microsoft fell 12% on Thursday.", 0, THU) == THU


def test_mentions_are_in_text_order_and_do_not_overlap() -> None:
    found = date_mentions("On Friday, February 6, and then today.", SUN)
    assert [f.day for f in found] == [date(2026, 2, 6), SUN]  # "Friday, February 6" is one date
    assert all(a.end <= b.start for a, b in pairwise(found))


def test_same_day_report() -> None:
    assert reads_as_same_day("Markets fell today.", THU)
    assert reads_as_same_day("The close on January 29 was weak.", THU)
    assert reads_as_same_day("Thursday's session was weak.", THU)
    assert not reads_as_same_day("On February 6 the Russell 2000 rose.", SUN)
    assert not reads_as_same_day("Markets fell today.", None)
