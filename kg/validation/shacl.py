"""Run pySHACL, the reference SHACL engine, and read its results into a report."""

from __future__ import annotations

from collections.abc import Sequence

from rdflib import DCTERMS, RDF, RDFS, SH, SKOS, XSD, BNode, Graph, URIRef
from rdflib import Literal as RdfLiteral
from rdflib.term import Node

from kg.errors import KgError
from kg.graph.io import GraphSource, load, source_list
from kg.namespaces import SCHEMA
from kg.progress import progress as progress_bar
from kg.resources import ontology_files, shape_files
from kg.validation.report import (
    ValidationReport,
    Violation,
    as_written,
    report_graph,
    severity_name,
)

__all__ = [
    "load_shapes",
    "run_pyshacl",
    "validate_pyshacl",
]

#: Where a focus node's label is looked for, in this order.
_LABEL_PROPERTIES = (RDFS.label, SKOS.prefLabel, DCTERMS.title, SCHEMA.name)


def validate_pyshacl(
    data: GraphSource | Sequence[GraphSource],
    *,
    shapes: GraphSource | Sequence[GraphSource] | None = None,
    ontology: bool = True,
    progress: bool | None = None,
) -> ValidationReport:
    """Validate RDF data against SHACL shapes with pySHACL (see :func:`kg.validate`).

    pySHACL runs with SHACL-SPARQL constraints enabled (``advanced=True``) and without
    RDFS inference, on a copy of the data in rdflib's own store with the ontology merged in
    (so class targets reach subclasses), its literals as written.

    :param data: a graph, a file, a folder of ``*.ttl`` files, or a list of these
    :param shapes: the shapes (same kinds of input); by default every bundled shapes file
    :param ontology: merge the bundled ontology into the data before validating
    :param progress: show a progress bar on stderr (``None``: only if stderr is a terminal)
    :returns: the report
    :raises KgError: if there are no shapes, or they are not valid SHACL
    :raises kg.errors.InputError: if a data or shapes file cannot be read

    >>> from kg.resources import data_files
    >>> report = validate_pyshacl(data_files()[:1], progress=False)
    >>> report.triples > 0
    True
    """
    sources = source_list(data)
    if ontology:
        sources += ontology_files()
    phases = progress_bar(("data", "shapes", "pySHACL"), label="validating", enabled=progress)
    try:
        next(phases)  # the bar steps as each phase ends
        with as_written():
            data_graph = load(*sources, store="memory")  # pySHACL over oxrdflib is slow
            next(phases)
            shapes_graph = load_shapes(shapes)
        next(phases)
        triples = len(data_graph)  # before SHACL rules (advanced mode) can add to it
        violations, pyshacl_graph = run_pyshacl(data_graph, shapes_graph)
        next(phases, None)  # the last phase: the bar is full
    finally:
        phases.close()  # on an error, the bar's line ends where it stopped
    results_graph = report_graph(
        violations, conforms=not violations, sources=[shapes_graph, pyshacl_graph]
    )
    for prefix, namespace in data_graph.namespaces():
        results_graph.bind(prefix, namespace, override=False)
    return ValidationReport(
        conforms=not violations,
        violations=violations,
        results_graph=results_graph,
        triples=triples,
    )


def run_pyshacl(data_graph: Graph, shapes_graph: Graph) -> tuple[tuple[Violation, ...], Graph]:
    """Run pySHACL in place on a graph of our own.

    :returns: Its top-level results, sorted, and its report graph (where blank-node result
        paths are described).

    :raises KgError: If pySHACL refuses the shapes (they are not valid SHACL).

    >>> data = Graph().parse(data="<urn:a> a <urn:Drug> .", format="turtle")
    >>> shapes = Graph().parse(format="turtle", data='''
    ...     @prefix sh: <http://www.w3.org/ns/shacl#> .
    ...     <urn:S> a sh:NodeShape ; sh:targetClass <urn:Drug> ;
    ...         sh:property [ sh:path <urn:name> ; sh:minCount 1 ] .''')
    >>> violations, _ = run_pyshacl(data, shapes)
    >>> [(str(v.focus), v.severity) for v in violations]
    [('urn:a', 'Violation')]
    """
    from pyshacl import validate as shacl_validate  # heavy: import on first use
    from pyshacl.errors import ReportableRuntimeError

    try:
        _, results_graph, _ = shacl_validate(
            data_graph,
            shacl_graph=shapes_graph,
            inference="none",
            advanced=True,
            inplace=True,  # data_graph is our own copy: no need for pySHACL to clone it
            allow_warnings=True,
            allow_infos=True,
        )
    except ReportableRuntimeError as error:
        message = " ".join(str(error.message).split())
        raise KgError(f"cannot validate with these shapes: {message}") from error
    except (NotImplementedError, RecursionError, ValueError, TypeError, KeyError) as error:
        # pySHACL fails like this on shapes the specification rules out (sht:Failure cases)
        detail = " ".join(str(error).split()) or type(error).__name__
        raise KgError(f"cannot validate with these shapes: {detail}") from error
    if not isinstance(results_graph, Graph):
        raise KgError("pySHACL returned no results graph")
    results = [
        _violation(result, results_graph, data_graph)
        for report in results_graph.subjects(RDF.type, SH.ValidationReport)
        for result in results_graph.objects(report, SH.result)
    ]
    return tuple(sorted(results, key=Violation.sort_key)), results_graph


