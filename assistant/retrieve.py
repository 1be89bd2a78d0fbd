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
from datetime import date, timedelta

import Stemmer

from assistant.extraction.dates import MONTHS, WEEKDAYS, date_mentions
from assistant.extraction.names import find
from assistant.facts import Fact, FactKind
from assistant.models import ArticleSummary, SearchHit
from assistant.search import Searcher
from assistant.settings import Settings
from assistant.vocabulary import Concept, ExpandedQuery, expand
from vectorstore.embeddings import Embedder
from vectorstore.library import Library

REPORT_LAG = timedelta(days=2)  # a day's events are reported that day or up to two days later
POOL = 40  # candidates asked of the searcher before re-ranking
MAX_FACTS = 10
MIN_SIMILARITY = 0.25  # below this cosine similarity nothing is about the question (all-MiniLM-L6-v2)
ON_TOPIC_SIMILARITY = 0.45  # this close in meaning, a passage naming the thing is on topic in any words

# re-ranking: fused search score scaled to (0, 1], times 1 + the boosts a passage earns
W_DATE_PUBLISHED = 0.2  # its article came out on a day asked about or just after
W_DATE_CONTENT = 0.3  # it names a day asked about or holds a fact that happened on one
W_CONCEPTS = 0.3  # times the share of the question's concepts it names
W_FACT = 0.15  # it holds a fact about a named thing (on a day asked about, when there is one)


# ---------------------------------------------------------------------------------------------- dates


@dataclass(frozen=True)
class DateWindow:
    """The days a question asks about: [start, end], both inclusive, and the words that said so."""

    start: date
    end: date
    text: str = ""

    def contains(self, day: date | None) -> bool:
        """True when day falls in the window."""
        return day is not None and self.start <= day <= self.end

    def reported(self, published: date | None) -> bool:
        """True when an article published on that day can report on the window (same day or just after)."""
        return published is not None and self.start <= published <= self.end + REPORT_LAG


_MONTH = (
    r"(?P<m>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
_DAY = r"(?P<d>[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?(?!\d)"
_YEAR = r"(?P<y>(?:19|20)\d{2})(?!\d)"
_PART = r"(?P<part>early|mid|late|the\s+(?:start|beginning|middle|end)\s+of|(?:start|beginning|end)\s+of)"
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.IGNORECASE))
    for kind, pattern in (
        ("iso", rf"\b{_YEAR}-(?P<mm>\d{{2}})-(?P<dd>\d{{2}})\b"),
        ("part", rf"\b{_PART}[\s-]+{_MONTH}\b\.?(?:,?\s+{_YEAR})?"),
        ("mdy", rf"\b{_MONTH}\b\.?\s+{_DAY}(?:,?\s+{_YEAR})?"),
        ("dmy", rf"\b{_DAY}\s+(?:of\s+)?{_MONTH}\b\.?(?:,?\s+{_YEAR})?"),
        ("month", rf"\b{_MONTH}\b\.?,?\s+{_YEAR}"),
        ("month", rf"\b(?:in|during|since|through|throughout|over|for|of)\s+{_MONTH}\b(?!\s*\d)"),
        ("month", rf"\b{_MONTH}['’]s\b"),
        ("today", r"\b(?:today|tonight|this\s+(?:morning|afternoon|session))\b"),
        ("yesterday", r"\byesterday\b"),
        ("this_week", r"\bthis\s+week\b"),
        ("last_week", r"\b(?:last|previous|prior)\s+week\b"),
        ("past_week", r"\b(?:past|last)\s+(?:7|seven)\s+days\b|\bpast\s+week\b"),
        ("this_month", r"\bthis\s+month\b"),
        ("last_month", r"\b(?:last|previous|prior)\s+month\b"),
        (
            "weekday",
            r"\b(?:(?P<rel>last|this|on)\s+)?(?P<w>monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
            r"(?:['’]s)?\b",
        ),
    )
)


