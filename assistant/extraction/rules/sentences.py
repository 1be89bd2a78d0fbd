"""Prose sentences of an article: page chrome and quote widgets left out, each sentence with its paragraph."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.text import line_spans, sentences_by_line

_CHROME_LINE = re.compile(
    r"^\s*(?:\[\d+\]|URL:|Date:|Sources?:|Photo|Image:|Credit:|Chart:|Mobile:|Email:|E-mail:|"
    r"Tel(?:ephone)?:|Phone:|Fax:|Follow us|Contact|Share this|Related (?:Stocks|Articles|News)|"
    r"Recent Quotes|View More|Symbol\b|Stock Quote API|Quotes delayed|By accessing this page|"
    r"This content is intended|Insights are generated|About us:|Login to|Log in to|Sign up|Subscribe|"
    r"Skip to|Unlock More|Advertisement|Read more|Read next|Copyright|©|All rights reserved|Disclaimer|"
    r"Past performance)",
    re.IGNORECASE,
)
_WIDGET_LINE = re.compile(
    r"^\s*(?:[A-Z^][A-Z0-9.\-^]{0,6}\s+[+\-−]?[\d,]+(?:\.\d+)?|"
    r"[+\-−]?[\d,]+(?:\.\d+)?\s+\(?[+\-−]?[\d.]+%\)?|"
    r"[A-Z^][A-Z0-9.\-^]{0,6}\s+[+\-−]?[\d,]+(?:\.\d+)?\s+[+\-−]?[\d,.]+\s+\(?[+\-−]?[\d.]+%\)?)\s*$"
)


def is_chrome(line: str) -> bool:
    """True for page furniture: reference lists, captions, contact details, quote widgets, disclaimers."""
    stripped = line.strip()
    return bool(_CHROME_LINE.match(stripped) or _WIDGET_LINE.match(stripped))


# ---------------------------------------------------------------- sentences


@dataclass(frozen=True)
class Sentence:
    """A sentence of the article: span, text and the paragraph (line) it belongs to."""

    start: int
    end: int
    text: str
    paragraph: int
    is_title: bool = False


_CHROME_SECTION = re.compile(
    r"^\s*(?:Related (?:Stocks|Tickers|Companies)|Recent Quotes|Market Data|Trending(?: Tickers)?|"
    r"Most Active|Top Movers|Stocks? mentioned|Tickers? mentioned|Quotes?)\s*:?\s*$",
    re.IGNORECASE,
)


def paragraphs(text: str) -> list[tuple[int, int]]:
    """Spans of the prose lines: chrome lines and the short rows under a widget header left out."""
    kept: list[tuple[int, int]] = []
    in_widget = False
    for a, b in line_spans(text):
        line = text[a:b]
        if _CHROME_SECTION.match(line):
            in_widget = True
        elif in_widget and len(line.split()) >= 8:
            in_widget = False
        if not in_widget and not is_chrome(line):
            kept.append((a, b))
    return kept


def sentences(text: str, title: str | None = None) -> list[Sentence]:
    """All prose sentences, in order, with their paragraph number; the title line is marked."""
    out: list[Sentence] = []
    for number, (a, b) in enumerate(paragraphs(text)):
        is_title = bool(title) and text[a:b].strip() == (title or "").strip()
        for s, e in sentences_by_line(text)[(a, b)]:
            out.append(Sentence(s, e, text[s:e], number, is_title))
    return out
