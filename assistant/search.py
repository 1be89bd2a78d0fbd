"""Passage search: dense (Chroma) and lexical (the catalog's full-text index) rankings fused by reciprocal
rank fusion. Both rankings apply the date range in their store and read only the rows they rank."""

from __future__ import annotations

from datetime import date

from assistant.models import SearchHit
from assistant.settings import Settings
from vectorstore.library import Library


def rrf(rankings: list[list[str]], k: int) -> dict[str, float]:
    """Reciprocal rank fusion: each list adds 1 / (k + rank) to the items it ranks."""
    fused: dict[str, float] = {}
    for ranking in rankings:
        for rank, pid in enumerate(ranking, start=1):
            fused[pid] = fused.get(pid, 0.0) + 1.0 / (k + rank)
    return fused


class Searcher:
    """Hybrid passage search over one library."""

    def __init__(self, library: Library, settings: Settings) -> None:
        self.library = library
        self.settings = settings

    def search(
        self, query: str, k: int | None = None, since: date | None = None, until: date | None = None
    ) -> list[SearchHit]:
        """The k passages best matching query, fusing dense and BM25 ranks, within the date range."""
        k = k or self.settings.search_k
        pool = max(self.settings.search_pool, k)
        if not query.strip():
            return []
        query_vector = self.library.embedder.embed_query(query)
        catalog = self.library.catalog
        near = self.library.index.search(
            query_vector, pool, since, until, within=lambda: catalog.passage_ids_published(since, until)
        )
        dense = [pid for pid, _distance in near]
        similarity = {pid: 1.0 - distance for pid, distance in near}
        lexical = [pid for pid, _score in catalog.lexical(query, pool, since, until)]
        fused = rrf([dense, lexical], self.settings.rrf_k)
        top = sorted(fused, key=lambda pid: (-fused[pid], pid))[:k]
        passages = catalog.passages_by_id(top)
        summaries = catalog.summaries_by_id([p.article_id for p in passages.values()])
        hits = []
        for pid in top:
            passage = passages.get(pid)
            if passage is None or passage.article_id not in summaries:
                continue  # removed since the index was read
            hits.append(
                SearchHit(
                    passage=passage,
                    article=summaries[passage.article_id],
                    score=fused[pid],
                    dense_rank=dense.index(pid) + 1 if pid in dense else None,
                    lexical_rank=lexical.index(pid) + 1 if pid in lexical else None,
                    similarity=similarity.get(pid),
                )
            )
        return hits
