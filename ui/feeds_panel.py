"""The Library page's Feeds panel: subscriptions with their last run, subscribe, run now, pause, remove.

The panel is a fragment on a timer, so runs that `newsdesk watch` (or another shell) records show without
reloading the page.  A Subscriptions object is made per use: it is a thin wrapper over the cached library's
catalog, and the poller it builds for Run now (an HTTP client) is closed when that poll is done.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Literal

import pandas as pd  # type: ignore[import-untyped]  # no pandas-stubs in the venv
import streamlit as st

from assistant.errors import NewsdeskError
from ingest.poll import Poll
from ingest.subscriptions import DEFAULT_EVERY, INTERVAL_HINT, Subscriptions, format_interval, next_run_label
from ui import state
from ui.render import count, inert, label
from vectorstore.feed_store import Feed, FeedStatus

REFRESH_SECONDS = 30  # the panel rereads the subscriptions and their runs this often
NOTES = "feeds_notes"  # what the last action in the panel did, shown until the next one
ROUND = "feeds_round"  # bumped after each action: fresh, empty form fields and confirmation box
PICK = "feed_pick"

Kind = Literal["success", "info", "warning", "error"]
Note = tuple[Kind, str]
_SHOW: dict[Kind, Callable[..., Any]] = {
    "success": st.success,
    "info": st.info,
    "warning": st.warning,
    "error": st.error,
}


def subscriptions() -> Subscriptions:
    """The subscriptions of the session's library."""
    return Subscriptions(state.settings(), state.library())


def utc_time(moment: datetime | None) -> str:
    """A catalog time (naive UTC) to the second, or '-' for none."""
    return f"{moment:%Y-%m-%d %H:%M:%S}" if moment else "-"


def next_run(feed: Feed, now: datetime) -> str:
    """When `newsdesk watch` polls the feed next: 'paused', 'due now' or a UTC time."""
    return next_run_label(feed, now, utc_time)


def feeds_frame(statuses: list[FeedStatus], now: datetime) -> pd.DataFrame:
    """The feeds table: name, URL, interval, last run with its status and counts, next run."""
    runs = [s.last_run for s in statuses]
    tally = {
        key: pd.array([getattr(r, key) if r else None for r in runs], dtype="Int64")
        for key in ("new", "duplicate", "failed")
    }
    return pd.DataFrame(
        {
            "name": [s.feed.name for s in statuses],
            "URL": [s.feed.url for s in statuses],
            "every": [format_interval(s.feed.interval_seconds) for s in statuses],
            "last run (UTC)": [utc_time(r.finished) if r else "never" for r in runs],
            "status": [r.status if r else "-" for r in runs],
            **tally,
            "next run (UTC)": [next_run(s.feed, now) for s in statuses],
        }
    )


def poll_note(poll: Poll) -> Note:
    """One line for a finished poll: its counts, or why it failed."""
    run, name = poll.run, poll.feed.name
    if run.status == "failed":
        wait = format_interval(max(1, int(poll.retry_in.total_seconds()))) if poll.retry_in else "a while"
        return "error", f"Polling {name} failed: {run.message} (`newsdesk watch` tries again in {wait})"
    if run.status == "not-modified":
        return "info", f"Polled {name}: not modified since the last poll"
    line = f"Polled {name}: {run.new} new, {run.duplicate} already in the library, {run.failed} failed"
    return ("warning", f"{line} ({run.message})") if run.failed else ("success", line)


def _act(action: Callable[[], list[Note]]) -> None:
    """Do one action, keep its notes (or its one-line error) for display, and redraw the whole page."""
    try:
        notes = action()
    except NewsdeskError as exc:
        notes = [("error", str(exc))]
    st.session_state[NOTES] = notes
    if not any(kind == "error" for kind, _ in notes):  # after an error the fields keep what was typed
        st.session_state[ROUND] = st.session_state.get(ROUND, 0) + 1
    st.rerun()  # the whole app: new articles show in the table below and the sidebar's count


