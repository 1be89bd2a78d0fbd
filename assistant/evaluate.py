"""Fact-extraction evaluation against gold facts, with the matching rule of shared/eval/README.md."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.facts import FACT_KINDS, NUMERIC_KINDS, Fact
from assistant.models import Span

# gold keys holding a fact's main number, in priority order
MAIN_NUMBER_KEYS = (
    "change_pct",
    "amount_usd",
    "amount_usd_low",
    "price_usd",
    "rate_low",
    "value",
    "value_pct",
    "value_usd",
    "value_usd_low",
)
_SUFFIXES = {
    "inc",
    "corp",
    "corporation",
    "co",
    "company",
    "plc",
    "se",
    "ltd",
    "ag",
    "sa",
    "nv",
    "holdings",
    "group",
    "platforms",
    "the",
    "index",
    "stocks",
    "sector",
    "shares",
}


def _tokens(name: str) -> set[str]:
    """Name words without case, punctuation and corporate suffixes."""
    words = re.findall(r"[a-z0-9&]+", name.casefold())
    return {w for w in words if w not in _SUFFIXES} or set(words)


def same_subject(gold: str, predicted: str) -> bool:
    """True when predicted names one of gold's |-separated alternatives (one's words contain the other's)."""
    mine = _tokens(predicted)
    for alternative in gold.split("|"):
        theirs = _tokens(alternative)
        if mine and theirs and (mine <= theirs or theirs <= mine):
            return True
    return False


def gold_number(row: dict[str, Any]) -> float | None:
    """The gold fact's main number."""
    return next((float(row[k]) for k in MAIN_NUMBER_KEYS if row.get(k) is not None), None)


def numbers_agree(gold: float | None, predicted: float | None) -> bool:
    """Within 0.5% of the gold value (exact for zero); a fact without a gold number needs none."""
    if gold is None:
        return True
    if predicted is None:
        return False
    return abs(predicted - gold) <= 0.005 * abs(gold) if gold else predicted == 0


def evidence_spans(text: str, evidence: str) -> list[Span]:
    """Every place the gold evidence occurs in the text."""
    found = re.finditer(re.escape(evidence), text)
    return [Span(start=m.start(), end=m.start() + len(evidence)) for m in found]


def matches(row: dict[str, Any], fact: Fact, text: str) -> bool:
    """The README's rule: same kind; same subject (speaker for quotes); number within 0.5%; spans overlap."""
    if row["kind"] != fact.kind:
        return False
    if not any(span.overlaps(fact.span) for span in evidence_spans(text, row["evidence"])):
        return False
    if fact.kind == "quote":
        return same_subject(row["speaker"], fact.speaker)
    return same_subject(row["subject"], fact.subject) and numbers_agree(gold_number(row), fact.main_value())


@dataclass
class KindScore:
    """Counts for one kind."""

    gold: int = 0
    predicted: int = 0
    matched_gold: int = 0
    correct: int = 0

    @property
    def precision(self) -> float:
        """Share of predictions that match a gold fact."""
        return self.correct / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        """Share of gold facts matched."""
        return self.matched_gold / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Report:
    """Scores per kind, the misses and the false positives."""

    kinds: dict[str, KindScore] = field(default_factory=lambda: {k: KindScore() for k in FACT_KINDS})
    misses: list[dict[str, Any]] = field(default_factory=list)
    false_positives: list[tuple[str, Fact]] = field(default_factory=list)
    grounded: int = 0
    total: int = 0

    def overall(self, kinds: Sequence[str] = FACT_KINDS) -> KindScore:
        """Counts summed over kinds."""
        total = KindScore()
        for kind in kinds:
            score = self.kinds[kind]
            total.gold += score.gold
            total.predicted += score.predicted
            total.matched_gold += score.matched_gold
            total.correct += score.correct
        return total

    def numeric(self) -> KindScore:
        """Counts summed over every kind but quotes."""
        return self.overall(NUMERIC_KINDS)


