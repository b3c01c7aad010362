"""A validation report: each result in curators' words, as text, JSON or a SHACL report graph."""

from __future__ import annotations

import io
import json
import logging
import re
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Literal

import rdflib
from rdflib import RDF, SH, XSD, BNode, Graph, URIRef
from rdflib import Literal as RdfLiteral
from rdflib.collection import Collection
from rdflib.namespace import NamespaceManager
from rdflib.plugins.serializers.turtle import TurtleSerializer
from rdflib.term import Node

__all__ = [
    "Severity",
    "ValidationReport",
    "Violation",
    "as_written",
    "report_graph",
    "severity_name",
]

#: The SHACL severities, by the local name of ``sh:Violation``, ``sh:Warning`` and ``sh:Info``.
Severity = Literal["Violation", "Warning", "Info"]

_SEVERITIES: dict[Node | None, Severity] = {
    SH.Violation: "Violation",
    SH.Warning: "Warning",
    SH.Info: "Info",
}
_RANK: dict[str, int] = {"Violation": 0, "Warning": 1, "Info": 2}
# Where a focus node's name is looked up, in this order.
_PATH_OPERATORS = {
    SH.zeroOrMorePath: "*",
    SH.oneOrMorePath: "+",
    SH.zeroOrOnePath: "?",
}


def severity_name(severity: Node | None) -> str:
    """Name a ``sh:resultSeverity``: the local name of the three SHACL ones, else the IRI.

    A shape may declare any IRI as its severity (a custom severity); it is kept as it is.

    >>> severity_name(SH.Warning)
    'Warning'
    >>> severity_name(URIRef("http://example.org/Blocker"))
    'http://example.org/Blocker'
    """
    if severity in _SEVERITIES:
        return _SEVERITIES[severity]
    return "Violation" if severity is None else str(severity)


def _severity_iri(name: str) -> URIRef:
    """Return the IRI of a severity named by :func:`severity_name`."""
    return SH[name] if name in _RANK else URIRef(name)


