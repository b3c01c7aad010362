"""Reading RDF files: good files, and bad input that must fail with a clear message."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, URIRef

import kg
from kg import InputError, load, read_graph
from tests.bad_inputs import BAD_CASES, bad_file

EX = "http://example.org/als-kg-test/"


@pytest.mark.parametrize("case", BAD_CASES)
def test_bad_input(fixtures: Path, tmp_path: Path, case: str) -> None:
    """Every kind of bad file raises InputError naming the file, the line and the problem."""
    path, line, detail = bad_file(fixtures, tmp_path, case)
    with pytest.raises(InputError) as caught:
        read_graph(path)
    error = caught.value
    assert error.path == str(path)
    assert error.line == line
    assert detail in error.detail
    where = f"{path}, line {line}" if line else str(path)
    assert str(error).startswith(f"{where}: ")


def test_failed_parse_leaves_graph_untouched(fixtures: Path) -> None:
    target = Graph()
    target.add((URIRef(EX + "a"), URIRef(EX + "b"), Literal("c")))
    with pytest.raises(InputError):
        load(fixtures / "assets" / "data", fixtures / "bad" / "missing_dot.ttl", into=target)
    assert len(target) == 1


def test_running_out_of_memory_is_not_called_a_syntax_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "big.nt"
    path.write_text(f"<{EX}a> <{EX}b> <{EX}c> .\n", encoding="utf-8")

    def out_of_memory(*args: object, **kwargs: object) -> None:
        raise MemoryError

    monkeypatch.setattr(Graph, "parse", out_of_memory)
    with pytest.raises(MemoryError):
        read_graph(path)


def test_read_into(fixtures: Path) -> None:
    target = Graph()
    result = read_graph(fixtures / "warnings_only.ttl", into=target)
    assert result is target
    assert (URIRef(EX + "masitinib"), None, None) in target


@pytest.mark.parametrize(
    ("suffix", "text"),
    [
        (".nt", f"<{EX}a> <{EX}b> <{EX}c> .\n"),
        (".nq", f"<{EX}a> <{EX}b> <{EX}c> <{EX}g> .\n"),
        (".trig", f"<{EX}g> {{ <{EX}a> <{EX}b> <{EX}c> . }}\n"),
        (".jsonld", f'{{"@id": "{EX}a", "{EX}b": {{"@id": "{EX}c"}}}}'),
        (
            ".rdf",
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
            f'xmlns:ex="{EX}"><rdf:Description rdf:about="{EX}a">'
            f'<ex:b rdf:resource="{EX}c"/></rdf:Description></rdf:RDF>',
        ),
    ],
)
def test_formats(tmp_path: Path, suffix: str, text: str) -> None:
    """Each supported suffix is parsed, and named graphs are merged into one graph."""
    path = tmp_path / f"one{suffix}"
    path.write_text(text)
    graph = read_graph(path)
    assert set(graph) == {(URIRef(EX + "a"), URIRef(EX + "b"), URIRef(EX + "c"))}


def test_load_mixes_sources(fixtures: Path) -> None:
    extra = Graph()
    extra.add((URIRef(EX + "x"), URIRef(EX + "y"), Literal("z")))
    graph = load(fixtures / "assets", extra, fixtures / "warnings_only.ttl")
    assert (URIRef(EX + "riluzole"), None, None) in graph  # from a sub-folder
    assert (URIRef(EX + "SmallMolecule"), None, None) in graph
    assert (URIRef(EX + "x"), None, None) in graph
    assert (URIRef(EX + "masitinib"), None, None) in graph
    assert len(extra) == 1


def test_folder_is_not_a_file(tmp_path: Path) -> None:
    folder = tmp_path / "folder.ttl"
    folder.mkdir()
    with pytest.raises(InputError, match="is a folder, not a file"):
        read_graph(folder)


def test_load_flattens_a_dataset() -> None:
    dataset = Dataset()
    dataset.graph(URIRef(EX + "g")).add((URIRef(EX + "a"), URIRef(EX + "b"), Literal("c")))
    dataset.add((URIRef(EX + "d"), URIRef(EX + "e"), Literal("f")))
    graph = load(dataset)
    assert type(graph) is Graph
    assert len(graph) == 2


def test_load_empty_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="folder holds no"):
        load(tmp_path)


def test_prefixes_bound(fixtures: Path) -> None:
    graph = read_graph(fixtures / "warnings_only.ttl")
    prefixes = dict(graph.namespaces())
    assert prefixes["kgo"] == URIRef(str(kg.KGO))
    assert prefixes["kgr"] == URIRef(str(kg.KGR))
    assert prefixes["ex"] == URIRef(EX)  # the file's own prefix is kept


def test_load_curated_with_stand_in_assets(tiny_assets: Path) -> None:
    with_ontology = kg.load_curated()
    data_only = kg.load_curated(ontology=False)
    assert (URIRef(EX + "SmallMolecule"), None, None) in with_ontology
    assert (URIRef(EX + "SmallMolecule"), None, None) not in data_only
    assert 0 < len(data_only) < len(with_ontology)


@pytest.mark.parametrize("store", ["oxigraph-memory", "memory"])
@pytest.mark.parametrize("case", BAD_CASES)
def test_load_names_file_and_line_on_both_stores(
    fixtures: Path, tmp_path: Path, case: str, store: str
) -> None:
    """kg.load bulk-loads through Oxigraph by default; a bad file still gets rdflib's message."""
    path, line, detail = bad_file(fixtures, tmp_path, case)
    target = Graph()
    with pytest.raises(InputError) as caught:
        load(path, into=target if store == "memory" else None, store=store)
    assert caught.value.path == str(path)
    assert caught.value.line == line
    assert detail in caught.value.detail
    assert len(target) == 0


@pytest.mark.parametrize("store", ["oxigraph-memory", "memory"])
def test_load_binds_the_files_prefixes_on_both_stores(fixtures: Path, store: str) -> None:
    graph = load(fixtures / "warnings_only.ttl", store=store)
    assert dict(graph.namespaces())["ex"] == URIRef(EX)
    assert type(graph.store).__name__ == ("Memory" if store == "memory" else "KgOxigraphStore")
