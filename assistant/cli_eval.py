"""`newsdesk eval`: measure extraction and answering against gold data in a temporary library."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape

from assistant.cli_common import console, run_ingest, settings_of
from assistant.errors import NewsdeskError

if TYPE_CHECKING:
    from assistant.answer import Answerer
    from assistant.evaluate import KindScore, QAReport, Report
    from assistant.evaluate_moves import MovesReport
    from assistant.facts import Fact
    from assistant.models import IngestOutcome
    from assistant.settings import Settings
    from ingest.pipeline import Source
    from vectorstore.library import Library

eval_app = typer.Typer(help="Measure extraction and answering against gold data.", no_args_is_help=True)


@contextmanager
def _eval_library(
    settings: Settings, gold: Path, seeds: Path | None
) -> Iterator[tuple[Settings, Library, list[IngestOutcome]]]:
    """A temporary library holding the gold's articles (default: the seeds folder beside the gold file)."""
    seeds_dir = seeds or gold.resolve().parent.parent / "seeds"
    if not gold.is_file() or not seeds_dir.is_dir():
        raise NewsdeskError(f"need {gold} and the articles folder {seeds_dir}: pass --seeds DIR")
    with _temporary_library(settings, [seeds_dir]) as found:
        yield found


@contextmanager
def _temporary_library(
    settings: Settings, sources: list[Source], keep: Path | None = None
) -> Iterator[tuple[Settings, Library, list[IngestOutcome]]]:
    """A library holding the sources: in a temporary folder removed afterwards, or in keep (reused)."""
    from vectorstore.library import Library

    with tempfile.TemporaryDirectory(prefix="newsdesk-eval-") as tmp:
        home = keep if keep is not None else Path(tmp)
        local = settings.model_copy(update={"home": home, "catalog_url": None, "chroma_url": None})
        outcomes = run_ingest(local, sources)
        yield local, Library.open(local), outcomes


@eval_app.command("facts")
def eval_facts(
    ctx: typer.Context,
    gold: Annotated[Path, typer.Argument(help="Gold facts, JSON lines (shared/eval/seed_facts.jsonl).")],
    seeds: Annotated[
        Path | None, typer.Option(help="Folder of the gold's articles (default: ../seeds beside it).")
    ] = None,
    show: Annotated[int, typer.Option(help="How many misses and false positives to list.")] = 50,
) -> None:
    """Ingest the gold's articles into a temporary library and score the extracted facts per kind."""
    from assistant.evaluate import load_gold, score

    with _eval_library(settings_of(ctx), gold, seeds) as (_local, library, outcomes):
        predictions = {}
        for outcome in outcomes:
            if outcome.article_id and outcome.status in ("added", "duplicate"):
                article = library.catalog.get(outcome.article_id)
                predictions[Path(outcome.item).name] = (
                    article.text,
                    library.catalog.facts(article_id=article.id),
                )
        report = score(load_gold(gold), predictions)
    print_report(report, show)


def print_report(report: Report, show: int) -> None:
    """Per-kind precision, recall and F1, then misses and false positives."""
    from rich.table import Table

    from assistant.facts import FACT_KINDS, describe

    table = Table(header_style="bold", caption="numeric = every kind but quote")
    for name in ("kind", "gold", "predicted", "correct", "precision", "recall", "F1"):
        table.add_column(name, justify="left" if name == "kind" else "right")
    rows: list[tuple[str, KindScore]] = [(k, report.kinds[k]) for k in FACT_KINDS]
    rows += [("numeric", report.numeric()), ("overall", report.overall())]
    for name, s in rows:
        table.add_row(
            name,
            str(s.gold),
            str(s.predicted),
            str(s.correct),
            f"{s.precision:.3f}",
            f"{s.recall:.3f}",
            f"{s.f1:.3f}",
            style="bold" if name in ("overall", "numeric") else None,
        )
    console.print(table)
    grounded = report.grounded / report.total if report.total else 1.0
    console.print(f"grounded: {report.grounded}/{report.total} facts ({grounded:.0%})")
    if report.misses:
        console.print(f"\n[bold]misses[/] ({len(report.misses)})")
    for row in report.misses[:show]:
        who = row.get("subject") or row.get("speaker")
        console.print(
            f"  {row['kind']:<13} {escape(str(who))}: {escape(row['evidence'][:100])}", soft_wrap=True
        )
    if report.false_positives:
        console.print(f"\n[bold]false positives[/] ({len(report.false_positives)})")
    for doc, fact in report.false_positives[:show]:
        console.print(
            f"  {fact.kind:<13} {escape(fact.subject)} {escape(describe(fact))}: "
            f"{escape(fact.evidence[:100])} [dim]({doc})[/]",
            soft_wrap=True,
        )


