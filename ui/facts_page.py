"""Facts page: filters, one table per kind with evidence, downloads, charts, evidence in its article."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from datetime import date

import altair as alt
import pandas as pd  # type: ignore[import-untyped]  # no pandas-stubs in the venv
import streamlit as st

from assistant.cli import write_facts_csv
from assistant.facts import FACT_KINDS, FACT_LIST_ADAPTER, KINDS, MOVE_KINDS, Capex, Fact, describe
from assistant.models import ArticleSummary
from ui import state
from ui.render import highlight, inert, picked_date


def facts_frame(facts: Sequence[Fact], titles: dict[str, str]) -> pd.DataFrame:
    """One row per fact: subject, value, details, date, period, evidence, article, confidence."""
    rows = [
        {
            "subject": f.subject,
            "value": f.main_value(),
            "details": describe(f),
            "date": f.as_of,
            "period": f.period or "",
            "evidence": f.evidence,
            "article": titles.get(f.article_id, f.article_id),
            "extractor": f.extractor,
            "confidence": f.confidence,
        }
        for f in facts
    ]
    return pd.DataFrame(rows)


def filter_facts(facts: list[Fact], text: str) -> list[Fact]:
    """Facts whose evidence or subject contains text (case-insensitive)."""
    needle = text.strip().casefold()
    return [f for f in facts if needle in f.evidence.casefold() or needle in f.subject.casefold()]


def _filters(summaries: list[ArticleSummary]) -> list[Fact]:
    """The filter widgets; returns the matching facts."""
    cols = st.columns(3)
    kinds = cols[0].multiselect("Kind", FACT_KINDS, key="facts_kinds")
    subject = cols[1].text_input("Subject contains", key="facts_subject")
    search = cols[2].text_input("Search evidence", key="facts_search")
    cols = st.columns(3)
    since = cols[0].date_input("Events since", value=None, key="facts_since")
    until = cols[1].date_input("Events until", value=None, key="facts_until")
    ids = [""] + [s.id for s in summaries]
    titles = {s.id: s.meta.title or s.id for s in summaries}
    article = cols[2].selectbox(
        "Article", ids, format_func=lambda i: titles.get(i, "All articles"), key="facts_article"
    )
    found = state.library().catalog.facts(
        kinds, subject or None, picked_date(since), picked_date(until), article or None
    )
    return filter_facts(found, search) if search else found


def _downloads(facts: list[Fact]) -> None:
    """CSV and JSON download buttons for the shown facts."""
    out = io.StringIO()
    write_facts_csv(facts, out)
    cols = st.columns(2)
    cols[0].download_button("Download CSV", out.getvalue(), "facts.csv", "text/csv", key="dl_csv")
    cols[1].download_button(
        "Download JSON",
        FACT_LIST_ADAPTER.dump_json(facts, indent=2),
        "facts.json",
        "application/json",
        key="dl_json",
    )


def _tables(facts: list[Fact], titles: dict[str, str]) -> None:
    """One selectable table per kind; a selected row shows its evidence in the article."""
    for kind in FACT_KINDS:
        of_kind = [f for f in facts if f.kind == kind]
        if not of_kind:
            continue
        st.subheader(f"{kind.replace('_', ' ')} ({len(of_kind)})")
        event = st.dataframe(
            facts_frame(of_kind, titles),
            hide_index=True,
            on_select="rerun",
            selection_mode="single-row",
            key=f"table_{kind}",
        )
        rows = event.selection.rows if event is not None else []
        if rows:
            _evidence(of_kind[rows[0]])


def _evidence(fact: Fact) -> None:
    """The fact's evidence highlighted in its article."""
    article = state.library().catalog.get(fact.article_id)
    st.markdown(f"**{inert(article.title)}** · {inert(describe(fact))}", unsafe_allow_html=True)
    st.markdown(highlight(article.text, fact.span.start, fact.span.end, 400), unsafe_allow_html=True)


