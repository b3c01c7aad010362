"""Hostile input, fuzzed and kept: a clear error naming the file, or a clean result; never a
traceback, never a half-written output, never a hang.

Two halves: every regression file in tests/fixtures/hostile/ (made from real records by
tests/hostile_cases.py), and hypothesis properties that mutate the real records, throw odd
values at the stored queries' parameters, and odd queries, Accept headers and paths at
``kg serve``. Each example is bounded in time (hypothesis' deadline), so a hang fails.
"""

from __future__ import annotations

import copy
import gzip
import http.client
import json
import tempfile
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph

from kg.cli import main
from kg.errors import KgError
from kg.graph.io import load_curated, read_graph
from kg.importers import import_changes
from kg.importers.limits import MAX_DEPTH
from kg.publish.server import make_server
from kg.query.registry import default_registry
from kg.query.sparql import result_rows, run_query
from tests.hostile_cases import HOSTILE, real_records

FUZZ = settings(
    max_examples=40,
    deadline=timedelta(seconds=20),  # a hang fails the example
    database=None,
    derandomize=True,  # the same examples on every run: CI stays reproducible
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

CASES = sorted(p for p in HOSTILE.rglob("*") if p.is_file())
RECORD_CASES = [p for p in CASES if p.parent.name.startswith("ctgov-")]
TURTLE_CASES = [p for p in CASES if p.parent.name == "turtle"]
_WORK = Path(tempfile.mkdtemp(prefix="kg-fuzz-"))


def test_at_least_100_cases() -> None:
    assert len(CASES) >= 100, len(CASES)


def test_fixtures_are_what_the_generator_makes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The regression files are the generator's, byte for byte (none edited by hand or lost)."""
    import tests.hostile_cases as hostile

    monkeypatch.setattr(hostile, "HOSTILE", tmp_path)
    assert hostile.write_all() == len(CASES)
    made = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    assert made == [p.relative_to(HOSTILE) for p in CASES]
    for name in made:
        assert (tmp_path / name).read_bytes() == (HOSTILE / name).read_bytes(), name


def unpacked(case: Path, into: Path) -> Path:
    """The case's file as kg sees it: under its own name, unpacked if gzipped in git."""
    name = case.name.removesuffix(".gz")
    target = into / f"{case.parent.name}-{name}"
    data = case.read_bytes()
    target.write_bytes(gzip.decompress(data) if case.suffix == ".gz" else data)
    return target


_BASE: list[Graph] = []


def base() -> Graph:
    """The curated graph an import is compared with (loaded once)."""
    if not _BASE:
        _BASE.append(load_curated(ontology=False))
    return _BASE[0]


def import_cleanly_or_refuse(path: Path) -> Graph | KgError:
    """Import one file: a graph, or a KgError naming the file; anything else fails the test."""
    try:
        return import_changes([path], base=base())
    except KgError as error:
        assert str(path) in str(error), error
        assert "Traceback" not in str(error)
        return error


@pytest.mark.parametrize("case", RECORD_CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_hostile_record(case: Path, tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    outcome = import_cleanly_or_refuse(unpacked(case, tmp_path))
    if isinstance(outcome, Graph):
        Graph().parse(data=outcome.serialize(format="turtle"), format="turtle")  # clean Turtle
    if "nested-100000" in case.name or "nested-arrays" in case.name:
        assert isinstance(outcome, KgError) and f"deeper than {MAX_DEPTH} levels" in str(outcome)
    assert "Traceback" not in "".join(capfd.readouterr())


#: rdflib logs a traceback (logger.warning with exc_info) for an ill-typed literal before kg
#: sees the graph: the validation issue's to fix in kg.graph.io; strict, so a fix shows here.
LOGGED_TRACEBACK = {"integer-not-a-number.ttl", "date-month-13.ttl"}


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(p, marks=pytest.mark.xfail(strict=True, reason="rdflib logs a traceback"))
        if p.name in LOGGED_TRACEBACK
        else p
        for p in TURTLE_CASES
    ],
    ids=lambda p: p.name,
)
def test_hostile_turtle(
    case: Path,
    tmp_path: Path,
    capfd: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    path = unpacked(case, tmp_path)
    try:
        graph = read_graph(path)
    except KgError as error:
        assert str(path) in str(error), error
    else:
        assert len(graph) > 0
    assert "Traceback" not in "".join(capfd.readouterr())
    assert not [record for record in caplog.records if record.exc_info]


@pytest.mark.parametrize(
    "name",
    ["ctgov-json/nested-100000.json.gz", "ctgov-xml/truncated-50pc.xml", "ctgov-json/utf32.json"],
)
def test_cli_refuses_without_traceback_or_output(
    name: str, tmp_path: Path, runner: CliRunner
) -> None:
    """``kg import ctgov`` on a hostile record: exit 2, one line naming it, no output file."""
    path = unpacked(HOSTILE / name, tmp_path)
    output = tmp_path / "out.ttl"
    result = runner.invoke(main, ["import", "ctgov", str(path), "-o", str(output)])
    assert result.exit_code == 2, result.output
    assert result.output.startswith(f"Error: {path}") and result.output.count("\n") == 1
    assert not isinstance(result.exception, RecursionError)
    assert not output.exists()


def test_cli_keeps_an_old_output_when_refusing(tmp_path: Path, runner: CliRunner) -> None:
    path = unpacked(HOSTILE / "ctgov-json/truncated-99pc.json", tmp_path)
    output = tmp_path / "out.ttl"
    output.write_text("# the previous import\n")
    result = runner.invoke(main, ["import", "ctgov", str(path), "-o", str(output)])
    assert result.exit_code == 2
    assert output.read_text() == "# the previous import\n"


# --- hypothesis: mutated registry records ---------------------------------------------------

#: The real records the properties mutate: all of shared/data/ctgov*/ where it is there.
_RECORDS = [json.loads(path.read_text()) for path in real_records(".json")]
_XMLS = [path.read_bytes() for path in real_records(".xml")]

odd_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False)
    | st.text(max_size=50)
    | st.sampled_from(["", "\x00", "NCT00000000", "PHASE2", "2020-13-45", "\u202e", "x" * 100_000]),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)


