"""Hybrid search over the sample library: ranking, date filters, spans."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from assistant.search import Searcher, rrf
from assistant.settings import Settings
from vectorstore.library import Library

from .conftest import example_files

pytestmark = pytest.mark.both_catalogs  # the catalog on SQLite and on PostgreSQL

DEMO_QUESTION = "why did small caps outperform on Feb 6?"


@pytest.fixture(scope="module")
def sample(sample_library: tuple[Settings, Library]) -> tuple[Library, Searcher]:
    """The shared sample library and a searcher over it."""
    settings, library = sample_library
    return library, Searcher(library, settings)


def test_demo_question_ranks_the_feb6_rotation_passage_first(sample: tuple[Library, Searcher]) -> None:
    """The passage explaining the Feb 6 small-cap outperformance comes first, from the Feb 6 rally story."""
    _library, searcher = sample
    hits = searcher.search(DEMO_QUESTION, k=5)
    top = hits[0]
    assert Path(example_files()[0]).name.startswith("01-")
    assert top.article.meta.title == "Why small caps ran away from Big Tech on Friday"
    text = top.passage.text
    assert "Russell 2000" in text and ("February 6" in text or "Feb 6" in text)
    assert "rotat" in text
    assert top.dense_rank is not None and top.lexical_rank is not None


def test_hits_resolve_to_exact_spans(sample: tuple[Library, Searcher]) -> None:
    """Every hit's passage is the exact span of its stored article's text."""
    library, searcher = sample
    for hit in searcher.search("Microsoft Azure growth capital expenditure", k=5):
        article = library.catalog.get(hit.article.id)
        assert article.text[hit.passage.span.start : hit.passage.span.end] == hit.passage.text


def test_lexical_only_term_is_found(sample: tuple[Library, Searcher]) -> None:
    """An exact figure (a BM25 strength) surfaces its passage at the top."""
    _library, searcher = sample
    hits = searcher.search("60,017", k=3)
    assert "60,017" in hits[0].passage.text


def test_date_range_filters_articles(sample: tuple[Library, Searcher]) -> None:
    """--since/--until keep only passages of articles published in the range."""
    _library, searcher = sample
    since, until = date(2026, 1, 28), date(2026, 1, 29)
    hits = searcher.search("Microsoft earnings and the Fed", k=10, since=since, until=until)
    assert hits
    assert all(h.article.meta.published and since <= h.article.meta.published <= until for h in hits)
    later = searcher.search("Microsoft earnings and the Fed", k=10, since=date(2026, 2, 7))
    assert all(h.article.meta.published and h.article.meta.published >= date(2026, 2, 7) for h in later)
    assert not searcher.search("anything", since=date(2027, 1, 1))


def test_search_sees_new_and_removed_articles(sample: tuple[Library, Searcher], tmp_path: Path) -> None:
    """The lexical index follows the catalog: a removed article's passages stop appearing."""
    library, searcher = sample
    hits = searcher.search("Bitcoin 16-month low", k=3)
    bitcoin_id = hits[0].article.id
    article = library.catalog.get(bitcoin_id)
    passages = library.catalog.passages(bitcoin_id)
    facts = library.catalog.facts(article_id=bitcoin_id)
    library.remove(bitcoin_id)
    try:
        assert all(h.article.id != bitcoin_id for h in searcher.search("Bitcoin 16-month low", k=10))
    finally:
        library.add(article, passages, facts=facts)  # the library is shared: put everything back
    assert searcher.search("Bitcoin 16-month low", k=3)[0].article.id == bitcoin_id


def test_rrf_rewards_agreement() -> None:
    """An item ranked by both lists beats items ranked by one."""
    fused = rrf([["a", "b", "c"], ["c", "a", "d"]], k=60)
    assert max(fused, key=lambda x: fused[x]) == "a"
    assert fused["c"] > fused["b"] > fused["d"]