def moves_chart(facts: Sequence[Fact], day: date) -> alt.Chart | None:
    """The day's moves of every asset class, grouped by class, as diverging bars (green up, red down)."""
    rows: dict[tuple[str, str], float] = {}
    for f in facts:
        change = getattr(f, "change_pct", None)
        if f.as_of == day and change is not None and f.period in (None, "day"):
            rows.setdefault((f.kind, f.subject), change)
    if not rows:
        return None
    frame = pd.DataFrame(
        [{"class": KINDS[k].asset_class, "subject": s, "change_pct": v} for (k, s), v in rows.items()]
    )
    frame = frame.sort_values(["class", "change_pct"], ascending=[True, False])
    frame["label"] = frame["subject"] + " · " + frame["class"]
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("change_pct:Q", title="change %"),
            y=alt.Y("label:N", sort=list(frame["label"]), title=None, axis=alt.Axis(labelLimit=260)),
            color=alt.condition("datum.change_pct >= 0", alt.value("#2e9d5b"), alt.value("#d64545")),
            tooltip=["class", "subject", "change_pct"],
        )
    )


def capex_year(fact: Capex) -> str | None:
    """The year a capex figure covers, "year not stated", or None for a quarter or other part-year figure."""
    if fact.period and re.fullmatch(r"(19|20)\d\d", fact.period):
        return fact.period
    if fact.period:
        return None
    return str(fact.as_of.year) if fact.as_of else "year not stated"


def capex_chart(facts: Sequence[Fact]) -> alt.Chart | None:
    """Annual capex amounts (billions USD) by company and year; the largest figure of each pair is shown."""
    rows: dict[tuple[str, str], tuple[float, str]] = {}
    for f in facts:
        year = capex_year(f) if isinstance(f, Capex) else None
        value = f.main_value()
        if year is None or value is None:
            continue
        if value / 1e9 > rows.get((f.subject, year), (0.0, ""))[0]:
            rows[(f.subject, year)] = (value / 1e9, describe(f))
    if not rows:
        return None
    frame = pd.DataFrame(
        [{"company": c, "year": y, "usd_bn": v, "figure": d} for (c, y), (v, d) in rows.items()]
    )
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("usd_bn:Q", title="capex, $ billion"),
            y=alt.Y("company:N", sort="-x", title=None, axis=alt.Axis(labelLimit=220)),
            color=alt.Color("year:N", legend=alt.Legend(orient="bottom")),
            yOffset="year:N",
            tooltip=["company", "year", "usd_bn", "figure"],
        )
    )


def timeline_chart(facts: Sequence[Fact], index: str) -> alt.Chart | None:
    """Daily moves of one index over time."""
    rows = {
        f.as_of: f.change_pct
        for f in facts
        if f.kind == "index_move"
        and f.subject == index
        and f.as_of
        and f.change_pct is not None
        and f.period in (None, "day")
    }
    if not rows:
        return None
    frame = pd.DataFrame([{"date": pd.Timestamp(d), "change_pct": v} for d, v in rows.items()])
    return (
        alt.Chart(frame)
        .mark_line(point=True)
        .encode(x="date:T", y=alt.Y("change_pct:Q", title="change %"), tooltip=["date", "change_pct"])
    )


def _charts(facts: list[Fact]) -> None:
    """The moves, capex and timeline charts over the facts that pass the filters."""
    moves = [f for f in facts if f.kind in MOVE_KINDS]
    capex = capex_chart(facts)
    days = sorted({f.as_of for f in moves if f.as_of}, reverse=True)
    if not days and capex is None:
        return
    st.subheader("Charts")
    left, right = st.columns(2)
    if days:
        busiest = max(days, key=lambda d: sum(f.as_of == d for f in moves))
        day = left.selectbox("Market moves on", days, index=days.index(busiest), key="chart_day")
        chart = moves_chart(moves, day)
        if chart is not None:
            left.altair_chart(chart, width="stretch")
    if capex is not None:
        right.markdown("**Capex by company and year**")
        right.altair_chart(capex, width="stretch")
    indexes = sorted({f.subject for f in moves if f.kind == "index_move"})
    if indexes:
        default = indexes.index("Russell 2000") if "Russell 2000" in indexes else 0
        index = st.selectbox("Index timeline", indexes, index=default, key="chart_index")
        timeline = timeline_chart(moves, index)
        if timeline is not None:
            st.altair_chart(timeline, width="stretch")


def page() -> None:
    """The facts page."""
    st.title("Facts")
    summaries = state.library().catalog.summaries()
    titles = {s.id: s.meta.title or s.id for s in summaries}
    facts = _filters(summaries)
    st.caption(f"{len(facts)} facts match; the charts and tables below show only these")
    _charts(facts)
    st.subheader("Tables")
    _downloads(facts)
    _tables(facts, titles)
