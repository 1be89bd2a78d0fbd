"""Answer verification: sentence splitting, figure normalisation, support checks and fragment links."""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.models import ArticleMeta, ArticleSummary, Passage, SearchHit, Span
from assistant.verify import (
    cited_numbers,
    number_supported,
    numbers_in,
    renumber,
    resolve_citations,
    split_answer,
    text_fragment_url,
    verify_sentences,
)

WHEN = datetime(2026, 3, 2, 9, 30)


def passage(text: str, n: int = 0, article: str = "feedc0de00000000") -> Passage:
    """A passage covering the whole of a one-passage article."""
    return Passage(
        id=f"{article}:{n:04d}", article_id=article, ordinal=n, span=Span(start=0, end=len(text)), text=text
    )


def hit(text: str, url: str | None, n: int = 0) -> SearchHit:
    """A search hit whose article has the given URL."""
    article = ArticleSummary(
        id=f"art{n:013d}", meta=ArticleMeta(url=url, title=f"T{n}"), ingested_at=WHEN, passages=1
    )
    return SearchHit(passage=passage(text, n, article.id), article=article, score=1.0 / (n + 1))


def figures(text: str) -> list[tuple[float, str]]:
    """(value, unit) of every figure in text."""
    return [(m.value, m.unit) for m in numbers_in(text)]


# ------------------------------------------------------------------------------------------- markers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Copper climbed 2.4% [1].", (1,)),
        ("Copper climbed 2.4% [2][3].", (2, 3)),
        ("Copper climbed 2.4% [2] [3].", (2, 3)),
        ("Copper climbed 2.4% [1, 3].", (1, 3)),
        ("Copper climbed 2.4% [1-3].", (1, 2, 3)),
        ("Copper climbed 2.4% [2–4].", (2, 3, 4)),
        ("Copper climbed 2.4%. [4]", (4,)),
        ("Copper climbed 2.4% [3] and zinc slipped [1].", (3, 1)),
        ("Copper climbed 2.4%.", ()),
    ],
)
def test_marker_variants(text: str, expected: tuple[int, ...]) -> None:
    [(sentence, cites)] = split_answer(text)
    assert cites == expected
    assert sentence == text  # markers stay in the sentence text


def test_markers_after_the_period_belong_to_the_sentence_before() -> None:
    text = (
        "Gold eased 0.8% on the week. [1] Silver held flat. [2][3] Platinum jumped 4 per cent.[4] Done [5]."
    )
    assert split_answer(text) == [
        ("Gold eased 0.8% on the week. [1]", (1,)),
        ("Silver held flat. [2][3]", (2, 3)),
        ("Platinum jumped 4 per cent.[4]", (4,)),
        ("Done [5].", (5,)),
    ]


def test_list_items_and_lines_are_sentences() -> None:
    text = "Highlights:\n1. Lumber rose 6% [2].\n2) Cocoa sank 11% [1].\n- Wheat was steady [3]."
    assert [c for _, c in split_answer(text)] == [(), (2,), (1,), (3,)]
    assert numbers_in("1. Lumber rose 6% [2].")[0].value == 6.0
    assert len(numbers_in("1. Lumber rose 6% [2].")) == 1


def test_cited_numbers_ignores_non_citation_brackets() -> None:
    assert cited_numbers("as of [2026], see [a] and [7]") == (7,)


# ------------------------------------------------------------------------------------------- figures


def test_percent_forms_are_equivalent() -> None:
    for claim in ("4.2%", "4.2 per cent", "4.2 percent", "4.20%", "4.2 pct", "4.2 percentage points"):
        [m] = numbers_in(f"Margins widened {claim} last quarter [1].")
        assert (m.value, m.unit) == (4.2, "pct")
        for source in ("margins up 4.2 per cent", "margins up 4.20%", "margins up 4.2percent"):
            assert number_supported(m, source), (claim, source)
    assert not number_supported(numbers_in("up 4.2%")[0], "margins up 4.3 per cent")


def test_signs_and_parentheses() -> None:
    assert figures("The yen weakened -0.47% while the won firmed (+0.91%) and the rand −1.1%.") == [
        (-0.47, "pct"),
        (0.91, "pct"),
        (-1.1, "pct"),
    ]


def test_money_scales() -> None:
    assert figures("outlays of $420 billion") == [(420e9, "usd")]
    assert figures("a $2 trillion market") == [(2e12, "usd")]
    assert figures("fees of $7,815 a year") == [(7815.0, "usd")]
    assert figures("a $3.4bn deal and a $900m stake and $12B more") == [
        (3.4e9, "usd"),
        (9e8, "usd"),
        (12e9, "usd"),
    ]
    assert figures("€1.2bn and £75 million") == [(1.2e9, "eur"), (75e6, "gbp")]
    claim = numbers_in("Spending reached $420 billion [1].")[0]
    for source in (
        "spending reached $420bn",
        "420 billion dollars of spending",
        "$0.42 trillion",
        "US$420 billion",
    ):
        assert number_supported(claim, source), source
    assert not number_supported(claim, "spending reached $420 million")
    assert not number_supported(claim, "spending reached €420 billion")


