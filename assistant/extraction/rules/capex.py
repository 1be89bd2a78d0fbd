"""Capital spending: amounts with their spender (company, list or group), kind, period and yearly change."""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.calendar import YEAR
from assistant.extraction import dates
from assistant.extraction.names import Mention, group_for
from assistant.extraction.rules.doc import Doc, ground
from assistant.extraction.rules.linking import is_source
from assistant.extraction.rules.sentences import Sentence
from assistant.facts import Capex, Fact
from assistant.figures import NUM, Money, money_in, number

CAPEX_WORDS = re.compile(
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


def capex_keyword(left: str, right: str) -> str | None:
    """ "capex" or "block" after the nearest keyword around an amount (capital spending or something else)."""
    right_first = re.match(r"^\s*(?:[\w\-]+)", right)
    if right_first and re.match(
        r"\s*(?:question|company|market|valuation|fund|deal|loss|hole|bet|bill)\b", right, re.I
    ):
        return "block"
    hits: list[tuple[int, str]] = []
    for pattern, label in ((CAPEX_WORDS, "capex"), (_CAPEX_BLOCK, "block")):
        for m in pattern.finditer(left):
            hits.append((len(left[m.end() :].split()), label))
        for m in pattern.finditer(right):
            hits.append((len(right[: m.start()].split()), label))
    hits.sort(key=lambda h: (h[0], h[1] == "capex"))
    return hits[0][1] if hits else None


def capex(doc: Doc, sent: Sentence, mentions: Sequence[Mention]) -> list[Fact]:
    """Capital spending amounts of one sentence with their spender (an estimate after capex is capex)."""
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
        label = capex_keyword(left, right)
        estimate = bool(_ESTIMATE_WORDS.search(left[-40:]))
        if (
            label is None
            and estimate
            and (facts or (doc.carried.previous_capex and not _CAPEX_BLOCK.search(text)))
        ):
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
        confidence=0.8 if CAPEX_WORDS.search(left[-40:] + right[:30]) else 0.6,
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
    keywords = list(CAPEX_WORDS.finditer(left))
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
    year = re.match(rf"[^.;$]{{0,35}}?\b(?:for|in|by|during|through)\s+(?:fiscal\s+)?({YEAR})\b", after)
    if year:
        return year.group(1)
    if quarter:
        return "quarter"
    this = re.search(r"\bthis year\b|\bnext year\b", after + " " + before, re.I)
    if this and doc.published:
        return str(doc.published.year + (1 if "next" in this.group(0).casefold() else 0))
    anywhere = re.search(rf"\b(?:for|in|by)\s+({YEAR})\b", text)
    return anywhere.group(1) if anywhere else None


def _capex_qualifier(text: str, mentions: Sequence[Mention], sent: Sentence, kind: str | None) -> str | None:
    """The capex kind with the firm behind an estimate or projection, when the sentence names one."""
    source = next((m.name for m in mentions if m.kind == "company" and is_source(text, m, sent)), None)
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
        doc.carried.capex_subject = chosen
    return chosen


def _spender_mentions(
    text: str, sent: Sentence, mentions: Sequence[Mention], lo: int, hi: int
) -> list[Mention]:
    """Companies and groups in [lo, hi) of the sentence that are not cited sources."""
    return [
        m
        for m in mentions
        if m.kind in ("company", "group") and lo <= m.start - sent.start < hi and not is_source(text, m, sent)
    ]


def _spender_by_reference(doc: Doc, before: str) -> tuple[str, tuple[str, ...]] | None:
    """The spender a pronoun points back to: "It"/"its" a company, otherwise the last spender."""
    if _SINGULAR.search(before):
        last = doc.last("company", "group")
        if last is not None:
            return (last.name, last.entity.members)
    return doc.carried.capex_subject


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
