"""Answer shapes on invented companies and sentences: one instrument named by two aliases, "won't" naming no
won, number words meeting digits, cause answers (lead, the sentence after the move, a sentence that refers
back), articles that differ on a figure only when dated, eval mentions and a group's total for a member."""

from __future__ import annotations

import re
from datetime import date

import pytest

from assistant import knowledge
from assistant.answer import Answerer
from assistant.evaluate import mentioned
from assistant.extractive import terms
from assistant.facts import Capex
from assistant.focus import Evidence, states_figure
from assistant.models import Answer, ArticleMeta, Span
from assistant.question import parse_question
from assistant.settings import Settings
from ingest.pipeline import Ingestor, TextSource
from vectorstore.library import Library

DAY = date(2026, 3, 11)  # a Wednesday: "on Tuesday" in these articles is 2026-03-10

# ------------------------------------------------------------------------------------ parse_question


def test_two_aliases_of_one_instrument_in_a_row_are_one_entity() -> None:
    """ "the DXY dollar index" names one instrument, joined to facts by the row's own name."""
    q = parse_question("How far did the DXY dollar index climb this week?", DAY)
    assert len(q.entities) == 1, [c.phrase for c in q.entities]
    assert "U.S. dollar index" in q.canonical
    assert q.entities[0].found_in("The U.S. dollar index edged higher.")


@pytest.mark.parametrize("apostrophe", ["'", "’"])
def test_wont_does_not_name_the_korean_won(apostrophe: str) -> None:
    """A contraction ("won't", either apostrophe) is no currency."""
    q = parse_question(f"Why does the central bank say it won{apostrophe}t cut rates?", DAY)
    assert "won" not in [c.phrase.casefold() for c in q.entities]
    assert "South Korean won" not in q.canonical


def test_the_won_is_still_a_currency() -> None:
    """ "the won" on its own names the South Korean won."""
    q = parse_question("How far did the won fall?", DAY)
    assert [c.phrase for c in q.entities] == ["won"]
    assert "South Korean won" in q.canonical


@pytest.mark.parametrize(
    ("question", "company"),
    [
        ("How much did Quorvik Energy shares fall on Tuesday?", "Quorvik Energy"),
        ("Why did Korvath Mining shares sink on Tuesday?", "Korvath Mining"),
    ],
)
def test_a_company_named_like_a_sector_keeps_its_name(question: str, company: str) -> None:
    """A name whose tail is a sector ("... Energy", "... Mining") is the company's, not the sector's."""
    q = parse_question(question, DAY)
    assert [c.phrase for c in q.entities] == [company] and q.entities[0].open
    assert not q.canonical


@pytest.mark.parametrize(
    ("question", "sector"),
    [("How did Energy stocks do on Tuesday?", "Energy"), ("Why did U.S. Energy shares fall?", "Energy")],
)
def test_a_sector_on_its_own_is_still_the_sector(question: str, sector: str) -> None:
    """Without an unknown name before it (a place is not one), the sector word names the sector."""
    q = parse_question(question, DAY)
    assert sector in q.canonical and not any(c.open for c in q.entities)


# ------------------------------------------------------------------------------------ unit checks


def test_number_words_are_terms_as_digits() -> None:
    """The scorer reads "eight" as "8", so it meets an article's digits."""
    found = terms("over the last eight weeks")
    assert "8" in found and "eight" not in found
    assert terms("over the past 8 weeks") & found == {"8", "week"}


@pytest.mark.parametrize("agent", ["bruised by", "weighed down by", "buoyed up by"])
def test_passive_agents_are_cause_cues(agent: str) -> None:
    """The questions file's cause patterns include a passive with its agent."""
    causes = knowledge.question_words().causes
    assert any(re.fullmatch(p, agent, re.IGNORECASE) for p in causes), agent


@pytest.mark.parametrize(
    ("answer", "must", "expected"),
    [
        ("Brevanta Labs wound down its Russian operations last year.", "Russia", True),
        ("Zentrova shares rose 11% on the day.", "1%", False),
        ("Zentrova shares rose 1% on the day.", "1%", True),
        ("The index gained 75 points.", "7", False),
        ("The yield rose 7.5 basis points.", "7", False),
        ("The yield rose 7 basis points.", "7", True),
        ("Capital spending will reach $6.3 billion next year.", "$6.3 billion", True),
    ],
)
def test_mentioned_reads_contains_as_a_word_or_a_whole_figure(answer: str, must: str, expected: bool) -> None:
    """A word may go on ("Russian"), a figure may not ("11%", "75", "7.5")."""
    assert mentioned(answer, must) is expected


