"""Check a graph against the SHACL shapes and report what is wrong, in curators' words."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from rdflib import DCTERMS, RDF, RDFS, SH, SKOS, BNode, Graph, URIRef
from rdflib import Literal as RdfLiteral
from rdflib.collection import Collection
from rdflib.namespace import NamespaceManager
from rdflib.term import Node

from kg.errors import KgError
from kg.io import GraphSource, load, source_list
from kg.namespaces import SCHEMA
from kg.progress import progress as progress_bar
from kg.resources import ontology_files, shape_files

__all__ = [
    "Severity",
    "ValidationReport",
    "Violation",
    "load_shapes",
    "validate",
]

#: The SHACL severities, by the local name of ``sh:Violation``, ``sh:Warning`` and ``sh:Info``.
Severity = Literal["Violation", "Warning", "Info"]

_SEVERITIES: dict[Node | None, Severity] = {
    SH.Violation: "Violation",
    SH.Warning: "Warning",
    SH.Info: "Info",
}
_RANK: dict[Severity, int] = {"Violation": 0, "Warning": 1, "Info": 2}
_NOUNS: dict[Severity, str] = {
    "Violation": "violation",
    "Warning": "warning",
    "Info": "info message",
}
# Where a focus node's name is looked up, in this order.
_LABEL_PROPERTIES = (RDFS.label, SKOS.prefLabel, DCTERMS.title, SCHEMA.name)
_PATH_OPERATORS = {
    SH.zeroOrMorePath: "*",
    SH.oneOrMorePath: "+",
    SH.zeroOrOnePath: "?",
}


@dataclass(frozen=True)
class Violation:
    """One `SHACL validation result <https://www.w3.org/TR/shacl/#results-validation-result>`_.

    Despite the name, a result may also be a warning or an info: see :attr:`severity`.

    :param focus: The node that does not fit the shape (``sh:focusNode``).
    :param path: The property path that was checked (``sh:resultPath``), if any.
    :param value: The offending value (``sh:value``), if any.
    :param message: What is wrong (``sh:resultMessage``), several messages joined by ``"; "``.
    :param severity: ``"Violation"``, ``"Warning"`` or ``"Info"``; a custom severity counts
        as ``"Violation"``.
    :param shape: The shape that produced the result (``sh:sourceShape``).
    :param component: The constraint component (``sh:sourceConstraintComponent``).
    :param focus_label: A name of the focus node in the validated graph, if it has one: its
        ``rdfs:label``, else ``skos:prefLabel``, ``dcterms:title`` or ``schema:name``.
    """

    focus: Node
    path: Node | None
    value: Node | None
    message: str
    severity: Severity
    shape: Node | None
    component: Node | None
    focus_label: str | None = None

    def sort_key(self) -> tuple[int, str, str, str, str, str, str]:
        """Return what reports are sorted by: severity, then focus, path, value and message.

        Terms are compared as written, and blank nodes all alike, so two runs (or pySHACL and
        the Oxigraph path) list the same results in the same order.

        >>> from rdflib import URIRef
        >>> warning = Violation(URIRef("urn:a"), None, None, "late", "Warning", None, None)
        >>> violation = Violation(URIRef("urn:b"), None, None, "missing", "Violation", None, None)
        >>> [v.message for v in sorted([warning, violation], key=Violation.sort_key)]
        ['missing', 'late']
        """
        return (
            _RANK[self.severity],
            _show(self.focus, None),
            _show(self.path, None),
            _show(self.value, None),
            self.message,
            _show(self.component, None),
            _show(self.shape, None),
        )


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of :func:`validate`.

    :param conforms: ``False`` only if at least one result has severity ``sh:Violation``;
        warnings and infos do not fail validation.
    :param violations: Every result (violations, warnings, infos), sorted by severity, focus
        node, path, value and message.
    :param results_graph: pySHACL's `validation report
        <https://www.w3.org/TR/shacl/#validation-report>`_ graph, with the prefixes of the
        validated graph bound.
    :param triples: How many triples were checked (data plus ontology).
    """

    conforms: bool
    violations: tuple[Violation, ...]
    results_graph: Graph
    triples: int = 0

    def text(self) -> str:
        """Render the report for curators: a summary line, then one block per result.

        :returns: Plain text; without any result it is the single line
            ``Conforms: N triples checked, no violations.``

        >>> ValidationReport(True, (), Graph(), triples=3).text()
        'Conforms: 3 triples checked, no violations.'
        """
        counts = dict.fromkeys(_RANK, 0)
        for violation in self.violations:
            counts[violation.severity] += 1
        parts = [_plural(counts[s], noun) for s, noun in _NOUNS.items() if counts[s]]
        if not counts["Violation"]:
            parts.insert(0, "no violations")
        status = "Conforms" if self.conforms else "Does not conform"
        lines = [f"{status}: {_plural(self.triples, 'triple')} checked, {', '.join(parts)}."]
        names = self.results_graph.namespace_manager
        for violation in self.violations:
            focus = _show(violation.focus, names)
            if violation.focus_label:
                focus += f' ("{violation.focus_label}")'
            lines += ["", f"[{violation.severity}] {focus}"]
            fields = [
                ("path", _show_path(violation.path, self.results_graph)),
                ("value", _show(violation.value, names)),
                ("message", violation.message),
                (
                    "shape",
                    "" if isinstance(violation.shape, BNode) else _show(violation.shape, names),
                ),
                ("component", _show(violation.component, names)),
            ]
            lines += [f"  {key + ':':<11}{text}" for key, text in fields if text]
        return "\n".join(lines)


