"""newsdesk inside LangChain chains (assistant.chains): the retriever, its tools, LangChain's standard
retriever suite, and a small LCEL chain, on a real library of invented articles (no network, no LLM)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any, ClassVar

import pytest
from langchain_core.documents import Document
from langchain_core.messages import ToolMessage
from langchain_core.runnables import RunnableLambda
from langchain_core.tools import BaseTool
from langchain_tests.integration_tests import RetrieversIntegrationTests

from assistant.chains import NewsdeskRetriever, facts_tool, format_docs, search_tool
from assistant.facts import FACT_KINDS
from assistant.models import ArticleMeta
from assistant.settings import Settings
from ingest.pipeline import Ingestor, TextSource
from vectorstore.library import Library

pytestmark = pytest.mark.slow

MONDAY, TUESDAY, WEDNESDAY = date(2026, 3, 9), date(2026, 3, 10), date(2026, 3, 11)

# name -> (published, url, title, text); invented companies, invented sentences
ARTICLES: dict[str, tuple[date, str, str, str]] = {
    "velquist": (
        MONDAY,
        "https://news.example.com/markets/velquist-robotics-slides",
        "Velquist Robotics slides after warehouse order delay",
        "Velquist Robotics <VQR.O> shares fell 6.4% on Monday after the warehouse-automation maker said "
        "a large order from a European retailer had been pushed into next year.\n"
        "The company cut its full-year revenue forecast to $2.1 billion from $2.4 billion and said "
        "customers were waiting for lower borrowing costs before committing to new sorting lines.\n"
        "Chief executive Dorrit Vayle told analysts on a call that demand for its picking arms "
        "remained strong in Asia and that the delayed order had not been cancelled.\n"
        "Analysts at Penmarch Securities said the delay would weigh on second-quarter margins but "
        "kept their buy rating on the stock, citing the company's growing service revenue.",
    ),
    "kelmora": (
        TUESDAY,
        "https://news.example.com/energy/kelmora-wind-spending",
        "Kelmora Energy to spend $4.5 billion on offshore wind",
        "Kelmora Energy said on Tuesday it will spend $4.5 billion on offshore wind farms over the "
        "next three years, its largest investment plan since the utility was founded.\n"
        "The company said the turbines would be built off the coast of Norhaven and would supply "
        "power to about two million homes once the last farm is connected in 2029.\n"
        "Kelmora's finance chief, Aldo Mirren, said the spending would be funded from operating cash "
        "flow and a green bond, and that the dividend would not be cut to pay for it.\n"
        "Kelmora shares rose 2.3% in Tuesday trading as investors welcomed the plan.",
    ),
    "tarnmoor": (
        TUESDAY,
        "https://news.example.com/mining/tarnmoor-copper-mine",
        "Tarnmoor Mining halts copper mine after flooding",
        "Tarnmoor Mining halted work at its Brackenfell copper mine on Tuesday after heavy rain flooded "
        "two of its lower shafts, the company said in a statement to the exchange.\n"
        "Nobody was hurt, and the miner expects pumping to take about three weeks before engineers "
        "can inspect the shafts and decide when digging can start again.\n"
        "The Brackenfell mine produced 85,000 tonnes of copper last year, about a third of the "
        "company's output, and analysts said the stoppage could lift prices of the metal.\n"
        "Tarnmoor shares dropped 3.8% in London while rival copper producers gained.",
    ),
    "ossiran": (
        WEDNESDAY,
        "https://news.example.com/banks/ossiran-bank-results",
        "Ossiran Bank profit beats forecasts on lending growth",
        "Ossiran Bank reported on Wednesday a quarterly profit well above analysts' forecasts as its "
        "lending to small businesses grew faster than expected across its home region.\n"
        "The lender said net interest income rose to $1.3 billion in the quarter and that bad loans "
        "stayed low despite a slowdown in the housing market.\n"
        "Chief executive Imre Saldana said the bank would open forty new branches in the coming year "
        "and hire about six hundred staff to serve the growing number of business customers.\n"
        "Ossiran Bank shares jumped 5.1% on Wednesday, their biggest one-day gain in two years.",
    ),
}


@pytest.fixture(scope="module")
def newsroom(tmp_path_factory: pytest.TempPathFactory) -> Library:
    """A library of the invented articles, each with its own day, URL and title, ingested for real."""
    settings = Settings(home=tmp_path_factory.mktemp("chains") / "library")
    library = Library.open(settings)
    ingestor = Ingestor(settings, library)
    for name, (published, url, title, text) in ARTICLES.items():
        meta = ArticleMeta(published=published, url=url, title=title, source="Example Wire")
        [outcome] = ingestor.run([TextSource(text, name)], meta)
        assert outcome.status == "added", outcome.message
    return library


@pytest.fixture(scope="module")
def retriever(newsroom: Library) -> NewsdeskRetriever:
    """A retriever over the invented library, three passages per query."""
    return NewsdeskRetriever(library=newsroom, k=3)


# ------------------------------------------------------------------------- LangChain's standard suite


# the suite's one async test (test_ainvoke_returns_documents) needs pytest-asyncio's mark; its sync tests
# share the class mark, which pytest-asyncio would warn about
@pytest.mark.asyncio
@pytest.mark.filterwarnings("ignore:The test <Function .*> is marked with '@pytest.mark.asyncio'")
class TestStandardRetrieverSuite(RetrieversIntegrationTests):
    """langchain-tests' RetrieversIntegrationTests against the invented library."""

    library: ClassVar[Library | None] = None

    @pytest.fixture(autouse=True)
    def _library(self, newsroom: Library) -> None:
        """Hand the module's library to the constructor parameters (properties cannot take fixtures)."""
        TestStandardRetrieverSuite.library = newsroom

    @property
    def retriever_constructor(self) -> type[NewsdeskRetriever]:
        return NewsdeskRetriever

    @property
    def retriever_constructor_params(self) -> dict[str, Any]:
        return {"library": self.library}

    @property
    def retriever_query_example(self) -> str:
        return "Why did Velquist Robotics shares fall?"


