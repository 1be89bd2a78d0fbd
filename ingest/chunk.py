"""Sentence-aware chunking: passages of about 80-250 words, each an exact half-open span of the text."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.models import Span
from assistant.text import sentences_by_line

_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class Unit:
    """A sentence (or a slice of an overlong one): span, word count and paragraph number."""

    start: int
    end: int
    words: int
    paragraph: int


def _split_long(text: str, start: int, end: int, max_words: int) -> list[tuple[int, int]]:
    """Cut an overlong sentence at word boundaries into pieces of at most max_words words."""
    words = [(start + m.start(), start + m.end()) for m in _WORD.finditer(text[start:end])]
    return [
        (words[i][0], words[min(i + max_words, len(words)) - 1][1]) for i in range(0, len(words), max_words)
    ]


def sentence_units(text: str, max_words: int) -> list[Unit]:
    """All sentences of text, in order, with paragraph numbers; none longer than max_words."""
    units: list[Unit] = []
    for paragraph, spans in enumerate(sentences_by_line(text).values()):
        for a, b in spans:
            for c, d in _split_long(text, a, b, max_words):
                units.append(Unit(c, d, len(text[c:d].split()), paragraph))
    return units


def _chunk_end(units: list[Unit], i: int, min_words: int, max_words: int) -> int:
    """Index one past the last unit of the chunk starting at unit i."""
    words = 0
    j = i
    while j < len(units):
        if j > i and words + units[j].words > max_words:
            break
        words += units[j].words
        j += 1
        if j < len(units) and words >= min_words and units[j].paragraph != units[j - 1].paragraph:
            break
    return j


def _overlap_start(units: list[Unit], i: int, j: int, overlap_words: int) -> int:
    """Where the next chunk starts: the last sentences of [i, j) that fit in overlap_words, else j."""
    k = j
    words = 0
    while k - 1 > i and words + units[k - 1].words <= overlap_words:
        k -= 1
        words += units[k].words
    return k


def chunk_spans(text: str, min_words: int = 80, max_words: int = 250, overlap_words: int = 40) -> list[Span]:
    """Split text into passage spans, sentence-aligned, preferring paragraph ends, with a small overlap."""
    units = sentence_units(text, max_words)
    ranges: list[tuple[int, int]] = []
    i = 0
    while i < len(units):
        j = _chunk_end(units, i, min_words, max_words)
        ranges.append((i, j))
        if j >= len(units):
            break
        i = _overlap_start(units, i, j, overlap_words)
    if len(ranges) > 1:
        (pi, _pj), (_li, lj) = ranges[-2], ranges[-1]
        tail = sum(u.words for u in units[ranges[-2][1] : lj])
        merged = sum(u.words for u in units[pi:lj])
        if tail < min_words // 2 and merged <= max_words:
            ranges[-2:] = [(pi, lj)]
    return [Span(start=units[a].start, end=units[b - 1].end) for a, b in ranges]
