"""The standard-library reader of a SQLite catalog answers exactly as Catalog does, on the sample library;
catalogs it cannot serve (not SQLite, missing, an older or newer revision) go to Catalog."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from assistant.errors import NotFoundError
from assistant.settings import Settings
from vectorstore.catalog import Catalog
from vectorstore.library import Library
from vectorstore.sqlite_reader import SqliteReader


@pytest.fixture(scope="module")
def both(sample_library: tuple[Settings, Library]) -> tuple[Catalog, SqliteReader]:
    """The sample library's catalog through SQLAlchemy and through the reader."""
    settings, library = sample_library
    reader = SqliteReader.open(settings.resolved_catalog_url)
    assert reader is not None
    return library.catalog, reader


def test_listing_and_counts_agree(both: tuple[Catalog, SqliteReader]) -> None:
    """Summaries (order, dates, passage counts) and fact counts are the same objects."""
    catalog, reader = both
    assert reader.summaries() == catalog.summaries() and len(reader.summaries()) >= 10
    assert reader.fact_counts() == catalog.fact_counts()


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"kinds": ["index_move", "sector_move"]},
        {"subject": "russell"},
        {"subject": "100%"},  # a LIKE wildcard in the subject behaves as Catalog's does
        {"since": date(2026, 2, 6), "until": date(2026, 2, 6)},
        {"kinds": ["capex"], "since": date(2026, 1, 1)},
    ],
)
def test_fact_filters_agree(both: tuple[Catalog, SqliteReader], query: dict[str, object]) -> None:
    """Every filter of `newsdesk facts` selects the same facts in the same order."""
    catalog, reader = both
    assert reader.facts(**query) == catalog.facts(**query)  # type: ignore[arg-type]


def test_articles_passages_and_ids_agree(both: tuple[Catalog, SqliteReader]) -> None:
    """`show` reads the same article and passages; prefixes resolve, or fail, the same way."""
    catalog, reader = both
    first = catalog.summaries()[0].id
    assert reader.get(first) == catalog.get(first)
    assert reader.passages(first) == catalog.passages(first)
    assert reader.facts(article_id=first) == catalog.facts(article_id=first)
    assert reader.resolve(first[:6].upper()) == catalog.resolve(first[:6].upper()) == first
    for bad in ["ab", "%%%%", "0000000000000000"]:
        with pytest.raises(NotFoundError) as ours:
            reader.resolve(bad)
        with pytest.raises(NotFoundError) as theirs:
            catalog.resolve(bad)
        assert str(ours.value) == str(theirs.value)
    with pytest.raises(NotFoundError):
        reader.get("0" * 16)


def test_catalogs_the_reader_cannot_serve_go_to_catalog(tmp_path: Path) -> None:
    """No reader for PostgreSQL URLs, a missing file, or a catalog at another revision."""
    assert SqliteReader.open("postgresql+psycopg://u:p@127.0.0.1/x") is None
    assert SqliteReader.open(f"sqlite:///{tmp_path / 'none.sqlite'}") is None
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    catalog = Catalog(url)
    assert SqliteReader.open(url) is not None
    with catalog.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0002'"))
    assert SqliteReader.open(url) is None
