"""Main text and metadata from HTML pages (trafilatura), PDFs (pypdf), Markdown and plain text."""

from __future__ import annotations

import html
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlparse

from assistant.errors import ExtractionError
from assistant.models import ArticleMeta
from assistant.text import printable
from ingest.clean import clean_field, clean_text, is_http

# publication dates before EARLIEST_PUBLISHED or more than LATEST_AHEAD after today are placeholders
# (0001-01-01, 9999-12-31) or typos: plausible_date() treats them as unknown
EARLIEST_PUBLISHED = date(1900, 1, 1)
LATEST_AHEAD = timedelta(days=366)
_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.DOTALL)
_MD_TITLE = re.compile(r"^#\s+(.+?)\s*#*\s*$", re.MULTILINE)


@dataclass(frozen=True)
class Draft:
    """Article text and metadata extracted from one item, before it becomes an Article."""

    text: str
    meta: ArticleMeta
    item: str
    notes: list[str] = field(default_factory=list)
    # text the user gave as text (--text, stdin, .txt/.md, the app's paste box) is an article from one
    # sentence up; a web page or PDF this short is a paywall or a script-rendered page, so it is refused
    given_as_text: bool = False


def parse_date(value: object) -> date | None:
    """An ISO-like date (YYYY-MM-DD, optionally followed by a time) or None."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    match = re.match(r"\s*(\d{4})-(\d{2})-(\d{2})", value)
    if not match:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def plausible_date(day: date | None, today: date | None = None) -> date | None:
    """The publication date when it lies in 1900-01-01..(today + a year), else None (treated as unknown)."""
    if day is None:
        return None
    latest = (today or date.today()) + LATEST_AHEAD
    return day if EARLIEST_PUBLISHED <= day <= latest else None


def publication_date(value: object) -> date | None:
    """The publication date metadata states (parse_date's forms), or None when absent or implausible."""
    return plausible_date(parse_date(value))


def site_from_url(url: str | None) -> str | None:
    """Host name without www., used as the source when a page names no site."""
    if not url:
        return None
    host = urlparse(url).hostname or ""
    return host.removeprefix("www.") or None


# a numeric reference to a control character ("&#27;", "&#x7;"): lxml refuses the character it stands for,
# and trafilatura then finds no text in the whole page (tab, newline and carriage return are kept)
_CONTROL_REFERENCE = re.compile(
    rb"&#(?:0*(?:[0-8]|1[124-9]|2\d|3[01]|12[7-9]|1[3-5]\d)|[xX]0*(?:[0-8bBcCeEfF]|1[0-9a-fA-F]|7[fF]|[89][0-9a-fA-F]));"
)


def _without_control_references(html: str | bytes) -> str | bytes:
    """The page without numeric references to control characters."""
    if isinstance(html, bytes):
        return _CONTROL_REFERENCE.sub(b"", html)
    return _CONTROL_REFERENCE.sub(b"", html.encode("utf-8", "surrogatepass")).decode("utf-8", "surrogatepass")


def extract_html(html: str | bytes, item: str, url: str | None = None) -> Draft:
    """Main text and metadata of an HTML page via trafilatura; only dates stated in the markup are kept."""
    import trafilatura

    document: Any = trafilatura.bare_extraction(
        _without_control_references(html),
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        include_images=False,
        # extensive_search off: a page without a stated date gets none rather than a guess
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    doc: dict[str, Any] = document.as_dict() if document is not None else {}
    if not doc or not (doc.get("text") or "").strip():
        raise ExtractionError(
            f"{item}: no article text found in the page; is it an article, or rendered by script?"
        )
    canonical = doc.get("url") if is_http(doc.get("url")) else None
    meta = ArticleMeta(
        url=canonical or url,
        title=clean_field(doc.get("title")),
        source=clean_field(doc.get("sitename")),
        author=clean_field(doc.get("author")),
        published=publication_date(doc.get("date")),
    )
    return Draft(text=clean_text(doc["text"]), meta=meta, item=item)


def extract_pdf(data: bytes, item: str) -> Draft:
    """Text of every page of a PDF via pypdf, with its title and author when the file declares them."""
    from pypdf import PdfReader
    from pypdf.errors import LimitReachedError, PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            _unlock(reader, item)
        pages = [page.extract_text() or "" for page in reader.pages]
        info = reader.metadata
    except ExtractionError:
        raise
    except LimitReachedError as exc:  # a content stream that inflates without end (a PDF bomb)
        raise ExtractionError(
            f"{item}: the PDF expands past pypdf's safety limit ({exc}); check the file"
        ) from exc
    except (PdfReadError, ValueError, KeyError, OSError) as exc:
        raise ExtractionError(f"{item}: not a readable PDF ({exc}); check the file") from exc
    text = clean_text("\n\n".join(pages))
    if not text:
        raise ExtractionError(
            f"{item}: the PDF has no extractable text (a scanned image?); run OCR and ingest the text"
        )
    meta = ArticleMeta(
        title=clean_field(info.title) if info else None,
        author=clean_field(info.author) if info else None,
    )
    return Draft(text=text, meta=meta, item=item)


def _unlock(reader: Any, item: str) -> None:
    """Open an encrypted PDF with the empty user password (owner-password-only files), or refuse it."""
    from pypdf.errors import DependencyError

    try:
        opened = reader.decrypt("")
    except DependencyError as exc:
        raise ExtractionError(
            f"{item}: the PDF's encryption needs the `cryptography` package; pip install cryptography"
        ) from exc
    except NotImplementedError as exc:
        raise ExtractionError(
            f"{item}: the PDF uses an encryption pypdf cannot read ({exc}); save an unprotected copy"
        ) from exc
    if not opened:
        raise ExtractionError(
            f"{item}: the PDF is password-protected; save an unprotected copy and ingest that"
        )


def _front_matter(text: str) -> tuple[dict[str, str], str]:
    """Simple `key: value` front matter and the body after it.

    Hand-written rather than a YAML dependency: only flat string fields (title, date, source, author, url)
    are read, and a malformed block is simply left in the text.
    """
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    fields: dict[str, str] = {}
    for line in match[1].splitlines():
        key, sep, value = line.partition(":")
        if sep:
            fields[key.strip().lower()] = value.strip().strip("\"'")
    return fields, text[match.end() :]


def extract_markdown(raw: str, item: str) -> Draft:
    """A Markdown article: front matter fields as metadata, first heading as title, text kept as written."""
    fields, body = _front_matter(raw.replace("\r\n", "\n"))
    text = clean_text(body)
    heading = _MD_TITLE.search(text)
    meta = ArticleMeta(
        title=fields.get("title") or (heading[1].strip() if heading else None),
        source=fields.get("source") or fields.get("site"),
        author=fields.get("author"),
        url=fields.get("url") if is_http(fields.get("url")) else None,
        published=publication_date(fields.get("date") or fields.get("published")),
    )
    return Draft(text=text, meta=meta, item=item, given_as_text=True)


def extract_plain(raw: str, item: str) -> Draft:
    """A plain-text article; a short first line followed by more text is taken as its title."""
    text = clean_text(raw)
    first, _, rest = text.partition("\n")
    title = first.strip() if rest.strip() and len(first) <= 200 and not first.rstrip().endswith(".") else None
    return Draft(text=text, meta=ArticleMeta(title=title), item=item, given_as_text=True)


# what lxml refuses in text besides the control characters printable() drops: lone surrogates, U+FFFE, U+FFFF
_XML_REFUSED = re.compile(r"[\ud800-\udfff\ufffe\uffff]")


def _xml_safe(fragment: str) -> str:
    """The fragment without what lxml refuses: escape sequences, control characters (line breaks kept)."""
    unified = fragment.replace("\r\n", "\n").replace("\r", "\n")
    return _XML_REFUSED.sub("", printable(unified))


def html_fragment_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment (a feed entry's summary or content), one block per line."""
    import lxml.html

    fragment = _xml_safe(fragment)
    if not fragment.strip():
        return ""
    if "<" not in fragment:  # text with entities only (AT&amp;T): decode them
        return clean_text(html.unescape(fragment))
    root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    for element in root.iter("p", "div", "br", "li", "h1", "h2", "h3", "h4", "blockquote", "tr"):
        element.tail = "\n" + (element.tail or "")
    return clean_text(root.text_content())
