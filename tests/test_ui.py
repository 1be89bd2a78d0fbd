"""Streamlit app tests (AppTest): chat with citations, facts filters, uploads, escaping of article text."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from pathlib import Path

import httpx
import pandas as pd  # type: ignore[import-untyped]
import pytest
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.runtime.media_file_storage import MediaFileKind
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest, local_script_runner

from assistant.answer import Answerer
from assistant.export import answer_markdown
from assistant.settings import Settings
from ingest.pipeline import Ingestor
from ingest.poll import Poll
from ingest.subscriptions import Subscriptions
from tests.conftest import FixtureServer, counts, example_files, page, serve_ui
from tests.llm_server import LLMServer
from tests.test_feeds import BONDS, GRAIN, rss, rss_item
from ui import feeds_panel
from ui.library_page import REFRESH_SECONDS
from ui.render import count, highlight, inert, with_chips
from vectorstore.feed_store import Feed, FeedRun, FeedState, RunStatus
from vectorstore.library import Library

APP = str(Path(__file__).resolve().parent.parent / "ui" / "app.py")
PAGES = {"Chat": "views/chat.py", "Facts": "views/facts.py", "Library": "views/library.py"}  # from ui/app.py
DEMO = "why did small caps outperform on Feb 6?"
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


def goto(at: AppTest, page: str) -> AppTest:
    """Open one of the app's pages (Chat, Facts, Library), as a click in the sidebar's navigation does."""
    at.switch_page(PAGES[page]).run()
    assert not at.exception
    return at


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[ForwardMsg]:
    """Every message the app sends in a run, not only its elements: navigation, page config, timers."""
    messages: list[ForwardMsg] = []
    parse = local_script_runner.parse_tree_from_messages

    def recording(msgs: list[ForwardMsg]) -> object:
        """Keep the run's messages, then build AppTest's element tree as usual."""
        messages.extend(msgs)
        return parse(msgs)

    monkeypatch.setattr(local_script_runner, "parse_tree_from_messages", recording)
    return messages


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> dict[str, tuple[bytes, str, str | None]]:
    """The files download buttons offer, by media file id: content, MIME type and file name."""
    files: dict[str, tuple[bytes, str, str | None]] = {}
    load = MemoryMediaFileStorage.load_and_get_id

    def recording(
        self: MemoryMediaFileStorage,
        data: str | bytes,
        mimetype: str,
        kind: MediaFileKind,
        filename: str | None = None,
    ) -> str:
        """Store the file as usual and remember it."""
        file_id = load(self, data, mimetype, kind, filename)
        content = data if isinstance(data, bytes) else Path(data).read_bytes()  # a str is a path
        files[file_id] = (content, mimetype, filename)
        return file_id

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", recording)
    return files


def upload(at: AppTest, name: str, content: bytes) -> AppTest:
    """Upload one file on the library page and press Ingest."""
    goto(at, "Library")
    at.file_uploader[0].set_value((name, content, "text/plain")).run()
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
    chips = len(set(re.findall(r'cursor:help">(\d+)</span>', answer)))  # distinct sources cited
    assert 'title="&#91;1&#93; Why small caps ran away from Big Tech on Friday' in answer  # chip tooltip
    assert chips >= 1 and len(at.expander) >= chips
    assert any("<mark" in v and "3.5%" in v for v in values)  # the cited passage, highlighted
    assert all(
        b.proto.url.startswith("https://") and "#:~:text=" in b.proto.url for b in at.get("link_button")
    )


def test_facts_kind_filter_changes_the_tables(sample_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(sample_home, monkeypatch)
    goto(at, "Facts")
    assert not at.exception
    before = len(at.dataframe)
    assert before > 2
    at.multiselect(key="facts_kinds").set_value(["sector_move"]).run()
    assert len(at.dataframe) == 1
    tables = [s.value for s in at.subheader if s.value not in ("Charts", "Tables")]
    assert len(tables) == 1 and tables[0].startswith("sector move")
    at.text_input(key="facts_search").set_value("energy").run()
    rows = at.dataframe[0].value
    assert len(rows) >= 1
    assert all("energy" in (e + s).lower() for e, s in zip(rows.evidence, rows.subject, strict=True))


def chart_data(at: AppTest) -> list[pd.DataFrame]:
    """The data behind each Vega-Lite chart on the page."""
    charts = at.get("vega_lite_chart")
    return [convert_arrow_bytes_to_pandas_df(c.proto.datasets[0].data.data) for c in charts]


def test_charts_follow_the_filters(sample_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Unfiltered: Feb 6 moves, capex and a timeline; filtered by kind or subject, only what matches."""
    at = app(sample_home, monkeypatch)
    goto(at, "Facts")
    moves, capex, timeline = chart_data(at)
    assert at.selectbox(key="chart_day").value == date(2026, 2, 6)  # the busiest day is the default
    feb6 = dict(zip(moves.subject, moves.change_pct, strict=True))
    assert feb6["Russell 2000"] == 3.5 and feb6["Energy"] < 0 and {"index", "sector"} == set(moves["class"])
    assert {"Amazon", "Alphabet", "Meta Platforms"} <= set(capex.company)
    by_year = capex.groupby("year").company.apply(set)
    assert {"Amazon", "Big Four hyperscalers"} <= by_year["2026"] and "Alphabet" in by_year["2027"]
    assert at.selectbox(key="chart_index").value == "Russell 2000" and len(timeline) >= 1
    at.multiselect(key="facts_kinds").set_value(["sector_move"]).run()
    (moves,) = chart_data(at)  # no capex, no index timeline
    assert set(moves["class"]) == {"sector"} and "Russell 2000" not in set(moves.subject)
    at.multiselect(key="facts_kinds").set_value(["capex"]).run()
    at.text_input(key="facts_subject").set_value("Amazon").run()
    (capex,) = chart_data(at)
    assert set(capex.company) == {"Amazon"}


