"""Validate with the SHACL shapes compiled to SPARQL and run on Oxigraph: pySHACL's results."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from rdflib import RDF, RDFS, SH, XSD, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from kg.errors import KgError
from kg.io import GraphSource, source_list
from kg.oxigraph import to_rdflib
from kg.progress import progress as progress_bar
from kg.resources import ontology_files
from kg.stores import bulk_load
from kg.validation import (
    Severity,
    ValidationReport,
    Violation,
    load_shapes,
)

__all__ = [
    "UnsupportedShapeError",
    "compile_shapes",
    "validate_fast",
]

# Keys a node shape or a property shape may carry that need no checking of their own.
_INERT = {
    RDF.type, RDFS.label, RDFS.comment, SH.message, SH.severity, SH.name, SH.description,
    SH.order, SH.group, SH.declare,
}
_NODE_KEYS = _INERT | {
    SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode, SH.property, SH.sparql,
}
_PROPERTY_KEYS = _INERT | {
    SH.path, SH.minCount, SH.maxCount, SH["class"], SH.datatype, SH.pattern, SH["in"],
    SH.minInclusive, SH.maxInclusive, SH.minExclusive, SH.maxExclusive, SH.nodeKind,
    SH.lessThanOrEquals, SH["or"],
}
_SPARQL_KEYS = {RDF.type, SH.message, SH.select, SH.prefixes, SH.severity, SH.deactivated}
_COMPARISONS = {
    SH.minInclusive: ">=",
    SH.maxInclusive: "<=",
    SH.minExclusive: ">",
    SH.maxExclusive: "<",
}
_NODE_KINDS: dict[Node, str] = {
    SH.IRI: "isIRI(?v)",
    SH.BlankNode: "isBlank(?v)",
    SH.Literal: "isLiteral(?v)",
    SH.BlankNodeOrIRI: "(isBlank(?v) || isIRI(?v))",
    SH.BlankNodeOrLiteral: "(isBlank(?v) || isLiteral(?v))",
    SH.IRIOrLiteral: "(isIRI(?v) || isLiteral(?v))",
}
_SUBCLASS = f"<{RDF.type}>/<{RDFS.subClassOf}>*"


class UnsupportedShapeError(KgError):
    """A shape uses a SHACL feature that the fast validator does not compile."""


@dataclass(frozen=True)
class CompiledCheck:
    """One SPARQL query that lists the results of one constraint of one shape.

    The query projects ``?this`` and, when the constraint has one, ``?value`` (plus any
    variable a SHACL-SPARQL message mentions).

    :param query: The SPARQL SELECT text.
    :param shape: The shape the results name as ``sh:sourceShape``.
    :param component: The constraint component (``sh:sourceConstraintComponent``).
    :param path: The property path (``sh:resultPath``), for property shapes.
    :param severity: The severity IRI (``sh:Violation`` unless the shape says otherwise).
    :param messages: The shape's ``sh:message`` literals; ``{?var}`` is filled in.
    """

    query: str
    shape: Node
    component: URIRef
    path: URIRef | None
    severity: URIRef
    messages: tuple[Literal, ...]


def compile_shapes(shapes: Graph) -> list[CompiledCheck]:
    """Compile every shape of a shapes graph into SPARQL queries, one per constraint.

    :param shapes: The SHACL shapes graph.
    :returns: The checks, in a deterministic order.
    :raises UnsupportedShapeError: If a shape uses anything this compiler does not
        translate (for example a complex path or ``sh:node``): nothing is ever skipped.

    >>> shapes = Graph().parse(format="turtle", data='''
    ...     @prefix sh: <http://www.w3.org/ns/shacl#> .
    ...     @prefix ex: <http://example.org/> .
    ...     ex:S a sh:NodeShape ; sh:targetClass ex:Drug ;
    ...         sh:property [ sh:path ex:name ; sh:minCount 1 ] .''')
    >>> [str(check.component) for check in compile_shapes(shapes)]
    ['http://www.w3.org/ns/shacl#MinCountConstraintComponent']
    >>> bad = Graph().parse(format="turtle", data='''
    ...     @prefix sh: <http://www.w3.org/ns/shacl#> .
    ...     @prefix ex: <http://example.org/> .
    ...     ex:S a sh:NodeShape ; sh:targetClass ex:Drug ; sh:closed true .''')
    >>> compile_shapes(bad)
    Traceback (most recent call last):
    ...
    kg.fastvalidate.UnsupportedShapeError: shape <http://example.org/S>: sh:closed is not supported by the fast validator (use engine="pyshacl")
    """  # noqa: E501
    checks: list[CompiledCheck] = []
    node_shapes = set(shapes.subjects(RDF.type, SH.NodeShape))
    for key in (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode,
                SH.property, SH.sparql):
        node_shapes |= set(shapes.subjects(key, None))
    if set(shapes.subjects(RDF.type, SH.PropertyShape)) - set(shapes.objects(None, SH.property)):
        raise UnsupportedShapeError("a top-level sh:PropertyShape is not supported")
    for shape in sorted(node_shapes, key=str):
        checks += _compile_node_shape(shapes, shape)
    return checks


def _compile_node_shape(shapes: Graph, shape: Node) -> list[CompiledCheck]:
    """Compile one node shape with its property shapes and SPARQL constraints."""
    _check_keys(shapes, shape, _NODE_KEYS)
    if _true(shapes.value(shape, SH.deactivated)):
        return []
    if (shape, RDF.type, RDFS.Class) in shapes or (shape, RDF.type, URIRef(
        "http://www.w3.org/2002/07/owl#Class"
    )) in shapes:
        raise UnsupportedShapeError(f"shape {_n3(shape)}: implicit class targets are not supported")
    focus = _focus_pattern(shapes, shape)
    if focus is None:
        return []
    checks: list[CompiledCheck] = []
    for prop in sorted(shapes.objects(shape, SH.property), key=str):
        checks += _compile_property_shape(shapes, prop, focus)
    prefixes = _prefixes(shapes, shape)
    for constraint in sorted(shapes.objects(shape, SH.sparql), key=str):
        _check_keys(shapes, constraint, _SPARQL_KEYS)
        if _true(shapes.value(constraint, SH.deactivated)):
            continue
        select = shapes.value(constraint, SH.select)
        if select is None:
            raise UnsupportedShapeError(f"shape {_n3(shape)}: sh:sparql without sh:select")
        local = _prefixes(shapes, constraint) or prefixes
        checks.append(
            CompiledCheck(
                query=local + _inject_focus(str(select), focus, shape),
                shape=shape,
                component=SH.SPARQLConstraintComponent,
                path=None,
                severity=_severity(shapes, shape),
                messages=_messages(shapes, constraint),
            )
        )
    return checks


def _compile_property_shape(  # noqa: C901 - one branch per constraint component
    shapes: Graph, prop: Node, focus: str
) -> list[CompiledCheck]:
    """Compile the constraints of one property shape."""
    _check_keys(shapes, prop, _PROPERTY_KEYS)
    path = shapes.value(prop, SH.path)
    if not isinstance(path, URIRef):
        raise UnsupportedShapeError(
            f"property shape {_n3(prop)}: only a single predicate is supported as sh:path"
        )
    values = f"{focus} ?this {_n3(path)} ?v ."

    def check(
        component: str, where: str, *, value: bool = True, tail: str = "", pairs: bool = False
    ) -> CompiledCheck:
        # sh:lessThanOrEquals reports one result per failing pair of values, as pySHACL does.
        head = "SELECT DISTINCT ?this ?v" if value else "SELECT DISTINCT ?this"
        head += " ?w" if pairs else ""
        return CompiledCheck(
            query=f"{head} WHERE {{ {where} }}{tail}",
            shape=prop,
            component=SH[component],
            path=path,
            severity=_severity(shapes, prop),
            messages=_messages(shapes, prop),
        )

    checks: list[CompiledCheck] = []
    min_count = _integer(shapes, prop, SH.minCount)
    if min_count == 1:
        where = f"{focus} FILTER NOT EXISTS {{ ?this {_n3(path)} ?any }}"
        checks.append(check("MinCountConstraintComponent", where, value=False))
    elif min_count is not None and min_count > 1:
        where = f"{focus} OPTIONAL {{ ?this {_n3(path)} ?v }}"
        tail = f" GROUP BY ?this HAVING (COUNT(DISTINCT ?v) < {min_count})"
        checks.append(check("MinCountConstraintComponent", where, value=False, tail=tail))
    max_count = _integer(shapes, prop, SH.maxCount)
    if max_count is not None:
        tail = f" GROUP BY ?this HAVING (COUNT(DISTINCT ?v) > {max_count})"
        checks.append(check("MaxCountConstraintComponent", values, value=False, tail=tail))
    for cls in shapes.objects(prop, SH["class"]):
        where = f"{values} FILTER NOT EXISTS {{ ?v {_SUBCLASS} {_n3(cls)} }}"
        checks.append(check("ClassConstraintComponent", where))
    for datatype in shapes.objects(prop, SH.datatype):
        where = f"{values} FILTER (!{_has_datatype(datatype)})"
        checks.append(check("DatatypeConstraintComponent", where))
    for pattern in shapes.objects(prop, SH.pattern):
        if shapes.value(prop, SH.flags) is not None:
            raise UnsupportedShapeError(f"property shape {_n3(prop)}: sh:flags is not supported")
        where = f"{values} FILTER (isBlank(?v) || !REGEX(STR(?v), {_n3(pattern)}))"
        checks.append(check("PatternConstraintComponent", where))
    for members in shapes.objects(prop, SH["in"]):
        allowed = " || ".join(f"sameTerm(?v, {_n3(m)})" for m in Collection(shapes, members))
        where = f"{values} FILTER (!({allowed or 'false'}))"
        checks.append(check("InConstraintComponent", where))
    for key, operator in _COMPARISONS.items():
        for bound in shapes.objects(prop, key):
            where = f"{values} FILTER (!COALESCE(?v {operator} {_n3(bound)}, false))"
            name = str(key).rsplit("#", 1)[-1]
            checks.append(check(f"{name[0].upper()}{name[1:]}ConstraintComponent", where))
    for kind in shapes.objects(prop, SH.nodeKind):
        if kind not in _NODE_KINDS:
            raise UnsupportedShapeError(f"property shape {_n3(prop)}: unknown sh:nodeKind")
        where = f"{values} FILTER (!{_NODE_KINDS[kind]})"
        checks.append(check("NodeKindConstraintComponent", where))
    for other in shapes.objects(prop, SH.lessThanOrEquals):
        where = (
            f"{values} ?this {_n3(other)} ?w . FILTER (!COALESCE(?v <= ?w, false))"
        )
        checks.append(check("LessThanOrEqualsConstraintComponent", where, pairs=True))
    for alternatives in shapes.objects(prop, SH["or"]):
        tests = []
        for member in Collection(shapes, alternatives):
            keys = set(shapes.predicates(member, None))
            member_type = shapes.value(member, SH.datatype)
            if keys != {SH.datatype} or member_type is None:
                raise UnsupportedShapeError(
                    f"property shape {_n3(prop)}: sh:or is supported only over sh:datatype"
                )
            tests.append(_has_datatype(member_type))
        where = f"{values} FILTER (!({' || '.join(tests) or 'false'}))"
        checks.append(check("OrConstraintComponent", where))
    return checks


def _has_datatype(datatype: Node) -> str:
    """Write a SPARQL test that ``?v`` is a well-formed literal of a datatype."""
    test = f"(isLiteral(?v) && DATATYPE(?v) = {_n3(datatype)})"
    if datatype in (XSD.string, RDF.langString) or not str(datatype).startswith(str(XSD)):
        return test
    # a cast of the lexical form fails (an error, so false) when the literal is ill-formed
    return f"({test} && COALESCE(isLiteral({_n3(datatype)}(STR(?v))), false))"


def _focus_pattern(shapes: Graph, shape: Node) -> str | None:
    """Write a pattern binding ``?this`` to each focus node once (None without targets)."""
    branches = [f"?this {_SUBCLASS} {_n3(c)} ." for c in shapes.objects(shape, SH.targetClass)]
    branches += [f"?this {_n3(p)} [] ." for p in shapes.objects(shape, SH.targetSubjectsOf)]
    branches += [f"[] {_n3(p)} ?this ." for p in shapes.objects(shape, SH.targetObjectsOf)]
    branches += [f"VALUES ?this {{ {_n3(n)} }}" for n in shapes.objects(shape, SH.targetNode)]
    if not branches:
        return None
    union = " UNION ".join(f"{{ {b} }}" for b in sorted(branches))
    return f"{{ SELECT DISTINCT ?this WHERE {{ {union} }} }}"


def _inject_focus(select: str, focus: str, shape: Node) -> str:
    """Put the focus pattern at the start of a SHACL-SPARQL query's outer WHERE clause."""
    text = select.replace("$this", "?this")
    match = re.search(r"\bWHERE\s*\{", text, flags=re.IGNORECASE)
    if match is None or not re.match(r"\s*SELECT\b", text, flags=re.IGNORECASE):
        raise UnsupportedShapeError(f"shape {_n3(shape)}: sh:select must be SELECT ... WHERE {{")
    if re.search(r"\b(MINUS|SERVICE|VALUES)\b|\{\s*SELECT\b", text, flags=re.IGNORECASE):
        raise UnsupportedShapeError(
            f"shape {_n3(shape)}: sh:select with MINUS, SERVICE, VALUES or a sub-query"
            " is not supported"
        )
    return f"{text[: match.end()]} {focus} {text[match.end():]}"


