"""Push to and query real SPARQL servers (Oxigraph, Virtuoso); a push killed midway changes
nothing; credentials from the environment or netrc, never shown; clear errors."""

from __future__ import annotations

import base64
import http.server
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.request import Request, urlopen

import pytest
from click.testing import CliRunner
from rdflib import Graph

import kg.graph.auth
import kg.graph.remote
import kg.graph.stores
from kg.cli import main
from kg.graph.endpoints import Endpoint, EndpointError
from kg.graph.remote import DEFAULT_GRAPH, push
from kg.graph.stores import open_graph, read_store
from kg.query.registry import default_registry
from kg.query.sparql import result_rows, run_query
from tests.sparql_servers import OxigraphServer, SparqlServer, VirtuosoServer, free_port
from tests.test_stores import cases, comparable, example_parameters

pytest.importorskip("pyoxigraph")

#: Other days the as-of queries are compared on, besides their examples: Virtuoso once gave
#: other rows on each (pipeline-status as of 2016, planned-regulatory-events as of 2023).
AS_OF_DAYS = ("2016-06-01", "2023-01-01")


@pytest.fixture(autouse=True)
def no_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Start every test without credentials: none from this shell, no ~/.netrc."""
    for name in ("KG_SPARQL_USER", "KG_SPARQL_PASSWORD", "KG_SPARQL_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NETRC", str(tmp_path / "no-netrc"))


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VirtuosoServer]:
    """One Virtuoso for a module's tests (it takes seconds to make its database)."""
    running = VirtuosoServer(tmp_path_factory.mktemp("virtuoso") / "db")
    running.start()
    yield running
    running.stop()


