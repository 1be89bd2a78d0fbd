"""Lexical passage search in the catalog's own full-text index (migrations 0002-0004): SQLite FTS5, or a
PostgreSQL tsvector with a GIN index. Both are updated by the database on every write and read only the
matching rows, so nothing is rebuilt per query or per process.

Either index picks the candidates; they are re-scored with Lucene's BM25 (k1 1.5, b 0.75, IDF ln(1 + (N -
df + 0.5) / (df + 0.5))), document frequencies from the FTS5 vocabulary or GIN counts: FTS5's built-in
bm25() uses the classic IDF, which is zero for any word in more than half the passages and so ignores a
library's common words entirely in a small library (a few long pages), and PostgreSQL's ts_rank has no
IDF at all — Lucene's never does either.

Hand-written SQL because SQLAlchemy has no construct for FTS5 MATCH, fts5vocab or tsquery ranking."""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from datetime import date
from functools import cache
from typing import Any

import Stemmer
from sqlalchemy import bindparam, text
from sqlalchemy.orm import Session

MAX_TERMS = 32  # a question expanded with its vocabulary stays well under this
CANDIDATES = 200  # FTS5 matches re-scored per query (at least 4 x the pool asked for)
K1, B = 1.5, 0.75  # Lucene's (and bm25s's) defaults
LARGE = 20_000  # passages from which common words no longer pick the candidates
MATCH_BUDGET = 20_000  # passages the candidate-picking words may match together (in a large library)
_TOKEN = re.compile(r"[^\W_]+")  # FTS5 unicode61: runs of letters and digits
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


@cache
def _stemmer() -> Any:
    """The Porter stemmer FTS5's porter tokenizer applies (PyStemmer's "porter" is the same algorithm)."""
    return Stemmer.Stemmer("porter")


def stems(passage: str) -> list[str]:
    """A text's words as FTS5 `porter unicode61` indexes them (lower-cased, accents dropped, stemmed),
    counting as bm25s did: words of two characters or more, stop words left out."""
    words = [_plain(w) for w in _TOKEN.findall(passage.casefold())]
    return list(_stemmer().stemWords([w for w in words if len(w) > 1 and w not in _stop_words()]))


def _plain(word: str) -> str:
    """The word without accents (only non-ASCII words need the work)."""
    if word.isascii():
        return word
    return "".join(ch for ch in unicodedata.normalize("NFKD", word) if not unicodedata.combining(ch))


@cache
def _uncounted() -> tuple[str, ...]:
    """The index's terms a passage's length leaves out: the stems of the stop words."""
    return tuple(sorted(set(_stemmer().stemWords(sorted(_stop_words())))))


_TOTALS: dict[tuple[str, int, int], int] = {}  # (database, passages, newest index row) -> indexed tokens


def _corpus(session: Session) -> tuple[int, float]:
    """Passages indexed and their mean length in tokens (the total cached until the index changes)."""
    count, newest = session.execute(text("SELECT count(*), max(rowid) FROM passages_fts")).one()
    if not count:
        return 0, 1.0
    key = (str(session.get_bind().engine.url), int(count), int(newest))
    if key not in _TOTALS:
        sql = text(
            "SELECT sum(cnt) FROM passages_vocab WHERE col = 'text' AND length(term) > 1"
            " AND term NOT IN :stops"
        ).bindparams(bindparam("stops", expanding=True))
        total = session.execute(sql, {"stops": list(_uncounted())}).scalar()
        _TOTALS.clear()
        _TOTALS[key] = int(total or count)
    return int(count), _TOTALS[key] / count


def _frequencies(session: Session, query: list[str]) -> dict[str, int]:
    """How many passages hold each stemmed word (the FTS5 vocabulary)."""
    sql = text("SELECT term, doc FROM passages_vocab WHERE col = 'text' AND term IN :terms")
    rows = session.execute(sql.bindparams(bindparam("terms", expanding=True)), {"terms": query})
    return {term: int(doc) for term, doc in rows}


