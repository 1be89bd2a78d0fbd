"""Bad input of every kind: one failed outcome with a one-line message per item, and nothing half-written.

Bad URLs are served by the real fixture server (or point at a closed port), bad files are real files in
tmp_path, and the library is real SQLite + Chroma with the real embedding model. After every failure the
catalog's article and passage counts and the index's vector count must be exactly what they were before.
"""

from __future__ import annotations

import io
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pypdf
import pytest
from typer.testing import CliRunner

from assistant.cli import app
from assistant.models import IngestOutcome
from assistant.settings import Settings
from ingest.pipeline import Ingestor, Source, TextSource
from tests.conftest import FixtureServer, counts
from vectorstore.library import Library

pytestmark = pytest.mark.both_catalogs  # the catalog on SQLite and on PostgreSQL

# --- made-up fixture prose (our own words; every company and place is fictional) ---------------------------

GOOD_TEXT = (
    "Orchard Valley Foods rallies on cider demand\n\n"
    "Orchard Valley Foods gained in early trading after the juice and cider maker said orders from pub "
    "chains had recovered faster than it planned for, helped by a mild autumn and a run of regional "
    "festivals. The company kept its annual guidance unchanged but said the second half had started "
    "strongly, and it expects the new bottling line at its hillside plant to run at full speed by spring.\n\n"
    "Analysts at a small agricultural research house said the shares still trade below the sector's usual "
    "multiple because investors worry about the cost of glass and sugar. They added that a good apple "
    "harvest in the western counties should keep input prices in check for at least another season."
)

SEED_TEXT = (
    "Glenmoor Water bonds steady after rate review\n\n"
    "Bonds issued by Glenmoor Water held steady after the regulator published the final terms of its price "
    "review, which allow the utility to raise bills a little faster than inflation for the next five years "
    "in exchange for spending more on leaking pipes and storm overflows. Credit analysts said the outcome "
    "was broadly in line with what had been priced, and that the group's leverage should peak within two "
    "years before falling as the new tariffs feed through to cash flow."
)

TINY_ARTICLE = (
    "Tin prices edged higher in thin trade as a holiday in the main consuming region kept most buyers "
    "away from the market."
)


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then closed)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def blank_pdf() -> bytes:
    """A valid PDF whose single page holds no text."""
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def assert_one_failure(outcomes: list[IngestOutcome], item: str, *words: str) -> IngestOutcome:
    """Exactly one failed outcome, for item, with a one-line message holding every word."""
    assert len(outcomes) == 1, outcomes
    outcome = outcomes[0]
    assert outcome.status == "failed", outcome
    assert outcome.item == item
    assert outcome.message.strip(), outcome
    assert "\n" not in outcome.message and "\r" not in outcome.message, outcome.message
    assert outcome.article_id is None and outcome.passages == 0
    for word in words:
        assert word.lower() in outcome.message.lower(), (word, outcome.message)
    return outcome


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Settings, Library, Ingestor]]:
    """One library for the read-only failure cases, holding one article so 'unchanged' is not just zero."""
    settings = Settings(home=tmp_path_factory.mktemp("bad-input") / "library", fetch_timeout=3.0)
    library = Library.open(settings)
    ingestor = Ingestor(settings, library)
    seeded = ingestor.run([TextSource(SEED_TEXT, "seed")])
    assert [o.status for o in seeded] == ["added"]
    yield settings, library, ingestor
    ingestor.fetcher.close()


# --- bad URLs -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UrlCase:
    """A route to serve and the words its failure message must hold."""

    body: bytes | str
    words: tuple[str, ...]
    status: int = 200
    content_type: str = "text/html; charset=utf-8"


URL_CASES = {
    "http-404": UrlCase(
        b"<html><body>nothing here</body></html>", ("HTTP 404", "does not exist"), status=404
    ),
    "http-410": UrlCase(b"gone", ("HTTP 410",), status=410),
    "http-500": UrlCase(b"<html><body>oops</body></html>", ("HTTP 500",), status=500),
    "http-503": UrlCase(b"busy", ("HTTP 503",), status=503),
    "image-png": UrlCase(
        b"\x89PNG\r\n\x1a\n" + bytes(64), ("content type image/png",), content_type="image/png"
    ),
    "json": UrlCase(
        '{"headline": "not an article page"}',
        ("content type application/json",),
        content_type="application/json",
    ),
    "empty-page": UrlCase(
        "<html><head><title>Empty</title></head><body></body></html>", ("no article text",)
    ),
    "script-rendered": UrlCase(
        '<html><body><div id="root"></div><script>window.render("root")</script></body></html>',
        ("no article text",),
    ),
    "zero-bytes": UrlCase(b"", ("no article text",)),
    "tiny-article": UrlCase(
        f"<html><head><title>Tin edges up</title></head><body><article><p>{TINY_ARTICLE}</p></article>"
        "</body></html>",
        ("only", "words of article text"),
    ),
    "broken-rss": UrlCase(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Half a fe',
        ("not a usable RSS/Atom feed",),
        content_type="application/rss+xml",
    ),
    "not-xml-rss": UrlCase(
        "this is plainly not XML & never was < >", ("feed",), content_type="application/rss+xml"
    ),
    "rss-without-items": UrlCase(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Quiet wire</title>'
        "<link>http://127.0.0.1/</link><description>nothing yet</description></channel></rss>",
        ("no entries",),
        content_type="application/rss+xml",
    ),
    "atom-without-entries": UrlCase(
        '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Quiet</title></feed>',
        ("no entries",),
        content_type="application/atom+xml",
    ),
}


