"""Validate with the SHACL shapes compiled to SPARQL and run on Oxigraph: pySHACL's results.

A shape compiles only when this module can prove it evaluates it exactly; any other shape
goes to pySHACL in the same run (see :func:`plan_shapes`).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdflib import OWL, RDF, RDFS, SH, XSD, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from kg.errors import KgError
from kg.graph.io import GraphSource, load, source_list
from kg.graph.oxigraph import to_rdflib
from kg.graph.stores import bulk_load
from kg.progress import progress as progress_bar
from kg.resources import ontology_files
from kg.validation.report import (
    ValidationReport,
    Violation,
    as_written,
    report_graph,
    severity_name,
)
from kg.validation.shacl import load_shapes, run_pyshacl

__all__ = [
    "Plan",
    "UnsupportedShapeError",
    "compile_shapes",
    "plan_shapes",
    "validate_fast",
]

# Keys a node shape or a property shape may carry that need no checking of their own.
_INERT = {
    RDF.type, RDFS.label, RDFS.comment, SH.message, SH.severity, SH.name, SH.description,
    SH.order, SH.group, SH.declare,
}
_TARGET_KEYS = {
    SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode, SH.deactivated,
}
# Constraints on the value nodes: those of the path, or (node shapes) the focus node itself.
_VALUE_KEYS = {
    SH["class"], SH.datatype, SH.pattern, SH["in"], SH.minInclusive, SH.maxInclusive,
    SH.minExclusive, SH.maxExclusive, SH.nodeKind, SH["or"], SH.minLength, SH.maxLength,
    SH.languageIn,
}
_NODE_KEYS = _INERT | _TARGET_KEYS | _VALUE_KEYS | {SH.property, SH.sparql}
_PROPERTY_KEYS = _INERT | _VALUE_KEYS | {
    SH.path, SH.minCount, SH.maxCount, SH.lessThanOrEquals, SH.lessThan, SH.hasValue,
    SH.equals, SH.disjoint, SH.deactivated,
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


@dataclass(frozen=True)
class Plan:
    """How a shapes graph is validated: the compiled checks, and the shapes handed over.

    :param checks: The SPARQL checks of every shape that compiled, in a stable order.
    :param compiled: The shapes (with targets) whose every constraint is in ``checks``.
    :param handed_over: The other shapes with targets, each with the reason it was not
        compiled; pySHACL validates them in the same run.
    """

    checks: tuple[CompiledCheck, ...]
    compiled: frozenset[Node]
    handed_over: dict[Node, str]


def plan_shapes(shapes: Graph) -> Plan:
    """Compile each shape with targets, or hand it over (with the reason) if it cannot be.

    A shape compiles only when every key it carries is one this module translates exactly;
    anything else (an unknown constraint component, a custom SPARQL-based component, a
    complex path, a SPARQL-based target, a query whose pre-binding a join cannot reproduce)
    hands the whole shape to pySHACL. Nothing is ever skipped.

    :param shapes: The SHACL shapes graph.
    :returns: The :class:`Plan`.

    >>> shapes = Graph().parse(format="turtle", data='''
    ...     @prefix sh: <http://www.w3.org/ns/shacl#> .
    ...     @prefix ex: <http://example.org/> .
    ...     ex:S a sh:NodeShape ; sh:targetClass ex:Drug ;
    ...         sh:property [ sh:path ex:name ; sh:minCount 1 ] .
    ...     ex:T a sh:NodeShape ; sh:targetClass ex:Drug ; sh:closed true .''')
    >>> plan = plan_shapes(shapes)
    >>> [str(check.component) for check in plan.checks]
    ['http://www.w3.org/ns/shacl#MinCountConstraintComponent']
    >>> list(plan.handed_over.values())
    ['shape <http://example.org/T>: sh:closed is not compiled']
    """
    checks: list[CompiledCheck] = []
    compiled: set[Node] = set()
    handed_over: dict[Node, str] = {}
    custom = _parameters(shapes)
    for shape in _root_shapes(shapes):
        try:
            found = _compile_shape(shapes, shape, custom)
        except UnsupportedShapeError as error:
            handed_over[shape] = str(error)
            continue
        checks += found
        compiled.add(shape)
    return Plan(tuple(checks), frozenset(compiled), handed_over)


def compile_shapes(shapes: Graph) -> list[CompiledCheck]:
    """Compile every shape of a shapes graph into SPARQL queries, one per constraint.

    :param shapes: The SHACL shapes graph.
    :returns: The checks, in a deterministic order.
    :raises UnsupportedShapeError: If a shape uses anything this compiler does not
        translate (for example a complex path or ``sh:node``); :func:`plan_shapes` hands
        such shapes over instead.

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
    >>> compile_shapes(bad)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    kg.validation.compiled.UnsupportedShapeError: shape <...S>: sh:closed is not compiled
    """
    plan = plan_shapes(shapes)
    for reason in plan.handed_over.values():
        raise UnsupportedShapeError(reason)
    return list(plan.checks)


_TARGETS = (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode, SH.target)


def _root_shapes(shapes: Graph) -> list[Node]:
    """List the shapes that have targets (implicit class targets included), sorted."""
    roots: set[Node] = set()
    for key in _TARGETS:
        roots |= set(shapes.subjects(key, None))
    for kind in (SH.NodeShape, SH.PropertyShape):
        for shape in shapes.subjects(RDF.type, kind):
            if _is_class(shapes, shape):
                roots.add(shape)
    return sorted(roots, key=lambda node: (isinstance(node, BNode), str(node)))


def _is_class(shapes: Graph, node: Node) -> bool:
    return (node, RDF.type, RDFS.Class) in shapes or (node, RDF.type, OWL.Class) in shapes


def _parameters(shapes: Graph) -> set[Node]:
    """List the parameters of the constraint components the shapes graph declares."""
    found: set[Node] = set()
    for parameter in shapes.objects(None, SH.parameter):  # of any (sub)class of component
        found |= set(shapes.objects(parameter, SH.path))
    return found


def _compile_shape(shapes: Graph, shape: Node, custom: set[Node]) -> list[CompiledCheck]:
    """Compile one shape with targets, or raise :class:`UnsupportedShapeError`."""
    used = custom & set(shapes.predicates(shape, None))
    for prop in shapes.objects(shape, SH.property):
        used |= custom & set(shapes.predicates(prop, None))
    if used:
        names = ", ".join(sorted(_show(p) for p in used))
        raise UnsupportedShapeError(
            f"shape {_show(shape)}: a custom constraint component ({names}) is not compiled"
        )
    if (shape, SH.path, None) in shapes:  # a property shape with targets of its own
        _check_keys(shapes, shape, _PROPERTY_KEYS | _TARGET_KEYS)
        focus = _focus_pattern(shapes, shape)
        checks = [] if focus is None else _compile_property_shape(shapes, shape, focus, top=True)
    else:
        checks = _compile_node_shape(shapes, shape)
    for check in checks:
        _parse(check.query, shape)
    return checks


def _parse(query: str, shape: Node) -> None:
    """Make sure Oxigraph reads a compiled query; hand the shape over if it does not."""
    from pyoxigraph import Store  # optional dependency: import on first use

    try:
        Store().query(query)  # an empty store: this only parses (and plans) the query
    except SyntaxError as error:
        raise UnsupportedShapeError(
            f"shape {_show(shape)}: its SPARQL does not compile ({error})"
        ) from error


def _compile_node_shape(shapes: Graph, shape: Node) -> list[CompiledCheck]:
    """Compile one node shape with its property shapes and SPARQL constraints."""
    _check_keys(shapes, shape, _NODE_KEYS)
    if _true(shapes.value(shape, SH.deactivated)):
        return []
    focus = _focus_pattern(shapes, shape)
    if focus is None:
        return []
    checks = _compile_values(shapes, shape, f"{focus} BIND (?this AS ?v)", None)
    for prop in sorted(shapes.objects(shape, SH.property), key=str):
        checks += _compile_property_shape(shapes, prop, focus)
    for constraint in sorted(shapes.objects(shape, SH.sparql), key=str):
        _check_keys(shapes, constraint, _SPARQL_KEYS)
        if _true(shapes.value(constraint, SH.deactivated)):
            continue
        select = shapes.value(constraint, SH.select)
        if not isinstance(select, Literal):
            raise UnsupportedShapeError(f"shape {_show(shape)}: sh:sparql without sh:select")
        checks.append(
            CompiledCheck(
                query=_prefixes(shapes, constraint) + _inject_focus(str(select), focus, shape),
                shape=shape,
                component=SH.SPARQLConstraintComponent,
                path=None,
                severity=_severity(shapes, shape),
                messages=_messages(shapes, constraint),
            )
        )
    return checks


def _compile_property_shape(  # noqa: C901 - one branch per constraint component
    shapes: Graph, prop: Node, focus: str, *, top: bool = False
) -> list[CompiledCheck]:
    """Compile the constraints of one property shape (``top``: it has targets of its own)."""
    if not top:
        _check_keys(shapes, prop, _PROPERTY_KEYS)
    if _true(shapes.value(prop, SH.deactivated)):
        return []
    path = shapes.value(prop, SH.path)
    if not isinstance(path, URIRef):
        raise UnsupportedShapeError(
            f"property shape {_show(prop)}: only a single predicate is supported as sh:path"
        )
    step = _n3(path)
    values = f"{focus} ?this {step} ?v ."
    check = _checker(shapes, prop, path)
    checks: list[CompiledCheck] = []
    min_count = _integer(shapes, prop, SH.minCount)
    if min_count == 1:
        where = f"{focus} FILTER NOT EXISTS {{ ?this {step} ?any }}"
        checks.append(check("MinCountConstraintComponent", where, value=False))
    elif min_count is not None and min_count > 1:
        where = f"{focus} OPTIONAL {{ ?this {step} ?v }}"
        tail = f" GROUP BY ?this HAVING (COUNT(DISTINCT ?v) < {min_count})"
        checks.append(check("MinCountConstraintComponent", where, value=False, tail=tail))
    max_count = _integer(shapes, prop, SH.maxCount)
    if max_count is not None:
        tail = f" GROUP BY ?this HAVING (COUNT(DISTINCT ?v) > {max_count})"
        checks.append(check("MaxCountConstraintComponent", values, value=False, tail=tail))
    # sh:lessThan(OrEquals) report one result per failing pair of values, as pySHACL does.
    for key, operator in ((SH.lessThanOrEquals, "<="), (SH.lessThan, "<")):
        for other in shapes.objects(prop, key):
            where = f"{values} ?this {_n3(other)} ?w . FILTER (!COALESCE(?v {operator} ?w, false))"
            checks.append(check(f"{_local(key)}ConstraintComponent", where, pairs=True))
    for member in shapes.objects(prop, SH.hasValue):
        where = f"{focus} FILTER NOT EXISTS {{ ?this {step} {_n3(member)} }}"
        checks.append(check("HasValueConstraintComponent", where, value=False))
    for other in shapes.objects(prop, SH.equals):
        where = (
            f"{focus} {{ ?this {step} ?v FILTER NOT EXISTS {{ ?this {_n3(other)} ?v }} }}"
            f" UNION {{ ?this {_n3(other)} ?v FILTER NOT EXISTS {{ ?this {step} ?v }} }}"
        )
        checks.append(check("EqualsConstraintComponent", where))
    for other in shapes.objects(prop, SH.disjoint):
        where = f"{values} ?this {_n3(other)} ?v ."
        checks.append(check("DisjointConstraintComponent", where))
    return checks + _compile_values(shapes, prop, values, path)


def _checker(shapes: Graph, shape: Node, path: URIRef | None) -> Any:
    """Make the function that writes one check of a shape (``?v`` the value, ``?w`` a pair)."""

    def check(
        component: str, where: str, *, value: bool = True, tail: str = "", pairs: bool = False
    ) -> CompiledCheck:
        head = "SELECT DISTINCT ?this ?v" if value else "SELECT DISTINCT ?this"
        head += " ?w" if pairs else ""
        return CompiledCheck(
            query=f"{head} WHERE {{ {where} }}{tail}",
            shape=shape,
            component=SH[component],
            path=path,
            severity=_severity(shapes, shape),
            messages=_messages(shapes, shape),
        )

    return check


def _compile_values(  # noqa: C901 - one branch per constraint component
    shapes: Graph, shape: Node, values: str, path: URIRef | None
) -> list[CompiledCheck]:
    """Compile the constraints on each value node ``?v`` that ``values`` binds."""
    check = _checker(shapes, shape, path)
    checks: list[CompiledCheck] = []
    for cls in shapes.objects(shape, SH["class"]):
        where = f"{values} FILTER NOT EXISTS {{ ?v {_SUBCLASS} {_n3(cls)} }}"
        checks.append(check("ClassConstraintComponent", where))
    for datatype in shapes.objects(shape, SH.datatype):
        where = f"{values} FILTER (!{_has_datatype(datatype)})"
        checks.append(check("DatatypeConstraintComponent", where))
    for pattern in shapes.objects(shape, SH.pattern):
        if shapes.value(shape, SH.flags) is not None:
            raise UnsupportedShapeError(f"shape {_show(shape)}: sh:flags is not compiled")
        where = f"{values} FILTER (isBlank(?v) || !REGEX(STR(?v), {_n3(pattern)}))"
        checks.append(check("PatternConstraintComponent", where))
    for members in shapes.objects(shape, SH["in"]):
        allowed = " || ".join(f"sameTerm(?v, {_n3(m)})" for m in Collection(shapes, members))
        where = f"{values} FILTER (!({allowed or 'false'}))"
        checks.append(check("InConstraintComponent", where))
    for key, operator in _COMPARISONS.items():
        for bound in shapes.objects(shape, key):
            where = f"{values} FILTER (!COALESCE(?v {operator} {_n3(bound)}, false))"
            checks.append(check(f"{_local(key)}ConstraintComponent", where))
    for key, operator in ((SH.minLength, "<"), (SH.maxLength, ">")):
        length = _integer(shapes, shape, key)
        if length is not None:
            where = f"{values} FILTER (isBlank(?v) || STRLEN(STR(?v)) {operator} {length})"
            checks.append(check(f"{_local(key)}ConstraintComponent", where))
    for tags in shapes.objects(shape, SH.languageIn):
        matches = " || ".join(
            f"langMatches(LANG(?v), {_n3(Literal(str(tag)))})" for tag in Collection(shapes, tags)
        )
        where = f"{values} FILTER (!isLiteral(?v) || !({matches or 'false'}))"
        checks.append(check("LanguageInConstraintComponent", where))
    for kind in shapes.objects(shape, SH.nodeKind):
        if kind not in _NODE_KINDS:
            raise UnsupportedShapeError(f"shape {_show(shape)}: unknown sh:nodeKind")
        where = f"{values} FILTER (!{_NODE_KINDS[kind]})"
        checks.append(check("NodeKindConstraintComponent", where))
    for alternatives in shapes.objects(shape, SH["or"]):
        tests = []
        for member in Collection(shapes, alternatives):
            keys = set(shapes.predicates(member, None))
            member_type = shapes.value(member, SH.datatype)
            if keys != {SH.datatype} or member_type is None:
                raise UnsupportedShapeError(
                    f"shape {_show(shape)}: sh:or is compiled only over sh:datatype"
                )
            tests.append(_has_datatype(member_type))
        where = f"{values} FILTER (!({' || '.join(tests) or 'false'}))"
        checks.append(check("OrConstraintComponent", where))
    return checks


def _local(key: URIRef) -> str:
    """Turn ``sh:minLength`` into ``MinLength``, the start of its component's name."""
    name = str(key).rsplit("#", 1)[-1]
    return name[0].upper() + name[1:]


