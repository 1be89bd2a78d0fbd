"""SQL catalog of articles, passages and facts (SQLite file by default, PostgreSQL or any SQLAlchemy URL);
its schema is made and upgraded by the Alembic migrations in vectorstore/migrations."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import create_engine, delete, event, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from assistant.errors import NotFoundError, StoreError
from assistant.models import Article, ArticleMeta, ArticleSummary, Passage
from vectorstore import lexical
from vectorstore.migrate import migrate
from vectorstore.reasons import hint, reason
from vectorstore.rows import check_prefix, one_id
from vectorstore.rows import to_article as _to_article
from vectorstore.rows import to_passage as _to_passage
from vectorstore.tables import ArticleRow, FactRow, PassageRow

if TYPE_CHECKING:
    from assistant.facts import Fact


def _fact_row(fact: Fact) -> FactRow:
    """Map a fact to its row."""
    from assistant.facts import FACT_ADAPTER  # the fact models load only when facts are read or written

    return FactRow(
        id=fact.id,
        article_id=fact.article_id,
        kind=fact.kind,
        subject=fact.subject,
        start=fact.span.start,
        end=fact.span.end,
        as_of=fact.as_of,
        value=fact.main_value(),
        extractor=fact.extractor,
        data=FACT_ADAPTER.dump_json(fact).decode("utf-8"),
    )


def _sqlite_foreign_keys(dbapi_connection: object, _record: object) -> None:
    """SQLite: foreign keys on (passages cascade), WAL journal so readers never block the writer."""
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class Catalog:
    """Articles and passages in SQL; writes happen inside transactions the caller can abort."""

    def __init__(self, url: str) -> None:
        self.url = url
        sqlite = url.startswith("sqlite")
        # several processes may write one SQLite file (two ingests, the app): wait for a lock, not fail
        self.engine: Engine = create_engine(url, connect_args={"timeout": 30} if sqlite else {})
        if sqlite:
            event.listen(self.engine, "connect", _sqlite_foreign_keys)
        try:
            migrate(self.engine)
        except SQLAlchemyError as exc:
            where = self.engine.url.database if sqlite else self.engine.url.render_as_string()
            raise StoreError(f"the catalog {where} cannot be opened ({reason(exc)}): {hint(exc)}") from exc
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session committed on success and rolled back on any exception."""
        with self._sessions() as session, session.begin():
            yield session

    def stage(self, session: Session, article: Article, passages: list[Passage]) -> None:
        """Add an article and its passages to an open transaction (not yet committed)."""
        meta = article.meta
        session.add(
            ArticleRow(
                id=article.id,
                content_hash=article.content_hash,
                url=meta.url,
                title=meta.title,
                source=meta.source,
                author=meta.author,
                published=meta.published,
                ingested_at=article.ingested_at,
                text=article.text,
            )
        )
        session.flush()
        session.add_all(
            PassageRow(
                id=p.id,
                article_id=p.article_id,
                ordinal=p.ordinal,
                start=p.span.start,
                end=p.span.end,
                text=p.text,
            )
            for p in passages
        )
        session.flush()

    def stage_facts(self, session: Session, facts: Sequence[Fact]) -> None:
        """Add facts to an open transaction; facts with the same id are stored once."""
        rows = {fact.id: _fact_row(fact) for fact in facts}
        session.add_all(rows.values())
        session.flush()

    def replace_facts(self, article_id: str, facts: Sequence[Fact]) -> None:
        """Swap an article's facts for new ones, atomically."""
        with self.transaction() as session:
            session.execute(delete(FactRow).where(FactRow.article_id == article_id))
            self.stage_facts(session, facts)

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

        query = select(FactRow.data).order_by(FactRow.as_of.desc(), FactRow.article_id, FactRow.start)
        if kinds:
            query = query.where(FactRow.kind.in_(list(kinds)))
        if subject:
            query = query.where(func.lower(FactRow.subject).contains(subject.lower()))
        if since:
            query = query.where(FactRow.as_of >= since)
        if until:
            query = query.where(FactRow.as_of <= until)
        if article_id:
            query = query.where(FactRow.article_id == article_id)
        with self._sessions() as session:
            return [FACT_ADAPTER.validate_json(data) for data in session.scalars(query)]

    def facts_about(self, names: Sequence[str], limit: int = 1000) -> list[Fact]:
        """Facts whose subject contains one of the names as whole words ("Huang": "Jensen Huang"), newest
        event first, through the subject word index (no scan of every fact)."""
        from assistant.facts import FACT_ADAPTER

        with self._sessions() as session:
            return [FACT_ADAPTER.validate_json(d) for d in lexical.facts_about(session, list(names), limit)]

    def facts_of(self, article_ids: Sequence[str]) -> dict[str, list[Fact]]:
        """Every fact of each of these articles (one query), in article order."""
        from assistant.facts import FACT_ADAPTER

        found: dict[str, list[Fact]] = {aid: [] for aid in article_ids}
        if not found:
            return found
        query = (
            select(FactRow.data)
            .where(FactRow.article_id.in_(list(found)))
            .order_by(FactRow.as_of.desc(), FactRow.article_id, FactRow.start)
        )
        with self._sessions() as session:
            for data in session.scalars(query):
                fact = FACT_ADAPTER.validate_json(data)
                found[fact.article_id].append(fact)
        return found

    def fact_counts(self) -> dict[str, int]:
        """Number of facts per article id."""
        query = select(FactRow.article_id, func.count()).group_by(FactRow.article_id)
        with self._sessions() as session:
            return {aid: n for aid, n in session.execute(query)}

    def has(self, article_id: str) -> bool:
        """True when an article with this id exists."""
        with self._sessions() as session:
            return session.get(ArticleRow, article_id) is not None

    def ids_with_url(self, url: str) -> list[str]:
        """Ids of stored articles with this canonical URL."""
        with self._sessions() as session:
            return list(session.scalars(select(ArticleRow.id).where(ArticleRow.url == url)))

    def get(self, article_id: str) -> Article:
        """The article with this id."""
        with self._sessions() as session:
            row = session.get(ArticleRow, article_id)
            if row is None:
                raise NotFoundError(f"no article {article_id} in the library: see `newsdesk articles`")
            return _to_article(row)

    def resolve(self, prefix: str) -> str:
        """The one article id starting with prefix (at least 4 hex characters)."""
        return one_id(self.matching(prefix), prefix)

    def matching(self, prefix: str) -> list[str]:
        """Ids of all articles starting with prefix: 4 or more hex characters, taken literally (no LIKE)."""
        start = check_prefix(prefix)
        with self._sessions() as session:
            query = select(ArticleRow.id).where(ArticleRow.id.startswith(start, autoescape=True))
            return list(session.scalars(query.order_by(ArticleRow.id)))

    def summaries(self) -> list[ArticleSummary]:
        """Every article with its passage count, newest publication first."""
        return self._summaries(None)

    def summaries_by_id(self, ids: Sequence[str]) -> dict[str, ArticleSummary]:
        """The summaries of these articles only (a query never reads every article row)."""
        return {s.id: s for s in self._summaries(list(dict.fromkeys(ids)))} if ids else {}

    def _summaries(self, ids: list[str] | None) -> list[ArticleSummary]:
        """Article metadata with passage counts, newest first; all articles or the given ones."""
        counts = select(PassageRow.article_id, func.count().label("n")).group_by(PassageRow.article_id)
        a = ArticleRow
        if ids is not None:
            counts = counts.where(PassageRow.article_id.in_(ids))
        sub = counts.subquery()
        query = (
            select(a.id, a.url, a.title, a.source, a.author, a.published, a.ingested_at, sub.c.n)
            .outerjoin(sub, sub.c.article_id == a.id)
            .order_by(a.published.desc(), a.ingested_at.desc())
        )  # metadata columns only: listing and search never load article texts
        if ids is not None:
            query = query.where(a.id.in_(ids))
        with self._sessions() as session:
            return [
                ArticleSummary(
                    id=aid,
                    meta=ArticleMeta(url=url, title=title, source=source, author=author, published=published),
                    ingested_at=ingested_at,
                    passages=n or 0,
                )
                for aid, url, title, source, author, published, ingested_at, n in session.execute(query)
            ]

    def passage_ids_published(self, since: date | None, until: date | None) -> list[str]:
        """Ids of the passages whose article was published in the range (undated ones never are)."""
        query = select(PassageRow.id).join(ArticleRow, ArticleRow.id == PassageRow.article_id)
        query = query.where(ArticleRow.published.is_not(None))
        if since is not None:
            query = query.where(ArticleRow.published >= since)
        if until is not None:
            query = query.where(ArticleRow.published <= until)
        with self._sessions() as session:
            return list(session.scalars(query))

    def newest_published(self) -> date | None:
        """The newest publication date in the library (questions' dates are read relative to it)."""
        with self._sessions() as session:
            return session.scalar(select(func.max(ArticleRow.published)))

    def lexical(
        self, query: str, pool: int, since: date | None = None, until: date | None = None
    ) -> list[tuple[str, float]]:
        """Passage ids and full-text scores for the query's words, best first, within the date range."""
        with self._sessions() as session:
            return lexical.search(session, query, pool, since, until)

    def passages(self, article_id: str | None = None) -> list[Passage]:
        """Passages of one article, or of the whole library, in article order."""
        query = select(PassageRow).order_by(PassageRow.article_id, PassageRow.ordinal)
        if article_id is not None:
            query = query.where(PassageRow.article_id == article_id)
        with self._sessions() as session:
            return [_to_passage(row) for row in session.scalars(query)]

    def passages_by_id(self, ids: list[str]) -> dict[str, Passage]:
        """Passages for the given ids."""
        with self._sessions() as session:
            rows = session.scalars(select(PassageRow).where(PassageRow.id.in_(ids)))
            return {row.id: _to_passage(row) for row in rows}

    def version(self) -> tuple[int, int, datetime | None]:
        """A cheap fingerprint (passages, articles, latest ingest) that changes on every add or remove."""
        with self._sessions() as session:
            passages = session.scalar(select(func.count()).select_from(PassageRow)) or 0
            articles = session.scalar(select(func.count()).select_from(ArticleRow)) or 0
            latest = session.scalar(select(func.max(ArticleRow.ingested_at)))
        return passages, articles, latest

    def delete(self, session: Session, article_id: str) -> None:
        """Delete an article and its passages inside an open transaction."""
        session.execute(delete(FactRow).where(FactRow.article_id == article_id))
        session.execute(delete(PassageRow).where(PassageRow.article_id == article_id))
        session.execute(delete(ArticleRow).where(ArticleRow.id == article_id))

    def clear(self) -> None:
        """Delete every article and passage."""
        with self.transaction() as session:
            session.execute(delete(FactRow))
            session.execute(delete(PassageRow))
            session.execute(delete(ArticleRow))

    def article_count(self) -> int:
        """Number of articles."""
        with self._sessions() as session:
            return session.scalar(select(func.count()).select_from(ArticleRow)) or 0
