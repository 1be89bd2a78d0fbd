"""Feeds that keep themselves fresh: `newsdesk feeds` and `newsdesk watch` against a feed that changes.

A scripted server on 127.0.0.1 answers each request to a path with the next reply of its script and records
every request's headers and time.  Pinned here: an entry is remembered by GUID (an edited entry is not
fetched again, a dropped one stays in the library); new GUID but known text is a duplicate; a 304 is no
work, recorded as not-modified, after the stored ETag and Last-Modified were sent; a failed poll is
recorded and backs off (interval * 2^failures) until a good one resets it; a stop (SIGTERM, Ctrl+C)
between entries leaves the rest for the next poll, nothing half-written.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli import app
from assistant.errors import FetchError, NotFoundError
from assistant.models import IngestOutcome
from assistant.settings import Settings
from ingest.fetch import Fetcher
from ingest.poll import backoff_seconds
from ingest.subscriptions import Subscriptions, format_interval, parse_interval
from tests.conftest import page
from vectorstore.catalog import Catalog
from vectorstore.feed_store import Feed, FeedStore, SubscriptionError
from vectorstore.library import Library

NEWSDESK = Path(sys.executable).parent / "newsdesk"
RSS = "application/rss+xml"

# --- a scripted server -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reply:
    """One scripted answer."""

    status: int = 200
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: Mapping[str, str] = field(default_factory=dict)
    delay: float = 0.0


@dataclass(frozen=True)
class Request:
    """One request the server saw: path, headers (lower-case names) and when."""

    path: str
    headers: Mapping[str, str]
    at: float


Script = Reply | Callable[[Mapping[str, str]], Reply]  # a reply, or one chosen by the request's headers


class ScriptedServer:
    """A real HTTP server on 127.0.0.1 that answers each path from its script and records every request."""

    def __init__(self) -> None:
        self.scripts: dict[str, tuple[Script, ...]] = {}
        self.requests: list[Request] = []
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                headers = {k.lower(): v for k, v in self.headers.items()}
                with server.lock:
                    n = sum(1 for r in server.requests if r.path == self.path)
                    server.requests.append(Request(self.path, headers, time.monotonic()))
                script = server.scripts.get(self.path, (Reply(404, b"<html><body>gone</body></html>"),))
                reply = script[min(n, len(script) - 1)]  # replies in turn, the last one repeats
                reply = reply if isinstance(reply, Reply) else reply(headers)
                if reply.delay:
                    time.sleep(reply.delay)
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.content_type)
                self.send_header("Content-Length", str(len(reply.body)))
                for key, value in reply.headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(reply.body)

            def log_message(self, format: str, *args: object) -> None:
                return

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True

    def url(self, path: str) -> str:
        """Absolute URL of a path on this server."""
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}{path}"

    def serve(self, path: str, *replies: Script) -> str:
        """Answer path with replies in turn (the last one repeats); return its URL."""
        self.scripts[path] = replies
        return self.url(path)

    def seen(self, path: str) -> list[Request]:
        """The requests to path, in order."""
        with self.lock:
            return [r for r in self.requests if r.path == path]


@pytest.fixture()
def server() -> Iterator[ScriptedServer]:
    """A scripted server, stopped afterwards."""
    scripted = ScriptedServer()
    threading.Thread(target=scripted.httpd.serve_forever, daemon=True).start()
    try:
        yield scripted
    finally:
        scripted.httpd.shutdown()
        scripted.httpd.server_close()


# --- made-up prose and feeds (every company and place is fictional) ---------------------------------------


def story(company: str, product: str, place: str, extra: str = "") -> list[str]:
    """Two paragraphs (about 90 words) of a made-up market story."""
    return [
        f"{company} shares rose sharply on Tuesday after the company said demand for its {product} had "
        f"recovered faster than expected across {place}. Managers told analysts that order books now stretch "
        f"into the autumn and that two idle lines would restart next month. {extra}",
        f"Rivals were more cautious. Several dealers in {place} said buyers were still negotiating hard on "
        f"price, and one warned that the rebound in {product} could fade once distributors finished "
        "rebuilding the stocks they ran down during the winter.",
    ]


STORIES = {
    "a": story("Harrowgate Mining", "copper concentrate", "the Keldan plains"),
    "b": story("Pennick Rail", "freight wagons", "the northern corridor"),
    "c": story("Osterby Foods", "frozen vegetables", "the coastal provinces"),
}
EDITED = "A correction issued later raised the restart to three idle lines."
EDITED_A = story("Harrowgate Mining", "copper concentrate", "the Keldan plains", EDITED)
BATCH = ["Quillmere Steel", "Vantor Glass", "Sallow Quay Freight", "Marrow Paper", "Tallis Chemicals"]


def item(guid: str, title: str, link: str, summary: str = "A short summary.") -> str:
    """An RSS item."""
    return (
        f"<item><guid isPermaLink='false'>{guid}</guid><title>{title}</title>"
        f"<link>{link}</link><description>{summary}</description></item>"
    )


def rss(items: list[str]) -> bytes:
    """An RSS 2.0 feed of items."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Keldan wire</title>'
        f"<link>http://127.0.0.1/</link><description>Made-up items.</description>{''.join(items)}"
        "</channel></rss>"
    ).encode()


