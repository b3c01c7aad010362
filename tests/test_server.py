"""kg serve: the SPARQL 1.1 Protocol endpoint, stored queries over HTTP, read-only, time limit."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import quote, urlencode
from urllib.request import Request, urlopen

import pytest

from kg.graph.stores import read_store
from kg.publish.server import SparqlServer, make_server, query_catalogue
from kg.query.registry import default_registry
from tests.serving import kg_serve

SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # a cartesian product


@pytest.fixture(scope="module")
def server() -> Iterator[SparqlServer]:
    running = make_server(read_store("memory"), port=0, time_limit=2)
    thread = threading.Thread(target=running.serve_forever, daemon=True)
    thread.start()
    yield running
    running.shutdown()
    running.server_close()


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, str, bytes]:
    return send(Request(url, headers=headers or {}))  # noqa: S310


def send(request: Request) -> tuple[int, str, bytes]:
    try:
        with urlopen(request, timeout=60) as answer:  # noqa: S310
            return answer.status, answer.headers["Content-Type"], answer.read()
    except HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read()


def post(url: str, body: bytes, content_type: str, accept: str = "") -> tuple[int, str, bytes]:
    headers = {"Content-Type": content_type} | ({"Accept": accept} if accept else {})
    return send(Request(url, data=body, headers=headers))  # noqa: S310


def rows(body: bytes) -> list[dict[str, str]]:
    data = json.loads(body)
    return [{k: v["value"] for k, v in row.items()} for row in data["results"]["bindings"]]


def test_page_works_offline(server: SparqlServer) -> None:
    status, kind, body = get(server.url)
    assert status == 200 and kind.startswith("text/html")
    page = body.decode()
    assert 'src="/static/app.js"' in page and 'href="/static/style.css"' in page
    remote = re.compile(r"""(src|href)\s*=\s*["']?(https?:)?//|url\(\s*["']?(https?:)?//|@import""")
    assert not remote.search(page)  # nothing from a CDN: the page works offline
    for name in ("app.js", "style.css"):
        status, _, asset = get(f"{server.url}static/{name}")
        assert status == 200 and asset
        assert not remote.search(asset.decode())
        assert not re.search(r"""(fetch|import)\s*\(\s*["'`]https?:""", asset.decode())


def test_sparql_get_post_and_form(server: SparqlServer) -> None:
    text = (
        "SELECT ?label WHERE { ?t a <https://w3id.org/als-kg/ontology#Therapy> ; "
        "<http://www.w3.org/2000/01/rdf-schema#label> ?label }"
    )
    status, kind, body = get(f"{server.url}sparql?query={quote(text)}")
    assert status == 200 and kind.startswith("application/sparql-results+json")
    labels = {row["label"] for row in rows(body)}
    assert "tofersen" in labels
    assert rows(post(f"{server.url}sparql", text.encode(), "application/sparql-query")[2]) == rows(
        body
    )
    form = urlencode({"query": text}).encode()
    assert rows(post(f"{server.url}sparql", form, "application/x-www-form-urlencoded")[2]) == rows(
        body
    )


def test_result_formats(server: SparqlServer) -> None:
    status, kind, body = get(
        f"{server.url}sparql?query={quote('SELECT ?x WHERE { BIND(1 AS ?x) }')}",
        {"Accept": "text/csv"},
    )
    assert (status, kind, body.decode().split()) == (200, "text/csv; charset=utf-8", ["x", "1"])
    status, kind, body = get(f"{server.url}sparql?query={quote('ASK {}')}")
    assert json.loads(body)["boolean"] is True
    construct = "CONSTRUCT { ?s a ?o } WHERE { ?s a ?o } LIMIT 3"
    status, kind, body = get(f"{server.url}sparql?query={quote(construct)}")
    assert status == 200 and kind.startswith("text/turtle") and b" a " in body


def test_stored_queries(server: SparqlServer) -> None:
    status, _, body = get(f"{server.url}queries")
    catalogue = json.loads(body)
    assert catalogue == json.loads(json.dumps(query_catalogue(default_registry())))
    assert {q["name"] for q in catalogue} == set(default_registry())
    status, _, body = get(f"{server.url}queries/trial-results?trial=ALSummit")
    assert status == 200 and any(row["pValue"] == "p=0.001" for row in rows(body))
    status, _, body = get(f"{server.url}queries/trial-results")
    assert status == 400 and b"needs: --param trial" in body
    status, _, body = get(f"{server.url}queries/no-such-query")
    assert status == 404 and b"no stored query named 'no-such-query'" in body


def test_updates_are_refused(server: SparqlServer) -> None:
    update = b"INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }"
    for body, kind in [
        (update, "application/sparql-update"),
        (update, "application/sparql-query"),
        (b"update=" + quote(update).encode(), "application/x-www-form-urlencoded"),
    ]:
        status, _, answer = post(f"{server.url}sparql", body, kind)
        assert (status, answer) == (
            403,
            b"this endpoint is read-only: SPARQL updates are refused\n",
        )
    assert send(Request(f"{server.url}sparql", data=b"x", method="PUT"))[0] == 403  # noqa: S310
    assert server.graph.query("ASK { <urn:x:a> ?p ?o }").askAnswer is False


def test_bad_query_is_a_clear_400(server: SparqlServer) -> None:
    status, _, body = get(f"{server.url}sparql?query={quote('SELEC ?x')}")
    assert status == 400 and body.startswith(b"the SPARQL query failed: ")


def test_long_query_is_stopped(server: SparqlServer) -> None:
    started = time.monotonic()
    status, _, body = get(f"{server.url}sparql?query={quote(SLOW)}")
    assert status == 503
    assert b"the query was stopped after 2 s, this endpoint's time limit" in body
    assert time.monotonic() - started < 10
    assert get(f"{server.url}sparql?query={quote('ASK {}')}")[0] == 200  # still serving


def test_kg_serve_on_a_persistent_store(tmp_path: Path) -> None:
    pytest.importorskip("oxrdflib")
    store = f"oxigraph:{tmp_path / 'store'}"
    subprocess.run([sys.executable, "-m", "kg", "load", "--store", store], check=True)
    with kg_serve("--store", store, "--timeout", "1", log=tmp_path / "serve.log") as url:
        status, _, body = get(f"{url}queries/trials-missed-primary-endpoint")
        assert status == 200 and any("ALSummit" in row["trialLabel"] for row in rows(body))
        assert get(f"{url}sparql?query={quote(SLOW)}")[0] in (200, 503)


def test_kg_serve_refuses_a_bad_time_limit(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "kg", "serve", "--port", "0", "--timeout", "0"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 2 and "time limit must be more than 0 seconds" in out.stderr


# --- the protocol in full: content negotiation, CORS, service description, resources -----


@pytest.fixture(scope="module")
def served() -> Iterator[SparqlServer]:
    """kg serve's own setup on the curated graph: description and queries loaded beside it.

    A generous time limit: these tests are about formats, not about stopping queries, and a
    loaded machine must not turn them into 503s.
    """
    running = make_server(read_store("memory"), port=0, time_limit=60, publish=True)
    thread = threading.Thread(target=running.serve_forever, daemon=True)
    thread.start()
    yield running
    running.shutdown()
    running.server_close()


SELECT_ONE = quote("SELECT ?x ?y WHERE { BIND(1 AS ?x) BIND(\"a\\tb\" AS ?y) }")
CONSTRUCT = quote("CONSTRUCT { ?s a ?o } WHERE { ?s a ?o } LIMIT 3")


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("application/sparql-results+json", "application/sparql-results+json"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("text/html;q=0.9, text/csv;q=0.5", "text/csv"),
        ("*/*", "application/sparql-results+json"),
        ("", "application/sparql-results+json"),
    ],
)
def test_select_negotiates(served: SparqlServer, accept: str, expected: str) -> None:
    headers = {"Accept": accept} if accept else {}
    status, kind, body = get(f"{served.url}sparql?query={SELECT_ONE}", headers)
    assert status == 200 and kind == f"{expected}; charset=utf-8"
    if expected == "text/tab-separated-values":
        assert body.decode() == '?x\t?y\n"1"^^<http://www.w3.org/2001/XMLSchema#integer>\t"a\\tb"\n'
    if expected.endswith("xml"):
        assert b"<sparql" in body


@pytest.mark.parametrize(
    ("accept", "parse_as"),
    [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/rdf+xml", "xml"),
        ("application/ld+json", "json-ld"),
    ],
)
def test_construct_negotiates(served: SparqlServer, accept: str, parse_as: str) -> None:
    from rdflib import Graph

    status, kind, body = get(f"{served.url}sparql?query={CONSTRUCT}", {"Accept": accept})
    assert status == 200 and kind == f"{accept}; charset=utf-8"
    assert len(Graph().parse(data=body, format=parse_as)) == 3


def test_what_cannot_be_produced_is_406(served: SparqlServer) -> None:
    status, _, body = get(f"{served.url}sparql?query={SELECT_ONE}", {"Accept": "image/png"})
    assert status == 406 and b"text/tab-separated-values" in body
    status, _, body = get(f"{served.url}sparql?query={CONSTRUCT}", {"Accept": "text/csv"})
    assert status == 406 and b"text/turtle" in body  # a graph is not a table
    status, _, _ = get(f"{served.url}resource/tofersen", {"Accept": "text/csv"})
    assert status == 406


def test_cors(served: SparqlServer) -> None:
    request = Request(f"{served.url}sparql", method="OPTIONS")  # noqa: S310
    request.add_header("Origin", "https://example.org")
    request.add_header("Access-Control-Request-Method", "POST")
    with urlopen(request, timeout=60) as answer:  # noqa: S310
        assert answer.status == 204
        assert answer.headers["Access-Control-Allow-Origin"] == "*"
        assert "POST" in answer.headers["Access-Control-Allow-Methods"]
    with urlopen(f"{served.url}sparql?query={SELECT_ONE}", timeout=60) as answer:  # noqa: S310
        assert answer.headers["Access-Control-Allow-Origin"] == "*"


def test_service_description(served: SparqlServer) -> None:
    from rdflib import Graph, URIRef
    from rdflib.namespace import DCTERMS, VOID

    status, kind, body = get(f"{served.url}sparql", {"Accept": "text/turtle"})
    assert status == 200 and kind.startswith("text/turtle")
    described = Graph().parse(data=body, format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    endpoint = URIRef(f"{served.url}sparql")
    assert (endpoint, URIRef(f"{sd}endpoint"), endpoint) in described
    formats = {str(o) for o in described.objects(endpoint, URIRef(f"{sd}resultFormat"))}
    assert "http://www.w3.org/ns/formats/SPARQL_Results_TSV" in formats
    dataset = URIRef("https://w3id.org/als-kg/dataset")
    assert described.value(dataset, VOID.sparqlEndpoint) == endpoint
    assert described.value(dataset, DCTERMS.license) is not None


def test_description_and_stored_queries_are_found_by_sparql(served: SparqlServer) -> None:
    text = (
        "PREFIX sh: <http://www.w3.org/ns/shacl#> PREFIX schema: <https://schema.org/> "
        "SELECT ?name ?target WHERE { ?q a sh:SPARQLExecutable ; sh:select ?sparql ; "
        "schema:identifier ?name ; schema:target ?target }"
    )
    status, _, body = get(f"{served.url}sparql?query={quote(text)}")
    found = rows(body)
    assert status == 200 and {row["name"] for row in found} == set(default_registry())
    assert {row["target"] for row in found} == {f"{served.url}sparql"}
    modified = (
        "PREFIX dcterms: <http://purl.org/dc/terms/> PREFIX void: <http://rdfs.org/ns/void#> "
        "SELECT ?license ?modified WHERE { ?d a void:Dataset ; dcterms:license ?license ; "
        "dcterms:modified ?modified }"
    )
    (row,) = rows(get(f"{served.url}sparql?query={quote(modified)}")[2])
    assert row["license"] == "https://creativecommons.org/licenses/by/4.0/"


def test_catalogue_as_rdf(served: SparqlServer) -> None:
    from rdflib import Graph
    from rdflib.namespace import RDF, SH

    status, kind, body = get(f"{served.url}queries", {"Accept": "text/turtle"})
    assert status == 200 and kind.startswith("text/turtle")
    catalogue = Graph().parse(data=body, format="turtle")
    assert len(set(catalogue.subjects(RDF.type, SH.SPARQLExecutable))) == len(default_registry())


@pytest.mark.parametrize(
    ("accept", "parse_as"), [("text/turtle", "turtle"), ("application/ld+json", "json-ld")]
)
def test_resource_gives_rdf_to_a_client(served: SparqlServer, accept: str, parse_as: str) -> None:
    from rdflib import Graph, URIRef
    from rdflib.namespace import RDFS

    status, kind, body = get(f"{served.url}resource/tofersen", {"Accept": accept})
    assert status == 200 and kind == f"{accept}; charset=utf-8"
    described = Graph().parse(data=body, format=parse_as)
    assert str(described.value(URIRef("https://w3id.org/als-kg/resource/tofersen"), RDFS.label))


def test_resource_gives_a_page_to_a_browser(served: SparqlServer) -> None:
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    status, kind, body = get(f"{served.url}resource/tofersen", {"Accept": browser})
    assert status == 200 and kind.startswith("text/html")
    page = body.decode()
    assert "<h1>tofersen</h1>" in page and 'href="/resource/' in page
    assert get(f"{served.url}resource/no-such-thing", {"Accept": "text/turtle"})[0] == 404


def test_sparqlwrapper_reads_every_format(served: SparqlServer) -> None:
    """A widely used client, SPARQLWrapper, gets what it asks for in each format."""
    from SPARQLWrapper import CSV, JSON, TSV, TURTLE, XML, SPARQLWrapper

    client = SPARQLWrapper(f"{served.url}sparql")
    client.setQuery(
        "SELECT ?label WHERE { <https://w3id.org/als-kg/resource/tofersen> "
        "<http://www.w3.org/2000/01/rdf-schema#label> ?label }"
    )
    client.setReturnFormat(JSON)
    bindings = client.query().convert()["results"]["bindings"]  # type: ignore[index,call-overload]
    assert bindings[0]["label"]["value"] == "tofersen"
    for fmt, marker in ((CSV, b"label\r\ntofersen"), (TSV, b"?label\n\"tofersen\""), (XML, None)):
        client.setReturnFormat(fmt)
        answer = client.query()
        if marker is None:
            assert answer.convert().getElementsByTagName("literal")[0].firstChild.data == "tofersen"
        else:
            assert marker in answer.convert()
    client.setMethod("POST")
    client.setQuery("CONSTRUCT { ?s a ?o } WHERE { ?s a ?o } LIMIT 2")
    client.setReturnFormat(TURTLE)
    assert b" a " in client.query().convert()


def test_kg_serve_acceptance(tmp_path: Path) -> None:
    """The issue's checks, on `kg serve` itself, with plain HTTP requests."""
    with kg_serve(log=tmp_path / "serve.log") as url:
        status, kind, _ = get(f"{url}sparql?query={SELECT_ONE}", {"Accept": "text/csv"})
        assert (status, kind) == (200, "text/csv; charset=utf-8")
        assert get(f"{url}sparql?query={SELECT_ONE}", {"Accept": "application/x-nope"})[0] == 406
        status, kind, body = get(f"{url}resource/tofersen", {"Accept": "text/turtle"})
        assert status == 200 and kind.startswith("text/turtle") and b"tofersen" in body
        text = quote(
            "SELECT (COUNT(?q) AS ?n) WHERE "
            "{ ?q a <http://www.w3.org/ns/shacl#SPARQLExecutable> }"
        )
        (row,) = rows(get(f"{url}sparql?query={text}")[2])
        assert int(row["n"]) == len(default_registry())


# --- the pre-forked workers: the Oxigraph path, concurrency, the time limit, replacement --


@pytest.fixture(scope="module")
def fast() -> Iterator[SparqlServer]:
    """kg serve on an in-memory Oxigraph store, with two workers and a short time limit."""
    pytest.importorskip("oxrdflib")
    running = make_server(read_store("oxigraph-memory"), port=0, time_limit=2, workers=2)
    thread = threading.Thread(target=running.serve_forever, daemon=True)
    thread.start()
    yield running
    running.shutdown()
    running.server_close()
    thread.join(10)
    assert not running.children  # every worker was stopped


def workers_running(server: SparqlServer, count: int) -> set[int]:
    """Wait until the server has ``count`` workers; return their process ids."""
    deadline = time.monotonic() + 30
    while len(server.children) != count and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(server.children) == count
    return set(server.children)


def test_oxigraph_path_answers_in_every_format(fast: SparqlServer) -> None:
    status, kind, body = get(f"{fast.url}sparql?query={SELECT_ONE}")
    assert (status, kind) == (200, "application/sparql-results+json; charset=utf-8")
    assert rows(body) == [{"x": "1", "y": "a\tb"}]
    status, kind, body = get(f"{fast.url}sparql?query={SELECT_ONE}", {"Accept": "text/csv"})
    assert (status, kind) == (200, "text/csv; charset=utf-8")
    assert body.decode().splitlines() == ["x,y", "1,a\tb"]
    status, kind, body = get(f"{fast.url}sparql?query={SELECT_ONE}&format=tsv")
    assert kind == "text/tab-separated-values; charset=utf-8"
    assert body.decode().splitlines()[0] == "?x\t?y"
    assert b"<sparql" in get(f"{fast.url}sparql?query={SELECT_ONE}&format=xml")[2]
    assert json.loads(get(f"{fast.url}sparql?query={quote('ASK {}')}")[2])["boolean"] is True
    status, kind, body = get(f"{fast.url}sparql?query={CONSTRUCT}")
    assert (status, kind) == (200, "text/turtle; charset=utf-8") and b" a " in body
    assert get(f"{fast.url}sparql?query={SELECT_ONE}", {"Accept": "image/png"})[0] == 406
    assert get(f"{fast.url}sparql?query={CONSTRUCT}", {"Accept": "text/csv"})[0] == 406


def test_oxigraph_path_refuses_updates_and_explains_errors(fast: SparqlServer) -> None:
    update = b"INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }"
    status, _, body = post(f"{fast.url}sparql", update, "application/sparql-query")
    assert (status, body) == (403, b"this endpoint is read-only: SPARQL updates are refused\n")
    status, _, body = get(f"{fast.url}sparql?query={quote('SELEC ?x')}")
    assert status == 400 and body.startswith(b"the SPARQL query failed: ")
    assert fast.graph.query("ASK { <urn:x:a> ?p ?o }").askAnswer is False


def test_concurrent_requests_are_all_answered_correctly(fast: SparqlServer) -> None:
    """16 clients at once, each running every stored query: each answer is the in-process one."""
    from kg.query.parameters import bind_parameters
    from kg.query.sparql import result_rows, sparql

    texts = {
        name: bind_parameters(
            stored, fast.graph, {p.name: str(p.example) for p in stored.params if p.example}
        )
        for name, stored in default_registry().items()
    }
    expected = {
        name: sorted(json.dumps(row, sort_keys=True) for row in result_rows(sparql(fast.graph, t)))
        for name, t in texts.items()
    }
    failures: list[str] = []

    def client(offset: int) -> None:
        names = sorted(texts)
        for name in names[offset:] + names[:offset]:
            status, _, body = post(f"{fast.url}sparql", texts[name].encode(), QUERY_TYPE)
            if status != 200 or answered(body) != expected[name]:
                failures.append(f"{name}: HTTP {status}")

    clients = [threading.Thread(target=client, args=(i,)) for i in range(16)]
    for thread in clients:
        thread.start()
    for thread in clients:
        thread.join(120)
    assert failures == []


def answered(body: bytes) -> list[str]:
    """A SPARQL JSON answer's rows as sorted JSON texts, unbound columns as null."""
    columns = json.loads(body)["head"]["vars"]
    return sorted(json.dumps({k: r.get(k) for k in columns}, sort_keys=True) for r in rows(body))


def test_runaway_query_is_cut_off_and_its_worker_replaced(fast: SparqlServer) -> None:
    before = workers_running(fast, 2)
    replaced = fast.replaced
    started = time.monotonic()
    status, kind, body = get(f"{fast.url}sparql?query={quote(SLOW)}")
    assert (status, kind) == (503, "text/plain; charset=utf-8")
    assert b"the query was stopped after 2 s, this endpoint's time limit" in body
    assert time.monotonic() - started < 10
    deadline = time.monotonic() + 30
    while fast.replaced == replaced and time.monotonic() < deadline:
        time.sleep(0.05)
    after = workers_running(fast, 2)
    assert fast.replaced == replaced + 1 and len(before - after) == 1  # one worker, replaced
    for _ in range(4):  # every worker answers
        assert get(f"{fast.url}sparql?query={quote('ASK {}')}")[0] == 200


def test_a_killed_worker_is_replaced(fast: SparqlServer) -> None:
    import os
    import signal

    before = workers_running(fast, 2)
    victim = min(before)
    os.kill(victim, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while victim in fast.children and time.monotonic() < deadline:
        time.sleep(0.05)
    after = workers_running(fast, 2)
    assert victim not in after and len(after - before) == 1
    for _ in range(4):
        assert get(f"{fast.url}sparql?query={quote('ASK {}')}")[0] == 200


def test_silent_clients_do_not_hold_the_workers(fast: SparqlServer) -> None:
    """As many silent connections as workers: each is dropped after a while, so others get in."""
    import socket

    host, port = fast.server_address[:2]
    silent = [socket.create_connection((str(host), port)) for _ in range(2)]
    try:
        started = time.monotonic()
        assert get(f"{fast.url}sparql?query={quote('ASK {}')}")[0] == 200
        assert time.monotonic() - started < 40
        assert all(connection.recv(1) == b"" for connection in silent)  # closed by the server
    finally:
        for connection in silent:
            connection.close()


def test_without_workers_a_long_query_is_still_stopped() -> None:
    """workers=0: threads of one process, each query in a forked process (the former way)."""
    running = make_server(read_store("memory"), port=0, time_limit=1, workers=0)
    thread = threading.Thread(target=running.serve_forever, daemon=True)
    thread.start()
    try:
        assert get(f"{running.url}sparql?query={quote(SLOW)}")[0] == 503
        assert get(f"{running.url}queries/trial-results?trial=ALSummit")[0] == 200
    finally:
        running.shutdown()
        running.server_close()


def test_kg_serve_refuses_negative_workers() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "kg", "serve", "--port", "0", "--workers", "-1"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 2 and "--workers" in out.stderr


QUERY_TYPE = "application/sparql-query"
