"""Market moves of every asset class, on sentences written for these tests in the shapes wire news uses.

Each test names the shape it covers; none copies a sentence of the evaluation data.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

from assistant.evaluate_moves import score_moves
from assistant.extraction.rules import RulesExtractor
from assistant.facts import MOVE_KINDS, Fact, MoveFact, is_grounded
from assistant.models import Article, ArticleMeta

SHARED = Path(__file__).resolve().parents[2] / "shared"


def moves(text: str) -> list[MoveFact]:
    """The move facts of a one-paragraph article, each grounded."""
    article = Article.create(text, ArticleMeta(published=date(2026, 3, 6)), datetime(2026, 3, 7))
    facts = RulesExtractor().extract(article)
    assert all(is_grounded(f, article.text) for f in facts)
    return [f for f in facts if isinstance(f, MoveFact)]


def one(text: str, subject: str) -> MoveFact:
    """The single move whose subject contains `subject`."""
    found = [f for f in moves(text) if subject.casefold() in f.subject.casefold()]
    assert len(found) == 1, [(f.kind, f.subject, f.change_pct) for f in moves(text)]
    return found[0]


def test_unknown_company_with_an_exchange_ticker_is_a_stock() -> None:
    """A name no table knows is found from its ticker, without its corporate suffix."""
    fact = one("Quillfeather Systems Inc <QFS.N> slumped 14.2% after it cut its outlook.", "Quillfeather")
    assert (fact.kind, fact.subject, fact.change_pct, fact.code) == (
        "stock_move",
        "Quillfeather Systems",
        -14.2,
        "QFS.N",
    )


def test_proper_noun_before_a_move_verb_is_a_subject() -> None:
    """ "Acme slumped 19%": the subject of a move verb, no ticker, no table."""
    assert one("Brightwater slumped 19% in early trade.", "Brightwater").change_pct == -19.0


def test_progressive_and_copular_forms() -> None:
    """ "X is down 2.3%", "X is losing almost 2%", "X shares are lower by 9.5%"."""
    text = (
        "Halvorsen is down 2.3% on Thursday, while Mirelle is losing almost 2%. "
        "Tarnby <TRB.L> shares are lower by 9.5%."
    )
    got = {f.subject: (f.change_pct, f.qualifier) for f in moves(text)}
    assert got["Halvorsen"] == (-2.3, None)
    assert got["Mirelle"] == (-2.0, "nearly")
    assert got["Tarnby"] == (-9.5, None)


def test_appositive_between_subject_and_verb() -> None:
    """The words of an appositive (", the largest maker of steel pipes,") do not take the move."""
    fact = one(
        "Kestrel Tubes <KTB.DE>, the largest maker of oil and gas pipes, were 3.1% lower on Friday.",
        "Kestrel",
    )
    assert (fact.kind, fact.change_pct) == ("stock_move", -3.1)
    assert not [
        f
        for f in moves("Kestrel Tubes <KTB.DE>, the largest maker of oil pipes, rose 3.1%.")
        if f.kind != "stock_move"
    ]


def test_two_subjects_two_figures_respectively() -> None:
    """ "A and B rose 8.7% and 11.3%, respectively"."""
    text = "Harlow Cruises <HCX.N> and Dunmore Lines <DML.N> fell 2.2% and 3.4%, respectively."
    assert {f.subject: f.change_pct for f in moves(text)} == {"Harlow Cruises": -2.2, "Dunmore Lines": -3.4}


def test_list_of_subjects_sharing_one_figure() -> None:
    """Three coded companies that "gained more than 1%" each get the move."""
    text = "Orrin Bank <ORB.N>, Castell Financial <CFL.N> and Pellow Trust <PLT.N> gained more than 1%."
    got = moves(text)
    assert sorted(f.subject for f in got) == ["Castell Financial", "Orrin Bank", "Pellow Trust"]
    assert all(f.change_pct == 1.0 and f.qualifier == "more than" for f in got)


def test_nominal_forms() -> None:
    """ "a 0.8% rise in X", "X's 10% decline", and an index helped by a stock's rise."""
    text = "The Lisbon index <.PSI20> edged up 0.4%, helped by a 2.6% rise in Tagus Energia <TGE.LS>."
    got = {f.subject: (f.kind, f.change_pct) for f in moves(text)}
    assert got["Tagus Energia"] == ("stock_move", 2.6)
    assert [v for k, v in got.items() if k != "Tagus Energia"] == [("index_move", 0.4)]
    assert (
        one("Exporters welcomed the euro's 6% year-to-date decline against the dollar.", "euro").change_pct
        == -6.0
    )


