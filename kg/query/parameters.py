"""Binding stored-query parameters: each value becomes one RDF term, never raw query text.

A value is turned into an rdflib term (a literal, an IRI, or the single node a name resolves
to) and the term's N3 form replaces the parameter's variable in the query. Quotes, braces,
``#``, newlines and SPARQL keywords in a value therefore stay inside a literal, and a name that
matches several nodes is reported, not guessed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation

from rdflib import RDF, RDFS, SKOS, Graph, Literal, URIRef
from rdflib.term import Node

from kg.errors import KgError
from kg.graph.oxigraph import graph_name, oxigraph_store
from kg.namespaces import KGO, bind_prefixes
from kg.query.registry import Parameter, StoredQuery

__all__ = [
    "AmbiguousParameterError",
    "ParameterError",
    "bind_parameters",
    "defaults",
    "kind_name",
    "parameter_term",
    "resolve",
]

#: Properties whose values name a node, in the order they are tried.
NAME_PROPERTIES = (
    KGO.nctId,
    KGO.otherRegistryId,
    KGO.sponsorStudyId,
    KGO.acronym,
    RDFS.label,
    SKOS.prefLabel,
    KGO.genericName,
    KGO.brandName,
    KGO.codeName,
    SKOS.altLabel,
    SKOS.notation,
)
_IRI_FORBIDDEN = re.compile(r'[\s<>"{}|^`\\]')


class ParameterError(KgError):
    """A parameter value is missing, unknown, malformed, or names nothing in the graph."""


class AmbiguousParameterError(ParameterError):
    """A name matches several nodes; the message lists them so the user can pick one."""


def resolve(graph: Graph, value: str, *, resource_class: str | None = None) -> URIRef:
    """Find the one node that ``value`` names: an IRI, a CURIE, a registry id or a name.

    Names are compared without regard to case, against the registry ids, labels and names of
    every node (of ``resource_class`` or a subclass, when given).

    :param graph: the graph to look in
    :param value: what the user typed
    :param resource_class: a CURIE or IRI of the class the node must belong to
    :returns: the node's IRI
    :raises AmbiguousParameterError: if several nodes match
    :raises ParameterError: if none does

    >>> from rdflib import Graph
    >>> g = Graph().parse(data='''@prefix kgo: <https://w3id.org/als-kg/ontology#> .
    ... <urn:a> a kgo:ClinicalTrial ; kgo:acronym "VALOR" .''', format="turtle")
    >>> resolve(g, "valor")
    rdflib.term.URIRef('urn:a')
    """
    wanted = _expand(graph, resource_class) if resource_class else None
    candidates = _by_iri(graph, value)
    if not candidates:
        candidates = _named(graph, value.strip().casefold())
    if wanted is not None:
        candidates = {node for node in candidates if _is_a(graph, node, wanted)}
    what = _describe_class(graph, wanted)
    if not candidates:
        raise ParameterError(f"no {what} matches {value!r}")
    if len(candidates) > 1:
        listed = "; ".join(sorted(_describe_node(graph, node) for node in candidates))
        raise AmbiguousParameterError(
            f"{value!r} matches {len(candidates)} {what}s: {listed}. Give the IRI or a registry id."
        )
    return candidates.pop()


def parameter_term(graph: Graph, parameter: Parameter, value: str) -> Node:
    r"""Turn a user's value into the RDF term the parameter takes.

    :param graph: the graph, for ``resource`` parameters
    :param parameter: the parameter
    :param value: the value as typed
    :returns: a :class:`rdflib.URIRef` or :class:`rdflib.Literal`
    :raises ParameterError: if the value does not fit the parameter's type

    >>> from rdflib import Graph
    >>> parameter_term(Graph(), Parameter("name"), 'a "quoted" } # value').n3()
    '"a \\"quoted\\" } # value"'
    >>> parameter_term(Graph(), Parameter("n", type="integer"), "12")
    rdflib.term.Literal('12', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#integer'))
    """
    kind = parameter.type
    try:
        if kind == "resource":
            return resolve(graph, value, resource_class=parameter.resource_class)
        if kind == "iri":
            if not value or _IRI_FORBIDDEN.search(value) or ":" not in value:
                raise ValueError("not an absolute IRI")
            return URIRef(value)
        if kind == "integer":
            return Literal(int(value))
        if kind == "decimal":
            return Literal(Decimal(value))
        if kind == "date":
            return Literal(date.fromisoformat(value))
    except ParameterError:
        raise
    except (ValueError, InvalidOperation) as error:
        raise ParameterError(
            f"parameter {parameter.name!r} takes {kind_name(kind)}; {value!r} is not one ({error})"
        ) from error
    return Literal(value)


def bind_parameters(
    query: StoredQuery,
    graph: Graph,
    values: Mapping[str, str],
    *,
    today: date | None = None,
) -> str:
    """Return the query's text with each given parameter replaced by its RDF term.

    Optional parameters that are not given take their header's ``default`` if they have one
    (``default: today`` is the day given as ``today``, else the day the query runs); the
    others stay unbound variables, which the stored queries treat as "any".

    :param query: the stored query
    :param graph: the graph the query will run on (to resolve names)
    :param values: parameter values as typed, by parameter name
    :param today: the day ``default: today`` stands for (by default the system's date);
        give it to make a run independent of the day it happens on
    :returns: SPARQL text ready to run
    :raises ParameterError: naming the valid parameters, if one is unknown or a required one
        is missing, or if a value does not fit

    >>> from kg.query.registry import parse_query_text
    >>> q = parse_query_text('''#+ params:
    ... #+   name: {type: string}
    ... SELECT ?s WHERE { ?s ?p ?_name }''', name="demo")
    >>> bind_parameters(q, Graph(), {"name": "x } UNION { ?s ?p ?o"}).splitlines()[-1]
    'SELECT ?s WHERE { ?s ?p "x } UNION { ?s ?p ?o" }'
    >>> q = parse_query_text('''#+ params:
    ... #+   asOf: {type: date, required: false, default: today}
    ... SELECT ?s WHERE { ?s ?p ?__asOf }''', name="demo")
    >>> bind_parameters(q, Graph(), {}, today=date(2026, 12, 5)).splitlines()[-1]
    'SELECT ?s WHERE { ?s ?p "2026-12-05"^^<http://www.w3.org/2001/XMLSchema#date> }'
    """
    names = [parameter.name for parameter in query.params]
    unknown = sorted(set(values) - set(names))
    if unknown:
        valid = ", ".join(names) or "none"
        raise ParameterError(
            f"query {query.name!r} has no parameter {', '.join(unknown)}; its parameters: {valid}"
        )
    missing = [p.name for p in query.params if p.required and p.name not in values]
    if missing:
        described = "; ".join(_describe_parameter(query.parameter(name)) for name in missing)
        raise ParameterError(f"query {query.name!r} needs: {described}")
    given = {**defaults(query, today=today), **values}
    text = query.text
    for parameter in query.params:
        if parameter.name in given:
            term = parameter_term(graph, parameter, given[parameter.name]).n3()
            pattern = re.compile(re.escape(parameter.variable) + r"(?![A-Za-z0-9_])")
            text = pattern.sub(_replacement(term), text)
    return text


def defaults(query: StoredQuery, *, today: date | None = None) -> dict[str, str]:
    """Return the values the query's parameters take when none is given, by parameter name.

    ``default: today`` is ``today`` (by default the system's date), in ISO form.

    :param query: the stored query
    :param today: the day ``today`` stands for
    :returns: the defaults, as typed values

    >>> from kg.query.registry import default_registry
    >>> defaults(default_registry()["pipeline-status"], today=date(2023, 1, 1))
    {'asOf': '2023-01-01'}
    """
    found = {}
    for parameter in query.params:
        if parameter.default is None:
            continue
        if parameter.default == "today":
            found[parameter.name] = (today or date.today()).isoformat()
        else:
            found[parameter.name] = parameter.default
    return found


def kind_name(kind: str) -> str:
    """Say in words what a parameter type takes.

    >>> kind_name("integer")
    'an integer'
    """
    return {
        "resource": "a name, registry id or IRI",
        "iri": "an absolute IRI",
        "integer": "an integer",
        "decimal": "a decimal number",
        "date": "a date (YYYY-MM-DD)",
    }.get(kind, "text")


def _replacement(term: str) -> Callable[[re.Match[str]], str]:
    # A function, not a string, so that backslashes in the term are not read as group references.
    return lambda _match: term


def _describe_parameter(parameter: Parameter) -> str:
    example = f", for example {parameter.example!r}" if parameter.example else ""
    what = parameter.description or kind_name(parameter.type)
    return f"--param {parameter.name}=... ({what}{example})"


def _by_iri(graph: Graph, value: str) -> set[URIRef]:
    text = value.strip()
    if not text or _IRI_FORBIDDEN.search(text):
        return set()
    candidates = [URIRef(text)]
    prefix, colon, local = text.partition(":")
    if colon and not local.startswith("//"):
        namespaces = dict(bind_prefixes(Graph()).namespaces()) | dict(graph.namespaces())
        if prefix in namespaces:
            candidates.append(URIRef(str(namespaces[prefix]) + local))
    return {node for node in candidates if (node, None, None) in graph}


def _named(graph: Graph, needle: str) -> set[URIRef]:
    """Find the IRIs with a registry id, label or name that casefolds to ``needle``.

    On Oxigraph the scan runs inside Oxigraph (through rdflib each name would become an
    rdflib term first: about 1 s per parameter on a 1M-triple store). SPARQL has no
    casefold, so Oxigraph hands over the names whose LCASE matches and every name with a
    character outside printable ASCII (where casefold and LCASE can differ, as for "ß");
    Python's casefold decides.
    """
    store = oxigraph_store(graph)
    if store is None:
        return {
            subject
            for prop in NAME_PROPERTIES
            for subject, name in graph.subject_objects(prop)
            if isinstance(subject, URIRef) and str(name).casefold() == needle
        }
    properties = " ".join(f"<{prop}>" for prop in NAME_PROPERTIES)
    solutions = store.query(
        f"""SELECT DISTINCT ?s ?name WHERE {{
          VALUES ?p {{ {properties} }}
          ?s ?p ?name .
          FILTER (isIRI(?s) && (LCASE(STR(?name)) = {Literal(needle).n3()}
                                || REGEX(STR(?name), "[^ -~]")))
        }}""",
        default_graph=graph_name(graph),
    )
    return {
        URIRef(solution["s"].value)
        for solution in solutions
        if solution["name"].value.casefold() == needle
    }


def _expand(graph: Graph, curie_or_iri: str) -> URIRef:
    prefix, colon, local = curie_or_iri.partition(":")
    namespaces = dict(bind_prefixes(Graph()).namespaces()) | dict(graph.namespaces())
    if colon and prefix in namespaces and not local.startswith("//"):
        return URIRef(str(namespaces[prefix]) + local)
    return URIRef(curie_or_iri)


def _is_a(graph: Graph, node: URIRef, wanted: URIRef) -> bool:
    for cls in graph.objects(node, RDF.type):
        if cls == wanted or wanted in graph.transitive_objects(cls, RDFS.subClassOf):
            return True
    return False


def _describe_class(graph: Graph, cls: URIRef | None) -> str:
    if cls is None:
        return "node"
    label = graph.value(cls, RDFS.label)
    return str(label) if label is not None else cls.n3(graph.namespace_manager)


def _describe_node(graph: Graph, node: URIRef) -> str:
    label = graph.value(node, RDFS.label)
    return f"{label} <{node}>" if label is not None else f"<{node}>"
