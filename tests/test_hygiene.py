"""Hostile and careless input (issue 11): ids are ids, escape sequences reach neither the terminal nor the
library, UTF-16/32 and legacy encodings are read, symlinks out of a folder are not followed, an over-long
article fails fast, encrypted PDFs open when they can. Real files, the real CLI and the real library."""

from __future__ import annotations

import codecs
import io
import itertools
import json
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pypdf
import pytest
from click.testing import Result
from typer.testing import CliRunner

from assistant.cli import app
from assistant.errors import NewsdeskError, NotFoundError
from assistant.models import IngestOutcome, article_id_for
from assistant.settings import Settings
from ingest.clean import clean_text
from ingest.files import draft_from_file
from ingest.pipeline import Ingestor, TextSource
from tests.conftest import FixtureServer, page
from tests.pdfgen import make_pdf
from vectorstore.library import Library

# --- made-up fixture prose (our own words; every company and place is fictional) ---------------------------

ARTICLE = (
    "Marrowby Tin shares climbed in Zürich after the miner said output at its upland pit recovered faster "
    "than planned once the spring floods drained from the lower galleries. The company kept its guidance "
    "unchanged, but said costs of €41 a tonne were “well inside” what it had feared, helped by cheaper "
    "diesel and a new crusher.\n\n"
    "Analysts at a regional broker said the stock still trades at a discount to its peers because "
    "investors doubt the pit's life beyond the current decade. They added that a drilling campaign due "
    "to report in the autumn could settle the question either way."
)

# C0 controls (but tab and newline), DEL, the C1 controls: none may be printed or stored
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

runner = CliRunner()


def variant(n: int, base: str = ARTICLE) -> str:
    """The article with a numbered closing line, so each variant is a different article (and id)."""
    return f"{base}\n\nDesk note {n}: figures as reported by the company."


def run(home: Path, *args: str) -> Result:
    """`newsdesk --home HOME ARGS...` in-process."""
    return runner.invoke(app, ["--home", str(home), *args])


def error_of(result: Result) -> str:
    """The one-line newsdesk error a failed command raised (what main() prints after 'error:')."""
    assert result.exit_code != 0, result.output
    assert isinstance(result.exception, NewsdeskError), result.exception
    message = str(result.exception)
    assert "\n" not in message, message
    return message


def assert_clean(text: str | None) -> None:
    """No control or escape character in text."""
    assert text is None or not CONTROL.search(text), repr(text)


def ingest(settings: Settings, *sources: Path | str | TextSource) -> list[IngestOutcome]:
    """Run the real pipeline on sources, closing its fetcher afterwards."""
    ingestor = Ingestor(settings, Library.open(settings))
    try:
        return ingestor.run(list(sources))
    finally:
        ingestor.fetcher.close()


# --- ids are ids ----------------------------------------------------------------------------------------


def twin_texts() -> tuple[str, str]:
    """Two article texts whose ids share their first 4 hex characters (found by trying variants)."""
    seen: dict[str, str] = {}
    for n in itertools.count():
        text = variant(n)
        prefix = article_id_for(clean_text(text))[:4]
        if prefix in seen:
            return seen[prefix], text
        seen[prefix] = text
    raise AssertionError("unreachable")


@pytest.fixture()
def three(tmp_path: Path) -> tuple[Path, list[str]]:
    """A library holding three articles: two whose ids share a 4-character prefix, and one other."""
    home = tmp_path / "lib"
    first, second = twin_texts()
    other = variant(-1)
    outcomes = ingest(
        Settings(home=home), *(TextSource(t, f"text{n}") for n, t in enumerate((first, second, other)))
    )
    assert [o.status for o in outcomes] == ["added"] * 3, outcomes
    ids = [o.article_id or "" for o in outcomes]
    assert ids[0][:4] == ids[1][:4] and ids[2][:4] != ids[0][:4]
    return home, ids


def stored_ids(home: Path) -> set[str]:
    """Ids of the articles in the library."""
    return {s.id for s in Library.open(Settings(home=home)).catalog.summaries()}


