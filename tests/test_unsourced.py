"""Trials and results with no source or only company sources."""

from __future__ import annotations

import pytest
from rdflib import Graph

from kg.analysis.unsourced import unsourced
from kg.graph.io import load_curated
from kg.namespaces import KGR

TTL = """@prefix kgo: <https://w3id.org/als-kg/ontology#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
kgo:ClinicalTrial rdfs:subClassOf kgo:ClinicalStudy .
kgo:PressRelease skos:broader kgo:CompanyMaterial .
<urn:pr> kgo:sourceKind kgo:PressRelease .
<urn:paper> kgo:sourceKind kgo:PeerReviewedPaper .
<urn:t1> a kgo:ClinicalTrial .
<urn:t2> a kgo:ClinicalTrial ; prov:wasDerivedFrom <urn:pr> .
<urn:r1> a kgo:Result ; kgo:resultOf <urn:t2> ; prov:wasDerivedFrom <urn:pr>, <urn:paper> .
"""


@pytest.fixture(scope="module")
def curated() -> Graph:
    return load_curated()


def test_curated_lists_only_company_sourced_entities(curated: Graph) -> None:
    rows = unsourced(curated)
    assert all(row["problem"] == "company sources only" for row in rows)
    entities = {row["entity"] for row in rows}
    assert str(KGR["NCT04745299-res-slow-alsfrsr"]) in entities
    assert str(KGR["NCT02623699-res-nfl"]) not in entities
    assert str(KGR["NCT04745299"]) not in entities


def test_no_source_and_company_only_are_told_apart() -> None:
    rows = {row["entity"]: row for row in unsourced(Graph().parse(data=TTL, format="turtle"))}
    assert rows["urn:t1"]["problem"] == "no source"
    assert rows["urn:t2"]["problem"] == "company sources only"
    assert rows["urn:t2"]["sources"] == "urn:pr"
    assert "urn:r1" not in rows
