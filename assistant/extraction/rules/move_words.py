"""The words and figures of market moves: the polarity lexicon compiled from verbs.toml, the figures a move
states (%, basis points, points, levels), hedges and periods, and the words that link or block a subject.

Read by move_finder.py; the lexicon itself is data (assistant/knowledge/data/verbs.toml).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant import knowledge


@dataclass(frozen=True)
class Figure:
    """A number a move can state: a percentage, basis points or index points (offsets into the sentence)."""

    start: int
    end: int
    value: float
    unit: str  # "pct" | "bp" | "points"


_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_FIGURE = re.compile(
    rf"(?<![\w.,])(?P<n>{_NUM})\s?(?:(?P<pct>%|percent\b|per cent\b|pct\b)|"
    r"(?P<bp>basis[- ]points?\b|bps?\b|bp\b)|(?P<pts>points?\b|pts?\b))"
)
_LEVEL_BEFORE = re.compile(r"(?:\b(?:to|at|from|of)\s+(?:a\s+)?)$")
_RANGE_AFTER = re.compile(rf"\s*(?:-|–)\s*(?:{_NUM})\s?%")
_RANGE = re.compile(rf"\bbetween\s+(?:{_NUM})%?\s+and\s+$|(?:{_NUM})%?\s*(?:-|–|to)\s*$")


def _words(rows: Sequence[knowledge.VerbRow], part: str, polarity: int) -> list[str]:
    """The lexicon's words of one part of speech and polarity, longest first."""
    return sorted((r.word for r in rows if r.part == part and r.polarity == polarity), key=len, reverse=True)


def _alternation(words: Sequence[str]) -> str:
    """A regex alternation of words, spaces matching any whitespace."""
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words)


@dataclass(frozen=True)
class Cues:
    """The polarity lexicon compiled: verbs and adverbs before a figure, nouns and adverbs after one."""

    before: re.Pattern[str]
    after: re.Pattern[str]
    polarity: dict[str, int]


def cues() -> Cues:
    """Compile the move words of the knowledge files (once per process)."""
    global _CUES
    if _CUES is None:
        rows = knowledge.verbs()
        polarity: dict[str, int] = {r.word.casefold(): int(r.polarity) for r in rows}
        verbs = [w for p in (1, -1, 0) for w in _words(rows, "verb", p) + _words(rows, "adverb", p)]
        nouns = [w for p in (1, -1) for w in _words(rows, "noun", p)]
        adverbs = [w for p in (1, -1) for w in _words(rows, "adverb", p)]
        before = re.compile(
            rf"\b(?P<w>{_alternation(sorted(verbs, key=len, reverse=True))})\b", re.IGNORECASE
        )
        after = re.compile(
            rf"\s*(?:(?:year-to-date|weekly|monthly|daily|annual|intraday|overnight|premarket|session)\s+)?"
            rf"(?P<w>{_alternation(sorted(nouns + adverbs, key=len, reverse=True))})\b",
            re.IGNORECASE,
        )
        _CUES = Cues(before, after, polarity)
    return _CUES


_CUES: Cues | None = None

