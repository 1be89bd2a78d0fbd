"""`newsdesk feeds` (add, list, remove, pause, resume, run, runs) and `newsdesk watch`: feeds that keep
themselves fresh."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated

import typer

from assistant.cli_common import console, err_console, outcome_line, settings_of, shown

if TYPE_CHECKING:
    from assistant.models import IngestOutcome
    from ingest.poll import Poll
    from ingest.subscriptions import Subscriptions
    from vectorstore.feed_store import Feed

feeds_app = typer.Typer(
    help="Subscribe to RSS/Atom feeds that `newsdesk watch` keeps polling.", no_args_is_help=True
)
# ingest.subscriptions.DEFAULT_EVERY, spelled out for the --every default so that building the CLI
# imports no feed machinery (tests/test_cold_start.py checks that the two agree)
DEFAULT_EVERY = "15m"


def subscriptions_of(ctx: typer.Context) -> Subscriptions:
    """The subscriptions of the library the settings name."""
    from ingest.subscriptions import Subscriptions
    from vectorstore.library import Library

    settings = settings_of(ctx)
    return Subscriptions(settings, Library.open(settings))


def when(moment: datetime | None) -> str:
    """A catalog time (naive UTC) in local time, to the second; '-' for none."""
    if moment is None:
        return "-"
    return moment.replace(tzinfo=UTC).astimezone().strftime("%Y-%m-%d %H:%M:%S")


def next_run(feed: Feed) -> str:
    """When the feed is polled next by `newsdesk watch`, in local time."""
    from ingest.subscriptions import next_run_label

    return next_run_label(feed, datetime.now(UTC).replace(tzinfo=None), when)


def poll_line(poll: Poll) -> str:
    """One rich line for a finished poll: what it added, or why it failed and when it tries again."""
    from ingest.subscriptions import format_interval

    run, name = poll.run, f"[bold]{shown(poll.feed.name)}[/]"
    if run.status == "failed":
        wait = format_interval(max(1, int(poll.retry_in.total_seconds()))) if poll.retry_in else "?"
        return (
            f"[red]✗[/] feed {name} failed: {shown(run.message)}; tried again in {wait} "
            f"(or `newsdesk feeds pause {shown(poll.feed.name)}`)"
        )
    if run.status == "not-modified":
        return f"[dim]=[/] feed {name}: not modified · next {when(poll.state.next_run_at)}"
    notes = [f"{poll.seen} seen before"] if poll.seen else []
    notes += [f"stopped, {poll.left} left for the next poll"] if poll.left else []
    note = f" [dim]({', '.join(notes)})[/]" if notes else ""
    return (
        f"[green]✓[/] feed {name}: {run.new} new, {run.duplicate} already in the library, "
        f"{run.failed} failed{note} · next {when(poll.state.next_run_at)}"
    )


@feeds_app.command("add")
def add(
    ctx: typer.Context,
    url: Annotated[str, typer.Argument(help="The feed's http(s) URL.")],
    every: Annotated[str, typer.Option(help="Poll interval: 30s, 15m, 2h, 1d.")] = DEFAULT_EVERY,
    name: Annotated[str | None, typer.Option(help="A short name (default: the feed's host).")] = None,
) -> None:
    """Subscribe to a feed; `newsdesk watch` polls it every --every (or poll now: `feeds run NAME`)."""
    from ingest.subscriptions import format_interval

    feed = subscriptions_of(ctx).add(url, every, name)
    console.print(
        f"subscribed [bold]{shown(feed.name)}[/]: {shown(feed.url)} "
        f"every {format_interval(feed.interval_seconds)} · poll it now with "
        f"`newsdesk feeds run {shown(feed.name)}`, or keep it fresh with `newsdesk watch`",
        soft_wrap=True,
    )


@feeds_app.command("list")
def list_feeds(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """The subscribed feeds: interval, state, last run with its new / duplicate / failed counts, next run."""
    from pydantic import TypeAdapter
    from rich.table import Table

    from ingest.subscriptions import format_interval
    from vectorstore.feed_store import FeedStatus

    statuses = subscriptions_of(ctx).statuses()
    if as_json:
        console.print_json(TypeAdapter(list[FeedStatus]).dump_json(statuses).decode("utf-8"))
        return
    if not statuses:
        console.print("No feeds yet: subscribe with `newsdesk feeds add URL --every 15m`.")
        return
    table = Table("name", "URL", "every", "last run", "status", "new", "dup", "failed", "next run")
    for s in statuses:
        run = s.last_run
        table.add_row(
            shown(s.feed.name),
            shown(s.feed.url),
            format_interval(s.feed.interval_seconds),
            when(run.finished) if run else "never",
            run.status if run else "-",
            *(str(n) for n in ((run.new, run.duplicate, run.failed) if run else ("-", "-", "-"))),
            next_run(s.feed),
        )
    console.print(table)


@feeds_app.command("remove")
def remove(ctx: typer.Context, name: Annotated[str, typer.Argument(help="The feed's name.")]) -> None:
    """Unsubscribe from a feed; the articles it brought stay in the library."""
    feed = subscriptions_of(ctx).remove(name)
    console.print(f"unsubscribed [bold]{shown(feed.name)}[/]; its articles stay in the library")


@feeds_app.command("pause")
def pause(ctx: typer.Context, name: Annotated[str, typer.Argument(help="The feed's name.")]) -> None:
    """Stop polling a feed until `feeds resume`."""
    feed = subscriptions_of(ctx).pause(name)
    console.print(
        f"paused [bold]{shown(feed.name)}[/]; `newsdesk feeds resume {shown(feed.name)}` polls it again"
    )


@feeds_app.command("resume")
def resume(ctx: typer.Context, name: Annotated[str, typer.Argument(help="The feed's name.")]) -> None:
    """Poll a paused feed again (due at once)."""
    feed = subscriptions_of(ctx).resume(name)
    console.print(f"resumed [bold]{shown(feed.name)}[/]; it is due now")


@feeds_app.command("run")
def run(
    ctx: typer.Context,
    name: Annotated[str | None, typer.Argument(help="One feed (default: every active one).")] = None,
) -> None:
    """Poll now: one feed, or every active one; exit 1 when a poll failed."""
    subscriptions = subscriptions_of(ctx)
    report_repairs(subscriptions)
    stop = threading.Event()
    with stop_on_signals(stop):
        polls = subscriptions.run_now(name, stop, print_outcome)
    subscriptions.close()
    if not polls:
        console.print("No active feeds: subscribe with `newsdesk feeds add URL`.")
    for poll in polls:
        console.print(poll_line(poll), soft_wrap=True)
    if any(p.run.status == "failed" for p in polls):
        raise typer.Exit(1)


@feeds_app.command("runs")
def runs(
    ctx: typer.Context,
    name: Annotated[str | None, typer.Argument(help="One feed (default: all).")] = None,
    limit: Annotated[int, typer.Option(help="How many runs, newest first.")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of lines.")] = False,
) -> None:
    """The recorded runs, newest first: when, status, new / duplicate / failed, message."""
    from pydantic import TypeAdapter

    from vectorstore.feed_store import FeedRun

    subscriptions = subscriptions_of(ctx)
    records = subscriptions.runs(name, limit)
    if as_json:
        console.print_json(TypeAdapter(list[FeedRun]).dump_json(records).decode("utf-8"))
        return
    names = {s.feed.id: s.feed.name for s in subscriptions.statuses()}
    for r in records:
        console.print(
            f"{when(r.started)}  {shown(names.get(r.feed_id, '?'))}  {r.status:<12} "
            f"{r.new} new, {r.duplicate} dup, {r.failed} failed  [dim]{shown(r.message)}[/]",
            soft_wrap=True,
        )


def watch(
    ctx: typer.Context,
    polls: Annotated[
        int | None, typer.Option(help="Stop after every feed was polled this many times.", min=1)
    ] = None,
    max_workers: Annotated[
        int | None, typer.Option(help="Feeds fetched at once (default NEWSDESK_FEEDS_MAX_WORKERS).", min=1)
    ] = None,
) -> None:
    """Keep the subscribed feeds fresh: poll each on its interval until Ctrl+C or SIGTERM (which finish
    the entry in progress first)."""
    from ingest.subscriptions import Subscriptions
    from ingest.watch import Watcher
    from vectorstore.library import Library

    settings = settings_of(ctx)
    library = Library.open(settings)
    report_repairs(Subscriptions(settings, library))
    watcher = Watcher(
        settings,
        library,
        max_workers,
        polls,
        on_poll=print_poll,
        on_outcome=print_outcome,
        on_error=print_error,
    )
    console.print(
        f"watching the feeds (up to {watcher.max_workers} at once); "
        "Ctrl+C stops after the entries in progress"
    )
    with stop_on_signals(watcher.stop):
        made = watcher.run()
    console.print(f"stopped after {made} polls")


def print_poll(poll: Poll) -> None:
    """Print a finished poll's line."""
    console.print(poll_line(poll), soft_wrap=True)


def print_outcome(feed: Feed, outcome: IngestOutcome) -> None:
    """Print one entry's outcome under its feed's name."""
    console.print(f"  [dim]{shown(feed.name)}[/] {outcome_line(outcome)}", soft_wrap=True)


def print_error(line: str) -> None:
    """Print a watcher's error line."""
    err_console.print(f"[red]error:[/] {shown(line)}", soft_wrap=True)


def report_repairs(subscriptions: Subscriptions) -> None:
    """Repair drift a killed process left (as every ingest does first), and say so."""
    drift = subscriptions.heal()
    if not drift.clean:
        console.print("repaired the library first: " + "; ".join(drift.lines()))


@contextmanager
def stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """While inside, SIGINT (Ctrl+C) and SIGTERM set stop instead of ending the process mid-entry."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: object) -> None:
        """Ask the polls to stop between two entries."""
        stop.set()

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