def test_ranges_give_both_ends() -> None:
    assert figures("guidance of $212-236 billion") == [(212e9, "usd"), (236e9, "usd")]
    assert figures("guidance of $41–49 billion") == [(41e9, "usd"), (49e9, "usd")]
    assert figures("a target band of 4.25%–4.50%") == [(4.25, "pct"), (4.5, "pct")]
    assert figures("a target band of 4.25-4.50%") == [(4.25, "pct"), (4.5, "pct")]
    assert figures("from $8 to $11 billion") == [(8e9, "usd"), (11e9, "usd")]
    assert figures("grew 15% to $90 billion") == [
        (15.0, "pct"),
        (90e9, "usd"),
    ]  # not a range of the same unit
    claim = numbers_in("The Fed kept its band at 4.25%–4.50% [1].")
    assert all(number_supported(m, "held rates in a 4.25 per cent to 4.5 per cent range") for m in claim)


def test_plain_numbers_basis_points_and_multiples() -> None:
    assert figures("about 31,500 staff, 2.7 million barrels, 48.3 points") == [
        (31500.0, "plain"),
        (2.7e6, "plain"),
        (48.3, "plain"),
    ]
    assert figures("a cut of 50 basis points, then 25bp and 10 bps") == [
        (50.0, "bp"),
        (25.0, "bp"),
        (10.0, "bp"),
    ]
    assert figures("trading at 7.5x sales and 19×") == [(7.5, "x"), (19.0, "x")]
    assert figures("a 25-basis-point cut and a $40-billion plan") == [(25.0, "bp"), (40e9, "usd")]
    assert number_supported(numbers_in("a 50 bp cut")[0], "lowered rates by 0.5 percentage point")
    assert number_supported(numbers_in("a 7.5x multiple")[0], "valued at 7.5 times sales")


def test_sign_insensitive_magnitude() -> None:
    [m] = numbers_in("Brent dropped -2.6% [1].")
    assert number_supported(m, "Brent crude tumbled more than 2.6% in late trade")
    [m] = numbers_in("Brent gained 2.6% [1].")
    assert number_supported(m, "Brent moved -2.6%")  # the words, not the sign, carry direction


def test_years_and_dates_are_not_figures() -> None:
    assert numbers_in("In 2027 the plan starts; the 2025-26 budget and fiscal 2024 stay.") == []
    assert numbers_in("On March 3, on Sept. 14th, on 9 October 2026, on 2026-03-03 and 3/9/2026.") == []
    assert numbers_in("By 4:30 p.m. on Tuesday in Q3 and FY2026, the 2nd and 21st sessions.") == []
    assert numbers_in("The S&P 500, the Russell 2000, the FTSE 100 and the Nikkei 225 were mixed.") == []
    assert figures("On March 3 the S&P 500 rose 1.4% [2].") == [(1.4, "pct")]
    assert figures("See https://news.example/2026/03/03/rally-123456 for the 1.4% move.") == [(1.4, "pct")]
    assert figures("It hit a 14-month low on May 8, down 2000 points.") == [
        (14.0, "plain"),
        (2000.0, "plain"),
    ]


def test_small_integers_must_match_exactly() -> None:
    [m] = numbers_in("Eleven of 12 sectors fell [1].")
    assert number_supported(m, "12 sectors")
    assert not number_supported(m, "13 sectors")
    [m] = numbers_in("Payrolls rose by 143,000 [1].")
    assert number_supported(m, "employers added 143,200 jobs")  # within 0.5%
    assert not number_supported(m, "employers added 150,000 jobs")


# ------------------------------------------------------------------------------------------- verification

FIVE = {
    1: passage("The Kospi index slid 2.8% on Thursday as chip makers sold off.", 1),
    2: passage("Hyundai said it would invest $21 billion in US plants through 2028.", 2),
    3: passage("Analysts expect the central bank to trim its base rate by 25 basis points.", 3),
    4: passage("The won weakened beyond 1,450 per dollar, a level last seen in 2009.", 4),
    5: passage("Samsung shares fell 3.9 per cent after the earnings miss.", 5),
}


def check(text: str, allow_uncited: bool = False) -> list[tuple[bool, str | None]]:
    """(supported, reason) of every sentence of text against FIVE."""
    return [(s.supported, s.reason) for s in verify_sentences(text, FIVE, allow_uncited=allow_uncited)]


