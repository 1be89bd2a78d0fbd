"""The hostile-input corpus (tests/hostile.py) through the real CLI, once, in a subprocess under a memory
limit and a timeout: every item ends in a safe article, a one-line error naming it, or a skip; nothing
hangs, no traceback, nothing unsafe is printed or stored, and the library has no drift afterwards.

One run ingests the whole corpus (the `corpus/` folder, the folders and feed files named one by one, the
URLs served by a fixture HTTP server); the per-case tests then read that run's lines and library, so a
failure names its case without paying for the embedding model's start-up once per case.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from assistant.facts import is_grounded
from assistant.settings import Settings
from assistant.text import printable_line
from tests.conftest import FixtureServer, Route
from tests.hostile import ARTICLE, CASES, ERROR, NONE, OUTSIDE_MARK, PASSWD_MARK, SKIPPED, Case, build
from vectorstore.library import Library

NEWSDESK = Path(sys.executable).parent / "newsdesk"
TIMEOUT = 300  # seconds for the whole corpus
ADDRESS_SPACE = 3 << 30  # RLIMIT_AS of the ingest process (torch, the model and Chroma reserve ~2 GiB of it)
PEAK_RSS = 1536 << 20  # bytes the ingest process may keep resident at its peak (measured: ~0.9 GiB)
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # C0 (but tab, newline), DEL, C1: never stored
OUTPUT_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")  # and no tab either in what is printed
# pypdf's logger warns on stderr while it reads the truncated PDF (h08); noise, but not an error line
KNOWN_STDERR = {"EOF marker not found"}
STATUS = {"✓": ARTICLE, "✗": ERROR, "-": SKIPPED, "=": "duplicate"}
UNANTICIPATED = re.compile(r"\bunexpected [\w.]+ \(|please report")  # an exception no code expected
SUMMARY = re.compile(r"(\d+) added, (\d+) already in the library, (\d+) failed(?:, (\d+) skipped)?")


@dataclass(frozen=True)
class Line:
    """One per-item line of `newsdesk ingest`."""

    status: str  # ARTICLE, ERROR, SKIPPED or "duplicate"
    text: str
    article_id: str | None


@dataclass
class CorpusRun:
    """What one ingest of the whole corpus printed, took and left behind."""

    root: Path
    home: Path
    command: list[str]
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    peak_rss: int  # bytes
    lines: dict[str, list[Line]] = field(default_factory=dict)  # by case name
    stray: list[str] = field(default_factory=list)  # output lines that are neither items nor the summary


# the ingest process caps its own address space, then becomes newsdesk (no preexec_fn: the test process
# runs the fixture server's threads, and code between fork and exec is unsafe with threads)
LIMITED = (
    "import os, resource, sys; n = int(sys.argv[1]); resource.setrlimit(resource.RLIMIT_AS, (n, n)); "
    "os.execv(sys.argv[2], sys.argv[2:])"
)


def run_cli(args: list[str], cwd: Path, timeout: float) -> tuple[int, str, str, float, int]:
    """newsdesk ARGS under the address-space limit: exit code, stdout, stderr, seconds, peak RSS (bytes)."""
    out, err = cwd / f".{os.getpid()}-out", cwd / f".{os.getpid()}-err"
    env = {**os.environ, "COLUMNS": "400", "NO_COLOR": "1", "TERM": "dumb"}
    started = time.monotonic()
    with out.open("wb") as stdout, err.open("wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-c", LIMITED, str(ADDRESS_SPACE), str(NEWSDESK), *args],
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=stdout,
            stderr=stderr,
            env=env,
        )
        peak = 0
        while True:  # os.wait4, not Popen.wait: the rusage of this child alone, not of every child so far
            peak = max(peak, _high_water(process.pid))
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() - started > timeout:
                process.kill()
                pid, status, usage = os.wait4(process.pid, 0)
                break
            time.sleep(0.1)
    seconds = time.monotonic() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    stdout_text = out.read_text(encoding="utf-8", errors="replace")
    stderr_text = err.read_text(encoding="utf-8", errors="replace")
    out.unlink()
    err.unlink()
    if seconds > timeout:
        stderr_text += f"\n[killed after {timeout} s]"
    # ru_maxrss counts the memory the child had before exec: a copy of this test process's, which is large
    # once other tests loaded torch here; the high-water mark read while newsdesk runs is newsdesk's own
    return process.returncode, stdout_text, stderr_text, seconds, peak or usage.ru_maxrss * 1024


def _high_water(pid: int) -> int:
    """The peak resident memory of the process's current program (VmHWM), in bytes; 0 once it is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="ascii", errors="replace")
    except OSError:
        return 0
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return 0


def case_of(line: str) -> Case | None:
    """The case whose name occurs first in the line (the item comes before the message)."""
    found = [(line.find(case.name), case) for case in CASES if case.name in line]
    return min(found, key=lambda pair: pair[0])[1] if found else None


