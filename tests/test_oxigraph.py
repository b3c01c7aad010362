"""The bridge to pyoxigraph: stores under rdflib graphs, and terms converted to rdflib."""

from __future__ import annotations

import pytest
from rdflib import XSD, BNode, Graph, Literal, URIRef

from kg.oxigraph import TermConverter, graph_name, oxigraph_store, to_rdflib
from kg.stores import open_graph

ox = pytest.importorskip("pyoxigraph")
pytest.importorskip("oxrdflib")


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        (ox.NamedNode("urn:a"), URIRef("urn:a")),
        (ox.BlankNode("b1"), BNode("b1")),
        (ox.Literal("plain"), Literal("plain")),
        (ox.Literal("typed", datatype=ox.NamedNode(str(XSD.string))), Literal("typed")),
        (ox.Literal("Riluzol", language="de"), Literal("Riluzol", lang="de")),
        (ox.Literal("2025-03", datatype=ox.NamedNode(str(XSD.gYearMonth))),
         Literal("2025-03", datatype=XSD.gYearMonth)),
        (ox.Literal("0.001", datatype=ox.NamedNode(str(XSD.decimal))),
         Literal("0.001", datatype=XSD.decimal)),
    ],
)
def test_terms_convert_as_turtle_would_give_them(term: object, expected: object) -> None:
    converted = to_rdflib(term)
    assert converted == expected
    assert type(converted) is type(expected)


def test_triple_terms_are_refused_by_name() -> None:
    triple = ox.Triple(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), ox.NamedNode("urn:o"))
    with pytest.raises(TypeError, match="RDF-star"):
        to_rdflib(triple)


def test_converter_builds_each_distinct_term_once() -> None:
    convert = TermConverter()
    first = convert(ox.Literal("1", datatype=ox.NamedNode(str(XSD.integer))))
    again = convert(ox.Literal("1", datatype=ox.NamedNode(str(XSD.integer))))
    other = convert(ox.Literal("2", datatype=ox.NamedNode(str(XSD.integer))))
    assert first is again
    assert other == Literal(2)


def test_store_is_found_only_under_oxigraph_graphs() -> None:
    assert oxigraph_store(Graph()) is None
    assert isinstance(oxigraph_store(open_graph("oxigraph-memory")), ox.Store)


def test_graph_name_of_a_named_graph() -> None:
    graph = open_graph("oxigraph-memory")
    named = Graph(store=graph.store, identifier=URIRef("urn:graph:trials"))
    assert graph_name(graph) == ox.DefaultGraph()
    assert graph_name(named) == ox.NamedNode("urn:graph:trials")