def _prefixes(shapes: Graph, node: Node) -> str:
    """Write the PREFIX lines that ``sh:prefixes`` of a node declares."""
    lines = []
    for owner in shapes.objects(node, SH.prefixes):
        for declaration in shapes.objects(owner, SH.declare):
            prefix = shapes.value(declaration, SH.prefix)
            namespace = shapes.value(declaration, SH.namespace)
            lines.append(f"PREFIX {prefix}: <{namespace}>\n")
    return "".join(sorted(lines))


def _check_keys(shapes: Graph, node: Node, allowed: set[URIRef]) -> None:
    """Fail on any SHACL key of a shape that is not in ``allowed``."""
    for key in set(shapes.predicates(node, None)):
        if str(key).startswith(str(SH)) and key not in allowed:
            local = str(key).rsplit("#", 1)[-1]
            raise UnsupportedShapeError(
                f"shape {_n3(node)}: sh:{local} is not supported by the fast validator"
                ' (use engine="pyshacl")'
            )


def _integer(shapes: Graph, node: Node, key: URIRef) -> int | None:
    value = shapes.value(node, key)
    return None if value is None else int(str(value))


def _true(value: Node | None) -> bool:
    return isinstance(value, Literal) and value.toPython() is True


def _severity(shapes: Graph, node: Node) -> URIRef:
    value = shapes.value(node, SH.severity)
    return value if isinstance(value, URIRef) else SH.Violation