def feed_reply(items: list[str], etag: str, modified: str = "Tue, 03 Feb 2026 10:00:00 GMT") -> Reply:
    """A 200 with the feed and its validators."""
    return Reply(200, rss(items), RSS, {"ETag": etag, "Last-Modified": modified})


def not_modified_if(etag: str, otherwise: Reply) -> Script:
    """A 304 when the request names etag in If-None-Match, else otherwise."""
    return lambda headers: (
        Reply(304, headers={"ETag": etag}) if headers.get("if-none-match") == etag else otherwise
    )


def article_page(paragraphs: list[str], title: str, delay: float = 0.0) -> Reply:
    """An article page."""
    return Reply(200, page(paragraphs, title=title).encode(), delay=delay)


runner = CliRunner()


def cli(home: Path, *args: str, min_interval: int = 1) -> str:
    """`newsdesk --home HOME ARGS` in-process (intervals down to min_interval seconds); its output."""
    env = {"NEWSDESK_FEEDS_MIN_INTERVAL_SECONDS": str(min_interval), "COLUMNS": "300"}
    result = runner.invoke(app, ["--home", str(home), *args], env=env)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code == 0, result.output
    return result.output


# --- intervals and backoff ----------------------------------------------------------------------------------


def test_intervals_read_units_and_refuse_the_rest_in_one_line() -> None:
    read = [parse_interval(t, 60) for t in ("30m", "15m", "2h", "1d", " 90S ")]
    assert read == [1800, 900, 7200, 86400, 90]
    assert parse_interval("30s", 1) == 30
    for bad in ("15", "m", "15x", "1.5h", "-5m", "", "15 minutes", "9" * 12 + "s"):
        with pytest.raises(SubscriptionError, match="is not an interval: write a number and a unit") as err:
            parse_interval(bad, 60)
        assert "\n" not in str(err.value)
    with pytest.raises(SubscriptionError, match="more often than the minimum of 1m"):
        parse_interval("30s", 60)
    with pytest.raises(SubscriptionError, match="longer than a year"):
        parse_interval("400d", 60)
    shown = [format_interval(s) for s in (30, 90, 900, 7200, 86400, 3660)]
    assert shown == ["30s", "90s", "15m", "2h", "1d", "61m"]


def test_backoff_doubles_per_failure_and_is_capped() -> None:
    assert [backoff_seconds(60, f, 86400) for f in (1, 2, 3)] == [120, 240, 480]
    assert backoff_seconds(3600, 10, 86400) == 86400
    assert backoff_seconds(60, 10_000, 86400) == 86400  # no overflow however long it fails
    assert backoff_seconds(2 * 86400, 5, 86400) == 2 * 86400  # never sooner than its own interval


# --- the feeds commands -------------------------------------------------------------------------------------


