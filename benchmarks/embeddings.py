"""The local embedding model's backends compared on this CPU: torch (sentence-transformers), onnx (fp32 on
ONNX Runtime) and onnx-int8 (the same, int8-quantised), each run in fresh subprocesses.

    .venv/bin/python benchmarks/embeddings.py [--passages 300] [--questions 60] [--rounds 3] [--threads 1 2]

Columns: the one-time export into an empty cache (onnx-int8: the quantisation on top of the fp32 export);
cold load (a new process: imports, model load and a first query vector; interpreter start not counted;
median of --rounds); passages/s (--passages real news paragraphs of ../shared/eval/real_corpus.jsonl, every
supporting paragraph of real_qa.jsonl among them, in batches of embed_batch_size, median of --rounds);
query p50 (one question at a time, the cache bypassed); agreement with torch: mean and min cosine of the
same texts' vectors (passages and questions), and for the questions of real_qa.jsonl the share of torch's
top-5 passages the backend also ranks top 5 (both sides embedded by the backend; "mixed": the backend's
question against torch's passage vectors, a library indexed by torch and searched by the backend); and
gold recall@5 (answerable questions with a supporting paragraph in the top 5). ONNX files go to a
temporary cache; NEWSDESK_MODEL_CACHE is not touched. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT.parent / "shared" / "eval"
BACKENDS = ("torch", "onnx", "onnx-int8")


def load_eval(n_passages: int, n_questions: int) -> tuple[list[str], list[str], list[dict[str, Any]]]:
    """Passage docs and texts (every supporting paragraph first, then corpus order) and the questions."""
    corpus = [json.loads(line) for line in (EVAL / "real_corpus.jsonl").open(encoding="utf-8")]
    questions = [json.loads(line) for line in (EVAL / "real_qa.jsonl").open(encoding="utf-8")][:n_questions]
    needed = {s["doc"] for q in questions for s in q["support"]}
    chosen = [r for r in corpus if r["doc"] in needed]
    chosen += [r for r in corpus if r["doc"] not in needed][: max(n_passages - len(chosen), 0)]
    return [r["doc"] for r in chosen], [r["text"] for r in chosen], questions


def worker_load(backend: str, cache: str) -> dict[str, float]:
    """Cold load in this fresh process: imports, model load and one query vector."""
    started = time.perf_counter()
    from vectorstore.embeddings import LocalEmbedder

    LocalEmbedder(backend=backend, model_cache=Path(cache)).embed_query("How did copper trade today?")
    return {"load_s": time.perf_counter() - started, "torch_imported": float("torch" in sys.modules)}


def worker_export(backend: str, cache: str) -> dict[str, float]:
    """Time the export (or the quantisation of an existing fp32 export) into cache."""
    from vectorstore.onnx_model import ensure_model

    started = time.perf_counter()
    ensure_model(Path(cache), quantized=backend == "onnx-int8")
    return {"export_s": time.perf_counter() - started}


def _encoder(backend: str, cache: str, threads: int | None) -> Any:
    """The backend's encoder, by default as LocalEmbedder loads it, or with the given intra-op threads."""
    if backend == "torch" or threads is None:
        from vectorstore.embeddings import LocalEmbedder

        model = LocalEmbedder(backend=backend, model_cache=Path(cache)).model
        if threads is not None:
            import torch

            torch.set_num_threads(threads)
        return model
    from vectorstore.onnx_model import load_encoder

    return load_encoder(Path(cache), quantized=backend == "onnx-int8", threads=threads)


def worker_run(backend: str, cache: str, out: str, args: argparse.Namespace) -> dict[str, float]:
    """Throughput and query latency; the vectors are saved to out for the parent to compare."""
    from assistant.settings import Settings

    batch = Settings().embed_batch_size
    _docs, texts, questions = load_eval(args.passages, args.questions)
    encoder = _encoder(backend, cache, args.worker_threads)
    encoder.encode(texts[:batch], batch_size=batch, normalize_embeddings=True)  # warm up
    rates = []
    for _ in range(args.rounds):
        started = time.perf_counter()
        passages = encoder.encode(texts, batch_size=batch, normalize_embeddings=True)
        rates.append(len(texts) / (time.perf_counter() - started))
    latencies, vectors = [], []
    for q in questions:
        started = time.perf_counter()
        vectors.append(encoder.encode([q["question"]], batch_size=1, normalize_embeddings=True)[0])
        latencies.append(time.perf_counter() - started)
    np.savez(out, passages=np.asarray(passages, dtype=np.float32), questions=np.asarray(vectors, np.float32))
    return {"passages_per_s": statistics.median(rates), "query_p50_ms": 1000 * statistics.median(latencies)}


