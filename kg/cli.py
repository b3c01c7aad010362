"""The ``kg`` command line: a thin shell over the :mod:`kg` library."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
from rdflib import Graph
from rdflib.query import Result

from kg import __version__
from kg.errors import InputError, KgError
from kg.export import EXPORT_FORMATS, ExportFormat, serialize, write_graph
from kg.formats import ROW_FORMATS, RowFormat, format_rows
from kg.io import load_curated
from kg.namespaces import bind_prefixes
from kg.queries import default_registry
from kg.sparql import result_rows, run_query, sparql
from kg.stats import graph_stats
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
@click.pass_context
def validate_command(
    ctx: click.Context, files: tuple[Path, ...], shape_paths: tuple[Path, ...]
) -> None:
    """Check RDF against the SHACL shapes and print what is wrong.

    Without FILES, checks the curated graph shipped with kg. With FILES (Turtle or another
    RDF format), checks them together with the ontology. Exits with 0 if the data conforms,
    1 if there is a violation (warnings do not fail), 2 if a file cannot be read.

    \b
    Example:
        kg validate
        kg validate data/new-therapy.ttl data/new-trial.ttl
    """
    report = validate(
        list(files) if files else load_curated(ontology=False),
        shapes=list(shape_paths) or None,
    )
    click.echo(report.text())
    ctx.exit(0 if report.conforms else 1)


_FORMAT_OPTION = click.option(
    "--format",
    "fmt",
    type=click.Choice(ROW_FORMATS),
    default="table",
    show_default=True,
    help="table for people; json (one array of objects), csv or tsv for programs.",
)


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
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="table for people, json for programs.",
)
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
@_FORMAT_OPTION
@click.option("--columns", help="Comma-separated columns to show, in order (default: all).")
def query_command(
    name: str, pairs: tuple[str, ...], fmt: RowFormat, columns: str | None
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
    graph = load_curated()
    _echo_result(run_query(graph, name, _parse_params(pairs)), fmt, columns)


@main.command("sparql")
@click.argument("query")
@_FORMAT_OPTION
def sparql_command(query: str, fmt: RowFormat) -> None:
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
    _echo_result(sparql(load_curated(), text), fmt)


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
def export_command(fmt: ExportFormat, output: Path | None) -> None:
    """Export the curated graph (ontology and data) in an RDF format or as GraphML.

    \b
    Example:
        kg export -o als-kg.ttl
        kg export --format json-ld -o als-kg.jsonld
        kg export --format nt | gzip > als-kg.nt.gz
    """
    graph = load_curated()
    if output is None:
        click.echo(serialize(graph, fmt), nl=False)
    else:
        write_graph(graph, output, fmt)
        click.echo(f"Wrote {len(graph)} triples to {output} ({fmt}).", err=True)


@main.command("stats")
@_FORMAT_OPTION
def stats_command(fmt: RowFormat) -> None:
    """Count therapies, trials, results, regulatory events, sources, claims and triples.

    \b
    Example:
        kg stats
        kg stats --format json
    """
    counts = graph_stats(load_curated())
    rows: list[dict[str, str | None]] = [{k: str(v) for k, v in counts.items()}]
    click.echo(format_rows(rows, list(counts), fmt), nl=False)
