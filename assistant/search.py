"""Passage search: dense (Chroma) and lexical (BM25) rankings fused by reciprocal rank fusion."""

from __future__ import annotations

import threading
from datetime import date
from typing import Any

import bm25s
import numpy as np
import Stemmer

from assistant.models import ArticleSummary, SearchHit
from assistant.settings import Settings
from vectorstore.library import Library


class LexicalIndex:
    """BM25 over every passage of the library, rebuilt when the catalog changes."""

    def __init__(self) -> None:
        self._stemmer = Stemmer.Stemmer("english")
        self._version: object = None
        self._ids: list[str] = []
        self._retriever: Any = None
        self._lock = threading.Lock()

    def _tokens(self, texts: list[str], ids: bool) -> Any:
        """Tokenise with English stop words and Snowball stems, as bm25s recommends."""
        return bm25s.tokenize(
            texts, stopwords="en", stemmer=self._stemmer, return_ids=ids, show_progress=False
        )

    def refresh(self, library: Library) -> None:
        """Rebuild the BM25 index if passages were added or removed since the last build."""
        version = library.catalog.version()
        with self._lock:
            if version == self._version:
                return
            passages = library.catalog.passages()
            self._ids = [p.id for p in passages]
            self._retriever = None
            if passages:
                retriever = bm25s.BM25()
                retriever.index(self._tokens([p.text for p in passages], ids=True), show_progress=False)
                self._retriever = retriever
            self._version = version

    def rank(self, query: str, allowed: set[str] | None, pool: int) -> list[str]:
        """Passage ids with a positive BM25 score, best first, limited to allowed articles."""
        if self._retriever is None:
            return []
        scores = np.asarray(self._retriever.get_scores(self._tokens([query], ids=False)[0]))
        order = np.argsort(-scores, kind="stable")
        ranked: list[str] = []
        for i in order:
            if scores[i] <= 0 or len(ranked) >= pool:
                break
            pid = self._ids[i]
            if allowed is None or pid.split(":", 1)[0] in allowed:
                ranked.append(pid)
        return ranked


def rrf(rankings: list[list[str]], k: int) -> dict[str, float]:
    """Reciprocal rank fusion: each list adds 1 / (k + rank) to the items it ranks."""
    fused: dict[str, float] = {}
    for ranking in rankings:
        for rank, pid in enumerate(ranking, start=1):
            fused[pid] = fused.get(pid, 0.0) + 1.0 / (k + rank)
    return fused


def _in_range(summary: ArticleSummary, since: date | None, until: date | None) -> bool:
    """True when the article's publication date lies in [since, until]; undated articles never do."""
    published = summary.meta.published
    if published is None:
        return False
    return (since is None or published >= since) and (until is None or published <= until)


class Searcher:
    """Hybrid passage search over one library."""

    def __init__(self, library: Library, settings: Settings) -> None:
        self.library = library
        self.settings = settings
        self.lexical = LexicalIndex()

    def search(
        self, query: str, k: int | None = None, since: date | None = None, until: date | None = None
    ) -> list[SearchHit]:
        """The k passages best matching query, fusing dense and BM25 ranks, within the date range."""
        k = k or self.settings.search_k
        pool = max(self.settings.search_pool, k)
        summaries = {s.id: s for s in self.library.catalog.summaries()}
        if not summaries or not query.strip():
            return []
        allowed = None
        if since or until:
            allowed = {aid for aid, s in summaries.items() if _in_range(s, since, until)}
        self.lexical.refresh(self.library)
        query_vector = self.library.embedder.embed_query(query)
        dense = [pid for pid, _distance in self.library.index.search(query_vector, pool, since, until)]
        lexical = self.lexical.rank(query, allowed, pool)
        fused = rrf([dense, lexical], self.settings.rrf_k)
        top = sorted(fused, key=lambda pid: (-fused[pid], pid))[:k]
        passages = self.library.catalog.passages_by_id(top)
        hits = []
        for pid in top:
            passage = passages.get(pid)
            if passage is None:
                continue
            hits.append(
                SearchHit(
                    passage=passage,
                    article=summaries[passage.article_id],
                    score=fused[pid],
                    dense_rank=dense.index(pid) + 1 if pid in dense else None,
                    lexical_rank=lexical.index(pid) + 1 if pid in lexical else None,
                )
            )
        return hits
