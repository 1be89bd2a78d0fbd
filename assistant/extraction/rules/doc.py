"""One article being read: its fixed inputs, the state carried from sentence to sentence, grounding, dates."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from assistant.calendar import VAGUE_TIME
from assistant.extraction import dates
from assistant.extraction.names import Lexicon, Mention
from assistant.extraction.rules.move_finder import MoveState
from assistant.extraction.rules.sentences import Sentence
from assistant.facts import MOVE_KINDS, Fact
from assistant.models import Article, Span

MARKET_KINDS = (*MOVE_KINDS, "price_level")


@dataclass(frozen=True)
class Speaker:
    """Who said something: name, affiliation and role."""

    name: str
    org: str | None = None
    role: str | None = None


@dataclass
class Carried:
    """What earlier parts of the article establish for later ones; the only state that outlives a sentence.

    - moves: the move finder's own memory (the last subject of each class, the last sentence's movers), for
      "its shares", "the benchmark" and "the two companies".
    - session: set by event_date() when a move names its day (or an earlier sentence of its paragraph
      does); later moves and prices that name no day take it.
    - recent: the entity mentions of every sentence read so far (Doc.finish_sentence); Doc.last() resolves
      "it", "the index", "its shares", "the central bank" and metric owners against them.
    - previous_capex: whether the sentence just read stated capex (Doc.finish_sentence); capex() then reads
      an unlabelled estimate as capex.
    - capex_subject: the last spender capex() named; an amount with no spender of its own is theirs.
    - persons, person_at: people named with an affiliation or role, and where (learn_persons(), run before
      the quotes); quotes() resolves "Mould said" and "he said" with them.
    """

    session: date | None = None  # the trading day the article's undated moves refer to
    moves: MoveState = field(default_factory=MoveState)  # what the move finder resolves references with
    recent: list[Mention] = field(default_factory=list)  # entity mentions of earlier sentences, in order
    previous_capex: bool = False  # the sentence just read stated a capital spending amount
    capex_subject: tuple[str, tuple[str, ...]] | None = None  # the last spender: (name, member companies)
    persons: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)  # name -> (org, role)
    person_at: list[tuple[int, Speaker]] = field(default_factory=list)  # where each person is introduced


@dataclass
class Doc:
    """One article being read: text, dates, lexicon and sentences (fixed), and the carried state."""

    article: Article
    lexicon: Lexicon
    sentences: list[Sentence]
    same_day: bool  # the body reports on its own publication day
    carried: Carried = field(default_factory=Carried)

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
        return next((m for m in reversed(self.carried.recent) if m.kind in kinds), None)

    def finish_sentence(self, found: Sequence[Fact], mentions: Sequence[Mention]) -> None:
        """Carry what a sentence established to the next: whether it stated capex, and its mentions."""
        self.carried.previous_capex = any(f.kind == "capex" for f in found)
        self.carried.recent.extend(m for m in mentions if m.kind != "product")


def ground(doc: Doc, start: int, end: int) -> dict[str, Any]:
    """Common fields of a fact whose evidence is text[start:end], trimmed of spaces and trailing commas."""
    text = doc.text
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:"):
        end -= 1
    return {"article_id": doc.article.id, "span": Span(start=start, end=end), "evidence": text[start:end]}


def event_date(doc: Doc, sent: Sentence, position: int, kind: str) -> date | None:
    """The day a fact at position in sent happened: a date in the sentence, else the article's session."""
    horizon = doc.published if kind in MARKET_KINDS else None  # a market move cannot postdate its report
    found = dates.nearest_date(sent.text, position - sent.start, doc.published, horizon)
    if found is not None:
        if kind in MOVE_KINDS:
            doc.carried.session = found
        return found
    if (kind not in MARKET_KINDS and kind != "rate_decision") or VAGUE_TIME.search(sent.text):
        return None
    if doc.same_day:
        return doc.published
    if kind not in MARKET_KINDS:
        return None
    earlier = [s for s in doc.sentences if s.paragraph == sent.paragraph and s.start < sent.start]
    joined = " ".join(s.text for s in earlier)
    context = dates.nearest_date(joined, len(joined), doc.published, doc.published) if earlier else None
    if context is not None:
        doc.carried.session = context
    return context or doc.carried.session
