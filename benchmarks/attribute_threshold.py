"""Calibrate `Settings.attribute_similarity`: when may a sentence count as naming the asked attribute by
meaning alone (embedding cosine to the attribute's name), where none of the attribute's words appear?

For each development set (the seed questions over the seeds, the real questions over the real corpus) it
prints two things:

1. the evidence: for each answerable question with an attribute, whether its support sentences name the
   attribute in words and their best cosine to its name; for each near miss, the closest sentence (by
   that cosine) of the retrieved passages that name the question's things, and whether any of them names
   the attribute in words;
2. the trade-off: answer recall, citation precision, abstention and false abstention at each threshold
   (>1 turns the meaning fallback off).

    .venv/bin/python benchmarks/attribute_threshold.py [--shared ../shared] [--keep DIR]
                                                       [--thresholds 1.01,0.55,0.45,0.35,0.25]

`--keep DIR` builds the two libraries in DIR/seed and DIR/real once and reuses them on later runs.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.answer import Answerer
from assistant.cli_common import run_ingest
from assistant.cli_eval import qa_figures, run_qa
from assistant.evaluate import load_gold
from assistant.settings import Settings
from assistant.text import sentences_by_line
from ingest.pipeline import Source, TextSource
from vectorstore.library import Library


def _sentences(text: str) -> list[str]:
    """The text's sentences."""
    return [text[a:b] for spans in sentences_by_line(text).values() for a, b in spans]


def _library(home: Path, sources: list[Source]) -> tuple[Answerer, dict[str, tuple[str, str]]]:
    """An answerer over a library of the sources (reused when home already holds them)."""
    settings = Settings(home=home)
    outcomes = run_ingest(settings, sources)
    library = Library.open(settings)
    texts = {
        Path(o.item).name: (o.article_id, library.catalog.get(o.article_id).text)
        for o in outcomes
        if o.article_id
    }
    return Answerer(library, settings, chat=None), texts


def evidence(answerer: Answerer, rows: list[dict[str, Any]], texts: dict[str, tuple[str, str]]) -> None:
    """Print, per question with an attribute, how its sentences name it: in words, and by cosine."""
    embedder = answerer.library.embedder
    for row in rows:
        q = answerer.retriever.read(row["question"])
        if q.focus is None:
            continue
        focus = np.asarray(embedder.embed_query(q.focus.name))
        if row["answerable"]:
            found = [
                s
                for support in row["support"]
                for s in _sentences(texts[support["doc"]][1])
                if support["evidence"] in s or s in support["evidence"]
            ]
            label = "answerable"
        else:
            hits = answerer.retriever.retrieve(q, 5).hits
            found = [
                s
                for h in hits
                if all(c.found_in(h.passage.text) for c in q.required)
                for s in _sentences(h.passage.text)
            ]
            label = "near miss"
        if not found:
            print(f"  {label:10}  {'-':>5}  {'-':>6}  {q.focus.name:18}  {row['question'][:70]}")
            continue
        cosines = np.asarray(embedder.embed_documents(found)) @ focus
        words = any(q.focus.found_in(s) for s in found)
        print(f"  {label:10}  {words!s:>5}  {cosines.max():6.3f}  {q.focus.name:18}  {row['question'][:70]}")


def trade_off(
    answerer: Answerer, rows: list[dict[str, Any]], texts: dict[str, tuple[str, str]], thresholds: list[float]
) -> None:
    """Print the answer figures at each threshold."""
    heads = ("threshold", "recall@5", "cit.prec", "ans.rec", "abstain", "false abs")
    print("  " + "  ".join(f"{h:>{w}}" for h, w in zip(heads, (9, 8, 8, 7, 8, 9), strict=True)))
    for threshold in thresholds:
        answerer.settings = answerer.settings.model_copy(update={"attribute_similarity": threshold})
        figures = qa_figures(run_qa(answerer, rows, texts, extractive=True))
        shown = "off" if threshold > 1 else f"{threshold:.2f}"
        abstained, near = figures["abstention"]
        false, answerable = figures["false_abstention"]
        print(
            f"  {shown:>9}  {figures['recall_at_5']:8.3f}  {figures['citation_precision']:8.3f}  "
            f"{figures['answer_recall']:7.3f}  {f'{abstained}/{near}':>8}  {f'{false}/{answerable}':>9}"
        )


def main() -> None:
    """Evidence and trade-off on the seed and the real development sets."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--shared", type=Path, default=Path(__file__).resolve().parent.parent.parent / "shared"
    )
    parser.add_argument("--keep", type=Path, default=None)
    parser.add_argument("--thresholds", default="1.01,0.55,0.45,0.35,0.25")
    args = parser.parse_args()
    thresholds = [float(t) for t in args.thresholds.split(",")]
    eval_dir = args.shared / "eval"
    corpus = [json.loads(line) for line in (eval_dir / "real_corpus.jsonl").read_text().splitlines() if line]
    sets: list[tuple[str, Path, list[Source]]] = [
        ("seed", eval_dir / "seed_qa.jsonl", [args.shared / "seeds"]),
        ("real", eval_dir / "real_qa.jsonl", [TextSource(r["text"], r["doc"]) for r in corpus]),
    ]
    with tempfile.TemporaryDirectory(prefix="newsdesk-calibrate-") as tmp:
        root = args.keep or Path(tmp)
        for name, gold, sources in sets:
            answerer, texts = _library(root / name, sources)
            rows = load_gold(gold)
            print(f"\n{name}: {gold.name}, {len(rows)} questions")
            print(f"  {'question':10}  {'words':>5}  {'cosine':>6}  {'attribute':18}  text")
            evidence(answerer, rows, texts)
            trade_off(answerer, rows, texts, thresholds)


if __name__ == "__main__":
    main()
