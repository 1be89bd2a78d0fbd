"""Ingest fetches through a bounded pool: pages load at once up to NEWSDESK_FETCH_WORKERS, never more,
and outcomes still come back in the order the items were given."""

from __future__ import annotations

import time

from assistant.settings import Settings
from ingest.pipeline import Ingestor
from vectorstore.library import Library

from .conftest import FixtureServer

DELAY = 0.6


def _page(n: int) -> str:
    """An invented market story, different for each n."""
    body = (
        f"Harbourline Freight {n} said on Tuesday that container volumes at its terminal number {n} rose "
        f"{n + 2}% from a year earlier, helped by an early start to the holiday shipping season. Its "
        "shares gained in early trade as analysts lifted their estimates for the quarter, while rival "
        "operators pointed to tight capacity on the busiest routes and firm contract rates into spring. "
    ) * 2
    head = f"<head><title>Harbourline update {n}</title></head>"
    return f"<html>{head}<body><article><p>{body}</p></article></body></html>"


def test_pages_are_fetched_by_a_bounded_pool_in_order(http_server: FixtureServer, settings: Settings) -> None:
    """Nine slow pages with three workers take about three rounds of the delay, not nine, nor one."""
    settings = settings.model_copy(update={"fetch_workers": 3})
    urls = [http_server.add(f"/story/{n}", _page(n), delay=DELAY) for n in range(9)]
    ingestor = Ingestor(settings, Library.open(settings))
    started = time.monotonic()
    outcomes = ingestor.run(urls)
    elapsed = time.monotonic() - started
    assert [o.item for o in outcomes] == urls
    assert all(o.status == "added" for o in outcomes), [o.message for o in outcomes]
    # each page is fetched once ahead (the URL source), so 9 delays over 3 workers are >= 3 rounds
    assert elapsed >= 3 * DELAY
    assert elapsed < 9 * DELAY, f"fetches ran one at a time ({elapsed:.1f} s)"


def test_a_failing_page_in_the_pool_fails_only_its_item(
    http_server: FixtureServer, settings: Settings
) -> None:
    """A 404 among pages fetched together is that item's one-line failure; the others are stored."""
    urls = [http_server.add(f"/ok/{n}", _page(n)) for n in range(3)]
    missing = http_server.url("/gone")
    http_server.add("/gone", "not here", status=404)
    outcomes = Ingestor(settings, Library.open(settings)).run([urls[0], missing, urls[1], urls[2]])
    assert [o.status for o in outcomes] == ["added", "failed", "added", "added"]
    assert "404" in outcomes[1].message and "\n" not in outcomes[1].message
