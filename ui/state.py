"""Per-session settings and per-library cached resources (Library, Answerer)."""

from __future__ import annotations

import streamlit as st

from assistant.answer import Answerer
from assistant.llm import llm_configured
from assistant.settings import Settings
from vectorstore.library import Library


def settings() -> Settings:
    """The one Settings object of this browser session, built on first use."""
    if "settings" not in st.session_state:
        st.session_state["settings"] = Settings()
    found = st.session_state["settings"]
    assert isinstance(found, Settings)
    return found


@st.cache_resource(show_spinner="Opening the library…")
def _library(key: str, _settings: Settings) -> Library:
    """The library these settings name, opened once per process (key: the settings as JSON)."""
    return Library.open(_settings)


@st.cache_resource(show_spinner=False)
def _answerer(key: str, _settings: Settings) -> Answerer:
    """The answerer over that library with its LLM, built once per process."""
    return Answerer(_library(key, _settings), _settings)


def library() -> Library:
    """The session's library."""
    s = settings()
    return _library(s.model_dump_json(), s)


def answerer() -> Answerer:
    """The session's answerer."""
    s = settings()
    return _answerer(s.model_dump_json(), s)


def llm_label(s: Settings) -> str:
    """Which LLM answers questions, for the sidebar."""
    if not llm_configured(s):
        return "none — extractive answers"
    where = s.llm_base_url or "OpenAI"
    return f"{s.llm_model} @ {where}"
