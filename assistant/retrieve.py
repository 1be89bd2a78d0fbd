"""Question retrieval: synonyms, the days asked about, hybrid search re-ranked by date and names, facts.

`Retriever.retrieve` asks the `Searcher` (dense + BM25 fused by RRF) for a wide pool of passages for the
question with the vocabulary's synonyms appended, re-ranks the pool with what the question says (the
days it asks about, the things it names), cuts it to k, joins the catalog facts about the same things and
days, and says when retrieval is weak (nothing retrieved is about the question) so that the answer layer
can say so instead of guessing.
"""

from __future__ import annotations

import calendar
import re
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

import Stemmer

from assistant.extraction.dates import MONTHS, WEEKDAYS, date_mentions
from assistant.extraction.names import find
from assistant.facts import Fact
from assistant.models import ArticleSummary, SearchHit
from assistant.question import DateWindow, Question, parse_question
from assistant.search import Searcher
from assistant.settings import Settings
from assistant.vocabulary import Concept
from vectorstore.embeddings import Embedder
from vectorstore.library import Library

POOL = 40  # candidates asked of the searcher before re-ranking
MAX_FACTS = 10
MIN_SIMILARITY = 0.25  # below this cosine similarity nothing is about the question (all-MiniLM-L6-v2)
ON_TOPIC_SIMILARITY = 0.45  # this close in meaning, a passage naming the thing is on topic in any words

# re-ranking: fused search score scaled to (0, 1], times 1 + the boosts a passage earns
W_DATE_PUBLISHED = 0.2  # its article came out on a day asked about or just after
W_DATE_CONTENT = 0.3  # it names a day asked about or holds a fact that happened on one
W_CONCEPTS = 0.3  # times the share of the question's concepts it names
W_FACT = 0.15  # it holds a fact about a named thing (on a day asked about, when there is one)


# ------------------------------------------------------------------------------------------- retrieval

# fmt: off
_QUESTION_WORDS = frozenset((
    "a", "an", "and", "are", "as", "at", "be", "been", "but", "by", "can", "could", "did", "do", "does",
    "during", "for", "from", "had", "has", "have", "how", "if", "in", "into", "is", "it", "its", "of", "on",
    "or", "so", "than", "that", "the", "their", "them", "then", "there", "these", "they", "this", "those",
    "to", "was", "were", "what", "when", "where", "which", "who", "whom", "whose", "why", "will", "with",
    "would", "about", "after", "before", "against", "between", "compared", "versus", "vs", "now", "ago",
    "say", "said", "says", "tell", "happen", "happened", "happening", "go", "went", "going", "get", "got",
    "much", "many", "more", "most", "any", "some", "according",
))
_DATE_WORDS = frozenset((
    "january", "february", "march", "april", "june", "july", "august", "september", "october", "november",
    "december", "today", "yesterday", "week", "weeks", "month", "months", "day", "days", "year", "years",
    "late", "early", "mid", "last", "this", "next", "past", *MONTHS, *WEEKDAYS,
))
# fmt: on
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]|[A-Za-z]")


@dataclass(frozen=True)
class Retrieval:
    """What retrieval found for a question: the top passages, the facts about it, and whether it is weak."""

    question: str
    frame: Question  # the question as parsed once
    query: str  # the expanded query sent to the searcher
    hits: list[SearchHit]  # best first; SearchHit.score is the re-ranked score
    facts: list[Fact] = field(default_factory=list)  # best first, one per distinct fact, at most MAX_FACTS
    window: DateWindow | None = None  # the days the question asks about
    entities: list[str] = field(default_factory=list)  # canonical names the question refers to
    top_score: float = 0.0  # best cosine similarity of the expanded question to a candidate passage
    weak: bool = True  # nothing retrieved is about the question: say so rather than answer
    reasons: list[str] = field(default_factory=list)  # why retrieval is weak (empty when it is not)
    passage_facts: dict[str, list[Fact]] = field(default_factory=dict)  # passage id -> facts overlapping it


@dataclass
class _Candidate:
    """A pooled search hit with the signals the re-ranking reads."""

    hit: SearchHit
    facts: list[Fact]  # facts whose evidence overlaps the passage
    similarity: float = 0.0  # cosine similarity to the question (0 when outside the dense pool)
    dated: bool = False  # the passage names a day asked about or holds a fact that happened on one
    score: float = 0.0