def load_shapes(shapes: GraphSource | Sequence[GraphSource] | None = None) -> Graph:
    """Load the shapes to validate against: the given ones, or every bundled shapes file.

    :param shapes: a graph, a file, a folder of ``*.ttl`` files, or a list of these
    :returns: the shapes graph
    :raises KgError: if no triple uses the ``sh:`` vocabulary
    :raises kg.errors.InputError: if a file cannot be read

    >>> len(load_shapes()) > 0
    True
    >>> load_shapes(Graph())
    Traceback (most recent call last):
    ...
    kg.errors.KgError: no SHACL shapes to validate against (no triple uses the sh: vocabulary)
    """
    graph = load(*(shape_files() if shapes is None else source_list(shapes)), store="memory")
    if not any(str(p).startswith(str(SH)) for p in graph.predicates(unique=True)):
        raise KgError("no SHACL shapes to validate against (no triple uses the sh: vocabulary)")
    for key in _SWITCHES:  # only the literal true switches these on (pySHACL takes "1" too)
        for triple in list(graph.triples((None, key, None))):
            if triple[2] not in (_TRUE, _FALSE):
                graph.remove(triple)
    return graph


_TRUE = RdfLiteral("true", datatype=XSD.boolean)
_FALSE = RdfLiteral("false", datatype=XSD.boolean)
#: The SHACL parameters that do something only when their value is ``true``.
_SWITCHES = (SH.uniqueLang, SH.closed, SH.deactivated, SH.qualifiedValueShapesDisjoint)


def _violation(result: Node, results_graph: Graph, data_graph: Graph) -> Violation:
    """Read one ``sh:ValidationResult`` (and its ``sh:detail`` results) into a Violation."""
    focus = results_graph.value(result, SH.focusNode)
    if focus is None:  # not valid SHACL, but let us not crash on it
        focus = BNode()
    found = results_graph.objects(result, SH.resultMessage)
    messages = tuple(
        sorted(
            (m for m in found if isinstance(m, RdfLiteral)),
            key=lambda m: (str(m), m.language or ""),
        )
    )
    component = results_graph.value(result, SH.sourceConstraintComponent)
    details = (
        _violation(detail, results_graph, data_graph)
        for detail in results_graph.objects(result, SH.detail)
    )
    return Violation(
        focus=focus,
        path=results_graph.value(result, SH.resultPath),
        value=results_graph.value(result, SH.value),
        message="; ".join(sorted({str(m) for m in messages}))
        or _local_name(component)
        or "does not conform",
        severity=severity_name(results_graph.value(result, SH.resultSeverity)),
        shape=results_graph.value(result, SH.sourceShape),
        component=component,
        focus_label=_label(focus, data_graph),
        details=tuple(sorted(details, key=Violation.sort_key)),
        messages=messages,
    )


def _label(node: Node, graph: Graph) -> str | None:
    """Pick one label of a node deterministically: by property order, then English first."""
    for predicate in _LABEL_PROPERTIES:
        labels = [o for o in graph.objects(node, predicate) if isinstance(o, RdfLiteral)]
        if labels:
            return str(min(labels, key=lambda o: (o.language not in (None, "en"), str(o))))
    return None


def _local_name(node: Node | None) -> str:
    """Return the part of an IRI after its last ``#`` or ``/``."""
    if not isinstance(node, URIRef):
        return ""
    return str(node).rsplit("#", 1)[-1].rsplit("/", 1)[-1]