def _places(node: Any, found: list[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    """Every (container, key or index) in a JSON value."""
    items = (
        node.items()
        if isinstance(node, dict)
        else enumerate(node)
        if isinstance(node, list)
        else []
    )
    for key, child in items:
        found.append((node, key))
        _places(child, found)
    return found


def _mangle_bytes(draw: st.DrawFn, data: bytes) -> bytes:
    """Maybe cut the bytes short, re-encode them, or slip random bytes in."""
    raw = draw(st.sampled_from(["none", "truncate", "encoding", "bytes"]))
    if raw == "truncate":
        data = data[: draw(st.integers(0, len(data)))]
    elif raw == "encoding":
        data = data.decode().encode(
            draw(st.sampled_from(["utf-16", "utf-32", "latin-1"])), "replace"
        )
    elif raw == "bytes":
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(min_size=1, max_size=8)) + data[at:]
    return data


@st.composite
def mutated_json(draw: st.DrawFn) -> bytes:
    record = copy.deepcopy(draw(st.sampled_from(_RECORDS)))
    for _ in range(draw(st.integers(1, 4))):
        places = _places(record, [])
        if not places:
            break
        container, key = draw(st.sampled_from(places))
        action = draw(st.sampled_from(["drop", "retype", "duplicate", "nest", "nul"]))
        if action == "drop":
            del container[key]
        elif action == "retype":
            container[key] = draw(odd_values)
        elif action == "duplicate" and isinstance(container, list):
            container.append(copy.deepcopy(container[key]))
        elif action == "nest":
            value = container[key]
            for _ in range(draw(st.integers(1, 200))):
                value = {str(key): value}
            container[key] = value
        elif action == "nul" and isinstance(container[key], str):
            container[key] = container[key] + "\x00"
    return _mangle_bytes(draw, json.dumps(record).encode("utf-8"))


@st.composite
def mutated_xml(draw: st.DrawFn) -> bytes:
    data = draw(st.sampled_from(_XMLS))
    for _ in range(draw(st.integers(1, 3))):
        action = draw(
            st.sampled_from(["truncate", "insert", "delete", "duplicate", "entity", "nest"])
        )
        at = draw(st.integers(0, len(data)))
        if action == "truncate":
            data = data[:at]
        elif action == "insert":
            piece = draw(
                st.sampled_from(
                    [
                        b"<",
                        b">",
                        b"&",
                        b"&amp",
                        b"&#0;",
                        b"&#xD800;",
                        b"\x00",
                        b"]]>",
                        b"<!--",
                        b"<!DOCTYPE x [<!ENTITY e 'e'>]>",
                        b"<?pi?>",
                        b"\xff\xfe",
                        b"</clinical_study>",
                    ]
                )
                | st.binary(max_size=6)
            )
            data = data[:at] + piece + data[at:]
        elif action == "delete":
            data = data[:at] + data[at + draw(st.integers(1, 200)) :]
        elif action == "duplicate":
            data = data[:at] + data[at : at + draw(st.integers(1, 500))] * 2 + data[at + 500 :]
        elif action == "entity":
            data = data.replace(b"</brief_title>", b"&lt;&gt;&quot;&apos;&#x41;</brief_title>", 1)
        else:
            depth = draw(st.integers(1, 100))
            data = data.replace(b"<brief_title>", b"<a>" * depth + b"<brief_title>", 1).replace(
                b"</brief_title>", b"</brief_title>" + b"</a>" * depth, 1
            )
    return data


@FUZZ
@given(data=mutated_json())
def test_fuzzed_json_record(data: bytes) -> None:
    path = _WORK / "NCT00973089.json"
    path.write_bytes(data)
    import_cleanly_or_refuse(path)


@FUZZ
@given(data=mutated_xml())
def test_fuzzed_xml_record(data: bytes) -> None:
    path = _WORK / "NCT04414345.xml"
    path.write_bytes(data)
    import_cleanly_or_refuse(path)


@FUZZ
@given(
    data=st.sampled_from(
        [
            b"@prefix ex: <urn:x:> .\nex:s ex:p ex:o .\n",
            b'<urn:x:s> <urn:x:p> "v"@en .\n',
            b"<urn:x:s> <urn:x:p> (1 2 3) .\n",
        ]
    ),
    at=st.integers(0, 60),
    piece=st.binary(max_size=12)
    | st.sampled_from([b'"', b"<", b"[", b"(", b"@prefix", b"^^", b"\x00", b"\\u"]),
)
def test_fuzzed_turtle(data: bytes, at: int, piece: bytes) -> None:
    path = _WORK / "fuzzed.ttl"
    path.write_bytes(data[:at] + piece + data[at:])
    try:
        read_graph(path)
    except KgError as error:
        assert str(path) in str(error)


# --- hypothesis: stored-query parameters ------------------------------------------------------

_REGISTRY = default_registry()
_WITH_PARAMS = sorted(name for name, query in _REGISTRY.items() if query.params)
odd_text = st.text(max_size=40) | st.sampled_from(
    [
        '"',
        "'",
        "<urn:x>",
        "> } DROP ALL {",
        "\\",
        "\x00",
        "\u202e",
        "%00",
        "?x",
        "${x}",
        "2020-13-45",
        "-1",
        "1e999",
        "NaN",
        "x" * 10_000,
        "https://",
        "ALSummit\n",
        " ",
    ]
)


@FUZZ
@given(name=st.sampled_from(_WITH_PARAMS), value=odd_text, data=st.data())
def test_fuzzed_query_parameters(name: str, value: str, data: st.DataObject) -> None:
    query = _REGISTRY[name]
    params = {p.name: p.example or "x" for p in query.params if p.required}
    params[data.draw(st.sampled_from([p.name for p in query.params]))] = value
    try:
        result_rows(run_query(base(), query, params))
    except KgError:
        pass


# --- hypothesis: kg serve's query, Accept and path ----------------------------------------------


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[str, int]]:
    server = make_server(base(), port=0, time_limit=10)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    yield str(host), int(port)
    server.shutdown()
    server.server_close()


