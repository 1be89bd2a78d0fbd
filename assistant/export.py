"""Answers as Markdown documents: the question, the answer with its [n] markers, its sources with links.

One renderer for `newsdesk ask --format markdown` and the app's Export button. Article text (titles, sources,
quoted sentences, extractive answer sentences) is made inert: control characters dropped and Markdown or
HTML syntax backslash-escaped, so a hostile title cannot turn into a link, an image or markup in a viewer.
"""

from __future__ import annotations

import re

from assistant.models import Answer, ArticleSummary, Citation
from assistant.text import printable, printable_line

_SYNTAX = re.compile(r"([\\`*_\[\]<>#|~])")
_MARKER = re.compile(r"\\\[(\d+)\\\]")
_SAFE_URL = re.compile(r"https?://[^\s<>]+", re.IGNORECASE)
_QUOTE_CHARS = 400  # a passage quoted for want of a cited sentence is cut to this length


def _inert(text: str) -> str:
    """One line of text with Markdown and HTML syntax escaped."""
    return _SYNTAX.sub(r"\\\1", printable_line(text).strip())


def _link(url: str | None) -> str:
    """The URL as an autolink when it is a plain http(s) URL, else 'no link'."""
    return f"<{url}>" if url and _SAFE_URL.fullmatch(url) else "no link"


def _meta(summary: ArticleSummary) -> str:
    """**Title** — source, date (escaped)."""
    meta = summary.meta
    when = meta.published.isoformat() if meta.published else "no date"
    return f"**{_inert(meta.title or '(untitled)')}** — {_inert(meta.source or 'unknown source')}, {when}"


def quoted(c: Citation) -> str:
    """The passage sentence a citation rests on, or its passage (cut short) when it names none."""
    at = c.passage.span.start
    if c.sentence is not None:
        return c.passage.text[c.sentence.start - at : c.sentence.end - at]
    text = c.passage.text.strip()
    return text if len(text) <= _QUOTE_CHARS else text[:_QUOTE_CHARS].rsplit(" ", 1)[0] + " …"


def _source(c: Citation) -> list[str]:
    """One numbered source: title — source, date, link; then the cited sentence as a quote."""
    indent = " " * len(f"{c.n}. ")
    return [f"{c.n}. {_meta(c.article)}, {_link(c.url)}", "", f"{indent}> {_inert(quoted(c))}", ""]


def _answer_text(text: str) -> str:
    """The answer text escaped, its [n] markers kept, one paragraph per line."""
    lines = [_MARKER.sub(r"[\1]", _inert(line)) for line in printable(text).splitlines()]
    return "\n\n".join(line for line in lines if line)


def _closest(answer: Answer) -> list[str]:
    """The closest articles of an abstention, one bullet each."""
    if not answer.closest:
        return []
    rows = [f"- {_meta(s)}, {_link(s.meta.url)}" for s in answer.closest]
    return ["## Closest articles in the library", "", *rows, ""]


def _footer(answer: Answer) -> str:
    """How the answer was made, and what verification removed."""
    how = "an LLM" if answer.mode == "llm" else "the articles' own sentences (extractive)"
    removed = f"; verification removed {len(answer.notes)} unsupported sentence(s)" if answer.notes else ""
    return f"_Answered by newsdesk from {how}{removed}._"


def answer_markdown(answer: Answer) -> str:
    """The answer as Markdown: the question as a heading, the text with [n], then Sources (or closest)."""
    lines = [f"# {_inert(answer.question) or 'Question'}", "", _answer_text(answer.text), ""]
    if answer.abstained:
        note = [f"_Why: {_inert(answer.notes[0])}._", ""] if answer.notes else []
        return "\n".join([*lines, *note, *_closest(answer)]).rstrip() + "\n"
    lines += ["## Sources", ""]
    for c in answer.citations:
        lines += _source(c)
    return "\n".join([*lines, _footer(answer)]) + "\n"


def markdown_file_name(question: str, limit: int = 60) -> str:
    """A file name for an exported answer: the question's words joined by hyphens, then .md."""
    words = re.findall(r"[^\W_]+", question.casefold())
    stem = "-".join(words)[:limit].rstrip("-")
    return f"{stem or 'answer'}.md"
