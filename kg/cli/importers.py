"""``kg import``: registry records into the graph's vocabulary."""

from __future__ import annotations

from pathlib import Path

import click

from kg.graph.export import serialize, write_graph
from kg.graph.io import load_curated
from kg.importers import import_summary

__all__ = [
    "import_ctgov_command",
    "import_group",
]


@click.group("import")
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
