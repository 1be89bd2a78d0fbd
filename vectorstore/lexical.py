"""Lexical passage search in the catalog's own full-text index (made by migration 0002): SQLite FTS5 ranked
by its BM25, or PostgreSQL's tsvector ranked by ts_rank_cd. Both are updated by the database on every write
and read only the matching rows, so nothing is rebuilt per query or per process.

Hand-written SQL because SQLAlchemy has no construct for FTS5 MATCH or tsquery ranking."""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

MAX_TERMS = 32  # a question expanded with its vocabulary stays well under this
_WORD = re.compile(r"\b\w\w+\b")  # bm25s's token pattern: words of two characters or more


@cache
def _stop_words() -> frozenset[str]:
    """English words too common to rank by (the knowledge file lexical.toml)."""
    from assistant.knowledge import stop_words

    return frozenset(stop_words())


def terms(query: str) -> list[str]:
    """The query's distinct words, case-folded, without stop words, in order (at most MAX_TERMS)."""
    words = _WORD.findall(query.casefold())
    kept = [w for w in dict.fromkeys(words) if w not in _stop_words()]
    return kept[:MAX_TERMS]


def _fts5_query(words: list[str]) -> str:
    """An FTS5 query matching any of the words in the text column (each quoted: no operator syntax)."""
    quoted = " OR ".join('"' + w.replace('"', '""') + '"' for w in words)
    return "{text} : (" + quoted + ")"


def _tsquery(words: list[str]) -> str:
    """A to_tsquery text matching any of the words (each reduced to letters and digits, stemmed by PG)."""
    parts = [re.sub(r"[^\w]+", " ", w).strip().replace(" ", " <-> ") for w in words]
    return " | ".join(p for p in parts if p)


def _date_clause(since: date | None, until: date | None) -> str:
    """SQL restricting the joined article's publication date (undated articles never match a range)."""
    clauses = []
    if since is not None:
        clauses.append("a.published >= :since")
    if until is not None:
        clauses.append("a.published <= :until")
    return "".join(f" AND {c}" for c in clauses)


def _sqlite(session: Session, words: list[str], pool: int, since: date | None, until: date | None) -> Any:
    """Best passages by FTS5 BM25 (the text column only; bm25() is lower for better matches)."""
    join = " JOIN articles a ON a.id = f.article_key" if since or until else ""
    sql = (
        "SELECT f.passage_id, -bm25(passages_fts, 1.0, 0.0, 0.0) AS score FROM passages_fts f"
        f"{join} WHERE passages_fts MATCH :q{_date_clause(since, until)} ORDER BY score DESC LIMIT :pool"
    )
    params = {"q": _fts5_query(words), "pool": pool, "since": since, "until": until}
    return session.execute(text(sql), params)


def _postgresql(session: Session, words: list[str], pool: int, since: date | None, until: date | None) -> Any:
    """Best passages by ts_rank_cd over the GIN-indexed tsvector (English stems and stop words)."""
    query = _tsquery(words)
    if not query:
        return []
    join = " JOIN articles a ON a.id = p.article_id" if since or until else ""
    sql = (
        "SELECT p.id, ts_rank_cd(p.tsv, q) AS score FROM passages p"
        f"{join}, to_tsquery('english', :q) q WHERE p.tsv @@ q{_date_clause(since, until)}"
        " ORDER BY score DESC, p.id LIMIT :pool"
    )
    params = {"q": query, "pool": pool, "since": since, "until": until}
    return session.execute(text(sql), params)


def search(
    session: Session, query: str, pool: int, since: date | None = None, until: date | None = None
) -> list[tuple[str, float]]:
    """Passage ids and scores (higher is better) matching any word of the query, within the date range."""
    words = terms(query)
    if not words:
        return []
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        rows = _sqlite(session, words, pool, since, until)
    elif dialect == "postgresql":
        rows = _postgresql(session, words, pool, since, until)
    else:
        return []  # no full-text index in other databases: the dense ranking serves alone
    return [(pid, float(score)) for pid, score in rows if score > 0]
