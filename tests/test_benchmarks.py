"""A smoke run of the benchmark suite at a tiny size (the full suite is not part of the tests)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("pyoxigraph")
pytest.importorskip("oxrdflib")

ROOT = Path(__file__).resolve().parent.parent


def test_benchmark_command_smoke(tmp_path: Path) -> None:
    """``python -m benchmarks.run`` at ~2k triples writes a Markdown report for every store."""
    out = tmp_path / "RESULTS.md"
    command = [
        sys.executable, "-m", "benchmarks.run", "--sizes", "2k", "--limit", "20",
        "--out", str(out), "--data", str(tmp_path / "data"),
    ]
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True, timeout=120)
    text = out.read_text(encoding="utf-8")
    for expected in ("## Machine", "rdflib Memory", "raw pyoxigraph", "query `trial-results`",
                     "Turtle export", "validation", "peak RSS", "## Targets"):
        assert expected in text


def test_generator_is_deterministic(tmp_path: Path) -> None:
    """The same size and seed give byte-identical N-Triples, close to the asked size."""
    sys.path.insert(0, str(ROOT))
    from benchmarks.generate import generate

    first, second = tmp_path / "a.nt", tmp_path / "b.nt"
    for path in (first, second):
        with path.open("w", encoding="utf-8") as out:
            stats = generate(5_000, out)
    assert first.read_bytes() == second.read_bytes()
    assert 5_000 <= stats["triples"] < 5_300