@pytest.fixture(params=["oxigraph", "virtuoso"])
def server(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[SparqlServer]:
    """A running server, and its credentials in the environment (as a user would set them)."""
    running: SparqlServer
    if request.param == "virtuoso":
        running = request.getfixturevalue("virtuoso")
        running.reset()
    else:
        running = OxigraphServer(tmp_path / "oxigraph").start()
    for name, value in running.env.items():
        monkeypatch.setenv(name, value)
    yield running
    if request.param == "oxigraph":
        running.stop()


@pytest.fixture(scope="module")
def curated() -> Graph:
    return read_store("memory")


def small_graph(*objects: str) -> Graph:
    graph = Graph()
    graph.parse(data="".join(f"<urn:x:s> <urn:x:p> <urn:x:{o}> .\n" for o in objects), format="nt")
    return graph


def test_push_then_every_stored_query_gives_the_same_rows(
    server: SparqlServer, curated: Graph
) -> None:
    assert push(curated, server.endpoint) == len(curated)
    remote = open_graph(Endpoint.parse(server.endpoint).reading(DEFAULT_GRAPH).descriptor())
    assert len(remote) == len(curated)
    registry = default_registry()
    differ = []
    for name, optional in cases():
        query = registry[name]
        params = example_parameters(query, optional=optional)
        runs = [params]
        if optional and any(p.name == "asOf" for p in query.params):
            runs += [{**params, "asOf": day} for day in AS_OF_DAYS if day != params.get("asOf")]
        for given in runs:
            expected = result_rows(run_query(curated, query, given))
            got = result_rows(run_query(remote, query, given))
            if comparable(query, got) != comparable(query, expected):
                differ.append((name, given))
    # Every query agrees on every server: the stored queries are written around Virtuoso
    # 7.2's deviations (listed in the README, beside the SPARQL servers).
    assert differ == []


def test_push_replaces_only_its_graph(server: SparqlServer) -> None:
    push(small_graph("a", "b"), server.endpoint, graph_iri="urn:x:first")
    push(small_graph("c"), server.endpoint, graph_iri="urn:x:second")
    push(small_graph("d", "e", "f"), server.endpoint, graph_iri="urn:x:first")
    assert server.count("urn:x:first") == 3
    assert server.count("urn:x:second") == 1
    assert server.graphs() == {"urn:x:first", "urn:x:second"}  # no temporary graph left


def test_push_without_graph_store_endpoint(server: SparqlServer) -> None:
    query, update = Endpoint.parse(server.endpoint).query, Endpoint.parse(server.endpoint).update
    push(small_graph("a", "b"), f"{query},{update}", graph_iri="urn:x:g")
    assert server.count("urn:x:g") == 2
    assert server.graphs() == {"urn:x:g"}


def big_graph(triples: int) -> Graph:
    import pyoxigraph

    graph = open_graph("oxigraph-memory")
    lines = "".join(f'<urn:x:s{i}> <urn:x:p{i % 7}> "value {i}" .\n' for i in range(triples))
    graph.store._inner.bulk_load(input=lines.encode(), format=pyoxigraph.RdfFormat.N_TRIPLES)  # type: ignore[attr-defined]
    return graph


def test_server_killed_midway_leaves_previous_graph(
    server: SparqlServer, curated: Graph, monkeypatch: pytest.MonkeyPatch
) -> None:
    push(curated, server.endpoint)
    before = server.count(DEFAULT_GRAPH)
    uploading = threading.Event()
    original = kg.graph.remote.endpoints.request

    def watched(url: str, **kwargs: Any) -> tuple[str, bytes]:
        if kwargs.get("method") == "PUT":
            uploading.set()
        return original(url, **kwargs)

    monkeypatch.setattr(kg.graph.remote.endpoints, "request", watched)
    failures: list[BaseException] = []

    def push_big() -> None:
        try:
            push(big_graph(300_000), server.endpoint)
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
    monkeypatch.setattr(kg.graph.remote.endpoints, "request", original)
    server.start()  # the same folder: what the server had committed before it died
    assert server.count(DEFAULT_GRAPH) == before
    assert server.graphs() == {DEFAULT_GRAPH}  # nor a temporary graph half-filled


def test_cli_push_then_query(server: SparqlServer, runner: CliRunner) -> None:
    pushed = runner.invoke(main, ["push", "--endpoint", server.endpoint, "--graph", "urn:x:cli"])
    assert pushed.exit_code == 0, pushed.output
    descriptor = Endpoint.parse(server.endpoint).reading("urn:x:cli").descriptor()
    assert f"--store '{descriptor}'" in pushed.output
    graph = read_store(descriptor)
    rows = result_rows(run_query(graph, "trial-results", {"trial": "ALSummit"}))
    assert rows


def test_load_into_sparql_store(server: SparqlServer, tmp_path: Path) -> None:
    extra = tmp_path / "extra.nt"
    extra.write_text("<urn:x:extra> <urn:x:p> <urn:x:o> .\n")
    descriptor = (
        "sparql:" + Endpoint.parse(server.endpoint).reading("urn:x:loaded").descriptor()[7:]
    )
    graph = kg.graph.stores.load_into_store(descriptor, extra, curated=False)
    assert len(graph) == 1
    assert server.graphs() == {"urn:x:loaded"}


def kg_command(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run kg in a child process, so that everything it prints (stdout, stderr) is seen."""
    return subprocess.run(
        [sys.executable, "-m", "kg", *args], capture_output=True, text=True, env=env, timeout=300
    )


def child_env(**extra: str) -> dict[str, str]:
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith("KG_SPARQL_")}
    env.update(extra)
    return env


def test_virtuoso_password_never_shown(virtuoso: VirtuosoServer, tmp_path: Path) -> None:
    """Digest on Virtuoso's graph store: right, wrong and missing passwords; never printed."""
    virtuoso.reset()
    netrc = str(tmp_path / "no-netrc")
    push_args = ["push", "--endpoint", virtuoso.endpoint, "--graph", "urn:x:secret"]
    done = kg_command(*push_args, env=child_env(NETRC=netrc, **virtuoso.env))
    assert done.returncode == 0, done.stderr
    assert virtuoso.count("urn:x:secret") > 0
    wrong = "wrong-" + virtuoso.password
    refused = kg_command(
        *push_args, env=child_env(NETRC=netrc, KG_SPARQL_USER="dba", KG_SPARQL_PASSWORD=wrong)
    )
    assert refused.returncode == 2
    assert (
        "HTTP 401" in refused.stderr and "it refused the password of user 'dba'" in refused.stderr
    )
    assert "Traceback" not in refused.stderr
    missing = kg_command(*push_args, env=child_env(NETRC=netrc))
    assert missing.returncode == 2 and "it needs credentials: set KG_SPARQL_USER" in missing.stderr
    in_url = kg_command(
        "push",
        "--endpoint",
        virtuoso.url.replace("//", f"//dba:{virtuoso.password}@"),
        env=child_env(NETRC=netrc),
    )
    assert in_url.returncode == 2 and "credentials do not go in the URL" in in_url.stderr
    for run in (done, refused, missing, in_url):
        assert virtuoso.password not in run.stdout + run.stderr
        assert wrong not in run.stdout + run.stderr


def test_virtuoso_netrc(
    virtuoso: VirtuosoServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    virtuoso.reset()
    netrc = tmp_path / "netrc"
    netrc.write_text(f"machine 127.0.0.1 login dba password {virtuoso.password}\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    push(small_graph("a"), virtuoso.endpoint, graph_iri="urn:x:netrc")
    assert virtuoso.count("urn:x:netrc") == 1


class _Gate(http.server.BaseHTTPRequestHandler):
    """A reverse proxy in front of Oxigraph that wants one ``Authorization`` value."""

    expected = ""
    challenge = ""
    upstream = ""

    def _forward(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        if self.headers.get("Authorization") != self.expected:
            self.send_response(401)
            self.send_header("WWW-Authenticate", self.challenge)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        headers = {k: v for k, v in self.headers.items() if k.lower() in ("content-type", "accept")}
        forwarded = Request(  # noqa: S310 - http, made above
            self.upstream + self.path, data=body, headers=headers, method=self.command
        )
        try:
            with urlopen(forwarded, timeout=60) as answer:  # noqa: S310
                status, content, kind = (
                    answer.status,
                    answer.read(),
                    answer.headers.get("Content-Type"),
                )
        except Exception as error:  # an HTTPError: pass its status on
            status, content, kind = getattr(error, "code", 502), b"", "text/plain"
        self.send_response(status)
        self.send_header("Content-Type", kind or "text/plain")
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    do_GET = do_POST = do_PUT = _forward  # noqa: N815 - http.server names them so

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def gate(tmp_path: Path) -> Iterator[tuple[str, type[_Gate]]]:
    backend = OxigraphServer(tmp_path / "oxigraph").start()
    handler = type("Gate", (_Gate,), {"upstream": backend.url})
    proxy = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=proxy.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{proxy.server_address[1]}", handler
    proxy.shutdown()
    proxy.server_close()
    backend.stop()


@pytest.mark.parametrize("source", ["env", "netrc"])
@pytest.mark.parametrize("scheme", ["basic", "bearer"])
def test_basic_and_bearer(
    gate: tuple[str, type[_Gate]],
    scheme: str,
    source: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url, handler = gate
    secret = "tok-" + str(time.time_ns())
    if scheme == "basic":
        handler.expected = "Basic " + base64.b64encode(f"ann:{secret}".encode()).decode()
        handler.challenge = 'Basic realm="kg test"'
    else:
        handler.expected = f"Bearer {secret}"
        handler.challenge = 'Bearer realm="kg test"'
    with pytest.raises(EndpointError, match=r"HTTP 401.*it needs credentials") as refused:
        push(small_graph("a"), url, graph_iri="urn:x:gated")
    assert secret not in str(refused.value)
    if source == "env" and scheme == "basic":
        monkeypatch.setenv("KG_SPARQL_USER", "ann")
        monkeypatch.setenv("KG_SPARQL_PASSWORD", secret)
    elif source == "env":
        monkeypatch.setenv("KG_SPARQL_TOKEN", secret)
    else:
        account = " account bearer" if scheme == "bearer" else ""
        netrc = tmp_path / "netrc"
        netrc.write_text(f"machine 127.0.0.1 login ann{account} password {secret}\n")
        monkeypatch.setenv("NETRC", str(netrc))
    assert push(small_graph("a", "b"), url, graph_iri="urn:x:gated") == 2
    graph = read_store(Endpoint.parse(url).reading("urn:x:gated").descriptor())
    assert len(graph) == 2


def test_bad_netrc_names_the_line_not_the_secret(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text("machine h login ann password p4ss-word\nbogus-Zz9secret\n")
    monkeypatch.setenv("NETRC", str(netrc))
    not_netrc = r"netrc, line \d+: not a valid netrc file"
    with pytest.raises(kg.graph.auth.AuthError, match=not_netrc) as bad:
        push(small_graph("a"), "http://127.0.0.1:9", timeout=2)
    assert "Zz9secret" not in str(bad.value) and "p4ss-word" not in str(bad.value)


def test_half_set_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KG_SPARQL_USER", "ann")
    with pytest.raises(kg.graph.auth.AuthError, match="KG_SPARQL_PASSWORD is not set"):
        push(small_graph("a"), "http://127.0.0.1:9", timeout=2)


def test_unreachable_endpoint() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(EndpointError, match=f"cannot reach the SPARQL endpoint {url}/store"):
        push(small_graph("a"), url, timeout=5)
    with pytest.raises(EndpointError, match="connection refused"):
        read_store(f"sparql:{url}/query").query("ASK {}")


def test_http_error_names_status_and_message(tmp_path: Path) -> None:
    server = OxigraphServer(tmp_path / "oxigraph").start()
    wrong = f"{server.url}/nothing-here"
    with pytest.raises(EndpointError, match=f"{wrong} answered HTTP 404 Not Found: "):
        push(small_graph("a"), wrong)
    broken = open_graph(f"sparql:{server.url}")
    with pytest.raises(Exception, match="answered HTTP 400 Bad Request"):
        broken.query("SELECT nonsense")
    server.stop()


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
