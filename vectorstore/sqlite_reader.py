"""Read-only access to a SQLite catalog with the standard library, for the commands that only list.

`newsdesk articles`, `facts` and `show` start in a fraction of a second this way: importing SQLAlchemy
costs more than the whole command otherwise (about 0.15 s of a 0.3 s budget). The reader answers the same
calls as `Catalog` with the same SQL that Catalog's queries emit (tests/test_sqlite_reader.py compares
the two on one library); a catalog that is not SQLite, not yet created or not at this code's schema
revision is opened through `Catalog`, which migrates it.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, Protocol

from assistant.errors import NotFoundError
from assistant.models import Article, ArticleMeta, ArticleSummary, Passage
from vectorstore.revision import HEAD
from vectorstore.rows import check_prefix, one_id, to_article, to_passage

if TYPE_CHECKING:
    from assistant.facts import Fact

_DATES = {"published": date.fromisoformat, "as_of": date.fromisoformat, "ingested_at": datetime.fromisoformat}


class CatalogReads(Protocol):
    """The catalog reads the listing commands need (Catalog and SqliteReader both answer them)."""

    def summaries(self) -> list[ArticleSummary]:
        """Every article with its passage count, newest publication first."""
        ...

    def fact_counts(self) -> dict[str, int]:
        """Number of facts per article id."""
        ...

    def facts(
        self,
        kinds: Sequence[str] = (),
        subject: str | None = None,
        since: date | None = None,
        until: date | None = None,
        article_id: str | None = None,
    ) -> list[Fact]:
        """Facts filtered by kind, subject substring, event-date range and article."""
        ...

    def resolve(self, prefix: str) -> str:
        """The one article id starting with prefix."""
        ...

    def get(self, article_id: str) -> Article:
        """The article with this id."""
        ...

    def passages(self, article_id: str) -> list[Passage]:
        """Passages of one article, in order."""
        ...


def sqlite_path(url: str) -> Path | None:
    """The file of a sqlite:/// URL (None for anything else, an in-memory database included)."""
    match = re.fullmatch(r"sqlite:///(.+)", url)
    return Path(match.group(1)) if match and match.group(1) != ":memory:" else None


def _record(cursor: sqlite3.Cursor, row: tuple[Any, ...]) -> SimpleNamespace:
    """A row with its columns as attributes, dates parsed as SQLAlchemy stores them."""
    fields = {}
    for (name, *_), value in zip(cursor.description, row, strict=True):
        fields[name] = _DATES[name](value) if name in _DATES and value is not None else value
    return SimpleNamespace(**fields)


class SqliteReader:
    """The read calls of Catalog on a SQLite file at the newest revision, without SQLAlchemy."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def open(cls, url: str) -> SqliteReader | None:
        """A reader when url is an existing SQLite catalog at this code's revision; else None."""
        path = sqlite_path(url)
        if path is None or not path.is_file():
            return None
        reader = cls(path)
        try:
            rows = reader._rows("SELECT version_num FROM alembic_version")
        except sqlite3.Error:
            return None
        return reader if [r.version_num for r in rows] == [HEAD] else None

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[SimpleNamespace]:
        """Run one read-only query (waiting up to 30 s for a writer, as Catalog does)."""
        conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=30)
        try:
            conn.row_factory = _record
            return list(conn.execute(sql, params))
        finally:
            conn.close()

    def summaries(self) -> list[ArticleSummary]:
        """Every article with its passage count, newest publication first."""
        sql = (
            "SELECT a.id, a.url, a.title, a.source, a.author, a.published, a.ingested_at, c.n FROM articles a"
            " LEFT OUTER JOIN (SELECT article_id, count(*) AS n FROM passages GROUP BY article_id) c"
            " ON c.article_id = a.id ORDER BY a.published DESC, a.ingested_at DESC"
        )
        return [
            ArticleSummary(
                id=r.id,
                meta=ArticleMeta(
                    url=r.url, title=r.title, source=r.source, author=r.author, published=r.published
                ),
                ingested_at=r.ingested_at,
                passages=r.n or 0,
            )
            for r in self._rows(sql)
        ]

    def fact_counts(self) -> dict[str, int]:
        """Number of facts per article id."""
        return {
            r.article_id: r.n
            for r in self._rows("SELECT article_id, count(*) AS n FROM facts GROUP BY article_id")
        }

    def facts(
        self,
        kinds: Sequence[str] = (),
        subject: str | None = None,
        since: date | None = None,
        until: date | None = None,
        article_id: str | None = None,
    ) -> list[Fact]:
        """Facts filtered by kind, subject substring, event-date range and article; in article order."""
        from assistant.facts import FACT_ADAPTER

        where: list[str] = []
        params: list[Any] = []
        if kinds:
            where.append(f"kind IN ({', '.join('?' for _ in kinds)})")
            params.extend(kinds)
        if subject:
            where.append("lower(subject) LIKE '%' || ? || '%'")
            params.append(subject.lower())
        for clause, value in (("as_of >= ?", since), ("as_of <= ?", until), ("article_id = ?", article_id)):
            if value:
                where.append(clause)
                params.append(value.isoformat() if isinstance(value, date) else value)
        condition = f" WHERE {' AND '.join(where)}" if where else ""
        sql = f"SELECT data FROM facts{condition} ORDER BY as_of DESC, article_id, start"
        return [FACT_ADAPTER.validate_json(r.data) for r in self._rows(sql, params)]

    def matching(self, prefix: str) -> list[str]:
        """Ids of all articles starting with prefix: 4 or more hex characters, taken literally."""
        start = check_prefix(prefix)
        sql = "SELECT id FROM articles WHERE substr(id, 1, ?) = ? ORDER BY id"
        return [r.id for r in self._rows(sql, (len(start), start))]

    def resolve(self, prefix: str) -> str:
        """The one article id starting with prefix (at least 4 hex characters)."""
        return one_id(self.matching(prefix), prefix)

    def get(self, article_id: str) -> Article:
        """The article with this id."""
        rows = self._rows("SELECT * FROM articles WHERE id = ?", (article_id,))
        if not rows:
            raise NotFoundError(f"no article {article_id} in the library: see `newsdesk articles`")
        return to_article(rows[0])

    def passages(self, article_id: str) -> list[Passage]:
        """Passages of one article, in order."""
        sql = "SELECT * FROM passages WHERE article_id = ? ORDER BY ordinal"
        return [to_passage(r) for r in self._rows(sql, (article_id,))]