def test_like_wildcards_empty_and_short_prefixes_remove_nothing(three: tuple[Path, list[str]]) -> None:
    """'%', '_', '' and prefixes under 4 characters are refused, with or without --yes; nothing goes."""
    home, ids = three
    inner = ids[0][5:10]  # characters from inside an id: as a LIKE pattern '%...' would match it
    for arg in (
        "%",
        "",
        "_",
        "%%%%",
        "____",
        f"%{inner}",
        f"{ids[0][:4]}%",
        f"{ids[0][:3]}_",
        ids[0][:3],
        "abc",
    ):
        for extra in ((), ("--yes",)):
            message = error_of(run(home, "remove", arg, *extra))
            assert "give at least 4 characters of the id (see `newsdesk articles`)" in message, (arg, message)
    assert stored_ids(home) == set(ids)
    catalog = Library.open(Settings(home=home)).catalog
    for arg in ("%", "", f"{ids[0][:4]}_", "zzzz", "5ec e"):
        with pytest.raises(NotFoundError, match="at least 4 characters"):
            catalog.matching(arg)
        with pytest.raises(NotFoundError, match="at least 4 characters"):
            catalog.resolve(arg)
    message = error_of(run(home, "show", "%"))
    assert "at least 4 characters" in message


def test_an_ambiguous_prefix_needs_yes_and_then_removes_every_match(three: tuple[Path, list[str]]) -> None:
    home, ids = three
    prefix = ids[0][:4]

    message = error_of(run(home, "remove", prefix))
    assert f"2 articles have ids starting with {prefix!r}" in message
    assert "give more characters of the id, or pass --yes to remove all of them" in message
    assert stored_ids(home) == set(ids)
    assert "give more characters" in error_of(run(home, "show", prefix))

    result = run(home, "remove", prefix.upper(), "--yes")
    assert result.exit_code == 0, result.output
    assert f"removed {ids[0]}" in result.output and f"removed {ids[1]}" in result.output
    assert stored_ids(home) == {ids[2]}


def test_several_ids_need_yes_and_a_unique_prefix_removes_one(three: tuple[Path, list[str]]) -> None:
    home, ids = three

    message = error_of(run(home, "remove", ids[0], ids[2]))
    assert "this removes 2 articles: pass --yes" in message
    assert stored_ids(home) == set(ids)

    result = run(home, "remove", ids[0], ids[0][:12])  # the same article named twice is one article
    assert result.exit_code == 0, result.output
    assert stored_ids(home) == {ids[1], ids[2]}

    result = run(home, "remove", ids[1][:8], ids[2][:8], "--yes")
    assert result.exit_code == 0, result.output
    assert stored_ids(home) == set()
    assert "no article id starts with" in error_of(run(home, "remove", ids[2]))


# --- escape sequences and control characters ------------------------------------------------------------

ESCAPES = "\x1b]0;owned\x07\x1b[2J\x1b[31m\x07\x01\x7f"  # OSC title, clear screen, colour, bell, DEL
EVIL = ESCAPES + "\x9b1m\x85\x00"  # and the 8-bit CSI, a C1 control, a NUL


def test_escape_sequences_in_a_text_title_reach_neither_stdout_nor_the_library(tmp_path: Path) -> None:
    home = tmp_path / "lib"
    body = ARTICLE.replace("climbed", f"climbed{EVIL}")

    result = run(home, "ingest", "--text", body, "--title", f"Tin{EVIL} rally", "--source", f"Desk{EVIL}")

    assert result.exit_code == 0, result.output
    assert_clean(result.output)
    assert "Tin rally" in result.output
    [summary] = Library.open(Settings(home=home)).catalog.summaries()
    article = Library.open(Settings(home=home)).catalog.get(summary.id)
    assert (article.meta.title, article.meta.source) == ("Tin rally", "Desk")
    assert_clean(article.text)
    assert "shares climbed in Zürich" in article.text
    for command in (("articles",), ("show", summary.id), ("show", summary.id, "--passages")):
        shown = run(home, *command)
        assert shown.exit_code == 0 and "Tin rally" in shown.output
        assert_clean(shown.output)