def _part_of_month(words: str) -> tuple[int, int | None]:
    """First and last day of "early" (1-10), "mid" (10-20) or "late" (20-end) in a month."""
    words = words.casefold()
    if any(w in words for w in ("early", "start", "beginning")):
        return 1, 10
    return (10, 20) if "mid" in words else (20, None)


def _month_number(name: str) -> int:
    """1-12 for a written month name or abbreviation."""
    return MONTHS[name[:3].casefold()]


def _last_day(year: int, month: int) -> int:
    """The number of days in a month."""
    return calendar.monthrange(year, month)[1]


def _valid(year: int, month: int, day: int) -> date | None:
    """The date, or None when the numbers make no calendar day."""
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _recent_day(month: int, day: int, anchor: date) -> date | None:
    """The most recent such day on or before the anchor (up to four years back), else the anchor's year's."""
    for year in range(anchor.year, anchor.year - 5, -1):
        found = _valid(year, month, day)
        if found is not None and found <= anchor:
            return found
    return _valid(anchor.year, month, day)


def _month_window(
    month: int, year: int | None, anchor: date | None, first: int, last: int | None
) -> DateWindow | None:
    """Days first..last of a month (last None: its end); a missing year is the latest one not after anchor."""
    if year is None:
        if anchor is None:
            return None
        year = anchor.year if date(anchor.year, month, first) <= anchor else anchor.year - 1
    end = min(last or 31, _last_day(year, month))
    return DateWindow(date(year, month, first), date(year, month, end))


def _day_window(day: date | None) -> DateWindow | None:
    """A one-day window."""
    return DateWindow(day, day) if day is not None else None


def _week_window(anchor: date, weeks_back: int) -> DateWindow:
    """Monday to Sunday, weeks_back weeks before the anchor's week (which ends at the anchor)."""
    monday = anchor - timedelta(days=anchor.weekday() + 7 * weeks_back)
    return DateWindow(monday, anchor if weeks_back == 0 else monday + timedelta(days=6))


def _weekday(name: str, rel: str | None, anchor: date) -> date:
    """The most recent such weekday on or before the anchor ("last Friday" on a Friday: a week before)."""
    back = (anchor.weekday() - WEEKDAYS.index(name.casefold())) % 7
    if (rel or "").casefold() == "last" and back == 0:
        back = 7
    return anchor - timedelta(days=back)


def _relative(kind: str, m: re.Match[str], anchor: date) -> DateWindow | None:
    """Windows for words relative to the anchor: today, yesterday, weeks, months, weekdays."""
    if kind == "today":
        return _day_window(anchor)
    if kind == "yesterday":
        return _day_window(anchor - timedelta(days=1))
    if kind in ("this_week", "last_week"):
        return _week_window(anchor, 0 if kind == "this_week" else 1)
    if kind == "past_week":
        return DateWindow(anchor - timedelta(days=6), anchor)
    if kind == "this_month":
        return DateWindow(anchor.replace(day=1), anchor)
    if kind == "last_month":
        end = anchor.replace(day=1) - timedelta(days=1)
        return DateWindow(end.replace(day=1), end)
    return _day_window(_weekday(m["w"], m["rel"], anchor))


def _window(kind: str, m: re.Match[str], anchor: date | None) -> DateWindow | None:
    """The window one matched expression stands for, or None when it cannot be resolved."""
    year = int(m["y"]) if "y" in m.re.groupindex and m["y"] else None
    if kind == "iso":
        return _day_window(_valid(int(m["y"]), int(m["mm"]), int(m["dd"])))
    if kind in ("mdy", "dmy"):
        month, day = _month_number(m["m"]), int(m["d"])
        if year is not None:
            return _day_window(_valid(year, month, day))
        return _day_window(_recent_day(month, day, anchor)) if anchor else None
    if kind == "part":
        first, last = _part_of_month(m["part"])
        return _month_window(_month_number(m["m"]), year, anchor, first, last)
    if kind == "month":
        if (
            m["m"].casefold() == "may"
            and year is None
            and not m.group(0).casefold().startswith(("in", "during"))
        ):
            return None  # "may" is usually the verb
        return _month_window(_month_number(m["m"]), year, anchor, 1, None)
    return _relative(kind, m, anchor) if anchor is not None else None


