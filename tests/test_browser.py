"""Real-browser smoke test: `newsdesk ui` served on 127.0.0.1, driven with Debian's Chromium via Playwright.

Screenshots of each page go to tests/artifacts/ (git-ignored) for a person to look at.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect, sync_playwright

from assistant.settings import Settings
from ingest.pipeline import Ingestor
from vectorstore.library import Library

from .conftest import example_files, serve_ui

CHROMIUM = "/usr/bin/chromium"
UPLOAD = (  # our own words; two index/commodity moves for the extractor to find
    "Copper and small caps lead a quiet Tuesday\n\n"
    "The Russell 2000 rose 1.2% on Tuesday as traders added to smaller domestic companies ahead of the "
    "jobs report, while the S&P 500 slipped 0.3% as chip makers gave back part of last week's gains. "
    "Copper futures climbed to a three-month high as warehouse stocks in Asia kept falling and buyers in "
    "the building trade returned after the holiday.\n\n"
    "Desk strategists said the rotation into small caps looked tactical rather than a change of view, and "
    "that a strong payrolls number could reverse it within a session or two."
)
expect.set_options(timeout=120_000)  # the first answer loads the embedding model in the server
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-gpu",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on a sample library, served by `newsdesk ui` on a free port."""
    home = tmp_path_factory.mktemp("browser") / "lib"
    settings = Settings(home=home)
    Ingestor(settings, Library.open(settings)).run(example_files())
    with serve_ui(home) as url:
        yield url


@pytest.fixture(scope="module")
def page(app_url: str) -> Iterator[Page]:
    """A headless Chromium page (Debian's build, never a downloaded one)."""
    assert Path(CHROMIUM).exists(), "install Debian's chromium (make test does: apt-get install chromium)"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(120_000)
        yield page
        browser.close()


def _settle(page: Page) -> None:
    """Wait until the app has finished its run and the data grids have painted their canvases."""
    expect(page.locator("[data-testid='stStatusWidget']")).to_have_count(0)
    page.wait_for_timeout(1500)


def _shot(page: Page, name: str) -> None:
    """Save a screenshot of the window under tests/artifacts/ once the run is done (the app scrolls inside)"""
    _settle(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def _open(page: Page, title: str) -> None:
    """Click a page's link in the sidebar navigation (st.navigation)."""
    page.locator("[data-testid='stSidebarNavLink']", has_text=title).click()


def _select_first_row(page: Page, grid: Locator) -> None:
    """Tick the first row of a data grid (a canvas: click its row-marker cell by position)."""
    grid.scroll_into_view_if_needed()
    _settle(page)
    box = grid.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + 16, box["y"] + 35 + 17)  # first column, below the 35 px header


def test_ask_click_citation_and_visit_every_page(page: Page, app_url: str) -> None:
    """Ask the demo question, open a citation's passage, then look at the facts and library pages."""
    page.goto(app_url)
    box = page.get_by_placeholder("Ask about the markets", exact=False)
    box.fill("why did small caps outperform on Feb 6?")
    box.press("Enter")
    expect(page.get_by_text("3.5%", exact=False).first).to_be_visible()
    expect(page.get_by_text("Sources", exact=False).first).to_be_visible()
    expect(page.locator("[data-testid='stDownloadButton']").first).to_be_visible()  # Export under the answer
    citation = page.locator("[data-testid='stExpander'] summary").first
    citation.click()
    expect(page.locator("mark").first).to_be_visible()
    _shot(page, "chat")
    _open(page, "Facts")
    expect(page.get_by_role("heading", name="Charts")).to_be_visible()
    expect(page.get_by_text("sector move", exact=False).first).to_be_visible()
    expect(page.locator("[data-testid='stVegaLiteChart']")).to_have_count(3)
    _shot(page, "facts")
    expect(page.locator("mark")).to_have_count(0)
    _select_first_row(page, page.locator("[data-testid='stDataFrame']").first)
    expect(page.locator("mark").first).to_be_visible()  # the fact's evidence, highlighted in its article
    _shot(page, "facts-evidence")
    _open(page, "Library")
    expect(page.get_by_text("10 articles", exact=False).first).to_be_visible()
    _shot(page, "library")
    for name in ("chat", "facts", "facts-evidence", "library"):
        assert (ARTIFACTS / f"{name}.png").stat().st_size > 10_000


def test_upload_a_file_and_see_its_facts(page: Page, app_url: str, tmp_path: Path) -> None:
    """Upload a text file on the library page: a line says it was added with its facts, which are listed."""
    note = tmp_path / "copper-note.txt"
    note.write_text(UPLOAD, encoding="utf-8")
    page.goto(app_url)
    _settle(page)
    _open(page, "Library")
    _settle(page)
    page.locator("input[type='file']").set_input_files(str(note))
    page.get_by_role("button", name="Ingest files").click()
    added = page.get_by_text("Added copper-note.txt", exact=False)
    expect(added).to_be_visible()
    found = re.search(r"\(\d+ passages?, ([1-9]\d*) facts?\)", added.inner_text())
    assert found, added.inner_text()
    expect(page.get_by_text("11 articles", exact=False).first).to_be_visible()
    facts = page.get_by_text(f"{found[1]} fact", exact=False).last  # the new article opened with its facts
    facts.scroll_into_view_if_needed()
    expect(facts).to_be_visible()
    _shot(page, "library-upload")
