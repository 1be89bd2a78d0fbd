"""The local embedding model (the packaged all-MiniLM-L6-v2) and its cache of recent texts."""

from __future__ import annotations

import numpy as np

from vectorstore.embeddings import LocalEmbedder

TEXTS = [
    "Copper futures climbed 2% on hopes of firmer demand from builders.",
    "The central bank left its policy rate unchanged for a third meeting.",
    "Shares of a regional airline sank after it cut its profit outlook.",
]


def test_vectors_are_unit_length_and_mean_something() -> None:
    """Two sentences about the same move sit closer than a sentence about something else."""
    embedder = LocalEmbedder()
    a, b, c = (np.asarray(v) for v in embedder.embed_documents(TEXTS))
    assert np.allclose([np.linalg.norm(v) for v in (a, b, c)], 1.0, atol=1e-4)
    query = np.asarray(embedder.embed_query("Why did copper prices rise?"))
    assert query @ a > query @ b and query @ a > query @ c


def test_cached_texts_give_the_same_vectors_and_the_cache_stays_bounded() -> None:
    """A text seen before is not encoded again; its vector is the one first computed, and the cache
    keeps only the most recent texts."""
    embedder = LocalEmbedder(cache_size=2)
    first = embedder.embed_documents(TEXTS[:2])
    calls: list[list[str]] = []
    model = embedder.model
    encode = model.encode

    def counting(texts: list[str], **kwargs: object) -> object:
        calls.append(list(texts))
        return encode(texts, **kwargs)

    model.encode = counting
    try:
        again = embedder.embed_documents([TEXTS[1], TEXTS[0], TEXTS[1]])
        assert calls == [] and again == [first[1], first[0], first[1]]
        embedder.embed_documents([TEXTS[2]])  # evicts the least recently used (TEXTS[1])
        assert calls == [[TEXTS[2]]]
        embedder.embed_documents([TEXTS[0], TEXTS[1]])
        assert calls[-1] == [TEXTS[1]]
    finally:
        model.encode = encode
