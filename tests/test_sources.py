"""Ingest of local sources: HTML, text, Markdown and PDF files, directories, raw text, the seeds."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest

from assistant.models import ArticleMeta
from ingest.pipeline import Ingestor, TextSource
from vectorstore.library import Library

from .conftest import SHARED, example_files, needs_shared
from .pdfgen import make_pdf

pytestmark = pytest.mark.both_catalogs  # the catalog on SQLite and on PostgreSQL

PARAGRAPH = (
    "Copper futures climbed to a three-week high as warehouse stocks in Shanghai shrank for a fifth "
    "straight session. Miners in the Stoxx 600 added 1.9%, and a metals strategist at a Geneva trading "
    "house said buyers were rebuilding inventories ahead of the spring construction season. "
)


def _stored(library: Library, article_id: str | None) -> tuple[str, ArticleMeta]:
    """Text and metadata of a stored article, with its passages checked against the span invariant."""
    assert article_id
    article = library.catalog.get(article_id)
    passages = library.catalog.passages(article_id)
    assert passages
    assert all(article.text[p.span.start : p.span.end] == p.text for p in passages)
    assert library.index.count() >= len(passages)
    return article.text, article.meta


def test_html_file_metadata_and_boilerplate(ingestor: Ingestor, library: Library) -> None:
    """An HTML page yields its title, author, site, date and canonical URL, without page chrome."""
    page = example_files()[0]
    outcome = ingestor.run([page])[0]
    assert outcome.status == "added", outcome.message
    text, meta = _stored(library, outcome.article_id)
    assert meta.title == "Why small caps ran away from Big Tech on Friday"
    assert meta.source == "Harbor Street Markets"
    assert meta.author == "Dana Whitcombe"
    assert meta.published == date(2026, 2, 7)
    assert meta.url and meta.url.startswith("https://harborstreet.example/")
    assert "3.5%" in text
    for chrome in ("cookie", "Subscribe", "Most read", "All rights reserved"):
        assert chrome.lower() not in text.lower(), chrome


def test_every_sample_page_has_its_stated_date(ingestor: Ingestor, library: Library) -> None:
    """Each sample page's stored date equals the date in its article:published_time markup."""
    outcomes = ingestor.run(example_files())
    assert [o.status for o in outcomes] == ["added"] * len(example_files())
    for path, outcome in zip(example_files(), outcomes, strict=True):
        html = path.read_text(encoding="utf-8")
        marker = 'property="article:published_time" content="'
        stated = html[html.index(marker) + len(marker) :][:10]
        assert library.catalog.get(outcome.article_id or "").meta.published == date.fromisoformat(stated), (
            path.name
        )


def test_text_markdown_and_pdf_files(ingestor: Ingestor, library: Library, tmp_path: Path) -> None:
    """.txt takes its first short line as title; .md its front matter; .pdf its text and Info title."""
    txt = tmp_path / "copper.txt"
    txt.write_text("Copper hits three-week high\n\n" + PARAGRAPH * 3, encoding="utf-8")
    md = tmp_path / "grains.md"
    md.write_text(
        "---\ntitle: Wheat slides on rain forecast\ndate: 2026-03-04\nsource: Field Notes\n"
        "url: https://fieldnotes.example/wheat\n---\n# Wheat slides\n\n"
        + PARAGRAPH.replace("Copper", "Wheat")
        * 3,
        encoding="utf-8",
    )
    pdf = tmp_path / "note.pdf"
    words = (PARAGRAPH.replace("Copper", "Nickel") * 3).split()
    lines = [" ".join(words[i : i + 12]) for i in range(0, len(words), 12)]
    pdf.write_bytes(make_pdf(lines, title="Nickel note", author="Desk Research"))
    outcomes = ingestor.run([txt, md, pdf])
    assert [o.status for o in outcomes] == ["added"] * 3, [o.message for o in outcomes]
    _, txt_meta = _stored(library, outcomes[0].article_id)
    assert txt_meta.title == "Copper hits three-week high" and txt_meta.published is None
    md_text, md_meta = _stored(library, outcomes[1].article_id)
    assert md_meta == ArticleMeta(
        title="Wheat slides on rain forecast",
        published=date(2026, 3, 4),
        source="Field Notes",
        url="https://fieldnotes.example/wheat",
    )
    assert not md_text.startswith("---")
    pdf_text, pdf_meta = _stored(library, outcomes[2].article_id)
    assert pdf_meta.title == "Nickel note" and pdf_meta.author == "Desk Research"
    assert "Nickel futures climbed" in pdf_text


def test_directory_ingests_its_files_and_skips_others(ingestor: Ingestor, tmp_path: Path) -> None:
    """A directory ingests its article files (recursively) and reports other files as skipped."""
    folder = tmp_path / "inbox"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text(PARAGRAPH * 3, encoding="utf-8")
    (folder / "sub" / "b.md").write_text(PARAGRAPH.replace("Copper", "Zinc") * 3, encoding="utf-8")
    (folder / "notes.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    (folder / ".hidden.txt").write_text(PARAGRAPH.replace("Copper", "Tin") * 3, encoding="utf-8")
    outcomes = {Path(o.item).name: o.status for o in ingestor.run([folder])}
    assert outcomes == {"a.txt": "added", "b.md": "added", "notes.csv": "skipped"}


def test_raw_text_with_overrides(ingestor: Ingestor, library: Library) -> None:
    """Raw text takes its title, source, date and URL from the options."""
    overrides = ArticleMeta(
        title="Copper note", source="Desk", published=date(2026, 2, 2), url="https://d.example/c"
    )
    outcome = ingestor.run([TextSource(PARAGRAPH * 3)], overrides)[0]
    _, meta = _stored(library, outcome.article_id)
    assert meta == overrides


@needs_shared
def test_seed_files_take_titles_and_dates_from_the_manifest(
    ingestor: Ingestor, library: Library, tmp_path: Path
) -> None:
    """The seeds directory ingests 3 articles whose titles, sources and dates come from manifest.json."""
    manifest = json.loads((SHARED / "seeds" / "manifest.json").read_text(encoding="utf-8"))
    outcomes = ingestor.run([SHARED / "seeds"])
    assert [o.status for o in outcomes] == ["added"] * 3, [o.message for o in outcomes]
    for outcome in outcomes:
        entry = manifest[Path(outcome.item).name]
        _, meta = _stored(library, outcome.article_id)
        assert meta.title == entry["title"]
        assert meta.source == entry["source"]
        assert meta.published == date.fromisoformat(entry["published"])
    # without a manifest, a text file gets no date at all (never today's date)
    lone = tmp_path / "lone"
    lone.mkdir()
    seed = sorted((SHARED / "seeds").glob("*.txt"))[0]
    shutil.copy(seed, lone / "seed.txt")
    assert ingestor.run([lone / "seed.txt"])[0].status == "duplicate"
    (lone / "edited.txt").write_text(
        seed.read_text(encoding="utf-8") + "\nEditor's note: updated.\n", "utf-8"
    )
    edited = ingestor.run([lone / "edited.txt"])[0]
    assert edited.status == "added"
    assert library.catalog.get(edited.article_id or "").meta.published is None
