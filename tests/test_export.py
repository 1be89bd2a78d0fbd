"""Answers as Markdown (assistant/export.py): what `ask --format markdown` prints and the app's Export saves.

The app's Export button is tested in tests/test_ui.py."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
from typer.testing import CliRunner

from assistant.answer import Answerer
from assistant.cli import app
from assistant.export import answer_markdown, markdown_file_name, quoted
from assistant.models import Answer, ArticleMeta, ArticleSummary, Citation, Passage, Span
from assistant.settings import Settings
from vectorstore.library import Library

runner = CliRunner()
DEMO = "why did small caps outperform on Feb 6?"
OUTSIDE = "What did the ECB decide about interest rates in March?"


@pytest.fixture(scope="module")
def library(sample_library: tuple[Settings, Library]) -> Library:
    """The shared sample library (read only here)."""
    return sample_library[1]


@pytest.fixture(scope="module")
def demo_answer(sample_library: tuple[Settings, Library]) -> Answer:
    """The extractive answer to the demo question, with its citations."""
    settings, library = sample_library
    answer = Answerer(library, settings, chat=None).ask(DEMO, extractive=True)
    assert not answer.abstained and answer.citations
    return answer


def test_answer_is_the_question_the_marked_text_and_one_source_per_citation(
    demo_answer: Answer, library: Library
) -> None:
    md = answer_markdown(demo_answer)
    lines = md.splitlines()
    assert lines[0] == f"# {DEMO}" and lines[1] == ""
    body, sources = md.split("\n## Sources\n")
    assert "3.5%" in body
    assert sorted(set(re.findall(r"\[(\d+)\]", body)), key=int) == [str(c.n) for c in demo_answer.citations]
    items = [line for line in sources.splitlines() if re.match(r"\d+\. ", line)]
    assert len(items) == len(demo_answer.citations)
    for c, item in zip(demo_answer.citations, items, strict=True):
        meta = c.article.meta
        assert item == f"{c.n}. **{meta.title}** — {meta.source}, {meta.published}, <{c.url}>"
        assert c.url and "#:~:text=" in c.url
        assert c.sentence is not None  # the extractive answer quotes its sentences
        assert quoted(c) == c.sentence.of(library.catalog.get(c.article.id).text)  # the span invariant
        assert f"   > {quoted(c)}" in sources
    assert lines[-1].startswith("_Answered by newsdesk from the articles' own sentences (extractive)")


def test_abstention_says_so_and_lists_the_closest_articles(sample_library: tuple[Settings, Library]) -> None:
    settings, library = sample_library
    answer = Answerer(library, settings, chat=None).ask(OUTSIDE, extractive=True)
    assert answer.abstained and answer.closest
    md = answer_markdown(answer)
    assert md.startswith(f"# {OUTSIDE}\n\nThe library does not cover this question.\n")
    assert "## Sources" not in md and "## Closest articles in the library" in md
    assert f"_Why: {answer.notes[0]}._" in md
    bullets = [line for line in md.splitlines() if line.startswith("- ")]
    assert len(bullets) == len(answer.closest)
    for s, bullet in zip(answer.closest, bullets, strict=True):
        assert bullet.startswith(f"- **{s.meta.title}** — {s.meta.source}, {s.meta.published}, ")
        assert bullet.endswith(f"<{s.meta.url}>" if s.meta.url else "no link")


def _hostile_answer() -> Answer:
    """An answer whose article metadata and text carry markup, control characters and a script link."""
    text = "Shares of <b>Acme</b> rose 5% after a [deal](javascript:alert(1)) **today**.\x1b[31m Done."
    passage = Passage(id="a:0000", article_id="a", ordinal=0, span=Span(start=0, end=len(text)), text=text)
    meta = ArticleMeta(
        title="# Big <script>alert(1)</script> ![x](http://evil.example/x.png)",
        source="Wire | *desk*",
        published=date(2026, 2, 6),
        url="javascript:alert(1)",
    )
    article = ArticleSummary(id="a", meta=meta, ingested_at=datetime(2026, 2, 6, 12), passages=1)
    citation = Citation(n=1, passage=passage, article=article, url="javascript:alert(1)#:~:text=Shares")
    return Answer(question="Why did <i>Acme</i> rise?", text=f"{text} [1]", citations=(citation,))


def test_article_markup_and_control_characters_are_inert() -> None:
    md = answer_markdown(_hostile_answer())
    assert md.startswith(r"# Why did \<i\>Acme\</i\> rise?")
    assert r"\<b\>Acme\</b\> rose 5% after a \[deal\](javascript:alert(1)) \*\*today\*\*." in md
    assert md.count("[1]") == 1 and "\x1b" not in md  # our marker kept, the escape sequence gone
    item = next(line for line in md.splitlines() if line.startswith("1. "))
    assert item == (
        r"1. **\# Big \<script\>alert(1)\</script\> !\[x\](http://evil.example/x.png)** — "
        r"Wire \| \*desk\*, 2026-02-06, no link"
    )
    assert "<" not in md.replace("\\<", "") and md.replace("\\[", "").count("[") == 1  # only our marker


def test_file_name_comes_from_the_question() -> None:
    assert markdown_file_name(DEMO) == "why-did-small-caps-outperform-on-feb-6.md"
    assert markdown_file_name("What's Amazon's 2026 capex — $200bn?") == "what-s-amazon-s-2026-capex-200bn.md"
    assert markdown_file_name("../../etc/passwd") == "etc-passwd.md"
    assert markdown_file_name("???") == "answer.md"
    assert len(markdown_file_name("word " * 40)) <= 63


def _ask(settings: Settings, *args: str) -> tuple[int, str]:
    """`newsdesk ask` on the sample library: exit code and output."""
    result = runner.invoke(app, ["--home", str(settings.home), "ask", *args])
    return result.exit_code, result.output


def test_ask_format_markdown_prints_the_same_document(
    sample_library: tuple[Settings, Library], demo_answer: Answer
) -> None:
    """`ask --format markdown` prints answer_markdown of the answer, nothing else (ready for `> file.md`)."""
    settings, _library = sample_library
    code, out = _ask(settings, DEMO, "--extractive", "--format", "markdown")
    assert code == 0, out
    assert out == answer_markdown(demo_answer)
    code, out = _ask(settings, OUTSIDE, "--extractive", "--format", "markdown")
    assert code == 0 and out.startswith(f"# {OUTSIDE}\n") and "## Closest articles in the library" in out


def test_ask_json_is_an_alias_of_format_json_and_bad_formats_are_refused(
    sample_library: tuple[Settings, Library],
) -> None:
    settings, _library = sample_library
    as_json = _ask(settings, DEMO, "--extractive", "--json")
    assert as_json[0] == 0 and as_json == _ask(settings, DEMO, "--extractive", "--format", "json")
    code, out = _ask(settings, DEMO, "--extractive", "--format", "html")
    assert code == 2 and "use text, json or markdown" in out
    code, out = _ask(settings, DEMO, "--extractive", "--json", "--format", "markdown")
    assert code == 2 and "--json means --format json, not markdown: give one" in " ".join(
        out.replace("│", " ").split()  # the error box wraps long lines
    )