@pytest.mark.parametrize("name", list(URL_CASES))
def test_bad_url_fails_with_one_line_and_stores_nothing(
    name: str, http_server: FixtureServer, shared: tuple[Settings, Library, Ingestor]
) -> None:
    _settings, library, ingestor = shared
    case = URL_CASES[name]
    url = http_server.add(f"/bad/{name}", case.body, status=case.status, content_type=case.content_type)
    before = counts(library)
    assert before[0] == 1

    assert_one_failure(ingestor.run([url]), url, *case.words)

    assert counts(library) == before
    assert http_server.hits == [f"/bad/{name}"]  # fetched once, no retries, no follow-up requests


def test_truncated_feed_reports_its_unusable_entry_by_feed_and_number(
    http_server: FixtureServer, shared: tuple[Settings, Library, Ingestor]
) -> None:
    """feedparser recovers a cut-off entry; with no link and no text it fails as FEED#1, in one line."""
    _settings, library, ingestor = shared
    url = http_server.add(
        "/bad/truncated.rss",
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Half a feed</title><item><title>Cut',
        content_type="application/rss+xml",
    )
    before = counts(library)

    assert_one_failure(ingestor.run([url]), f"{url}#1", "no link", "too short")

    assert counts(library) == before


def test_unreachable_host_fails_with_one_line(shared: tuple[Settings, Library, Ingestor]) -> None:
    _settings, library, ingestor = shared
    url = f"http://127.0.0.1:{closed_port()}/x"
    before = counts(library)

    assert_one_failure(ingestor.run([url]), url, "could not connect")

    assert counts(library) == before


def test_non_http_scheme_is_not_taken_for_a_url(shared: tuple[Settings, Library, Ingestor]) -> None:
    _settings, library, ingestor = shared
    before = counts(library)
    assert_one_failure(
        ingestor.run(["ftp://127.0.0.1/article.html"]), "ftp://127.0.0.1/article.html", "not a URL"
    )
    assert counts(library) == before


# --- bad files ------------------------------------------------------------------------------------------

FileMaker = Callable[[Path], Path]


