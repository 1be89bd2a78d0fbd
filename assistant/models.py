"""Typed, frozen core models: spans, articles, passages, search hits and ingest outcomes."""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

_WS = re.compile(r"\s+")


class Frozen(BaseModel):
    """Base for immutable models."""

    model_config = ConfigDict(frozen=True)


class Span(Frozen):
    """Half-open character range [start, end) into an article's text."""

    start: int
    end: int

    @model_validator(mode="after")
    def _ordered(self) -> Span:
        """Reject negative or reversed ranges."""
        if self.start < 0 or self.end < self.start:
            raise ValueError(f"invalid span [{self.start}, {self.end})")
        return self

    def of(self, text: str) -> str:
        """Return the slice of text this span covers."""
        return text[self.start : self.end]

    def overlaps(self, other: Span) -> bool:
        """True when the two half-open ranges share at least one character."""
        return self.start < other.end and other.start < self.end


class ArticleMeta(Frozen):
    """Metadata of an article; every field optional so sources can fill gaps for one another."""

    url: str | None = None
    title: str | None = None
    source: str | None = None
    author: str | None = None
    published: date | None = None

    def filled_from(self, other: ArticleMeta) -> ArticleMeta:
        """Return a copy where fields missing here are taken from other."""
        mine = self.model_dump()
        theirs = other.model_dump()
        return ArticleMeta(**{k: mine[k] if mine[k] not in (None, "") else theirs[k] for k in mine})

    def overridden_by(self, other: ArticleMeta) -> ArticleMeta:
        """Return a copy where fields set in other replace these."""
        return other.filled_from(self)


def normalise_for_hash(text: str) -> str:
    """Collapse whitespace and case so trivially reformatted copies hash alike."""
    return _WS.sub(" ", text).strip().casefold()


def content_hash(text: str) -> str:
    """Full sha256 hex digest of the normalised text."""
    return hashlib.sha256(normalise_for_hash(text).encode("utf-8")).hexdigest()


def article_id_for(text: str) -> str:
    """Article id: the first 16 hex digits of the content hash."""
    return content_hash(text)[:16]


class Article(Frozen):
    """A stored article: cleaned main text plus metadata; id is derived from the text."""

    id: str
    text: str
    content_hash: str
    meta: ArticleMeta
    ingested_at: datetime

    @classmethod
    def create(cls, text: str, meta: ArticleMeta, ingested_at: datetime) -> Article:
        """Build an article whose id and hash derive from its text."""
        digest = content_hash(text)
        return cls(id=digest[:16], text=text, content_hash=digest, meta=meta, ingested_at=ingested_at)

    @property
    def title(self) -> str:
        """Title, or a placeholder for display."""
        return self.meta.title or "(untitled)"


class Passage(Frozen):
    """A chunk of an article; invariant: article.text[span.start:span.end] == text."""

    id: str
    article_id: str
    ordinal: int
    span: Span
    text: str

    @classmethod
    def of(cls, article: Article, ordinal: int, span: Span) -> Passage:
        """Cut passage number ordinal of article at span."""
        return cls(
            id=f"{article.id}:{ordinal:04d}",
            article_id=article.id,
            ordinal=ordinal,
            span=span,
            text=span.of(article.text),
        )


class ArticleSummary(Frozen):
    """One line of the library listing."""

    id: str
    meta: ArticleMeta
    ingested_at: datetime
    passages: int


class SearchHit(Frozen):
    """A ranked passage with its article and the scores that placed it."""

    passage: Passage
    article: ArticleSummary
    score: float
    dense_rank: int | None = None
    lexical_rank: int | None = None
    similarity: float | None = None  # cosine to the query, when the dense search ranked it


IngestStatus = Literal["added", "duplicate", "failed", "skipped"]


class IngestOutcome(Frozen):
    """The result of ingesting one item (a file, a URL, a feed entry, a text)."""

    item: str
    status: IngestStatus
    message: str = ""
    article_id: str | None = None
    title: str | None = None
    passages: int = 0
    facts: int = 0


class Citation(Frozen):
    """Citation [n] of an answer: its passage and cited sentence, its article, a link to the exact words."""

    n: int
    passage: Passage
    article: ArticleSummary
    url: str | None = None  # the article URL with a #:~:text= fragment for the cited words
    sentence: Span | None = None  # the passage sentence the citing answer sentence rests on (article offsets)


class AnswerSentence(Frozen):
    """One sentence of an answer with the citation numbers it carries and whether verification passed."""

    text: str
    citations: tuple[int, ...] = ()
    supported: bool = True
    reason: str | None = None  # why verification failed


class Answer(Frozen):
    """An answer: text with [n] markers, the citations they resolve to, or an abstention."""

    question: str
    text: str
    sentences: tuple[AnswerSentence, ...] = ()
    citations: tuple[Citation, ...] = ()
    abstained: bool = False
    mode: Literal["extractive", "llm"] = "extractive"
    closest: tuple[ArticleSummary, ...] = ()  # offered when the library does not cover the question
    notes: tuple[str, ...] = ()
    frame: dict[str, Any] = Field(default_factory=dict)  # how the question was read (assistant.question)