# The XSD datatypes whose casting functions Oxigraph implements: a cast of the lexical form
# tells whether a literal is well-formed. Other XSD datatypes (xsd:nonNegativeInteger,
# xsd:anyURI ...) and rdf:HTML, rdf:XMLLiteral, rdf:JSON are handed over to pySHACL.
_CASTS = {
    XSD[name]
    for name in (
        "boolean double float decimal integer date time dateTime duration yearMonthDuration"
        " dayTimeDuration gYear gYearMonth gMonth gMonthDay gDay"
    ).split()
}


def _has_datatype(datatype: Node) -> str:
    """Write a SPARQL test that ``?v`` is a well-formed literal of a datatype.

    >>> _has_datatype(XSD.nonNegativeInteger)
    Traceback (most recent call last):
    ...
    kg.validation.compiled.UnsupportedShapeError: sh:datatype xsd:nonNegativeInteger is not compiled
    """
    test = f"(isLiteral(?v) && DATATYPE(?v) = {_n3(datatype)})"
    if datatype in (XSD.string, RDF.langString):
        return test
    if datatype in _CASTS:
        # a cast of the lexical form fails (an error, so false) when the literal is ill-formed
        return f"({test} && COALESCE(isLiteral({_n3(datatype)}(STR(?v))), false))"
    if str(datatype).startswith((str(XSD), str(RDF))):
        name = str(datatype).replace(str(XSD), "xsd:").replace(str(RDF), "rdf:")
        raise UnsupportedShapeError(f"sh:datatype {name} is not compiled")
    return test  # a datatype of its own: no lexical space to check


