"""The newsdesk CLI end to end: ingest, articles, search, remove, demo, NEWSDESK_HOME."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from assistant.cli import app

from .conftest import example_files

runner = CliRunner()

TEXT = (
    "Shipping stocks rallied after freight rates on the main Asia to Europe route jumped for a third week. "
    "Container lines in the Stoxx 600 rose 4.2% and a logistics analyst in Rotterdam said capacity "
    "remained tight because vessels were still avoiding the shortest canal route. "
) * 3


def _run(home: Path, *args: str, input: str | None = None) -> tuple[int, str]:
    """Invoke the CLI against a library folder; exit code and output."""
    result = runner.invoke(app, ["--home", str(home), *args], input=input)
    return result.exit_code, result.output


def test_ingest_list_search_remove(tmp_path: Path) -> None:
    """A full round trip through the commands an analyst uses."""
    home = tmp_path / "lib"
    code, out = _run(home, "ingest", str(example_files()[1]), "--date", "2026-02-06")
    assert code == 0, out
    assert "1 added" in out
    code, out = _run(
        home,
        "ingest",
        "-",
        "--title",
        "Freight rally",
        "--source",
        "Desk",
        "--date",
        "2026-02-05",
        input=TEXT,
    )
    assert code == 0 and "1 added" in out, out
    code, out = _run(home, "articles")
    lines = [line for line in out.splitlines() if line.strip()]
    assert len(lines) == 2
    assert re.match(r"^[0-9a-f]{16}\s+2026-02-06\s+Sector scoreboard", lines[0])
    assert "Freight rally" in lines[1] and "2026-02-05" in lines[1]
    freight_id = lines[1].split()[0]

    code, out = _run(home, "show", freight_id[:6], "--passages")
    assert code == 0 and "Freight rally" in out and "2026-02-05" in out and "#0 [0:" in out
    code, out = _run(home, "show", freight_id)
    assert "Rotterdam" in out

    code, out = _run(home, "search", "container freight rates", "-k", "2")
    assert code == 0
    assert "[1] Freight rally" in out and "Desk, 2026-02-05" in out and "span [0:" in out
    code, out = _run(home, "search", "real estate", "--since", "2026-02-06", "--until", "2026-02-06")
    assert "Freight rally" not in out and "Sector scoreboard" in out
    code, out = _run(home, "search", "x", "--since", "yesterday")
    assert code != 0 and "YYYY-MM-DD" in out

    code, out = _run(home, "ingest", "-", input=TEXT)
    assert code == 0 and "already in the library" in out
    code, out = _run(home, "remove", freight_id[:8])
    assert code == 0 and f"removed {freight_id}" in out
    _code, out = _run(home, "articles")
    assert "Freight rally" not in out and "Sector scoreboard" in out


def test_newsdesk_home_is_honoured(tmp_path: Path) -> None:
    """Without --home, the library lives in $NEWSDESK_HOME."""
    home = tmp_path / "env-home"
    result = runner.invoke(app, ["ingest", "--text", TEXT], env={"NEWSDESK_HOME": str(home)})
    assert result.exit_code == 0, result.output
    assert (home / "catalog.sqlite").is_file() and (home / "chroma").is_dir()
    listed = runner.invoke(app, ["articles"], env={"NEWSDESK_HOME": str(home)})
    assert len([line for line in listed.output.splitlines() if line.strip()]) == 1


def test_remove_unknown_id_is_a_clear_error(tmp_path: Path) -> None:
    """Removing an id that is not there names it and says where to look."""
    result = runner.invoke(app, ["--home", str(tmp_path), "remove", "deadbeef"])
    assert result.exit_code != 0
    assert "deadbeef" in str(result.exception) and "newsdesk articles" in str(result.exception)


def test_demo_builds_a_fresh_library_and_answers(tmp_path: Path) -> None:
    """`newsdesk demo --fresh` ingests every sample, answers the demo question with sources, lists moves."""
    home = tmp_path / "demo"
    code, out = _run(home, "demo", "--fresh")
    assert code == 0, out
    assert f"{len(example_files())} added" in out
    answer, sources = out.split("Question:", 1)[1].split("Sources (extractive)", 1)
    assert "3.5%" in answer and "[1]" in answer
    assert "[1] Why small caps ran away from Big Tech on Friday" in sources and "#:~:text=" in sources
    moves = out.split("Index and sector moves on 2026-02-06", 1)[1]
    assert "Russell" in moves and "+3.50%" in moves and "Estate" in moves and "13 facts" in moves
    code, out = _run(home, "demo", "--fresh")
    assert f"{len(example_files())} added" in out, "--fresh starts from an empty library"
