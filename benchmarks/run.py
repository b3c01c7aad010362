"""Run the als-kg benchmark suite; print the figures, with the machine, and write them to Markdown.

Per size and per store (kg's default path: an rdflib graph on Oxigraph in memory; rdflib's
own Memory store; raw pyoxigraph as the reference limit) it times: load of the N-Triples
file, every stored query (with its example parameters), validation (pySHACL on the
in-memory graph; the fast SPARQL-compiled validator on Oxigraph), Turtle export, and peak
RSS. Each store runs in its own subprocess, so peak memory is per store; each operation has
a time limit (reported as "> limit"). At the sizes given by ``--persistent`` (10M by
default) it also runs :mod:`benchmarks.scale`, the persistent store's check, and reports its
target. Benchmarks are not part of the test suite.

Usage::

    python -m benchmarks.run --sizes 10k,100k --out benchmarks/RESULTS.md
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.generate import generate, parse_size  # noqa: E402

STORES = ("rdflib", "oxrdflib", "pyoxigraph")
STORE_NAMES = {
    "rdflib": "rdflib Memory",
    "oxrdflib": "kg default (Oxigraph)",
    "pyoxigraph": "raw pyoxigraph",
}


class _TimeoutError(BaseException):
    """An operation ran past its limit.

    A BaseException, as KeyboardInterrupt is: kg turns a parser's exceptions into input
    errors, and a timeout in the middle of a parse must not become one.
    """


def timed(limit: float, action: Callable[[], Any]) -> float | None:
    """Time one call; None if it ran past ``limit`` seconds (interrupted by SIGALRM)."""

    def alarm(signum: int, frame: Any) -> None:
        raise _TimeoutError

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, limit)
    start = time.perf_counter()
    try:
        action()
        return time.perf_counter() - start
    except _TimeoutError:
        return None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def bound_queries(reference: Path) -> dict[str, str]:
    """Bind each stored query's example parameters, resolved in a small generated graph."""
    from rdflib import Graph

    from kg.query.parameters import bind_parameters
    from kg.query.registry import default_registry

    graph = Graph().parse(reference, format="nt")
    texts = {}
    for name, stored in sorted(default_registry().items()):
        values = {p.name: str(p.example) for p in stored.params if p.example is not None}
        texts[name] = bind_parameters(stored, graph, values)
    return texts


#: Each query runs up to this many times; the best run counts (a run over
#: :data:`REPEAT_UNDER` seconds is not repeated). The first run is kept too: on rdflib's
#: engine it includes parsing the query text, which kg does once per text.
REPEATS = 3
REPEAT_UNDER = 2.0