GROUP_TEXT = (
    "Zentrova Corp <ZNV.O>, Halbrook Systems <HBS.N> and Pellucid Grid <PLG.O> plan to spend a combined "
    "$75 billion on new data centres next year, people familiar with the plans said."
)


def _group_capex() -> Capex:
    """The three companies' combined budget as the rules extractor stores it (members kept)."""
    evidence = "spend a combined $75 billion"
    start = GROUP_TEXT.index(evidence)
    return Capex(
        article_id="g1",
        span=Span(start=start, end=start + len(evidence)),
        evidence=evidence,
        subject="Zentrova, Halbrook Systems, Pellucid Grid",
        members=("Zentrova", "Halbrook Systems", "Pellucid Grid"),
        amount_usd=75e9,
        capex_kind="plan",
    )


def test_a_groups_total_does_not_state_one_members_figure() -> None:
    """A combined budget answers for the whole group, never for one of its members."""
    item = Evidence(GROUP_TEXT, GROUP_TEXT, 0, (_group_capex(),))
    member = parse_question("How much will Halbrook Systems spend on data centres?", DAY)
    assert member.focus is not None and member.focus.name == "capex"
    assert not states_figure(member, item)
    assert states_figure(member, Evidence(GROUP_TEXT, GROUP_TEXT, 0, ())), "the group fact decides"
    every = parse_question(
        "How much will Zentrova, Halbrook Systems and Pellucid Grid spend on data centres combined?", DAY
    )
    assert states_figure(every, item)


# ------------------------------------------------------------------------------------ end to end

DATED = {
    "zentrova-eight-weeks": (
        "Zentrova pump orders dry up\n"
        "Zentrova Corp <ZNV.O> makes industrial pumps for water utilities.\n"
        "Zentrova shares have fallen 14% over the past 8 weeks as orders for its pumps dried up.\n"
        "The company will report quarterly results next month."
    ),
    "zentrova-five-weeks": (
        "Broker turns cautious on Zentrova\n"
        "Zentrova Corp <ZNV.O> is a maker of pumps and valves.\n"
        "Zentrova shares have fallen 9% over the last five weeks, trimming the year's gains.\n"
        "Feldhart Securities lowered its price target on the stock."
    ),
    "brevanta-rally": (
        "Brevanta rally rolls on\n"
        "Brevanta Labs <BVL.N> shares rose 6% on Monday, extending a rally that began in January.\n"
        "The drug developer has doubled in value this year."
    ),
    "brevanta-delay": (
        "Brevanta delays plant expansion\n"
        "Brevanta Labs shares slumped on Tuesday after the company delayed a $300 million plant expansion.\n"
        "Management gave no new timetable for the project."
    ),
    "korvath": (
        "Korvath Metals slides\n"
        "Korvath Metals <KVM.L> shares sank 12% on Tuesday.\n"
        "The stock was bruised by a cautious note from Feldhart Securities on copper demand.\n"
        "Analysts said worries about Korvath Metals' debt have weighed on its shares for weeks."
    ),
    "ostrelle": (
        "Ostrelle Foods loses contract\n"
        "Pellworth Bank analysts told clients on Wednesday that Ostrelle Foods <OSF.PA> had lost its biggest "
        "supermarket contract.\n"
        "That triggered a selloff in Ostrelle Foods shares, which closed down 9%.\n"
        "The company declined to comment."
    ),
    "halvorsen": (
        "Halvorsen Ferries scraps its dividend\n"
        "Halvorsen Ferries <HVF.OL> said on Wednesday it would scrap its dividend to pay for two new "
        "vessels.\n"
        "No wonder this sent Halvorsen Ferries shares down 11% by the close.\n"
        "The company reports quarterly results in May."
    ),
    "quorvik-outage": (
        "Quorvik Holdings hit by outage\n"
        "Quorvik Holdings <QVK.N> shares fell 7.2% on Tuesday after a pipeline outage in Texas.\n"
        "The company expects repairs to take a week."
    ),
    "quorvik-repairs": (
        "Pipeline outage weighs on Quorvik\n"
        "Shares of Quorvik Holdings <QVK.N> dropped 6.8% on Tuesday as the outage dragged on.\n"
        "Traders said the repair bill could be large."
    ),
}
UNDATED = {
    "marlowe-margins": (
        "Marlowe Textiles warns on margins\n"
        "Marlowe Textiles <MWT.L> shares fell 4.1% after the company warned on margins.\n"
        "Cotton prices have climbed sharply this year."
    ),
    "marlowe-slump": (
        "Marlowe Textiles in the doldrums\n"
        "Marlowe Textiles <MWT.L> shares have dropped 15% as cotton costs climbed.\n"
        "The retailer is cutting jobs at two mills."
    ),
}


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, Library]:
    """A library of the invented articles (most dated, two undated), ingested for real."""
    settings = Settings(home=tmp_path_factory.mktemp("shapes") / "library")
    library = Library.open(settings)
    ingestor = Ingestor(settings, library)
    for articles, meta in ((DATED, ArticleMeta(published=DAY)), (UNDATED, ArticleMeta())):
        outcomes = ingestor.run([TextSource(text, name) for name, text in articles.items()], meta)
        assert [o.status for o in outcomes] == ["added"] * len(articles), [o.message for o in outcomes]
    return settings, library