def date_expressions(question: str, anchor: date | None) -> list[DateWindow]:
    """Every date expression in the question that resolves, in question order (overlaps keep the first)."""
    found: list[tuple[int, int, DateWindow]] = []
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(question):
            if any(s < m.end() and m.start() < e for s, e, _ in found):
                continue
            window = _window(kind, m, anchor)
            if window is not None:
                found.append((m.start(), m.end(), DateWindow(window.start, window.end, m.group(0).strip())))
    return [w for _, _, w in sorted(found, key=lambda f: f[0])]


def parse_question_dates(question: str, anchor: date | None) -> DateWindow | None:
    """The days the question asks about (several dates: the span from first to last), or None.

    Yearless dates take the most recent such day on or before the anchor (the library's newest article
    date); relative words ("yesterday", "last week") count from the anchor.  Without an anchor only
    dates with a year resolve.
    """
    windows = date_expressions(question, anchor)
    if not windows:
        return None
    return DateWindow(
        min(w.start for w in windows), max(w.end for w in windows), "; ".join(w.text for w in windows)
    )


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
_CUES: tuple[tuple[str, tuple[FactKind, ...]], ...] = (
    (r"\bsectors?\b|\bindustr(?:y|ies)\b", ("sector_move",)),
    (r"\bcapex\b|\bcapital\s+(?:expenditure|spending)|\bspend", ("capex",)),
    (r"\brates?\b|\bdecide|\bdecision|\bhike|\bcut\b|\bhold\b", ("rate_decision",)),
    (r"\bsay|\bsaid|\bcomment|\bview|\bthink|\bquote", ("quote",)),
    (r"\bprice|\blow\b|\bhigh\b|\btrade[ds]?\s+at|\bworth\b", ("price_level",)),
    (r"\bweight|\bcash\s+flow|\bvaluation|\bgrowth|\brevenue|\bmargin|\bratio|\bshare\s+of", ("metric",)),
    (
        r"\bperform|\boutperform|\bunderperform|\brall(?:y|ied)|\bfell|\bfall|\bdrop|\brise|\brose|"
        r"\bgain|\blos[st]|\bjump|\bsurge|\bslump|\bhow\s+did\b|\bwinner|\bloser|\bclose|\bmove",
        ("index_move", "sector_move", "stock_move"),
    ),
)
_KIND_CUES = tuple((re.compile(pattern, re.IGNORECASE), kinds) for pattern, kinds in _CUES)


@dataclass(frozen=True)
class Retrieval:
    """What retrieval found for a question: the top passages, the facts about it, and whether it is weak."""

    question: str
    query: str  # the expanded query sent to the searcher
    hits: list[SearchHit]  # best first; SearchHit.score is the re-ranked score
    facts: list[Fact] = field(default_factory=list)  # best first, one per distinct fact, at most MAX_FACTS
    window: DateWindow | None = None  # the days the question asks about
    entities: list[str] = field(default_factory=list)  # canonical names the question refers to
    top_score: float = 0.0  # best cosine similarity of the expanded question to a candidate passage
    weak: bool = True  # nothing retrieved is about the question: say so rather than answer
    reasons: list[str] = field(default_factory=list)  # why retrieval is weak (empty when it is not)


@dataclass
class _Candidate:
    """A pooled search hit with the signals the re-ranking reads."""

    hit: SearchHit
    facts: list[Fact]  # facts whose evidence overlaps the passage
    similarity: float = 0.0  # cosine similarity to the question (0 when outside the dense pool)
    dated: bool = False  # the passage names a day asked about or holds a fact that happened on one
    score: float = 0.0


