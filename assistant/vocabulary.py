"""A small finance vocabulary for questions: the words people use mapped to the names articles use.

"small caps" is the Russell 2000, "Mag 7" its seven members, "MSFT" Microsoft, "the Fed" the Federal
Reserve.  `expand` appends those names to the question (for BM25 and the dense query) and lists the
canonical entities it names (to join facts, whose subjects use the same canonical names as
`assistant.extraction.names`).  The rules are data (`vocabulary.toml` of `assistant.knowledge`),
hand-written and small on purpose, like the names tables.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from assistant import knowledge
from assistant.extraction.names import (
    ASSETS,
    CENTRAL_BANKS,
    COMPANIES,
    COMPANY_BY_TICKER,
    GROUPS,
    PRODUCTS,
    Entity,
    Lexicon,
    find,
)

SPECIFIC_KINDS = frozenset({"index", "company", "group", "asset", "bank", "product"})  # sectors are generic


def _members(group: str) -> tuple[str, ...]:
    """Canonical member names of a group in the names tables."""
    entity = find(group)
    return entity.members if entity is not None else ()


MAG7 = _members("Magnificent Seven")  # Apple, Microsoft, Alphabet, Amazon, Meta Platforms, Nvidia, Tesla
HYPERSCALERS = _members("Big Four hyperscalers")  # Alphabet, Amazon, Meta Platforms, Microsoft


@dataclass(frozen=True)
class Rule:
    """One vocabulary entry: how questions say it, the canonical entities, the words articles use."""

    pattern: re.Pattern[str]
    names: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()
    specific: bool = False


def _rule(
    pattern: str, names: tuple[str, ...] = (), terms: tuple[str, ...] = (), specific: bool = False
) -> Rule:
    """Shorthand for a case-insensitive rule."""
    return Rule(re.compile(pattern, re.IGNORECASE), names, terms, specific)


RULES: tuple[Rule, ...] = tuple(
    _rule(r.pattern, r.names, r.terms, r.specific) for r in knowledge.vocabulary()
)  # assistant/knowledge/data/vocabulary.toml
TICKER = re.compile(r"(?<![\w$.])\$?(?P<t>[A-Z]{2,5}(?:\.[A-Z])?)(?![\w])")


@dataclass(frozen=True)
class Concept:
    """Something a question names: the words it used, its canonical entities, the synonyms searched."""

    phrase: str
    names: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()
    specific: bool = False  # a named index, company, group, asset or bank (not a general word)
    open: bool = False  # a proper name the knowledge files do not know ("CarMax"), matched loosely

    def found_in(self, text: str) -> bool:
        """True when text names this concept: the phrase, a synonym, a canonical name or an alias."""
        if self.open:
            return bool(_open_finder(self.phrase).search(text))
        return bool(_finder((self.phrase, *self.terms, *_aliases(self.names))).search(text))


@dataclass(frozen=True)
class ExpandedQuery:
    """A question with synonyms appended and the canonical entities it names."""

    text: str
    entities: list[str] = field(default_factory=list)
    concepts: tuple[Concept, ...] = ()

    @property
    def specific(self) -> tuple[Concept, ...]:
        """The concepts that are named things (indexes, companies, groups, assets, banks)."""
        return tuple(c for c in self.concepts if c.specific)


def _aliases(names: tuple[str, ...]) -> tuple[str, ...]:
    """Every alias the names tables know for these canonical names (the names themselves included)."""
    out: list[str] = []
    for name in names:
        entity = find(name)
        out.extend((name, *(entity.aliases + entity.variants if entity else ())))
    return tuple(dict.fromkeys(out))


def _word_pattern(word: str) -> str:
    """A word or phrase bounded by non-word characters, with flexible spaces and hyphens."""
    body = r"[\s-]+".join(re.escape(part) for part in re.split(r"[\s-]+", word.strip()))
    return rf"(?<!\w){body}(?!\w)"


@lru_cache(maxsize=512)
def _finder(words: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern for all the words: short all-capital ones (tickers, "AI") keep their case."""
    exact = [_word_pattern(w) for w in words if w.isupper() and len(w) <= 5]
    folded = [_word_pattern(w) for w in words if w and not (w.isupper() and len(w) <= 5)]
    parts = [f"(?:{'|'.join(exact)})"] if exact else []
    if folded:
        parts.append(f"(?i:{'|'.join(folded)})")
    return re.compile("|".join(parts) or r"(?!x)x")


@lru_cache(maxsize=512)
def _open_finder(phrase: str) -> re.Pattern[str]:
    """A proper name with its last word's ending free ("Philippine" finds "Philippines", "Italy" "Italian");
    words of up to five capitals keep their case ("AMD"), others match without it."""
    words = phrase.split()
    if len(words) == 1 and phrase.isupper() and phrase.isalpha() and 2 <= len(phrase) <= 5:
        # an acronym also finds the capitalised words it abbreviates ("IMF": International Monetary Fund)
        spelled = r"\s+(?:(?:of|and|the|for|de)\s+)?".join(f"{c}[a-z]+" for c in phrase)
        return re.compile(rf"(?<!\w)(?:{re.escape(phrase)}(?:'?s)?|{spelled})(?!\w)")
    parts = []
    for n, word in enumerate(words):
        last = n == len(words) - 1
        if word.isupper() and len(word) <= 5:
            parts.append(re.escape(word) + (r"(?:'?s)?" if last else ""))
        elif last and len(word) >= 5 and word.isalpha():
            stem = word[:-1] if word.endswith("s") else word[: max(4, len(word) - 2)]
            parts.append(f"(?i:{re.escape(stem)})" + r"[\w'’]*")
        else:
            parts.append(f"(?i:{re.escape(word)})")
    whole = r"[\s-]+".join(parts)
    initials = "".join(w[0] for w in words if w[:1].isupper() and w.casefold() not in ("of", "and", "the"))
    if 2 <= len(initials) <= 4 and len(words) >= 2:
        # a name of several words also finds its initials, as wire copy writes them ("TI", "BofA" aside)
        whole = f"{whole}|{initials}(?:'?s)?(?!-\\w)"
    return re.compile(r"(?<!\w)(?:" + whole + r")(?!\w)")


