"""The kg command line: exit codes, messages, and help texts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

import kg
from kg.cli import main
from tests.bad_inputs import BAD_CASES, bad_file


def all_commands() -> list[tuple[str, ...]]:
    """The group itself and every command in it, as argument lists."""
    return [(), *((name,) for name in sorted(main.commands))]


@pytest.mark.parametrize("args", all_commands())
def test_help_has_example(runner: CliRunner, args: tuple[str, ...]) -> None:
    result = runner.invoke(main, [*args, "--help"])
    assert result.exit_code == 0
    assert "\n  Example:\n      kg " in result.output  # an unwrapped example block


def test_version(runner: CliRunner) -> None:
    result = runner.invoke(main, ["--version"])
    assert result.exit_code == 0
    released = kg.release.DATA_RELEASED
    assert result.output == f"kg, version {kg.__version__} (data released {released})\n"


def test_validate_curated(runner: CliRunner, tiny_assets: Path) -> None:
    result = runner.invoke(main, ["validate"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Conforms: ")
    assert "no violations." in result.output


def test_validate_files_with_violations(
    runner: CliRunner, fixtures: Path, tiny_assets: Path
) -> None:
    result = runner.invoke(main, ["validate", str(fixtures / "violations.ttl")])
    assert result.exit_code == 1
    assert "Does not conform" in result.output
    assert "A drug cannot be its own comparator" in result.output


def test_validate_warnings_only(runner: CliRunner, fixtures: Path, tiny_assets: Path) -> None:
    result = runner.invoke(main, ["validate", str(fixtures / "warnings_only.ttl")])
    assert result.exit_code == 0


def test_validate_with_own_shapes(runner: CliRunner, fixtures: Path, tiny_assets: Path) -> None:
    shapes = fixtures / "assets" / "shapes"
    result = runner.invoke(
        main, ["validate", "--shapes", str(shapes), str(fixtures / "violations.ttl")]
    )
    assert result.exit_code == 1


@pytest.mark.parametrize("case", BAD_CASES)
def test_validate_bad_file(
    runner: CliRunner, fixtures: Path, tmp_path: Path, tiny_assets: Path, case: str
) -> None:
    """Bad input: exit code 2 and one line naming the file (and line), no traceback."""
    path, line, detail = bad_file(fixtures, tmp_path, case)
    result = runner.invoke(main, ["validate", str(path)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    where = f"{path}, line {line}" if line else str(path)
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"Error: {where}: ")
    assert detail in lines[0]


def test_validate_empty_folder(runner: CliRunner, tmp_path: Path, tiny_assets: Path) -> None:
    result = runner.invoke(main, ["validate", str(tmp_path)])
    assert result.exit_code == 2
    assert result.output == f"Error: {tmp_path}: folder holds no *.ttl file\n"


def test_python_dash_m(fixtures: Path) -> None:
    """``python -m kg`` runs the same command line, in a real process."""
    completed = subprocess.run(
        [sys.executable, "-m", "kg", "validate", str(fixtures / "bad" / "missing_dot.ttl")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 2
    assert "Traceback" not in completed.stderr
    assert "missing_dot.ttl, line 6: Turtle syntax error" in completed.stderr


def test_errors_become_exit_code_2() -> None:
    """Any KgError raised by a command is shown in one line with exit code 2."""
    from kg.errors import KgError

    @main.command("boom-test-only")
    def boom() -> None:
        raise KgError("something is wrong")

    try:
        result = CliRunner().invoke(main, ["boom-test-only"])
    finally:
        main.commands.pop("boom-test-only")
    assert result.exit_code == 2
    assert result.output == "Error: something is wrong\n"
    assert isinstance(main, click.Group)
