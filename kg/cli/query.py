"""``kg queries``, ``kg query`` and ``kg sparql``: the stored queries and your own SPARQL."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from kg.cli.options import echo_result, format_option, parse_params, store_option
from kg.errors import InputError
from kg.graph.export import serialize
from kg.graph.stores import read_store
from kg.query.catalogue import queries_graph
from kg.query.formats import RowFormat, format_rows
from kg.query.registry import QueryRegistry, default_registry, describe_query, query_text
from kg.query.sparql import run_query, sparql

__all__ = [
    "queries_command",
    "query_command",
    "sparql_command",
]


@click.command("queries")
@click.argument("name", required=False)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "turtle"]),
    default="table",
    show_default=True,
    help="table for people, json for programs, turtle for RDF (SIB's sparql-examples shape).",
)
@click.option(
    "--endpoint",
    metavar="URL",
    help="With --format turtle: the SPARQL endpoint the queries run on (schema:target).",
)
def queries_command(name: str | None, fmt: str, endpoint: str | None) -> None:
    """List the stored queries, or show one: its description, parameters and SPARQL.

    Without NAME, lists every query with its title and parameters. With NAME, prints what
    the query answers, its parameters and columns, and its SPARQL text (which any SPARQL
    tool runs; `--format json` gives the same as one object). `--format turtle` writes the
    queries as RDF, one sh:SPARQLExecutable each, as SIB's sparql-examples publish theirs;
    `kg serve` loads them beside the data.

    \b
    Example:
        kg queries
        kg queries trial-results
        kg queries --format json
        kg queries --format turtle --endpoint https://example.org/sparql > queries.ttl
    """
    registry = default_registry()
    chosen = [registry[name]] if name else list(registry.values())
    if fmt == "turtle":
        picked = QueryRegistry({query.name: query for query in chosen})
        click.echo(serialize(queries_graph(picked, endpoint=endpoint)), nl=False)
        return
    described = [describe_query(query) for query in chosen]
    if fmt == "json":
        click.echo(json.dumps(described[0] if name else described, indent=2, ensure_ascii=False))
        return
    if name:
        click.echo(query_text(chosen[0]), nl=False)
        return
    rows: list[dict[str, str | None]] = [
        {
            "name": entry["name"],
            "title": entry["title"],
            "params": ", ".join(
                p["name"] + ("" if p["required"] else "?") for p in entry["params"]
            ),
        }
        for entry in described
    ]
    click.echo(format_rows(rows, ["name", "title", "params"], "table", max_width=80), nl=False)


@click.command("query")
@click.argument("name")
@click.option(
    "--param",
    "-p",
    "pairs",
    multiple=True,
    metavar="KEY=VALUE",
    help="A parameter value (repeatable); names, registry ids and IRIs are resolved.",
)
@format_option
@click.option("--columns", help="Comma-separated columns to show, in order (default: all).")
@store_option
def query_command(
    name: str, pairs: tuple[str, ...], fmt: RowFormat, columns: str | None, store: str
) -> None:
    """Run the stored query NAME on the curated graph and print its rows.

    See `kg queries` for the names, parameters and columns (`kg queries NAME` for one).
    The table shows values as the graph writes them. json, csv and tsv are typed: numbers
    are numbers, booleans true/false, dates ISO (2024-12 reads 2024-12-01, with a
    <column>Precision column of day, month or year beside a date column that is not all
    days), list columns sorted (json arrays), IRIs in full.

    \b
    Example:
        kg query trials-missed-primary-endpoint --format json
        kg query trial-results --param trial=ALSummit
        kg query regulatory-events -p agency=FDA -p status=planned --format csv
        kg query approved-therapies --columns therapyLabel,jurisdiction,approvalKind,date
        kg query pipeline-status -p asOf=2023-01-01
        kg query needs-checking

    Queries on statuses and events take asOf=YYYY-MM-DD (default: today) and answer as of
    the start of that day; see the README, "What the graph said on a date".
    """
    graph = read_store(store)
    stored = default_registry()[name]
    echo_result(run_query(graph, stored, parse_params(pairs)), fmt, columns, stored.lists)


@click.command("sparql")
@click.argument("query")
@format_option
@store_option
def sparql_command(query: str, fmt: RowFormat, store: str) -> None:
    """Run your own SPARQL (SELECT, ASK or CONSTRUCT) on the curated graph.

    QUERY is the query text, @FILE to read it from a file, or - for standard input.
    CONSTRUCT and DESCRIBE print Turtle.

    \b
    Example:
        kg sparql 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }'
        kg sparql @my-question.rq --format csv
        echo 'ASK { ?s a <https://w3id.org/als-kg/ontology#Therapy> }' | kg sparql -
    """
    if query == "-":
        text = sys.stdin.read()
    elif query.startswith("@"):
        path = Path(query[1:])
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise InputError(path, f"cannot read the query: {error}") from error
    else:
        text = query
    echo_result(sparql(read_store(store), text), fmt)
