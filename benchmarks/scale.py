"""Growth benchmark: one library grown to 1k, 10k and 100k passages through the real ingest pipeline.

At each size it prints one row: ingest throughput of the increment that reached the size (articles/s and
passages/s through `Ingestor.run`: the local embedding model, the rules extractor, catalog + Chroma writes),
warm retrieval latency (`Searcher.search(q, k=5)`, a third of the queries with a since/until range), warm
extractive `ask` latency (`Answerer(library, settings).ask(..., extractive=True)`, as `newsdesk ask
--extractive` builds it), peak RSS, the library folder's size on disk, and how query p95 grew against the
passages.  Targets at 100k passages: retrieval p95 <= 100 ms, ask p95 <= 500 ms (warm).  A second table
shows where each increment's ingest time went (embedding, Chroma upserts, catalog writes, fact extraction).

The corpus is synthetic wire copy written here: short dated briefs of 15-50 words (one passage each; one
in ten a round-up of five stories, one or two passages) about ~4,000 invented companies, invented indexes,
central banks, brokers and tokens, real sectors and commodities, publication dates spread over 2024-2025.
Items come in blocks of 48 (one wire's items of one day, ingested by one `Ingestor.run` with the day as the
published override: one embedding batch), and each block is a pure function of (seed, block number), so a
library can be grown, or re-measured, from any size.

    .venv/bin/python benchmarks/scale.py --sizes 1000,10000,100000 --home /dev/shm/newsdesk-scale

--home reuses an existing library: a size it already holds is measured without ingesting anything (without
--home, a temporary folder is used and removed).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scale_corpus import (
    BLOCK,
    QUESTION_BLOCKS,
    QUESTIONS,
    Query,
    World,
    make_queries,
    make_world,
    wire_block,
)

from assistant.answer import Answerer
from assistant.models import ArticleMeta
from assistant.search import Searcher
from assistant.settings import Settings
from ingest.pipeline import Ingestor, TextSource
from vectorstore.library import Library

_WATCH_LOCK = threading.Lock()
RETRIEVAL_P95_MS = 100.0
ASK_P95_MS = 500.0


@dataclass
class Step:
    """What one ingest increment did."""

    articles: int = 0
    passages: int = 0
    failed: int = 0
    seconds: float = 0.0
    reused: bool = False
    split: dict[str, float] = field(default_factory=dict)  # seconds in each clocked part


@dataclass
class Row:
    """The figures of one size."""

    articles: int
    passages: int
    step: Step
    search_ms: list[float] = field(default_factory=list)
    dated_ms: list[float] = field(default_factory=list)
    ask_ms: list[float] = field(default_factory=list)
    hits: int = 0
    cited: int = 0
    answered: int = 0
    rss_mb: float = 0.0
    disk_mb: float = 0.0
    load: float = 0.0


def clock(owner: object, method: str, watch: dict[str, float], key: str) -> None:
    """Make owner.method add the seconds of each call to watch[key] (an instance attribute over it)."""
    inner = getattr(owner, method)

    def clocked(*args: object, **kwargs: object) -> object:
        started = time.perf_counter()
        try:
            return inner(*args, **kwargs)
        finally:
            with _WATCH_LOCK:  # embedding may run on the pipeline's worker thread
                watch[key] = watch.get(key, 0.0) + time.perf_counter() - started

    setattr(owner, method, clocked)


def clock_ingest(ingestor: Ingestor, library: Library) -> dict[str, float]:
    """Clock the parts of an ingest: embedding, Chroma upserts, catalog + Chroma writes, fact extraction."""
    watch: dict[str, float] = {}
    clock(library.embedder, "embed_documents", watch, "embed")
    clock(library.index, "add", watch, "chroma")
    clock(library, "add_all" if hasattr(library, "add_all") else "add", watch, "store")
    clock(ingestor.extraction, "run", watch, "facts")
    return watch


def grow(
    ingestor: Ingestor, library: Library, world: World, seed: int, target: int, watch: dict[str, float]
) -> Step:
    """Ingest blocks until the library holds at least target passages; what the increment did."""
    watch.clear()
    passages, articles, _latest = library.catalog.version()
    step = Step(reused=passages >= target)
    block = articles // BLOCK
    started = time.perf_counter()
    last_report = started
    while passages < target:
        day, source, items = wire_block(world, seed, block)
        sources = [TextSource(item.text, item.label) for item in items]
        for outcome in ingestor.run(sources, ArticleMeta(published=day, source=source)):
            if outcome.status == "added":
                step.articles += 1
                step.passages += outcome.passages
                passages += outcome.passages
            elif outcome.status == "failed":
                step.failed += 1
        block += 1
        now = time.perf_counter()
        if now - last_report > 60:
            rate = step.passages / (now - started)
            eta = (target - passages) / rate if rate else 0
            note(f"  {passages:,} passages, {rate:.1f} passages/s, {eta / 60:.1f} min to {target:,}")
            last_report = now
    step.seconds = time.perf_counter() - started
    step.split = dict(watch)
    return step


def timed(call: Callable[[], object]) -> tuple[float, object]:
    """Milliseconds one call took, and its result."""
    started = time.perf_counter()
    result = call()
    return (time.perf_counter() - started) * 1000, result


def measure(library: Library, settings: Settings, queries: list[Query], row: Row, rounds: int) -> None:
    """Warm-up pass, then timed passes of search and extractive ask over every query."""
    searcher = Searcher(library, settings)
    answerer = Answerer(library, settings)

    def search(q: Query) -> object:
        return searcher.search(q.text, k=5, since=q.since, until=q.until)

    def ask(q: Query) -> object:
        return answerer.ask(q.text, 5, q.since, q.until, extractive=True)

    for q in queries:
        search(q)
        ask(q)
    for _ in range(rounds):
        for q in queries:
            ms, hits = timed(lambda q=q: search(q))  # type: ignore[misc]
            (row.dated_ms if q.since else row.search_ms).append(ms)
            row.hits += any(h.article.id == q.article_id for h in hits)  # type: ignore[attr-defined]
        for q in queries:
            ms, answer = timed(lambda q=q: ask(q))  # type: ignore[misc]
            row.ask_ms.append(ms)
            row.answered += not answer.abstained  # type: ignore[attr-defined]
            row.cited += any(c.article.id == q.article_id for c in answer.citations)  # type: ignore[attr-defined]
    row.rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    row.disk_mb = disk_bytes(settings.home) / 2**20
    row.load = os.getloadavg()[0]


def disk_bytes(folder: Path) -> int:
    """Bytes allocated to the files under folder (as du counts them)."""
    return sum(p.lstat().st_blocks * 512 for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def pct(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) of values, linear interpolation."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    pos = (len(ordered) - 1) * q / 100
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def note(text: str) -> None:
    """A progress line on stderr, flushed (the run is polled from a log)."""
    print(text, file=sys.stderr, flush=True)


def filesystem(path: Path) -> str:
    """The type of the file system holding path (tmpfs, ext4, ...), from /proc/mounts."""
    best, kind = "", "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/mounts").read_text().splitlines():
            _device, mount, fstype, *_rest = line.split()
            inside = str(path.resolve()).startswith(mount.rstrip("/") + "/")
            if inside and len(mount) > len(best):
                best, kind = mount, fstype
    return kind


def revision() -> str:
    """The checkout's commit (short hash, "+changes" when tracked files are edited), or "unknown"."""
    here = Path(__file__).resolve().parent

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=here, capture_output=True, text=True, check=False)
        return done.stdout.strip()

    with contextlib.suppress(OSError, subprocess.SubprocessError):
        commit = git("rev-parse", "--short", "HEAD") or "unknown"
        return commit + (" +changes" if git("status", "--porcelain", "--untracked-files=no") else "")
    return "unknown"


