"""The `newsdesk` command line: ingest, articles, show, remove, search, demo."""

from __future__ import annotations

import json
import sys
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from assistant.errors import NewsdeskError
from assistant.models import ArticleMeta, IngestOutcome, SearchHit
from assistant.search import Searcher
from assistant.settings import Settings
from ingest.extract import parse_date
from ingest.pipeline import Ingestor, Source, TextSource
from vectorstore.library import Library

app = typer.Typer(
    name="newsdesk",
    help="Market-news analysis assistant: ingest articles, index passages, search them.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "articles"
DEMO_QUESTION = "why did small caps outperform on Feb 6?"

_STATUS_STYLE = {
    "added": ("✓", "green"),
    "duplicate": ("=", "yellow"),
    "failed": ("✗", "red"),
    "skipped": ("-", "dim"),
}


def _settings(ctx: typer.Context) -> Settings:
    """The one Settings object built by the top-level callback."""
    settings = ctx.obj
    assert isinstance(settings, Settings)
    return settings


@app.callback()
def _root(
    ctx: typer.Context,
    home: Annotated[
        Path | None, typer.Option(help="Library folder (default: $NEWSDESK_HOME or a per-user folder).")
    ] = None,
) -> None:
    """Build the settings once, at the edge."""
    settings = Settings()
    ctx.obj = settings.model_copy(update={"home": home}) if home else settings


def _date_option(value: str | None, name: str) -> date | None:
    """Parse a YYYY-MM-DD option value or fail with a clear message."""
    if value is None:
        return None
    parsed = parse_date(value)
    if parsed is None:
        raise typer.BadParameter(f"{value!r} is not a date; write it as YYYY-MM-DD", param_hint=name)
    return parsed


class _Bar:
    """Rich progress bar fed by the ingest pipeline."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.task = progress.add_task("ingesting", total=0)

    def planned(self, count: int) -> None:
        """Grow the total as sources expand into items."""
        total = self.progress.tasks[0].total or 0
        self.progress.update(self.task, total=total + count)

    def started(self, item: str) -> None:
        """Show what is being worked on."""
        self.progress.update(self.task, description=escape(_short(item)))

    def done(self, outcome: IngestOutcome) -> None:
        """Advance and print the item's line above the bar."""
        self.progress.advance(self.task)
        self.progress.console.print(outcome_line(outcome), soft_wrap=True)


def _short(item: str, width: int = 48) -> str:
    """An item label cut to width, keeping its end (the file or page name)."""
    return item if len(item) <= width else "…" + item[-(width - 1) :]


def _display(item: str) -> str:
    """An item label for people: file paths relative to the working directory when inside it."""
    if "://" in item:
        return item
    try:
        return str(Path(item).resolve().relative_to(Path.cwd()))
    except (ValueError, OSError):
        return item


def outcome_line(outcome: IngestOutcome) -> str:
    """One rich-markup line for an ingest outcome."""
    icon, style = _STATUS_STYLE[outcome.status]
    item = escape(_display(outcome.item))
    if outcome.status == "added":
        note = f" [dim]({escape(outcome.message)})[/]" if outcome.message else ""
        return (
            f"[{style}]{icon}[/] {item} → [bold]{outcome.article_id}[/] "
            f"{escape(outcome.title or '(untitled)')} "
            f"[dim]{outcome.passages} passages[/]{note}"
        )
    return f"[{style}]{icon}[/] {item}: {escape(outcome.message)}"


def run_ingest(
    settings: Settings, sources: list[Source], overrides: ArticleMeta | None = None
) -> list[IngestOutcome]:
    """Ingest sources into the settings' library with a progress bar; return the outcomes."""
    library = Library.open(settings)
    columns = (
        SpinnerColumn(),
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as progress:
        outcomes = Ingestor(settings, library).run(sources, overrides, _Bar(progress))
    counts = Counter(o.status for o in outcomes)
    console.print(
        f"{counts['added']} added, {counts['duplicate']} already in the library, {counts['failed']} failed"
        + (f", {counts['skipped']} skipped" if counts["skipped"] else "")
    )
    return outcomes


@app.command()
def ingest(
    ctx: typer.Context,
    sources: Annotated[
        list[str] | None, typer.Argument(help="URLs, feed URLs or files, files, directories; - for stdin.")
    ] = None,
    text: Annotated[str | None, typer.Option(help="Raw article text to ingest.")] = None,
    title: Annotated[str | None, typer.Option(help="Title (overrides what extraction finds).")] = None,
    source: Annotated[str | None, typer.Option(help="Publication or site name.")] = None,
    author: Annotated[str | None, typer.Option(help="Author.")] = None,
    date_: Annotated[str | None, typer.Option("--date", help="Publication date, YYYY-MM-DD.")] = None,
    url: Annotated[str | None, typer.Option(help="Canonical URL of the article.")] = None,
) -> None:
    """Ingest URLs, RSS/Atom feeds, files (.html .htm .txt .md .pdf), directories or raw text."""
    settings = _settings(ctx)
    items: list[Source] = []
    for raw in sources or []:
        items.append(TextSource(sys.stdin.read(), "stdin") if raw == "-" else raw)
    if text is not None:
        items.append(TextSource(text, "text"))
    if not items:
        raise typer.BadParameter("give at least one source, or --text", param_hint="SOURCES")
    overrides = ArticleMeta(
        title=title, source=source, author=author, url=url, published=_date_option(date_, "--date")
    )
    outcomes = run_ingest(settings, items, overrides)
    if not any(o.status in ("added", "duplicate") for o in outcomes):
        raise typer.Exit(1)


@app.command()
def articles(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of lines.")] = False,
) -> None:
    """List the library, one article a line: id, date, title, source, passages."""
    summaries = Library.open(_settings(ctx)).catalog.summaries()
    if as_json:
        console.print_json(json.dumps([s.model_dump(mode="json") for s in summaries]))
        return
    if not summaries:
        console.print("The library is empty: add articles with `newsdesk ingest` or try `newsdesk demo`.")
    for s in summaries:
        day = s.meta.published.isoformat() if s.meta.published else "(no date)"
        console.print(
            f"[bold]{s.id}[/]  {day:<10}  {escape(s.meta.title or '(untitled)')}  "
            f"[dim]{escape(s.meta.source or '-')} · {s.passages} passages[/]",
            soft_wrap=True,
        )


@app.command()
def show(
    ctx: typer.Context,
    article_id: Annotated[str, typer.Argument(metavar="ID", help="Article id, or a unique prefix of it.")],
    passages: Annotated[bool, typer.Option("--passages", help="List the passages with their spans.")] = False,
) -> None:
    """Print one article: its metadata and text (or its passages)."""
    library = Library.open(_settings(ctx))
    article = library.catalog.get(library.catalog.resolve(article_id))
    meta = article.meta
    console.print(f"[bold]{escape(article.title)}[/]")
    for label, value in (
        ("id", article.id),
        ("source", meta.source),
        ("author", meta.author),
        ("published", meta.published),
        ("url", meta.url),
        ("ingested", f"{article.ingested_at:%Y-%m-%d %H:%M} UTC"),
    ):
        console.print(f"[dim]{label:>9}[/] {escape(str(value)) if value else '-'}", soft_wrap=True)
    console.print()
    if not passages:
        console.print(escape(article.text))
        return
    for passage in library.catalog.passages(article.id):
        console.print(f"[bold cyan]#{passage.ordinal}[/] [dim][{passage.span.start}:{passage.span.end})[/]")
        console.print(escape(passage.text))


@app.command()
def remove(
    ctx: typer.Context,
    article_id: Annotated[str, typer.Argument(metavar="ID", help="Article id, or a unique prefix of it.")],
) -> None:
    """Delete an article, its passages and its vectors."""
    removed = Library.open(_settings(ctx)).remove(article_id)
    console.print(f"removed {removed.id} {escape(removed.title)}")


def print_hits(hits: list[SearchHit]) -> None:
    """Print ranked passages with their article, date and span."""
    if not hits:
        console.print("No passages match. Try other words, a wider date range, or ingest more articles.")
    for n, hit in enumerate(hits, start=1):
        meta = hit.article.meta
        day = meta.published.isoformat() if meta.published else "no date"
        ranks = f"dense #{hit.dense_rank or '-'} · bm25 #{hit.lexical_rank or '-'}"
        console.print(
            f"\n[bold cyan][{n}][/] [bold]{escape(meta.title or '(untitled)')}[/] "
            f"[dim]— {escape(meta.source or 'unknown source')}, {day} · {hit.article.id} "
            f"span [{hit.passage.span.start}:{hit.passage.span.end}) · {ranks}[/]"
        )
        console.print(escape(hit.passage.text), soft_wrap=False)


@app.command()
def search(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="What to look for.")],
    k: Annotated[int, typer.Option("-k", "--k", min=1, max=100, help="Number of passages.")] = 5,
    since: Annotated[str | None, typer.Option(help="Only articles published on or after YYYY-MM-DD.")] = None,
    until: Annotated[
        str | None, typer.Option(help="Only articles published on or before YYYY-MM-DD.")
    ] = None,
) -> None:
    """Find passages by meaning and keywords (dense + BM25, fused)."""
    settings = _settings(ctx)
    searcher = Searcher(Library.open(settings), settings)
    print_hits(searcher.search(query, k, _date_option(since, "--since"), _date_option(until, "--until")))


@app.command()
def demo(
    ctx: typer.Context,
    fresh: Annotated[bool, typer.Option(help="Start from an empty library first.")] = False,
) -> None:
    """Ingest the sample articles and show the passages that answer the demo question."""
    settings = _settings(ctx)
    files = sorted(EXAMPLES.glob("*.html"))
    if not files:
        raise NewsdeskError(f"no sample articles in {EXAMPLES}: run the demo from a source checkout")
    if fresh:
        Library.open(settings).clear()
    console.print(f"[bold]Library:[/] {settings.home}")
    run_ingest(settings, list(files))
    console.print(f"\n[bold]Question:[/] {DEMO_QUESTION}")
    print_hits(Searcher(Library.open(settings), settings).search(DEMO_QUESTION, 3))


def main() -> None:
    """Console entry point: run the app, turning newsdesk errors into one red line and exit code 2."""
    try:
        app()
    except NewsdeskError as exc:
        err_console.print(f"[red]error:[/] {escape(str(exc))}")
        sys.exit(2)
