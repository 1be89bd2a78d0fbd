"""Ingest with an LLM configured: rules and LLM facts merged, hallucinations dropped, outages survived."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from assistant.facts import is_grounded
from assistant.models import ArticleMeta
from assistant.settings import Settings
from ingest.pipeline import Ingestor, TextSource
from vectorstore.library import Library

from .llm_server import LLMServer

TEXT = (
    "Container lines rallied on Tuesday after freight rates on the main Asia to Europe route rose for a "
    "third week. Harbourline Shipping said its order book now covers 14 months of sailings, the longest "
    "in a decade, and the Stoxx 600 rose 0.6% by the close. Analysts at a Rotterdam broker said vessel "
    "capacity would stay tight until the new ships ordered in 2024 are delivered next year, and that "
    "charter rates for mid-sized ships had doubled since the spring as owners chased the longer routes."
)


@pytest.fixture()
def llm_server() -> Iterator[LLMServer]:
    """A scripted chat-completions server on 127.0.0.1."""
    with LLMServer() as server:
        yield server


def _settings(tmp_path: Path, server: LLMServer) -> Settings:
    """A library whose settings point the LLM at the fixture server."""
    return Settings(
        home=tmp_path / "lib",
        llm_base_url=server.base_url,
        llm_model="test",
        llm_max_retries=1,
        llm_timeout=5.0,
    )


def test_llm_facts_join_rules_facts_and_hallucinations_are_dropped(
    tmp_path: Path, llm_server: LLMServer
) -> None:
    """The LLM's grounded metric is stored beside the rules' facts; its invented one is not."""
    llm_server.reply_json(
        {
            "facts": [
                {
                    "kind": "metric",
                    "subject": "Harbourline Shipping",
                    "metric": "order book",
                    "value": 14,
                    "unit": "count",
                    "evidence": "its order book now covers 14 months of sailings",
                },
                {
                    "kind": "index_move",
                    "subject": "FTSE 100",
                    "change_pct": 2.2,
                    "evidence": "the FTSE 100 jumped 2.2% to a record",
                },
            ]
        }
    )
    settings = _settings(tmp_path, llm_server)
    library = Library.open(settings)
    ingestor = Ingestor(settings, library)
    assert ingestor.extraction.names == ["rules", "llm"]
    outcome = ingestor.run([TextSource(TEXT)], ArticleMeta(published=date(2026, 3, 3)))[0]
    assert outcome.status == "added"
    assert "llm: 1 facts dropped" in outcome.message
    facts = library.catalog.facts()
    article = library.catalog.get(outcome.article_id or "")
    assert all(is_grounded(f, article.text) for f in facts)
    by_extractor = {f.extractor for f in facts}
    assert "llm" in by_extractor
    assert not any(f.subject == "FTSE 100" for f in facts), "invented evidence never reaches the catalog"
    assert "Container lines" in llm_server.requests[0].prompt
    assert llm_server.requests[0].response_format is not None


def test_an_llm_outage_keeps_the_rules_facts(tmp_path: Path, llm_server: LLMServer) -> None:
    """With the LLM failing, the article and the rules' facts still go in, and the failure is reported."""
    llm_server.fail(500, "model overloaded", times=5)
    settings = _settings(tmp_path, llm_server)
    library = Library.open(settings)
    outcome = Ingestor(settings, library).run([TextSource(TEXT)], ArticleMeta(published=date(2026, 3, 3)))[0]
    assert outcome.status == "added", outcome.message
    assert "llm extractor failed" in outcome.message
    assert library.catalog.article_count() == 1
    assert all(f.extractor == "rules" for f in library.catalog.facts())


def test_no_llm_configured_means_rules_only(tmp_path: Path) -> None:
    """Offline default: only the rules extractor runs."""
    settings = Settings(home=tmp_path / "lib")
    assert Ingestor(settings, Library.open(settings)).extraction.names == ["rules"]


def test_a_provider_string_reaches_the_server(tmp_path: Path, llm_server: LLMServer) -> None:
    """NEWSDESK_LLM_MODEL=openai:NAME with a base URL: ingest extracts through LangChain's OpenAI provider."""
    llm_server.reply_json({"facts": []})
    settings = _settings(tmp_path, llm_server).model_copy(update={"llm_model": "openai:served-model"})
    ingestor = Ingestor(settings, Library.open(settings))
    assert ingestor.extraction.names == ["rules", "llm"]
    outcome = ingestor.run([TextSource(TEXT)], ArticleMeta(published=date(2026, 3, 3)))[0]
    assert outcome.status == "added", outcome.message
    assert llm_server.requests[0].body["model"] == "served-model"
    assert llm_server.requests[0].response_format is not None
