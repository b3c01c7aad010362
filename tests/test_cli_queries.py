"""The query, sparql, export and stats commands: the contract other tools script against."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from rdflib.compare import isomorphic

import kg
from kg.cli import main
from kg.publish.dataset import describe_dataset


def test_query_json_lists_alsummit_not_phase_2(runner: CliRunner) -> None:
    """`kg query trials-missed-primary-endpoint --format json` is one JSON array."""
    result = runner.invoke(main, ["query", "trials-missed-primary-endpoint", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    ids = {row["nctId"] for row in rows}
    assert "NCT04745299" in ids and "NCT01363401" not in ids
    assert all(row["trial"].startswith("https://") for row in rows)


def test_query_met_lists_phase_2(runner: CliRunner) -> None:
    """The phase 2 met its primary endpoint."""
    result = runner.invoke(main, ["query", "trials-met-primary-endpoint", "--format", "csv"])
    assert result.exit_code == 0 and "NCT01363401" in result.output


def test_query_with_param(runner: CliRunner) -> None:
    """Parameters are KEY=VALUE and names are resolved."""
    args = ["query", "trial-results", "-p", "trial=ALSummit", "--format", "tsv"]
    result = runner.invoke(main, args)
    assert result.exit_code == 0 and "p=0.001" in result.output


def test_unknown_query_lists_choices(runner: CliRunner) -> None:
    """An unknown name gets a one-line error listing the valid choices."""
    result = runner.invoke(main, ["query", "no-such-query"])
    assert result.exit_code == 2
    assert "trials-missed-primary-endpoint" in result.output
    assert "Traceback" not in result.output


def test_missing_parameter_is_named(runner: CliRunner) -> None:
    """A missing parameter is named with an example, no traceback."""
    result = runner.invoke(main, ["query", "trial-results"])
    assert result.exit_code == 2 and "--param trial=" in result.output


def test_sparql_select_ask_construct(runner: CliRunner, tmp_path: Path) -> None:
    """kg sparql runs SELECT, ASK and CONSTRUCT, from text, a file or stdin."""
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    select = runner.invoke(main, ["sparql", count, "--format", "json"])
    assert int(json.loads(select.output)[0]["n"]) > 1000
    therapy = "ASK { ?s a <https://w3id.org/als-kg/ontology#Therapy> }"
    ask = runner.invoke(main, ["sparql", "-"], input=therapy)
    assert "true" in ask.output
    query = tmp_path / "q.rq"
    query.write_text("CONSTRUCT { ?s a ?c } WHERE { ?s a ?c } LIMIT 3")
    construct = runner.invoke(main, ["sparql", f"@{query}"])
    assert construct.exit_code == 0 and " a " in construct.output


def test_sparql_syntax_error_is_one_line(runner: CliRunner) -> None:
    """A query that does not parse gets a clear error, not a traceback."""
    result = runner.invoke(main, ["sparql", "SELEKT nothing"])
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_export_to_file_round_trips(runner: CliRunner, tmp_path: Path) -> None:
    """kg export -o writes the curated graph and its description, which load back unchanged."""
    out = tmp_path / "als-kg.ttl"
    result = runner.invoke(main, ["export", "-o", str(out)])
    assert result.exit_code == 0, result.output
    curated = kg.load_curated()
    assert isomorphic(kg.read_graph(out), curated + describe_dataset(curated))
    bare = tmp_path / "bare.ttl"
    result = runner.invoke(main, ["export", "--no-description", "-o", str(bare)])
    assert isomorphic(kg.read_graph(bare), curated)


def test_stats(runner: CliRunner) -> None:
    """kg stats counts what the graph holds."""
    result = runner.invoke(main, ["stats", "--format", "json"])
    counts = json.loads(result.output)[0]
    assert int(counts["therapies"]) >= 3 and int(counts["results"]) > 10
