"""Running SPARQL on a graph: stored queries by name with parameters, or ad-hoc text."""

from __future__ import annotations

import datetime
import sys
import types
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from rdflib import Graph, Literal, Variable
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.plugins.sparql.sparql import Query
from rdflib.plugins.stores.memory import Memory, SimpleMemory
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from rdflib.query import Result
from rdflib.store import Store
from rdflib.term import Identifier, Node

from kg.engine import evaluate, supports
from kg.errors import KgError
from kg.oxigraph import TermConverter, graph_name, oxigraph_store
from kg.parameters import bind_parameters
from kg.queries import QueryRegistry, StoredQuery, default_registry

__all__ = [
    "QueryError",
    "Row",
    "break_ties",
    "result_rows",
    "run_query",
    "sort_lists",
    "sparql",
    "term_text",
]

#: One result row: column name to the term's text (full IRI, or a literal's lexical form).
Row = dict[str, str | None]


class QueryError(KgError):
    """A SPARQL query could not be parsed or evaluated."""


def sparql(graph: Graph, text: str) -> Result:
    """Run SPARQL text (SELECT, ASK, CONSTRUCT or DESCRIBE) on a graph.

    The query runs where the graph lives. On an Oxigraph store it goes straight to
    pyoxigraph, and only the answer is turned into rdflib terms, each distinct term once
    (through oxrdflib a 5,000-row answer at 1M triples took 2.8 times the query alone).
    On rdflib's own stores, the parsed query is kept for the next call with the same text
    (rdflib takes 20 to 80 ms to parse a stored query, often longer than running it), and
    :mod:`kg.engine` evaluates it as rdflib would, up to about three times faster on the
    heavier stored queries; what it does not support (CONSTRUCT, DESCRIBE, GRAPH, FROM,
    SERVICE, REDUCED) runs on rdflib's engine. On a SPARQL server, the server runs it.

    :param graph: the graph
    :param text: the query
    :returns: rdflib's result (rows for SELECT, ``askAnswer`` for ASK, ``graph`` for CONSTRUCT)
    :raises QueryError: if the query does not parse or fails

    >>> from rdflib import Graph
    >>> g = Graph().parse(data="<urn:a> <urn:p> 1 .", format="turtle")
    >>> [str(row.o) for row in sparql(g, "SELECT ?o WHERE { ?s ?p ?o }")]
    ['1']
    """
    try:
        store = oxigraph_store(graph)
        if store is not None:
            return _on_oxigraph(graph, store, text)
        if isinstance(graph.store, SPARQLStore):  # the server runs it
            result = graph.query(text)
        else:  # rdflib's store
            query = _prepared(text, tuple(graph.namespaces()))
            result = evaluate(graph, query) if _own_engine(graph, query) else graph.query(query)
            if _empty_group(query, result):
                result.bindings = []
        if result.type == "SELECT":
            result.bindings  # noqa: B018 - evaluate now, so errors surface here
    except KgError:
        raise
    except Exception as error:  # rdflib raises pyparsing, HTTP and evaluation errors
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise QueryError(f"the SPARQL query failed: {first}") from error
    return result


@lru_cache(maxsize=256)
def _prepared(text: str, namespaces: tuple[tuple[str, Any], ...]) -> Query:
    """Parse a query once for rdflib's engine, with the graph's prefixes (as rdflib does)."""
    return prepareQuery(text, initNs=dict(namespaces))


def _own_engine(graph: Graph, query: Query) -> bool:
    """Tell whether kg's evaluator (:mod:`kg.engine`) runs a query in place of rdflib's.

    It does for the queries it supports, on a store that leaves queries to rdflib's engine.
    """
    return type(graph.store).query in _ENGINE_QUERY and supports(query)


#: ``Store.query`` as rdflib's own stores have it: "not implemented, use rdflib's engine".
_ENGINE_QUERY = (Store.query, Memory.query, SimpleMemory.query)


