"""Shortest paths between entities."""

from __future__ import annotations

import pytest
from rdflib import Graph

from kg.analysis.paths import NoPathError, shortest_path
from kg.graph.io import load_curated
from kg.namespaces import KGR
from kg.query.parameters import ParameterError


@pytest.fixture(scope="module")
def curated() -> Graph:
    return load_curated()


def test_trial_to_its_therapy_is_one_link(curated: Graph) -> None:
    rows = shortest_path(curated, "NCT02623699", "tofersen")
    assert [row["node"] for row in rows] == [str(KGR["NCT02623699"]), str(KGR["tofersen"])]
    assert rows[1]["relation"] == "kgo:tests" and rows[1]["direction"] == "->"


def test_backwards_links_are_followed(curated: Graph) -> None:
    rows = shortest_path(curated, "tofersen", "VALOR")
    assert rows[-1]["direction"] == "<-"


def test_bla_reaches_tofersen_approval_through_its_precedent(curated: Graph) -> None:
    rows = shortest_path(
        curated, "kgr:event-lenzumestrocel-fda-bla", "kgr:event-tofersen-fda-accelerated-approval"
    )
    assert len(rows) == 2
    assert rows[1]["relation"] == "kgo:citesPrecedent"


def test_same_node_is_a_path_of_one(curated: Graph) -> None:
    assert len(shortest_path(curated, "ALSummit", "NCT04745299")) == 1


def test_unknown_and_unconnected(curated: Graph) -> None:
    with pytest.raises(ParameterError):
        shortest_path(curated, "no such thing", "tofersen")
    lonely = Graph().parse(
        data="""@prefix kgo: <https://w3id.org/als-kg/ontology#> .
        <urn:a> a kgo:Therapy ; kgo:genericName "a" .
        <urn:b> a kgo:Therapy ; kgo:genericName "b" .""",
        format="turtle",
    )
    with pytest.raises(NoPathError):
        shortest_path(lonely, "a", "b")
