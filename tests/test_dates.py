"""Event dates resolved from news wording against the publication date; question windows and publication
dates at the calendar's edges."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from itertools import pairwise
from pathlib import Path

import pytest

from assistant.extraction.dates import (
    date_mentions,
    nearest_date,
    reads_as_same_day,
    resolve_event_date,
    shifted,
)
from assistant.question import parse_question_dates
from assistant.question.dates import DateWindow
from ingest.extract import LATEST_AHEAD, extract_html, extract_markdown, plausible_date, publication_date
from ingest.files import manifest_meta

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


# --- the calendar's edges: a day that would leave date.min..date.max is unresolved, never a crash ----------


def test_shifted_stays_inside_the_calendar() -> None:
    assert shifted(date(2026, 3, 2), -3) == date(2026, 2, 27)
    assert shifted(date.min, -1) is None
    assert shifted(date.max, 1) is None
    assert shifted(date.max, -1) == date(9999, 12, 30)


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        ("Copper slipped last night on thin volume.", date.min, None),
        ("Dockers walked out last Friday.", date(1, 1, 3), None),  # a Wednesday; that Friday is in year 0
        ("The vote comes this coming Sunday.", date(9999, 12, 27), None),  # a Monday; Sunday is in 10000
        ("The auction closed on Monday.", date.min, date.min),  # 0001-01-01 is itself a Monday
        ("Quarry output rose today.", date.max, date.max),
    ],
)
def test_event_dates_at_the_calendar_edges(text: str, published: date, expected: date | None) -> None:
    assert resolve_event_date(text, published) == expected
    assert isinstance(reads_as_same_day(text, published), bool)


@pytest.mark.parametrize(
    ("question", "anchor"),
    [
        ("Did tin rally over the past seven days?", date(1, 1, 4)),
        ("What did the port say on Friday?", date(1, 1, 3)),
        ("How did barley trade during the previous week?", date(1, 1, 6)),
        ("Was there news in December?", date(1, 6, 1)),  # December of year 0
        ("What moved in the prior month?", date(1, 1, 31)),
        ("Why did rubber fall yesterday?", date.min),
    ],
)
def test_question_windows_off_the_calendar_are_none(question: str, anchor: date) -> None:
    assert parse_question_dates(question, anchor) is None


def test_question_windows_at_the_calendar_edges_that_exist() -> None:
    assert parse_question_dates("What happened this week?", date.min) == DateWindow(
        date.min, date.min, "this week"
    )
    assert parse_question_dates("What happened in March?", date(1, 6, 1)) == DateWindow(
        date(1, 3, 1), date(1, 3, 31), "in March"
    )
    today = parse_question_dates("What is moving today?", date.max)
    assert today is not None and today.reported(date.max) and not today.reported(date(9999, 12, 30))


# --- publication dates at ingest: outside 1900-01-01..(today + a year) they are unknown --------------------


def test_plausible_date_range() -> None:
    today = date(2026, 3, 2)
    assert plausible_date(date(1899, 12, 31), today) is None
    assert plausible_date(date(1900, 1, 1), today) == date(1900, 1, 1)
    assert plausible_date(today + LATEST_AHEAD, today) == today + LATEST_AHEAD
    assert plausible_date(today + LATEST_AHEAD + timedelta(days=1), today) is None
    assert plausible_date(None, today) is None
    assert plausible_date(date.min) is None and plausible_date(date.max) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-11-03", date(2025, 11, 3)),
        ("2025-11-03T16:45:00+01:00", date(2025, 11, 3)),
        (datetime(2025, 11, 3, 16, 45), date(2025, 11, 3)),
        ("0001-01-01", None),
        ("1776-07-04", None),
        ("9999-12-31T23:59:59Z", None),
        ("3026-01-01", None),
        ("not a date", None),
        (None, None),
    ],
)
def test_publication_date(value: object, expected: date | None) -> None:
    assert publication_date(value) == expected


def test_front_matter_dates_outside_the_range_are_unknown() -> None:
    body = "Kiln operators in the fictional town of Brackmoor raised tile prices for the spring season.\n"
    kept = extract_markdown(f"---\ntitle: Tile prices\ndate: 2025-04-09\n---\n{body}", "kept.md")
    assert kept.meta.published == date(2025, 4, 9)
    for stated in ("0001-01-01", "9999-12-31", "1066-10-14"):
        draft = extract_markdown(f"---\ntitle: Tile prices\npublished: {stated}\n---\n{body}", "odd.md")
        assert draft.meta.published is None, stated
        assert draft.meta.title == "Tile prices"


def test_manifest_dates_outside_the_range_are_unknown(tmp_path: Path) -> None:
    manifest = {
        "kiln.md": {"title": "Kiln", "published": "9999-12-31"},
        "quarry.txt": {"title": "Quarry", "date": "0001-01-01"},
        "ferry.txt": {"title": "Ferry", "published": "2025-08-19"},
    }
    (tmp_path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert manifest_meta(tmp_path / "kiln.md").published is None
    assert manifest_meta(tmp_path / "quarry.txt").published is None
    assert manifest_meta(tmp_path / "ferry.txt").published == date(2025, 8, 19)


def test_html_metadata_dates_outside_the_range_are_unknown(monkeypatch: pytest.MonkeyPatch) -> None:
    import trafilatura

    text = "Ferry operators on the fictional Lanner Strait cut winter sailings as fuel costs climbed."

    class _Document:
        def __init__(self, day: str) -> None:
            self.day = day

        def as_dict(self) -> dict[str, str]:
            return {"text": text, "title": "Ferry cuts", "date": self.day}

    for stated, expected in (("9999-12-31", None), ("0001-01-01", None), ("2025-12-01", date(2025, 12, 1))):
        monkeypatch.setattr(trafilatura, "bare_extraction", lambda *a, day=stated, **k: _Document(day))
        assert extract_html("<html></html>", "ferry.html").meta.published == expected, stated
