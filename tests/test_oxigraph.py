"""The bridge to pyoxigraph: stores under rdflib graphs, and terms converted to rdflib."""

from __future__ import annotations

import pytest
from rdflib import XSD, BNode, Graph, Literal, URIRef

from kg.graph.oxigraph import TermConverter, graph_name, oxigraph_store, to_rdflib
from kg.graph.stores import open_graph

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


@pytest.mark.parametrize(
    ("term", "built_by_rdflib"),
    [
        (ox.NamedNode("https://w3id.org/als-kg/resource/NCT04745299"),
         URIRef("https://w3id.org/als-kg/resource/NCT04745299")),
        (ox.NamedNode("https://example.org/Ärzte?q=1#x"), URIRef("https://example.org/Ärzte?q=1#x")),
        (ox.Literal("plain"), Literal("plain")),
        (ox.Literal(""), Literal("")),
        (ox.Literal("  spaces kept \n"), Literal("  spaces kept \n")),
        (ox.Literal("Lenzumestrocel", language="en"), Literal("Lenzumestrocel", lang="en")),
        (ox.Literal("뉴로나타-알", language="ko"), Literal("뉴로나타-알", lang="ko")),
        (ox.Literal("ALS", language="EN-gb"), Literal("ALS", lang="en-gb")),
        *(
            # As written: Oxigraph's term is the RDF term, so rdflib must not rewrite its lexical
            # form (rdflib's default would turn "2025-W20-1" into "2025-05-12").
            (
                ox.Literal(day, datatype=ox.NamedNode(str(XSD.date))),
                Literal(day, datatype=XSD.date, normalize=False),
            )
            for day in (
                "2025-05-12", "2024-02-29", "0001-01-01", "9999-12-31",  # built by kg
                "2025-05-12Z", "2025-05-12+09:00", "2025-02-30", "2025-W20-1", "20250512",
            )
        ),
    ],
)
def test_checked_terms_are_what_rdflibs_constructors_build(
    term: object, built_by_rdflib: URIRef | Literal
) -> None:
    # IRIs and strings are built without rdflib's constructors (Oxigraph has checked them);
    # they must be the same objects in every respect rdflib looks at.
    converted = to_rdflib(term)
    assert type(converted) is type(built_by_rdflib)
    assert str(converted) == str(built_by_rdflib)
    assert converted == built_by_rdflib
    assert hash(converted) == hash(built_by_rdflib)
    assert converted.n3() == built_by_rdflib.n3()
    for slot in getattr(type(built_by_rdflib), "__slots__", ()):
        ours, theirs = getattr(converted, slot), getattr(built_by_rdflib, slot)
        assert ours == theirs, slot
        assert type(ours) is type(theirs), slot


def test_checked_literals_fill_every_slot_rdflib_has() -> None:
    # A slot added to rdflib's Literal would be left unset by the fast builder.
    assert set(Literal.__slots__) == {"_language", "_datatype", "_value", "_ill_typed"}
    assert URIRef.__slots__ == ()


def test_triple_terms_are_refused_by_name() -> None:
    triple = ox.Triple(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), ox.NamedNode("urn:o"))
    with pytest.raises(TypeError, match="RDF-star"):
        to_rdflib(triple)


def test_converter_parses_each_distinct_typed_literal_once() -> None:
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
