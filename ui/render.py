"""Safe HTML fragments: article text is always escaped; only our highlight and chip markup is raw."""

from __future__ import annotations

import html
import re
from datetime import date

from assistant.models import ArticleMeta, Span

_ENTITIES = {c: html.escape(c, quote=True) for c in "&<>\"'"} | {
    c: f"&#{ord(c)};" for c in "\\`*_{}[]()#|~$:"
}
_CHIP = (
    '<span title="{title}" style="display:inline-block;padding:0 .45em;margin:0 .1em;border-radius:.8em;'
    "background:#e0ecff;color:#1a4fa0;font-size:.75em;font-weight:600;vertical-align:super;cursor:help"
    '">{n}</span>'
)
_MARK = '<mark style="background:#ffe58a;padding:0 .1em">'
_PALE = '<span style="background:#fff7d6">'


def inert(text: str) -> str:
    """Text made safe for st.markdown: HTML escaped and markdown syntax turned into entities."""
    return "".join(_ENTITIES.get(c, c) for c in text)


def block(text: str) -> str:
    """Inert text as one HTML block that keeps line breaks."""
    return inert(text).replace("\n", "<br>")


def highlight(text: str, start: int, end: int, window: int = 600) -> str:
    """The text around [start, end) with that span marked; everything escaped."""
    lo = max(0, start - window)
    hi = min(len(text), end + window)
    before = ("… " if lo else "") + text[lo:start]
    after = text[end:hi] + (" …" if hi < len(text) else "")
    body = f"{block(before)}{_MARK}{block(text[start:end])}</mark>{block(after)}"
    return f'<div style="line-height:1.6">{body}</div>'


def highlight_sentence(text: str, passage: Span, sentence: Span, window: int = 600) -> str:
    """The text around the passage, lightly marked, with its cited sentence marked strongly; all escaped."""
    lo, hi = max(0, passage.start - window), min(len(text), passage.end + window)
    s0 = min(max(sentence.start, passage.start), passage.end)
    s1 = min(max(sentence.end, s0), passage.end)
    before = ("… " if lo else "") + text[lo : passage.start]
    after = text[passage.end : hi] + (" …" if hi < len(text) else "")
    strong = f"{_MARK}{block(text[s0:s1])}</mark>"
    body = _pale(text[passage.start : s0]) + strong + _pale(text[s1 : passage.end])
    return f'<div style="line-height:1.6">{block(before)}{body}{block(after)}</div>'


def _pale(text: str) -> str:
    """Inert text on the pale passage background (nothing for empty text)."""
    return f"{_PALE}{block(text)}</span>" if text else ""


def with_chips(answer_text: str, sources: dict[int, str] | None = None) -> str:
    """Answer text escaped, with its [n] markers as small chips whose tooltip names the cited source."""
    parts = re.split(r"\[(\d+)\]", answer_text)
    out = []
    for i, part in enumerate(parts):
        if i % 2:
            title = inert((sources or {}).get(int(part), f"source [{part}]"))
            out.append(_CHIP.format(n=part, title=title))
        else:
            out.append(inert(part))
    return "".join(out)


def safe_url(url: str | None) -> str | None:
    """The URL when it is http(s), else None (no javascript: links from article metadata)."""
    return url if url and url.lower().startswith(("http://", "https://")) else None


def label(text: str, width: int = 120) -> str:
    """Text for a widget label (which renders a little markdown), with markdown syntax escaped."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|~$:<>])", r"\\\1", text[:width])


def count(n: int, noun: str) -> str:
    """'1 article', '2 articles'."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def picked_date(value: object) -> date | None:
    """A date from a date_input value (which may be None or a range), or None."""
    return value if isinstance(value, date) else None


def published(meta: ArticleMeta) -> str:
    """The publication date as YYYY-MM-DD, or "no date"."""
    return meta.published.isoformat() if meta.published else "no date"
