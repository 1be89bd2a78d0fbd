"""The passage index answers a date range exactly, whether the nearest passages overall already hold k of
the range (read without Chroma's filter) or not (the filtered query); and measures similarities by id."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest

from assistant.models import ArticleMeta, Passage, Span
from assistant.settings import Settings
from vectorstore.index import ChromaIndex

DAYS = 300


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory) -> tuple[ChromaIndex, np.ndarray, list[date]]:
    """600 passages with random unit vectors, two per day over 300 days."""
    rng = np.random.default_rng(5)
    vectors = rng.normal(size=(2 * DAYS, 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    index = ChromaIndex(Settings(home=tmp_path_factory.mktemp("index") / "lib"), "test-vectors")
    days = [date(2025, 1, 1) + timedelta(days=n // 2) for n in range(2 * DAYS)]
    passages = [
        Passage(id=f"{n:016x}:0000", article_id=f"{n:016x}", ordinal=0, span=Span(start=0, end=1), text="x")
        for n in range(2 * DAYS)
    ]
    metas = {p.article_id: ArticleMeta(published=day) for p, day in zip(passages, days, strict=True)}
    index.add(passages, vectors.tolist(), metas)
    return index, vectors, days


def _expected(
    vectors: np.ndarray, days: list[date], query: np.ndarray, k: int, since: date, until: date
) -> list[str]:
    """The k nearest passages within the range, by brute force."""
    inside = [n for n, day in enumerate(days) if since <= day <= until]
    order = sorted(inside, key=lambda n: -float(vectors[n] @ query))
    return [f"{n:016x}:0000" for n in order[:k]]


@pytest.mark.parametrize(
    ("since", "until"),
    [(date(2025, 1, 1), date(2025, 9, 30)), (date(2025, 3, 1), date(2025, 3, 3)), (date(2025, 6, 1), None)],
)
def test_a_date_range_gives_the_exact_nearest_within_it(
    indexed: tuple[ChromaIndex, np.ndarray, list[date]], since: date, until: date | None
) -> None:
    """Wide ranges are read from the plain nearest list, narrow ones by the filter: the same answer."""
    index, vectors, days = indexed
    query = vectors[7] * 0.6 + vectors[400] * 0.4
    query /= np.linalg.norm(query)
    expected = _expected(vectors, days, query, 5, since, until or date.max)
    assert [pid for pid, _ in index.search(query.tolist(), 5, since, until)] == expected
    asked: list[bool] = []

    def within() -> list[str]:
        """The range's passage ids, as the catalog would give them."""
        asked.append(True)
        return [f"{n:016x}:0000" for n, day in enumerate(days) if since <= day <= (until or date.max)]

    assert [pid for pid, _ in index.search(query.tolist(), 5, since, until, within)] == expected
    narrow = sum(since <= day <= (until or date.max) for day in days) < 100
    assert asked == ([True] if narrow else []), "ids are read only for a narrow range"


def test_similarities_by_id(indexed: tuple[ChromaIndex, np.ndarray, list[date]]) -> None:
    """The cosine of the query to passages named by id, equal to one minus the search's distance."""
    index, vectors, _days = indexed
    near = index.search(vectors[3].tolist(), 3)
    sims = index.similarities(vectors[3].tolist(), [pid for pid, _ in near])
    assert all(abs(sims[pid] - (1 - distance)) < 1e-4 for pid, distance in near)
    assert index.similarities(vectors[3].tolist(), []) == {}
