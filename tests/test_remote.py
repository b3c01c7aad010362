"""Push to and query a real Oxigraph server; a push killed midway changes nothing; clear errors."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from rdflib import Graph

import kg.remote
from kg.cli import main
from kg.endpoints import Endpoint, EndpointError, request
from kg.queries import default_registry
from kg.remote import DEFAULT_GRAPH, push
from kg.sparql import result_rows, run_query
from kg.stores import open_graph, read_store
from tests.test_stores import cases, comparable, example_parameters

pytest.importorskip("pyoxigraph")


def oxigraph_binary() -> Path:
    """The oxigraph server from the PyPI package ``oxigraph`` (in the test extra)."""
    beside = Path(sys.executable).parent / "oxigraph"
    found = beside if beside.exists() else shutil.which("oxigraph")
    if found is None:
        message = "the oxigraph server is not installed: pip install oxigraph (the test extra)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return Path(found)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class OxigraphServer:
    """An ``oxigraph serve`` child process on 127.0.0.1, on a folder that outlives restarts."""

    def __init__(self, location: Path) -> None:
        self.location = location
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> OxigraphServer:
        binary = oxigraph_binary()
        self.process = subprocess.Popen(
            [binary, "serve", "--location", self.location, "--bind", f"127.0.0.1:{self.port}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                request(f"{self.url}/query?query=ASK%7B%7D", timeout=2)
                return self
            except EndpointError:
                if self.process.poll() is not None:
                    raise RuntimeError(f"oxigraph exited with {self.process.returncode}") from None
                time.sleep(0.1)
        raise RuntimeError("oxigraph did not start within 30 s")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()

    def count(self, graph: str) -> int:
        store = open_graph(f"sparql:{self.url}")
        rows = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
        return int(result_rows(rows)[0]["n"] or 0)

    def graphs(self) -> set[str]:
        store = open_graph(f"sparql:{self.url}")
        rows = result_rows(store.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"))
        return {str(row["g"]) for row in rows}


@pytest.fixture
def server(tmp_path: Path) -> Iterator[OxigraphServer]:
    running = OxigraphServer(tmp_path / "oxigraph").start()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def curated() -> Graph:
    return read_store("memory")


def small_graph(*objects: str) -> Graph:
    graph = Graph()
    graph.parse(data="".join(f"<urn:x:s> <urn:x:p> <urn:x:{o}> .\n" for o in objects), format="nt")
    return graph


def test_push_then_every_stored_query_gives_the_same_rows(
    server: OxigraphServer, curated: Graph
) -> None:
    assert push(curated, server.url) == len(curated)
    remote = open_graph(Endpoint.parse(server.url).reading(DEFAULT_GRAPH).descriptor())
    assert len(remote) == len(curated)
    registry = default_registry()
    for name, optional in cases():
        query = registry[name]
        params = example_parameters(query, optional=optional)
        expected = result_rows(run_query(curated, query, params))
        got = result_rows(run_query(remote, query, params))
        assert comparable(query, got) == comparable(query, expected), (name, params)


def test_push_replaces_only_its_graph(server: OxigraphServer) -> None:
    push(small_graph("a", "b"), server.url, graph_iri="urn:x:first")
    push(small_graph("c"), server.url, graph_iri="urn:x:second")
    push(small_graph("d", "e", "f"), server.url, graph_iri="urn:x:first")
    assert server.count("urn:x:first") == 3
    assert server.count("urn:x:second") == 1
    assert server.graphs() == {"urn:x:first", "urn:x:second"}  # no temporary graph left


def test_push_without_graph_store_endpoint(server: OxigraphServer) -> None:
    only_sparql = f"{server.url}/query,{server.url}/update"
    push(small_graph("a", "b"), only_sparql, graph_iri="urn:x:g")
    assert server.count("urn:x:g") == 2


def big_graph(triples: int) -> Graph:
    import pyoxigraph

    graph = open_graph("oxigraph-memory")
    lines = "".join(f'<urn:x:s{i}> <urn:x:p{i % 7}> "value {i}" .\n' for i in range(triples))
    graph.store._inner.bulk_load(input=lines.encode(), format=pyoxigraph.RdfFormat.N_TRIPLES)  # type: ignore[attr-defined]
    return graph


def test_server_killed_midway_leaves_previous_graph(
    server: OxigraphServer, curated: Graph, monkeypatch: pytest.MonkeyPatch
) -> None:
    push(curated, server.url)
    before = server.count(DEFAULT_GRAPH)
    uploading = threading.Event()
    original = kg.remote.endpoints.request

    def watched(url: str, **kwargs: Any) -> tuple[str, bytes]:
        if kwargs.get("method") == "PUT":
            uploading.set()
        return original(url, **kwargs)

    monkeypatch.setattr(kg.remote.endpoints, "request", watched)
    failures: list[BaseException] = []

    def push_big() -> None:
        try:
            push(big_graph(300_000), server.url)
        except BaseException as error:
            failures.append(error)

    worker = threading.Thread(target=push_big)
    worker.start()
    assert uploading.wait(60), "the push never started uploading"
    time.sleep(0.3)
    server.kill()
    worker.join(120)
    assert len(failures) == 1 and isinstance(failures[0], EndpointError), failures
    assert server.url in str(failures[0])
    monkeypatch.undo()
    server.start()  # the same folder: what the server had committed before it died
    assert server.count(DEFAULT_GRAPH) == before
    assert server.graphs() == {DEFAULT_GRAPH}


def test_cli_push_then_query(server: OxigraphServer, runner: CliRunner) -> None:
    pushed = runner.invoke(main, ["push", "--endpoint", server.url, "--graph", "urn:x:cli"])
    assert pushed.exit_code == 0, pushed.output
    descriptor = Endpoint.parse(server.url).reading("urn:x:cli").descriptor()
    assert f"--store '{descriptor}'" in pushed.output
    graph = read_store(descriptor)
    rows = result_rows(run_query(graph, "trial-results", {"trial": "ALSummit"}))
    assert rows


def test_unreachable_endpoint() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(EndpointError, match=f"cannot reach the SPARQL endpoint {url}/store"):
        push(small_graph("a"), url, timeout=5)
    with pytest.raises(EndpointError, match="connection refused"):
        read_store(f"sparql:{url}/query").query("ASK {}")


def test_http_error_names_status_and_message(server: OxigraphServer) -> None:
    wrong = f"{server.url}/nothing-here"
    with pytest.raises(EndpointError, match=f"{wrong} answered HTTP 404 Not Found: "):
        push(small_graph("a"), wrong)
    broken = open_graph(f"sparql:{server.url}")
    with pytest.raises(Exception, match="answered HTTP 400 Bad Request"):
        broken.query("SELECT nonsense")


def test_timeout() -> None:
    with socket.socket() as silent:  # accepts connections and never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        with pytest.raises(
            EndpointError, match=re.escape(f"{url}/store did not answer within 0.5 s")
        ):
            push(small_graph("a"), url, timeout=0.5)
        graph = open_graph(f"sparql:{url}/sparql", timeout=0.5)
        with pytest.raises(Exception, match=r"did not answer within 0\.5 s"):
            graph.query("ASK {}")


def test_bad_graph_iri() -> None:
    with pytest.raises(EndpointError, match="not an absolute IRI"):
        push(small_graph("a"), "http://127.0.0.1:9", graph_iri="no iri")
