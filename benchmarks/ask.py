"""Warm `ask` latency on the sample library: the model loaded once (as the app keeps it), then every
question of a mixed set asked several times in extractive mode.  Prints each question's first time (its
sentences not yet embedded) and its repeats (the embedder's cache holds them), with p50 / p95 / max of
each.  Target: every warm extractive answer under 1 s.

    .venv/bin/python benchmarks/ask.py [--home DIR] [--rounds 3]

Without --home it builds the sample library (examples/articles) in a temporary folder.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.answer import Answerer
from assistant.cli_common import run_ingest
from assistant.settings import Settings
from vectorstore.library import Library

SAMPLES = Path(__file__).resolve().parent.parent / "examples" / "articles"
QUESTIONS = [
    "Why did small caps outperform on Feb 6?",  # cause, a day
    "How much does Amazon plan to spend on AI in 2026?",  # figure, a member of a group
    "Which sectors led the market on February 6?",  # list
    "Which rose more on Feb 6, the Russell 2000 or the Nasdaq 100?",  # comparison
    "What did the Fed decide on rates in January?",  # rate decision
    "How low did Bitcoin fall?",  # level
    "What dividend did Microsoft propose?",  # near miss: abstains
    "What did the ECB decide in March 2026?",  # not in the library: abstains
]


def main() -> None:
    """Time warm extractive answers on the sample library."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--home", type=Path, default=None)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="newsdesk-ask-") as tmp:
        settings = Settings(home=args.home or Path(tmp))
        run_ingest(settings, [SAMPLES])
        started = time.perf_counter()
        answerer = Answerer(Library.open(settings), settings, chat=None)
        answerer.ask(QUESTIONS[0], extractive=True)
        print(
            f"cold: open the library, load the model and answer once: {time.perf_counter() - started:.2f} s"
        )
        first: list[float] = []
        again: list[float] = []
        print(f"{'first s':>8}  {'again s':>8}  {'answer':9}  question")
        for question in QUESTIONS:
            times = []
            for _ in range(args.rounds):
                t = time.perf_counter()
                answer = answerer.ask(question, extractive=True)
                times.append(time.perf_counter() - t)
            first.append(times[0])
            again.extend(times[1:])
            shown = "abstains" if answer.abstained else f"{len(answer.citations)} cites"
            print(f"{times[0]:8.3f}  {statistics.median(times[1:] or times):8.3f}  {shown:9}  {question}")
        for label, found in (("a question first asked", first), ("a question asked again", again)):
            if found:
                found.sort()
                p95 = found[min(len(found) - 1, round(0.95 * (len(found) - 1)))]
                print(f"warm ask, {label}: p50 {statistics.median(found):.3f} s, p95 {p95:.3f} s, ", end="")
                print(f"max {found[-1]:.3f} s over {len(found)} (target: under 1 s)")


if __name__ == "__main__":
    main()
