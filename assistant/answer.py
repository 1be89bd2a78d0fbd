"""Answering: retrieval, an LLM (streamed) or the extractive answerer, then verification of each sentence."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

import prompts
from assistant import knowledge
from assistant.facts import Fact, describe
from assistant.llm import ChatModel, make_chat_model
from assistant.models import Answer, AnswerSentence, ArticleSummary, SearchHit
from assistant.retrieve import Retrieval, Retriever
from assistant.settings import Settings
from assistant.text import sentences_by_line
from assistant.verify import numbers_in, resolve_citations, split_answer, verify_sentences
from vectorstore.embeddings import Embedder
from vectorstore.library import Library

NOT_IN_LIBRARY = "NOT IN LIBRARY"
_WORD = re.compile(r"[a-z0-9][a-z0-9&'’\-]*")
_STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "did",
        "do",
        "does",
        "for",
        "from",
        "had",
        "has",
        "have",
        "how",
        "in",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "so",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "this",
        "those",
        "to",
        "was",
        "were",
        "what",
        "when",
        "where",
        "which",
        "who",
        "why",
        "will",
        "with",
        "would",
        "about",
        "into",
        "than",
        "after",
        "over",
        "under",
        "more",
        "most",
        "much",
        "very",
        "also",
        "just",
        "said",
        "says",
    ]
)
_CAUSE = re.compile(
    r"\b(?:because|as investors|as traders|amid|after|driven by|due to|on (?:worries|concerns|fears|hopes)|"
    r"reflect\w*|concern\w*|worr\w+|fear\w*|doubt\w*|question\w*|rotat\w+|prompt\w*|led to|spurred|"
    r"fuel\w*|weigh\w*|so that|therefore|which is why|reason\w*|catalyst\w*|sentiment)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Candidate:
    """A sentence of a retrieved passage, scored for the extractive answer."""

    text: str
    n: int  # citation number: 1-based rank of its passage
    ordinal: int  # the passage's place in its article
    position: int  # where the sentence starts in its passage
    article_id: str
    base: float  # meaning and shared words, discounted by passage rank
    relevance: float  # base plus bonuses for the question's phrases and the fact kinds it asks about
    has_figure: bool
    causal: bool


def _terms(text: str) -> set[str]:
    """Content words of a text, lower-cased, stop words dropped, crude plural folding."""
    words = {w.strip("'’-") for w in _WORD.findall(text.casefold())}
    return {w[:-1] if len(w) > 4 and w.endswith("s") else w for w in words if w and w not in _STOP}


def _index_cue() -> re.Pattern[str]:
    """Words that ask about index moves: "index" and the data's index families ("Russell", "S&P")."""
    families = sorted({row.family.casefold() for row in knowledge.entities("indexes") if row.family})
    return re.compile(rf"\b(?:index|indices|indexes|{'|'.join(map(re.escape, families))})\b", re.I)


_REFERENCE = re.compile(r"\s*(?:\[\d{1,3}\])+")  # an article's own reference markers, e.g. "[3][4]"
_BULLET = re.compile(r"^[•·\-–*]\s*")
_KIND_WORDS = (
    (re.compile(r"\bsectors?\b", re.I), "sector_move"),
    (_index_cue(), "index_move"),
    (re.compile(r"\b(?:stocks?|shares?|winner|loser)\b", re.I), "stock_move"),
    (re.compile(r"\b(?:capex|spend\w*|capital expenditure\w*|invest\w*)\b", re.I), "capex"),
    (re.compile(r"\b(?:price|fall|low|high)\b", re.I), "price_level"),
    (re.compile(r"\b(?:rates?|decid\w+|decision)\b", re.I), "rate_decision"),
    (re.compile(r"\b(?:say|said|says|think|view)\b", re.I), "quote"),
)


def plain_sentence(text: str) -> str:
    """A source sentence without its article's reference markers or bullet, so [n] stays ours."""
    return _BULLET.sub("", _REFERENCE.sub("", text)).strip()


def _sentences(hits: Sequence[SearchHit]) -> list[tuple[int, int, str]]:
    """(citation number, position, sentence) of every answer-sized sentence of the retrieved passages."""
    out: list[tuple[int, int, str]] = []
    seen: set[str] = set()
    for n, hit in enumerate(hits, start=1):
        for spans in sentences_by_line(hit.passage.text).values():
            for a, b in spans:
                sentence = plain_sentence(hit.passage.text[a:b])
                if sentence.endswith("?") or not 6 <= len(sentence.split()) <= 70:
                    continue  # a question answers nothing; fragments and run-ons make poor answers
                if sentence not in seen:  # overlapping passages repeat sentences
                    seen.add(sentence)
                    out.append((n, a, sentence))
    return out


def _bigrams(text: str) -> set[tuple[str, str]]:
    """Adjacent content-word pairs ("free cash", "cash flow")."""
    words = [w for w in _WORD.findall(text.casefold()) if w not in _STOP]
    return set(itertools.pairwise(words))