# what may stand between a move word and its figure: hedges, "by", "N points, or", "60 cents, or", "$2.06, or"
_GAP = re.compile(
    rf"^(?:\s|,|\b(?:by|a|an|another|further|a further|some|about|around|roughly|nearly|almost|more than|"
    rf"over|"
    rf"as much as|up to|less than|just|only|as little as|a tiny|a modest|a whopping|sharply|slightly|"
    rf"steeply|marginally|modestly|or|and|as|much|to|close to|in|early|late|trade|trading|premarket|"
    rf"intraday|on the day|on the week|so far|respectively)\b|(?:US)?\$\s?(?:{_NUM})|(?:{_NUM})\s+(?:cents?|"
    rf"points?|pts?|basis points?|bps?|ticks?|yen)\b)*$",
    re.IGNORECASE,
)
_CLAUSE_BREAK = re.compile(r";|\.\s|\b(?:while|whereas|but|although|though|compared with|versus|vs)\b|\?|!")
# nouns that make a figure something other than a market move when they stand between subject and verb
NOT_MARKET = re.compile(
    r"\b(?:revenue|revenues|sales|profits?|earnings|income|EBITDA|EBIT|EPS|PMI|margins?|shipments?|deliveries|output|"
    r"production|forecasts?|outlook|guidance|estimates?|target|inflation|GDP|economy|growth|demand|"
    r"orders|exports?|imports?|prices? index|CPI|PPI|unemployment|jobs|payrolls|wages?|spending|costs?|"
    r"budget|stake|holding|allocation|probability|odds|chance|rates?|loss(?:es)?|dividend|volume|traffic|"
    r"users?|subscribers?|bookings|value|valuation|capitalisation|capitalization|market cap|assets|debt|"
    r"cash|deposits?|loans?|premiums?|payouts?|funding|investment|capex|expenditures?|bid|offer|cap)\b",
    re.IGNORECASE,
)
_REPORTING = re.compile(
    r"\b(?:reported|reports|posted|posts|forecast|forecasts|expects?|expected|projected|predicts?|said|says|"
    r"saw|estimated|plans?|planned|wants?|aims?|targets?|raised|lowered|cut|cuts|announced|guided)\b",
    re.IGNORECASE,
)
# words between a subject and its verb that do not change the subject
_AUX = re.compile(
    r"^(?:\s|,|(?:['’]|\ufffd+)s?|\b(?:shares?|stocks?|stock price|share price|ADRs?|futures|contracts?|"
    r"index|is|was|were|"
    r"are|has|have|had|been|be|being|also|each|both|all|last|recently|now|already|just|still|initially|"
    r"earlier|later|then|however|meanwhile|too|was last|were last|in|early|late|trade|trading|on|Monday|"
    r"Tuesday|Wednesday|Thursday|Friday|the day|the session|so far|this|week|month|year|premarket|"
    r"after-hours|after hours|extended|last seen|close|closed|ended|finished|settled|traded|trading|"
    r"respectively|which|who|that|it|they|notched|posted|recorded|saw|"
    r"its|their|biggest|best|worst|sessions?|of|20\d\d)\b)*$",
    re.IGNORECASE,
)
_REFERENCE = re.compile(
    r"(?:\b(?P<index>the (?:benchmark|index|gauge|market|broader market)(?: index)?)|(?P<it>the company|"
    r"the firm|the group|the stock|the carmaker|the retailer|the lender|the bank|the chipmaker|the insurer|"
    r"the airline|"
    r"the miner|its|their|it|they|shares)(?:['’]s)?"
    r"(?:\s+(?:shares?|stock))?|\b(?P<pair>the two(?:\s+\w+)?|both(?:\s+\w+)?))\s*(?:\b(?:is|was|were|are|"
    r"have|has|had|also|each|both|all|last)\b\s*)*$",
    re.IGNORECASE,
)
_APPOSITIVE = re.compile(
    r"\s*,\s*(?:the|a|an|which|who|whose|once|its|one of|home to|now|owner of|maker of|parent of|"
    r"[A-Z][\w.&-]*['’]s)\b[^,;]{0,110},"
)
_HEDGES = (
    (re.compile(r"\bas much as|\bup to\b", re.I), "as much as"),
    (re.compile(r"\bmore than|\bover\b|\babove\b", re.I), "more than"),
    (re.compile(r"\bnearly|\balmost|\bclose to\b", re.I), "nearly"),
    (re.compile(r"\babout|\baround|\broughly|\bsome\b|\bapproximately", re.I), "about"),
    (re.compile(r"\bless than|\bunder\b", re.I), "less than"),
)
_PERIODS = (
    (re.compile(r"\bpre-?market\b", re.I), "premarket"),
    (re.compile(r"\bafter[- ]hours|\bextended trading|\bpost-market", re.I), "after-hours"),
    (re.compile(r"\byear[- ]to[- ]date|\bso far this year|\bthis year|\bYTD\b", re.I), "year-to-date"),
    (
        re.compile(r"\b(?:this|last|the|for the|on the) week\b|\bweekly\b|\bover the past \w+ weeks", re.I),
        "week",
    ),
    (re.compile(r"\b(?:this|last|the|for the) month\b|\bmonthly\b", re.I), "month"),
    (
        re.compile(
            r"\b(?:over|in) the (?:past|last) (?:year|12 months)|\bfor the year\b|\bin 20\d\d\b", re.I
        ),
        "year",
    ),
    (
        re.compile(r"\bintraday|\bearlier in the session|\bat one point|\bin early trad|\bmidday", re.I),
        "intraday",
    ),
)
_SESSIONS = frozenset({"premarket", "after-hours", "intraday"})  # said of the trading session: qualifiers
_LEVEL_AFTER = re.compile(
    rf"\s*,?\s*(?:to|at)\s+(?:a\s+|the\s+)?(?:(?P<cur>US\$|\$|€|£|¥)\s?)?(?P<n>{_NUM})(?!\s*(?:bln|billion|"
    rf"million|mln|trillion|a share|per share|p\b))\s?(?P<pct>%)?(?:\s+(?P<per>(?:a|an|per)\s+"
    r"(?:barrel|ounce|tonne|ton|bushel|dollar|pound)))?"
)
_LEVEL_BEFORE_CUE = re.compile(
    rf"\b(?:at|to|was at|were at|settled at|closed at|traded at)\s+(?:(?P<cur>US\$|\$|€|£|¥)\s?)?"
    rf"(?P<n>{_NUM})(?P<pct>%)?[^,;]{{0,30}},\s*$"
)


