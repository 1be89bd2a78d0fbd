"""Rule-based fact extraction: deterministic, offline patterns over the sentences of an article.

The patterns are hand-written regular expressions on purpose: no maintained library extracts market facts
(index, sector and stock moves, capital spending, prices, rate decisions, metrics, attributed quotes) from
news prose, and hand rules keep every fact explainable, reproducible and exactly grounded in its span.
Entity names come from the tables in names.py; event dates from dates.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise
from typing import Any

from assistant.extraction import dates
from assistant.extraction.names import FIRMS, Entity, Lexicon, Mention, group_for
from assistant.facts import (
    Capex,
    Fact,
    IndexMove,
    Metric,
    PriceLevel,
    Quote,
    RateDecision,
    SectorMove,
    StockMove,
)
from assistant.models import Article, Span
from assistant.text import line_spans, sentences_by_line

MOVABLE = {"index": IndexMove, "sector": SectorMove, "company": StockMove}
BANK_CONTEXT = ("bank", "company", "index", "group")
MARKET_KINDS = ("index_move", "sector_move", "stock_move", "price_level")
NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
SCALES = {
    "trillion": 1e12,
    "tn": 1e12,
    "billion": 1e9,
    "bn": 1e9,
    "million": 1e6,
    "mn": 1e6,
    "m": 1e6,
    "b": 1e9,
}

# ---------------------------------------------------------------- page chrome

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


# ---------------------------------------------------------------- numbers


def number(value: str) -> float:
    """A written number as float ("5,502" -> 5502.0)."""
    return float(value.replace(",", ""))


MONEY = re.compile(
    rf"(?P<cur>US\$|\$|€|£)\s?(?P<a>{NUM})(?:\s?(?P<ascale>trillion|billion|million|tn|bn|"
    rf"mn)\b)?(?:\s?(?:-|–|to|and)\s?(?:US\$|\$|€|£)?\s?(?P<b>{NUM}))?"
    r"(?:\s?(?P<scale>trillion|billion|million|tn|bn|mn|[bm])\b)?"
)


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
        if m["b"] and not _is_range(text, m):
            found.extend(_split_money(text, m, offset))
            continue
        scale_word = (m["ascale"] or m["scale"] or "").casefold()
        scale = SCALES.get(scale_word, 1.0)
        low = number(m["a"]) * (SCALES.get((m["ascale"] or "").casefold(), scale))
        high = number(m["b"]) * scale if m["b"] else None
        currency = {"€": "EUR", "£": "GBP"}.get(m["cur"], "USD")
        found.append(Money(offset + m.start(), offset + m.end(), low, high, bool(scale_word), currency))
    return found


def _is_range(text: str, m: re.Match[str]) -> bool:
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
            sub = re.match(
                rf"(?P<cur>US\$|\$|€|£)?\s?(?P<a>{NUM})(?:\s?(?P<s>trillion|billion|million|tn|bn|mn))?",
                text[part.start() if part is rescan[0] else m.start("b") :],
            )
            if sub:
                base = part.start() if part is rescan[0] else m.start("b")
                scale_word = (sub["s"] or m["scale"] or "").casefold()
                value = number(sub["a"]) * SCALES.get(scale_word, 1.0)
                out.append(
                    Money(offset + base, offset + base + sub.end(), value, None, bool(scale_word), "USD")
                )
    return out


_PCT = re.compile(
    r"(?P<open>\(\s*)?(?:(?<![\w\-–—.,])(?P<sign>[+\-−–])\s?)?(?<![\d.,])(?P<num>\d+(?:\.\d+)?)\s?(?:%|"
    r"per\s?cent\b|percent\b)(?(open)\s*\))"
)


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
    for m in _PCT.finditer(text):
        sign = {"+": 1, "-": -1, "−": -1, "–": -1}.get(m["sign"] or "", 0)
        in_range = bool(
            re.match(r"\s?(?:–|-|to)\s?[+\-]?\d+(?:\.\d+)?\s?%", text[m.end() :])
            or re.search(r"\d(?:\.\d+)?\s?%?\s?(?:–|-)\s?$", text[: m.start("num") - (1 if m["sign"] else 0)])
            or re.search(r"\d\s?%\s+to\s+$", text[: m.start()])
        )
        if in_range and sign < 0 and m["sign"] == "–":
            sign = 0
        out.append(Pct(m.start(), m.end(), number(m["num"]), sign, bool(m["open"]), in_range))
    return out


# ---------------------------------------------------------------- article state


@dataclass
class Doc:
    """One article being read: text, dates, lexicon, sentences and what earlier sentences established."""

    article: Article
    lexicon: Lexicon
    sentences: list[Sentence]
    same_day: bool
    session: date | None = None  # the trading day the article's undated moves refer to
    recent: list[Mention] = field(default_factory=list)  # entity mentions of earlier sentences, in order
    capex_subject: tuple[str, tuple[str, ...]] | None = None
    persons: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)  # name -> (org, role)
    person_at: list[tuple[int, Speaker]] = field(default_factory=list)  # where each person is introduced

    @property
    def text(self) -> str:
        """The article text."""
        return self.article.text

    @property
    def published(self) -> date | None:
        """The publication date."""
        return self.article.meta.published

    def last(self, *kinds: str) -> Mention | None:
        """The most recent earlier mention of one of the kinds."""
        return next((m for m in reversed(self.recent) if m.kind in kinds), None)


def ground(doc: Doc, start: int, end: int) -> dict[str, Any]:
    """Common fields of a fact whose evidence is text[start:end], trimmed of spaces and trailing commas."""
    text = doc.text
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:"):
        end -= 1
    return {"article_id": doc.article.id, "span": Span(start=start, end=end), "evidence": text[start:end]}


_VAGUE_TIME = re.compile(
    r"\bin (?:early |late |mid-?)?(?:January|February|March|April|May|June|July|August|September|October|"
    r"November|December)\b|\blast (?:week|month|year|quarter)\b|\bin (?:19|20)\d{2}\b|"
    r"\bearlier this (?:week|month|year)\b|\bover the past (?:week|month|year)\b"
)


def event_date(doc: Doc, sent: Sentence, position: int, kind: str) -> date | None:
    """The day a fact at position in sent happened: a date in the sentence, else the article's session."""
    horizon = doc.published if kind in MARKET_KINDS else None  # a market move cannot postdate its report
    found = dates.nearest_date(sent.text, position - sent.start, doc.published, horizon)
    if found is not None:
        if kind in MARKET_KINDS[:3]:
            doc.session = found
        return found
    if (kind not in MARKET_KINDS and kind != "rate_decision") or _VAGUE_TIME.search(sent.text):
        return None
    if doc.same_day:
        return doc.published
    if kind not in MARKET_KINDS:
        return None
    earlier = [s for s in doc.sentences if s.paragraph == sent.paragraph and s.start < sent.start]
    joined = " ".join(s.text for s in earlier)
    context = dates.nearest_date(joined, len(joined), doc.published, doc.published) if earlier else None
    if context is not None:
        doc.session = context
    return context or doc.session


# ---------------------------------------------------------------- moves

