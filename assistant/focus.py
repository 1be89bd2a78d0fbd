"""Answerability: does a candidate answer cover the question's focus, before verification checks its figures?

Verification proves that an answer's numbers are in its cited passages; it cannot tell that a passage is
about something else.  `coverage` asks what the question frame says an answer must hold:

- every named thing the question is about (an alias, a member or, for a proper name the knowledge files
  do not know, the name itself) in the cited passages;
- the asked attribute (revenue, a dividend, a share move ...) in the words articles use for it, in an
  answer sentence, or, where those words miss, in meaning (`Meaning`: the sentence's embedding at least
  `Settings.attribute_similarity` close to the attribute's name);
- for a figure question, a figure of the expected kind (percent, money, a count, a level, a move) in a
  sentence that names the attribute, and not one that belongs to a fact of another kind (a share move's
  "7%" does not state a gross margin);
- for a "who" question, a name the question does not already give.

When the answer falls short, `why_not` says so in the analyst's terms ("The library mentions Acme, but no
article gives its dividend.").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from assistant.facts import MOVE_KINDS, Fact
from assistant.knowledge.models import Expects
from assistant.models import Span
from assistant.question import Attribute, Question
from assistant.question.period import period_of
from assistant.retrieve import canonical, entity_names
from assistant.verify import NumberMention, numbers_in
from vectorstore.embeddings import Embedder

# currency words after a figure, minor units too ("14 cents a share", "310p", "50 pence")
_CURRENCY_WORD = re.compile(
    r"\s*(?:pounds?|euros?|yen|yuan|francs?|rupees?|won|dollars?|crowns?|kronor|krona|rand|pesos?|lira|"
    r"cents?|pence|p\b)\b",
    re.I,
)
_POINTS = re.compile(r"\s*(?:index\s+)?points?\b|\s*pts\b", re.I)
# a capitalised word that starts a sentence or a phrase, not a name ("On Monday", "The Federal Reserve")
_NOT_FIRST_NAME = (
    r"(?:A|An|The|On|In|At|By|For|From|To|Of|After|Before|During|Since|Until|As|And|But|Or|When|While|"
    r"This|That|Last|Next|Late|Early)\b"
)
_PERSON = re.compile(rf"\b(?!{_NOT_FIRST_NAME})[A-Z][a-z]+(?:\s+[A-Z]\.)?\s+[A-Z][a-z][\w'’-]+\b")
# a window phrase that already says how it relates ("in March", "on Tuesday", "since January")
_PREPOSITION = re.compile(r"(?:in|on|at|since|during|from|between|before|after|until|by|over)\s", re.I)


@dataclass(frozen=True)
class Evidence:
    """One answer sentence with its cited passage, where it sits in the article (if known) and its facts."""

    sentence: str
    passage: str
    start: int | None = None  # article offset of the sentence, None for a paraphrase (LLM)
    facts: tuple[Fact, ...] = ()  # facts whose evidence overlaps the passage


class Meaning:
    """Which sentences are about the asked attribute by meaning, where its words miss."""

    def __init__(self, embedder: Embedder | None, focus: Attribute | None, threshold: float = 1.0) -> None:
        self.threshold = threshold
        self._vector = np.asarray(embedder.embed_query(focus.name)) if embedder and focus else None
        self._embedder = embedder
        self._scores: dict[str, float] = {}

    def prime(self, sentences: Sequence[str], vectors: np.ndarray) -> None:
        """Score sentences whose embeddings the caller already has (one row each)."""
        if self._vector is not None and len(sentences):
            self._scores.update(zip(sentences, (vectors @ self._vector).tolist(), strict=True))

    def score(self, sentence: str) -> float:
        """Cosine between the sentence and the attribute's name (0 without an attribute or a model)."""
        if self._vector is None or self._embedder is None:
            return 0.0
        if sentence not in self._scores:
            self.prime([sentence], np.asarray(self._embedder.embed_documents([sentence])))
        return self._scores[sentence]

    def about(self, sentence: str) -> bool:
        """True when the sentence is this close in meaning to the attribute."""
        return self._vector is not None and self.score(sentence) >= self.threshold


_NO_MEANING = Meaning(None, None)


