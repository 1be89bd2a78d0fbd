"""The Chroma passage index: embedded on disk by default, a Chroma server when a URL is set."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any, Protocol
from urllib.parse import urlparse

import numpy as np

from assistant.errors import StoreError
from assistant.models import ArticleMeta, Passage
from assistant.settings import Settings

OVERFETCH = 10  # nearest passages read per one asked, to answer a date range without Chroma's filter
# A Chroma server asked to search a collection whose first vectors it has not yet built into an index says
# so; a moment later it has. Seen with two apps asking while another process wrote the first articles.
UNBUILT = "Nothing found on disk"
UNBUILT_RETRIES = 3


class PassageIndex(Protocol):
    """Vector index of passages."""

    def add(
        self,
        passages: Sequence[Passage],
        embeddings: Sequence[Sequence[float]],
        meta: ArticleMeta | Mapping[str, ArticleMeta],
    ) -> None:
        """Index passages with their embeddings, their article's metadata given once or by article id (many
        articles in one write); writing the same passage ids again replaces them (a retry is idempotent)."""
        ...

    def search(
        self,
        embedding: Sequence[float],
        k: int,
        since: date | None = None,
        until: date | None = None,
        within: Callable[[], Sequence[str]] | None = None,
    ) -> list[tuple[str, float]]:
        """Passage ids and cosine distances, nearest first, optionally within a publication-date range
        (within: the ids of the passages in that range, read only if the index needs them)."""
        ...

    def delete_ids(self, ids: Sequence[str]) -> None:
        """Remove the passages with these ids (ids not indexed are ignored)."""
        ...

    def similarities(self, embedding: Sequence[float], ids: Sequence[str]) -> dict[str, float]:
        """Cosine similarity of the query embedding to each of these indexed passages."""
        ...

    def ids(self) -> set[str]:
        """Every indexed passage id."""
        ...

    def delete_article(self, article_id: str) -> None:
        """Remove every passage of an article."""
        ...

    def count(self) -> int:
        """Number of indexed passages."""
        ...

    def clear(self) -> None:
        """Remove every passage."""
        ...


def date_ordinal(day: date | None) -> int:
    """Dates as YYYYMMDD integers for Chroma range filters; 0 when unknown."""
    return day.year * 10000 + day.month * 100 + day.day if day else 0


def date_where(since: date | None, until: date | None) -> dict[str, Any] | None:
    """A Chroma where-filter for a publication-date range (undated passages never match a range)."""
    clauses: list[dict[str, Any]] = []
    if since:
        clauses.append({"published": {"$gte": date_ordinal(since)}})
    if until:
        clauses.append({"published": {"$lte": date_ordinal(until)}})
    if since is None and until is not None:
        clauses.append({"published": {"$gt": 0}})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def _client(settings: Settings) -> Any:
    """A Chroma client with telemetry off: HttpClient for a server URL, else PersistentClient on disk."""
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=True)
    if settings.chroma_url:
        url = urlparse(settings.chroma_url)
        return chromadb.HttpClient(
            host=url.hostname or "localhost",
            port=url.port or (443 if url.scheme == "https" else 8000),
            ssl=url.scheme == "https",
            settings=chroma_settings,
        )
    settings.chroma_path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.chroma_path), settings=chroma_settings)


class ChromaIndex:
    """PassageIndex on a Chroma collection; embeddings are always supplied, never computed by Chroma."""

    def __init__(self, settings: Settings, embedder_name: str) -> None:
        self._client = _client(settings)
        safe = "".join(ch if ch.isalnum() else "-" for ch in embedder_name).strip("-")
        self._name = f"{settings.collection}-{safe}"[:60]
        self._embedder_name = embedder_name
        self._max_batch: int | None = None  # Chroma's largest upsert, asked once
        self._collection = self._open_collection()

    def _open_collection(self) -> Any:
        """Get or create the collection; no embedding function, so Chroma never downloads its own model."""
        return self._client.get_or_create_collection(
            self._name,
            embedding_function=None,
            configuration={"hnsw": {"space": "cosine"}},
            metadata={"embedder": self._embedder_name},
        )

    def clear(self) -> None:
        """Drop and recreate the collection."""
        self._client.delete_collection(self._name)
        self._collection = self._open_collection()

    def add(
        self,
        passages: Sequence[Passage],
        embeddings: Sequence[Sequence[float]],
        meta: ArticleMeta | Mapping[str, ArticleMeta],
    ) -> None:
        """Index passages with their embeddings, many articles at once, in as few upserts as Chroma's batch
        limit allows (upsert: a retry replaces, never doubles)."""
        if not passages:
            return

        def published(p: Passage) -> int:
            return date_ordinal((meta if isinstance(meta, ArticleMeta) else meta[p.article_id]).published)

        if self._max_batch is None:
            self._max_batch = int(self._client.get_max_batch_size())
        step = self._max_batch
        try:
            for at in range(0, len(passages), step):
                part = passages[at : at + step]
                self._collection.upsert(
                    ids=[p.id for p in part],
                    embeddings=[list(e) for e in embeddings[at : at + step]],
                    documents=[p.text for p in part],
                    metadatas=[
                        {
                            "article_id": p.article_id,
                            "start": p.span.start,
                            "end": p.span.end,
                            "published": published(p),
                        }
                        for p in part
                    ],
                )
        except Exception as exc:
            raise StoreError(f"the passage index rejected the passages: {exc}") from exc

    def search(
        self,
        embedding: Sequence[float],
        k: int,
        since: date | None = None,
        until: date | None = None,
        within: Callable[[], Sequence[str]] | None = None,
    ) -> list[tuple[str, float]]:
        """Passage ids and cosine distances, nearest first (an empty index gives none).

        A date range is first tried on the unfiltered nearest OVERFETCH x k: when at least k of them are in
        the range they are exactly the range's k nearest (any nearer one in the range would be among
        them), at the cost of one plain query (~16 ms for 500 at 100k passages). Otherwise the query is
        restricted to the range's passage ids when `within` gives them (the catalog reads them by date:
        7-30 ms at 100k), else Chroma's metadata filter answers (110-340 ms there)."""
        if since is None and until is None:
            return self._nearest(embedding, k)
        near = self._query(embedding, OVERFETCH * k, None, ["distances", "metadatas"])
        low, high = date_ordinal(since) if since else 1, date_ordinal(until) if until else 99991231
        inside = [(pid, d) for pid, d, m in near if m and low <= int(m.get("published") or 0) <= high]
        if len(inside) >= k:
            return inside[:k]
        if within is not None:
            ids = list(within())
            return self._nearest(embedding, k, ids=ids) if ids else []
        return self._nearest(embedding, k, where=date_where(since, until))

    def _nearest(
        self,
        embedding: Sequence[float],
        k: int,
        where: dict[str, Any] | None = None,
        ids: list[str] | None = None,
    ) -> list[tuple[str, float]]:
        """Ids and distances of the k nearest passages (matching where, or among ids)."""
        return [(pid, d) for pid, d, _m in self._query(embedding, k, where, ["distances"], ids)]

    def _query(
        self,
        embedding: Sequence[float],
        k: int,
        where: dict[str, Any] | None,
        include: list[str],
        ids: list[str] | None = None,
    ) -> list[tuple[str, float, dict[str, Any] | None]]:
        """One Chroma query (among the given ids only, when given): ids, distances and (when included)
        metadata, nearest first."""
        for attempt in range(UNBUILT_RETRIES + 1):
            try:
                result = self._collection.query(
                    query_embeddings=[list(embedding)], n_results=k, where=where, include=include, ids=ids
                )
                break
            except Exception as exc:
                if self._collection.count() == 0:  # counted only then: a count costs ~6 ms at 100k
                    return []
                if UNBUILT not in str(exc):
                    raise
                if attempt == UNBUILT_RETRIES:
                    return []  # the server has not built the vectors just written into its index yet
                time.sleep(0.2)
        metas = result.get("metadatas") or [[None] * len(result["ids"][0])]
        return list(zip(result["ids"][0], result["distances"][0], metas[0], strict=True))

    def similarities(self, embedding: Sequence[float], ids: Sequence[str]) -> dict[str, float]:
        """Cosine similarity of the query to each of these indexed passages (vectors are unit length)."""
        if not ids:
            return {}
        found = self._collection.get(ids=list(ids), include=["embeddings"])
        query = np.asarray(embedding, dtype=np.float32)
        vectors = np.asarray(found["embeddings"], dtype=np.float32).reshape(len(found["ids"]), -1)
        return dict(zip(found["ids"], (vectors @ query).tolist(), strict=True))

    def delete_article(self, article_id: str) -> None:
        """Remove every passage of an article."""
        self._collection.delete(where={"article_id": article_id})

    def delete_ids(self, ids: Sequence[str]) -> None:
        """Remove the passages with these ids (ids not indexed are ignored)."""
        if ids:
            self._collection.delete(ids=list(ids))

    def ids(self) -> set[str]:
        """Every indexed passage id, read in pages."""
        found: set[str] = set()
        page = 5000
        while True:
            batch = self._collection.get(include=[], limit=page, offset=len(found))["ids"]
            found.update(batch)
            if len(batch) < page:
                return found

    def count(self) -> int:
        """Number of indexed passages."""
        return int(self._collection.count())

    def ids_for_article(self, article_id: str) -> list[str]:
        """Ids of the indexed passages of one article."""
        return list(self._collection.get(where={"article_id": article_id}, include=[])["ids"])