def _asked_kinds(question: str) -> set[str]:
    """Fact kinds a question asks about, from its words."""
    return {kind for pattern, kind in _KIND_WORDS if pattern.search(question)}


def _candidates(question: str, retrieval: Retrieval, embedder: Embedder) -> list[Candidate]:
    """Sentences scored by meaning (embedding cosine) and shared words, discounted by passage rank."""
    found = _sentences(retrieval.hits)
    if not found:
        return []
    terms = _terms(retrieval.query) | _terms(question)
    pairs = _bigrams(question)
    kinds = _asked_kinds(question)
    evidence = [f.evidence for f in retrieval.facts if f.kind in kinds]
    query = np.asarray(embedder.embed_query(question))
    vectors = np.asarray(embedder.embed_documents([text for _n, _pos, text in found]))
    cosines = vectors @ query
    out = []
    for (n, position, text), cosine in zip(found, cosines, strict=True):
        overlap = len(_terms(text) & terms) / max(len(terms), 1)
        base = (0.75 * float(cosine) + 0.25 * overlap) / (1 + 0.1 * (n - 1))
        if not re.search(r"[.!?…][”\"’)]*$", text):  # headings, bullets, captions: weaker evidence
            base *= 0.8
        stated = sum(e in text for e in evidence)  # facts of the asked kind this sentence states
        bonus = 0.1 * len(_bigrams(text) & pairs) + (0.3 + 0.05 * min(stated - 1, 3) if stated else 0.0)
        causal = bool(_CAUSE.search(text)) or "“" in text or '"' in text
        hit = retrieval.hits[n - 1]
        figure = bool(numbers_in(text))
        out.append(
            Candidate(
                text, n, hit.passage.ordinal, position, hit.article.id, base, base + bonus, figure, causal
            )
        )
    return out


def _similar(a: str, b: str) -> bool:
    """True for near-duplicate sentences (several articles often state the same move)."""
    x, y = _terms(a), _terms(b)
    return bool(x and y) and len(x & y) / len(x | y) > 0.5


def _fresh(candidate: Candidate, chosen: list[Candidate]) -> bool:
    """True when the candidate repeats none of the chosen sentences."""
    return all(c.text != candidate.text and not _similar(c.text, candidate.text) for c in chosen)


def _select(candidates: list[Candidate], why: bool) -> list[Candidate]:
    """The best sentence, then support from its own passage (figures, causes), rarely from another one."""
    ranked = sorted(candidates, key=lambda c: (-c.relevance, c.n, c.position))
    best = ranked[0]
    figures = [c for c in ranked if c.has_figure and c.relevance >= 0.85 * best.relevance]
    first = figures[0] if figures else best
    chosen = [first]
    for c in ranked:  # more from the same passage: it is where the answer lives
        if len(chosen) >= 4 or c.relevance < 0.6 * first.base:
            break
        if c.n == first.n and _fresh(c, chosen) and (c.has_figure or c.causal):
            chosen.append(c)
    if not any(c.has_figure for c in chosen):  # what happened, in figures, from the same article
        _add_nearest(ranked, chosen, first, lambda c: c.has_figure)
    if why and not any(c.causal for c in chosen):  # the reasons: right after the event, in the same article
        _add_nearest(ranked, chosen, first, lambda c: c.causal)
    # what happened (figures) first, then why; passage order within each
    return sorted(chosen, key=lambda c: (not c.has_figure, c.n, c.position))


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


def extractive_answer(question: str, retrieval: Retrieval, embedder: Embedder) -> str:
    """Best supporting sentences, verbatim with their citation: what happened (figures), then why."""
    candidates = _candidates(question, retrieval, embedder)
    if not candidates:
        return ""
    why = bool(re.search(r"\b(?:why|reason|cause|drove|behind|explain)", question, re.IGNORECASE))
    return " ".join(_cited(c.text, c.n) for c in _select(candidates, why))


def _cited(text: str, n: int) -> str:
    """Each sentence of text with its citation marker before the final stop: "… rose 3.5% [1]."."""
    parts = [text[a:b] for spans in sentences_by_line(text).values() for a, b in spans]
    marked = []
    for part in parts or [text]:
        m = re.match(r"(?s)(.*?)([.!?…]+[”\"’)]*)?$", part.strip())
        body, stop = (m.group(1), m.group(2) or "") if m else (part, "")
        marked.append(f"{body} [{n}]{stop}")
    return " ".join(marked)


def _fact_lines(facts: Sequence[Fact]) -> str:
    """Facts as short lines for the prompt."""
    lines = [f"- {f.kind}: {f.subject} {describe(f)} ({f.as_of or 'no date'})" for f in facts[:10]]
    return "\n".join(lines) or "- none"