_UP = (
    r"ris(?:e|es|ing|en)|rose|gain(?:s|ed|ing)?|jump(?:s|ed|ing)?|surg(?:e|es|ed|ing)|soar(?:s|ed|ing)?|"
    r"climb(?:s|ed|ing)?|advanc(?:e|es|ed|ing)|rall(?:y|ies|ied|ying)|add(?:s|ed|ing)?|"
    r"rebound(?:s|ed|ing)?|popp?(?:s|ed|ing)?|spik(?:e|es|ed|ing)|up|higher|firm(?:ed|ing)|"
    r"leap(?:s|t|ed|ing)?|rocket(?:s|ed|ing)?|ek(?:e|es|ed|ing) out|tick(?:ed|s)? up|edg(?:e|es|ed|ing) up|"
    r"outperform(?:s|ed|ing)?"
)
_DOWN = (
    r"f[ae]ll(?:s|ing|en)?|drop(?:s|ped|ping)?|declin(?:e|es|ed|ing)|slid(?:e|es|ing)?|slipp(?:ed|ing)|"
    r"slips?|slump(?:s|ed|ing)?|s[au]nk|sinks?|sinking|plung(?:e|es|ed|ing)|plummet(?:s|ed|ing)?|"
    r"tumbl(?:e|es|ed|ing)|los(?:e|es|ing|t)|loss(?:es)?|shed(?:s|ding)?|eas(?:e|es|ed|ing)|"
    r"dipp?(?:s|ed|ing)?|retreat(?:s|ed|ing)?|down|lower|sagg?(?:s|ed|ing)?|skid(?:s|ded|ding)?|"
    r"crash(?:es|ed|ing)?|crater(?:s|ed|ing)?|tank(?:s|ed|ing)?|weaken(?:s|ed|ing)?|gave up|give up|"
    r"giving up|given up|sell-?off|selloff|slide|shrank|shrink(?:s|ing)?|contract(?:s|ed|ing)|"
    r"sour(?:s|ed|ing)|underperform(?:s|ed|ing)?"
)
_DIRECTION = re.compile(rf"\b(?:(?P<up>{_UP})|(?P<down>{_DOWN}))\b", re.IGNORECASE)
_FILLER = (
    r"as|much|little|nearly|almost|about|around|roughly|approximately|some|more|than|over|just|under|less|"
    r"by|of|a|an|another|further|additional|modest|solid|sharp|steep|only|slightly|close|upwards|whopping|"
    r"fully|combined|total|robust|sharply|steeply|strongly|also|still|extra|healthy|hefty|respectable|"
    r"impressive|comparatively|relatively|mere|meager|meagre|paltry|marginal|marginally|up|down|the|day|"
    r"session|so|far|in|early|trading|late|morning|afternoon|on|its|their|shares|stock|value|briefly|"
    r"intraday|midday|overall|cumulative|collectively|together|yet|even|all|told|monday|tuesday|wednesday|"
    r"thursday|friday|today|yesterday|were|was|is|are|been|had|has|have|points?|or|estimated|gain|gains|"
    r"decline|loss|drop|a\s+further"
)
_ONLY_FILLER = re.compile(rf"^(?:[\s,]|\b(?:{_FILLER})\b|[\d,.]+)*$", re.IGNORECASE)
_TAIL_NOUN = re.compile(
    r"^\s*(?:[a-z\-]+\s+)?(?:(?P<up>gains?|advances?|rises?|rall(?:y|ies)|jumps?|surges?|climbs?|pops?|"
    r"rebounds?|upticks?)|(?P<down>declines?|drops?|falls?|loss(?:es)?|slides?|slumps?|plunges?|tumbles?|"
    r"dips?|retreats?|sell-?offs?|selloffs?|slips?))\b",
    re.IGNORECASE,
)
_TAIL_WORD = re.compile(
    r"^\s*(?:(?P<up>higher|up|above)|"
    r"(?P<down>lower|down|below|off))\b(?P<high>\s+(?:from\s+)?(?:its|their|the)\s+(?:\d{2,4}\s+|"
    r"[A-Z]\w+\s+|recent\s+|all-time\s+|record\s+|52-week\s+)?(?:peak|peaks|high|highs|record))?",
    re.IGNORECASE,
)
_FROM_HIGH = re.compile(
    r"^\s*(?:\w+\s+){0,2}?from\s+(?:its|their|the)\s+(?:[A-Z]\w+\s+|\d{4}\s+|recent\s+|all-time\s+|"
    r"record\s+)?(?:peak|high|highs|record)",
    re.I,
)
_ARTICLE_END = re.compile(
    r"(?:['’]s|\ba|\ban|\bits|\btheir|\bmodest|\bstrong|\bsolid|\bsharp|\bsteep|\bslight|\bbig|\bhuge|"
    r"\bmassive|\bfurther|\banother|\bapproximately|\babout|\broughly|\bnearly|\bsome|\bdaily|\bweekly|"
    r"\bimpressive|\bhefty|\brobust)\s*$",
    re.IGNORECASE,
)
_BRIDGE_BLOCK = re.compile(
    r"[;:()\[\]$€£%]|\bfrom\b|\bgrowth\b|\brevenues?\b|\bsales\b|\bearnings\b|\bprofits?\b|\bmargins?\b|"
    r"\bcash flow\b|\bcapex\b|\bcapital expenditures?\b|\bspending\b|\bbudgets?\b|\boutlays?\b|"
    r"\bweight(?:ing)?s?\b|\bshare of\b|\bstake\b|\bvaluations?\b|\bmarket cap|\bcapitali[sz]|\bratio\b|"
    r"\byields?\b|\brates?\b|\binflation\b|\bGDP\b|\bunemployment\b|\bguidance\b|\bdividends?\b|"
    r"\bbuybacks?\b|\bbacklog\b|\busers\b|\bsubscribers\b|\bvolume\b|\bprobability\b|\bodds\b|\bchance\b|"
    r"\btariffs?\b|\btax(?:es)?\b|\bcosts?\b|\btargets?\b|\bexpectations?\b|\bforecasts?\b|\bestimates\b|"
    r"\bpayrolls\b|\bdeficit\b|\bdebt\b|\bbook\b|\bmultiples?\b|\bworkforce\b|\bjobs\b|\bownership\b|"
    r"\bexposure\b|\ballocation\b|"
    r"\bcould\b|\bwould\b|\bwill\b|\bmight\b|\bshould\b",  # a forecast is not a move
    re.IGNORECASE,
)
_TAIL_BLOCK = re.compile(
    r"^\s*(?:of\b|in\s+(?!early|late|morning|afternoon|after-hours|pre-?market|extended|midday|"
    r"the\s+(?:session|day|week|month|year|quarter)|trading|value|\d{4}|[A-Z])|"
    r"(?:[a-z\-]+\s+)?(?:drop|decline|fall|rise|increase|gain|jump|cut|reduction|surge|"
    r"slide)s?\s+in\s+(?!(?:the\s+|its\s+|their\s+)?(?:shares|stock|price|value|index|session|trading|"
    r"early|late|[A-Z]))|(?:stake|chance|probability|odds|margin|yield|tariff|interest|growth|weight|"
    r"share\b|more than (?:analysts|expected))|"
    r"(?:[a-z\-]+\s+){0,2}?(?:year[- ]over[- ]year|year[- ]on[- ]year|y/y|yoy|from a year|than a year|"
    r"a year earlier|annually|annual\b|next year|by year-end|by the end of))",
    re.IGNORECASE,
)
_SOURCE_AFTER = re.compile(
    r"^\s*(?:['’]s\s+)?(?:analysts?|strategists?|economists?|research|projections?|forecasts?|"
    r"(?:projects|estimates|expects|sees|forecasts|predicts|thinks|believes)\s+(?:that|[A-Z]))\b"
)
_FIRM_SAYS = re.compile(
    r"^\s*(?:projects|projected|estimates|estimated|expects|sees|forecasts|predicts|thinks|believes|says|"
    r"said|notes|noted|calculates|reckons)\b"
)
_SOURCE_BEFORE = re.compile(
    r"(?:according to|analysts at|strategists at|economists at|said|says)\s+(?:the\s+)?$", re.I
)
_LIST_SEP = re.compile(
    r"^[\s,;]*(?:(?:and|while|with|followed by|then|but|as well as)\s+)?(?:the\s+)?$", re.I
)
_LIST_BRIDGE = re.compile(
    r"^\s*(?:stocks|shares|sector|index|names|companies|"
    r"group)?\s*(?:(?:at|with|was|were|by|up|down|rose|fell)\s+)?(?:(?:at|with|was|were|by|up|down)\s+)?$",
    re.IGNORECASE,
)
_PRONOUN = re.compile(
    r"^\s*(?P<p>It|Its shares|The shares|Shares|The stock|The index|The benchmark|The gauge|"
    r"The company's shares|The company|The group|The sector)\b"
)
_QUALIFIERS = (
    (re.compile(r"\bas much as\b", re.I), "as much as"),
    (re.compile(r"\b(?:nearly|almost|close to)\b", re.I), "nearly"),
    (re.compile(r"\b(?:more than|over|upwards of|in excess of)\b", re.I), "more than"),
    (re.compile(r"\b(?:about|around|roughly|approximately|some)\b", re.I), "about"),
    (re.compile(r"\b(?:less than|under|just under)\b", re.I), "less than"),
)
_WHEN = (
    (re.compile(r"\b(?:early|morning|intraday|premarket|pre-market|opening)\b", re.I), "intraday"),
    (re.compile(r"\bmidday\b", re.I), "midday"),
    (re.compile(r"\bafter-hours|extended trading\b", re.I), "after hours"),
)
_PERIOD_WORDS = (
    (
        re.compile(
            r"\b(?:over|during|in|for|on)\s+the\s+(?:preceding |past |previous )?week\b|\bweekly\b|"
            r"\bthis week\b|\bweek[- ]to[- ]date\b",
            re.I,
        ),
        "week",
    ),
    (
        re.compile(
            r"\byear[- ]to[- ]date\b|\bso far this year\b|\bYTD\b|\bsince the start of the year\b", re.I
        ),
        "year-to-date",
    ),
    (
        re.compile(
            r"\b(?:over|during|in|for|on)\s+the\s+(?:past |previous )?month\b|\bthis month\b|"
            r"\bmonth[- ]to[- ]date\b",
            re.I,
        ),
        "month",
    ),
    (
        re.compile(
            r"\b(?:over|in)\s+the\s+past\s+(?:year|12 months)\b|\bfrom a year (?:ago|earlier)\b", re.I
        ),
        "year",
    ),
)


@dataclass(frozen=True)
class Link:
    """A percentage tied to an entity: the move's sign, span and how sure the pattern is."""

    mention: Mention
    pct: Pct
    sign: int
    start: int  # sentence-relative evidence start
    end: int  # sentence-relative evidence end
    confidence: float
    period: str | None = None


def _rel(m: Mention, sent: Sentence) -> tuple[int, int]:
    """A mention's span relative to the sentence."""
    return m.start - sent.start, m.end - sent.start


def _direction(text: str) -> int:
    """+1/-1 from the last direction word of text when only filler follows it, else 0."""
    last = None
    for m in _DIRECTION.finditer(text):
        last = m
    if last is None or not _ONLY_FILLER.match(text[last.end() :]):
        return 0
    return 1 if last.group("up") else -1


def _tail(text: str, pct: Pct) -> tuple[int, int, str | None]:
    """Direction from words right after a percentage ("gain", "lower", "below its peak"), its end, period."""
    after = text[pct.end :]
    noun = _TAIL_NOUN.match(after)
    if noun:
        end = pct.end + noun.end()
        period = "from high" if _FROM_HIGH.match(text[end:]) else None
        return (1 if noun.group("up") else -1), end, period
    word = _TAIL_WORD.match(after)
    if word:
        return (
            (1 if word.group("up") else -1),
            pct.end + word.end(),
            "from high" if word.group("high") else None,
        )
    return 0, pct.end, "from high" if _FROM_HIGH.match(after) else None


def _is_source(text: str, m: Mention, sent: Sentence) -> bool:
    """True when a company is cited as a source ("Barclays analysts", "according to Morgan Stanley")."""
    a, b = _rel(m, sent)
    if m.entity.name in FIRMS and _FIRM_SAYS.match(text[b:]):
        return True
    return bool(_SOURCE_AFTER.match(text[b:]) or _SOURCE_BEFORE.search(text[:a]))


def _movable_before(mentions: Sequence[Mention], sent: Sentence, position: int) -> Mention | None:
    """The mention of any kind that ends last before position (sentence-relative)."""
    before = [m for m in mentions if m.end - sent.start <= position]
    return before[-1] if before else None


def _link_one(
    text: str, sent: Sentence, mentions: Sequence[Mention], pct: Pct, prev: Link | None
) -> Link | None:
    """Tie one percentage to the entity that moved by it, using the most specific pattern that fits."""
    if pct.in_range or _TAIL_BLOCK.match(text[pct.end :]):
        return None
    return (
        _link_reverse(text, sent, mentions, pct)
        or _link_forward(text, sent, mentions, pct)
        or _link_list(text, sent, mentions, pct, prev)
    )


def _link_reverse(text: str, sent: Sentence, mentions: Sequence[Mention], pct: Pct) -> Link | None:
    """ "the 1.78% rise in the S&P 500": a move noun after the percentage, then the entity."""
    noun = re.match(
        r"\s*(?:(?P<up>gain|advance|rise|rally|jump|surge|climb|increase)|"
        r"(?P<down>decline|drop|fall|loss|slide|slump|plunge|tumble|dip|retreat))s?\s+(?:in|for|by|from|"
        r"at)\s+(?:the\s+)?",
        text[pct.end :],
        re.IGNORECASE,
    )
    if not noun:
        return None
    at = pct.end + noun.end()
    target = next((m for m in mentions if m.start - sent.start == at and m.kind in MOVABLE), None)
    if target is None or re.match(r"['’]s\s+(?!shares|stock)\w", text[target.end - sent.start :]):
        return None
    head = re.search(r"(?:\bthe\s+|\ba\s+|\ban\s+)?$", text[: pct.start])
    start = head.start() if head else pct.start
    sign = pct.sign or (1 if noun.group("up") else -1)
    return Link(target, pct, sign, start, target.end - sent.start, 0.85)


def _link_forward(text: str, sent: Sentence, mentions: Sequence[Mention], pct: Pct) -> Link | None:
    """Entity, then a bridge of words with a direction (verb, possessive noun, sign) up to the percentage."""
    subject = _movable_before(mentions, sent, pct.start)
    pronoun = _PRONOUN.match(text) if subject is None else None
    if subject is None or subject.kind not in MOVABLE:
        return _link_pronoun(text, sent, pct, pronoun) if pronoun else None
    a, b = _rel(subject, sent)
    bridge = text[b : pct.start]
    return _bridge_link(text, subject, pct, a, bridge, sent) or _link_its_shares(text, sent, mentions, pct)


def _link_its_shares(text: str, sent: Sentence, mentions: Sequence[Mention], pct: Pct) -> Link | None:
    """ "Oracle raised its outlook, and its shares rose 5%": the shares of the company named before."""
    m = re.search(
        r"\b(?:its|the company['’]s)\s+(?:shares|stock|share price)\b(?P<rest>[^,;$%]{0,40})$",
        text[: pct.start],
    )
    company = [x for x in mentions if x.kind == "company" and x.end - sent.start <= (m.start() if m else 0)]
    if m is None or not company or _BRIDGE_BLOCK.search(m.group("rest")):
        return None
    sign = _direction(m.group("rest"))
    return Link(company[-1], pct, sign, m.start(), pct.end, 0.7) if sign else None


_APPOSITIVE = re.compile(r"^\s*,\s*(?:which|who|the|a|an|its|their|home to|up from|down from)\b[^,;]{0,70},")


def _bridge_link(
    text: str, subject: Mention, pct: Pct, start: int, bridge: str, sent: Sentence
) -> Link | None:
    """The move a bridge of words between subject and percentage expresses, if it expresses one."""
    bridge = _APPOSITIVE.sub(" ", bridge)  # "The Russell 2000, the small-cap gauge, rose 2%"
    words = len(bridge.split())
    sign, end, period = _tail(text, pct)
    if pct.sign and words <= 2 and re.fullmatch(r"\s*(?:stocks|shares|sector|index)?\s*[:\-–—]?\s*", bridge):
        return Link(subject, pct, pct.sign, start, pct.end, 0.9)
    if words > 14 or _BRIDGE_BLOCK.search(bridge) or re.search(r"\b(?:to|at)\s*(?:\w+\s*)?$", bridge):
        return None
    if subject.kind == "company" and _is_source(text, subject, sent):
        return None
    verb = _direction(bridge) or (-1 if re.search(r"\boff\s*$", bridge) else 0)
    if verb:
        confidence = 0.9 if words <= 4 else 0.8 if words <= 8 else 0.7
        return Link(
            subject, pct, verb, start, max(pct.end, end if sign == verb else pct.end), confidence, period
        )
    if sign and _ARTICLE_END.search(bridge) and not _DIRECTION.search(bridge):
        return Link(subject, pct, sign, start, end, 0.85 if words <= 6 else 0.7, period)
    if sign and words <= 3 and _TAIL_WORD.match(text[pct.end :]):
        return Link(subject, pct, sign, start, end, 0.8, period)
    return None


