"""Index, sector and stock moves linked to the names tables' mentions: flat days, moves in points, and the
shapes of long-form market wraps ("utilities (+1.83%)", "a modest gain of 0.2%", "saw its shares plunge").

The generic move finder (move_finder.py) runs first; moves.py keeps what this adds on top of it.
Entry points: linked_moves() for one sentence, point_moves() for the moves stated in index points only.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from assistant.extraction.names import Mention
from assistant.extraction.rules.doc import Doc, event_date, ground
from assistant.extraction.rules.linking import (
    APPOSITIVE,
    BRIDGE_BLOCK,
    PRONOUN_PLACEHOLDER,
    Link,
    direction,
    link_percent,
    movable_before,
    move_period,
    move_qualifier,
    resolve_pronoun,
    respectively,
)
from assistant.extraction.rules.sentences import Sentence
from assistant.facts import Fact, IndexMove, SectorMove, StockMove
from assistant.figures import POINTS, Pct, number, percents

MOVABLE: dict[str, type[IndexMove] | type[SectorMove] | type[StockMove]] = {
    "index": IndexMove,
    "sector": SectorMove,
    "company": StockMove,
}

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


def linked_moves(doc: Doc, sent: Sentence, mentions: Sequence[Mention]) -> list[Fact]:
    """Index, sector and stock moves of one sentence."""
    text = sent.text
    links = respectively(text, sent, mentions) + _flat(text, sent, mentions)
    taken = {link.pct.start for link in links}
    prev: Link | None = None
    for pct in percents(text):
        if pct.start in taken:
            continue
        link = link_percent(text, sent, mentions, pct, prev)
        if link is not None and link.mention is PRONOUN_PLACEHOLDER:
            link = resolve_pronoun(doc, text, link)
        if link is not None:
            links.append(link)
            prev = link
    facts = [
        f
        for link in sorted(links, key=lambda x: x.pct.start)
        if (f := _move_fact(doc, sent, link)) is not None
    ]
    return facts + point_moves(doc, sent, mentions)


def point_moves(doc: Doc, sent: Sentence, mentions: Sequence[Mention]) -> list[Fact]:
    """ "The Dow fell 450 points": an index move stated in points only."""
    text = sent.text
    facts: list[Fact] = []
    for m in POINTS.finditer(text):
        index = movable_before(mentions, sent, m.start())
        if index is None or index.kind != "index":
            continue
        bridge = APPOSITIVE.sub(" ", text[index.end - sent.start : m.start()])
        sign = direction(bridge)
        if (
            not sign
            or len(bridge.split()) > 10
            or BRIDGE_BLOCK.search(bridge)
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
        "period": move_period(text, link),
        "confidence": link.confidence,
    }
    if model is StockMove:
        extra.update(ticker=link.mention.ticker, qualifier=move_qualifier(text, link))
    if model is IndexMove:
        points = re.search(r"([\d,]+(?:\.\d+)?)\s+points?,?\s+or\s*$", text[link.start : link.pct.start])
        extra["points"] = link.sign * number(points.group(1)) if points else None
    return model(**common, **extra)
