"""Facts in the library: stored with their article, filtered, replaced, removed; extractors merged safely."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest

from assistant.extraction.run import FactExtraction, merge
from assistant.facts import FACT_ADAPTER, Fact, IndexMove, Quote, describe, is_grounded
from assistant.models import Article, ArticleMeta, Span
from assistant.settings import Settings
from ingest.pipeline import Ingestor, TextSource
from vectorstore.library import Library

from .conftest import counts

pytestmark = pytest.mark.both_catalogs  # the catalog on SQLite and on PostgreSQL

TEXT = (
    "Small caps had their best day in months on Friday. The Russell 2000 rose 2.4% while the S&P 500 "
    "rose 0.8%, and traders said the move reflected a rotation out of crowded technology names into cheaper "
    "stocks. Regional banks led the advance as funding worries eased, and a strategist at a Boston asset "
    "manager said the rally had further to run if bond yields kept falling through the spring. "
) * 2


class RoseExtractor:
    """A tiny test extractor: 'the <Name> rose N%' -> an index move (tests the plumbing, not the rules)."""

    name = "test-rose"

    def __init__(self, confidence: float = 0.5) -> None:
        self.confidence = confidence

    def extract(self, article: Article) -> list[Fact]:
        facts: list[Fact] = []
        for m in re.finditer(
            r"The (Russell 2000|S&P 500) rose (\d+\.\d+)%", article.text, flags=re.IGNORECASE
        ):
            facts.append(
                IndexMove(
                    article_id=article.id,
                    span=Span(start=m.start(), end=m.end()),
                    evidence=m.group(0),
                    subject=m.group(1),
                    change_pct=float(m.group(2)),
                    as_of=article.meta.published,
                    extractor=self.name,
                    confidence=self.confidence,
                )
            )
        return facts


class BrokenExtractor:
    """An extractor whose backend is down."""

    name = "llm"

    def extract(self, article: Article) -> list[Fact]:
        raise ConnectionError("LLM server unreachable at http://127.0.0.1:9")


class LyingExtractor:
    """An extractor that returns a fact whose evidence is not at its span."""

    name = "liar"

    def extract(self, article: Article) -> list[Fact]:
        return [
            IndexMove(
                article_id=article.id,
                span=Span(start=0, end=5),
                evidence="Dow +9",
                subject="Dow",
                change_pct=9.0,
            )
        ]


def _ingestor(settings: Settings, library: Library, *extractors: object) -> Ingestor:
    """An ingestor whose extraction runs the given extractors."""
    return Ingestor(settings, library, extraction=FactExtraction(list(extractors)))  # type: ignore[arg-type]


def test_facts_are_stored_with_the_article_and_filtered(settings: Settings, library: Library) -> None:
    """Ingest stores grounded facts; filters by kind, subject, date and article work."""
    meta = ArticleMeta(title="Small caps rally", published=date(2026, 3, 6))
    outcome = _ingestor(settings, library, RoseExtractor()).run([TextSource(TEXT)], meta)[0]
    assert outcome.status == "added" and outcome.facts == 4  # two moves, in each copy of the paragraph
    stored = library.catalog.facts()
    assert {f.subject for f in stored} == {"Russell 2000", "S&P 500"}
    article = library.catalog.get(outcome.article_id or "")
    assert all(is_grounded(f, article.text) for f in stored)
    assert [f.subject for f in library.catalog.facts(subject="russell")] == ["Russell 2000"] * 2
    assert library.catalog.facts(kinds=["quote"]) == []
    assert len(library.catalog.facts(since=date(2026, 3, 6), until=date(2026, 3, 6))) == 4
    assert library.catalog.facts(since=date(2026, 3, 7)) == []
    assert len(library.catalog.facts(article_id=article.id)) == 4
    assert library.catalog.fact_counts() == {article.id: 4}


def test_rollback_removes_facts_too(settings: Settings, library: Library) -> None:
    """A failed index write leaves no article, passage, vector or fact behind."""

    class FailingIndex:
        def __init__(self, inner: object) -> None:
            self.inner = inner

        def add(self, *args: object) -> None:
            raise RuntimeError("index offline")

        def __getattr__(self, name: str) -> object:
            return getattr(self.inner, name)

    library.index = FailingIndex(library.index)  # type: ignore[assignment]
    outcome = _ingestor(settings, library, RoseExtractor()).run([TextSource(TEXT)])[0]
    assert outcome.status == "failed"
    assert counts(library) == (0, 0, 0) and library.catalog.facts() == []


def test_a_failing_extractor_does_not_fail_the_ingest(settings: Settings, library: Library) -> None:
    """The LLM extractor failing is reported; the article and the other extractor's facts still go in."""
    outcome = _ingestor(settings, library, RoseExtractor(), BrokenExtractor(), LyingExtractor()).run(
        [TextSource(TEXT)]
    )[0]
    assert outcome.status == "added" and outcome.facts == 4
    assert "llm extractor failed (LLM server unreachable" in outcome.message
    assert "liar: 1 ungrounded facts dropped" in outcome.message
    assert all(f.extractor == "test-rose" for f in library.catalog.facts())


