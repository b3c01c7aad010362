"""Every command is documented: it has help with an example, and the README shows it."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from kg.cli import main

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = []
    for name, command in sorted(group.commands.items()):
        path = (*prefix, name)
        found.append(path)
        if isinstance(command, click.Group):
            found += _commands(command, path)
    return found


COMMANDS = _commands(main)


@pytest.mark.parametrize("path", COMMANDS, ids=[" ".join(p) for p in COMMANDS])
def test_command_is_in_readme(path: tuple[str, ...]) -> None:
    """The README shows each command (and each subcommand) in use."""
    assert f"kg {' '.join(path)}" in README


@pytest.mark.parametrize("path", COMMANDS, ids=[" ".join(p) for p in COMMANDS])
def test_command_help_has_an_example(path: tuple[str, ...]) -> None:
    """Each command's --help ends with an example block."""
    result = CliRunner().invoke(main, [*path, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output and f"kg {' '.join(path)}" in result.output