def spawn(*argv: str) -> dict[str, float]:
    """Run this script in a new interpreter and read the JSON figures it prints last."""
    env = {**os.environ, "TOKENIZERS_PARALLELISM": "false"}
    done = subprocess.run(
        [sys.executable, __file__, *argv], capture_output=True, text=True, env=env, cwd=ROOT, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"worker {argv} failed:\n{done.stderr[-2000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def top5(queries: np.ndarray, passages: np.ndarray) -> np.ndarray:
    """Indices of each query's five nearest passages (unit vectors: dot product = cosine)."""
    return np.argsort(-(queries @ passages.T), axis=1)[:, :5]


def agreement(ref: dict[str, np.ndarray], got: dict[str, np.ndarray]) -> dict[str, float]:
    """Cosines between the same texts' vectors and the overlap of their top-5 passage lists."""
    cos = np.concatenate([(ref[k] * got[k]).sum(axis=1) for k in ("passages", "questions")])
    base = top5(ref["questions"], ref["passages"])
    own = top5(got["questions"], got["passages"])
    mixed = top5(got["questions"], ref["passages"])
    share = [len(set(a) & set(b)) / 5 for a, b in zip(base, own, strict=True)]
    share_mixed = [len(set(a) & set(b)) / 5 for a, b in zip(base, mixed, strict=True)]
    return {
        "cos_mean": float(cos.mean()),
        "cos_min": float(cos.min()),
        "top5": float(np.mean(share)),
        "top5_mixed": float(np.mean(share_mixed)),
    }


def gold_recall(vectors: dict[str, np.ndarray], docs: list[str], questions: list[dict[str, Any]]) -> float:
    """Share of answerable questions with a supporting paragraph among their top 5."""
    ranks = top5(vectors["questions"], vectors["passages"])
    hits = [
        any(docs[i] in {s["doc"] for s in q["support"]} for i in row)
        for q, row in zip(questions, ranks, strict=True)
        if q["answerable"]
    ]
    return sum(hits) / max(len(hits), 1)


def measure(
    backend: str, threads: int | None, cache: str, tmp: Path, args: argparse.Namespace
) -> dict[str, Any]:
    """Every figure of one backend (and ONNX thread count), each from fresh subprocesses."""
    extra = ["--worker-threads", str(threads)] if threads is not None else []
    common = [
        "--passages",
        str(args.passages),
        "--questions",
        str(args.questions),
        "--rounds",
        str(args.rounds),
    ]
    out = str(tmp / f"{backend}-{threads}.npz")
    row: dict[str, Any] = spawn("--worker", "run", backend, cache, out, *common, *extra)
    with np.load(out) as data:
        row["vectors"] = {k: data[k] for k in data.files}
    if threads is None:  # the thread count does not change the load time
        row["load_s"] = statistics.median(
            spawn("--worker", "load", backend, cache)["load_s"] for _ in range(args.rounds)
        )
    return row


def print_table(
    rows: list[tuple[str, dict[str, Any]]],
    ref: dict[str, np.ndarray],
    docs: list[str],
    questions: list[dict[str, Any]],
) -> None:
    """One line per backend, agreement measured against torch's vectors."""
    head = (
        f"{'backend':18} {'export s':>8} {'load s':>7} {'pass/s':>7} {'q p50 ms':>8} "
        f"{'cos mean':>8} {'cos min':>8} {'top5 =':>7} {'mixed':>6} {'recall@5':>8}"
    )
    print(head)
    print("-" * len(head))
    for label, row in rows:
        agree = agreement(ref, row["vectors"])
        recall = gold_recall(row["vectors"], docs, questions)
        export = f"{row['export_s']:.1f}" if "export_s" in row else "-"
        load = f"{row['load_s']:.2f}" if "load_s" in row else "-"
        print(
            f"{label:18} {export:>8} {load:>7} {row['passages_per_s']:7.1f} "
            f"{row['query_p50_ms']:8.1f} {agree['cos_mean']:8.4f} {agree['cos_min']:8.4f} "
            f"{agree['top5']:7.1%} {agree['top5_mixed']:6.1%} {recall:8.1%}"
        )


def main() -> None:
    """Measure every backend and print the table."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--passages", type=int, default=300)
    parser.add_argument("--questions", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--threads", type=int, nargs="*", default=[], help="intra-op thread counts to compare"
    )
    parser.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument("--worker-threads", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        kind, *rest = args.worker
        figures = {"load": worker_load, "export": worker_export}.get(kind)
        print(json.dumps(figures(*rest) if figures else worker_run(*rest, args)))
        return
    docs, _texts, questions = load_eval(args.passages, args.questions)
    load = os.getloadavg()[0]
    print(f"{len(docs)} passages, {len(questions)} questions, {os.cpu_count()} CPUs, load average {load:.1f}")
    with tempfile.TemporaryDirectory(prefix="newsdesk-embed-bench-") as tmp:
        cache = str(Path(tmp) / "cache")
        exports = {b: spawn("--worker", "export", b, cache)["export_s"] for b in BACKENDS[1:]}
        rows: list[tuple[str, dict[str, Any]]] = []
        for backend in BACKENDS:
            for threads in [None, *args.threads]:
                row = measure(backend, threads, cache, Path(tmp), args)
                if backend in exports and threads is None:
                    row["export_s"] = exports[backend]
                rows.append((backend if threads is None else f"{backend} ({threads} thr)", row))
        print_table(rows, rows[0][1]["vectors"], docs, questions)
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
