"""The extractive answerer: the retrieved passages' own sentences, chosen by what the question frame asks.

Every sentence of the retrieved passages is a candidate, scored by meaning (embedding cosine) and shared
words, discounted by passage rank.  The frame then decides the shape of the answer:

- a figure question leads with a sentence that covers its focus (the named thing in the passage, the
  attribute and a figure of the expected kind in the sentence), preferring one that states a stored fact
  about the named thing itself (a group's total never answers for a member);
- a cause question leads with the move and follows with the stated causes, from several articles when
  they agree;
- a comparison states each side's figure, and which is more when both are facts of one kind;
- when two articles give different figures for the same fact, the answer says so and cites both.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from assistant import knowledge
from assistant.facts import Fact, MoveFact, describe
from assistant.focus import Evidence, Meaning, names_attribute, own_fact, states_figure
from assistant.models import SearchHit
from assistant.question import Question
from assistant.retrieve import Retrieval, canonical
from assistant.text import sentences_by_line
from assistant.verify import numbers_in
from vectorstore.embeddings import Embedder

_WORD = re.compile(r"[a-z0-9][a-z0-9&'’\-]*")
# fmt: off
_STOP = frozenset((
    "a", "an", "and", "are", "as", "at", "be", "by", "did", "do", "does", "for", "from", "had", "has", "have",
    "how", "in", "is", "it", "its", "of", "on", "or", "so", "that", "the", "their", "them", "then", "there",
    "these", "this", "those", "to", "was", "were", "what", "when", "where", "which", "who", "why", "will",
    "with", "would", "about", "into", "than", "after", "over", "under", "more", "most", "much", "very",
    "also", "just", "said", "says",
))
# fmt: on
_FOCUSED = ("figure", "comparison", "list", "who")  # answer types led by a sentence covering the focus
REFERENCE = re.compile(r"\s*(?:\[\d{1,3}\])+")  # an article's own reference markers, e.g. "[3][4]"
_BULLET = re.compile(r"^[•·\-–*]\s*")
_MORE = re.compile(r"\b(?:down|fell|lost|drop\w*|declin\w*|lower|less|worse|weak\w*)\b", re.I)


@dataclass(frozen=True)
class Candidate:
    """A sentence of a retrieved passage, scored for the extractive answer."""

    text: str
    n: int  # citation number: 1-based rank of its passage
    ordinal: int  # the passage's place in its article
    position: int  # where the sentence starts in its passage
    article_id: str
    base: float  # meaning and shared words, discounted by passage rank
    relevance: float  # base plus bonuses for the question's phrases, facts and focus
    has_figure: bool
    causal: bool
    evidence: Evidence  # the sentence with its passage and facts, for the focus checks
    covers: bool = False  # names the required things (passage), the attribute and a fitting figure
    own_fact: bool = False  # states a stored fact of an asked kind about a named thing itself
    states: bool = False  # states a stored fact of an asked kind


@lru_cache(maxsize=1)
def _cause() -> re.Pattern[str]:
    """Words by which a sentence states a cause ("due to", "hurt by"), from questions.toml."""
    return re.compile(r"\b(?:" + "|".join(knowledge.question_words().causes) + r")\b", re.IGNORECASE)


@lru_cache(maxsize=1)
def _number_words() -> dict[str, str]:
    """Number words as digits ("eight" -> "8"), so "the last eight weeks" meets "the past 8 weeks"."""
    return {w.word: str(w.value) for w in knowledge.numbers().words}


def _words(text: str) -> list[str]:
    """The text's words, lower-cased, number words as digits."""
    digits = _number_words()
    return [digits.get(w, w) for w in _WORD.findall(text.casefold())]


def terms(text: str) -> set[str]:
    """Content words of a text, lower-cased, stop words dropped, crude plural folding."""
    words = {w.strip("'’-") for w in _words(text)}
    return {w[:-1] if len(w) > 4 and w.endswith("s") else w for w in words if w and w not in _STOP}


def plain_sentence(text: str) -> str:
    """A source sentence without its article's reference markers or bullet, so [n] stays ours."""
    return _BULLET.sub("", REFERENCE.sub("", text)).strip()


def _sentences(hits: Sequence[SearchHit]) -> list[tuple[int, int, str]]:
    """(citation number, position, sentence) of every answer-sized sentence of the retrieved passages."""
    out: list[tuple[int, int, str]] = []
    seen: set[str] = set()
    for n, hit in enumerate(hits, start=1):
        for spans in sentences_by_line(hit.passage.text).values():
            for a, b in spans:
                sentence = plain_sentence(hit.passage.text[a:b])
                words = len(sentence.split())
                if sentence.endswith("?") or words > 70 or words < (3 if numbers_in(sentence) else 6):
                    continue  # a question answers nothing; fragments and run-ons make poor answers
                if sentence not in seen:  # overlapping passages repeat sentences
                    seen.add(sentence)
                    out.append((n, a, sentence))
    return out


