"""URL ingest through the real fetch code against a real HTTP server on 127.0.0.1.

Covers metadata from an HTML page, redirects, redirect loops, pages without a date, PDFs and other content
types, charsets, timeouts and the size cap. Nothing here is mocked: httpx talks to the fixture server,
trafilatura/pypdf extract, and articles land in SQLite + Chroma in tmp_path with the real embedding model.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import lxml.html
import pytest

from assistant.models import IngestOutcome
from assistant.settings import Settings
from ingest.fetch import Fetcher
from ingest.pipeline import Ingestor, draft_from_fetched
from tests.conftest import EXAMPLES, FixtureServer, counts, example_files, page
from tests.pdfgen import make_pdf
from vectorstore.library import Library

# --- made-up fixture prose (our own words; every company and place is fictional) ---------------------------

FREIGHT = [
    "Shares of Brackenfield Logistics slid in afternoon trade after the freight operator trimmed its "
    "volume outlook for the second time this year, citing softer demand from furniture importers and a "
    "glut of idle trailers along the southern corridor. Traders said the cut was smaller than feared, which "
    "helped the stock recover part of its early losses before the closing bell.",
    "Elsewhere in the transport group, regional airlines held steady while tanker operators gained as "
    "charter rates for mid-sized vessels firmed again. Analysts at a boutique research shop in the harbour "
    "district argued that the sector trades at a discount to its long-run average multiple, though they "
    "cautioned that fuel costs remain the swing factor for margins.",
]

COPPER = [
    "Copper futures climbed for a fourth straight session as the Lowmarsh smelter",
    "confirmed it would idle one of its three furnaces for maintenance. Merchants",
    "said physical premiums in the river ports had doubled since the start of the",
    "quarter, and several fabricators were paying up to secure cathode for the",
    "spring building season. Hedge funds added to long positions, according to",
    "exchange positioning data, while producers sold forward a larger share of",
    "next year's output than usual. A strategist at a mid-sized brokerage warned",
    "that inventories held in bonded warehouses were still comfortable and that",
    "the rally could fade once the furnace restarts later in the season.",
]

CHARSET_TEXT = [
    "Shares of Café Lumière, the coffee roaster based in the fictional town of Belleroche, jumped after the "
    "company said its winter blend sold out in three weeks. Analysts had expected a slower quarter because "
    "bean prices rose sharply over the summer, but the roaster passed most of the increase on to customers "
    "without losing volume. The chief executive said the firm would open two more roasting sites next year "
    "and keep its dividend unchanged.",
    "A rival roaster in Vireux-Molhain warned that its own margins were under pressure from the same "
    "harvest shortfall, and said it would trim its marketing budget rather than raise prices again.",
]


def expected_meta(html: bytes) -> dict[str, str]:
    """What the page itself states, read straight from its markup."""
    doc = lxml.html.fromstring(html)

    def first(xpath: str) -> str:
        found = doc.xpath(xpath)
        assert found, f"the sample page lacks {xpath}"
        return str(found[0]).strip()

    return {
        "canonical": first('//link[@rel="canonical"]/@href'),
        "title": first('//meta[@property="og:title"]/@content'),
        "author": first('//meta[@name="author"]/@content'),
        "site": first('//meta[@property="og:site_name"]/@content'),
        "published": first('//meta[@property="article:published_time"]/@content')[:10],
    }


def only(outcomes: list[IngestOutcome]) -> IngestOutcome:
    """The single outcome of a one-item run."""
    assert len(outcomes) == 1, outcomes
    return outcomes[0]


def assert_failed(outcome: IngestOutcome, item: str, *words: str) -> None:
    """A failed outcome for item with a one-line message holding every word."""
    assert outcome.status == "failed", outcome
    assert outcome.item == item
    assert outcome.message and "\n" not in outcome.message
    assert outcome.article_id is None
    for word in words:
        assert word.lower() in outcome.message.lower(), (word, outcome.message)


@pytest.fixture()
def tight(tmp_path: Path) -> Iterator[tuple[Settings, Library, Ingestor]]:
    """A library whose fetcher has a 0.5 s timeout and a 3,000-byte size cap."""
    settings = Settings(home=tmp_path / "tight", fetch_timeout=0.5, fetch_max_bytes=3000)
    library = Library.open(settings)
    ingestor = Ingestor(settings, library)
    yield settings, library, ingestor
    ingestor.fetcher.close()


class _UnsizedHandler(BaseHTTPRequestHandler):
    """Answers every GET with an HTML body of BODY_SIZE bytes, without Content-Length, then closes."""

    BODY_SIZE = 20_000

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        try:
            for _ in range(self.BODY_SIZE // 1000):
                self.wfile.write(b"<p>" + b"x" * 993 + b"</p>\n")
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture()
def unsized_server() -> Iterator[str]:
    """A server whose bodies carry no Content-Length, so the cap must be enforced while streaming."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _UnsizedHandler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    host, port = httpd.server_address[:2]
    try:
        yield f"http://{host}:{port}/big.html"
    finally:
        httpd.shutdown()
        httpd.server_close()


