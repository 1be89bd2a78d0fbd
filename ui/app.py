"""newsdesk Streamlit app: `streamlit run ui/app.py` (chat, facts and library pages over one library).

The entry script is the frame around every page: it declares the pages for st.navigation (in the
sidebar, each with its own URL), draws the shared sidebar and runs the page the user chose.
"""

from __future__ import annotations

import streamlit as st

from ui import chat, state
from ui.render import count, inert, picked_date


def pages() -> list[st.Page]:
    """Chat (the default, at /), Facts (/facts) and Library (/library); paths relative to this file."""
    # Material icons ship with Streamlit's own font, so they render without a system emoji font.
    return [
        st.Page("views/chat.py", title="Chat", icon=":material/forum:", url_path="chat", default=True),
        st.Page("views/facts.py", title="Facts", icon=":material/monitoring:", url_path="facts"),
        st.Page("views/library.py", title="Library", icon=":material/library_books:", url_path="library"),
    ]


def sidebar() -> chat.Options:
    """Library and LLM in use, answer mode and the chat's date range; returns the chat choices."""
    s = state.settings()
    with st.sidebar:
        articles = state.library().catalog.article_count()
        st.markdown(f"**Library** · {count(articles, 'article')}")
        st.caption(inert(str(s.home)))
        st.markdown(f"**LLM** · {inert(state.llm_label(s))}")
        has_llm = state.answerer().chat is not None
        use_llm = st.toggle("Answer with the LLM", value=has_llm, disabled=not has_llm, key="use_llm")
        st.markdown("**Chat date range** (publication)")
        since = st.date_input("Since", value=None, key="chat_since")
        until = st.date_input("Until", value=None, key="chat_until")
    return chat.Options(picked_date(since), picked_date(until), not (use_llm and has_llm))


def main() -> None:
    """Declare the pages, draw the sidebar, run the chosen page."""
    st.set_page_config(page_title="newsdesk", page_icon=":material/newspaper:", layout="wide")
    current = st.navigation(pages(), position="sidebar")
    st.set_page_config(page_title=f"{current.title} · newsdesk")
    st.session_state[chat.OPTIONS] = sidebar()
    current.run()


main()
