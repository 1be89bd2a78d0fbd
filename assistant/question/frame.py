"""A question parsed once into a typed frame that retrieval and answering read.

`parse_question` reads what the question names (entities of the knowledge files with their aliases,
tickers, group members and "small caps"-style concepts, plus proper names the files do not know), the
attribute it asks about (revenue, guidance, a share move, a policy rate ...; `questions.toml`), the days
it asks about, the fact kinds, the answer type (figure, cause, who, comparison, list, day, quote) and the
figure an answer must state.  Nothing downstream reads the question text for these again.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from pydantic import Field

from assistant import knowledge
from assistant.errors import NewsdeskError
from assistant.extraction.dates import WEEKDAYS
from assistant.facts import FACT_KINDS, REGISTRY, FactKind
from assistant.knowledge.models import AnswerType, Expects
from assistant.models import Frozen
from assistant.question.dates import DateWindow, parse_question_dates
from assistant.question.period import Period, month_words, period_of
from assistant.vocabulary import Concept, named, search_text

# words that start a circumstance rather than the thing asked ("... react to its revenue forecast")
_CONTEXT = re.compile(
    r"\b(?:after|following|ahead\s+of|before|when|while|as|amid|despite|even\s+though|although|because|"
    r"since|in\s+response\s+to|react\w*\s+to|respond\w*\s+to|on\s+(?:news|reports?|hopes?|fears?))\b",
    re.IGNORECASE,
)
_TOKEN = r"[A-Z][\w.&-]*"
# a run of capitalised words ("Bed Bath & Beyond", "Bank of Japan"); a possessive ends it ("SoftBank's")
_NAME = re.compile(rf"{_TOKEN}(?:\s+(?:&\s+|of\s+|de\s+)?{_TOKEN})*(?=['’]|\s|$|[,;:?!)])")
_DEMONYM = re.compile(r"(?:an|ese|ish|ian|ch|ic)$")
_QUESTION_START = frozenset(
    [
        "what",
        "which",
        "who",
        "whom",
        "whose",
        "why",
        "how",
        "when",
        "where",
        "did",
        "does",
        "do",
        "is",
        "are",
        "was",
        "were",
        "has",
        "have",
        "had",
        "will",
        "would",
        "could",
        "can",
        "should",
        "in",
        "on",
        "by",
        "to",
        "for",
        "from",
        "according",
        "after",
        "before",
        "during",
        "since",
        "as",
    ]
)


class Attribute(Frozen):
    """Something the question asks about an entity, as questions and articles say it."""

    name: str
    phrase: str  # the question's words for it
    terms: tuple[str, ...]  # regular expressions for how articles say it
    kinds: tuple[FactKind, ...] = ()
    expects: Expects = "any"
    counts: str | None = None  # what a count of it must be followed by ("jobs")
    need: int = 1  # how many of the terms an answer sentence must name
    context: bool = False  # a circumstance of the question ("after its results"), not the thing asked

    def found_in(self, text: str) -> bool:
        """True when the text says it in the articles' ways (enough of the terms)."""
        return sum(bool(_compiled(t).search(text)) for t in self.terms) >= self.need


class Question(Frozen):
    """A question as the read path understands it."""

    text: str
    query: str  # the search text: the question with the vocabulary's synonyms appended
    entities: tuple[Concept, ...] = ()  # named things: indexes, companies, groups, assets, banks, names
    concepts: tuple[Concept, ...] = ()  # every concept named, general words (sectors, "tech") included
    canonical: tuple[str, ...] = ()  # canonical names of the entities, to join facts
    attributes: tuple[Attribute, ...] = ()
    focus: Attribute | None = None  # the attribute asked about (not a circumstance)
    answer_type: AnswerType = "general"
    expects: Expects = "any"  # the figure an answer must state
    window: DateWindow | None = None
    period: Period = Period()  # the reporting period asked about ("fiscal fourth quarter", "2021")
    kinds: tuple[FactKind, ...] = Field(default=())

    @property
    def required(self) -> tuple[Concept, ...]:
        """The named things an answer must be about (adjectival place names like "German" aside)."""
        return tuple(c for c in self.entities if not _adjectival(c, self.text))

    def explain(self) -> list[tuple[str, str]]:
        """The frame as (field, value) lines for `ask --explain`."""
        window = f"{self.window.start} to {self.window.end} ({self.window.text})" if self.window else "none"
        names = [c.phrase + _named_as(c) for c in self.entities]
        return [
            ("answer type", self.answer_type),
            ("expects", self.expects),
            ("entities", "; ".join(names) or "none"),
            ("attribute", self.focus.name if self.focus else "none"),
            ("context", ", ".join(a.name for a in self.attributes if a != self.focus) or "none"),
            ("days", window),
            ("period", self.period.text or "none"),
            ("fact kinds", ", ".join(self.kinds) or "any"),
            ("search", self.query),
        ]