# --- HTML pages ---------------------------------------------------------------------------------------------


def test_example_page_by_url_stores_text_and_stated_metadata(
    http_server: FixtureServer, ingestor: Ingestor, library: Library
) -> None:
    html = (EXAMPLES / "01-small-caps-rally-rotation.html").read_bytes()
    want = expected_meta(html)
    url = http_server.add("/markets/small-caps.html", html)

    outcome = only(ingestor.run([url]))

    assert outcome.status == "added", outcome
    assert outcome.item == url
    assert outcome.title == want["title"]
    article = library.catalog.get(outcome.article_id or "")
    assert article.meta.title == want["title"]
    assert article.meta.author == want["author"]
    assert article.meta.source == want["site"]
    assert article.meta.published == date.fromisoformat(want["published"]) == date(2026, 2, 7)
    assert article.meta.url == want["canonical"]
    assert article.meta.url != url  # the canonical link wins over the address it was fetched from
    assert "Friday's session offered one of the clearest pictures so far" in article.text
    assert "We use cookies" not in article.text  # the cookie banner is boilerplate, not article text
    assert outcome.passages == len(library.catalog.passages(article.id)) > 0
    assert counts(library) == (1, outcome.passages, outcome.passages)
    assert http_server.hits == ["/markets/small-caps.html"]


@pytest.mark.parametrize("path", example_files(), ids=lambda p: p.stem[:2])
def test_every_example_page_fetched_over_http_keeps_its_stated_metadata(
    path: Path, http_server: FixtureServer, settings: Settings
) -> None:
    """Fetch + extract only (no embedding): each sample page's date, canonical URL, title, author, site."""
    html = path.read_bytes()
    want = expected_meta(html)
    url = http_server.add(f"/{path.name}", html)
    with Fetcher(settings) as fetcher:
        fetched = fetcher.fetch(url)

    assert fetched.media_type == "text/html"
    assert fetched.charset == "utf-8"
    draft = draft_from_fetched(fetched)
    assert draft.item == url
    assert draft.meta.published == date.fromisoformat(want["published"])
    assert draft.meta.url == want["canonical"]
    assert draft.meta.title == want["title"]
    assert draft.meta.author == want["author"]
    assert draft.meta.source == want["site"]
    assert len(draft.text.split()) > 300


def test_redirect_chain_301_then_302_ends_at_the_page(
    http_server: FixtureServer, ingestor: Ingestor, library: Library
) -> None:
    html = (EXAMPLES / "05-fed-holds-rates-3-50-3-75.html").read_bytes()
    want = expected_meta(html)
    http_server.add("/2026/fed-holds.html", html)
    http_server.redirect("/moved", "/2026/fed-holds.html", status=302)
    start = http_server.redirect("/old-link", http_server.url("/moved"), status=301)

    outcome = only(ingestor.run([start]))

    assert http_server.hits == ["/old-link", "/moved", "/2026/fed-holds.html"]
    assert outcome.status == "added", outcome
    assert outcome.item == start  # reported under the link the user gave
    article = library.catalog.get(outcome.article_id or "")
    assert article.meta.published == date.fromisoformat(want["published"]) == date(2026, 1, 28)
    assert article.meta.url == want["canonical"]
    assert article.meta.title == want["title"]


def test_redirect_to_a_page_without_canonical_stores_the_final_address(
    http_server: FixtureServer, settings: Settings
) -> None:
    final = http_server.add("/final/freight.html", page(FREIGHT, title="Freight outlook trimmed again"))
    start = http_server.redirect("/short/f", "/final/freight.html", status=302)
    with Fetcher(settings) as fetcher:
        fetched = fetcher.fetch(start)

    assert fetched.url == final
    assert fetched.requested_url == start
    draft = draft_from_fetched(fetched)
    assert draft.item == start
    assert draft.meta.url == final


