"""Every stored query parses, runs on the curated graph and on a fixture made for it."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, Namespace

import kg
from kg.graph.stores import open_graph
from kg.query.parameters import AmbiguousParameterError, ParameterError, bind_parameters
from kg.query.registry import QueryRegistry, StoredQuery, default_registry, parse_query_text
from kg.query.sparql import Row, result_rows, run_query

REGISTRY = default_registry()
NAMES = sorted(REGISTRY)
FIXTURE = Path(__file__).resolve().parent / "fixtures" / "query-fixture.ttl"

#: Parameters for the fixture graph, and the number of rows each query must give on it.
FIXTURE_PARAMS = {
    "trial-results": {"trial": "TEST-1"},
    "therapy-timeline": {"therapy": "Testra"},
    "results-by-measure": {"measure": "ALSFRS-R"},
    "sources-for": {"entity": "NCT00000001"},
    "needs-checking": {"asOf": "2027-06-01"},
}
FIXTURE_ROWS = {
    "approved-therapies": 1,
    "biomarker-results": 1,
    "claims-without-peer-review": 1,
    "conflicting-claims": 1,
    "needs-checking": 3,
    "pipeline-status": 1,
    "planned-regulatory-events": 1,
    "precedents": 1,
    "registry-id-conflicts": 2,
    "regulatory-events": 3,
    "results-by-measure": 2,
    "sources-for": 2,
    "sources-needing-canonical-ids": 1,
    "subgroup-claims-after-missed-primary": 1,
    "therapies-by-modality": 1,
    "therapy-timeline": 5,
    "trial-results": 3,
    "trials-met-primary-endpoint": 1,
    "trials-missed-primary-endpoint": 1,
}


@pytest.fixture(scope="module")
def curated() -> Graph:
    """The curated graph, loaded once."""
    return kg.load_curated()


@pytest.fixture(scope="module")
def fixture_graph() -> Graph:
    """The ontology plus the small graph made for these tests."""
    return kg.load(*kg.ontology_files(), FIXTURE)


def _examples(query: StoredQuery) -> dict[str, str]:
    return {p.name: p.example for p in query.params if p.required and p.example}


def test_every_required_query_is_stored() -> None:
    """The issue names these queries; each is a file in queries/."""
    assert set(FIXTURE_ROWS) <= set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_query_metadata(name: str) -> None:
    """Each query has a title, a description, tags and documented columns and parameters."""
    query = REGISTRY[name]
    assert query.title and query.description and query.tags
    assert query.form == "SELECT"
    assert all(description for _, description in query.columns), "undocumented column"
    assert all(p.description and p.example for p in query.params), "undocumented parameter"


@pytest.mark.parametrize("name", NAMES)
def test_query_runs_on_curated_graph(curated: Graph, name: str) -> None:
    """Each query runs with its example parameters and returns labelled rows."""
    rows = result_rows(run_query(curated, name, _examples(REGISTRY[name])))
    assert rows, f"{name} returned no rows on the curated graph"


@pytest.mark.parametrize("name", NAMES)
def test_query_rows_on_fixture(fixture_graph: Graph, name: str) -> None:
    """Each query gives the expected number of rows on the fixture graph."""
    rows = result_rows(run_query(fixture_graph, name, FIXTURE_PARAMS.get(name)))
    assert len(rows) == FIXTURE_ROWS[name]


def _column(rows: list[dict[str, str | None]], column: str) -> set[str | None]:
    return {row[column] for row in rows}


def test_missed_and_met_primary(curated: Graph) -> None:
    """ALSummit missed its primary endpoint; the phase 2 met it."""
    missed = result_rows(run_query(curated, "trials-missed-primary-endpoint"))
    met = result_rows(run_query(curated, "trials-met-primary-endpoint"))
    assert "NCT04745299" in _column(missed, "nctId")
    assert "NCT01363401" not in _column(missed, "nctId")
    assert "NCT01363401" in _column(met, "nctId")


def test_pipeline_readout_says_its_verdict(curated: Graph) -> None:
    """A readout as latest event gives the trial's primary-endpoint verdict, not only its date."""
    rows = result_rows(run_query(curated, "pipeline-status"))
    tudca = next(r for r in rows if r["therapyLabel"] == "tauroursodeoxycholic acid (TUDCA)")
    assert tudca["latestDate"] == "2024-03"
    expected = "TUDCA-ALS (NCT03800524): topline results, primary endpoint missed"
    assert tudca["latestEvent"] == expected


