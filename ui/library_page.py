"""Library page: upload / URLs / feed ingest with progress, the Feeds panel (ui.feeds_panel), a
self-refreshing articles table, detail."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

import pandas as pd  # type: ignore[import-untyped]  # no pandas-stubs in the venv
import streamlit as st

from assistant.facts import describe
from assistant.models import ArticleSummary, IngestOutcome
from assistant.settings import Settings
from ingest.pipeline import Ingestor, Source
from ui import feeds_panel, state
from ui.facts_page import facts_frame
from ui.render import block, count, inert, published

UPLOAD_TYPES = ["html", "htm", "txt", "md", "pdf"]
RESULTS = "ingest_results"
ARTICLE = "article"
ROUND = "ingest_round"
CONFIRM = "confirm_delete"
REFRESH_SECONDS = 30  # the articles panel rereads the catalog this often: other processes' ingests show


class Upload(Protocol):
    """What st.file_uploader returns for one file."""

    name: str

    def getvalue(self) -> bytes:
        """The file's bytes."""
        ...


class _StreamlitProgress:
    """Ingest progress shown as a progress bar and one line per finished item."""

    def __init__(self, box: Any) -> None:
        self.box = box
        self.bar = box.progress(0.0, text="Starting…")
        self.total = 0
        self.finished = 0

    def planned(self, count: int) -> None:
        """More items were found."""
        self.total += count

    def started(self, item: str) -> None:
        """Show the item being worked on."""
        self.bar.progress(self._fraction(), text=f"Ingesting {Path(item).name or item}")

    def done(self, outcome: IngestOutcome) -> None:
        """Advance the bar."""
        self.finished += 1
        self.bar.progress(self._fraction(), text=f"{self.finished}/{self.total} done")

    def _fraction(self) -> float:
        """Share of items finished."""
        return min(1.0, self.finished / self.total) if self.total else 0.0


def ingest(settings: Settings, sources: Sequence[Source], box: Any = None) -> list[IngestOutcome]:
    """Ingest sources into the session's library, with progress in box when given."""
    progress = _StreamlitProgress(box) if box is not None else None
    return Ingestor(settings, state.library()).run(list(sources), None, progress)


def ingest_uploads(settings: Settings, files: Sequence[Upload], box: Any = None) -> list[IngestOutcome]:
    """Write uploads to a temporary folder under their own names, then ingest them."""
    with tempfile.TemporaryDirectory(prefix="newsdesk-upload-") as tmp:
        paths: list[Source] = []
        for i, f in enumerate(files):
            folder = Path(tmp) / str(i)  # same names from two uploads must not collide
            folder.mkdir()
            path = folder / Path(f.name).name
            path.write_bytes(f.getvalue())
            paths.append(path)
        outcomes = ingest(settings, paths, box)
    return [o.model_copy(update={"item": Path(o.item).name}) for o in outcomes]


def _show_results(outcomes: list[IngestOutcome]) -> None:
    """One line per ingested item: added, duplicate, failed (with the reason), skipped."""
    for o in outcomes:
        item = inert(o.item)
        if o.status == "added":
            st.success(
                f"Added {item}: {inert(o.title or '(untitled)')} "
                f"({count(o.passages, 'passage')}, {count(o.facts, 'fact')})"
            )
        elif o.status == "duplicate":
            st.info(f"Already in the library: {item} ({inert(o.message)})")
        elif o.status == "failed":
            st.error(f"Could not add {item}: {inert(o.message)}")
        else:
            st.warning(f"Skipped {item}: {inert(o.message)}")


def _run(sources: Sequence[Source] | None = None, uploads: Sequence[Upload] = ()) -> None:
    """Ingest with a status box and keep the results for display."""
    with st.status("Ingesting…", expanded=True) as status:
        s = state.settings()
        outcomes = ingest_uploads(s, uploads, status) if uploads else ingest(s, sources or [], status)
    st.session_state[RESULTS] = outcomes  # shown as one line per item after the rerun
    added = [o for o in outcomes if o.status == "added"]
    if added:  # open the first new article below, with its facts
        st.session_state[ARTICLE] = added[0].article_id
    st.session_state[ROUND] = st.session_state.get(ROUND, 0) + 1  # fresh, empty input widgets
    st.rerun()  # so the sidebar and the table count the new articles