def _link_pronoun(text: str, sent: Sentence, pct: Pct, pronoun: re.Match[str]) -> Link | None:
    """ "It ended the day up 0.2%": the subject is the entity the previous sentences were about."""
    return (
        Link(_PLACEHOLDER, pct, 0, pronoun.start("p"), pct.end, 0.6)
        if _direction(text[pronoun.end() : pct.start])
        else None
    )


_PLACEHOLDER = Mention(Entity("pronoun", "?"), 0, 0, "?")


def _link_list(
    text: str, sent: Sentence, mentions: Sequence[Mention], pct: Pct, prev: Link | None
) -> Link | None:
    """ "Real estate gained 3.07%, utilities 1.83%": a list item inherits the previous item's direction."""
    subject = _movable_before(mentions, sent, pct.start)
    if prev is None or subject is None or subject.kind != prev.mention.kind:
        return None
    a, b = _rel(subject, sent)
    if (
        a < prev.pct.end
        or not _LIST_SEP.match(text[prev.pct.end : a])
        or not _LIST_BRIDGE.match(text[b : pct.start])
    ):
        return None
    sign = pct.sign or _direction(text[b : pct.start]) or prev.sign
    return Link(subject, pct, sign, a, pct.end, 0.75)


_RESPECTIVELY = re.compile(
    r"(?P<pcts>[+\-−]?\d+(?:\.\d+)?\s?%(?:\s*,\s*(?:and\s+)?[+\-−]?\d+(?:\.\d+)?\s?%)*\s*,?\s*and\s+[+\-−]?\d+(?:\.\d+)?\s?%)\s*,?\s*respectively"
)


def _respectively(text: str, sent: Sentence, mentions: Sequence[Mention]) -> list[Link]:
    """ "A and B were down 11% and 7% respectively": values distributed over the listed entities in order."""
    links: list[Link] = []
    for m in _RESPECTIVELY.finditer(text):
        values = [p for p in percents(text) if m.start("pcts") <= p.start < m.end("pcts")]
        listed = _listed_before(text, sent, mentions, m.start("pcts"), len(values))
        if len(listed) != len(values):
            continue
        last_end = listed[-1].end - sent.start
        verb = _direction(re.sub(r",?\s*\bby\s*$", "", text[last_end : m.start("pcts")])) or _direction(
            text[last_end : m.start("pcts")]
        )
        for mention, pct in zip(listed, values, strict=True):
            sign = pct.sign or verb
            if sign:
                links.append(Link(mention, pct, sign, listed[0].start - sent.start, m.end(), 0.8))
    return links


def _listed_before(
    text: str, sent: Sentence, mentions: Sequence[Mention], position: int, n: int
) -> list[Mention]:
    """The last n movable mentions before position that form a list ("A, B and C")."""
    before = [x for x in mentions if x.end - sent.start <= position and x.kind in MOVABLE]
    if len(before) < n:
        return []
    chosen = before[-n:]
    for left, right in pairwise(chosen):
        if not re.fullmatch(
            r"\s*,?\s*(?:and\s+)?(?:the\s+)?", text[left.end - sent.start : right.start - sent.start]
        ):
            return []
    return chosen if len({c.kind for c in chosen}) == 1 else []


def _qualifier(text: str, link: Link) -> str | None:
    """How the move was qualified: "as much as", "nearly", "intraday", "midday", ..."""
    near = text[max(link.start, link.pct.start - 24) : link.pct.start]
    found = [label for pattern, label in _QUALIFIERS if pattern.search(near)][:1]
    after = text[link.pct.end : link.pct.end + 40]
    found += [
        label for pattern, label in _WHEN if pattern.search(after) or pattern.search(text[: link.start])
    ][:1]
    if (
        found
        and found[0] == "as much as"
        and "intraday" not in found
        and re.search(r"\bearly\b|\bintraday\b", after)
    ):
        found.append("intraday")
    return ", ".join(dict.fromkeys(found)) or None


def _period(text: str, link: Link) -> str | None:
    """The period a move covers when the text says ("from high", "week", "year-to-date")."""
    if link.period:
        return link.period
    after = re.match(r"[^,;.]{0,40}", text[link.pct.end :])
    window = text[link.start : link.pct.start] + " " + (after.group(0) if after else "")
    return next((label for pattern, label in _PERIOD_WORDS if pattern.search(window)), None)


_FLAT = re.compile(
    r"^\s*(?:(?:index|stocks|shares|sector)\s+)?(?:finished|ended|closed|was|were|traded|held|stayed|"
    r"remained|settled)\s+(?:the\s+(?:day|session)\s+)?(?:roughly\s+|essentially\s+|largely\s+|"
    r"virtually\s+|little\s+|nearly\s+)?(?:flat|unchanged|changed)\b"
)


def _flat(text: str, sent: Sentence, mentions: Sequence[Mention]) -> list[Link]:
    """ "the Russell 2000 finished flat": a move of zero."""
    links: list[Link] = []
    for m in mentions:
        if m.kind in MOVABLE and (flat := _FLAT.match(text[m.end - sent.start :])):
            end = m.end - sent.start + flat.end()
            links.append(Link(m, Pct(end, end, 0.0, 1, False, False), 1, m.start - sent.start, end, 0.7))
    return links


def moves(doc: Doc, sent: Sentence, mentions: Sequence[Mention]) -> list[Fact]:
    """Index, sector and stock moves of one sentence."""
    text = sent.text
    links = _respectively(text, sent, mentions) + _flat(text, sent, mentions)
    taken = {link.pct.start for link in links}
    prev: Link | None = None
    for pct in percents(text):
        if pct.start in taken:
            continue
        link = _link_one(text, sent, mentions, pct, prev)
        if link is not None and link.mention is _PLACEHOLDER:
            link = _resolve_pronoun(doc, text, link)
        if link is not None:
            links.append(link)
            prev = link
    facts = [
        f
        for link in sorted(links, key=lambda x: x.pct.start)
        if (f := _move_fact(doc, sent, link)) is not None
    ]
    return facts + _point_moves(doc, sent, mentions)


_POINTS = re.compile(r"(?<![\d.,])(?P<n>\d{1,3}(?:,\d{3})*(?:\.\d+)?|\d+(?:\.\d+)?)\s+points?\b(?!,?\s+or\s)")


def _point_moves(doc: Doc, sent: Sentence, mentions: Sequence[Mention]) -> list[Fact]:
    """ "The Dow fell 450 points": an index move stated in points only."""
    text = sent.text
    facts: list[Fact] = []
    for m in _POINTS.finditer(text):
        index = _movable_before(mentions, sent, m.start())
        if index is None or index.kind != "index":
            continue
        bridge = _APPOSITIVE.sub(" ", text[index.end - sent.start : m.start()])
        sign = _direction(bridge)
        if (
            not sign
            or len(bridge.split()) > 10
            or _BRIDGE_BLOCK.search(bridge)
            or re.search(r"\bto\s*$", bridge)
        ):
            continue
        facts.append(
            IndexMove(
                **ground(doc, index.start, sent.start + m.end()),
                subject=index.name,
                points=sign * number(m["n"]),
                confidence=0.8,
                as_of=event_date(doc, sent, sent.start + m.start(), "index_move"),
            )
        )
    return facts


def _resolve_pronoun(doc: Doc, text: str, link: Link) -> Link | None:
    """Give a pronoun-led move ("It", "The shares", "The index") the entity earlier sentences named."""
    word = text[link.start : link.start + 20].casefold()
    kinds: tuple[str, ...] = (
        ("company",) if "share" in word or "stock" in word or "company" in word else ("index",)
    )
    if word.startswith("it") or "group" in word or "sector" in word:
        kinds = ("index", "company", "sector")
    target = doc.last(*kinds)
    if target is None:
        return None
    sign = link.pct.sign or _direction(text[link.start : link.pct.start])
    return Link(target, link.pct, sign, link.start, link.pct.end, 0.6)


def _move_fact(doc: Doc, sent: Sentence, link: Link) -> Fact | None:
    """The fact of a linked move."""
    if not link.sign:
        return None
    text = sent.text
    start, end = sent.start + link.start, sent.start + link.end
    common = ground(doc, start, end)
    model = MOVABLE[link.mention.kind]
    change = link.sign * link.pct.value
    kind = {"index": "index_move", "sector": "sector_move", "company": "stock_move"}[link.mention.kind]
    extra: dict[str, Any] = {
        "subject": link.mention.name,
        "change_pct": change,
        "as_of": event_date(doc, sent, sent.start + link.pct.start, kind),
        "period": _period(text, link),
        "confidence": link.confidence,
    }
    if model is StockMove:
        extra.update(ticker=link.mention.ticker, qualifier=_qualifier(text, link))
    if model is IndexMove:
        points = re.search(r"([\d,]+(?:\.\d+)?)\s+points?,?\s+or\s*$", text[link.start : link.pct.start])
        extra["points"] = link.sign * number(points.group(1)) if points else None
    return model(**common, **extra)


# ---------------------------------------------------------------- capex

_CAPEX_WORDS = re.compile(
    r"\bcapital expenditures?\b|\bcapital spending\b|\bcapex\b|\bcap-ex\b|\bcapital budgets?\b|"
    r"\bcapital investments?\b|\bspending\b|\bspend\b|\bspent\b|\bspends\b|\boutlays?\b|\bbudgets?\b|"
    r"\binvest(?:s|ing)?\b|\bbuild-?out\b|\bdata[- ]cent(?:er|re)s?\b|\bAI infrastructure\b",
    re.IGNORECASE,
)
_CAPEX_BLOCK = re.compile(
    r"\bfree cash flow\b|\bcash flow\b|\brevenues?\b|\bsales\b|\bprofits?\b|\bearnings\b|\bincome\b|"
    r"\bloss(?:es)?\b|\bmarket value\b|\bmarket cap|\bvaluation\b|\bvalued\b|\bworth\b|\bdeficit\b|"
    r"\bshortfall\b|\bdebt\b|\bbonds?\b|\bbuybacks?\b|\brepurchases?\b|\bdividends?\b|\bacquisition\b|"
    r"\bacquire[sd]?\b|\bdeal\b|\bfunding\b|\braised?\b|\bround\b|\bfine\b|\bsettlement\b|\bquestion\b|"
    r"\bIPO\b|\bstake\b|\bwiped\b|\berased\b|\blost\b|\bgave up\b|\bgiven up\b|\binflows?\b|\boutflows?\b|"
    r"\bbacklog\b|\bcontracts?\b|\borders?\b|\bbookings\b|\bcash\b|\bassets\b|\bsavings\b|\bcost cuts?\b|"
    r"\bprice\b",
    re.IGNORECASE,
)
_ESTIMATE_WORDS = re.compile(
    r"\bestimates?\b|\bestimated\b|\bcould\b|\bforecasts?\b|\bapproaching\b|\breaching\b|\bas high as\b|"
    r"\bup to\b|\bprojections?\b|\bprojects?\b|\bprojected\b",
    re.IGNORECASE,
)
_SINGULAR = re.compile(r"\b(?:It|it|The company|the company|Its|its|The firm|the firm)\b")
_YOY = re.compile(
    rf"^[^.;%]{{0,70}}?(?:a\s+|up\s+)?(?P<v>{NUM})\s?%\s*(?:increase|rise|jump|more|higher|growth|"
    rf"up)?\s*(?:from\s+|than\s+)?"
    r"(?:year[- ]over[- ]year|year[- ]on[- ]year|a year (?:earlier|ago|before)|the (?:previous|prior) year|"
    r"y/y|yoy)",
    re.IGNORECASE,
)


