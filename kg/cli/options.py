"""Options shared by the ``kg`` commands: where the graph is, and how to print rows."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import click
from rdflib import Graph
from rdflib.query import Result

from kg.graph.stores import DEFAULT_STORE
from kg.namespaces import bind_prefixes
from kg.query.formats import ROW_FORMATS, RowFormat, format_rows
from kg.query.results import flat_rows, typed_table
from kg.query.sparql import result_rows

__all__ = [
    "echo_result",
    "format_option",
    "parse_params",
    "store_option",
    "table_or_json_option",
]

#: The ``--store`` option of every command that reads the graph (see :mod:`kg.graph.stores`).
store_option = click.option(
    "--store",
    default=DEFAULT_STORE,
    show_default=True,
    envvar="KG_STORE",
    metavar="DESCRIPTOR",
    help="Where the graph is: oxigraph-memory (the curated graph, in Oxigraph), memory (the "
    "same in rdflib's own store), oxigraph:PATH (filled by kg load) or sparql:URL (a SPARQL "
    "server). Also read from $KG_STORE.",
)

#: ``--format`` for commands that print rows: a table, JSON, CSV or TSV.
format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(ROW_FORMATS),
    default="table",
    show_default=True,
    help="table for people; json (one array of objects), csv or tsv for programs.",
)

#: ``--format`` for commands whose output is a table for people or JSON for programs.
table_or_json_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="table for people, json for programs.",
)


def parse_params(pairs: tuple[str, ...]) -> dict[str, str]:
    """Read ``--param KEY=VALUE`` pairs into a dict, refusing a pair without ``=``.

    >>> parse_params(("therapy=tofersen", "asOf=2025-01-01"))
    {'therapy': 'tofersen', 'asOf': '2025-01-01'}
    """
    params: dict[str, str] = {}
    for pair in pairs:
        name, equals, value = pair.partition("=")
        if not equals or not name:
            raise click.BadParameter(f"{pair!r} is not KEY=VALUE", param_hint="--param")
        params[name.strip()] = value
    return params


def echo_result(
    result: Result,
    fmt: RowFormat,
    columns: str | None = None,
    lists: tuple[tuple[str, str], ...] = (),
) -> None:
    """Print a query's result: a graph as Turtle, rows as a table, JSON, CSV or TSV.

    The table shows terms as the graph writes them; the other formats give typed values
    (numbers, booleans, ISO dates with their precision, lists). ``columns`` picks and orders
    the columns shown (comma-separated names).
    """
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        graph = bind_prefixes(Graph())
        for triple in result:
            graph.add(triple)  # type: ignore[arg-type]
        click.echo(graph.serialize(format="turtle"), nl=False)
        return
    rows: Sequence[dict[str, Any]]
    if fmt == "table":  # text as the graph writes it
        rows = result_rows(result)
        available = [str(variable) for variable in result.vars or []] or ["answer"]
    else:  # typed: numbers, booleans, ISO dates with their precision, lists
        available, rows = typed_table(result, lists=lists)
        if fmt != "json":
            rows = flat_rows(rows, lists=lists)
    chosen = [name.strip() for name in columns.split(",")] if columns else available
    unknown = [name for name in chosen if name not in available]
    if unknown:
        raise click.BadParameter(
            f"no column {', '.join(unknown)}; columns: {', '.join(available)}",
            param_hint="--columns",
        )
    if columns and fmt != "table":  # a date keeps its precision column
        chosen = [
            name
            for column in chosen
            for name in (column, f"{column}Precision")
            if name == column or (name in available and name not in chosen)
        ]
    click.echo(format_rows(rows, chosen, fmt), nl=False)
