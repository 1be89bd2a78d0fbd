"""The catalog's tables as SQLAlchemy models; the schema itself is made by the migrations in
vectorstore/migrations (these models must match them: tests/test_migrations.py compares the two)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    """Declarative base of the catalog tables."""


class ArticleRow(Base):
    """One article with its text and metadata."""

    __tablename__ = "articles"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    url: Mapped[str | None] = mapped_column(Text, index=True)
    title: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(Text)
    author: Mapped[str | None] = mapped_column(Text)
    published: Mapped[date | None] = mapped_column(Date, index=True)
    ingested_at: Mapped[datetime] = mapped_column(DateTime)
    text: Mapped[str] = mapped_column(Text)


class PassageRow(Base):
    """One passage: a half-open span of its article's text."""

    __tablename__ = "passages"
    id: Mapped[str] = mapped_column(String(48), primary_key=True)
    article_id: Mapped[str] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    ordinal: Mapped[int] = mapped_column(Integer)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)


class FactRow(Base):
    """One grounded fact; the full typed model is kept as JSON, the columns serve filtering."""

    __tablename__ = "facts"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    article_id: Mapped[str] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    subject: Mapped[str] = mapped_column(Text, index=True)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    as_of: Mapped[date | None] = mapped_column(Date, index=True)
    value: Mapped[float | None] = mapped_column(Float)
    extractor: Mapped[str] = mapped_column(String(32))
    data: Mapped[str] = mapped_column(Text)


# -- feed subscriptions (read and written by vectorstore.feed_store) -------------------------------------


class FeedRow(Base):
    """One subscribed feed: where it is, how often it is polled, and what its last poll left behind."""

    __tablename__ = "feeds"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    url: Mapped[str] = mapped_column(Text, unique=True)
    interval_seconds: Mapped[int] = mapped_column(Integer)
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    failures: Mapped[int] = mapped_column(Integer, default=0)  # consecutive failed polls (for the backoff)
    next_run_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class FeedEntryRow(Base):
    """One entry of a feed, by GUID: what became of it, so a later poll skips it."""

    __tablename__ = "feed_entries"
    feed_id: Mapped[int] = mapped_column(ForeignKey("feeds.id", ondelete="CASCADE"), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of the GUID
    guid: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))  # added | duplicate | failed
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    article_id: Mapped[str | None] = mapped_column(String(32))
    seen_at: Mapped[datetime] = mapped_column(DateTime)


class FeedRunRow(Base):
    """One poll of one feed: when, how it ended, and what it added."""

    __tablename__ = "feed_runs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    feed_id: Mapped[int] = mapped_column(ForeignKey("feeds.id", ondelete="CASCADE"), index=True)
    started: Mapped[datetime] = mapped_column(DateTime)
    finished: Mapped[datetime] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(String(16))  # ok | not-modified | failed
    new: Mapped[int] = mapped_column(Integer, default=0)
    duplicate: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str] = mapped_column(Text, default="")