def _bigrams(text: str) -> set[tuple[str, str]]:
    """Adjacent content-word pairs ("free cash", "cash flow")."""
    words = [w for w in _words(text) if w not in _STOP]
    return set(itertools.pairwise(words))


def covers(q: Question, item: Evidence, meaning: Meaning) -> bool:
    """True when the sentence alone answers the focus: things in its passage, attribute and figure in it."""
    if not all(c.found_in(item.passage) for c in q.required):
        return False
    if not names_attribute(q, item.sentence, meaning):
        return False
    if q.answer_type in ("figure", "comparison") and q.expects != "none":
        return states_figure(q, item)
    return True


def candidates(q: Question, retrieval: Retrieval, embedder: Embedder, meaning: Meaning) -> list[Candidate]:
    """Sentences scored by meaning and shared words, discounted by passage rank, with focus bonuses."""
    found = _sentences(retrieval.hits)
    if not found:
        return []
    words = terms(retrieval.query) | terms(q.text)
    pairs = _bigrams(q.text)
    evidence = [f.evidence for f in retrieval.facts if f.kind in q.kinds]
    query = np.asarray(embedder.embed_query(q.text))
    vectors = np.asarray(embedder.embed_documents([text for _n, _pos, text in found]))
    cosines = vectors @ query
    meaning.prime([text for _n, _pos, text in found], vectors)
    out = []
    for (n, position, text), cosine in zip(found, cosines, strict=True):
        hit = retrieval.hits[n - 1]
        start = hit.passage.span.start + hit.passage.text.find(text, position)
        inside = [f for f in retrieval.passage_facts.get(hit.passage.id, ()) if _inside(f, start, len(text))]
        item = Evidence(text, hit.passage.text, start, tuple(retrieval.passage_facts.get(hit.passage.id, ())))
        base = (0.75 * float(cosine) + 0.25 * len(terms(text) & words) / max(len(words), 1)) / (
            1 + 0.1 * (n - 1)
        )
        if not re.search(r"[.!?…][”\"’)]*$", text):  # headings, bullets, captions: weaker evidence
            base *= 0.8
        stated = sum(e in text for e in evidence)  # facts of the asked kind this sentence states
        bonus = 0.1 * len(_bigrams(text) & pairs) + (0.3 + 0.05 * min(stated - 1, 3) if stated else 0.0)
        mine = any(own_fact(q, f) for f in inside)
        fits = q.answer_type in _FOCUSED and covers(q, item, meaning)
        bonus += 0.3 * fits + 0.3 * mine
        causal = bool(_cause().search(text)) or "“" in text or '"' in text
        figure = bool(numbers_in(text))
        out.append(
            Candidate(
                text, n, hit.passage.ordinal, position, hit.article.id, base, base + bonus, figure, causal,
                item, fits, mine, stated > 0,
            )
        )  # fmt: skip
    return out


def _inside(fact: Fact, start: int, length: int) -> bool:
    """True when the fact's evidence lies in the sentence at [start, start + length)."""
    return start <= fact.span.start and fact.span.end <= start + length + 1


def _similar(a: str, b: str) -> bool:
    """True for near-duplicate sentences (several articles often state the same move)."""
    x, y = terms(a), terms(b)
    return bool(x and y) and len(x & y) / len(x | y) > 0.5


def _fresh(candidate: Candidate, chosen: list[Candidate]) -> bool:
    """True when the candidate repeats none of the chosen sentences."""
    return all(c.text != candidate.text and not _similar(c.text, candidate.text) for c in chosen)


def _lead(q: Question, ranked: list[Candidate]) -> Candidate:
    """The sentence to open with: one covering the focus (a stated fact first), else the best figure."""
    covering = [c for c in ranked if c.covers]
    if covering:
        return max(covering, key=lambda c: (c.own_fact, c.relevance))
    if q.answer_type == "cause":  # the closest in meaning of the sentences stating a move or a cause,
        top = max(c.base for c in ranked)  # those that name what moved (the focus) first
        telling = [c for c in ranked if (c.causal or c.states) and c.base >= 0.7 * top]
        named = [c for c in telling if q.focus is None or q.focus.found_in(c.text)]
        return max(named or telling or ranked, key=lambda c: c.base)
    best = ranked[0]
    figures = [c for c in ranked if c.has_figure and c.relevance >= 0.85 * best.relevance]
    return figures[0] if figures else best


