"""Exports load back as the same graph; writing never leaves a half-written file."""

from __future__ import annotations

import os
from pathlib import Path

import networkx as nx
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

import kg
from kg.errors import KgError
from kg.graph.export import serialize, write_graph

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "query-fixture.ttl"


@pytest.fixture(scope="module")
def graph() -> Graph:
    """The ontology plus a small fixture graph."""
    return kg.load(*kg.ontology_files(), FIXTURE)


FORMATS = [("turtle", "ttl"), ("json-ld", "jsonld"), ("nt", "nt")]


@pytest.mark.parametrize(("fmt", "suffix"), FORMATS)
def test_round_trip_is_isomorphic(graph: Graph, tmp_path: Path, fmt: str, suffix: str) -> None:
    """Exporting in each RDF format and reading the file back gives the same graph."""
    path = write_graph(graph, tmp_path / f"out.{suffix}", fmt)  # type: ignore[arg-type]
    assert isomorphic(kg.read_graph(path), graph)


def test_jsonld_keys_read_as_words(graph: Graph) -> None:
    """The JSON-LD context turns kgo properties into plain keys."""
    text = serialize(graph, "json-ld")
    assert '"nctId": "NCT00000001"' in text


def test_graphml_opens_in_networkx(graph: Graph, tmp_path: Path) -> None:
    """GraphML export is readable by networkx (as by Gephi and Cytoscape)."""
    path = write_graph(graph, tmp_path / "out.graphml", "graphml")
    assert nx.read_graphml(path).number_of_nodes() > 0


def test_failed_write_leaves_nothing(graph: Graph, tmp_path: Path) -> None:
    """Writing into a missing folder fails cleanly and leaves no file behind."""
    target = tmp_path / "missing" / "out.ttl"
    with pytest.raises(KgError, match="does not exist"):
        write_graph(graph, target)
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []


def test_written_file_is_not_private(graph: Graph, tmp_path: Path) -> None:
    """An exported file gets the usual permissions, not the temporary file's 0600."""
    path = write_graph(graph, tmp_path / "out.nt", "nt")
    assert path.stat().st_mode & 0o044 == 0o044 & ~_UMASK


_UMASK = os.umask(0)
os.umask(_UMASK)


@pytest.mark.parametrize(("fmt", "suffix"), [("turtle", "ttl"), ("nt", "nt")])
def test_oxigraph_writes_the_same_graph(
    graph: Graph, tmp_path: Path, fmt: str, suffix: str
) -> None:
    """On an Oxigraph store, Oxigraph's own writer gives the graph rdflib's would give."""
    pytest.importorskip("pyoxigraph")
    pytest.importorskip("oxrdflib")
    from kg.graph.stores import open_graph

    on_oxigraph = open_graph("oxigraph-memory")
    on_oxigraph += graph
    path = write_graph(on_oxigraph, tmp_path / f"out.{suffix}", fmt)  # type: ignore[arg-type]
    assert isomorphic(kg.read_graph(path), graph)
    text = serialize(on_oxigraph, fmt)  # type: ignore[arg-type]
    assert isomorphic(Graph().parse(data=text, format=fmt), graph)
    if fmt == "turtle":
        assert "@prefix kgo: <https://w3id.org/als-kg/ontology#>" in path.read_text()


@pytest.mark.parametrize("store", ["memory", "oxigraph-memory"])
@pytest.mark.parametrize("fmt", ["turtle", "nt", "json-ld"])
def test_export_holds_the_dataset_description(store: str, fmt: str) -> None:
    """The exported graph holds a void:Dataset and dcat:Dataset with licence and dates."""
    if store != "memory":
        pytest.importorskip("oxrdflib")
    from rdflib import DCAT, DCTERMS, RDF, VOID, URIRef

    from kg.graph.export import serialize
    from kg.graph.stores import read_store
    from kg.publish.dataset import DATASET, describe_dataset
    from kg.release import DATA_RELEASED, VERSION

    graph = read_store(store)
    text = serialize(graph, fmt, extra=describe_dataset(graph))
    back = Graph().parse(data=text, format={"turtle": "turtle", "nt": "nt"}.get(fmt, "json-ld"))
    assert (DATASET, RDF.type, VOID.Dataset) in back and (DATASET, RDF.type, DCAT.Dataset) in back
    assert back.value(DATASET, DCTERMS.license) == URIRef(
        "https://creativecommons.org/licenses/by/4.0/"
    )
    assert str(back.value(DATASET, DCTERMS.issued)) == DATA_RELEASED
    assert back.value(DATASET, DCTERMS.modified) is not None
    assert str(back.value(DATASET, URIRef(f"{DCAT}version"))) == VERSION
    assert int(back.value(DATASET, VOID.triples)) == len(graph)
    assert len(back) == len(graph) + len(describe_dataset(graph))