@eval_app.command("qa")
def eval_qa(
    ctx: typer.Context,
    gold: Annotated[Path, typer.Argument(help="Questions, JSON lines (shared/eval/seed_qa.jsonl).")],
    seeds: Annotated[
        Path | None, typer.Option(help="Folder of the articles (default: ../seeds beside it).")
    ] = None,
    corpus: Annotated[
        Path | None,
        typer.Option(
            help="Articles as JSON lines {doc, text}, each ingested as a text article named doc "
            "(default for X_qa.jsonl: X_corpus.jsonl beside it when there is one)."
        ),
    ] = None,
    keep: Annotated[
        Path | None,
        typer.Option(help="Build (or reuse) the library in this folder instead of a temporary one."),
    ] = None,
    extractive: Annotated[bool, typer.Option("--extractive/--llm", help="Answer without the LLM.")] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures and answers as JSON.")] = False,
) -> None:
    """Build a library from the articles and measure retrieval, citations, answers and abstention."""
    from assistant.answer import Answerer
    from assistant.evaluate import load_gold

    if not gold.is_file():
        raise NewsdeskError(f"{gold}: no such file; pass a question set such as seed_qa.jsonl")
    sources = _qa_sources(gold, seeds, corpus)
    with _temporary_library(settings_of(ctx), sources, keep) as (settings, library, outcomes):
        texts = {
            Path(o.item).name: (o.article_id, library.catalog.get(o.article_id).text)
            for o in outcomes
            if o.article_id
        }
        report = run_qa(Answerer(library, settings), load_gold(gold), texts, extractive)
    if as_json:
        console.print_json(json.dumps(qa_figures(report)))
        return
    print_qa_report(report)


def _qa_sources(gold: Path, seeds: Path | None, corpus: Path | None) -> list[Source]:
    """The articles a question set is asked over: a JSON-lines corpus, or a folder of files."""
    from assistant.evaluate import load_gold
    from ingest.pipeline import TextSource

    beside = gold.with_name(gold.name.replace("_qa.", "_corpus.")) if "_qa." in gold.name else None
    corpus = corpus or (beside if seeds is None and beside is not None and beside.is_file() else None)
    if corpus is not None:
        if not corpus.is_file():
            raise NewsdeskError(f"{corpus}: no such file; pass --corpus with a JSON-lines corpus")
        return [TextSource(row["text"], row["doc"]) for row in load_gold(corpus)]
    seeds_dir = seeds or gold.resolve().parent.parent / "seeds"
    if not seeds_dir.is_dir():
        raise NewsdeskError(f"need the articles folder {seeds_dir}: pass --seeds DIR or --corpus FILE")
    return [seeds_dir]


def run_qa(
    answerer: Answerer, rows: list[dict[str, Any]], texts: dict[str, tuple[str, str]], extractive: bool
) -> QAReport:
    """Ask every question and score retrieval, citations, mentions and abstention."""
    from assistant.evaluate import QAReport, QuestionResult, hits_support, mentioned, support_spans

    report = QAReport()
    for row in rows:
        supports = support_spans(row, texts)
        top5 = answerer.retriever.retrieve(answerer.retriever.read(row["question"]), 5).hits
        answer = answerer.ask(row["question"], extractive=extractive)
        result = QuestionResult(
            row["question"], bool(row["answerable"]), abstained=answer.abstained, answer=answer.text
        )
        result.retrieved_support = any(hits_support(h.article.id, h.passage.span, supports) for h in top5)
        if not answer.abstained:
            result.citations = len(answer.citations)
            result.good_citations = sum(
                hits_support(c.article.id, c.passage.span, supports) for c in answer.citations
            )
        musts = row.get("must_mention", [])
        result.mentions = len(musts)
        result.mentioned = 0 if answer.abstained else sum(mentioned(answer.text, m) for m in musts)
        report.results.append(result)
    return report


def qa_figures(report: QAReport) -> dict[str, Any]:
    """The question-answering measures and one record per question, as plain data."""
    done, total = report.abstention
    return {
        "recall_at_5": round(report.recall_at_5, 4),
        "citation_precision": round(report.citation_precision, 4),
        "answer_recall": round(report.answer_recall, 4),
        "abstention": [done, total],
        "false_abstention": list(report.false_abstention),
        "questions": [
            {
                "question": r.question,
                "answerable": r.answerable,
                "retrieved_support": r.retrieved_support,
                "abstained": r.abstained,
                "citations": [r.good_citations, r.citations],
                "mentions": [r.mentioned, r.mentions],
                "answer": r.answer,
            }
            for r in report.results
        ],
    }


