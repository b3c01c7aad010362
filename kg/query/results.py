"""Typed query results: numbers as numbers, booleans as booleans, dates as ISO text, lists.

The table format shows terms as the graph writes them; programs get values they can compute
with. :func:`typed_table` turns a SELECT (or ASK) result into columns and rows of Python
values: each term as :func:`kg.query.values.typed_value` reads it (numbers, booleans, ISO
dates, text), and a list column (``lists`` in a query's header) as a sorted ``list[str]``.

A date column in which any value is less precise than a day (``xsd:gYearMonth``,
``xsd:gYear``) gets a companion column ``<name>Precision`` (``day``, ``month`` or ``year``)
right after it, so ``2024-12`` reads as ``2024-12-01`` with precision ``month``.

:func:`rows` and :func:`dataframe` run a stored query (by name) or your own SPARQL and give
these rows, or a pandas DataFrame of them.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from rdflib import Graph
from rdflib.query import Result

from kg.errors import KgError
from kg.graph.io import load_curated
from kg.query.registry import QueryRegistry, StoredQuery, default_registry
from kg.query.sparql import run_query, sparql
from kg.query.values import precision, typed_value

if TYPE_CHECKING:
    import pandas

__all__ = [
    "TypedRow",
    "dataframe",
    "flat_rows",
    "rows",
    "typed_table",
    "typed_value",
]

#: One typed row: column name to value (None where unbound).
TypedRow = dict[str, Any]

#: A stored query's name, as opposed to SPARQL text.
_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")


def typed_table(
    result: Result, *, lists: Sequence[tuple[str, str]] = ()
) -> tuple[list[str], list[TypedRow]]:
    """Turn a SELECT or ASK result into columns and typed rows.

    An ASK result is one row ``{"answer": True}`` or ``False``.

    :param result: rdflib's result
    :param lists: list columns with their separators (a stored query's ``lists``)
    :returns: the columns, with any ``<name>Precision`` companions, and the rows
    :raises KgError: for a CONSTRUCT or DESCRIBE result (a graph, not rows)

    >>> import kg
    >>> g = Graph().parse(format="turtle", data='''
    ...     @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
    ...     <urn:a> <urn:d> "2024-12"^^xsd:gYearMonth ; <urn:s> "x y" .
    ...     <urn:b> <urn:d> "2023-04-25"^^xsd:date ; <urn:s> "z" .''')
    >>> columns, table = typed_table(
    ...     kg.run_sparql(g, "SELECT ?d ?s WHERE { ?x <urn:d> ?d ; <urn:s> ?s } ORDER BY ?d"),
    ...     lists=[("s", " ")])
    >>> columns
    ['d', 'dPrecision', 's']
    >>> table[0]
    {'d': '2023-04-25', 'dPrecision': 'day', 's': ['z']}
    """
    if result.type == "ASK":
        return ["answer"], [{"answer": bool(result.askAnswer)}]
    if result.type != "SELECT":
        raise KgError(f"a {result.type} result is a graph, not rows")
    variables = list(result.vars or [])
    separators = dict(lists)
    bindings = list(result.bindings)
    coarse = {
        variable
        for variable in variables
        if any(precision(binding.get(variable)) in ("month", "year") for binding in bindings)
    }
    names = {str(variable) for variable in variables}
    columns: list[str] = []
    for variable in variables:
        columns.append(str(variable))
        if variable in coarse and f"{variable}Precision" not in names:
            columns.append(f"{variable}Precision")
    table = []
    for binding in bindings:
        row: TypedRow = {}
        for variable in variables:
            term = binding.get(variable)
            name = str(variable)
            if name in separators:
                items = None if term is None else str(term).split(separators[name])
                row[name] = None if items is None else sorted(filter(None, items))
            else:
                row[name] = typed_value(term)
            if variable in coarse and f"{name}Precision" not in names:
                row[f"{name}Precision"] = precision(term)
        table.append(row)
    return columns, table


def flat_rows(
    table: Sequence[TypedRow], *, lists: Sequence[tuple[str, str]] = ()
) -> list[TypedRow]:
    """Join each list value back into one text with its column's separator (for CSV and TSV).

    >>> flat_rows([{"s": ["a", "b"], "n": 1}], lists=[("s", " ")])
    [{'s': 'a b', 'n': 1}]
    """
    separators = dict(lists)
    return [
        {
            name: separators.get(name, "; ").join(value) if isinstance(value, list) else value
            for name, value in row.items()
        }
        for row in table
    ]


@functools.cache
def _curated() -> Graph:
    return load_curated()


def _resolve(
    query: str | StoredQuery, graph: Graph | None, params: Mapping[str, Any]
) -> tuple[Result, tuple[tuple[str, str], ...]]:
    target = _curated() if graph is None else graph
    values = {name: str(value) for name, value in params.items()}
    if isinstance(query, StoredQuery):
        stored = query
    elif _NAME.match(query.strip()):
        stored = _registry()[query.strip()]
    else:
        if values:
            raise KgError("parameters are for stored queries; write the values into your SPARQL")
        return sparql(target, query), ()
    return run_query(target, stored, values), stored.lists


def _registry() -> QueryRegistry:
    return default_registry()


def rows(query: str | StoredQuery, graph: Graph | None = None, **params: Any) -> list[TypedRow]:
    """Run a stored query (by name) or your own SPARQL, and return typed rows.

    :param query: a stored query's name (see ``kg queries``), or SELECT or ASK text
    :param graph: the graph to query; the curated graph by default (loaded once per process
        and shared: do not change it)
    :param params: the stored query's parameters (names and ids are resolved, as in
        ``kg query -p``); a date may be a :class:`datetime.date`
    :returns: one dict per row, values typed as the module says
    :raises UnknownQueryError: if no stored query has that name
    :raises ParameterError: if a parameter is missing, unknown or ambiguous
    :raises KgError: for a CONSTRUCT or DESCRIBE query, or parameters given with SPARQL text

    >>> import kg
    >>> valor = kg.rows("trial-results", trial="VALOR")
    >>> [(row["effect"], row["effectEstimate"]) for row in valor if row["effect"]]
    [('mean difference 1.2', 1.2)]
    >>> kg.rows("SELECT (COUNT(*) AS ?n) WHERE { ?t a <https://w3id.org/als-kg/ontology#Therapy> }")[0]["n"] > 10
    True
    """  # noqa: E501
    result, lists = _resolve(query, graph, params)
    return typed_table(result, lists=lists)[1]


def dataframe(
    query: str | StoredQuery, graph: Graph | None = None, **params: Any
) -> pandas.DataFrame:
    """Run a stored query (by name) or your own SPARQL, and return a pandas DataFrame.

    Numbers make numeric columns (unbound values are NaN), booleans boolean ones, dates ISO
    text that ``pandas.to_datetime`` reads, with a ``<name>Precision`` column beside a date
    column whose values are not all days; list columns hold Python lists
    (``frame.explode("sources")`` gives one row per value). Needs pandas
    (``pip install 'als-kg[pandas]'``).

    :param query: a stored query's name, or SELECT or ASK text
    :param graph: the graph to query; the curated graph by default
    :param params: the stored query's parameters
    :returns: one row per result row, the columns in the query's order
    :raises KgError: if pandas is not installed, and as :func:`rows` does

    >>> import kg
    >>> frame = kg.dataframe("trial-results", trial="ALSummit")
    >>> str(frame["pValueNumber"].dtype)
    'float64'
    """
    try:
        import pandas
    except ImportError as error:
        raise KgError(
            "kg.dataframe needs pandas: pip install 'als-kg[pandas]' (or pip install pandas)"
        ) from error
    result, lists = _resolve(query, graph, params)
    columns, table = typed_table(result, lists=lists)
    return pandas.DataFrame.from_records(table, columns=columns)