def _messages(shapes: Graph, node: Node) -> tuple[Literal, ...]:
    found = [m for m in shapes.objects(node, SH.message) if isinstance(m, Literal)]
    return tuple(sorted(found, key=str))


def _n3(node: Node) -> str:
    if isinstance(node, URIRef | Literal):
        return node.n3()
    return f"_:{node}"


# ---------------------------------------------------------------------------------------------
# Running the checks
# ---------------------------------------------------------------------------------------------


def validate_fast(
    data: GraphSource | Sequence[GraphSource],
    *,
    shapes: GraphSource | Sequence[GraphSource] | None = None,
    ontology: bool = True,
    progress: bool | None = None,
) -> ValidationReport:
    """Validate like :func:`kg.validation.validate`, with the shapes run as SPARQL on Oxigraph.

    Files are bulk-loaded straight into an in-memory pyoxigraph store (rdflib graphs are
    copied in as N-Triples); every constraint becomes one SPARQL query. The results are
    the same (focus node, path, value, shape, component) as pySHACL's with
    ``inference="none"``; pySHACL stays the reference. Oxigraph stores numbers by value,
    so a literal value comes back in canonical form (``"1.7"`` for ``"1.7000"``).

    :param data: A graph, a file, a folder of ``*.ttl`` files, or a list of these.
    :param shapes: The shapes to use; by default every bundled shapes file.
    :param ontology: Merge the bundled ontology into the data before validating.
    :param progress: Show a progress bar on stderr, one step per compiled check: ``None``
        (default) only if stderr is a terminal, ``True`` always, ``False`` never.
    :returns: A :class:`kg.validation.ValidationReport`.
    :raises UnsupportedShapeError: If a shape uses a feature that is not compiled.
    :raises kg.errors.InputError: If a file cannot be read.

    >>> shapes = Graph().parse(format="turtle", data='''
    ...     @prefix sh: <http://www.w3.org/ns/shacl#> .
    ...     @prefix ex: <http://example.org/> .
    ...     ex:NameShape a sh:NodeShape ; sh:targetClass ex:Drug ;
    ...         sh:property [ sh:path ex:name ; sh:minCount 1 ] .''')
    >>> data = Graph().parse(format="turtle", data='''
    ...     @prefix ex: <http://example.org/> .
    ...     ex:a a ex:Drug ; ex:name "A" .
    ...     ex:b a ex:Drug .''')
    >>> report = validate_fast(data, shapes=shapes, ontology=False, progress=False)
    >>> [(str(v.focus), v.severity) for v in report.violations]
    [('http://example.org/b', 'Violation')]
    """
    from pyoxigraph import Store  # optional dependency: import on first use

    sources = source_list(data)
    if ontology:
        sources += ontology_files()
    shapes_graph = load_shapes(shapes)
    checks = compile_shapes(shapes_graph)
    store = Store()
    for source in sources:
        bulk_load(store, source)
    triples = len(store)
    violations = []
    labels: dict[Node, str | None] = {}
    for check in progress_bar(checks, label="validating", enabled=progress):
        for row in _run(store, check.query):
            focus = row["this"]
            value: Node | None
            if check.component == SH.SPARQLConstraintComponent:
                value = row.get("value", focus)  # as pySHACL: the focus node without ?value
            else:
                value = row.get("v")
            if focus not in labels:
                labels[focus] = _label(store, focus)
            violations.append(
                Violation(
                    focus=focus,
                    path=row.get("path") or check.path,
                    value=value,
                    message="; ".join(sorted({_fill(m, row) for m in check.messages}))
                    or str(check.component).rsplit("#", 1)[-1],
                    severity=_SEVERITY_NAMES.get(check.severity, "Violation"),
                    shape=check.shape,
                    component=check.component,
                    focus_label=labels[focus],
                )
            )
    violations.sort(key=Violation.sort_key)
    conforms = all(v.severity != "Violation" for v in violations)
    return ValidationReport(
        conforms=conforms,
        violations=tuple(violations),
        results_graph=_report_graph(violations, conforms, shapes_graph),
        triples=triples,
    )


