"""Chunking: every passage is an exact half-open span of the article text, sized by sentences."""

from __future__ import annotations

import itertools
import re
from datetime import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.models import Article, ArticleMeta, Passage
from ingest.chunk import chunk_spans
from ingest.clean import clean_text

from .conftest import SHARED, needs_shared

WORDS = st.sampled_from(
    [
        "stocks",
        "rose",
        "3.5%",
        "Russell",
        "2000",
        "U.S.",
        "Dr.",
        "fell",
        "the",
        "S&P",
        "500",
        "—",
        "«quoted»",
        "$650",
        "billion",
        "Inc.",
        "e.g.",
        "...",
        "?",
        "!",
        "naïve",
        "日本",
        "''",
        "(NASDAQ:",
        "MSFT)",
    ]
)
SEPARATORS = st.sampled_from([" ", " ", " ", ". ", "! ", "? ", "\n", "\n\n", "\t", "  ", "\u00a0", "\r\n"])


@st.composite
def texts(draw: st.DrawFn) -> str:
    """Random article-like texts: words, punctuation, odd whitespace and paragraph breaks."""
    n = draw(st.integers(min_value=0, max_value=700))
    parts = []
    for _ in range(n):
        parts.append(draw(WORDS))
        parts.append(draw(SEPARATORS))
    return "".join(parts)


def _check_invariants(text: str, min_words: int, max_words: int, overlap: int) -> None:
    """Assert the span invariants of chunk_spans on text."""
    spans = chunk_spans(text, min_words, max_words, overlap)
    article = Article.create(text, ArticleMeta(), ingested_at=datetime(2026, 1, 1))
    previous_start = -1
    for n, span in enumerate(spans):
        passage = Passage.of(article, n, span)
        assert article.text[passage.span.start : passage.span.end] == passage.text
        assert 0 <= span.start < span.end <= len(text)
        assert passage.text == passage.text.strip(), "passages start and end on non-space characters"
        assert span.start > previous_start, "passages advance"
        assert len(passage.text.split()) <= max_words
        previous_start = span.start
    covered = [False] * len(text)
    for span in spans:
        for i in range(span.start, span.end):
            covered[i] = True
    missing = [i for i, ch in enumerate(text) if not ch.isspace() and not covered[i]]
    assert not missing, f"characters outside every passage: {missing[:5]}"


@settings(max_examples=150, deadline=None)
@given(texts(), st.integers(min_value=5, max_value=120), st.integers(min_value=0, max_value=60))
def test_spans_are_exact_and_cover_the_text(raw: str, min_words: int, overlap: int) -> None:
    """Property: on any cleaned text, passages are exact, ordered, bounded spans covering all words."""
    max_words = min_words * 2 + 10
    _check_invariants(clean_text(raw), min_words, max_words, overlap)


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=0, max_size=3000))
def test_spans_hold_on_arbitrary_unicode(raw: str) -> None:
    """Property: even arbitrary unicode (cleaned) never breaks the span invariant."""
    _check_invariants(clean_text(raw), 80, 250, 40)


def test_passages_respect_sentence_ends_and_sizes() -> None:
    """Passages of a long article end on sentence ends, stay within 250 words and mostly reach 80."""
    sentences = [f"Sentence number {i} says the index moved {i / 10:.1f}% on the day." for i in range(300)]
    paragraphs = ["  ".join(sentences[i : i + 7]) for i in range(0, 300, 7)]
    text = clean_text("\n\n".join(paragraphs))
    spans = chunk_spans(text)
    sizes = [len(s.of(text).split()) for s in spans]
    assert all(size <= 250 for size in sizes)
    assert sum(size >= 80 for size in sizes) >= len(sizes) - 1
    assert all(s.of(text).endswith(".") for s in spans)
    assert all(re.match(r"Sentence number \d+", s.of(text)) for s in spans)
    overlaps = [a.end - b.start for a, b in itertools.pairwise(spans) if a.end > b.start]
    assert overlaps, "consecutive passages share a small overlap"
    assert all(o < 400 for o in overlaps)


def test_overlong_sentence_is_split_at_word_boundaries() -> None:
    """A sentence longer than the maximum is cut into word-aligned pieces."""
    text = " ".join(f"word{i}" for i in range(1000))
    spans = chunk_spans(text, 80, 250, 0)
    assert len(spans) == 4
    assert all(len(s.of(text).split()) <= 250 for s in spans)
    assert " ".join(s.of(text) for s in spans) == text


@needs_shared
def test_seed_articles_chunk_within_bounds() -> None:
    """The seed articles chunk into 80-250 word passages (a short tail aside)."""
    for path in sorted((SHARED / "seeds").glob("*.txt")):
        text = clean_text(path.read_text(encoding="utf-8"))
        spans = chunk_spans(text)
        sizes = [len(s.of(text).split()) for s in spans]
        assert len(spans) >= 3, path.name
        assert max(sizes) <= 250, path.name
        assert sum(size < 80 for size in sizes) <= 1, (path.name, sizes)