def test_feeds_add_list_pause_resume_remove(tmp_path: Path, server: ScriptedServer) -> None:
    home = tmp_path / "library"
    url = server.serve("/wire.xml", feed_reply([], "x"))

    added = cli(home, "feeds", "add", url, "--every", "15m", "--name", "wire")
    assert "subscribed wire" in added and "every 15m" in added
    cli(home, "feeds", "add", server.url("/other.xml"), "--every", "2h")  # named after its host

    listed = cli(home, "feeds", "list")
    assert "wire" in listed and "127.0.0.1" in listed and "never" in listed and "due now" in listed
    store = FeedStore(Catalog(Settings(home=home).resolved_catalog_url))
    assert [(f.name, f.interval_seconds, f.paused) for f in store.feeds()] == [
        ("127.0.0.1", 7200, False),
        ("wire", 900, False),
    ]

    assert "paused wire" in cli(home, "feeds", "pause", "wire")
    assert store.get("wire").paused
    assert "paused" in cli(home, "feeds", "list")
    assert "resumed wire" in cli(home, "feeds", "resume", "wire")
    assert not store.get("wire").paused

    assert "its articles stay in the library" in cli(home, "feeds", "remove", "wire")
    assert [f.name for f in store.feeds()] == ["127.0.0.1"]

    cli(home, "feeds", "pause", "127.0.0.1")
    result = runner.invoke(app, ["--home", str(home), "watch", "--polls", "1"])
    assert isinstance(result.exception, SubscriptionError)
    assert "no active feed to watch: add one with `newsdesk feeds add URL`" in str(result.exception)


def test_feeds_add_refusals_are_one_line(tmp_path: Path, server: ScriptedServer) -> None:
    settings = Settings(home=tmp_path / "library", feeds_min_interval_seconds=60)
    subscriptions = Subscriptions(settings, Library.open(settings))
    url = server.url("/wire.xml")
    subscriptions.add(url, "15m", "wire")
    refusals: list[tuple[Callable[[], object], str]] = [
        (lambda: subscriptions.add(url, "1h", "other"), "is subscribed already as 'wire'"),
        (lambda: subscriptions.add(server.url("/b.xml"), "1h", "wire"), "a feed named 'wire' exists already"),
        (lambda: subscriptions.add(server.url("/b.xml"), "every hour"), "is not an interval"),
        (lambda: subscriptions.add(server.url("/b.xml"), "10s"), "more often than the minimum of 1m"),
        (lambda: subscriptions.add(server.url("/b.xml"), "1h", "has space"), "is not a feed name"),
        (lambda: subscriptions.add("ftp://example.com/feed", "1h"), "fetches only http and https"),
        (lambda: subscriptions.add("http://user:pw@example.com/feed", "1h"), "credentials"),
        (lambda: subscriptions.remove("nope"), "no feed named 'nope': see `newsdesk feeds list`"),
        (lambda: subscriptions.pause("nope"), "no feed named 'nope'"),
    ]
    for call, words in refusals:
        with pytest.raises((SubscriptionError, NotFoundError, FetchError)) as err:
            call()
        assert words in str(err.value) and "\n" not in str(err.value)
    assert [f.name for f in subscriptions.store.feeds()] == ["wire"]
    assert "pw" not in " ".join(f.url for f in subscriptions.store.feeds())


def test_a_bad_interval_on_the_command_line_is_one_red_line_and_exit_2(tmp_path: Path) -> None:
    result = subprocess.run(
        [str(NEWSDESK), "--home", str(tmp_path), "feeds", "add", "http://127.0.0.1/f.xml", "--every", "5x"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "COLUMNS": "300", "NO_COLOR": "1"},
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "error: '5x' is not an interval: write a number and a unit, e.g. 30s, 15m, 2h or 1d"
    ]


# --- conditional GET at the fetcher -------------------------------------------------------------------------


def test_fetch_sends_validators_and_a_304_is_not_modified(settings: Settings, server: ScriptedServer) -> None:
    url = server.serve("/f.xml", not_modified_if('"v1"', feed_reply([], '"v1"')))
    with Fetcher(settings) as fetcher:
        first = fetcher.fetch(url)
        again = fetcher.fetch(url, first.etag, first.last_modified)
    assert (first.not_modified, first.etag, first.last_modified) == (
        False,
        '"v1"',
        "Tue, 03 Feb 2026 10:00:00 GMT",
    )
    assert again.not_modified and again.body == b"" and again.etag == '"v1"'
    plain, conditional = server.seen("/f.xml")
    assert "if-none-match" not in plain.headers and "if-modified-since" not in plain.headers
    assert conditional.headers["if-none-match"] == '"v1"'
    assert conditional.headers["if-modified-since"] == "Tue, 03 Feb 2026 10:00:00 GMT"


# --- watch against a changing feed --------------------------------------------------------------------------


