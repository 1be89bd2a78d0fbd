"""The question frame (assistant.question), the answerability check (assistant.focus) and answers led by
the focus, on invented companies and sentences."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from typer.testing import CliRunner

from assistant.answer import Answerer
from assistant.cli import app
from assistant.facts import StockMove
from assistant.focus import Evidence, coverage, fits, states_figure, why_not
from assistant.llm import OpenAICompatibleChat
from assistant.models import Answer, ArticleMeta, Span
from assistant.question import Question, parse_question
from assistant.settings import Settings
from assistant.verify import numbers_in
from assistant.vocabulary import Concept
from ingest.pipeline import Ingestor, TextSource
from vectorstore.library import Library

from .llm_server import LLMServer

ANCHOR = date(2026, 3, 12)  # a Thursday
runner = CliRunner()


def _phrases(concepts: tuple[Concept, ...]) -> list[str]:
    return [c.phrase for c in concepts]


# ------------------------------------------------------------------------------------ parse_question


@pytest.mark.parametrize(
    ("question", "answer_type"),
    [
        ("What dividend did Zorblax propose?", "figure"),
        ("How many workers will Zorblax lay off?", "figure"),
        ("Why did Zorblax shares tumble on Tuesday?", "cause"),
        ("Who will succeed Zorblax chief executive Maren Oduya?", "who"),
        ("Which rose more, Zorblax or Quentravo?", "comparison"),
        ("Did Zorblax or Quentravo rise more?", "comparison"),
        ("Which stocks fell after the Zorblax report?", "list"),
        ("What did Zorblax say about tariffs?", "quote"),
    ],
)
def test_answer_types(question: str, answer_type: str) -> None:
    assert parse_question(question, ANCHOR).answer_type == answer_type


def test_dividend_question_focuses_on_the_dividend_in_money() -> None:
    q = parse_question("What dividend did Zorblax propose?", ANCHOR)
    assert q.focus is not None and q.focus.name == "dividend"
    assert q.expects == "money"
    assert "metric" in q.kinds
    assert _phrases(q.entities) == ["Zorblax"]
    assert q.entities[0].open and q.entities[0].specific


def test_how_many_asks_for_a_count() -> None:
    q = parse_question("How many jobs did Zorblax cut?", ANCHOR)
    assert q.answer_type == "figure" and q.expects == "count"
    laid_off = parse_question("How many workers will Zorblax lay off?", ANCHOR)
    assert laid_off.focus is not None and laid_off.focus.name == "layoffs"
    assert laid_off.expects == "count" and laid_off.focus.counts


def test_how_many_jobs_cut_focuses_on_layoffs() -> None:
    q = parse_question("How many jobs did Zorblax cut?", ANCHOR)
    assert q.focus is not None and q.focus.name == "layoffs"


def test_share_reaction_focuses_on_the_move_and_keeps_the_forecast_as_context() -> None:
    q = parse_question("How did Zorblax shares react to its sales forecast?", ANCHOR)
    assert q.focus is not None and q.focus.name == "share move"
    assert q.expects == "move" and q.answer_type == "figure"
    context = [a for a in q.attributes if a.context]
    assert context and all(a.name != "share move" for a in context)
    assert "revenue guidance" in [a.name for a in context]
    assert "stock_move" in q.kinds


def test_results_are_context_not_focus() -> None:
    q = parse_question("How did Zorblax shares react to its results?", ANCHOR)
    assert q.focus is not None and q.focus.name == "share move"
    assert any(a.name == "results" and a.context for a in q.attributes)


def test_proper_names_are_open_entities() -> None:
    q = parse_question("What was Crumley & Finch's revenue in March?", ANCHOR)
    assert _phrases(q.entities) == ["Crumley & Finch"]
    assert q.entities[0].open
    assert q.focus is not None and q.focus.name == "revenue"
    assert q.window is not None and q.window.start == date(2026, 3, 1) and q.window.end == date(2026, 3, 31)
    multi = parse_question("What did Bolt & Harrow Logistics report in January?", ANCHOR)
    assert _phrases(multi.entities) == ["Bolt & Harrow Logistics"]


def test_possessive_splits_a_name_from_what_it_owns() -> None:
    q = parse_question("What did Acme's Vision Unit earn last quarter?", ANCHOR)
    assert _phrases(q.entities) == ["Acme", "Vision Unit"]
    assert all(c.open for c in q.entities)
    assert q.focus is not None and q.focus.name == "profit"


@pytest.mark.parametrize(
    "question",
    [
        "Why did Zorblax shares tumble on Tuesday?",
        "What did Zorblax report in March?",
        "How did Zorblax trade on Friday?",
        "How did Nov. sales at Zorblax compare with Sept. sales?",
        "What did Zorblax say on Thursday's call?",
    ],
)
def test_months_and_weekdays_are_not_entities(question: str) -> None:
    q = parse_question(question, ANCHOR)
    assert _phrases(q.entities) == ["Zorblax"]


def test_weekday_sets_the_window() -> None:
    q = parse_question("Why did Zorblax shares tumble on Tuesday?", ANCHOR)
    assert q.window is not None and q.window.start == q.window.end == date(2026, 3, 10)


def test_place_adjective_is_not_required() -> None:
    q = parse_question("How high did German inflation climb in November?", ANCHOR)
    assert "German" in _phrases(q.entities)
    assert q.required == ()
    assert q.focus is not None and q.focus.name == "inflation"
    uk = parse_question("What is the yield on UK gilts?", ANCHOR)
    assert uk.required == () and uk.focus is not None and uk.focus.name == "bond yield"
    # a proper name that is not a place adjective stays required
    named = parse_question("How high did Zorblax inflation forecasts go?", ANCHOR)
    assert _phrases(named.required) == ["Zorblax"]


@pytest.mark.parametrize(
    ("question", "phrase", "alias"),
    [
        ("How did the yen trade on Friday?", "yen", "Japanese yen"),
        ("Why did sterling weaken on Monday?", "sterling", "British pound"),
    ],
)
def test_instruments_of_the_knowledge_files_are_entities(question: str, phrase: str, alias: str) -> None:
    q = parse_question(question, ANCHOR)
    assert _phrases(q.entities) == [phrase]
    concept = q.entities[0]
    assert concept.specific and not concept.open
    assert concept.found_in(f"The {alias} slipped against the dollar.")
    assert not concept.found_in("The Swiss franc slipped against the dollar.")
    assert alias in q.query, "the search text carries the instrument's aliases"


def test_acronym_finds_its_spelled_out_form() -> None:
    imf = Concept("IMF", specific=True, open=True)
    assert imf.found_in("the International Monetary Fund said")
    assert imf.found_in("The IMF's staff said")
    assert not imf.found_in("the imf said")
    assert not imf.found_in("the International Finance Corporation said")


def test_possessive_without_a_data_attribute_needs_most_of_its_words() -> None:
    q = parse_question("What is the Fed's emergency lending facility?", ANCHOR)
    assert q.focus is not None
    assert q.focus.name == "emergency lending facility"
    assert q.focus.need == 2 and len(q.focus.terms) == 3
    assert q.focus.found_in("The emergency facility lends to banks.")
    assert q.focus.found_in("the central bank's lending facilities")
    assert not q.focus.found_in("The Fed held an emergency meeting on Tuesday.")
    assert [c.names for c in q.entities] == [("Federal Reserve",)]


def test_explain_lists_the_fields() -> None:
    q = parse_question("How did Zorblax shares react to its sales forecast in March?", ANCHOR)
    lines = dict(q.explain())
    assert list(lines) == [
        "answer type",
        "expects",
        "entities",
        "attribute",
        "context",
        "days",
        "period",
        "fact kinds",
        "search",
    ]
    assert lines["answer type"] == "figure"
    assert lines["expects"] == "move"
    assert lines["entities"] == "Zorblax (proper name)"
    assert lines["attribute"] == "share move"
    assert lines["context"] == "revenue guidance"
    assert lines["days"].startswith("2026-03-01 to 2026-03-31")
    assert "stock_move" in lines["fact kinds"]
    known = dict(parse_question("Why did the Fed cut rates?", ANCHOR).explain())
    assert known["entities"] == "the Fed = Federal Reserve"
    assert known["days"] == "none"


def test_explain_does_not_call_an_instrument_a_proper_name() -> None:
    known = dict(parse_question("Why did sterling weaken?", ANCHOR).explain())
    assert known["entities"].startswith("sterling") and "proper name" not in known["entities"]


def test_frame_survives_a_json_round_trip() -> None:
    """The answer carries the frame as JSON; `ask --explain` reads it back into a Question."""
    q = parse_question("What dividend did Zorblax propose in March?", ANCHOR)
    back = Question.model_validate(json.loads(json.dumps(q.model_dump(mode="json"))))
    assert back.explain() == q.explain()
    assert dict(back.explain())["context"] == "none", "the focus is not listed as its own context"


# ------------------------------------------------------------------------------------ focus.coverage

MARGIN_TEXT = (
    "Quillon Dynamics reported results on Tuesday. "
    "Quillon Dynamics shares sank 7% as its gross margin narrowed. "
    "Its gross margin narrowed to 38.5% from 41%."
)
MOVE_SENTENCE = "Quillon Dynamics shares sank 7% as its gross margin narrowed."


def _move_fact() -> StockMove:
    """A stock move whose evidence is the span over "Quillon Dynamics shares sank 7%"."""
    start = MARGIN_TEXT.index(MOVE_SENTENCE)
    end = MARGIN_TEXT.index("7%") + 2
    return StockMove(
        article_id="a1",
        span=Span(start=start, end=end),
        evidence=MARGIN_TEXT[start:end],
        subject="Quillon Dynamics",
        change_pct=-7.0,
    )


def test_a_share_move_figure_does_not_state_a_gross_margin() -> None:
    q = parse_question("What gross margin did Quillon Dynamics report?", ANCHOR)
    assert q.focus is not None and q.focus.name == "gross margin" and q.expects == "pct"
    move = _move_fact()
    assert move.span.of(MARGIN_TEXT).endswith("7%")
    claimed = Evidence(MOVE_SENTENCE, MARGIN_TEXT, MARGIN_TEXT.index(MOVE_SENTENCE), (move,))
    assert not states_figure(q, claimed)
    found = coverage(q, [claimed])
    assert found.attribute and not found.missing and not found.figure and not found.ok
    said = why_not(q, found, ["Quillon Dynamics"])
    assert said == "The library mentions Quillon Dynamics, but no article gives its gross margin."
    # the same sentence without the move fact: 7% would pass as a percentage
    assert states_figure(q, Evidence(MOVE_SENTENCE, MARGIN_TEXT, claimed.start, ()))
    # the sentence that does give the margin answers, the move fact notwithstanding
    margin = "Its gross margin narrowed to 38.5% from 41%."
    stated = Evidence(margin, MARGIN_TEXT, MARGIN_TEXT.index(margin), (move,))
    assert coverage(q, [claimed, stated]).ok


def test_a_share_move_question_accepts_the_move_figure() -> None:
    q = parse_question("How did Quillon Dynamics shares react to its results?", ANCHOR)
    item = Evidence(MOVE_SENTENCE, MARGIN_TEXT, MARGIN_TEXT.index(MOVE_SENTENCE), (_move_fact(),))
    assert coverage(q, [item]).ok


JOBS_TEXT = (
    "Quillon Dynamics gave workers at its Leeds plant a 30-day notice of the closure. "
    "Quillon Dynamics will cut 1,200 jobs by June."
)


def _sentence(text: str, sentence: str) -> Evidence:
    return Evidence(sentence, text, text.index(sentence))


def test_a_count_needs_the_counted_noun() -> None:
    q = parse_question("How many workers will Quillon Dynamics lay off?", ANCHOR)
    notice = _sentence(
        JOBS_TEXT, "Quillon Dynamics gave workers at its Leeds plant a 30-day notice of the closure."
    )
    cut = _sentence(JOBS_TEXT, "Quillon Dynamics will cut 1,200 jobs by June.")
    assert not states_figure(q, notice)
    assert coverage(q, [notice]).attribute and not coverage(q, [notice]).figure
    assert states_figure(q, cut) and coverage(q, [cut]).ok
    assert coverage(q, [notice, cut]).ok
    assert why_not(q, coverage(q, [notice]), ["Quillon Dynamics"]).endswith("gives its layoffs.")


def test_a_count_of_jobs_is_not_a_notice_period() -> None:
    q = parse_question("How many jobs did Quillon Dynamics cut?", ANCHOR)
    notice = _sentence(
        JOBS_TEXT, "Quillon Dynamics gave workers at its Leeds plant a 30-day notice of the closure."
    )
    assert not coverage(q, [notice]).figure


def test_fits_by_expected_kind() -> None:
    text = (
        "Sales rose 4% to $3.2 billion, or 1,800 million euros, as 2,400 staff left "
        "and the index gained 35 points."
    )
    found = {m.text: m for m in numbers_in(text)}
    pct = next(m for t, m in found.items() if t.startswith("4"))
    usd = next(m for t, m in found.items() if t.startswith("$3.2"))
    staff = next(m for t, m in found.items() if t.startswith("2,400"))
    points = next(m for t, m in found.items() if t.startswith("35"))
    assert fits(pct, text, "pct") and fits(pct, text, "move") and not fits(pct, text, "money")
    assert fits(usd, text, "money") and not fits(usd, text, "pct") and not fits(usd, text, "count")
    assert fits(staff, text, "count") and not fits(staff, text, "money") and not fits(staff, text, "move")
    assert fits(points, text, "move"), "points after a plain number make a move"
    assert all(fits(m, text, "amount") for m in found.values())
    euros = next((m for t, m in found.items() if t.startswith("1,800")), None)
    assert euros is not None and fits(euros, text, "money"), "a currency word after the figure is money"


def test_minor_currency_units_are_money() -> None:
    """A dividend in cents or pence is a money figure; a percentage is not."""
    text = "Halvorsen Mills cut its payout to 14 cents a share, a rival paid 31 pence, margins rose 4 percent"
    found = {m.text: m for m in numbers_in(text)}
    assert fits(found["14"], text, "money") and fits(found["31"], text, "money")
    assert not fits(found["4 percent"], text, "money")


def test_missing_entity_is_reported() -> None:
    q = parse_question("What dividend did Quillon Dynamics and Pettiford Mills propose?", ANCHOR)
    assert _phrases(q.required) == ["Quillon Dynamics", "Pettiford Mills"]
    text = "Quillon Dynamics proposed a dividend of $1.20 a share."
    found = coverage(q, [Evidence(text, text, 0)])
    assert found.missing == ("Pettiford Mills",) and not found.ok
    assert found.attribute and found.figure
    assert why_not(q, found, ["Quillon Dynamics"]) == "The library does not mention Pettiford Mills."
    nothing = coverage(q, [Evidence("Markets were calm.", "Markets were calm.", 0)])
    assert set(nothing.missing) == {"Quillon Dynamics", "Pettiford Mills"}
    assert why_not(q, nothing, []) == "The library does not mention Quillon Dynamics and Pettiford Mills."


def test_a_named_thing_found_in_the_passage_is_not_missing() -> None:
    q = parse_question("What dividend did Pettiford Mills propose?", ANCHOR)
    passage = "Pettiford Mills had a strong year. The board proposed a dividend of $2 a share."
    item = Evidence("The board proposed a dividend of $2 a share.", passage, None)
    assert coverage(q, [item]).ok, "the name may sit in the passage, not the answer sentence"


def test_a_who_question_needs_a_new_name() -> None:
    q = parse_question("Who will succeed Quillon Dynamics chief executive Maren Oduya?", ANCHOR)
    assert q.answer_type == "who" and q.focus is not None and q.focus.name == "appointment"
    passage = "Quillon Dynamics said chief executive Maren Oduya will retire. "
    old = "Maren Oduya will step down once the board has named a successor."
    found = coverage(q, [Evidence(old, passage + old, None)])
    assert not found.person and not found.ok
    said = why_not(q, found, ["Quillon Dynamics", "Maren Oduya"])
    assert (
        said
        == "The library mentions Quillon Dynamics and Maren Oduya, but no article names who (appointment)."
    )
    new = "The board named Tobias Venn as successor to Maren Oduya."
    assert coverage(q, [Evidence(new, passage + new, None)]).ok
    # a new name in a sentence that says nothing of the appointment does not count
    aside = "Tobias Venn runs the company's Leeds plant."
    assert not coverage(q, [Evidence(aside, passage + aside, None)]).person


def test_a_weekday_after_a_capitalised_word_is_not_a_person() -> None:
    q = parse_question("Who will succeed Quillon Dynamics chief executive Maren Oduya?", ANCHOR)
    passage = "Quillon Dynamics said chief executive Maren Oduya will retire. "
    sentence = "On Monday the board said it would name a successor within months."
    assert not coverage(q, [Evidence(sentence, passage + sentence, None)]).person
    named = "On Monday the board named Tobias Venn as successor."
    assert coverage(q, [Evidence(named, passage + named, None)]).person


def test_figureless_answer_to_a_figure_question_fails() -> None:
    q = parse_question("What dividend did Pettiford Mills propose?", ANCHOR)
    text = "Pettiford Mills proposed its first dividend in years."
    found = coverage(q, [Evidence(text, text, 0)])
    assert found.attribute and not found.figure
    assert why_not(q, found, ["Pettiford Mills"]) == (
        "The library mentions Pettiford Mills, but no article gives its dividend."
    )


@pytest.mark.parametrize(
    ("when", "said"),
    [
        ("in March", "its dividend in March."),
        ("on Tuesday", "its dividend on Tuesday."),
        ("since January", "its dividend since January."),
        ("last week", "its dividend for last week."),
    ],
)
def test_why_not_says_when(when: str, said: str) -> None:
    q = parse_question(f"What dividend did Pettiford Mills propose {when}?", ANCHOR)
    assert q.window is not None and q.window.text == when
    text = "Pettiford Mills proposed its first dividend in years."
    found = coverage(q, [Evidence(text, text, 0)])
    assert why_not(q, found, ["Pettiford Mills"]) == (
        f"The library mentions Pettiford Mills, but no article gives {said}"
    )


# ------------------------------------------------------------------------------------ end to end

ARTICLES = {
    "harkwell-results": (
        "Harkwell Instruments shares slide after quarterly results\n"
        "Shares of Harkwell Instruments fell 8% on Wednesday after the maker of laboratory balances "
        "reported quarterly results that missed analysts' estimates.\n"
        "The company blamed weaker orders from university laboratories and a stronger dollar. "
        "Chief executive Odile Marchetti said demand should recover in the second half."
    ),
    "harkwell-dividend": (
        "Harkwell Instruments proposes first dividend in years\n"
        "Harkwell Instruments said on Thursday that its board had proposed the company's first dividend "
        "in years, a sign of confidence after a long restructuring.\n"
        "The company did not say how large the payout would be. Shareholders will vote on the proposal "
        "at the annual meeting in the spring."
    ),
    "cloud-group": (
        "Cloud builders raise data centre budgets\n"
        "Morrowgate <MRG.O>, Tessaline <TSL.N> and Ondrel Systems <ODS.O> plan to spend a combined "
        "$90 billion on data centres "
        "next year, according to people familiar with their budgets.\n"
        "On Friday, Tessaline shares rose 2.1% while Ondrel Systems shares gained 5.4% as investors "
        "welcomed the plans."
    ),
    "morrowgate-budget": (
        "Morrowgate sets its own data centre budget\n"
        "Morrowgate <MRG.O> said on Monday that it will spend $30 billion on new data centres next year, "
        "most of it in Europe.\n"
        "The company's finance chief, Priya Castellane, said the spending would be funded from "
        "operating cash flow."
    ),
}


@pytest.fixture(scope="module")
def newsroom(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, Library]:
    """A library of the four invented articles, ingested for real with the local embedding model."""
    settings = Settings(home=tmp_path_factory.mktemp("frame") / "library")
    library = Library.open(settings)
    sources = [TextSource(text, name) for name, text in ARTICLES.items()]
    outcomes = Ingestor(settings, library).run(sources, ArticleMeta(published=ANCHOR))
    assert [o.status for o in outcomes] == ["added"] * len(ARTICLES), [o.message for o in outcomes]
    return settings, library


def _ask(newsroom: tuple[Settings, Library], question: str) -> Answer:
    settings, library = newsroom
    return Answerer(library, settings, chat=None).ask(question, extractive=True)


def _first_sentence(text: str) -> str:
    return re.split(r"(?<=\])[.]?\s+(?=[A-Z])", text, maxsplit=1)[0]


def test_share_reaction_is_answered_with_the_move(newsroom: tuple[Settings, Library]) -> None:
    answer = _ask(newsroom, "How did Harkwell Instruments shares react to its results?")
    assert not answer.abstained, answer.notes
    assert "8%" in _first_sentence(answer.text)
    assert answer.citations and any("8%" in c.passage.text for c in answer.citations)
    titles = {c.article.meta.title for c in answer.citations}
    assert titles == {"Harkwell Instruments shares slide after quarterly results"}
    assert answer.frame["answer_type"] == "figure"
    assert answer.frame["focus"]["name"] == "share move"


def test_dividend_without_an_amount_abstains_naming_the_company(newsroom: tuple[Settings, Library]) -> None:
    answer = _ask(newsroom, "How large a dividend did Harkwell Instruments propose?")
    assert answer.abstained
    assert "Harkwell Instruments" in answer.text and "dividend" in answer.text
    assert answer.text == "The library mentions Harkwell Instruments, but no article gives its dividend."
    assert not answer.citations
    assert answer.frame["answer_type"] == "figure"


def test_a_member_is_answered_with_its_own_figure(newsroom: tuple[Settings, Library]) -> None:
    answer = _ask(newsroom, "How much will Morrowgate spend?")
    assert not answer.abstained, answer.notes
    lead = _first_sentence(answer.text)
    assert "$30 billion" in lead and "$90 billion" not in lead
    first = answer.citations[0]
    assert first.article.meta.title == "Morrowgate sets its own data centre budget"
    assert answer.frame["focus"]["name"] == "capex"


def test_comparison_states_both_figures(newsroom: tuple[Settings, Library]) -> None:
    answer = _ask(newsroom, "Which rose more, Tessaline or Ondrel Systems?")
    assert not answer.abstained, answer.notes
    assert "5.4%" in answer.text and "2.1%" in answer.text
    assert answer.text.startswith("Ondrel Systems rose more")
    assert answer.frame["answer_type"] == "comparison"
    assert [e["phrase"] for e in answer.frame["entities"]] == ["Tessaline", "Ondrel Systems"]


def test_ask_json_includes_the_frame(newsroom: tuple[Settings, Library]) -> None:
    settings, _library = newsroom
    out = runner.invoke(
        app,
        ["--home", str(settings.home), "ask", "How much will Morrowgate spend?", "--extractive", "--json"],
    )
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["abstained"] is False and "$30 billion" in data["text"]
    frame = data["frame"]
    assert frame["answer_type"] == "figure"
    assert frame["focus"]["name"] == "capex"
    assert [e["phrase"] for e in frame["entities"]] == ["Morrowgate"]


def test_ask_explain_prints_the_frame(newsroom: tuple[Settings, Library]) -> None:
    settings, _library = newsroom
    question = "How large a dividend did Harkwell Instruments propose?"
    out = runner.invoke(app, ["--home", str(settings.home), "ask", question, "--extractive", "--explain"])
    assert out.exit_code == 0, out.output
    assert "answer type" in out.output and "dividend" in out.output
    assert "Harkwell Instruments (proper name)" in out.output
    assert "no article gives its dividend" in out.output


# ------------------------------------------------------------------------------------ LLM mode


def _llm_answer_citing_the_group(newsroom: tuple[Settings, Library], question: str, reply: str) -> Answer:
    """Ask with a scripted model whose reply cites the group's passage as [{group}]."""
    settings, library = newsroom
    with LLMServer() as server:
        llm = settings.model_copy(update={"llm_base_url": server.base_url, "llm_model": "t"})
        answerer = Answerer(library, llm, OpenAICompatibleChat.from_settings(llm))
        hits = answerer.retriever.retrieve(answerer.retriever.read(question), 5).hits
        group = next(n for n, h in enumerate(hits, 1) if "a combined" in h.passage.text)
        server.reply(reply.format(group=group))
        return answerer.ask(question)


def test_llm_group_total_for_a_member_is_replaced_by_the_members_own_figure(
    newsroom: tuple[Settings, Library],
) -> None:
    """A model that answers for one company with its group's combined budget is overruled: the answer
    comes from the sentence that states the company's own figure."""
    question = "How much will Morrowgate spend on data centres?"
    reply = "Morrowgate will spend a combined $90 billion on data centres next year [{group}]."
    answer = _llm_answer_citing_the_group(newsroom, question, reply)
    assert not answer.abstained, answer.notes
    assert "$30 billion" in answer.text and "$90 billion" not in answer.text
    assert answer.citations[0].article.meta.title == "Morrowgate sets its own data centre budget"
    assert any("did not cover" in note for note in answer.notes)


def test_llm_group_total_is_kept_when_the_question_names_every_member(
    newsroom: tuple[Settings, Library],
) -> None:
    """The same combined figure answers a question about the whole group."""
    question = "How much do Morrowgate, Tessaline and Ondrel Systems plan to spend combined?"
    reply = "The three plan to spend a combined $90 billion on data centres next year [{group}]."
    answer = _llm_answer_citing_the_group(newsroom, question, reply)
    assert not answer.abstained, answer.notes
    assert answer.mode == "llm" and "$90 billion" in answer.text