def _capex_keyword(left: str, right: str) -> str | None:
    """ "capex" or "block" after the nearest keyword around an amount (capital spending or something else)."""
    right_first = re.match(r"^\s*(?:[\w\-]+)", right)
    if right_first and re.match(
        r"\s*(?:question|company|market|valuation|fund|deal|loss|hole|bet|bill)\b", right, re.I
    ):
        return "block"
    hits: list[tuple[int, str]] = []
    for pattern, label in ((_CAPEX_WORDS, "capex"), (_CAPEX_BLOCK, "block")):
        for m in pattern.finditer(left):
            hits.append((len(left[m.end() :].split()), label))
        for m in pattern.finditer(right):
            hits.append((len(right[: m.start()].split()), label))
    hits.sort(key=lambda h: (h[0], h[1] == "capex"))
    return hits[0][1] if hits else None


def capex(doc: Doc, sent: Sentence, mentions: Sequence[Mention], prev_capex: bool) -> list[Fact]:
    """Capital spending amounts of one sentence with their company or group."""
    text = sent.text
    amounts = [m for m in money_in(text) if m.scaled and m.currency == "USD"]
    facts: list[Fact] = []
    for i, amount in enumerate(amounts):
        lo = amounts[i - 1].end if i else 0
        hi = amounts[i + 1].start if i + 1 < len(amounts) else len(text)
        left, right = (
            text[max(lo, amount.start - 90) : amount.start],
            text[amount.end : min(hi, amount.end + 45)],
        )
        label = _capex_keyword(left, right)
        estimate = bool(_ESTIMATE_WORDS.search(left[-40:]))
        if label is None and estimate and (facts or (prev_capex and not _CAPEX_BLOCK.search(text))):
            label = "capex"
        if label != "capex":
            continue
        fact = _capex_fact(doc, sent, mentions, amount, left, right, lo)
        if fact is not None:
            facts.append(fact)
    return facts


def _capex_fact(
    doc: Doc, sent: Sentence, mentions: Sequence[Mention], amount: Money, left: str, right: str, floor: int
) -> Fact | None:
    """One capex fact: subject, amount or range, kind, period and year-on-year change."""
    subject = _spender(doc, sent, mentions, amount.start, floor)
    if subject is None:
        return None
    name, members = subject
    text = sent.text
    end = amount.end + _capex_tail(right)
    start = amount.start - _capex_head(left)
    yoy = _YOY.match(text[amount.end :])
    kind = _capex_kind(left[-35:]) or ("actual" if re.match(r"\s*spent\b", right) else None)
    common = ground(doc, sent.start + start, sent.start + end)
    low, high = (amount.low, amount.high) if amount.high is not None else (None, None)
    return Capex(
        **common,
        subject=name,
        members=members,
        amount_usd=None if amount.high is not None else amount.low,
        amount_usd_low=low,
        amount_usd_high=high,
        capex_kind=kind,
        yoy_pct=number(yoy["v"]) if yoy else None,
        period=_capex_period(doc, text, amount),
        qualifier=_capex_qualifier(text, mentions, sent, kind),
        as_of=dates.nearest_date(text, amount.start, doc.published) if _dated(text) else None,
        confidence=0.8 if _CAPEX_WORDS.search(left[-40:] + right[:30]) else 0.6,
    )


def _dated(text: str) -> bool:
    """True when a sentence names a specific day (a weekday, "today", a month and day)."""
    return bool(dates.date_mentions(text, None)) or bool(re.search(r"\b(?:today|yesterday)\b", text, re.I))


def _capex_head(left: str) -> int:
    """How many characters before an amount belong to its evidence ("capital expenditures of")."""
    m = re.search(
        r"(?:(?:planned|planning|collective|annual|quarterly|staggering|about|around|roughly|some|nearly|"
        r"approximately|an estimated|estimated|the|of|reach|reaching|to|at)\s+)*$",
        left,
        re.IGNORECASE,
    )
    head = len(left) - m.start() if m else 0
    keywords = list(_CAPEX_WORDS.finditer(left))
    kw = keywords[-1] if keywords else None
    if kw is not None and len(left[kw.end() :].split()) <= 4:
        head = len(left) - kw.start()
    return head


def _capex_tail(right: str) -> int:
    """How many characters after an amount belong to its evidence ("in capital expenditures for 2026")."""
    m = re.match(
        r"\s*(?:(?:in|of|on)\s+(?:AI(?:-related)?\s+|capital\s+|"
        r"data[- ]cent(?:er|re)\s+)?(?:capital expenditures?|capex|spending|outlays?|investments?|"
        r"expenditures?)|spent)(?:\s+(?:for|in|by)\s+(?:the\s+)?(?:\d{4}|quarter))?",
        right,
        re.IGNORECASE,
    )
    return m.end() if m else 0


def _capex_kind(words: str) -> str | None:
    """plan / estimate / projection / actual from the words around an amount."""
    lowered = words.casefold()
    if re.search(r"\bspent\b|\breported\b|\bposted\b|\bdisclosed\b|\bshowed\b", lowered):
        return "actual"
    if re.search(r"\bproject(?:s|ed|ion|ions)?\b|\bprojecting\b", lowered):
        return "projection"
    if re.search(r"\bestimat\w*|\bcould\b|\bforecast\w*|\bapproaching\b|\breaching\b", lowered):
        return "estimate"
    if re.search(
        r"\bplan\w*|\bbudget\w*|\bexpect(?:s|ed|ing)?\b|\bintend\w*|\bwill\b|\bset to\b|\bguid\w*", lowered
    ):
        return "plan"
    return None


def _capex_period(doc: Doc, text: str, amount: Money) -> str | None:
    """The year or quarter the spending is for."""
    after = text[amount.end : amount.end + 60]
    before = text[max(0, amount.start - 60) : amount.start]
    quarter = re.search(
        r"\b(?:for|in) the quarter\b|\bquarterly\b|\bsingle quarter\b", after + " " + before, re.I
    )
    year = re.match(r"[^.;$]{0,35}?\b(?:for|in|by|during|through)\s+(?:fiscal\s+)?((?:19|20)\d{2})\b", after)
    if year:
        return year.group(1)
    if quarter:
        return "quarter"
    this = re.search(r"\bthis year\b|\bnext year\b", after + " " + before, re.I)
    if this and doc.published:
        return str(doc.published.year + (1 if "next" in this.group(0).casefold() else 0))
    anywhere = re.search(r"\b(?:for|in|by)\s+((?:19|20)\d{2})\b", text)
    return anywhere.group(1) if anywhere else None


def _capex_qualifier(text: str, mentions: Sequence[Mention], sent: Sentence, kind: str | None) -> str | None:
    """The capex kind with the firm behind an estimate or projection, when the sentence names one."""
    source = next((m.name for m in mentions if m.kind == "company" and _is_source(text, m, sent)), None)
    if kind in ("estimate", "projection") and source:
        return f"{kind} ({source})"
    return kind if kind in ("estimate", "projection") else None


def _spender(
    doc: Doc, sent: Sentence, mentions: Sequence[Mention], position: int, floor: int = 0
) -> tuple[str, tuple[str, ...]] | None:
    """Who spends: a group, a list of companies, a company (not a cited source), or the earlier spender."""
    text = sent.text
    clause_start = max(text.rfind(";", 0, position), floor, 0)
    candidates = _spender_mentions(text, sent, mentions, clause_start, position)
    if not candidates and floor:
        candidates = _spender_mentions(text, sent, mentions, max(text.rfind(";", 0, position), 0), floor)
    possessive = [m for m in candidates if re.match(r"['’]s\b", text[m.end - sent.start :])]
    chosen: tuple[str, tuple[str, ...]] | None = None
    if candidates:
        first = (
            possessive[-1]
            if possessive and possessive[-1].kind == "company" and len(candidates) > 1
            else candidates[0]
        )
        chosen = _as_spender(text, sent, candidates, first)
    else:
        chosen = _spender_by_reference(doc, text[clause_start:position])
    if chosen:
        doc.capex_subject = chosen
    return chosen


def _spender_mentions(
    text: str, sent: Sentence, mentions: Sequence[Mention], lo: int, hi: int
) -> list[Mention]:
    """Companies and groups in [lo, hi) of the sentence that are not cited sources."""
    return [
        m
        for m in mentions
        if m.kind in ("company", "group")
        and lo <= m.start - sent.start < hi
        and not _is_source(text, m, sent)
    ]


def _spender_by_reference(doc: Doc, before: str) -> tuple[str, tuple[str, ...]] | None:
    """The spender a pronoun points back to: "It"/"its" a company, otherwise the last spender."""
    if _SINGULAR.search(before):
        last = doc.last("company", "group")
        if last is not None:
            return (last.name, last.entity.members)
    return doc.capex_subject


def _as_spender(
    text: str, sent: Sentence, candidates: list[Mention], first: Mention
) -> tuple[str, tuple[str, ...]]:
    """A group, or the list of companies starting at first ("Alphabet, Amazon, Meta and Microsoft")."""
    if first.kind == "group":
        return first.name, first.entity.members
    listed = [first]
    for m in candidates[candidates.index(first) + 1 :]:
        gap = text[listed[-1].end - sent.start : m.start - sent.start]
        if m.kind != "company" or not re.fullmatch(r"\s*,?\s*(?:and\s+)?", gap):
            break
        listed.append(m)
    if len(listed) == 1:
        return first.name, ()
    members = tuple(m.name for m in listed)
    group = group_for(members)
    return (group.name if group else ", ".join(members)), members


# ---------------------------------------------------------------- prices