def _empty_group(query: Query, result: Result) -> bool:
    """Tell rdflib's one empty row for a GROUP BY over no solutions (SPARQL: no row at all)."""
    if result.type != "SELECT" or len(result.bindings) != 1:
        return False
    if any(value is not None for value in result.bindings[0].values()):
        return False
    node = query.algebra
    while isinstance(node, CompValue) and node.name != "ToMultiSet":  # not into subqueries
        if node.name == "Group":
            return node.get("expr") is not None  # an explicit GROUP BY
        node = node.get("p")
    return False


def _on_oxigraph(graph: Graph, store: Any, text: str) -> Result:
    """Run a query on the pyoxigraph store under ``graph``; convert the answer to rdflib."""
    import pyoxigraph

    answer = store.query(
        text,
        prefixes={prefix: str(namespace) for prefix, namespace in graph.namespaces()},
        use_default_graph_as_union=graph.default_union,
        default_graph=None if graph.default_union else graph_name(graph),
    )
    convert = TermConverter()
    if isinstance(answer, pyoxigraph.QueryBoolean):
        result = Result("ASK")
        result.askAnswer = bool(answer)
    elif isinstance(answer, pyoxigraph.QuerySolutions):
        result = Result("SELECT")
        variables = [Variable(variable.value) for variable in answer.variables]
        result.vars = variables
        result.bindings = [
            {
                name: convert(term)
                for name, term in zip(variables, row, strict=True)
                if term is not None
            }
            for row in answer
        ]
    else:
        result = Result("CONSTRUCT")
        result.graph = Graph()
        for triple in answer:
            result.graph.add(
                (convert(triple.subject), convert(triple.predicate), convert(triple.object))
            )
    return result


def run_query(
    graph: Graph,
    query: str | StoredQuery,
    params: Mapping[str, str] | None = None,
    *,
    registry: QueryRegistry | None = None,
    today: datetime.date | None = None,
) -> Result:
    """Run a stored query, by name or as a :class:`~kg.queries.StoredQuery`, with parameters.

    A parameter declared with ``default: today`` (the ``asOf`` of the queries that report
    statuses and events) takes ``today`` when not given; give ``today`` (or the parameter
    itself) to make the answer independent of the day it runs.

    :param graph: the graph to query
    :param query: the stored query or its name
    :param params: parameter values as typed, by name (names are resolved in ``graph``)
    :param registry: where to look names up; the bundled queries by default
    :param today: the day ``default: today`` parameters stand for; the system's date by default
    :returns: rdflib's result
    :raises UnknownQueryError: if no stored query has that name
    :raises ParameterError: if a parameter is missing, unknown, malformed or ambiguous

    The values inside each of the query's list columns (``lists`` in its header) come out
    sorted, and an empty list as no value, so the answer is the same on every store and
    whatever the hash seed (the order inside a ``GROUP_CONCAT`` is free in SPARQL).

    >>> import kg
    >>> rows = result_rows(run_query(kg.load_curated(), "trial-results", {"trial": "ALSummit"}))
    >>> any(row["pValue"] == "p=0.001" for row in rows)
    True
    """
    stored = query if isinstance(query, StoredQuery) else (registry or default_registry())[query]
    result = sparql(graph, bind_parameters(stored, graph, params or {}, today=today))
    if result.type == "SELECT" and (stored.lists or stored.order is not None):
        solutions: list[Mapping[Variable, Identifier]] = [
            sort_lists(binding, stored.lists) for binding in result.bindings
        ]
        if stored.order is not None:
            variables = list(result.vars or [])
            solutions = break_ties(solutions, [Variable(c) for c in stored.order], variables)
        result.bindings = solutions
    return result