def select(q: Question, found: list[Candidate]) -> list[Candidate]:
    """The answer's sentences for the question's type: lead, then support (figures, causes)."""
    ranked = sorted(found, key=lambda c: (-c.relevance, c.n, c.position))
    if q.answer_type == "comparison" and len(q.required) >= 2:
        return _compare(q, ranked)
    first = _lead(q, ranked)
    chosen = [first]
    why = q.answer_type == "cause"
    for c in ranked:  # more from the same passage about the same things: it is where the answer lives
        if len(chosen) >= 4 or c.relevance < 0.6 * first.base:
            break
        about = all(n.found_in(c.text) for n in q.required) if q.answer_type in _FOCUSED else True
        if c.n == first.n and _fresh(c, chosen) and (c.has_figure or c.causal) and about:
            chosen.append(c)
    if not any(c.has_figure for c in chosen):  # what happened, in figures, from the same article
        _add_nearest(ranked, chosen, first, lambda c: c.has_figure)
    if why:
        _add_causes(q, ranked, chosen, first)
    # a figure answer opens with its lead; else what happened (figures) first, then why; passage order
    ordered = sorted(chosen, key=lambda c: (not c.has_figure, c.n, c.position))
    if q.answer_type in _FOCUSED:
        ordered = [first, *(c for c in ordered if c is not first)]
    return _with_antecedents(ordered, found)


# A sentence opening on a pronoun and a verb ("That triggered ...", "No wonder this sent ...") speaks of
# the sentence before it.  Grammar, not domain knowledge, so it stays here rather than in a data file.
_ANAPHOR = re.compile(
    r"^(?:(?:but|and|so|yet|still|no wonder),?\s+)?(?:that|this|these|those|it)\s+"
    r"(?:\w+ed|came|was|is|has|had|sent|led|left|took|made|drove|means|meant|will|would|could|may|might)\b",
    re.IGNORECASE,
)


def _with_antecedents(chosen: list[Candidate], found: list[Candidate]) -> list[Candidate]:
    """Put before each sentence that refers back ("That triggered a selloff") the sentence it refers to."""
    out: list[Candidate] = []
    for c in chosen:
        if _ANAPHOR.match(c.text):
            before = [x for x in found if x.n == c.n and x.position < c.position]
            prior = max(before, key=lambda x: x.position, default=None)
            if prior is not None and prior not in out and prior not in chosen:
                out.append(prior)
        if c not in out:
            out.append(c)
    return out


def _add_causes(q: Question, ranked: list[Candidate], chosen: list[Candidate], first: Candidate) -> None:
    """The stated causes: the nearest in the lead's article, then agreeing ones from up to two others."""
    after = [c for c in ranked if c.n == first.n and c.position > first.position]
    following = min(after, key=lambda c: c.position, default=None)
    if following is not None and following.causal and _fresh(following, chosen):
        chosen.append(following)  # the sentence right after a move most often says why
    elif not any(c.causal for c in chosen):
        _add_nearest(ranked, chosen, first, lambda c: c.causal)
    others = [
        c
        for c in ranked
        if c.causal
        and c.article_id not in {x.article_id for x in chosen}
        and c.relevance >= 0.9 * first.relevance
        and _fresh(c, chosen)
        and bool(q.required)
        and all(n.found_in(c.text) for n in q.required)
        and (q.focus is None or q.focus.found_in(c.text))
    ]
    chosen.extend(others[:2])


def _add_nearest(
    ranked: list[Candidate], chosen: list[Candidate], first: Candidate, want: Callable[[Candidate], bool]
) -> None:
    """Add the wanted sentence of first's article nearest to it (same or next passage), if relevant enough."""
    options = [
        c
        for c in ranked
        if want(c)
        and c.article_id == first.article_id
        and _fresh(c, chosen)
        and c.relevance >= 0.3 * first.base
    ]
    options.sort(
        key=lambda c: (c.ordinal not in (first.ordinal, first.ordinal + 1), c.n != first.n, -c.relevance)
    )
    if options:
        chosen.append(options[0])