def _ask(desk: tuple[Settings, Library], question: str) -> Answer:
    settings, library = desk
    answer = Answerer(library, settings, chat=None).ask(question, extractive=True)
    assert not answer.abstained, (answer.text, answer.notes)
    return answer


def _sentences(text: str) -> list[str]:
    """The answer's sentences, each with its citation marker."""
    return re.split(r"(?<=\][.])\s+", text)


def test_number_words_meet_digits_end_to_end(desk: tuple[Settings, Library]) -> None:
    """ "over the last eight weeks" is answered by "over the past 8 weeks", not by "the last five weeks"."""
    answer = _ask(desk, "How far have Zentrova shares fallen over the last eight weeks?")
    lead = _sentences(answer.text)[0]
    assert lead.startswith("Zentrova shares have fallen 14% over the past 8 weeks"), answer.text


def test_cause_leads_with_the_closest_move_or_cause(desk: tuple[Settings, Library]) -> None:
    """A why-question leads with the slump and its cause, not the stored fact of an earlier rally."""
    answer = _ask(desk, "Why did Brevanta Labs shares slump?")
    lead = _sentences(answer.text)[0]
    assert lead.startswith("Brevanta Labs shares slumped on Tuesday after the company delayed"), answer.text
    assert "rose 6%" not in answer.text


def test_cause_answer_adds_the_sentence_right_after_the_move(desk: tuple[Settings, Library]) -> None:
    """The sentence after the move ("bruised by" a broker's note) says why, and is kept."""
    answer = _ask(desk, "Why did Korvath Metals shares sink on Tuesday?")
    said = _sentences(answer.text)
    assert said[0].startswith("Korvath Metals <KVM.L> shares sank 12% on Tuesday"), answer.text
    bruised = [i for i, s in enumerate(said) if s.startswith("The stock was bruised by a cautious note")]
    assert bruised, answer.text


@pytest.mark.parametrize(
    ("question", "antecedent", "anaphor"),
    [
        (
            "Why did Ostrelle Foods shares sell off on Wednesday?",
            "Pellworth Bank analysts told clients on Wednesday",
            "That triggered a selloff in Ostrelle Foods shares",
        ),
        (
            "Why did Halvorsen Ferries shares drop on Wednesday?",
            "Halvorsen Ferries <HVF.OL> said on Wednesday it would scrap its dividend",
            "No wonder this sent Halvorsen Ferries shares down 11%",
        ),
    ],
)
def test_a_sentence_that_refers_back_brings_its_antecedent_first(
    desk: tuple[Settings, Library], question: str, antecedent: str, anaphor: str
) -> None:
    """ "That triggered ..." / "No wonder this sent ..." come right after the sentence they refer to."""
    said = _sentences(_ask(desk, question).text)
    at = [i for i, s in enumerate(said) if s.startswith(anaphor)]
    assert at, said
    assert at[0] >= 1 and said[at[0] - 1].startswith(antecedent), said


def test_dated_articles_that_differ_on_a_move_say_so(desk: tuple[Settings, Library]) -> None:
    """Two articles of one day giving Tuesday's fall as 7.2% and 6.8% are flagged, each cited."""
    answer = _ask(desk, "How much did Quorvik Holdings shares fall on Tuesday?")
    assert "Articles differ on this figure" in answer.text, answer.text
    differ = answer.text[answer.text.index("Articles differ") :]
    assert "7.2" in differ and "6.8" in differ
    cited = set(re.findall(r"\[(\d+)\]", differ))
    assert len(cited) == 2, differ
    titles = {c.article.meta.title for c in answer.citations}
    assert titles >= {"Quorvik Holdings hit by outage", "Pipeline outage weighs on Quorvik"}, titles


def test_undated_figures_never_differ(desk: tuple[Settings, Library]) -> None:
    """Undated 4.1% and 15% falls of one company may be different moves: no "Articles differ"."""
    answer = _ask(desk, "How much did Marlowe Textiles shares fall?")
    assert "Marlowe Textiles" in answer.text and ("4.1%" in answer.text or "15%" in answer.text)
    assert "Articles differ" not in answer.text, answer.text
