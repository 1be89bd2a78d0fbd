"""Cold start of the CLI: `--help`, `articles` and `facts` load none of the heavy stacks.

These tests assert on what a fresh interpreter has imported (sys.modules), never on time: the timings live
in benchmarks/cold_start.py, as a slow or busy machine would make a timing assertion flaky.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

# the machine-learning, vector-store, UI, LLM, search and fetching stacks: none is needed to build the CLI
HEAVY = (
    "torch",
    "sentence_transformers",
    "transformers",
    "chromadb",
    "streamlit",
    "langchain",
    "langchain_core",
    "bm25s",
    "scipy",
    "trafilatura",
    "feedparser",
    "pypdf",
    "apscheduler",
    "onnxruntime",
)
# what a command that reads only the catalog must not open or load: the passage index and the embedder
INDEX_AND_EMBEDDER = ("chromadb", "torch", "onnxruntime", "bm25s", "sentence_transformers")

HELP = (
    "import json, sys\n"
    "from typer.testing import CliRunner\n"
    "import assistant.cli\n"
    "result = CliRunner().invoke(assistant.cli.app, ['--help'])\n"
    "assert result.exit_code == 0, result.output\n"
    "print(json.dumps(sorted(m for m in {heavy!r} if m in sys.modules)))\n"
)
COMMAND = (
    "import json, sys\n"
    "sys.argv = ['newsdesk', *{args!r}]\n"
    "from assistant.cli import main\n"
    "try:\n"
    "    main()\n"
    "except SystemExit as exc:\n"
    "    assert not exc.code, exc.code\n"
    "print(json.dumps(sorted(m for m in {heavy!r} if m in sys.modules)))\n"
)


def _loaded(code: str, home: Path) -> tuple[list[str], str]:
    """Run code in a fresh interpreter on the library in home: the modules its last line lists, and the
    output before it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSDESK_")}
    env["NEWSDESK_HOME"] = str(home)
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    *before, last = done.stdout.strip().splitlines()
    return json.loads(last), "\n".join(before)


def test_help_loads_no_heavy_module(tmp_path: Path) -> None:
    """Importing the CLI and printing its help (which builds every command and sub-app) loads no stack."""
    loaded, _ = _loaded(HELP.format(heavy=HEAVY), tmp_path)
    assert loaded == []


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["articles"], "The library is empty"),
        (["facts"], "No facts match"),
        (["facts", "--format", "json", "--since", "2026-02-06"], "[]"),
    ],
)
def test_catalog_commands_open_neither_index_nor_embedder(tmp_path: Path, args: list[str], says: str) -> None:
    """`articles` and `facts` on an empty library read the catalog alone, and say the library is empty."""
    loaded, out = _loaded(COMMAND.format(args=args, heavy=INDEX_AND_EMBEDDER), tmp_path / "lib")
    assert loaded == []
    assert says in out
    assert (tmp_path / "lib" / "catalog.sqlite").is_file()  # the library folder is created, as before


def test_spelled_out_constants_agree() -> None:
    """The values the CLI spells out to stay cheap to build are the ones their modules define."""
    from assistant.cli_facts import FACT_KINDS_HELP
    from assistant.cli_feeds import DEFAULT_EVERY
    from assistant.facts import FACT_KINDS
    from ingest.subscriptions import DEFAULT_EVERY as SUBSCRIPTIONS_EVERY

    assert ", ".join(FACT_KINDS) == FACT_KINDS_HELP
    assert DEFAULT_EVERY == SUBSCRIPTIONS_EVERY


@pytest.mark.parametrize("args", [["articles"], ["facts", "--kind", "capex"], ["articles", "--json"]])
def test_an_existing_sqlite_catalog_is_listed_without_sqlalchemy(tmp_path: Path, args: list[str]) -> None:
    """Once the catalog exists at this code's schema, the listing commands read it with the standard
    library: SQLAlchemy (and Alembic) are never imported."""
    from vectorstore.catalog import Catalog

    Catalog(f"sqlite:///{tmp_path / 'lib' / 'catalog.sqlite'}") if (
        tmp_path / "lib"
    ).mkdir() is None else None
    loaded, _ = _loaded(COMMAND.format(args=args, heavy=("sqlalchemy", "alembic", *HEAVY)), tmp_path / "lib")
    assert loaded == []
