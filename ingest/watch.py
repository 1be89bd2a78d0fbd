"""`newsdesk watch`: every active feed polled on its own interval by APScheduler until stopped.

One interval job per feed (coalesced, one instance at a time, never dropped for being late) runs in a
thread pool of max_workers, which bounds the fetches in flight.  After each poll the job's next run is set
to the time the poll stored (its interval, or the backoff after a failure), so `feeds list` and the
scheduler agree.  A sync job picks up feeds added, paused, resumed or removed meanwhile (by the CLI or the
app).  Stopping sets a flag that every poll checks between two entries; the main thread then shuts the
scheduler down and waits for the entries in progress, so nothing is left half-written.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

from assistant.models import IngestOutcome
from assistant.settings import Settings
from ingest.poll import Poll, Poller, utcnow
from vectorstore.feed_store import Feed, FeedStore, SubscriptionError
from vectorstore.library import Library

JOB_PREFIX = "feed-"
SYNC_JOB = "sync"
SYNC_SECONDS = 30  # how soon a feed added or paused elsewhere is noticed (never more often than the minimum)


def _job_id(feed_id: int) -> str:
    """The scheduler's job id for a feed."""
    return f"{JOB_PREFIX}{feed_id}"


def _aware(moment: datetime | None) -> datetime:
    """A catalog time (naive UTC) as the scheduler takes it; now when there is none."""
    return (moment or utcnow()).replace(tzinfo=UTC)


class Watcher:
    """Polls the subscribed feeds of one library on their schedules until stop is set."""

    def __init__(
        self,
        settings: Settings,
        library: Library,
        max_workers: int | None = None,
        polls: int | None = None,
        on_poll: Callable[[Poll], None] = lambda poll: None,
        on_outcome: Callable[[Feed, IngestOutcome], None] = lambda feed, outcome: None,
        on_error: Callable[[str], None] = lambda line: None,
    ) -> None:
        self.stop = threading.Event()
        self.polls = polls
        self.store = FeedStore(library.catalog)
        self.poller = Poller(settings, library)
        self.on_poll, self.on_outcome, self.on_error = on_poll, on_outcome, on_error
        self.max_workers = max(1, max_workers or settings.feeds_max_workers)
        self.sync_seconds = max(1, min(SYNC_SECONDS, settings.feeds_min_interval_seconds))
        self.done: Counter[int] = Counter()  # polls finished, per feed id
        self._active: set[int] = set()
        self._lock = threading.Lock()
        logging.getLogger("apscheduler").setLevel(logging.ERROR)  # "skipped: still running" is expected
        self.scheduler = BackgroundScheduler(
            executors={"default": ThreadPoolExecutor(self.max_workers)},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
            timezone=UTC,
        )

    def run(self) -> int:
        """Poll until stopped (a signal set stop, or every feed was polled `polls` times); polls made."""
        if not self._sync():
            raise SubscriptionError(
                "no active feed to watch: add one with `newsdesk feeds add URL` "
                "or resume one with `newsdesk feeds resume NAME`"
            )
        self.scheduler.add_job(self._sync, IntervalTrigger(seconds=self.sync_seconds), id=SYNC_JOB)
        self.scheduler.start()
        try:
            while not self.stop.wait(0.2):
                pass
        finally:
            self.stop.set()  # polls in flight finish their current entry, then return
            self.scheduler.shutdown(wait=True)
            self.poller.ingestor.fetcher.close()
        return sum(self.done.values())

    def _sync(self) -> int:
        """Schedule the active feeds as stored now, unschedule removed and paused ones; how many are on."""
        if self.stop.is_set():
            return 0
        try:
            feeds = {f.id: f for f in self.store.feeds() if not f.paused}
            for job in self.scheduler.get_jobs():
                if job.id.startswith(JOB_PREFIX) and int(job.id.removeprefix(JOB_PREFIX)) not in feeds:
                    self._unschedule(int(job.id.removeprefix(JOB_PREFIX)))
            for feed in feeds.values():
                if self.scheduler.get_job(_job_id(feed.id)) is None:
                    self._schedule(feed)
        except Exception as exc:  # the catalog busy or gone: try again at the next sync
            self.on_error(f"could not read the feed subscriptions ({exc}); trying again shortly")
            return len(self._active)
        with self._lock:
            self._active = set(feeds)
        return len(feeds)

    def _schedule(self, feed: Feed) -> None:
        """An interval job for one feed, first due when the feed says (now when overdue or never run)."""
        self.scheduler.add_job(
            self._poll,
            IntervalTrigger(seconds=feed.interval_seconds),
            args=[feed.id],
            id=_job_id(feed.id),
            name=feed.name,
            next_run_time=max(_aware(feed.next_run_at), _aware(None)),
        )

    def _unschedule(self, feed_id: int) -> None:
        """Drop a feed's job (it was removed or paused)."""
        with contextlib.suppress(JobLookupError):
            self.scheduler.remove_job(_job_id(feed_id))
        with self._lock:
            self._active.discard(feed_id)

    def _poll(self, feed_id: int) -> None:
        """One scheduled poll: the feed as stored now, polled, reported, counted and rescheduled."""
        if self.stop.is_set():
            return
        try:
            feed = self.store.find(feed_id)
            if feed is None or feed.paused:
                self._unschedule(feed_id)
                return
            poll = self.poller.poll(feed, self.stop, self.on_outcome)
            self.on_poll(poll)
            self._reschedule(poll)
        except Exception as exc:  # the catalog failed under the poll: report, keep watching
            self.on_error(f"feed {feed_id}: the poll could not be recorded ({exc}); it is tried again")
        self._count(feed_id)

    def _reschedule(self, poll: Poll) -> None:
        """Set the job's next run to the time the poll stored (interval, or backoff after a failure)."""
        if self.stop.is_set():
            return
        with contextlib.suppress(JobLookupError):  # unscheduled meanwhile (paused or removed)
            self.scheduler.modify_job(_job_id(poll.feed.id), next_run_time=_aware(poll.state.next_run_at))

    def _count(self, feed_id: int) -> None:
        """Count a finished poll; with `polls`, stop once every active feed has had that many."""
        with self._lock:
            self.done[feed_id] += 1
            if self.polls and self._active and all(self.done[f] >= self.polls for f in self._active):
                self.stop.set()
