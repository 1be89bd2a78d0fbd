"""Market-move evaluation on real wire paragraphs, with the matching rule of shared/eval/README.md.

A predicted fact of a move kind matches a gold move of the same paragraph when its subject names the same
thing (or its evidence overlaps the gold evidence) and one of its numbers equals one of the gold's numbers
(signed change %, bp, points or level; 0.5% relative tolerance).  A gold move matched several times counts
once and the extra facts are duplicates, not errors; unsure gold moves are neither missed nor, when
matched, false positives.  A stock move about a commodity, currency, yield or crypto asset never matches.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from assistant.evaluate import KindScore, evidence_spans, same_subject
from assistant.facts import KINDS, MOVE_KINDS, Fact, MoveFact

GOLD_NUMBERS = ("change_pct", "change_bp", "points", "level")
CLASSES = ("index", "sector", "stock", "commodity", "currency", "yield", "crypto")
NOT_A_COMPANY = frozenset({"commodity", "currency", "yield", "crypto"})


def fact_class(fact: Fact) -> str | None:
    """The asset class of a move fact (None for other kinds)."""
    return KINDS[fact.kind].asset_class


def _numbers(fact: MoveFact) -> list[float]:
    """The numbers a predicted move states."""
    return [v for v in (fact.change_pct, fact.change_bp, fact.points, fact.level) if v is not None]


def _close(a: float, b: float) -> bool:
    """Equal within 0.5% of b (exactly for zero)."""
    return abs(a - b) <= 0.005 * abs(b) if b else a == 0


def move_matches(gold: dict[str, Any], fact: Fact, text: str) -> bool:
    """The README's rule for one gold move and one predicted move fact."""
    if not isinstance(fact, MoveFact) or (fact.kind == "stock_move" and gold["class"] in NOT_A_COMPANY):
        return False
    overlaps = any(span.overlaps(fact.span) for span in evidence_spans(text, gold["evidence"]))
    if not (overlaps or same_subject(gold["subject"], fact.subject)):
        return False
    gold_numbers = [float(gold[k]) for k in GOLD_NUMBERS if gold.get(k) is not None]
    if not gold_numbers:  # an unsure move stated without a number: the subject or span is enough
        return True
    return any(_close(mine, theirs) for mine in _numbers(fact) for theirs in gold_numbers)


@dataclass
class MovesReport:
    """Counts overall and per class, class accuracy, misses and false positives."""

    classes: dict[str, KindScore] = field(default_factory=lambda: {c: KindScore() for c in CLASSES})
    class_right: int = 0
    class_judged: int = 0
    duplicates: int = 0
    misses: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    false_positives: list[tuple[str, Fact]] = field(default_factory=list)
    wrong_class: list[tuple[str, str, Fact]] = field(default_factory=list)

    def overall(self) -> KindScore:
        """Counts summed over classes."""
        total = KindScore()
        for s in self.classes.values():
            total.gold += s.gold
            total.predicted += s.predicted
            total.matched_gold += s.matched_gold
            total.correct += s.correct
        return total

    @property
    def class_accuracy(self) -> float:
        """Share of matched predictions whose kind has the gold move's class."""
        return self.class_right / self.class_judged if self.class_judged else 1.0


def score_paragraph(
    report: MovesReport, doc: str, text: str, gold: list[dict[str, Any]], facts: Sequence[Fact]
) -> None:
    """Add one paragraph's gold moves and predicted move facts to the report."""
    moves = [f for f in facts if f.kind in MOVE_KINDS]
    for row in gold:
        if not row.get("unsure"):
            report.classes[row["class"]].gold += 1
    matched: set[int] = set()
    for fact in moves:
        hits = [i for i, row in enumerate(gold) if move_matches(row, fact, text)]
        if not hits:
            report.classes[fact_class(fact) or "stock"].predicted += 1
            report.false_positives.append((doc, fact))
            continue
        fresh = [i for i in hits if i not in matched]
        best = next((i for i in fresh if gold[i]["class"] == fact_class(fact)), fresh[0] if fresh else None)
        if best is None:
            report.duplicates += 1
            continue
        matched.add(best)
        row = gold[best]
        if row.get("unsure"):
            continue
        predicted_class = fact_class(fact) or "stock"
        report.classes[predicted_class].predicted += 1
        report.classes[predicted_class].correct += 1
        report.classes[row["class"]].matched_gold += 1
        report.class_judged += 1
        if predicted_class == row["class"]:
            report.class_right += 1
        else:
            report.wrong_class.append((doc, row["class"], fact))
    missed = [row for i, row in enumerate(gold) if i not in matched and not row.get("unsure")]
    report.misses.extend((doc, row) for row in missed)


def score_moves(rows: list[dict[str, Any]], predictions: dict[str, tuple[str, list[Fact]]]) -> MovesReport:
    """Score every paragraph's predicted facts ({doc: (text, facts)}) against its gold moves."""
    report = MovesReport()
    for row in rows:
        text, facts = predictions.get(row["doc"], (row["text"], []))
        score_paragraph(report, row["doc"], text, row["moves"], facts)
    return report
