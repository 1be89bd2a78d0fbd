"""The catalog schema comes from Alembic migrations, on SQLite and PostgreSQL; the full-text index follows
every write; a catalog made before migrations is upgraded in place."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text

from assistant.errors import StoreError
from assistant.models import Article, ArticleMeta, Passage, Span
from vectorstore import migrate as migrations
from vectorstore.catalog import Catalog
from vectorstore.tables import Base

pytestmark = pytest.mark.both_catalogs

TEXTS = {
    "a": ("Copper miners rallied after a smelter outage in Chile tightened supply.", date(2026, 3, 2)),
    "b": ("Shipping stocks slumped as freight rates for container lines kept falling.", date(2026, 3, 9)),
    "c": ("The central bank of Norway held its deposit rate and warned about inflation.", None),
}


def _url(catalog_url: str | None, tmp_path: Path) -> str:
    """The test's catalog URL: its PostgreSQL database, or a SQLite file in tmp_path."""
    return catalog_url or f"sqlite:///{tmp_path / 'catalog.sqlite'}"


def _add(catalog: Catalog, key: str) -> Article:
    """Store one invented article as a single passage."""
    body, published = TEXTS[key]
    article = Article.create(body, ArticleMeta(title=key, published=published), datetime.now(UTC))
    passage = Passage.of(article, 0, Span(start=0, end=len(body)))
    with catalog.transaction() as session:
        catalog.stage(session, article, [passage])
    return article


def test_a_new_catalog_is_at_the_newest_revision_and_matches_the_models(
    catalog_url: str | None, tmp_path: Path
) -> None:
    """Migrations make exactly the tables the models describe, and HEAD names the newest revision."""
    catalog = Catalog(_url(catalog_url, tmp_path))
    config = Config()
    config.set_main_option("script_location", str(migrations.MIGRATIONS))
    assert ScriptDirectory.from_config(config).get_current_head() == migrations.HEAD
    with catalog.engine.connect() as conn:
        assert migrations.current(conn) == migrations.HEAD
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    # the full-text index is the database's own (FTS5 tables, a generated tsvector): the models omit it
    fulltext = [
        d
        for d in diffs
        if any(
            n in repr(d)
            for n in ("passages_fts", "passages_vocab", "tsv", "facts_fts", "ix_facts_subject_words")
        )
    ]
    assert [d for d in diffs if d not in fulltext] == []


def test_lexical_search_follows_adds_removes_and_dates(catalog_url: str | None, tmp_path: Path) -> None:
    """Words are found by stem, the date range runs in the database, a removed article leaves the index."""
    catalog = Catalog(_url(catalog_url, tmp_path))
    a, b, _c = (_add(catalog, key) for key in TEXTS)
    assert [pid for pid, _ in catalog.lexical("why did copper rally?", 10)] == [f"{a.id}:0000"]
    assert catalog.lexical("falling freight", 10)[0][0] == f"{b.id}:0000"
    ranked = [pid for pid, _ in catalog.lexical("copper shipping inflation", 10)]
    assert len(ranked) == 3
    assert [pid for pid, _ in catalog.lexical("copper shipping inflation", 10, since=date(2026, 3, 5))] == [
        f"{b.id}:0000"
    ]
    undated = catalog.lexical("inflation", 10, until=date(2026, 12, 31))
    assert undated == []  # an undated article is in no date range
    with catalog.transaction() as session:
        catalog.delete(session, a.id)
    assert catalog.lexical("copper", 10) == []


def test_common_words_still_rank_in_a_small_library(catalog_url: str | None, tmp_path: Path) -> None:
    """A word in most passages still counts (Lucene's IDF, not FTS5's classic one, which is zero there):
    of two passages naming the asked company, the one that also has the common word ranks first."""
    catalog = Catalog(_url(catalog_url, tmp_path))
    bodies = [
        "Tessaline shares rose after the chipmaker won a supply contract from a carmaker.",
        "Tessaline shares and the wider market rose after the chipmaker won a contract.",
        "The market for copper was calm while the market for nickel slipped on demand worries.",
        "Bond market traders priced a cut as the market for housing cooled again.",
    ]
    ids = []
    for n, body in enumerate(bodies):
        article = Article.create(body, ArticleMeta(title=str(n)), datetime.now(UTC))
        with catalog.transaction() as session:
            catalog.stage(session, article, [Passage.of(article, 0, Span(start=0, end=len(body)))])
        ids.append(f"{article.id}:0000")
    ranked = [pid for pid, _ in catalog.lexical("Tessaline market", 4)]
    assert ranked[0] == ids[1]


