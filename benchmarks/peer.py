"""Side by side: newsdesk against LangChain's standard recipe on one corpus, printed as one table.

The peer is the LangChain docs' recipe: RecursiveCharacterTextSplitter(1000, 200, add_start_index=True),
Chroma.from_documents in a temporary folder, similarity_search(k=5).  Both embed with newsdesk's embedder,
loaded before any timing.  newsdesk ingests through Ingestor.run (the dated articles as a folder of .txt
files with a manifest, the undated wire paragraphs as TextSource) and retrieves as `ask` and `newsdesk
eval qa` do: Retriever.read + Retriever.retrieve(k=5), with no since/until (ask passes them only when
the user does); the bare Searcher.search(question, k=5) is shown too.

One corpus for both: shared/eval/real_corpus.jsonl (779 wire paragraphs), the 3 seeds (dated by their
manifest), examples/articles (as newsdesk's HTML extraction reads them) and N generated articles
(benchmarks/synthetic.py).  Every question of seed_qa and real_qa is asked of that one library; recall@5
counts the answerable ones, scored for both sides by assistant.evaluate's support_spans/hits_support on
(article, character span).  Each side runs in its own subprocess (peak RSS: its ru_maxrss).

    .venv/bin/python benchmarks/peer.py [--articles 500] [--seed 7] [--rounds 3] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from synthetic import synthetic_articles  # noqa: E402

EVAL = ROOT.parent / "shared" / "eval"
SEEDS = ROOT.parent / "shared" / "seeds"
SAMPLES = ROOT / "examples" / "articles"
QUESTION_SETS = ("seed_qa", "real_qa")
K = 5
CHUNK_SIZE, CHUNK_OVERLAP = 1000, 200  # the LangChain docs' RAG tutorial values
META_KEYS = ("title", "published", "source")
Hit = tuple[str, int, int]  # article id, span start, span end
Article = dict[str, Any]


# -- corpus and questions ---------------------------------------------------------------------------


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """One JSON object a line."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def real_articles() -> list[Article]:
    """The real wire paragraphs: text only, no title or date (as the eval README ingests them)."""
    return [
        {"doc": r["doc"], "text": r["text"], "wire": True} for r in read_jsonl(EVAL / "real_corpus.jsonl")
    ]


def seed_articles() -> list[Article]:
    """The seed pages as files hold them, with their manifest's title, source and date."""
    manifest = json.loads((SEEDS / "manifest.json").read_text(encoding="utf-8"))
    return [
        {
            "doc": p.name,
            "text": p.read_text(encoding="utf-8"),
            **{k: manifest[p.name].get(k) for k in META_KEYS},
        }
        for p in sorted(SEEDS.glob("*.txt"))
    ]


def sample_articles() -> list[Article]:
    """The sample HTML articles as newsdesk's extraction reads them (text, title, source, date)."""
    from assistant.settings import Settings
    from ingest.files import draft_from_file

    found = []
    for path in sorted(SAMPLES.glob("*.html")):
        draft = draft_from_file(path, Settings())
        meta = draft.meta.model_dump(mode="json", include=set(META_KEYS))
        found.append({"doc": path.with_suffix(".txt").name, "text": draft.text, **meta})
    return found


def build_corpus(n: int, seed: int) -> list[Article]:
    """Every article both sides ingest, in one order."""
    return [*real_articles(), *seed_articles(), *sample_articles(), *synthetic_articles(n, seed)]


def load_questions() -> list[dict[str, Any]]:
    """Every question of both sets, each marked with its set."""
    return [{**row, "set": name} for name in QUESTION_SETS for row in read_jsonl(EVAL / f"{name}.jsonl")]


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> None:
    """One JSON object a line."""
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")


def support_docs(questions: list[dict[str, Any]]) -> set[str]:
    """The documents the questions' support evidence lies in."""
    return {s["doc"] for q in questions for s in q.get("support", [])}


# -- timing, shared by both sides ---------------------------------------------------------------------


