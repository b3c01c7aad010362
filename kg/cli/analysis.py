"""The ``kg`` commands for graph analytics and the report: thin shells over the library."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

import click

from kg.analysis.evidence import EVIDENCE_COLUMNS, evidence_chain
from kg.analysis.paths import PATH_COLUMNS, shortest_path
from kg.analysis.precedents import PRECEDENT_COLUMNS, precedent_rows
from kg.analysis.source_load import SINGLE_PRESS_RELEASE_COLUMNS, SOURCE_COLUMNS, source_load
from kg.analysis.unsourced import UNSOURCED_COLUMNS, unsourced
from kg.cli.options import store_option, table_or_json_option
from kg.graph.stores import read_store
from kg.query.formats import format_rows
from kg.query.sparql import Row

__all__ = [
    "ANALYSIS_COMMANDS",
    "evidence_command",
    "path_command",
    "precedents_command",
    "report_command",
    "sources_load_command",
    "unsourced_command",
]

Format = Literal["table", "json"]

def _echo(rows: Sequence[Row], columns: Sequence[str], fmt: Format) -> None:
    """Print rows as a table or JSON."""
    click.echo(format_rows(rows, columns, fmt), nl=False)


@click.command("evidence")
@click.argument("therapy_or_event")
@table_or_json_option
@store_option
def evidence_command(therapy_or_event: str, fmt: Format, store: str) -> None:
    """Show the evidence chain of a therapy's regulatory events, or of one event.

    From each regulatory event back through the trials and results it rests on to their
    sources, one link per row.

    \b
    Example:
        kg evidence tofersen
        kg evidence kgr:event-tofersen-fda-accelerated-approval --format json
    """
    rows = evidence_chain(read_store(store), therapy_or_event)
    columns = (
        EVIDENCE_COLUMNS
        if fmt == "json"
        else ("eventLabel", "fromLabel", "relation", "toLabel", "toKind")
    )
    _echo(rows, columns, fmt)


@click.command("precedents")
@table_or_json_option
@store_option
def precedents_command(fmt: Format, store: str) -> None:
    """Show the precedent network: which regulatory events cite which as precedents.

    \b
    Example:
        kg precedents
        kg precedents --format json
    """
    rows = precedent_rows(read_store(store))
    columns = (
        PRECEDENT_COLUMNS
        if fmt == "json"
        else ("citingLabel", "citingStatus", "precedentLabel", "precedentDate")
    )
    _echo(rows, columns, fmt)


@click.command("sources-load")
@table_or_json_option
@store_option
@click.option("--top", type=int, default=0, help="Show only the N sources that carry most.")
def sources_load_command(fmt: Format, store: str, top: int) -> None:
    """Show how many facts each source carries, and the facts resting on one press release.

    \b
    Example:
        kg sources-load --top 10
        kg sources-load --format json
    """
    load = source_load(read_store(store))
    sources = load.sources[:top] if top > 0 else load.sources
    if fmt == "json":
        click.echo(
            json.dumps(
                {
                    "sources": [{c: row.get(c) for c in SOURCE_COLUMNS} for row in sources],
                    "singlePressRelease": [
                        {c: row.get(c) for c in SINGLE_PRESS_RELEASE_COLUMNS}
                        for row in load.single_press_release
                    ],
                },
                indent=2,
                ensure_ascii=False,
            )
        )
        return
    click.echo("Facts per source (alone: facts with no other source)\n")
    _echo(sources, ("title", "kind", "date", "claims", "alone"), fmt)
    click.echo(f"\nFacts resting on a single press release ({len(load.single_press_release)})\n")
    _echo(load.single_press_release, ("claimLabel", "claimKind", "title"), fmt)


@click.command("path")
@click.argument("a")
@click.argument("b")
@table_or_json_option
@store_option
def path_command(a: str, b: str, fmt: Format, store: str) -> None:
    """Show a shortest chain of links between two entities (names, registry ids or IRIs).

    \b
    Example:
        kg path Neuronata-R tofersen
        kg path ALSummit kgr:src-oh-2018 --format json
    """
    rows = shortest_path(read_store(store), a, b)
    columns = PATH_COLUMNS if fmt == "json" else ("step", "label", "kind", "direction", "relation")
    _echo(rows, columns, fmt)


@click.command("unsourced")
@table_or_json_option
@store_option
def unsourced_command(fmt: Format, store: str) -> None:
    """List trials and results with no source, or only company sources (press releases, ...).

    \b
    Example:
        kg unsourced
        kg unsourced --format json
    """
    rows = unsourced(read_store(store))
    columns = (
        UNSOURCED_COLUMNS if fmt == "json" else ("label", "kind", "trial", "problem", "sourceKinds")
    )
    _echo(rows, columns, fmt)


@click.command("report")
@click.option(
    "-o",
    "--output",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help=(
        "The folder to write the site into: new, empty, or one kg report wrote before "
        "(it is then replaced). A folder holding other files is refused, untouched."
    ),
)
@store_option
def report_command(out_dir: Path, store: str) -> None:
    """Build a static HTML report of the pipeline: an index and one page per therapy.

    Each therapy page shows its trials (pre-specified results first, post hoc and subgroup
    analyses apart), where it is approved, a regulatory timeline, an evidence picture,
    conflicting claims, what needs checking today (overdue plans, passed registry dates,
    stale statuses and sources, each with its reason), its sources as a numbered list the [n]
    markers point to, and a glossary of its abbreviations. It works offline: open index.html
    in a browser. Exit code 2 when the folder holds files kg report did not write.

    \b
    Example:
        kg report -o site
    """
    from kg.publish.report import build_report  # matplotlib and jinja2 load only when needed

    index = build_report(read_store(store), out_dir)
    click.echo(f"Wrote {index}")


#: Every command of this module, for :mod:`kg.cli` to add to the ``kg`` group.
ANALYSIS_COMMANDS = (
    evidence_command,
    path_command,
    precedents_command,
    report_command,
    sources_load_command,
    unsourced_command,
)
