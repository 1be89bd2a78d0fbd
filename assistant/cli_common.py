"""What every CLI command shares: the consoles, the settings from the context, ingest with a progress bar.

Cold start: `newsdesk --help` imports the CLI modules and nothing else of ours, so they import at module
level only typer, rich's console and the standard library; the stores, the write path and the read path
are imported inside the functions that use them (tests/test_cold_start.py checks it).
"""

from __future__ import annotations

import os
from collections import Counter
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.markup import escape

from assistant.errors import NewsdeskError, NotFoundError

if TYPE_CHECKING:
    from rich.progress import Progress

    from assistant.models import ArticleMeta, IngestOutcome
    from assistant.settings import Settings
    from ingest.pipeline import Source
    from vectorstore.catalog import Catalog
    from vectorstore.sqlite_reader import CatalogReads

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)


_STATUS_STYLE = {
    "added": ("✓", "green"),
    "duplicate": ("=", "yellow"),
    "failed": ("✗", "red"),
    "skipped": ("-", "dim"),
}


def shown(value: object) -> str:
    """A value for one line of rich output: no control or escape characters, its markup escaped."""
    from assistant.text import printable_line  # imported on first use: --help prints nothing of ours

    return escape(printable_line(str(value)))


def shown_text(text: str) -> str:
    """Text (lines kept) for rich output: no control or escape characters, its markup escaped."""
    from assistant.text import printable

    return escape(printable(text))


def settings_of(ctx: typer.Context) -> Settings:
    """The one Settings object built by the top-level callback."""
    from assistant.settings import Settings

    settings = ctx.obj
    assert isinstance(settings, Settings)
    return settings


ASK_FORMATS = ("text", "json", "markdown")


def answer_format(fmt: str, as_json: bool) -> str:
    """The output format of `ask`: --format text|json|markdown, with --json as an alias of json."""
    if fmt not in ASK_FORMATS:
        raise typer.BadParameter(f"{fmt!r}: use text, json or markdown", param_hint="--format")
    if as_json and fmt not in ("text", "json"):
        raise typer.BadParameter(f"--json means --format json, not {fmt}: give one", param_hint="--json")
    return "json" if as_json else fmt


def date_option(value: str | None, name: str) -> date | None:
    """Parse a YYYY-MM-DD option value or fail with a clear message."""
    if value is None:
        return None
    from ingest.extract import parse_date

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
        self.progress.update(self.task, description=shown(_short(item)))

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
    try:  # absolute, not resolved: a symbolic link is named as itself, and a link loop cannot raise
        path, here = os.path.normpath(Path(item).absolute()), str(Path.cwd())
        return os.path.relpath(path, here) if path.startswith(os.path.join(here, "")) else item
    except (ValueError, OSError):
        return item


def outcome_line(outcome: IngestOutcome) -> str:
    """One rich-markup line for an ingest outcome."""
    icon, style = _STATUS_STYLE[outcome.status]
    item = shown(_display(outcome.item))
    if outcome.status == "added":
        note = f" [dim]({shown(outcome.message)})[/]" if outcome.message else ""
        return (
            f"[{style}]{icon}[/] {item} → [bold]{outcome.article_id}[/] "
            f"{shown(outcome.title or '(untitled)')} "
            f"[dim]{outcome.passages} passages, {outcome.facts} facts[/]{note}"
        )
    return f"[{style}]{icon}[/] {item}: {shown(outcome.message)}"


def run_ingest(
    settings: Settings, sources: list[Source], overrides: ArticleMeta | None = None
) -> list[IngestOutcome]:
    """Ingest sources into the settings' library with a progress bar; return the outcomes."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    from ingest.pipeline import Ingestor
    from vectorstore.library import Library

    library = Library.open(settings)
    columns = (
        SpinnerColumn(),
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    ingestor = Ingestor(settings, library)
    with Progress(*columns, console=console, transient=True) as progress:
        outcomes = ingestor.run(sources, overrides, _Bar(progress))
    if not ingestor.repaired.clean:
        console.print("repaired the library first: " + "; ".join(ingestor.repaired.lines()))
    counts = Counter(o.status for o in outcomes)
    console.print(
        f"{counts['added']} added, {counts['duplicate']} already in the library, {counts['failed']} failed"
        + (f", {counts['skipped']} skipped" if counts["skipped"] else "")
    )
    return outcomes


def open_catalog(settings: Settings) -> CatalogReads:
    """The library's catalog alone, for commands that only read it: what `Library.open` does for the
    catalog (the folder checked and created, the catalog created under the same lock file), without
    building the embedder or opening the passage index. An existing SQLite catalog at this code's schema
    is read with the standard library (vectorstore.sqlite_reader), without importing SQLAlchemy."""
    from vectorstore import home
    from vectorstore.sqlite_reader import SqliteReader

    home.check(settings.home)
    reader = SqliteReader.open(settings.resolved_catalog_url)
    if reader is not None:
        return reader
    from vectorstore.catalog import Catalog

    home.prepare(settings.home)
    with home.creating_stores(settings.home):
        return Catalog(settings.resolved_catalog_url)


def ids_to_remove(catalog: Catalog, prefixes: list[str], yes: bool) -> list[str]:
    """The full ids that ids or prefixes name; more than one article, or an ambiguous prefix, needs --yes."""
    found: dict[str, None] = {}
    for prefix in prefixes:
        ids = catalog.matching(prefix)
        if not ids:
            raise NotFoundError(f"no article id starts with {prefix!r}: see `newsdesk articles`")
        if len(ids) > 1 and not yes:
            raise NewsdeskError(
                f"{len(ids)} articles have ids starting with {prefix!r}: give more characters of the id, "
                "or pass --yes to remove all of them"
            )
        found.update(dict.fromkeys(ids))
    if len(found) > 1 and not yes:
        raise NewsdeskError(f"this removes {len(found)} articles: pass --yes to remove them all")
    return list(found)
