"""The rule-based extractor on sentences written for these tests, plus the shared seed articles."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.evaluate import load_gold, score
from assistant.extraction.names import Lexicon, company_name, group_for
from assistant.extraction.rules import RulesExtractor
from assistant.facts import Fact, is_grounded
from assistant.models import Article, ArticleMeta

SHARED = Path(__file__).resolve().parents[2] / "shared"
FRI = date(2026, 3, 6)  # a Friday


def extract(text: str, published: date | None = FRI, title: str | None = None) -> list[Fact]:
    """Facts of a one-off article; every fact must be grounded."""
    article = Article.create(text, ArticleMeta(published=published, title=title), datetime(2026, 3, 7))
    facts = RulesExtractor().extract(article)
    assert all(is_grounded(f, article.text) for f in facts)
    return facts


def of_kind(text: str, kind: str, published: date | None = FRI) -> list[Fact]:
    """Facts of one kind."""
    return [f for f in extract(text, published) if f.kind == kind]


def values(facts: list[Fact]) -> dict[str, float | None]:
    """Subject -> main value."""
    return {f.subject: f.main_value() for f in facts}


# ---------------------------------------------------------------- index moves


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The Dow Jones Industrial Average climbed 1.2% on Tuesday.", {"Dow Jones Industrial Average": 1.2}),
        ("The tech-heavy Nasdaq Composite tumbled 2.4% as chipmakers sold off.", {"Nasdaq Composite": -2.4}),
        ("By the close the S&P 500 ended the session 0.8% lower.", {"S&P 500": -0.8}),
        (
            "Small caps shone: the Russell 2000 notched a 2.9% advance, ahead of the S&P 500's 0.4% gain.",
            {"Russell 2000": 2.9, "S&P 500": 0.4},
        ),
        (
            "In Europe the Stoxx 600 (+0.6%) outpaced the FTSE 100 (-0.3%).",
            {"Stoxx 600": 0.6, "FTSE 100": -0.3},
        ),
        ("The FTSE 100 lost as much as 1.5% before recovering.", {"FTSE 100": -1.5}),
        ("Traders blamed bond yields for a 3% drop in the Nasdaq 100.", {"Nasdaq 100": -3.0}),
        (
            "The Dow and the S&P 500 rose 0.5% and 0.7%, respectively.",
            {"Dow Jones Industrial Average": 0.5, "S&P 500": 0.7},
        ),
        ("It was a rough week, and the Nasdaq 100 slumped more than 4%.", {"Nasdaq 100": -4.0}),
        ("The Russell 2000, the small-cap benchmark, ended the day up 1.1%.", {"Russell 2000": 1.1}),
    ],
)
def test_index_moves(text: str, expected: dict[str, float]) -> None:
    assert values(of_kind(text, "index_move")) == expected


def test_index_move_from_the_high_and_a_long_name_containing_sp500() -> None:
    facts = of_kind(
        "The S&P North American Technology Software Index now stands 27% below its peak.", "index_move"
    )
    assert len(facts) == 1
    assert facts[0].subject == "S&P North American Technology Software Index"
    assert facts[0].main_value() == -27.0 and facts[0].period == "from high"
    assert not of_kind(
        "Analysts track the S&P North American Technology Software Index closely.", "index_move"
    )


def test_points_and_percent_together() -> None:
    (fact,) = of_kind("The Dow Jones Industrial Average fell 520 points, or 1.1%, on Thursday.", "index_move")
    assert fact.main_value() == -1.1
    assert fact.points == -520.0
    assert fact.as_of == date(2026, 3, 5)


@pytest.mark.parametrize(
    "text",
    [
        "The Magnificent Seven account for 34% of the S&P 500.",  # a share, not a move
        "Technology has a 31% weighting in the S&P 500.",
        "The S&P 500 slipped to 6,800 after the report.",  # a level reached, not a change
        "The Nasdaq 100 has a 40% chance of a correction, one strategist reckons.",
        "Earnings for the S&P 500 are forecast to grow 12% in 2026.",
        "The Nasdaq 100 was created in 1985 and rebalanced in 2023.",
        "Revenue at the firm rose 15% year-over-year, and the Nasdaq 100 closed higher.",
    ],
)
def test_percentages_that_are_not_index_moves(text: str) -> None:
    assert not of_kind(text, "index_move")


# ---------------------------------------------------------------- sector moves


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Energy shares led, jumping 2.2%, while utilities slid 0.9%.", {"Energy": 2.2, "Utilities": -0.9}),
        (
            "Financials rose 1.1%, industrials 0.9% and materials 0.4%.",
            {"Financials": 1.1, "Industrials": 0.9, "Materials": 0.4},
        ),
        (
            "Defensive groups held up: consumer staples (+0.4%) and health care (-0.7%).",
            {"Consumer Staples": 0.4, "Health Care": -0.7},
        ),
        ("Information technology was the laggard, shedding 1.6%.", {"Information Technology": -1.6}),
        ("Real estate posted a 2.5% gain for the week.", {"Real Estate": 2.5}),
        (
            "Utilities, energy and real estate gained, by 0.3%, 0.8% and 1.4% respectively.",
            {"Utilities": 0.3, "Energy": 0.8, "Real Estate": 1.4},
        ),
    ],
)
def test_sector_moves(text: str, expected: dict[str, float]) -> None:
    assert values(of_kind(text, "sector_move")) == expected


def test_flat_is_a_move_of_zero() -> None:
    (fact,) = of_kind("The Russell 2000 finished flat while bonds rallied.", "index_move")
    assert fact.main_value() == 0.0


def test_sector_word_without_a_move_is_nothing() -> None:
    assert not extract("Energy now makes up 4% of the index, and technology 31%.")


# ---------------------------------------------------------------- stock moves


def test_stock_move_with_listing_and_qualifiers() -> None:
    (fact,) = of_kind("Oracle Corp (NYSE: ORCL) sank 9.5% after its guidance disappointed.", "stock_move")
    assert (fact.subject, fact.ticker, fact.main_value()) == ("Oracle", "ORCL", -9.5)
    (fact,) = of_kind("Shares of Palantir jumped nearly 8% in early trading.", "stock_move")
    assert fact.main_value() == 8.0 and fact.qualifier == "nearly, intraday"
    (fact,) = of_kind("Tesla slumped over 6% by midday.", "stock_move")
    assert fact.main_value() == -6.0 and "more than" in fact.qualifier


def test_unknown_company_named_with_a_listing() -> None:
    (fact,) = of_kind(
        "Harbor Freightways Inc (NASDAQ: HBFW), which soared 21%, led the transports.", "stock_move"
    )
    assert (fact.subject, fact.ticker, fact.main_value()) == ("Harbor Freightways", "HBFW", 21.0)


def test_stock_moves_in_lists_and_respectively() -> None:
    assert values(of_kind("Intel fell 3% and AMD 5% as the chip selloff deepened.", "stock_move")) == {
        "Intel": -3.0,
        "Advanced Micro Devices": -5.0,
    }
    facts = of_kind("Adobe Inc (NASDAQ: ADBE) and Workday were up 2% and 4% respectively.", "stock_move")
    assert values(facts) == {"Adobe": 2.0, "Workday": 4.0}


def test_pronoun_shares_take_the_company_named_before() -> None:
    text = "Snowflake reported a wider loss after the bell. The shares dropped 11% in extended trading."
    (fact,) = of_kind(text, "stock_move")
    assert (fact.subject, fact.main_value()) == ("Snowflake", -11.0)


@pytest.mark.parametrize(
    "text",
    [
        "Nvidia's revenue grew 60% year-over-year.",
        "Apple has a 7% weighting in the index.",
        "Microsoft said cloud margins rose 2%.",
        "Barclays analysts expect a 20% drop in Meta's free cash flow.",
        "Amazon's stake of 15% in the venture was disclosed.",
    ],
)
def test_percentages_that_are_not_stock_moves(text: str) -> None:
    assert not of_kind(text, "stock_move")


# ---------------------------------------------------------------- capex


def test_capex_single_company_and_fiscal_year() -> None:
    (fact,) = of_kind("Oracle expects capital expenditures of roughly $35 billion in fiscal 2027.", "capex")
    assert (fact.subject, fact.main_value(), fact.period) == ("Oracle", 35e9, "2027")


def test_capex_group_range() -> None:
    text = (
        "Together, Alphabet, Amazon, Meta and Microsoft plan to spend between $500 billion and $550 billion."
    )
    (fact,) = of_kind(text, "capex")
    assert fact.amount_usd_low == 500e9 and fact.amount_usd_high == 550e9
    assert set(fact.members) == {"Alphabet", "Amazon", "Meta Platforms", "Microsoft"}
    (fact,) = of_kind("Meta set its capex budget at $115-135 billion for the year.", "capex")
    assert (fact.amount_usd_low, fact.amount_usd_high) == (115e9, 135e9)


def test_capex_possessive_and_trillion_scale() -> None:
    (fact,) = of_kind("Microsoft's $80 billion data-center budget drew scrutiny.", "capex")
    assert (fact.subject, fact.main_value()) == ("Microsoft", 80e9)
    (fact,) = of_kind(
        "Analysts think the hyperscalers could spend $1.2 trillion on AI capex by 2028.", "capex"
    )
    assert fact.main_value() == 1.2e12 and fact.period == "2028"


def test_capex_year_on_year_and_pronoun() -> None:
    text = (
        "Alphabet reported late. It disclosed capex of $24 billion for the quarter, up 40% from a year ago."
    )
    (fact,) = of_kind(text, "capex")
    assert (fact.subject, fact.main_value(), fact.yoy_pct, fact.period) == (
        "Alphabet",
        24e9,
        40.0,
        "quarter",
    )


@pytest.mark.parametrize(
    "text",
    [
        "Software stocks have lost $800 billion in market value.",
        "Amazon reported revenue of $180 billion.",
        "Microsoft bought back $10 billion of stock.",
        "Nvidia is valued at $4 trillion.",
        "In 2026 the company will spend more on research.",  # a year is not an amount
    ],
)
def test_amounts_that_are_not_capex(text: str) -> None:
    assert not of_kind(text, "capex")


# ---------------------------------------------------------------- prices


def test_price_levels() -> None:
    (oil,) = of_kind("Brent crude rose to $84.20 a barrel, a five-month high.", "price_level")
    assert (oil.subject, oil.main_value(), oil.unit, oil.qualifier) == (
        "Brent crude",
        84.2,
        "barrel",
        "5-month high",
    )
    (silver,) = of_kind("Silver touched a record high of $38.50 an ounce on Friday.", "price_level")
    assert (silver.main_value(), silver.qualifier, silver.as_of) == (38.5, "all-time high", FRI)
    (btc,) = of_kind("Bitcoin fell 7% to $81,250, its lowest level in nine months.", "price_level")
    assert (btc.main_value(), btc.qualifier) == (81250.0, "9-month low")


@pytest.mark.parametrize(
    "text",
    [
        "Gold miners' shares rose to $45 apiece.",
        "Bitcoin funds drew $1.2 billion of inflows.",
        "Investors poured $3 billion into gold ETFs in 2025.",
    ],
)
def test_amounts_that_are_not_prices(text: str) -> None:
    assert not of_kind(text, "price_level")


# ---------------------------------------------------------------- rate decisions


def test_rate_decisions() -> None:
    (ecb,) = of_kind(
        "The European Central Bank cut its deposit rate by 25 basis points to 2.00% on Thursday.",
        "rate_decision",
    )
    assert (ecb.subject, ecb.action, ecb.rate_low, ecb.change_bp) == (
        "European Central Bank",
        "cut",
        2.0,
        -25.0,
    )
    assert ecb.as_of == date(2026, 3, 5)
    (boe,) = of_kind("The Bank of England kept Bank Rate at 4% yesterday.", "rate_decision")
    assert (boe.action, boe.rate_low, boe.as_of) == ("hold", 4.0, date(2026, 3, 5))
    (fed,) = of_kind("The Fed raised its target range to 5.25%–5.50%.", "rate_decision")
    assert (fed.action, fed.rate_low, fed.rate_high) == (
        "hike",
        5.25,
        5.5,
    )


def test_rate_decision_pronoun_and_no_number() -> None:
    text = "The Federal Reserve met this week. On Wednesday it held rates at 3.50%–3.75%."
    (fact,) = of_kind(text, "rate_decision")
    assert fact.subject == "Federal Reserve" and fact.as_of == date(2026, 3, 4)
    assert not of_kind("The Fed has cut three times since September.", "rate_decision")


# ---------------------------------------------------------------- metrics


def test_growth_against_expectations() -> None:
    (fact,) = of_kind("Google Cloud revenue growth of 28% beat the 25% analysts expected.", "metric")
    assert (fact.subject, fact.main_value(), fact.expected) == ("Google Cloud", 28.0, 25.0)
    text = "Microsoft said its Azure business grew 31%, short of the 33% consensus estimate."
    (fact,) = of_kind(text, "metric")
    assert (fact.subject, fact.main_value(), fact.expected) == ("Microsoft Azure", 31.0, 33.0)


def test_valuation_ratios() -> None:
    text = "The Nasdaq 100 trades at 28 times forward earnings, versus 21 times for the S&P 500."
    facts = of_kind(text, "metric")
    assert values(facts) == {"Nasdaq 100": 28.0, "S&P 500": 21.0}
    assert {f.metric for f in facts} == {"price-to-earnings"}
    (fact,) = of_kind("Banks in the FTSE 100 carry a price-to-book ratio of 0.9.", "metric")
    assert (fact.subject, fact.main_value()) == ("FTSE 100", 0.9)


def test_index_weights() -> None:
    (fact,) = of_kind("Nvidia's weighting in the S&P 500 rose to 7.5% from 6.1% a year ago.", "metric")
    assert (fact.subject, fact.main_value(), fact.previous) == ("Nvidia", 7.5, 6.1)
    text = "The Magnificent Seven move together. Their weight in the Nasdaq 100 has fallen to 41% from 44%."
    (fact,) = of_kind(text, "metric")
    assert (fact.subject, fact.main_value(), fact.metric) == (
        "Magnificent Seven",
        41.0,
        "weight in Nasdaq 100",
    )
    (fact,) = of_kind(
        "The S&P 500 now represents 62.5% of the MSCI World's market capitalisation, down from 64%.", "metric"
    )
    assert (fact.subject, fact.metric, fact.previous) == (
        "S&P 500",
        "weight in MSCI World",
        64.0,
    )


def test_cash_flow_and_value_losses() -> None:
    (fcf,) = of_kind("Analysts see Oracle's free cash flow at negative $5-9 billion next year.", "metric")
    assert (fcf.subject, fcf.value_low, fcf.value_high) == ("Oracle", -9e9, -5e9)
    (drop,) = of_kind("Jefferies expects a 45% decline in Alphabet's free cash flow.", "metric")
    assert (drop.subject, drop.main_value()) == ("Alphabet", -45.0)
    (loss,) = of_kind("Chip stocks shed $300 billion of market value on Monday.", "metric")
    assert (loss.subject, loss.main_value()) == ("Chip stocks", -300e9)
    (loss,) = of_kind("The selloff left a $2 trillion loss in technology shares.", "metric")
    assert loss.main_value() == -2e12


# ---------------------------------------------------------------- quotes


def test_quote_attributed_after() -> None:
    text = (
        '"We think the selloff has further to run, especially in chips," said Jane Porter, '
        "chief market strategist at Halvard Capital."
    )
    (quote,) = of_kind(text, "quote")
    assert quote.evidence.startswith('"We think') and quote.evidence.endswith('chips,"')
    assert (quote.speaker, quote.affiliation, quote.role) == (
        "Jane Porter",
        "Halvard Capital",
        "chief market strategist",
    )


def test_quote_attributed_before_and_by_last_name_and_pronoun() -> None:
    text = (
        "Omar Reyes of Brightwater Advisors put it plainly: “This is the moment to be selective.”\n"
        "“Valuations still look stretched,” Reyes said. “Cash is a position,” he added."
    )
    quotes = of_kind(text, "quote")
    assert [q.speaker for q in quotes] == ["Omar Reyes"] * 3
    assert {q.affiliation for q in quotes} == {"Brightwater Advisors"}


def test_quote_fragment_after_role_and_name() -> None:
    text = (
        "Kestrel Partners CEO Lisa Tran has described the sell-off as “overdone,” noting strong order books."
    )
    (quote,) = of_kind(text, "quote")
    assert (quote.evidence, quote.speaker, quote.affiliation) == (
        "“overdone,”",
        "Lisa Tran",
        "Kestrel Partners",
    )


def test_quote_with_capitalised_title_and_follow_on_quotes() -> None:
    text = (
        "Fed Chair Rosa Delgado said on Wednesday that “the labor market remains solid.” "
        "“We are not in a hurry,” she added. “Inflation is still too high.”"
    )
    quotes = of_kind(text, "quote")
    assert [(q.speaker, q.affiliation, q.role) for q in quotes] == [("Rosa Delgado", "Fed", "Chair")] * 3


def test_quote_opening_a_sentence_after_the_speaker_is_introduced() -> None:
    text = "Omar Reyes, a portfolio manager at Brightwater Advisors, was blunt. “This is the moment to pick.”"
    (quote,) = of_kind(text, "quote")
    assert (quote.speaker, quote.affiliation) == ("Omar Reyes", "Brightwater Advisors")


def test_forecasts_inside_quotes_are_not_moves() -> None:
    text = "“We think the S&P 500 could rise 10% next year,” said Jane Porter of Halvard Capital."
    assert not of_kind(text, "index_move")
    assert of_kind(text, "quote")


def test_scare_quotes_and_headline_phrases_are_not_quotes() -> None:
    text = (
        'The so-called "Great Rotation" picked up speed as the "AI trade" cooled.\n'
        "Traders spoke of a “crisis of confidence” in software names.\n"
        "[3] Example Wire - “Chip stocks slide as AI doubts grow”"
    )
    assert not of_kind(text, "quote")


def test_continuation_paragraphs_of_a_long_quote_are_skipped() -> None:
    text = (
        "“Markets rarely move in straight lines,” says Aldgate Research strategist Priya Nair.\n"
        "“When everybody owns the same stocks, the exits get crowded.\n"
        "“That is what we saw this week.”\n"
    )
    quotes = of_kind(text, "quote")
    assert [q.evidence for q in quotes] == ["“Markets rarely move in straight lines,”"]
    assert quotes[0].affiliation == "Aldgate Research"


def test_quote_speaker_named_by_role_after_a_heading() -> None:
    text = "Lisa Tran, Kestrel Partners\n"
    text += "Kestrel Partners's chief economist, who called the rally “overdone”, sees risks."
    (quote,) = of_kind(text, "quote")
    assert (quote.speaker, quote.affiliation) == ("Lisa Tran", "Kestrel Partners")


# ---------------------------------------------------------------- names


def test_names_tickers_groups_and_long_index_names() -> None:
    lexicon = Lexicon()
    text = (
        "Microsoft <MSFT.O> and Acme Robotics (NYSE: ACMR) rose; the “Big Four” hyperscalers kept spending."
    )
    lexicon.learn_listings(text)
    found = {(m.kind, m.name, m.ticker) for m in lexicon.mentions(text)}
    assert ("company", "Microsoft", "MSFT") in found and ("company", "Acme Robotics", "ACMR") in found
    group = next(m for m in lexicon.mentions(text) if m.kind == "group")
    assert group.name == "Big Four hyperscalers" and "Amazon" in group.entity.members
    names = [
        m.name for m in Lexicon().mentions("The S&P North American Technology Software Index and the Dow")
    ]
    assert names == ["S&P North American Technology Software Index", "Dow Jones Industrial Average"]
    assert group_for(["Microsoft", "Alphabet", "Amazon", "Meta Platforms"]) is not None
    assert company_name("The Walt Disney Co.") == "Walt Disney"


# ---------------------------------------------------------------- page chrome


@pytest.mark.parametrize(
    "text",
    [
        "Recent Quotes\nSymbol Price Change (%)\nNVDA  180.10\n-2.20 (-1.21%)\nAMZN  221.40\n+3.10 (1.42%)",
        "[2] Example Wire - “Nasdaq falls 2% as chips slide”\nURL: https://example.com/a\nDate: March 3",
        "Source: Example data. The Nasdaq 100 rose 3% and the S&P 500 2%.",
        "Contact details\nMobile: 07700 900 123\nEmail: desk@example.com",
        "Related Stocks\nNVDA +2.1%\nAAPL -0.4%",
    ],
)
def test_page_chrome_yields_nothing(text: str) -> None:
    assert not extract(text)


def test_dates_same_day_report_and_carry() -> None:
    text = "Stocks wobbled today. The Nasdaq 100 fell 1.4% and Intel slid 6%."
    assert {f.as_of for f in extract(text)} == {FRI}
    text = "On Tuesday the Russell 2000 gained 2%. Later in the week utilities rose 1.1%."
    assert [f.as_of for f in extract(text, date(2026, 3, 8))] == [date(2026, 3, 3)] * 2
    assert extract("Oracle expects capital expenditures of $35 billion.", None)[0].as_of is None


def test_duplicates_keep_the_fuller_body_fact() -> None:
    text = "The Russell 2000 rose 2% on Friday.\nAs noted, the Russell 2000 rose 2% on Friday, a strong day."
    (fact,) = of_kind(text, "index_move")
    assert fact.span.start < text.index("\n")


# ---------------------------------------------------------------- grounding over random compositions

SENTENCES = [
    "The Dow Jones Industrial Average climbed 1.2% on Tuesday.",
    "Energy shares led, jumping 2.2%, while utilities slid 0.9%.",
    "Oracle Corp (NYSE: ORCL) sank 9.5% after its guidance disappointed.",
    "Intel fell 3% and AMD 5% as the chip selloff deepened.",
    "Oracle expects capital expenditures of roughly $35 billion in fiscal 2027.",
    "Brent crude rose to $84.20 a barrel, a five-month high.",
    "The Fed raised its target range to 5.25%–5.50%.",
    "Nvidia's weighting in the S&P 500 rose to 7.5% from 6.1% a year ago.",
    '"Cash is a position," said Jane Porter, chief market strategist at Halvard Capital.',
    "The Magnificent Seven account for 34% of the S&P 500.",
    "Recent Quotes\nNVDA  180.10\n-2.20 (-1.21%)",
    "Stocks wobbled today.",
]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(SENTENCES), min_size=1, max_size=8), st.sampled_from([" ", "\n", "\n\n"]))
def test_every_fact_is_grounded_and_extraction_is_deterministic(parts: list[str], joiner: str) -> None:
    text = joiner.join(parts)
    first = extract(text)
    assert [f.model_dump() for f in first] == [f.model_dump() for f in extract(text)]
    assert all(0.0 < f.confidence <= 1.0 for f in first)


# ---------------------------------------------------------------- the seed articles


@pytest.mark.skipif(not SHARED.joinpath("seeds").is_dir(), reason="../shared is absent")
def test_seed_articles_meet_the_targets() -> None:
    import json

    manifest = json.loads((SHARED / "seeds" / "manifest.json").read_text(encoding="utf-8"))
    predictions = {}
    for path in sorted((SHARED / "seeds").glob("*.txt")):
        info = manifest[path.name]
        meta = ArticleMeta(title=info["title"], published=date.fromisoformat(info["published"]))
        article = Article.create(path.read_text(encoding="utf-8"), meta, datetime(2026, 3, 1))
        predictions[path.name] = (article.text, RulesExtractor().extract(article))
    report = score(load_gold(SHARED / "eval" / "seed_facts.jsonl"), predictions)
    assert report.numeric().f1 >= 0.9
    assert report.kinds["quote"].f1 >= 0.85
    assert report.grounded == report.total > 0


def test_shares_of_a_listed_company_name_the_company() -> None:
    """ "Shares of X (LSE: XX)" after an earlier paragraph names X, not "of X"."""
    text = (
        "Miners weigh on London\n\nThe FTSE 100 slipped on Thursday as metal prices eased.\n\n"
        "Shares of Harrowgate Minerals Holdings (LSE: HGM) tumbled as much as 8% after the miner cut "
        "its output forecast for the year."
    )
    moves = of_kind(text, "stock_move")
    assert [(f.subject, f.change_pct) for f in moves] == [("Harrowgate Minerals Holdings", -8.0)]


def test_quote_attributed_after_it_with_role_and_name() -> None:
    """ "…," Governor Jane Roe told reporters. resolves the speaker, not "Governor Jane"."""
    text = (
        "Central bank holds\n\nThe bank kept its policy rate unchanged on Thursday. "
        "\u201cWe will move carefully and watch the data,\u201d Governor Imelda Torrance told reporters."
    )
    quotes = of_kind(text, "quote")
    assert [q.speaker for q in quotes] == ["Imelda Torrance"]
