"""Feed subscriptions in the catalog: the feeds, the entries each one has seen (by GUID), every run."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Literal

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from assistant.errors import NewsdeskError, NotFoundError
from assistant.models import Frozen
from vectorstore.catalog import Catalog
from vectorstore.tables import FeedEntryRow, FeedRow, FeedRunRow

RunStatus = Literal["ok", "not-modified", "failed"]
EntryStatus = Literal["added", "duplicate", "failed"]


class SubscriptionError(NewsdeskError):
    """A feed subscription cannot be made or changed as asked (bad interval, name or URL taken)."""


class Feed(Frozen):
    """A subscribed feed and the state its polls carry from one to the next."""

    id: int
    name: str
    url: str
    interval_seconds: int
    paused: bool = False
    etag: str | None = None
    last_modified: str | None = None
    failures: int = 0  # consecutive failed polls
    next_run_at: datetime | None = None  # naive UTC, like every catalog time
    created_at: datetime


class FeedState(Frozen):
    """What one poll leaves for the next: the validators, the failure count and when to poll again."""

    etag: str | None = None
    last_modified: str | None = None
    failures: int = 0
    next_run_at: datetime | None = None


class FeedRun(Frozen):
    """The record of one poll of one feed."""

    feed_id: int
    started: datetime
    finished: datetime
    status: RunStatus
    new: int = 0
    duplicate: int = 0
    failed: int = 0
    message: str = ""


class FeedStatus(Frozen):
    """A feed with its latest run, as `feeds list` and the app show it."""

    feed: Feed
    last_run: FeedRun | None = None


def guid_key(guid: str) -> str:
    """The fixed-length key a GUID is stored under (GUIDs are often long URLs)."""
    return hashlib.sha256(guid.encode("utf-8")).hexdigest()


def _feed(row: FeedRow) -> Feed:
    """Map a row to the Feed model."""
    return Feed.model_validate(row, from_attributes=True)


def _run(row: FeedRunRow) -> FeedRun:
    """Map a row to the FeedRun model."""
    return FeedRun.model_validate(row, from_attributes=True)


class FeedStore:
    """Feeds, seen entries and runs, read and written in the catalog's transactions."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    def add(self, name: str, url: str, interval_seconds: int, now: datetime) -> Feed:
        """Subscribe to url under name; a name or URL already subscribed is a SubscriptionError."""
        for feed in self.feeds():
            if feed.name == name:
                raise SubscriptionError(f"a feed named {name!r} exists already: choose another --name")
            if feed.url == url:
                raise SubscriptionError(
                    f"{url} is subscribed already as {feed.name!r}: see `newsdesk feeds list`"
                )
        row = FeedRow(name=name, url=url, interval_seconds=interval_seconds, paused=False, failures=0)
        row.created_at = now
        try:
            with self.catalog.transaction() as session:
                session.add(row)
                session.flush()
                return _feed(row)
        except IntegrityError as exc:  # another process subscribed the same name or URL meanwhile
            raise SubscriptionError(
                f"{name!r} or {url} is subscribed already: see `newsdesk feeds list`"
            ) from exc

    def feeds(self) -> list[Feed]:
        """Every subscribed feed, by name."""
        with self.catalog.transaction() as session:
            return [_feed(row) for row in _all(session)]

    def get(self, name: str) -> Feed:
        """The feed called name, or NotFoundError."""
        with self.catalog.transaction() as session:
            row = session.scalar(select(FeedRow).where(FeedRow.name == name))
            if row is None:
                raise NotFoundError(f"no feed named {name!r}: see `newsdesk feeds list`")
            return _feed(row)

    def find(self, feed_id: int) -> Feed | None:
        """The feed with this id, None once it was removed."""
        with self.catalog.transaction() as session:
            row = session.get(FeedRow, feed_id)
            return _feed(row) if row is not None else None

    def remove(self, name: str) -> Feed:
        """Unsubscribe: the feed, its seen entries and its runs go; its articles stay in the library."""
        feed = self.get(name)
        with self.catalog.transaction() as session:
            session.execute(delete(FeedRunRow).where(FeedRunRow.feed_id == feed.id))
            session.execute(delete(FeedEntryRow).where(FeedEntryRow.feed_id == feed.id))
            session.execute(delete(FeedRow).where(FeedRow.id == feed.id))
        return feed

    def set_paused(self, name: str, paused: bool, next_run_at: datetime | None) -> Feed:
        """Pause or resume a feed (a resumed one is due at next_run_at)."""
        with self.catalog.transaction() as session:
            row = session.scalar(select(FeedRow).where(FeedRow.name == name))
            if row is None:
                raise NotFoundError(f"no feed named {name!r}: see `newsdesk feeds list`")
            row.paused = paused
            row.next_run_at = next_run_at
            return _feed(row)

    def settled(self, feed_id: int, max_attempts: int) -> set[str]:
        """Keys of the feed's entries not to try again: stored, duplicates, or failed max_attempts times."""
        e = FeedEntryRow
        query = select(e.key).where(e.feed_id == feed_id)
        query = query.where((e.status != "failed") | (e.attempts >= max_attempts))
        with self.catalog.transaction() as session:
            return set(session.scalars(query))

    def mark(
        self, feed_id: int, guid: str, status: EntryStatus, article_id: str | None, now: datetime
    ) -> None:
        """Record what became of one entry (a failure counts one more attempt)."""
        key = guid_key(guid)
        try:
            with self.catalog.transaction() as session:
                row = session.get(FeedEntryRow, (feed_id, key))
                if row is None:
                    session.add(self._entry(feed_id, key, guid, status, article_id, now))
                    return
                row.attempts += 1
                row.status, row.article_id, row.seen_at = status, article_id, now
        except IntegrityError:  # the feed was removed, or another poll marked the entry meanwhile
            return

    @staticmethod
    def _entry(
        feed_id: int, key: str, guid: str, status: str, article_id: str | None, now: datetime
    ) -> FeedEntryRow:
        """A new seen-entry row."""
        return FeedEntryRow(
            feed_id=feed_id, key=key, guid=guid, status=status, attempts=1, article_id=article_id, seen_at=now
        )

    def finish(self, run: FeedRun, state: FeedState) -> bool:
        """Record a run and the state it leaves, together; False when the feed was removed meanwhile."""
        with self.catalog.transaction() as session:
            row = session.get(FeedRow, run.feed_id)
            if row is None:
                return False
            row.etag, row.last_modified = state.etag, state.last_modified
            row.failures, row.next_run_at = state.failures, state.next_run_at
            session.add(FeedRunRow(**run.model_dump()))
        return True

    def runs(self, feed_id: int | None = None, limit: int = 50) -> list[FeedRun]:
        """The latest runs, newest first, of one feed or of all."""
        query = select(FeedRunRow).order_by(FeedRunRow.id.desc()).limit(limit)
        if feed_id is not None:
            query = query.where(FeedRunRow.feed_id == feed_id)
        with self.catalog.transaction() as session:
            return [_run(row) for row in session.scalars(query)]

    def statuses(self) -> list[FeedStatus]:
        """Every feed with its latest run."""
        with self.catalog.transaction() as session:
            return [FeedStatus(feed=_feed(row), last_run=_last_run(session, row.id)) for row in _all(session)]


def _all(session: Session) -> list[FeedRow]:
    """Every feed row, by name."""
    return list(session.scalars(select(FeedRow).order_by(FeedRow.name)))


def _last_run(session: Session, feed_id: int) -> FeedRun | None:
    """The latest run of a feed."""
    query = select(FeedRunRow).where(FeedRunRow.feed_id == feed_id).order_by(FeedRunRow.id.desc()).limit(1)
    row = session.scalar(query)
    return _run(row) if row is not None else None