def test_results_growth_and_forecasts_are_not_moves() -> None:
    """Profit jumps, revenue falls, forecasts and economic data are not market moves."""
    for text in (
        "Ravelin Corp <RVL.N> reported a 64% jump in quarterly profit.",
        "The studio unit's revenue fell 7% from a year earlier.",
        "The bank cut its growth forecast for the region to 3.1% from 3.6%.",
        "Consumer prices rose 2.4% year-on-year in May.",
        "The private funds of Arbour and Kinloch rose by 4.1% and 6%, respectively.",
    ):
        assert moves(text) == [], text


def test_index_code_names_a_regional_index() -> None:
    """ "Singapore stocks <.STI> rose 0.7%" is the Straits Times index; a sector code is a sector."""
    assert one("Singapore stocks <.STI> rose 0.7% on Friday.", "Straits").kind == "index_move"
    fact = one("The European tech index <.SX8P> slipped 0.9%.", "tech")
    assert fact.kind == "sector_move" and fact.change_pct == -0.9


def test_points_percent_and_level() -> None:
    """ "fell 312 points, or 1.1%, to 28,400.5" is one move with points, percent and level."""
    fact = one("The Dow Jones Industrial Average <.DJI> fell 312 points, or 1.1%, to 28,400.5.", "Dow")
    assert (fact.points, fact.change_pct, fact.level) == (-312.0, -1.1, 28400.5)


def test_bond_yield_in_basis_points_with_level() -> None:
    """A yield code: change in basis points, level in percent, never a company."""
    fact = one("The 10-year Treasury yield <US10YT=RR> rose 4.5 basis points to 4.215%.", "10-year")
    assert (fact.kind, fact.change_bp, fact.level, fact.unit) == ("yield_move", 4.5, 4.215, "%")


def test_commodity_future_code_is_a_commodity_not_a_company() -> None:
    """ "Brent crude futures <LCOc1> fell 40 cents, or 0.5%, to $82.10 a barrel"."""
    fact = one("Brent crude futures <LCOc1> fell 40 cents, or 0.5%, to $82.10 a barrel.", "Brent")
    assert (fact.kind, fact.change_pct, fact.level) == ("commodity_move", -0.5, 82.1)
    assert not [f for f in moves("Gold <XAU=> rose 0.3% to $2,380 an ounce.") if f.kind == "stock_move"]


def test_currency_direction_as_written() -> None:
    """ "the yen strengthened 0.2% versus the greenback" is a positive yen move."""
    fact = one("The yen strengthened 0.2% versus the greenback at 151.3 per dollar.", "yen")
    assert (fact.kind, fact.change_pct) == ("currency_move", 0.2)
    assert one("The dollar index <.DXY> was down about 1.5% from its peak.", "dollar").kind == "currency_move"


def test_reference_to_the_company_and_the_two_companies() -> None:
    """ "Its shares", "the benchmark" and "the two companies ... respectively" resolve to earlier subjects."""
    text = (
        "Fenwick Labs <FWL.O> cut its forecast on Tuesday. Its shares were last down 6.2%. "
        "Corvane is up 1.5%, while Haldane is down 1%. "
        "The two companies are down 12% and 20%, respectively, this year."
    )
    got = [(f.subject, f.change_pct) for f in moves(text)]
    assert ("Fenwick Labs", -6.2) in got
    assert ("Corvane", -12.0) in got and ("Haldane", -20.0) in got


def test_chain_of_figures_for_one_subject() -> None:
    """ "closed down 3% on the day, 12% for the year-to-date" keeps the subject and the sign."""
    got = moves("The Nasdaq Composite <.IXIC> closed down 3% on the day, 12% for the year-to-date.")
    assert sorted(f.change_pct for f in got) == [-12.0, -3.0]
    assert {f.period for f in got} >= {"year-to-date"}


def test_premarket_and_hedges() -> None:
    """Qualifiers: the hedge and the session ("as much as, premarket")."""
    fact = one("Shares of Lindqvist Motors rose as much as 8% in premarket trading.", "Lindqvist")
    assert (fact.qualifier, fact.change_pct) == ("as much as, premarket", 8.0)


def test_real_wire_paragraphs_meet_the_targets() -> None:
    """The targets on the labelled real paragraphs: F1 >= 0.90, precision >= 0.95, class accuracy >= 0.95."""
    rows = [
        json.loads(line) for line in (SHARED / "eval" / "real_moves.jsonl").read_text().splitlines() if line
    ]
    predictions: dict[str, tuple[str, list[Fact]]] = {}
    for row in rows:
        article = Article.create(row["text"], ArticleMeta(), datetime(2026, 3, 7))
        predictions[row["doc"]] = (
            article.text,
            [f for f in RulesExtractor().extract(article) if f.kind in MOVE_KINDS],
        )
    report = score_moves(rows, predictions)
    total = report.overall()
    assert total.precision >= 0.95 and total.f1 >= 0.90 and report.class_accuracy >= 0.95, (
        total.precision,
        total.recall,
        report.class_accuracy,
    )