def ask(
    address: tuple[str, int],
    method: str,
    path: str,
    headers: dict[str, str],
    body: bytes | None = None,
) -> int:
    connection = http.client.HTTPConnection(*address, timeout=30)  # a hang fails
    try:
        connection.request(method, path, body=body, headers=headers)
        answer = connection.getresponse()
        answer.read()
        return answer.status
    finally:
        connection.close()


header_text = st.text(
    st.characters(min_codepoint=32, max_codepoint=126), max_size=60
) | st.sampled_from(
    ["*/*", "", "text/csv;q=abc", "application/sparql-results+json;q=2", ",,,", "a/b, c/d;q=0"]
)
query_text = odd_text | st.sampled_from(
    [
        "SELECT * WHERE { ?s ?p ?o } LIMIT 3",
        "ASK {}",
        "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 2",
        "DESCRIBE <urn:x>",
        "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
        "SELECT (1/0 AS ?x) {}",
        "SELECT * { ?s ?p ?o FILTER(REGEX(?o, '(((a*)*)*)*b')) } LIMIT 1",
        "LOAD <http://127.0.0.1:9/>",
    ]
)


@settings(FUZZ, max_examples=60)
@given(
    method=st.sampled_from(["GET", "POST"]),
    where=st.sampled_from(
        ["/sparql", "/queries/trial-results", "/queries/nothing", "/", "/static/x"]
    )
    | st.text(max_size=30).map(lambda t: "/" + quote(t, safe="/?&=%")),
    query=query_text,
    accept=header_text,
)
def test_fuzzed_server_requests(
    served: tuple[str, int], method: str, where: str, query: str, accept: str
) -> None:
    fields = urlencode({"query": query, "trial": query})
    headers = {"Accept": accept}
    if method == "GET":
        status = ask(served, "GET", f"{where}{'&' if '?' in where else '?'}{fields}", headers)
    else:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        status = ask(served, "POST", where, headers, fields.encode())
    assert status < 500 or status == 503, status  # 503: stopped by the time limit
    assert ask(served, "GET", "/sparql?query=ASK%7B%7D", {}) == 200  # still serving


@pytest.mark.parametrize(
    "headers",
    [
        {"Content-Type": "application/sparql-query", "Content-Length": "abc"},
        {"Content-Type": "application/sparql-query", "Content-Length": "-1"},
        {"Content-Type": "application/sparql-query; charset=klingon"},
        {"Content-Type": "multipart/form-data; boundary=x"},
        {"Content-Type": ""},
    ],
)
def test_odd_post_headers(served: tuple[str, int], headers: dict[str, str]) -> None:
    connection = http.client.HTTPConnection(*served, timeout=30)
    try:
        connection.putrequest("POST", "/sparql")
        for key, value in headers.items():
            connection.putheader(key, value)
        connection.endheaders(b"ASK {}")
        answer = connection.getresponse()
        answer.read()
        assert answer.status < 500, answer.status
    finally:
        connection.close()
    assert ask(served, "GET", "/sparql?query=ASK%7B%7D", {}) == 200