class QueryMemo:
    """An embedder that remembers its last few query vectors (documents pass straight through)."""

    def __init__(self, inner: Embedder, size: int = 8) -> None:
        self.inner = inner
        self.name = inner.name
        self.size = size
        self._vectors: OrderedDict[str, list[float]] = OrderedDict()
        self._lock = threading.Lock()

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        """Embed passages with the wrapped embedder."""
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        """The query's vector, from memory when it was embedded recently."""
        with self._lock:
            if text in self._vectors:
                self._vectors.move_to_end(text)
                return self._vectors[text]
        vector = self.inner.embed_query(text)
        with self._lock:
            self._vectors[text] = vector
            while len(self._vectors) > self.size:
                self._vectors.popitem(last=False)
        return vector


class Retriever:
    """Question retrieval over one library: expanded hybrid search, date-aware re-ranking, facts, weakness."""

    def __init__(self, library: Library, settings: Settings, searcher: Searcher | None = None) -> None:
        self.library = library
        self.settings = settings
        self.embedder = QueryMemo(library.embedder)  # the searcher's query vector is reused, not recomputed
        view = Library(library.settings, library.catalog, library.index, self.embedder)
        self.searcher = searcher or Searcher(view, settings)

    def read(self, question: str) -> Question:
        """The question's frame, its dates read relative to the library's newest article."""
        return parse_question(question, self.library.catalog.newest_published())

    def retrieve(
        self, question: str | Question, k: int = 5, since: date | None = None, until: date | None = None
    ) -> Retrieval:
        """The k passages best answering the question, the facts about it, and whether retrieval is weak."""
        q = question if isinstance(question, Question) else self.read(question)
        pool = self._pool(q, max(POOL, k), since, until)
        rank(pool, q)
        top = pool[:k]
        reasons = weakness(q, pool, top)
        return Retrieval(
            question=q.text,
            frame=q,
            query=q.query,
            hits=[c.hit.model_copy(update={"score": round(c.score, 6)}) for c in top],
            facts=self._facts(q, top, since, until),
            window=q.window,
            entities=list(q.canonical),
            top_score=max((c.similarity for c in pool), default=0.0),
            weak=bool(reasons),
            reasons=reasons,
            passage_facts={c.hit.passage.id: c.facts for c in top},
        )

    def _pool(self, q: Question, size: int, since: date | None, until: date | None) -> list[_Candidate]:
        """The searcher's top hits for the expanded query, with their facts, similarity and date match."""
        hits = self.searcher.search(q.query, k=size, since=since, until=until)
        if not hits:
            return []
        vector = self.embedder.embed_query(q.query)  # the searcher's, from the memo
        unranked = [h.passage.id for h in hits if h.similarity is None]  # found by words alone
        measured = self.library.index.similarities(vector, unranked)
        facts = self.library.catalog.facts_of(sorted({h.article.id for h in hits}))
        pool = []
        for hit in hits:
            own = [f for f in facts[hit.article.id] if f.span.overlaps(hit.passage.span)]
            similarity = hit.similarity if hit.similarity is not None else measured.get(hit.passage.id, 0.0)
            pool.append(_Candidate(hit, own, similarity, dated(hit, own, q.window)))
        return pool

    def _facts(
        self,
        q: Question,
        top: list[_Candidate],
        since: date | None,
        until: date | None,
    ) -> list[Fact]:
        """Facts about the question's things and days, best first, one per distinct fact."""
        hit_rank: dict[str, int] = {}
        for n, c in enumerate(top):
            for f in c.facts:
                hit_rank.setdefault(f.id, n)
        scored = []
        candidates = self._fact_candidates(q, top)
        articles = self.library.catalog.summaries_by_id([f.article_id for f in candidates])
        for fact in candidates:
            article = articles.get(fact.article_id)
            if (
                article is None
                or not _published_in(article, since, until)
                or not _when(fact, q.window, article)
            ):
                continue
            score = fact_score(fact, q, hit_rank.get(fact.id))
            if score is not None:
                scored.append((score, fact))
        scored.sort(key=lambda sf: (-sf[0], sf[1].article_id, sf[1].span.start))
        return distinct([f for _, f in scored])[:MAX_FACTS]

    def _fact_candidates(self, q: Question, top: list[_Candidate]) -> list[Fact]:
        """The top passages' facts, the catalog's facts about the named things, and the asked day's facts
        of the asked kinds."""
        found = {f.id: f for c in top for f in c.facts}
        found.update((f.id, f) for f in self.library.catalog.facts_about(subjects(q)))
        if q.window is not None and q.kinds:
            day_facts = self.library.catalog.facts(sorted(q.kinds), None, q.window.start, q.window.end)
            found.update((f.id, f) for f in day_facts)
        return list(found.values())


