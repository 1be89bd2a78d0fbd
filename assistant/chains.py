"""newsdesk inside other people's LangChain chains: a retriever over a library and tools built on it.

`NewsdeskRetriever` is a `langchain_core` `BaseRetriever` over the read path (`assistant.retrieve`: hybrid
dense + BM25 search, re-ranked by the days and things the question names, optionally limited to a range of
publication dates). Each passage becomes a `Document` whose `page_content` is the passage text and whose
metadata say where it comes from: article id, title, source, URL, published day, the passage's half-open
span in the article text (`start_index`, `end_index`) and a link with a `#:~:text=` fragment that opens the
page at the passage. `search_tool` offers it to a tool-calling model (the Documents travel as the tool
message's artifact, so citations survive); `facts_tool` offers the catalog's typed facts.

Only this module imports LangChain; the rest of newsdesk runs without it.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from langchain_core.tools import BaseTool, StructuredTool
from pydantic import BaseModel, Field, PrivateAttr

from assistant.facts import Fact, FactKind, describe
from assistant.models import ArticleSummary, SearchHit
from assistant.retrieve import Retriever
from assistant.settings import Settings
from assistant.verify import text_fragment_url
from vectorstore.library import Library

SEARCH_TOOL = "newsdesk_search"
FACTS_TOOL = "newsdesk_facts"
MAX_K = 20  # most passages one tool call may ask for
MAX_FACTS = 50  # most facts one tool call returns by default


# ------------------------------------------------------------------------------------------- retriever


class NewsdeskRetriever(BaseRetriever):
    """Hybrid, date-aware passage retrieval over a newsdesk library, as LangChain `Document`s."""

    library: Library
    k: int = Field(5, ge=1, description="Passages returned per query.")
    since: date | None = Field(None, description="Only articles published on or after this day.")
    until: date | None = Field(None, description="Only articles published on or before this day.")

    _reader: Retriever | None = PrivateAttr(None)

    @classmethod
    def from_settings(cls, settings: Settings, **fields: Any) -> NewsdeskRetriever:
        """A retriever over the library the settings name (opened, or created when missing)."""
        return cls(library=Library.open(settings), **fields)

    @classmethod
    def from_home(cls, home: str | Path, **fields: Any) -> NewsdeskRetriever:
        """A retriever over the library in this folder, other settings from NEWSDESK_* variables."""
        return cls.from_settings(Settings(home=Path(home).expanduser()), **fields)

    def reader(self) -> Retriever:
        """The read path's retriever, built once (it keeps the lexical index and recent query vectors)."""
        if self._reader is None:
            self._reader = Retriever(self.library, self.library.settings)
        return self._reader

    def _get_relevant_documents(
        self,
        query: str,
        *,
        run_manager: CallbackManagerForRetrieverRun,
        k: int | None = None,
        since: date | None = None,
        until: date | None = None,
    ) -> list[Document]:
        """The k passages best answering the query, published in [since, until] (call values win)."""
        retrieval = self.reader().retrieve(query, k or self.k, since or self.since, until or self.until)
        return [to_document(hit) for hit in retrieval.hits]


def to_document(hit: SearchHit) -> Document:
    """A search hit as a Document: the passage text, with its article and span as metadata."""
    passage, meta = hit.passage, hit.article.meta
    return Document(
        id=passage.id,
        page_content=passage.text,
        metadata={
            "article_id": hit.article.id,
            "title": meta.title,
            "source": meta.source,
            "url": meta.url,
            "published": meta.published.isoformat() if meta.published else None,
            "passage_id": passage.id,
            "ordinal": passage.ordinal,
            "start_index": passage.span.start,
            "end_index": passage.span.end,
            "link": text_fragment_url(meta.url, passage.text),
            "score": hit.score,
        },
    )


def format_docs(docs: list[Document]) -> str:
    """Numbered passages with their title, source, day and link, for a prompt or a tool message."""
    return "\n\n".join(_formatted(n, doc) for n, doc in enumerate(docs, 1))