def parse(run: CorpusRun) -> None:
    """Sort the run's output lines by case."""
    for raw in run.stdout.splitlines():
        if not raw.strip() or SUMMARY.fullmatch(raw.strip()) or raw.startswith("repaired the library first"):
            continue
        case = case_of(raw)
        if raw[:2] not in {f"{icon} " for icon in STATUS} or case is None:
            run.stray.append(raw)
            continue
        found = re.search(r" → ([0-9a-f]{16}) ", raw)
        line = Line(STATUS[raw[0]], raw, found[1] if found else None)
        run.lines.setdefault(case.name, []).append(line)


@pytest.fixture(scope="module")
def corpus_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CorpusRun]:
    """The whole corpus ingested once by `newsdesk ingest`, with the HTTP cases served meanwhile."""
    root = tmp_path_factory.mktemp("hostile")
    cases = build(root)
    server = FixtureServer()
    for case in CASES:
        if case.source == "http":
            server.routes[case.path] = Route(
                status=case.status,
                body=case.body(),
                content_type=case.content_type,
                headers=dict(case.headers),
            )
    with server:
        named = [case.path for case in cases if case.source == "named" and not case.budget]
        urls = [server.url(case.path) for case in CASES if case.source == "http"]
        home = root / "library"
        command = ["--home", str(home), "ingest", "corpus", *named, *urls]
        returncode, stdout, stderr, seconds, peak = run_cli(command, root, TIMEOUT)
    run = CorpusRun(root, home, command, returncode, stdout, stderr, seconds, peak)
    parse(run)
    print(f"\nhostile corpus: {len(command) - 3} sources, {seconds:.1f} s, peak RSS {peak / 2**20:.0f} MiB")
    yield run


def test_the_whole_corpus_ingests_without_a_crash_within_time_and_memory(corpus_run: CorpusRun) -> None:
    """Exit 0 (something was added), no traceback, only item lines and the summary, within the bounds."""
    run = corpus_run
    assert run.seconds < TIMEOUT, f"killed after {TIMEOUT} s; stdout tail: {run.stdout[-2000:]}"
    assert "Traceback" not in run.stderr, run.stderr[-4000:]
    assert set(run.stderr.split("\n")) - {"", *KNOWN_STDERR} == set(), run.stderr[-4000:]
    assert run.returncode == 0, (run.returncode, run.stdout[-2000:])
    assert run.peak_rss < PEAK_RSS, f"peak RSS {run.peak_rss / 2**20:.0f} MiB"
    assert run.stray == [], run.stray
    assert not OUTPUT_CONTROL.search(run.stdout.replace("\n", "")), "control characters printed"
    [summary] = [m for m in map(SUMMARY.fullmatch, map(str.strip, run.stdout.splitlines())) if m]
    statuses = [line.status for lines in run.lines.values() for line in lines]
    counted = [int(n or 0) for n in summary.groups()]
    assert counted == [statuses.count(s) for s in (ARTICLE, "duplicate", ERROR, SKIPPED)], summary[0]


def _params(timed: bool) -> list[object]:
    """One parameter per case (of the corpus run, or timed alone); a product failure is a strict xfail."""
    params: list[object] = []
    for case in CASES:
        if bool(case.budget) != timed:
            continue
        marks = [pytest.mark.xfail(strict=True, reason=case.xfail)] if case.xfail else []
        if not case.applies:
            marks.append(pytest.mark.skip(reason="meaningful only when not running as root"))
        params.append(pytest.param(case, id=case.name, marks=marks))
    return params


def stored(home: Path, article_id: str) -> tuple[str, list[str]]:
    """An article's text and the problems found with it: controls, bad spans, ungrounded facts, bad URL."""
    library = Library.open(Settings(home=home))
    article = library.catalog.get(article_id)
    problems = []
    meta = article.meta
    for name, value in (
        ("text", article.text),
        ("title", meta.title),
        ("source", meta.source),
        ("author", meta.author),
    ):
        if value is not None and CONTROL.search(value):
            problems.append(f"{name} holds control characters: {value[:200]!r}")
    for name, value in (("title", meta.title), ("source", meta.source), ("author", meta.author)):
        if value is not None and "\n" in value:
            problems.append(f"{name} spans lines: {value[:200]!r}")
    if meta.url is not None and not meta.url.startswith(("http://", "https://")):
        problems.append(f"url is not http(s): {meta.url!r}")
    passages = library.catalog.passages(article_id)
    if not passages:
        problems.append("no passages")
    for passage in passages:
        if article.text[passage.span.start : passage.span.end] != passage.text:
            problems.append(f"passage {passage.id} does not slice the text at {passage.span}")
    for fact in library.catalog.facts(article_id=article_id):
        if not is_grounded(fact, article.text):
            problems.append(f"fact not grounded: {fact.evidence!r} at {fact.span}")
    return article.text, problems