def _compare(q: Question, ranked: list[Candidate]) -> list[Candidate]:
    """For each named side, its best sentence stating a fitting figure (one sentence may serve both)."""
    chosen: list[Candidate] = []
    for side in q.required:
        own = [c for c in ranked if side.found_in(c.text) and c.has_figure and states_figure(q, c.evidence)]
        own = own or [c for c in ranked if side.found_in(c.text) and c.has_figure]
        if own and own[0] not in chosen:
            chosen.append(own[0])
    if not chosen:
        return [_lead(q, ranked)]
    first = chosen[0]
    for c in ranked:  # figures the chosen passages go on to give ("the two are down 19% and 29%")
        same = c.n in {x.n for x in chosen}
        if (
            len(chosen) < 4
            and same
            and c.has_figure
            and _fresh(c, chosen)
            and c.relevance >= 0.6 * first.base
        ):
            chosen.append(c)
    return chosen


def comparison_line(q: Question, chosen: Sequence[Candidate], facts: Sequence[Fact]) -> str:
    """ "Dollar Tree rose more: +15.3% against +9.1% [1][2]." when each side has a fact of one kind."""
    sides = []
    for side in q.required[:2]:
        fact = next((f for f in facts if side.found_in(f.subject) or side.found_in(f.evidence)), None)
        cite = next((c.n for c in chosen if fact is not None and fact.evidence in c.text), None)
        if fact is None or cite is None or fact.main_value() is None:
            return ""
        sides.append((side.phrase, fact, cite))
    (a, fa, na), (b, fb, nb) = sides
    if not (isinstance(fa, MoveFact) and isinstance(fb, MoveFact)) or fa.kind != fb.kind:
        return ""
    if fa.change_pct is None or fb.change_pct is None:
        return ""
    lower = bool(_MORE.search(q.text))
    va, vb = fa.change_pct, fb.change_pct
    first_wins = va < vb if lower else va > vb
    win, lose = ((a, va, na), (b, vb, nb)) if first_wins else ((b, vb, nb), (a, va, na))
    word = "fell" if lower else "rose"
    return f"{win[0]} {word} more: {win[1]:+g}% [{win[2]}] against {lose[1]:+g}% for {lose[0]} [{lose[2]}]."


def disagreement(q: Question, retrieval: Retrieval, chosen: Sequence[Candidate]) -> str:
    """ "Articles differ ...: +3.5% [1] against +3.4% [2]." when two articles give one fact two values."""
    lead = next((f for c in chosen for f in retrieval.facts if own_fact(q, f) and f.evidence in c.text), None)
    if lead is None or lead.main_value() is None or lead.as_of is None:
        return ""  # undated figures may be different moves ("over eight weeks", "from its high")
    number = {h.passage.id: n for n, h in enumerate(retrieval.hits, start=1)}
    for other in retrieval.facts:
        value, mine = other.main_value(), lead.main_value()
        if (
            other.article_id == lead.article_id
            or (other.kind, canonical(other.subject), other.as_of)
            != (lead.kind, canonical(lead.subject), lead.as_of)
            or value is None
            or mine is None
            or abs(value - mine) <= 0.005 * abs(mine)
        ):
            continue
        cites = [_cite_of(f, retrieval, number) for f in (lead, other)]
        if None not in cites:
            return (
                f"Articles differ on this figure: {describe(lead)} [{cites[0]}] "
                f"against {describe(other)} [{cites[1]}]."
            )
    return ""


def _cite_of(fact: Fact, retrieval: Retrieval, number: dict[str, int]) -> int | None:
    """The citation number of the retrieved passage holding the fact's evidence."""
    for hit in retrieval.hits:
        if (
            hit.article.id == fact.article_id
            and hit.passage.span.start <= fact.span.start < hit.passage.span.end
        ):
            return number[hit.passage.id]
    return None


def extractive_answer(q: Question, retrieval: Retrieval, embedder: Embedder, meaning: Meaning) -> str:
    """Best supporting sentences, verbatim with their citation, in the shape the question asks for."""
    found = candidates(q, retrieval, embedder, meaning)
    if not found:
        return ""
    chosen = select(q, found)
    body = " ".join(cited(c.text, c.n) for c in chosen)
    if q.answer_type == "comparison":
        line = comparison_line(q, chosen, retrieval.facts)
        body = f"{line} {body}" if line else body
    differ = disagreement(q, retrieval, chosen)
    return f"{body} {differ}" if differ else body


def cited(text: str, n: int) -> str:
    """Each sentence of text with its citation marker before the final stop: "… rose 3.5% [1]."."""
    parts = [text[a:b] for spans in sentences_by_line(text).values() for a, b in spans]
    marked = []
    for part in parts or [text]:
        m = re.match(r"(?s)(.*?)([.!?…]+[”\"’)]*)?$", part.strip())
        body, stop = (m.group(1), m.group(2) or "") if m else (part, "")
        marked.append(f"{body} [{n}]{stop}")
    return " ".join(marked)
