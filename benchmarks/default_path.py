"""Time kg's default path beside raw pyoxigraph doing the same work, in one process.

The default path is what a user runs: :func:`kg.load` on an N-Triples file, then every
parameterless stored query through :func:`kg.run_query` and :func:`kg.result_rows` on the
graph :func:`kg.load` returned. Raw pyoxigraph does the same work alone: ``Store.bulk_load``
of the file, then the same query text (parameters bound as kg binds them) with every term
of every row read. Each operation's time is the best of ``--repeats`` runs (the machine may
be shared); the ratio is kg's time over pyoxigraph's. Issue 17's acceptance is each ratio
at most 1.5 at 100k triples. Benchmarks are not part of the test suite.

Usage::

    python -m benchmarks.default_path --size 100k
    python -m benchmarks.default_path --file benchmarks/data/100k.nt --repeats 5
"""

from __future__ import annotations

import argparse
import datetime
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.generate import generate, parse_size  # noqa: E402

#: The day the queries' ``default: today`` parameters stand for, so every run asks the same.
TODAY = datetime.date(2026, 1, 1)
#: The acceptance bound: kg's time over raw pyoxigraph's.
TARGET = 1.5


def best_of(repeats: int, action: Callable[[], Any]) -> tuple[float, Any]:
    """Run ``action`` ``repeats`` times; return the shortest time and the last answer."""
    best = float("inf")
    answer = None
    for _ in range(repeats):
        start = time.perf_counter()
        answer = action()
        best = min(best, time.perf_counter() - start)
    return best, answer


def parameterless() -> list[str]:
    """Name the stored queries that run without any parameter given, sorted.

    >>> "precedents" in parameterless(), "trial-results" in parameterless()
    (True, False)
    """
    from kg.query.registry import default_registry

    return sorted(
        name
        for name, stored in default_registry().items()
        if not any(parameter.required for parameter in stored.params)
    )


def raw_rows(store: Any, text: str) -> list[list[str | None]]:
    """Run a query with pyoxigraph alone and read every term of every row."""
    return [
        [None if term is None else term.value for term in row] for row in store.query(text)
    ]


def measure(path: Path, repeats: int) -> list[tuple[str, float, float, int]]:
    """Time load and each parameterless stored query on both paths; return the figures.

    :returns: one ``(operation, kg seconds, pyoxigraph seconds, rows)`` per operation
    """
    import pyoxigraph as ox

    import kg
    from kg.query.parameters import bind_parameters
    from kg.query.registry import default_registry

    figures: list[tuple[str, float, float, int]] = []
    kg_load, graph = best_of(repeats, lambda: kg.load(path))

    def raw_load() -> Any:
        store = ox.Store()
        store.bulk_load(path=str(path), format=ox.RdfFormat.N_TRIPLES)
        return store

    ox_load, store = best_of(repeats, raw_load)
    figures.append(("load", kg_load, ox_load, len(graph)))
    registry = default_registry()
    for name in parameterless():
        stored = registry[name]
        text = bind_parameters(stored, graph, {}, today=TODAY)
        def ours(stored: Any = stored) -> list[dict[str, str | None]]:
            return kg.result_rows(kg.run_query(graph, stored, today=TODAY))

        def theirs(text: str = text) -> list[list[str | None]]:
            return raw_rows(store, text)

        kg_time, rows = best_of(repeats, ours)
        ox_time, raw = best_of(repeats, theirs)
        if len(rows) != len(raw):
            raise SystemExit(f"{name}: kg gave {len(rows)} rows, pyoxigraph {len(raw)}")
        figures.append((f"query {name}", kg_time, ox_time, len(rows)))
    return figures


def table(figures: list[tuple[str, float, float, int]]) -> str:
    """Render the figures as a Markdown table with the ratio and whether it meets the target.

    >>> print(table([("load", 0.3, 0.25, 10)]))
    | operation | kg | raw pyoxigraph | ratio | rows | within 1.5x |
    |---|---|---|---|---|---|
    | load | 300.0 ms | 250.0 ms | 1.20x | 10 | yes |
    """
    lines = [
        f"| operation | kg | raw pyoxigraph | ratio | rows | within {TARGET:g}x |",
        "|---|---|---|---|---|---|",
    ]
    for label, ours, theirs, rows in figures:
        ratio = ours / theirs if theirs else float("inf")
        met = "yes" if ratio <= TARGET else "no"
        lines.append(
            f"| {label} | {ours * 1000:.1f} ms | {theirs * 1000:.1f} ms | {ratio:.2f}x "
            f"| {rows} | {met} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    """Generate (or take) the N-Triples file, measure, and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="100k", help="triples to generate (10k, 100k, 1M)")
    parser.add_argument("--file", type=Path, help="an N-Triples file to use instead")
    parser.add_argument("--repeats", type=int, default=3, help="runs per operation; best counts")
    args = parser.parse_args(argv)
    if args.file is None:
        args.file = Path(tempfile.mkdtemp()) / f"{args.size}.nt"
        with args.file.open("w", encoding="utf-8") as out:
            generate(parse_size(args.size), out)
    figures = measure(args.file, args.repeats)
    print(table(figures))  # noqa: T201 - the figures, printed
    worst = max(figures, key=lambda figure: figure[1] / figure[2])
    print(  # noqa: T201
        f"\nworst: {worst[0]} at {worst[1] / worst[2]:.2f}x "
        f"({'within' if worst[1] / worst[2] <= TARGET else 'over'} {TARGET:g}x)"
    )


if __name__ == "__main__":
    main()
