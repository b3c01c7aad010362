"""The analysis commands: kg evidence, precedents, sources-load, path, unsourced, report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main

COMMANDS = ["evidence", "precedents", "sources-load", "path", "unsourced", "report"]


@pytest.mark.parametrize("name", COMMANDS)
def test_help_has_an_example(runner: CliRunner, name: str) -> None:
    result = runner.invoke(main, [name, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output


def test_evidence_json(runner: CliRunner) -> None:
    result = runner.invoke(
        main, ["evidence", "kgr:event-tofersen-fda-accelerated-approval", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert any(row["to"].endswith("NCT02623699-res-nfl") for row in rows)


def test_evidence_table(runner: CliRunner) -> None:
    result = runner.invoke(main, ["evidence", "Qalsody"])
    assert result.exit_code == 0
    assert "VALOR: plasma NfL reduced with tofersen" in result.output


def test_precedents(runner: CliRunner) -> None:
    result = runner.invoke(main, ["precedents", "--format", "json"])
    assert result.exit_code == 0
    rows = json.loads(result.output)
    assert any(row["citing"].endswith("event-lenzumestrocel-fda-bla") for row in rows)


def test_sources_load(runner: CliRunner) -> None:
    result = runner.invoke(main, ["sources-load", "--format", "json", "--top", "3"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert len(data["sources"]) == 3
    single = data["singlePressRelease"]
    assert any(r["claim"].endswith("NCT04745299-res-slow-alsfrsr") for r in single)
    table = runner.invoke(main, ["sources-load", "--top", "2"])
    assert "single press release" in table.output


def test_path(runner: CliRunner) -> None:
    result = runner.invoke(main, ["path", "VALOR", "Qalsody", "--format", "json"])
    assert result.exit_code == 0
    labels = [row["label"] for row in json.loads(result.output)]
    assert labels == ["VALOR (NCT02623699)", "tofersen"]


def test_path_unknown_name_exits_2(runner: CliRunner) -> None:
    result = runner.invoke(main, ["path", "no such thing", "tofersen"])
    assert result.exit_code == 2
    assert "no node matches" in result.output


def test_unsourced(runner: CliRunner) -> None:
    result = runner.invoke(main, ["unsourced", "--format", "json"])
    assert result.exit_code == 0
    assert all(row["problem"] == "company sources only" for row in json.loads(result.output))


def test_report(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["report", "-o", str(tmp_path / "site")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "site" / "index.html").is_file()
    assert (tmp_path / "site" / "lenzumestrocel.html").is_file()
