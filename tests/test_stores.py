"""Store descriptors, loading into Oxigraph, and the same rows from every query on every store."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pytest
from rdflib import RDFS, Graph, Literal, URIRef

from kg.errors import InputError
from kg.graph.io import load_curated
from kg.graph.oxigraph import triple_count
from kg.graph.stores import StoreError, load_into_store, open_graph, read_store
from kg.query.registry import StoredQuery, default_registry
from kg.query.sparql import Row, result_rows, run_query
from kg.validation import validate

QUERIES = default_registry()
_CONCAT = re.compile(
    r'GROUP_CONCAT\s*\((?:[^;()]|\([^()]*\))*;\s*separator\s*=\s*"([^"]*)"\s*\)\s*AS\s+\?(\w+)',
    re.IGNORECASE,
)
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def example_parameters(query: StoredQuery, *, optional: bool) -> dict[str, str]:
    """Each parameter's example from the query's header (the optional ones too, if asked)."""
    return {
        p.name: p.example
        for p in query.params
        if p.example is not None and (p.required or optional)
    }


def cases() -> list[tuple[str, bool]]:
    """Every stored query without its optional parameters, and with them where it has some."""
    found = [(name, False) for name in QUERIES]
    found += [(name, True) for name, q in QUERIES.items() if any(not p.required for p in q.params)]
    return sorted(found)


def comparable(query: StoredQuery, rows: list[Row]) -> list[tuple[tuple[str, str], ...]]:
    """Rows as sorted tuples, ignoring what SPARQL leaves to the engine.

    GROUP_CONCAT's order is undefined, so concatenated values are compared as sorted parts; and
    Oxigraph keeps numbers by value, not lexical form ("49.0" comes back as "49"). rdflib
    answers a GROUP BY over no solution with one row of unbound values, Oxigraph with none.
    """
    separators = {column: sep for sep, column in _CONCAT.findall(query.text)}

    def cell(column: str, value: str | None) -> str:
        if value is None:
            return "\x00unbound"
        if separators.get(column):
            return separators[column].join(sorted(value.split(separators[column])))
        if _NUMBER.match(value):
            try:
                return str(Decimal(value).normalize())
            except InvalidOperation:
                return value
        return value

    return sorted(tuple(sorted((k, cell(k, v)) for k, v in row.items())) for row in rows)


@pytest.fixture(scope="module")
def memory() -> Graph:
    return read_store("memory")


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Graph:
    pytest.importorskip("pyoxigraph")
    pytest.importorskip("oxrdflib")
    return load_into_store(f"oxigraph:{tmp_path_factory.mktemp('ox') / 'store'}")


def test_oxigraph_store_holds_the_curated_graph(memory: Graph, oxigraph: Graph) -> None:
    assert len(oxigraph) == len(memory)


@pytest.mark.parametrize("engine", ["pyshacl", "oxigraph"])
def test_validation_on_oxigraph_matches_memory(memory: Graph, oxigraph: Graph, engine: str) -> None:
    """Oxigraph spells plain literals as xsd:string; validation must not see them as new values."""
    expected = validate(memory, engine=engine)  # type: ignore[arg-type]
    got = validate(oxigraph, engine=engine)  # type: ignore[arg-type]
    assert not got.fails() and not expected.fails()
    assert got.triples == expected.triples
    assert len(got.violations) == len(expected.violations)


@pytest.mark.parametrize(("name", "optional"), cases())
def test_every_stored_query_gives_the_same_rows(
    memory: Graph, oxigraph: Graph, name: str, optional: bool
) -> None:
    query = QUERIES[name]
    params = example_parameters(query, optional=optional)
    expected = result_rows(run_query(memory, query, params))
    got = result_rows(run_query(oxigraph, query, params))
    if not optional:
        assert expected, f"{name} with {params} gives no row; pick a better example"
    assert comparable(query, got) == comparable(query, expected)


def test_in_memory_oxigraph_reads_the_curated_graph() -> None:
    pytest.importorskip("oxrdflib")
    assert len(read_store("oxigraph-memory")) == len(load_curated())


def test_persistent_store_survives_reopening(tmp_path: Path) -> None:
    pytest.importorskip("oxrdflib")
    descriptor = f"oxigraph:{tmp_path / 'store'}"
    script = (
        "import sys; from kg.graph.stores import load_into_store; "
        "print(len(load_into_store(sys.argv[1])))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", script, descriptor], capture_output=True, text=True, check=True
    )
    assert len(read_store(descriptor)) == int(loaded.stdout) > 0


def load_in_subprocess(descriptor: str, *files: Path) -> None:
    """Run load_into_store in a new process, so that this one holds no lock on the store."""
    script = (
        "import sys; from kg.graph.stores import load_into_store; "
        "load_into_store(sys.argv[1], *sys.argv[2:], curated=False)"
    )
    subprocess.run([sys.executable, "-c", script, descriptor, *map(str, files)], check=True)


def test_load_replaces_old_content(tmp_path: Path) -> None:
    pytest.importorskip("oxrdflib")
    first = tmp_path / "first.ttl"
    first.write_text("<urn:x:a> <urn:x:b> <urn:x:c> .\n")
    second = tmp_path / "second.nt"
    second.write_text("<urn:x:d> <urn:x:e> <urn:x:f> .\n<urn:x:d> <urn:x:e> <urn:x:g> .\n")
    descriptor = f"oxigraph:{tmp_path / 'store'}"
    load_in_subprocess(descriptor, first)
    load_in_subprocess(descriptor, second)
    graph = read_store(descriptor)
    assert sorted(str(o) for o in graph.objects()) == ["urn:x:f", "urn:x:g"]


def test_bad_file_leaves_store_untouched(tmp_path: Path) -> None:
    pytest.importorskip("oxrdflib")
    good = tmp_path / "good.ttl"
    good.write_text("<urn:x:a> <urn:x:b> <urn:x:c> .\n")
    bad = tmp_path / "bad.ttl"
    bad.write_text("# comment\n<urn:x:a> <urn:x:b> .\n")
    path = tmp_path / "store"
    load_in_subprocess(f"oxigraph:{path}", good)
    with pytest.raises(InputError, match=r"bad\.ttl, line 2: Turtle syntax error"):
        load_into_store(f"oxigraph:{path}", good, bad, curated=False)
    assert len(read_store(f"oxigraph:{path}")) == 1


def test_bad_file_in_a_new_memory_store_is_named(tmp_path: Path) -> None:
    """A new in-memory store is loaded without a checking pass; errors still name the line."""
    bad = tmp_path / "bad.ttl"
    bad.write_text("# comment\n<urn:x:a> <urn:x:b> .\n")
    with pytest.raises(InputError, match=r"bad\.ttl, line 2: Turtle syntax error"):
        load_into_store("oxigraph-memory", bad, curated=False)


@pytest.mark.parametrize(
    ("descriptor", "message"),
    [
        ("tape:x", "unknown store 'tape:x'"),
        ("oxigraph-disk", "unknown store"),
        ("sparql:ftp://example.org/sparql", "is not an http(s) URL"),
        ("sparql:", "unknown store"),
    ],
)
def test_bad_descriptors(descriptor: str, message: str) -> None:
    with pytest.raises(Exception, match=re.escape(message)):
        open_graph(descriptor)


def test_missing_store_is_reported(tmp_path: Path) -> None:
    pytest.importorskip("oxrdflib")
    with pytest.raises(StoreError, match="no Oxigraph store here; fill one first with: kg load"):
        read_store(f"oxigraph:{tmp_path / 'nothing'}")


def test_file_instead_of_store_is_reported(tmp_path: Path) -> None:
    pytest.importorskip("oxrdflib")
    file = tmp_path / "file"
    file.write_text("x")
    with pytest.raises(StoreError, match="is a file, not the folder of an Oxigraph store"):
        open_graph(f"oxigraph:{file}")


def test_store_open_for_writing_is_in_use(tmp_path: Path) -> None:
    pytest.importorskip("oxrdflib")
    path = tmp_path / "store"
    load_into_store(f"oxigraph:{path}", curated=False)
    open_graph(f"oxigraph:{path}")  # this process now holds it open for writing
    script = f"from kg.graph.stores import open_graph; open_graph('oxigraph:{path}')"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert out.returncode != 0
    assert f"{path}: the Oxigraph store is in use" in out.stderr
    reader = f"from kg.graph.stores import read_store; print(len(read_store('oxigraph:{path}')))"
    read = subprocess.run([sys.executable, "-c", reader], capture_output=True, text=True)
    assert read.returncode == 0 and read.stdout.strip() == "0"  # readers need no lock


def test_no_load_under_a_writer(tmp_path: Path) -> None:
    """A load swaps a new store in, so it waits for no writer: it fails while one is open.

    Otherwise the writer's later writes would go to the old store, which the swap throws away.
    """
    pytest.importorskip("oxrdflib")
    path = tmp_path / "store"
    load_into_store(f"oxigraph:{path}", curated=False)
    writer = open_graph(f"oxigraph:{path}")
    writer.add((URIRef("https://example.org/s"), RDFS.label, Literal("kept")))
    load = subprocess.run(
        [sys.executable, "-m", "kg", "load", "--store", f"oxigraph:{path}"],
        capture_output=True,
        text=True,
    )
    assert load.returncode == 2
    assert f"{path}: the Oxigraph store is in use" in load.stderr
    with pytest.raises(StoreError, match="open for writing in this process"):
        load_into_store(f"oxigraph:{path}", curated=False)
    assert len(writer) == 1  # still the writer's store, its triple there
    assert not list(tmp_path.glob(".store.kg-new-*"))


def test_no_writer_during_a_load(tmp_path: Path) -> None:
    """A graph cannot be opened for writing on a store a load is about to swap away."""
    pytest.importorskip("oxrdflib")
    path = tmp_path / "store"
    descriptor = f"oxigraph:{path}"
    load_into_store(descriptor, curated=False)
    load = start_load(descriptor, big_ntriples(tmp_path / "big.nt", 300_000, "load"))
    wait_for_lock(path, load)
    with pytest.raises(StoreError, match="the Oxigraph store is in use: a kg load is filling it"):
        open_graph(descriptor)
    _, errors = load.communicate(timeout=300)
    assert load.returncode == 0, errors


def big_ntriples(path: Path, triples: int, tag: str) -> Path:
    with path.open("w") as out:
        for i in range(triples):
            out.write(f'<urn:{tag}:s{i}> <urn:x:p{i % 7}> "value {i}" .\n')
    return path


def locked(path: Path) -> bool:
    """Whether a load holds PATH's lock now (asked without keeping it)."""
    import fcntl
    import os

    lock_file = path.parent / f".{path.name}.kg-lock"
    if not lock_file.exists():
        return False
    handle = os.open(lock_file, os.O_RDWR)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(handle)
    return False


