"""One poll of one subscribed feed: a conditional GET, the entries not seen before, a recorded run.

A 304 is no work.  Entries are keyed by GUID (else link, else a hash of title and text): an entry stored or
found to be a duplicate is never fetched again, even when the feed later edits it; a failed entry is tried
again at the next polls (up to MAX_ATTEMPTS).  Between two entries the poll checks its stop flag, and an
entry in progress is always finished (the library's add is all-or-nothing).  The feed's validators (ETag,
Last-Modified) are kept only when the run left nothing to retry, so a later poll never gets a 304 for
entries it still owes.  A failed poll backs off: the next one waits interval * 2^failures (capped).
"""

from __future__ import annotations

import hashlib
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from assistant.errors import NewsdeskError
from assistant.models import IngestOutcome
from assistant.settings import Settings
from ingest.feeds import FeedEntry, parse_feed
from ingest.fetch import Fetched
from ingest.pipeline import Ingestor
from ingest.policy import without_credentials
from vectorstore.feed_store import Feed, FeedRun, FeedState, FeedStore, guid_key
from vectorstore.library import Library

MAX_ATTEMPTS = 3  # polls that try a failing entry before it is left alone
MAX_EXPONENT = 20  # 2^20 intervals is past any cap; keeps the arithmetic small

OnOutcome = Callable[[Feed, IngestOutcome], None]


def utcnow() -> datetime:
    """Now, as the catalog keeps times: naive UTC."""
    return datetime.now(UTC).replace(tzinfo=None)


def backoff_seconds(interval: int, failures: int, cap: int) -> int:
    """The wait after `failures` failed polls in a row: interval * 2^failures, at most max(cap, interval)."""
    return min(interval * 2 ** min(failures, MAX_EXPONENT), max(cap, interval))


def entry_guid(entry: FeedEntry) -> str:
    """The key an entry is remembered by: its GUID, else its link, else a hash of its title and text."""
    if entry.guid:
        return entry.guid
    if entry.link:
        return without_credentials(entry.link)
    digest = hashlib.sha256(f"{entry.meta.title or ''}\n{entry.content}".encode()).hexdigest()
    return f"sha256:{digest}"


@dataclass(frozen=True)
class Poll:
    """A finished poll: its recorded run, the state it left for the next one, the entries it skipped as
    seen before and those a stop left for the next poll."""

    feed: Feed
    run: FeedRun
    state: FeedState
    seen: int = 0
    left: int = 0

    @property
    def retry_in(self) -> timedelta | None:
        """How long until the next poll, when this one failed."""
        if self.run.status != "failed" or self.state.next_run_at is None:
            return None
        return self.state.next_run_at - self.run.finished


class Poller:
    """Polls feeds into a library through the ingest pipeline, recording every run in the catalog."""

    def __init__(self, settings: Settings, library: Library, ingestor: Ingestor | None = None) -> None:
        self.settings = settings
        self.store = FeedStore(library.catalog)
        self.ingestor = ingestor or Ingestor(settings, library)

    def poll(
        self, feed: Feed, stop: threading.Event | None = None, on_outcome: OnOutcome | None = None
    ) -> Poll:
        """Poll one feed now; every failure becomes a recorded failed run, never an exception."""
        started = utcnow()
        try:
            fetched = self.ingestor.fetcher.fetch(feed.url, feed.etag, feed.last_modified)
            if fetched.not_modified:
                return self._not_modified(feed, fetched, started)
            entries = parse_feed(fetched.body, feed.url)
        except NewsdeskError as exc:
            return self._failed(feed, started, str(exc))
        except Exception as exc:  # a bug on odd input must not stop the other feeds
            return self._failed(feed, started, f"{feed.url}: unexpected {type(exc).__name__} ({exc})")
        return self._ingest(feed, fetched, entries, started, stop, on_outcome or (lambda f, o: None))

    def _ingest(
        self,
        feed: Feed,
        fetched: Fetched,
        entries: list[FeedEntry],
        started: datetime,
        stop: threading.Event | None,
        on_outcome: OnOutcome,
    ) -> Poll:
        """Ingest the entries not settled before, one at a time, stopping between two when asked."""
        settled = self.store.settled(feed.id, MAX_ATTEMPTS)
        fresh = [(n, e) for n, e in enumerate(entries, start=1) if guid_key(entry_guid(e)) not in settled]
        tally: Counter[str] = Counter()
        notes: list[str] = []
        left = 0
        for done, (n, entry) in enumerate(fresh):
            if stop is not None and stop.is_set():
                left = len(fresh) - done
                notes.append(f"stopped: {left} entries left for the next poll")
                break
            item = without_credentials(entry.link) if entry.link else f"{feed.url}#{n}"
            outcome = self.ingestor.run_entry(entry, item)
            status = outcome.status if outcome.status in ("added", "duplicate") else "failed"
            self.store.mark(feed.id, entry_guid(entry), status, outcome.article_id, utcnow())
            tally[status] += 1
            if status == "failed" and len(notes) < 3:
                notes.append(f"{item}: {outcome.message}")
            on_outcome(feed, outcome)
        if len(entries) > len(fresh):
            notes.append(f"{len(entries) - len(fresh)} entries seen before, skipped")
        complete = not tally["failed"] and not left  # else no 304 next time: those entries are owed
        state = FeedState(
            etag=fetched.etag if complete else None,
            last_modified=fetched.last_modified if complete else None,
            next_run_at=started + timedelta(seconds=feed.interval_seconds),
        )
        run = self._run(feed, started, "ok", "; ".join(notes), tally)
        self.store.finish(run, state)
        return Poll(feed, run, state, seen=len(entries) - len(fresh), left=left)

    def _not_modified(self, feed: Feed, fetched: Fetched, started: datetime) -> Poll:
        """A 304: nothing to do; the validators stay (refreshed if the server sent new ones)."""
        state = FeedState(
            etag=fetched.etag or feed.etag,
            last_modified=fetched.last_modified or feed.last_modified,
            next_run_at=started + timedelta(seconds=feed.interval_seconds),
        )
        run = self._run(feed, started, "not-modified", "not modified since the last poll (HTTP 304)")
        return self._finish(feed, run, state)

    def _failed(self, feed: Feed, started: datetime, reason: str) -> Poll:
        """A failed poll: recorded with its reason; the next one waits longer (exponential backoff)."""
        failures = feed.failures + 1
        wait = backoff_seconds(feed.interval_seconds, failures, self.settings.feeds_max_backoff_seconds)
        run = self._run(feed, started, "failed", reason)
        state = FeedState(
            etag=feed.etag,
            last_modified=feed.last_modified,
            failures=failures,
            next_run_at=run.finished + timedelta(seconds=wait),
        )
        return self._finish(feed, run, state)

    @staticmethod
    def _run(
        feed: Feed, started: datetime, status: str, message: str, tally: Counter[str] | None = None
    ) -> FeedRun:
        """The run record, finished now."""
        tally = tally or Counter()
        return FeedRun.model_validate(
            {
                "feed_id": feed.id,
                "started": started,
                "finished": utcnow(),
                "status": status,
                "new": tally["added"],
                "duplicate": tally["duplicate"],
                "failed": tally["failed"],
                "message": message,
            }
        )

    def _finish(self, feed: Feed, run: FeedRun, state: FeedState) -> Poll:
        """Store the run and the state it leaves (nothing, when the feed was removed meanwhile)."""
        self.store.finish(run, state)
        return Poll(feed, run, state)