def test_redirect_loop_fails_after_the_limit_and_stores_nothing(
    http_server: FixtureServer, ingestor: Ingestor, library: Library, settings: Settings
) -> None:
    http_server.redirect("/loop-a", "/loop-b", status=301)
    start = http_server.redirect("/loop-b", "/loop-a", status=302)

    outcome = only(ingestor.run([start]))

    assert_failed(outcome, start, "redirects", str(settings.fetch_max_redirects))
    assert len(http_server.hits) == settings.fetch_max_redirects + 1  # it gave up instead of looping on
    assert counts(library) == (0, 0, 0)


def test_page_without_any_date_gets_no_date(
    http_server: FixtureServer, ingestor: Ingestor, library: Library
) -> None:
    html = page(FREIGHT, title="Freight outlook trimmed again", author="Imogen Farrow")
    assert not any(ch.isdigit() for ch in html.replace('charset="utf-8"', ""))  # truly no date anywhere
    url = http_server.add("/transport/freight-outlook.html", html)

    outcome = only(ingestor.run([url]))

    assert outcome.status == "added", outcome
    article = library.catalog.get(outcome.article_id or "")
    assert article.meta.published is None
    assert article.meta.title == "Freight outlook trimmed again"
    assert article.meta.author == "Imogen Farrow"
    assert article.meta.url == url  # no canonical link: the fetched address
    assert "glut of idle trailers along the southern corridor" in article.text
    assert "charter rates for mid-sized vessels firmed again" in article.text


@pytest.mark.parametrize(
    ("paragraphs", "title"),
    [
        (CHARSET_TEXT[:1], "Café Lumière shares jump"),
        (CHARSET_TEXT, None),
        (CHARSET_TEXT, "Café Lumière shares jump"),
    ],
    ids=["one-paragraph-titled", "two-paragraphs-untitled", "two-paragraphs-titled"],
)
def test_http_charset_header_is_honoured_when_the_page_declares_none(
    paragraphs: list[str], title: str | None, http_server: FixtureServer, settings: Settings
) -> None:
    """A Latin-1 page whose only encoding declaration is the HTTP Content-Type header.

    The declared charset must decide how the bytes are read; guessing it from the bytes is unreliable for
    single-byte encodings (the same page comes out as ISO-8859-2 or -13 depending on its wording).
    """
    html = page(paragraphs, title=title, meta_charset=False)
    url = http_server.add(
        "/latin1.html", html.encode("latin-1"), content_type="text/html; charset=ISO-8859-1"
    )
    with Fetcher(settings) as fetcher:
        fetched = fetcher.fetch(url)

    assert fetched.charset == "ISO-8859-1"
    draft = draft_from_fetched(fetched)
    assert draft.meta.title == title
    assert "Shares of Café Lumière, the coffee roaster" in draft.text
    assert "Belleroche" in draft.text


# --- PDFs and other content types ---------------------------------------------------------------------------


def test_pdf_by_url_is_read_as_a_pdf(
    http_server: FixtureServer, ingestor: Ingestor, library: Library
) -> None:
    pdf = make_pdf(COPPER, title="Lowmarsh furnace outage lifts copper", author="Tobias Wren")
    url = http_server.add("/research/copper-note.pdf", pdf, content_type="application/pdf")

    outcome = only(ingestor.run([url]))

    assert outcome.status == "added", outcome
    article = library.catalog.get(outcome.article_id or "")
    assert article.meta.title == "Lowmarsh furnace outage lifts copper"
    assert article.meta.author == "Tobias Wren"
    assert article.meta.url == url
    assert article.meta.published is None
    words = " ".join(article.text.split())
    assert "Copper futures climbed for a fourth straight session as the Lowmarsh smelter" in words
    assert "the rally could fade once the furnace restarts later in the season." in words
    assert counts(library) == (1, outcome.passages, outcome.passages)


def test_pdf_bytes_served_under_a_wrong_html_type_are_still_read_as_pdf(
    http_server: FixtureServer, settings: Settings
) -> None:
    url = http_server.add("/mislabelled", make_pdf(COPPER, title="Copper note"), content_type="text/html")
    with Fetcher(settings) as fetcher:
        draft = draft_from_fetched(fetcher.fetch(url))
    assert draft.meta.title == "Copper note"
    assert "bonded warehouses" in draft.text


