"""Options shared by the ``kg`` commands: where the graph is, and how to print rows."""

from __future__ import annotations

import click

from kg.formats import ROW_FORMATS
from kg.stores import DEFAULT_STORE

__all__ = [
    "format_option",
    "store_option",
    "table_or_json_option",
]

#: The ``--store`` option of every command that reads the graph (see :mod:`kg.stores`).
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
