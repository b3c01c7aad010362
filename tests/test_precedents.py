"""The precedent network."""

from __future__ import annotations

import pytest
from rdflib import Graph

from kg.analysis.precedents import precedent_network, precedent_rows
from kg.graph.io import load_curated
from kg.namespaces import KGR

BLA = str(KGR["event-lenzumestrocel-fda-bla"])
APPROVAL = str(KGR["event-tofersen-fda-accelerated-approval"])


@pytest.fixture(scope="module")
def curated() -> Graph:
    return load_curated()


def test_planned_bla_cites_tofersen_approval(curated: Graph) -> None:
    network = precedent_network(curated)
    assert network.has_edge(BLA, APPROVAL)
    assert network.nodes[BLA]["status"] == "planned"
    assert network.nodes[APPROVAL]["therapy"] == "tofersen"
    assert network.nodes[APPROVAL]["date"] == "2023-04-25"
    assert network.in_degree(APPROVAL) >= 1


def test_rows_list_each_citation(curated: Graph) -> None:
    rows = precedent_rows(curated)
    row = next(row for row in rows if row["citing"] == BLA)
    assert row["precedent"] == APPROVAL
    assert row["citingStatus"] == "planned"
    assert row["citingTherapy"] == "lenzumestrocel"


def test_empty_graph_has_no_precedents() -> None:
    assert precedent_network(Graph()).number_of_nodes() == 0
    assert precedent_rows(Graph()) == []
