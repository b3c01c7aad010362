"""The fast validator (shapes compiled to SPARQL on Oxigraph) finds exactly what pySHACL finds."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from rdflib import RDF, RDFS, SH, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

import kg
from kg.graph.io import load
from kg.resources import ontology_files, shape_files
from kg.validation import ValidationReport, Violation, load_shapes, validate
from kg.validation.compiled import (
    UnsupportedShapeError,
    _focus_pattern,
    _run,
    compile_shapes,
    plan_shapes,
)

pyoxigraph = pytest.importorskip("pyoxigraph")

KGO = Namespace("https://w3id.org/als-kg/ontology#")
KGR = Namespace("https://w3id.org/als-kg/resource/")
FX = Namespace("https://w3id.org/als-kg/resource/fixture-")
EX = Namespace("http://example.org/")


def _key(violation: Violation) -> tuple[Any, ...]:
    """What must match: focus, path, component, severity, the shape (IRI), the value by value."""
    value: Any = violation.value
    if isinstance(value, Literal):
        value = (value.datatype, value.language, value.toPython() if value.datatype else str(value))
    shape = violation.shape if isinstance(violation.shape, URIRef) else "property shape"
    return (violation.focus, violation.path, violation.component, violation.severity, shape, value)


def _store(graph: Graph) -> Any:
    store = pyoxigraph.Store()
    store.bulk_load(graph.serialize(format="nt", encoding="utf-8"), pyoxigraph.RdfFormat.N_TRIPLES)
    return store


def _break_every_shape(curated: Graph) -> Graph:
    """Alter a copy of the curated graph so that every constraint of every shape fails once."""
    shapes = load(*shape_files())
    graph = Graph()
    for triple in curated:
        graph.add(triple)
    for triple in load(*ontology_files()):
        graph.add(triple)
    store = _store(graph)
    used: set[Node] = set()
    for node_shape in sorted(set(shapes.subjects(SH.property, None)), key=str):
        focus = _focus_pattern(shapes, node_shape)
        assert focus is not None
        nodes = [row["this"] for row in _run(store, f"SELECT ?this WHERE {{ {focus} }}")]
        nodes = sorted((n for n in nodes if isinstance(n, URIRef)), key=str)
        properties = sorted(
            shapes.objects(node_shape, SH.property),  # blank nodes: sort by content, not id
            key=lambda p: (str(shapes.value(p, SH.path)), str(shapes.value(p, SH.message))),
        )
        for number, prop in enumerate(properties):
            path = shapes.value(prop, SH.path)
            assert isinstance(path, URIRef)
            keys = set(shapes.predicates(prop, None)) - {SH.path, SH.message, SH.severity}
            for key in sorted(keys, key=str):
                target = next((n for n in nodes if n not in used), nodes[number % len(nodes)])
                used.add(target)
                _mutate(graph, target, path, key, shapes.value(prop, key))
    _break_sparql_constraints(graph)
    return graph


def _mutate(graph: Graph, node: Node, path: URIRef, key: Node, argument: Node | None) -> None:
    """Break one constraint of a property shape on one focus node."""
    if key == SH.minCount:
        graph.remove((node, path, None))
    elif key == SH.maxCount:
        graph.add((node, path, FX.extra1))
        graph.add((node, path, FX.extra2))
    elif key in (SH["class"], SH.nodeKind):
        graph.add((node, path, Literal("not a resource")))
    elif key in (SH.datatype, SH["or"]):
        graph.add((node, path, FX.notALiteral))
        graph.add((node, path, Literal("2020", datatype=XSD.integer)))
    elif key == SH.pattern:
        graph.add((node, path, Literal("not an id")))
    elif key == SH["in"]:
        graph.add((node, path, Literal("~")))
    elif key in (SH.minInclusive, SH.minExclusive):
        graph.add((node, path, Literal(Decimal("-5"))))
        graph.add((node, path, Literal("text")))
    elif key in (SH.maxInclusive, SH.maxExclusive):
        graph.add((node, path, Literal(Decimal("5"))))
    elif key == SH.lessThanOrEquals:
        assert isinstance(argument, URIRef)
        graph.add((node, path, Literal(Decimal("9"))))
        graph.add((node, argument, Literal(Decimal("1"))))
    else:
        raise AssertionError(f"no mutation for {key}")


def _break_sparql_constraints(graph: Graph) -> None:
    """Add records that break each SHACL-SPARQL constraint."""
    trials = sorted(graph.subjects(KGO.nctId, None), key=str)
    graph.add((trials[1], KGO.nctId, graph.value(trials[0], KGO.nctId)))
    subgroup, bare = FX.subgroup, FX.bareSubgroup
    for population in (subgroup, bare):
        graph.add((population, RDF.type, KGO.Population))
        graph.add((population, RDFS.label, Literal("fixture subgroup")))
        graph.add((population, KGO.populationKind, KGO.Subgroup))
    graph.add((subgroup, KGO.definition, Literal("defined")))
    graph.add((FX.endpoint, RDF.type, KGO.Endpoint))
    graph.add((FX.endpoint, KGO.endpointRole, KGO.NotPreSpecifiedEndpoint))
    for result in (FX.result1, FX.result2):
        graph.add((result, RDF.type, KGO.Result))
        graph.add((result, KGO.analysisKind, KGO.PreSpecifiedAnalysis))
    graph.add((FX.result1, KGO.population, subgroup))
    graph.add((FX.result2, KGO.ofEndpoint, FX.endpoint))
    events = {
        FX.plannedWithDate: [
            (KGO.eventStatus, KGO.Planned),
            (KGO.date, Literal("2020-01-01", datatype=XSD.date)),
        ],
        FX.plannedUndated: [(KGO.eventStatus, KGO.Planned)],
        FX.occurredUndated: [(KGO.eventStatus, KGO.Occurred)],
        FX.wrongPrecision: [
            (KGO.eventStatus, KGO.Occurred),
            (KGO.datePrecision, KGO.Quarter),
            (KGO.date, Literal("2020-02", datatype=XSD.gYearMonth)),
        ],
    }
    for event, pairs in events.items():
        graph.add((event, RDF.type, KGO.RegulatoryEvent))
        for predicate, value in pairs:
            graph.add((event, predicate, value))


@pytest.fixture(scope="module")
def curated() -> Graph:
    """One snapshot of the curated data, so both engines see the same triples."""
    return kg.load_curated(ontology=False)


@pytest.fixture(scope="module")
def broken(curated: Graph) -> Graph:
    """The curated graph with every constraint of every shape broken at least once."""
    return _break_every_shape(curated)


def test_fixture_breaks_every_constraint(broken: Graph) -> None:
    """Every compiled check (one per constraint of every shape) has at least one result."""
    store = _store(broken)
    checks = compile_shapes(load(*shape_files()))
    silent = [c for c in checks if not list(_run(store, c.query))]
    assert not silent, [(str(c.shape), str(c.path), str(c.component)) for c in silent]


def test_same_results_as_pyshacl_on_broken_graph(broken: Graph) -> None:
    """Both engines report the same (focus, path, component, severity, shape, value) set."""
    reference = validate(broken, ontology=False)
    fast = validate(broken, ontology=False, engine="oxigraph")
    assert not reference.conforms and not fast.conforms
    assert {_key(v) for v in fast.violations} == {_key(v) for v in reference.violations}
    assert len(fast.violations) == len(reference.violations)
    assert {v.component for v in fast.violations} >= {
        SH.MinCountConstraintComponent,
        SH.SPARQLConstraintComponent,
        SH.OrConstraintComponent,
        SH.LessThanOrEqualsConstraintComponent,
    }


def test_same_results_on_curated_graph(curated: Graph) -> None:
    """On the curated data both engines agree (warnings included) and it conforms."""
    reference = validate(curated)
    fast = validate(curated, engine="oxigraph")
    assert fast.conforms == reference.conforms
    assert {_key(v) for v in fast.violations} == {_key(v) for v in reference.violations}
    assert fast.triples == reference.triples


def test_unsupported_feature_is_an_error() -> None:
    """compile_shapes() raises on a feature the compiler does not translate, never skips."""
    shapes = Graph()
    shape = URIRef("urn:x:S")
    shapes.add((shape, RDF.type, SH.NodeShape))
    shapes.add((shape, SH.targetClass, KGO.Therapy))
    prop = BNode()
    shapes.add((shape, SH.property, prop))
    shapes.add((prop, SH.path, RDFS.label))
    shapes.add((prop, SH.uniqueLang, Literal(True)))
    with pytest.raises(UnsupportedShapeError, match="uniqueLang"):
        compile_shapes(shapes)


SHAPES_PREFIXES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <http://example.org/> .
"""


