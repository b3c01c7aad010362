"""Load-test ``kg serve`` beside Oxigraph's own server (``oxigraph serve-read-only``), same graph.

Both servers read one Oxigraph store, filled once by ``kg load`` (the curated graph, or the
curated graph with a generated one of a given size, see :mod:`benchmarks.generate`), each
started as a child process on a free loopback port. Each round sends both the same load:
``--clients`` threads, each sending ``--requests`` SPARQL queries in turn (POST
``application/sparql-query``, JSON results asked for, one kept-alive connection per thread),
taken in turn from the stored queries with their example parameters bound, so the two
servers get the same query texts. The servers take turns, round after round, so both see
the same machine. It prints requests per second, the median and 95th percentile latency
and the errors (a status other than 200, or a dropped connection) of each server in each
round, and the ratio of kg serve's throughput to Oxigraph's; and checks that both gave the
same number of rows to every query, and that kg serve still stops a runaway query at its
time limit (503). It prints figures; nothing here is a timed test.

Usage::

    python -m benchmarks.serve                       # the curated graph
    python -m benchmarks.serve --graph 100k --rounds 3
"""

from __future__ import annotations

import argparse
import http.client
import json
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from benchmarks.generate import generate, parse_size
from benchmarks.run import bound_queries

__all__ = ["Figures", "load_test", "main", "percentile"]

ROOT = Path(__file__).resolve().parent.parent
#: A cartesian product of every triple with itself, twice: it runs for minutes.
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@dataclass
class Figures:
    """What one server did under one round of load."""

    seconds: float
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    #: the first answer's body to each query text (to compare the servers' answers)
    bodies: dict[str, bytes] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        """Answered requests per second (errors excluded)."""
        return len(self.latencies) / self.seconds if self.seconds else 0.0


def percentile(values: list[float], fraction: float) -> float:
    """Give the value below which ``fraction`` of ``values`` fall (nearest rank).

    >>> percentile([5.0, 1.0, 3.0, 2.0, 4.0], 0.5), percentile(list(range(1, 101)), 0.95)
    (3.0, 95)
    """
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, round(fraction * len(ordered) + 0.5 - 1e-9))
    return ordered[min(rank, len(ordered)) - 1]


def free_port() -> int:
    """Find a TCP port on loopback that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _post(connection: http.client.HTTPConnection, path: str, text: str) -> tuple[int, bytes]:
    connection.request(
        "POST",
        path,
        body=text.encode("utf-8"),
        headers={
            "Content-Type": "application/sparql-query",
            "Accept": "application/sparql-results+json",
        },
    )
    answer = connection.getresponse()
    return answer.status, answer.read()


def load_test(url: str, texts: list[str], *, clients: int, requests: int) -> Figures:
    """Send ``clients`` x ``requests`` queries to a SPARQL endpoint at once; time each.

    Client ``i`` starts at query ``i`` of ``texts`` and takes them in turn, on one kept-alive
    connection (opened again after an error).
    """
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    lock = threading.Lock()
    figures = Figures(seconds=0.0)
    start = threading.Barrier(clients + 1)

    def client(offset: int) -> None:
        connection = http.client.HTTPConnection(host, port, timeout=120)
        start.wait()
        for number in range(requests):
            text = texts[(offset + number) % len(texts)]
            began = time.perf_counter()
            try:
                status, body = _post(connection, parts.path, text)
            except (OSError, http.client.HTTPException) as error:
                connection.close()
                connection = http.client.HTTPConnection(host, port, timeout=120)
                outcome = f"{type(error).__name__}: {error}"
            else:
                outcome = "" if status == 200 else f"HTTP {status}: {body[:80]!r}"
            elapsed = time.perf_counter() - began
            with lock:
                if outcome:
                    figures.errors.append(outcome)
                else:
                    figures.latencies.append(elapsed)
                    figures.bodies.setdefault(text, body)
        connection.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    figures.seconds = time.perf_counter() - began
    return figures


def _rows(body: bytes) -> int:
    """Count the rows (1 for an ASK) in a SPARQL JSON answer."""
    data = json.loads(body)
    return len(data["results"]["bindings"]) if "results" in data else 1


class Server:
    """A server child process, stopped at the end of a ``with`` block."""

    def __init__(self, name: str, command: list[str], url: str, log: Path) -> None:
        """Start ``command`` and wait until ``url`` answers ``ASK {}``."""
        self.name, self.url = name, url
        with log.open("wb") as stream:
            self.process = subprocess.Popen(  # noqa: S603 - our own command line
                command, stdout=stream, stderr=subprocess.STDOUT
            )
        parts = urlsplit(url)
        deadline = time.monotonic() + 300
        while True:
            try:
                connection = http.client.HTTPConnection(
                    parts.hostname or "", parts.port or 80, timeout=5
                )
                status, _ = _post(connection, parts.path, "ASK {}")
                connection.close()
                if status == 200:
                    return
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"{name} did not start; see {log}:\n{log.read_text()}")
            time.sleep(0.2)

    def stop(self) -> None:
        """Stop the server (terminate, then kill)."""
        self.process.terminate()
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(20)

    def __enter__(self) -> Server:
        """Hand back the running server."""
        return self

    def __exit__(self, *exc: object) -> None:
        """Stop it."""
        self.stop()


def prepare(graph: str, folder: Path) -> tuple[Path, dict[str, str]]:
    """Fill an Oxigraph store in ``folder`` for ``graph``; bind the stored queries' examples.

    :param graph: ``curated``, or a size such as ``100k`` (the curated graph and a generated
        graph of that size)
    :returns: the store's folder and the query texts by stored query name
    """
    store = folder / "store"
    files: list[str] = []
    reference = folder / "reference.nt"
    if graph == "curated":
        import kg

        kg.load_curated().serialize(reference, format="nt", encoding="utf-8")
    else:
        with reference.open("w", encoding="utf-8") as out:
            generate(3_000, out)
        data = folder / f"{graph}.nt"
        with data.open("w", encoding="utf-8") as out:
            generate(parse_size(graph), out)
        files.append(str(data))
    subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "kg", "load", "--store", f"oxigraph:{store}", *files],
        cwd=ROOT,
        check=True,
    )
    return store, bound_queries(reference)


def _oxigraph_binary() -> str:
    beside = Path(sys.executable).parent / "oxigraph"
    found = str(beside) if beside.exists() else shutil.which("oxigraph")
    if found is None:
        raise SystemExit("the oxigraph server is not installed: pip install oxigraph")
    return found


def _runaway(url: str) -> str:
    """Send the runaway query; say what came back and when."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port or 80, timeout=600)
    began = time.perf_counter()
    status, body = _post(connection, parts.path, RUNAWAY)
    connection.close()
    first = body.decode("utf-8", "replace").strip().splitlines()[:1]
    return f"HTTP {status} after {time.perf_counter() - began:.1f} s: {' '.join(first)}"