# ------------------------------------------------------------------------------------------- retriever


def test_invoke_returns_documents_with_their_article_and_span(
    retriever: NewsdeskRetriever, newsroom: Library
) -> None:
    docs = retriever.invoke("Why did Velquist Robotics shares fall?")
    assert docs and all(isinstance(d, Document) for d in docs)
    top = docs[0]
    published, url, title, _ = ARTICLES["velquist"]
    meta = top.metadata
    assert meta["title"] == title
    assert meta["source"] == "Example Wire"
    assert meta["url"] == url
    assert meta["published"] == published.isoformat()
    assert meta["article_id"] and meta["passage_id"].startswith(meta["article_id"])
    assert top.id == meta["passage_id"]
    assert "Velquist" in top.page_content
    for doc in docs:
        expected = {"article_id", "title", "source", "url", "published", "passage_id", "ordinal"}
        assert expected | {"start_index", "end_index", "link", "score"} <= set(doc.metadata)


def test_start_index_slices_the_article_text_to_the_page_content(
    retriever: NewsdeskRetriever, newsroom: Library
) -> None:
    docs = retriever.invoke("copper mine flooding", k=5)
    assert len(docs) >= 3
    for doc in docs:
        text = newsroom.catalog.get(doc.metadata["article_id"]).text
        assert text[doc.metadata["start_index"] : doc.metadata["end_index"]] == doc.page_content


def test_link_opens_the_passage_with_a_text_fragment(retriever: NewsdeskRetriever) -> None:
    [doc] = retriever.invoke("Kelmora offshore wind spending", k=1)
    link = doc.metadata["link"]
    assert link.startswith(ARTICLES["kelmora"][1] + "#:~:text=")
    assert link.split("#:~:text=", 1)[1].startswith("Kelmora%20Energy")


def test_k_is_respected_in_the_constructor_and_the_call(newsroom: Library) -> None:
    assert len(NewsdeskRetriever(library=newsroom, k=1).invoke("shares")) == 1
    assert len(NewsdeskRetriever(library=newsroom, k=2).invoke("shares")) == 2
    assert len(NewsdeskRetriever(library=newsroom, k=2).invoke("shares", k=4)) == 4


def test_since_and_until_keep_only_those_days(newsroom: Library) -> None:
    query = "shares fell rose dropped jumped"
    tuesday = NewsdeskRetriever(library=newsroom, k=10, since=TUESDAY, until=TUESDAY).invoke(query)
    assert {d.metadata["published"] for d in tuesday} == {TUESDAY.isoformat()}
    assert {d.metadata["title"] for d in tuesday} == {ARTICLES[n][2] for n in ("kelmora", "tarnmoor")}
    later = NewsdeskRetriever(library=newsroom, k=10).invoke(query, since=WEDNESDAY)
    assert later and {d.metadata["published"] for d in later} == {WEDNESDAY.isoformat()}
    earlier = NewsdeskRetriever(library=newsroom, k=10, until=MONDAY).invoke(query)
    assert earlier and {d.metadata["published"] for d in earlier} == {MONDAY.isoformat()}


def test_from_home_opens_the_library_in_that_folder(newsroom: Library) -> None:
    home = Path(newsroom.settings.home)
    docs = NewsdeskRetriever.from_home(home, k=2).invoke("Ossiran Bank lending profit")
    assert len(docs) == 2
    assert docs[0].metadata["title"] == ARTICLES["ossiran"][2]


# ----------------------------------------------------------------------------------------------- chain


