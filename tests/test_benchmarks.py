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
        "--out", str(out), "--data", str(tmp_path / "data"), "--persistent", "2k",
    ]
    done = subprocess.run(
        command, cwd=ROOT, check=True, capture_output=True, text=True, timeout=120
    )
    text = out.read_text(encoding="utf-8")
    assert done.stdout == text  # the command prints the figures it writes
    for expected in ("## Machine", "rdflib Memory", "raw pyoxigraph", "query `trial-results`",
                     "Turtle export", "validation", "peak RSS", "## Targets",
                     "2k: loads into the persistent store"):
        assert expected in text
    assert "| met |" in (tmp_path / "RESULTS-2k.md").read_text(encoding="utf-8")


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


def _figures(load: float | None, query: float | None, validate: float | None) -> dict[str, object]:
    return {
        "load": load, "export": load, "queries": {"trial-results": [query, 3, query]},
        "validate": validate, "validate_results": 2, "peak_rss_mb": 100.0,
    }


def test_report_gives_ratios_to_raw_pyoxigraph_and_to_rdflib() -> None:
    sys.path.insert(0, str(ROOT))
    from benchmarks.run import report

    results = {"1M": {
        "triples": 1_000_000,
        "rdflib": _figures(load=40.0, query=0.100, validate=None),  # validation over the limit
        "oxrdflib": _figures(load=2.0, query=0.010, validate=None),
        "pyoxigraph": _figures(load=1.6, query=0.005, validate=10.0),
    }}
    del results["1M"]["oxrdflib"]["validate"]  # the Oxigraph store is not validated
    lines = report(results, {"cores": "2"}, limit=60.0).splitlines()
    header = lines[lines.index("## 1M triples (1,000,000 generated)") + 2]
    assert header.endswith(
        "| default x pyox | rdflib x pyox | default x rdflib | pyox x rdflib |"
    )
    query = next(line for line in lines if line.startswith("| query `trial-results`"))
    assert query.endswith("| 2.0x | 20.0x | 0.10x | 0.05x |")
    load = next(line for line in lines if line.startswith("| load N-Triples"))
    assert load.endswith("| 1.2x | 25.0x | 0.05x | 0.04x |")
    validation = next(line for line in lines if line.startswith("| validation"))
    assert validation.endswith("| - | > 24.0x | - | < 0.04x |")  # pySHACL took over 240 s


def test_report_on_a_store_that_did_not_load_in_time() -> None:
    sys.path.insert(0, str(ROOT))
    from benchmarks.run import report

    results = {"1M": {
        "triples": 1_000_000,
        "rdflib": {"load": None, "queries": {}, "peak_rss_mb": 3000.0},  # over the limit
        "oxrdflib": _figures(load=2.0, query=0.010, validate=None),
        "pyoxigraph": _figures(load=1.6, query=0.005, validate=10.0),
    }}
    del results["1M"]["oxrdflib"]["validate"]  # the Oxigraph store is not validated
    text = report(results, {"cores": "2"}, limit=60.0)
    lines = text.splitlines()
    assert next(line for line in lines if line.startswith("| load N-Triples")).startswith(
        "| load N-Triples | > 60 s | 2.00 s | 1.60 s | 1.2x | > 37.5x |"
    )
    query = next(line for line in lines if line.startswith("| query `trial-results`"))
    assert query == "| query `trial-results` | not run | 10.0 ms | 5.0 ms | 2.0x | - | - | - |"
    assert "Not loaded within 60 s, so not measured further: rdflib Memory." in lines
    assert "validation ≥ 5x faster than pySHACL" not in text  # pySHACL never ran


@pytest.mark.parametrize(
    ("rows", "peak", "verdict"),
    [(5, 1_000.0, "met"), (None, 1_000.0, "not met"), (5, 5_000.0, "not met")],
)
def test_report_states_the_persistent_store_target(
    rows: int | None, peak: float, verdict: str
) -> None:
    """The 10M row says met only if every stored query answered under 4 GB of peak memory."""
    sys.path.insert(0, str(ROOT))
    from benchmarks.run import report

    persistent = {"load_s": 54.0, "peak_rss_mb": peak,
                  "queries": {"trial-results": [0.1, 5], "precedents": [0.2, rows]}}
    results = {"10M": {"triples": 10_000_000, "persistent": persistent,
                       "pyoxigraph": _figures(load=50.0, query=0.005, validate=None)}}
    lines = report(results, {"cores": "2"}, limit=60.0).splitlines()
    target = next(line for line in lines if line.startswith("| 10M: loads into the persistent"))
    done = 2 if rows is not None else 1
    expected = f"{done} of 2 queries answered, peak {peak:,.0f} MB (RESULTS-10M.md) | {verdict} |"
    assert target.endswith(expected)


@pytest.mark.parametrize(
    ("persistent", "figure", "verdict"),
    [
        ({"error": "MemoryError"}, "the check failed: MemoryError", "not met"),
        (None, "not run (--persistent)", "not measured"),
    ],
)
def test_report_on_a_persistent_check_that_failed_or_did_not_run(
    persistent: dict[str, str] | None, figure: str, verdict: str
) -> None:
    sys.path.insert(0, str(ROOT))
    from benchmarks.run import report

    size: dict[str, object] = {"triples": 10_000_000,
                               "pyoxigraph": _figures(load=50.0, query=0.005, validate=None)}
    if persistent is not None:
        size["persistent"] = persistent
    lines = report({"10M": size}, {"cores": "2"}, limit=60.0).splitlines()
    target = next(line for line in lines if line.startswith("| 10M: loads into the persistent"))
    assert target.endswith(f"| {figure} | {verdict} |")


def test_serve_benchmark_smoke() -> None:
    """``python -m benchmarks.serve``, small: both servers answer every request, same rows,
    and kg serve still stops the runaway query at its time limit.
    """
    import shutil

    if not (Path(sys.executable).parent / "oxigraph").exists() and not shutil.which("oxigraph"):
        pytest.skip("the oxigraph server is not installed: pip install oxigraph (the test extra)")
    command = [
        sys.executable, "-m", "benchmarks.serve", "--clients", "3", "--requests", "7",
        "--rounds", "1", "--timeout", "1",
    ]  # fmt: skip
    done = subprocess.run(
        command, cwd=ROOT, check=True, capture_output=True, text=True, timeout=300
    )
    lines = done.stdout.splitlines()
    assert sum("req/s" in line and line.endswith("errors 0") for line in lines) == 2, done.stdout
    assert "row counts differ" not in done.stdout
    assert "ratio kg/oxigraph" in done.stdout
    assert "runaway query on kg serve: HTTP 503 after" in done.stdout