def _focus_pattern(shapes: Graph, shape: Node) -> str | None:
    """Write a pattern binding ``?this`` to each focus node once (None without targets)."""
    classes = list(shapes.objects(shape, SH.targetClass))
    if _is_class(shapes, shape):  # an implicit class target
        classes.append(shape)
    branches = [f"?this {_SUBCLASS} {_n3(c)} ." for c in classes]
    branches += [f"?this {_n3(p)} [] ." for p in shapes.objects(shape, SH.targetSubjectsOf)]
    branches += [f"[] {_n3(p)} ?this ." for p in shapes.objects(shape, SH.targetObjectsOf)]
    branches += [f"VALUES ?this {{ {_n3(n)} }}" for n in shapes.objects(shape, SH.targetNode)]
    if not branches:
        return None
    union = " UNION ".join(f"{{ {b} }}" for b in sorted(branches))
    return f"{{ SELECT DISTINCT ?this WHERE {{ {union} }} }}"


def _inject_focus(select: str, focus: str, shape: Node) -> str:
    """Put the focus pattern at the start of a SHACL-SPARQL query's outer WHERE clause.

    SHACL pre-binds ``$this`` (substitutes it before the query runs); a join with the focus
    nodes gives the same solutions only where ``$this`` is bound before it is used. That is
    so at the top level of the WHERE clause (the focus pattern comes first) and inside
    ``EXISTS``; in any other nested group ``$this`` may only sit in triple patterns (no
    FILTER, BIND or deeper group there). A query that falls outside this, or uses MINUS,
    VALUES, SERVICE or a sub-query (which SHACL forbids or restricts), or ``$shapesGraph``,
    is handed over to pySHACL. ``$currentShape`` is written in as the shape's IRI.
    """
    text = re.sub(r"\$this\b", "?this", select)
    if re.search(r"[?$]shapesGraph\b", text) or (
        re.search(r"[?$]currentShape\b", text) and not isinstance(shape, URIRef)
    ):
        raise UnsupportedShapeError(f"shape {_show(shape)}: $shapesGraph is not compiled")
    text = re.sub(r"[?$]currentShape\b", _n3(shape), text)
    match = re.search(r"\bWHERE\s*\{", text, flags=re.IGNORECASE)
    head = re.match(r"\s*SELECT\s+(DISTINCT\s+|REDUCED\s+)?(.*?)\bWHERE\b", text, re.I | re.S)
    if match is None or head is None or not re.search(r"\?this\b", head.group(2)):
        raise UnsupportedShapeError(
            f"shape {_show(shape)}: only SELECT ... ?this ... WHERE {{ is compiled"
        )
    if re.search(r"\b(MINUS|SERVICE|VALUES|GRAPH)\b|\{\s*SELECT\b|\$", text, flags=re.I):
        raise UnsupportedShapeError(
            f"shape {_show(shape)}: sh:select with MINUS, SERVICE, VALUES, GRAPH, a sub-query"
            " or a pre-bound variable other than $this is not compiled"
        )
    if not _this_bound_first(_strip(text[match.end() :])):
        raise UnsupportedShapeError(
            f"shape {_show(shape)}: $this is used in a nested group before it is bound there"
        )
    return f"{text[: match.end()]} {focus} {text[match.end():]}"


