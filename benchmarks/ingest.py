"""Ingest benchmark: N generated articles through the real pipeline vs raw model.encode on the same passages.

Prints articles/s, passages/s, the share of ingest time spent embedding, and the overhead ratio
(ingest wall time / raw encode time of the same passages). Target: overhead <= 1.3.

    .venv/bin/python benchmarks/ingest.py [-n 200] [--seed 7]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.models import ArticleMeta
from assistant.settings import Settings
from ingest.pipeline import Ingestor, TextSource
from vectorstore.embeddings import LocalEmbedder
from vectorstore.library import Library

COMPANIES = [
    "Microsoft",
    "Alphabet",
    "Amazon",
    "Meta",
    "Nvidia",
    "Oracle",
    "Salesforce",
    "ServiceNow",
    "SAP",
    "Caterpillar",
    "Exxon",
    "Pfizer",
    "JPMorgan",
    "Walmart",
    "Deere",
    "Tesla",
]
INDEXES = ["Russell 2000", "S&P 500", "Nasdaq 100", "Dow Jones Industrial Average", "Stoxx 600", "FTSE 100"]
SECTORS = ["utilities", "real estate", "energy", "industrials", "technology", "healthcare", "materials"]
VERBS_UP = ["rose", "climbed", "jumped", "advanced", "gained"]
VERBS_DOWN = ["fell", "slid", "dropped", "sank", "retreated"]
TEMPLATES = [
    "The {index} {up} {pct}% on {day} as investors weighed fresh data on {topic}.",
    "{company} shares {down} {pct}% after the company said {topic} would weigh on margins.",
    "Analysts at {firm} said the move in {sector} reflected {topic} rather than a change in earnings.",
    "{company} expects to spend ${amount} billion on data centres this year, up {pct}% from last year.",
    "Traders said {sector} stocks {up} while {sector2} names {down}, a sign of rotation toward {style}.",
    '"We think {topic} will dominate the next quarter," said a strategist at {firm}.',
    "The {index} has now {up} {pct}% for the year, while the {index2} is down {pct2}%.",
    "Bond yields {down} as markets priced in a slower path for {topic}.",
]
TOPICS = [
    "AI spending",
    "interest rates",
    "cloud growth",
    "consumer demand",
    "tariffs",
    "free cash flow",
    "energy prices",
    "credit conditions",
    "hiring",
    "chip supply",
]
FIRMS = ["a Boston asset manager", "a Zurich private bank", "a Chicago brokerage", "a London hedge fund"]
STYLES = ["value", "defensive shares", "smaller companies", "dividend payers"]


def generate(n: int, seed: int) -> list[TextSource]:
    """n synthetic market-news articles of 250-650 words, deterministic for a seed."""
    rng = random.Random(seed)
    sources = []
    for i in range(n):
        paragraphs = []
        for _ in range(rng.randint(4, 9)):
            sentences = [
                rng.choice(TEMPLATES).format(
                    index=rng.choice(INDEXES),
                    index2=rng.choice(INDEXES),
                    company=rng.choice(COMPANIES),
                    sector=rng.choice(SECTORS),
                    sector2=rng.choice(SECTORS),
                    firm=rng.choice(FIRMS),
                    topic=rng.choice(TOPICS),
                    style=rng.choice(STYLES),
                    up=rng.choice(VERBS_UP),
                    down=rng.choice(VERBS_DOWN),
                    pct=f"{rng.uniform(0.1, 9):.2f}",
                    pct2=f"{rng.uniform(0.1, 9):.1f}",
                    amount=rng.randint(5, 250),
                    day=rng.choice(["Monday", "Tuesday", "Friday", "today"]),
                )
                for _ in range(rng.randint(3, 6))
            ]
            paragraphs.append(" ".join(sentences))
        text = f"Market wrap {i}: {rng.choice(TOPICS)} in focus\n\n" + "\n\n".join(paragraphs)
        sources.append(TextSource(text, f"generated-{i}"))
    return sources


class TimedEmbedder:
    """Wraps an embedder and accumulates the time spent in embed_documents."""

    def __init__(self, inner: LocalEmbedder) -> None:
        self.inner = inner
        self.name = inner.name
        self.seconds = 0.0

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        """Embed and time."""
        t0 = time.perf_counter()
        try:
            return self.inner.embed_documents(texts)
        finally:
            self.seconds += time.perf_counter() - t0

    def embed_query(self, text: str) -> list[float]:
        """Embed a query."""
        return self.inner.embed_query(text)


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=200, help="number of generated articles")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(home=Path(tmp) / "library")
        library = Library.open(settings)
        assert isinstance(library.embedder, LocalEmbedder)
        model = library.embedder.model  # load the model before timing anything
        model.encode(["warm up the model"], batch_size=settings.embed_batch_size)
        timed = TimedEmbedder(library.embedder)
        library.embedder = timed
        sources = generate(args.n, args.seed)

        t0 = time.perf_counter()
        outcomes = Ingestor(settings, library).run(sources, ArticleMeta(source="benchmark"))
        ingest_s = time.perf_counter() - t0

        added = [o for o in outcomes if o.status == "added"]
        texts = [p.text for p in library.catalog.passages()]
        t0 = time.perf_counter()
        model.encode(
            texts, batch_size=settings.embed_batch_size, normalize_embeddings=True, show_progress_bar=False
        )
        encode_s = time.perf_counter() - t0

    words = sum(len(t.split()) for t in texts)
    print(f"articles ingested      {len(added)} of {args.n}")
    print(f"passages               {len(texts)} (mean {words / max(len(texts), 1):.0f} words)")
    print(f"ingest wall time       {ingest_s:.2f} s")
    print(f"articles/s             {len(added) / ingest_s:.1f}")
    print(f"passages/s             {len(texts) / ingest_s:.1f}")
    print(f"embedding share        {timed.seconds / ingest_s:.1%} of ingest time ({timed.seconds:.2f} s)")
    print(f"raw model.encode       {encode_s:.2f} s on the same {len(texts)} passages")
    print(f"overhead ratio         {ingest_s / encode_s:.2f} (ingest time / raw encode time; target <= 1.3)")


if __name__ == "__main__":
    main()
