"""Market moves of one sentence, every asset class: the generic move finder, then the linked shapes.

move_finder.find_moves() finds subjects open-vocabulary (instrument codes, tables, proper nouns before a
move verb, references) and links them to the figures a polarity lexicon governs.  linked_moves() adds the
shapes of long-form market wraps that it does not cover; a linked move the finder already stated (same span,
same number) is not repeated, and a move of results ("a 60% jump in quarterly profit") is dropped.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.extraction.names import Mention
from assistant.extraction.rules.doc import Doc, event_date, ground
from assistant.extraction.rules.linked_moves import linked_moves
from assistant.extraction.rules.move_finder import NOT_MARKET, Move, find_moves
from assistant.extraction.rules.sentences import Sentence
from assistant.facts import KIND_OF_CLASS, KINDS, Fact, MoveFact, StockMove

# "reported a 60% jump in quarterly profit": a nominal move of something that is not traded
_OF_RESULTS = re.compile(rf"\s+(?:in|of)\s+(?:[\w-]+\s+){{0,3}}?(?:{NOT_MARKET.pattern})", re.IGNORECASE)


def moves(doc: Doc, sent: Sentence, mentions: Sequence[Mention]) -> list[Fact]:
    """Every market move of one sentence, grounded and dated."""
    found: list[Fact] = [_fact(doc, sent, m) for m in find_moves(sent.text, doc.lexicon, doc.carried.moves)]
    extra = [f for f in linked_moves(doc, sent, mentions) if not _repeats(f, found) and not _results(doc, f)]
    return found + extra


def _fact(doc: Doc, sent: Sentence, move: Move) -> Fact:
    """The typed fact of one found move."""
    kind = KIND_OF_CLASS[move.subject.asset_class]
    code = move.subject.code
    fields = {
        **ground(doc, sent.start + move.start, sent.start + move.end),
        "subject": move.subject.name,
        "change_pct": move.change_pct,
        "change_bp": move.change_bp,
        "points": move.points,
        "level": move.level,
        "unit": move.unit,
        "code": code,
        "qualifier": move.qualifier,
        "period": move.period,
        "as_of": event_date(doc, sent, sent.start + move.start, kind),
        "confidence": 0.8 if move.subject.strong else 0.7,
    }
    model = KINDS[kind].model
    if model is StockMove:
        fields["ticker"] = code if code and not code.startswith(".") else None
    return model(**fields)  # type: ignore[return-value]


def _repeats(fact: Fact, found: Sequence[Fact]) -> bool:
    """True when a found move already states this one (overlapping span, same number)."""
    value = fact.main_value()
    for other in found:
        if not isinstance(other, MoveFact) or not other.span.overlaps(fact.span):
            continue
        numbers = (other.change_pct, other.change_bp, other.points, other.level)
        if any(v is not None and value is not None and abs(v - value) <= 0.005 * abs(value) for v in numbers):
            return True
    return False


def _results(doc: Doc, fact: Fact) -> bool:
    """True when the move is of results, not of a market ("an 86% jump in fourth-quarter profit")."""
    return bool(_OF_RESULTS.match(doc.text, fact.span.end))
