"""Central bank rate decisions: hold / cut / hike, the rate or range set, the change in basis points."""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.extraction.names import Mention
from assistant.extraction.rules.doc import Doc, event_date, ground
from assistant.extraction.rules.sentences import Sentence
from assistant.facts import Fact, RateDecision
from assistant.figures import BASIS_POINTS, basis_points, number

BANK_CONTEXT = ("bank", "company", "index", "group")  # what "the central bank" / "it" may point back to

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
    bp = BASIS_POINTS.search(sent.text, verb_at, rate.end())
    change = None
    if bp and action != "hold":
        size = basis_points(bp)
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