def test_escape_sequences_in_file_names_html_titles_manifests_and_feeds_are_stripped(tmp_path: Path) -> None:
    folder = tmp_path / "drop"
    folder.mkdir()
    (folder / f"wire{EVIL.replace(chr(0), '')}.txt").write_text(variant(1), encoding="utf-8")
    html = page(ARTICLE.split("\n\n"), title="placeholder").replace("placeholder", f"Pit{ESCAPES} output")
    (folder / "page.html").write_text(html, encoding="utf-8")
    (folder / "note.md").write_text(variant(2), encoding="utf-8")
    manifest = {"note.md": {"title": f"Manifest{EVIL} title", "source": f"Wire{EVIL}", "url": "javascript:x"}}
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    feed = tmp_path / "wire.xml"
    feed.write_text(
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed{ESCAPES}</title><item>'
        f"<title>AT&amp;amp;T{ESCAPES} item</title><guid>urn:uuid:42</guid>"
        f"<description>AT&amp;amp;T {variant(3)}</description></item></channel></rss>",
        encoding="utf-8",
    )
    home = tmp_path / "lib"

    result = run(home, "ingest", str(folder), str(feed))

    assert result.exit_code == 0, result.output
    assert_clean(result.output)
    assert "4 added" in result.output, result.output
    listed = run(home, "articles")
    assert_clean(listed.output)
    catalog = Library.open(Settings(home=home)).catalog
    articles = {a.meta.title: a for a in (catalog.get(s.id) for s in catalog.summaries())}
    # the HTML parser drops the control characters itself, leaving the sequences' harmless remains
    assert any(t and t.startswith("Pit") and t.endswith(" output") for t in articles), set(articles)
    assert {"Manifest title", "AT&T item"} <= set(articles), set(articles)
    for article in articles.values():
        for value in (article.text, article.meta.title, article.meta.source, article.meta.author):
            assert_clean(value)
        assert article.meta.url is None  # a javascript: manifest url and a urn: guid are not URLs
    assert articles["Manifest title"].meta.source == "Wire"
    feed_article = articles["AT&T item"]
    assert feed_article.meta.source == "Feed" and feed_article.text.startswith("AT&T Marrowby")


# --- encodings ------------------------------------------------------------------------------------------

ENCODED = {
    "utf-16-le": codecs.BOM_UTF16_LE + ARTICLE.encode("utf-16-le"),
    "utf-16-be": codecs.BOM_UTF16_BE + ARTICLE.encode("utf-16-be"),
    "utf-16-le-no-bom": ARTICLE.encode("utf-16-le"),
    "utf-16-be-no-bom": ARTICLE.encode("utf-16-be"),
    "utf-32-le": codecs.BOM_UTF32_LE + ARTICLE.encode("utf-32-le"),
    "utf-32-be-no-bom": ARTICLE.encode("utf-32-be"),
    "utf-8-bom": codecs.BOM_UTF8 + ARTICLE.encode("utf-8"),
    "windows-1252": ARTICLE.encode("cp1252"),
}


@pytest.mark.parametrize("name", list(ENCODED))
def test_text_files_in_any_common_encoding_are_read_as_text(name: str, tmp_path: Path) -> None:
    path = tmp_path / f"{name}.txt"
    path.write_bytes(ENCODED[name])
    draft = draft_from_file(path, Settings(home=tmp_path / "lib"))
    assert draft.text == clean_text(ARTICLE)


def test_utf16_files_ingest_as_one_article(tmp_path: Path) -> None:
    """Every encoding of one text is one article: the first is added, the others are duplicates of it."""
    folder = tmp_path / "encodings"
    folder.mkdir()
    for name, data in ENCODED.items():
        (folder / f"{name}.txt").write_bytes(data)
    outcomes = ingest(Settings(home=tmp_path / "lib"), folder)
    assert sorted(o.status for o in outcomes) == ["added"] + ["duplicate"] * (len(ENCODED) - 1), outcomes


def test_fetched_utf16_bodies_without_a_charset_become_text(
    http_server: FixtureServer, tmp_path: Path
) -> None:
    texts = [variant(n) for n in range(3)]
    plain_le = http_server.add("/le.txt", texts[0].encode("utf-16-le"), content_type="text/plain")
    plain_be = http_server.add(
        "/be.txt", codecs.BOM_UTF16_BE + texts[1].encode("utf-16-be"), content_type="text/plain"
    )
    html = page(texts[2].split("\n\n"), title="Pit output in UTF-16", meta_charset=False)
    html_le = http_server.add(
        "/page.html", codecs.BOM_UTF16_LE + html.encode("utf-16-le"), content_type="text/html"
    )
    binary = http_server.add("/blob.txt", bytes(range(256)) * 8, content_type="text/plain")
    settings = Settings(home=tmp_path / "lib", fetch_timeout=3.0)

    outcomes = ingest(settings, plain_le, plain_be, html_le, binary)

    assert [o.status for o in outcomes] == ["added", "added", "added", "failed"], outcomes
    assert "binary data" in outcomes[3].message
    catalog = Library.open(settings).catalog
    stored = [catalog.get(o.article_id or "") for o in outcomes[:3]]
    assert [a.text for a in stored[:2]] == [clean_text(t) for t in texts[:2]]
    assert "Marrowby Tin shares climbed in Zürich" in stored[2].text
    assert stored[2].meta.title == "Pit output in UTF-16"
    for article in stored:
        assert_clean(article.text)


