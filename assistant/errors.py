"""One exception root for newsdesk; every message says what to do next."""

from __future__ import annotations


class NewsdeskError(Exception):
    """Root of every error newsdesk raises on purpose; str(err) is a one-line, actionable message."""


class ConfigError(NewsdeskError):
    """Settings are missing or inconsistent."""


class SourceError(NewsdeskError):
    """A source (URL, feed, file, text) could not be turned into an article."""


class FetchError(SourceError):
    """A URL could not be fetched (network, HTTP status, content type, size)."""


class ExtractionError(SourceError):
    """A page or file was fetched or read but held no usable article text."""


class FeedError(SourceError):
    """A feed could not be parsed or held no entries."""


class UnsupportedSourceError(SourceError):
    """A file type or source string newsdesk cannot ingest."""


class DuplicateArticleError(NewsdeskError):
    """The article is already in the library (same normalised text)."""

    def __init__(self, article_id: str, title: str | None) -> None:
        self.article_id = article_id
        self.title = title
        super().__init__(f"already in the library as {article_id} ({title or 'untitled'})")


class StoreError(NewsdeskError):
    """The catalog or the passage index failed; the article was rolled back."""


class EmbeddingError(NewsdeskError):
    """The embedding backend could not be loaded or failed."""


class NotFoundError(NewsdeskError):
    """An article id (or prefix) matched nothing, or more than one article."""