def header(settings: Settings, args: argparse.Namespace, library: Library, ingestor: Ingestor) -> list[str]:
    """The run's setup: backend, machine, library folder."""
    import chromadb

    backend = getattr(settings, "embedding_backend", "n/a")
    catalog = settings.resolved_catalog_url.split(":")[0]
    return [
        f"embedder {settings.embedder} ({library.embedder.name}), backend {backend}; extractors "
        f"{', '.join(ingestor.extraction.names)}; chroma {chromadb.__version__}; catalog {catalog}",
        f"machine {os.cpu_count()} cores, python {platform.python_version()}, "
        f"load average {os.getloadavg()[0]:.1f} at start; commit {revision()}; library {settings.home} "
        f"({filesystem(settings.home)})",
        f"corpus seed {args.seed}: blocks of {BLOCK} dated wire items, {QUESTIONS} questions "
        f"(a third with a since/until range), {args.rounds} timed round(s) after one warm-up pass",
    ]


def table(rows: list[Row]) -> list[str]:
    """The markdown table of every size."""
    lines = [
        "| passages | articles | ingest articles/s | ingest passages/s | search p50 / p95 ms "
        "| dated search p95 ms | ask p50 / p95 ms | search hit@5 | ask cites source | peak RSS MB "
        "| disk MB | p95 growth (search, ask) vs passages |",
        "|" + "---:|" * 12,
    ]
    for n, row in enumerate(rows):
        every = row.search_ms + row.dated_ms
        if row.step.reused:
            ingest = ("reused", "reused")
        else:
            secs = max(row.step.seconds, 1e-9)
            ingest = (f"{row.step.articles / secs:.1f}", f"{row.step.passages / secs:.1f}")
        growth = "-"
        if n:
            prev = rows[n - 1]
            growth = (
                f"x{pct(every, 95) / pct(prev.search_ms + prev.dated_ms, 95):.2f}, "
                f"x{pct(row.ask_ms, 95) / pct(prev.ask_ms, 95):.2f} vs x{row.passages / prev.passages:.1f}"
            )
        total = len(every)
        lines.append(
            f"| {row.passages:,} | {row.articles:,} | {ingest[0]} | {ingest[1]} "
            f"| {pct(every, 50):.1f} / {pct(every, 95):.1f} | {pct(row.dated_ms, 95):.1f} "
            f"| {pct(row.ask_ms, 50):.1f} / {pct(row.ask_ms, 95):.1f} | {row.hits}/{total} "
            f"| {row.cited}/{len(row.ask_ms)} | {row.rss_mb:,.0f} | {row.disk_mb:,.0f} | {growth} |"
        )
    return lines


