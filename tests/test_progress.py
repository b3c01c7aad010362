"""Progress bars: drawn on a terminal or when asked, never when kg's output is piped."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kg.graph.stores import load_into_store
from kg.validation import validate

ROOT = Path(__file__).resolve().parent.parent


def _kg(*args: str) -> subprocess.CompletedProcess[str]:
    """Run kg in a subprocess with stdout and stderr piped (not terminals)."""
    return subprocess.run(
        [sys.executable, "-m", "kg", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(("load", "--store", "{tmp}/store"), id="load"),
        pytest.param(("validate", "--engine", "oxigraph"), id="validate-oxigraph"),
    ],
)
def test_piped_run_prints_no_progress(args: tuple[str, ...], tmp_path: Path) -> None:
    """A piped kg load / kg validate writes no bar (no carriage return, no [###...])."""
    store_args = tuple(a.replace("{tmp}/store", f"oxigraph:{tmp_path / 'store'}") for a in args)
    done = _kg(*store_args)
    assert done.returncode in (0, 1), done.stderr  # 1: the curated graph has violations
    for stream in (done.stdout, done.stderr):
        assert "\r" not in stream
        assert "[#" not in stream and "##" not in stream


def test_bar_when_asked(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """progress=True draws on stderr, one step per file or per check; stdout stays clean."""
    load_into_store(f"oxigraph:{tmp_path / 'store'}", progress=True)  # checked, then loaded
    load_into_store("oxigraph-memory", progress=True)  # a new store: loaded at once
    validate(load_into_store("oxigraph-memory", progress=False), engine="oxigraph", progress=True)
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = [line.rsplit("\r", 1)[-1] for line in captured.err.split("\n")]  # not splitlines
    assert lines[0].startswith("checking [##############################]")
    assert lines[1].startswith("loading [##############################]")
    assert lines[2].startswith("loading [##############################]")
    assert lines[3].startswith("validating [##############################]")


def test_no_bar_when_not_asked(capsys: pytest.CaptureFixture[str]) -> None:
    """Under pytest stderr is not a terminal: the default (None) draws nothing."""
    load_into_store("oxigraph-memory")
    validate(load_into_store("oxigraph-memory"), ontology=False, engine="oxigraph")
    assert capsys.readouterr().err == ""
