"""Lines and sentences of article text, shared by chunking (ingest) and fact extraction (rules)."""

from __future__ import annotations

import re
from functools import lru_cache

import syntok.segmenter as segmenter

_LINE = re.compile(r"[^\n]*\S[^\n]*")


def line_spans(text: str) -> list[tuple[int, int]]:
    """Spans of the non-blank lines; each line is a paragraph of cleaned article text."""
    return [(m.start(), m.end()) for m in _LINE.finditer(text)]


def _split_line(text: str, start: int, end: int) -> tuple[tuple[int, int], ...]:
    """Sentence spans inside one line, by syntok (a maintained rule-based segmenter), covering it whole."""
    spans: list[tuple[int, int]] = []
    try:
        for paragraph in segmenter.analyze(text[start:end]):
            for sentence in paragraph:
                if sentence:
                    last = sentence[-1]
                    spans.append((start + sentence[0].offset, start + last.offset + len(last.value)))
    except Exception:  # syntok rejects some odd inputs; the whole line is then one sentence
        return ((start, end),)
    if not spans or any(b <= a for a, b in spans):
        return ((start, end),)
    # stretch the first and last sentence so the line is covered whole (closing quotes, stray symbols)
    spans[0] = (start, spans[0][1])
    spans[-1] = (spans[-1][0], end)
    return tuple((a, b) for a, b in spans if text[a:b].strip())


@lru_cache(maxsize=128)
def sentences_by_line(text: str) -> dict[tuple[int, int], tuple[tuple[int, int], ...]]:
    """Every line's sentence spans, keyed by the line's span; cached, as ingest and extraction both ask."""
    return {(a, b): _split_line(text, a, b) for a, b in line_spans(text)}


# terminal escape sequences: CSI (ESC [ or the 8-bit \x9b), string commands (OSC, DCS, SOS, PM, APC) up to
# their terminator or the end of the line, and the other two-character ESC sequences
_ESCAPE_SEQUENCE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
    r"|\x1b[\]PX^_][^\x07\x1b\x9c\n]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[ -/]*[0-~]?"
)
# C0 controls but tab and newline, DEL and the C1 controls
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """Text without terminal escape sequences and control characters (tab and newline kept)."""
    return _CONTROL.sub("", _ESCAPE_SEQUENCE.sub("", text))


_BREAK = re.compile(r"[\t\n\r\v\f\x85\u2028\u2029]")


def printable_line(text: str) -> str:
    """printable() text on one line (line breaks and tabs become spaces), for titles, names and messages."""
    return printable(_BREAK.sub(" ", text))