def _strip(query: str) -> str:
    """Blank out strings, IRIs and comments, so that braces and keywords are the query's."""
    pattern = (
        r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:\\.|[^"\\])*"|\'(?:\\.|[^\'\\])*\''
        r"|<[^<>\s]*>|#[^\n]*"
    )
    return re.sub(pattern, lambda m: " " * len(m.group(0)), query)


def _this_bound_first(body: str) -> bool:
    """Tell whether a join binds ``?this`` as pre-binding would, in a WHERE body.

    ``body`` is the text after the outer ``WHERE {``. Groups inside ``EXISTS`` see the
    outer ``?this`` (Oxigraph substitutes it there, as SPARQL says); any other nested
    group whose own patterns mention ``?this`` must have no FILTER or BIND of its own.

    >>> _this_bound_first("?this ?p ?o . FILTER (?this != ?o) }")
    True
    >>> _this_bound_first("{ ?this ?p ?o } UNION { ?x ?p ?o } }")
    True
    >>> _this_bound_first("FILTER NOT EXISTS { { FILTER (?this = ?x) } UNION { ?x ?p ?o } } }")
    True
    >>> _this_bound_first("{ FILTER (?this = ?x) } UNION { ?x ?p ?o } }")
    False
    """
    stack: list[tuple[bool, bool, int]] = []  # per open group: transparent?, EXISTS?, start
    for index, char in enumerate(body):
        if char == "{":
            exists = bool(re.search(r"\bEXISTS\s*$", body[:index], flags=re.I))
            transparent = (exists and not stack) or (bool(stack) and stack[-1][0])
            stack.append((transparent, exists, index))
        elif char == "}":
            if not stack:  # the end of the WHERE clause
                return True
            transparent, exists, start = stack.pop()
            if transparent:
                continue
            group = body[start + 1 : index]
            if exists and re.search(r"\?this\b", group):
                return False  # ?this may be unbound where this EXISTS is evaluated
            own = group
            while "{" in own:  # deeper groups are checked on their own
                own = re.sub(r"\{[^{}]*\}", " ", own)
            if re.search(r"\?this\b", own) and re.search(r"\b(FILTER|BIND)\b", own, re.I):
                return False
    return True


def _prefixes(shapes: Graph, node: Node) -> str:
    """Write the PREFIX lines that ``sh:prefixes`` of a node declares (``owl:imports`` followed)."""
    lines = set()
    owners = list(shapes.objects(node, SH.prefixes))
    seen: set[Node] = set()
    while owners:
        owner = owners.pop()
        if owner in seen:
            continue
        seen.add(owner)
        owners += shapes.objects(owner, OWL.imports)
        for declaration in shapes.objects(owner, SH.declare):
            prefix = shapes.value(declaration, SH.prefix)
            namespace = shapes.value(declaration, SH.namespace)
            lines.add(f"PREFIX {prefix}: <{namespace}>\n")
    return "".join(sorted(lines))


def _check_keys(shapes: Graph, node: Node, allowed: set[URIRef]) -> None:
    """Fail on any SHACL key of a shape that is not in ``allowed``."""
    for key in set(shapes.predicates(node, None)):
        if str(key).startswith(str(SH)) and key not in allowed:
            local = str(key).rsplit("#", 1)[-1]
            raise UnsupportedShapeError(
                f"shape {_show(node)}: sh:{local} is not compiled"
            )


def _integer(shapes: Graph, node: Node, key: URIRef) -> int | None:
    value = shapes.value(node, key)
    if value is None:
        return None
    if not (isinstance(value, Literal) and re.fullmatch(r"[+-]?[0-9]+", str(value))):
        raise UnsupportedShapeError(f"shape {_show(node)}: {_show(value)} is not an integer")
    return int(str(value))


def _true(value: Node | None) -> bool:
    return value == Literal("true", datatype=XSD.boolean)


def _severity(shapes: Graph, node: Node) -> URIRef:
    value = shapes.value(node, SH.severity)
    return value if isinstance(value, URIRef) else SH.Violation


def _messages(shapes: Graph, node: Node) -> tuple[Literal, ...]:
    found = [m for m in shapes.objects(node, SH.message) if isinstance(m, Literal)]
    return tuple(sorted(found, key=str))


def _n3(node: Node) -> str:
    """Write a term into a query; a blank node cannot be named there, so it is not compiled."""
    if isinstance(node, URIRef | Literal):
        return node.n3()
    raise UnsupportedShapeError(f"a blank node ({_show(node)}) as a constant is not compiled")


def _show(node: Node) -> str:
    """Write a term for a message."""
    return node.n3() if isinstance(node, URIRef | Literal) else "[blank node]"


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
    copied in as N-Triples); every constraint of a shape that compiles becomes one SPARQL
    query (:func:`plan_shapes`). Every other shape is handed to pySHACL, on the same data
    in the same run, and the results are merged: nothing is skipped. The results are the
    same (focus node, path, value, shape, component, severity) as pySHACL's with
    ``inference="none"``; pySHACL stays the reference. Literals are reported as the data
    writes them (Oxigraph keeps numbers by value; the written form is read back).

    :param data: A graph, a file, a folder of ``*.ttl`` files, or a list of these.
    :param shapes: The shapes to use; by default every bundled shapes file.
    :param ontology: Merge the bundled ontology into the data before validating.
    :param progress: Show a progress bar on stderr, one step per compiled check: ``None``
        (default) only if stderr is a terminal, ``True`` always, ``False`` never.
    :returns: A :class:`kg.validation.ValidationReport`.
    :raises kg.errors.InputError: If a file cannot be read.
    :raises KgError: If the shapes are not valid SHACL (pySHACL refuses a handed-over shape).

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
    with as_written():  # rdflib terms made from Oxigraph's keep their lexical form too
        return _validate_fast(data, shapes=shapes, ontology=ontology, progress=progress)