def _named_as(concept: Concept) -> str:
    """How an entity of the frame was recognised, for explain()."""
    if concept.names:
        return f" = {', '.join(concept.names)}"
    return " (proper name)" if concept.open else " (knowledge files)"


@lru_cache(maxsize=1024)
def _compiled(pattern: str) -> re.Pattern[str]:
    """A data pattern compiled without case."""
    return re.compile(pattern, re.IGNORECASE)


def _adjectival(concept: Concept, question: str) -> bool:
    """True for an unknown place adjective before a noun ("German inflation", "U.S. oil")."""
    if not concept.open:
        return False
    m = re.search(rf"(?<!\w){re.escape(concept.phrase)}\s+([a-z0-9][\w-]*)", question)
    return m is not None and (
        bool(_DEMONYM.search(concept.phrase)) or concept.phrase in knowledge.question_words().places
    )


@lru_cache(maxsize=2)
def _move_words(parts: tuple[str, ...]) -> str:
    """The move words of verbs.toml of these parts as one alternation, longest first ("edged up")."""
    words = sorted({v.word for v in knowledge.verbs() if v.part in parts}, key=len, reverse=True)
    return "|".join(r"\s+".join(re.escape(w) for w in word.split()) for word in words)


def _expanded(pattern: str) -> str:
    """A data pattern with {move_verb} (the move verbs) and {move} (verbs and nouns: "shares dip")."""
    pattern = pattern.replace("{move_verb}", _move_words(("verb",)))
    return pattern.replace("{move}", _move_words(("verb", "noun")))


@lru_cache(maxsize=1)
def _checked_attributes() -> tuple[knowledge.AttributeRow, ...]:
    """The attribute rows, each kind checked against the fact registry, "{move}" and "{move_verb}" in
    their patterns replaced by the move words of verbs.toml (one list for questions and the extractor)."""
    rows = []
    for row in knowledge.attributes():
        unknown = [k for k in row.kinds if k not in FACT_KINDS]
        if unknown:
            raise NewsdeskError(f"questions.toml: attribute {row.name!r} names no fact kind {unknown}")
        ask, terms = _expanded(row.ask), tuple(_expanded(t) for t in row.terms)
        rows.append(row.model_copy(update={"ask": ask, "terms": terms}))
    return tuple(rows)


def attributes_in(question: str) -> list[tuple[int, Attribute]]:
    """(position, attribute) of every attribute the question names, in the data's order of precedence
    (earlier rows also win overlaps)."""
    found: list[tuple[int, int, Attribute]] = []
    context_at = next((m.start() for m in _CONTEXT.finditer(question)), len(question))
    for row in _checked_attributes():
        for m in _compiled(row.ask).finditer(question):
            if any(s < m.end() and m.start() < e for s, e, _ in found):
                continue
            context = row.context or m.start() >= context_at
            kinds = tuple(k for k in FACT_KINDS if k in row.kinds)
            attribute = Attribute(
                name=row.name,
                phrase=m.group(0),
                terms=row.terms,
                kinds=kinds,
                expects=row.expects,
                counts=row.counts,
                context=context,
            )
            found.append((m.start(), m.end(), attribute))
            break
    return [(s, a) for s, _, a in found]


