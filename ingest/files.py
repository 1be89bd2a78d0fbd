"""Local files and directories: type checks, size and emptiness limits, manifests of metadata."""

from __future__ import annotations

import json
from pathlib import Path

from assistant.errors import ExtractionError, UnsupportedSourceError
from assistant.models import ArticleMeta
from assistant.settings import Settings
from ingest.clean import looks_binary
from ingest.extract import Draft, extract_html, extract_markdown, extract_pdf, extract_plain, parse_date

ARTICLE_SUFFIXES = {
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".pdf": "pdf",
}
FEED_SUFFIXES = {".xml", ".rss", ".atom"}
MANIFEST = "manifest.json"


def _supported() -> str:
    """The supported suffixes, for error messages."""
    return " ".join(sorted(ARTICLE_SUFFIXES))


def read_checked(path: Path, settings: Settings) -> bytes:
    """File bytes after the existence, size and emptiness checks."""
    if not path.is_file():
        raise UnsupportedSourceError(f"{path}: no such file; check the path")
    size = path.stat().st_size
    if size == 0:
        raise ExtractionError(f"{path}: the file is empty; nothing to ingest")
    if size > settings.max_file_bytes:
        raise UnsupportedSourceError(
            f"{path}: {size:,} bytes is over the {settings.max_file_bytes:,}-byte limit; "
            "split it or raise NEWSDESK_MAX_FILE_BYTES"
        )
    return path.read_bytes()


def _decode_text(data: bytes, path: Path) -> str:
    """Text of a .txt/.md file: UTF-8 (with or without BOM), else Latin-1; binary data is refused."""
    if looks_binary(data):
        raise UnsupportedSourceError(
            f"{path}: binary data, not text; give a text, Markdown, HTML or PDF file"
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def draft_from_file(path: Path, settings: Settings) -> Draft:
    """Extract the article held in one file, by its suffix."""
    kind = ARTICLE_SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise UnsupportedSourceError(
            f"{path}: unsupported file type {path.suffix or '(none)'}; supported: {_supported()}"
        )
    data = read_checked(path, settings)
    item = str(path)
    if kind == "pdf":
        if not data.startswith(b"%PDF"):
            raise UnsupportedSourceError(f"{path}: not a PDF file (no %PDF header); check the file")
        return extract_pdf(data, item)
    if kind == "html":
        if looks_binary(data):
            raise UnsupportedSourceError(f"{path}: binary data, not HTML; check the file")
        return extract_html(data, item)
    text = _decode_text(data, path)
    return extract_markdown(text, item) if kind == "markdown" else extract_plain(text, item)


def manifest_meta(path: Path) -> ArticleMeta:
    """Metadata for a file from a manifest.json beside it ({file name: {title, source, published, ...}})."""
    manifest = path.parent / MANIFEST
    if not manifest.is_file():
        return ArticleMeta()
    try:
        entry = json.loads(manifest.read_text(encoding="utf-8")).get(path.name) or {}
    except (json.JSONDecodeError, UnicodeDecodeError, AttributeError):
        return ArticleMeta()
    return ArticleMeta(
        title=entry.get("title"),
        source=entry.get("source"),
        author=entry.get("author"),
        url=entry.get("url"),
        published=parse_date(entry.get("published") or entry.get("date")),
    )


def directory_files(directory: Path) -> tuple[list[Path], list[Path]]:
    """Article files under a directory (recursively, hidden ones aside) and the files skipped."""
    wanted: list[Path] = []
    skipped: list[Path] = []
    for path in sorted(directory.rglob("*")):
        if not path.is_file() or any(part.startswith(".") for part in path.relative_to(directory).parts):
            continue
        if path.name == MANIFEST:
            continue
        (wanted if path.suffix.lower() in ARTICLE_SUFFIXES else skipped).append(path)
    return wanted, skipped
