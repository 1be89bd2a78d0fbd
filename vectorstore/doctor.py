"""Drift between the catalog (the source of truth) and the passage index: found, reported and repaired.

The write path keeps the two consistent by construction (catalog rows commit first, vectors follow as an
idempotent upsert, a failure undoes only its own writes), but a process killed between the two writes, or
a store restored from an older backup, can still leave:

- vectors whose passage the catalog does not hold (orphans: removed, they would never be cited);
- catalog passages without a vector (dense search cannot find them: embedded again and indexed);
- passages or facts whose article is gone (only if foreign keys were off: deleted).

`newsdesk doctor` prints the drift and `--repair` fixes it; every ingest runs `quick_check` first (two
counts) and repairs when it fails.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import delete, select

from assistant.errors import NotFoundError
from vectorstore.library import Library
from vectorstore.tables import ArticleRow, FactRow, PassageRow


@dataclass(frozen=True)
class Drift:
    """What the catalog and the index disagree on."""

    orphan_vectors: tuple[str, ...] = ()  # indexed passage ids the catalog does not hold
    missing_vectors: tuple[str, ...] = ()  # catalog passage ids with no vector
    orphan_passages: tuple[str, ...] = ()  # passage ids whose article is gone
    orphan_facts: tuple[str, ...] = ()  # fact ids whose article is gone

    @property
    def clean(self) -> bool:
        """True when nothing disagrees."""
        return not (self.orphan_vectors or self.missing_vectors or self.orphan_passages or self.orphan_facts)

    def lines(self) -> list[str]:
        """One line per kind of drift found."""
        found = [
            (self.orphan_vectors, "vectors whose passage is not in the catalog"),
            (self.missing_vectors, "passages without a vector"),
            (self.orphan_passages, "passages whose article is gone"),
            (self.orphan_facts, "facts whose article is gone"),
        ]
        return [f"{len(ids)} {what}" for ids, what in found if ids]


def quick_check(library: Library) -> bool:
    """True when the catalog's passage count equals the index's vector count (cheap: a few counts)."""
    passages, _articles, _latest = library.catalog.version()
    return passages == library.index.count()


def examine(library: Library) -> Drift:
    """Compare every passage id of the catalog with every vector id of the index, and rows with articles.

    The vectors are read first: a vector is written only after its passage commits, so a concurrent
    ingest can never make a fresh vector look like an orphan (at worst its passage looks unindexed for a
    moment, and indexing it again is an idempotent upsert)."""
    vectors = library.index.ids()
    with library.catalog.transaction() as session:
        passages = set(session.scalars(select(PassageRow.id)))
        articles = select(ArticleRow.id)
        lost_passages = session.scalars(select(PassageRow.id).where(PassageRow.article_id.not_in(articles)))
        lost_facts = session.scalars(select(FactRow.id).where(FactRow.article_id.not_in(articles)))
        orphan_passages, orphan_facts = tuple(sorted(lost_passages)), tuple(sorted(lost_facts))
    return Drift(
        orphan_vectors=tuple(sorted(vectors - passages)),
        missing_vectors=tuple(sorted(passages - vectors - set(orphan_passages))),
        orphan_passages=orphan_passages,
        orphan_facts=orphan_facts,
    )


def repair(library: Library, drift: Drift) -> None:
    """Delete orphan vectors, passages and facts; embed and index the passages that have no vector."""
    library.index.delete_ids(list(drift.orphan_vectors) + list(drift.orphan_passages))
    if drift.orphan_passages or drift.orphan_facts:
        with library.catalog.transaction() as session:
            session.execute(delete(FactRow).where(FactRow.id.in_(drift.orphan_facts)))
            session.execute(delete(PassageRow).where(PassageRow.id.in_(drift.orphan_passages)))
    missing = library.catalog.passages_by_id(list(drift.missing_vectors))
    by_article = defaultdict(list)
    for passage in missing.values():
        by_article[passage.article_id].append(passage)
    for article_id, passages in by_article.items():
        passages.sort(key=lambda p: p.ordinal)
        try:
            meta = library.catalog.get(article_id).meta
        except NotFoundError:
            continue  # removed meanwhile by another process: nothing to index
        library.index.add(passages, library.embedder.embed_documents([p.text for p in passages]), meta)


def heal(library: Library) -> Drift:
    """The ingest's start check: when the counts disagree and no writer is between its commit and its
    vectors (anywhere: see vectorstore.writers), find the drift and repair it; what was found."""
    if quick_check(library):
        return Drift()
    with library.windows.alone() as alone:
        if not alone:
            return Drift()  # a write in flight explains the counts; a later check settles anything left
        drift = examine(library)
        if not drift.clean:
            repair(library, drift)
    return drift