def validate(
    data: GraphSource | Sequence[GraphSource],
    *,
    shapes: GraphSource | Sequence[GraphSource] | None = None,
    ontology: bool = True,
    engine: Literal["pyshacl", "oxigraph"] = "pyshacl",
    progress: bool | None = None,
) -> ValidationReport:
    """Validate RDF data against SHACL shapes (`SHACL <https://www.w3.org/TR/shacl/>`_).

    pySHACL runs with SHACL-SPARQL constraints enabled (``advanced=True``) and without
    RDFS inference. Class targets still reach subclasses, because the ontology, and with
    it every ``rdfs:subClassOf``, is merged into a copy of the data before validating.
    The caller's graphs are never changed.

    :param data: A graph, a file, a folder of ``*.ttl`` files, or a list of these.
    :param shapes: The shapes to use (same kinds of input); by default every bundled
        shapes file (:func:`kg.resources.shape_files`).
    :param ontology: Merge the bundled ontology into the data before validating.
    :returns: The report; see :class:`ValidationReport`.
    :raises kg.errors.InputError: If a data or shapes file cannot be read.
    :param engine: ``"pyshacl"`` (the reference) or ``"oxigraph"``: the shapes compiled to
        SPARQL and run on pyoxigraph, with the same results, many times faster on large
        graphs (:func:`kg.fastvalidate.validate_fast`).
    :param progress: Show a progress bar on stderr: ``None`` (default) only if stderr is a
        terminal, ``True`` always, ``False`` never. One step per phase with pySHACL (data,
        shapes, validation), one per compiled check with ``"oxigraph"``.
    :raises KgError: If there are no shapes, or pySHACL cannot use them.

    >>> from rdflib import Graph
    >>> shapes = Graph().parse(format="turtle", data='''
    ...     @prefix sh: <http://www.w3.org/ns/shacl#> .
    ...     @prefix ex: <http://example.org/> .
    ...     ex:NameShape a sh:NodeShape ; sh:targetClass ex:Drug ;
    ...         sh:property [ sh:path ex:name ; sh:minCount 1 ] .''')
    >>> data = Graph().parse(format="turtle", data='''
    ...     @prefix ex: <http://example.org/> .
    ...     ex:a a ex:Drug ; ex:name "A" .
    ...     ex:b a ex:Drug .''')
    >>> report = validate(data, shapes=shapes, ontology=False, progress=False)
    >>> report.conforms
    False
    >>> [(str(v.focus), v.severity) for v in report.violations]
    [('http://example.org/b', 'Violation')]
    """
    if engine == "oxigraph":
        from kg.fastvalidate import validate_fast

        return validate_fast(data, shapes=shapes, ontology=ontology, progress=progress)
    sources = source_list(data)
    if ontology:
        sources += ontology_files()
    phases = progress_bar(("data", "shapes", "pySHACL"), label="validating", enabled=progress)
    try:
        next(phases)  # the bar steps as each phase ends
        data_graph = load(*sources)
        next(phases)
        shapes_graph = load_shapes(shapes)
        next(phases)
        triples = len(data_graph)  # before SHACL rules (advanced mode) can add to it
        results_graph = _run_pyshacl(data_graph, shapes_graph)
        next(phases, None)  # the last phase: the bar is full
    finally:
        phases.close()  # on an error, the bar's line ends where it stopped
    for prefix, namespace in data_graph.namespaces():
        results_graph.bind(prefix, namespace, override=False)
    violations = tuple(
        sorted(
            (_violation(result, results_graph, data_graph) for result in _results(results_graph)),
            key=Violation.sort_key,
        )
    )
    return ValidationReport(
        conforms=all(v.severity != "Violation" for v in violations),
        violations=violations,
        results_graph=results_graph,
        triples=triples,
    )


