"""Store configuration: a Chroma server via NEWSDESK_CHROMA_URL, and a catalog at any SQLAlchemy URL."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.search import Searcher
from assistant.settings import Settings
from ingest.pipeline import Ingestor
from vectorstore.index import ChromaIndex
from vectorstore.library import Library

from .conftest import counts, example_files


def test_chroma_server_when_url_is_set(tmp_path: Path, chroma_server: str) -> None:
    """With NEWSDESK_CHROMA_URL the passages go to the server, not to a local chroma folder."""
    settings = Settings(home=tmp_path / "lib", chroma_url=chroma_server)
    library = Library.open(settings)
    assert isinstance(library.index, ChromaIndex)
    outcomes = Ingestor(settings, library).run(example_files()[:2])
    assert [o.status for o in outcomes] == ["added", "added"]
    passages = sum(o.passages for o in outcomes)
    assert counts(library) == (2, passages, passages)
    assert not (settings.home / "chroma").exists() and (tmp_path / "data").is_dir()
    dense = library.index.search(library.embedder.embed_query("small caps rally"), 50)
    assert {pid for pid, _ in dense} == {p.id for p in library.catalog.passages()}
    hits = Searcher(library, settings).search("small caps rally", k=3)
    assert hits and all(h.dense_rank is not None for h in hits)
    library.remove(outcomes[0].article_id or "")
    assert Library.open(settings).index.count() == passages - outcomes[0].passages


def test_catalog_at_another_sqlalchemy_url(tmp_path: Path) -> None:
    """NEWSDESK_CATALOG_URL moves the catalog out of the home folder."""
    elsewhere = tmp_path / "db" / "newsdesk.db"
    elsewhere.parent.mkdir()
    settings = Settings(home=tmp_path / "lib", catalog_url=f"sqlite:///{elsewhere}")
    library = Library.open(settings)
    outcome = Ingestor(settings, library).run(example_files()[:1])[0]
    assert outcome.status == "added"
    assert elsewhere.is_file() and not (settings.home / "catalog.sqlite").exists()
    assert Library.open(settings).catalog.get(outcome.article_id or "").meta.published is not None


def test_settings_read_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """NEWSDESK_* variables fill the one settings object; an unknown embedder lists the known ones."""
    monkeypatch.setenv("NEWSDESK_HOME", str(tmp_path / "h"))
    monkeypatch.setenv("NEWSDESK_CHROMA_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("NEWSDESK_EMBEDDER", "word2vec")
    settings = Settings()
    assert settings.home == tmp_path / "h" and settings.chroma_url == "http://127.0.0.1:9"
    from assistant.errors import ConfigError
    from vectorstore.embeddings import make_embedder

    with pytest.raises(ConfigError, match="local, openai"):
        make_embedder(settings)


def test_chroma_collection_has_no_embedding_function_and_no_telemetry(settings: Settings) -> None:
    """Chroma never embeds by itself (its default would download a model) and telemetry is off."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    library = Library.open(settings)
    assert isinstance(library.index, ChromaIndex)
    client = chromadb.PersistentClient(
        path=str(settings.chroma_path), settings=ChromaSettings(anonymized_telemetry=False, allow_reset=True)
    )
    (collection,) = client.list_collections()
    assert collection.configuration.get("embedding_function") is None
    assert collection.metadata == {"embedder": "all-MiniLM-L6-v2"}
    assert library.index._client.get_settings().anonymized_telemetry is False
