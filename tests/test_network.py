"""The networkx view of the graph and its GraphML export."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest
from rdflib import Graph

from kg.graph.io import load_curated
from kg.graph.network import entity_nodes, to_networkx, write_graphml
from kg.namespaces import KGO, KGR


@pytest.fixture(scope="module")
def curated() -> Graph:
    return load_curated()


@pytest.fixture(scope="module")
def network(curated: Graph) -> nx.MultiDiGraph[str]:
    return to_networkx(curated)


def test_main_entities_are_nodes_with_labels_and_kinds(network: nx.MultiDiGraph[str]) -> None:
    expected = {
        "tofersen": "Therapy",
        "NCT02623699": "ClinicalTrial",
        "NCT02623699-res-nfl": "Result",
        "event-tofersen-fda-accelerated-approval": "RegulatoryEvent",
        "src-nejm-2022-valor-summary": "Source",
    }
    for name, kind in expected.items():
        data = network.nodes[str(KGR[name])]
        assert data["kind"] == kind
        assert data["label"]


def test_concepts_and_ontology_terms_are_attributes_not_nodes(
    curated: Graph, network: nx.MultiDiGraph[str]
) -> None:
    assert str(KGO.Phase3) not in network
    assert str(KGO.Therapy) not in network
    assert KGO.Planned not in entity_nodes(curated)
    bla = network.nodes[str(KGR["event-lenzumestrocel-fda-bla"])]
    assert bla["eventStatus"] == "planned"
    assert bla["expectedDate"] == "2026"
    source = network.nodes[str(KGR["src-nejm-2022-valor-summary"])]
    assert source["url"].startswith("https://")


def test_links_are_edges_keyed_by_property(network: nx.MultiDiGraph[str]) -> None:
    approval = str(KGR["event-tofersen-fda-accelerated-approval"])
    nfl = str(KGR["NCT02623699-res-nfl"])
    edge = network.edges[approval, nfl, "kgo:restsOn"]
    assert edge == {"predicate": "kgo:restsOn", "label": "rests on"}


def test_every_attribute_is_a_string(network: nx.MultiDiGraph[str]) -> None:
    for _, data in network.nodes(data=True):
        assert all(isinstance(value, str) for value in data.values())
    for *_, data in network.edges(keys=True, data=True):
        assert all(isinstance(value, str) for value in data.values())


def test_graphml_round_trip(tmp_path: Path, curated: Graph, network: nx.MultiDiGraph[str]) -> None:
    path = write_graphml(curated, tmp_path / "als-kg.graphml")
    back = nx.read_graphml(path)
    assert back.number_of_nodes() == network.number_of_nodes()
    assert back.number_of_edges() == network.number_of_edges()
    assert back.nodes[str(KGR["tofersen"])]["label"] == "tofersen"
    assert not list(tmp_path.glob(".*"))  # no temporary file left behind


def test_write_graphml_makes_other_values_scalar(tmp_path: Path) -> None:
    network: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    network.add_node("a", tags=["x", "y"], empty=None, count=3)
    back = nx.read_graphml(write_graphml(network, tmp_path / "g.graphml"))
    assert back.nodes["a"] == {"tags": "x; y", "count": 3}
