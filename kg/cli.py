"""The ``kg`` command line: a thin shell over the :mod:`kg` library."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Literal

import click
from rdflib import Graph
from rdflib.query import Result

from kg import __version__
from kg.analysis_commands import ANALYSIS_COMMANDS
from kg.cli_options import format_option, store_option, table_or_json_option
from kg.endpoints import Endpoint
from kg.errors import InputError, KgError
from kg.export import EXPORT_FORMATS, ExportFormat, serialize, write_graph
from kg.formats import RowFormat, format_rows
from kg.importers import import_summary
from kg.io import load_curated
from kg.namespaces import bind_prefixes
from kg.queries import default_registry
from kg.remote import DEFAULT_GRAPH, PUSH_TIMEOUT, push
from kg.server import DEFAULT_PORT, DEFAULT_TIME_LIMIT, make_server
from kg.sparql import result_rows, run_query, sparql
from kg.stats import graph_stats
from kg.stores import DEFAULT_STORE, load_into_store, read_store, triple_count
from kg.validation import validate

__all__ = [
    "main",
]


class _Failure(click.ClickException):
    """A :class:`kg.errors.KgError` shown as ``Error: <message>`` on stderr, with exit code 2."""

    exit_code = 2


class _Group(click.Group):
    """A click group whose commands report :class:`kg.errors.KgError` in one line, no traceback.

    Commands just call the library; any ``KgError`` they let through (a bad file, a missing
    asset, unusable shapes) becomes exit code 2 and a one-line message naming the file and line.
    """

    def invoke(self, ctx: click.Context) -> Any:
        """Run the chosen command, turning a :class:`kg.errors.KgError` into a clean failure."""
        try:
            return super().invoke(ctx)
        except KgError as error:
            raise _Failure(str(error)) from error


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(version=__version__, prog_name="kg")
def main() -> None:
    """Build and check the ALS therapies knowledge graph.

    \b
    Example:
        kg validate
        kg validate my-new-trials.ttl
    """


@main.command("validate")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--shapes",
    "shape_paths",
    multiple=True,
    type=click.Path(path_type=Path),
    help="SHACL shapes file or folder to use instead of the bundled shapes (repeatable).",
)
@click.option(
    "--engine",
    type=click.Choice(["pyshacl", "oxigraph"]),
    default="pyshacl",
    show_default=True,
    help="pyshacl (the reference) or oxigraph (shapes compiled to SPARQL: same results, faster).",
)
@store_option
@click.pass_context
def validate_command(
    ctx: click.Context,
    files: tuple[Path, ...],
    shape_paths: tuple[Path, ...],
    engine: Literal["pyshacl", "oxigraph"],
    store: str,
) -> None:
    """Check RDF against the SHACL shapes and print what is wrong.

    Without FILES, checks the graph of --store (by default the curated graph shipped with
    kg). With FILES (Turtle or another RDF format), checks them together with the ontology.
    Exits with 0 if the data conforms, 1 if there is a violation (warnings do not fail), 2 if
    a file cannot be read. A progress bar shows on a terminal (stderr), not when piped.

    \b
    Example:
        kg validate
        kg validate data/new-therapy.ttl data/new-trial.ttl
        kg validate --engine oxigraph big-graph.nt
        kg validate --store oxigraph:als-kg.db --engine oxigraph
    """
    data: list[Path] | Graph
    if files:
        data = list(files)
    elif store == DEFAULT_STORE:
        data = load_curated(ontology=False)  # validate() adds the ontology itself
    else:
        data = read_store(store)
    report = validate(
        data,
        shapes=list(shape_paths) or None,
        engine=engine,
    )
    click.echo(report.text())
    ctx.exit(0 if report.conforms else 1)


def _parse_params(pairs: tuple[str, ...]) -> dict[str, str]:
    params: dict[str, str] = {}
    for pair in pairs:
        name, equals, value = pair.partition("=")
        if not equals or not name:
            raise click.BadParameter(f"{pair!r} is not KEY=VALUE", param_hint="--param")
        params[name.strip()] = value
    return params


def _echo_result(result: Result, fmt: RowFormat, columns: str | None = None) -> None:
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        graph = bind_prefixes(Graph())
        for triple in result:
            graph.add(triple)  # type: ignore[arg-type]
        click.echo(graph.serialize(format="turtle"), nl=False)
        return
    rows = result_rows(result)
    available = [str(variable) for variable in result.vars or []] or ["answer"]
    chosen = [name.strip() for name in columns.split(",")] if columns else available
    unknown = [name for name in chosen if name not in available]
    if unknown:
        raise click.BadParameter(
            f"no column {', '.join(unknown)}; columns: {', '.join(available)}",
            param_hint="--columns",
        )
    click.echo(format_rows(rows, chosen, fmt), nl=False)


@main.command("queries")
@table_or_json_option
def queries_command(fmt: str) -> None:
    """List the stored queries with their titles, parameters and result columns.

    \b
    Example:
        kg queries
        kg queries --format json
    """
    registry = default_registry()
    described: list[dict[str, Any]] = [
        {
            "name": query.name,
            "title": query.title,
            "description": query.description,
            "tags": list(query.tags),
            "params": [
                {
                    "name": p.name,
                    "type": p.type,
                    "required": p.required,
                    "description": p.description,
                    "example": p.example,
                }
                for p in query.params
            ],
            "columns": [name for name, _ in query.columns],
        }
        for query in registry.values()
    ]
    if fmt == "json":
        click.echo(json.dumps(described, indent=2, ensure_ascii=False))
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


@main.command("query")
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

    See `kg queries` for the names, parameters and columns. In json, IRIs are full IRIs and
    literals their lexical form.

    \b
    Example:
        kg query trials-missed-primary-endpoint --format json
        kg query trial-results --param trial=ALSummit
        kg query regulatory-events -p agency=FDA -p status=planned --format csv
        kg query approved-therapies --columns therapyLabel,jurisdiction,approvalKind,date
    """
    graph = read_store(store)
    _echo_result(run_query(graph, name, _parse_params(pairs)), fmt, columns)


