"""Short items: text given as text is an article from one sentence up; a short web page is still refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.pipeline import Ingestor, TextSource
from tests.conftest import FixtureServer
from vectorstore.library import Library

pytestmark = pytest.mark.both_catalogs  # the catalog on SQLite and on PostgreSQL

FLASH = "Copper miner Redhill Resources jumped 6.2% after it raised its output forecast."


def test_one_sentence_given_as_text_is_an_article(ingestor: Ingestor, library: Library) -> None:
    """A one-sentence wire flash pasted as text is stored with its passage and its move."""
    outcome = ingestor.run([TextSource(FLASH, "flash")])[0]
    assert outcome.status == "added", outcome.message
    article = library.catalog.get(outcome.article_id or "")
    assert article.text == FLASH
    facts = library.catalog.facts(article_id=article.id)
    assert any(f.kind == "stock_move" and f.main_value() == 6.2 for f in facts)


def test_short_text_and_markdown_files_are_articles(ingestor: Ingestor, tmp_path: Path) -> None:
    """.txt and .md files of two sentences go in; so does a pasted paragraph."""
    (tmp_path / "a.txt").write_text(FLASH + " Its rival slipped 1.1%.\n", encoding="utf-8")
    (tmp_path / "b.md").write_text("Gold edged up 0.4% to $2,410 an ounce on Tuesday.\n", encoding="utf-8")
    outcomes = ingestor.run([tmp_path / "a.txt", tmp_path / "b.md"])
    assert [o.status for o in outcomes] == ["added", "added"], [o.message for o in outcomes]


def test_empty_text_is_refused_with_one_line(ingestor: Ingestor) -> None:
    """Whitespace alone is not an article: one line naming the item."""
    outcome = ingestor.run([TextSource("   \n ", "blank")])[0]
    assert outcome.status == "failed"
    assert outcome.item == "blank"
    assert "no text" in (outcome.message or "") and "\n" not in (outcome.message or "")


def test_short_web_page_is_still_refused(ingestor: Ingestor, http_server: FixtureServer) -> None:
    """A fetched page this short is a paywall or a script page, not an article."""
    url = http_server.add("/flash.html", f"<html><body><article><p>{FLASH}</p></article></body></html>")
    outcome = ingestor.run([url])[0]
    assert outcome.status == "failed"
    assert "words of article text" in (outcome.message or "")