def _add_forms() -> None:
    """Upload files, paste URLs, add a feed."""
    tabs = st.tabs(["Upload files", "Paste URLs", "Add a feed"])
    n = st.session_state.get(ROUND, 0)  # a new key after each ingest empties the inputs
    with tabs[0]:
        files = st.file_uploader("Articles", type=UPLOAD_TYPES, accept_multiple_files=True, key=f"upload_{n}")
        if st.button("Ingest files", key="ingest_files", disabled=not files):
            _run(uploads=files or [])
    with tabs[1]:
        text = st.text_area("One URL per line", key=f"urls_{n}")
        urls = [u.strip() for u in (text or "").splitlines() if u.strip()]
        if st.button("Ingest URLs", key="ingest_urls", disabled=not urls):
            _run(urls)
    with tabs[2]:
        feed = st.text_input("RSS or Atom feed URL", key=f"feed_{n}")
        if st.button("Ingest feed", key="ingest_feed", disabled=not (feed or "").strip()):
            _run([(feed or "").strip()])
    _show_results(st.session_state.get(RESULTS, []))


def status_line(passages: int, latest: datetime | None) -> str:
    """Passages and the time of the latest ingest (UTC), for the caption under the article count."""
    when = f"last added {latest:%Y-%m-%d %H:%M} UTC" if latest else "nothing added yet"
    return f"{count(passages, 'passage')} · {when} · refreshes every {REFRESH_SECONDS} s"


@st.fragment(run_every=REFRESH_SECONDS)
def articles_panel() -> None:
    """The article count, passages, last ingest and the articles table, rerun by itself on a timer, so
    articles another process (the CLI, a feed watcher) adds or removes show without reloading the page."""
    catalog = state.library().catalog
    summaries = catalog.summaries()
    passages, _articles, latest = catalog.version()
    st.subheader(count(len(summaries), "article"))
    st.caption(status_line(passages, latest))
    if summaries:
        _table(summaries, catalog.fact_counts())
    else:
        st.info("The library is empty: upload files or paste URLs above.")


def _table(summaries: list[ArticleSummary], counts: dict[str, int]) -> None:
    """The articles table: title, source, date, passages, facts and id."""
    frame = pd.DataFrame(
        [
            {
                "title": s.meta.title or "(untitled)",
                "source": s.meta.source or "",
                "date": s.meta.published,
                "passages": s.passages,
                "facts": counts.get(s.id, 0),
                "id": s.id,
            }
            for s in summaries
        ]
    )
    st.dataframe(frame, hide_index=True, key="articles_table")


def _delete(article_id: str) -> None:
    """Delete button with a confirmation step."""
    if st.session_state.get(CONFIRM) != article_id:
        if st.button("Delete this article", key="delete"):
            st.session_state[CONFIRM] = article_id
            st.rerun()
        return
    st.warning("Delete this article, its passages, facts and vectors? This cannot be undone.")
    cols = st.columns(2)
    if cols[0].button("Yes, delete", key="delete_yes", type="primary"):
        removed = state.library().remove(article_id)
        st.session_state.pop(CONFIRM, None)
        st.session_state[RESULTS] = []
        st.toast(f"Removed {removed.title}")
        st.rerun()
    if cols[1].button("Cancel", key="delete_no"):
        st.session_state.pop(CONFIRM, None)
        st.rerun()


def _detail(summaries: list[ArticleSummary]) -> None:
    """One article: metadata, its facts and its text (escaped)."""
    catalog = state.library().catalog
    ids = [s.id for s in summaries]
    titles = {s.id: s.meta.title or s.id for s in summaries}
    if st.session_state.get(ARTICLE) not in ids:
        st.session_state.pop(ARTICLE, None)  # deleted meanwhile
    chosen = st.selectbox("Open an article", ids, format_func=lambda i: titles.get(i, i), key=ARTICLE)
    if not chosen:
        return
    article = catalog.get(chosen)
    meta = article.meta
    st.markdown(f"### {inert(article.title)}", unsafe_allow_html=True)
    source, author = meta.source or "unknown source", meta.author or "no author"
    st.text(f"{source} · {published(meta)} · {author} · id {article.id}")
    if meta.url:
        st.text(meta.url)
    facts = catalog.facts(article_id=article.id)
    st.markdown(f"**{count(len(facts), 'fact')}**")
    if facts:
        frame = facts_frame(facts, titles).drop(columns=["article"])
        frame.insert(0, "kind", [f.kind for f in facts])
        frame["details"] = [describe(f) for f in facts]
        st.dataframe(frame, hide_index=True, key="article_facts")
    with st.expander("Article text", expanded=True):
        st.markdown(f'<div style="line-height:1.6">{block(article.text)}</div>', unsafe_allow_html=True)
    _delete(article.id)


def page() -> None:
    """The library page."""
    st.title("Library")
    _add_forms()
    feeds_panel.panel()
    articles_panel()
    summaries = state.library().catalog.summaries()  # as of this run; the panel above keeps itself fresh
    if summaries:
        _detail(summaries)
