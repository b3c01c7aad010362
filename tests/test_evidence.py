"""Evidence chains: from regulatory events back to trials, results and sources."""

from __future__ import annotations

import networkx as nx
import pytest
from rdflib import Graph

from kg.analysis.evidence import events_of, evidence_chain, evidence_graph
from kg.graph.io import load_curated
from kg.namespaces import KGR
from kg.query.parameters import ParameterError

APPROVAL = str(KGR["event-tofersen-fda-accelerated-approval"])


@pytest.fixture(scope="module")
def curated() -> Graph:
    return load_curated()


def test_tofersen_approval_reaches_valor_nfl_result_and_its_source(curated: Graph) -> None:
    rows = evidence_chain(curated, "kgr:event-tofersen-fda-accelerated-approval")
    links = {(row["from"], row["relation"], row["to"]) for row in rows}
    nfl = str(KGR["NCT02623699-res-nfl"])
    assert (APPROVAL, "rests on", nfl) in links
    assert (nfl, "result of", str(KGR["NCT02623699"])) in links
    assert (nfl, "derived from", str(KGR["src-nejm-2022-valor-summary"])) in links
    assert (APPROVAL, "derived from", str(KGR["src-biogen-pr-2023-04-25"])) in links
    assert {row["event"] for row in rows} == {APPROVAL}


def test_source_rows_carry_the_address(curated: Graph) -> None:
    rows = evidence_chain(curated, APPROVAL)
    urls = {row["url"] for row in rows if row["relation"] == "derived from"}
    nejm = "https://doi.org/10.1056/NEJMoa2204705"
    assert nejm in urls
    assert all(row["url"] is None for row in rows if row["relation"] != "derived from")


@pytest.mark.parametrize("name", ["tofersen", "Qalsody", "BIIB067", str(KGR["tofersen"])])
def test_a_therapy_gives_all_its_events(curated: Graph, name: str) -> None:
    events = {str(event) for event in events_of(curated, name)}
    assert APPROVAL in events
    assert str(KGR["event-tofersen-ema-exceptional"]) in events


def test_planned_bla_cites_the_tofersen_precedent(curated: Graph) -> None:
    rows = evidence_chain(curated, "Neuronata-R")
    assert any(
        row["event"] == str(KGR["event-lenzumestrocel-fda-bla"])
        and row["relation"] == "cites precedent"
        and row["to"] == APPROVAL
        for row in rows
    )


def test_evidence_graph_connects_event_to_source(curated: Graph) -> None:
    chain = evidence_graph(curated, "tofersen")
    assert nx.has_path(chain, APPROVAL, str(KGR["src-nejm-2022-valor-summary"]))
    assert chain.nodes[APPROVAL]["kind"] == "RegulatoryEvent"
    assert chain.nodes[APPROVAL]["status"] == "occurred"


def test_something_else_is_refused(curated: Graph) -> None:
    with pytest.raises(ParameterError):
        evidence_chain(curated, "VALOR")
    with pytest.raises(ParameterError):
        evidence_chain(curated, "no such therapy")