def _write(name: str, data: bytes | str) -> FileMaker:
    def make(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        return path

    return make


def _missing(folder: Path) -> Path:
    return folder / "no-such-folder" / "missing-article.html"


FILE_CASES: dict[str, tuple[FileMaker, tuple[str, ...]]] = {
    "docx": (_write("report.docx", b"PK\x03\x04" + bytes(200)), ("unsupported file type .docx",)),
    "png": (_write("chart.png", b"\x89PNG\r\n\x1a\n" + bytes(200)), ("unsupported file type .png",)),
    "no-suffix": (_write("README", GOOD_TEXT), ("unsupported file type (none)",)),
    "binary-txt": (_write("notes.txt", bytes(range(256)) * 8), ("binary",)),
    "binary-html": (_write("page.html", b"\x00\x01\x02" * 300), ("binary",)),
    "empty-txt": (_write("empty.txt", b""), ("empty",)),
    "empty-html": (_write("empty.html", b""), ("empty",)),
    "empty-xml-feed": (_write("empty.xml", b""), ("empty",)),
    "whitespace-txt": (_write("blank.txt", "   \n\n\t  \n"), ("no text",)),
    "html-without-text": (
        _write("shell.html", "<html><body><div></div></body></html>"),
        ("no article text",),
    ),
    "blank-pdf": (_write("scan.pdf", blank_pdf()), ("no extractable text",)),
    "not-a-pdf": (_write("fake.pdf", GOOD_TEXT), ("not a PDF",)),
    "truncated-pdf": (_write("cut.pdf", blank_pdf()[:60]), ("pdf",)),
    "broken-xml-feed": (_write("wire.xml", "<rss><channel><title>Half"), ("feed",)),
    "xml-not-a-feed": (
        _write("config.xml", '<?xml version="1.0"?><settings><colour>blue</colour></settings>'),
        ("feed",),
    ),
    "missing": (_missing, ("not a URL", "existing file")),
}


@pytest.mark.parametrize("name", list(FILE_CASES))
def test_bad_file_fails_with_one_line_and_stores_nothing(
    name: str, tmp_path: Path, shared: tuple[Settings, Library, Ingestor]
) -> None:
    _settings, library, ingestor = shared
    make, words = FILE_CASES[name]
    path = make(tmp_path)
    before = counts(library)
    assert before[0] == 1

    assert_one_failure(ingestor.run([path]), str(path), *words)

    assert counts(library) == before


def test_oversized_files_are_refused(tmp_path: Path, shared: tuple[Settings, Library, Ingestor]) -> None:
    settings, library, _ingestor = shared
    small = Ingestor(settings.model_copy(update={"max_file_bytes": 500}), library)
    article = tmp_path / "long.txt"
    article.write_text(GOOD_TEXT, encoding="utf-8")
    feed = tmp_path / "long.xml"
    feed.write_text("<rss><channel>" + "<!-- padding -->" * 100 + "</channel></rss>", encoding="utf-8")
    before = counts(library)

    for path in (article, feed):
        size = path.stat().st_size
        assert size > 500
        assert_one_failure(small.run([path]), str(path), f"{size:,} bytes", "500-byte limit")

    assert counts(library) == before
    small.fetcher.close()


def test_empty_directory_fails_and_other_files_in_a_directory_are_skipped(
    tmp_path: Path, shared: tuple[Settings, Library, Ingestor]
) -> None:
    _settings, library, ingestor = shared
    empty = tmp_path / "empty-dir"
    empty.mkdir()
    odd = tmp_path / "odd-dir"
    odd.mkdir()
    (odd / "photo.jpg").write_bytes(b"\xff\xd8\xff" + bytes(50))
    before = counts(library)

    assert_one_failure(ingestor.run([empty]), str(empty), "no .html")
    outcomes = ingestor.run([odd])
    assert [o.status for o in outcomes] == ["failed", "skipped"]
    assert outcomes[0].item == str(odd)
    assert outcomes[1].item == str(odd / "photo.jpg")

    assert counts(library) == before


# --- duplicates -----------------------------------------------------------------------------------------


def test_second_ingest_of_the_same_file_is_a_duplicate(
    tmp_path: Path, ingestor: Ingestor, library: Library
) -> None:
    path = tmp_path / "orchard.txt"
    path.write_text(GOOD_TEXT, encoding="utf-8")
    [first] = ingestor.run([path])
    assert first.status == "added", first
    after_first = counts(library)
    assert after_first == (1, first.passages, first.passages)

    [again] = ingestor.run([path])

    assert again.status == "duplicate"
    assert again.item == str(path)
    assert "already in the library" in again.message
    assert first.article_id and first.article_id in again.message
    assert again.article_id == first.article_id
    assert again.title == "Orchard Valley Foods rallies on cider demand"
    assert counts(library) == after_first

    # the same text reformatted (other whitespace, other file type) is the same article
    copy = tmp_path / "orchard-copy.md"
    copy.write_text("  " + GOOD_TEXT.replace("\n\n", "\n\n\n").replace(". ", ".  ") + "\n", encoding="utf-8")
    both = ingestor.run([copy, TextSource(GOOD_TEXT, "pasted")])
    assert [o.status for o in both] == ["duplicate", "duplicate"]
    assert all(o.article_id == first.article_id for o in both)
    assert counts(library) == after_first


def test_the_same_article_twice_in_one_batch_is_stored_once(
    tmp_path: Path, ingestor: Ingestor, library: Library
) -> None:
    one = tmp_path / "a.txt"
    two = tmp_path / "b.txt"
    one.write_text(GOOD_TEXT, encoding="utf-8")
    two.write_text(GOOD_TEXT, encoding="utf-8")

    outcomes = ingestor.run([one, two])

    assert sorted(o.status for o in outcomes) == ["added", "duplicate"]
    added = next(o for o in outcomes if o.status == "added")
    assert counts(library) == (1, added.passages, added.passages)


# --- mixed batches --------------------------------------------------------------------------------------


def make_mixed_batch(tmp_path: Path, server: FixtureServer) -> tuple[Path, dict[str, str]]:
    """One good article file and several bad items; returns the good path and {bad item: message word}."""
    good = tmp_path / "orchard.txt"
    good.write_text(GOOD_TEXT, encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    image = tmp_path / "chart.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(blank_pdf())
    bad = {
        server.url("/missing-story.html"): "HTTP 404",
        f"http://127.0.0.1:{closed_port()}/x": "could not connect",
        str(tmp_path / "nowhere" / "story.html"): "not a URL",
        str(empty): "empty",
        str(image): "unsupported file type",
        str(scan): "no extractable text",
    }
    return good, bad


def test_mixed_batch_adds_the_good_item_and_reports_each_bad_one(
    tmp_path: Path, http_server: FixtureServer, ingestor: Ingestor, library: Library
) -> None:
    good, bad = make_mixed_batch(tmp_path, http_server)
    sources: list[Source] = [*bad, good]
    sources.insert(3, sources.pop())  # the good file in the middle of the bad ones

    outcomes = ingestor.run(sources)

    assert len(outcomes) == len(sources)
    by_item = {o.item: o for o in outcomes}
    assert set(by_item) == {str(s) for s in sources}
    added = by_item[str(good)]
    assert added.status == "added", added
    assert added.title == "Orchard Valley Foods rallies on cider demand"
    for item, word in bad.items():
        assert_one_failure([by_item[item]], item, word)
    assert counts(library) == (1, added.passages, added.passages)
    assert library.catalog.get(added.article_id or "").text.startswith("Orchard Valley Foods rallies")


# --- the command line -----------------------------------------------------------------------------------


def run_cli(home: Path, *args: str) -> tuple[int, str]:
    """`newsdesk --home HOME ingest ARGS...` in-process; exit code and everything printed."""
    result = CliRunner().invoke(app, ["--home", str(home), "ingest", *args])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def test_cli_all_bad_batch_exits_1_and_names_each_item(tmp_path: Path, http_server: FixtureServer) -> None:
    _good, bad = make_mixed_batch(tmp_path, http_server)
    home = tmp_path / "cli-home"

    code, output = run_cli(home, *bad)

    assert code == 1
    joined = output.replace("\n", "")  # the item names, even if the console wrapped them
    for item, word in bad.items():
        assert f"✗ {item}: " in joined, item
        assert word in joined
    assert f"0 added, 0 already in the library, {len(bad)} failed" in output
    library = Library.open(Settings(home=home))
    assert counts(library) == (0, 0, 0)


def test_cli_mixed_batch_exits_0_and_a_repeat_is_not_an_error(
    tmp_path: Path, http_server: FixtureServer
) -> None:
    good, bad = make_mixed_batch(tmp_path, http_server)
    home = tmp_path / "cli-home"

    code, output = run_cli(home, *bad, str(good))

    assert code == 0, output
    assert f"1 added, 0 already in the library, {len(bad)} failed" in output
    joined = output.replace("\n", "")
    assert f"✓ {good} → " in joined
    for item in bad:
        assert f"✗ {item}: " in joined, item

    code, output = run_cli(home, str(good))
    assert code == 0  # already in the library counts as success
    assert "0 added, 1 already in the library, 0 failed" in output
    assert "already in the library as" in output.replace("\n", "")


def test_cli_failure_lines_are_single_lines_naming_the_item(tmp_path: Path) -> None:
    """Each failure is printed as one line `✗ ITEM: MESSAGE`, even when the output is not a terminal.

    Long items (deep paths, long URLs) are normal; the line must still be one line so logs and grep work.
    """
    deep = tmp_path / ("quarterly-commodity-reports-" * 3) / ("archive-" * 8) / "missing-article.html"
    url = f"http://127.0.0.1:{closed_port()}/markets/{'long-slug-' * 12}story.html"
    home = tmp_path / "cli-home"

    code, output = run_cli(home, str(deep), url)

    assert code == 1
    lines = output.splitlines()
    expected = (
        (str(deep), "not a URL", "nor an existing file or directory"),
        (url, "could not connect", "check the address and your network"),
    )
    for item, start, end in expected:
        matching = [line for line in lines if item in line]
        assert len(matching) == 1, f"{item} is not on one line of the output:\n{output}"
        line = matching[0].rstrip()
        assert line.startswith(f"✗ {item}: {start}"), line
        assert line.endswith(end), line


def test_an_unexpected_extractor_crash_fails_only_its_item(
    settings: Settings, library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug-like exception inside extraction is reported for that item; the next item still goes in."""
    import ingest.files

    original = ingest.files.extract_plain

    def crash_on_poison(raw: str, item: str) -> object:
        if "poison" in item:
            raise RecursionError("maximum recursion depth exceeded")
        return original(raw, item)

    monkeypatch.setattr(ingest.files, "extract_plain", crash_on_poison)
    body = " ".join(
        f"Freight rates eased for the {n}th straight week as port queues shortened." for n in range(12)
    )
    (tmp_path / "poison.txt").write_text(body, encoding="utf-8")
    (tmp_path / "fine.txt").write_text(body.replace("Freight", "Charter"), encoding="utf-8")
    outcomes = Ingestor(settings, library).run([tmp_path / "poison.txt", tmp_path / "fine.txt"])
    assert [o.status for o in outcomes] == ["failed", "added"]
    assert "unexpected RecursionError" in outcomes[0].message
    assert library.catalog.article_count() == 1
