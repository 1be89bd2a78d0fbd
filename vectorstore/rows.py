"""Catalog rows to models, for any row with the columns as attributes (SQLAlchemy's, or the standard
library reader's); imports nothing heavy."""

from __future__ import annotations

import re
from typing import Any

from assistant.errors import NotFoundError
from assistant.models import Article, ArticleMeta, Passage, Span


def to_article(row: Any) -> Article:
    """Map an articles row to the Article model."""
    return Article(
        id=row.id,
        text=row.text,
        content_hash=row.content_hash,
        ingested_at=row.ingested_at,
        meta=ArticleMeta(
            url=row.url, title=row.title, source=row.source, author=row.author, published=row.published
        ),
    )


def to_passage(row: Any) -> Passage:
    """Map a passages row to the Passage model."""
    return Passage(
        id=row.id,
        article_id=row.article_id,
        ordinal=row.ordinal,
        span=Span(start=row.start, end=row.end),
        text=row.text,
    )


def check_prefix(prefix: str) -> str:
    """An id prefix as ids are stored: 4 or more hex characters, taken literally (never a pattern)."""
    if not re.fullmatch(r"[0-9a-fA-F]{4,64}", prefix):
        raise NotFoundError(
            f"{prefix!r} is not an article id: give at least 4 characters of the id (see `newsdesk articles`)"
        )
    return prefix.lower()


def one_id(ids: list[str], prefix: str) -> str:
    """The one id a prefix matched, or a message saying there is none or several."""
    if not ids:
        raise NotFoundError(f"no article id starts with {prefix!r}: see `newsdesk articles`")
    if len(ids) > 1:
        raise NotFoundError(f"{len(ids)} article ids start with {prefix!r}: give more characters of the id")
    return ids[0]