def start_load(descriptor: str, *files: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "kg", "load", "--store", descriptor, *map(str, files)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for_lock(path: Path, load: subprocess.Popen[str]) -> None:
    for _ in range(600):
        if locked(path):
            return
        assert load.poll() is None, load.communicate()
        time.sleep(0.05)
    raise AssertionError("the load never took the lock")


def test_two_writers_one_is_in_use(tmp_path: Path) -> None:
    pytest.importorskip("oxrdflib")
    path = tmp_path / "store"
    descriptor = f"oxigraph:{path}"
    first = start_load(descriptor, big_ntriples(tmp_path / "big.nt", 300_000, "first"))
    wait_for_lock(path, first)
    second = subprocess.run(
        [sys.executable, "-m", "kg", "load", "--store", descriptor],
        capture_output=True,
        text=True,
    )
    assert second.returncode == 2
    assert second.stderr == (
        f"Error: {path}: the Oxigraph store is in use: a kg load is filling it, or another "
        "process has it open for writing (open_graph); try again when it has finished\n"
    )
    _, errors = first.communicate(timeout=300)
    assert first.returncode == 0, errors
    assert triple_count(read_store(descriptor)) > 300_000  # the curated graph and the file
    assert not list(tmp_path.glob(".store.kg-new-*"))  # nothing half-made left beside it


READER = """
import sys
from kg.graph.stores import read_store
from kg.graph.oxigraph import triple_count
graph = read_store(sys.argv[1])
print(triple_count(graph), flush=True)
sys.stdin.readline()
print(triple_count(graph), flush=True)
"""


def test_reader_during_a_load_sees_the_old_or_the_new_graph(tmp_path: Path) -> None:
    pytest.importorskip("oxrdflib")
    path = tmp_path / "store"
    descriptor = f"oxigraph:{path}"
    old = tmp_path / "old.nt"
    old.write_text("<urn:x:a> <urn:x:b> <urn:x:c> .\n")
    load_in_subprocess(descriptor, old)
    early = subprocess.Popen(
        [sys.executable, "-c", READER, descriptor],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert early.stdout is not None and early.stdin is not None
    assert early.stdout.readline().strip() == "1"
    new = big_ntriples(tmp_path / "new.nt", 300_000, "new")
    load = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from kg.graph.stores import load_into_store; "
            "load_into_store(sys.argv[1], sys.argv[2], curated=False, progress=False)",
            descriptor,
            str(new),
        ],
    )
    wait_for_lock(path, load)
    seen = set()
    while not seen or load.poll() is None:  # readers that open while the load runs
        script = "import sys; from kg.graph.stores import read_store; "
        script += "from kg.graph.oxigraph import triple_count; "
        script += "print(triple_count(read_store(sys.argv[1])))"
        out = subprocess.run(
            [sys.executable, "-c", script, descriptor], capture_output=True, text=True
        )
        assert out.returncode == 0, out.stderr
        seen.add(int(out.stdout))
    assert load.wait() == 0
    assert seen <= {1, 300_000}, seen  # never a part of the new graph, never an error
    assert triple_count(read_store(descriptor)) == 300_000
    answer, _ = early.communicate("go\n", timeout=60)
    assert answer.strip() == "1"  # opened before the swap: still the whole old graph


