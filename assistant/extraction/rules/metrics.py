"""Metric facts: free cash flow, reported financials, market value lost or gained, growth vs expectations.

Also the helpers the valuation metrics share: metric_fact() builds a Metric, metric_owner() finds whose it is.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from assistant.extraction.names import Mention
from assistant.extraction.rules.capex import CAPEX_WORDS, capex_keyword
from assistant.extraction.rules.doc import Doc, ground
from assistant.extraction.rules.linking import is_source
from assistant.extraction.rules.sentences import Sentence
from assistant.facts import Fact, Metric
from assistant.figures import NUM, Money, money_in, number, percents


def metric_fact(doc: Doc, sent: Sentence, start: int, end: int, subject: str, **fields: Any) -> Metric:
    """A metric fact over sentence-relative [start, end) (confidence 0.8 unless given)."""
    fields.setdefault("confidence", 0.8)
    return Metric(**ground(doc, sent.start + start, sent.start + end), subject=subject, **fields)


def metric_owner(
    doc: Doc, sent: Sentence, mentions: Sequence[Mention], position: int, kinds: tuple[str, ...]
) -> str | None:
    """Whose metric it is: a possessive or subject mention before position, else one from earlier text."""
    text = sent.text
    before = [
        m
        for m in mentions
        if m.kind in kinds and m.end - sent.start <= position and not is_source(text, m, sent)
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
        owner = metric_owner(doc, sent, mentions, kw.start(), ("company", "group"))
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
    owner = inside[0].name if inside else metric_owner(doc, sent, mentions, m.start(), ("company", "group"))
    if owner is None:
        return None
    word = (m["noun"] or m["verb"] or m.group(0)).casefold()
    sign = 1 if re.match(r"increas|ris|rose|jump|gain|grow|lift|boost|raise", word) else -1
    value = sign * number(m["v"] or m["v2"] or m["v3"])
    start = _with_hedges(sent.text, m.start())
    return metric_fact(
        doc, sent, start, m.end(), owner, metric="free cash flow change", value=value, unit="pct"
    )


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
    if CAPEX_WORDS.search(between) or len(between.split()) > 12:
        return False
    return capex_keyword("free cash flow" + between, text[amount.end : amount.end + 45]) != "capex"


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
    return metric_fact(doc, sent, start, end, owner, **fields)


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
        owner = metric_owner(doc, sent, mentions, start, ("company", "group"))
        if owner is None or (label != "EPS" and not amount.scaled):
            continue
        end = amount.end + (m.end() if (m := _FIN_BEFORE.match(text[amount.end :])) else 0)
        facts.append(
            metric_fact(
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
        re.sub(r"^the\s+", "", who, flags=re.I)
        if who
        else metric_owner(doc, sent, mentions, m.start(), kinds)
    )
    if not money or subject is None:
        return None
    gained = (m.group("verb") or "").casefold() in ("added", "gained", "adding")
    head = _LOSS_HEAD.search(text, 0, m.start()) if m.group("amt") else None
    return metric_fact(
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
    subject = product.name if product else metric_owner(doc, sent, mentions, m.start(), ("company",))
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
    return metric_fact(
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
