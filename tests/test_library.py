"""The library: all-or-nothing writes across catalog and index, dedup, removal."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from assistant.errors import DuplicateArticleError, NotFoundError, StoreError
from assistant.models import ArticleMeta, Passage
from assistant.settings import Settings
from ingest.pipeline import Ingestor, TextSource
from vectorstore.catalog import Catalog
from vectorstore.library import Library

from .conftest import counts

pytestmark = pytest.mark.both_catalogs  # the catalog on SQLite and on PostgreSQL

BODY = (
    "Regional lenders led a broad advance on Tuesday as traders bet that easing funding costs would revive "
    "loan demand. The KBW bank gauge climbed 2.4% while utilities slipped 0.6%, and analysts at a Boston "
    "brokerage said the move looked like the start of a rotation rather than a one-day squeeze. "
) * 4


class FailingIndex:
    """A passage index whose add fails after writing part of the vectors (as a crash mid-write would)."""

    def __init__(self, inner: object) -> None:
        self.inner = inner

    def add(
        self, passages: Sequence[Passage], embeddings: Sequence[Sequence[float]], meta: ArticleMeta
    ) -> None:
        self.inner.add(passages[:1], embeddings[:1], meta)  # type: ignore[attr-defined]
        raise StoreError("the passage index rejected the passages: disk full")

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)


class CommitFailingCatalog(Catalog):
    """A catalog whose every commit fails."""

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        with super().transaction() as session:
            yield session
            raise RuntimeError("database is locked")


def test_index_failure_leaves_no_catalog_rows(settings: Settings, library: Library) -> None:
    """If indexing fails, neither the article nor its passages nor partial vectors remain."""
    library.index = FailingIndex(library.index)  # type: ignore[assignment]
    outcomes = Ingestor(settings, library).run([TextSource(BODY)])
    assert [o.status for o in outcomes] == ["failed"]
    assert "disk full" in outcomes[0].message
    assert counts(library) == (0, 0, 0)


def test_catalog_failure_leaves_no_vectors(settings: Settings, library: Library) -> None:
    """If the catalog commit fails, no vector is written (vectors follow the commit)."""
    failing = Library(
        settings, CommitFailingCatalog(settings.resolved_catalog_url), library.index, library.embedder
    )
    outcomes = Ingestor(settings, failing).run([TextSource(BODY)])
    assert [o.status for o in outcomes] == ["failed"]
    assert "database is locked" in outcomes[0].message
    assert counts(library) == (0, 0, 0)


def test_embedding_failure_stores_nothing(settings: Settings, library: Library) -> None:
    """An embedder that fails means a failed item and an untouched library."""

    class Broken:
        name = library.embedder.name

        def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
            raise RuntimeError("out of memory")

        def embed_query(self, text: str) -> list[float]:
            raise RuntimeError("out of memory")

    broken = Library(settings, library.catalog, library.index, Broken())
    outcomes = Ingestor(settings, broken).run([TextSource(BODY)])
    assert outcomes[0].status == "failed" and "out of memory" in outcomes[0].message
    assert counts(library) == (0, 0, 0)


def test_failure_of_one_item_does_not_stop_the_batch(settings: Settings, library: Library) -> None:
    """An index that rejects one article's passages fails the batch's one vector write; the others are
    then written article by article, so the next article in the batch still goes in whole."""
    inner = library.index

    class PickyIndex(FailingIndex):
        def add(
            self, passages: Sequence[Passage], embeddings: Sequence[Sequence[float]], meta: object
        ) -> None:
            if any("Tuesday" in p.text for p in passages):
                super().add(passages, embeddings, meta)  # type: ignore[arg-type]
            inner.add(passages, embeddings, meta)  # type: ignore[arg-type]

    library.index = PickyIndex(inner)  # type: ignore[assignment]
    other = BODY.replace("Tuesday", "Wednesday")
    outcomes = Ingestor(settings, library).run([TextSource(BODY, "first"), TextSource(other, "second")])
    assert [o.status for o in outcomes] == ["failed", "added"]
    articles, passages, vectors = counts(library)
    assert articles == 1 and passages == vectors == outcomes[1].passages


def test_dedup_on_normalised_text(ingestor: Ingestor, library: Library) -> None:
    """The same text, even re-spaced or re-cased, is already in the library; nothing changes."""
    first = ingestor.run([TextSource(BODY)], ArticleMeta(url="https://news.example/a"))
    assert first[0].status == "added"
    before = counts(library)
    again = ingestor.run([TextSource("  " + BODY.upper().replace(" ", "  \n")), TextSource(BODY)])
    assert [o.status for o in again] == ["duplicate", "duplicate"]
    assert all("already in the library" in o.message and o.article_id == first[0].article_id for o in again)
    assert counts(library) == before
    article = library.catalog.get(first[0].article_id or "")
    with pytest.raises(DuplicateArticleError):
        library.add(article, library.catalog.passages(article.id))


def test_remove_deletes_everywhere(settings: Settings, ingestor: Ingestor, library: Library) -> None:
    """remove() deletes the article, its passages and its vectors; the other article stays."""
    a, b = ingestor.run([TextSource(BODY, "a"), TextSource(BODY.replace("Boston", "Denver"), "b")])
    assert a.article_id and b.article_id
    removed = library.remove(a.article_id[:6])
    assert removed.id == a.article_id
    assert library.catalog.article_count() == 1
    assert {p.article_id for p in library.catalog.passages()} == {b.article_id}
    assert library.index.count() == b.passages
    with pytest.raises(NotFoundError):
        library.remove(a.article_id)
    reopened = Library.open(settings)
    assert counts(reopened) == (1, b.passages, b.passages)


def test_library_persists_on_disk(settings: Settings, ingestor: Ingestor, tmp_path: Path) -> None:
    """A library written by one process-level object is read back by a fresh one from the same folder."""
    outcome = ingestor.run([TextSource(BODY)], ArticleMeta(title="Banks lead", source="Test Wire"))[0]
    assert (settings.home / "chroma").is_dir()
    assert (settings.home / "catalog.sqlite").is_file() == (settings.catalog_url is None)
    reopened = Library.open(settings)
    article = reopened.catalog.get(outcome.article_id or "")
    assert article.meta.title == "Banks lead" and article.meta.source == "Test Wire"
    passages = reopened.catalog.passages(article.id)
    assert passages and all(article.text[p.span.start : p.span.end] == p.text for p in passages)
    assert reopened.index.count() == len(passages)


def test_same_url_new_text_is_kept_as_a_new_version(ingestor: Ingestor, library: Library) -> None:
    """A revised story at the same URL is added, with a note naming the earlier version."""
    url = ArticleMeta(url="https://news.example/banks")
    first = ingestor.run([TextSource(BODY)], url)[0]
    revised = ingestor.run([TextSource(BODY + " Updated with closing prices.")], url)[0]
    assert revised.status == "added"
    assert f"new version of {first.article_id}" in revised.message
    assert library.catalog.article_count() == 2
