"""``kg export``, ``kg stats``, ``kg load`` and ``kg push``: the graph as a whole."""

from __future__ import annotations

from pathlib import Path

import click

from kg.analysis.stats import data_date, graph_stats
from kg.cli.options import format_option, store_option
from kg.graph.endpoints import Endpoint
from kg.graph.export import EXPORT_FORMATS, ExportFormat, serialize, write_graph
from kg.graph.oxigraph import triple_count
from kg.graph.remote import DEFAULT_GRAPH, PUSH_TIMEOUT, push
from kg.graph.stores import load_into_store, read_store
from kg.publish.dataset import describe_dataset
from kg.query.formats import RowFormat, format_rows

__all__ = [
    "export_command",
    "load_command",
    "push_command",
    "stats_command",
]


@click.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(EXPORT_FORMATS),
    default="turtle",
    show_default=True,
    help="turtle, json-ld (keys read as words), nt (N-Triples) or graphml (for Gephi, Cytoscape).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write (atomically); standard output when not given.",
)
@click.option(
    "--description/--no-description",
    default=True,
    show_default=True,
    help="Write the dataset's VoID/DCAT description with the graph.",
)
@store_option
def export_command(
    fmt: ExportFormat, output: Path | None, description: bool, store: str
) -> None:
    """Export the curated graph (ontology and data) in an RDF format or as GraphML.

    The RDF formats carry the dataset's description (VoID and DCAT: licence, version,
    release and modification dates, counts, vocabularies) unless --no-description.

    \b
    Example:
        kg export -o als-kg.ttl
        kg export --format json-ld -o als-kg.jsonld
        kg export --format nt | gzip > als-kg.nt.gz
    """
    graph = read_store(store)
    extra = describe_dataset(graph) if description and fmt != "graphml" else None
    if output is None:
        click.echo(serialize(graph, fmt, extra=extra), nl=False)
    else:
        write_graph(graph, output, fmt, extra=extra)
        click.echo(f"Wrote {triple_count(graph)} triples to {output} ({fmt}).", err=True)


@click.command("stats")
@format_option
@store_option
def stats_command(fmt: RowFormat, store: str) -> None:
    """Count therapies, trials, results, regulatory events, sources, claims and triples.

    dataDate is the graph's data date: the latest day a therapy file was reviewed against its
    sources (kgo:lastReviewed).

    \b
    Example:
        kg stats
        kg stats --format json
    """
    graph = read_store(store)
    counts = graph_stats(graph)
    reviewed = data_date(graph)
    row = {**counts, "dataDate": None if reviewed is None else reviewed.isoformat()}
    click.echo(format_rows([row], list(row), fmt), nl=False)


@click.command("load")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--store",
    required=True,
    metavar="DESCRIPTOR",
    help="The store to fill: oxigraph:PATH (a folder), or sparql:URL (see kg push).",
)
def load_command(files: tuple[Path, ...], store: str) -> None:
    """Fill a store with the curated graph and FILES, replacing what it held.

    Oxigraph stores are filled with Oxigraph's bulk loader, after every file has parsed: a
    bad file leaves the store as it was. Other commands then read it with --store. A progress
    bar (one step per file) shows on a terminal (stderr), not when the output is piped.

    \b
    Example:
        kg load --store oxigraph:als-kg.db
        kg load --store oxigraph:als-kg.db imported/ctgov.ttl
        kg query trial-results -p trial=ALSummit --store oxigraph:als-kg.db
    """
    graph = load_into_store(store, *files)
    click.echo(f"Loaded {triple_count(graph)} triples into {store}.", err=True)


@click.command("push")
@click.option(
    "--endpoint",
    required=True,
    metavar="URL[,UPDATE_URL[,STORE_URL]]",
    help="The SPARQL server: an Oxigraph server's base URL, or its query, update and Graph "
    "Store URLs, comma-separated.",
)
@click.option(
    "--graph",
    "graph_iri",
    default=DEFAULT_GRAPH,
    show_default=True,
    metavar="IRI",
    help="The named graph to replace.",
)
@store_option
@click.option(
    "--timeout",
    type=float,
    default=PUSH_TIMEOUT,
    show_default=True,
    help="Seconds to wait for each of the server's answers.",
)
def push_command(endpoint: str, graph_iri: str, store: str, timeout: float) -> None:
    """Replace a named graph on a SPARQL server with the graph, all or nothing.

    The triples go into a temporary named graph first and are moved into --graph by one
    SPARQL update only when the server holds them all, so a failed push leaves the
    server's previous graph as it was.

    Credentials (HTTP Basic, Digest or a bearer token) come from KG_SPARQL_USER and
    KG_SPARQL_PASSWORD, KG_SPARQL_TOKEN, or the host's entry in ~/.netrc ($NETRC), never
    from the command line; no message shows them.

    \b
    Example:
        kg push --endpoint http://127.0.0.1:7878
        kg push --endpoint http://127.0.0.1:7878 --graph https://example.org/als
        KG_SPARQL_USER=dba KG_SPARQL_PASSWORD=... kg push --endpoint \\
            http://h:8890/sparql,http://h:8890/sparql-auth,http://h:8890/sparql-graph-crud-auth
        kg query trial-results -p trial=ALSummit \\
            --store 'sparql:http://127.0.0.1:7878/query?default-graph-uri=https://w3id.org/als-kg/graph'
    """
    count = push(read_store(store), endpoint, graph_iri=graph_iri, timeout=timeout)
    descriptor = Endpoint.parse(endpoint).reading(graph_iri).descriptor()
    click.echo(f"Pushed {count} triples to <{graph_iri}> at {endpoint}.", err=True)
    click.echo(f"Query them with: --store '{descriptor}'", err=True)
