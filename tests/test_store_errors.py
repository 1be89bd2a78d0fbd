"""Store failures end in one line naming the library or the item and what to do: a home that is a file, a
damaged catalog, a read-only catalog during ingest (no SQL, no article text), and anything unforeseen."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from assistant import cli

NEWSDESK = str(Path(sys.executable).parent / "newsdesk")
TEXT = "Shares of Quorvik Holdings rose 5% on Monday after the company cut costs for a third quarter. " * 5


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The CLI in a subprocess."""
    return subprocess.run(
        [NEWSDESK, *args], capture_output=True, text=True, timeout=300, env={**os.environ, **(env or {})}
    )


def test_a_home_that_is_a_file_is_one_line(tmp_path: Path) -> None:
    """NEWSDESK_HOME naming a file: exit 2 and one line saying to point it at a folder."""
    home = tmp_path / "notes.txt"
    home.write_text("not a library")
    done = run("--home", str(home), "articles")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.strip().count("\n") == 0
    assert "is a file" in done.stderr and "at a folder" in done.stderr


def test_a_damaged_catalog_is_one_line(tmp_path: Path) -> None:
    """A catalog file that is not a database: exit 2, one line naming it, saying to move it aside."""
    home = tmp_path / "library"
    home.mkdir()
    (home / "catalog.sqlite").write_bytes(b"this is not a database, just some bytes" * 100)
    done = run("--home", str(home), "articles")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.strip().count("\n") == 0
    assert "catalog.sqlite" in done.stderr and "move it aside" in done.stderr


def test_a_read_only_catalog_fails_each_item_in_one_line_without_its_text(tmp_path: Path) -> None:
    """Ingest into a catalog opened read-only: the item fails in one line, with no SQL and no article
    text, and the library is unchanged."""
    home = tmp_path / "library"
    assert run("--home", str(home), "ingest", "--text", TEXT.replace("Quorvik", "Zentrova")).returncode == 0
    url = f"sqlite:///file:{home / 'catalog.sqlite'}?mode=ro&uri=true"
    done = run("--home", str(home), "ingest", "--text", TEXT, env={"NEWSDESK_CATALOG_URL": url})
    assert done.returncode == 1 and "Traceback" not in done.stdout + done.stderr
    failed = [line for line in done.stdout.splitlines() if line.startswith("✗")]
    assert len(failed) == 1 and "read-only" in failed[0]
    assert "INSERT" not in done.stdout and "Quorvik Holdings rose" not in done.stdout
    listed = run("--home", str(home), "articles", "--json")
    assert listed.stdout.count('"id"') == 1


def test_anything_unforeseen_is_one_line_and_exit_3(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bug surfaces as one line naming the exception, exit 3, and how to see the trace."""

    def broken() -> None:
        raise KeyError("passage 42\nwith a second line")

    monkeypatch.setattr(cli, "app", broken)
    monkeypatch.delenv("NEWSDESK_DEBUG", raising=False)
    with pytest.raises(SystemExit) as stopped:
        cli.main()
    assert stopped.value.code == 3
    err = capsys.readouterr().err
    assert err.strip().count("\n") == 0 and "KeyError" in err and "NEWSDESK_DEBUG=1" in err
    monkeypatch.setenv("NEWSDESK_DEBUG", "1")
    with pytest.raises(KeyError):
        cli.main()