def load_gold(path: Path) -> list[dict[str, Any]]:
    """Gold facts, one JSON object a line."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def score(gold: list[dict[str, Any]], predictions: dict[str, tuple[str, list[Fact]]]) -> Report:
    """Score predictions ({doc: (article text, facts)}) against gold rows; one-to-one greedy matching."""
    report = Report()
    for doc, (text, facts) in predictions.items():
        rows = [row for row in gold if row["doc"] == doc]
        used: set[int] = set()
        for row in rows:
            report.kinds[row["kind"]].gold += 1
        matched_rows: set[int] = set()
        for fact in facts:
            report.total += 1
            report.grounded += text[fact.span.start : fact.span.end] == fact.evidence
            report.kinds[fact.kind].predicted += 1
            hit = next((i for i, row in enumerate(rows) if i not in used and matches(row, fact, text)), None)
            if hit is None:  # includes a second fact for an already matched gold row
                report.false_positives.append((doc, fact))
                continue
            used.add(hit)
            matched_rows.add(hit)
            report.kinds[fact.kind].correct += 1
            report.kinds[fact.kind].matched_gold += 1
        report.misses.extend(row for i, row in enumerate(rows) if i not in matched_rows)
    return report


@dataclass
class QuestionResult:
    """How one question fared."""

    question: str
    answerable: bool
    retrieved_support: bool = False
    citations: int = 0
    good_citations: int = 0
    mentions: int = 0
    mentioned: int = 0
    abstained: bool = False
    answer: str = ""


@dataclass
class QAReport:
    """The question-answering measures of shared/eval/README.md."""

    results: list[QuestionResult] = field(default_factory=list)

    def _answerable(self) -> list[QuestionResult]:
        """Results of answerable questions."""
        return [r for r in self.results if r.answerable]

    @property
    def recall_at_5(self) -> float:
        """Share of answerable questions with a supporting passage among the top 5."""
        rows = self._answerable()
        return sum(r.retrieved_support for r in rows) / len(rows) if rows else 1.0

    @property
    def citation_precision(self) -> float:
        """Share of citations whose passage overlaps a support span of their question."""
        total = sum(r.citations for r in self._answerable())
        return sum(r.good_citations for r in self._answerable()) / total if total else 0.0

    @property
    def answer_recall(self) -> float:
        """Share of must_mention strings present in the answers."""
        total = sum(r.mentions for r in self._answerable())
        return sum(r.mentioned for r in self._answerable()) / total if total else 1.0

    @property
    def abstention(self) -> tuple[int, int]:
        """Unanswerable questions abstained on, out of all unanswerable questions."""
        rows = [r for r in self.results if not r.answerable]
        return sum(r.abstained for r in rows), len(rows)

    @property
    def false_abstention(self) -> tuple[int, int]:
        """Answerable questions abstained on, out of all answerable questions."""
        rows = self._answerable()
        return sum(r.abstained for r in rows), len(rows)


def support_spans(row: dict[str, Any], texts: dict[str, tuple[str, str]]) -> list[tuple[str, Span]]:
    """(article id, span) of every support evidence of a question, found in its document's text."""
    found: list[tuple[str, Span]] = []
    for support in row.get("support", []):
        article_id, text = texts.get(support["doc"], ("", ""))
        found.extend((article_id, span) for span in evidence_spans(text, support["evidence"]))
    return found


def hits_support(article_id: str, span: Span, supports: list[tuple[str, Span]]) -> bool:
    """True when a passage (article id + span) overlaps one of the support spans."""
    return any(aid == article_id and span.overlaps(s) for aid, s in supports)


def mentioned(answer: str, must: str) -> bool:
    """A must_mention string is present (case-insensitive, straight and curly apostrophes alike).

    The answer "contains" the string (eval README): it starts at a word's start ("1%" is not in "11%"), and
    a figure ends where its digits end ("7" is not in "75"), but a word may go on ("Russia" is in
    "Russian")."""
    norm = lambda s: s.casefold().replace("’", "'")  # noqa: E731
    left = r"\b" if must[:1].isalnum() else ""
    right = r"(?!\d|[.,]\d)" if must[-1:].isdigit() else ""
    return re.search(left + re.escape(norm(must)) + right, norm(answer)) is not None