def print_qa_report(report: QAReport) -> None:
    """The measures, then one line per question."""
    done, total = report.abstention
    declined, answerable = report.false_abstention
    console.print(f"retrieval recall@5   {report.recall_at_5:.3f}")
    console.print(f"citation precision   {report.citation_precision:.3f}")
    console.print(f"answer recall        {report.answer_recall:.3f}")
    console.print(f"abstention           {done}/{total}" + (f" ({done / total:.3f})" if total else ""))
    console.print(
        f"false abstention     {declined}/{answerable}"
        + (f" ({declined / answerable:.3f})" if answerable else "")
    )
    for r in report.results:
        mark = (
            "abstained"
            if r.abstained
            else f"{r.good_citations}/{r.citations} cites, {r.mentioned}/{r.mentions} mentions"
        )
        hit = "hit " if r.retrieved_support else "miss" if r.answerable else "    "
        console.print(f"  {hit} {mark:<32} {escape(r.question)}", soft_wrap=True)


@eval_app.command("moves")
def eval_moves(
    ctx: typer.Context,
    gold: Annotated[
        Path, typer.Argument(help="Labelled paragraphs, JSON lines (shared/eval/real_moves.jsonl).")
    ],
    show: Annotated[int, typer.Option(help="How many misses and false positives to list.")] = 40,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
) -> None:
    """Ingest each paragraph as a text article into a temporary library and score the market moves found."""
    from assistant.evaluate import load_gold
    from assistant.evaluate_moves import score_moves
    from ingest.pipeline import TextSource

    if not gold.is_file():
        raise NewsdeskError(f"{gold}: no such file; pass the labelled paragraphs (real_moves.jsonl)")
    rows = load_gold(gold)
    sources: list[Source] = [TextSource(row["text"], row["doc"]) for row in rows]
    with _temporary_library(settings_of(ctx), sources) as (_local, library, outcomes):
        predictions: dict[str, tuple[str, list[Fact]]] = {}
        for outcome in outcomes:
            if outcome.article_id:
                text = library.catalog.get(outcome.article_id).text
                predictions[outcome.item] = (text, library.catalog.facts(article_id=outcome.article_id))
    report = score_moves(rows, predictions)
    if as_json:
        console.print_json(json.dumps(moves_figures(report)))
        return
    print_moves_report(report, show)


def moves_figures(report: MovesReport) -> dict[str, Any]:
    """The report's headline figures as plain data."""
    total = report.overall()
    return {
        "precision": round(total.precision, 4),
        "recall": round(total.recall, 4),
        "f1": round(total.f1, 4),
        "class_accuracy": round(report.class_accuracy, 4),
        "gold": total.gold,
        "predicted": total.predicted,
        "duplicates": report.duplicates,
        "classes": {c: [s.gold, s.predicted, round(s.f1, 4)] for c, s in report.classes.items()},
    }


def print_moves_report(report: MovesReport, show: int) -> None:
    """Precision, recall and F1 per class and overall, class accuracy, then misses and false positives."""
    from rich.table import Table

    from assistant.evaluate_moves import CLASSES

    table = Table(
        header_style="bold", caption="gold and recall by the gold class; predicted by the fact's kind"
    )
    for name in ("class", "gold", "predicted", "correct", "precision", "recall", "F1"):
        table.add_column(name, justify="left" if name == "class" else "right")
    rows = [(c, report.classes[c]) for c in CLASSES] + [("overall", report.overall())]
    for name, s in rows:
        figures = (s.gold, s.predicted, s.correct, f"{s.precision:.3f}", f"{s.recall:.3f}", f"{s.f1:.3f}")
        table.add_row(name, *map(str, figures), style="bold" if name == "overall" else None)
    console.print(table)
    console.print(
        f"class accuracy: {report.class_accuracy:.3f} ({report.class_right}/{report.class_judged}); "
        f"duplicates (not errors): {report.duplicates}"
    )
    sections = (
        (
            "misses",
            [(doc, f"{row['class']:<9} {row['subject']}: {row['evidence']}") for doc, row in report.misses],
        ),
        ("false positives", [(doc, _fact_line(f)) for doc, f in report.false_positives]),
        ("wrong class", [(doc, f"gold {gold}: {_fact_line(f)}") for doc, gold, f in report.wrong_class]),
    )
    for title, lines in sections:
        if lines:
            console.print(f"\n[bold]{title}[/] ({len(lines)})")
        for doc, line in lines[:show]:
            console.print(f"  {escape(line[:140])} [dim]({doc})[/]", soft_wrap=True)


def _fact_line(fact: Fact) -> str:
    """A predicted fact in one line."""
    from assistant.facts import describe

    return f"{fact.kind:<14} {fact.subject} {describe(fact)}: {fact.evidence}"
