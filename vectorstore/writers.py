"""The window between an article's catalog commit and its vectors, marked across processes.

A writer holds the mark (shared: many write at once) from before its commit until its vectors are
written; the ingest's start check repairs drift only when it can take the mark exclusively, that is when
no writer anywhere is inside its window. A killed writer's mark goes with its process (the operating
system drops a file lock, PostgreSQL a session's advisory lock), so what a kill leaves is repaired by the
next check, while a live writer's passages are never taken for lost ones.

On SQLite the mark is a file lock beside the catalog (every SQLite writer is on this machine); on
PostgreSQL an advisory lock, which every process sharing the database sees.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine

try:  # POSIX; elsewhere writers are not marked and the check repairs as before
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

ADVISORY_KEY = 0x6E657777  # "neww": the PostgreSQL advisory lock of the write window


class WriteWindows:
    """Shared marks for writers, an exclusive try for the repair check."""

    def __init__(self, engine: Engine, home: Path) -> None:
        self.engine = engine
        self.path = home / ".writers.lock"

    @property
    def _postgresql(self) -> bool:
        """True when the catalog is PostgreSQL (advisory locks), else a file lock."""
        return self.engine.dialect.name == "postgresql"

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Hold the shared mark for one commit-then-vectors write (waits while a repair runs)."""
        if self._postgresql:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT pg_advisory_lock_shared(:k)"), {"k": ADVISORY_KEY})
                conn.commit()
                try:
                    yield
                finally:
                    conn.execute(text("SELECT pg_advisory_unlock_shared(:k)"), {"k": ADVISORY_KEY})
                    conn.commit()
            return
        with self._file(shared=True, wait=True):
            yield

    @contextmanager
    def alone(self) -> Iterator[bool]:
        """Try to hold the mark exclusively, without waiting: True while no writer is inside its window."""
        if self._postgresql:
            with self.engine.connect() as conn:
                got = bool(
                    conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": ADVISORY_KEY}).scalar()
                )
                conn.commit()
                try:
                    yield got
                finally:
                    if got:
                        conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": ADVISORY_KEY})
                        conn.commit()
            return
        with self._file(shared=False, wait=False) as got:
            yield got

    @contextmanager
    def _file(self, shared: bool, wait: bool) -> Iterator[bool]:
        """flock the mark file: shared or exclusive, waiting or not; whether it was taken."""
        if fcntl is None:  # pragma: no cover - Windows
            yield True
            return
        with open(self.path, "a+b") as handle:
            mode = (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | (0 if wait else fcntl.LOCK_NB)
            try:
                fcntl.flock(handle, mode)
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                with contextlib.suppress(OSError):
                    fcntl.flock(handle, fcntl.LOCK_UN)
