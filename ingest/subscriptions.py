"""Feed subscriptions as the CLI and the app use them: add, list with the last run, pause, resume, remove,
run now.  Polling itself is ingest.poll; polling on a schedule is ingest.watch."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from assistant.settings import Settings
from ingest.policy import FetchPolicy
from ingest.poll import OnOutcome, Poll, Poller, utcnow
from vectorstore.doctor import Drift, heal
from vectorstore.feed_store import Feed, FeedRun, FeedStatus, FeedStore, SubscriptionError
from vectorstore.library import Library

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
MAX_INTERVAL = 366 * 86400
DEFAULT_EVERY = "15m"
_INTERVAL = re.compile(r"\s*(\d{1,9})\s*([smhd])\s*", re.IGNORECASE)
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
INTERVAL_HINT = "write a number and a unit, e.g. 30s, 15m, 2h or 1d"


def format_interval(seconds: int) -> str:
    """An interval in its largest whole unit: 900 -> '15m', 90 -> '90s'."""
    for unit, size in sorted(UNITS.items(), key=lambda u: -u[1]):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def next_run_label(feed: Feed, now: datetime, show: Callable[[datetime], str]) -> str:
    """When `newsdesk watch` polls the feed next: 'paused', 'due now', or its time as `show` writes it
    (`now` and the stored times are naive UTC)."""
    if feed.paused:
        return "paused"
    if feed.next_run_at is None or feed.next_run_at <= now:
        return "due now"
    return show(feed.next_run_at)


def parse_interval(text: str, minimum: int) -> int:
    """Seconds in an interval like 30s, 15m, 2h or 1d; a one-line SubscriptionError otherwise."""
    match = _INTERVAL.fullmatch(text)
    if match is None:
        raise SubscriptionError(f"{text!r} is not an interval: {INTERVAL_HINT}")
    seconds = int(match[1]) * UNITS[match[2].lower()]
    if seconds < max(minimum, 1):
        raise SubscriptionError(
            f"every {text.strip()} is more often than the minimum of {format_interval(max(minimum, 1))}: "
            "poll less often (NEWSDESK_FEEDS_MIN_INTERVAL_SECONDS sets the minimum)"
        )
    if seconds > MAX_INTERVAL:
        raise SubscriptionError(f"every {text.strip()} is longer than a year: {INTERVAL_HINT}")
    return seconds


def check_name(name: str) -> str:
    """A feed name as given, when it is one: letters, digits, '.', '_' or '-', up to 64."""
    if not _NAME.fullmatch(name):
        raise SubscriptionError(
            f"{name!r} is not a feed name: use letters, digits, '.', '_' or '-' (up to 64, no spaces)"
        )
    return name


def default_name(url: str, taken: set[str]) -> str:
    """A name for a feed from its host ('news.example.com'), numbered when taken ('news.example.com-2')."""
    host = re.sub(r"[^A-Za-z0-9._-]", "-", urlsplit(url).hostname or "feed").strip(".-_")[:56] or "feed"
    name, n = host, 1
    while name in taken:
        n += 1
        name = f"{host}-{n}"
    return name


class Subscriptions:
    """The feed subscriptions of one library: the calls behind `newsdesk feeds` and the app's feed panel."""

    def __init__(self, settings: Settings, library: Library) -> None:
        self.settings = settings
        self.library = library
        self.store = FeedStore(library.catalog)
        self._poller: Poller | None = None
        self._lock = threading.Lock()

    @property
    def poller(self) -> Poller:
        """The poller (its ingest pipeline built on first use)."""
        with self._lock:
            if self._poller is None:
                self._poller = Poller(self.settings, self.library)
            return self._poller

    def add(self, url: str, every: str = DEFAULT_EVERY, name: str | None = None) -> Feed:
        """Subscribe to a feed URL, polled every `every`; due at once."""
        url = url.strip()
        FetchPolicy.from_settings(self.settings).check_url(url)  # http(s) only, no user:pass@
        if not urlsplit(url).hostname:
            raise SubscriptionError(f"{url!r} is not a feed URL: give an http(s) address with a host")
        interval = parse_interval(every, self.settings.feeds_min_interval_seconds)
        taken = {f.name for f in self.store.feeds()}
        name = check_name(name.strip()) if name is not None else default_name(url, taken)
        return self.store.add(name, url, interval, utcnow())

    def statuses(self) -> list[FeedStatus]:
        """Every feed with its latest run (for `feeds list` and the app)."""
        return self.store.statuses()

    def runs(self, name: str | None = None, limit: int = 20) -> list[FeedRun]:
        """The latest recorded runs, newest first, of one feed or of all."""
        return self.store.runs(self.store.get(name).id if name else None, limit)

    def remove(self, name: str) -> Feed:
        """Unsubscribe (its articles stay in the library)."""
        return self.store.remove(name)

    def pause(self, name: str) -> Feed:
        """Stop polling a feed until it is resumed."""
        return self.store.set_paused(name, True, None)

    def resume(self, name: str) -> Feed:
        """Poll a paused feed again, starting now."""
        return self.store.set_paused(name, False, utcnow())

    def heal(self) -> Drift:
        """Repair drift a killed process left in the library (as every ingest does first); what was found."""
        return heal(self.library)

    def run_now(
        self,
        name: str | None = None,
        stop: threading.Event | None = None,
        on_outcome: OnOutcome | None = None,
    ) -> list[Poll]:
        """Poll one feed (paused or not), or every active one, now, one after another."""
        feeds = [self.store.get(name)] if name else [f for f in self.store.feeds() if not f.paused]
        polls = []
        for feed in feeds:
            if stop is not None and stop.is_set():
                break
            polls.append(self.poller.poll(feed, stop, on_outcome))
        return polls

    def close(self) -> None:
        """Release the poller's connections."""
        if self._poller is not None:
            self._poller.ingestor.fetcher.close()


def next_due(feed: Feed) -> timedelta:
    """How long until the feed is due (zero when it is due now)."""
    if feed.next_run_at is None:
        return timedelta(0)
    return max(feed.next_run_at - utcnow(), timedelta(0))