@pytest.mark.slow
def test_watch_follows_a_feed_that_changes_between_polls(settings: Settings, server: ScriptedServer) -> None:
    link = server.url
    server.serve("/a.html", article_page(STORIES["a"], "Harrowgate"), article_page(EDITED_A, "Harrowgate"))
    server.serve("/b.html", article_page(STORIES["b"], "Pennick"))
    server.serve("/c.html", article_page(STORIES["c"], "Osterby"))
    server.serve("/a-copy.html", article_page(STORIES["a"], "Harrowgate (syndicated)"))
    first = [item("g-a", "Harrowgate", link("/a.html")), item("g-b", "Pennick", link("/b.html"))]
    changed = [  # a edited, b removed, c new, a copy of a under a new GUID
        item("g-a", "Harrowgate (corrected)", link("/a.html"), EDITED),
        item("g-c", "Osterby", link("/c.html")),
        item("g-a-copy", "Harrowgate again", link("/a-copy.html")),
    ]
    url = server.serve(
        "/wire.xml",
        feed_reply(first, '"v1"'),
        not_modified_if('"v1"', feed_reply(first, '"v1"')),
        Reply(500, b"<html><body>upstream down</body></html>"),
        feed_reply(changed, '"v2"', "Wed, 04 Feb 2026 10:00:00 GMT"),
    )
    home = settings.home
    cli(home, "feeds", "add", url, "--every", "1s", "--name", "wire")

    output = cli(home, "watch", "--polls", "4", "--max-workers", "2")

    assert "stopped after 4 polls" in output
    assert "feed wire failed: " in output and "HTTP 500" in output and "tried again in 2s" in output
    library = Library.open(settings)
    stored = "\n".join(library.catalog.get(s.id).text for s in library.catalog.summaries())
    assert library.catalog.article_count() == 3  # a, b, c
    assert "Pennick Rail" in stored  # the entry the feed dropped is still in the library
    assert "Osterby Foods" in stored and "Harrowgate Mining" in stored
    assert EDITED not in stored  # the edited entry's GUID was seen: not fetched again

    store = FeedStore(library.catalog)
    feed = store.get("wire")
    runs = list(reversed(store.runs(feed.id)))
    assert [(r.status, r.new, r.duplicate, r.failed) for r in runs] == [
        ("ok", 2, 0, 0),
        ("not-modified", 0, 0, 0),
        ("failed", 0, 0, 0),
        ("ok", 1, 1, 0),
    ]
    assert "HTTP 500" in runs[2].message and "1 entries seen before, skipped" in runs[3].message
    assert (feed.etag, feed.last_modified, feed.failures) == ('"v2"', "Wed, 04 Feb 2026 10:00:00 GMT", 0)

    polls = server.seen("/wire.xml")
    assert len(polls) == 4
    assert "if-none-match" not in polls[0].headers
    assert polls[1].headers["if-none-match"] == '"v1"'
    assert polls[1].headers["if-modified-since"] == "Tue, 03 Feb 2026 10:00:00 GMT"
    assert polls[3].at - polls[2].at >= 2 * 1 - 0.1  # backoff after the 500: interval * 2^1
    assert len(server.seen("/a.html")) == 1 and len(server.seen("/b.html")) == 1

    statuses = Subscriptions(settings, library).statuses()
    assert statuses[0].last_run is not None and statuses[0].last_run.new == 1


@pytest.mark.slow
def test_a_failing_entry_is_retried_then_left_alone_and_validators_wait_for_it(
    settings: Settings, server: ScriptedServer
) -> None:
    url = server.serve(
        "/wire.xml",
        not_modified_if('"v1"', feed_reply([item("g-gone", "Gone", server.url("/gone.html"))], '"v1"')),
    )
    subscriptions = Subscriptions(settings, Library.open(settings))
    subscriptions.add(url, "1m", "wire")

    polls = [subscriptions.run_now("wire")[0] for _ in range(5)]

    assert [(p.run.status, p.run.failed) for p in polls] == [
        ("ok", 1),
        ("ok", 1),
        ("ok", 1),  # the third failure: left alone from now on
        ("ok", 0),
        ("not-modified", 0),
    ]
    assert "the feed's own text for it is too short to use" in polls[0].run.message
    sent = [r.headers.get("if-none-match") for r in server.seen("/wire.xml")]
    assert sent == [None, None, None, None, '"v1"']  # no 304 while the entry was still owed a retry
    assert len(server.seen("/gone.html")) == 3


