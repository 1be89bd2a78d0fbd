"""Align a quoted evidence string to a span of an article's text: exact first, then normalised, then fuzzy."""

from __future__ import annotations

from collections import Counter
from typing import Literal, NamedTuple

from rapidfuzz import fuzz

from assistant.figures import number_tokens
from assistant.models import Span

AlignStatus = Literal["exact", "fuzzy"]

_QUOTES = "\u2018\u2019\u201a\u201b\u2032`\u00b4"  # ‘ ’ ‚ ‛ ′ ` ´
_DOUBLE_QUOTES = "\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb"  # “ ” „ ‟ ″ « »
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"  # hyphens, en and em dashes, minus sign
_FOLD = str.maketrans(
    {
        **dict.fromkeys(_QUOTES, "'"),
        **dict.fromkeys(_DOUBLE_QUOTES, '"'),
        **dict.fromkeys(_DASHES, "-"),
        "\u2026": "...",  # ellipsis
    }
)
MIN_FUZZY_CHARS = 12  # shorter quotes must match exactly (after normalisation): fuzzy hits on them are noise


class Alignment(NamedTuple):
    """Where the evidence sits in the text, and how it was found."""

    span: Span
    status: AlignStatus


class Folded(NamedTuple):
    """Normalised text with, for each of its characters, the index of the original character it came from."""

    text: str
    origin: list[int]

    def span(self, start: int, end: int) -> Span:
        """The original span covering folded characters [start, end)."""
        return Span(start=self.origin[start], end=self.origin[end - 1] + 1)


def fold(text: str) -> Folded:
    """Lower-case, straighten quotes and dashes, collapse whitespace runs to one space; keep the offsets."""
    out: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        if char.isspace():
            if out and out[-1] == " ":
                continue
            pieces = " "
        else:
            pieces = char.translate(_FOLD).lower()
        out.extend(pieces)
        origin.extend([index] * len(pieces))
    return Folded("".join(out), origin)


def align(evidence: str, text: str, threshold: float = 0.9, hint: int | None = None) -> Alignment | None:
    """Span of text matching evidence (the one nearest hint when repeated) and how; None when nothing fits."""
    if not evidence.strip():
        return None
    exact = _exact(evidence, text, hint)
    if exact is not None:
        return Alignment(exact, "exact")
    folded_text = fold(text)
    needle = fold(evidence).text.strip()
    if not needle:
        return None
    span = _folded(needle, folded_text, hint)
    if span is None and len(needle) >= MIN_FUZZY_CHARS:
        span = _fuzzy(needle, folded_text, threshold)
    return Alignment(span, "fuzzy") if span is not None else None


def _nearest(starts: list[int], hint: int | None) -> int | None:
    """The first start, or the one nearest hint."""
    if not starts:
        return None
    return starts[0] if hint is None else min(starts, key=lambda s: (abs(s - hint), s))


def _occurrences(needle: str, haystack: str) -> list[int]:
    """Start offsets of every (possibly overlapping) occurrence of needle."""
    starts: list[int] = []
    at = haystack.find(needle)
    while at != -1:
        starts.append(at)
        at = haystack.find(needle, at + 1)
    return starts


def _exact(evidence: str, text: str, hint: int | None) -> Span | None:
    """Span of a verbatim occurrence."""
    start = _nearest(_occurrences(evidence, text), hint)
    return None if start is None else Span(start=start, end=start + len(evidence))


def _folded(needle: str, folded: Folded, hint: int | None) -> Span | None:
    """Span of an occurrence that differs only in case, quotes, dashes or whitespace."""
    start = _nearest(_occurrences(needle, folded.text), hint)
    return None if start is None else folded.span(start, start + len(needle))


def _fuzzy(needle: str, folded: Folded, threshold: float) -> Span | None:
    """Span of the best partial match scoring at least threshold, whose numbers are the evidence's numbers."""
    if len(needle) > len(folded.text):
        return None
    hit = fuzz.partial_ratio_alignment(needle, folded.text, score_cutoff=threshold * 100)
    if hit is None or hit.dest_end <= hit.dest_start:
        return None
    start, end = _snap_to_words(folded.text, hit.dest_start, hit.dest_end)
    if start >= end or not _same_numbers(needle, folded.text[start:end]):
        return None
    return folded.span(start, end)


def _snap_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen [start, end) to whole words (and whole numbers) and trim surrounding spaces."""
    while start > 0 and _in_word(text, start - 1) and _in_word(text, start):
        start -= 1
    while end < len(text) and _in_word(text, end - 1) and _in_word(text, end):
        end += 1
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _in_word(text: str, i: int) -> bool:
    """True for a letter or digit, or a joiner between two of them ("6,150.25", "don't", "year-end")."""
    if text[i].isalnum():
        return True
    inner = 0 < i < len(text) - 1 and text[i - 1].isalnum() and text[i + 1].isalnum()
    return inner and text[i] in ".,'-"


def _same_numbers(needle: str, found: str) -> bool:
    """True when every number in needle also appears in found: a fuzzy match must not change figures."""
    wanted = Counter(number_tokens(needle))
    return not wanted - Counter(number_tokens(found))
