"""RSS/Atom feeds via feedparser: entries with their link, title, date and own content."""

from __future__ import annotations

import calendar
import email.utils
import re
import sys
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import feedparser

from assistant.errors import FeedError
from assistant.models import ArticleMeta
from ingest.extract import html_fragment_to_text, plausible_date

# a numeric character reference; feedparser's loose parser calls chr() on it unchecked
_CHARREF = re.compile(rb"&#(?:[xX](?P<hex>[0-9a-fA-F]+)|(?P<dec>[0-9]+));")


@dataclass(frozen=True)
class FeedEntry:
    """One feed item: where its page is, what the feed says about it, its own text and its GUID (RSS guid,
    Atom id) when it states one."""

    link: str | None
    meta: ArticleMeta
    content: str
    guid: str | None = None


def looks_like_feed(body: bytes) -> bool:
    """Sniff an RSS/Atom/RDF feed from the first bytes of a body."""
    head = body[:4096].lstrip().lower()
    if head.startswith((b"<rss", b"<feed", b"<rdf:rdf")):
        return True
    return head.startswith(b"<?xml") and any(tag in head for tag in (b"<rss", b"<feed", b"<rdf:rdf"))


def _local_date(raw: object) -> date | None:
    """The calendar date as written in an RFC 822 or ISO 8601 timestamp, in the writer's own time zone."""
    if not isinstance(raw, str) or not raw.strip():
        return None
    try:
        return email.utils.parsedate_to_datetime(raw).date()
    except (TypeError, ValueError, IndexError, OverflowError):
        pass
    try:
        return datetime.fromisoformat(raw.strip().replace("Z", "+00:00")).date()
    except ValueError:
        return None


def _utc_date(parsed: time.struct_time) -> date | None:
    """The UTC date of feedparser's parsed timestamp, or None when it lies outside the calendar."""
    try:
        return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC).date()
    except (ValueError, OverflowError, OSError):
        return None


def _entry_date(entry: Any) -> date | None:
    """Publication (else update) date of an entry: as written, else feedparser's UTC reading; if plausible."""
    for key in ("published", "updated", "created"):
        if f"{key}_parsed" not in entry:  # `in`, not get(): feedparser warns when updated_parsed is missing
            continue
        parsed: time.struct_time | None = entry.get(f"{key}_parsed")
        if parsed:
            day = plausible_date(_local_date(entry.get(key)) or _utc_date(parsed))
            if day is not None:
                return day
    return None


def _entry_content(entry: Any) -> str:
    """The longest text the entry carries itself (full content, else summary), as plain text."""
    candidates = [c.get("value", "") for c in entry.get("content", []) or []]
    candidates.append(entry.get("summary", "") or "")
    texts = [html_fragment_to_text(c) for c in candidates if c]
    return max(texts, key=len, default="")


def _entry_guid(entry: Any) -> str | None:
    """The entry's own identifier (RSS guid, Atom id), stripped; None when it states none."""
    guid = entry.get("id")
    return (guid.strip() or None) if isinstance(guid, str) else None


def _charref_value(m: re.Match[bytes]) -> int:
    """The code point a numeric character reference names (anything past U+10FFFF as U+10FFFF + 1)."""
    digits = (m["hex"] or m["dec"]).lstrip(b"0") or b"0"
    if len(digits) > 8:  # more digits than any code point has (and int() refuses thousands of them)
        return sys.maxunicode + 1
    return int(digits, 16 if m["hex"] else 10)


def _safe_charrefs(body: bytes) -> bytes:
    """The feed with references to surrogates or past U+10FFFF replaced by U+FFFD's, so one is not fatal."""

    def replace(m: re.Match[bytes]) -> bytes:
        value = _charref_value(m)
        return b"&#xFFFD;" if 0xD800 <= value <= 0xDFFF or value > sys.maxunicode else m[0]

    return _CHARREF.sub(replace, body)


def _parse(body: bytes, item: str) -> Any:
    """feedparser's reading of the feed; any exception it raises becomes a one-line FeedError."""
    try:
        return feedparser.parse(_safe_charrefs(body))
    except Exception as exc:  # feedparser's loose parser has unchecked paths; a feed is untrusted input
        reason = " ".join(f"{type(exc).__name__}: {exc}".split())
        raise FeedError(
            f"{item}: the feed could not be parsed ({reason}); check the feed URL or file"
        ) from exc


def parse_feed(body: bytes, item: str) -> list[FeedEntry]:
    """The entries of a feed (its title stands in as their source), or FeedError when it is not usable."""
    parsed = _parse(body, item)
    version = parsed.get("version") or ""
    entries = parsed.get("entries") or []
    if not entries:
        reason = parsed.get("bozo_exception") if parsed.get("bozo") else "it has no entries"
        raise FeedError(f"{item}: not a usable RSS/Atom feed ({reason}); check the feed URL or file")
    if not version and parsed.get("bozo"):
        raise FeedError(
            f"{item}: malformed feed ({parsed.get('bozo_exception')}); check the feed URL or file"
        )
    feed_title = (parsed.get("feed") or {}).get("title")
    out = []
    for entry in entries:
        link = entry.get("link")
        out.append(
            FeedEntry(
                link=link if isinstance(link, str) and link.startswith(("http://", "https://")) else None,
                meta=ArticleMeta(
                    url=link,
                    title=" ".join((entry.get("title") or "").split()) or None,
                    author=entry.get("author") or None,
                    source=feed_title or None,
                    published=_entry_date(entry),
                ),
                content=_entry_content(entry),
                guid=_entry_guid(entry),
            )
        )
    return out
