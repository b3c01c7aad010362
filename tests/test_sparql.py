"""Running SPARQL where the graph lives: rdflib's engine (parsed once) or Oxigraph directly."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, Namespace, URIRef, Variable

from kg.query.sparql import QueryError, result_rows, sparql

EX = Namespace("https://example.org/")
DATA = """
@prefix ex: <https://example.org/> .
ex:riluzole ex:name "riluzole" ; ex:approved 1995 .
ex:edaravone ex:name "edaravone"@en .
"""


@pytest.fixture
def graph(empty_graph: Graph) -> Graph:
    """The same small graph on rdflib's store and on Oxigraph."""
    empty_graph += Graph().parse(data=DATA, format="turtle")
    empty_graph.bind("ex", EX)
    return empty_graph


def test_select_leaves_unbound_values_out(graph: Graph) -> None:
    result = sparql(graph, """
        SELECT ?drug ?name ?year WHERE {
          ?drug ex:name ?name OPTIONAL { ?drug ex:approved ?year }
        } ORDER BY STR(?name)""")
    assert [str(v) for v in result.vars or []] == ["drug", "name", "year"]
    bindings = result.bindings
    assert bindings[0] == {
        Variable("drug"): EX.edaravone, Variable("name"): Literal("edaravone", lang="en")}
    assert result_rows(result)[1] == {
        "drug": str(EX.riluzole), "name": "riluzole", "year": "1995"}


def test_plain_literals_compare_equal_across_stores(graph: Graph) -> None:
    """Oxigraph spells plain literals as xsd:string; the answer must not show it."""
    result = sparql(graph, 'SELECT ?name WHERE { ex:riluzole ex:name ?name }')
    assert result.bindings == [{Variable("name"): Literal("riluzole")}]


def test_ask_and_construct(graph: Graph) -> None:
    assert sparql(graph, "ASK { ex:riluzole ex:approved 1995 }").askAnswer is True
    assert sparql(graph, "ASK { ex:riluzole ex:approved 2017 }").askAnswer is False
    built = sparql(graph, "CONSTRUCT { ?d a ex:Drug } WHERE { ?d ex:name ?n }").graph
    assert built is not None
    assert set(built.subjects()) == {EX.riluzole, EX.edaravone}


def test_syntax_error_is_a_query_error(graph: Graph) -> None:
    with pytest.raises(QueryError, match="the SPARQL query failed"):
        sparql(graph, "SELECT ?x WHERE { ?x ex:name }")


def test_parsed_query_is_kept_per_set_of_prefixes() -> None:
    """The same text on graphs that bind ex: differently reads each graph's own ex:."""
    first, second = Graph(), Graph()
    first.add((URIRef("urn:one:a"), URIRef("urn:one:p"), Literal(1)))
    second.add((URIRef("urn:two:a"), URIRef("urn:two:p"), Literal(2)))
    first.bind("ex", "urn:one:")
    second.bind("ex", "urn:two:")
    text = "SELECT ?o WHERE { ex:a ex:p ?o }"
    assert [row["o"] for row in result_rows(sparql(first, text))] == ["1"]
    assert [row["o"] for row in result_rows(sparql(second, text))] == ["2"]


def test_group_by_over_no_solutions_gives_no_row(graph: Graph) -> None:
    """SPARQL groups nothing into no group; rdflib's engine alone gives one empty row."""
    grouped = "SELECT ?d (COUNT(?n) AS ?names) WHERE { ?d ex:withdrawn ?n } GROUP BY ?d"
    assert sparql(graph, grouped).bindings == []
    whole = "SELECT (COUNT(?n) AS ?names) WHERE { ?d ex:withdrawn ?n }"
    assert result_rows(sparql(graph, whole)) == [{"names": "0"}]


@pytest.fixture(scope="module")
def curated_on_both() -> dict[str, Graph]:
    import kg

    return {"oxigraph": kg.load_curated(), "memory": kg.load_curated(store="memory")}


def _stored_queries() -> list[str]:
    from kg.query.registry import default_registry

    return sorted(default_registry())


@pytest.mark.parametrize("name", _stored_queries())
def test_rows_read_as_text_match_rows_read_as_terms(
    name: str, curated_on_both: dict[str, Graph]
) -> None:
    """On Oxigraph, result_rows reads pyoxigraph's terms (lists and ties sorted on text);
    reading rdflib terms first (bindings) must give the same rows, and rdflib Memory the same
    rows too, numbers compared by value (Oxigraph keeps a decimal's value: 33.0 reads 33)."""
    import datetime

    import kg
    from kg.query.sparql import OxigraphRows

    registry = kg.default_registry()
    params = {p.name: str(p.example) for p in registry[name].params if p.example is not None}
    today = datetime.date(2026, 1, 1)
    graph = curated_on_both["oxigraph"]
    as_text = kg.run_query(graph, name, params, today=today)
    assert isinstance(as_text, OxigraphRows)
    as_terms = kg.run_query(graph, name, params, today=today)
    as_terms.bindings  # noqa: B018 - converts the rows to rdflib terms before they are read
    on_memory = kg.run_query(curated_on_both["memory"], name, params, today=today)
    assert result_rows(as_text) == result_rows(as_terms)
    assert _by_value(result_rows(as_text)) == _by_value(result_rows(on_memory))


def _by_value(rows: list[dict[str, str | None]]) -> list[dict[str, object]]:
    def value(text: str | None) -> object:
        try:
            return float(text) if text is not None else None
        except ValueError:
            return text

    return [{key: value(text) for key, text in row.items()} for row in rows]


def test_load_store_memory_keeps_rdflib_store(tmp_path: object) -> None:
    import kg

    oxigraph, memory = kg.load_curated(), kg.load_curated(store="memory")
    assert type(oxigraph.store).__name__ == "KgOxigraphStore"
    assert type(memory.store).__name__ == "Memory"
    assert len(oxigraph) == len(memory)
    assert set(oxigraph.subjects(unique=True)) == set(memory.subjects(unique=True))
    assert dict(oxigraph.namespaces()) == dict(memory.namespaces())