def test_unreadable_store_is_reported(tmp_path: Path) -> None:
    pytest.importorskip("oxrdflib")
    path = tmp_path / "store"
    path.mkdir()
    (path / "CURRENT").write_text("MANIFEST-nonsense\n")
    with pytest.raises(StoreError, match=f"{re.escape(str(path))}: cannot open the Oxigraph store"):
        read_store(f"oxigraph:{path}")


def test_cli_load_then_read_with_store(tmp_path: Path, runner: Any) -> None:
    pytest.importorskip("oxrdflib")
    from kg.cli import main

    store = f"oxigraph:{tmp_path / 'store'}"
    loaded = runner.invoke(main, ["load", "--store", store])
    assert loaded.exit_code == 0, loaded.output
    assert f"triples into {store}." in loaded.output
    query = ["query", "trial-results", "-p", "trial=ALSummit", "--format", "json"]
    got = runner.invoke(main, [*query, "--store", store])
    expected = runner.invoke(main, query)
    assert got.exit_code == 0, got.output
    # Typed JSON (numbers by value, lists sorted) is the same on both stores, row for row.
    assert json.loads(got.output) == json.loads(expected.output)
    stats = runner.invoke(main, ["stats", "--store", store, "--format", "json"])
    assert stats.exit_code == 0, stats.output
    missing = runner.invoke(main, ["stats", "--store", f"oxigraph:{tmp_path / 'none'}"])
    assert missing.exit_code == 2
    assert "no Oxigraph store here; fill one first with: kg load" in missing.output


