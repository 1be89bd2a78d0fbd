"""`newsdesk doctor`: compare the catalog with the passage index and repair the drift."""

from __future__ import annotations

from typing import Annotated

import typer

from assistant.cli_common import console, settings_of


def doctor(
    ctx: typer.Context,
    fix: Annotated[
        bool, typer.Option("--repair", help="Remove orphans and index passages without vectors.")
    ] = False,
) -> None:
    """Check that the catalog, passages, facts and vectors agree; exit 1 on drift unless --repair fixed it."""
    from vectorstore.doctor import examine, repair
    from vectorstore.library import Library

    library = Library.open(settings_of(ctx))
    drift = examine(library)
    if drift.clean:
        console.print(
            f"no drift: {library.catalog.article_count()} articles, {library.index.count()} vectors"
        )
        return
    for line in drift.lines():
        console.print(f"drift: {line}")
    if not fix:
        console.print("run `newsdesk doctor --repair` to fix it")
        raise typer.Exit(1)
    repair(library, drift)
    after = examine(library)
    if not after.clean:
        console.print("still drifting after the repair: " + "; ".join(after.lines()))
        raise typer.Exit(1)
    console.print(f"repaired: {library.catalog.article_count()} articles, {library.index.count()} vectors")