@dataclass(frozen=True)
class Violation:
    """One `SHACL validation result <https://www.w3.org/TR/shacl/#results-validation-result>`_.

    Despite the name, a result may also be a warning or an info: see :attr:`severity`.

    :param focus: The node that does not fit the shape (``sh:focusNode``).
    :param path: The property path that was checked (``sh:resultPath``), if any.
    :param value: The offending value (``sh:value``), if any.
    :param message: What is wrong (``sh:resultMessage``), several messages joined by ``"; "``.
    :param severity: ``"Violation"``, ``"Warning"`` or ``"Info"``, or the IRI of a custom
        severity (``sh:resultSeverity``, see :func:`severity_name`).
    :param shape: The shape that produced the result (``sh:sourceShape``).
    :param component: The constraint component (``sh:sourceConstraintComponent``).
    :param focus_label: A name of the focus node in the validated graph, if it has one: its
        ``rdfs:label``, else ``skos:prefLabel``, ``dcterms:title`` or ``schema:name``.
    :param details: The nested results (``sh:detail``) that explain this one; they are not
        results of the report themselves.
    :param messages: The ``sh:resultMessage`` literals as the report gives them (language
        tags kept); :attr:`message` is their text.
    """

    focus: Node
    path: Node | None
    value: Node | None
    message: str
    severity: str
    shape: Node | None
    component: Node | None
    focus_label: str | None = None
    details: tuple[Violation, ...] = ()
    messages: tuple[RdfLiteral, ...] = ()

    def sort_key(self) -> tuple[int, str, str, str, str, str, str, str]:
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
            _RANK.get(self.severity, -1),  # a custom severity first: it is the shape's word
            self.severity,
            _show(self.focus, None),
            _show(self.path, None),
            _show(self.value, None),
            self.message,
            _show(self.component, None),
            _show(self.shape, None),
        )

    def at_least(self, severity: Severity) -> bool:
        """Tell whether this result is as grave as ``severity`` or graver.

        A custom severity counts as a violation.

        >>> Violation(URIRef("urn:a"), None, None, "late", "Warning", None, None).at_least("Info")
        True
        """
        return _RANK.get(self.severity, 0) <= _RANK[severity]


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of :func:`validate`, a SHACL validation report.

    See `the specification <https://www.w3.org/TR/shacl/#validation-report>`_.

    :param conforms: As the SHACL specification defines it: ``True`` only if there is no
        result at all, of any severity (a warning or an info makes it ``False``). Whether
        warnings should fail a check is the caller's policy: see :meth:`fails`.
    :param violations: Every top-level result (violations, warnings, infos, custom
        severities), sorted by severity, focus node, path, value and message; nested
        ``sh:detail`` results are inside their parent (:attr:`Violation.details`).
    :param results_graph: The W3C ``sh:ValidationReport`` graph of these results (the same
        for both engines), with the prefixes of the validated graph bound.
    :param triples: How many triples were checked (data plus ontology).
    """

    conforms: bool
    violations: tuple[Violation, ...]
    results_graph: Graph
    triples: int = 0

    def fails(self, *, fail_on: Severity = "Violation") -> bool:
        """Tell whether a result is as grave as ``fail_on``: the exit-code policy of a check.

        >>> ValidationReport(True, (), Graph()).fails()
        False
        """
        return any(v.at_least(fail_on) for v in self.violations)

    def about(self, nodes: set[Node]) -> ValidationReport:
        """Keep only the results whose focus node is one of ``nodes``.

        >>> ValidationReport(True, (), Graph(), triples=3).about(set()).conforms
        True
        """
        kept = tuple(v for v in self.violations if v.focus in nodes)
        graph = report_graph(kept, conforms=not kept, sources=[self.results_graph])
        for prefix, namespace in self.results_graph.namespaces():
            graph.bind(prefix, namespace, override=False)
        return ValidationReport(not kept, kept, graph, self.triples)

    def text(self, *, severity: Severity = "Info") -> str:
        """Render the report for curators: a summary line, then one block per result.

        :param severity: Show only results this grave or graver (the summary counts all).
        :returns: Plain text; without any result it is the single line
            ``Conforms: N triples checked, no violations.``

        >>> ValidationReport(True, (), Graph(), triples=3).text()
        'Conforms: 3 triples checked, no violations.'
        """
        counts: dict[str, int] = dict.fromkeys(_RANK, 0)
        for violation in self.violations:
            counts[violation.severity] = counts.get(violation.severity, 0) + 1
        parts = [_plural(n, _noun(s)) for s, n in counts.items() if n]
        if not counts["Violation"]:
            parts.insert(0, "no violations")
        status = "Conforms" if self.conforms else "Does not conform"
        lines = [f"{status}: {_plural(self.triples, 'triple')} checked, {', '.join(parts)}."]
        names = self.results_graph.namespace_manager
        for violation in self.violations:
            if violation.at_least(severity):
                lines += ["", *self._block(violation, names, "")]
        return "\n".join(lines)

    def _block(self, violation: Violation, names: NamespaceManager, indent: str) -> list[str]:
        """Write the lines of one result, its details indented under it."""
        focus = _show(violation.focus, names)
        if violation.focus_label:
            focus += f' ("{violation.focus_label}")'
        lines = [f"{indent}[{violation.severity}] {focus}"]
        fields = [
            ("path", _show_path(violation.path, self.results_graph)),
            ("value", _show(violation.value, names)),
            ("message", violation.message),
            ("shape", "" if isinstance(violation.shape, BNode) else _show(violation.shape, names)),
            ("component", _show(violation.component, names)),
        ]
        lines += [f"{indent}  {key + ':':<11}{text}" for key, text in fields if text]
        for detail in violation.details:
            lines += [f"{indent}  detail:", *self._block(detail, names, indent + "    ")]
        return lines

    def json(self, *, severity: Severity = "Info") -> str:
        """Render the report as JSON for scripts: ``conforms``, counts and the results.

        Terms are written as in Turtle (IRIs in ``<>``, literals quoted with their datatype),
        a blank node as ``"[blank node]"``, a path in SPARQL property-path syntax.

        :param severity: List only results this grave or graver (the counts count all).

        >>> print(ValidationReport(True, (), Graph(), triples=3).json())
        {
          "conforms": true,
          "triples": 3,
          "counts": {},
          "results": []
        }
        """
        counts: dict[str, int] = {}
        for violation in self.violations:
            counts[violation.severity] = counts.get(violation.severity, 0) + 1
        document = {
            "conforms": self.conforms,
            "triples": self.triples,
            "counts": counts,
            "results": [self._json(v) for v in self.violations if v.at_least(severity)],
        }
        return json.dumps(document, indent=2, ensure_ascii=False)

    def _json(self, violation: Violation) -> dict[str, Any]:
        return {
            "severity": violation.severity,
            "focus": _show(violation.focus, None),
            "focusLabel": violation.focus_label,
            "path": _show_path(violation.path, self.results_graph) or None,
            "value": _show(violation.value, None) or None,
            "message": violation.message,
            "shape": _show(violation.shape, None) or None,
            "component": _show(violation.component, None) or None,
            "details": [self._json(d) for d in violation.details],
        }

    def turtle(self) -> str:
        """Render the W3C ``sh:ValidationReport`` graph in Turtle, for other SHACL tools.

        >>> print(ValidationReport(True, (), report_graph((), conforms=True)).turtle(), end="")
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        <BLANKLINE>
        [] a sh:ValidationReport ;
            sh:conforms true .
        <BLANKLINE>
        """
        stream = io.BytesIO()
        _AsWrittenTurtle(self.results_graph).serialize(stream, encoding="utf-8")
        return stream.getvalue().decode("utf-8")


# Literals that Turtle may write bare, when their lexical form is the bare token itself.
_PLAIN = {
    XSD.boolean: r"true|false",
    XSD.integer: r"[+-]?[0-9]+",
    XSD.decimal: r"[+-]?[0-9]*\.[0-9]+",
}


class _AsWrittenTurtle(TurtleSerializer):
    """Turtle with every typed literal in its full, quoted form, exactly as written.

    rdflib's own Turtle writes numbers and booleans bare, from their value: ``"01"`` of
    ``xsd:integer`` would come out as ``1``, an ill-formed ``"none"^^xsd:boolean`` as
    ``none``, which is not Turtle.
    """

    def label(self, node: Node, position: int) -> str:
        """Write one term; a literal always quoted, with its datatype or language."""
        if isinstance(node, RdfLiteral):
            plain = _PLAIN.get(node.datatype)  # type: ignore[arg-type]
            if plain is not None and re.fullmatch(plain, str(node)):
                return str(node)  # Turtle's own short form, the same lexical form
            return node._literal_n3(  # the one way to keep rdflib's prefixes
                use_plain=False, qname_callback=lambda dt: self.get_pname(dt, False)
            )
        return super().label(node, position)


def report_graph(
    violations: Sequence[Violation], *, conforms: bool, sources: Sequence[Graph] = ()
) -> Graph:
    """Write results as a W3C ``sh:ValidationReport`` graph, details nested under ``sh:detail``.

    A blank-node path (a sequence, an inverse ...) is copied with its structure from the
    first of ``sources`` that describes it (the shapes graph, or pySHACL's report).

    :param violations: The top-level results.
    :param conforms: The report's ``sh:conforms``.
    :param sources: Graphs that describe blank-node paths.
    :returns: A new graph; blank nodes are numbered in order, so the output is stable.

    >>> len(report_graph((), conforms=True))
    2
    """
    graph = Graph(bind_namespaces="core")
    graph.bind("sh", SH)
    report = BNode("report")
    graph.add((report, RDF.type, SH.ValidationReport))
    graph.add((report, SH.conforms, RdfLiteral(conforms)))
    counter = iter(range(10**9))
    for violation in violations:
        graph.add((report, SH.result, _add_result(graph, violation, sources, counter)))
    return graph


def _add_result(
    graph: Graph, violation: Violation, sources: Sequence[Graph], counter: Iterator[int]
) -> BNode:
    """Add one result (and its details) to a report graph; return its node."""
    result = BNode(f"result{next(counter):06d}")
    graph.add((result, RDF.type, SH.ValidationResult))
    graph.add((result, SH.focusNode, violation.focus))
    graph.add((result, SH.resultSeverity, _severity_iri(violation.severity)))
    for message in violation.messages or (RdfLiteral(violation.message),):
        graph.add((result, SH.resultMessage, message))
    for key, term in (
        (SH.value, violation.value),
        (SH.sourceShape, violation.shape),
        (SH.sourceConstraintComponent, violation.component),
    ):
        if term is not None:
            graph.add((result, key, term))
    if violation.path is not None:
        graph.add((result, SH.resultPath, violation.path))
        _copy_structure(violation.path, sources, graph)
    for detail in violation.details:
        graph.add((result, SH.detail, _add_result(graph, detail, sources, counter)))
    return result


def _copy_structure(node: Node, sources: Sequence[Graph], graph: Graph) -> None:
    """Copy the triples that describe a blank node (a path), blank objects included."""
    if not isinstance(node, BNode):
        return
    for source in sources:
        if (node, None, None) in source:
            for predicate, obj in source.predicate_objects(node):
                graph.add((node, predicate, obj))
                _copy_structure(obj, (source,), graph)
            return


@contextmanager
def as_written() -> Iterator[None]:
    """Keep literals as written while rdflib parses: ``"01"^^xsd:integer`` stays ``"01"``.

    By default rdflib rewrites a literal into its canonical form, so an ill-formed
    ``"none"^^xsd:boolean`` would reach SHACL as a well-formed ``"false"``, and it logs a
    traceback for every literal it cannot convert. Inside this block neither happens.

    >>> text = '<urn:a> <urn:p> "01"^^<http://www.w3.org/2001/XMLSchema#integer> .'
    >>> with as_written():
    ...     g = Graph().parse(data=text, format="nt")
    >>> [str(o) for o in g.objects()]
    ['01']
    """
    normalize = rdflib.NORMALIZE_LITERALS
    logger = logging.getLogger("rdflib.term")
    level = logger.level
    rdflib.NORMALIZE_LITERALS = False
    logger.setLevel(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="Parsing weird boolean")
            yield
    finally:
        rdflib.NORMALIZE_LITERALS = normalize
        logger.setLevel(level)


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


def _noun(severity: str) -> str:
    """Name a result of a severity in the summary line."""
    return {"Violation": "violation", "Warning": "warning", "Info": "info message"}.get(
        severity, f"<{severity}> result"
    )


def _plural(count: int, noun: str) -> str:
    """Write a count with its noun, adding an ``s`` unless the count is one."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
