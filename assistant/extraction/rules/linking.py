"""Linking figures to the entity they belong to, shared by the kinds: who moved by a percentage, and how.

A percentage is tied to a mention by the most specific pattern that fits: "the 1.78% rise in the S&P 500"
(reverse), "the S&P 500 rose 1.78%" (forward, over a bridge of words with a direction), "its shares rose
5%", list items ("utilities 1.83%"), "A and B fell 11% and 7% respectively", and pronouns ("It ended up
0.2%") resolved against the mentions of earlier sentences. Also: qualifiers ("as much as", "intraday"),
period words ("week", "year-to-date"), and whether a company is a cited source rather than a subject.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from assistant.extraction.names import FIRMS, Entity, Mention
from assistant.extraction.rules.doc import Doc
from assistant.extraction.rules.sentences import Sentence
from assistant.figures import Pct, percents

MOVABLE_KINDS = ("index", "sector", "company")  # the mention kinds whose moves are facts

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
BRIDGE_BLOCK = re.compile(
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


def rel(m: Mention, sent: Sentence) -> tuple[int, int]:
    """A mention's span relative to the sentence."""
    return m.start - sent.start, m.end - sent.start


def direction(text: str) -> int:
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


def is_source(text: str, m: Mention, sent: Sentence) -> bool:
    """True when a company is cited as a source ("Barclays analysts", "according to Morgan Stanley")."""
    a, b = rel(m, sent)
    if m.entity.name in FIRMS and _FIRM_SAYS.match(text[b:]):
        return True
    return bool(_SOURCE_AFTER.match(text[b:]) or _SOURCE_BEFORE.search(text[:a]))


def movable_before(mentions: Sequence[Mention], sent: Sentence, position: int) -> Mention | None:
    """The mention of any kind that ends last before position (sentence-relative)."""
    before = [m for m in mentions if m.end - sent.start <= position]
    return before[-1] if before else None


def link_percent(
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
    target = next((m for m in mentions if m.start - sent.start == at and m.kind in MOVABLE_KINDS), None)
    if target is None or re.match(r"['’]s\s+(?!shares|stock)\w", text[target.end - sent.start :]):
        return None
    head = re.search(r"(?:\bthe\s+|\ba\s+|\ban\s+)?$", text[: pct.start])
    start = head.start() if head else pct.start
    sign = pct.sign or (1 if noun.group("up") else -1)
    return Link(target, pct, sign, start, target.end - sent.start, 0.85)


def _link_forward(text: str, sent: Sentence, mentions: Sequence[Mention], pct: Pct) -> Link | None:
    """Entity, then a bridge of words with a direction (verb, possessive noun, sign) up to the percentage."""
    subject = movable_before(mentions, sent, pct.start)
    pronoun = _PRONOUN.match(text) if subject is None else None
    if subject is None or subject.kind not in MOVABLE_KINDS:
        return _link_pronoun(text, sent, pct, pronoun) if pronoun else None
    a, b = rel(subject, sent)
    bridge = text[b : pct.start]
    return _bridge_link(text, subject, pct, a, bridge, sent) or _link_its_shares(text, sent, mentions, pct)


def _link_its_shares(text: str, sent: Sentence, mentions: Sequence[Mention], pct: Pct) -> Link | None:
    """ "Oracle raised its outlook, and its shares rose 5%": the shares of the company named before."""
    m = re.search(
        r"\b(?:its|the company['’]s)\s+(?:shares|stock|share price)\b(?P<rest>[^,;$%]{0,40})$",
        text[: pct.start],
    )
    company = [x for x in mentions if x.kind == "company" and x.end - sent.start <= (m.start() if m else 0)]
    if m is None or not company or BRIDGE_BLOCK.search(m.group("rest")):
        return None
    sign = direction(m.group("rest"))
    return Link(company[-1], pct, sign, m.start(), pct.end, 0.7) if sign else None


APPOSITIVE = re.compile(r"^\s*,\s*(?:which|who|the|a|an|its|their|home to|up from|down from)\b[^,;]{0,70},")


def _bridge_link(
    text: str, subject: Mention, pct: Pct, start: int, bridge: str, sent: Sentence
) -> Link | None:
    """The move a bridge of words between subject and percentage expresses, if it expresses one."""
    bridge = APPOSITIVE.sub(" ", bridge)  # "The Russell 2000, the small-cap gauge, rose 2%"
    words = len(bridge.split())
    sign, end, period = _tail(text, pct)
    if pct.sign and words <= 2 and re.fullmatch(r"\s*(?:stocks|shares|sector|index)?\s*[:\-–—]?\s*", bridge):
        return Link(subject, pct, pct.sign, start, pct.end, 0.9)
    if words > 14 or BRIDGE_BLOCK.search(bridge) or re.search(r"\b(?:to|at)\s*(?:\w+\s*)?$", bridge):
        return None
    if subject.kind == "company" and is_source(text, subject, sent):
        return None
    verb = direction(bridge) or (-1 if re.search(r"\boff\s*$", bridge) else 0)
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
        Link(PRONOUN_PLACEHOLDER, pct, 0, pronoun.start("p"), pct.end, 0.6)
        if direction(text[pronoun.end() : pct.start])
        else None
    )


