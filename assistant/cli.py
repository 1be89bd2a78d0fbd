"""The `newsdesk` command line: ingest, articles, show, remove, search, facts, extract, eval, demo.

Each command imports what it needs when it runs (see cli_common): `--help`, `articles` and `facts` load
neither the search, answer, extraction and ingest stacks nor the passage index or the embedder.
"""

from __future__ import annotations

import json
import os
import re
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from assistant.cli_common import (
    answer_format,
    console,
    date_option,
    err_console,
    ids_to_remove,
    open_catalog,
    run_ingest,
    settings_of,
    shown,
    shown_text,
)
from assistant.cli_doctor import doctor
from assistant.cli_eval import eval_app
from assistant.cli_facts import facts, print_facts
from assistant.cli_facts import write_facts_csv as write_facts_csv  # ui/facts_page.py imports it from here
from assistant.cli_feeds import feeds_app, watch
from assistant.errors import NewsdeskError

if TYPE_CHECKING:
    from assistant.models import Answer, SearchHit
    from assistant.question import Question
    from assistant.settings import Settings
    from ingest.pipeline import Source

app = typer.Typer(
    name="newsdesk",
    help="Market-news analysis assistant: ingest articles, index passages, search them.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "articles"
DEMO_QUESTION = "why did small caps outperform on Feb 6?"


@app.callback()
def _root(
    ctx: typer.Context,
    home: Annotated[
        Path | None, typer.Option(help="Library folder (default: $NEWSDESK_HOME or a per-user folder).")
    ] = None,
) -> None:
    """Build the settings once, at the edge."""
    from assistant.settings import Settings

    settings = Settings()
    ctx.obj = settings.model_copy(update={"home": home}) if home else settings


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
    from assistant.models import ArticleMeta
    from ingest.pipeline import TextSource

    settings = settings_of(ctx)
    items: list[Source] = []
    for raw in sources or []:
        items.append(TextSource(sys.stdin.read(), "stdin") if raw == "-" else raw)
    if text is not None:
        items.append(TextSource(text, "text"))
    if not items:
        raise typer.BadParameter("give at least one source, or --text", param_hint="SOURCES")
    overrides = ArticleMeta(
        title=title, source=source, author=author, url=url, published=date_option(date_, "--date")
    )
    outcomes = run_ingest(settings, items, overrides)
    if not any(o.status in ("added", "duplicate") for o in outcomes):
        raise typer.Exit(1)


@app.command()
def articles(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of lines.")] = False,
) -> None:
    """List the library, one article a line: id, date, title, source, passages, facts."""
    catalog = open_catalog(settings_of(ctx))
    summaries = catalog.summaries()
    fact_counts = catalog.fact_counts()
    if as_json:
        console.print_json(json.dumps([s.model_dump(mode="json") for s in summaries]))
        return
    if not summaries:
        console.print("The library is empty: add articles with `newsdesk ingest` or try `newsdesk demo`.")
    for s in summaries:
        day = s.meta.published.isoformat() if s.meta.published else "(no date)"
        console.print(
            f"[bold]{s.id}[/]  {day:<10}  {shown(s.meta.title or '(untitled)')}  "
            f"[dim]{shown(s.meta.source or '-')} · {s.passages} passages · "
            f"{fact_counts.get(s.id, 0)} facts[/]",
            soft_wrap=True,
        )


@app.command()
def show(
    ctx: typer.Context,
    article_id: Annotated[str, typer.Argument(metavar="ID", help="Article id, or a unique prefix of it.")],
    passages: Annotated[bool, typer.Option("--passages", help="List the passages with their spans.")] = False,
) -> None:
    """Print one article: its metadata and text (or its passages)."""
    catalog = open_catalog(settings_of(ctx))
    article = catalog.get(catalog.resolve(article_id))
    meta = article.meta
    console.print(f"[bold]{shown(article.title)}[/]")
    for label, value in (
        ("id", article.id),
        ("source", meta.source),
        ("author", meta.author),
        ("published", meta.published),
        ("url", meta.url),
        ("ingested", f"{article.ingested_at:%Y-%m-%d %H:%M} UTC"),
    ):
        console.print(f"[dim]{label:>9}[/] {shown(str(value)) if value else '-'}", soft_wrap=True)
    console.print()
    if not passages:
        console.print(shown_text(article.text))
        return
    for passage in catalog.passages(article.id):
        console.print(f"[bold cyan]#{passage.ordinal}[/] [dim][{passage.span.start}:{passage.span.end})[/]")
        console.print(shown_text(passage.text))


@app.command()
def remove(
    ctx: typer.Context,
    article_ids: Annotated[
        list[str], typer.Argument(metavar="ID...", help="Article ids, or prefixes of at least 4 characters.")
    ],
    yes: Annotated[
        bool, typer.Option("--yes", help="Remove several articles, or every match of a prefix.")
    ] = False,
) -> None:
    """Delete articles, their passages and their vectors; more than one needs --yes."""
    from vectorstore.library import Library

    library = Library.open(settings_of(ctx))
    for full_id in ids_to_remove(library.catalog, article_ids, yes):
        removed = library.remove(full_id)
        console.print(f"removed {removed.id} {shown(removed.title)}")


def print_hits(hits: list[SearchHit]) -> None:
    """Print ranked passages with their article, date and span."""
    if not hits:
        console.print("No passages match. Try other words, a wider date range, or ingest more articles.")
    for n, hit in enumerate(hits, start=1):
        meta = hit.article.meta
        day = meta.published.isoformat() if meta.published else "no date"
        ranks = f"dense #{hit.dense_rank or '-'} · bm25 #{hit.lexical_rank or '-'}"
        console.print(
            f"\n[bold cyan][{n}][/] [bold]{shown(meta.title or '(untitled)')}[/] "
            f"[dim]— {shown(meta.source or 'unknown source')}, {day} · {hit.article.id} "
            f"span [{hit.passage.span.start}:{hit.passage.span.end}) · {ranks}[/]"
        )
        console.print(shown_text(hit.passage.text), soft_wrap=False)


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
    from assistant.search import Searcher
    from vectorstore.library import Library

    settings = settings_of(ctx)
    searcher = Searcher(Library.open(settings), settings)
    print_hits(searcher.search(query, k, date_option(since, "--since"), date_option(until, "--until")))


@app.command()
def demo(
    ctx: typer.Context,
    fresh: Annotated[bool, typer.Option(help="Start from an empty library first.")] = False,
    open_ui: Annotated[
        bool, typer.Option("--ui", help="Then open the Streamlit app on this library.")
    ] = False,
) -> None:
    """Ingest the sample articles, answer the demo question with citations, optionally open the app."""
    from assistant.answer import Answerer
    from vectorstore.library import Library

    settings = settings_of(ctx)
    files = sorted(EXAMPLES.glob("*.html"))
    if not files:
        raise NewsdeskError(f"no sample articles in {EXAMPLES}: run the demo from a source checkout")
    if fresh:
        Library.open(settings).clear()
    console.print(f"[bold]Library:[/] {settings.home}")
    run_ingest(settings, list(files))
    console.print(f"\n[bold]Question:[/] {DEMO_QUESTION}\n")
    library = Library.open(settings)
    print_answer(Answerer(library, settings).ask(DEMO_QUESTION, extractive=True))
    feb6 = date(2026, 2, 6)
    console.print(
        f"\n[bold]Index and sector moves on {feb6}[/] (newsdesk facts --since {feb6} --until {feb6})"
    )
    moves = library.catalog.facts(["index_move", "sector_move"], since=feb6, until=feb6)
    distinct = {
        (f.kind, f.subject, f.main_value()): f for f in reversed(moves)
    }  # several articles repeat them
    print_facts(sorted(distinct.values(), key=lambda f: (f.kind, -(f.main_value() or 0))))
    if open_ui:
        console.print(f'\n[bold]Opening the app[/]: ask "{DEMO_QUESTION}" on its Chat page (Ctrl+C stops it)')
        run_streamlit(settings, [])


app.command()(facts)


@app.command()
def extract(
    ctx: typer.Context,
    article_ids: Annotated[
        list[str] | None, typer.Argument(metavar="[ID]...", help="Articles to re-extract.")
    ] = None,
    all_: Annotated[bool, typer.Option("--all", help="Re-run extraction over the whole library.")] = False,
) -> None:
    """Re-run fact extraction over articles already in the library."""
    from assistant.extraction.run import make_extraction
    from vectorstore.library import Library

    settings = settings_of(ctx)
    library = Library.open(settings)
    if not all_ and not article_ids:
        raise typer.BadParameter("give article ids, or --all")
    ids = (
        [s.id for s in library.catalog.summaries()]
        if all_
        else [library.catalog.resolve(a) for a in article_ids or []]
    )
    extraction = make_extraction(settings)
    console.print(f"extractors: {', '.join(extraction.names)}")
    total = 0
    for article_id in ids:
        article = library.catalog.get(article_id)
        result = extraction.run(article)
        library.catalog.replace_facts(article.id, result.facts)
        total += len(result.facts)
        notes = f" [dim]({shown('; '.join(result.notes))})[/]" if result.notes else ""
        console.print(
            f"{article.id}  {len(result.facts):>3} facts  {shown(article.title)}{notes}", soft_wrap=True
        )
    console.print(f"{total} facts from {len(ids)} articles")


@app.command()
def ask(
    ctx: typer.Context,
    question: Annotated[
        str, typer.Argument(help='Your question, e.g. "why did small caps outperform on Feb 6?"')
    ],
    k: Annotated[int, typer.Option("-k", "--k", min=1, max=20, help="Passages to answer from.")] = 5,
    since: Annotated[str | None, typer.Option(help="Only articles published on or after YYYY-MM-DD.")] = None,
    until: Annotated[
        str | None, typer.Option(help="Only articles published on or before YYYY-MM-DD.")
    ] = None,
    extractive: Annotated[bool, typer.Option("--extractive", help="Answer without an LLM.")] = False,
    fmt: Annotated[
        str, typer.Option("--format", help="text, json (the Answer with its frame) or markdown.")
    ] = "text",
    as_json: Annotated[bool, typer.Option("--json", help="Same as --format json.")] = False,
    explain: Annotated[
        bool, typer.Option("--explain", help="First show how the question was read (its frame).")
    ] = False,
) -> None:
    """Answer a question from the library with numbered, verified citations."""
    from assistant.answer import Answerer
    from assistant.export import answer_markdown
    from assistant.question import Question
    from vectorstore.library import Library

    fmt = answer_format(fmt, as_json)
    settings = settings_of(ctx)
    answerer = Answerer(Library.open(settings), settings)
    streamed = fmt == "text" and not extractive and answerer.chat is not None
    on_token = (lambda t: console.print(shown_text(t), end="", style="dim")) if streamed else None
    answer = answerer.ask(
        question, k, date_option(since, "--since"), date_option(until, "--until"), extractive, on_token
    )
    if fmt != "text":
        out = answer_markdown(answer) if fmt == "markdown" else answer.model_dump_json(indent=2) + "\n"
        sys.stdout.write(out)
        return
    if streamed:
        console.print("\n")
    if explain and answer.frame:
        print_frame(Question.model_validate(answer.frame))
    print_answer(answer)


def print_frame(q: Question) -> None:
    """How the question was read: answer type, expected figure, entities, attribute, days, kinds."""
    from rich.table import Table

    table = Table(show_header=False, box=None, title="[bold]question frame[/]", title_justify="left")
    for name, value in q.explain():
        table.add_row(f"[dim]{name}[/]", shown(value))
    console.print(table)


def print_answer(answer: Answer) -> None:
    """The answer with its [n] markers, then its sources with dates, spans and links."""
    from assistant.text import printable_line

    if answer.abstained:
        console.print(f"[yellow]{shown_text(answer.text)}[/]")
        for note in answer.notes[:1]:
            console.print(f"[dim]({shown(note)})[/]")
        if answer.closest:
            console.print("Closest articles in the library:")
        for s in answer.closest:
            console.print(
                f"  {s.id}  {s.meta.published or '(no date)'}  {shown(s.meta.title or '(untitled)')}"
            )
        return
    console.print(re.sub(r"\[(\d+)\]", r"[bold cyan]\[\1][/]", shown_text(answer.text)), soft_wrap=False)
    if answer.notes:
        console.print(f"[dim]verification removed {len(answer.notes)} unsupported sentence(s)[/]")
    console.print(f"\n[bold]Sources[/] [dim]({answer.mode})[/]")
    for c in answer.citations:
        meta, span = c.article.meta, c.passage.span
        console.print(
            f"[bold cyan]\\[{c.n}][/] {shown(meta.title or '(untitled)')} "
            f"[dim]— {shown(meta.source or 'unknown')}, {meta.published or 'no date'} · {c.article.id} "
            f"span [{span.start}:{span.end})[/]",
            soft_wrap=True,
        )
        if c.url:
            console.print(f"    [link={printable_line(c.url)}]{shown(c.url)}[/link]", soft_wrap=True)


UI_APP = Path(__file__).resolve().parent.parent / "ui" / "app.py"


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def ui(ctx: typer.Context) -> None:
    """Open the Streamlit app on this library; options after `ui` go to `streamlit run`."""
    run_streamlit(settings_of(ctx), list(ctx.args))


# the app's look; options given after `newsdesk ui` come later on the command line and win
UI_DEFAULTS = ["--client.toolbarMode", "minimal", "--theme.primaryColor", "#1a4fa0"]


def run_streamlit(settings: Settings, args: list[str]) -> NoReturn:
    """Become `streamlit run ui/app.py` on this library, with args passed through."""
    env = {**os.environ, "NEWSDESK_HOME": str(settings.home), "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
    # found by path, not imported: nothing may import the ui package (layering contract)
    command = [sys.executable, "-m", "streamlit", "run", str(UI_APP), *UI_DEFAULTS, *args]
    sys.stdout.flush()
    # exec, not a child process: signals (Ctrl+C, a service manager's SIGTERM) reach streamlit itself,
    # so stopping newsdesk never leaves an orphaned server holding the port
    os.execve(sys.executable, command, env)


app.command()(doctor)
app.add_typer(eval_app, name="eval")
app.add_typer(feeds_app, name="feeds")
app.command()(watch)


def main() -> None:
    """Console entry point: run the app, turning newsdesk errors into one red line and exit code 2, and
    anything unforeseen into one line and exit code 3 (NEWSDESK_DEBUG=1 shows the trace)."""
    try:
        app()
    except NewsdeskError as exc:
        err_console.print(f"[red]error:[/] {shown(str(exc))}", soft_wrap=True)  # one line, however long
        sys.exit(2)
    except Exception as exc:
        if os.environ.get("NEWSDESK_DEBUG"):
            raise
        said = (str(exc).strip().splitlines() or [""])[0][:200]
        err_console.print(
            f"[red]unexpected error:[/] {type(exc).__name__}: {shown(said)}; "
            "rerun with NEWSDESK_DEBUG=1 to see where, and please report it",
            soft_wrap=True,
        )
        sys.exit(3)