@pytest.mark.slow
def test_a_stop_between_entries_leaves_the_rest_for_the_next_poll(
    settings: Settings, server: ScriptedServer
) -> None:
    items = []
    for n, company in enumerate(BATCH[:3]):
        server.serve(f"/s{n}.html", article_page(story(company, "sheet", "the south"), company))
        items.append(item(f"g-{n}", company, server.url(f"/s{n}.html")))
    url = server.serve("/wire.xml", not_modified_if('"v1"', feed_reply(items, '"v1"')))
    library = Library.open(settings)
    subscriptions = Subscriptions(settings, library)
    subscriptions.add(url, "1m", "wire")
    stop = threading.Event()

    def stop_after_first(feed: Feed, outcome: IngestOutcome) -> None:
        stop.set()

    stopped = subscriptions.run_now("wire", stop, stop_after_first)[0]
    assert (stopped.run.status, stopped.run.new) == ("ok", 1)
    assert "stopped: 2 entries left for the next poll" in stopped.run.message
    assert stopped.state.etag is None  # the next poll must not get a 304 for the entries it owes

    rest = subscriptions.run_now("wire")[0]
    assert (rest.run.status, rest.run.new, rest.run.duplicate) == ("ok", 2, 0)
    assert library.catalog.article_count() == 3
    assert subscriptions.run_now("wire")[0].run.status == "not-modified"


def test_feed_urls_go_through_the_fetch_policy(tmp_path: Path, server: ScriptedServer) -> None:
    url = server.serve("/wire.xml", feed_reply([], '"v1"'))
    settings = Settings(home=tmp_path / "library", allow_private_urls=False)
    subscriptions = Subscriptions(settings, Library.open(settings))
    subscriptions.add(url, "15m", "wire")

    poll = subscriptions.run_now("wire")[0]

    assert poll.run.status == "failed" and "NEWSDESK_ALLOW_PRIVATE_URLS" in poll.run.message
    assert server.seen("/wire.xml") == []  # refused before connecting
    assert poll.state.failures == 1 and poll.retry_in is not None
    assert poll.retry_in.total_seconds() == pytest.approx(30 * 60, abs=5)  # 15m * 2^1


# --- SIGTERM ------------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_sigterm_stops_watch_between_entries_and_leaves_no_drift(
    tmp_path: Path, server: ScriptedServer
) -> None:
    home = tmp_path / "library"
    warm = [item("g-0", BATCH[0], server.url("/p0.html"))]  # the first poll loads the model
    slow = warm + [item(f"g-{n}", BATCH[n], server.url(f"/p{n}.html")) for n in range(1, 5)]
    for n, company in enumerate(BATCH):  # every page after the first takes a second
        server.serve(
            f"/p{n}.html", article_page(story(company, "glass", "west"), company, delay=float(n > 0))
        )
    url = server.serve("/wire.xml", feed_reply(warm, '"v1"'), feed_reply(slow, '"v2"'))
    cli(home, "feeds", "add", url, "--every", "1s", "--name", "wire")
    env = {**os.environ, "NEWSDESK_FEEDS_MIN_INTERVAL_SECONDS": "1", "COLUMNS": "300", "NO_COLOR": "1"}
    process = subprocess.Popen(
        [str(NEWSDESK), "--home", str(home), "watch"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        deadline = time.monotonic() + 120
        while not server.seen("/p1.html") and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.05)
        assert server.seen("/p1.html"), "the second poll never started"
        process.send_signal(signal.SIGTERM)  # while the entry /p1.html is being fetched
        sent = time.monotonic()
        stdout, stderr = process.communicate(timeout=60)
        took = time.monotonic() - sent
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, stdout + stderr
    assert took < 15, f"took {took:.1f} s to stop"
    assert "stopped after" in stdout and not stderr.strip()

    store = FeedStore(Catalog(Settings(home=home).resolved_catalog_url))
    last = store.runs(store.get("wire").id)[0]
    assert (last.status, last.new) == ("ok", 1)  # /p1.html finished, the rest left for later
    assert "stopped: 3 entries left for the next poll" in last.message
    assert server.seen("/p2.html") == []

    doctor = subprocess.run(
        [str(NEWSDESK), "--home", str(home), "doctor"], capture_output=True, text=True, timeout=120, env=env
    )
    assert doctor.returncode == 0 and "no drift: 2 articles" in doctor.stdout, doctor.stdout + doctor.stderr
