"""The rule-based extractor: the per-kind rules run in one fixed, documented order, then de-duplicated.

Reading an article: build its Doc (lexicon with the article's own listings, prose sentences, same-day
flag); run the sentence steps of STEPS on each sentence in order, carrying state to the next sentence
(Doc.finish_sentence); then the article steps; then keep one fact per (kind, subject, value, day).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from assistant.extraction import dates
from assistant.extraction.names import Lexicon, Mention
from assistant.extraction.rules.capex import capex
from assistant.extraction.rules.doc import Doc
from assistant.extraction.rules.metrics import (
    financials,
    free_cash_flow,
    growth_vs_expectations,
    value_losses,
)
from assistant.extraction.rules.moves import moves
from assistant.extraction.rules.prices import prices
from assistant.extraction.rules.quotes import quotes
from assistant.extraction.rules.rates import rate_decisions
from assistant.extraction.rules.sentences import Sentence, sentences
from assistant.extraction.rules.valuation import ratios, weights
from assistant.facts import Fact, Quote
from assistant.models import Article

SentenceRule = Callable[[Doc, Sentence, Sequence[Mention]], list[Fact]]
ArticleRule = Callable[[Doc], list[Fact]]


@dataclass(frozen=True)
class Step:
    """One rule in the reading order: run on every sentence (sentence) or once on the article (article)."""

    name: str
    sentence: SentenceRule | None = None
    article: ArticleRule | None = None


# The order is behaviour, not style. Each sentence goes through every sentence step in this order before
# the next sentence is read; the article steps run after the last sentence. It matters because:
# - event_date() updates the carried session whenever a move is dated; moves and prices without a date of
#   their own take the session as it stands, so the order decides which session a fact sees;
# - capex() reads whether the previous sentence stated capex, and carries its spender forward;
# - dedupe() keeps, of two equal facts with as much detail and the same start, the one found first.
# Quotes run over whole paragraphs (a quote can span sentences and paragraphs), after learn_persons().
STEPS: tuple[Step, ...] = (
    Step("metric: index weights", sentence=weights),
    Step("index, sector, stock moves: percent, then points", sentence=moves),
    Step("capex", sentence=capex),
    Step("price levels", sentence=prices),
    Step("rate decisions", sentence=rate_decisions),
    Step("metric: free cash flow", sentence=free_cash_flow),
    Step("metric: market value lost or gained", sentence=value_losses),
    Step("metric: growth against expectations", sentence=growth_vs_expectations),
    Step("metric: valuation ratios", sentence=ratios),
    Step("metric: reported financials", sentence=financials),
    Step("quotes", article=quotes),
)


class RulesExtractor:
    """Deterministic pattern-based extractor for every fact kind."""

    name = "rules"

    def extract(self, article: Article) -> list[Fact]:
        """Facts of the article, each grounded in an exact span of its text."""
        doc = read(article)
        facts: list[Fact] = []
        for sent in doc.sentences:
            mentions = doc.lexicon.mentions(sent.text, sent.start)
            found = [f for step in STEPS if step.sentence for f in step.sentence(doc, sent, mentions)]
            doc.finish_sentence(found, mentions)
            facts.extend(found)
        for step in STEPS:
            if step.article:
                facts.extend(step.article(doc))
        return dedupe([f for f in facts if f.evidence], doc)


def read(article: Article) -> Doc:
    """Reading state for an article: lexicon with its own listings, prose sentences, same-day flag."""
    lexicon = Lexicon()
    lexicon.learn_listings(article.text)
    sents = sentences(article.text, article.meta.title)
    body = " ".join(s.text for s in sents if not s.is_title)
    return Doc(article, lexicon, sents, dates.reads_as_same_day(body, article.meta.published))


def dedupe(facts: list[Fact], doc: Doc) -> list[Fact]:
    """One fact per (kind, subject, value, day): body sentences before the title, earlier before later."""
    title_lines = {s.start for s in doc.sentences if s.is_title}
    ordered = sorted(
        facts, key=lambda f: (f.span.start in title_lines or _in_title(doc, f), -_detail(f), f.span.start)
    )
    kept: list[Fact] = []
    seen: set[tuple[Any, ...]] = set()
    for fact in ordered:
        key = _key(fact)
        if key in seen:
            continue
        seen.add(key)
        kept.append(fact)
    return sorted(kept, key=lambda f: (f.span.start, f.span.end))


def _detail(fact: Fact) -> int:
    """How many optional details a fact carries (a fuller duplicate is kept over a thinner one)."""
    skip = {"article_id", "span", "evidence", "subject", "as_of", "extractor", "confidence", "kind", "period"}
    return sum(1 for k, v in fact.model_dump().items() if k not in skip and v not in (None, ()))


def _in_title(doc: Doc, fact: Fact) -> bool:
    """True when the fact comes from the title line."""
    return any(s.is_title and s.start <= fact.span.start < s.end for s in doc.sentences)


def _key(fact: Fact) -> tuple[Any, ...]:
    """What makes two facts the same."""
    if isinstance(fact, Quote):
        return (fact.kind, fact.speaker, fact.evidence)
    value = fact.main_value()
    return (fact.kind, fact.subject.casefold(), round(value, 4) if value is not None else None, fact.as_of)
