"""Chat page: questions, streamed or extractive answers, citation chips, sources, Markdown export."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import streamlit as st

from assistant.errors import NewsdeskError
from assistant.export import answer_markdown, markdown_file_name
from assistant.facts import Fact
from assistant.models import Answer, ArticleSummary, Citation
from ui import state
from ui.render import highlight, highlight_sentence, inert, label, published, safe_url, with_chips

MESSAGES = "messages"
PENDING = "pending_question"
OPTIONS = "chat_options"


@dataclass(frozen=True)
class Options:
    """The sidebar's chat choices: publication date range, and whether to answer without the LLM."""

    since: date | None = None
    until: date | None = None
    extractive: bool = True


def options() -> Options:
    """The chat choices the app's sidebar made in this run (drawn before the page runs)."""
    found = st.session_state.get(OPTIONS)
    return found if isinstance(found, Options) else Options()


def _meta_line(summary: ArticleSummary) -> str:
    """Title — source, date, as inert markdown."""
    meta = summary.meta
    title, source = inert(meta.title or "(untitled)"), inert(meta.source or "unknown source")
    return f"**{title}** — {source}, {published(meta)}"


def _source_line(c: Citation) -> str:
    """[n] Title — source, date (plain text)."""
    meta = c.article.meta
    return f"[{c.n}] {meta.title or '(untitled)'} — {meta.source or 'unknown'}, {published(meta)}"


def _citation(c: Citation) -> None:
    """One source line, expandable to the passage in its article, its cited sentence highlighted strongly."""
    with st.expander(label(_source_line(c))):
        st.markdown(_meta_line(c.article), unsafe_allow_html=True)
        text = state.library().catalog.get(c.article.id).text
        span = c.passage.span
        if c.sentence is None:
            st.markdown(highlight(text, span.start, span.end), unsafe_allow_html=True)
        else:
            st.markdown(highlight_sentence(text, span, c.sentence), unsafe_allow_html=True)
        url = safe_url(c.url)
        if url:
            st.link_button("Open the cited words in the original article", url)


def export_button(answer: Answer, key: str) -> None:
    """Download the answer with its sources as Markdown, named after the question."""
    st.download_button(
        "Export",
        answer_markdown(answer),
        file_name=markdown_file_name(answer.question),
        mime="text/markdown",
        key=key,
        icon=":material/download:",
        help="Save the question, the answer and its sources (title, source, date, link, quote) as Markdown",
        on_click="ignore",
    )


def render_answer(answer: Answer, key: str) -> None:
    """An answer with its Sources and Export button, or an abstention with the closest articles; key
    names the Export button."""
    _answer_body(answer)
    export_button(answer, key)


def _answer_body(answer: Answer) -> None:
    """An answer with chips and its Sources section, or an abstention with the closest articles."""
    if answer.abstained:
        st.warning(inert(answer.text))
        if answer.notes:
            st.caption(inert(answer.notes[0]))
        if answer.closest:
            st.markdown("**Closest articles in the library:**")
        for s in answer.closest:
            st.markdown("- " + _meta_line(s), unsafe_allow_html=True)
        return
    sources = {c.n: _source_line(c) for c in answer.citations}
    st.markdown(with_chips(answer.text, sources), unsafe_allow_html=True)
    if answer.notes:
        st.caption(f"Verification removed {len(answer.notes)} unsupported sentence(s).")
    st.markdown(f"**Sources** ({answer.mode})")
    for c in answer.citations:
        _citation(c)


def suggestions(facts: list[Fact]) -> list[str]:
    """Up to three questions built from the newest index, sector and capex facts."""
    out: list[str] = []
    for kind, template in (
        ("index_move", "Why did the {subject} move on {day}?"),
        ("sector_move", "Why did {subject} stocks move on {day}?"),
        ("capex", "How much is {subject} spending on capex?"),
    ):
        fact = next((f for f in facts if f.kind == kind and (f.as_of or kind == "capex")), None)
        if fact is not None:
            out.append(template.format(subject=fact.subject, day=fact.as_of))
    return out


def _suggest() -> None:
    """Buttons with suggested questions, shown on an empty chat."""
    facts = state.library().catalog.facts(["index_move", "sector_move", "capex"])
    questions = suggestions(facts)
    if not questions:
        st.info("The library is empty: add articles on the Library page.")
        return
    st.caption("Try one of these:")
    for i, q in enumerate(questions):
        # a callback, so the question is pending before the rerun draws the page (no lingering buttons)
        st.button(q, key=f"suggest_{i}", icon=":material/lightbulb:", on_click=_pend, args=(q,))


def _pend(question: str) -> None:
    """Make question the next one to answer."""
    st.session_state[PENDING] = question


def clear() -> None:
    """Start a new conversation."""
    st.session_state[MESSAGES] = []


def _ask(question: str, since: date | None, until: date | None, extractive: bool) -> Answer:
    """Ask the answerer, streaming tokens into the page when an LLM answers."""
    answerer = state.answerer()
    on_token: Callable[[str], None] | None = None
    if not extractive and answerer.chat is not None:
        box = st.empty()
        pieces: list[str] = []

        def on_token(token: str) -> None:
            """Show the answer so far."""
            pieces.append(token)
            box.markdown(inert("".join(pieces)) + " ▌", unsafe_allow_html=True)

    with st.spinner("Searching the library…"):
        answer = answerer.ask(question, 5, since, until, extractive, on_token)
    if on_token is not None:
        box.empty()
    return answer


def page(choices: Options) -> None:
    """The chat page."""
    st.title("Ask the news desk")
    history: list[tuple[str, Answer | str]] = st.session_state.setdefault(MESSAGES, [])
    for i, (role, content) in enumerate(history):
        with st.chat_message(role):
            if isinstance(content, Answer):
                render_answer(content, f"export_{i}")
            else:
                st.text(content)
    # read the question first: suggestions are for an empty chat that is not about to get its first answer
    question = st.chat_input("Ask about the markets, e.g. why did small caps outperform on Feb 6?")
    question = question or st.session_state.pop(PENDING, None)
    if not history and not question:
        _suggest()
    if question:
        _turn(history, question, choices)
    if history:
        st.sidebar.button("New chat", icon=":material/add_comment:", key="new_chat", on_click=clear)


def _turn(history: list[tuple[str, Answer | str]], question: str, choices: Options) -> None:
    """Show the question, answer it, and keep both in the history."""
    with st.chat_message("user"):
        st.text(question)
    with st.chat_message("assistant"):
        try:
            answer = _ask(question, choices.since, choices.until, choices.extractive)
        except NewsdeskError as exc:
            st.error(inert(f"Could not answer: {exc}"))
            return
        render_answer(answer, f"export_{len(history) + 1}")  # its index in the history, once kept
    history.extend([("user", question), ("assistant", answer)])
