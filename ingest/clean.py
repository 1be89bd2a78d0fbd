"""Text normalisation applied to every article before it is hashed, chunked and stored."""

from __future__ import annotations

import html
import re
import unicodedata

from assistant.models import ArticleMeta
from assistant.text import printable, printable_line

_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_INLINE_SPACE = re.compile(r"[ \t\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_MANY_NEWLINES = re.compile(r"\n{3,}")
# an HTML entity left in a feed title (AT&amp;T); only the complete form with its semicolon
_ENTITY = re.compile(r"&(?:[a-zA-Z][a-zA-Z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6});")


def clean_text(text: str) -> str:
    """NFC-normalise, unify newlines, drop invisible and control characters, collapse blanks, trim lines."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = printable(_INLINE_SPACE.sub(" ", _INVISIBLE.sub("", text)))
    lines = (_INLINE_SPACE.sub(" ", line).strip() for line in text.split("\n"))
    return _MANY_NEWLINES.sub("\n\n", "\n".join(lines)).strip()


def clean_field(value: object) -> str | None:
    """A metadata string on one line, entities decoded (AT&amp;T), no control characters; None if empty."""
    if not isinstance(value, str):
        return None
    value = _ENTITY.sub(lambda m: html.unescape(m[0]), value)
    return " ".join(printable_line(value).split()) or None


def is_http(value: object) -> bool:
    """True for an absolute http(s) URL."""
    return isinstance(value, str) and value.lower().startswith(("http://", "https://"))


def clean_meta(meta: ArticleMeta) -> ArticleMeta:
    """Metadata fit to store and print: one-line fields without control characters; http(s) URLs only."""
    url = clean_field(meta.url)
    return meta.model_copy(
        update={
            "title": clean_field(meta.title),
            "source": clean_field(meta.source),
            "author": clean_field(meta.author),
            "url": url.replace(" ", "%20") if url and is_http(url) else None,
        }
    )


def word_count(text: str) -> int:
    """Number of whitespace-separated words."""
    return len(text.split())


def looks_binary(data: bytes) -> bool:
    """True for bytes that are not text: NUL bytes or many control characters in the first 4 KiB."""
    head = data[:4096]
    if b"\x00" in head:
        return True
    control = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return bool(head) and control / len(head) > 0.05