def _validate_fast(
    data: GraphSource | Sequence[GraphSource],
    *,
    shapes: GraphSource | Sequence[GraphSource] | None,
    ontology: bool,
    progress: bool | None,
) -> ValidationReport:
    """Do the work of :func:`validate_fast`, with literals as written."""
    from pyoxigraph import Store  # optional dependency: import on first use

    sources = source_list(data)
    if ontology:
        sources += ontology_files()
    shapes_graph = load_shapes(shapes)
    plan = plan_shapes(shapes_graph)
    store = Store()
    for source in sources:
        bulk_load(store, source)
    triples = len(store)
    violations: list[Violation] = []
    labels: dict[Node, str | None] = {}
    pyshacl_graph = Graph()
    handed: tuple[Violation, ...] = ()
    if plan.handed_over:  # pySHACL checks these shapes on the same data, in this run
        data_graph = load(*sources, store="memory")  # pySHACL needs rdflib's own store
        handed, pyshacl_graph = run_pyshacl(data_graph, _without_targets(shapes_graph, plan))
    for check in progress_bar(plan.checks, label="validating", enabled=progress):
        for row in _run(store, check.query):
            focus = row["this"]
            value: Node | None
            if check.component == SH.SPARQLConstraintComponent:
                value = row.get("value", focus)  # as pySHACL: the focus node without ?value
            else:
                value = row.get("v")
            if focus not in labels:
                labels[focus] = _label(store, focus)
            messages = tuple(Literal(_fill(m, row), lang=m.language) for m in check.messages)
            violations.append(
                Violation(
                    focus=focus,
                    path=row.get("path") or check.path,
                    value=value,
                    message="; ".join(sorted({str(m) for m in messages}))
                    or str(check.component).rsplit("#", 1)[-1],
                    severity=severity_name(check.severity),
                    shape=check.shape,
                    component=check.component,
                    focus_label=labels[focus],
                    messages=messages,
                )
            )
    violations = [*_as_written(violations, sources, shapes_graph), *handed]
    violations.sort(key=Violation.sort_key)
    conforms = not violations
    results_graph = report_graph(
        violations, conforms=conforms, sources=[shapes_graph, pyshacl_graph]
    )
    for prefix, namespace in shapes_graph.namespaces():
        results_graph.bind(prefix, namespace, override=False)
    return ValidationReport(
        conforms=conforms,
        violations=tuple(violations),
        results_graph=results_graph,
        triples=triples,
    )


