"""The facts commands end to end on the sample library: browse, filter, export, re-extract, evaluate."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli import app

from .conftest import SHARED, example_files, needs_shared

runner = CliRunner()


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A library holding the sample articles, ingested through the CLI (rules extractor, no LLM)."""
    path = tmp_path_factory.mktemp("facts") / "lib"
    result = runner.invoke(app, ["--home", str(path), "ingest", *map(str, example_files())])
    assert result.exit_code == 0, result.output
    return path


def _run(home: Path, *args: str) -> str:
    """CLI output for args against the library; the command must succeed."""
    result = runner.invoke(app, ["--home", str(home), *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_ingest_reports_fact_counts(home: Path) -> None:
    """Every sample article yields facts, shown in the listing."""
    listing = _run(home, "articles")
    counts = [int(n) for n in re.findall(r"(\d+) facts", listing)]
    assert len(counts) == len(example_files()) and all(n > 0 for n in counts)


def test_sector_moves_as_csv_with_evidence(home: Path) -> None:
    """The Feb 6 sector scoreboard comes out as CSV rows whose evidence holds the number."""
    rows = list(csv.DictReader(io.StringIO(_run(home, "facts", "--kind", "sector_move", "--format", "csv"))))
    assert rows and {r["kind"] for r in rows} == {"sector_move"}
    real_estate = [r for r in rows if r["subject"] == "Real Estate"]
    assert real_estate and any(abs(float(r["value"]) - 3.07) < 1e-9 for r in real_estate)
    for row in rows:
        assert row["evidence"] and int(row["start"]) < int(row["end"])


def test_json_export_is_grounded_and_filters_apply(home: Path) -> None:
    """JSON facts carry spans into their article; subject, date and article filters narrow them."""
    everything = json.loads(_run(home, "facts", "--format", "json"))
    assert everything
    kinds = {f["kind"] for f in everything}
    assert {"index_move", "sector_move", "capex"} <= kinds
    russell = json.loads(_run(home, "facts", "--subject", "russell", "--format", "json"))
    assert russell and all("russell" in f["subject"].lower() for f in russell)
    feb6 = json.loads(
        _run(home, "facts", "--since", "2026-02-06", "--until", "2026-02-06", "--format", "json")
    )
    assert feb6 and all(f["as_of"] == "2026-02-06" for f in feb6)
    one = everything[0]["article_id"]
    only = json.loads(_run(home, "facts", "--article", one[:8], "--format", "json"))
    assert only and {f["article_id"] for f in only} == {one}
    text = _run(home, "show", one)
    for fact in only:
        assert " ".join(fact["evidence"].split())[:40] in " ".join(text.split())


def test_table_shows_evidence(home: Path) -> None:
    """The default table lists kind, subject, value and evidence."""
    table = _run(home, "facts", "--kind", "index_move")
    assert "index_move" in table and "Russell 2000" in table and "%" in table
    bad = runner.invoke(app, ["--home", str(home), "facts", "--kind", "rumour"])
    assert bad.exit_code != 0 and "not a fact kind" in bad.output


def test_extract_all_rebuilds_the_same_facts(home: Path) -> None:
    """Re-running extraction over the library gives the same facts (rules are deterministic)."""
    before = json.loads(_run(home, "facts", "--format", "json"))
    out = _run(home, "extract", "--all")
    assert "extractors: rules" in out and f"from {len(example_files())} articles" in out
    after = json.loads(_run(home, "facts", "--format", "json"))
    assert sorted(map(json.dumps, before)) == sorted(map(json.dumps, after))


@needs_shared
def test_eval_facts_on_the_seeds(tmp_path: Path) -> None:
    """`newsdesk eval facts` scores the seeds per kind and reports full grounding."""
    gold = SHARED / "eval" / "seed_facts.jsonl"
    out = runner.invoke(app, ["--home", str(tmp_path / "untouched"), "eval", "facts", str(gold)])
    assert out.exit_code == 0, out.output
    assert "3 added" in out.output
    for kind in ("index_move", "sector_move", "capex", "quote", "numeric", "overall"):
        assert kind in out.output
    grounded = re.search(r"grounded: (\d+)/(\d+) facts", out.output)
    assert grounded and grounded.group(1) == grounded.group(2) and int(grounded.group(1)) > 0
    numeric = re.search(
        r"numeric\s*│\s*(\d+)\s*│\s*(\d+)\s*│\s*(\d+)\s*│\s*([\d.]+)\s*│\s*([\d.]+)", out.output
    )
    assert numeric, out.output
    gold, predicted, correct = (int(numeric.group(i)) for i in (1, 2, 3))
    assert gold == 39 and predicted > 0 and correct <= predicted
    assert not (tmp_path / "untouched").exists(), "eval uses a temporary library"