def subjects(q: Question) -> list[str]:
    """The names facts about the question's things carry: canonical names, and proper names as written."""
    return list(dict.fromkeys([*q.canonical, *(c.phrase for c in q.entities if c.open)]))


def entity_names(q: Question) -> set[str]:
    """Case-folded names a fact subject must equal to be about the question's things."""
    return {name.casefold() for name in subjects(q)}


def dated(hit: SearchHit, facts: Sequence[Fact], window: DateWindow | None) -> bool:
    """True when the passage holds a fact that happened in the window or names a day in it."""
    if window is None:
        return False
    if any(window.contains(f.as_of) for f in facts):
        return True
    return any(window.contains(m.day) for m in date_mentions(hit.passage.text, hit.article.meta.published))


def rank(pool: list[_Candidate], q: Question) -> None:
    """Score the pool (scaled fused score times 1 + date, concept and fact boosts) and sort it, best first."""
    best = max((c.hit.score for c in pool), default=0.0) or 1.0
    for c in pool:
        boost = W_CONCEPTS * coverage(q.concepts, c.hit.passage.text)
        if q.window is not None:
            boost += W_DATE_PUBLISHED * q.window.reported(c.hit.article.meta.published)
            boost += W_DATE_CONTENT * c.dated
        if any(_about(f, entity_names(q)) and _when(f, q.window, c.hit.article) for f in c.facts):
            boost += W_FACT
        c.score = c.hit.score / best * (1.0 + boost)
    pool.sort(key=lambda c: (-c.score, c.hit.passage.id))


def coverage(concepts: Sequence[Concept], text: str) -> float:
    """Share of the question's concepts the text names (named things count double general words)."""
    weights = [(2.0 if c.specific else 1.0, c.found_in(text)) for c in concepts]
    total = sum(w for w, _ in weights)
    return sum(w for w, found in weights if found) / total if total else 0.0


def weakness(q: Question, pool: list[_Candidate], top: list[_Candidate]) -> list[str]:
    """Why nothing retrieved is about the question; empty when some top passage is."""
    if not top:
        return ["no passage matched the question"]
    reasons = []
    similarity = max(c.similarity for c in pool)
    if similarity < MIN_SIMILARITY and not any(proper_names_in(q.text, c.hit.passage.text) for c in top):
        reasons.append(f"the closest passage's similarity {similarity:.2f} is below {MIN_SIMILARITY}")
    named = q.required
    words = content_words(q)
    if named and not any(n.found_in(c.hit.passage.text) for n in named for c in top):
        reasons.append("no passage names " + ", ".join(dict.fromkeys(n.phrase for n in named)))
    elif not any(on_topic(c, q, words) for c in top):
        listed = ", ".join(sorted(words))
        reasons.append(
            f"no passage names {' or '.join(n.phrase for n in named)} with any of: {listed}"
            if named
            else f"no passage shares a content word with the question ({listed})"
        )
    if q.window is not None and not any(near(c, q.window) for c in pool):
        reasons.append(f"nothing in the library is dated {q.window.start} to {q.window.end}")
    return reasons


def proper_names_in(question: str, text: str) -> bool:
    """True when the text contains a run of capitalised words the question wrote mid-sentence
    ("Thierry Wizman": the embedding model knows no names, so a low similarity proves nothing then)."""
    runs = re.findall(r"(?<=[\w,;:] )[A-Z][\w.&'’-]*(?: [A-Z][\w.&'’-]*)*", question)
    return any(re.search(rf"(?<!\w){re.escape(run)}(?!\w)", text) for run in runs)


def near(candidate: _Candidate, window: DateWindow) -> bool:
    """True when a passage is dated in the window, its article reports on it, or it names the window's
    month ("last November's high" for a question about November)."""
    if candidate.dated or window.reported(candidate.hit.article.meta.published):
        return True
    months = {calendar.month_name[m] for m in _months(window)}
    return any(re.search(rf"\b{m}\b", candidate.hit.passage.text) for m in months)


def _months(window: DateWindow) -> list[int]:
    """The months a window of up to about two months touches (none for longer windows)."""
    if (window.end - window.start).days > 62:
        return []
    first = window.start.year * 12 + window.start.month - 1
    last = window.end.year * 12 + window.end.month - 1
    return [n % 12 + 1 for n in range(first, last + 1)]


