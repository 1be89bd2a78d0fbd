"""Catalog and index consistent by construction: concurrent duplicates, failures after the commit, kills
between the two writes, two processes on a new library, and `doctor` finding and repairing drift."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from assistant.errors import DuplicateArticleError, StoreError
from assistant.settings import Settings
from ingest.pipeline import Ingestor, TextSource
from vectorstore.doctor import examine, heal, quick_check, repair
from vectorstore.library import Library

from .conftest import counts

NEWSDESK = str(Path(sys.executable).parent / "newsdesk")
FIRMS = ["Altamira Freight", "Bexley Foods", "Corvane Systems", "Dunmore Energy Partners", "Elsworth Retail"]


def article(n: int) -> str:
    """An invented market item, different for every n and long enough to be an article."""
    firm = FIRMS[n % len(FIRMS)]
    return (
        f"Report {n}: {firm} shares rose {1 + n % 9}.{n % 10}% on Tuesday after the company lifted its "
        f"annual outlook for the {n}th time in its history, citing steadier orders from logistics customers. "
        f"Analysts at a regional brokerage said the move reflected relief rather than a change in earnings, "
        f"and noted that trading volume was {2 + n % 5} times the thirty-day average. Rival shippers were "
        f"mixed, while the broader market index ended {n % 3}.{n % 7}% higher as bond yields eased from "
        f"their recent highs and investors rotated toward cyclical names ahead of the holiday."
    )


def write_items(folder: Path, numbers: Sequence[int]) -> Path:
    """Text files of invented items in a folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for n in numbers:
        (folder / f"item-{n:03d}.txt").write_text(article(n), encoding="utf-8")
    return folder