def test_ntriples_load_in_slices(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """N-Triples files go into a persistent store in slices of lines; every triple arrives."""
    pytest.importorskip("oxrdflib")
    import kg.graph.stores

    monkeypatch.setattr(kg.graph.stores, "_BULK_LINES", 2)
    data = tmp_path / "five.nt"
    data.write_text("".join(f'<urn:s{i}> <urn:p> "{i}" .\n' for i in range(5)))
    graph = load_into_store(f"oxigraph:{tmp_path / 'store'}", data, curated=False, progress=False)
    assert len(graph) == 5


def test_killed_load_leaves_the_old_store_whole(tmp_path: Path) -> None:
    pytest.importorskip("oxrdflib")
    path = tmp_path / "store"
    descriptor = f"oxigraph:{path}"
    old = tmp_path / "old.nt"
    old.write_text("<urn:x:a> <urn:x:b> <urn:x:c> .\n")
    load_in_subprocess(descriptor, old)
    load = start_load(descriptor, big_ntriples(tmp_path / "big.nt", 200_000, "big"))
    wait_for_lock(path, load)
    time.sleep(0.5)
    load.kill()
    load.communicate(timeout=60)
    assert triple_count(read_store(descriptor)) == 1
    load_in_subprocess(descriptor, old)  # the next load clears what the killed one left
    assert triple_count(read_store(descriptor)) == 1
    assert not list(tmp_path.glob(".store.kg-new-*"))