def test_upload_adds_an_article(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(tmp_path / "library", monkeypatch)
    source = example_files()[1]
    upload(at, source.name, source.read_bytes())
    assert any("Added" in s.value and source.name in s.value for s in at.success)
    assert len(at.dataframe[0].value) == 1  # the articles table
    library = Library.open(Settings(home=tmp_path / "library"))
    (added,) = library.catalog.summaries()
    assert "**Library** · 1 article" in [m.value for m in at.sidebar.markdown]  # redrawn after the ingest
    assert at.selectbox(key="article").value == added.id  # the new article is opened, with its facts
    facts = library.catalog.facts(article_id=added.id)
    assert facts and f"**{count(len(facts), 'fact')}**" in [m.value for m in at.markdown]
    assert len(at.dataframe[1].value) == len(facts)


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
    chip = with_chips("x [1]", {1: '[1] "Bad" <img src=x> title'})
    assert 'title="&#91;1&#93; &quot;Bad&quot; &lt;img src=x&gt; title"' in chip and "<img" not in chip


def test_newsdesk_ui_serves_the_app(tmp_path: Path) -> None:
    """`newsdesk ui` passes options through to `streamlit run` and serves the app on 127.0.0.1."""
    with serve_ui(tmp_path / "lib", timeout=60) as url:
        page = httpx.get(url, timeout=5)
        assert page.status_code == 200 and "streamlit" in page.text.lower()
    with pytest.raises(httpx.ConnectError):  # stopping newsdesk stopped the server: no orphan on the port
        httpx.get(url, timeout=5)


def test_pasted_urls_and_a_feed_are_ingested_with_a_line_each(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, http_server: FixtureServer
) -> None:
    """URLs from the text area go through the real fetch code; a dead one is an error naming it."""
    grain = http_server.add(
        "/news/grain.html", page(GRAIN, title="Frost lifts wheat", published="2026-03-03")
    )
    dead = http_server.url("/news/gone.html")
    at = app(tmp_path / "library", monkeypatch)
    goto(at, "Library")
    at.text_area[0].set_value(f"{grain}\n\n  {dead}\n").run()
    at.button(key="ingest_urls").click().run()
    assert not at.exception
    assert len(at.success) == 1 and "Frost lifts wheat" in at.success[0].value
    assert len(at.error) == 1 and "gone.html" in at.error[0].value and "404" in at.error[0].value
    bonds = http_server.add("/news/bonds.html", page(BONDS, title="Vantor prices a bond"))
    feed = rss([rss_item("Vantor prices a seven-year bond", bonds, "Wed, 04 Mar 2026 09:15:00 GMT")])
    feed_url = http_server.add("/feed.rss", feed, content_type="application/rss+xml")
    assert at.text_area[0].value == ""  # emptied after the ingest
    at.text_input[0].set_value(feed_url).run()
    at.button(key="ingest_feed").click().run()
    assert not at.exception and len(at.success) == 1 and "Vantor prices a bond" in at.success[0].value
    assert sorted(http_server.hits) == [
        "/feed.rss",
        "/news/bonds.html",
        "/news/gone.html",
        "/news/grain.html",
    ]
    assert sorted(at.dataframe[0].value.title) == ["Frost lifts wheat", "Vantor prices a bond"]
    assert counts(Library.open(Settings(home=tmp_path / "library")))[0] == 2


def test_delete_asks_first_then_removes_article_passages_facts_and_vectors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Delete needs a confirmation; Cancel keeps the article, Yes removes every trace of it."""
    home = tmp_path / "library"
    source = example_files()[0]
    at = upload(app(home, monkeypatch), source.name, source.read_bytes())
    library = Library.open(Settings(home=home))
    before = counts(library)
    assert before[0] == 1 and before[2] > 0 and library.catalog.facts()
    at.button(key="delete").click().run()
    assert at.warning and "cannot be undone" in at.warning[0].value
    at.button(key="delete_no").click().run()
    assert counts(library) == before and not at.warning
    at.button(key="delete").click().run()
    at.button(key="delete_yes").click().run()
    assert not at.exception
    assert counts(library) == (0, 0, 0) and library.catalog.facts() == []
    assert "The library is empty" in " ".join(i.value for i in at.info)


def _with_llm(monkeypatch: pytest.MonkeyPatch, server: LLMServer) -> None:
    """Point the app's settings at the scripted chat-completions server."""
    monkeypatch.setenv("NEWSDESK_LLM_BASE_URL", server.base_url)
    monkeypatch.setenv("NEWSDESK_LLM_MODEL", "fixture-model")
    monkeypatch.setenv("NEWSDESK_LLM_MAX_RETRIES", "0")


def test_chat_streams_an_llm_answer_and_verifies_it(
    sample_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With an LLM configured the answer is streamed from it, verified, and cited; the toggle turns it off."""
    with LLMServer() as server:
        _with_llm(monkeypatch, server)
        server.reply(
            "Small caps beat big tech as the Russell 2000 rose 3.5% on February 6 [1]. "
            "They had gained 12.7% that morning [1]."
        )
        at = app(sample_home, monkeypatch)
        assert "fixture-model" in " ".join(m.value for m in at.sidebar.markdown)
        assert at.toggle(key="use_llm").value is True
        at.chat_input[0].set_value("why did small caps outperform on Feb 6?").run()
        assert not at.exception
        assert server.requests[0].body.get("stream") is True and "[1]" in server.requests[0].prompt
        values = [m.value for m in at.markdown]
        answer = next(v for v in values if "3.5%" in v and "vertical-align:super" in v)
        assert "12.7%" not in answer  # the unsupported figure was removed by verification
        assert "**Sources** (llm)" in values
        assert any("Verification removed 1" in c.value for c in at.caption)
        at.toggle(key="use_llm").set_value(False).run()
        at.chat_input[0].set_value("why did small caps outperform on Feb 6?").run()
        assert len(server.requests) == 1 and "**Sources** (extractive)" in [m.value for m in at.markdown]


def test_chat_shows_an_llm_failure_as_one_line(sample_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A rejected API key is an error message in the chat, not a traceback."""
    with LLMServer() as server:
        _with_llm(monkeypatch, server)
        server.fail(401, "invalid api key")
        at = app(sample_home, monkeypatch)
        at.chat_input[0].set_value("why did small caps outperform on Feb 6?").run()
        assert not at.exception
        assert len(at.error) == 1 and "check your API key" in at.error[0].value


def test_suggested_question_is_answered_and_the_suggestions_go(
    sample_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Clicking a suggestion asks it; the buttons are gone from that very run; New chat brings them back."""
    at = app(sample_home, monkeypatch)
    suggestion = next(b for b in at.button if b.key == "suggest_0")
    question = suggestion.label
    suggestion.click().run()
    assert not at.exception
    assert not [b for b in at.button if (b.key or "").startswith("suggest_")]
    assert question in [t.value for t in at.text]
    assert "**Sources** (extractive)" in [m.value for m in at.markdown]
    at.sidebar.button(key="new_chat").click().run()
    assert [b for b in at.button if (b.key or "").startswith("suggest_")]


def _titles(sent: list[ForwardMsg]) -> list[str]:
    """The browser tab titles the app set, in order."""
    return [m.page_config_changed.title for m in sent if m.page_config_changed.title]


def test_pages_are_a_sidebar_navigation_with_their_own_urls(
    sample_home: Path, monkeypatch: pytest.MonkeyPatch, sent: list[ForwardMsg]
) -> None:
    """st.navigation: Chat (default), Facts and Library with their own URLs and tab titles; the conversation
    survives a visit to another page."""
    at = app(sample_home, monkeypatch)
    (nav,) = [m.navigation for m in sent if m.HasField("navigation")]
    pages = [(p.page_name, p.url_pathname, p.is_default) for p in nav.app_pages]
    assert pages == [("Chat", "", True), ("Facts", "facts", False), ("Library", "library", False)]  # "" is /
    assert _titles(sent)[-1] == "Chat · newsdesk" and at.title[0].value == "Ask the news desk"
    assert not at.radio  # no page radio any more
    at.chat_input[0].set_value(DEMO).run()
    for name in ("Facts", "Library"):
        sent.clear()
        goto(at, name)
        assert at.title[0].value == name and _titles(sent)[-1] == f"{name} · newsdesk"
        assert "**Library** · 10 articles" in [m.value for m in at.sidebar.markdown]  # the shared sidebar
    goto(at, "Chat")
    assert DEMO in [t.value for t in at.text] and "**Sources** (extractive)" in [m.value for m in at.markdown]


def test_export_button_saves_each_answer_as_markdown(
    sample_library: tuple[Settings, Library],
    monkeypatch: pytest.MonkeyPatch,
    downloads: dict[str, tuple[bytes, str, str | None]],
) -> None:
    """Under each answer an Export button offers answer_markdown of that answer, named after its question."""
    settings, library = sample_library
    at = app(settings.home, monkeypatch)
    assert not at.download_button  # nothing to export before an answer
    at.chat_input[0].set_value(DEMO).run()
    outside = "What did the ECB decide about interest rates in March?"
    at.chat_input[0].set_value(outside).run()
    assert not at.exception
    answerer = Answerer(library, settings, chat=None)
    for key, question, name in (
        ("export_1", DEMO, "why-did-small-caps-outperform-on-feb-6.md"),
        ("export_3", outside, "what-did-the-ecb-decide-about-interest-rates-in-march.md"),
    ):
        button = at.download_button(key=key)
        assert button.label == "Export" and button.proto.ignore_rerun  # a download, not a rerun
        content, mime, filename = downloads[Path(button.proto.url).stem]
        expected = answer_markdown(answerer.ask(question, 5, None, None, True))
        assert (content.decode("utf-8"), mime, filename) == (expected, "text/markdown", name)
    assert "#:~:text=" in downloads[Path(at.download_button(key="export_1").proto.url).stem][0].decode()


def test_library_panel_refreshes_itself_and_shows_other_processes_articles(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sent: list[ForwardMsg]
) -> None:
    """The article count, passages, last ingest and table are a fragment on a 30 s timer; an article that
    another process adds shows on the next run, without restarting the app."""
    home = tmp_path / "library"
    at = goto(app(home, monkeypatch), "Library")
    timers = [m.auto_rerun for m in sent if m.HasField("auto_rerun")]  # the feeds panel's and the articles'
    assert [t.interval for t in timers] == [feeds_panel.REFRESH_SECONDS, REFRESH_SECONDS]
    assert all(t.fragment_id for t in timers) and len({t.fragment_id for t in timers}) == 2
    assert "0 articles" in [s.value for s in at.subheader]
    assert any("nothing added yet" in c.value for c in at.caption)
    assert "The library is empty" in " ".join(i.value for i in at.info)
    settings = Settings(home=home)
    (added,) = Ingestor(settings, Library.open(settings)).run(example_files()[:1])  # as the CLI would
    at.run()
    assert not at.exception
    assert "1 article" in [s.value for s in at.subheader] and len(at.dataframe[0].value) == 1
    caption = next(c.value for c in at.caption if "last added" in c.value and "refreshes every" in c.value)
    assert caption.startswith(f"{count(added.passages, 'passage')} · last added ")
    sent.clear()
    goto(at, "Chat")
    assert not [m for m in sent if m.HasField("auto_rerun")]  # the timer belongs to the Library page


# --- the Library page's Feeds panel ------------------------------------------------------------------------


def _wire(server: FixtureServer) -> str:
    """A feed of two made-up stories whose pages the server serves too; its URL."""
    grain = server.add("/wire/grain.html", page(GRAIN, title="Frost lifts wheat", published="2026-03-03"))
    bonds = server.add("/wire/bonds.html", page(BONDS, title="Vantor prices a bond", published="2026-03-04"))
    items = [
        rss_item("Frost lifts wheat", grain, "Tue, 03 Mar 2026 07:00:00 GMT"),
        rss_item("Vantor prices a seven-year bond", bonds, "Wed, 04 Mar 2026 09:15:00 GMT"),
    ]
    return server.add("/wire.rss", rss(items), content_type="application/rss+xml")


def _table(at: AppTest, column: str) -> pd.DataFrame:
    """The table with this column (st.dataframe's key does not reach AppTest without selections)."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def _feeds(at: AppTest) -> list[dict[str, object]]:
    """The rows of the feeds table."""
    return list(_table(at, "next run (UTC)").to_dict("records"))


def _subscribe(at: AppTest, url: str, every: str = "15m", name: str = "") -> AppTest:
    """Fill in the subscribe form and press Subscribe."""
    (url_box,) = [t for t in at.text_input if (t.key or "").startswith("feed_url_")]
    (every_box,) = [t for t in at.text_input if (t.key or "").startswith("feed_every_")]
    (name_box,) = [t for t in at.text_input if (t.key or "").startswith("feed_name_")]
    url_box.set_value(url)
    every_box.set_value(every)
    name_box.set_value(name)
    at.button(key="feed_subscribe").click().run()
    assert not at.exception
    return at


def test_feeds_panel_subscribes_runs_a_feed_now_and_pauses_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, http_server: FixtureServer
) -> None:
    """Subscribe from the form; the table lists the feed; Run now ingests its entries, says how many, and
    the articles table and the sidebar count them in the same click; Pause shows "paused"."""
    home = tmp_path / "library"
    feed_url = _wire(http_server)
    at = goto(app(home, monkeypatch), "Library")
    assert "Feeds" in [s.value for s in at.subheader]
    assert "No feeds yet" in " ".join(i.value for i in at.info)
    _subscribe(at, feed_url, "15m", "wire")
    assert [s.value for s in at.success] == [
        inert(
            f"Subscribed wire ({feed_url}), every 15m: Run now polls it at once, `newsdesk watch` keeps "
            "it fresh"
        )
    ]
    (row,) = _feeds(at)
    assert (row["name"], row["URL"], row["every"], row["last run (UTC)"]) == (
        "wire",
        feed_url,
        "15m",
        "never",
    )
    assert row["status"] == "-" and pd.isna(row["new"]) and row["next run (UTC)"] == "due now"
    assert http_server.hits == []  # subscribing fetches nothing
    assert at.selectbox(key="feed_pick").value == "wire" and "0 articles" in [s.value for s in at.subheader]
    at.button(key="feed_run").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == [inert("Polled wire: 2 new, 0 already in the library, 0 failed")]
    assert sorted(_table(at, "passages").title) == ["Frost lifts wheat", "Vantor prices a bond"]
    assert "2 articles" in [s.value for s in at.subheader]
    assert "**Library** · 2 articles" in [m.value for m in at.sidebar.markdown]
    (row,) = _feeds(at)
    assert (row["status"], row["new"], row["duplicate"], row["failed"]) == ("ok", 2, 0, 0)
    assert row["last run (UTC)"] != "never" and row["next run (UTC)"] not in ("due now", "paused")
    at.button(key="feed_pause").click().run()
    assert not at.exception
    assert _feeds(at)[0]["next run (UTC)"] == "paused" and at.button(key="feed_resume").label == "Resume"
    settings = Settings(home=home)
    assert Subscriptions(settings, Library.open(settings)).statuses()[0].feed.paused
    at.button(key="feed_resume").click().run()
    assert _feeds(at)[0]["next run (UTC)"] == "due now" and at.button(key="feed_pause").label == "Pause"


def test_feeds_panel_refuses_bad_input_in_one_line_and_removal_keeps_the_articles(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, http_server: FixtureServer
) -> None:
    """A bad interval or name is one escaped st.error and adds nothing (the fields keep what was typed); a
    run recorded by another process shows on the panel's next run; Remove needs its box ticked, then
    unsubscribes and leaves the feed's articles in the library."""
    home = tmp_path / "library"
    feed_url = _wire(http_server)
    at = goto(app(home, monkeypatch), "Library")
    _subscribe(at, feed_url, "7x")
    assert len(at.error) == 1 and "is not an interval" in at.error[0].value and not at.success
    assert [t.value for t in at.text_input if (t.key or "").startswith("feed_every_")] == ["7x"]
    _subscribe(at, feed_url, "15m", "<b>wire</b>")
    assert (
        len(at.error) == 1
        and "&lt;b&gt;wire&lt;/b&gt;" in at.error[0].value
        and "<b>" not in at.error[0].value
    )
    settings = Settings(home=home)
    subs = Subscriptions(settings, Library.open(settings))
    assert subs.statuses() == [] and not [d for d in at.dataframe if "next run (UTC)" in d.value.columns]
    subs.add(feed_url, "1h", "wire")  # as `newsdesk feeds add` and `feeds run` would, in another process
    (poll,) = subs.run_now("wire")
    subs.close()
    assert poll.run.new == 2
    at.run()
    assert not at.exception
    (row,) = _feeds(at)
    assert (row["name"], row["every"], row["status"], row["new"]) == ("wire", "1h", "ok", 2)
    assert "2 articles" in [s.value for s in at.subheader]
    assert at.button(key="feed_remove").disabled  # not before the box is ticked
    next(c for c in at.checkbox if c.label == "Yes, unsubscribe wire").check().run()
    at.button(key="feed_remove").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == [
        inert("Unsubscribed wire; the articles it brought stay in the library")
    ]
    assert subs.statuses() == [] and "No feeds yet" in " ".join(i.value for i in at.info)
    assert "2 articles" in [s.value for s in at.subheader]
    assert Library.open(settings).catalog.article_count() == 2


def test_feed_next_run_and_poll_notes() -> None:
    """Next run: paused, due now or a UTC time; a poll is one line: counts, not modified, or why it failed."""
    now = datetime(2026, 3, 4, 12, 0, 0)
    feed = Feed(id=1, name="wire", url="http://127.0.0.1/wire.rss", interval_seconds=900, created_at=now)
    later = feed.model_copy(update={"next_run_at": now + timedelta(minutes=15)})
    assert feeds_panel.next_run(feed, now) == "due now"
    assert feeds_panel.next_run(later, now) == "2026-03-04 12:15:00"
    assert feeds_panel.next_run(later.model_copy(update={"paused": True}), now) == "paused"

    def poll(status: RunStatus, message: str = "", failed: int = 0) -> Poll:
        """A finished poll of the feed."""
        run = FeedRun(
            feed_id=1, started=now, finished=now, status=status, new=1, failed=failed, message=message
        )
        return Poll(feed, run, FeedState(next_run_at=now + timedelta(minutes=30)))

    assert feeds_panel.poll_note(poll("ok")) == (
        "success",
        "Polled wire: 1 new, 0 already in the library, 0 failed",
    )
    assert feeds_panel.poll_note(poll("ok", "x: 404", 1))[0] == "warning"
    assert feeds_panel.poll_note(poll("not-modified"))[0] == "info"
    kind, line = feeds_panel.poll_note(poll("failed", "HTTP 500"))
    assert kind == "error" and line == "Polling wire failed: HTTP 500 (`newsdesk watch` tries again in 30m)"


def test_run_now_from_the_app_keeps_to_the_fetch_policy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, http_server: FixtureServer
) -> None:
    """Without the opt-in the app's Run now refuses a loopback feed like any fetch: one error line naming
    NEWSDESK_ALLOW_PRIVATE_URLS, a failed run in the table, nothing requested, nothing added."""
    monkeypatch.setenv("NEWSDESK_ALLOW_PRIVATE_URLS", "0")
    feed_url = _wire(http_server)
    at = goto(app(tmp_path / "library", monkeypatch), "Library")
    _subscribe(at, feed_url, "15m", "wire")
    at.button(key="feed_run").click().run()
    assert not at.exception
    assert len(at.error) == 1 and "Polling wire failed" in at.error[0].value
    assert "NEWSDESK&#95;ALLOW&#95;PRIVATE&#95;URLS" in at.error[0].value  # escaped like every message
    (row,) = _feeds(at)
    assert (row["status"], row["new"]) == ("failed", 0) and http_server.hits == []
    assert "0 articles" in [s.value for s in at.subheader]