def _formatted(n: int, doc: Document) -> str:
    """One passage as "[n] title (source, day) link" then its text."""
    meta = doc.metadata
    where = ", ".join(str(v) for v in (meta.get("source"), meta.get("published")) if v)
    head = f"[{n}] {meta.get('title') or '(untitled)'}" + (f" ({where})" if where else "")
    link = meta.get("link")
    return f"{head}\n{link}\n{doc.page_content}" if link else f"{head}\n{doc.page_content}"


# ------------------------------------------------------------------------------------------------ tools


class SearchArgs(BaseModel):
    """Arguments of the passage search tool."""

    query: str = Field(description="What to look for, in words (a question or keywords).")
    since: date | None = Field(None, description="Only articles published on or after this day.")
    until: date | None = Field(None, description="Only articles published on or before this day.")
    k: int | None = Field(None, ge=1, le=MAX_K, description="How many passages to return.")


class FactsArgs(BaseModel):
    """Arguments of the facts tool."""

    kinds: list[FactKind] = Field(default_factory=list, description="Fact kinds to return (none: all).")
    subject: str | None = Field(None, description="Part of the subject's name, e.g. a company or index.")
    since: date | None = Field(None, description="Only facts that happened on or after this day.")
    until: date | None = Field(None, description="Only facts that happened on or before this day.")
    limit: int = Field(MAX_FACTS, ge=1, le=500, description="Most facts returned.")


def search_tool(retriever: NewsdeskRetriever, name: str = SEARCH_TOOL) -> BaseTool:
    """A tool searching the library's passages; its artifact is the Documents (the citations)."""

    def search(
        query: str, since: date | None = None, until: date | None = None, k: int | None = None
    ) -> tuple[str, list[Document]]:
        """Numbered passages as text, and the Documents they came from."""
        docs = retriever.invoke(query, k=k, since=since, until=until)
        return (format_docs(docs) or "No passage in the library matches."), docs

    return StructuredTool.from_function(
        search,
        name=name,
        description=(
            "Search a library of market-news articles. Returns numbered passages, each with its "
            "article's title, source, publication day and a link to the exact words; cite them by number."
        ),
        args_schema=SearchArgs,
        response_format="content_and_artifact",
    )


def facts_tool(library: Library, name: str = FACTS_TOOL) -> BaseTool:
    """A tool returning the library's typed facts (moves, capex, prices, rates, metrics, quotes) as JSON."""

    def facts(
        kinds: list[FactKind] | None = None,
        subject: str | None = None,
        since: date | None = None,
        until: date | None = None,
        limit: int = MAX_FACTS,
    ) -> list[dict[str, Any]]:
        """The catalog's facts of these kinds about the subject that happened in [since, until]."""
        found = library.catalog.facts(kinds or (), subject, since, until)[:limit]
        articles = {s.id: s for s in library.catalog.summaries()}
        return [fact_record(fact, articles.get(fact.article_id)) for fact in found]

    return StructuredTool.from_function(
        facts,
        name=name,
        description=(
            "Typed facts extracted from market-news articles (index, sector, stock, commodity, currency, "
            "yield and crypto moves, capex, price levels, rate decisions, other metrics, quotes), each with "
            "its subject, numbers, event day, the evidence sentence and a link to it. Filter by kind, "
            "subject and event days."
        ),
        args_schema=FactsArgs,
    )


def fact_record(fact: Fact, article: ArticleSummary | None) -> dict[str, Any]:
    """A fact as a JSON-ready dict: its fields, id, one-line summary, article title and evidence link."""
    meta = article.meta if article is not None else None
    return {
        **fact.model_dump(mode="json"),
        "id": fact.id,
        "summary": describe(fact),
        "title": meta.title if meta else None,
        "link": text_fragment_url(meta.url if meta else None, fact.evidence),
    }