def _subscribe(url: str, every: str, name: str) -> list[Note]:
    """Subscribe to a feed from the form's fields."""
    if not url.strip():
        return [("error", "Give the feed's http(s) URL.")]
    feed = subscriptions().add(url, every.strip() or DEFAULT_EVERY, name.strip() or None)
    return [
        (
            "success",
            f"Subscribed {feed.name} ({feed.url}), every {format_interval(feed.interval_seconds)}: "
            "Run now polls it at once, `newsdesk watch` keeps it fresh",
        )
    ]


def _run_now(name: str) -> list[Note]:
    """Poll one feed now, after repairing what a killed process left (as every ingest does)."""
    subs = subscriptions()
    try:
        with st.spinner(f"Polling {label(name)}…"):
            drift = subs.heal()
            notes: list[Note] = (
                [] if drift.clean else [("info", "Repaired the library first: " + "; ".join(drift.lines()))]
            )
            return notes + [poll_note(p) for p in subs.run_now(name)]
    finally:
        subs.close()


def _pause(name: str, paused: bool) -> list[Note]:
    """Pause or resume one feed."""
    subs = subscriptions()
    if paused:
        subs.resume(name)
        return [("success", f"Resumed {name}: it is due now")]
    subs.pause(name)
    return [("success", f"Paused {name}: `newsdesk watch` leaves it alone until you resume it")]


def _remove(name: str) -> list[Note]:
    """Unsubscribe from one feed; its articles stay."""
    subscriptions().remove(name)
    return [("success", f"Unsubscribed {name}; the articles it brought stay in the library")]


def _subscribe_form(n: int) -> None:
    """URL, interval and optional name; Subscribe adds the feed or shows why not."""
    with st.form(f"feed_subscribe_{n}", border=False):
        cols = st.columns([3, 1, 1])
        url = cols[0].text_input("Feed URL (RSS or Atom)", key=f"feed_url_{n}")
        every = cols[1].text_input("Every", value=DEFAULT_EVERY, key=f"feed_every_{n}", help=INTERVAL_HINT)
        name = cols[2].text_input("Name (optional)", key=f"feed_name_{n}", help="Default: the feed's host")
        if st.form_submit_button("Subscribe", key="feed_subscribe"):
            _act(lambda: _subscribe(url or "", every or "", name or ""))


def _controls(statuses: list[FeedStatus], n: int) -> None:
    """Pick a feed, then Run now, Pause or Resume, and Remove (after a confirmation tick)."""
    feeds = {s.feed.name: s.feed for s in statuses}
    if st.session_state.get(PICK) not in feeds:
        st.session_state.pop(PICK, None)  # removed meanwhile
    name = st.selectbox("Feed", list(feeds), key=PICK)
    if name is None:
        return
    feed = feeds[name]
    cols = st.columns([1, 1, 1, 2])
    if cols[0].button("Run now", key="feed_run", help="Poll this feed now, paused or not"):
        _act(lambda: _run_now(name))
    if cols[1].button(
        "Resume" if feed.paused else "Pause", key="feed_resume" if feed.paused else "feed_pause"
    ):
        _act(lambda: _pause(name, feed.paused))
    sure = cols[3].checkbox(f"Yes, unsubscribe {label(name)}", key=f"feed_remove_sure_{n}")
    if cols[2].button("Remove", key="feed_remove", disabled=not sure, help="Tick the box first"):
        _act(lambda: _remove(name))


@st.fragment(run_every=REFRESH_SECONDS)
def panel() -> None:
    """The Feeds panel, rerun by itself on a timer so runs recorded elsewhere show without a reload."""
    statuses = subscriptions().statuses()
    n = st.session_state.get(ROUND, 0)
    st.subheader("Feeds")
    st.caption(
        f"{count(len(statuses), 'subscription')} · `newsdesk watch` polls the active ones on their "
        f"intervals · refreshes every {REFRESH_SECONDS} s"
    )
    for kind, text in st.session_state.get(NOTES, []):
        _SHOW[kind](inert(text))
    if statuses:
        now = datetime.now(UTC).replace(tzinfo=None)
        st.dataframe(feeds_frame(statuses, now), hide_index=True, key="feeds_table")
        _controls(statuses, n)
    else:
        st.info("No feeds yet: subscribe to one below; Run now polls it, `newsdesk watch` keeps it fresh.")
    _subscribe_form(n)
