"""Valuation metrics: ratios ("a price-to-book ratio of 2.1") and index weights ("31.2% of the S&P 500")."""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.calendar import YEAR
from assistant.extraction.names import Mention
from assistant.extraction.rules.doc import Doc
from assistant.extraction.rules.metrics import metric_fact, metric_owner
from assistant.extraction.rules.sentences import Sentence
from assistant.facts import Fact
from assistant.figures import NUM, number

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
        owner = metric_owner(doc, sent, mentions, m.start(), ("index", "company", "group", "sector"))
        if owner is None:
            continue
        start = _ratio_start(text, sent, mentions, m.start())
        facts.append(
            metric_fact(
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
        metric_fact(doc, sent, start, end, target.name, metric=name, value=value, unit="ratio", period=period)
    ]


def _start_of_year(text: str) -> str | None:
    """ "start of 2026" style periods for point-in-time valuations."""
    m = re.search(rf"\b(?:at|by) the (start|beginning|end) of ({YEAR})\b", text, re.I)
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
                metric_fact(
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
