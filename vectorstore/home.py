"""The library folder: checked, created, and the lock under which a new library's stores are created.

Shared by `Library.open` and the catalog-only commands; imports nothing heavy until a folder cannot be
made or locked (the error wording comes from vectorstore.reasons)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from assistant.errors import ConfigError, StoreError


def check(home: Path) -> None:
    """Refuse a library folder that is a file."""
    if home.exists() and not home.is_dir():
        raise ConfigError(f"the library folder {home} is a file: point NEWSDESK_HOME (or --home) at a folder")


def prepare(home: Path) -> None:
    """Check the library folder and create it when missing."""
    check(home)
    try:
        home.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        from vectorstore.reasons import hint

        raise StoreError(f"cannot create the library folder {home} ({exc.strerror}): {hint(exc)}") from exc


@contextmanager
def creating_stores(home: Path) -> Iterator[None]:
    """Hold the folder's lock while stores are opened: creating them runs schema migrations (ours and
    Chroma's own SQLite), which race when two processes open a new folder at once."""
    from filelock import FileLock, Timeout

    try:
        with FileLock(home / ".open.lock", timeout=120):
            yield
    except (OSError, Timeout) as exc:
        from vectorstore.reasons import hint, reason

        raise StoreError(f"cannot open the library in {home} ({reason(exc)}): {hint(exc)}") from exc