def cli(home: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """The newsdesk CLI in a subprocess on the library in home."""
    return subprocess.Popen(
        [NEWSDESK, "--home", str(home), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )


def kill_when_paused(process: subprocess.Popen[str], point: str) -> None:
    """Wait until the process says it paused at the point, then SIGKILL it there."""
    assert process.stderr is not None
    line = process.stderr.readline()
    while line and "paused at" not in line:
        line = process.stderr.readline()
    assert f"paused at {point}" in line, line
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)


def test_a_concurrent_duplicate_loses_at_the_commit_and_leaves_the_winner_whole(settings: Settings) -> None:
    """The loser of a race (its duplicate check passed before the winner committed) writes nothing and
    deletes nothing: the winner's rows and vectors stay (they used to be deleted by the loser's rollback)."""
    winner, loser = Library.open(settings), Library.open(settings)
    Ingestor(settings, winner).run([TextSource(article(1), "first")])
    stored = winner.catalog.summaries()[0]
    before = counts(winner)
    article_row = winner.catalog.get(stored.id)
    passages = winner.catalog.passages(stored.id)
    loser.duplicate_of = lambda _article: None  # type: ignore[method-assign]  # raced past the check
    with pytest.raises(DuplicateArticleError):
        loser.add(article_row, passages)
    assert counts(winner) == before and examine(winner).clean


def test_an_index_failure_after_the_commit_undoes_only_this_attempt(settings: Settings) -> None:
    """When the vectors cannot be written, the rows this attempt committed go too; others stay."""
    library = Library.open(settings)
    Ingestor(settings, library).run([TextSource(article(2), "kept")])
    before = counts(library)

    def refuse(*_args: object) -> None:
        raise StoreError("the passage index rejected the passages: disk full")

    library.index.add = refuse  # type: ignore[method-assign]
    [outcome] = Ingestor(settings, library).run([TextSource(article(3), "failing")])
    assert outcome.status == "failed" and "disk full" in outcome.message
    assert counts(library) == before and examine(library).clean


def test_vectors_are_written_by_id_so_a_retry_does_not_double_them(settings: Settings) -> None:
    """Writing an article's vectors twice (a retry, a repair racing an ingest) keeps one per passage."""
    library = Library.open(settings)
    Ingestor(settings, library).run([TextSource(article(4), "once")])
    stored = library.catalog.summaries()[0]
    passages = library.catalog.passages(stored.id)
    vectors = library.embedder.embed_documents([p.text for p in passages])
    library.index.add(passages, vectors, stored.meta)
    assert library.index.count() == len(passages) and examine(library).clean


def test_doctor_finds_and_repairs_each_kind_of_drift(settings: Settings) -> None:
    """Orphan vectors are removed and passages without vectors are embedded again."""
    library = Library.open(settings)
    Ingestor(settings, library).run([TextSource(article(n), f"item {n}") for n in (5, 6, 7)])
    first, second, _third = library.catalog.summaries()
    lost = library.catalog.passages(first.id)
    library.index.delete_ids([p.id for p in lost])  # as if killed before its vectors were written
    orphans = library.catalog.passages(second.id)
    with library.catalog.transaction() as session:  # as if killed after its rows were removed
        library.catalog.delete(session, second.id)
    assert not quick_check(library) or len(lost) == len(orphans)
    drift = examine(library)
    assert set(drift.missing_vectors) == {p.id for p in lost}
    assert set(drift.orphan_vectors) == {p.id for p in orphans}
    assert drift.lines() == [
        f"{len(orphans)} vectors whose passage is not in the catalog",
        f"{len(lost)} passages without a vector",
    ]
    repair(library, drift)
    assert examine(library).clean and quick_check(library)
    hits = library.index.search(library.embedder.embed_query(lost[0].text), 3)
    assert lost[0].id in [pid for pid, _ in hits]


def test_a_kill_between_commit_and_vectors_is_repaired_by_the_next_ingest(tmp_path: Path) -> None:
    """SIGKILL inside the window (after the batch's articles commit, before their one vector write) leaves
    passages without vectors; re-running the batch repairs them and says the articles are already in."""
    home, items = tmp_path / "library", write_items(tmp_path / "items", [10, 11])
    process = cli(home, "ingest", str(items), env={"NEWSDESK_PAUSE_AT": "between-commit-and-vectors"})
    kill_when_paused(process, "between-commit-and-vectors")
    library = Library.open(Settings(home=home))
    drift = examine(library)
    assert len(drift.missing_vectors) == 2 and not drift.orphan_vectors
    assert library.catalog.article_count() == 2
    again = cli(home, "ingest", str(items))
    out, err = again.communicate(timeout=300)
    assert again.returncode == 0, err
    assert "repaired" in out + err and "already in the library" in out
    library = Library.open(Settings(home=home))
    assert library.catalog.article_count() == 2 and examine(library).clean


@pytest.mark.both_catalogs
def test_a_write_in_flight_is_not_taken_for_drift_by_another_ingest(
    tmp_path: Path, catalog_url: str | None
) -> None:
    """A writer paused between its commit and its vectors holds the write mark: a second process's ingest
    finds the counts unequal but repairs nothing (no re-embedding of live work, no "repaired" line); the
    writer then finishes and nothing drifts."""
    env = {"NEWSDESK_CATALOG_URL": catalog_url} if catalog_url else {}
    home = tmp_path / "library"
    writer = cli(
        home,
        "ingest",
        str(write_items(tmp_path / "a", [60])),
        env={**env, "NEWSDESK_PAUSE_AT": "between-commit-and-vectors", "NEWSDESK_PAUSE_SECONDS": "6"},
    )
    assert writer.stderr is not None
    line = writer.stderr.readline()
    while line and "paused at" not in line:
        line = writer.stderr.readline()
    assert "paused at between-commit-and-vectors" in line, line
    other = cli(home, "ingest", str(write_items(tmp_path / "b", [61])), env=env)
    out, err = other.communicate(timeout=300)
    assert other.returncode == 0, err
    assert "repaired" not in out + err and "1 added" in out
    out, err = writer.communicate(timeout=300)
    assert writer.returncode == 0 and "repaired" not in out + err, out + err
    library = Library.open(Settings(home=home, catalog_url=catalog_url))
    assert library.catalog.article_count() == 2 and examine(library).clean


def test_a_kill_between_remove_and_vectors_leaves_orphans_that_doctor_removes(tmp_path: Path) -> None:
    """The catalog forgets the article first; the vectors a kill leaves behind are found and removed."""
    home = tmp_path / "library"
    library = Library.open(Settings(home=home))
    Ingestor(library.settings, library).run([TextSource(article(12), "doomed")])
    article_id = library.catalog.summaries()[0].id
    process = cli(home, "remove", article_id, env={"NEWSDESK_PAUSE_AT": "between-remove-and-vectors"})
    kill_when_paused(process, "between-remove-and-vectors")
    report = cli(home, "doctor")
    out, _ = report.communicate(timeout=120)
    assert report.returncode == 1 and "vectors whose passage is not in the catalog" in out
    fixed = cli(home, "doctor", "--repair")
    out, err = fixed.communicate(timeout=120)
    assert fixed.returncode == 0, err
    clean = cli(home, "doctor")
    out, _ = clean.communicate(timeout=120)
    assert clean.returncode == 0 and "no drift" in out


def test_two_processes_ingesting_overlapping_sets_into_a_new_library(tmp_path: Path) -> None:
    """Both start on a folder with no library yet; the sets overlap by half: no errors, every item once,
    nothing drifts, and an ask in parallel answers."""
    home = tmp_path / "library"
    first = write_items(tmp_path / "a", range(20, 32))
    second = write_items(tmp_path / "b", range(26, 38))
    processes = [cli(home, "ingest", str(first)), cli(home, "ingest", str(second))]
    time.sleep(1.0)
    asker = cli(home, "ask", "Why did Bexley Foods shares rise?")
    results = [p.communicate(timeout=600) for p in processes]
    for process, (out, err) in zip(processes, results, strict=True):
        assert process.returncode == 0, err
        assert "Traceback" not in err and ", 0 failed" in out, out + err
    _out, err = asker.communicate(timeout=600)
    assert "Traceback" not in err, err
    library = Library.open(Settings(home=home))
    assert library.catalog.article_count() == 18
    assert examine(library).clean


def test_threads_adding_the_same_articles_keep_one_copy(settings: Settings) -> None:
    """Four threads add the same eight articles at once: eight articles, their vectors, no drift."""
    library = Library.open(settings)
    sources = [TextSource(article(n), f"item {n}") for n in range(40, 48)]

    def ingest(_worker: int) -> list[str]:
        return [o.status for o in Ingestor(settings, Library.open(settings)).run(sources)]

    with ThreadPoolExecutor(max_workers=4) as pool:
        statuses = [s for run in pool.map(ingest, range(4)) for s in run]
    assert statuses.count("added") == 8 and "failed" not in statuses
    assert library.catalog.article_count() == 8 and examine(library).clean
    assert heal(library).clean