def test_subgroup_claims_after_missed_primary(curated: Graph) -> None:
    """ALSummit's slow-progressor claims come with their press-release source."""
    rows = result_rows(run_query(curated, "subgroup-claims-after-missed-primary"))
    alsfrs = [r for r in rows if r["claim"] and "31.2 vs 26.4" in r["claim"]]
    assert alsfrs and {r["sourceKind"] for r in alsfrs} == {"press release"}
    assert {r["analysisKind"] for r in alsfrs} == {"post hoc subgroup analysis"}


def test_registry_id_conflict_of_the_seed(curated: Graph) -> None:
    """The Alliance's NCT01363401 for ALSummit shows up beside the phase 2's own id."""
    rows = result_rows(run_query(curated, "registry-id-conflicts"))
    assert _column(rows, "registryId") >= {"NCT01363401"}
    assert {"ALSummit (NCT04745299)", "Lenzumestrocel phase 2 (NCT01363401)"} <= _column(
        rows, "trialLabel"
    )


def test_planned_bla_is_planned(curated: Graph) -> None:
    """The Neuronata-R BLA is planned for 2026, citing the tofersen precedent."""
    rows = result_rows(run_query(curated, "planned-regulatory-events"))
    bla = [r for r in rows if r["event"] == str(kg.KGR["event-lenzumestrocel-fda-bla"])]
    assert bla and bla[0]["expectedDate"] == "2026"
    assert "tofersen" in (bla[0]["precedents"] or "").lower()


def test_timeline_marks_planned(curated: Graph) -> None:
    """The therapy timeline is in date order and marks planned events."""
    rows = result_rows(run_query(curated, "therapy-timeline", {"therapy": "lenzumestrocel"}))
    dates = [row["date"] or "" for row in rows]
    assert dates == sorted(dates)
    assert "planned" in _column(rows, "status")


@pytest.mark.parametrize(
    "value",
    [
        'ALSummit" } UNION { ?s ?p ?o',
        "x } # comment",
        "line\nbreak",
        "SELECT * WHERE { ?s ?p ?o }",
        "<https://w3id.org/als-kg/resource/NCT04745299>",
        "'; DROP GRAPH <urn:x>",
    ],
)
def test_hostile_parameter_values_are_plain_values(curated: Graph, value: str) -> None:
    """Values with quotes, braces, #, newlines and keywords never change the query."""
    with pytest.raises(ParameterError, match="no clinical study matches"):
        run_query(curated, "trial-results", {"trial": value})


@pytest.mark.parametrize("value", ['a " b', "x } UNION { ?s ?p ?o }", "#", "\n", "\\"])
def test_string_parameters_bind_as_literals(value: str) -> None:
    """A string parameter becomes one literal: the query finds exactly that value."""
    query = parse_query_text(
        "#+ params:\n#+   name: {type: string}\nSELECT ?s WHERE { ?s <urn:p> ?_name }",
        name="by-name",
    )
    graph = Graph()
    graph.add((URIRef("urn:other"), URIRef("urn:p"), Literal("x")))
    graph.add((URIRef("urn:s"), URIRef("urn:p"), Literal(value)))
    rows = result_rows(kg.sparql(graph, bind_parameters(query, graph, {"name": value})))
    assert rows == [{"s": "urn:s"}]


def test_ambiguous_name_is_reported(fixture_graph: Graph) -> None:
    """A name two trials share is reported with both candidates, not guessed."""
    graph = kg.load(fixture_graph)
    graph.add((kg.KGR["NCT00000002"], kg.KGO.acronym, Literal("TEST-1")))
    with pytest.raises(AmbiguousParameterError, match=r"NCT00000001.*NCT00000002"):
        run_query(graph, "trial-results", {"trial": "test-1"})


def test_own_query_folder(tmp_path: Path) -> None:
    """Users can point a registry at their own folder of queries."""
    (tmp_path / "count.rq").write_text(
        "#+ summary: Count triples\n#+ tags: [demo]\nSELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }\n"
    )
    registry = QueryRegistry.from_directory(tmp_path)
    assert list(registry) == ["count"]
    assert registry["count"].title == "Count triples"