PRONOUN_PLACEHOLDER = Mention(Entity("pronoun", "?"), 0, 0, "?")


def _link_list(
    text: str, sent: Sentence, mentions: Sequence[Mention], pct: Pct, prev: Link | None
) -> Link | None:
    """ "Real estate gained 3.07%, utilities 1.83%": a list item inherits the previous item's direction."""
    subject = movable_before(mentions, sent, pct.start)
    if prev is None or subject is None or subject.kind != prev.mention.kind:
        return None
    a, b = rel(subject, sent)
    if (
        a < prev.pct.end
        or not _LIST_SEP.match(text[prev.pct.end : a])
        or not _LIST_BRIDGE.match(text[b : pct.start])
    ):
        return None
    sign = pct.sign or direction(text[b : pct.start]) or prev.sign
    return Link(subject, pct, sign, a, pct.end, 0.75)


_RESPECTIVELY = re.compile(
    r"(?P<pcts>[+\-−]?\d+(?:\.\d+)?\s?%(?:\s*,\s*(?:and\s+)?[+\-−]?\d+(?:\.\d+)?\s?%)*\s*,?\s*and\s+[+\-−]?\d+(?:\.\d+)?\s?%)\s*,?\s*respectively"
)


def respectively(text: str, sent: Sentence, mentions: Sequence[Mention]) -> list[Link]:
    """ "A and B were down 11% and 7% respectively": values distributed over the listed entities in order."""
    links: list[Link] = []
    for m in _RESPECTIVELY.finditer(text):
        values = [p for p in percents(text) if m.start("pcts") <= p.start < m.end("pcts")]
        listed = _listed_before(text, sent, mentions, m.start("pcts"), len(values))
        if len(listed) != len(values):
            continue
        last_end = listed[-1].end - sent.start
        verb = direction(re.sub(r",?\s*\bby\s*$", "", text[last_end : m.start("pcts")])) or direction(
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
    before = [x for x in mentions if x.end - sent.start <= position and x.kind in MOVABLE_KINDS]
    if len(before) < n:
        return []
    chosen = before[-n:]
    for left, right in pairwise(chosen):
        if not re.fullmatch(
            r"\s*,?\s*(?:and\s+)?(?:the\s+)?", text[left.end - sent.start : right.start - sent.start]
        ):
            return []
    return chosen if len({c.kind for c in chosen}) == 1 else []


def move_qualifier(text: str, link: Link) -> str | None:
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


def move_period(text: str, link: Link) -> str | None:
    """The period a move covers when the text says ("from high", "week", "year-to-date")."""
    if link.period:
        return link.period
    after = re.match(r"[^,;.]{0,40}", text[link.pct.end :])
    window = text[link.start : link.pct.start] + " " + (after.group(0) if after else "")
    return next((label for pattern, label in _PERIOD_WORDS if pattern.search(window)), None)


def resolve_pronoun(doc: Doc, text: str, link: Link) -> Link | None:
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
    sign = link.pct.sign or direction(text[link.start : link.pct.start])
    return Link(target, link.pct, sign, link.start, link.pct.end, 0.6)