def _run_pyshacl(data_graph: Graph, shapes_graph: Graph) -> Graph:
    """Run pySHACL in place on our own copy of the data; return its results graph."""
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
        raise KgError(f"cannot validate with these shapes: {error.message}") from error
    if not isinstance(results_graph, Graph):
        raise KgError("pySHACL returned no results graph")
    return results_graph


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
    graph = load(*(shape_files() if shapes is None else source_list(shapes)))
    if not any(str(p).startswith(str(SH)) for p in graph.predicates(unique=True)):
        raise KgError("no SHACL shapes to validate against (no triple uses the sh: vocabulary)")
    return graph


def _results(results_graph: Graph) -> list[Node]:
    """List the validation result nodes of a SHACL report graph."""
    return list(results_graph.subjects(RDF.type, SH.ValidationResult, unique=True))


def _violation(result: Node, results_graph: Graph, data_graph: Graph) -> Violation:
    """Read one ``sh:ValidationResult`` into a :class:`Violation`."""
    focus = results_graph.value(result, SH.focusNode)
    if focus is None:  # not valid SHACL, but let us not crash on it
        focus = BNode()
    messages = sorted({str(m) for m in results_graph.objects(result, SH.resultMessage)})
    component = results_graph.value(result, SH.sourceConstraintComponent)
    return Violation(
        focus=focus,
        path=results_graph.value(result, SH.resultPath),
        value=results_graph.value(result, SH.value),
        message="; ".join(messages) or _local_name(component) or "does not conform",
        severity=_SEVERITIES.get(results_graph.value(result, SH.resultSeverity), "Violation"),
        shape=results_graph.value(result, SH.sourceShape),
        component=component,
        focus_label=_label(focus, data_graph),
    )


def _label(node: Node, graph: Graph) -> str | None:
    """Pick one label of a node deterministically: by property order, then English first."""
    for predicate in _LABEL_PROPERTIES:
        labels = [o for o in graph.objects(node, predicate) if isinstance(o, RdfLiteral)]
        if labels:
            return str(min(labels, key=lambda o: (o.language not in (None, "en"), str(o))))
    return None


def _show(node: Node | None, names: NamespaceManager | None) -> str:
    """Render a term in Turtle form, shortened with the prefixes (blank nodes have no name)."""
    if node is None:
        return ""
    if isinstance(node, BNode):
        return "[blank node]"
    if isinstance(node, URIRef | RdfLiteral):
        return node.n3(names)
    return str(node)


def _show_path(path: Node | None, graph: Graph) -> str:
    """Render a `SHACL property path <https://www.w3.org/TR/shacl/#property-paths>`_."""
    if not isinstance(path, BNode):
        return _show(path, graph.namespace_manager)
    if graph.value(path, RDF.first) is not None:  # sequence path
        return "/".join(_show_path(step, graph) for step in Collection(graph, path))
    inverse = graph.value(path, SH.inversePath)
    if inverse is not None:
        return "^" + _show_path(inverse, graph)
    alternatives = graph.value(path, SH.alternativePath)
    if alternatives is not None:
        return "(" + "|".join(_show_path(a, graph) for a in Collection(graph, alternatives)) + ")"
    for operator, symbol in _PATH_OPERATORS.items():
        inner = graph.value(path, operator)
        if inner is not None:
            return "(" + _show_path(inner, graph) + ")" + symbol
    return "[complex path]"


def _local_name(node: Node | None) -> str:
    """Return the part of an IRI after its last ``#`` or ``/``."""
    if not isinstance(node, URIRef):
        return ""
    return str(node).rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _plural(count: int, noun: str) -> str:
    """Write a count with its noun, adding an ``s`` unless the count is one."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
