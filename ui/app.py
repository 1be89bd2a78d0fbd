"""newsdesk Streamlit app: `streamlit run ui/app.py` (chat, facts and library pages over one library)."""

from __future__ import annotations

from datetime import date

import streamlit as st

from ui import chat, facts_page, library_page, state
from ui.render import count, inert, picked_date

# Material icons ship with Streamlit's own font, so they render without a system emoji font.
PAGES = {
    "Chat": ":material/forum: Chat",
    "Facts": ":material/monitoring: Facts",
    "Library": ":material/library_books: Library",
}


def sidebar() -> tuple[str, date | None, date | None, bool]:
    """Page choice, library and LLM in use, answer mode and date range; returns the choices."""
    s = state.settings()
    with st.sidebar:
        st.markdown("## :material/newspaper: newsdesk")
        page = st.radio("Page", list(PAGES), format_func=PAGES.__getitem__, key="page")
        st.divider()
        articles = state.library().catalog.article_count()
        st.markdown(f"**Library** · {count(articles, 'article')}")
        st.caption(inert(str(s.home)))
        st.markdown(f"**LLM** · {inert(state.llm_label(s))}")
        has_llm = state.answerer().chat is not None
        use_llm = st.toggle("Answer with the LLM", value=has_llm, disabled=not has_llm, key="use_llm")
        st.markdown("**Chat date range** (publication)")
        since = st.date_input("Since", value=None, key="chat_since")
        until = st.date_input("Until", value=None, key="chat_until")
    return page, picked_date(since), picked_date(until), not (use_llm and has_llm)


def main() -> None:
    """Render the sidebar and the chosen page."""
    st.set_page_config(page_title="newsdesk", page_icon=":material/newspaper:", layout="wide")
    page, since, until, extractive = sidebar()
    if page == "Facts":
        facts_page.page()
    elif page == "Library":
        library_page.page()
    else:
        chat.page(since, until, extractive)


main()
