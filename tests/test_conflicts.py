"""Conflicting claims."""

from __future__ import annotations

from rdflib import Graph

from kg.analysis.conflicts import conflicting_claims
from kg.graph.io import load_curated
from kg.namespaces import KGR


def test_bla_expected_date_conflict() -> None:
    conflicts = conflicting_claims(load_curated())
    bla = [c for c in conflicts if c["subject"] == str(KGR["event-lenzumestrocel-fda-bla"])]
    assert len(bla) == 1
    assert {bla[0]["value1"], bla[0]["value2"]} == {"2025", "2026"}
    assert {bla[0]["accepted1"], bla[0]["accepted2"]} == {"true", "false"}


def test_healey_regimen_d_start_conflict() -> None:
    """The registry's start day and the paper's month for regimen D are both kept, each sourced."""
    conflicts = conflicting_claims(load_curated())
    start = [c for c in conflicts if c["subject"] == str(KGR["NCT04615923"])]
    assert len(start) == 1
    assert {start[0]["value1"], start[0]["value2"]} == {"2020-12-18", "2021-01"}
    assert "https://clinicaltrials.gov/study/NCT04615923" in [
        *start[0]["sources1"],
        *start[0]["sources2"],
    ]


def test_same_value_is_no_conflict() -> None:
    graph = Graph().parse(
        data="""@prefix kgo: <https://w3id.org/als-kg/ontology#> .
        @prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
        <urn:c1> a kgo:Claim ; rdf:subject <urn:s> ; rdf:predicate <urn:p> ; rdf:object "1" .
        <urn:c2> a kgo:Claim ; rdf:subject <urn:s> ; rdf:predicate <urn:p> ; rdf:object "1" .""",
        format="turtle",
    )
    assert conflicting_claims(graph) == []


def test_claims_of_one_value_are_one_side_with_all_their_sources() -> None:
    graph = Graph().parse(
        data="""@prefix kgo: <https://w3id.org/als-kg/ontology#> .
        @prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
        @prefix prov: <http://www.w3.org/ns/prov#> .
        <urn:c1> a kgo:Claim ; rdf:subject <urn:trial> ; rdf:predicate <urn:ex#sites> ;
            rdf:object 25 ; prov:wasDerivedFrom <urn:s1> .
        <urn:c2> a kgo:Claim ; rdf:subject <urn:trial> ; rdf:predicate <urn:ex#sites> ;
            rdf:object 25 ; prov:wasDerivedFrom <urn:s2> .
        <urn:c3> a kgo:Claim ; rdf:subject <urn:trial> ; rdf:predicate <urn:ex#sites> ;
            rdf:object 26 ; prov:wasDerivedFrom <urn:s3> .
        <urn:s1> kgo:url "https://a.example/" .
        <urn:s2> kgo:url "https://b.example/" .
        <urn:s3> kgo:url "https://c.example/" .""",
        format="turtle",
    )
    [conflict] = conflicting_claims(graph)
    assert conflict["property"] == "sites"  # no label: the local name
    assert (conflict["value1"], conflict["value2"]) == ("25", "26")
    assert conflict["sources1"] == ["https://a.example/", "https://b.example/"]
    assert conflict["sources2"] == ["https://c.example/"]