@dataclass(frozen=True)
class Coverage:
    """What an answer covers of the question's focus."""

    missing: tuple[str, ...] = ()  # named things no cited passage names
    attribute: bool = True  # the asked attribute is named in an answer sentence (or nothing is asked)
    figure: bool = True  # a figure of the expected kind is stated for it (or none is expected)
    person: bool = True  # a "who" answer names someone the question does not

    @property
    def ok(self) -> bool:
        """True when the answer covers the whole focus."""
        return not self.missing and self.attribute and self.figure and self.person


def fits(mention: NumberMention, text: str, expects: Expects) -> bool:
    """True when a figure is of the expected kind (money, percent, a count, a level or a move)."""
    after = text[mention.end :]
    if expects == "pct":
        return mention.unit == "pct"
    if expects == "money":
        return mention.unit in ("usd", "eur", "gbp") or bool(_CURRENCY_WORD.match(after))
    if expects == "count":
        return mention.unit == "plain"
    if expects == "level":
        return mention.unit != "bp"
    if expects == "amount":
        return True
    if expects == "move":
        return mention.unit in ("pct", "bp") or bool(_POINTS.match(after))
    return True


def _family(kind: str) -> str:
    """Moves and price levels are one family (a price is where a move ends); every other kind its own."""
    return "market" if kind == "price_level" or kind in MOVE_KINDS else kind


def _claimed(mention: NumberMention, item: Evidence, kinds: Sequence[str]) -> bool:
    """True when the figure lies in the evidence of a fact of another family than the kinds asked."""
    if item.start is None or not kinds:
        return False
    asked = {_family(k) for k in kinds}
    at = Span(start=item.start + mention.start, end=item.start + mention.end)
    return any(_family(f.kind) not in asked and f.span.overlaps(at) for f in item.facts)


def own_fact(q: Question, fact: Fact) -> bool:
    """True for a fact of an asked kind whose subject is a named thing itself (not a group holding it)."""
    subject = {fact.subject.casefold(), canonical(fact.subject).casefold()}
    return (not q.kinds or fact.kind in q.kinds) and bool(subject & entity_names(q))


def _group_total(q: Question, mention: NumberMention, item: Evidence) -> bool:
    """True when the figure is the total of a group of which the question names only some members, and
    no fact gives it as a named thing's own ("a combined $90 billion" does not answer for one of three)."""
    names = entity_names(q)
    same = [f for f in item.facts if _equal(f.main_value(), mention.value)]
    for fact in same:
        members = {m.casefold() for m in getattr(fact, "members", ())}
        if members & names and not members <= names and not any(own_fact(q, f) for f in same):
            return True
    return False


def _someone_elses(q: Question, mention: NumberMention, item: Evidence) -> bool:
    """True when the figure is a stored fact's about another thing than the named ones ("Admiral is down
    8.1% after Sabre's warning" gives no figure for Sabre)."""
    if not q.required:
        return False
    kinds = q.focus.kinds if q.focus is not None and q.focus.kinds else q.kinds
    if item.start is not None:
        at = Span(start=item.start + mention.start, end=item.start + mention.end)
        facts = [f for f in item.facts if f.span.overlaps(at)]
    else:
        facts = [f for f in item.facts if _equal(f.main_value(), mention.value)]
    facts = [f for f in facts if not kinds or f.kind in kinds]
    return bool(facts) and not any(_about_named(q, f) for f in facts)


def _about_named(q: Question, fact: Fact) -> bool:
    """True when a fact is about a named thing: its own, or a group holding it, or its name in the subject."""
    members = {m.casefold() for m in getattr(fact, "members", ())}
    return (
        own_fact(q, fact)
        or bool(members & entity_names(q))
        or any(_same_name(c.phrase, fact.subject) or c.found_in(fact.subject) for c in q.required)
    )


def _same_name(phrase: str, subject: str) -> bool:
    """True when a fact's subject is the question's name or its first words ("Quillon" for "Quillon
    Assurance", as wire copy shortens a name after naming it)."""
    words, named = subject.casefold().split(), phrase.casefold().split()
    return bool(words) and len(subject) >= 3 and named[: len(words)] == words


def _equal(value: float | None, figure: float) -> bool:
    """True when a fact's value is the figure (within 0.5%, the sign aside)."""
    return value is not None and abs(abs(value) - abs(figure)) <= 0.005 * max(abs(value), 1e-9)