# --- symlinks -------------------------------------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks")
def test_a_symlink_out_of_the_folder_is_skipped_with_a_message(tmp_path: Path) -> None:
    folder = tmp_path / "tree"
    folder.mkdir()
    (folder / "inside.txt").write_text(variant(1), encoding="utf-8")
    (folder / "alias.txt").symlink_to("inside.txt")  # a link inside the tree is fine
    secret = tmp_path / "private"
    secret.mkdir()
    (secret / "diary.txt").write_text(variant(2), encoding="utf-8")
    (folder / "leak.txt").symlink_to(secret / "diary.txt")
    (folder / "leakdir").symlink_to(secret, target_is_directory=True)
    home = tmp_path / "lib"

    result = run(home, "ingest", str(folder))

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    for link in ("leak.txt", "leakdir"):
        [line] = [line for line in lines if line.rstrip().endswith(link) or f"{link}:" in line]
        assert "a symbolic link out of the folder, not followed" in line, line
    assert not any("alias.txt" in line and "symbolic" in line for line in lines)
    catalog = Library.open(Settings(home=home)).catalog
    assert [catalog.get(s.id).text for s in catalog.summaries()] == [clean_text(variant(1))]


# --- article length cap ---------------------------------------------------------------------------------


def test_an_over_long_article_fails_fast_and_the_rest_of_the_batch_goes_in(tmp_path: Path) -> None:
    big = tmp_path / "huge.txt"
    paragraph = clean_text(ARTICLE) + "\n\n"
    big.write_text(paragraph * (5_000_000 // len(paragraph) + 1), encoding="utf-8")
    good = tmp_path / "good.txt"
    good.write_text(variant(1), encoding="utf-8")
    settings = Settings(home=tmp_path / "lib")
    Library.open(settings)  # the embedding model is loaded before the clock starts

    started = time.monotonic()
    outcomes = ingest(settings, big, good)
    elapsed = time.monotonic() - started

    assert [o.status for o in outcomes] == ["failed", "added"], outcomes
    message = outcomes[0].message
    assert re.fullmatch(
        r"the article text is 5,\d{3},\d{3} characters, over the 400,000 limit "
        r"\(NEWSDESK_MAX_ARTICLE_CHARS\); split it or raise the limit",
        message,
    ), message
    assert elapsed < 60, f"{elapsed:.0f}s"


def test_the_length_cap_is_a_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSDESK_MAX_ARTICLE_CHARS", "500")
    result = run(tmp_path / "lib", "ingest", "--text", ARTICLE)
    assert result.exit_code == 1
    assert "over the 500 limit (NEWSDESK_MAX_ARTICLE_CHARS)" in result.output.replace("\n", "")


# --- encrypted PDFs -------------------------------------------------------------------------------------


def encrypted(user: str, owner: str, algorithm: str) -> bytes:
    """A text PDF encrypted by pypdf with these passwords and algorithm."""
    text = ARTICLE.encode("latin-1", errors="replace").decode("latin-1")  # what pdfgen's font can show
    lines = [line for para in text.split("\n\n") for line in re.findall(r".{1,90}(?:\s|$)", para)]
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(make_pdf(lines, title="Pit report"))))
    writer.encrypt(user_password=user, owner_password=owner, algorithm=algorithm)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def pdf_outcomes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, IngestOutcome]]:
    """Outcomes of one batch of encrypted PDFs, by file name."""
    folder = tmp_path_factory.mktemp("pdfs")
    files = {
        "aes256-owner-only.pdf": encrypted("", "owner-secret", "AES-256"),
        "aes128-owner-only.pdf": encrypted("", "owner-secret", "AES-128"),
        "rc4-owner-only.pdf": encrypted("", "owner-secret", "RC4-128"),
        "aes-user-password.pdf": encrypted("reader-secret", "owner-secret", "AES-256"),
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    settings = Settings(home=folder / "lib")
    outcomes = ingest(settings, *(folder / name for name in files))
    yield {Path(o.item).name: o for o in outcomes}


@pytest.mark.parametrize("name", ["aes256-owner-only.pdf", "aes128-owner-only.pdf", "rc4-owner-only.pdf"])
def test_pdfs_encrypted_without_a_user_password_are_read(
    name: str, pdf_outcomes: dict[str, IngestOutcome]
) -> None:
    outcome = pdf_outcomes[name]
    assert outcome.status in ("added", "duplicate"), outcome
    assert outcome.title == "Pit report"


def test_a_pdf_with_a_user_password_fails_with_one_line(pdf_outcomes: dict[str, IngestOutcome]) -> None:
    outcome = pdf_outcomes["aes-user-password.pdf"]
    assert outcome.status == "failed"
    assert outcome.message == "the PDF is password-protected; save an unprotected copy and ingest that"
