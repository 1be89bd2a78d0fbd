"""`newsdesk facts`: browse or export the extracted facts (a table, CSV or JSON), each with its evidence."""

from __future__ import annotations

import csv
import sys
from typing import TYPE_CHECKING, Annotated, TextIO

import typer

from assistant.cli_common import console, date_option, open_catalog, settings_of, shown

if TYPE_CHECKING:
    from assistant.facts import Fact

# assistant.facts.FACT_KINDS, spelled out for the --kind help so that building the CLI loads no pydantic
# model (tests/test_cold_start.py checks that the two agree)
FACT_KINDS_HELP = (
    "index_move, sector_move, stock_move, commodity_move, currency_move, yield_move, crypto_move, "
    "capex, price_level, rate_decision, metric, quote"
)


def facts(
    ctx: typer.Context,
    kind: Annotated[list[str] | None, typer.Option("--kind", help=f"Fact kind: {FACT_KINDS_HELP}.")] = None,
    subject: Annotated[
        str | None, typer.Option(help="Subject (index, sector, company, speaker) contains.")
    ] = None,
    since: Annotated[str | None, typer.Option(help="Events on or after YYYY-MM-DD.")] = None,
    until: Annotated[str | None, typer.Option(help="Events on or before YYYY-MM-DD.")] = None,
    article: Annotated[str | None, typer.Option(help="Article id or prefix.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table, csv or json.")] = "table",
) -> None:
    """Browse or export the extracted facts, each with its evidence."""
    from assistant.facts import FACT_KINDS, FACT_LIST_ADAPTER

    unknown = [k for k in kind or [] if k not in FACT_KINDS]
    if unknown:
        raise typer.BadParameter(f"{unknown[0]!r} is not a fact kind; use one of {', '.join(FACT_KINDS)}")
    if fmt not in ("table", "csv", "json"):
        raise typer.BadParameter(f"{fmt!r}: use table, csv or json", param_hint="--format")
    catalog = open_catalog(settings_of(ctx))
    found = catalog.facts(
        kind or (),
        subject,
        date_option(since, "--since"),
        date_option(until, "--until"),
        catalog.resolve(article) if article else None,
    )
    if fmt == "json":
        sys.stdout.write(FACT_LIST_ADAPTER.dump_json(found, indent=2).decode("utf-8") + "\n")
    elif fmt == "csv":
        write_facts_csv(found, sys.stdout)
    else:
        print_facts(found)


def write_facts_csv(found: list[Fact], out: TextIO) -> None:
    """Facts as CSV, one row a fact, with the evidence and its span."""
    from assistant.facts import describe

    writer = csv.writer(out)
    writer.writerow(
        [
            "id",
            "kind",
            "subject",
            "value",
            "details",
            "date",
            "period",
            "evidence",
            "article_id",
            "start",
            "end",
            "extractor",
            "confidence",
        ]
    )
    for f in found:
        writer.writerow(
            [
                f.id,
                f.kind,
                f.subject,
                f.main_value(),
                describe(f),
                f.as_of or "",
                f.period or "",
                f.evidence,
                f.article_id,
                f.span.start,
                f.span.end,
                f.extractor,
                f.confidence,
            ]
        )


def print_facts(found: list[Fact]) -> None:
    """Facts as a rich table with evidence snippets."""
    from rich.table import Table

    from assistant.facts import describe

    if not found:
        console.print("No facts match. Widen the filters, or ingest articles first.")
        return
    table = Table(show_lines=False, header_style="bold", expand=True)
    table.add_column("kind", no_wrap=True, style="dim")
    table.add_column("subject", ratio=2, min_width=12)
    table.add_column("value", ratio=2, min_width=10)
    table.add_column("date", no_wrap=True)
    table.add_column("evidence", ratio=5, min_width=20)
    table.add_column("article", no_wrap=True, style="dim")
    for f in found:
        evidence = f.evidence if len(f.evidence) <= 160 else f.evidence[:157] + "…"
        table.add_row(
            f.kind,
            shown(f.subject),
            shown(describe(f)),
            str(f.as_of or ""),
            shown(evidence),
            f.article_id[:8],
        )
    console.print(table)
    console.print(f"[dim]{len(found)} facts[/]")
