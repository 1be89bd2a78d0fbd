"""Ingest batches overlapped on two cores: while one batch's passages are embedded on a worker thread (ONNX
Runtime and tokenizers release the GIL), the next batch is fetched, extracted and chunked, and the one
before is written; outcomes still reach the caller in the order a one-batch-at-a-time run gives them."""

from __future__ import annotations

import ctypes
import ctypes.util
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from functools import cache
from typing import Any

from assistant.models import IngestOutcome

Report = Callable[[int, IngestOutcome], None]
M_ARENA_MAX = -8  # glibc's mallopt parameter


@cache
def limit_malloc_arenas(arenas: int = 2) -> bool:
    """Cap glibc's malloc arenas before the embedding worker starts: by default every thread that
    allocates under contention gets its own arena, and the worker's vectors and token arrays, freed in
    another arena than the next batch's articles, more than doubled peak memory on the hostile corpus
    (750 MiB -> 2.1 GiB; with the cap 0.7 GiB). Does nothing where the C library is not glibc."""
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
        return bool(libc is not None and libc.mallopt(M_ARENA_MAX, arenas))
    except (OSError, AttributeError):
        return False


class Overlap:
    """At most one batch in flight; outcomes produced meanwhile wait until it lands."""

    def __init__(self, report: Report, background: bool = True) -> None:
        self.report = report
        if background:
            limit_malloc_arenas()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="embed") if background else None
        self._flight: tuple[Future[Any], Callable[[Any], None]] | None = None
        self._waiting: list[tuple[int, IngestOutcome]] = []

    def emit(self, seq: int, outcome: IngestOutcome) -> None:
        """Report an outcome now, or after the batch in flight has landed (it came earlier in the run)."""
        if self._flight is None:
            self.report(seq, outcome)
        else:
            self._waiting.append((seq, outcome))

    def launch(self, work: Callable[[], Any], land: Callable[[Any], None]) -> None:
        """Start work (in the background when there is a worker), land the batch before it, and keep this
        one in flight; land receives work's result, or the exception it raised."""
        future: Future[Any] = self._pool.submit(work) if self._pool else _done(work)
        self.land()
        self._flight = (future, land)

    def land(self) -> None:
        """Wait for the batch in flight, hand its result to its lander, then report what waited."""
        if self._flight is not None:
            future, land = self._flight
            try:
                result = future.result()
            except Exception as exc:  # the lander reports it against each item of the batch
                result = exc
            self._flight = None
            land(result)
        waiting, self._waiting = self._waiting, []
        for seq, outcome in waiting:
            self.report(seq, outcome)

    def close(self) -> None:
        """Land the last batch and stop the worker."""
        try:
            self.land()
        finally:
            if self._pool is not None:
                self._pool.shutdown(wait=True)


def _done(work: Callable[[], Any]) -> Future[Any]:
    """A finished future holding work's result or exception (no worker: the work runs here)."""
    future: Future[Any] = Future()
    try:
        future.set_result(work())
    except Exception as exc:  # kept for the lander, like a worker's exception
        future.set_exception(exc)
    return future