def _table_concepts(question: str) -> tuple[list[Concept], list[tuple[int, int]]]:
    """Concepts from the vocabulary rules, with the spans of the question they cover."""
    found: list[Concept] = []
    spans: list[tuple[int, int]] = []
    for rule in RULES:
        for m in rule.pattern.finditer(question):
            found.append(Concept(m.group(0), rule.names, rule.terms, rule.specific))
            spans.append(m.span())
    return found, spans


def _entity_concept(entity: Entity, written: str) -> Concept:
    """A concept for an entity of the names tables: a group brings its members, a product its owner."""
    names = (entity.name, *entity.members, *((entity.owner,) if entity.owner else ()))
    terms = tuple(n for n in names if n.casefold() != written.casefold())
    return Concept(written, names, terms, entity.kind in SPECIFIC_KINDS)


def _ticker_concepts(question: str, taken: list[tuple[int, int]]) -> list[Concept]:
    """Companies named by their ticker ("MSFT", "$NVDA"); skipped when the whole question is shouted."""
    if _shouted(question):
        return []
    found = []
    for m in TICKER.finditer(question):
        company = COMPANY_BY_TICKER.get(m.group("t"))
        if company is not None and not _inside(m.span(), taken):
            found.append(Concept(m.group(0), (company.name,), (company.name,), True))
            taken.append(m.span())
    return found


def _shouted(question: str) -> bool:
    """True when the words other than known tickers are mostly in capitals ("WHAT HAPPENED NOW")."""
    words = [w for w in re.findall(r"[A-Za-z]+", question) if w not in COMPANY_BY_TICKER]
    letters = "".join(words)
    return bool(letters) and sum(ch.isupper() for ch in letters) > 0.6 * len(letters)


def _inside(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    """True when span overlaps one of the taken spans."""
    return any(span[0] < end and start < span[1] for start, end in taken)


@lru_cache(maxsize=1)
def _case_free_names() -> tuple[re.Pattern[str], dict[str, Entity]]:
    """Names that are safe to match in any case: companies, banks, groups, products and case-sensitive
    assets, written with 4+ characters in mixed case or 3+ capitals ("microsoft", "jpmorgan", "ecb")."""
    table: dict[str, Entity] = {}
    for entity in COMPANIES + CENTRAL_BANKS + GROUPS + PRODUCTS + ASSETS:
        if entity.fold:
            continue
        for alias in entity.aliases:
            if (len(alias) >= 4 and not alias.isupper()) or (len(alias) >= 3 and alias.isupper()):
                table.setdefault(alias.casefold(), entity)
    aliases = sorted(table, key=len, reverse=True)
    return re.compile("|".join(_word_pattern(a) for a in aliases), re.IGNORECASE), table


def _lowercase_concepts(question: str, taken: list[tuple[int, int]]) -> list[Concept]:
    """Named things written without their capitals ("what did microsoft report?")."""
    pattern, table = _case_free_names()
    found = []
    for m in pattern.finditer(question):
        entity = table.get(re.sub(r"[\s-]+", " ", m.group(0)).casefold())
        if entity is not None and not _inside(m.span(), taken):
            found.append(_entity_concept(entity, m.group(0)))
            taken.append(m.span())
    return found


def named(question: str) -> tuple[list[Concept], list[tuple[int, int]]]:
    """Every concept the question names (vocabulary rules, names-table entities, tickers, lower-case names),
    with the spans of the question they cover."""
    found, taken = _table_concepts(question)
    for mention in Lexicon().mentions(question):
        if not _inside((mention.start, mention.end), taken):
            found.append(_entity_concept(mention.entity, question[mention.start : mention.end]))
            taken.append((mention.start, mention.end))
    found.extend(_ticker_concepts(question, taken))
    found.extend(_lowercase_concepts(question, taken))
    unique: dict[tuple[str, ...], Concept] = {}
    for concept in found:
        unique.setdefault(concept.names or (concept.phrase.casefold(),), concept)
    return list(unique.values()), taken


def concepts(question: str) -> list[Concept]:
    """Every concept the question names."""
    return named(question)[0]


def search_text(question: str, found: Sequence[Concept]) -> str:
    """The question with the concepts' synonyms it does not already contain appended."""
    extra = [t for c in found for t in c.terms if not _finder((t,)).search(question)]
    return " ".join([question.strip(), *dict.fromkeys(extra)])


def expand(question: str) -> ExpandedQuery:
    """The question with the vocabulary's synonyms appended, and the canonical entities it names."""
    found = concepts(question)
    entities = list(dict.fromkeys(n for c in found for n in c.names))
    return ExpandedQuery(text=search_text(question, found), entities=entities, concepts=tuple(found))