def _idf(count: int, df: dict[str, int], query: list[str]) -> dict[str, float]:
    """Lucene's IDF of each query stem (a stem the index does not know counts as in one passage)."""
    return {t: math.log(1 + (count - df.get(t, 1) + 0.5) / (df.get(t, 1) + 0.5)) for t in query}


def _lucene(
    query: list[str], idf: dict[str, float], average: float | None, rows: list[tuple[str, str]]
) -> list[tuple[str, float]]:
    """Lucene BM25 scores of the candidate passages, best first (average length: the corpus's, else the
    candidates')."""
    tokens = {pid: stems(passage) for pid, passage in rows}
    if average is None:
        average = sum(map(len, tokens.values())) / max(len(tokens), 1) or 1.0
    scored = []
    for pid, words in tokens.items():
        tf = Counter(words)
        norm = K1 * (1 - B + B * len(words) / average)
        scored.append((pid, sum(idf[t] * tf[t] * (K1 + 1) / (tf[t] + norm) for t in query if tf[t])))
    return sorted(scored, key=lambda ps: (-ps[1], ps[0]))


def _sqlite(
    session: Session, words: list[str], pool: int, since: date | None, until: date | None
) -> list[tuple[str, float]]:
    """The best FTS5 matches within the date range, re-scored by Lucene BM25 from the vocabulary."""
    query = list(dict.fromkeys(stems(" ".join(words))))
    count, average = _corpus(session)
    df = _frequencies(session, query)
    limit = max(CANDIDATES, 4 * pool)
    rows = _fts5_candidates(session, _rare(words, df, count), limit, since, until)
    if len(rows) < pool:
        rows = _fts5_candidates(session, words, limit, since, until)
    return _lucene(query, _idf(count, df, query), average, rows)


def _rare(words: list[str], df: dict[str, int], count: int) -> list[str]:
    """In a large library, the words that pick the candidates: the rarest ones, as long as together they
    match at most MATCH_BUDGET passages (FTS5 ranks every passage a word matches: ~50 ms for a word in
    60,000 passages); the common words still count in the re-scoring. All words in a small library."""
    if count < LARGE:
        return words
    held = {w: max((df.get(t, 0) for t in stems(w)), default=0) for w in words}  # passages holding it
    chosen: list[str] = []
    matched = 0
    for word in sorted(words, key=held.__getitem__):
        matched += held[word]
        if chosen and matched > MATCH_BUDGET:
            break
        chosen.append(word)
    return chosen


def _fts5_candidates(
    session: Session, words: list[str], limit: int, since: date | None, until: date | None
) -> list[tuple[str, str]]:
    """The passages matching any of the words within the date range, best by FTS5's bm25 first."""
    join = " JOIN articles a ON a.id = f.article_key" if since or until else ""
    sql = (
        "SELECT f.passage_id, f.text FROM passages_fts f"
        f"{join} WHERE passages_fts MATCH :q{_date_clause(since, until)}"
        " ORDER BY bm25(passages_fts, 1.0, 0.0, 0.0) LIMIT :n"
    )
    params = {"q": _fts5_query(words), "n": limit, "since": since, "until": until}
    return [(pid, passage) for pid, passage in session.execute(text(sql), params)]


_PG_DF: dict[tuple[str, int, str], int] = {}  # (database, passages, word) -> passages holding it


def _pg_frequencies(session: Session, words: list[str]) -> tuple[int, dict[str, int]]:
    """Passages stored, and how many hold each word (GIN-indexed counts, cached until passages change),
    keyed by the word's Porter stem."""
    count = int(session.execute(text("SELECT count(*) FROM passages")).scalar() or 0)
    url = str(session.get_bind().engine.url)
    df: dict[str, int] = {}
    for word in words:
        key = (url, count, word)
        if key not in _PG_DF:
            sql = "SELECT count(*) FROM passages WHERE tsv @@ plainto_tsquery('english', :w)"
            _PG_DF[key] = int(session.execute(text(sql), {"w": word}).scalar() or 0)
            if len(_PG_DF) > 10_000:
                _PG_DF.clear()
        for stem in stems(word):
            df[stem] = max(df.get(stem, 0), _PG_DF[key])
    return count, df