def test_plain_text_by_url_is_read_as_text(http_server: FixtureServer, settings: Settings) -> None:
    body = "Brackenfield trims freight outlook\n\n" + "\n\n".join(FREIGHT)
    url = http_server.add("/wire/freight.txt", body, content_type="text/plain; charset=utf-8")
    with Fetcher(settings) as fetcher:
        fetched = fetcher.fetch(url)
    assert fetched.media_type == "text/plain"
    draft = draft_from_fetched(fetched)
    assert draft.meta.title == "Brackenfield trims freight outlook"
    assert draft.meta.url == url
    assert draft.text.endswith("fuel costs remain the swing factor for margins.")


def test_garbage_served_as_pdf_fails_with_one_line(
    http_server: FixtureServer, ingestor: Ingestor, library: Library
) -> None:
    url = http_server.add(
        "/broken.pdf", b"%PDF-1.4\nthis is not really a pdf", content_type="application/pdf"
    )
    outcome = only(ingestor.run([url]))
    assert_failed(outcome, url, "pdf")
    assert counts(library) == (0, 0, 0)


def test_octet_stream_is_refused_before_reading_it(
    http_server: FixtureServer, ingestor: Ingestor, library: Library
) -> None:
    url = http_server.add("/download", make_pdf(COPPER), content_type="application/octet-stream")
    outcome = only(ingestor.run([url]))
    assert_failed(outcome, url, "content type application/octet-stream")
    assert counts(library) == (0, 0, 0)


# --- timeouts and the size cap ------------------------------------------------------------------------------


def test_slow_server_times_out_with_one_line(
    http_server: FixtureServer, tight: tuple[Settings, Library, Ingestor]
) -> None:
    _settings, library, ingestor = tight
    url = http_server.add("/slow.html", page(FREIGHT, title="Slow page"), delay=2.0)

    began = time.monotonic()
    outcome = only(ingestor.run([url]))
    elapsed = time.monotonic() - began

    assert_failed(outcome, url, "timed out", "0.5s")
    assert elapsed < 1.8  # gave up at the timeout, did not wait for the server
    assert counts(library) == (0, 0, 0)


def test_server_that_drips_its_body_hits_the_total_deadline(
    http_server: FixtureServer, tight: tuple[Settings, Library, Ingestor]
) -> None:
    """Each piece arrives within the read timeout, but the whole body takes far longer than allowed."""
    _settings, library, ingestor = tight
    html = page(FREIGHT * 2, title="Dripping page")
    url = http_server.add("/drip.html", html, drip=0.4)
    assert len(html.encode()) // 256 * 0.4 > 2  # the full body would take over 2 s

    began = time.monotonic()
    outcome = only(ingestor.run([url]))

    assert_failed(outcome, url, "timed out")
    assert time.monotonic() - began < 2.0
    assert counts(library) == (0, 0, 0)


def test_reply_within_the_timeout_and_under_the_cap_is_ingested(
    http_server: FixtureServer, tight: tuple[Settings, Library, Ingestor]
) -> None:
    _settings, library, ingestor = tight
    html = page(FREIGHT, title="Freight outlook trimmed again")
    assert len(html.encode()) < 3000
    url = http_server.add("/quick.html", html, delay=0.1)

    outcome = only(ingestor.run([url]))

    assert outcome.status == "added", outcome
    assert counts(library)[0] == 1


def test_body_over_the_declared_size_cap_fails(
    http_server: FixtureServer, tight: tuple[Settings, Library, Ingestor]
) -> None:
    _settings, library, ingestor = tight
    html = (EXAMPLES / "02-feb6-sector-scoreboard.html").read_bytes()
    assert len(html) > 3000
    url = http_server.add("/big.html", html)

    outcome = only(ingestor.run([url]))

    assert_failed(outcome, url, f"{len(html):,} bytes", "3,000-byte limit")
    assert counts(library) == (0, 0, 0)


def test_body_without_length_is_capped_while_streaming(
    unsized_server: str, tight: tuple[Settings, Library, Ingestor]
) -> None:
    _settings, library, ingestor = tight
    outcome = only(ingestor.run([unsized_server]))
    assert_failed(outcome, unsized_server, "over the 3,000-byte limit")
    assert counts(library) == (0, 0, 0)