@dataclass(frozen=True)
class _Question:
    """A question as retrieval reads it: expanded query, days asked about, fact kinds asked for."""

    text: str
    expanded: ExpandedQuery
    window: DateWindow | None
    kinds: frozenset[FactKind]

    @property
    def entities(self) -> set[str]:
        """Case-folded canonical names the question refers to."""
        return {e.casefold() for e in self.expanded.entities}


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

    def retrieve(
        self, question: str, k: int = 5, since: date | None = None, until: date | None = None
    ) -> Retrieval:
        """The k passages best answering the question, the facts about it, and whether retrieval is weak."""
        articles = {s.id: s for s in self.library.catalog.summaries()}
        q = _Question(
            question,
            expand(question),
            parse_question_dates(question, newest(articles.values())),
            frozenset(question_kinds(question)),
        )
        pool = self._pool(q, max(POOL, k), since, until)
        rank(pool, q)
        top = pool[:k]
        reasons = weakness(q, pool, top)
        return Retrieval(
            question=question,
            query=q.expanded.text,
            hits=[c.hit.model_copy(update={"score": round(c.score, 6)}) for c in top],
            facts=self._facts(q, top, articles, since, until),
            window=q.window,
            entities=q.expanded.entities,
            top_score=max((c.similarity for c in pool), default=0.0),
            weak=bool(reasons),
            reasons=reasons,
        )

    def _pool(self, q: _Question, size: int, since: date | None, until: date | None) -> list[_Candidate]:
        """The searcher's top hits for the expanded query, with their facts, similarity and date match."""
        hits = self.searcher.search(q.expanded.text, k=size, since=since, until=until)
        if not hits:
            return []
        vector = self.embedder.embed_query(q.expanded.text)
        distances = dict(self.library.index.search(vector, 4 * size, since, until))
        facts = {aid: self.library.catalog.facts(article_id=aid) for aid in {h.article.id for h in hits}}
        pool = []
        for hit in hits:
            own = [f for f in facts[hit.article.id] if f.span.overlaps(hit.passage.span)]
            similarity = 1.0 - distances[hit.passage.id] if hit.passage.id in distances else 0.0
            pool.append(_Candidate(hit, own, similarity, dated(hit, own, q.window)))
        return pool

    def _facts(
        self,
        q: _Question,
        top: list[_Candidate],
        articles: dict[str, ArticleSummary],
        since: date | None,
        until: date | None,
    ) -> list[Fact]:
        """Facts about the question's things and days, best first, one per distinct fact."""
        hit_rank: dict[str, int] = {}
        for n, c in enumerate(top):
            for f in c.facts:
                hit_rank.setdefault(f.id, n)
        scored = []
        for fact in self._fact_candidates(q, top):
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

    def _fact_candidates(self, q: _Question, top: list[_Candidate]) -> list[Fact]:
        """The top passages' facts, the catalog's facts about the named things, and the asked day's facts
        of the asked kinds."""
        found = {f.id: f for c in top for f in c.facts}
        for name in q.expanded.entities:
            found.update((f.id, f) for f in self.library.catalog.facts(subject=name))
        if q.window is not None and q.kinds:
            day_facts = self.library.catalog.facts(sorted(q.kinds), None, q.window.start, q.window.end)
            found.update((f.id, f) for f in day_facts)
        return list(found.values())


def newest(articles: Iterable[ArticleSummary]) -> date | None:
    """The newest publication date among the articles: question dates are read relative to it."""
    return max((a.meta.published for a in articles if a.meta.published), default=None)


def question_kinds(question: str) -> set[FactKind]:
    """Fact kinds the question's wording asks for ("sectors" -> sector moves, "capex" -> capex)."""
    return {kind for pattern, kinds in _KIND_CUES if pattern.search(question) for kind in kinds}


def dated(hit: SearchHit, facts: Sequence[Fact], window: DateWindow | None) -> bool:
    """True when the passage holds a fact that happened in the window or names a day in it."""
    if window is None:
        return False
    if any(window.contains(f.as_of) for f in facts):
        return True
    return any(window.contains(m.day) for m in date_mentions(hit.passage.text, hit.article.meta.published))


