"""Conflicting claims."""

from __future__ import annotations

from rdflib import Graph

from kg.conflicts import conflicting_claims
from kg.io import load_curated
from kg.namespaces import KGR


def test_bla_expected_date_conflict() -> None:
    conflicts = conflicting_claims(load_curated())
    bla = [c for c in conflicts if c["subject"] == str(KGR["event-lenzumestrocel-fda-bla"])]
    assert len(bla) == 1
    assert {bla[0]["value1"], bla[0]["value2"]} == {"2025", "2026"}
    assert {bla[0]["accepted1"], bla[0]["accepted2"]} == {"true", "false"}


def test_same_value_is_no_conflict() -> None:
    graph = Graph().parse(
        data="""@prefix kgo: <https://w3id.org/als-kg/ontology#> .
        @prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
        <urn:c1> a kgo:Claim ; rdf:subject <urn:s> ; rdf:predicate <urn:p> ; rdf:object "1" .
        <urn:c2> a kgo:Claim ; rdf:subject <urn:s> ; rdf:predicate <urn:p> ; rdf:object "1" .""",
        format="turtle",
    )
    assert conflicting_claims(graph) == []
