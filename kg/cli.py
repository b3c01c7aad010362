"""The ``kg`` command line: a thin shell over the :mod:`kg` library."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from kg import __version__
from kg.errors import KgError
from kg.io import load_curated
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