def test_regulatory_events_list_an_undated_event_first(curated: Graph) -> None:
    """An event with neither date nor expected date sorts first (rdflib's engine used to fail)."""
    graph = Graph() + curated
    graph.parse(format="turtle", data="""
        @prefix kgo: <https://w3id.org/als-kg/ontology#> .
        @prefix kgr: <https://w3id.org/als-kg/resource/> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        kgr:event-undated a kgo:RegulatoryEvent ; rdfs:label "An undated filing" ;
            kgo:therapy kgr:lenzumestrocel ; kgo:agency kgr:org-fda ;
            kgo:jurisdiction kgr:place-US ; kgo:eventKind kgo:Submission ;
            kgo:eventStatus kgo:Planned .
    """)
    rows = result_rows(run_query(graph, "regulatory-events", {"agency": "FDA"}))
    assert rows[0]["eventLabel"] == "An undated filing"
    assert rows[0]["date"] is None
    assert all(row["date"] for row in rows[1:])


def _on_both_stores(ntriples: str) -> dict[str, Graph]:
    """The same N-Triples on rdflib's store and on Oxigraph."""
    pytest.importorskip("pyoxigraph")
    pytest.importorskip("oxrdflib")
    graphs = {}
    for store in ("memory", "oxigraph-memory"):
        graphs[store] = open_graph(store)
        graphs[store].parse(data=ntriples, format="nt")
    return graphs


@pytest.fixture(scope="module")
def sourceless(curated: Graph) -> dict[str, Graph]:
    """The curated graph without any prov:wasDerivedFrom, on rdflib's store and on Oxigraph."""
    text = curated.serialize(format="nt")
    return _on_both_stores(
        "\n".join(line for line in text.splitlines() if str(PROV.wasDerivedFrom) not in line)
    )


def _unordered(rows: list[Row]) -> list[list[tuple[str, list[str] | None]]]:
    """Rows in a set-like form: the order of rows and of values inside a concatenation is free.

    An empty concatenation counts as no value: over no source, rdflib's GROUP_CONCAT gives ""
    where Oxigraph leaves the column unbound. Numbers compare by value: Oxigraph keeps a
    decimal's canonical form ("33"), rdflib its written one ("33.0").
    """
    return sorted(
        [
            [
                (key, sorted(map(_number, re.split(r"; | ", value))) if value else None)
                for key, value in row.items()
            ]
            for row in rows
        ],
        key=repr,
    )


def _number(text: str) -> str:
    try:
        return str(Decimal(text).normalize())
    except InvalidOperation:
        return text


@pytest.mark.parametrize("name", NAMES)
def test_query_on_records_without_sources(sourceless: dict[str, Graph], name: str) -> None:
    """Each query answers on records that have no source yet, and both stores agree.

    An unvalidated draft is what a curator queries first. Here rdflib's engine used to fail on
    three queries (GROUP_CONCAT DISTINCT over a value an OPTIONAL left unbound) and to give
    planned events the source date "None".
    """
    params = _examples(REGISTRY[name])
    memory, oxigraph = (
        result_rows(run_query(sourceless[store], name, params)) for store in sourceless
    )
    assert _unordered(memory) == _unordered(oxigraph)


def test_planned_event_with_an_undated_source(curated: Graph) -> None:
    """An undated source (allowed, with a warning) leaves the others' latest date in place.

    Oxigraph fails a whole MAX on one unbound value, and rdflib's engine failed outright; the
    query now reads only dated sources for the date.
    """
    kgo = Namespace("https://w3id.org/als-kg/ontology#")
    event = max(
        curated.subjects(kgo.eventStatus, kgo.Planned),
        key=lambda node: (len(set(curated.objects(node, PROV.wasDerivedFrom))), str(node)),
    )
    undated, *dated = sorted(curated.objects(event, PROV.wasDerivedFrom))
    assert dated, "the test needs a planned event with two sources"
    expected = max(str(date) for source in dated for date in curated.objects(source, kgo.date))
    for store, graph in _on_both_stores(curated.serialize(format="nt")).items():
        graph.remove((undated, kgo.date, None))
        rows = result_rows(run_query(graph, "planned-regulatory-events"))
        (row,) = [row for row in rows if row["event"] == str(event)]
        assert row["announced"] == expected, store


def test_measure_without_results(sourceless: dict[str, Graph]) -> None:
    """A measure no result uses gives no rows.

    rdflib's engine answers a GROUP BY over nothing with one empty group; joined with the rest,
    that group once matched every result in the graph (58,624 rows on the curated graph).
    """
    ecas = "https://w3id.org/als-kg/ontology#ECAS"
    for graph in sourceless.values():
        assert result_rows(run_query(graph, "results-by-measure", {"measure": ecas})) == []
