"""Ingest batches overlapped on two cores: while one batch's passages are embedded on a worker thread (ONNX
Runtime and tokenizers release the GIL), the next batch is fetched, extracted and chunked, and the one
before is written; outcomes still reach the caller in the order a one-batch-at-a-time run gives them."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from assistant.models import IngestOutcome

Report = Callable[[int, IngestOutcome], None]


class Overlap:
    """At most one batch in flight; outcomes produced meanwhile wait until it lands."""

    def __init__(self, report: Report, background: bool = True) -> None:
        self.report = report
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
