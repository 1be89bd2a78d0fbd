"""The library: catalog + passage index + embedder, kept consistent with all-or-nothing writes."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError

from assistant.errors import DuplicateArticleError, NewsdeskError, StoreError
from assistant.facts import Fact
from assistant.models import Article, Passage
from assistant.settings import Settings
from vectorstore import home
from vectorstore.catalog import Catalog
from vectorstore.embeddings import Embedder, make_embedder
from vectorstore.faults import pause
from vectorstore.index import ChromaIndex, PassageIndex
from vectorstore.reasons import hint, reason
from vectorstore.writers import WriteWindows


@dataclass(frozen=True)
class Entry:
    """One article ready to store: its passages, their vectors (in passage order) and its facts."""

    article: Article
    passages: Sequence[Passage]
    embeddings: Sequence[Sequence[float]]
    facts: Sequence[Fact] = ()


class Library:
    """One place to add, list and remove articles; the catalog and the index never disagree."""

    def __init__(self, settings: Settings, catalog: Catalog, index: PassageIndex, embedder: Embedder) -> None:
        self.settings = settings
        self.catalog = catalog
        self.index = index
        self.embedder = embedder
        self.windows = WriteWindows(catalog.engine, settings.home)

    @classmethod
    def open(cls, settings: Settings) -> Library:
        """Open (creating if needed) the library named by settings."""
        home.prepare(settings.home)
        embedder = make_embedder(settings)
        with home.creating_stores(settings.home):
            catalog = Catalog(settings.resolved_catalog_url)
            index = ChromaIndex(settings, embedder.name)
        return cls(settings, catalog, index, embedder)

    def add(
        self,
        article: Article,
        passages: Sequence[Passage],
        embeddings: Sequence[Sequence[float]] | None = None,
        facts: Sequence[Fact] = (),
    ) -> None:
        """Store an article, its passages, their vectors and its facts, or nothing at all (see add_all)."""
        if embeddings is None:
            embeddings = self.embedder.embed_documents([p.text for p in passages])
        error = self.add_all([Entry(article, passages, embeddings, facts)])[0]
        if error is not None:
            raise error

    def add_all(self, entries: Sequence[Entry]) -> list[NewsdeskError | None]:
        """Store many articles, each whole or not at all: None for each stored, else why it was not.

        The catalog is the source of truth: each article's rows are committed first, in its own
        transaction, then the vectors of every committed article are written in one upsert keyed by
        passage id (a retry never doubles them). A failure undoes only what this call wrote; a concurrent
        duplicate loses at its commit, before it has written anything, so the winner's rows and vectors
        stay intact. A kill between the two writes leaves passages without vectors, which `doctor` (and the
        check at the start of every ingest) finds and repairs.
        """
        results: list[NewsdeskError | None] = []
        with self.windows.writing():  # the repair check leaves this write alone until its vectors are in
            stored = []
            for entry in entries:
                try:
                    self._commit(entry)
                except NewsdeskError as exc:
                    results.append(exc)
                else:
                    results.append(None)
                    stored.append(entry)
            pause("between-commit-and-vectors")
            failures = self._index(stored)
        return [failures.get(e.article.id) if r is None else r for e, r in zip(entries, results, strict=True)]

    def _commit(self, entry: Entry) -> None:
        """Commit one article's catalog rows (a duplicate, by check or at the commit, writes nothing)."""
        article = entry.article
        existing = self.duplicate_of(article)
        if existing is not None:
            raise DuplicateArticleError(existing.id, existing.title)
        try:
            with self.catalog.transaction() as session:
                self.catalog.stage(session, article, list(entry.passages))
                self.catalog.stage_facts(session, entry.facts)
        except IntegrityError as exc:
            raise DuplicateArticleError(article.id, article.meta.title) from exc
        except NewsdeskError:
            raise
        except Exception as exc:
            raise StoreError(
                f"could not store article {article.id} ({reason(exc)}): {hint(exc)}; nothing was kept"
            ) from exc

    def _index(self, stored: Sequence[Entry]) -> dict[str, NewsdeskError]:
        """Write the vectors of the committed articles in one upsert; if that fails, article by article,
        so one bad article does not sink the others; each article still failing is undone. The errors, by
        article id."""
        if not stored:
            return {}
        passages = [p for e in stored for p in e.passages]
        vectors = [v for e in stored for v in e.embeddings]
        try:
            self.index.add(passages, vectors, {e.article.id: e.article.meta for e in stored})
            return {}
        except Exception:
            if len(stored) == 1:
                return self._index_alone(stored[0])
        failures: dict[str, NewsdeskError] = {}
        for entry in stored:
            failures.update(self._index_alone(entry))
        return failures

    def _index_alone(self, entry: Entry) -> dict[str, NewsdeskError]:
        """Write one article's vectors; on failure undo the article and return its error."""
        aid = entry.article.id
        try:
            self.index.add(entry.passages, entry.embeddings, entry.article.meta)
            return {}
        except Exception as exc:
            self._undo(aid, [p.id for p in entry.passages])
            if isinstance(exc, NewsdeskError):
                return {aid: exc}
            return {
                aid: StoreError(
                    f"could not index article {aid} ({reason(exc)}): {hint(exc)}; nothing was kept"
                )
            }

    def duplicate_of(self, article: Article) -> Article | None:
        """The stored article with the same normalised text, if any."""
        if not self.catalog.has(article.id):
            return None
        return self.catalog.get(article.id)

    def remove(self, id_or_prefix: str) -> Article:
        """Delete an article, its passages and its vectors; return what was removed.  The catalog goes
        first: vectors left by a kill in between are orphans that `doctor` removes."""
        article = self.catalog.get(self.catalog.resolve(id_or_prefix))
        ids = [p.id for p in self.catalog.passages(article.id)]
        with self.windows.writing():
            with self.catalog.transaction() as session:
                self.catalog.delete(session, article.id)
            pause("between-remove-and-vectors")
            self.index.delete_ids(ids)
        return article

    def clear(self) -> None:
        """Empty the library: every article, passage and vector."""
        self.catalog.clear()
        self.index.clear()

    def _undo(self, article_id: str, passage_ids: list[str]) -> None:
        """Remove the rows and vectors this attempt wrote (best effort: `doctor` finds what remains)."""
        with contextlib.suppress(Exception):
            self.index.delete_ids(passage_ids)
        with contextlib.suppress(Exception), self.catalog.transaction() as session:
            self.catalog.delete(session, article_id)
