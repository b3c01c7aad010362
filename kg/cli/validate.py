"""``kg validate``: check the graph, or new files with it, against the shapes."""

from __future__ import annotations

from pathlib import Path
from typing import Literal, cast

import click
from rdflib import Graph

from kg.cli.options import store_option
from kg.graph.io import load_curated
from kg.graph.stores import DEFAULT_STORE, read_store
from kg.resources import data_files
from kg.validation import Severity, validate

__all__ = [
    "validate_command",
]


@click.command("validate")
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