def test_supported_sentences_pass() -> None:
    text = (
        "The Kospi fell 2.8% [1]. Hyundai plans to spend $21bn on American factories by 2028 [2]. "
        "A 25 bp cut is expected [3]. Chip makers led the decline [1]."
    )
    assert check(text) == [(True, None)] * 4
    sentences = verify_sentences(split_answer(text), FIVE)
    assert [s.citations for s in sentences] == [(1,), (2,), (3,), (1,)]


def test_citation_beyond_the_passages_fails() -> None:
    [(ok, reason)] = check("Exports held up well [9].")
    assert not ok
    assert reason == "cites [9] but only [1]-[5] exist"


def test_figure_absent_from_cited_passage_fails_even_if_another_passage_has_it() -> None:
    [(ok, reason)] = check("Samsung lost 3.9% after its results [1].")
    assert not ok
    assert reason == "3.9% is not in [1]"
    assert check("Samsung lost 3.9% after its results [5].") == [(True, None)]
    assert check("Samsung lost 3.9% after its results [1][5].") == [(True, None)]


def test_uncited_figure_fails_and_uncited_prose_needs_permission() -> None:
    [(ok, reason)] = check("The won traded near 1,450 per dollar.")
    assert not ok
    assert reason is not None and "cites nothing" in reason and "1,450" in reason
    assert check("The won traded near 1,450 per dollar.", allow_uncited=True)[0][0] is False
    assert check("Markets were nervous.") == [(False, "no citation")]
    assert check("Markets were nervous.", allow_uncited=True) == [(True, None)]


def test_several_problems_are_all_reported() -> None:
    [(ok, reason)] = check("The Kospi fell 2.8% and the won 0.6% [1][7].")
    assert not ok
    assert reason == "cites [7] but only [1]-[5] exist; 0.6% is not in [1]"


# ------------------------------------------------------------------------------------------- links


def test_fragment_encodes_reserved_characters() -> None:
    url = text_fragment_url("https://news.example/story", "M&A up, cross-border 5%")
    assert url == "https://news.example/story#:~:text=M%26A%20up%2C%20cross%2Dborder%205%25"


def test_fragment_for_long_passage_uses_start_and_end() -> None:
    text = (
        "Freight rates on the busiest Asia-Europe lanes rose for a third week, " * 3
        + "shippers said on Monday."
    )
    url = text_fragment_url("https://news.example/a", text)
    assert url == (
        "https://news.example/a#:~:text=Freight%20rates%20on%20the%20busiest,"
        "week%2C%20shippers%20said%20on%20Monday."
    )


def test_fragment_replaces_existing_fragment_and_prefers_quote() -> None:
    url = text_fragment_url("https://news.example/a?id=7#comments", "whole passage here", quote="the quote")
    assert url == "https://news.example/a?id=7#:~:text=the%20quote"
    assert text_fragment_url(None, "anything") is None
    assert text_fragment_url("https://news.example/a#x", "   ") == "https://news.example/a"


def test_resolve_citations_keeps_only_used_and_existing() -> None:
    hits = [hit(f"Passage number {i} says little.", f"https://news.example/{i}", i) for i in range(1, 4)]
    hits[1] = hit("No address for this one.", None, 2)
    citations = resolve_citations("First [3]. Second [1][3]. Third [2]. Bogus [8].", hits)
    assert [c.n for c in citations] == [1, 2, 3]
    assert citations[0].passage == hits[0].passage and citations[0].article == hits[0].article
    assert citations[0].url == "https://news.example/1#:~:text=Passage%20number%201%20says%20little."
    assert citations[1].url is None
    assert resolve_citations("Nothing cited.", hits) == ()


def test_renumber_by_first_use() -> None:
    text, mapping = renumber("Alpha [4]. Beta [2][4]. Gamma [3]. Delta [2, 5].", [2, 4, 5])
    assert mapping == {4: 1, 2: 2, 5: 3}
    assert text == "Alpha [1]. Beta [1][2]. Gamma. Delta [2][3]."


# ------------------------------------------------------------------------------------------- property

_FORMATS = ["{:.0f}", "{:.1f}", "{:.2f}", "{:,.2f}", "{:,.0f}", "{:.3f}"]
_DRESS = ["{}", "{}%", "${}", "${} billion", "{} per cent", "{} bps", "{}x"]


@settings(max_examples=300, deadline=None)
@given(
    value=st.floats(min_value=-1e7, max_value=1e7, allow_nan=False, allow_infinity=False),
    fmt=st.sampled_from(_FORMATS),
    dress=st.sampled_from(_DRESS),
)
def test_figure_copied_verbatim_is_supported(value: float, fmt: str, dress: str) -> None:
    figure = dress.format(fmt.format(value))
    claim = f"The measure came in at {figure} according to the report [1]."
    source = f"Officials said the reading was {figure}, higher than feared."
    mentions = numbers_in(claim)
    assert all(number_supported(m, source) for m in mentions), (figure, mentions)
    assert verify_sentences([(claim, (1,))], {1: passage(source)})[0].supported
