"""Run the configured extractors on an article: ground-check, merge and de-duplicate their facts."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from assistant.facts import Fact, FactExtractor, is_grounded
from assistant.models import Article
from assistant.settings import Settings


@dataclass
class ExtractionResult:
    """Facts of one article and notes on what went wrong or was dropped."""

    facts: list[Fact]
    notes: list[str] = field(default_factory=list)


def _subject_key(fact: Fact) -> str:
    """Subject (or speaker) reduced to lower-case words for comparison."""
    name = fact.speaker if fact.kind == "quote" else fact.subject
    return " ".join(re.findall(r"[a-z0-9&]+", name.casefold()))


def _same_fact(a: Fact, b: Fact) -> bool:
    """Two facts state the same thing: kind, subject and number agree and their spans overlap."""
    if a.kind != b.kind or not a.span.overlaps(b.span) or _subject_key(a) != _subject_key(b):
        return False
    x, y = a.main_value(), b.main_value()
    return x is None or y is None or abs(x - y) <= 0.005 * max(abs(x), abs(y))


def merge(groups: Sequence[Sequence[Fact]]) -> list[Fact]:
    """One list from several extractors' facts; of duplicates, the most confident (earlier on ties) stays."""
    kept: list[Fact] = []
    for facts in groups:
        for fact in facts:
            twin = next((i for i, other in enumerate(kept) if _same_fact(other, fact)), None)
            if twin is None:
                kept.append(fact)
            elif fact.confidence > kept[twin].confidence:
                kept[twin] = fact
    return sorted(kept, key=lambda f: (f.span.start, f.span.end, f.kind))


class FactExtraction:
    """The extractors of a library; a failing extractor never costs the others' facts."""

    def __init__(self, extractors: Sequence[FactExtractor]) -> None:
        self.extractors = list(extractors)

    @property
    def names(self) -> list[str]:
        """Names of the extractors in use."""
        return [e.name for e in self.extractors]

    def run(self, article: Article) -> ExtractionResult:
        """Facts of the article from every extractor, grounded, merged and de-duplicated."""
        groups: list[list[Fact]] = []
        notes: list[str] = []
        for extractor in self.extractors:
            try:
                facts = extractor.extract(article)
            except Exception as exc:  # an LLM outage must not fail the ingest: other facts still go in
                notes.append(f"{extractor.name} extractor failed ({exc}); other facts kept")
                continue
            grounded = [f for f in facts if is_grounded(f, article.text)]
            if len(grounded) < len(facts):
                notes.append(f"{extractor.name}: {len(facts) - len(grounded)} ungrounded facts dropped")
            reasons: list[str] = getattr(extractor, "last_drop_reasons", [])
            if reasons:
                more = ", …" if len(reasons) > 1 else ""
                notes.append(f"{extractor.name}: {len(reasons)} facts dropped ({reasons[0]}{more})")
            groups.append(grounded)
        return ExtractionResult(merge(groups), notes)


def make_extraction(settings: Settings) -> FactExtraction:
    """Rules always; the LLM extractor too when an LLM is configured and LLM extraction is on."""
    from assistant.extraction.rules import RulesExtractor

    extractors: list[FactExtractor] = [RulesExtractor()]
    if settings.llm_extraction:
        from assistant.extraction.llm import LLMExtractor
        from assistant.llm import make_chat_model

        chat = make_chat_model(settings)
        if chat is not None:
            extractors.append(LLMExtractor(chat, settings))
    return FactExtraction(extractors)
