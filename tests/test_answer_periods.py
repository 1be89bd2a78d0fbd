"""Answers that hold on phrasings the development sets do not use, on invented companies: the period a
question asks for, another company's figure in the same sentence, initials for a name, "the chief
executive of X", paraphrased move verbs, and instrument names written with hyphens."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from assistant.answer import Answerer
from assistant.extraction.rules.extractor import RulesExtractor
from assistant.models import Answer, Article, ArticleMeta
from assistant.question import parse_question
from assistant.question.period import period_of
from assistant.settings import Settings
from assistant.vocabulary import _open_finder
from ingest.pipeline import Ingestor, TextSource
from vectorstore.library import Library

DAY = date(2026, 5, 14)

# ------------------------------------------------------------------------------------ periods


@pytest.mark.parametrize(
    ("text", "years", "quarters", "halves", "whole"),
    [
        ("What was its revenue for the fiscal fourth quarter?", set(), {4}, set(), False),
        ("For the fiscal year, it reported revenue of $9.1 billion.", set(), set(), set(), True),
        ("Where was the yield at the end of 2021?", {2021}, set(), set(), False),
        ("It climbed from 1.1% in 2015 to 2.9% in 2017.", {2015, 2017}, set(), set(), False),
        ("Its outlook for fiscal 2025/26 is unchanged.", {2025, 2026}, set(), set(), False),
        ("Q3 sales rose; H1 margins slipped.", set(), {3}, {1}, False),
        ("The Russell 2000 rose 2% to its best week since 2020.", set(), set(), set(), False),
    ],
)
def test_a_texts_period(
    text: str, years: set[int], quarters: set[int], halves: set[int], whole: bool
) -> None:
    """Years, quarters, halves and whole years as written; index names and "since" name no period."""
    period = period_of(text)
    assert (set(period.years), set(period.quarters), set(period.halves), period.whole_year) == (
        years,
        quarters,
        halves,
        whole,
    )


@pytest.mark.parametrize(
    ("asked", "given", "clash"),
    [
        ("in the fourth quarter", "for the fiscal year", True),
        ("for the full year", "in the third quarter", True),
        ("in the second quarter", "in the third quarter", True),
        ("at the end of 2021", "between 2016 and 2018", True),
        ("in 2024", "in the first half of 2024", False),
        ("in the fourth quarter", "shares rose 3% on Tuesday", False),
        ("in the first half", "in H1", False),
    ],
)
def test_periods_that_cannot_be_the_same_clash(asked: str, given: str, clash: bool) -> None:
    """A sentence about another year, quarter or half, or a whole year for a part, answers nothing."""
    assert period_of(asked).clashes(period_of(given)) is clash


# ------------------------------------------------------------------------------------ question frame


def test_the_chief_executive_of_a_company_is_the_focus() -> None:
    """ "the chief executive of X" asks for what "X's chief executive" asks for."""
    q = parse_question("Who is the chief executive of Harlow Dynamics?", DAY)
    assert q.focus is not None and q.focus.name == "chief executive"
    assert [c.phrase for c in q.entities] == ["Harlow Dynamics"]


@pytest.mark.parametrize(
    "question",
    ["Why did Harlow Dynamics' shares dip?", "How much did Harlow Dynamics' stock shed on Monday?"],
)
def test_any_move_word_of_the_verbs_file_asks_for_a_share_move(question: str) -> None:
    """The question side reads the same move words as the extractor ("dip", "shed")."""
    q = parse_question(question, DAY)
    assert q.focus is not None and q.focus.name == "share move"


def test_an_instrument_alias_with_hyphens_wins_over_a_general_word_inside_it() -> None:
    """ "the U.S. 10-year Treasury yield" names the bond, not a place and a general word."""
    q = parse_question("Where was the U.S. 10-year Treasury yield at the end of 2024?", DAY)
    assert "U.S. 10-year Treasury" in q.canonical
    assert not any(c.open for c in q.entities)


def test_a_name_of_several_words_also_finds_its_initials() -> None:
    """Wire copy writes "HD" for Harlow Dynamics once it has named it; a longer word is no match."""
    finder = _open_finder("Harlow Dynamics")
    assert finder.search("HD reported revenue of $2.1 billion.")
    assert finder.search("Harlow Dynamics said on Monday")
    assert not finder.search("HDTV sales rose") and not finder.search("an HD-ready screen maker")


def test_a_stock_at_the_foot_of_an_index_is_the_subject_of_its_move() -> None:
    """ "X shares sat at the foot of the FTSE 100, shedding 4.2%": the move is X's, not the index's."""
    text = "Pellmore <PLM.L> shares sat at the foot of the FTSE 100, shedding 4.2%, after a broker downgrade."
    article = Article.create(text, ArticleMeta(published=DAY), datetime(2026, 5, 14, 12))
    [fact] = RulesExtractor().extract(article)
    assert (fact.kind, fact.subject, fact.main_value()) == ("stock_move", "Pellmore", -4.2)


# ------------------------------------------------------------------------------------ end to end

ARTICLES = {
    "ostrava-year": (
        "Ostrava Media closes its books on a record year\n"
        "Ostrava Media <OSM.N> said on Wednesday that for the fiscal year it reported revenue of "
        "$9.1 billion, up from $8.4 billion a year earlier, helped by advertising on its streaming service. "
        "The company did not break out figures for the final three months; its shares were little changed."
    ),
    "insurers": (
        "Insurers slide after a profit warning\n"
        "Brightwell Insurance <BRW.L> was the top faller in London, down 8.1%, after smaller rival Quillon "
        "Assurance <QLN.L> warned that storm claims would wipe out its annual profit. Quillon shares are "
        "down 36%. Other insurers also slipped as investors weighed the cost of a wet winter."
    ),
}


@pytest.fixture(scope="module")
def newsroom(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, Library]:
    """A library of the invented articles, ingested for real."""
    settings = Settings(home=tmp_path_factory.mktemp("periods") / "library")
    library = Library.open(settings)
    sources = [TextSource(text, name) for name, text in ARTICLES.items()]
    outcomes = Ingestor(settings, library).run(sources, ArticleMeta(published=DAY))
    assert [o.status for o in outcomes] == ["added"] * len(ARTICLES), [o.message for o in outcomes]
    return settings, library


def _ask(newsroom: tuple[Settings, Library], question: str) -> Answer:
    settings, library = newsroom
    return Answerer(library, settings, chat=None).ask(question, extractive=True)


def test_a_quarter_is_not_answered_with_the_year(newsroom: tuple[Settings, Library]) -> None:
    """Asked for a quarter, the year's figure is no answer: the abstention names the quarter."""
    answer = _ask(newsroom, "What was Ostrava Media's revenue for its fiscal fourth quarter?")
    assert answer.abstained, answer.text
    assert (
        answer.text
        == "The library mentions Ostrava Media, but no article gives its revenue for the fourth quarter."
    )


def test_the_year_is_answered_with_the_year(newsroom: tuple[Settings, Library]) -> None:
    """The same sentence answers a question about the fiscal year."""
    answer = _ask(newsroom, "What revenue did Ostrava Media report for the fiscal year?")
    assert not answer.abstained, answer.notes
    assert "$9.1 billion" in answer.text


def test_another_companys_figure_in_the_sentence_does_not_answer(newsroom: tuple[Settings, Library]) -> None:
    """The sentence naming Quillon gives Brightwell's 8.1%; the answer leads with Quillon's own 36%."""
    answer = _ask(newsroom, "How much value did Quillon Assurance shares lose after it warned on profits?")
    assert not answer.abstained, answer.notes
    assert answer.text.startswith("Quillon shares are down 36%")
