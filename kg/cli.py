"""The ``kg`` command line: a thin shell over the :mod:`kg` library."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal, cast

import click
from rdflib import Graph
from rdflib.query import Result

from kg import __version__
from kg.analysis_commands import ANALYSIS_COMMANDS
from kg.catalogue import queries_graph
from kg.cli_options import format_option, store_option
from kg.dataset import describe_dataset
from kg.endpoints import Endpoint
from kg.errors import InputError, KgError
from kg.export import EXPORT_FORMATS, ExportFormat, serialize, write_graph
from kg.formats import RowFormat, format_rows
from kg.importers import import_summary
from kg.io import load_curated
from kg.namespaces import bind_prefixes
from kg.queries import QueryRegistry, default_registry, describe_query, query_text
from kg.remote import DEFAULT_GRAPH, PUSH_TIMEOUT, push
from kg.resources import data_files
from kg.results import flat_rows, typed_table
from kg.server import DEFAULT_PORT, DEFAULT_TIME_LIMIT, DEFAULT_WORKERS, make_server
from kg.sparql import result_rows, run_query, sparql
from kg.stats import data_date, graph_stats
from kg.stores import DEFAULT_STORE, load_into_store, read_store, triple_count
from kg.validation import Severity, validate

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
    "--alone",
    is_flag=True,
    help="Check only FILES (no ontology, no curated graph) against only the given shapes.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "turtle"]),
    default="text",
    show_default=True,
    help="text for curators, json for scripts, turtle for the W3C sh:ValidationReport graph.",
)
@click.option(
    "--severity",
    type=click.Choice(["violation", "warning", "info"]),
    default="info",
    show_default=True,
    help="Show only results this grave or graver in text and json (turtle shows all).",
)
@click.option(
    "--fail-on",
    type=click.Choice(["violation", "warning", "info"]),
    default="violation",
    show_default=True,
    help="Exit with 1 if a result is this grave or graver.",
)
@click.option(
    "--engine",
    type=click.Choice(["pyshacl", "oxigraph"]),
    default="pyshacl",
    show_default=True,
    help="pyshacl (the reference) or oxigraph (shapes compiled to SPARQL, same results, faster;"
    " what it does not compile goes to pySHACL in the same run).",
)
@store_option
@click.pass_context
def validate_command(
    ctx: click.Context,
    files: tuple[Path, ...],
    shape_paths: tuple[Path, ...],
    alone: bool,
    output_format: Literal["text", "json", "turtle"],
    severity: str,
    fail_on: str,
    engine: Literal["pyshacl", "oxigraph"],
    store: str,
) -> None:
    """Check RDF against the SHACL shapes and print the validation report.

    Without FILES, checks the graph of --store (by default the curated graph shipped with
    kg). With FILES (Turtle or another RDF format), checks them together with the ontology
    and the curated graph, so references to curated entities resolve, and reports the
    results on nodes the FILES mention (not the curated graph's own). With --alone, checks
    only FILES against only the shapes given (the bundled shapes without --shapes).

    The report follows the SHACL specification: it conforms only if there is no result at
    all, warnings and infos included. The exit code is a separate policy: 0 if no result is
    as grave as --fail-on (by default, warnings do not fail), 1 if one is, 2 if a file
    cannot be read or the shapes are not valid SHACL. A progress bar shows on a terminal
    (stderr), not when piped.

    \b
    Example:
        kg validate
        kg validate data/new-therapy.ttl data/new-trial.ttl
        kg validate --severity violation --format json new-trials.ttl
        kg validate data.ttl --shapes my-shapes.ttl --alone --format turtle
        kg validate --engine oxigraph big-graph.nt
        kg validate --store oxigraph:als-kg.db --engine oxigraph
    """
    if alone and not files:
        raise click.UsageError("--alone checks the FILES given: name at least one")
    data: list[Path | Graph] | Graph
    if files:
        data = list(files)
    elif store in (DEFAULT_STORE, "memory"):
        data = load_curated(ontology=False, store=store)
    else:
        data = read_store(store)
    report = validate(
        data,
        shapes=list(shape_paths) or None,
        context=data_files() if files and not alone else (),
        ontology=not alone,
        engine=engine,
    )
    shown = cast(Severity, severity.capitalize())
    if output_format == "turtle":
        click.echo(report.turtle(), nl=False)
    elif output_format == "json":
        click.echo(report.json(severity=shown))
    else:
        click.echo(report.text(severity=shown))
    ctx.exit(1 if report.fails(fail_on=cast(Severity, fail_on.capitalize())) else 0)


def _parse_params(pairs: tuple[str, ...]) -> dict[str, str]:
    params: dict[str, str] = {}
    for pair in pairs:
        name, equals, value = pair.partition("=")
        if not equals or not name:
            raise click.BadParameter(f"{pair!r} is not KEY=VALUE", param_hint="--param")
        params[name.strip()] = value
    return params


def _echo_result(
    result: Result,
    fmt: RowFormat,
    columns: str | None = None,
    lists: tuple[tuple[str, str], ...] = (),
) -> None:
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


@main.command("queries")
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
    _echo_result(run_query(graph, stored, _parse_params(pairs)), fmt, columns, stored.lists)


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


@main.command("stats")
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
@click.option(
    "--workers",
    type=click.IntRange(min=0),
    default=DEFAULT_WORKERS,
    show_default=True,
    help="Worker processes answering requests in parallel (0: threads of one process, "
    "each query in a process forked for it).",
)
def serve_command(store: str, host: str, port: int, timeout: float, workers: int) -> None:
    """Serve the graph as a read-only SPARQL endpoint, with a page to query it.

    The page (at /) runs your SPARQL and the stored queries, each with a permalink;
    programs send SPARQL 1.1 Protocol requests to /sparql (results as JSON, XML, CSV or
    TSV, graphs as Turtle, N-Triples, RDF/XML or JSON-LD, by Accept; CORS allowed), and
    GET /sparql alone gives the service and dataset description. The graph's IRIs resolve:
    /resource/tofersen is a page to a browser and RDF to a client. On an in-memory store
    the dataset's description and the stored queries (as sh:SPARQLExecutable) are loaded
    beside the data, so SPARQL finds them. Updates are refused. Ctrl+C stops the server.
    Requests are answered by worker processes forked once the graph is loaded (sharing it);
    a query still running at the time limit is answered 503 and its worker replaced.

    \b
    Example:
        kg serve
        kg serve --store oxigraph:als-kg.db --port 8080 --timeout 10
    """
    in_memory = store in ("memory", "oxigraph-memory", "oxigraph:")  # ours to add to
    server = make_server(
        read_store(store),
        host=host,
        port=port,
        time_limit=timeout,
        publish=in_memory,
        workers=workers,
    )
    if not in_memory:
        click.echo(
            f"Note: {store} is served as it is; its description and the stored queries are at "
            "/sparql and /queries, not in the graph.",
            err=True,
        )
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
