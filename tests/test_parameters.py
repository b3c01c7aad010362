"""Names typed by users resolve to the same node on rdflib's store and on Oxigraph."""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef

from kg.query.parameters import AmbiguousParameterError, ParameterError, resolve

DATA = """
@prefix kgo: <https://w3id.org/als-kg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<urn:trial:a> a kgo:ClinicalTrial ; kgo:acronym "ALSummit" ; kgo:nctId "NCT04745299" .
<urn:site:b> rdfs:label "Straße" .
<urn:drug:c> rdfs:label "Twin" .
<urn:drug:d> rdfs:label "TWIN" .
_:blank rdfs:label "Hidden" .
"""


@pytest.fixture
def graph(empty_graph: Graph) -> Graph:
    """The names above, on rdflib's store and on Oxigraph."""
    empty_graph += Graph().parse(data=DATA, format="turtle")
    return empty_graph


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("alsummit", "urn:trial:a"),
        ("  NCT04745299 ", "urn:trial:a"),
        ("STRASSE", "urn:site:b"),  # casefold, not lower case: "ß" folds to "ss"
        ("straße", "urn:site:b"),
    ],
)
def test_names_resolve_without_regard_to_case(graph: Graph, typed: str, expected: str) -> None:
    assert resolve(graph, typed) == URIRef(expected)


def test_two_matches_are_ambiguous(graph: Graph) -> None:
    with pytest.raises(AmbiguousParameterError, match="'twin' matches 2 nodes"):
        resolve(graph, "twin")


@pytest.mark.parametrize("typed", ["Hidden", 'x" ) } UNION { ?s ?p ?o', "nothing"])
def test_blank_nodes_and_odd_values_match_nothing(graph: Graph, typed: str) -> None:
    with pytest.raises(ParameterError, match="no node matches"):
        resolve(graph, typed)


def test_class_narrows_the_match(graph: Graph) -> None:
    with pytest.raises(ParameterError, match=r"no .* matches 'Straße'"):
        resolve(graph, "Straße", resource_class="kgo:ClinicalTrial")