def _as_written(  # noqa: C901 - focus nodes and values, each maybe rewritten
    violations: list[Violation], sources: Sequence[GraphSource], shapes: Graph
) -> list[Violation]:
    """Give back the literals of compiled results in the form the data writes them.

    Oxigraph keeps numbers, booleans and dates by value, so a query returns ``"4"`` for the
    data's ``"4.0"^^xsd:decimal``. The sources are read once more (only when a result holds
    such a literal) to find the written forms: a value by its focus node and path, a focus
    node by its value. One result per written form, as pySHACL gives (distinct terms).
    """
    suspects = {
        _value_key(term)
        for v in violations
        for term in (v.focus, v.value)
        if _canonicalized(term)
    }
    if not suspects:
        return violations
    literal_focus = any(_canonicalized(v.focus) for v in violations)
    subjects = {str(v.focus) for v in violations if isinstance(v.focus, URIRef)}
    written: dict[tuple[Any, ...], set[Literal]] = {}
    for node in shapes.objects(None, SH.targetNode):  # focus nodes the shapes name
        if _canonicalized(node) and _value_key(node) in suspects:
            written.setdefault(_value_key(node), set()).add(node)  # type: ignore[arg-type]
    for subject, predicate, obj in _triples(sources, None if literal_focus else subjects):
        if not _canonicalized(obj):
            continue
        key = _value_key(obj)
        if key in suspects and isinstance(obj, Literal):
            written.setdefault(key, set()).add(obj)  # a focus node
            written.setdefault((subject, predicate, *key), set()).add(obj)  # a value
    out: list[Violation] = []
    for violation in violations:
        foci = [violation.focus]
        if _canonicalized(violation.focus):
            foci = sorted(written.get(_value_key(violation.focus), foci), key=str)
        for focus in foci:
            values = [violation.value]
            if _canonicalized(violation.value) and violation.value != violation.focus:
                key = (violation.focus, violation.path, *_value_key(violation.value))
                values = sorted(written.get(key, values), key=str)
            elif violation.value == violation.focus:
                values = [focus]
            out += [dataclasses.replace(violation, focus=focus, value=v) for v in values]
    return out