def _postgresql(
    session: Session, words: list[str], pool: int, since: date | None, until: date | None
) -> list[tuple[str, float]]:
    """Matches of the GIN-indexed tsvector within the date range, the candidates chosen by the IDF of the
    words they hold, then re-scored by Lucene BM25 (PostgreSQL's own ts_rank has no IDF)."""
    words = [w for w in words if stems(w)]
    query = list(dict.fromkeys(stems(" ".join(words))))
    if not query:
        return []
    count, df = _pg_frequencies(session, words)
    idf = _idf(count, df, query)
    params: dict[str, Any] = {"n": max(CANDIDATES, 4 * pool), "since": since, "until": until}
    weights = []
    for n, word in enumerate(words):
        params[f"w{n}"], params[f"i{n}"] = word, max(idf.get(t, 0.0) for t in stems(word))
        weights.append(f"CASE WHEN p.tsv @@ plainto_tsquery('english', :w{n}) THEN :i{n} ELSE 0 END")
    params["q"] = _tsquery(words)
    join = " JOIN articles a ON a.id = p.article_id" if since or until else ""
    sql = (
        f"SELECT p.id, p.text FROM passages p{join}, to_tsquery('english', :q) q"
        f" WHERE p.tsv @@ q{_date_clause(since, until)} ORDER BY {' + '.join(weights)} DESC, p.id LIMIT :n"
    )
    rows = [(pid, passage) for pid, passage in session.execute(text(sql), params)]
    return _lucene(query, idf, None, rows)


def search(
    session: Session, query: str, pool: int, since: date | None = None, until: date | None = None
) -> list[tuple[str, float]]:
    """Passage ids and scores (higher is better) matching any word of the query, within the date range."""
    words = terms(query)
    if not words:
        return []
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        ranked = _sqlite(session, words, pool, since, until)
    elif dialect == "postgresql":
        ranked = _postgresql(session, words, pool, since, until)
    else:
        return []  # no full-text index in other databases: the dense ranking serves alone
    return [(pid, score) for pid, score in ranked if score > 0][:pool]


def _phrase(name: str) -> str:
    """A name as an FTS5 phrase of its words ("S&P 500" -> "s p 500"), quotes doubled."""
    return '"' + " ".join(_TOKEN.findall(name.casefold())).replace('"', '""') + '"'


def facts_about(session: Session, names: list[str], limit: int) -> list[str]:
    """The stored JSON of the facts whose subject contains one of the names as whole words (newest event
    first, at most limit): the subject word index of migration 0004, or a scan where there is none."""
    names = [n for n in names if _TOKEN.search(n)]
    if not names:
        return []
    order = " ORDER BY f.as_of DESC, f.article_id, f.start LIMIT :n"
    dialect = session.get_bind().dialect.name
    params: dict[str, Any] = {"n": limit}
    if dialect == "sqlite":
        params["q"] = "{subject} : (" + " OR ".join(_phrase(n) for n in names) + ")"
        where = "f.id IN (SELECT fact_id FROM facts_fts WHERE facts_fts MATCH :q)"
    elif dialect == "postgresql":
        params.update({f"n{i}": n for i, n in enumerate(names)})
        query = " || ".join(f"phraseto_tsquery('simple', :n{i})" for i in range(len(names)))
        where = f"to_tsvector('simple', f.subject) @@ ({query})"
    else:
        params.update({f"n{i}": f"%{n.casefold()}%" for i, n in enumerate(names)})
        where = " OR ".join(f"lower(f.subject) LIKE :n{i}" for i in range(len(names)))
    return list(session.execute(text(f"SELECT f.data FROM facts f WHERE {where}{order}"), params).scalars())