def content_words(q: Question) -> set[str]:
    """Stems of the question's words (and general synonyms) other than the named things and dates."""
    general = " ".join(t for c in q.concepts if not c.specific for t in c.terms)
    words = stems(f"{q.text} {general}", drop=_DATE_WORDS)
    return words - stems(" ".join(n.phrase for n in q.entities))


def on_topic(candidate: _Candidate, q: Question, words: set[str]) -> bool:
    """True when a hit names one of the question's named things (if any) and shares another content word
    with it (if it has any), is close to it in meaning, or holds a fact about a named thing."""
    text = candidate.hit.passage.text
    named = q.required
    if named and not any(n.found_in(text) for n in named):
        return False
    return (
        not words
        or bool(words & stems(text))
        or candidate.similarity >= ON_TOPIC_SIMILARITY
        or (bool(named) and any(_about(f, entity_names(q)) for f in candidate.facts))
    )


def stems(text: str, drop: Iterable[str] = ()) -> set[str]:
    """Snowball stems of a text's content words (question words, stop words and the drop list removed)."""
    dropped = _QUESTION_WORDS | set(drop)
    words = [w.casefold().replace("’", "'").removesuffix("'s") for w in _WORD.findall(text)]
    return set(Stemmer.Stemmer("english").stemWords([w for w in words if w not in dropped and len(w) > 1]))


def fact_score(fact: Fact, q: Question, hit_rank: int | None) -> float | None:
    """How well a fact answers the question (None: not related); about a named thing first."""
    about = _about(fact, entity_names(q)) or _named_in(fact.subject, q.text)
    if not (about or _related(fact, q, hit_rank is not None)):
        return None
    score = 3.0 * about + 1.0 * (fact.kind in q.kinds) + fact.confidence
    score += 0.5 * (q.window is not None and fact.as_of is not None)
    return score + (2.0 - 0.2 * hit_rank if hit_rank is not None else 0.0)


def _related(fact: Fact, q: Question, in_hits: bool) -> bool:
    """For a fact about nothing the question names: in a top passage and (when the question names things)
    of an asked kind on an asked day, like the S&P 500's move beside the Russell 2000's; or, when it
    names nothing, of an asked kind on an asked day."""
    asked_day = q.window is not None and fact.kind in q.kinds
    return in_hits and asked_day if q.canonical or q.required else in_hits or asked_day


@lru_cache(maxsize=4096)  # fact subjects repeat across questions; the names table is fixed per process
def canonical(subject: str) -> str:
    """The canonical name for a fact subject or an alias ("Meta" -> "Meta Platforms")."""
    entity = find(subject)
    return entity.name if entity is not None else subject


def _about(fact: Fact, entities: set[str]) -> bool:
    """True when the fact's subject (or a member of its group) is one of the case-folded entity names."""
    names = {canonical(fact.subject).casefold(), fact.subject.casefold()}
    names |= {m.casefold() for m in getattr(fact, "members", ())}
    return bool(names & entities)


def _named_in(subject: str, question: str) -> bool:
    """True when a capitalised word of the subject is written in the question ("Huang" for Jensen Huang)."""
    words = [w for w in re.findall(r"[A-Z][A-Za-z'’-]{2,}", subject) if w.casefold() not in _QUESTION_WORDS]
    return any(re.search(rf"(?<!\w){re.escape(w)}(?!\w)", question) for w in words)


def _when(fact: Fact, window: DateWindow | None, article: ArticleSummary) -> bool:
    """True without a window; else when the fact happened in it (undated: when its article reports on it)."""
    if window is None:
        return True
    if fact.as_of is not None:
        return window.contains(fact.as_of)
    return window.reported(article.meta.published)


def _published_in(article: ArticleSummary, since: date | None, until: date | None) -> bool:
    """True when the article's publication date is inside the caller's range (no range: always)."""
    if since is None and until is None:
        return True
    day = article.meta.published
    return day is not None and (since is None or day >= since) and (until is None or day <= until)


def distinct(facts: list[Fact]) -> list[Fact]:
    """The first of each group of facts that state the same thing (kind, subject, day, number, period)."""
    seen: set[tuple[object, ...]] = set()
    out = []
    for fact in facts:
        value = fact.main_value()
        number = None if value is None else round(value, 2)
        key = (fact.kind, canonical(fact.subject).casefold(), fact.as_of, number, fact.period)
        if key not in seen:
            seen.add(key)
            out.append(fact)
    return out
