"""Running SPARQL on a graph: stored queries by name with parameters, or ad-hoc text."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from rdflib import Graph, Literal, Variable
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.plugins.sparql.sparql import Query
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from rdflib.query import Result, ResultRow
from rdflib.term import Identifier, Node

from kg.errors import KgError
from kg.graph.oxigraph import TermConverter, oxigraph_store, query_store
from kg.query.parameters import bind_parameters
from kg.query.registry import QueryRegistry, StoredQuery, default_registry
from kg.query.values import typed_value

__all__ = [
    "QueryError",
    "Row",
    "break_ties",
    "graph_result",
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

    The query runs where the graph lives. On an Oxigraph store (the default of
    :func:`kg.load`) it goes straight to pyoxigraph, and a SELECT's rows are kept as
    pyoxigraph gives them: a term becomes an rdflib term only when ``bindings`` is read,
    and :func:`result_rows` reads the text of each term directly. On rdflib's own stores,
    rdflib's engine runs it, and the parsed query is kept for the next call with the same
    text (rdflib takes 20 to 80 ms to parse a stored query, often longer than running it).
    On a SPARQL server, the server runs it.

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
            result = graph.query(query)
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
    """Run a query on the pyoxigraph store under ``graph``; keep a SELECT's rows as they are."""
    import pyoxigraph

    prefixes = {prefix: str(namespace) for prefix, namespace in graph.namespaces()}
    answer = query_store(store, graph, text, prefixes=prefixes)
    if isinstance(answer, pyoxigraph.QueryBoolean):
        result = Result("ASK")
        result.askAnswer = bool(answer)
        return result
    if isinstance(answer, pyoxigraph.QuerySolutions):
        variables = [Variable(variable.value) for variable in answer.variables]
        return OxigraphRows(variables, list(answer))
    return graph_result(answer)


def graph_result(triples: Any) -> Result:
    """Turn pyoxigraph's triples (a CONSTRUCT or DESCRIBE answer) into rdflib's result.

    >>> import pyoxigraph
    >>> store = pyoxigraph.Store()
    >>> store.add(pyoxigraph.Quad(pyoxigraph.NamedNode("urn:a"), pyoxigraph.NamedNode("urn:p"),
    ...                           pyoxigraph.Literal("x")))
    >>> result = graph_result(store.query("CONSTRUCT WHERE { ?s ?p ?o }"))
    >>> result.type, len(result.graph)
    ('CONSTRUCT', 1)
    """
    convert = TermConverter()
    result = Result("CONSTRUCT")
    result.graph = Graph()
    for triple in triples:
        result.graph.add(
            (convert(triple.subject), convert(triple.predicate), convert(triple.object))
        )
    return result


class OxigraphRows(Result):
    """A SELECT result as pyoxigraph gave it: rdflib terms are made only when asked for.

    ``raw`` holds one sequence of pyoxigraph terms (None where unbound) per row, in the
    order of ``vars``. Reading ``bindings`` converts them (once); :func:`result_rows`
    reads each term's text without making rdflib terms.

    >>> import pyoxigraph
    >>> rows = OxigraphRows([Variable("x")], [(pyoxigraph.Literal("a"),), (None,)])
    >>> rows.bindings
    [{rdflib.term.Variable('x'): rdflib.term.Literal('a')}, {}]
    >>> result_rows(rows)
    [{'x': 'a'}, {'x': None}]
    """

    def __init__(self, variables: list[Variable], raw: list[Any]) -> None:
        """Hold the rows; see the class docstring."""
        super().__init__("SELECT")
        self.vars = variables
        self.raw = raw
        self._converted: list[Mapping[Variable, Identifier]] | None = None
        #: The stored query whose list columns and tied rows are still to be sorted.
        self.tidy: StoredQuery | None = None

    @property
    def bindings(self) -> list[Mapping[Variable, Identifier]]:
        """The rows as rdflib solutions, variable to term (unbound variables left out)."""
        if self._converted is None:
            convert = TermConverter()
            variables = self.vars or []
            self._converted = [
                {
                    name: convert(term)
                    for name, term in zip(variables, row, strict=True)
                    if term is not None
                }
                for row in self.raw
            ]
            if self.tidy is not None:
                self._converted = _tidied(self._converted, variables, self.tidy)
        return self._converted

    @bindings.setter
    def bindings(self, solutions: Any) -> None:
        self._converted = list(solutions)

    def __iter__(self) -> Any:
        """Give the rows as rdflib's result rows (what iterating rdflib's result gives)."""
        for solution in self.bindings:
            yield ResultRow(solution, self.vars or [])

    def texts(self) -> list[Row]:
        """Give each row as column name to term text, as :func:`result_rows` does."""
        if self._converted is not None:
            return _rows_of(self)
        text = _TermText()
        names = [str(variable) for variable in self.vars or []]
        literal = text.literal
        texts = [
            [
                None if term is None else term.value if type(term) is not literal else text(term)
                for term in row
            ]
            for row in self.raw
        ]
        if self.tidy is not None:
            texts = self._tidy_texts(texts, names, self.tidy)
        return [dict(zip(names, row, strict=True)) for row in texts]

    def _tidy_texts(
        self, texts: list[list[str | None]], names: list[str], stored: StoredQuery
    ) -> list[list[str | None]]:
        """Sort list columns and tied rows on the rows' text, as :func:`_tidied` on terms."""
        for column, separator in stored.lists:
            if column not in names:
                continue
            index = names.index(column)
            for row in texts:
                value = row[index]
                if value is not None and (separator in value or not value):
                    items = sorted(item for item in value.split(separator) if item)
                    row[index] = separator.join(items) if items else None
        if stored.order is None:
            return texts
        keys = [names.index(column) for column in stored.order if column in names]
        convert = TermConverter()
        variables = list(self.vars or [])
        lists = dict(stored.lists)

        def typed(position: int) -> tuple[tuple[int, str], ...]:
            row = {
                variable: Literal(value) if str(variable) in lists else convert(term)
                for variable, term, value in zip(
                    variables, self.raw[position], texts[position], strict=True
                )
                if term is not None and value is not None
            }
            return _tie_key(row, variables)

        tied = [tuple(row[k] for k in keys) for row in texts]  # ties compared on text
        order = _order_runs(range(len(texts)), lambda a, b: tied[a] == tied[b], typed)
        return [texts[position] for position in order]