def test_the_retriever_works_inside_an_lcel_chain(retriever: NewsdeskRetriever) -> None:
    chain = retriever | RunnableLambda(format_docs)
    context = chain.invoke("Tarnmoor copper mine")
    assert context.startswith(
        "[1] Tarnmoor Mining halts copper mine after flooding (Example Wire, 2026-03-10)"
    )
    assert "#:~:text=" in context
    assert "[2] " in context and "[3] " in context


async def _ainvoke(retriever: NewsdeskRetriever, query: str) -> list[Document]:
    return await retriever.ainvoke(query)


def test_batch_and_async_invoke(retriever: NewsdeskRetriever) -> None:
    import asyncio

    batched = retriever.batch(["Kelmora wind", "Ossiran Bank"])
    assert [b[0].metadata["title"] for b in batched] == [ARTICLES["kelmora"][2], ARTICLES["ossiran"][2]]
    docs = asyncio.run(_ainvoke(retriever, "Kelmora wind"))
    assert docs[0].metadata["title"] == ARTICLES["kelmora"][2]


# ----------------------------------------------------------------------------------------------- tools


def test_search_tool_returns_content_and_the_documents_as_artifact(retriever: NewsdeskRetriever) -> None:
    tool = search_tool(retriever)
    assert isinstance(tool, BaseTool) and tool.response_format == "content_and_artifact"
    assert set(tool.args) == {"query", "since", "until", "k"}
    call = {
        "name": tool.name,
        "args": {"query": "copper mine", "since": "2026-03-10", "until": "2026-03-10", "k": 2},
        "id": "call-1",
        "type": "tool_call",
    }
    message = tool.invoke(call)
    assert isinstance(message, ToolMessage)
    docs = message.artifact
    assert len(docs) == 2 and all(isinstance(d, Document) for d in docs)
    assert {d.metadata["published"] for d in docs} == {"2026-03-10"}
    assert message.content.startswith("[1] Tarnmoor Mining")
    assert docs[0].metadata["link"] in message.content


def test_search_tool_says_when_nothing_matches(retriever: NewsdeskRetriever) -> None:
    call = {"name": "s", "args": {"query": "copper", "since": "2027-01-01"}, "id": "c", "type": "tool_call"}
    message = search_tool(retriever).invoke(call)
    assert message.artifact == []
    assert message.content == "No passage in the library matches."


def test_facts_tool_schema_lists_the_fact_kinds(newsroom: Library) -> None:
    tool = facts_tool(newsroom)
    schema = tool.tool_call_schema.model_json_schema()
    kinds = schema["properties"]["kinds"]["items"]
    assert set(kinds["enum"]) == set(FACT_KINDS)
    assert {"kinds", "subject", "since", "until", "limit"} == set(schema["properties"])


def test_facts_tool_filters_by_kind_and_subject(newsroom: Library) -> None:
    tool = facts_tool(newsroom)
    moves = tool.invoke({"kinds": ["stock_move"]})
    assert moves and {f["kind"] for f in moves} == {"stock_move"}
    assert {"Velquist Robotics", "Ossiran Bank"} <= {f["subject"] for f in moves}
    velquist = tool.invoke({"kinds": ["stock_move"], "subject": "velquist"})
    assert [f["subject"] for f in velquist] == ["Velquist Robotics"]
    [move] = velquist
    assert move["change_pct"] == -6.4
    assert move["as_of"] == MONDAY.isoformat()
    assert move["link"].startswith(ARTICLES["velquist"][1] + "#:~:text=")
    article = newsroom.catalog.get(move["article_id"])
    assert article.text[move["span"]["start"] : move["span"]["end"]] == move["evidence"]
    json.dumps(moves)  # JSON-serialisable as returned


def test_facts_tool_filters_by_event_day(newsroom: Library) -> None:
    tool = facts_tool(newsroom)
    wednesday = tool.invoke({"since": "2026-03-11", "until": "2026-03-11"})
    assert wednesday and {f["as_of"] for f in wednesday} == {WEDNESDAY.isoformat()}
    capex = tool.invoke({"kinds": ["capex"]})
    assert capex and all(f["subject"].startswith("Kelmora") for f in capex)
    assert capex[0]["amount_usd"] == 4.5e9


def test_facts_tool_refuses_an_unknown_kind(newsroom: Library) -> None:
    with pytest.raises(ValueError, match="kinds"):
        facts_tool(newsroom).invoke({"kinds": ["horoscope"]})


def test_facts_tool_as_a_tool_call_returns_json_content(newsroom: Library) -> None:
    call = {"name": "f", "args": {"kinds": ["capex"]}, "id": "c", "type": "tool_call"}
    message = facts_tool(newsroom).invoke(call)
    assert isinstance(message, ToolMessage)
    [record] = json.loads(message.content)
    assert record["kind"] == "capex" and record["subject"].startswith("Kelmora")