@main.command("sparql")
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
    _echo_result(sparql(read_store(store), text), fmt)


@main.command("export")
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
@store_option
def export_command(fmt: ExportFormat, output: Path | None, store: str) -> None:
    """Export the curated graph (ontology and data) in an RDF format or as GraphML.

    \b
    Example:
        kg export -o als-kg.ttl
        kg export --format json-ld -o als-kg.jsonld
        kg export --format nt | gzip > als-kg.nt.gz
    """
    graph = read_store(store)
    if output is None:
        click.echo(serialize(graph, fmt), nl=False)
    else:
        write_graph(graph, output, fmt)
        click.echo(f"Wrote {triple_count(graph)} triples to {output} ({fmt}).", err=True)


@main.command("stats")
@format_option
@store_option
def stats_command(fmt: RowFormat, store: str) -> None:
    """Count therapies, trials, results, regulatory events, sources, claims and triples.

    \b
    Example:
        kg stats
        kg stats --format json
    """
    counts = graph_stats(read_store(store))
    rows: list[dict[str, str | None]] = [{k: str(v) for k, v in counts.items()}]
    click.echo(format_rows(rows, list(counts), fmt), nl=False)


@main.group("import")
def import_group() -> None:
    """Import records from external registries as als-kg Turtle.

    \b
    Example:
        kg import ctgov NCT04745299.json -o data/ctgov/NCT04745299.ttl
    """


@import_group.command("ctgov")
@click.argument(
    "paths", metavar="FILE_OR_DIR...", nargs=-1, required=True, type=click.Path(path_type=Path)
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Turtle file to write (atomically); standard output when not given.",
)
def import_ctgov_command(paths: tuple[Path, ...], output: Path | None) -> None:
    """Import ClinicalTrials.gov records (API v2 JSON or legacy XML) as Turtle.

    Reads record files, or folders of .json and .xml records, and writes what they add to
    the curated graph. Records resolve to curated trials (by NCT id, other registry id, or
    acronym and therapy), organisations, conditions and therapies; where the curated graph
    already states a different phase, status, date or sponsor, the registry's value is
    written as a kgo:Claim instead, and so are values that a newer record version or a later
    curated event supersedes. A summary (records read, trials matched and how, new trials,
    triples added, claims, superseded values) goes to standard error. All or nothing: if any
    record cannot be read, nothing is written and every failed file is named (exit code 2).
    A progress bar shows on a terminal. Check the output with the curated graph by
    validating it (kg validate FILE).

    \b
    Example:
        kg import ctgov NCT04745299.json
        kg import ctgov records/ -o new.ttl
        kg validate new.ttl
    """
    added, summary = import_summary(paths, base=load_curated(ontology=False))
    if output is None:
        click.echo(serialize(added), nl=False)
    else:
        write_graph(added, output)
        click.echo(f"Wrote {len(added)} triples to {output}.", err=True)
    for line in summary.lines():
        click.echo(line, err=True)


@main.command("load")
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


@main.command("push")
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

    \b
    Example:
        kg push --endpoint http://127.0.0.1:7878
        kg push --endpoint http://127.0.0.1:7878 --graph https://example.org/als
        kg query trial-results -p trial=ALSummit \\
            --store 'sparql:http://127.0.0.1:7878/query?default-graph-uri=https://w3id.org/als-kg/graph'
    """
    count = push(read_store(store), endpoint, graph_iri=graph_iri, timeout=timeout)
    descriptor = Endpoint.parse(endpoint).reading(graph_iri).descriptor()
    click.echo(f"Pushed {count} triples to <{graph_iri}> at {endpoint}.", err=True)
    click.echo(f"Query them with: --store '{descriptor}'", err=True)


@main.command("serve")
@store_option
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to listen on.")
@click.option(
    "--port", type=int, default=DEFAULT_PORT, show_default=True, help="The port; 0 picks one."
)
@click.option(
    "--timeout",
    type=float,
    default=DEFAULT_TIME_LIMIT,
    show_default=True,
    help="Seconds a query may run before it is stopped (HTTP 503).",
)
def serve_command(store: str, host: str, port: int, timeout: float) -> None:
    """Serve the graph as a read-only SPARQL endpoint, with a page to query it.

    The page (at /) runs your SPARQL and the stored queries; programs send SPARQL 1.1
    Protocol requests to /sparql. Updates are refused. Ctrl+C stops the server.

    \b
    Example:
        kg serve
        kg serve --store oxigraph:als-kg.db --port 8080 --timeout 10
    """
    server = make_server(read_store(store), host=host, port=port, time_limit=timeout)
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"Warning: listening on {host}, so other machines can query it.", err=True)
    click.echo(f"Serving {store} at {server.url} (SPARQL endpoint {server.url}sparql)", err=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


for _command in ANALYSIS_COMMANDS:
    main.add_command(_command)
