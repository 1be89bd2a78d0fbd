"""Asset price levels: "Bitcoin fell to $60,017, a 16-month low", "gold at $5,502 an ounce"."""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.extraction.names import Mention
from assistant.extraction.rules.doc import Doc, event_date, ground
from assistant.extraction.rules.linking import movable_before, rel
from assistant.extraction.rules.sentences import Sentence
from assistant.facts import Fact, PriceLevel
from assistant.figures import NUMBER_WORDS, WORD_NUMBERS, Money, money_in

_UNIT = re.compile(
    r"^\s*(?:per|an|a|/)\s?(?P<u>troy ounce|ounce|oz|barrel|bbl|tonne|metric ton|ton|mmbtu|bushel|pound|lb|"
    r"coin|token)\b",
    re.IGNORECASE,
)
_LEVEL_QUALIFIER = re.compile(
    rf"(?P<n>\d+|{NUMBER_WORDS})[- ](?P<u>day|week|month|year)[- ](?P<hl>low|high)|"
    r"(?P<rec>all-time|record|fresh record|new record|new all-time)\s+(?P<hl2>high|low)|"
    r"(?P<rec3>\brecord)\s+(?=\$)|"
    rf"(?P<most>lowest|highest)\s+(?:level|price|close|point)?\s*(?:in|"
    rf"since)\s+(?:(?P<n2>\d+|a|more than \d+|{NUMBER_WORDS})\s+)?"
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
        asset = movable_before([m for m in mentions if m.kind != "pronoun"], sent, amount.start)
        if asset is None or asset.kind != "asset":
            continue
        a, b = rel(asset, sent)
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
    words = {**WORD_NUMBERS, "a": "1"}
    if m.group("n"):
        return f"{words.get(m['n'].casefold(), m['n'])}-{m['u'].casefold()} {m['hl'].casefold()}"
    if m.group("rec"):
        return f"all-time {m['hl2'].casefold()}"
    if m.group("rec3"):
        return "all-time high"
    n = words.get((m["n2"] or "1").casefold(), re.sub(r"\D", "", m["n2"] or "1") or "1")
    return f"{n}-{m['u2'].casefold().rstrip('s')} {'low' if m['most'].casefold() == 'lowest' else 'high'}"