_UNIT = re.compile(
    r"^\s*(?:per|an|a|/)\s?(?P<u>troy ounce|ounce|oz|barrel|bbl|tonne|metric ton|ton|mmbtu|bushel|pound|lb|"
    r"coin|token)\b",
    re.IGNORECASE,
)
_WORD_NUMBERS = {
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
_NUMBER_WORDS = "|".join(sorted(_WORD_NUMBERS, key=len, reverse=True))
_LEVEL_QUALIFIER = re.compile(
    rf"(?P<n>\d+|{_NUMBER_WORDS})[- ](?P<u>day|week|month|year)[- ](?P<hl>low|high)|"
    r"(?P<rec>all-time|record|fresh record|new record|new all-time)\s+(?P<hl2>high|low)|"
    r"(?P<rec3>\brecord)\s+(?=\$)|"
    rf"(?P<most>lowest|highest)\s+(?:level|price|close|point)?\s*(?:in|"
    rf"since)\s+(?:(?P<n2>\d+|a|more than \d+|{_NUMBER_WORDS})\s+)?"
    r"(?P<u2>days?|weeks?|months?|years?)",
    re.IGNORECASE,
)
_PRICE_BLOCK = re.compile(
    r"\b(?:miners?|mining|stocks?|shares|ETFs?|funds?|market value|market cap|billion|million|trillion|"
    r"target)\b|;",
    re.IGNORECASE,
)


def prices(doc: Doc, sent: Sentence, mentions: Sequence[Mention]) -> list[Fact]:
    """Asset prices of one sentence: "Bitcoin fell to $60,017, a 16-month low", "gold at $5,502 an ounce"."""
    text = sent.text
    facts: list[Fact] = []
    for amount in money_in(text):
        if amount.scaled or amount.high is not None:
            continue
        asset = _movable_before([m for m in mentions if m.kind != "pronoun"], sent, amount.start)
        if asset is None or asset.kind != "asset":
            continue
        a, b = _rel(asset, sent)
        bridge = text[b : amount.start]
        if len(bridge.split()) > 10 or _PRICE_BLOCK.search(bridge):
            continue
        facts.append(_price_fact(doc, sent, asset, amount, a))
    return facts


def _price_fact(doc: Doc, sent: Sentence, asset: Mention, amount: Money, start: int) -> Fact:
    """One price level with unit and qualifier ("16-month low", "all-time high")."""
    text = sent.text
    end = amount.end
    unit = _UNIT.match(text[end:])
    if unit:
        end += unit.end()
    window = text[start : min(len(text), end + 50)]
    qual = _LEVEL_QUALIFIER.search(window)
    qualifier = _level_label(qual) if qual else None
    if qual and start + qual.end() > end and start + qual.start() - end < 6:
        end = start + qual.end()
    unit_name = unit.group("u").casefold() if unit else None
    unit_name = {"oz": "ounce", "troy ounce": "ounce", "bbl": "barrel", "lb": "pound"}.get(
        unit_name or "", unit_name
    )
    return PriceLevel(
        **ground(doc, sent.start + start, sent.start + end),
        subject=asset.name,
        price=amount.low,
        currency=amount.currency,
        unit=unit_name,
        qualifier=qualifier,
        as_of=event_date(doc, sent, sent.start + amount.start, "price_level"),
        confidence=0.85 if qualifier or unit else 0.7,
    )


def _level_label(m: re.Match[str]) -> str:
    """A normalised qualifier: "16-month low", "all-time high"."""
    words = {**_WORD_NUMBERS, "a": "1"}
    if m.group("n"):
        return f"{words.get(m['n'].casefold(), m['n'])}-{m['u'].casefold()} {m['hl'].casefold()}"
    if m.group("rec"):
        return f"all-time {m['hl2'].casefold()}"
    if m.group("rec3"):
        return "all-time high"
    n = words.get((m["n2"] or "1").casefold(), re.sub(r"\D", "", m["n2"] or "1") or "1")
    return f"{n}-{m['u2'].casefold().rstrip('s')} {'low' if m['most'].casefold() == 'lowest' else 'high'}"


# ---------------------------------------------------------------- rate decisions

_RATE_RANGE = re.compile(
    r"(?P<lo>\d+(?:\.\d+)?)\s?%?\s?(?:–|-|to|"
    r"and)\s?(?P<hi>\d+(?:\.\d+)?)\s?%(?!\s+(?:of|in|growth|increase|rise|gain))"
)
_RATE_ONE = re.compile(r"\b(?:at|to|of)\s+(?P<one>\d+(?:\.\d+)?)\s?%(?!\s+(?:of|growth|increase|rise|gain))")
_ACTION = re.compile(
    r"\b(?:(?P<hold>hold|holds|held|holding|kept|keep|keeps|keeping|left|leaves|leaving|unchanged|steady|"
    r"on hold|paus\w+|maintain\w*)|(?P<cut>cut|cuts|cutting|lower\w*|reduc\w*|trim\w*)|"
    r"(?P<hike>rais\w+|hik\w+|increas\w+|lift\w*|tighten\w*))\b",
    re.IGNORECASE,
)
_BP = re.compile(
    r"(?P<bp>\d+)\s?(?:basis[- ]points?|bps?|bp)\b|"
    r"(?P<word>quarter|half)[- ](?:of a )?(?:percentage[- ])?point",
    re.I,
)


def rate_decisions(doc: Doc, sent: Sentence, mentions: Sequence[Mention]) -> list[Fact]:
    """Central bank decisions with a stated rate or change: hold / cut / hike and the target range."""
    text = sent.text
    if not re.search(r"\brates?\b|\brange\b|\bbenchmark\b|\bpolicy\b|\bborrowing costs\b", text, re.I):
        return []
    banks = [m for m in mentions if m.kind == "bank"]
    if not banks and re.search(
        r"\b(?:the central bank|it|policymakers|the committee|officials)\b", text, re.I
    ):
        last = doc.last(*BANK_CONTEXT)
        banks = (
            [Mention(last.entity, sent.start, sent.start, last.name)] if last and last.kind == "bank" else []
        )
    facts: list[Fact] = []
    for i, bank in enumerate(banks):
        limit = banks[i + 1].start - sent.start if i + 1 < len(banks) else len(text)
        fact = _bank_decision(doc, sent, bank, bank.end - sent.start, limit)
        if fact is not None:
            facts.append(fact)
    return facts


def _bank_decision(doc: Doc, sent: Sentence, bank: Mention, lo: int, hi: int) -> Fact | None:
    """The decision a bank's clause states: an action word, then the rate or range it set."""
    text = sent.text
    rates = [
        *_RATE_RANGE.finditer(text, lo, hi),
        *_RATE_ONE.finditer(text, lo, hi),
    ]  # a range before a single rate
    for rate in rates:
        before = text[lo : rate.start()]
        actions = list(_ACTION.finditer(before))
        if actions and len(before.split()) <= 25:
            action = next(k for k in ("hold", "cut", "hike") if actions[-1].group(k))
            return _rate_fact(doc, sent, bank, rate, action, lo + actions[0].start())
    return None


def _rate_fact(
    doc: Doc, sent: Sentence, bank: Mention, rate: re.Match[str], action: str, verb_at: int
) -> Fact:
    """One rate decision fact."""
    groups = rate.groupdict()
    low = number(groups.get("lo") or groups["one"])
    high = number(groups["hi"]) if groups.get("hi") else None
    bp = _BP.search(sent.text, verb_at, rate.end())
    change = None
    if bp and action != "hold":
        size = float(bp["bp"]) if bp["bp"] else (25.0 if (bp["word"] or "").casefold() == "quarter" else 50.0)
        change = size if action == "hike" else -size
    start = sent.start + max(0, verb_at)
    return RateDecision(
        **ground(doc, start, sent.start + rate.end()),
        subject=bank.name,
        action=action,
        rate_low=low,
        rate_high=high,
        change_bp=change,
        as_of=event_date(doc, sent, sent.start + rate.start(), "rate_decision"),
        confidence=0.9 if high is not None else 0.75,
    )


# ---------------------------------------------------------------- metrics


def _metric(doc: Doc, sent: Sentence, start: int, end: int, subject: str, **fields: Any) -> Metric:
    """A metric fact over sentence-relative [start, end) (confidence 0.8 unless given)."""
    fields.setdefault("confidence", 0.8)
    return Metric(**ground(doc, sent.start + start, sent.start + end), subject=subject, **fields)


def _owner(
    doc: Doc, sent: Sentence, mentions: Sequence[Mention], position: int, kinds: tuple[str, ...]
) -> str | None:
    """Whose metric it is: a possessive or subject mention before position, else one from earlier text."""
    text = sent.text
    before = [
        m
        for m in mentions
        if m.kind in kinds and m.end - sent.start <= position and not _is_source(text, m, sent)
    ]
    if before:
        possessive = [m for m in before if re.match(r"['’]s\b", text[m.end - sent.start :])]
        ends = [n.end for n in money_in(text)] + [n.end for n in percents(text)]
        floor = max((end for end in ends if end <= position), default=0)
        clause = [m for m in before if m.start - sent.start >= floor]
        chosen = possessive[-1] if possessive else (clause or before)[0]
        return chosen.name
    last = doc.last(*kinds)
    return last.name if last else None


_FCF = re.compile(r"\bfree cash flows?\b|\bFCF\b", re.IGNORECASE)
_NEGATIVE_FCF = re.compile(
    r"\bnegative\b|\bdeficit\b|\bshortfall\b|\bbelow zero\b|\bburn\b|\boutflow\b|\bminus\b", re.I
)
_FCF_CHANGE = re.compile(
    rf"(?P<v>{NUM})\s?%\s+(?P<noun>drop|decline|fall|cut|reduction|decrease|plunge|slump|increase|rise|"
    rf"jump|gain)\s+in\s+"
    r"(?:\w+['’]s\s+)?free cash flow|"
    r"free cash flow\s+(?:\w+\s+){0,4}?(?P<verb>shrink\w*|drop\w*|fall\w*|fell|declin\w*|"
    rf"cut|plung\w*|rise\w*|rising|rose|jump\w*|grow\w*|increas\w*)\s+by\s+(?:\w+\s+)?(?P<v2>{NUM})\s?%|"
    rf"(?:cut|reduce|shrink|lower|lift|boost|raise)\s+(?:\w+['’]s\s+|its\s+|"
    rf"the\s+\w+['’]s\s+)?free cash flow\s+by\s+(?:\w+\s+)?(?P<v3>{NUM})\s?%",
    re.IGNORECASE,
)


def free_cash_flow(doc: Doc, sent: Sentence, mentions: Sequence[Mention]) -> list[Fact]:
    """Free cash flow amounts (negative when a deficit) and free cash flow changes in percent."""
    text = sent.text
    facts: list[Fact] = []
    for kw in _FCF.finditer(text):
        owner = _owner(doc, sent, mentions, kw.start(), ("company", "group"))
        amount = next((m for m in money_in(text) if m.scaled and 0 <= m.start - kw.end() <= 80), None)
        if owner and amount and _fcf_owns(text, kw, amount):
            facts.append(_fcf_amount(doc, sent, owner, kw, amount))
    for m in _FCF_CHANGE.finditer(text):
        fact = _fcf_change(doc, sent, mentions, m)
        if fact is not None:
            facts.append(fact)
    return facts


def _fcf_change(doc: Doc, sent: Sentence, mentions: Sequence[Mention], m: re.Match[str]) -> Fact | None:
    """ "a 90% drop in free cash flow", "free cash flow could shrink by roughly 90%"."""
    inside = [
        x for x in mentions if m.start() <= x.start - sent.start < m.end() and x.kind in ("company", "group")
    ]
    owner = inside[0].name if inside else _owner(doc, sent, mentions, m.start(), ("company", "group"))
    if owner is None:
        return None
    word = (m["noun"] or m["verb"] or m.group(0)).casefold()
    sign = 1 if re.match(r"increas|ris|rose|jump|gain|grow|lift|boost|raise", word) else -1
    value = sign * number(m["v"] or m["v2"] or m["v3"])
    start = _with_hedges(sent.text, m.start())
    return _metric(doc, sent, start, m.end(), owner, metric="free cash flow change", value=value, unit="pct")


_HEDGES = re.compile(r"(?:(?:approximately|about|roughly|nearly|a|an)\s+)+$")
_EXPECTED_TAIL = re.compile(
    r"\s+(?:analysts?|forecasts?|estimates?)\s+(?:had\s+)?(?:[\w\-]+\s+){0,3}?(?:models|in|expected|forecast)\b"
)


def _with_hedges(text: str, start: int) -> int:
    """Move a start back over hedging words before it ("approximately a 90% drop")."""
    hedge = _HEDGES.search(text, 0, start)
    return hedge.start() if hedge else start


def _fcf_owns(text: str, kw: re.Match[str], amount: Money) -> bool:
    """True when the amount after "free cash flow" is its value, not a nearer capex or other figure."""
    between = text[kw.end() : amount.start]
    if _CAPEX_WORDS.search(between) or len(between.split()) > 12:
        return False
    return _capex_keyword("free cash flow" + between, text[amount.end : amount.end + 45]) != "capex"


def _fcf_amount(doc: Doc, sent: Sentence, owner: str, kw: re.Match[str], amount: Money) -> Metric:
    """A free cash flow amount or range, negative when the words say deficit."""
    text = sent.text
    window = text[max(0, kw.start() - 25) : amount.start]
    sign = -1 if _NEGATIVE_FCF.search(window) else 1
    values = sorted(sign * v for v in (amount.low, amount.high) if v is not None)
    start = kw.start() - (len(window) - len(text[kw.start() : amount.start])) if sign < 0 else kw.start()
    start = max(0, start if re.search(r"\bnegative\s+$", text[: kw.start()]) else kw.start())
    if re.search(r"\bnegative\s+$", text[: kw.start()]):
        start = text.rfind("negative", 0, kw.start())
    end = amount.end + (m.end() if (m := re.match(r"\s+in\s+\d{4}", text[amount.end :])) else 0)
    period = re.match(r"\s+in\s+(\d{4})", text[amount.end :])
    fields: dict[str, Any] = {
        "metric": "free cash flow",
        "unit": "usd",
        "confidence": 0.8,
        "period": period.group(1) if period else None,
    }
    if len(values) == 2:
        fields.update(value_low=values[0], value_high=values[1])
    else:
        fields["value"] = values[0]
    return _metric(doc, sent, start, end, owner, **fields)


_FIN_LABEL = (
    r"market (?:value|cap(?:itali[sz]ation)?)|revenues?|sales|net income|net profit|operating income|"
    r"earnings per share|EPS"
)
_FIN_AFTER = re.compile(
    rf"\b(?P<label>{_FIN_LABEL})\s+(?:(?:has|have|had)\s+(?:risen|fallen|climbed|grown|dropped|slipped|jumped|"
    r"swelled|shrunk)\s+to|of|at|was|were|totall?ed|came in at|reached|hit|topped|rose to|fell to|"
    r"climbed to|dropped to|grew to|jumped to|slipped to|surpassed|crossed|stood at|to|near|above|"
    r"below)\s+(?:(?:about|roughly|nearly|almost|more than|over|around|some|an estimated|a record|"
    r"just over|just under)\s+)?(?=[$€£])",
    re.IGNORECASE,
)
_FIN_BEFORE = re.compile(
    rf"^\s*(?:in|of)\s+(?:quarterly\s+|annual\s+|full-year\s+|fourth-quarter\s+|"
    rf"first-quarter\s+)?(?P<label>{_FIN_LABEL})\b"
    r"|^\s*(?P<label2>market (?:value|cap(?:itali[sz]ation)?))\b",
    re.IGNORECASE,
)
_MOVED_VALUE = re.compile(
    r"\b(?:lost|lose|losing|shed|shedding|gave up|given up|give up|wiped out|erased|added|adding|gained|"
    r"losses)\s+(?:[\w\-]+\s+){0,3}$",
    re.IGNORECASE,
)
_FIN_NAMES = {
    "market value": "market cap",
    "market capitalisation": "market cap",
    "market capitalization": "market cap",
    "revenues": "revenue",
    "sales": "revenue",
    "net profit": "net income",
    "earnings per share": "EPS",
    "eps": "EPS",
}


def financials(doc: Doc, sent: Sentence, mentions: Sequence[Mention]) -> list[Fact]:
    """Reported or reached amounts: "revenue of $81.3 billion", "a market value of $5 trillion"."""
    text = sent.text
    facts: list[Fact] = []
    for amount in money_in(text):
        label, start = _fin_label(text, amount)
        if label is None:
            continue
        owner = _owner(doc, sent, mentions, start, ("company", "group"))
        if owner is None or (label != "EPS" and not amount.scaled):
            continue
        end = amount.end + (m.end() if (m := _FIN_BEFORE.match(text[amount.end :])) else 0)
        facts.append(
            _metric(
                doc,
                sent,
                min(start, amount.start),
                end,
                owner,
                metric=label,
                value=amount.low,
                value_low=amount.low if amount.high else None,
                value_high=amount.high,
                unit="usd",
                confidence=0.6,
            )
        )
    return facts


def _fin_label(text: str, amount: Money) -> tuple[str | None, int]:
    """The financial measure an amount states, and where its wording starts."""
    if _MOVED_VALUE.search(text[max(0, amount.start - 50) : amount.start]):
        return None, amount.start  # "lost $1 trillion of market value" is a loss, not a size
    before = list(_FIN_AFTER.finditer(text, max(0, amount.start - 60), amount.start + 1))
    if before and before[-1].end() == amount.start:
        label = before[-1].group("label").casefold()
        return _FIN_NAMES.get(label, label), before[-1].start()
    after = _FIN_BEFORE.match(text[amount.end :])
    if after:
        label = (after.group("label") or after.group("label2")).casefold()
        return _FIN_NAMES.get(label, label), amount.start
    return None, amount.start


_VALUE_LOSS = re.compile(
    r"(?P<amt>\$\s?[\d.,]+\s?(?:trillion|billion|million|tn|bn))\s+(?P<noun>loss|losses|rout|"
    r"wipe-?out)\b(?:\s+(?:in|for|"
    r"across)\s+(?P<who>(?:the\s+)?[\w\-]+(?:\s+[\w\-]+)?\s+(?:stocks|shares|sector|names|companies)))?|"
    r"(?P<verb>lost|lose|losing|shed|wiped out|erased|gave up|given up|give up|added|gained|"
    r"adding)\s+(?:\w+\s+){0,3}?(?P<amt2>\$\s?[\d.,]+\s?(?:trillion|billion|million|tn|bn))\s+(?:of|"
    r"in)\s+(?:(?:its|their|combined|total)\s+)?(?:market value|market capitali[sz]ation|market cap|value)",
    re.IGNORECASE,
)
_WHO_BEFORE = re.compile(
    r"(?P<who>\b[\w\-]+\s+(?:stocks|shares|sector|names|companies))\s+(?:\w+\s+){0,4}$", re.IGNORECASE
)


def value_losses(doc: Doc, sent: Sentence, mentions: Sequence[Mention]) -> list[Fact]:
    """Market value lost or gained: "$1 trillion loss in software stocks", "shed $1 trillion of value"."""
    facts: list[Fact] = []
    for m in _VALUE_LOSS.finditer(sent.text):
        fact = _value_change(doc, sent, mentions, m)
        if fact is not None:
            facts.append(fact)
    return facts


def _value_change(doc: Doc, sent: Sentence, mentions: Sequence[Mention], m: re.Match[str]) -> Fact | None:
    """One market value loss or gain, with the stocks or entity it belongs to."""
    text = sent.text
    money = money_in(m.group("amt") or m.group("amt2"))
    who = m.group("who") or (w.group("who") if (w := _WHO_BEFORE.search(text[: m.start()])) else None)
    kinds = ("company", "group", "index", "sector")
    subject = (
        re.sub(r"^the\s+", "", who, flags=re.I) if who else _owner(doc, sent, mentions, m.start(), kinds)
    )
    if not money or subject is None:
        return None
    gained = (m.group("verb") or "").casefold() in ("added", "gained", "adding")
    head = _LOSS_HEAD.search(text, 0, m.start()) if m.group("amt") else None
    return _metric(
        doc,
        sent,
        head.start() if head else m.start(),
        m.end(),
        subject,
        metric="market value gain" if gained else "market value loss",
        value=(1 if gained else -1) * money[0].low,
        unit="usd",
        confidence=0.75,
        period="week" if re.search(r"\bweek\b", text, re.I) else None,
    )


_LOSS_HEAD = re.compile(r"(?:(?:an?|the)\s+)?(?:(?:estimated|roughly|about|some|nearly)\s+)?$")

_GROWTH = re.compile(
    rf"(?P<label>(?:[\w\-]+\s+){{0,2}}?growth|"
    rf"(?:revenue|sales|business|cloud|segment|unit|division|earnings|profit|bookings|"
    rf"income)\s+(?:[\w\-]+\s+)?(?:grew|rose|increased|expanded|climbed|jumped|slowed|accelerated|"
    rf"decelerated))\b(?:\s+(?:at|in|of|for)\s+(?:its|the)\s+(?:[\w\-]+\s+){{0,3}}?(?:business|unit|"
    rf"division|segment))?[^.;%]{{0,30}}?(?P<v>{NUM})\s?%[^.;%]{{0,25}}?\b(?P<cmp>compared (?:to|with)|"
    rf"versus|vs\.?|against|below|above|short of|ahead of|missing|missed|beating|beat|beats|topp(?:ed|ing)|"
    rf"exceed(?:ed|ing)|surpass(?:ed|ing)|trail(?:ed|ing)|lagg(?:ed|ing)|than|shy of|under|"
    rf"over)\b[^.;%]{{0,40}}?(?P<e>{NUM})\s?%"
    r"(?P<tail>[^.;]{0,50})",
    re.IGNORECASE,
)
_EXPECT = re.compile(
    r"analyst|expect|forecast|estimate|consensus|project|anticipat|baked|pencil|built into|models|street",
    re.I,
)


def growth_vs_expectations(doc: Doc, sent: Sentence, mentions: Sequence[Mention]) -> list[Fact]:
    """Growth against what was expected: "cloud growth of 39% against forecasts of 42%"."""
    facts: list[Fact] = []
    for m in _GROWTH.finditer(sent.text):
        between = sent.text[m.start("cmp") : m.start("e")] + sent.text[m.end("e") : m.end("e") + 40]
        fact = _growth_fact(doc, sent, mentions, m) if _EXPECT.search(between) else None
        if fact is not None:
            facts.append(fact)
    return facts


def _growth_fact(doc: Doc, sent: Sentence, mentions: Sequence[Mention], m: re.Match[str]) -> Fact | None:
    """One growth-versus-expectation metric; the subject is the product (Azure) or the company."""
    text = sent.text
    product = next((x for x in mentions if x.kind == "product" and x.end - sent.start <= m.start("v")), None)
    subject = product.name if product else _owner(doc, sent, mentions, m.start(), ("company",))
    if subject is None:
        return None
    label = m.group("label").casefold()
    metric = "revenue growth" if "revenue" in label or "sales" in label else "growth"
    if "cloud" in text[max(0, m.start() - 30) : m.start("v")].casefold():
        metric = "cloud revenue growth"
    near = product is not None and product.start - sent.start >= m.start() - 40
    start = product.start - sent.start if product is not None and near else m.start()
    tail = _EXPECTED_TAIL.match(text, m.end("e"))
    end = tail.end() if tail else m.end("e")
    return _metric(
        doc,
        sent,
        start,
        end,
        subject,
        metric=metric,
        value=number(m["v"]),
        unit="pct",
        expected=number(m["e"]),
    )


_RATIO_NAME = (
    r"price[- ]to[- ]book|price/book|P/B|price[- ]to[- ]earnings|price/earnings|(?:forward\s+)?P/E|"
    r"price[- ]to[- ]sales|P/S|EV/EBITDA|CAPE|Shiller P/E"
)
_RATIO_A = re.compile(
    rf"(?P<name>{_RATIO_NAME})(?:\s+(?:ratio|multiple))?\s+(?:of|at)\s+(?:just|about|around|roughly|only|"
    rf"nearly|approximately|some)?\s*(?P<v>\d+(?:\.\d+)?)(?:\s?(?:x|times))?\b(?!\s?%)",
    re.IGNORECASE,
)
_RATIO_B = re.compile(
    r"(?P<v>\d+(?:\.\d+)?)\s?(?:x|times)\s+(?:its\s+|"
    r"their\s+)?(?P<basis>(?:forward\s+|trailing\s+)?(?:book value|book|earnings|sales|EBITDA))",
    re.IGNORECASE,
)
_RATIO_CMP = re.compile(
    r"^[^.;]{0,25}?\b(?:contrast to|compared (?:with|to)|versus|vs\.?|against|while|whereas|"
    r"relative to)\s+(?:(?:the\s+)?(?P<who>[^,.;]{2,40}?)['’]s\s+(?P<v>\d+(?:\.\d+)?)\b(?!\s?%)|"
    r"(?:(?:about|around|roughly|some|nearly|just|only|approximately)\s+)?(?P<v2>\d+(?:\.\d+)?)\s?(?:x|"
    r"times)?\s+(?:for|at)\s+(?:the\s+)?(?P<who2>[^,.;]{2,40}))",
    re.IGNORECASE,
)
_RATIO_LABELS = {
    "book value": "price-to-book",
    "book": "price-to-book",
    "earnings": "price-to-earnings",
    "sales": "price-to-sales",
    "ebitda": "EV/EBITDA",
}


def ratios(doc: Doc, sent: Sentence, mentions: Sequence[Mention]) -> list[Fact]:
    """Valuation ratios: "a price-to-book ratio of 2.1, against the S&P 500's 5.0", "2.1 times book value"."""
    text = sent.text
    facts: list[Fact] = []
    for m in [*_RATIO_A.finditer(text), *_RATIO_B.finditer(text)]:
        name = _ratio_label(m)
        owner = _owner(doc, sent, mentions, m.start(), ("index", "company", "group", "sector"))
        if owner is None:
            continue
        start = _ratio_start(text, sent, mentions, m.start())
        facts.append(
            _metric(
                doc,
                sent,
                start,
                m.end(),
                owner,
                metric=name,
                value=number(m["v"]),
                unit="ratio",
                period=_start_of_year(text),
                confidence=0.8,
            )
        )
        facts.extend(_ratio_comparison(doc, sent, mentions, m, name))
    return facts


def _ratio_label(m: re.Match[str]) -> str:
    """Canonical ratio name."""
    if "basis" in m.groupdict() and m["basis"]:
        basis = re.sub(r"^(?:forward|trailing)\s+", "", m["basis"].casefold())
        return _RATIO_LABELS.get(basis, basis)
    raw = m["name"].casefold().replace(" ", "-").replace("/", "-to-")
    return {"p-to-b": "price-to-book", "p-to-e": "price-to-earnings", "p-to-s": "price-to-sales"}.get(
        raw, raw
    )


def _ratio_start(text: str, sent: Sentence, mentions: Sequence[Mention], position: int) -> int:
    """Evidence start: the subject mention when it is close before the ratio, else the ratio itself."""
    near = [
        m for m in mentions if 0 <= position - (m.end - sent.start) <= 60 and m.end - sent.start <= position
    ]
    return near[-1].start - sent.start if near else position


def _ratio_comparison(
    doc: Doc, sent: Sentence, mentions: Sequence[Mention], m: re.Match[str], name: str
) -> list[Fact]:
    """The second ratio a sentence compares with: "well below the Nasdaq 100's 6.2"."""
    text = sent.text
    cmp = _RATIO_CMP.match(text[m.end() :])
    if not cmp:
        return []
    at = m.end() + cmp.start("who" if cmp["who"] else "who2")
    target = next((x for x in mentions if abs(x.start - sent.start - at) <= 5), None)
    if target is None:
        return []
    if cmp["who"]:
        head = re.search(r"\bthe\s+$", text[: target.start - sent.start])
        start, end = (head.start() if head else target.start - sent.start), m.end() + cmp.end("v")
    else:
        start, end = m.end() + cmp.start("v2"), target.end - sent.start
    value = number(cmp["v"] or cmp["v2"])
    period = _start_of_year(text)
    return [
        _metric(doc, sent, start, end, target.name, metric=name, value=value, unit="ratio", period=period)
    ]


def _start_of_year(text: str) -> str | None:
    """ "start of 2026" style periods for point-in-time valuations."""
    m = re.search(r"\b(?:at|by) the (start|beginning|end) of ((?:19|20)\d{2})\b", text, re.I)
    return f"{'start' if m.group(1).casefold() != 'end' else 'end'} of {m.group(2)}" if m else None


_WEIGHT_A = re.compile(
    r"(?P<owner>\b(?:their|its|the group['’]s|the [\w\s]{1,20}?['’]s)|"
    r"[A-Z][\w&\s]{1,30}?['’]s)\s+(?:combined\s+|market[- ]cap\s+)?(?:weighting|weight|share)\s+(?:within|"
    r"in|of)\s+(?:the\s+)?(?P<container>[^,;]{2,40}?)\s+(?:index\s+)?"
    rf"(?:has\s+|had\s+|have\s+)?(?:\w+\s+)?(?:to|"
    rf"at)\s+(?P<v>{NUM})\s?%(?P<rest>[^;]{{0,90}}?\bfrom\b[^;%]{{0,60}}?(?P<prev>{NUM})\s?%)?",
    re.IGNORECASE,
)
_WEIGHT_B = re.compile(
    r"(?P<owner>\b[A-Z][\w&\s]{1,30}?|\bthe [\w\s]{1,20}?)\s+(?:now\s+|still\s+)?(?:has\s+slipped\s+to|"
    r"has\s+fallen\s+to|has\s+risen\s+to|accounts?\s+for|makes?\s+up|represents?|comprises?)\s+"
    rf"(?P<v>{NUM})\s?%\s+of\s+(?:the\s+)?(?P<container>[^,;]{{2,60}}?)"
    r"(?:['’]s\s+[\w\s]*?capitali[sz]ation|['’]s\s+market cap"
    rf"|\s+index)?(?=[,;.]|\s+down|\s+up)(?P<rest>[^;]{{0,90}}?\bfrom\b[^;%]{{0,60}}?(?P<prev>{NUM})\s?%)?",
)


def weights(doc: Doc, sent: Sentence, mentions: Sequence[Mention]) -> list[Fact]:
    """Index weights: "the group's share of the S&P 500 fell to 31.2% from a peak of 33.4%"."""
    text = sent.text
    facts: list[Fact] = []
    for pattern in (_WEIGHT_A, _WEIGHT_B):
        for m in pattern.finditer(text):
            container = _mention_in(mentions, sent, m.start("container"), m.end("container"), ("index",))
            owner = _weight_owner(doc, sent, mentions, m)
            if container is None or owner is None or owner == container.name:
                continue
            end = m.end("rest") if m["prev"] else m.end("v") + 1
            prev = number(m["prev"]) if m["prev"] else None
            facts.append(
                _metric(
                    doc,
                    sent,
                    _owner_start(sent, mentions, m),
                    end,
                    owner,
                    metric=f"weight in {container.name}",
                    value=number(m["v"]),
                    unit="pct",
                    previous=prev,
                    confidence=0.8,
                )
            )
    return facts


def _mention_in(
    mentions: Sequence[Mention], sent: Sentence, start: int, end: int, kinds: tuple[str, ...]
) -> Mention | None:
    """The first mention of kinds inside sentence-relative [start, end)."""
    return next((m for m in mentions if m.kind in kinds and start <= m.start - sent.start < end), None)


def _owner_start(sent: Sentence, mentions: Sequence[Mention], m: re.Match[str]) -> int:
    """Where a weight's evidence starts: the named owner, or the pronoun standing for it."""
    named = _mention_in(
        mentions, sent, m.start("owner"), m.end("owner"), ("group", "company", "index", "sector")
    )
    if named is not None:
        head = re.search(r"\bthe\s+$", sent.text[: named.start - sent.start], re.I)
        return head.start() if head else named.start - sent.start
    pronoun = re.search(r"\b(?:their|its|the group['’]s)", m.group("owner"), re.I)
    return m.start("owner") + (pronoun.start() if pronoun else 0)


def _weight_owner(doc: Doc, sent: Sentence, mentions: Sequence[Mention], m: re.Match[str]) -> str | None:
    """Whose weight it is: a named group, company or index, or the group a pronoun points back to."""
    named = _mention_in(
        mentions, sent, m.start("owner"), m.end("owner"), ("group", "company", "index", "sector")
    )
    if named is not None:
        return named.name
    owner = m.group("owner").strip().casefold()
    if re.match(r"(?:their|its|the group)", owner):
        last = doc.last("group") if not owner.startswith("its") else doc.last("company", "group")
        last = last or doc.last("group", "company")
        return last.name if last else None
    return None


# ---------------------------------------------------------------- quotes

_NAME = (
    r"(?:[A-Z][a-z]+(?:[-'’][A-Z]?[a-z]+)?|"
    r"[A-Z]{2})(?:\s+[A-Z]\.)?\s+(?:(?:de|van|von|der|da|di|le|la|"
    r"Mc)\s*)?[A-Z][a-zA-Z]+(?:[-'’][A-Z][a-z]+)?"
)
_ORG = r"(?:[A-Z][\w&.'’\-]*|&)(?:\s+(?:[A-Z][\w&.'’\-]*|&|of(?=\s+[A-Z])))*"
_ROLE = (
    r"(?i:(?:(?:chief|senior|global|head|lead|managing|executive|deputy|co-?)\s+)*(?:(?:investment|market|"
    r"markets|equity|portfolio|global|macro|fixed[- ]income|research|fund|chief|financial|operating|"
    r"technology|economic|credit|rates|asset allocation|multi-asset|wealth)\s+)*(?:strategist|analyst|"
    r"economist|director|manager|officer|adviser|advisor|partner|president|chair(?:man|woman)?|founder|"
    r"head|trader|specialist|executive|governor|secretary|minister|CEO|CFO|CIO|COO|CTO|"
    r"chief)(?:\s+(?:officer|of\s+[a-z]+(?:\s+[a-z]+)?))?|CEO|CFO|CIO|COO|CTO)"
)
_SPEECH = (
    r"said|says|say|told|tells|added|adds|noted|notes|wrote|writes|argued|argues|explained|explains|"
    r"observed|observes|characteri[sz]ed|characteri[sz]es|described|describes|called|calls|termed|dubbed|"
    r"labell?ed|identified|warned|warns|cautioned|stated|states|remarked|commented|summed up|articulated|"
    r"provided|connected|suggested|insisted|acknowledged|admitted|predicted|believes|thinks|quipped|"
    r"declared|emphasi[sz]ed|stressed|pointed out|highlighted|asserted|claimed|put it|continued|concluded|"
    r"recalled|replied|answered"
)
_SPEAKER_PATTERNS = (
    re.compile(
        rf"(?P<name>{_NAME}),\s+(?:an?\s+|the\s+)?(?P<role>{_ROLE})\s+(?:at|of|for|with)\s+(?P<org>{_ORG})"
    ),
    re.compile(rf"(?P<name>{_NAME})\s+of\s+(?P<org>{_ORG})"),
    re.compile(rf"(?P<org>{_ORG})(?:['’]s)?\s+(?P<role>{_ROLE})\s+(?P<name>{_NAME})"),
    re.compile(rf"(?P<org>{_ORG})['’]s\s+(?P<name>{_NAME})"),
    re.compile(rf"(?<![A-Za-z])(?P<role>{_ROLE})\s+(?P<name>{_NAME})"),
    re.compile(rf"(?P<name>{_NAME})"),
)
_NOT_PERSON = re.compile(
    r"\b(?:Group|Company|Capital|Partners|Wealth|Management|Bank|Securities|Research|Street|Reserve|Price|"
    r"Bell|Inc|Corp|Advisors|Advisers|Investments|Asset|Markets|Global|Holdings|Index|Average|Composite|"
    r"Fund|Funds|Trust|Financial|Services|Sachs|Stanley|Platforms|Airlines|Rotation|Seven|Street|"
    r"Magnificent|Federal|Central|Exchange|Economics|Insights|Intelligence|Analytics|Associates|Advisory|"
    r"Strategies|Technologies|Systems|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|"
    r"February|March|April|June|July|August|September|October|November|December|The|This|That|These|Those|"
    r"Dow|Nasdaq|Russell|American|North|South|Middle|East|West|Europe|Asia|Japan|China|United|States|"
    r"Kingdom|Wall|Great|Big|Financial|Crisis|Software|Technology|Tech|Cloud|Chief|Investment|Director|"
    r"Strategist|Analyst)\b"
)
_QUOTE = re.compile(r"“[^“”\n]+”|\"[^\"\n]+\"")
_AFTER_SPEAKER = re.compile(
    rf"^\s*(?:\[\d+\])?\s*,?\s*(?:(?:{_SPEECH})|according to)\s+(?P<who>[^.;“\"]{{3,120}})|"
    rf"^\s*(?:\[\d+\])?\s*,?\s*(?P<who2>{_NAME},\s+[^“\".;]{{3,90}}?,)\s+(?:{_SPEECH})\b|"
    rf"^\s*(?:\[\d+\])?\s*,?\s*(?P<who3>[A-Z][^“\".;,]{{2,60}}?\s{_NAME})\s+(?:{_SPEECH})\b"
)
_NAME_SAID = re.compile(rf"^\s*(?:\[\d+\])?\s*,?\s*(?P<who>{_NAME}|[A-Z][a-z]+|he|she)\s+(?:{_SPEECH})\b")


@dataclass(frozen=True)
class Speaker:
    """Who said something: name, affiliation and role."""

    name: str
    org: str | None = None
    role: str | None = None


def _person(m: re.Match[str]) -> Speaker | None:
    """A speaker from a pattern match, or None when the "name" is an organisation or a place."""
    name = m.group("name").strip()
    if _NOT_PERSON.search(name) or len(name.split()) < 2:
        return None
    groups = m.groupdict()
    org = (groups.get("org") or "").strip() or None
    role = (groups.get("role") or "").strip() or None
    if org and (_NOT_PERSON_ORG.match(org) or org == name):
        org = None
    return Speaker(name, org, role)


_NOT_PERSON_ORG = re.compile(r"^(?:The|A|An|However|But|And|Meanwhile|In|On|At|For|As|While|Still|Yet)$")


def _find_speaker(text: str) -> tuple[Speaker, int] | None:
    """The most specific speaker pattern found in text and where it ends (latest occurrence wins)."""
    best: tuple[Speaker, int, int] | None = None
    for rank, pattern in enumerate(_SPEAKER_PATTERNS):
        for m in pattern.finditer(text):
            speaker = _person(m)
            if speaker is not None and (
                best is None or m.end() > best[2] or (m.end() == best[2] and rank < best[1])
            ):
                best = (speaker, rank, m.end())
    return (best[0], best[2]) if best else None


def learn_persons(doc: Doc) -> None:
    """Remember people named with an affiliation or role, and where (so "Mould said" resolves later)."""
    for a, b in paragraphs(doc.text):
        line = doc.text[a:b]
        heading = re.fullmatch(rf"\s*(?P<name>{_NAME}),\s+(?P<org>{_ORG})\s*", line)
        found = [heading] if heading else []
        found += [m for pattern in _SPEAKER_PATTERNS[:5] for m in pattern.finditer(line)]
        found += list(re.finditer(rf"(?P<name>{_NAME})\s+(?:{_SPEECH})\b", line))
        for m in found:
            speaker = _person(m)
            if speaker is not None:
                known = doc.persons.get(speaker.name, (None, None))
                doc.persons[speaker.name] = (known[0] or speaker.org, known[1] or speaker.role)
                doc.person_at.append((a + m.start("name"), speaker))
    doc.person_at.sort(key=lambda item: item[0])


def quotes(doc: Doc) -> list[Fact]:
    """Attributed quotations: verbatim words in quote marks with a named person speaking them."""
    learn_persons(doc)
    facts: list[Fact] = []
    open_quote = False
    for a, b in paragraphs(doc.text):
        line = doc.text[a:b]
        stripped = line.lstrip()
        continuation = open_quote and stripped.startswith(("“", '"'))
        open_quote = stripped.startswith("“") and "”" not in line
        if open_quote or continuation:  # inner paragraphs of a multi-paragraph quote
            continue
        facts.extend(_paragraph_quotes(doc, a, line))
    return facts


def _paragraph_quotes(doc: Doc, offset: int, line: str) -> list[Fact]:
    """Quote facts of one paragraph."""
    facts: list[Fact] = []
    sents = [s for s in doc.sentences if offset <= s.start < offset + len(line)]
    previous: tuple[int, Speaker] | None = None  # the last attributed quote of this paragraph: (end, speaker)
    for m in _QUOTE.finditer(line):
        if _scare_quote(m.group(0), line[: m.start()], line[m.end() : m.end() + 160]):
            continue
        speaker = _speaker_for(doc, offset, line, m, sents) or _follow_on(line, m, previous)
        if speaker is None:
            continue
        previous = (m.end(), speaker)
        common = ground(doc, offset + m.start(), offset + m.end())
        facts.append(
            Quote(
                **common,
                subject=speaker.name,
                speaker=speaker.name,
                affiliation=speaker.org,
                role=speaker.role,
                confidence=0.85 if speaker.org else 0.7,
            )
        )
    return facts


_NAMING = re.compile(r"\b(?:called|calls|calling|termed|dubbed|labell?ed|described)\b[^“\".;]{0,40}$")


def _scare_quote(quoted: str, before: str, after: str) -> bool:
    """True for quote marks around a name or a short phrase that nobody is said to have spoken."""
    words = re.findall(r"[\w'’\-]+", quoted)
    if not words:
        return True
    if len(words) <= 4 and all(w[0].isupper() or w[0].isdigit() for w in words):
        return True  # "Great Rotation", "Magnificent Seven"
    direct = re.search(r"(?:\bas|:|,|\bsaid|\bsays)\s*$", before) or _NAMING.search(before)
    attributed = _AFTER_SPEAKER.match(after) or _NAME_SAID.match(after)
    return len(words) <= 3 and not direct and not attributed


def _follow_on(line: str, m: re.Match[str], previous: tuple[int, Speaker] | None) -> Speaker | None:
    """ "“A,” she said. “B.”": a quote opening the next sentence continues the previous speaker."""
    if previous is None:
        return None
    between = line[previous[0] : m.start()]
    said = re.fullmatch(
        rf"\s*(?:\[\d+\])?\s*,?\s*[^“\".;]{{0,80}}?\b(?:{_SPEECH})\b[^“\".;]{{0,60}}[.:;]\s*", between
    )
    return previous[1] if said else None


def _speaker_for(doc: Doc, offset: int, line: str, m: re.Match[str], sents: list[Sentence]) -> Speaker | None:
    """Who speaks a quote: attribution after it, else in its sentence before it, else the sentence before."""
    at = offset + m.start()
    index = next((i for i, s in enumerate(sents) if s.start <= at < s.end), None)
    sent_start = sents[index].start - offset if index is not None else 0
    return (
        _speaker_after(doc, line[m.end() : m.end() + 160], at)
        or _speaker_before(doc, line[sent_start : m.start()])
        or _speaker_by_role(doc, line[sent_start : m.start()])
        or _speaker_previous_sentence(line, sents, index, sent_start, m.start(), offset)
    )


def _speaker_after(doc: Doc, after: str, at: int) -> Speaker | None:
    """ "…,” says AJ Bell investment director Russ Mould." / "…,” Mould said." / "…,” he said."."""
    m = _AFTER_SPEAKER.match(after)
    if m:
        who = m.group("who") or m.group("who2") or m.group("who3")
        found = _find_speaker(who.rstrip(","))
        if found and after.find(found[0].name) <= after.find(who) + 60:
            return found[0]
        known = re.match(r"\s*(?P<who>[A-Z][a-z]+)\b", who)
        if known and (person := _known_person(doc, known.group("who"))):
            return person
    said = _NAME_SAID.match(after)
    if not said:
        return None
    who = said.group("who")
    if who in ("he", "she"):
        return _last_person_before(doc, at)
    return _known_person(doc, who) or (
        Speaker(who) if len(who.split()) >= 2 and not _NOT_PERSON.search(who) else None
    )


def _speaker_before(doc: Doc, before: str) -> Speaker | None:
    """Speaker before the quote: "Tim Murray of T. Rowe Price said: “…", "Nvidia CEO Jensen Huang … “…"."""
    found = _find_speaker(before)
    if found is None:
        return None
    speaker, end = found
    between = before[end:]
    if re.search(rf"\b(?:{_SPEECH})\b", between) or between.rstrip().endswith((":", ",")):
        if speaker.org is None and speaker.name in doc.persons:
            org, role = doc.persons[speaker.name]
            return Speaker(speaker.name, org, role or speaker.role)
        return speaker
    return None


def _speaker_by_role(doc: Doc, before: str) -> Speaker | None:
    """ "Nvidia's chief executive, who called it “…”": the person introduced earlier with that affiliation."""
    m = re.search(rf"(?P<org>{_ORG})['’]s\s+(?P<role>{_ROLE})\b[^“\"]*?\b(?:{_SPEECH})\b", before)
    if not m:
        return None
    return next(
        (Speaker(n, o, r or m["role"]) for n, (o, r) in doc.persons.items() if o and o == m["org"]), None
    )


def _speaker_previous_sentence(
    line: str, sents: list[Sentence], index: int | None, sent_start: int, quote_start: int, offset: int
) -> Speaker | None:
    """A quote that opens its sentence, spoken by the person the previous sentence introduced."""
    if index is None or index == 0 or line[sent_start:quote_start].strip():
        return None
    previous = sents[index - 1]
    text = line[previous.start - offset : previous.end - offset]
    if _QUOTE.search(text):
        return None
    found = [
        s for p in _SPEAKER_PATTERNS[:5] for m in p.finditer(text) if (s := _person(m)) and (s.org or s.role)
    ]
    return found[-1] if found else None


def _last_person_before(doc: Doc, at: int) -> Speaker | None:
    """The person named last before a position (for "he said")."""
    before = [speaker.name for start, speaker in doc.person_at if start < at]
    return Speaker(before[-1], *doc.persons[before[-1]]) if before else None


def _known_person(doc: Doc, who: str) -> Speaker | None:
    """A person named earlier, by full or last name."""
    for name, (org, role) in doc.persons.items():
        if who == name or name.split()[-1] == who:
            return Speaker(name, org, role)
    return None


# ---------------------------------------------------------------- the extractor


def _dedupe(facts: list[Fact], doc: Doc) -> list[Fact]:
    """One fact per (kind, subject, value, day): body sentences before the title, earlier before later."""
    title_lines = {s.start for s in doc.sentences if s.is_title}
    ordered = sorted(
        facts, key=lambda f: (f.span.start in title_lines or _in_title(doc, f), -_detail(f), f.span.start)
    )
    kept: list[Fact] = []
    seen: set[tuple[Any, ...]] = set()
    for fact in ordered:
        key = _key(fact)
        if key in seen:
            continue
        seen.add(key)
        kept.append(fact)
    return sorted(kept, key=lambda f: (f.span.start, f.span.end))


def _detail(fact: Fact) -> int:
    """How many optional details a fact carries (a fuller duplicate is kept over a thinner one)."""
    skip = {"article_id", "span", "evidence", "subject", "as_of", "extractor", "confidence", "kind", "period"}
    return sum(1 for k, v in fact.model_dump().items() if k not in skip and v not in (None, ()))


def _in_title(doc: Doc, fact: Fact) -> bool:
    """True when the fact comes from the title line."""
    return any(s.is_title and s.start <= fact.span.start < s.end for s in doc.sentences)


def _key(fact: Fact) -> tuple[Any, ...]:
    """What makes two facts the same."""
    if isinstance(fact, Quote):
        return (fact.kind, fact.speaker, fact.evidence)
    value = fact.main_value()
    return (fact.kind, fact.subject.casefold(), round(value, 4) if value is not None else None, fact.as_of)


class RulesExtractor:
    """Deterministic pattern-based extractor for every fact kind."""

    name = "rules"

    def extract(self, article: Article) -> list[Fact]:
        """Facts of the article, each grounded in an exact span of its text."""
        doc = self._doc(article)
        facts: list[Fact] = []
        prev_capex = False
        for sent, mentions in self._sentences(doc):
            found = self._sentence_facts(doc, sent, mentions, prev_capex)
            prev_capex = any(f.kind == "capex" for f in found)
            facts.extend(found)
            doc.recent.extend(m for m in mentions if m.kind != "product")
        facts.extend(quotes(doc))
        return _dedupe([f for f in facts if f.evidence], doc)

    def _doc(self, article: Article) -> Doc:
        """Reading state for an article."""
        lexicon = Lexicon()
        lexicon.learn_listings(article.text)
        sents = sentences(article.text, article.meta.title)
        body = " ".join(s.text for s in sents if not s.is_title)
        return Doc(article, lexicon, sents, dates.reads_as_same_day(body, article.meta.published))

    def _sentences(self, doc: Doc) -> Iterator[tuple[Sentence, list[Mention]]]:
        """Each prose sentence with its entity mentions."""
        for sent in doc.sentences:
            yield sent, doc.lexicon.mentions(sent.text, sent.start)

    def _sentence_facts(
        self, doc: Doc, sent: Sentence, mentions: list[Mention], prev_capex: bool
    ) -> list[Fact]:
        """Every numeric fact of one sentence."""
        found: list[Fact] = []
        found += weights(doc, sent, mentions)
        found += moves(doc, sent, mentions)
        found += capex(doc, sent, mentions, prev_capex)
        found += prices(doc, sent, mentions)
        found += rate_decisions(doc, sent, mentions)
        found += free_cash_flow(doc, sent, mentions)
        found += value_losses(doc, sent, mentions)
        found += growth_vs_expectations(doc, sent, mentions)
        found += ratios(doc, sent, mentions)
        found += financials(doc, sent, mentions)
        return found