def _both(tmp_path: Path, data: str, shapes: str) -> tuple[ValidationReport, ValidationReport]:
    (tmp_path / "data.ttl").write_text(SHAPES_PREFIXES + data, encoding="utf-8")
    (tmp_path / "shapes.ttl").write_text(SHAPES_PREFIXES + shapes, encoding="utf-8")
    return tuple(  # type: ignore[return-value]
        validate(tmp_path / "data.ttl", shapes=tmp_path / "shapes.ttl", ontology=False,
                 engine=engine, progress=False)
        for engine in ("pyshacl", "oxigraph")
    )


def test_unsupported_shapes_are_handed_to_pyshacl(tmp_path: Path) -> None:
    """What does not compile is checked by pySHACL in the same run: the same results."""
    data = 'ex:a a ex:Drug ; ex:name "A"@en, "B"@en ; ex:code "7"^^xsd:nonNegativeInteger .'
    shapes = """
        ex:S a sh:NodeShape ; sh:targetClass ex:Drug ;
            sh:property [ sh:path ex:name ; sh:uniqueLang true ] .
        ex:T a sh:NodeShape ; sh:targetClass ex:Drug ;
            sh:property [ sh:path ex:code ; sh:datatype xsd:positiveInteger ] .
        ex:U a sh:NodeShape ; sh:targetNode ex:a ; sh:property [ sh:path ex:name ; sh:maxCount 1 ] .
    """
    reference, fast = _both(tmp_path, data, shapes)
    plan = plan_shapes(load_shapes(tmp_path / "shapes.ttl"))
    assert set(plan.handed_over) == {EX.S, EX.T} and plan.compiled == {EX.U}
    assert {_key(v) for v in fast.violations} == {_key(v) for v in reference.violations}
    assert {str(v.component).rsplit("#")[-1] for v in fast.violations} == {
        "UniqueLangConstraintComponent", "DatatypeConstraintComponent",
        "MaxCountConstraintComponent",
    }