def rank(pool: list[_Candidate], q: _Question) -> None:
    """Score the pool (scaled fused score times 1 + date, concept and fact boosts) and sort it, best first."""
    best = max((c.hit.score for c in pool), default=0.0) or 1.0
    for c in pool:
        boost = W_CONCEPTS * coverage(q.expanded.concepts, c.hit.passage.text)
        if q.window is not None:
            boost += W_DATE_PUBLISHED * q.window.reported(c.hit.article.meta.published)
            boost += W_DATE_CONTENT * c.dated
        if any(_about(f, q.entities) and _when(f, q.window, c.hit.article) for f in c.facts):
            boost += W_FACT
        c.score = c.hit.score / best * (1.0 + boost)
    pool.sort(key=lambda c: (-c.score, c.hit.passage.id))


def coverage(concepts: Sequence[Concept], text: str) -> float:
    """Share of the question's concepts the text names (named things count double general words)."""
    weights = [(2.0 if c.specific else 1.0, c.found_in(text)) for c in concepts]
    total = sum(w for w, _ in weights)
    return sum(w for w, found in weights if found) / total if total else 0.0


def weakness(q: _Question, pool: list[_Candidate], top: list[_Candidate]) -> list[str]:
    """Why nothing retrieved is about the question; empty when some top passage is."""
    if not top:
        return ["no passage matched the question"]
    reasons = []
    similarity = max(c.similarity for c in pool)
    if similarity < MIN_SIMILARITY and not any(proper_names_in(q.text, c.hit.passage.text) for c in top):
        reasons.append(f"the closest passage's similarity {similarity:.2f} is below {MIN_SIMILARITY}")
    named = q.expanded.specific
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


def content_words(q: _Question) -> set[str]:
    """Stems of the question's words (and general synonyms) other than the named things and dates."""
    general = " ".join(t for c in q.expanded.concepts if not c.specific for t in c.terms)
    words = stems(f"{q.text} {general}", drop=_DATE_WORDS)
    return words - stems(" ".join(n.phrase for n in q.expanded.specific))


def on_topic(candidate: _Candidate, q: _Question, words: set[str]) -> bool:
    """True when a hit names one of the question's named things (if any) and shares another content word
    with it (if it has any), is close to it in meaning, or holds a fact about a named thing."""
    text = candidate.hit.passage.text
    named = q.expanded.specific
    if named and not any(n.found_in(text) for n in named):
        return False
    return (
        not words
        or bool(words & stems(text))
        or candidate.similarity >= ON_TOPIC_SIMILARITY
        or (bool(named) and any(_about(f, q.entities) for f in candidate.facts))
    )


def stems(text: str, drop: Iterable[str] = ()) -> set[str]:
    """Snowball stems of a text's content words (question words, stop words and the drop list removed)."""
    dropped = _QUESTION_WORDS | set(drop)
    words = [w.casefold().replace("’", "'").removesuffix("'s") for w in _WORD.findall(text)]
    return set(Stemmer.Stemmer("english").stemWords([w for w in words if w not in dropped and len(w) > 1]))


def fact_score(fact: Fact, q: _Question, hit_rank: int | None) -> float | None:
    """How well a fact answers the question (None: not related); about a named thing first."""
    about = _about(fact, q.entities) or _named_in(fact.subject, q.text)
    if not (about or _related(fact, q, hit_rank is not None)):
        return None
    score = 3.0 * about + 1.0 * (fact.kind in q.kinds) + fact.confidence
    score += 0.5 * (q.window is not None and fact.as_of is not None)
    return score + (2.0 - 0.2 * hit_rank if hit_rank is not None else 0.0)


def _related(fact: Fact, q: _Question, in_hits: bool) -> bool:
    """For a fact about nothing the question names: in a top passage and (when the question names things)
    of an asked kind on an asked day, like the S&P 500's move beside the Russell 2000's; or, when it
    names nothing, of an asked kind on an asked day."""
    asked_day = q.window is not None and fact.kind in q.kinds
    return in_hits and asked_day if q.entities else in_hits or asked_day


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