def check_case(case: Case, lines: list[Line], home: Path) -> None:
    """The case's lines have its outcome class and name its item; errors are anticipated; articles clean."""
    allowed = {case.expect, *case.tolerate}
    assert all(line.status in allowed for line in lines), [line.text for line in lines]
    if case.expect != NONE:
        assert any(line.status == case.expect for line in lines), f"no {case.expect} line for {case.name}"
    for line in lines:
        link = re.search(rf"https?://\S*/{re.escape(case.name)}[/.]", line.text)  # a served or feed URL
        assert printable_line(case.path) in line.text or link, f"the line does not name the item: {line.text}"
        if line.status == ERROR:
            assert not UNANTICIPATED.search(line.text), line.text
            assert "   " not in line.text, f"a multi-line message, flattened: {line.text}"
        if line.status == ARTICLE:
            assert line.article_id, line.text
            text, problems = stored(home, line.article_id)
            assert problems == [], problems
            assert case.contains in text, (case.contains, text[:300])


@pytest.mark.parametrize("case", _params(timed=False))
def test_each_case_ends_in_its_outcome(case: Case, corpus_run: CorpusRun) -> None:
    """The case's lines all have its outcome class; errors are anticipated; its articles are clean."""
    check_case(case, corpus_run.lines.get(case.name, []), corpus_run.home)


@pytest.mark.parametrize("case", _params(timed=True))
def test_long_articles_ingest_within_their_budget(case: Case, tmp_path: Path) -> None:
    """A long (under the length cap) but repetitive article goes through the CLI alone within its budget."""
    path = tmp_path / case.path
    path.parent.mkdir(parents=True)
    path.write_bytes(case.body())
    home = tmp_path / "library"
    returncode, stdout, stderr, seconds, peak = run_cli(
        ["--home", str(home), "ingest", case.path], tmp_path, case.budget
    )
    assert seconds < case.budget, f"{case.name}: killed after {case.budget:.0f} s"
    assert returncode == 0 and "Traceback" not in stderr, stdout + stderr
    assert peak < PEAK_RSS, f"peak RSS {peak / 2**20:.0f} MiB"
    run = CorpusRun(tmp_path, home, [], returncode, stdout, stderr, seconds, peak)
    parse(run)
    assert run.stray == [], run.stray
    check_case(case, run.lines.get(case.name, []), home)


def test_nothing_from_outside_the_corpus_reaches_the_library(corpus_run: CorpusRun) -> None:
    """Neither /etc/passwd (XXE, file: links) nor the file a symlink points at is in any stored byte."""
    assert Path("/etc/passwd").read_text(encoding="utf-8").startswith(PASSWD_MARK)
    files = [path for path in corpus_run.home.rglob("*") if path.is_file()]
    assert files
    for path in files:
        data = path.read_bytes()
        for mark in (PASSWD_MARK, OUTSIDE_MARK):
            assert mark.encode() not in data, (mark, path)


def test_every_stored_article_is_clean_and_grounded(corpus_run: CorpusRun) -> None:
    """Every article in the library (whatever case added it): no controls, exact spans, grounded facts."""
    catalog = Library.open(Settings(home=corpus_run.home)).catalog
    summaries = catalog.summaries()
    added = {line.article_id for lines in corpus_run.lines.values() for line in lines if line.article_id}
    assert {s.id for s in summaries} == added
    problems = {s.id: stored(corpus_run.home, s.id)[1] for s in summaries}
    assert {k: v for k, v in problems.items() if v} == {}


def test_doctor_finds_no_drift_after_the_corpus(corpus_run: CorpusRun) -> None:
    """`newsdesk doctor` on the library the corpus left: no drift, exit 0."""
    returncode, stdout, stderr, _, _ = run_cli(
        ["--home", str(corpus_run.home), "doctor"], corpus_run.root, 120
    )
    assert returncode == 0, stdout + stderr
    assert stdout.startswith("no drift:"), stdout
    assert "Traceback" not in stderr


def test_the_listing_of_the_corpus_library_prints_no_control_characters(corpus_run: CorpusRun) -> None:
    """`newsdesk articles` over what the corpus added prints one clean line per article."""
    returncode, stdout, stderr, _, _ = run_cli(
        ["--home", str(corpus_run.home), "articles"], corpus_run.root, 120
    )
    assert returncode == 0 and not stderr.strip(), stdout + stderr
    assert not OUTPUT_CONTROL.search(stdout.replace("\n", ""))
    added = {line.article_id for lines in corpus_run.lines.values() for line in lines if line.article_id}
    assert len(stdout.strip().splitlines()) == len(added), stdout
