"""One batch in flight: its embedding runs beside the next batch's preparation, and outcomes arrive in the
order a one-batch-at-a-time run gives them."""

from __future__ import annotations

import threading

from assistant.models import IngestOutcome
from ingest.overlap import Overlap


def _outcome(item: str) -> IngestOutcome:
    """An outcome naming an item."""
    return IngestOutcome(item=item, status="skipped", message="")


def test_work_runs_beside_the_caller_and_outcomes_keep_run_order() -> None:
    """The in-flight work waits for the caller to prepare the next batch (it would never finish if it ran
    on the caller's thread); what the caller emits meanwhile is reported after the batch lands."""
    seen: list[str] = []
    overlap = Overlap(lambda _seq, o: seen.append(o.item))
    overlap.emit(0, _outcome("before"))
    next_batch_prepared = threading.Event()

    def embed() -> str:
        assert next_batch_prepared.wait(timeout=10), "the work did not run beside the caller"
        return "vectors"

    overlap.launch(embed, lambda result: seen.append(f"batch 1 landed with {result}"))
    overlap.emit(1, _outcome("failed while batch 1 was in flight"))
    next_batch_prepared.set()
    overlap.launch(lambda: "more vectors", lambda result: seen.append(f"batch 2 landed with {result}"))
    overlap.close()
    assert seen == [
        "before",
        "batch 1 landed with vectors",
        "failed while batch 1 was in flight",
        "batch 2 landed with more vectors",
    ]


def test_a_failing_work_is_handed_to_its_lander() -> None:
    """An exception in the background (embedding failed) reaches the lander, which reports each item."""
    landed: list[object] = []

    def broken() -> None:
        raise RuntimeError("model missing")

    overlap = Overlap(lambda _seq, _o: None)
    overlap.launch(broken, landed.append)
    overlap.close()
    assert isinstance(landed[0], RuntimeError) and str(landed[0]) == "model missing"


def test_without_a_worker_work_runs_at_once() -> None:
    """A single feed entry (no worker): the work runs on the caller's thread and lands at close."""
    landed: list[str] = []
    overlap = Overlap(lambda _seq, _o: None, background=False)
    overlap.launch(lambda: threading.current_thread().name, landed.append)
    overlap.close()
    assert landed == [threading.current_thread().name]