_SEVERITY_NAMES: dict[Node, Severity] = {
    SH.Violation: "Violation",
    SH.Warning: "Warning",
    SH.Info: "Info",
}
_LABEL_QUERY = """
SELECT ?l WHERE {{
  VALUES (?rank ?p) {{ (1 <http://www.w3.org/2000/01/rdf-schema#label>)
    (2 <http://www.w3.org/2004/02/skos/core#prefLabel>) (3 <http://purl.org/dc/terms/title>)
    (4 <https://schema.org/name>) }}
  {node} ?p ?l . FILTER isLiteral(?l)
}} ORDER BY ?rank (LANG(?l) != "" && LANG(?l) != "en") STR(?l) LIMIT 1"""


def _label(store: Any, node: Node) -> str | None:
    """Pick the focus node's label as :mod:`kg.validation` does (property order, English first)."""
    if not isinstance(node, URIRef):
        return None
    for row in _run(store, _LABEL_QUERY.format(node=node.n3())):
        return str(row["l"])
    return None


def _fill(message: Literal, row: dict[str, Node]) -> str:
    """Fill ``{?var}`` and ``{$var}`` in a SHACL-SPARQL message from a result row."""

    def replace(match: re.Match[str]) -> str:
        term = row.get(match.group(1))
        return "" if term is None else str(term)

    return re.sub(r"\{[?$](\w+)\}", replace, str(message))


