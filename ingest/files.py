"""Local files and directories: type checks, size and emptiness limits, decoding (shared with fetched bodies),
manifests of metadata."""

from __future__ import annotations

import codecs
import json
from pathlib import Path

from assistant.errors import ExtractionError, UnsupportedSourceError
from assistant.models import ArticleMeta
from assistant.settings import Settings
from ingest.clean import looks_binary
from ingest.extract import Draft, extract_html, extract_markdown, extract_pdf, extract_plain, publication_date

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
    try:
        return path.read_bytes()
    except OSError as exc:
        raise UnsupportedSourceError(
            f"{path}: cannot be read ({exc.strerror}); check its permissions"
        ) from None


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE, whose BOM it starts with
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_WIDE = {"utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"}


def _zeros(head: bytes, offset: int, step: int) -> float:
    """Share of NUL bytes at positions offset, offset + step, ... of head."""
    picked = head[offset::step]
    return picked.count(0) / len(picked) if picked else 0.0


def _wide_codec(data: bytes) -> str | None:
    """UTF-32 or UTF-16 (and byte order) of BOM-less text, told by where its NUL bytes fall."""
    head = data[: 4096 - 4096 % 4]
    if len(head) < 4:
        return None
    z4 = [_zeros(head, i, 4) for i in range(4)]
    if min(z4[2], z4[3]) >= 0.9 and z4[0] < 0.1:
        return "utf-32-le"
    if min(z4[0], z4[1]) >= 0.9 and z4[3] < 0.1:
        return "utf-32-be"
    even, odd = _zeros(head, 0, 2), _zeros(head, 1, 2)
    if odd >= 0.7 and even < 0.1:
        return "utf-16-le"
    if even >= 0.7 and odd < 0.1:
        return "utf-16-be"
    return None


def _codec(declared: str | None) -> str | None:
    """Python's name for a declared charset, or None when it is missing or unknown."""
    try:
        return codecs.lookup(declared).name if declared else None
    except LookupError:
        return None


def _certain_text(data: bytes, declared: str | None) -> str | None:
    """Text whose encoding the bytes show: a BOM, UTF-16/32 NUL patterns or a declared UTF-16/32."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(name, errors="replace")
    declared_wide = _codec(declared) if _codec(declared) in _WIDE else None
    codec = _wide_codec(data) or declared_wide
    return data.decode(codec, errors="replace") if codec else None


def _guessed_text(data: bytes, declared: str | None) -> str:
    """Text of ASCII-compatible bytes: the declared charset, else UTF-8, else a charset-normalizer guess."""
    codec = _codec(declared)
    if codec:
        return data.decode(codec, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    # short Western text is often guessed as another Latin code page; Windows-1252 wins when it reads clean
    match = from_bytes(data, cp_isolation=["cp1252"]).best() or from_bytes(data).best()
    return str(match) if match is not None else data.decode("cp1252", errors="replace")


def _refuse_binary(item: str, what: str) -> UnsupportedSourceError:
    """The one-line error for bytes that are not text."""
    hint = "give a text, Markdown, HTML or PDF file" if what == "text" else "check the file or link"
    return UnsupportedSourceError(f"{item}: binary data, not {what}; {hint}")


def decode_text(data: bytes, item: str, declared: str | None = None) -> str:
    """Text of a file or fetched body: BOM, UTF-16/32, declared charset, UTF-8, a guess; binary refused."""
    text = _certain_text(data, declared)
    if text is None:
        if looks_binary(data):
            raise _refuse_binary(item, "text")
        return _guessed_text(data, declared)
    if looks_binary(text[:4096].encode("utf-8")):
        raise _refuse_binary(item, "text")
    return text


def html_markup(data: bytes, item: str, declared: str | None = None) -> str | bytes:
    """HTML for trafilatura: decoded when the encoding is known, else the bytes (it reads <meta charset>)."""
    text = _certain_text(data, declared)
    if text is None:
        if looks_binary(data):
            raise _refuse_binary(item, "HTML")
        return data.decode(codec, errors="replace") if (codec := _codec(declared)) else data
    if looks_binary(text[:4096].encode("utf-8")):
        raise _refuse_binary(item, "HTML")
    return text


def draft_from_bytes(
    data: bytes, kind: str, item: str, declared: str | None = None, url: str | None = None
) -> Draft:
    """Extract the article held in a file's or a fetched body's bytes, by kind (pdf, html, markdown, text)."""
    if kind == "pdf":
        return extract_pdf(data, item)
    if kind == "html":
        return extract_html(html_markup(data, item, declared), item, url=url)
    text = decode_text(data, item, declared)
    return extract_markdown(text, item) if kind == "markdown" else extract_plain(text, item)


def draft_from_file(path: Path, settings: Settings) -> Draft:
    """Extract the article held in one file, by its suffix."""
    kind = ARTICLE_SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise UnsupportedSourceError(
            f"{path}: unsupported file type {path.suffix or '(none)'}; supported: {_supported()}"
        )
    data = read_checked(path, settings)
    if kind == "pdf" and not data.startswith(b"%PDF"):
        raise UnsupportedSourceError(f"{path}: not a PDF file (no %PDF header); check the file")
    return draft_from_bytes(data, kind, str(path))


def manifest_meta(path: Path) -> ArticleMeta:
    """Metadata for a file from a manifest.json beside it ({file name: {title, source, published, ...}})."""
    manifest = path.parent / MANIFEST
    if not manifest.is_file():
        return ArticleMeta()
    try:
        entry = json.loads(manifest.read_text(encoding="utf-8")).get(path.name) or {}
    except (json.JSONDecodeError, UnicodeDecodeError, AttributeError, OSError):
        return ArticleMeta()
    if not isinstance(entry, dict):
        return ArticleMeta()  # {"story.txt": "just a title"}: not a metadata object, ignored

    def text(key: str) -> str | None:
        """A manifest field when it is text (a number or a list names nothing)."""
        value = entry.get(key)
        return value if isinstance(value, str) else None

    return ArticleMeta(
        title=text("title"),
        source=text("source"),
        author=text("author"),
        url=text("url"),
        published=publication_date(text("published") or text("date")),
    )


def _outside(path: Path, root: Path) -> bool:
    """True for a symbolic link whose target lies outside the root folder (or that loops: never followed)."""
    if not path.is_symlink():
        return False
    try:
        return not path.resolve(strict=False).is_relative_to(root)
    except (RuntimeError, OSError):  # a symlink loop
        return True


def directory_files(directory: Path) -> tuple[list[Path], list[Path], list[Path]]:
    """Article files under a directory (recursively, hidden ones aside), the files skipped, and the
    symbolic links that lead out of it (not followed)."""
    root = directory.resolve()
    wanted: list[Path] = []
    skipped: list[Path] = []
    links: list[Path] = []
    for path in sorted(directory.rglob("*")):
        if any(part.startswith(".") for part in path.relative_to(directory).parts):
            continue
        if _outside(path, root):
            links.append(path)
        elif path.is_file() and path.name != MANIFEST:
            (wanted if path.suffix.lower() in ARTICLE_SUFFIXES else skipped).append(path)
    return wanted, skipped, links