def split_table(rows: list[Row]) -> list[str]:
    """Where each increment's ingest time went (each part's busy time over the wall time: with embedding
    on a worker thread they overlap), and the machine's load when the size was measured."""
    lines = [
        "| passages | ingest s | embedding | Chroma upserts | catalog writes | fact extraction "
        "| other (chunking, checks) | load average |",
        "|" + "---:|" * 8,
    ]
    for row in rows:
        secs, split = row.step.seconds, row.step.split
        if row.step.reused or not secs:
            shares = ["-"] * 5
        else:
            parts = [
                split.get("embed", 0.0),
                split.get("chroma", 0.0),
                split.get("store", 0.0) - split.get("chroma", 0.0),
                split.get("facts", 0.0),
            ]
            rest = secs - sum(parts)  # negative when embedding overlaps the rest on a worker thread
            shares = [f"{p / secs:.0%}" for p in [*parts, rest]] if rest >= 0 else []
            shares = shares or [f"{p / secs:.0%}" for p in parts] + ["overlapped"]
        lines.append(f"| {row.passages:,} | {secs:,.0f} | {' | '.join(shares)} | {row.load:.1f} |")
    return lines


def verdicts(rows: list[Row]) -> list[str]:
    """Targets at the largest size and whether query p95 grew sub-linearly with the passages."""
    last = rows[-1]
    search95, ask95 = pct(last.search_ms + last.dated_ms, 95), pct(last.ask_ms, 95)
    lines = [
        f"targets at {last.passages:,} passages (warm): retrieval p95 {search95:.1f} ms <= "
        f"{RETRIEVAL_P95_MS:.0f} ms: {'met' if search95 <= RETRIEVAL_P95_MS else 'NOT met'}; ask p95 "
        f"{ask95:.1f} ms <= {ASK_P95_MS:.0f} ms: {'met' if ask95 <= ASK_P95_MS else 'NOT met'}",
    ]
    if len(rows) > 1:
        first = rows[0]
        passages = last.passages / first.passages
        search = search95 / pct(first.search_ms + first.dated_ms, 95)
        ask = ask95 / pct(first.ask_ms, 95)
        sub = search < passages and ask < passages
        lines.append(
            f"query p95 grew x{search:.2f} (search) and x{ask:.2f} (ask) while passages grew "
            f"x{passages:.1f}: sub-linear: {'yes' if sub else 'no'}"
        )
    failed = sum(r.step.failed for r in rows)
    if failed:
        lines.append(f"{failed} items failed to ingest")
    return lines


def parse_args() -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1000,10000,100000", help="passage counts, ascending")
    parser.add_argument("--home", type=Path, default=None, help="library folder to grow or reuse (kept)")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--rounds", type=int, default=1, help="timed passes over the questions")
    return parser.parse_args()


def main() -> None:
    """Grow the library size by size, measure after each step, print one table."""
    args = parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    home = args.home or Path(tempfile.mkdtemp(prefix="newsdesk-scale-"))
    try:
        settings = Settings(home=home)
        library = Library.open(settings)
        library.embedder.embed_documents(["load the model before timing anything"])
        ingestor = Ingestor(settings, library)
        watch = clock_ingest(ingestor, library)
        world = make_world(args.seed)
        lines = header(settings, args, library, ingestor)
        for line in lines:
            note(line)
        rows: list[Row] = []
        queries: list[Query] = []
        for size in sizes:
            note(f"growing to {size:,} passages")
            step = grow(ingestor, library, world, args.seed, size, watch)
            passages, articles, _latest = library.catalog.version()
            if not queries:
                queries = make_queries(world, args.seed, min(QUESTION_BLOCKS, max(1, articles // BLOCK)))
            row = Row(articles, passages, step)
            note(f"measuring at {passages:,} passages ({step.seconds:.0f} s of ingest)")
            measure(library, settings, queries, row, args.rounds)
            rows.append(row)
            note("\n".join(table(rows)[-1:]))
        print("\n".join([*lines, "", *table(rows), "", *split_table(rows), "", *verdicts(rows)]))
    finally:
        if args.home is None:
            shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