def _line(name: str, figures: Figures) -> str:
    ms = [1000 * s for s in figures.latencies]
    return (
        f"  {name:<22} {figures.rate:8.1f} req/s  p50 {percentile(ms, 0.5):7.1f} ms  "
        f"p95 {percentile(ms, 0.95):7.1f} ms  errors {len(figures.errors)}"
    )


def main(argv: list[str] | None = None) -> None:
    """Fill the store, start both servers, load them in turns, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--graph", default="curated", help="curated, or a size such as 100k")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=40, help="per client")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=5.0, help="kg serve --timeout")
    parser.add_argument(
        "--kg-store", default=None, help="kg serve --store (default: the same Oxigraph folder)"
    )
    parser.add_argument("--kg-args", default="", help="more arguments for kg serve")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="kg-serve-bench-") as name:
        folder = Path(name)
        store, queries = prepare(args.graph, folder)
        texts = list(queries.values())
        oxigraph_port, kg_port = free_port(), free_port()
        kg_store = args.kg_store or f"oxigraph:{store}"
        kg_command = [
            sys.executable, "-m", "kg", "serve", "--store", kg_store,
            "--port", str(kg_port), "--timeout", str(args.timeout), *args.kg_args.split(),
        ]  # fmt: skip
        oxigraph_command = [
            _oxigraph_binary(), "serve-read-only", "--location", str(store),
            "--bind", f"127.0.0.1:{oxigraph_port}",
        ]  # fmt: skip
        with (
            Server(
                "oxigraph serve-read-only",
                oxigraph_command,
                f"http://127.0.0.1:{oxigraph_port}/query",
                folder / "oxigraph.log",
            ) as oxigraph,
            Server(
                "kg serve", kg_command, f"http://127.0.0.1:{kg_port}/sparql", folder / "kg.log"
            ) as served,
        ):
            print(  # noqa: T201
                f"graph {args.graph}: {len(texts)} stored queries, {args.clients} clients x "
                f"{args.requests} requests; kg serve --store {kg_store} {args.kg_args}".rstrip()
            )
            for server in (oxigraph, served):  # warm up: every query once
                load_test(server.url, texts, clients=1, requests=len(texts))
            ratios = []
            for number in range(1, args.rounds + 1):
                results = {
                    server.name: load_test(
                        server.url, texts, clients=args.clients, requests=args.requests
                    )
                    for server in ((oxigraph, served) if number % 2 else (served, oxigraph))
                }
                ours, theirs = results[served.name], results[oxigraph.name]
                ratios.append(ours.rate / theirs.rate if theirs.rate else float("nan"))
                print(f"round {number}:")  # noqa: T201
                for server in (oxigraph, served):
                    print(_line(server.name, results[server.name]))  # noqa: T201
                print(f"  ratio kg/oxigraph      {ratios[-1]:8.2f}")  # noqa: T201
                differ = [
                    name
                    for name, text in queries.items()
                    if text in ours.bodies
                    and text in theirs.bodies
                    and _rows(ours.bodies[text]) != _rows(theirs.bodies[text])
                ]
                if differ:
                    print(f"  row counts differ: {', '.join(differ)}")  # noqa: T201
                for error in sorted(set(ours.errors + theirs.errors))[:5]:
                    print(f"  error: {error}")  # noqa: T201
            print(f"median ratio {statistics.median(ratios):.2f}")  # noqa: T201
            print(f"runaway query on kg serve: {_runaway(served.url)}")  # noqa: T201


if __name__ == "__main__":
    main()