def test_facts_about_a_name_come_from_the_subject_index(catalog_url: str | None, tmp_path: Path) -> None:
    """Facts whose subject holds the name as whole words are found (a surname finds the full name, a
    name with symbols finds itself); a word inside another word does not; replaced facts leave the index."""
    from assistant.facts import Quote, StockMove

    catalog = Catalog(_url(catalog_url, tmp_path))
    body = "Brennholt Energy shares fell 4% after Mara Ilves, its chief executive, said demand slowed."
    article = _add_text(catalog, body)
    move = StockMove(
        article_id=article.id,
        span=Span(start=0, end=32),
        evidence=body[:32],
        subject="Brennholt Energy",
        value=-4.0,
        extractor="rules",
        confidence=0.9,
    )
    quote = Quote(
        article_id=article.id,
        span=Span(start=38, end=len(body)),
        evidence=body[38:],
        subject="Mara Ilves",
        speaker="Mara Ilves",
        text="demand slowed",
        extractor="rules",
        confidence=0.9,
    )
    catalog.replace_facts(article.id, [move, quote])
    assert [f.subject for f in catalog.facts_about(["Ilves"])] == ["Mara Ilves"]
    assert {f.subject for f in catalog.facts_about(["brennholt energy", "Ilves"])} == {
        "Brennholt Energy",
        "Mara Ilves",
    }
    assert catalog.facts_about(["Brenn"]) == [] and catalog.facts_about(["&&"]) == []
    catalog.replace_facts(article.id, [move])
    assert catalog.facts_about(["Ilves"]) == []


def _add_text(catalog: Catalog, body: str) -> Article:
    """Store an invented article as one passage."""
    article = Article.create(body, ArticleMeta(title="t"), datetime.now(UTC))
    with catalog.transaction() as session:
        catalog.stage(session, article, [Passage.of(article, 0, Span(start=0, end=len(body)))])
    return article


def test_query_syntax_and_stop_words_are_plain_words(catalog_url: str | None, tmp_path: Path) -> None:
    """Operators, quotes and column filters in a question are words, never full-text syntax errors."""
    catalog = Catalog(_url(catalog_url, tmp_path))
    _add(catalog, "a")
    for query in ['copper" OR *', "NEAR(copper chile)", "text: copper AND -chile", "(((", "&|!:*"]:
        catalog.lexical(query, 5)
    assert catalog.lexical("what was it and why?", 5) == []


def test_a_catalog_made_before_migrations_is_upgraded_in_place(
    catalog_url: str | None, tmp_path: Path
) -> None:
    """Tables created without Alembic (the first releases) are stamped, then given the full-text index
    with the passages already stored."""
    url = _url(catalog_url, tmp_path)
    engine = create_engine(url)
    Base.metadata.create_all(engine)
    body = TEXTS["a"][0]
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO articles (id, content_hash, title, ingested_at, text) "
                "VALUES ('00aa', 'h', 't', :now, :body)"
            ),
            {"now": datetime.now(UTC).replace(tzinfo=None), "body": body},
        )
        conn.execute(
            text(
                'INSERT INTO passages (id, article_id, ordinal, start, "end", text) '
                "VALUES ('00aa:0000', '00aa', 0, 0, :n, :body)"
            ),
            {"n": len(body), "body": body},
        )
    engine.dispose()
    catalog = Catalog(url)
    assert catalog.lexical("copper smelter", 5)[0][0] == "00aa:0000"
    with catalog.engine.connect() as conn:
        assert migrations.current(conn) == migrations.HEAD
        assert "alembic_version" in inspect(conn).get_table_names()


def test_a_catalog_from_a_newer_version_is_a_clear_error(catalog_url: str | None, tmp_path: Path) -> None:
    """A revision this code does not know says to upgrade newsdesk, and changes nothing."""
    url = _url(catalog_url, tmp_path)
    catalog = Catalog(url)
    with catalog.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    catalog.engine.dispose()
    with pytest.raises(StoreError, match="upgrade newsdesk"):
        Catalog(url)


def test_processes_opening_a_new_catalog_at_once_all_succeed(catalog_url: str | None, tmp_path: Path) -> None:
    """Four processes migrating one new database at once: one migrates, the others wait and find it done."""
    url = _url(catalog_url, tmp_path)
    code = "import sys; from vectorstore.catalog import Catalog; Catalog(sys.argv[1]); print('ok')"
    procs = [
        subprocess.Popen([sys.executable, "-c", code, url], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(4)
    ]
    results = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), [err.decode()[-500:] for _, err in results]
    catalog = Catalog(url)
    _add(catalog, "b")
    assert len(catalog.lexical("freight", 5)) == 1
