"""Streamlit app tests (AppTest): chat with citations, facts filters, uploads, escaping of article text."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from streamlit.testing.v1 import AppTest

from assistant.settings import Settings
from tests.conftest import example_files, serve_ui
from ui.render import highlight, inert, with_chips
from vectorstore.library import Library

APP = str(Path(__file__).resolve().parent.parent / "ui" / "app.py")
INJECTION = (
    "Markets report with hostile markup. <script>alert(1)</script> and **bold** <b>x</b> appear here. "
    + "The Russell 2000 rose 1.2% on Tuesday as investors bought small companies and sold large ones. " * 6
)


@pytest.fixture(scope="module")
def sample_home(sample_library: tuple[Settings, Library]) -> Path:
    """The folder of the shared sample library."""
    return sample_library[0].home


def app(home: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    """The app over the library at home, after its first run."""
    monkeypatch.setenv("NEWSDESK_HOME", str(home))
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception
    return at


def upload(at: AppTest, name: str, content: bytes) -> AppTest:
    """Upload one file on the library page and press Ingest."""
    at.sidebar.radio(key="page").set_value("Library").run()
    at.file_uploader(key="upload").set_value((name, content, "text/plain")).run()
    at.button(key="ingest_files").click().run()
    assert not at.exception
    return at


def test_chat_answers_with_resolving_citations(sample_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(sample_home, monkeypatch)
    assert any("Russell 2000" in b.label for b in at.button)  # suggested questions from recent facts
    at.chat_input[0].set_value("why did small caps outperform on Feb 6?").run()
    assert not at.exception
    values = [m.value for m in at.markdown]
    answer = next(v for v in values if "3.5%" in v and "vertical-align:super" in v)
    assert "**Sources** (extractive)" in values
    chips = answer.count("vertical-align:super")
    assert chips >= 1 and len(at.expander) >= chips
    assert any("<mark" in v and "3.5%" in v for v in values)  # the cited passage, highlighted
    assert all(
        b.proto.url.startswith("https://") and "#:~:text=" in b.proto.url for b in at.get("link_button")
    )


def test_facts_kind_filter_changes_the_tables(sample_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(sample_home, monkeypatch)
    at.sidebar.radio(key="page").set_value("Facts").run()
    assert not at.exception
    before = len(at.dataframe)
    assert before > 2
    at.multiselect(key="facts_kinds").set_value(["sector_move"]).run()
    assert len(at.dataframe) == 1
    assert [s.value.startswith("sector move") for s in at.subheader if s.value != "Charts"] == [True]
    at.text_input(key="facts_search").set_value("energy").run()
    rows = at.dataframe[0].value
    assert len(rows) >= 1
    assert all("energy" in (e + s).lower() for e, s in zip(rows.evidence, rows.subject, strict=True))
    assert len(at.get("vega_lite_chart")) == 3  # the moves, capex and timeline charts


def test_upload_adds_an_article(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(tmp_path / "library", monkeypatch)
    source = example_files()[1]
    upload(at, source.name, source.read_bytes())
    assert any("Added" in s.value and source.name in s.value for s in at.success)
    assert len(at.dataframe[0].value) == 1  # the articles table
    assert "facts" in " ".join(m.value for m in at.markdown)
    assert Library.open(Settings(home=tmp_path / "library")).catalog.article_count() == 1


def test_bad_upload_shows_an_error_and_adds_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(tmp_path / "library", monkeypatch)
    upload(at, "empty.txt", b"")
    assert at.error and "empty.txt" in at.error[0].value
    assert not at.success
    assert Library.open(Settings(home=tmp_path / "library")).catalog.article_count() == 0


def test_article_markup_is_rendered_inert(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(tmp_path / "library", monkeypatch)
    upload(at, "hostile.txt", INJECTION.encode("utf-8"))
    assert at.success
    values = [m.value for m in at.markdown]
    body = next(v for v in values if "hostile markup" in v)
    assert "&lt;script&gt;" in body and "&lt;b&gt;x&lt;/b&gt;" in body and "&#42;&#42;bold" in body
    assert not any("<script" in v or "<b>" in v or "**bold**" in v for v in values)


def test_render_helpers_escape_everything_but_our_markup() -> None:
    assert inert("<img src=x onerror=alert(1)>") == "&lt;img src=x onerror=alert&#40;1&#41;&gt;"
    marked = highlight("a <b>c</b> d", 2, 10)
    assert "<mark" in marked and "&lt;b&gt;c&lt;/b&gt;</mark>" in marked and "<b>" not in marked
    assert with_chips("x [1] <i>").count("<span") == 1 and "&lt;i&gt;" in with_chips("x [1] <i>")


def test_newsdesk_ui_serves_the_app(tmp_path: Path) -> None:
    """`newsdesk ui` passes options through to `streamlit run` and serves the app on 127.0.0.1."""
    with serve_ui(tmp_path / "lib", timeout=60) as url:
        page = httpx.get(url, timeout=5)
        assert page.status_code == 200 and "streamlit" in page.text.lower()