def _passage_block(hits: Sequence[SearchHit]) -> str:
    """Numbered passages with their article title and date (the articles' own [n] markers removed)."""
    blocks = []
    for n, hit in enumerate(hits, start=1):
        meta = hit.article.meta
        blocks.append(
            f"[{n}] {meta.title or 'untitled'} ({meta.source or 'unknown'}, {meta.published or 'no date'})\n"
            f"{_REFERENCE.sub('', hit.passage.text)}"
        )
    return "\n\n".join(blocks)


def answer_messages(question: str, retrieval: Retrieval) -> list[dict[str, str]]:
    """The chat messages for the LLM answer."""
    template = prompts.load("answer", {"question", "facts", "passages"})
    content = template.format(
        question=question, facts=_fact_lines(retrieval.facts), passages=_passage_block(retrieval.hits)
    )
    return [{"role": "user", "content": content}]


def _says_something(sentence: AnswerSentence) -> AnswerSentence:
    """Mark as unsupported a sentence that states nothing ("The answer is: [1]"), however well cited."""
    words = re.sub(r"\[[^\]]*\]", " ", sentence.text).split()
    if sentence.supported and (len(words) < 4 or " ".join(words).endswith(":")):
        return sentence.model_copy(update={"supported": False, "reason": "states nothing"})
    return sentence


def _closest(hits: Sequence[SearchHit]) -> tuple[ArticleSummary, ...]:
    """Distinct articles of the hits, best first."""
    seen: dict[str, ArticleSummary] = {}
    for hit in hits:
        seen.setdefault(hit.article.id, hit.article)
    return tuple(list(seen.values())[:3])


class Answerer:
    """Answers questions from one library, with verified citations or an honest abstention."""

    def __init__(self, library: Library, settings: Settings, chat: ChatModel | None = None) -> None:
        self.settings = settings
        self.library = library
        self.retriever = Retriever(library, settings)
        self.chat = chat if chat is not None else make_chat_model(settings)

    def ask(
        self,
        question: str,
        k: int = 5,
        since: date | None = None,
        until: date | None = None,
        extractive: bool = False,
        on_token: Callable[[str], None] | None = None,
    ) -> Answer:
        """Retrieve, answer (LLM or extractive), verify; abstain when nothing supported remains."""
        retrieval = self.retriever.retrieve(question, k, since, until)
        mode = "extractive" if extractive or self.chat is None else "llm"
        if retrieval.weak or not retrieval.hits:
            return self._abstain(
                question, retrieval, mode, "retrieval found nothing that matches the question"
            )
        retrieval.hits.extend(self._next_passage(retrieval.hits))
        if mode == "llm" and self.chat is not None:
            raw = self._llm_answer(question, retrieval, on_token)
        else:
            raw = extractive_answer(question, retrieval, self.library.embedder)
        return self._verified(question, retrieval, raw, mode)

    def _next_passage(self, hits: Sequence[SearchHit]) -> list[SearchHit]:
        """The passage after the best one, when not already retrieved: an event's reasons often follow it."""
        top = hits[0]
        following = self.library.catalog.passages_by_id([f"{top.article.id}:{top.passage.ordinal + 1:04d}"])
        have = {h.passage.id for h in hits}
        return [
            SearchHit(passage=p, article=top.article, score=0.0)
            for p in following.values()
            if p.id not in have
        ]

    def _llm_answer(self, question: str, retrieval: Retrieval, on_token: Callable[[str], None] | None) -> str:
        """Stream the model's answer, passing tokens on as they arrive."""
        assert self.chat is not None
        pieces: list[str] = []
        for token in self.chat.stream(answer_messages(question, retrieval)):
            pieces.append(token)
            if on_token is not None:
                on_token(token)
        return "".join(pieces).strip()

    def _verified(self, question: str, retrieval: Retrieval, raw: str, mode: str) -> Answer:
        """Keep only sentences whose citations and figures check out."""
        if not raw or raw.strip().upper().startswith(NOT_IN_LIBRARY):
            return self._abstain(question, retrieval, mode, "the model found no answer in the passages")
        passages = {n: hit.passage for n, hit in enumerate(retrieval.hits, start=1)}
        checked = [_says_something(s) for s in verify_sentences(split_answer(raw), passages)]
        kept = [s for s in checked if s.supported]
        notes = tuple(
            f"removed unsupported sentence ({s.reason}): {s.text}" for s in checked if not s.supported
        )
        if not kept:
            return self._abstain(
                question, retrieval, mode, "no sentence of the answer could be verified", notes
            )
        text = " ".join(s.text for s in kept)
        return Answer(
            question=question,
            text=text,
            sentences=tuple(checked),
            citations=resolve_citations(text, retrieval.hits),
            mode=mode,
            notes=notes,
        )

    def _abstain(
        self, question: str, retrieval: Retrieval, mode: str, why: str, notes: tuple[str, ...] = ()
    ) -> Answer:
        """The library does not cover the question: say so and point at the closest articles."""
        text = "The library does not cover this question."
        return Answer(
            question=question,
            text=text,
            abstained=True,
            mode=mode,
            closest=_closest(retrieval.hits),
            notes=(why, *notes),
        )
