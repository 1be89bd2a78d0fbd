"""Answering on the sample library: extractive and LLM answers verified, abstentions, ask, eval qa."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote

import pytest
from typer.testing import CliRunner

from assistant.answer import Answerer
from assistant.cli import app
from assistant.llm import LLMError, OpenAICompatibleChat
from assistant.settings import Settings
from ingest.pipeline import Ingestor
from vectorstore.library import Library

from .conftest import SHARED, example_files, needs_shared, postgres_database
from .llm_server import LLMServer

DEMO = "why did small caps outperform on Feb 6?"
runner = CliRunner()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def sample(
    request: pytest.FixtureRequest,
    sample_library: tuple[Settings, Library],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Settings, Library]]:
    """The sample library: the shared one on SQLite, and the same articles on a PostgreSQL catalog."""
    if request.param == "sqlite":
        yield sample_library
        return
    with postgres_database() as url:
        settings = Settings(home=tmp_path_factory.mktemp("sample-pg") / "library", catalog_url=url)
        library = Library.open(settings)
        outcomes = Ingestor(settings, library).run(example_files())
        assert all(o.status == "added" for o in outcomes), [o.message for o in outcomes]
        yield settings, library


@pytest.fixture()
def llm_server() -> Iterator[LLMServer]:
    """A scripted chat-completions server on 127.0.0.1."""
    with LLMServer() as server:
        yield server


def _llm_answerer(sample: tuple[Settings, Library], server: LLMServer) -> Answerer:
    """An answerer whose LLM is the fixture server."""
    settings, library = sample
    llm_settings = settings.model_copy(
        update={"llm_base_url": server.base_url, "llm_model": "t", "llm_max_retries": 1}
    )
    return Answerer(
        library, llm_settings, OpenAICompatibleChat.from_settings(llm_settings, retry_base_delay=0.01)
    )


def test_extractive_answer_cites_the_feb6_rally(sample: tuple[Settings, Library]) -> None:
    """Offline: what happened (3.5%) then why (rotation), every sentence cited, citations resolvable."""
    settings, library = sample
    answer = Answerer(library, settings, chat=None).ask(DEMO, extractive=True)
    assert not answer.abstained and answer.mode == "extractive"
    assert "3.5%" in answer.text
    assert re.search(r"rotat|AI|mega", answer.text)
    markers = {int(n) for n in re.findall(r"\[(\d+)\]", answer.text)}
    assert markers and markers == {c.n for c in answer.citations}
    for citation in answer.citations:
        article = library.catalog.get(citation.article.id)
        assert article.text[citation.passage.span.start : citation.passage.span.end] == citation.passage.text
        assert citation.url and "#:~:text=" in citation.url
        start = unquote(citation.url.split("#:~:text=", 1)[1].split(",")[0])
        assert start in answer.text, "the link opens the page at the cited sentence"
    for sentence in answer.sentences:
        assert sentence.supported and sentence.citations
        quoted = re.sub(r"\s*\[\d+\]", "", sentence.text).strip()
        assert any(quoted in c.passage.text for c in answer.citations if c.n in sentence.citations)
    again = Answerer(library, settings, chat=None).ask(DEMO, extractive=True)
    assert again.text == answer.text, "extractive answers are deterministic"


def test_questions_outside_the_library_are_declined(sample: tuple[Settings, Library]) -> None:
    """No guessing: the answer says the library does not cover it and names the closest articles."""
    settings, library = sample
    answer = Answerer(library, settings, chat=None).ask(
        "What did the ECB decide about interest rates in March?"
    )
    assert answer.abstained and "does not cover" in answer.text and not answer.citations


def test_llm_answer_streams_and_is_verified(sample: tuple[Settings, Library], llm_server: LLMServer) -> None:
    """Tokens stream in order; a sentence citing a missing passage or an unsupported figure is removed."""
    answerer = _llm_answerer(sample, llm_server)
    retrieval = answerer.retriever.retrieve(DEMO, 5)
    good_figure = "3.5%"
    assert good_figure in retrieval.hits[0].passage.text
    reply = (
        f"The Russell 2000 rose {good_figure} on February 6 [1]. "
        "Small caps also gained 9.9% the week before [1]. "
        "Analysts pointed to a rotation out of AI-heavy mega caps [9]."
    )
    llm_server.reply(reply)
    tokens: list[str] = []
    answer = answerer.ask(DEMO, on_token=tokens.append)
    assert "".join(tokens).strip() == reply
    assert answer.mode == "llm" and not answer.abstained
    assert good_figure in answer.text and "9.9%" not in answer.text and "[9]" not in answer.text
    failed = [s for s in answer.sentences if not s.supported]
    assert len(failed) == 2 and len(answer.notes) == 2
    assert [c.n for c in answer.citations] == [1]
    assert llm_server.requests[0].body.get("stream") is True
    assert "[1]" in llm_server.requests[0].prompt and "Passages" in llm_server.requests[0].prompt


def test_llm_answer_with_nothing_verifiable_abstains(
    sample: tuple[Settings, Library], llm_server: LLMServer
) -> None:
    """If every sentence fails verification, the user gets an abstention, not invented numbers."""
    llm_server.reply("Small caps rose 7.7% on the day [1]. The Dow fell 4.4% [2].")
    answer = _llm_answerer(sample, llm_server).ask(DEMO)
    assert answer.abstained and "7.7%" not in answer.text and "4.4%" not in answer.text


def test_llm_auth_failure_is_a_clear_error(sample: tuple[Settings, Library], llm_server: LLMServer) -> None:
    """A 401 tells the analyst to check the API key."""
    llm_server.fail(401, "invalid api key")
    with pytest.raises(LLMError, match="check your API key"):
        _llm_answerer(sample, llm_server).ask(DEMO)


def test_ask_cli_text_and_json(sample: tuple[Settings, Library]) -> None:
    """`newsdesk ask` prints the answer and its sources; --json prints the Answer model."""
    settings, _library = sample
    env = {"NEWSDESK_CATALOG_URL": settings.catalog_url} if settings.catalog_url else {}
    ask = ["--home", str(settings.home), "ask", DEMO, "--extractive"]
    out = runner.invoke(app, ask, env=env)
    assert out.exit_code == 0, out.output
    assert "3.5%" in out.output and "Sources" in out.output and "#:~:text=" in out.output
    data = json.loads(
        runner.invoke(
            app, ["--home", str(settings.home), "ask", DEMO, "--extractive", "--json"], env=env
        ).output
    )
    assert data["abstained"] is False and data["citations"] and data["citations"][0]["passage"]["span"]


@needs_shared
def test_eval_qa_meets_the_extractive_targets(tmp_path: Path) -> None:
    """`newsdesk eval qa` on the seeds: recall@5 >= 0.9, citation precision >= 0.84, answers >= 0.8, 2/2."""
    out = runner.invoke(
        app, ["--home", str(tmp_path / "x"), "eval", "qa", str(SHARED / "eval" / "seed_qa.jsonl")]
    )
    assert out.exit_code == 0, out.output
    figures = dict(
        re.findall(r"^(retrieval recall@5|citation precision|answer recall)\s+([\d.]+)", out.output, re.M)
    )
    assert float(figures["retrieval recall@5"]) >= 0.9, out.output
    assert float(figures["citation precision"]) >= 0.84, out.output
    assert float(figures["answer recall"]) >= 0.8, out.output
    assert re.search(r"^abstention\s+2/2", out.output, re.M), out.output


def test_empty_cited_sentences_do_not_count(sample: tuple[Settings, Library], llm_server: LLMServer) -> None:
    """A small model's "The answer is: [1]" is cited but says nothing: the user gets an abstention."""
    llm_server.reply("The analyst's answer is:\n[1]")
    answer = _llm_answerer(sample, llm_server).ask(DEMO)
    assert answer.abstained
    assert any("states nothing" in note for note in answer.notes)


def test_llm_near_miss_becomes_an_abstention(sample: tuple[Settings, Library], llm_server: LLMServer) -> None:
    """A model that answers a near miss anyway with a cited, verifiable sentence about something else
    (the company's spending, asked for its dividend) is overruled: the user hears what no article gives."""
    question = "What dividend did Microsoft propose?"
    answerer = _llm_answerer(sample, llm_server)
    passage = answerer.retriever.retrieve(answerer.retriever.read(question), 5).hits[0].passage.text
    assert "Microsoft" in passage and "dividend" not in passage.casefold()
    sentence = next(s for s in re.split(r"(?<=\.)\s+", passage) if re.search(r"\d", s) and "Microsoft" in s)
    llm_server.reply(f"{sentence.rstrip('.')} [1].")
    answer = answerer.ask(question)
    assert answer.mode == "llm" and answer.abstained
    assert "Microsoft" in answer.text and "dividend" in answer.text
    assert answer.frame["focus"]["name"] == "dividend"
    assert "How the question was read" in llm_server.requests[0].prompt