def test_remove_and_replace_facts(settings: Settings, library: Library) -> None:
    """Removing an article removes its facts; replace_facts swaps them atomically."""
    outcome = _ingestor(settings, library, RoseExtractor()).run([TextSource(TEXT)])[0]
    article_id = outcome.article_id or ""
    library.catalog.replace_facts(article_id, library.catalog.facts()[:1])
    assert len(library.catalog.facts()) == 1
    library.remove(article_id)
    assert library.catalog.facts() == [] and library.catalog.fact_counts() == {}


def test_merge_keeps_one_of_each_fact_preferring_confidence() -> None:
    """Facts that agree on kind, subject and number with overlapping spans are merged."""
    article = Article.create(TEXT, ArticleMeta(), ingested_at=datetime(2026, 1, 1))
    low = RoseExtractor(confidence=0.4).extract(article)
    high = RoseExtractor(confidence=0.9).extract(article)
    merged = merge([low, high])
    assert len(merged) == len(low) and all(f.confidence == 0.9 for f in merged)
    other = IndexMove(
        article_id=article.id,
        span=low[0].span,
        evidence=low[0].evidence,
        subject="Russell 2000",
        change_pct=-2.4,
    )
    assert len(merge([low, [other]])) == len(low) + 1, "a different number is a different fact"


def test_fact_models_round_trip_and_describe() -> None:
    """Facts survive JSON and print their numbers in a short form."""
    quote = Quote(
        article_id="a",
        span=Span(start=0, end=4),
        evidence="“Hi”",
        subject="Ann Lee",
        speaker="Ann Lee",
        affiliation="Acme",
    )
    move = IndexMove(
        article_id="a", span=Span(start=0, end=4), evidence="up 2", subject="Dow", change_pct=-1.3
    )
    for fact in (quote, move):
        assert FACT_ADAPTER.validate_json(FACT_ADAPTER.dump_json(fact)) == fact
    assert describe(move) == "-1.30%" and describe(quote) == "Ann Lee (Acme)"
    with pytest.raises(ValueError):
        FACT_ADAPTER.validate_python({"kind": "gossip", "article_id": "a"})


def test_describe_rate_decisions_with_partial_fields() -> None:
    """A decision with one rate, or none, still prints."""
    from assistant.facts import RateDecision

    base = {"article_id": "a", "span": Span(start=0, end=3), "evidence": "cut", "subject": "Bank of England"}
    assert describe(RateDecision(**base, action="cut", rate_low=3.75, change_bp=-25)) == "cut 3.75% (-25 bp)"
    assert describe(RateDecision(**base, action="hold", rate_low=3.5, rate_high=3.75)) == "hold 3.50–3.75%"
    assert describe(RateDecision(**base, action="hike")) == "hike"
