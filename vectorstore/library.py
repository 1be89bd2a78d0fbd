"""The library: catalog + passage index + embedder, kept consistent with all-or-nothing writes."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence

from sqlalchemy.exc import IntegrityError

from assistant.errors import DuplicateArticleError, NewsdeskError, StoreError
from assistant.facts import Fact
from assistant.models import Article, Passage
from assistant.settings import Settings
from vectorstore.catalog import Catalog
from vectorstore.embeddings import Embedder, make_embedder
from vectorstore.index import ChromaIndex, PassageIndex


class Library:
    """One place to add, list and remove articles; the catalog and the index never disagree."""

    def __init__(self, settings: Settings, catalog: Catalog, index: PassageIndex, embedder: Embedder) -> None:
        self.settings = settings
        self.catalog = catalog
        self.index = index
        self.embedder = embedder

    @classmethod
    def open(cls, settings: Settings) -> Library:
        """Open (creating if needed) the library named by settings."""
        settings.home.mkdir(parents=True, exist_ok=True)
        embedder = make_embedder(settings)
        return cls(
            settings, Catalog(settings.resolved_catalog_url), ChromaIndex(settings, embedder.name), embedder
        )

    def add(
        self,
        article: Article,
        passages: Sequence[Passage],
        embeddings: Sequence[Sequence[float]] | None = None,
        facts: Sequence[Fact] = (),
    ) -> None:
        """Store an article, its passages, their vectors and its facts, or nothing at all."""
        existing = self.duplicate_of(article)
        if existing is not None:
            raise DuplicateArticleError(existing.id, existing.title)
        if embeddings is None:
            embeddings = self.embedder.embed_documents([p.text for p in passages])
        try:
            with self.catalog.transaction() as session:
                self.catalog.stage(session, article, list(passages))
                self.catalog.stage_facts(session, facts)
                self.index.add(passages, embeddings, article.meta)
        except IntegrityError as exc:
            self._drop_vectors(article.id)
            raise DuplicateArticleError(article.id, article.meta.title) from exc
        except NewsdeskError:
            self._drop_vectors(article.id)
            raise
        except Exception as exc:
            self._drop_vectors(article.id)
            raise StoreError(f"could not store article {article.id}: {exc}; nothing was kept") from exc

    def duplicate_of(self, article: Article) -> Article | None:
        """The stored article with the same normalised text, if any."""
        if not self.catalog.has(article.id):
            return None
        return self.catalog.get(article.id)

    def remove(self, id_or_prefix: str) -> Article:
        """Delete an article, its passages and its vectors; return what was removed."""
        article = self.catalog.get(self.catalog.resolve(id_or_prefix))
        with self.catalog.transaction() as session:
            self.catalog.delete(session, article.id)
            self.index.delete_article(article.id)
        return article

    def clear(self) -> None:
        """Empty the library: every article, passage and vector."""
        self.catalog.clear()
        self.index.clear()

    def _drop_vectors(self, article_id: str) -> None:
        """Best-effort removal of any vectors a failed write left behind."""
        with contextlib.suppress(Exception):
            self.index.delete_article(article_id)