def test_custom_sparql_component_is_handed_over(tmp_path: Path) -> None:
    """A SPARQL-based constraint component (not in sh:) is never compiled to nothing."""
    shapes = """
        ex:Component a sh:ConstraintComponent ;
            sh:parameter [ sh:path ex:forbidden ] ;
            sh:validator [ a sh:SPARQLAskValidator ;
                sh:ask "ASK { FILTER (?value != $forbidden) }" ] .
        ex:S a sh:NodeShape ; sh:targetNode ex:bad ; ex:forbidden ex:bad .
    """
    reference, fast = _both(tmp_path, "ex:bad ex:p 1 .", shapes)
    assert not fast.conforms and len(fast.violations) == 1
    assert {_key(v) for v in fast.violations} == {_key(v) for v in reference.violations}


@pytest.mark.parametrize(
    "query",
    [
        "SELECT $this WHERE { { FILTER ($this = ex:a) } UNION { ?x ex:q ?y } }",
        "SELECT $this WHERE { OPTIONAL { ?x ex:q ?y . FILTER (?x = $this) } FILTER (!bound(?x)) }",
        "SELECT $this WHERE { FILTER ($currentShape = ex:S) }",
    ],
)
def test_this_is_pre_bound(tmp_path: Path, query: str) -> None:
    """$this (and $currentShape) act as pre-bound, even in nested groups: never a false pass."""
    shapes = f"""
        ex:S a sh:NodeShape ; sh:targetNode ex:a ;
            sh:sparql [ sh:prefixes [ sh:declare [ sh:prefix "ex" ;
                sh:namespace "http://example.org/"^^xsd:anyURI ] ] ;
            sh:select "{query}" ] .
    """
    reference, fast = _both(tmp_path, "ex:a ex:p 1 .", shapes)
    assert len(reference.violations) == 1
    assert {_key(v) for v in fast.violations} == {_key(v) for v in reference.violations}


@pytest.mark.parametrize(
    ("literal", "datatype"),
    [
        ('"abc"^^xsd:integer', "xsd:integer"),
        ('"none"^^xsd:boolean', "xsd:boolean"),
        ('"-1"^^xsd:nonNegativeInteger', "xsd:nonNegativeInteger"),
        ('"300"^^xsd:byte', "xsd:byte"),
        ('"2024-13-01"^^xsd:date', "xsd:date"),
    ],
)
def test_ill_formed_literals_are_results(tmp_path: Path, literal: str, datatype: str) -> None:
    """Both engines see the literal as written: ill-formed is a sh:datatype result, no crash."""
    shapes = f"""ex:S a sh:NodeShape ; sh:targetNode ex:a ;
        sh:property [ sh:path ex:p ; sh:datatype {datatype} ] ."""
    reference, fast = _both(tmp_path, f"ex:a ex:p {literal} .", shapes)
    for report in (reference, fast):
        assert [str(v.component).rsplit("#")[-1] for v in report.violations] == [
            "DatatypeConstraintComponent"
        ]


def test_values_are_reported_as_written(tmp_path: Path) -> None:
    """Oxigraph keeps "01" as 1; the report still gives the data's own "01" (and "4.0")."""
    data = 'ex:a ex:p "01"^^xsd:integer, "1"^^xsd:integer, "4.0"^^xsd:decimal .'
    shapes = """ex:S a sh:NodeShape ; sh:targetNode ex:a ;
        sh:property [ sh:path ex:p ; sh:maxInclusive 0 ] .
        ex:T a sh:NodeShape ; sh:targetNode "2.50"^^xsd:decimal ; sh:maxExclusive 2 ."""
    reference, fast = _both(tmp_path, data, shapes)
    written = {(v.focus, v.value) for v in fast.violations}
    assert written == {(v.focus, v.value) for v in reference.violations}
    assert (EX.a, Literal("01", datatype=XSD.integer)) in written
    assert len(fast.violations) == 4
