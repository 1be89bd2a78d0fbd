"""App latency benchmark: `newsdesk ui` on the sample library, timed in Debian's Chromium via Playwright.

Prints how long an analyst waits for: the first page, the first answer (the server also loads the
embedding model then), a warm answer to another question, opening a citation, the facts page with its
charts and tables, and the library page.

    .venv/bin/python benchmarks/ui.py [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx
from playwright.sync_api import Page, expect, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.settings import Settings  # noqa: E402
from ingest.pipeline import Ingestor  # noqa: E402
from vectorstore.library import Library  # noqa: E402

CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update"]
QUESTIONS = [
    "why did small caps outperform on Feb 6?",
    "how much will Amazon spend on AI in 2026?",
    "what did the Fed decide in January?",
]


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_app(home: Path, port: int) -> subprocess.Popen[bytes]:
    """`newsdesk ui` on port, once its health check answers."""
    newsdesk = str(Path(sys.executable).parent / "newsdesk")
    args = ["--server.port", str(port), "--server.headless", "true", "--server.address", "127.0.0.1"]
    process = subprocess.Popen(
        [newsdesk, "--home", str(home), "ui", *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/_stcore/health", timeout=2).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.2)
    process.terminate()
    raise SystemExit("newsdesk ui did not start within 90 s")


def settled(page: Page) -> None:
    """Wait until the app's run has finished."""
    expect(page.locator("[data-testid='stStatusWidget']")).to_have_count(0)


def timed(action: Callable[[], None]) -> float:
    """Seconds action takes."""
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def ask(page: Page, question: str, nth: int) -> None:
    """Type question into the chat and wait for its answer's sources."""
    box = page.get_by_placeholder("Ask about the markets", exact=False)
    box.fill(question)
    box.press("Enter")
    expect(page.get_by_text("Sources", exact=False)).to_have_count(nth)
    settled(page)


def one_round(page: Page, url: str) -> dict[str, float]:
    """One visit: first page, three questions, a citation, the facts and library pages."""
    out: dict[str, float] = {}
    out["first page"] = timed(
        lambda: (page.goto(url), expect(page.get_by_text("Try one of these")).to_be_visible())
    )
    settled(page)
    out["first answer"] = timed(lambda: ask(page, QUESTIONS[0], 1))
    out["next answer"] = statistics.mean(
        timed(lambda q=q, n=n: ask(page, q, n)) for n, q in enumerate(QUESTIONS[1:], 2)
    )
    citation = page.locator("[data-testid='stExpander'] summary").first
    out["open a citation"] = timed(
        lambda: (citation.click(), expect(page.locator("mark").first).to_be_visible())
    )
    sidebar = page.locator("[data-testid='stSidebar']")

    def facts() -> None:
        sidebar.get_by_text("Facts", exact=False).first.click()
        expect(page.locator("[data-testid='stVegaLiteChart']").first).to_be_visible()
        settled(page)

    def library() -> None:
        sidebar.get_by_text("Library", exact=False).first.click()
        expect(page.get_by_text("Open an article")).to_be_visible()
        settled(page)

    out["facts page"] = timed(facts)
    out["library page"] = timed(library)
    return out


def main() -> None:
    """Build the sample library, serve the app, time --rounds visits and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    rounds = parser.parse_args().rounds
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    with tempfile.TemporaryDirectory(prefix="newsdesk-bench-ui-") as tmp:
        home = Path(tmp) / "library"
        settings = Settings(home=home)
        Ingestor(settings, Library.open(settings)).run(
            sorted((ROOT / "examples" / "articles").glob("*.html"))
        )
        port = free_port()
        process = start_app(home, port)
        try:
            results = []
            with sync_playwright() as p:
                browser = p.chromium.launch(
                    executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS
                )
                for _ in range(rounds):
                    page = browser.new_page(viewport={"width": 1400, "height": 1000})
                    page.set_default_timeout(180_000)
                    expect.set_options(timeout=180_000)
                    results.append(one_round(page, f"http://127.0.0.1:{port}/"))
                    page.close()
                browser.close()
        finally:
            process.terminate()
            process.wait()
    print(f"app latency, sample library (10 articles), {rounds} browser sessions; seconds")
    print(f"{'step':<18}{'round 1':>10}{'later (median)':>16}")
    for step in results[0]:
        later = statistics.median(r[step] for r in results[1:]) if rounds > 1 else float("nan")
        print(f"{step:<18}{results[0][step]:>10.2f}{later:>16.2f}")


if __name__ == "__main__":
    main()