class _TermText:
    """Read a pyoxigraph term's text as :func:`term_text` gives it for the rdflib term.

    IRIs, blank nodes, strings and language-tagged strings give their value as it is;
    another typed literal is turned into its rdflib term once (rdflib may write its lexical
    form canonically, ``"01"^^xsd:integer`` as ``1``), and remembered.
    """

    def __init__(self) -> None:
        import pyoxigraph

        self.literal = pyoxigraph.Literal
        self._convert = TermConverter()
        self._typed: dict[Any, str] = {}

    def __call__(self, term: Any) -> str:
        if type(term) is not self.literal or term.language:
            return str(term.value)
        if term.datatype.value == _XSD_STRING:
            return str(term.value)
        known = self._typed.get(term)
        if known is None:
            known = self._typed[term] = str(self._convert(term))
        return known


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def run_query(
    graph: Graph,
    query: str | StoredQuery,
    params: Mapping[str, str] | None = None,
    *,
    registry: QueryRegistry | None = None,
    today: datetime.date | None = None,
) -> Result:
    """Run a stored query, by name or as a :class:`~kg.query.registry.StoredQuery`, with parameters.

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
    if isinstance(result, OxigraphRows) and (stored.lists or stored.order is not None):
        result.tidy = stored  # done when the rows are read, on terms or on text
    elif result.type == "SELECT" and (stored.lists or stored.order is not None):
        result.bindings = _tidied(result.bindings, list(result.vars or []), stored)
    return result


def _tidied(
    bindings: Sequence[Mapping[Variable, Identifier]],
    variables: list[Variable],
    stored: StoredQuery,
) -> list[Mapping[Variable, Identifier]]:
    """Sort the values in a stored query's list columns, and its tied rows (see run_query)."""
    solutions: list[Mapping[Variable, Identifier]] = [
        sort_lists(binding, stored.lists) for binding in bindings
    ]
    if stored.order is not None:
        solutions = break_ties(solutions, [Variable(c) for c in stored.order], variables)
    return solutions


def _tie_key(
    row: Mapping[Variable, Identifier], variables: list[Variable]
) -> tuple[tuple[int, str], ...]:
    """Give the sort key of a row among rows tied on the ORDER BY columns: its typed values."""
    return tuple(
        (0, "") if row.get(v) is None else (1, repr(typed_value(row.get(v)))) for v in variables
    )


def _order_runs(rows: Sequence[Any], same: Any, key: Any) -> list[Any]:
    """Keep rows in order, sorting each run of rows that ``same`` says tie by ``key``."""
    ordered: list[Any] = []
    run: list[Any] = []
    for row in rows:
        if run and not same(run[0], row):
            ordered += sorted(run, key=key) if len(run) > 1 else run
            run = []
        run.append(row)
    return ordered + (sorted(run, key=key) if len(run) > 1 else run)


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
    return _order_runs(
        solutions,
        lambda a, b: all(a.get(key) == b.get(key) for key in keys),
        lambda row: _tie_key(row, variables),
    )


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
    if isinstance(result, OxigraphRows):
        return result.texts()
    return _rows_of(result)


def _rows_of(result: Result) -> list[Row]:
    """Read rdflib's solutions as rows of text (see :func:`result_rows`)."""
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