def figures(text: str) -> list[Figure]:
    """The change figures of a sentence (levels "to 0.82%" and ranges "between 2% and 4%" left out)."""
    found: list[Figure] = []
    for m in _FIGURE.finditer(text):
        before = text[max(0, m.start() - 40) : m.start()]
        if _LEVEL_BEFORE.search(before) or _RANGE.search(before) or _RANGE_AFTER.match(text, m.end()):
            continue
        unit = "pct" if m.group("pct") else "bp" if m.group("bp") else "points"
        found.append(Figure(m.start(), m.end(), float(m.group("n").replace(",", "")), unit))
    return found


_AMOUNT = re.compile(rf"(?:US\$|\$|€|£)\s?(?:{_NUM})\s*(?:bln|billion|mln|million|trillion|tn|bn|m\b)", re.I)


_PREPOSITION_BEFORE = re.compile(
    r"(?<!\bshares )(?<!\bstocks )(?<!\bstock )\b(?:on|in|across|than|among|from|against|to)\s+(?:the\s+)?$"
    # "X is at the bottom of the STOXX 600, losing 6.5%": a ranking, the index is not the subject
    r"|\b(?:top|bottom|head|foot|tail)\s+of\s+(?:the\s+)?$"
)


_AUX_TAIL = re.compile(
    r"(?:\s|,|(?:['’]|\ufffd+)s\b|\b(?:shares?|stocks?|stock price|share price|ADRs?|is|was|were|are|has|"
    r"have|had|been|"
    r"also|each|both|all|last|recently|now|already|just|still|however|meanwhile|initially|closed|ended|"
    r"finished|traded|trading)\b)*$",
    re.IGNORECASE,
)


def _qualifier(text: str) -> str | None:
    """The hedge on a figure ("as much as", "more than", "nearly", "about")."""
    return next((label for pattern, label in _HEDGES if pattern.search(text)), None)


def _period(text: str) -> str | None:
    """The period a move covers when the sentence says ("premarket", "year-to-date", "week" ...)."""
    return next((label for pattern, label in _PERIODS if pattern.search(text)), None)


def _level_after(text: str, end: int) -> tuple[float, str | None, int] | None:
    """The level reached after a figure: "to $91.95 a barrel", "at 6,650.60", "to 0.820%"."""
    m = _LEVEL_AFTER.match(text, end)
    if not m:
        return None
    unit = (
        "%"
        if m.group("pct")
        else {"$": "USD", "US$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY"}.get(m.group("cur") or "")
    )
    if m.group("per"):
        unit = f"{unit or ''} {m.group('per')}".strip()
    return float(m.group("n").replace(",", "")), unit, m.end()


_CONTINUES = re.compile(
    r"^(?:[\s,]|\b(?:and|or|on|for|in|over|the|this|last|past|day|week|month|year|year-to-date|session|"
    r"so far|respectively|a|an)\b)*$",
    re.IGNORECASE,
)


def _continues(between: str) -> bool:
    """True when a bare figure continues the ones before it ("rose 1.4% and 0.9%", "4% on the day, 17.7%")."""
    return bool(_CONTINUES.match(between))


# a move that may happen is not a move: "could rise 10%", "expect a 20% drop", "is seen falling 5%"
_FORECAST = re.compile(
    r"\b(?:could|would|may|might|will|should|can|expects?|expected|expecting|forecasts?|forecasting|predicts?|"
    r"predicted|projects?|projected|sees|seen|targets?|aims?|estimates?|if|likely|would)\b[^,;.]{0,40}$",
    re.IGNORECASE,
)
# an adverb of direction after a verb that is not about a price ("makes up 4%", "set up", "wound down")
_NOT_A_MOVE_VERB = re.compile(
    r"\b(?:makes?|made|making|set|sets|wound|winds|took|takes|broke|breaks)\s+$", re.I
)