def states_figure(q: Question, item: Evidence) -> bool:
    """True when the sentence states a figure of the expected kind, for no other period than the one asked,
    that is not another fact's (a count followed by what it counts: "3,700 jobs", not "a 60-day notice")
    nor a group's total for a member."""
    kinds = q.focus.kinds if q.focus is not None else q.kinds
    if q.period.clashes(period_of(item.sentence)):
        return False  # the figure of another year, quarter or half
    return any(
        fits(m, item.sentence, q.expects)
        and not _claimed(m, item, kinds)
        and not _group_total(q, m, item)
        and not _someone_elses(q, m, item)
        and (q.expects != "count" or _counts(q, item.sentence[m.end : m.end + 40]))
        for m in numbers_in(item.sentence)
    )


def _counts(q: Question, after: str) -> bool:
    """True when the words right after a count name what the question counts (if it says)."""
    if q.focus is None or not q.focus.counts:
        return True
    return bool(re.search(q.focus.counts, re.split(r"[,;.]", after)[0], re.IGNORECASE))


def names_attribute(q: Question, sentence: str, meaning: Meaning = _NO_MEANING) -> bool:
    """True when the sentence names the asked attribute, in its words or else in meaning (always, when
    the question asks none)."""
    return q.focus is None or q.focus.found_in(sentence) or meaning.about(sentence)


def _new_person(q: Question, items: Sequence[Evidence], meaning: Meaning) -> bool:
    """True when an answer sentence naming the attribute names a person the question does not."""
    given = {c.phrase.casefold() for c in q.entities}
    for item in items:
        if not names_attribute(q, item.sentence, meaning):
            continue
        people = [m.group(0) for m in _PERSON.finditer(item.sentence)]
        if any(p.casefold() not in given and p not in q.text for p in people):
            return True
    return False


def coverage(q: Question, items: Sequence[Evidence], meaning: Meaning = _NO_MEANING) -> Coverage:
    """How far the answer's sentences and passages cover the question's named things, attribute and figure."""
    passages = [i.passage for i in items]
    missing = tuple(c.phrase for c in q.required if not any(c.found_in(p) for p in passages))
    attribute = any(names_attribute(q, i.sentence, meaning) for i in items) or (
        q.answer_type not in ("figure", "comparison", "who", "list")
        and q.focus is not None
        and any(q.focus.found_in(i.passage) for i in items)
    )
    wants_figure = q.answer_type in ("figure", "comparison") and q.expects not in ("none",)
    figure = not wants_figure or any(
        names_attribute(q, i.sentence, meaning) and states_figure(q, i) for i in items
    )
    person = q.answer_type != "who" or _new_person(q, items, meaning)
    return Coverage(missing=missing, attribute=attribute, figure=figure, person=person)


def why_not(q: Question, found: Coverage, mentioned: Sequence[str]) -> str:
    """The abstention in the analyst's terms: what the library mentions, and what no article gives."""
    absent = [c.phrase for c in q.required if c.phrase not in mentioned]
    if absent:
        return f"The library does not mention {_listed(absent)}."
    subject = _listed(list(mentioned)) if mentioned else "this"
    asked = q.focus.name if q.focus is not None else _expected_words(q)
    said = q.window.text if q.window is not None and q.window.text else q.period.text
    when = _when(said) if said and said.casefold() not in asked.casefold() else ""
    if not found.person:
        return f"The library mentions {subject}, but no article names who ({asked})."
    return f"The library mentions {subject}, but no article gives {_its(mentioned)}{asked}{when}."


def _when(text: str) -> str:
    """ " in March", " on Tuesday", " for last week", " for the fourth quarter", " for 2021": the
    question's days or period after what no article gives."""
    if _PREPOSITION.match(text):
        return f" {text}"
    plain = text[:1].islower() and not re.match(r"(?:last|next|this)\b", text)
    return f" for the {text}" if plain else f" for {text}"


def _its(mentioned: Sequence[str]) -> str:
    """ "its " for one named thing, "their " for several, nothing without one."""
    return "" if not mentioned else "its " if len(mentioned) == 1 else "their "


def _expected_words(q: Question) -> str:
    """The figure asked for in words."""
    return {
        "pct": "percentage asked for",
        "money": "amount asked for",
        "count": "number asked for",
        "level": "level asked for",
        "move": "move asked for",
    }.get(q.expects, "answer to this question")


def _listed(names: Sequence[str]) -> str:
    """ "A", "A and B", "A, B and C"."""
    names = list(dict.fromkeys(names))
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