def _run(store: Any, query: str) -> Iterator[dict[str, Node]]:
    """Run a SELECT on the store, yielding rows as rdflib terms by variable name."""
    solutions = store.query(query, use_default_graph_as_union=True)
    names = [v.value for v in solutions.variables]
    for solution in solutions:
        row: dict[str, Node] = {}
        for name in names:
            term = solution[name]
            if term is not None:
                row[name] = to_rdflib(term)
        yield row


def _report_graph(violations: Sequence[Violation], conforms: bool, shapes: Graph) -> Graph:
    """Write the results as a SHACL validation report graph."""
    graph = Graph()
    for prefix, namespace in shapes.namespaces():
        graph.bind(prefix, namespace, override=False)
    report = BNode()
    graph.add((report, RDF.type, SH.ValidationReport))
    graph.add((report, SH.conforms, Literal(conforms)))
    for violation in violations:
        result = BNode()
        graph.add((report, SH.result, result))
        graph.add((result, RDF.type, SH.ValidationResult))
        graph.add((result, SH.focusNode, violation.focus))
        graph.add((result, SH.resultSeverity, SH[violation.severity]))
        graph.add((result, SH.resultMessage, Literal(violation.message)))
        for key, term in (
            (SH.resultPath, violation.path),
            (SH.value, violation.value),
            (SH.sourceShape, violation.shape),
            (SH.sourceConstraintComponent, violation.component),
        ):
            if term is not None:
                graph.add((result, key, term))
    return graph