def break_ties(
    solutions: Sequence[Mapping[Variable, Identifier]],
    keys: list[Variable],
    variables: list[Variable],
) -> list[Mapping[Variable, Identifier]]:
    """Put rows that tie on the ORDER BY columns in one fixed order, by their values.

    SPARQL leaves the order of tied rows free, and rdflib and Oxigraph give them differently.
    Rows keep the order the query gave; each run of rows equal on ``keys`` is sorted by the
    rows' values (numbers by value, so ``33.0`` and ``33`` sort alike).

    >>> from rdflib import Literal
    >>> a, b = Variable("a"), Variable("b")
    >>> rows = [{a: Literal(1), b: Literal("y")}, {a: Literal(1), b: Literal("x")},
    ...         {a: Literal(0), b: Literal("z")}]
    >>> [str(row[b]) for row in break_ties(rows, [a], [a, b])]
    ['x', 'y', 'z']
    """
    from kg.results import typed_value

    def value(row: Mapping[Variable, Identifier]) -> tuple[tuple[int, str], ...]:
        return tuple(
            (0, "") if row.get(v) is None else (1, repr(typed_value(row.get(v))))
            for v in variables
        )

    ordered: list[Mapping[Variable, Identifier]] = []
    run: list[Mapping[Variable, Identifier]] = []
    for solution in solutions:
        if run and any(run[0].get(key) != solution.get(key) for key in keys):
            ordered += sorted(run, key=value)
            run = []
        run.append(solution)
    return ordered + sorted(run, key=value)


def sort_lists(
    binding: Mapping[Variable, Identifier], lists: tuple[tuple[str, str], ...]
) -> dict[Variable, Identifier]:
    """Sort the values inside a solution's list columns; drop a list that is empty.

    :param binding: one solution, variable to term
    :param lists: list columns with their separators (``StoredQuery.lists``)
    :returns: a new solution

    >>> from rdflib import Literal
    >>> sort_lists({Variable("s"): Literal("b a c"), Variable("t"): Literal("")},
    ...            (("s", " "), ("t", "; ")))
    {rdflib.term.Variable('s'): rdflib.term.Literal('a b c')}
    """
    solution = dict(binding)
    for column, separator in lists:
        variable = Variable(column)
        value = solution.get(variable)
        if value is None:
            continue
        items = sorted(item for item in str(value).split(separator) if item)
        if items:
            solution[variable] = Literal(separator.join(items))
        else:
            del solution[variable]
    return solution


def result_rows(result: Result) -> list[Row]:
    """Turn a SELECT result into a list of dicts keyed by column, terms as plain text.

    IRIs come out as full IRIs and literals as their lexical form; unbound values are None.
    An ASK result gives one row ``{"answer": "true"}`` or ``"false"``.

    :param result: rdflib's result
    :returns: the rows
    :raises QueryError: for a CONSTRUCT or DESCRIBE result (use ``result.graph``)

    >>> from rdflib import Graph
    >>> g = Graph().parse(data='<urn:a> <urn:p> "x"@en .', format="turtle")
    >>> result_rows(sparql(g, "SELECT ?s ?o ?none WHERE { ?s ?p ?o }"))
    [{'s': 'urn:a', 'o': 'x', 'none': None}]
    """
    if result.type == "ASK":
        return [{"answer": "true" if result.askAnswer else "false"}]
    if result.type != "SELECT":
        raise QueryError(f"a {result.type} result is a graph, not rows")
    variables = list(result.vars or [])
    return [
        {str(variable): term_text(binding.get(variable)) for variable in variables}
        for binding in result.bindings
    ]


def term_text(term: Node | None) -> str | None:
    """Return a term as text: an IRI in full, a literal's lexical form, or None.

    >>> from rdflib import Literal
    >>> term_text(Literal(0.001))
    '0.001'
    """
    if term is None:
        return None
    return str(term)


class _CallableModule(types.ModuleType):
    """This module, callable as its :func:`sparql` function.

    ``kg sparql`` runs SPARQL on the command line, so ``kg.sparql(graph, text)`` is what
    people type in Python; the module stays a module (``from kg.sparql import ...`` and
    ``kg.sparql.result_rows`` keep working).

    >>> import kg
    >>> from rdflib import Graph
    >>> g = Graph().parse(data="<urn:a> <urn:p> 1 .", format="turtle")
    >>> kg.sparql(g, "ASK { ?s ?p 1 }").askAnswer, kg.sparql.result_rows is result_rows
    (True, True)
    """

    def __call__(self, graph: Graph, text: str) -> Result:
        """Run SPARQL text on a graph: see :func:`sparql`."""
        return sparql(graph, text)


sys.modules[__name__].__class__ = _CallableModule