def _canonicalized(term: Node | None) -> bool:
    """Tell whether Oxigraph may have rewritten a literal (an XSD type other than string)."""
    return (
        isinstance(term, Literal)
        and term.datatype is not None
        and term.datatype != XSD.string
        and str(term.datatype).startswith(str(XSD))
    )


def _value_key(term: Node | None) -> tuple[Any, ...]:
    """Key a literal by its datatype and value: ``"4.0"`` and ``"4"`` decimals alike."""
    value = term.toPython() if isinstance(term, Literal) else term
    return (getattr(term, "datatype", None), str(term) if isinstance(value, Literal) else value)


def _triples(
    sources: Sequence[GraphSource], subjects: set[str] | None
) -> Iterator[tuple[Node, Node, Node]]:
    """Read again, as written, the triples whose object is an XSD-typed literal.

    ``subjects`` (IRIs) keeps only those of these subjects; ``None`` keeps all. Files that
    Oxigraph reads are streamed through its parser, other sources go through rdflib.
    """
    import pyoxigraph

    xsd = str(XSD)
    for source in sources:
        for file in [source] if isinstance(source, Graph) else _source_files(Path(source)):
            if isinstance(file, Graph):
                yield from file
                continue
            rdf_format = pyoxigraph.RdfFormat.from_extension(file.suffix.lstrip("."))
            if rdf_format is None:
                yield from load(file, store="memory")
                continue
            base = file.resolve().as_uri()
            for quad in pyoxigraph.parse(path=str(file), format=rdf_format, base_iri=base):
                obj = quad.object
                if not isinstance(obj, pyoxigraph.Literal) or not obj.datatype.value.startswith(
                    xsd
                ):
                    continue
                if subjects is None or quad.subject.value in subjects:
                    yield to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(obj)


def _source_files(path: Path) -> list[Path]:
    """List a file, or the ``*.ttl`` files of a folder."""
    return sorted(path.rglob("*.ttl")) if path.is_dir() else [path]


def _without_targets(shapes: Graph, plan: Plan) -> Graph:
    """Copy a shapes graph without the targets of the compiled shapes, for pySHACL.

    Every shape stays, so a handed-over shape can still refer to a compiled one
    (``sh:node``, ``sh:property``); only the compiled ones are not checked twice.
    """
    rest = Graph()
    for prefix, namespace in shapes.namespaces():
        rest.bind(prefix, namespace, override=False)
    for triple in shapes:
        if not (triple[0] in plan.compiled and triple[1] in _TARGETS):
            rest.add(triple)
    return rest


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