def worker(  # noqa: C901 - one closure per timed operation
    store: str, path: Path, queries: dict[str, str], limit: float
) -> dict[str, Any]:
    """Measure one store on one file, in this process; return the figures.

    kg's default path and rdflib Memory are driven through kg's public calls (what a user
    runs): :func:`kg.load` (by default onto Oxigraph in memory, or ``store="memory"``),
    :func:`kg.sparql` with the rows read out, :func:`kg.write_graph`. Raw pyoxigraph does the
    same work with pyoxigraph alone: bulk load, query with every term read, Turtle with kg's
    prefixes.
    """
    import tempfile

    import pyoxigraph as ox
    from rdflib import Graph

    import kg
    from kg.graph.export import write_graph
    from kg.namespaces import bind_prefixes
    from kg.query.sparql import sparql

    figures: dict[str, Any] = {"queries": {}}
    state: dict[str, Any] = {}

    def load() -> None:
        if store == "rdflib":
            state["g"] = kg.load(path, store="memory")
        elif store == "oxrdflib":
            state["g"] = kg.load(path)  # the default path: Oxigraph in memory
        else:
            state["s"] = ox.Store()
            state["s"].bulk_load(path=str(path), format=ox.RdfFormat.N_TRIPLES)

    figures["load"] = timed(limit, load)
    if figures["load"] is None:  # no graph to query, export or validate
        figures["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        return figures
    for name, text in queries.items():

        def query(text: str = text) -> None:
            if store == "pyoxigraph":
                state["rows"] = len([list(row) for row in state["s"].query(text)])
            else:
                state["rows"] = len(sparql(state["g"], text).bindings)

        first = timed(limit, query)
        best = first
        for _ in range(REPEATS - 1):
            if best is None or best > REPEAT_UNDER:
                break
            again = timed(limit, query)
            best = None if again is None else min(best, again)
        rows = state.get("rows") if best is not None else None
        figures["queries"][name] = [best, rows, first]

    # The prefixes kg writes on an Oxigraph graph (rdflib's core ones and kg's own).
    kg_prefixes = bind_prefixes(Graph(bind_namespaces="core")).namespaces()
    prefixes = {prefix: str(namespace) for prefix, namespace in kg_prefixes if prefix}
    target = Path(tempfile.mkdtemp()) / "export.ttl"

    def export() -> None:
        if store == "pyoxigraph":
            state["s"].dump(
                target, format=ox.RdfFormat.TURTLE, from_graph=ox.DefaultGraph(),
                prefixes=prefixes,
            )
        else:
            write_graph(state["g"], target, "turtle")

    figures["export"] = timed(limit, export)
    target.unlink(missing_ok=True)
    target.parent.rmdir()

    def check() -> None:
        from kg.validation import validate

        if store == "rdflib":
            report = validate(state["g"], ontology=False)  # pySHACL, default options
        else:  # the file already holds the ontology; fast path loads it itself
            report = validate(path, ontology=False, engine="oxigraph")
        state["results"] = len(report.violations)

    if store != "oxrdflib":  # pySHACL on the oxrdflib store is a known quadratic trap
        state.pop("s", None)
        figures["validate"] = timed(limit * 4, check)
        figures["validate_results"] = state.get("results")
    figures["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return figures


def machine() -> dict[str, str]:
    """Describe the machine and the library versions."""
    from importlib.metadata import version

    cpu = "unknown"
    with open("/proc/cpuinfo", encoding="utf-8") as info:
        for line in info:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    libraries = ", ".join(
        f"{name} {version(name)}" for name in ("rdflib", "pyshacl", "pyoxigraph", "oxrdflib")
    )
    return {
        "platform": platform.platform(),
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "ram": f"{memory:.1f} GiB",
        "python": platform.python_version(),
        "libraries": libraries,
    }


def _fmt(seconds: float | None, limit: float) -> str:
    if seconds is None:
        return f"> {limit:g} s"
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def _ratio(a: float | None, b: float | None, limit: float, *, digits: int = 1) -> str:
    """Render a / b; an operation over the limit (None) gives a bound, or "-" if unknown."""
    if a is None and b is None:
        return "-"
    if a is None:
        return f"> {limit / b:.{digits}f}x" if b else "-"
    if b is None:
        return f"< {a / limit:.{digits}f}x"
    if b == 0:
        return "-"
    return f"{a / b:.{digits}f}x"


def _query_time(name: str) -> Callable[[dict[str, Any]], float | None]:
    """Return a reader of one query's best time from a store's figures."""
    return lambda figures: figures["queries"][name][0]


#: Peak resident memory the issue allows for the persistent store at 10M triples, in MB.
MEMORY_TARGET_MB = 4096


def answered(figures: dict[str, Any]) -> str:
    """Say how many stored queries answered, of how many.

    >>> answered({"queries": {"q": [0.5, 3], "r": [60.0, None]}})
    '1 of 2 queries answered'
    """
    total = len(figures["queries"])
    done = sum(rows is not None for _, rows in figures["queries"].values())
    return f"{done} of {total} queries answered"


def target_met(figures: dict[str, Any]) -> bool:
    """Tell whether every stored query answered and peak memory stayed under the target.

    >>> target_met({"queries": {"q": [0.5, 3]}, "peak_rss_mb": 1000.0})
    True
    >>> target_met({"queries": {"q": [0.5, None]}, "peak_rss_mb": 1000.0})
    False
    >>> target_met({"queries": {"q": [0.5, 3]}, "peak_rss_mb": 5000.0})
    False
    """
    every = all(rows is not None for _, rows in figures["queries"].values())
    return every and figures["peak_rss_mb"] < MEMORY_TARGET_MB


def report(results: dict[str, dict[str, Any]], info: dict[str, str], limit: float) -> str:
    """Render the figures as Markdown, with the targets met or not."""
    lines = [
        "# als-kg benchmark results",
        "",
        "Written by `python -m benchmarks.run`; one run, all stores side by side per size.",
        "kg's default path (`kg.load`, an rdflib graph on Oxigraph in memory) and rdflib Memory",
        "(`kg.load(..., store=\"memory\")`) are driven through kg (`kg.sparql` with every row",
        "read, `kg.write_graph`);",
        "raw pyoxigraph does the same work alone. A query's time is the best of up to",
        f"{REPEATS} runs in one process (one run when it takes over {REPEAT_UNDER:g} s); first",
        "runs on rdflib Memory, which include parsing the query text, are listed under each table.",
        "On rdflib Memory (`store=\"memory\"`), `kg.sparql` runs a query on rdflib's engine.",
        "Ratios are time on one store divided by time on another: on raw pyoxigraph (x pyox)",
        "or on rdflib Memory (x rdflib; under 1x is faster than rdflib).",
        f"Each operation is limited to {limit:g} s (validation {limit * 4:g} s).",
        "",
        "## Machine",
        "",
        *[f"- {key}: {value}" for key, value in info.items()],
        "",
    ]
    targets: list[tuple[str, str, str]] = []
    for size, per_store in results.items():
        lines += [f"## {size} triples ({per_store['triples']:,} generated)", ""]
        stores = [s for s in STORES if s in per_store]
        head = "| operation | " + " | ".join(STORE_NAMES[s] for s in stores)
        head += " | default x pyox | rdflib x pyox"
        head += " | default x rdflib | pyox x rdflib |"
        lines += [head, "|---" * (len(stores) + 5) + "|"]

        def row(
            label: str,
            get: Callable[[dict[str, Any]], float | None],
            lim: float,
            per_store: dict[str, Any] = per_store,
            stores: list[str] = stores,
            lines: list[str] = lines,
        ) -> None:
            # A store whose load ran past the limit has nothing else measured.
            ran = {
                s: (label == "load N-Triples" or per_store[s]["load"] is not None)
                and (label != "validation" or "validate" in per_store[s])
                for s in stores
            }
            values = {s: get(per_store[s]) if ran[s] else None for s in stores}
            cells = [_fmt(values[s], lim) if ran[s] else "not run" for s in stores]

            def ratio(a: str, b: str, digits: int = 1) -> str:
                if not (ran.get(a) and ran.get(b)):
                    return "-"
                return _ratio(values[a], values[b], lim, digits=digits)

            cells += [
                ratio("oxrdflib", "pyoxigraph"),
                ratio("rdflib", "pyoxigraph"),
                ratio("oxrdflib", "rdflib", digits=2),
                ratio("pyoxigraph", "rdflib", digits=2),
            ]
            lines.append(f"| {label} | " + " | ".join(cells) + " |")

        loaded = [s for s in stores if per_store[s]["load"] is not None]
        row("load N-Triples", lambda f: f["load"], limit)
        for name in per_store[loaded[0]]["queries"] if loaded else ():
            row(f"query `{name}`", _query_time(name), limit)
        row("Turtle export", lambda f: f["export"], limit)
        row("validation", lambda f: f.get("validate"), limit * 4)
        rss = " | ".join(f"{per_store[s]['peak_rss_mb']:.0f} MB" for s in stores)
        lines += [f"| peak RSS | {rss} | | | | |", ""]
        unloaded = [STORE_NAMES[s] for s in stores if s not in loaded]
        if unloaded:
            lines += [f"Not loaded within {limit:g} s, so not measured further: "
                      f"{', '.join(unloaded)}.", ""]
        rows = {s: {n: v[1] for n, v in per_store[s]["queries"].items()} for s in loaded}
        differ = sorted(
            n for n in rows.get("pyoxigraph", {}) if len({rows[s][n] for s in loaded}) > 1
        )
        if differ:
            counts_by_store = "; ".join(
                f"{n}: " + ", ".join(f"{STORE_NAMES[s]} {rows[s][n]}" for s in loaded)
                for n in differ
            )
            lines += [f"Row counts differ (a timed-out query has none): {counts_by_store}.", ""]
        counts = ", ".join(f"{n} {c}" for n, c in rows.get("pyoxigraph", {}).items())
        lines += [f"Rows per query (raw pyoxigraph): {counts}.", ""]
        if "rdflib" in loaded:
            firsts = ", ".join(
                f"{n} {_fmt(v[2] if len(v) > 2 else v[0], limit)}"
                for n, v in per_store["rdflib"]["queries"].items()
            )
            lines += [f"First runs on rdflib Memory (with the parse): {firsts}.", ""]
        found = {s: per_store[s].get("validate_results") for s in stores}
        lines += [f"Validation results: pySHACL {found.get('rdflib')}, fast path "
                  f"{found.get('pyoxigraph')}. pySHACL is not run on the oxrdflib store "
                  "(a known quadratic trap); the fast path loads the file itself.", ""]
        targets += _targets(size, per_store, limit)
    lines += ["## Targets", "", "| target | figure | met? |", "|---|---|---|"]
    lines += [f"| {a} | {b} | {c} |" for a, b, c in targets] or ["| (none at these sizes) | | |"]
    return "\n".join(lines) + "\n"


def _targets(size: str, fig: dict[str, Any], limit: float) -> list[tuple[str, str, str]]:
    """Check the issue's speed targets that apply at this size."""
    out: list[tuple[str, str, str]] = []
    pyox, ox, mem = fig.get("pyoxigraph"), fig.get("oxrdflib"), fig.get("rdflib")
    if size in ("100k", "1M") and pyox and ox:
        worst = []
        pairs = [("load", ox["load"], pyox["load"]), ("export", ox["export"], pyox["export"])]
        for label, a, b in pairs + [
            (n, ox["queries"][n][0], pyox["queries"][n][0]) for n in pyox["queries"]
        ]:
            ratio = None if a is None or b is None else a / max(b, 1e-3)
            worst.append((ratio if ratio is not None else float("inf"), label))
        ratio, label = max(worst)
        out.append((f"{size}: load, every query, export on kg's default path ≤ 1.5x raw pyoxigraph",
                    f"worst {ratio:.1f}x ({label}; queries under 1 ms floored to 1 ms)",
                    "met" if ratio <= 1.5 else "not met"))
    if size == "100k" and pyox and mem:
        worst_query = max(
            ((float("inf") if mem["queries"][n][0] is None
              else mem["queries"][n][0] / max(pyox["queries"][n][0] or 1e-3, 1e-3)), n)
            for n in pyox["queries"]
        )
        out.append(("100k: no stored query on rdflib Memory > 20x raw pyoxigraph",
                    f"worst {worst_query[0]:.1f}x ({worst_query[1]}; inf = over the limit)",
                    "met" if worst_query[0] <= 20 else "not met"))
    if size == "1M" and pyox and mem and "validate" in mem:
        a, b = mem.get("validate"), pyox.get("validate")
        ratio = (limit * 4 if a is None else a) / b if b else 0
        out.append(("1M: validation ≥ 5x faster than pySHACL (same violations)",
                    f"{'≥ ' if a is None else ''}{ratio:.1f}x",
                    "met" if ratio >= 5 else "not met"))
    persistent = fig.get("persistent")
    if persistent and "error" in persistent:
        out.append((f"{size}: loads into the persistent store, every query answers, < 4 GB",
                    f"the check failed: {persistent['error']}", "not met"))
    elif persistent:
        out.append((f"{size}: loads into the persistent store, every query answers, < 4 GB",
                    f"load {persistent['load_s']:.0f} s, {answered(persistent)}, "
                    f"peak {persistent['peak_rss_mb']:,.0f} MB (RESULTS-{size}.md)",
                    "met" if target_met(persistent) else "not met"))
    elif size == "10M":
        out.append(("10M: loads into the persistent store, every query answers, < 4 GB",
                    "not run (--persistent)", "not measured"))
    return out


def _persistent(size: str, folder: Path, limit: float) -> dict[str, Any]:
    """Run :mod:`benchmarks.scale` at ``size`` (its table to ``folder``); return its figures.

    A failed check gives ``{"error": ...}`` with the end of what it said, so the suite's
    other figures are still reported.
    """
    detail = folder / f"RESULTS-{size}.md"
    command = [sys.executable, "-m", "benchmarks.scale", "--size", size, "--out", str(detail),
               "--limit", str(limit)]
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        command, cwd=ROOT, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        said = (done.stderr.strip().splitlines() or [f"exit status {done.returncode}"])[-1]
        return {"error": said}
    figures: dict[str, Any] = json.loads(detail.with_suffix(".json").read_text())
    return figures


def main(argv: list[str] | None = None) -> None:
    """Run the suite (or, with ``--worker``, one store on one file) and write Markdown."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10k,100k,1M,10M")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "RESULTS.md")
    parser.add_argument("--data", type=Path, default=ROOT / "benchmarks" / "data")
    parser.add_argument("--limit", type=float, default=120.0, help="seconds per operation")
    parser.add_argument("--stores", default=",".join(STORES))
    parser.add_argument("--persistent", default="10M",
                        help="sizes at which to check the persistent store too "
                             "(benchmarks.scale, written to RESULTS-SIZE.md beside --out)")
    parser.add_argument("--worker", nargs=3, metavar=("STORE", "FILE", "QUERIES"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.out, args.data = args.out.resolve(), args.data.resolve()  # workers run in ROOT
    if args.worker:
        store, file, queries = args.worker
        texts = json.loads(Path(queries).read_text(encoding="utf-8"))
        json.dump(worker(store, Path(file), texts, args.limit), sys.stdout)
        return
    args.data.mkdir(parents=True, exist_ok=True)
    reference = args.data / "reference.nt"
    with reference.open("w", encoding="utf-8") as out:
        generate(3_000, out)
    queries_file = args.data / "queries.json"
    queries_file.write_text(json.dumps(bound_queries(reference)), encoding="utf-8")
    results: dict[str, dict[str, Any]] = {}

    def save(results: dict[str, dict[str, Any]]) -> None:  # after each step: nothing is lost
        (args.out.parent / "results.json").write_text(json.dumps(results, indent=1))
        args.out.write_text(report(results, machine(), args.limit), encoding="utf-8")

    for size in args.sizes.split(","):
        path = args.data / f"{size}.nt"
        with path.open("w", encoding="utf-8") as out:
            stats = generate(parse_size(size), out)
        results[size] = {"triples": stats["triples"]}
        for store in args.stores.split(","):
            print(f"{size}: {STORE_NAMES[store]} ...", file=sys.stderr, flush=True)  # noqa: T201
            command = [sys.executable, "-m", "benchmarks.run", "--limit", str(args.limit),
                       "--worker", store, str(path), str(queries_file)]
            done = subprocess.run(  # noqa: S603 - our own interpreter and module
                command, cwd=ROOT, capture_output=True, text=True, check=True
            )
            results[size][store] = json.loads(done.stdout)
        save(results)
        if size in args.persistent.split(","):
            print(f"{size}: persistent store ...", file=sys.stderr, flush=True)  # noqa: T201
            results[size]["persistent"] = _persistent(size, args.out.parent, args.limit)
            save(results)
    print(args.out.read_text(encoding="utf-8"), end="")  # noqa: T201 - the figures, printed
    print(f"wrote {args.out}", file=sys.stderr)  # noqa: T201


if __name__ == "__main__":
    main()
