"""Cold-start benchmark of the CLI: each command run N times, each run a fresh `newsdesk` process.

Times `newsdesk --help`, `newsdesk articles`, `newsdesk facts` and `newsdesk ask QUESTION --extractive`
(extractive so that no LLM call is timed) against a library, and prints per command the mean and the
minimum wall time, and the mean CPU time (user + system) of the process, steadier on a busy machine.
Targets: --help and articles under 0.3 s, facts under 0.5 s on a small library. It asserts nothing:
tests/test_cold_start.py checks what the commands import, not how long they take.

    .venv/bin/python benchmarks/cold_start.py [-n 5] [--home LIBRARY] [--question "..."]

Without --home, a temporary library is built once by ingesting examples/articles (not timed) and
removed afterwards.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "articles"
QUESTION = "why did small caps outperform on Feb 6?"


def newsdesk() -> list[str]:
    """The console script installed beside this interpreter, else the same entry point through -c."""
    script = Path(sys.executable).with_name("newsdesk")
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-c", "from assistant.cli import main; main()"]


def cpu_of_children() -> float:
    """User + system seconds of the finished child processes so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(home: Path, args: list[str]) -> tuple[float, float]:
    """Wall and CPU time of one `newsdesk --home HOME ARGS` process; a failing command stops the benchmark."""
    command = [*newsdesk(), "--home", str(home), *args]
    cpu, started = cpu_of_children(), time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
    elapsed, cpu = time.perf_counter() - started, cpu_of_children() - cpu
    if done.returncode != 0:
        raise SystemExit(f"`{' '.join(command)}` failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return elapsed, cpu


def build_library(home: Path) -> None:
    """Ingest the sample articles into home (once, not timed)."""
    print(f"building a library in {home} from {EXAMPLES} ...", flush=True)
    done = subprocess.run(
        [*newsdesk(), "--home", str(home), "ingest", str(EXAMPLES)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"ingest failed ({done.returncode}):\n{done.stdout[-2000:]}{done.stderr[-2000:]}")


def bench(home: Path, runs: int, warmup: int, question: str) -> None:
    """Time every command and print the table."""
    commands = {
        "newsdesk --help": ["--help"],
        "newsdesk articles": ["articles"],
        "newsdesk facts": ["facts"],
        f'newsdesk ask "{question}" --extractive': ["ask", question, "--extractive"],
    }
    rows = []
    for label, args in commands.items():
        for _ in range(warmup):  # file caches warm: what is measured is the interpreter's start and imports
            run(home, args)
        measured = [run(home, args) for _ in range(runs)]
        walls = [wall for wall, _ in measured]
        rows.append((label, statistics.mean(walls), min(walls), statistics.mean(c for _, c in measured)))
        print(f"  {label}: mean {rows[-1][1]:.3f} s", file=sys.stderr, flush=True)
    width = max(len(row[0]) for row in rows)
    print(
        f"\n{'command':<{width}}  {'mean s':>7}  {'min s':>7}  {'cpu s':>7}   "
        f"({runs} runs, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f})"
    )
    for label, mean, least, cpu in rows:
        print(f"{label:<{width}}  {mean:>7.3f}  {least:>7.3f}  {cpu:>7.3f}")


def main() -> None:
    """Parse the options, find or build the library, run the benchmark."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-n", "--runs", type=int, default=5, help="timed runs per command (default 5)")
    parser.add_argument("--warmup", type=int, default=1, help="untimed runs per command first (default 1)")
    parser.add_argument("--home", type=Path, help="library to run against (default: a temporary one)")
    parser.add_argument("--question", default=QUESTION, help="the question `ask` is timed with")
    options = parser.parse_args()
    if options.home is not None:
        if not options.home.is_dir():
            raise SystemExit(f"{options.home}: no such library folder (leave out --home to build one)")
        bench(options.home, options.runs, options.warmup, options.question)
        return
    with tempfile.TemporaryDirectory(prefix="newsdesk-cold-start-") as tmp:
        build_library(Path(tmp))
        bench(Path(tmp), options.runs, options.warmup, options.question)


if __name__ == "__main__":
    main()
