"""The library: catalog + passage index + embedder, kept consistent with all-or-nothing writes."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence

from filelock import FileLock, Timeout
from sqlalchemy.exc import IntegrityError

from assistant.errors import ConfigError, DuplicateArticleError, NewsdeskError, StoreError
from assistant.facts import Fact
from assistant.models import Article, Passage
from assistant.settings import Settings
from vectorstore.catalog import Catalog
from vectorstore.embeddings import Embedder, make_embedder
from vectorstore.faults import pause
from vectorstore.index import ChromaIndex, PassageIndex
from vectorstore.reasons import hint, reason
from vectorstore.writers import WriteWindows


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
        home = settings.home
        if home.exists() and not home.is_dir():
            raise ConfigError(
                f"the library folder {home} is a file: point NEWSDESK_HOME (or --home) at a folder"
            )
        try:
            home.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                f"cannot create the library folder {home} ({exc.strerror}): {hint(exc)}"
            ) from exc
        embedder = make_embedder(settings)
        # Creating the stores runs schema migrations (ours and Chroma's own SQLite); two processes doing it
        # at once on a new folder race, so creation is serialised by a lock file beside them.
        try:
            with FileLock(home / ".open.lock", timeout=120):
                catalog = Catalog(settings.resolved_catalog_url)
                index = ChromaIndex(settings, embedder.name)
        except (OSError, Timeout) as exc:
            raise StoreError(f"cannot open the library in {home} ({reason(exc)}): {hint(exc)}") from exc
        return cls(settings, catalog, index, embedder)

    def add(
        self,
        article: Article,
        passages: Sequence[Passage],
        embeddings: Sequence[Sequence[float]] | None = None,
        facts: Sequence[Fact] = (),
    ) -> None:
        """Store an article, its passages, their vectors and its facts, or nothing at all.

        The catalog is the source of truth: its rows are committed first, then the vectors are written
        (an upsert keyed by passage id, so a retry never doubles them).  A failure undoes only what this
        attempt wrote; a concurrent duplicate loses at the commit, before it has written anything, so the
        winner's rows and vectors stay intact.  A kill between the two writes leaves passages without
        vectors, which `doctor` (and the check at the start of every ingest) finds and repairs.
        """
        existing = self.duplicate_of(article)
        if existing is not None:
            raise DuplicateArticleError(existing.id, existing.title)
        if embeddings is None:
            embeddings = self.embedder.embed_documents([p.text for p in passages])
        with self.windows.writing():  # the repair check leaves this write alone until its vectors are in
            self._write(article, passages, embeddings, facts)

    def _write(
        self,
        article: Article,
        passages: Sequence[Passage],
        embeddings: Sequence[Sequence[float]],
        facts: Sequence[Fact],
    ) -> None:
        """Commit the catalog rows, then upsert the vectors; a failure undoes only this attempt."""
        try:
            with self.catalog.transaction() as session:
                self.catalog.stage(session, article, list(passages))
                self.catalog.stage_facts(session, facts)
        except IntegrityError as exc:
            raise DuplicateArticleError(article.id, article.meta.title) from exc
        except NewsdeskError:
            raise
        except Exception as exc:
            raise StoreError(
                f"could not store article {article.id} ({reason(exc)}): {hint(exc)}; nothing was kept"
            ) from exc
        pause("between-commit-and-vectors")
        try:
            self.index.add(passages, embeddings, article.meta)
        except Exception as exc:
            self._undo(article.id, [p.id for p in passages])
            if isinstance(exc, NewsdeskError):
                raise
            raise StoreError(
                f"could not index article {article.id} ({reason(exc)}): {hint(exc)}; nothing was kept"
            ) from exc

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