def warm_embedder(home: Path) -> Any:
    """newsdesk's embedder with its model loaded and run once, so no side times the model load."""
    from assistant.settings import Settings
    from vectorstore.embeddings import make_embedder

    embedder = make_embedder(Settings(home=home))
    embedder.embed_documents(["The index rose 1.2% on Friday as investors weighed rate cuts."])
    return embedder


class Timed:
    """An embedder that adds up the seconds spent embedding documents."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.name = inner.name
        self.seconds = 0.0
        self.cpu_seconds = 0.0

    def embed_documents(self, texts: Any) -> list[list[float]]:
        """Embed passages, timed (wall clock and this process's CPU time)."""
        started, cpu = time.perf_counter(), time.process_time()
        try:
            return self.inner.embed_documents(texts)
        finally:
            self.seconds += time.perf_counter() - started
            self.cpu_seconds += time.process_time() - cpu

    def embed_query(self, text: str) -> list[float]:
        """Embed a query (not timed: ingest embeds none)."""
        return self.inner.embed_query(text)


def time_questions(
    questions: list[dict[str, Any]], search: Callable[[str], list[Hit]], rounds: int
) -> dict[str, Any]:
    """One warm-up pass over the questions (timed apart), then rounds timed passes (wall clock and CPU
    time); the hits of the last."""
    first: list[float] = []
    warm: list[float] = []
    warm_cpu: list[float] = []
    hits: list[list[Hit]] = []
    for n in range(rounds + 1):
        hits = []
        for q in questions:
            started, cpu = time.perf_counter(), time.process_time()
            hits.append(search(q["question"]))
            (first if n == 0 else warm).append(time.perf_counter() - started)
            if n:
                warm_cpu.append(time.process_time() - cpu)
    return {"first": first, "warm": warm, "warm_cpu": warm_cpu, "hits": hits}


def peak_rss_mb() -> float:
    """This process's peak resident set size in MB (Linux reports KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# -- newsdesk ------------------------------------------------------------------------------------------


def write_folder(articles: list[Article], folder: Path) -> None:
    """The dated articles as .txt files with a manifest.json beside them, as a user's folder would be."""
    folder.mkdir(parents=True)
    manifest = {}
    for a in articles:
        (folder / a["doc"]).write_text(a["text"], encoding="utf-8")
        manifest[a["doc"]] = {k: a[k] for k in META_KEYS if a.get(k)}
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


def newsdesk_side(work: Path, rounds: int) -> dict[str, Any]:
    """Ingest through Ingestor.run, then time Retriever (ask's path) and the bare Searcher."""
    from assistant.retrieve import Retriever
    from assistant.settings import Settings
    from ingest.pipeline import Ingestor, TextSource
    from vectorstore.library import Library

    corpus, questions = read_jsonl(work / "corpus.jsonl"), read_jsonl(work / "questions.jsonl")
    home = work / "newsdesk-home"
    warm_embedder(home)
    write_folder([a for a in corpus if not a.get("wire")], work / "articles")
    wire = [TextSource(a["text"], a["doc"]) for a in corpus if a.get("wire")]
    settings = Settings(home=home, catalog_url=None, chroma_url=None, llm_extraction=False)
    load, started, cpu = os.getloadavg()[0], time.perf_counter(), time.process_time()
    library = Library.open(settings)
    library.embedder = timed = Timed(library.embedder)
    outcomes = Ingestor(settings, library).run([work / "articles", *wire])
    ingest_s, ingest_cpu = time.perf_counter() - started, time.process_time() - cpu
    library.embedder = timed.inner
    added = [o for o in outcomes if o.status == "added"]
    given = [o for o in outcomes if o.status != "skipped"]  # the manifest is skipped: not an article
    wanted = support_docs(questions)
    texts = {
        Path(o.item).name: (o.article_id, library.catalog.get(o.article_id).text)
        for o in outcomes
        if o.article_id and Path(o.item).name in wanted
    }
    retriever = Retriever(library, settings)

    def ask_path(question: str) -> list[Hit]:
        """Retrieval as `ask` runs it."""
        found = retriever.retrieve(retriever.read(question), K).hits
        return [(h.article.id, h.passage.span.start, h.passage.span.end) for h in found]

    def search_path(question: str) -> list[Hit]:
        """The hybrid search alone, on the question as asked."""
        found = retriever.searcher.search(question, k=K)
        return [(h.article.id, h.passage.span.start, h.passage.span.end) for h in found]

    asked = time_questions(questions, ask_path, rounds)
    searched = time_questions(questions, search_path, rounds)
    return {
        "articles": len(given),
        "added": len(added),
        "passages": sum(o.passages for o in added),
        "facts": sum(o.facts for o in added),
        "ingest_s": ingest_s,
        "ingest_cpu_s": ingest_cpu,
        "embed_s": timed.seconds,
        "embed_cpu_s": timed.cpu_seconds,
        "queries": asked,
        "search": searched,
        "load": (load, os.getloadavg()[0]),
        "texts": texts,
        "rss_mb": peak_rss_mb(),
    }


# -- the peer: LangChain's standard recipe -------------------------------------------------------------


def peer_side(work: Path, rounds: int) -> dict[str, Any]:
    """Split, Chroma.from_documents, similarity_search; chunks mapped back by doc and start_index."""
    from langchain_chroma import Chroma
    from langchain_core.documents import Document
    from langchain_core.embeddings import Embeddings
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    corpus, questions = read_jsonl(work / "corpus.jsonl"), read_jsonl(work / "questions.jsonl")
    inner = Timed(warm_embedder(work / "peer-home"))

    class NewsdeskEmbeddings(Embeddings):
        """newsdesk's embedder behind LangChain's Embeddings interface."""

        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            """Embed chunks."""
            return inner.embed_documents(texts)

        def embed_query(self, text: str) -> list[float]:
            """Embed a question."""
            return inner.embed_query(text)

    docs = [
        Document(a["text"], metadata={"doc": a["doc"], **{k: a[k] for k in META_KEYS if a.get(k)}})
        for a in corpus
    ]
    load, started, cpu = os.getloadavg()[0], time.perf_counter(), time.process_time()
    splitter = RecursiveCharacterTextSplitter(
        chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP, add_start_index=True
    )
    chunks = splitter.split_documents(docs)
    store = Chroma.from_documents(
        chunks, NewsdeskEmbeddings(), collection_name="peer", persist_directory=str(work / "peer-chroma")
    )
    ingest_s, ingest_cpu = time.perf_counter() - started, time.process_time() - cpu

    def search(question: str) -> list[Hit]:
        """similarity_search, each chunk as (doc, start, end) in its article."""
        found = store.similarity_search(question, k=K)
        return [
            (d.metadata["doc"], d.metadata["start_index"], d.metadata["start_index"] + len(d.page_content))
            for d in found
        ]

    wanted = support_docs(questions)
    asked = time_questions(questions, search, rounds)
    return {
        "articles": len(docs),
        "added": len(docs),
        "passages": len(chunks),
        "ingest_s": ingest_s,
        "ingest_cpu_s": ingest_cpu,
        "embed_s": inner.seconds,
        "embed_cpu_s": inner.cpu_seconds,
        "queries": asked,
        "load": (load, os.getloadavg()[0]),
        "texts": {a["doc"]: (a["doc"], a["text"]) for a in corpus if a["doc"] in wanted},
        "rss_mb": peak_rss_mb(),
    }


SIDES: dict[str, Callable[[Path, int], dict[str, Any]]] = {"newsdesk": newsdesk_side, "peer": peer_side}


# -- the parent: run both, score both with one function, print one table -------------------------------


def run_side(side: str, work: Path, rounds: int) -> dict[str, Any]:
    """Run one side in a fresh interpreter and read back what it measured."""
    env = {**os.environ, "ANONYMIZED_TELEMETRY": "False", "TOKENIZERS_PARALLELISM": "false"}
    command = [sys.executable, __file__, "--side", side, "--work", str(work), "--rounds", str(rounds)]
    print(f"running the {side} side ...", file=sys.stderr, flush=True)
    subprocess.run(command, check=True, env=env)
    return json.loads((work / f"{side}.json").read_text(encoding="utf-8"))


def hits_per_question(questions: list[dict[str, Any]], result: dict[str, Any], key: str) -> list[bool]:
    """For each question, whether a top-5 passage overlaps its support (newsdesk's scoring rule)."""
    from assistant.evaluate import hits_support, support_spans
    from assistant.models import Span

    texts = {doc: (aid, text) for doc, (aid, text) in result["texts"].items()}
    found = []
    for q, hits in zip(questions, result[key]["hits"], strict=True):
        supports = support_spans(q, texts)
        found.append(any(hits_support(aid, Span(start=s, end=e), supports) for aid, s, e in hits))
    return found


def recall(questions: list[dict[str, Any]], hit: list[bool], name: str) -> tuple[int, int]:
    """Answerable questions of one set with support in the top 5, and how many there are."""
    rows = [h for q, h in zip(questions, hit, strict=True) if q["set"] == name and q["answerable"]]
    return sum(rows), len(rows)


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (as benchmarks/ask.py reads it), in milliseconds."""
    ordered = sorted(values)
    return 1000 * ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def figures(result: dict[str, Any], questions: list[dict[str, Any]], key: str) -> dict[str, Any]:
    """One side's figures for one retrieval path: latencies in ms, recall per set as (hits, answerable)."""
    timed = result[key]
    hit = hits_per_question(questions, result, key)
    return {
        "rate": result["articles"] / result["ingest_s"],
        "cpu_rate": result["articles"] / result["ingest_cpu_s"],
        "p50": percentile(timed["warm"], 0.5),
        "p95": percentile(timed["warm"], 0.95),
        "cpu95": percentile(timed["warm_cpu"], 0.95),
        "first50": percentile(timed["first"], 0.5),
        "first95": percentile(timed["first"], 0.95),
        "rss": result["rss_mb"],
        **{name: recall(questions, hit, name) for name in QUESTION_SETS},
    }


def row(name: str, ours: float, theirs: float, fmt: str, target: str = "—", met: bool | None = None) -> str:
    """One Markdown row: both figures, their ratio, the target and whether it is met."""
    ratio = f"{ours / theirs:.2f}" if theirs else "—"
    verdict = "—" if met is None else ("yes" if met else "**no**")
    return f"| {name} | {ours:{fmt}} | {theirs:{fmt}} | {ratio} | {target} | {verdict} |"


def recall_row(name: str, ours: tuple[int, int], theirs: tuple[int, int], target: bool) -> str:
    """One Markdown row for recall@5: share and count on each side."""
    (a, n), (b, m) = ours, theirs
    ratio = f"{a / b:.2f}" if b else "—"
    verdict = ("yes" if a > b else "**no**") if target else "—"
    goal = "> peer" if target else "—"
    return f"| {name} | {a / n:.3f} ({a}/{n}) | {b / m:.3f} ({b}/{m}) | {ratio} | {goal} | {verdict} |"


def table(nd: dict[str, Any], peer: dict[str, Any], questions: list[dict[str, Any]]) -> list[str]:
    """The side-by-side table as Markdown lines."""
    ours, theirs = figures(nd, questions, "queries"), figures(peer, questions, "queries")
    alone = figures(nd, questions, "search")
    answerable = {name: ours[name][1] for name in QUESTION_SETS}
    return [
        "| measure | newsdesk | peer | newsdesk / peer | target | met |",
        "|---|---:|---:|---:|---|---|",
        f"| articles given / stored | {nd['articles']} / {nd['added']} ({nd['passages']} passages, "
        f"{nd['facts']} facts) | {peer['articles']} / {peer['added']} ({peer['passages']} chunks) | | | |",
        row(
            "ingest, articles/s (newsdesk incl. rule-based fact extraction)",
            ours["rate"],
            theirs["rate"],
            ".1f",
            ">= 1.00",
            ours["rate"] >= theirs["rate"],
        ),
        row("ingest, articles per CPU-second", ours["cpu_rate"], theirs["cpu_rate"], ".1f"),
        row("ingest wall time, s", nd["ingest_s"], peer["ingest_s"], ".1f"),
        row("ingest CPU time, s", nd["ingest_cpu_s"], peer["ingest_cpu_s"], ".1f"),
        row("of which embedding passages, CPU s", nd["embed_cpu_s"], peer["embed_cpu_s"], ".1f"),
        row("query p50, warm, ms", ours["p50"], theirs["p50"], ".1f"),
        row(
            "query p95, warm, ms",
            ours["p95"],
            theirs["p95"],
            ".1f",
            "<= 1.50",
            ours["p95"] <= 1.5 * theirs["p95"],
        ),
        row("query p95, warm, CPU ms", ours["cpu95"], theirs["cpu95"], ".1f"),
        row("query p50, first time asked, ms", ours["first50"], theirs["first50"], ".1f"),
        row("query p95, first time asked, ms", ours["first95"], theirs["first95"], ".1f"),
        row("peak RSS, MB", ours["rss"], theirs["rss"], ".0f"),
        *(
            recall_row(f"recall@5, {name} ({answerable[name]} answerable)", ours[name], theirs[name], True)
            for name in QUESTION_SETS
        ),
        row("Searcher.search alone: query p95, warm, ms", alone["p95"], theirs["p95"], ".1f"),
        *(
            recall_row(f"Searcher.search alone: recall@5, {name}", alone[name], theirs[name], False)
            for name in QUESTION_SETS
        ),
    ]


def disagreements(questions: list[dict[str, Any]], nd: dict[str, Any], peer: dict[str, Any]) -> list[str]:
    """Answerable questions where one side has support in its top 5 and the other has not."""
    ours, theirs = hits_per_question(questions, nd, "queries"), hits_per_question(questions, peer, "queries")
    return [
        f"  {'newsdesk only' if a else 'peer only':13}  [{q['set']}] {q['question']}"
        for q, a, b in zip(questions, ours, theirs, strict=True)
        if q["answerable"] and a != b
    ]


def report(nd: dict[str, Any], peer: dict[str, Any], questions: list[dict[str, Any]], args: Any) -> None:
    """Print the table and the questions the sides disagree on."""
    print(
        f"corpus: {nd['articles']} articles ({args.articles} generated, seed {args.seed}); "
        f"{len(questions)} questions; latency over {args.rounds} warm passes after one warm-up pass; k = {K}"
    )
    print("\n".join(table(nd, peer, questions)))
    if nd["articles"] > nd["added"]:
        print(f"newsdesk: {nd['articles'] - nd['added']} articles not stored (duplicates or failures)")
    print(
        f"first query after ingest: newsdesk {1000 * nd['queries']['first'][0]:.0f} ms, "
        f"peer {1000 * peer['queries']['first'][0]:.0f} ms; 1-minute load average at the start and end "
        f"of each side (this machine has {os.cpu_count()} cores): newsdesk {nd['load'][0]:.1f} -> "
        f"{nd['load'][1]:.1f}, peer {peer['load'][0]:.1f} -> {peer['load'][1]:.1f}"
    )
    print("\nanswerable questions where the two sides disagree (support in the top 5):")
    print("\n".join(disagreements(questions, nd, peer)) or "  none")


def main() -> None:
    """Parent: build the corpus, run each side in its own process, print the table; child: run a side."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=500, help="generated articles added to the corpus")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--rounds", type=int, default=3, help="timed passes over the questions")
    parser.add_argument("--keep", type=Path, help="work in this (new) folder and keep it: libraries, results")
    parser.add_argument("--side", choices=sorted(SIDES), help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.side:
        result = SIDES[args.side](args.work, args.rounds)
        print(
            f"{args.side}: {result['articles']} articles in {result['ingest_s']:.1f} s",
            file=sys.stderr,
            flush=True,
        )
        (args.work / f"{args.side}.json").write_text(json.dumps(result), encoding="utf-8")
        return
    with tempfile.TemporaryDirectory(prefix="newsdesk-peer-") as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        questions = load_questions()
        write_jsonl(work / "corpus.jsonl", build_corpus(args.articles, args.seed))
        write_jsonl(work / "questions.jsonl", questions)
        nd, peer = run_side("newsdesk", work, args.rounds), run_side("peer", work, args.rounds)
    report(nd, peer, questions, args)


if __name__ == "__main__":
    main()