def _plain_capitals() -> frozenset[str]:
    """Words written in capitals that name no thing ("CEO", "GDP", "Q3")."""
    return frozenset(knowledge.question_words().capitals)


_POSSESSED = re.compile(
    r"['’]s?\s+((?:[a-z][\w-]*\s+){0,3}[a-z][\w-]*)(?=\s+(?:for|in|on|of|at|to|after|before|since|this|that|"
    r"last|next|be|been|is|was|were|are|do|does|did|now|so|and|or)\b|\s*[?,.]|$)"
)
_FILLER = frozenset(["current", "latest", "new", "recent", "total", "main", "overall", "own"])


# "the chief executive of AMC": the same possession written with "of" before a name
_OF_NAME = re.compile(r"\b(?:the|its|their)\s+((?:[a-z][\w-]*\s+){0,3}[a-z][\w-]*)\s+of\s+(?:the\s+)?[A-Z]")


def possessed(question: str) -> Attribute | None:
    """What a possessive asks about when no attribute of the data does ("the bank's bond-buying
    programme", "the chief executive of AMC"): most of its words must be in an answer sentence."""
    m = _POSSESSED.search(question) or _OF_NAME.search(question)
    if m is None:
        return None
    words = [w for w in m.group(1).split() if w not in _FILLER]
    if not words:
        return None
    terms = tuple(rf"\b{re.escape(w[: max(4, len(w) - 2)])}" for w in words)
    need = max(1, (2 * len(words) + 2) // 3)
    return Attribute(name=" ".join(words), phrase=m.group(1), terms=terms, need=need)


def answer_form(question: str) -> tuple[AnswerType, Expects]:
    """The answer type and expected figure of the first question form that matches."""
    for row in knowledge.question_forms():
        if _compiled(row.pattern).search(question):
            return row.type, row.expects
    return "general", "any"


@lru_cache(maxsize=1)
def _instrument_table() -> tuple[re.Pattern[str], dict[str, knowledge.EntityRow]]:
    """Every alias of the instruments the extractor's tables leave out (currencies, bonds, more indexes),
    longest first; aliases of up to five capitals keep their case."""
    table: dict[str, knowledge.EntityRow] = {}
    written: dict[str, str] = {}
    for row in knowledge.instruments():
        for alias in (row.name, *row.aliases, *row.variants) if not row.lexicon else ():
            key = _key(alias)
            if len(alias) >= 3 and key not in table:
                table[key], written[key] = row, alias
    parts = []
    for key in sorted(table, key=len, reverse=True):
        alias = written[key]
        body = r"[\s-]+".join(re.escape(w) for w in alias.split())
        parts.append(body if alias.isupper() and len(alias) <= 5 else f"(?i:{body})")
    # "won't" does not name the won: a match may not run into a contraction.
    return re.compile(r"(?<![\w.])(?:" + "|".join(parts) + r")(?![\w]|['’]\w)"), table


def _key(alias: str) -> str:
    """An alias as the instrument table keys it: case folded, hyphens and runs of spaces as one space."""
    return re.sub(r"[\s-]+", " ", alias).casefold()


def instrument_concepts(question: str, taken: list[tuple[int, int]]) -> list[Concept]:
    """Currencies, bonds and indexes of the knowledge files named in the question ("the yen", "Treasuries"),
    with every alias as a search term."""
    pattern, table = _instrument_table()
    found, rows = [], []
    for m in pattern.finditer(question):
        row = table.get(_key(m.group(0)))
        # a longer instrument name wins over a general word inside it ("U.S. 10-year Treasury yield")
        if row is None or any(
            s < m.end() and m.start() < e and not m.start() <= s < e <= m.end() for s, e in taken
        ):
            continue
        taken.append(m.span())
        if row in rows:  # "the DXY dollar index" names one instrument twice
            continue
        rows.append(row)
        terms = tuple(
            a for a in (row.name, *row.aliases, *row.variants) if a.casefold() != m.group(0).casefold()
        )
        found.append(Concept(m.group(0), (row.name,), terms, True))
    return found


def compound_names(
    question: str, known: list[Concept], taken: list[tuple[int, int]]
) -> tuple[list[Concept], list[tuple[int, int]]]:
    """A capitalised run whose head no table knows and whose tail one does ("Quorvik Energy", "Korvath
    Mining shares") is one company's name: the tail's concept (a sector) gives way to the proper name."""
    for m in _NAME.finditer(question):
        words = list(re.finditer(r"\S+", m.group(0)))
        while words and (
            words[0].group(0).casefold() in _QUESTION_START or words[0].group(0) in _plain_capitals()
        ):
            words.pop(0)
        if len(words) < 2:
            continue
        start = m.start() + words[0].start()
        tails = [(a, b) for a, b in taken if start < a < m.end()]
        if not tails or any(a <= start < b for a, b in taken):
            continue
        head = question[start : min(a for a, _ in tails)].split()
        if any(
            _DEMONYM.search(w) or w in knowledge.question_words().places or _calendar_word(w) for w in head
        ):
            continue
        gone = {question[a:b].casefold() for a, b in tails}
        known = [c for c in known if c.phrase.casefold() not in gone]
        taken = [span for span in taken if span not in tails]
    return known, taken


def proper_names(question: str, taken: list[tuple[int, int]]) -> list[Concept]:
    """Capitalised names the knowledge files do not know ("CarMax", "Dr. Lal PathLabs"), as open concepts."""
    found = []
    for m in _NAME.finditer(question):
        words = m.group(0).split()
        while words and (words[0].casefold() in _QUESTION_START or words[0] in _plain_capitals()):
            words.pop(0)
        while words and _calendar_word(words[-1]):
            words.pop()
        phrase = " ".join(words)
        phrase = phrase if phrase.count(".") > 1 else phrase.rstrip(".")
        if not phrase or _calendar_word(phrase) or any(s < m.end() and m.start() < e for s, e in taken):
            continue
        found.append(Concept(phrase, specific=True, open=True))
    return found


def _calendar_word(phrase: str) -> bool:
    """True for month and weekday names and abbreviations ("Nov.", "Sept", "Thursday")."""
    word = re.split(r"[-\s]", phrase)[0].rstrip(".").casefold()
    return word in month_words() or word in WEEKDAYS


def _kinds(question: str, focus: Attribute | None, answer_type: AnswerType) -> tuple[FactKind, ...]:
    """Fact kinds the question asks for: a list's noun's ("which sectors"), the focus attribute's, else
    those whose registry cues the question uses."""
    listed = re.search(r"\b(?:which|what)\s+(\w+)", question, re.I) if answer_type == "list" else None
    if listed is not None:
        kinds = tuple(info.kind for info in REGISTRY if info.cues and re.search(info.cues, listed[1], re.I))
        if kinds:
            return kinds
    if focus is not None and focus.kinds:
        return focus.kinds
    return tuple(info.kind for info in REGISTRY if info.cues and re.search(info.cues, question, re.I))


def _expects(form: Expects, focus: Attribute | None) -> Expects:
    """A form's precise expectation wins; else the focus attribute's; else the form's."""
    if form != "any" or focus is None:
        return form
    return focus.expects


def parse_question(text: str, anchor: date | None = None) -> Question:
    """Read a question once: named things, attribute, days, kinds, answer type and expected figure."""
    known, taken = named(text)
    known, taken = compound_names(text, known + instrument_concepts(text, taken), taken)
    opened = proper_names(text, taken)
    every = tuple(known) + tuple(opened)
    entities = tuple(c for c in every if c.specific)
    found = attributes_in(text)
    asked = [a for _, a in found if not a.context]
    focus = asked[0] if asked else possessed(text)
    answer_type, form_expects = answer_form(text)
    return Question(
        text=text,
        query=search_text(text, known),
        entities=entities,
        concepts=every,
        canonical=tuple(dict.fromkeys(n for c in known for n in c.names)),
        attributes=tuple(a for _, a in found),
        focus=focus,
        answer_type=answer_type,
        expects=_expects(form_expects, focus) if answer_type in ("figure", "comparison") else form_expects,
        window=parse_question_dates(text, anchor),
        period=period_of(text),
        kinds=_kinds(text, focus, answer_type),
    )
