"""The ``kg`` command line: a thin shell over the :mod:`kg` library."""

from __future__ import annotations

from typing import Any

import click

from kg.cli.analysis import ANALYSIS_COMMANDS
from kg.cli.graph import export_command, load_command, push_command, stats_command
from kg.cli.importers import import_group
from kg.cli.query import queries_command, query_command, sparql_command
from kg.cli.serve import serve_command
from kg.cli.validate import validate_command
from kg.errors import KgError
from kg.release import DATA_RELEASED
from kg.release import VERSION as __version__  # noqa: N811

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
@click.version_option(
    version=__version__,
    prog_name="kg",
    message=f"%(prog)s, version %(version)s (data released {DATA_RELEASED})",
)
def main() -> None:
    """Build and check the ALS therapies knowledge graph.

    \b
    Example:
        kg validate
        kg validate my-new-trials.ttl
    """



for _command in (
    validate_command,
    queries_command,
    query_command,
    sparql_command,
    export_command,
    load_command,
    push_command,
    stats_command,
    import_group,
    serve_command,
    *ANALYSIS_COMMANDS,
):
    main.add_command(_command)
