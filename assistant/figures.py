"""Figures as written in news prose: numbers, scale words, money, percentages, basis points, index points.

One place for the number grammar shared by the rule-based extractor (assistant.extraction.rules), the LLM
extractor's evidence checks (assistant.extraction.llm, align) and answer verification (assistant.verify):

- ``NUM`` / ``number()``: a written number ("5,502", "3.5") and its value;
- ``SCALES``: the one scale-word table ("bn", "million", "tn", "k" ...), with ``scale()`` and ``SCALE_WORDS``;
- ``Money`` / ``money_in()``: amounts with currency, scale and ranges ("$359-381 billion");
- ``Pct`` / ``percents()``: percentages with sign and whether they sit in a range ("3.50%–3.75%");
- ``BASIS_POINTS`` / ``basis_points()``: rate changes ("25 basis points", "a quarter-point");
- ``POINTS``: index moves in points ("fell 450 points");
- ``WORD_NUMBERS``: numbers in words ("sixteen") up to twenty;
- ``number_tokens()``: the digit strings of a text, as written (for "the figures did not change" checks).

Hand-written patterns on purpose: no maintained library reads financial figures as news prose writes them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"  # "5,502", "5502", "3.5" (no sign, no scale)

# ---------------------------------------------------------------- scales

SCALES: dict[str, float] = {
    "thousand": 1e3,
    "k": 1e3,
    "million": 1e6,
    "mn": 1e6,
    "mln": 1e6,
    "m": 1e6,
    "billion": 1e9,
    "bn": 1e9,
    "b": 1e9,
    "trillion": 1e12,
    "tn": 1e12,
    "trn": 1e12,
    "t": 1e12,
}
SCALE_WORDS = "|".join(sorted(SCALES, key=len, reverse=True))  # a regex alternation, longest words first


def number(value: str) -> float:
    """A written number as float ("5,502" -> 5502.0)."""
    return float(value.replace(",", ""))


def scale(word: str | None) -> float:
    """The multiplier of a scale word ("bn" -> 1e9, "Billion" -> 1e9); 1.0 for none or an unknown word."""
    return SCALES.get((word or "").strip(" -\t\n").casefold(), 1.0)


def number_tokens(text: str) -> list[str]:
    """Every run of digits with its inner separators, as written ("6,150.25", "3.5", "2026")."""
    return _TOKEN.findall(text)


_TOKEN = re.compile(r"\d+(?:[.,]\d+)*")

# ---------------------------------------------------------------- money

MONEY = re.compile(
    rf"(?P<cur>US\$|\$|€|£)\s?(?P<a>{NUM})(?:\s?(?P<ascale>trillion|billion|million|tn|bn|"
    rf"mn)\b)?(?:\s?(?:-|–|to|and)\s?(?:US\$|\$|€|£)?\s?(?P<b>{NUM}))?"
    r"(?:\s?(?P<scale>trillion|billion|million|tn|bn|mn|[bm])\b)?"
)
_ONE_AMOUNT = re.compile(
    rf"(?P<cur>US\$|\$|€|£)?\s?(?P<a>{NUM})(?:\s?(?P<s>trillion|billion|million|tn|bn|mn))?"
)
_CURRENCIES = {"€": "EUR", "£": "GBP"}  # anything else written with a dollar sign is USD


@dataclass(frozen=True)
class Money:
    """An amount of money in text: value (or low/high range), scale applied, with its span."""

    start: int
    end: int
    low: float
    high: float | None
    scaled: bool
    currency: str


def money_in(text: str, offset: int = 0) -> list[Money]:
    """Every amount of money written in text ("$650 billion", "$359-381 billion", "$5,502")."""
    found: list[Money] = []
    for m in MONEY.finditer(text):
        if m["b"] and not is_money_range(text, m):
            found.extend(_split_money(text, m, offset))
            continue
        scale_word = (m["ascale"] or m["scale"] or "").casefold()
        factor = SCALES.get(scale_word, 1.0)
        low = number(m["a"]) * (SCALES.get((m["ascale"] or "").casefold(), factor))
        high = number(m["b"]) * factor if m["b"] else None
        currency = _CURRENCIES.get(m["cur"], "USD")
        found.append(Money(offset + m.start(), offset + m.end(), low, high, bool(scale_word), currency))
    return found


def is_money_range(text: str, m: re.Match[str]) -> bool:
    """True when "$A to/and $B" is a range rather than two amounts (a change "from A to B")."""
    joint = text[m.end("a") : m.start("b")]
    if "-" in joint or "–" in joint:
        return True
    before = text[max(0, m.start() - 30) : m.start()].casefold()
    if "and" in joint:
        return before.rstrip().endswith("between")
    return not re.search(r"\bfrom\s+$", before) or bool(re.search(r"\brang\w*\s+from\s+$", before))


def _split_money(text: str, m: re.Match[str], offset: int) -> list[Money]:
    """Two separate amounts matched as one ("from $5 billion to $7 billion")."""
    rescan = [MONEY.match(text, m.start()), MONEY.search(text, m.start("b") - 1)]
    out: list[Money] = []
    for part in rescan:
        if part is not None:
            base = part.start() if part is rescan[0] else m.start("b")
            sub = _ONE_AMOUNT.match(text[base:])
            if sub:
                scale_word = (sub["s"] or m["scale"] or "").casefold()
                value = number(sub["a"]) * SCALES.get(scale_word, 1.0)
                out.append(
                    Money(offset + base, offset + base + sub.end(), value, None, bool(scale_word), "USD")
                )
    return out


# ---------------------------------------------------------------- percentages

PCT = re.compile(
    r"(?P<open>\(\s*)?(?:(?<![\w\-–—.,])(?P<sign>[+\-−–])\s?)?(?<![\d.,])(?P<num>\d+(?:\.\d+)?)\s?(?:%|"
    r"per\s?cent\b|percent\b)(?(open)\s*\))"
)
_SIGNS = {"+": 1, "-": -1, "−": -1, "–": -1}


@dataclass(frozen=True)
class Pct:
    """A percentage in a sentence (offsets relative to the sentence)."""

    start: int
    end: int
    value: float
    sign: int  # +1, -1 or 0 when unsigned
    paren: bool
    in_range: bool


def percents(text: str) -> list[Pct]:
    """Every percentage in text with its sign and whether it is part of a range ("3.50%–3.75%")."""
    out: list[Pct] = []
    for m in PCT.finditer(text):
        sign = _SIGNS.get(m["sign"] or "", 0)
        in_range = _pct_in_range(text, m)
        if in_range and sign < 0 and m["sign"] == "–":
            sign = 0
        out.append(Pct(m.start(), m.end(), number(m["num"]), sign, bool(m["open"]), in_range))
    return out


def _pct_in_range(text: str, m: re.Match[str]) -> bool:
    """True when a percentage is one end of a range ("3.50%–3.75%", "3.5-3.75%", "3% to 4%")."""
    return bool(
        re.match(r"\s?(?:–|-|to)\s?[+\-]?\d+(?:\.\d+)?\s?%", text[m.end() :])
        or re.search(r"\d(?:\.\d+)?\s?%?\s?(?:–|-)\s?$", text[: m.start("num") - (1 if m["sign"] else 0)])
        or re.search(r"\d\s?%\s+to\s+$", text[: m.start()])
    )


# ---------------------------------------------------------------- basis points and index points

BASIS_POINTS = re.compile(
    r"(?P<bp>\d+)\s?(?:basis[- ]points?|bps?|bp)\b|"
    r"(?P<word>quarter|half)[- ](?:of a )?(?:percentage[- ])?point",
    re.I,
)
POINT_WORDS = {"quarter": 25.0, "half": 50.0}  # "a quarter-point cut" is 25 basis points


def basis_points(m: re.Match[str]) -> float:
    """The size in basis points of a BASIS_POINTS match ("25 bps" -> 25.0, "half-point" -> 50.0)."""
    return float(m["bp"]) if m["bp"] else POINT_WORDS[(m["word"] or "").casefold()]


# an index move in points ("fell 450 points"), not the points before a percentage ("450 points, or 1%")
POINTS = re.compile(rf"(?<![\d.,])(?P<n>{NUM})\s+points?\b(?!,?\s+or\s)")

# ---------------------------------------------------------------- numbers in words

WORD_NUMBERS = {
    w: str(i)
    for i, w in enumerate(
        (
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
            "twenty",
        )
    )
}
NUMBER_WORDS = "|".join(sorted(WORD_NUMBERS, key=len, reverse=True))  # a regex alternation
